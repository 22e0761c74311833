//! `cargo xtask refresh`: see [`crate::refresh`].

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::flags::Refresh;
use crate::refresh::{refresh, Options};
use crate::workspace_root;

/// Runs `refresh` and prints what it found: the extraction's report and the
/// plugin's warnings on stderr, the spec, the pages and the drift report on
/// stdout; the Markdown report into `--markdown`'s file.
pub fn run(flags: Refresh) -> Result<ExitCode> {
    let Refresh {
        source,
        check,
        root,
        markdown,
        fail_on_breaking,
        accept_quarantined,
    } = flags;
    let root = match root {
        Some(root) => std::path::absolute(&root)
            .with_context(|| format!("the workspace {}", root.display()))?,
        None => workspace_root(),
    };
    let refreshed = refresh(
        &root,
        &Options {
            source,
            check,
            accept_quarantined,
            cache: None,
        },
    )?;
    for warning in &refreshed.warnings {
        eprintln!("plugin: {warning}");
    }
    eprint!("{}", refreshed.regen.report);
    print!("{}", refreshed.to_text(super::use_color()));
    if let Some(file) = &markdown {
        crate::write_atomically(file, &refreshed.to_markdown())
            .with_context(|| format!("writing the Markdown report to {}", file.display()))?;
    }
    eprintln!("{}", refreshed.timings.line());
    let breaking = refreshed.regen.drift.has_breaking();
    if check {
        if refreshed.changed() {
            eprintln!(
                "the upstream changed: run `cargo xtask refresh{}` and commit the result",
                if refreshed.spec.origin == crate::refresh::DEFAULT_SOURCE {
                    String::new()
                } else {
                    format!(" {}", refreshed.spec.origin)
                }
            );
            return Ok(ExitCode::FAILURE);
        }
        eprintln!("up to date with {}", refreshed.spec.origin);
        return Ok(ExitCode::SUCCESS);
    }
    if refreshed.written {
        eprintln!(
            "replaced {} ({}) and wrote {}",
            crate::paths::UPSTREAM,
            refreshed.pages.summary(),
            {
                let files = refreshed.regen.changed_paths();
                if files.is_empty() {
                    "no generated file".to_owned()
                } else {
                    files.join(", ")
                }
            }
        );
    } else {
        eprintln!(
            "no upstream page changed: {} left as it was",
            crate::paths::UPSTREAM
        );
    }
    if fail_on_breaking && breaking {
        eprintln!("breaking changes (listed above)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
