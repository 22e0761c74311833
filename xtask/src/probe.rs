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
    /// Component schemas in the spec.
    pub schemas: usize,
    /// Client methods generated.
    pub methods: usize,
    /// Operations of the generated mock layer (`MockServerExt` methods).
    pub mocks: usize,
    /// The adaptations applied.
    pub adaptations: Vec<sailpoint_codegen::AppliedAdaptation>,
    /// What was generated untyped, and why: what the generator could not
    /// take, and what was behind a compile error of an earlier round.
    pub degraded: Vec<sailpoint_codegen::Degradation>,
    /// Why no client could be generated, when none could (the other specs
    /// are still built).
    pub error: Option<String>,
}

impl SpecProbe {
    /// Whether every operation became a method and a mock.
    pub fn complete(&self) -> bool {
        self.error.is_none() && self.methods == self.operations && self.mocks == self.operations
    }

    /// Component schemas generated untyped.
    pub fn untyped_schemas(&self) -> usize {
        self.degraded
            .iter()
            .filter(|d| matches!(d.culprit, sailpoint_codegen::Culprit::Component(_)))
            .count()
    }

    /// The share of component schemas that kept their types, in percent
    /// (100 for a spec without components).
    pub fn typed_percent(&self) -> f64 {
        if self.schemas == 0 {
            return 100.0;
        }
        100.0 * (self.schemas - self.untyped_schemas().min(self.schemas)) as f64
            / self.schemas as f64
    }
}

/// What the probe found.
#[derive(Debug)]
pub struct Probe {
    /// One entry per spec, in the order given.
    pub specs: Vec<SpecProbe>,
    /// Whether `cargo check` of the crate holding them all passed.
    pub compiles: bool,
    /// `cargo check`'s errors when it failed (its last round).
    pub check_output: String,
    /// The first compile error of the last round, when it failed.
    pub first_error: Option<String>,
    /// How many `cargo check` rounds ran (a round after the first one
    /// follows compile errors that named schemas or operations to degrade).
    pub rounds: usize,
    /// Where the scratch crate is.
    pub crate_dir: PathBuf,
}

impl Probe {
    /// Whether every operation of every spec became a method of a client
    /// that compiles.
    pub fn ok(&self) -> bool {
        self.compiles && self.specs.iter().all(SpecProbe::complete)
    }

    /// The probe's verdict in one line: compiled, compiled with degraded
    /// schemas and operations (listed), or failed (with the first error).
    pub fn verdict(&self) -> String {
        let failed: Vec<String> = self
            .specs
            .iter()
            .filter(|s| s.error.is_some())
            .map(|s| s.spec.display().to_string())
            .collect();
        if !self.compiles {
            return format!(
                "failed: the crate does not compile: {}",
                self.first_error.as_deref().unwrap_or("(no error message)")
            );
        }
        if !failed.is_empty() {
            return format!("failed: no client for {}", failed.join(", "));
        }
        let degraded: Vec<String> = self
            .specs
            .iter()
            .flat_map(|s| {
                s.degraded
                    .iter()
                    .map(move |d| format!("{} in {}", d.culprit, s.module))
            })
            .collect();
        if degraded.is_empty() {
            "compiled".to_owned()
        } else {
            format!(
                "compiled with {} degraded schema(s) and operation(s): {}",
                degraded.len(),
                degraded.join(", ")
            )
        }
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

/// At most this many `cargo check` rounds: the first, and the ones after
/// compile errors that named what to degrade.
pub const MAX_ROUNDS: usize = 4;

/// A spec read for the probe.
struct Input {
    path: PathBuf,
    text: String,
    module: String,
    operations: usize,
    schemas: usize,
}

/// Generates a client and its mock layer for each spec, writes them as
/// modules of one scratch crate, and checks it: one build for a set of
/// sites instead of one per site. A compile error in a spec's generated
/// code is traced to its schema or operation ([`sailpoint_codegen::attribute`]),
/// which is degraded, and the crate is generated and checked again (at
/// most [`MAX_ROUNDS`] rounds).
pub fn probe(spec_paths: &[PathBuf]) -> Result<Probe> {
    if spec_paths.is_empty() {
        bail!("probe needs at least one spec");
    }
    let root = workspace_root();
    let mut inputs: Vec<Input> = Vec::new();
    // Every API area of every spec: features of the probe crate, all on.
    let mut areas: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for path in spec_paths {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let spec: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let mut module = module_name(path);
        while inputs.iter().any(|s| s.module == module) {
            module.push('_');
        }
        areas.extend(
            sailpoint_codegen::areas::areas(&spec)
                .into_iter()
                .map(|a| a.feature),
        );
        inputs.push(Input {
            path: path.clone(),
            operations: count_operations(&spec),
            schemas: spec
                .pointer("/components/schemas")
                .and_then(serde_json::Value::as_object)
                .map_or(0, serde_json::Map::len),
            text,
            module,
        });
    }
    let name = if inputs.len() == 1 {
        inputs[0].module.replace('_', "-")
    } else {
        format!(
            "{}-and-{}-more",
            inputs[0].module.replace('_', "-"),
            inputs.len() - 1
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
    // Start from the workspace's versions so nothing resolves differently.
    if !crate_dir.join("Cargo.lock").exists() {
        let _ = std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"));
    }
    // What each spec is generated degrading, besides what the generator
    // itself cannot take: the culprits of earlier rounds' compile errors.
    let mut forced: Vec<Vec<sailpoint_codegen::Degradation>> = vec![Vec::new(); inputs.len()];
    let mut round = 0;
    loop {
        round += 1;
        let (specs, generated) = write_round(&crate_dir, &inputs, &forced)?;
        let check = cargo_check(&crate_dir, &root)?;
        let mut progress = false;
        if !check.compiles {
            for error in &check.errors {
                let Some((index, code, origins)) =
                    inputs.iter().enumerate().find_map(|(i, input)| {
                        let (client, mock) = generated[i].as_ref()?;
                        let file = error.file.strip_prefix(&format!("src/{}/", input.module))?;
                        let code = match file {
                            "client.rs" => &client.code,
                            "mock.rs" => mock,
                            _ => return None,
                        };
                        Some((i, code, &client.origins))
                    })
                else {
                    continue;
                };
                let Some(culprit) = origins.culprit_at(code, error.line) else {
                    continue;
                };
                let why = format!("does not compile: {}", error.message);
                let before = forced[index].clone();
                if let Some(next) = sailpoint_codegen::degrade::after(&before, culprit, &why) {
                    sailpoint_codegen::degrade::record(&mut forced[index], next);
                    progress |= forced[index] != before;
                }
            }
        }
        if check.compiles || !progress || round >= MAX_ROUNDS {
            return Ok(Probe {
                specs,
                compiles: check.compiles,
                first_error: check.errors.first().map(|e| e.rendered.clone()),
                check_output: check.output,
                rounds: round,
                crate_dir,
            });
        }
    }
}

/// The client and mock layer of one spec, when the generator made them.
type GeneratedPair = Option<(sailpoint_codegen::Generated, String)>;

/// Generates every spec's client and mock layer (degrading `forced` too)
/// into the crate's modules.
fn write_round(
    crate_dir: &Path,
    inputs: &[Input],
    forced: &[Vec<sailpoint_codegen::Degradation>],
) -> Result<(Vec<SpecProbe>, Vec<GeneratedPair>)> {
    let mut specs = Vec::new();
    let mut generated = Vec::new();
    let mut modules = String::new();
    for (input, forced) in inputs.iter().zip(forced) {
        let module = &input.module;
        let client_path = format!("crate::{module}");
        let mut probe = SpecProbe {
            spec: input.path.clone(),
            module: module.clone(),
            operations: input.operations,
            schemas: input.schemas,
            methods: 0,
            mocks: 0,
            adaptations: Vec::new(),
            degraded: Vec::new(),
            error: None,
        };
        match sailpoint_codegen::generate_degrading(&input.text, &client_path, forced) {
            Ok((client, mock)) => {
                modules.push_str(&format!(
                    "pub mod {module} {{\n    include!(\"{module}/client.rs\");\n    sailpoint_runtime::impl_client_hooks!(Client);\n    pub mod mock {{\n        include!(\"{module}/mock.rs\");\n    }}\n}}\n"
                ));
                std::fs::create_dir_all(crate_dir.join("src").join(module))?;
                write_atomically(
                    &crate_dir.join(format!("src/{module}/client.rs")),
                    &client.code,
                )?;
                write_atomically(&crate_dir.join(format!("src/{module}/mock.rs")), &mock)?;
                probe.methods = count_methods(&client.code)?;
                probe.mocks = count_mocks(&mock)?;
                probe.adaptations = client.adaptations.clone();
                probe.degraded = client.degraded.clone();
                generated.push(Some((client, mock)));
            }
            Err(e) => {
                // One spec the generator cannot take does not cost the others.
                probe.error = Some(e.to_string());
                generated.push(None);
            }
        }
        specs.push(probe);
    }
    write_atomically(
        &crate_dir.join("src/lib.rs"),
        &format!("#![allow(clippy::all, unused)]\n{modules}"),
    )?;
    Ok((specs, generated))
}

/// One compile error: where its primary span is, and what it says.
#[derive(Debug)]
struct CompileError {
    /// The file, relative to the crate (`src/beta/client.rs`).
    file: String,
    line: usize,
    /// The message's first line.
    message: String,
    /// The compiler's rendering (short form).
    rendered: String,
}

/// `cargo check`'s outcome.
struct Check {
    compiles: bool,
    errors: Vec<CompileError>,
    /// Every rendered message, then cargo's own output.
    output: String,
}

/// Runs `cargo check` on the probe crate, reading its diagnostics as JSON.
fn cargo_check(crate_dir: &Path, root: &Path) -> Result<Check> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--quiet",
            "--message-format",
            "json-diagnostic-short",
            "--manifest-path",
        ])
        .arg(crate_dir.join("Cargo.toml"))
        // The user's target directory when they set one, else the
        // workspace's; a folder of its own inside it, so that probes never
        // disturb the workspace's build.
        .env("CARGO_TARGET_DIR", probe_target_dir(root))
        .stdin(std::process::Stdio::null())
        .output()
        .context("running cargo check")?;
    let compiles = output.status.success();
    let mut errors = Vec::new();
    let mut rendered_all = String::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let message = &message["message"];
        let rendered = message["rendered"].as_str().unwrap_or_default().to_owned();
        rendered_all.push_str(&rendered);
        if message["level"] != "error" {
            continue;
        }
        let primary = message["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["is_primary"] == true);
        if let Some(span) = primary {
            errors.push(CompileError {
                file: span["file_name"].as_str().unwrap_or_default().to_owned(),
                line: span["line_start"].as_u64().unwrap_or(0) as usize,
                message: message["message"]
                    .as_str()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                rendered: rendered.trim().to_owned(),
            });
        }
    }
    rendered_all.push_str(&String::from_utf8_lossy(&output.stderr));
    if !compiles && rendered_all.trim().is_empty() {
        bail!("cargo check failed without output");
    }
    Ok(Check {
        compiles,
        errors,
        output: rendered_all,
    })
}
