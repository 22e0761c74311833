//! Puts the client into `OUT_DIR`.
//!
//! With the `codegen` feature, by running progenitor on `spec/openapi.json`
//! with the same function `cargo xtask regen` uses (crates/codegen). Without
//! it (what a user's build does), from the committed copy
//! `spec/generated/sailpoint.rs`, which `cargo xtask regen` wrote with
//! that function from the same spec: its header records the spec's digest,
//! and a spec that does not match fails the build with the command to run.
//! A user's build then compiles no code generator (progenitor, typify,
//! syn...): see `benches/consumer_build.sh` for what that saves.

use std::path::Path;

const SPEC: &str = "spec/openapi.json";
const CLIENT: &str = "spec/generated/sailpoint.rs";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed={CLIENT}");
    let spec = match std::fs::read_to_string(SPEC) {
        Ok(spec) => spec,
        Err(e) => {
            println!("cargo::error={SPEC}: {e}; run `cargo xtask regen`");
            return;
        }
    };
    let code = match client(&spec) {
        Ok(code) => code,
        Err(message) => {
            println!("cargo::error={message}");
            return;
        }
    };
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("client.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo::error={}: {e}", out.display());
    }
}

/// The client, generated from the spec.
#[cfg(feature = "codegen")]
fn client(spec: &str) -> Result<String, String> {
    sailpoint_codegen::generate(spec)
        .map(|generated| generated.code)
        .map_err(|e| format!("{SPEC}: {e}"))
}

/// The committed client, when it was generated from this spec.
#[cfg(not(feature = "codegen"))]
fn client(spec: &str) -> Result<String, String> {
    const DIGEST_PREFIX: &str = "// Spec digest (FNV-1a 64 of spec/openapi.json): ";
    let code = std::fs::read_to_string(CLIENT)
        .map_err(|e| format!("{CLIENT}: {e}; run `cargo xtask regen`"))?;
    let recorded = code
        .lines()
        .find_map(|line| line.strip_prefix(DIGEST_PREFIX))
        .unwrap_or("none");
    let digest = spec_digest(spec);
    if recorded != digest {
        return Err(format!(
            "{CLIENT} was not generated from this {SPEC} (digest {recorded}, the spec's is {digest}): \
             run `cargo xtask regen`, or build with `--features codegen` to generate the client from the spec"
        ));
    }
    Ok(code)
}

/// `sailpoint_codegen::spec_digest` (64-bit FNV-1a in hex), copied so that
/// this build needs no code generator; `tests/generated_snapshot.rs` holds
/// the two equal.
#[cfg(not(feature = "codegen"))]
fn spec_digest(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
