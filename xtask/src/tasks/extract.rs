//! `cargo xtask extract PATH|URL...`: pages into one OpenAPI document.

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::flags::Extract;

/// Runs the extraction, writes the document and prints the report.
pub fn run(flags: Extract) -> Result<ExitCode> {
    use std::io::IsTerminal as _;
    let Extract {
        inputs,
        output,
        names,
        names_from,
        accept_quarantined,
    } = flags;
    let mut names = match names {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading the names file {}", path.display()))?;
            docusaurus_openapi_extract::NamesFile::parse(&path.display().to_string(), &text)?
        }
        None => docusaurus_openapi_extract::NamesFile::default(),
    };
    if let Some(path) = names_from {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let doc: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{}: not an OpenAPI JSON document", path.display()))?;
        names.borrowed = docusaurus_openapi_extract::NamesFile::borrow_from(&doc);
        names.tolerant = docusaurus_openapi_extract::NamesFile::borrow_tolerantly_from(&doc);
    }
    let sources = crate::sources::load(&inputs)?;
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
            crate::write_atomically(&path, &json)?;
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
