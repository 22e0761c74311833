//! `cargo xtask`: the project's maintenance tasks. Run `cargo xtask help`.

use std::process::ExitCode;

use anyhow::{bail, Result};
use xtask::{workspace_root, REGEN_COMMAND};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  regen [--upstream PATH|URL]... [--check]
      Extract spec/openapi.json from the upstream docs pages (default:
      spec/upstream/), generate the client, write both and show what changed.
      --upstream  a page file, a folder of pages, or an http(s) URL of a page
                  (repeatable; replaces the default input)
      --check     write nothing; exit 1 if anything would change
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

fn run(args: &[String]) -> Result<ExitCode> {
    match args.first().map(String::as_str) {
        Some("regen") => regen(&args[1..]),
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
    if !outcome.stale() {
        let paths: Vec<&str> = outcome.changes.iter().map(|c| c.path).collect();
        eprintln!("up to date: {}", paths.join(", "));
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
