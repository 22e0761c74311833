//! Generation that cannot fail, down to the compiler: documents drawn from
//! the families real docs sites have shown (names colliding once made Rust
//! names, keyword operationIds, enums without a type or beside subschemas,
//! object parameters, composition loops, recursive and combined schemas;
//! `crates/codegen/tests/support/specs.rs`) and the codegen's sample specs
//! (`crates/codegen/tests/samples/`) each become a client and mock layer
//! that compile, every operation a method, whatever had to be untyped
//! named with why. One `cargo check` of one crate holds them all (the
//! probe), so the test costs one build.
//!
//! The documents are drawn with a fixed seed so that CI is repeatable;
//! `GENERATED_SPECS_SEED=<n>` draws another set, `GENERATED_SPECS=<n>`
//! another count (a failing set stays in the printed folder to replay with
//! `cargo xtask probe`).

#[path = "../../crates/codegen/tests/support/specs.rs"]
mod specs;

use std::path::PathBuf;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn drawn_documents_and_the_samples_all_become_clients_that_compile() {
    let seed = env_number("GENERATED_SPECS_SEED", 20_261_206);
    let count = env_number("GENERATED_SPECS", 24) as usize;
    let dir = std::env::temp_dir().join(format!("sailpoint-generated-specs-{seed}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = specs::document();
    let mut paths: Vec<PathBuf> = Vec::new();
    for i in 0..count {
        let doc = strategy.new_tree(&mut runner).unwrap().current();
        let path = dir.join(format!("drawn{i:02}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        paths.push(path);
    }
    let samples = xtask::workspace_root().join("crates/codegen/tests/samples");
    let mut sample_paths: Vec<PathBuf> = std::fs::read_dir(&samples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    sample_paths.sort();
    assert!(sample_paths.len() >= 7, "{sample_paths:?}");
    paths.extend(sample_paths);

    let probe = xtask::probe::probe(&paths).unwrap();
    let mut degraded = 0;
    for spec in &probe.specs {
        assert!(
            spec.error.is_none(),
            "{}: no client: {:?} (kept in {})",
            spec.spec.display(),
            spec.error,
            dir.display()
        );
        let removed = spec
            .degraded
            .iter()
            .filter(|d| d.level == sailpoint_codegen::Level::Removed)
            .count();
        assert_eq!(
            spec.methods + removed,
            spec.operations,
            "{}: every operation a method, or named as left out",
            spec.spec.display()
        );
        for d in &spec.degraded {
            assert!(!d.why.is_empty(), "{d:?}");
        }
        degraded += spec.degraded.len();
    }
    assert!(
        probe.compiles,
        "the clients do not compile (specs kept in {}): {}\n{}",
        dir.display(),
        probe.verdict(),
        probe.check_output
    );
    // The samples that show degradation degrade; the verdict lists them.
    assert!(degraded >= 2, "{}", probe.verdict());
    assert!(
        probe.verdict().starts_with("compiled"),
        "{}",
        probe.verdict()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
