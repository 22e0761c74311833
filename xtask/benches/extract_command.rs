//! `cargo xtask extract` as users meet it (a process that reads the pages,
//! extracts, validates, writes the document and reports) against the
//! library's own figure (`docusaurus_openapi_extract::extract` on pages already in
//! memory, what the criterion bench `extract` measures), in the same run.
//!
//! `cargo bench -p xtask --bench extract_command` prints, per set, the
//! median time of each and the median of the per-round ratios (target:
//! ≤ 1.5). Rounds alternate which goes first, so that a noisy neighbour
//! slows both alike. `BENCH_ROUNDS` overrides the number of rounds.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use docusaurus_openapi_extract::{extract, read_sources, NamesFile};

/// The allocator the command uses, so that the two differ only in what the
/// command does around the library.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let out = std::env::temp_dir().join(format!("extract-bench-{}.json", std::process::id()));
    for set in ["sailpoint-beta-2022-08", "identityiq-2024-03"] {
        let dir = corpus.join(set);
        let pages = read_sources(&dir)
            .expect("the shared corpus at ../shared/corpus")
            .pages;
        let library = || {
            let started = Instant::now();
            let extraction = extract(&pages, &NamesFile::default()).expect("the set extracts");
            let took = started.elapsed();
            drop(extraction);
            took
        };
        let command = || {
            let started = Instant::now();
            let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
                .arg("extract")
                .arg(&dir)
                .arg("-o")
                .arg(&out)
                .output()
                .expect("the xtask binary runs");
            let took = started.elapsed();
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            took
        };
        // Warm both (page cache, allocator, lazily built validators).
        library();
        command();
        let (mut lib, mut cmd, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let (l, c): (Duration, Duration) = if round % 2 == 0 {
                let l = library();
                (l, command())
            } else {
                let c = command();
                (library(), c)
            };
            lib.push(l.as_secs_f64() * 1e3);
            cmd.push(c.as_secs_f64() * 1e3);
            ratios.push(c.as_secs_f64() / l.as_secs_f64());
        }
        let (lo, hi) = ratios
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
        println!(
            "{set}: library {:.1} ms, command {:.1} ms (medians of {rounds} rounds); command/library median {:.2} (rounds {lo:.2}–{hi:.2}; target ≤ 1.5)",
            median(lib),
            median(cmd),
            median(ratios.clone()),
        );
    }
    let _ = std::fs::remove_file(out);
}
