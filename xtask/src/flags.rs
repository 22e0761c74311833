//! Every task's arguments, parsed in one place into typed flags (in the
//! manner of rust-analyzer's xtask), and the usage text they come from.

use std::path::PathBuf;

use anyhow::{bail, Result};

/// The usage of every task; each task's `--help` prints its own part.
pub const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  regen [--upstream PATH|URL]... [--check] [--compile]
      Extract spec/openapi.json from the upstream docs pages (default:
      spec/upstream/), generate the client and its mock layer, write what
      changed and show it: first a drift report in words, then unified diffs.
      What the generator cannot take is generated untyped and named.
      --upstream  a page file, a folder of pages, or an http(s) URL of a page
                  (repeatable; replaces the default input)
      --check     write nothing; exit 1 if anything would change
      --compile   also compile the client (minutes): each compile error is
                  traced to its schema or operation, which spec/openapi.json
                  then asks to generate untyped (x-sailpoint-degrade), named
                  in the report

  diff OLD NEW [--format text|json|markdown] [--check] [--fail-on breaking]
      What changed between two API descriptions, and what breaks for callers
      of the generated client. Each side is an OpenAPI JSON file, a docs
      page, a folder of pages, or an http(s) URL.
      --check             exit 1 if anything changed
      --fail-on breaking  exit 1 only if something breaks callers

  migrate LEGACY [TARGET] [--format text|json|markdown]
      From a legacy API (beta, v3, v2024...: the version in the server URL)
      to the per-service versioned API (TARGET, default: spec/upstream/, the
      v1 pages): each legacy operation's successor (same route once the
      version is left out, or same operationId less its V1/V2 suffix),
      checked, and what changes for code calling it (method, parameters,
      body and response types); operations without one, and why. Markdown
      for a migration guide, JSON for tools. Each side is an OpenAPI JSON
      file, a docs page, a folder of pages, or an http(s) URL.

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
                            upstream spec), matched by shape: exactly, then
                            tolerantly (descriptions, `nullable` and the like
                            aside; an object with a property more or less)
      --accept-quarantined  exit 0 even when pages were quarantined

  probe SPEC...
      Generate a client and its httpmock layer for each OpenAPI JSON spec
      with this project's codegen, build them all with one `cargo check` of
      a scratch crate (a module per spec), and report per spec `N operations
      in spec, N methods generated, N mocks` and the adaptations applied.
      Fails if an operation is missing or the crate does not compile.

  refresh [SPEC|URL] [--check] [--root DIR] [--markdown FILE] [--fail-on breaking]
          [--accept-quarantined]
      Make the upstream docs pages anew from the OpenAPI spec SailPoint
      publishes (default: the release asset its docs site names,
      https://github.com/sailpoint-oss/api-specs/releases/latest/download/deref-sailpoint-api.yaml),
      the way its docs site makes them: docusaurus-plugin-openapi-docs at
      the version xtask/docs-plugin/package.json pins (installed with npm on
      first use into ~/.cache/sailpoint-rs/docs-plugin, or
      $SAILPOINT_DOCS_PLUGIN_CACHE; needs node 20.19+ and npm) with SailPoint's
      frontmatter template. Then extract and generate from the new pages,
      replace spec/upstream/ at once, write the generated files, and print
      the drift report. Nothing is written when anything fails, nor when no
      page changes.
      --check               write nothing; exit 1 if the pages or files would change
      --root DIR            the workspace to refresh (default: this one)
      --markdown FILE       also write the report as Markdown (a pull request's body)
      --fail-on breaking    exit 1 when a change breaks callers (still written)
      --accept-quarantined  replace the upstream even when the extractor
                            quarantines some of the new pages

exit codes: 0 no drift (or drift not asked to fail), 1 drift found, 2 error
";

/// The part of [`USAGE`] about `task`: its line and the lines indented under it.
pub fn task_usage(task: &str) -> Option<String> {
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

/// `cargo xtask regen` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Regen {
    /// `--upstream`, repeatable: pages, folders or URLs.
    pub upstream: Vec<String>,
    /// `--check`: write nothing, fail when stale.
    pub check: bool,
    /// `--compile`: compile the client too, and degrade the schemas and
    /// operations behind its compile errors.
    pub compile: bool,
}

/// `cargo xtask diff` flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// The older side.
    pub old: String,
    /// The newer side.
    pub new: String,
    /// `--format`.
    pub format: spec_drift::Format,
    /// `--check` (or `--fail-on any`): fail on any change.
    pub check: bool,
    /// `--fail-on breaking`: fail on a breaking change.
    pub fail_on_breaking: bool,
}

/// `cargo xtask migrate` flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrate {
    /// The legacy API.
    pub legacy: String,
    /// The target API (the vendored upstream when absent).
    pub target: Option<String>,
    /// `--format`.
    pub format: spec_drift::Format,
}

/// `cargo xtask extract` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extract {
    /// Pages, folders of pages or URLs.
    pub inputs: Vec<String>,
    /// `-o`: the file to write (stdout when absent).
    pub output: Option<PathBuf>,
    /// `--names`: a names file.
    pub names: Option<PathBuf>,
    /// `--names-from`: an OpenAPI document to borrow names from.
    pub names_from: Option<PathBuf>,
    /// `--accept-quarantined`: exit 0 even when pages were quarantined.
    pub accept_quarantined: bool,
}

/// `cargo xtask refresh` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refresh {
    /// The spec file or URL (SailPoint's release asset when absent).
    pub source: Option<String>,
    /// `--check`: write nothing, fail when something would change.
    pub check: bool,
    /// `--root`: the workspace to refresh.
    pub root: Option<PathBuf>,
    /// `--markdown`: where to write the report as Markdown.
    pub markdown: Option<PathBuf>,
    /// `--fail-on breaking`: fail when a change breaks callers.
    pub fail_on_breaking: bool,
    /// `--accept-quarantined`: replace the upstream even with quarantined pages.
    pub accept_quarantined: bool,
}

/// `cargo xtask probe` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    /// The spec files.
    pub specs: Vec<PathBuf>,
}

/// A task to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// `regen`.
    Regen(Regen),
    /// `diff`.
    Diff(Diff),
    /// `migrate`.
    Migrate(Migrate),
    /// `extract`.
    Extract(Extract),
    /// `probe`.
    Probe(Probe),
    /// `refresh`.
    Refresh(Refresh),
    /// Print this usage text (`help`, `-h`, `TASK --help`).
    Help(String),
}

/// Parses the arguments after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Task> {
    let task = args.first().map(String::as_str);
    let rest = args.get(1..).unwrap_or_default();
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        if let Some(usage) = task.and_then(task_usage) {
            return Ok(Task::Help(usage));
        }
    }
    let value =
        |args: &mut std::slice::Iter<'_, String>, flag: &str, what: &str| -> Result<String> {
            match args.next() {
                Some(v) => Ok(v.clone()),
                None => bail!("{flag} needs {what}"),
            }
        };
    let unknown = |arg: &str| anyhow::anyhow!("unknown argument `{arg}`\n\n{USAGE}");
    let format_value = |args: &mut std::slice::Iter<'_, String>| -> Result<spec_drift::Format> {
        value(args, "--format", "text, json or markdown")?
            .parse()
            .map_err(anyhow::Error::msg)
    };
    let mut args = rest.iter();
    Ok(match task {
        Some("regen") => {
            let mut flags = Regen::default();
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => flags.check = true,
                    "--compile" => flags.compile = true,
                    "--upstream" => {
                        flags
                            .upstream
                            .push(value(&mut args, "--upstream", "a path or URL")?)
                    }
                    other => return Err(unknown(other)),
                }
            }
            Task::Regen(flags)
        }
        Some("diff") => {
            let (mut sides, mut format, mut check, mut fail_on_breaking) =
                (Vec::new(), spec_drift::Format::Text, false, false);
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--format" => format = format_value(&mut args)?,
                    "--check" => check = true,
                    "--fail-on" => match args.next().map(String::as_str) {
                        Some("breaking") => fail_on_breaking = true,
                        Some("any") => check = true,
                        other => bail!("--fail-on takes `breaking` or `any`, not {other:?}"),
                    },
                    other if other.starts_with("--") => return Err(unknown(other)),
                    side => sides.push(side.to_owned()),
                }
            }
            let [old, new] = <[String; 2]>::try_from(sides)
                .map_err(|_| anyhow::anyhow!("diff takes two sides, OLD and NEW\n\n{USAGE}"))?;
            Task::Diff(Diff {
                old,
                new,
                format,
                check,
                fail_on_breaking,
            })
        }
        Some("migrate") => {
            let (mut sides, mut format) = (Vec::new(), spec_drift::Format::Text);
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--format" => format = format_value(&mut args)?,
                    other if other.starts_with("--") => return Err(unknown(other)),
                    side => sides.push(side.to_owned()),
                }
            }
            let mut sides = sides.into_iter();
            let (Some(legacy), target, None) = (sides.next(), sides.next(), sides.next()) else {
                bail!("migrate takes a legacy API and at most one target\n\n{USAGE}");
            };
            Task::Migrate(Migrate {
                legacy,
                target,
                format,
            })
        }
        Some("extract") => {
            let mut flags = Extract::default();
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "-o" | "--output" => {
                        flags.output = Some(value(&mut args, "-o", "a file")?.into())
                    }
                    "--names" => flags.names = Some(value(&mut args, "--names", "a file")?.into()),
                    "--names-from" => {
                        flags.names_from =
                            Some(value(&mut args, "--names-from", "an OpenAPI JSON file")?.into())
                    }
                    "--accept-quarantined" => flags.accept_quarantined = true,
                    other if other.starts_with('-') => return Err(unknown(other)),
                    input => flags.inputs.push(input.to_owned()),
                }
            }
            if flags.inputs.is_empty() {
                bail!("extract needs at least one page or folder\n\n{USAGE}");
            }
            Task::Extract(flags)
        }
        Some("probe") => {
            if let Some(flag) = rest.iter().find(|a| a.starts_with('-')) {
                return Err(unknown(flag));
            }
            if rest.is_empty() {
                bail!("probe takes one or more spec files\n\n{USAGE}");
            }
            Task::Probe(Probe {
                specs: rest.iter().map(Into::into).collect(),
            })
        }
        Some("refresh") => {
            let mut flags = Refresh::default();
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => flags.check = true,
                    "--root" => flags.root = Some(value(&mut args, "--root", "a folder")?.into()),
                    "--markdown" => {
                        flags.markdown = Some(value(&mut args, "--markdown", "a file")?.into())
                    }
                    "--fail-on" => match args.next().map(String::as_str) {
                        Some("breaking") => flags.fail_on_breaking = true,
                        other => bail!("refresh --fail-on takes `breaking`, not {other:?}"),
                    },
                    "--accept-quarantined" => flags.accept_quarantined = true,
                    other if other.starts_with('-') => return Err(unknown(other)),
                    source if flags.source.is_none() => flags.source = Some(source.to_owned()),
                    extra => bail!("refresh takes one spec, not also `{extra}`\n\n{USAGE}"),
                }
            }
            Task::Refresh(flags)
        }
        Some("help" | "-h" | "--help") | None => Task::Help(USAGE.to_owned()),
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_task_parses_into_its_flags() {
        assert_eq!(
            parse(&args("regen --upstream a --upstream b --check")).unwrap(),
            Task::Regen(Regen {
                upstream: vec!["a".into(), "b".into()],
                check: true,
                compile: false
            })
        );
        let Task::Diff(diff) = parse(&args("diff old new --fail-on breaking")).unwrap() else {
            panic!("a diff")
        };
        assert_eq!(
            (diff.old.as_str(), diff.new.as_str(), diff.fail_on_breaking),
            ("old", "new", true)
        );
        let Task::Extract(extract) = parse(&args(
            "extract pages -o out.json --names n.yaml --accept-quarantined",
        ))
        .unwrap() else {
            panic!("an extract")
        };
        assert_eq!(extract.inputs, ["pages"]);
        assert!(extract.accept_quarantined && extract.names.is_some());
        assert!(
            matches!(parse(&args("probe a.json b.json")).unwrap(), Task::Probe(p) if p.specs.len() == 2)
        );
        assert_eq!(
            parse(&args("migrate beta --format markdown")).unwrap(),
            Task::Migrate(Migrate {
                legacy: "beta".into(),
                target: None,
                format: spec_drift::Format::Markdown
            })
        );
        assert!(
            matches!(parse(&args("migrate beta v1")).unwrap(), Task::Migrate(m) if m.target.as_deref() == Some("v1"))
        );
        assert!(
            matches!(parse(&args("extract --help")).unwrap(), Task::Help(u) if u.starts_with("usage: cargo xtask extract"))
        );
        assert_eq!(
            parse(&args(
                "refresh spec.yaml --check --root r --markdown b.md --fail-on breaking"
            ))
            .unwrap(),
            Task::Refresh(Refresh {
                source: Some("spec.yaml".into()),
                check: true,
                root: Some("r".into()),
                markdown: Some("b.md".into()),
                fail_on_breaking: true,
                accept_quarantined: false,
            })
        );
        assert_eq!(
            parse(&args("refresh")).unwrap(),
            Task::Refresh(Refresh::default())
        );
        assert!(
            matches!(parse(&args("refresh --help")).unwrap(), Task::Help(u) if u.contains("--accept-quarantined"))
        );
        for bad in [
            "regen --nope",
            "diff only-one",
            "migrate",
            "migrate a b c",
            "migrate a --nope",
            "extract",
            "probe",
            "probe --x a",
            "refresh a b",
            "refresh --fail-on any",
            "refresh --root",
            "frobnicate",
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad}");
        }
    }
}
