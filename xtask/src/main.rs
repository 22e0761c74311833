//! `cargo xtask`: the project's maintenance tasks. Run `cargo xtask help`.
//! Arguments are parsed in `flags.rs`; each task lives in `tasks/`.

use std::process::ExitCode;

use xtask::flags::{self, Task};
use xtask::tasks;

/// Extraction builds and drops millions of small JSON values; mimalloc does
/// that about a quarter faster than glibc's malloc (see the extract bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = flags::parse(&args).and_then(|task| match task {
        Task::Regen(flags) => tasks::regen::run(flags),
        Task::Diff(flags) => tasks::diff::run(flags),
        Task::Migrate(flags) => tasks::migrate::run(flags),
        Task::Extract(flags) => tasks::extract::run(flags),
        Task::Probe(flags) => tasks::probe::run(flags),
        Task::Refresh(flags) => tasks::refresh::run(flags),
        Task::Help(usage) => {
            print!("{usage}");
            Ok(ExitCode::SUCCESS)
        }
    });
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
