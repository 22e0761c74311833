//! `cargo xtask refresh`: the upstream docs pages made anew from the spec
//! SailPoint publishes, the way SailPoint's docs site makes them.
//!
//! SailPoint no longer commits its generated docs pages anywhere: it
//! publishes the spec (sailpoint-oss/api-specs) and its docs build makes the
//! pages from it with docusaurus-plugin-openapi-docs and its own frontmatter
//! template. This module does the same: it reads the spec (a file or a URL),
//! checks that it is an OpenAPI 3 document, installs the plugin at the
//! version `xtask/docs-plugin/package.json` pins (once, into a cache), runs
//! the plugin's own `gen-api-docs` action through `xtask/docs-plugin/driver.js`,
//! keeps what the extractor reads (operation, tag and info pages), extracts
//! and generates from them, and only then replaces `spec/upstream/` (one
//! rename) and writes the generated files. Any failure before the rename
//! leaves the old pages and files as they were.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};

use crate::{paths, RegenOutcome};

/// The spec SailPoint's docs site makes its API pages from: the bundled,
/// dereferenced v1 spec, a release asset of sailpoint-oss/api-specs (the
/// same file as `idn/sailpoint-api.yaml` in that repository).
pub const DEFAULT_SOURCE: &str =
    "https://github.com/sailpoint-oss/api-specs/releases/latest/download/deref-sailpoint-api.yaml";

/// The npm package that makes the pages.
pub const PLUGIN: &str = "docusaurus-plugin-openapi-docs";

/// The oldest Node.js the plugin's packages declare they run on
/// (`@redocly/openapi-core` and `@docusaurus/utils` want 20.19 or later).
pub const MIN_NODE: (u32, u32) = (20, 19);

/// The largest spec a URL may send (the v1 spec is about 4 MB).
pub const MAX_SPEC_BYTES: usize = 256 << 20;

/// The environment variable that picks the folder the plugin is installed in.
pub const CACHE_ENV: &str = "SAILPOINT_DOCS_PLUGIN_CACHE";

/// The files of `xtask/docs-plugin/`, compiled in: the xtask needs no
/// checkout of its own to run them (tests refresh scratch workspaces).
pub mod files {
    /// The npm project that pins the plugin: its version is written here and
    /// nowhere else.
    pub const PACKAGE_JSON: &str = include_str!("../docs-plugin/package.json");
    /// npm's record of every package the install holds.
    pub const PACKAGE_LOCK: &str = include_str!("../docs-plugin/package-lock.json");
    /// npm settings for the install (peer dependencies are in package.json).
    pub const NPMRC: &str = include_str!("../docs-plugin/.npmrc");
    /// The project's driver of the plugin.
    pub const DRIVER: &str = include_str!("../docs-plugin/driver.js");
    /// SailPoint's frontmatter template (MIT, SailPoint, Inc.; see
    /// `xtask/docs-plugin/LICENSE-sailpoint`).
    pub const TEMPLATE: &str = include_str!("../docs-plugin/sailpoint-api.mustache");
}

/// The plugin version `xtask/docs-plugin/package.json` pins.
pub fn plugin_version() -> String {
    serde_json::from_str::<serde_json::Value>(files::PACKAGE_JSON)
        .ok()
        .and_then(|p| p["dependencies"][PLUGIN].as_str().map(str::to_owned))
        .unwrap_or_else(|| "(unpinned)".into())
}

/// One operation of a spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpecOperation {
    /// The HTTP method, lowercase.
    pub method: String,
    /// The path.
    pub path: String,
    /// The operationId, when it has one.
    pub operation_id: Option<String>,
}

impl std::fmt::Display for SpecOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method.to_uppercase(), self.path)?;
        if let Some(id) = &self.operation_id {
            write!(f, " ({id})")?;
        }
        Ok(())
    }
}

/// A spec as read: where from, its digest, and what the pages are checked against.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file or URL as given.
    pub origin: String,
    /// The URL the spec came from after redirects, when it differs from
    /// `origin` (GitHub's `latest` names a release this way).
    pub fetched_from: Option<String>,
    /// The bytes as read.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// The `openapi` version.
    pub openapi: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`, when it is a string.
    pub version: Option<String>,
    /// Every operation under `paths`.
    pub operations: Vec<SpecOperation>,
    /// Operations marked `deprecated`.
    pub deprecated: usize,
    /// Operations that take the `X-SailPoint-Experimental` header.
    pub experimental: usize,
}

/// The HTTP methods of a path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Reads a spec from a file or an http(s) URL and checks it is OpenAPI 3.
pub fn read_spec(source: &str) -> Result<Spec> {
    if source.starts_with("http://") || source.starts_with("https://") {
        let (bytes, final_url) = fetch_spec(source)?;
        let mut spec = parse_spec(source, &bytes)?;
        spec.fetched_from = (final_url != source).then_some(final_url);
        Ok(spec)
    } else {
        let path = Path::new(source);
        if path.is_dir() {
            bail!("{source} is a folder: give the spec file (YAML or JSON) or its URL");
        }
        let bytes = std::fs::read(path).with_context(|| format!("reading the spec {source}"))?;
        parse_spec(source, &bytes)
    }
}

/// Fetches a spec: its bytes and the URL they came from after redirects.
fn fetch_spec(url: &str) -> Result<(Vec<u8>, String)> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the HTTP runtime")?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .timeout(Duration::from_secs(300))
            .build()
            .context("building the HTTP client")?;
        let mut response = client.get(url).send().await.map_err(|e| {
            anyhow::anyhow!(
                "{url} did not answer: {}; check the URL and the network, or give a spec file",
                error_chain(&e)
            )
        })?;
        let status = response.status();
        let final_url = response.url().to_string();
        if !status.is_success() {
            let hint = if status == reqwest::StatusCode::NOT_FOUND {
                " (no such file: for a GitHub release asset, check the repository, the release and the file name)"
            } else {
                ""
            };
            bail!("{url}: the server answered {status}, not a spec{hint}");
        }
        if let Some(length) = response.content_length() {
            if length > MAX_SPEC_BYTES as u64 {
                bail!("{url}: the server announces {length} bytes, more than the {MAX_SPEC_BYTES} a spec may have");
            }
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| anyhow::anyhow!("{url}: the answer broke off: {}", error_chain(&e)))?
        {
            if bytes.len() + chunk.len() > MAX_SPEC_BYTES {
                bail!("{url}: the answer is longer than the {MAX_SPEC_BYTES} bytes a spec may have");
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((bytes, final_url))
    })
}

/// An error and its causes on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// Checks that `bytes` are an OpenAPI 3 document (YAML or JSON) and lists
/// its operations. Errors name `origin` and what is wrong.
pub fn parse_spec(origin: &str, bytes: &[u8]) -> Result<Spec> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{origin} is not an OpenAPI spec: not UTF-8 text (at byte {})",
            e.valid_up_to()
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let head: String = text
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype") || head.starts_with("<html") || head.starts_with("<?xml") {
        bail!("{origin} is not an OpenAPI spec: it is an HTML or XML page");
    }
    if text.trim().is_empty() {
        bail!("{origin} is not an OpenAPI spec: it is empty");
    }
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text)
        .map_err(|e| anyhow::anyhow!("{origin} is not an OpenAPI spec: not YAML or JSON: {e}"))?;
    let document = yaml_to_json(yaml);
    let not_openapi = |why: String| anyhow::anyhow!("{origin} is not an OpenAPI 3 spec: {why}");
    let Some(top) = document.as_object() else {
        return Err(not_openapi(format!(
            "the document is {}, not a mapping",
            kind_of(&document)
        )));
    };
    let openapi = match top.get("openapi") {
        Some(serde_json::Value::String(v)) if v.starts_with("3.") => v.clone(),
        Some(other) => {
            return Err(not_openapi(format!(
                "`openapi` is {}; 3.0 or 3.1 is expected",
                short(other)
            )))
        }
        None => {
            if let Some(swagger) = top.get("swagger") {
                return Err(not_openapi(format!(
                    "it is a Swagger {} document; convert it to OpenAPI 3 first",
                    short(swagger)
                )));
            }
            let keys: Vec<&str> = top.keys().take(8).map(String::as_str).collect();
            return Err(not_openapi(format!(
                "it has no `openapi` field (its top-level keys: {})",
                if keys.is_empty() {
                    "none".to_owned()
                } else {
                    keys.join(", ")
                }
            )));
        }
    };
    let title =
        match top.get("info").and_then(|i| i.get("title")) {
            Some(serde_json::Value::String(t)) if !t.trim().is_empty() => t.clone(),
            _ => return Err(not_openapi(
                "`info.title` is missing or not a string (the plugin names the info page after it)"
                    .into(),
            )),
        };
    let version = top
        .get("info")
        .and_then(|i| i.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let Some(path_items) = top.get("paths").and_then(|p| p.as_object()) else {
        return Err(not_openapi("it has no `paths` mapping".into()));
    };
    let mut operations = Vec::new();
    let (mut deprecated, mut experimental) = (0, 0);
    for (path, item) in path_items {
        let Some(item) = item.as_object() else {
            return Err(not_openapi(format!(
                "`paths['{path}']` is {}, not a path item",
                kind_of(item)
            )));
        };
        for (method, operation) in item {
            if !METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                continue;
            }
            let Some(op) = operation.as_object() else {
                return Err(not_openapi(format!(
                    "`paths['{path}'].{method}` is {}, not an operation",
                    kind_of(operation)
                )));
            };
            if op.get("deprecated") == Some(&serde_json::Value::Bool(true)) {
                deprecated += 1;
            }
            let takes_experimental =
                op.get("parameters")
                    .and_then(|p| p.as_array())
                    .is_some_and(|params| {
                        params.iter().any(|p| {
                            p.get("name")
                                .and_then(|n| n.as_str())
                                .is_some_and(|n| n.eq_ignore_ascii_case("X-SailPoint-Experimental"))
                        })
                    });
            if takes_experimental {
                experimental += 1;
            }
            operations.push(SpecOperation {
                method: method.to_ascii_lowercase(),
                path: path.clone(),
                operation_id: op
                    .get("operationId")
                    .and_then(|i| i.as_str())
                    .map(str::to_owned),
            });
        }
    }
    if operations.is_empty() {
        return Err(not_openapi("`paths` holds no operation".into()));
    }
    use sha2::Digest as _;
    let sha256 = sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        });
    Ok(Spec {
        origin: origin.to_owned(),
        fetched_from: None,
        bytes: bytes.to_vec(),
        sha256,
        openapi,
        title,
        version,
        operations,
        deprecated,
        experimental,
    })
}

/// A YAML value as JSON: keys that are numbers or booleans (`200:`) become
/// strings, as JSON needs; tags are dropped.
fn yaml_to_json(value: serde_yaml_ng::Value) -> serde_json::Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => b.into(),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
        }
        Y::String(s) => s.into(),
        Y::Sequence(items) => items.into_iter().map(yaml_to_json).collect(),
        Y::Mapping(map) => map
            .into_iter()
            .map(|(k, v)| {
                let key = match yaml_to_json(k) {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (key, yaml_to_json(v))
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
    }
}

/// A value for a message: at most 40 characters of its JSON.
fn short(value: &serde_json::Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("`{}…`", &text[..cut]),
        None => format!("`{text}`"),
    }
}

/// Node.js, as found on PATH.
#[derive(Debug, Clone)]
pub struct Node {
    /// `node --version`, e.g. `v20.20.2`.
    pub version: String,
}

/// What to do when Node.js or npm is missing.
const INSTALL_NODE: &str = "install Node.js 20.19 or later with npm (Debian or Ubuntu: `apt-get install nodejs npm`; `.ci/run` does it where node is missing) and make sure `node` and `npm` are on PATH";

/// Finds `node` on PATH and checks its version.
pub fn find_node() -> Result<Node> {
    let output = match Command::new("node").arg("--version").output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "refresh makes the docs pages with SailPoint's docs plugin, which runs on Node.js, and `node` was not found on PATH: {INSTALL_NODE}"
        ),
        Err(e) => return Err(e).context("running `node --version`"),
    };
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() {
        bail!(
            "`node --version` failed ({}): {}; {INSTALL_NODE}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let mut numbers = version
        .trim_start_matches('v')
        .split('.')
        .map(|n| n.parse::<u32>().ok());
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(major), Some(minor)) if (major, minor) >= MIN_NODE => Ok(Node { version }),
        _ => bail!("node {version} is too old for the docs plugin's packages: {INSTALL_NODE}"),
    }
}

/// The folder the plugin is installed in (one sub-folder per pinned set of
/// packages): `$SAILPOINT_DOCS_PLUGIN_CACHE`, else
/// `$XDG_CACHE_HOME/sailpoint-rs/docs-plugin`, else
/// `~/.cache/sailpoint-rs/docs-plugin`.
pub fn cache_dir() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var(CACHE_ENV) {
        return dir.into();
    }
    let base = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("sailpoint-rs").join("docs-plugin")
}

/// The install's folder name: the plugin's version and a digest of the npm
/// files, so that a change to the pin or the lock installs anew.
pub fn install_name() -> String {
    let digest = sailpoint_codegen::spec_digest(&format!(
        "{}\0{}\0{}",
        files::PACKAGE_JSON,
        files::PACKAGE_LOCK,
        files::NPMRC
    ));
    format!("{PLUGIN}-{}-{}", plugin_version(), &digest[..8])
}

/// The installed plugin.
#[derive(Debug, Clone)]
pub struct Plugin {
    /// The folder whose `node_modules` holds it.
    pub dir: PathBuf,
    /// Whether this call installed it (else it was in the cache).
    pub installed_now: bool,
    /// How long the install took (zero when cached).
    pub install_time: Duration,
}

/// The plugin from the cache, installed with `npm ci` on first use. The
/// install goes to a temporary folder renamed into place once complete, so
/// an interrupted install is never taken for a finished one.
pub fn ensure_plugin(cache: &Path) -> Result<Plugin> {
    let dir = cache.join(install_name());
    let marker = |dir: &Path| dir.join("node_modules").join(PLUGIN).join("package.json");
    if marker(&dir).is_file() {
        return Ok(Plugin {
            dir,
            installed_now: false,
            install_time: Duration::ZERO,
        });
    }
    let started = Instant::now();
    match Command::new("npm").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => bail!(
            "`npm --version` failed ({}): {}; {INSTALL_NODE}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "the docs plugin is installed with npm on first use, and `npm` was not found on PATH: {INSTALL_NODE}"
        ),
        Err(e) => return Err(e).context("running `npm --version`"),
    }
    std::fs::create_dir_all(cache)
        .with_context(|| format!("creating the plugin cache {}", cache.display()))?;
    let partial = TempDir::new_in(cache, ".partial")?;
    for (name, text) in [
        ("package.json", files::PACKAGE_JSON),
        ("package-lock.json", files::PACKAGE_LOCK),
        (".npmrc", files::NPMRC),
    ] {
        std::fs::write(partial.0.join(name), text)
            .with_context(|| format!("writing {name} into {}", partial.0.display()))?;
    }
    eprintln!(
        "installing {PLUGIN} {} into {} (first use; about a minute)",
        plugin_version(),
        dir.display()
    );
    let output = Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(&partial.0)
        .output()
        .context("running `npm ci`")?;
    if !output.status.success() {
        bail!(
            "installing {PLUGIN} {} with `npm ci` failed ({}); is the npm registry reachable?\n{}",
            plugin_version(),
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), 15)
        );
    }
    let installed: serde_json::Value = std::fs::read_to_string(marker(&partial.0))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    if installed["version"].as_str() != Some(plugin_version().as_str()) {
        bail!(
            "npm installed {PLUGIN} {}, not the pinned {}",
            installed["version"],
            plugin_version()
        );
    }
    if let Err(e) = std::fs::rename(&partial.0, &dir) {
        // Another process finished the same install first: use it.
        if !marker(&dir).is_file() {
            return Err(e).with_context(|| format!("moving the install to {}", dir.display()));
        }
    }
    Ok(Plugin {
        dir,
        installed_now: true,
        install_time: started.elapsed(),
    })
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A folder removed when dropped.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new, empty folder in `parent`, named `{prefix}-{pid}-{n}`.
    pub fn new_in(parent: &Path, prefix: &str) -> Result<TempDir> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = parent.join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One page the plugin made for an operation.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct MadePage {
    method: Option<String>,
    path: Option<String>,
}

/// One failure the driver reports.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Failure {
    operation: Option<FailedOperation>,
    operations: Option<Vec<String>>,
    page: Option<String>,
    scope: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct FailedOperation {
    method: Option<String>,
    path: Option<String>,
    operation_id: Option<String>,
}

/// The driver's result file.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct DriverResult {
    #[serde(default)]
    pages: Vec<MadePage>,
    #[serde(default)]
    failures: Vec<Failure>,
    #[serde(default)]
    errors: Vec<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

impl Failure {
    fn line(&self) -> String {
        let mut line = String::new();
        if let Some(op) = &self.operation {
            let _ = write!(
                line,
                "{} {}",
                op.method.as_deref().unwrap_or("?").to_uppercase(),
                op.path.as_deref().unwrap_or("?")
            );
            if let Some(id) = &op.operation_id {
                let _ = write!(line, " ({id})");
            }
        } else if let Some(ops) = &self.operations {
            let _ = write!(
                line,
                "{} operations together, none alone ({}{})",
                ops.len(),
                ops.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                if ops.len() > 5 { ", ..." } else { "" }
            );
        } else {
            line.push_str(match self.scope.as_deref() {
                Some("outside operations") => {
                    "not one operation (it fails with no operation at all: the cause is in the spec's info, components or security schemes)"
                }
                Some("spec") => "the whole spec (the plugin could not load it)",
                _ => "no single operation",
            });
        }
        if let Some(page) = &self.page {
            let _ = write!(line, ", page {page}");
        }
        let _ = write!(
            line,
            ": {}",
            self.message.as_deref().unwrap_or("(no message)").trim()
        );
        line
    }
}

/// The pages the plugin made, in a folder of the work directory.
#[derive(Debug)]
pub struct MadePages {
    /// The plugin's output folder (pages, side JSON, `sidebar.ts`).
    pub dir: PathBuf,
    /// What the plugin warned about (not fatal), each once.
    pub warnings: Vec<String>,
    /// How long the plugin took (node's start included).
    pub time: Duration,
}

/// Runs the plugin on `spec_file` in `work` (a folder of its own) and checks
/// that every operation of `spec` got its page. The error names each
/// operation the plugin failed on, with its message.
pub fn make_pages(
    plugin: &Plugin,
    spec: &Spec,
    spec_file: &Path,
    work: &Path,
) -> Result<MadePages> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    // Messages name the spec as given, not the copy the plugin read.
    let (spec_copy, work_dir) = (absolute(spec_file), absolute(work));
    run_plugin(plugin, spec, spec_file, work).map_err(|e| {
        anyhow::anyhow!(format!("{e:#}")
            .replace(&spec_copy.display().to_string(), &spec.origin)
            .replace(&format!("{}/", work_dir.display()), ""))
    })
}

fn run_plugin(plugin: &Plugin, spec: &Spec, spec_file: &Path, work: &Path) -> Result<MadePages> {
    let started = Instant::now();
    let site = work.join("site");
    std::fs::create_dir_all(&site).with_context(|| format!("creating {}", site.display()))?;
    let driver = work.join("driver.js");
    let template = work.join("sailpoint-api.mustache");
    let request = work.join("request.json");
    let result_file = work.join("result.json");
    std::fs::write(&driver, files::DRIVER).context("writing the driver")?;
    std::fs::write(&template, files::TEMPLATE).context("writing the template")?;
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    std::fs::write(
        &request,
        serde_json::json!({
            "installDir": absolute(&plugin.dir),
            "spec": absolute(spec_file),
            "siteDir": absolute(&site),
            "template": absolute(&template),
            "resultFile": absolute(&result_file),
            "downloadUrl": DEFAULT_SOURCE,
        })
        .to_string(),
    )
    .context("writing the driver's request")?;
    let output = Command::new("node")
        .arg(&driver)
        .arg(&request)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                anyhow::anyhow!("`node` was not found on PATH: {INSTALL_NODE}")
            }
            _ => anyhow::Error::new(e).context("running node"),
        })?;
    let plugin_name = format!("the docs plugin ({PLUGIN} {})", plugin_version());
    let result: Option<DriverResult> = std::fs::read_to_string(&result_file)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let Some(result) = result else {
        bail!(
            "{plugin_name} stopped on {} without a result ({}):\n{}",
            spec.origin,
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), 20)
        );
    };
    let said = |result: &DriverResult| -> String {
        let mut seen = BTreeSet::new();
        let errors: Vec<&String> = result
            .errors
            .iter()
            .filter(|e| seen.insert(e.as_str()))
            .take(5)
            .collect();
        if errors.is_empty() {
            String::new()
        } else {
            let lines: Vec<String> = errors.iter().map(|e| format!("  {}", e.trim())).collect();
            format!("\nthe plugin said:\n{}", lines.join("\n"))
        }
    };
    if output.status.code() == Some(3) {
        bail!(
            "{plugin_name} could not be loaded from {} ({}); delete that folder to install it again",
            plugin.dir.display(),
            result
                .failures
                .first()
                .and_then(|f| f.message.clone())
                .unwrap_or_default()
        );
    }
    if !result.failures.is_empty() || !output.status.success() {
        let lines: Vec<String> = result
            .failures
            .iter()
            .map(|f| format!("  - {}", f.line()))
            .collect();
        bail!(
            "{plugin_name} failed on the spec {}:\n{}{}",
            spec.origin,
            if lines.is_empty() {
                format!("  node exited with {}", output.status)
            } else {
                lines.join("\n")
            },
            said(&result)
        );
    }
    // Every operation of the spec has its page.
    let made: BTreeSet<(String, String)> = result
        .pages
        .iter()
        .filter_map(|p| Some((p.method.clone()?.to_ascii_lowercase(), p.path.clone()?)))
        .collect();
    let missing: Vec<String> = spec
        .operations
        .iter()
        .filter(|op| !made.contains(&(op.method.clone(), op.path.clone())))
        .map(|op| format!("  - {op}"))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{plugin_name} made pages for {} of the {} operations of {}; no page for:\n{}{}",
            spec.operations.len() - missing.len(),
            spec.operations.len(),
            spec.origin,
            missing
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
            said(&result)
        );
    }
    let mut seen = BTreeSet::new();
    let warnings = result
        .warnings
        .iter()
        .chain(&result.errors)
        .filter(|w| seen.insert(w.as_str()))
        .cloned()
        .collect();
    Ok(MadePages {
        dir: site.join("docs").join("api"),
        warnings,
        time: started.elapsed(),
    })
}

/// How many pages of each kind were vendored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCounts {
    /// `*.api.mdx`.
    pub operations: usize,
    /// `*.tag.mdx`.
    pub tags: usize,
    /// `*.info.mdx`.
    pub info: usize,
}

/// Whether the upstream keeps a file the plugin wrote: the pages the
/// extractor reads, not the side JSON files or the sidebar.
pub fn is_vendored(file_name: &str) -> bool {
    [".api.mdx", ".tag.mdx", ".info.mdx"]
        .iter()
        .any(|ext| file_name.ends_with(ext))
}

/// Copies the pages the extractor reads from `made` into `dest`.
pub fn vendor_pages(made: &Path, dest: &Path) -> Result<PageCounts> {
    let mut counts = PageCounts::default();
    std::fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))?;
    for entry in std::fs::read_dir(made)
        .with_context(|| format!("reading the pages in {}", made.display()))?
    {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_vendored(&name) {
            continue;
        }
        std::fs::copy(entry.path(), dest.join(&name))
            .with_context(|| format!("copying {name} into {}", dest.display()))?;
        if name.ends_with(".api.mdx") {
            counts.operations += 1;
        } else if name.ends_with(".tag.mdx") {
            counts.tags += 1;
        } else {
            counts.info += 1;
        }
    }
    Ok(counts)
}

/// Node.js checked and the plugin from `cache`, installed on first use.
pub fn prepare_plugin(cache: &Path) -> Result<Plugin> {
    find_node()?;
    ensure_plugin(cache)
}

/// Makes the pages of `spec` (read with [`read_spec`]) into `dest` with the
/// plugin, keeping only the pages the extractor reads. The spec's text and
/// everything else the plugin writes go to a work folder in the system's
/// temporary folder, removed afterwards.
pub fn pages_from_spec(
    spec: &Spec,
    plugin: &Plugin,
    dest: &Path,
) -> Result<(MadePages, PageCounts)> {
    let work = TempDir::new_in(&std::env::temp_dir(), "sailpoint-refresh")?;
    let spec_file = work.0.join(spec_file_name(spec));
    std::fs::write(&spec_file, &spec.bytes).context("writing the spec for the plugin")?;
    let made = make_pages(plugin, spec, &spec_file, &work.0)?;
    let counts = vendor_pages(&made.dir, dest)?;
    let made = MadePages {
        dir: dest.to_owned(),
        ..made
    };
    Ok((made, counts))
}

/// The spec file's name for the plugin: its own extension, else `.yaml`
/// (JSON is YAML).
fn spec_file_name(spec: &Spec) -> &'static str {
    if spec.bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        "spec.json"
    } else {
        "spec.yaml"
    }
}

/// What changed among the upstream pages, by file name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageChanges {
    /// Pages only in the new upstream.
    pub added: Vec<String>,
    /// Pages only in the old upstream.
    pub removed: Vec<String>,
    /// Pages in both, with other text.
    pub changed: Vec<String>,
}

impl PageChanges {
    /// Whether no page changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// `3 added, 1 removed, 40 changed`, or `no page changed`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no page changed".into();
        }
        format!(
            "{} added, {} removed, {} changed",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        )
    }
}

/// The pages (the files [`is_vendored`] keeps) of two folders compared.
pub fn compare_pages(old: &Path, new: &Path) -> Result<PageChanges> {
    let read = |dir: &Path| -> Result<BTreeMap<String, Vec<u8>>> {
        let mut pages = BTreeMap::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(pages),
            Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_vendored(&name) {
                let text = std::fs::read(entry.path())
                    .with_context(|| format!("reading {}", entry.path().display()))?;
                pages.insert(name, text);
            }
        }
        Ok(pages)
    };
    let (old, new) = (read(old)?, read(new)?);
    let mut changes = PageChanges::default();
    for (name, text) in &new {
        match old.get(name) {
            None => changes.added.push(name.clone()),
            Some(before) if before != text => changes.changed.push(name.clone()),
            Some(_) => {}
        }
    }
    changes.removed = old
        .keys()
        .filter(|name| !new.contains_key(*name))
        .cloned()
        .collect();
    Ok(changes)
}

/// The date of the refresh for PROVENANCE.md: `SOURCE_DATE_EPOCH` when set
/// (reproducible runs), else now; UTC.
pub fn refresh_date() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| format!("{seconds} seconds after 1970"))
}

/// `spec/upstream/PROVENANCE.md` for pages made from `spec`.
pub fn provenance(spec: &Spec, counts: PageCounts, date: &str) -> String {
    let services: BTreeSet<&str> = spec
        .operations
        .iter()
        .filter_map(|op| op.path.trim_start_matches('/').split('/').next())
        .collect();
    let fetched = spec
        .fetched_from
        .as_ref()
        .map(|url| format!(" (fetched from {url})"))
        .unwrap_or_default();
    format!(
        "# Upstream docs pages

<!-- Generated by `cargo xtask refresh`, do not edit: run it again to refresh these pages. -->

SailPoint's API docs pages as its docs site makes them, from the spec SailPoint publishes.

* Spec: {origin}{fetched}, {size} bytes, SHA-256 `{sha}`: {title} `{version}` (OpenAPI {openapi}).
* Refreshed: {date}.
* Generator: {PLUGIN} {plugin} (the version SailPoint's docs site pins; `xtask/docs-plugin/package.json`),
  its own `gen-api-docs` action run by `xtask/docs-plugin/driver.js` with the options SailPoint's site gives
  this set (`outputDir: docs/api/`, `sidebarOptions: {{groupPathsBy: tag, categoryLinkSource: tag}}`, the
  spec's release asset as `downloadUrl`) and SailPoint's frontmatter template (`xtask/docs-plugin/sailpoint-api.mustache`,
  from sailpoint-oss/developer.sailpoint.com, MIT licence, copyright SailPoint, Inc.).
* Not reproduced: SailPoint's own page body generator (its site's `markdownGenerators.createApiPageMD`); the
  page bodies here are the plugin's default ones. The extractor reads only the frontmatter.
* Vendored: {ops} operation pages (`*.api.mdx`, `api:` in the frontmatter), {tags} tag pages, {info} info page(s):
  what the extractor reads. Not vendored: the plugin's side JSON files and `sidebar.ts`.

What the spec says a client must know: {n} operations in {services} services (the first path segment),
{experimental} experimental (each request must carry `X-SailPoint-Experimental: true`), {deprecated} deprecated.
",
        origin = spec.origin,
        size = spec.bytes.len(),
        sha = spec.sha256,
        title = spec.title,
        version = spec.version.as_deref().unwrap_or("(no version)"),
        openapi = spec.openapi,
        plugin = plugin_version(),
        ops = counts.operations,
        tags = counts.tags,
        info = counts.info,
        n = spec.operations.len(),
        services = services.len(),
        experimental = spec.experimental,
        deprecated = spec.deprecated,
    )
}

/// What `refresh` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The spec: a file or an http(s) URL ([`DEFAULT_SOURCE`] when `None`).
    pub source: Option<String>,
    /// Write nothing; only report.
    pub check: bool,
    /// Replace the upstream even when the extractor quarantines pages.
    pub accept_quarantined: bool,
    /// Where the plugin is installed ([`cache_dir`] when `None`).
    pub cache: Option<PathBuf>,
}

/// How long each step of a refresh took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading or fetching the spec, and checking it.
    pub read: Duration,
    /// Installing the plugin (zero when it was in the cache).
    pub install: Duration,
    /// The plugin making the pages (node's start included).
    pub plugin: Duration,
    /// Extracting the spec from the new pages.
    pub extract: Duration,
    /// Generating the client and its mock layer.
    pub generate: Duration,
    /// Replacing the upstream and writing the generated files.
    pub write: Duration,
    /// The whole refresh.
    pub total: Duration,
}

impl Timings {
    /// `plugin 12.3 s, extraction 1.9 s, ...`.
    pub fn line(&self) -> String {
        let s = |d: Duration| format!("{:.1} s", d.as_secs_f64());
        let mut parts = vec![format!("reading the spec {}", s(self.read))];
        if !self.install.is_zero() {
            parts.push(format!("installing the plugin {}", s(self.install)));
        }
        parts.extend([
            format!("plugin {}", s(self.plugin)),
            format!("extraction {}", s(self.extract)),
            format!("generation {}", s(self.generate)),
            format!("writing {}", s(self.write)),
        ]);
        format!("{} in all: {}", s(self.total), parts.join(", "))
    }
}

/// What a refresh found and did.
#[derive(Debug)]
pub struct Refreshed {
    /// The spec the pages were made from.
    pub spec: Spec,
    /// The pages by kind.
    pub counts: PageCounts,
    /// The upstream pages that change.
    pub pages: PageChanges,
    /// Regeneration from the new pages (drift report, generated files).
    pub regen: RegenOutcome,
    /// What the plugin warned about.
    pub warnings: Vec<String>,
    /// Whether `spec/upstream/` and the generated files were replaced.
    pub written: bool,
    /// How long each step took.
    pub timings: Timings,
}

impl Refreshed {
    /// Whether the upstream pages or the generated files change (changed,
    /// when written).
    pub fn changed(&self) -> bool {
        !self.pages.is_empty() || self.regen.stale()
    }

    /// The report as text: the spec, the pages, the drift report.
    pub fn to_text(&self, color: bool) -> String {
        let mut out = self.header();
        out.push('\n');
        if self.regen.drift.is_empty() {
            out.push_str("no change to the API as the client sees it\n");
        } else {
            out.push_str(&self.regen.drift.to_text(color));
        }
        out
    }

    /// The report as Markdown, for a pull request's body.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "## Upstream refresh: {}\n\n",
            if self.regen.drift.is_empty() {
                "no API change".to_owned()
            } else {
                self.regen.drift.summary_line()
            }
        );
        for line in self.header().lines() {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
        if self.regen.drift.is_empty() {
            out.push_str("No change to the API as the client sees it.\n");
        } else {
            out.push_str(&self.regen.drift.to_markdown());
        }
        let lists = [
            ("added", &self.pages.added),
            ("removed", &self.pages.removed),
            ("changed", &self.pages.changed),
        ];
        if !self.pages.is_empty() {
            out.push_str("\n<details><summary>Upstream pages</summary>\n\n");
            for (what, names) in lists {
                if names.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "{} {what}:", names.len());
                for name in names.iter().take(200) {
                    let _ = writeln!(out, "- `{name}`");
                }
                if names.len() > 200 {
                    let _ = writeln!(out, "- ... and {} more", names.len() - 200);
                }
                out.push('\n');
            }
            out.push_str("</details>\n");
        }
        let _ = writeln!(
            out,
            "\n_Made by `cargo xtask refresh` ({PLUGIN} {}); {}._",
            plugin_version(),
            self.timings.line()
        );
        out
    }

    /// The lines about the spec, the pages and the files.
    fn header(&self) -> String {
        let spec = &self.spec;
        let mut out = format!(
            "spec: {}{}, SHA-256 {}, {} `{}`, {} operations\n",
            spec.origin,
            spec.fetched_from
                .as_ref()
                .map(|u| format!(" (from {u})"))
                .unwrap_or_default(),
            &spec.sha256[..16],
            spec.title,
            spec.version.as_deref().unwrap_or("?"),
            spec.operations.len()
        );
        let _ = writeln!(
            out,
            "upstream pages: {} ({} operation pages, {} tag pages, {} info page(s))",
            self.pages.summary(),
            self.counts.operations,
            self.counts.tags,
            self.counts.info
        );
        let files = self.regen.changed_paths();
        let _ = writeln!(
            out,
            "generated files: {}",
            if files.is_empty() {
                "unchanged".to_owned()
            } else {
                format!(
                    "{} {}",
                    files.join(", "),
                    if self.written {
                        "written"
                    } else {
                        "would change"
                    }
                )
            }
        );
        out
    }
}

/// `cargo xtask refresh`: makes the upstream pages of `root` anew from the
/// spec, regenerates, and (unless `check`) replaces `spec/upstream/` and
/// writes the generated files. When the pages do not change, nothing is
/// written (not even PROVENANCE.md). Any error leaves `root` as it was.
pub fn refresh(root: &Path, options: &Options) -> Result<Refreshed> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let source = options.source.as_deref().unwrap_or(DEFAULT_SOURCE);
    let spec = read_spec(source)?;
    timings.read = started.elapsed();
    let plugin = prepare_plugin(&options.cache.clone().unwrap_or_else(cache_dir))?;
    timings.install = plugin.install_time;

    let upstream = root.join(paths::UPSTREAM);
    let spec_dir = upstream
        .parent()
        .context("the upstream folder has no parent")?;
    std::fs::create_dir_all(spec_dir)
        .with_context(|| format!("creating {}", spec_dir.display()))?;
    // Beside spec/upstream, so that replacing it is one rename.
    let staged = TempDir::new_in(spec_dir, ".upstream-refresh")?;
    let (made, counts) = pages_from_spec(&spec, &plugin, &staged.0)?;
    timings.plugin = made.time;

    let pages = compare_pages(&upstream, &staged.0)?;
    let provenance_text = provenance(&spec, counts, &refresh_date());
    std::fs::write(staged.0.join("PROVENANCE.md"), provenance_text)
        .context("writing PROVENANCE.md")?;

    let mut regen = crate::regen(root, &[staged.0.display().to_string()], true)
        .with_context(|| format!("extracting and generating from the pages made from {source}; spec/upstream is unchanged"))?;
    timings.extract = regen.timings.extract;
    timings.generate = regen.timings.generate;
    // Pages are named where they will be, not where they were made.
    let as_upstream = |text: &str| {
        let staged_relative = staged.0.strip_prefix(root).unwrap_or(&staged.0);
        text.replace(
            &format!("{}/", staged.0.display()),
            &format!("{}/", paths::UPSTREAM),
        )
        .replace(
            &format!("{}/", staged_relative.display()),
            &format!("{}/", paths::UPSTREAM),
        )
    };
    regen.report = as_upstream(&regen.report);
    if !regen.quarantined.is_empty() && !options.accept_quarantined {
        let lines: Vec<String> = regen
            .quarantined
            .iter()
            .map(|q| format!("  - {}", as_upstream(&q.to_string())))
            .collect();
        bail!(
            "the extractor quarantines {} of the pages made from {source}, so their operations would leave the client; spec/upstream is unchanged (--accept-quarantined takes them all the same):\n{}",
            lines.len(),
            lines.join("\n")
        );
    }

    let write_started = Instant::now();
    let written = !options.check && !pages.is_empty();
    if written {
        replace_dir(&upstream, &staged.0)?;
        crate::write_changes(root, &regen.changes)?;
    }
    timings.write = write_started.elapsed();
    timings.total = started.elapsed();
    Ok(Refreshed {
        spec,
        counts,
        pages,
        regen,
        warnings: made.warnings,
        written,
        timings,
    })
}

/// Replaces the folder `target` with `new` (a sibling): `target` is moved
/// aside, `new` renamed to it, then the old one removed. When the second
/// rename fails, the old folder is put back.
pub fn replace_dir(target: &Path, new: &Path) -> Result<()> {
    let aside = target.with_file_name(format!(
        ".{}-old-{}",
        target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let had = target.exists();
    if had {
        let _ = std::fs::remove_dir_all(&aside);
        std::fs::rename(target, &aside)
            .with_context(|| format!("moving {} aside", target.display()))?;
    }
    if let Err(e) = std::fs::rename(new, target) {
        if had {
            let _ = std::fs::rename(&aside, target);
        }
        return Err(e).with_context(|| format!("moving the new pages to {}", target.display()));
    }
    if had {
        if let Err(e) = std::fs::remove_dir_all(&aside) {
            eprintln!("warning: could not remove {}: {e}", aside.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plugin_version_is_the_one_package_json_pins() {
        assert_eq!(plugin_version(), "5.1.2");
        assert!(install_name().starts_with("docusaurus-plugin-openapi-docs-5.1.2-"));
        let lock: serde_json::Value = serde_json::from_str(files::PACKAGE_LOCK).unwrap();
        assert_eq!(
            lock["packages"]["node_modules/docusaurus-plugin-openapi-docs"]["version"],
            plugin_version().as_str(),
            "package-lock.json is npm's record of package.json: run `npm install --package-lock-only` in xtask/docs-plugin"
        );
    }

    #[test]
    fn yaml_keys_that_are_numbers_become_strings() {
        let spec = parse_spec(
            "t.yaml",
            b"openapi: 3.0.1\ninfo: {title: T, version: v1}\npaths:\n  /a/v1:\n    get:\n      operationId: getA\n      responses:\n        200: {description: ok}\n",
        )
        .unwrap();
        assert_eq!(spec.operations.len(), 1);
        assert_eq!(spec.operations[0].to_string(), "GET /a/v1 (getA)");
    }
}
