//! `cargo xtask regen`: see [`crate::regen`].

use std::process::ExitCode;

use anyhow::Result;

use crate::flags::Regen;
use crate::{workspace_root, REGEN_COMMAND};

/// Runs `regen` and prints what it found: the drift report, then the diffs.
pub fn run(flags: Regen) -> Result<ExitCode> {
    let Regen {
        upstream,
        check,
        compile,
    } = flags;
    let outcome = crate::regen_with(&workspace_root(), &upstream, check, compile)?;
    if std::env::var_os("SAILPOINT_REGEN_TIMINGS").is_some() {
        // For benches/regen.sh: where the time went.
        eprintln!(
            "regen timings: extract {:.2} s, generate {:.2} s",
            outcome.timings.extract.as_secs_f64(),
            outcome.timings.generate.as_secs_f64()
        );
    }
    eprint!("{}", outcome.report);
    if !outcome.drift.is_empty() {
        println!("{}", outcome.drift.to_text(super::use_color()));
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
