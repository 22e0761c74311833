//! `docs-extract PATH... [--names FILE] [-o FILE]`: docusaurus-plugin-openapi-docs
//! pages (files or folders) → one OpenAPI 3.0.3 document, with a report on stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use docs_extract::{extract, read_sources, to_pretty_json, NamesFile, Sources};

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut output: Option<PathBuf> = None;
    let mut names = NamesFile::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-o" | "--output" => output = Some(args.next().ok_or("-o needs a file")?.into()),
            "--names" => {
                let path = args.next().ok_or("--names needs a file")?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                names = NamesFile::parse(&path, &text).map_err(|e| e.to_string())?;
            }
            "-h" | "--help" => {
                println!("usage: docs-extract PATH... [--names FILE] [-o FILE]");
                return Ok(());
            }
            _ => inputs.push(arg.into()),
        }
    }
    if inputs.is_empty() {
        return Err("usage: docs-extract PATH... [--names FILE] [-o FILE]".into());
    }
    let mut sources = Sources::default();
    for input in &inputs {
        let read = read_sources(input).map_err(|e| e.to_string())?;
        sources.pages.extend(read.pages);
        sources.skipped.extend(read.skipped);
    }
    let extraction = extract(&sources.pages, &names).map_err(|e| e.to_string())?;
    eprint!("{}", extraction.report.describe(sources.skipped.len()));
    let json = to_pretty_json(&extraction.document);
    match output {
        Some(path) => docs_extract::write_atomically(&path, &json)
            .map_err(|e| format!("{}: {e}", path.display())),
        None => {
            print!("{json}");
            Ok(())
        }
    }
}
