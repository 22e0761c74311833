//! `cargo xtask diff OLD NEW`: what changed between two API descriptions.

use std::process::ExitCode;

use anyhow::Result;

use crate::flags::Diff;
use crate::workspace_root;

/// Runs `diff` and prints the report in the asked format.
pub fn run(flags: Diff) -> Result<ExitCode> {
    let Diff {
        old,
        new,
        format,
        check,
        fail_on_breaking,
    } = flags;
    let root = workspace_root();
    // The new side's shapes keep the names the old side gave them, as
    // regen keeps them with spec/names.lock.
    let old = crate::load_side(&root, &old, None)?;
    let new = crate::load_side(&root, &new, Some(&old.lock))?;
    let report = crate::drift::report_sides(&old, &new);
    print!(
        "{}",
        report.render(
            format,
            format == spec_drift::Format::Text && super::use_color()
        )
    );
    let failed = (check && !report.is_empty()) || (fail_on_breaking && report.has_breaking());
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
