//! `cargo xtask probe SPEC...`: see [`crate::probe`].

use std::process::ExitCode;

use anyhow::Result;

use crate::flags::Probe;

/// Runs the probe and prints, per spec, what became of its operations and
/// schemas, then the verdict in one line.
pub fn run(flags: Probe) -> Result<ExitCode> {
    let specs = flags.specs;
    let started = std::time::Instant::now();
    let probe = crate::probe::probe(&specs)?;
    for spec in &probe.specs {
        if let Some(error) = &spec.error {
            println!(
                "{}: {} operations in spec, NO client: {error}",
                spec.spec.display(),
                spec.operations
            );
            continue;
        }
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for a in &spec.adaptations {
            *counts.entry(a.adaptation).or_default() += 1;
        }
        let adapted: Vec<String> = counts.iter().map(|(n, c)| format!("{n} ×{c}")).collect();
        println!(
            "{}: {} operations in spec, {} methods generated, {} mocks; {} of {} schemas typed ({:.1}%); adaptations: {}",
            spec.spec.display(),
            spec.operations,
            spec.methods,
            spec.mocks,
            spec.schemas - spec.untyped_schemas().min(spec.schemas),
            spec.schemas,
            spec.typed_percent(),
            if adapted.is_empty() {
                "none".to_owned()
            } else {
                adapted.join(", ")
            }
        );
        for d in &spec.degraded {
            println!("  degraded: {d}");
        }
    }
    if !probe.compiles {
        eprintln!("{}", probe.check_output);
    }
    println!(
        "the crate with {} client(s) and mock layer(s), {} cargo check round(s), {:.0} s ({}): {}",
        probe.specs.len(),
        probe.rounds,
        started.elapsed().as_secs_f64(),
        probe.crate_dir.display(),
        probe.verdict()
    );
    Ok(if probe.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
