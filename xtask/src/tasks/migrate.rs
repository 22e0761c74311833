//! `cargo xtask migrate LEGACY [TARGET]`: each operation of a legacy API
//! and its successor in the per-service versioned API.

use std::process::ExitCode;

use anyhow::Result;

use crate::flags::Migrate;
use crate::{paths, workspace_root};

/// Runs `migrate` and prints the report in the asked format.
pub fn run(flags: Migrate) -> Result<ExitCode> {
    let root = workspace_root();
    let target = flags
        .target
        .unwrap_or_else(|| root.join(paths::UPSTREAM).display().to_string());
    let migration = crate::drift::migration(&root, &flags.legacy, &target)?;
    print!("{}", migration.render(flags.format));
    Ok(ExitCode::SUCCESS)
}
