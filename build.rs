//! Generates the client from `spec/openapi.json` with the same function
//! `cargo xtask regen` uses (crates/codegen), into `OUT_DIR`.

use std::path::Path;

fn main() {
    let spec_path = Path::new("spec/openapi.json");
    println!("cargo:rerun-if-changed={}", spec_path.display());
    let spec = match std::fs::read_to_string(spec_path) {
        Ok(spec) => spec,
        Err(e) => {
            println!(
                "cargo::error={}: {e}; run `cargo xtask regen`",
                spec_path.display()
            );
            return;
        }
    };
    let generated = match sailpoint_codegen::generate(&spec) {
        Ok(generated) => generated,
        Err(e) => {
            println!("cargo::error={}: {e}", spec_path.display());
            return;
        }
    };
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("client.rs");
    if let Err(e) = std::fs::write(&out, generated.code) {
        println!("cargo::error={}: {e}", out.display());
    }
}
