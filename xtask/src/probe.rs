//! `cargo xtask probe SPEC...`: does every operation of each spec become a
//! method of a client that compiles, and a mock of its mock layer?
//!
//! The client is generated with the same codegen library as this project's
//! (settings and adaptations), written into a scratch crate with the same
//! runtime hooks, and checked with `cargo check`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};

use crate::{workspace_root, write_atomically};

/// What the probe found for one spec.
#[derive(Debug)]
pub struct SpecProbe {
    /// The spec file.
    pub spec: PathBuf,
    /// The module of the scratch crate that holds its client.
    pub module: String,
    /// Operations in the spec.
    pub operations: usize,
    /// Client methods generated.
    pub methods: usize,
    /// Operations of the generated mock layer (`MockServerExt` methods).
    pub mocks: usize,
    /// The adaptations applied.
    pub adaptations: Vec<sailpoint_codegen::AppliedAdaptation>,
    /// Why no client could be generated, when none could (the other specs
    /// are still built).
    pub error: Option<String>,
}

impl SpecProbe {
    /// Whether every operation became a method and a mock.
    pub fn complete(&self) -> bool {
        self.error.is_none() && self.methods == self.operations && self.mocks == self.operations
    }
}

/// What the probe found.
#[derive(Debug)]
pub struct Probe {
    /// One entry per spec, in the order given.
    pub specs: Vec<SpecProbe>,
    /// Whether `cargo check` of the crate holding them all passed.
    pub compiles: bool,
    /// `cargo check`'s errors when it failed.
    pub check_output: String,
    /// Where the scratch crate is.
    pub crate_dir: PathBuf,
}

impl Probe {
    /// Whether every operation of every spec became a method of a client
    /// that compiles.
    pub fn ok(&self) -> bool {
        self.compiles && self.specs.iter().all(SpecProbe::complete)
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

/// The client crates whose dependencies a probe takes, as the workspace
/// declares them (versions, default features, features, paths).
const CLIENT_PACKAGES: [&str; 2] = ["sailpoint", "sailpoint-httpmock"];

/// What clients of other sites need beyond this one's: typify maps formats
/// to `chrono` and `uuid` types and checks patterns with `regress`.
const PROBE_EXTRAS: &[(&str, &str, bool, &[&str])] = &[
    ("chrono", "0.4", false, &["serde", "std"]),
    ("regress", "0.10", true, &[]),
    ("uuid", "1", true, &["serde"]),
    ("schemars", "1", true, &["chrono04", "uuid1"]),
];

/// The `[dependencies]` of a probe crate: the normal dependencies of the
/// workspace's client crates (read with `cargo metadata`, so a version or
/// feature changed in the workspace is the probe's too), plus
/// `PROBE_EXTRAS`.
pub fn probe_dependencies(root: &Path) -> Result<String> {
    use std::collections::BTreeMap;
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("cargo metadata's output")?;
    // name → (version requirement, default features, features, path)
    let mut deps: BTreeMap<String, (String, bool, Vec<String>, Option<String>)> = BTreeMap::new();
    let packages = metadata["packages"].as_array().into_iter().flatten();
    for package in packages.filter(|p| CLIENT_PACKAGES.iter().any(|n| p["name"] == *n)) {
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            let name = dep["name"].as_str().unwrap_or_default();
            if !dep["kind"].is_null() || CLIENT_PACKAGES.contains(&name) {
                continue;
            }
            let entry = deps.entry(name.to_owned()).or_insert_with(|| {
                (
                    dep["req"].as_str().unwrap_or("*").to_owned(),
                    dep["uses_default_features"].as_bool().unwrap_or(true),
                    Vec::new(),
                    dep["path"].as_str().map(str::to_owned),
                )
            });
            for feature in dep["features"].as_array().into_iter().flatten() {
                if let Some(f) = feature.as_str().filter(|f| !entry.2.iter().any(|e| e == f)) {
                    entry.2.push(f.to_owned());
                }
            }
        }
    }
    for (name, version, default, features) in PROBE_EXTRAS {
        let entry = deps
            .entry((*name).to_owned())
            .or_insert_with(|| ((*version).to_owned(), *default, Vec::new(), None));
        for f in *features {
            if !entry.2.iter().any(|e| e == f) {
                entry.2.push((*f).to_owned());
            }
        }
    }
    let mut text = String::new();
    for (name, (version, default, features, path)) in deps {
        let mut fields = vec![match &path {
            Some(path) => format!("path = {path:?}"),
            None => format!("version = {version:?}"),
        }];
        if !default {
            fields.push("default-features = false".into());
        }
        if !features.is_empty() {
            fields.push(format!("features = {features:?}"));
        }
        text.push_str(&format!("{name} = {{ {} }}\n", fields.join(", ")));
    }
    Ok(text)
}

/// The probe crate's features: every API area, all on by default, so that
/// every gated operation and type is compiled.
fn features_section(areas: &std::collections::BTreeSet<String>) -> String {
    let list: Vec<String> = areas.iter().map(|a| format!("{a:?}")).collect();
    let mut text = format!("default = [{}]\n", list.join(", "));
    for area in areas {
        text.push_str(&format!("{area:?} = []\n"));
    }
    text
}

/// The module name for a spec file: its stem in snake case.
fn module_name(spec_path: &Path) -> String {
    let stem = spec_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "spec".into());
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "spec_");
    }
    name
}

/// Generates a client and its mock layer for each spec, writes them as
/// modules of one scratch crate, and checks it: one build for a set of
/// sites instead of one per site.
pub fn probe(spec_paths: &[PathBuf]) -> Result<Probe> {
    if spec_paths.is_empty() {
        bail!("probe needs at least one spec");
    }
    let root = workspace_root();
    let mut specs = Vec::new();
    let mut modules = String::new();
    let mut files = Vec::new();
    // Every API area of every spec: features of the probe crate, all on.
    let mut areas: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for spec_path in spec_paths {
        let text = std::fs::read_to_string(spec_path)
            .with_context(|| format!("reading {}", spec_path.display()))?;
        let spec: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", spec_path.display()))?;
        let mut module = module_name(spec_path);
        while specs.iter().any(|s: &SpecProbe| s.module == module) {
            module.push('_');
        }
        areas.extend(
            sailpoint_codegen::areas::areas(&spec)
                .into_iter()
                .map(|a| a.feature),
        );
        let client_path = format!("crate::{module}");
        let (generated, mock) = match sailpoint_codegen::generate_with_httpmock(&text, &client_path)
        {
            Ok(both) => both,
            Err(e) => {
                // One spec the generator cannot take does not cost the others.
                specs.push(SpecProbe {
                    spec: spec_path.clone(),
                    module,
                    operations: count_operations(&spec),
                    methods: 0,
                    mocks: 0,
                    adaptations: Vec::new(),
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        modules.push_str(&format!(
            "pub mod {module} {{\n    include!(\"{module}/client.rs\");\n    sailpoint_runtime::impl_client_hooks!(Client);\n    pub mod mock {{\n        include!(\"{module}/mock.rs\");\n    }}\n}}\n"
        ));
        specs.push(SpecProbe {
            spec: spec_path.clone(),
            module: module.clone(),
            operations: count_operations(&spec),
            methods: count_methods(&generated.code)?,
            mocks: count_mocks(&mock)?,
            adaptations: generated.adaptations,
            error: None,
        });
        files.push((format!("{module}/client.rs"), generated.code));
        files.push((format!("{module}/mock.rs"), mock));
    }
    let name = if specs.len() == 1 {
        specs[0].module.replace('_', "-")
    } else {
        format!(
            "{}-and-{}-more",
            specs[0].module.replace('_', "-"),
            specs.len() - 1
        )
    };
    let crate_dir = std::env::temp_dir().join(format!("sailpoint-probe-{name}"));
    // Modules of an earlier probe of the same name must not linger.
    let _ = std::fs::remove_dir_all(crate_dir.join("src"));
    std::fs::create_dir_all(crate_dir.join("src"))?;
    write_atomically(
        &crate_dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"probe-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[features]\n{}\n[dependencies]\n{}",
            features_section(&areas),
            probe_dependencies(&root)?
        ),
    )?;
    write_atomically(
        &crate_dir.join("src/lib.rs"),
        &format!("#![allow(clippy::all, unused)]\n{modules}"),
    )?;
    for (path, code) in &files {
        write_atomically(&crate_dir.join("src").join(path), code)?;
    }
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
        specs,
        compiles,
        check_output,
        crate_dir,
    })
}
