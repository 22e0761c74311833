//! Every task's arguments, parsed in one place into typed flags (in the
//! manner of rust-analyzer's xtask), and the usage text they come from.

use std::path::PathBuf;

use anyhow::{bail, Result};

/// The usage of every task; each task's `--help` prints its own part.
pub const USAGE: &str = "\
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
    /// `extract`.
    Extract(Extract),
    /// `probe`.
    Probe(Probe),
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
    let mut args = rest.iter();
    Ok(match task {
        Some("regen") => {
            let mut flags = Regen::default();
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => flags.check = true,
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
                    "--format" => {
                        format = value(&mut args, "--format", "text, json or markdown")?
                            .parse()
                            .map_err(anyhow::Error::msg)?
                    }
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
                check: true
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
        assert!(
            matches!(parse(&args("extract --help")).unwrap(), Task::Help(u) if u.starts_with("usage: cargo xtask extract"))
        );
        for bad in [
            "regen --nope",
            "diff only-one",
            "extract",
            "probe",
            "probe --x a",
            "frobnicate",
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad}");
        }
    }
}
