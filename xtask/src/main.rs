//! `cargo xtask`: the project's maintenance tasks. Run `cargo xtask help`.

use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use xtask::{workspace_root, REGEN_COMMAND};

/// Extraction builds and drops millions of small JSON values; mimalloc does
/// that about a quarter faster than glibc's malloc (see the extract bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  regen [--upstream PATH|URL]... [--check]
      Extract spec/openapi.json from the upstream docs pages (default:
      spec/upstream/), generate the client and its mock layer, write what
      changed and show it: first a drift report in words, then unified diffs.
      --upstream  a page file, a folder of pages, or an http(s) URL of a page
                  (repeatable; replaces the default input)
      --check     write nothing; exit 1 if anything would change

  diff OLD NEW [--format text|json|markdown] [--check] [--fail-on breaking]
      What changed between two API descriptions, and what breaks for callers
      of the generated client. Each side is an OpenAPI JSON file, a docs
      page, a folder of pages, or an http(s) URL.
      --check             exit 1 if anything changed
      --fail-on breaking  exit 1 only if something breaks callers

  extract PATH|URL... [-o FILE] [--names FILE] [--names-from FILE] [--accept-quarantined]
      Pages and folders of pages (any docusaurus-plugin-openapi-docs site),
      or http(s) URLs of pages, into one OpenAPI 3.0.3 document: stdout, or
      FILE (written atomically). The report goes to stderr: pages by kind,
      every fixup with the page it touched, every warning, every quarantined
      page with its reason, and `N pages → N operations, N repaired,
      N quarantined`. A page that cannot be kept is quarantined (left out);
      the document holds every other operation.
      --names FILE          component names to apply (like spec/names.yaml)
      --names-from FILE     borrow component names from another OpenAPI JSON
                            document that has them (a later docs version, the
                            upstream spec), matched by shape
      --accept-quarantined  exit 0 even when pages were quarantined

  probe SPEC...
      Generate a client and its httpmock layer for each OpenAPI JSON spec
      with this project's codegen, build them all with one `cargo check` of
      a scratch crate (a module per spec), and report per spec `N operations
      in spec, N methods generated, N mocks` and the adaptations applied.
      Fails if an operation is missing or the crate does not compile.

exit codes: 0 no drift (or drift not asked to fail), 1 drift found, 2 error
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The part of [`USAGE`] about `task`: its line and the lines indented under it.
fn task_usage(task: &str) -> Option<String> {
    let mut lines = USAGE.lines().skip_while(|l| {
        !(l.strip_prefix("  ")
            .is_some_and(|rest| rest == task || rest.starts_with(&format!("{task} "))))
    });
    let first = lines.next()?;
    let rest: Vec<&str> = lines.take_while(|l| l.starts_with("    ")).collect();
    Some(format!(
        "usage: cargo xtask {}\n{}\n",
        first.trim(),
        rest.join("\n")
    ))
}

fn run(args: &[String]) -> Result<ExitCode> {
    let task = args.first().map(String::as_str);
    if args.len() > 1 && args[1..].iter().any(|a| a == "--help" || a == "-h") {
        if let Some(usage) = task.and_then(task_usage) {
            print!("{usage}");
            return Ok(ExitCode::SUCCESS);
        }
    }
    match task {
        Some("regen") => regen(&args[1..]),
        Some("diff") => diff(&args[1..]),
        Some("probe") => probe(&args[1..]),
        Some("extract") => extract(&args[1..]),
        Some("help" | "-h" | "--help") | None => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}

fn regen(args: &[String]) -> Result<ExitCode> {
    let mut upstream = Vec::new();
    let mut check = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--upstream" => match args.next() {
                Some(value) => upstream.push(value.clone()),
                None => bail!("--upstream needs a path or URL"),
            },
            other => bail!("unknown argument `{other}`\n\n{USAGE}"),
        }
    }
    let outcome = xtask::regen(&workspace_root(), &upstream, check)?;
    eprint!("{}", outcome.report);
    if !outcome.drift.is_empty() {
        println!("{}", outcome.drift.to_text(use_color()));
    }
    if !outcome.quarantined.is_empty() {
        println!(
            "{} upstream page(s) quarantined: their operations are not in the client",
            outcome.quarantined.len()
        );
        for q in &outcome.quarantined {
            println!("  - {q}");
        }
    }
    if !outcome.stale() {
        let paths: Vec<&str> = outcome.changes.iter().map(|c| c.path).collect();
        eprintln!("up to date: {}", paths.join(", "));
        if check && !outcome.quarantined.is_empty() {
            eprintln!("drift: upstream pages are quarantined (listed above)");
            return Ok(ExitCode::FAILURE);
        }
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", outcome.diff);
    let list = outcome.changed_paths().join(", ");
    if check {
        eprintln!(
            "stale: {list}\nthe generated files do not match the upstream docs; run `{REGEN_COMMAND}` and commit the result"
        );
        return Ok(ExitCode::FAILURE);
    }
    eprintln!("wrote {list}");
    Ok(ExitCode::SUCCESS)
}

/// Colour only on a terminal, and not when NO_COLOR is set.
fn use_color() -> bool {
    use std::io::IsTerminal as _;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn diff(args: &[String]) -> Result<ExitCode> {
    let mut sides = Vec::new();
    let mut format = spec_drift::Format::Text;
    let mut check = false;
    let mut fail_on_breaking = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => match args.next() {
                Some(f) => format = f.parse().map_err(anyhow::Error::msg)?,
                None => bail!("--format needs text, json or markdown"),
            },
            "--check" => check = true,
            "--fail-on" => match args.next().map(String::as_str) {
                Some("breaking") => fail_on_breaking = true,
                Some("any") => check = true,
                other => bail!("--fail-on takes `breaking` or `any`, not {other:?}"),
            },
            other if other.starts_with("--") => bail!("unknown argument `{other}`\n\n{USAGE}"),
            side => sides.push(side.to_owned()),
        }
    }
    let [old, new] = sides.as_slice() else {
        bail!("diff takes two sides, OLD and NEW\n\n{USAGE}");
    };
    let root = workspace_root();
    // The new side's shapes keep the names the old side gave them, as
    // regen keeps them with spec/names.lock.
    let old = xtask::load_side(&root, old, None)?;
    let new = xtask::load_side(&root, new, Some(&old.lock))?;
    let mut report = spec_drift::diff(&old.document, &new.document);
    report
        .changes
        .extend(xtask::adaptation_notes(&old.document, &new.document));
    // What the repairs say about upstream.
    report
        .changes
        .extend(xtask::fixup_notes(&old.document, &new.document));
    report.normalize();
    print!(
        "{}",
        report.render(format, format == spec_drift::Format::Text && use_color())
    );
    let failed = (check && !report.is_empty()) || (fail_on_breaking && report.has_breaking());
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn probe(args: &[String]) -> Result<ExitCode> {
    if args.is_empty() {
        bail!("probe takes one or more spec files\n\n{USAGE}");
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with('-')) {
        bail!("unknown argument `{flag}`\n\n{USAGE}");
    }
    let specs: Vec<std::path::PathBuf> = args.iter().map(Into::into).collect();
    let started = std::time::Instant::now();
    let probe = xtask::probe::probe(&specs)?;
    let verdict = if probe.compiles {
        "compiles"
    } else {
        "does NOT compile"
    };
    for spec in &probe.specs {
        if let Some(error) = &spec.error {
            println!(
                "{}: {} operations in spec, NO client: {error}",
                spec.spec.display(),
                spec.operations
            );
            continue;
        }
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for a in &spec.adaptations {
            *counts.entry(a.adaptation).or_default() += 1;
        }
        let adapted: Vec<String> = counts.iter().map(|(n, c)| format!("{n} ×{c}")).collect();
        println!(
            "{}: {} operations in spec, {} methods generated, {} mocks; adaptations: {}",
            spec.spec.display(),
            spec.operations,
            spec.methods,
            spec.mocks,
            if adapted.is_empty() {
                "none".to_owned()
            } else {
                adapted.join(", ")
            }
        );
    }
    println!(
        "the crate with {} client(s) and mock layer(s) {verdict} ({}; {:.0} s)",
        probe.specs.len(),
        probe.crate_dir.display(),
        started.elapsed().as_secs_f64()
    );
    if !probe.compiles {
        eprintln!("{}", probe.check_output);
    }
    Ok(if probe.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn extract(args: &[String]) -> Result<ExitCode> {
    use std::io::IsTerminal as _;
    let mut inputs = Vec::new();
    let mut output = None;
    let mut names = docusaurus_openapi_extract::NamesFile::default();
    let mut accept_quarantined = false;
    let mut borrowed = std::collections::BTreeMap::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-o" | "--output" => match args.next() {
                Some(path) => output = Some(std::path::PathBuf::from(path)),
                None => bail!("-o needs a file"),
            },
            "--names" => match args.next() {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("reading the names file {path}"))?;
                    names = docusaurus_openapi_extract::NamesFile::parse(path, &text)?;
                }
                None => bail!("--names needs a file"),
            },
            "--names-from" => match args.next() {
                Some(path) => {
                    let text =
                        std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
                    let doc: serde_json::Value = serde_json::from_str(&text)
                        .with_context(|| format!("{path}: not an OpenAPI JSON document"))?;
                    borrowed = docusaurus_openapi_extract::NamesFile::borrow_from(&doc);
                }
                None => bail!("--names-from needs an OpenAPI JSON file"),
            },
            "--accept-quarantined" => accept_quarantined = true,
            other if other.starts_with('-') => bail!("unknown argument `{other}`\n\n{USAGE}"),
            input => inputs.push(input.to_owned()),
        }
    }
    if inputs.is_empty() {
        bail!("extract needs at least one page or folder\n\n{USAGE}");
    }
    let sources = xtask::sources::load(&inputs)?;
    let show_progress = std::io::stderr().is_terminal() && sources.pages.len() >= 50;
    let progress = |done: usize, total: usize| {
        if show_progress && (done.is_multiple_of(10) || done == total) {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!(
                "\r[{}{}] {done}/{total} pages",
                "=".repeat(filled),
                " ".repeat(width - filled)
            );
            if done == total {
                eprintln!();
            }
        }
    };
    names.borrowed = borrowed;
    let extraction =
        docusaurus_openapi_extract::extract_with_progress(&sources.pages, &names, &progress)?;
    eprint!("{}", extraction.report.describe(sources.skipped.len()));
    eprintln!(
        "{} components",
        extraction
            .document
            .pointer("/components/schemas")
            .and_then(|s| s.as_object())
            .map_or(0, |s| s.len())
    );
    let json = docusaurus_openapi_extract::to_pretty_json(&extraction.document);
    match output {
        Some(path) => {
            xtask::write_atomically(&path, &json)?;
            eprintln!("wrote {}", path.display());
        }
        None => print!("{json}"),
    }
    let quarantined = extraction.report.quarantined.len();
    // The process ends here: freeing a million small JSON nodes one by one
    // would only delay the exit (about 10 ms for a 365-page site).
    std::mem::forget(extraction);
    std::mem::forget(sources);
    if quarantined > 0 && !accept_quarantined {
        eprintln!(
            "{quarantined} page(s) quarantined (listed above): the document leaves them out; \
             pass --accept-quarantined to exit 0 anyway"
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
