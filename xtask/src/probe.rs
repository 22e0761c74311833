//! `cargo xtask probe SPEC`: does every operation of a spec become a method
//! of a client that compiles, and a mock of its mock layer?
//!
//! The client is generated with the same codegen library as this project's
//! (settings and adaptations), written into a scratch crate with the same
//! runtime hooks, and checked with `cargo check`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};

use crate::{workspace_root, write_atomically};

/// What the probe found.
#[derive(Debug)]
pub struct Probe {
    /// Operations in the spec.
    pub operations: usize,
    /// Client methods generated.
    pub methods: usize,
    /// Operations of the generated mock layer (`MockServerExt` methods).
    pub mocks: usize,
    /// The adaptations applied.
    pub adaptations: Vec<sailpoint_codegen::AppliedAdaptation>,
    /// Whether `cargo check` passed.
    pub compiles: bool,
    /// `cargo check`'s errors when it failed.
    pub check_output: String,
    /// Where the scratch crate is.
    pub crate_dir: PathBuf,
}

impl Probe {
    /// Whether every operation became a method of a client that compiles.
    pub fn ok(&self) -> bool {
        self.compiles && self.methods == self.operations && self.mocks == self.operations
    }
}

/// Counts the operations of a spec.
pub fn count_operations(spec: &serde_json::Value) -> usize {
    openapi_model::count_operations(spec)
}

/// Counts the client methods in generated code: functions of `impl Client`
/// that return an operation builder.
pub fn count_methods(code: &str) -> Result<usize> {
    let file: syn::File = syn::parse_str(code).context("the generated code does not parse")?;
    let mut count = 0;
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_some() || !self_ty.path.is_ident("Client") {
            continue;
        }
        for item in &block.items {
            if let syn::ImplItem::Fn(f) = item {
                if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                    if quote::quote!(#ty).to_string().starts_with("builder ::") {
                        count += 1;
                    }
                }
            }
        }
    }
    Ok(count)
}

/// Counts the operations of a generated mock layer: the methods of its
/// `MockServerExt` trait.
pub fn count_mocks(code: &str) -> Result<usize> {
    let file: syn::File =
        syn::parse_str(code).context("the generated mock layer does not parse")?;
    Ok(file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Trait(t) if t.ident == "MockServerExt" => Some(t.items.len()),
            _ => None,
        })
        .sum())
}

/// Where probes build: `probe/` under the user's `CARGO_TARGET_DIR` when
/// it is set, else under the workspace's `target/`.
pub fn probe_target_dir(root: &Path) -> PathBuf {
    probe_target_dir_from(std::env::var_os("CARGO_TARGET_DIR"), root)
}

/// [`probe_target_dir`] for a given value of `CARGO_TARGET_DIR`.
pub fn probe_target_dir_from(user: Option<std::ffi::OsString>, root: &Path) -> PathBuf {
    user.filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("probe")
}

/// Generates, writes and checks a client and its mock layer for `spec_path`.
pub fn probe(spec_path: &Path) -> Result<Probe> {
    let text = std::fs::read_to_string(spec_path)
        .with_context(|| format!("reading {}", spec_path.display()))?;
    let spec: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", spec_path.display()))?;
    let operations = count_operations(&spec);
    let (generated, mock) = sailpoint_codegen::generate_with_httpmock(&text, "crate")
        .with_context(|| {
            format!(
                "generating a client and its mock layer for {}",
                spec_path.display()
            )
        })?;
    let methods = count_methods(&generated.code)?;
    let mocks = count_mocks(&mock)?;

    let root = workspace_root();
    let name = spec_path
        .file_stem()
        .map(|s| {
            s.to_string_lossy()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        })
        .unwrap_or_else(|| "spec".into());
    let crate_dir = std::env::temp_dir().join(format!("sailpoint-probe-{name}"));
    std::fs::create_dir_all(crate_dir.join("src"))?;
    let runtime = root.join("crates/runtime");
    write_atomically(
        &crate_dir.join("Cargo.toml"),
        &format!(
            r#"[package]
name = "probe-{name}"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
httpmock = {{ version = "0.8", default-features = false }}
progenitor-client = "=0.15.1"
regex = "1"
regress = "0.10"
reqwest = {{ version = "0.13", default-features = false, features = ["json", "rustls-no-provider", "http2", "form", "query"] }}
sailpoint-runtime = {{ path = "{runtime}" }}
schemars = {{ version = "1", features = ["chrono04", "uuid1"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
uuid = {{ version = "1", features = ["serde"] }}
"#,
            runtime = runtime.display()
        ),
    )?;
    write_atomically(
        &crate_dir.join("src/lib.rs"),
        "#![allow(clippy::all, unused)]\ninclude!(\"client.rs\");\nsailpoint_runtime::impl_client_hooks!(Client);\npub mod mock {\n    include!(\"mock.rs\");\n}\n",
    )?;
    write_atomically(&crate_dir.join("src/client.rs"), &generated.code)?;
    write_atomically(&crate_dir.join("src/mock.rs"), &mock)?;
    // Start from the workspace's versions so nothing resolves differently.
    if !crate_dir.join("Cargo.lock").exists() {
        let _ = std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"));
    }
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--quiet",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(crate_dir.join("Cargo.toml"))
        // The user's target directory when they set one, else the
        // workspace's; a folder of its own inside it, so that probes never
        // disturb the workspace's build.
        .env("CARGO_TARGET_DIR", probe_target_dir(&root))
        .output()
        .context("running cargo check")?;
    let compiles = output.status.success();
    let check_output = String::from_utf8_lossy(&output.stderr).into_owned();
    if !compiles && check_output.is_empty() {
        bail!("cargo check failed without output");
    }
    Ok(Probe {
        operations,
        methods,
        mocks,
        adaptations: generated.adaptations,
        compiles,
        check_output,
        crate_dir,
    })
}
