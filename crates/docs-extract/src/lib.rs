//! Recovers an OpenAPI 3.0.3 document from the pages that
//! [docusaurus-plugin-openapi-docs](https://github.com/PaloAltoNetworks/docusaurus-openapi-docs)
//! generates.
//!
//! Each operation page carries the operation in its frontmatter key `api`
//! (one-line JSON, or base64 of zlib-deflated JSON), together with the
//! plugin's extras: `method`, `path`, `servers`, `security`,
//! `securitySchemes`, `info`, `jsonRequestBodyExample`, `postman`. This crate
//! decodes the pages ([`page`]), fixes known upstream bugs ([`fixups`]),
//! gives inlined schemas back their component names ([`names`]), assembles
//! one document and validates it ([`validate`]).
//!
//! ```no_run
//! let sources = docs_extract::read_sources(std::path::Path::new("spec/upstream"))?;
//! let extraction = docs_extract::extract(&sources.pages, &docs_extract::NamesFile::default())?;
//! std::fs::write("openapi.json", docs_extract::to_pretty_json(&extraction.document))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod error;
pub mod fixups;
pub mod names;
pub mod page;
pub mod validate;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

pub use error::{Error, Origin};
pub use names::NamesFile;
pub use page::{parse_page, ApiEncoding, Page};

/// The OpenAPI version of the assembled document.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// Keys of the `api` object that the plugin adds and an OpenAPI operation
/// does not have. They are dropped; `method`, `path`, `servers`,
/// `securitySchemes` and `info` are used to place the operation first.
pub const PLUGIN_KEYS: &[&str] = &[
    "method",
    "path",
    "securitySchemes",
    "info",
    "jsonRequestBodyExample",
    "postman",
];

/// Fields of an OpenAPI 3.0 Operation Object (`x-` extensions are kept too).
const OPERATION_KEYS: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];

/// One input: a page's text and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file path or URL, as shown in messages.
    pub name: String,
    /// The file name (last path segment), which tells tag and info pages apart.
    pub file_name: String,
    /// The page's text.
    pub text: String,
}

/// Pages read from files and folders, and what was skipped.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// The pages, in a stable order (sorted by path within each folder).
    pub pages: Vec<Source>,
    /// Files in the folders that are not plugin pages (`sidebar.js`, ...).
    pub skipped: Vec<String>,
}

/// Reads a page file, or every page in a folder (recursively, sorted by
/// path). Files that are not plugin pages are skipped and listed.
pub fn read_sources(path: &Path) -> Result<Sources, Error> {
    let mut sources = Sources::default();
    read_into(path, true, &mut sources)?;
    Ok(sources)
}

fn read_into(path: &Path, explicit: bool, out: &mut Sources) -> Result<(), Error> {
    let io = |error| Error::Io {
        path: path.display().to_string(),
        error,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        let mut entries = std::fs::read_dir(path)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(io)?;
        entries.sort();
        for entry in entries {
            read_into(&entry, false, out)?;
        }
        return Ok(());
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !explicit && !page::is_page_name(&file_name) {
        out.skipped.push(path.display().to_string());
        return Ok(());
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    out.pages.push(Source {
        name: path.display().to_string(),
        file_name,
        text,
    });
    Ok(())
}

/// A fixup applied to one page.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedFixup {
    /// The fixup's name (see [`fixups::FIXUPS`]).
    pub fixup: &'static str,
    /// The page it touched.
    pub origin: Origin,
    /// What it changed.
    pub change: String,
}

/// What extraction did, for the person running it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    /// Operation pages read.
    pub operation_pages: usize,
    /// Tag pages read.
    pub tag_pages: usize,
    /// Info pages read.
    pub info_pages: usize,
    /// Pages whose `api` was base64 of deflated JSON.
    pub compressed_pages: usize,
    /// Every fixup application.
    pub fixups: Vec<AppliedFixup>,
    /// Component name → number of places referring to it.
    pub components: BTreeMap<String, usize>,
    /// Things worth a look that did not stop extraction.
    pub warnings: Vec<String>,
}

impl Report {
    /// The report for a person: pages read by kind (and `skipped` other
    /// files), every fixup with the page it touched, every warning; a line each.
    pub fn describe(&self, skipped: usize) -> String {
        let mut out = format!(
            "read {} operation page(s) ({} compressed), {} tag page(s), {} info page(s); skipped {skipped} other file(s)\n",
            self.operation_pages, self.compressed_pages, self.tag_pages, self.info_pages
        );
        for f in &self.fixups {
            out.push_str(&format!("fixup {}: {}: {}\n", f.fixup, f.origin, f.change));
        }
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        out
    }
}

/// The result of [`extract`].
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The OpenAPI 3.0.3 document.
    pub document: Value,
    /// What was done on the way.
    pub report: Report,
}

/// An operation page, ready to be placed.
struct Placed {
    origin: Origin,
    method: String,
    path: String,
    op: Map<String, Value>,
}

/// Assembles one OpenAPI document from the given pages. Pages are decoded
/// on every core; the result does not depend on how many there are.
pub fn extract(sources: &[Source], names: &NamesFile) -> Result<Extraction, Error> {
    extract_with_progress(sources, names, &|_, _| {})
}

/// [`extract`], calling `progress(pages_decoded, pages)` as pages are
/// decoded (from any thread), for a progress bar.
pub fn extract_with_progress(
    sources: &[Source],
    names: &NamesFile,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Extraction, Error> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let pages = parallel_map(sources, |s| {
        let page = parse_page(&s.name, &s.file_name, &s.text);
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, sources.len());
        page
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    assemble(pages, names)
}

/// Maps `items` in order, split over the available cores.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    if threads < 2 || items.len() < 8 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                scope.spawn(move || part.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Assembles one OpenAPI document from parsed pages.
pub fn assemble(pages: Vec<Page>, names: &NamesFile) -> Result<Extraction, Error> {
    let mut report = Report::default();
    let mut shared = Shared::default();
    let mut tag_descriptions: BTreeMap<String, String> = BTreeMap::new();
    let mut placed: Vec<Placed> = Vec::new();

    // First pass: what every page repeats (info, servers, security schemes),
    // which the fixups need to know.
    for page in &pages {
        if let Page::Operation(page) = page {
            merge_shared(page, &mut shared, &mut report);
        }
    }
    let context = fixups::Context {
        security_schemes: shared.security_schemes.clone(),
    };
    let mut operations = Vec::new();
    for page in pages {
        match page {
            Page::Operation(page) => {
                report.operation_pages += 1;
                if page.encoding == ApiEncoding::DeflatedBase64 {
                    report.compressed_pages += 1;
                }
                operations.push(std::sync::Mutex::new(Some(page)));
            }
            Page::Tag(tag) => {
                report.tag_pages += 1;
                if let Some(description) = tag.description {
                    tag_descriptions.insert(tag.name, description);
                }
            }
            Page::Info(_) => report.info_pages += 1,
        }
    }
    // The fixups run on every core, each page with a report of its own,
    // merged in page order.
    let results = parallel_map(&operations, |slot| {
        let page = slot
            .lock()
            .ok()
            .and_then(|mut p| p.take())
            .expect("each page is placed once");
        let mut own = Report::default();
        place(page, &context, &mut own).map(|placed| (placed, own))
    });
    for result in results {
        let (one, own) = result?;
        report.fixups.extend(own.fixups);
        report.warnings.extend(own.warnings);
        placed.push(one);
    }
    if placed.is_empty() {
        return Err(Error::NoPages("the given input".into()));
    }

    // Servers every page repeats go to the top; otherwise each keeps its own.
    let first_servers_page = shared.first_servers_page.clone();
    let common_servers = shared
        .servers
        .as_ref()
        .filter(|_| shared.servers_agree)
        .cloned();
    let mut paths: BTreeMap<String, BTreeMap<String, Map<String, Value>>> = BTreeMap::new();
    let mut by_id: BTreeMap<String, Origin> = BTreeMap::new();
    let mut by_route: BTreeMap<(String, String), Origin> = BTreeMap::new();
    let mut tags: Vec<String> = Vec::new();
    for Placed {
        origin,
        method,
        path,
        mut op,
    } in placed
    {
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            if let Some(first) = by_id.insert(id.to_owned(), origin.clone()) {
                return Err(Error::Duplicate {
                    first,
                    second: origin,
                    what: format!("operationId `{id}`"),
                });
            }
        }
        let route = (method.clone(), path.clone());
        if let Some(first) = by_route.insert(route, origin.clone()) {
            return Err(Error::Duplicate {
                first,
                second: origin,
                what: format!("{} {path}", method.to_uppercase()),
            });
        }
        if common_servers.is_some() {
            op.remove("servers");
        }
        for tag in op
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(tag) = tag.as_str() {
                if !tags.iter().any(|t| t == tag) {
                    tags.push(tag.to_owned());
                }
            }
        }
        paths.entry(path).or_default().insert(method, op);
    }
    if !shared.servers_agree {
        report
            .warnings
            .push("pages disagree on `servers`; each operation keeps its own".into());
    }

    let (schemas, naming) = names::restore_names(&mut paths, names)?;
    report.components = naming.uses;
    report.warnings.extend(naming.warnings);

    let mut doc = Map::new();
    doc.insert("openapi".into(), OPENAPI_VERSION.into());
    doc.insert(
        "info".into(),
        shared
            .info
            .unwrap_or_else(|| serde_json::json!({"title": "API", "version": "0.0.0"})),
    );
    if let Some(servers) = common_servers {
        doc.insert("servers".into(), servers);
    }
    tags.sort();
    let tags: Vec<Value> = tags
        .into_iter()
        .map(|name| {
            let mut tag = Map::new();
            if let Some(description) = tag_descriptions.get(&name) {
                tag.insert("description".into(), description.clone().into());
            }
            tag.insert("name".into(), name.into());
            Value::Object(tag)
        })
        .collect();
    if !tags.is_empty() {
        doc.insert("tags".into(), Value::Array(tags));
    }
    let mut path_items = Map::new();
    for (path, mut methods) in paths {
        let mut item = Map::new();
        for method in validate::METHODS {
            if let Some(op) = methods.remove(method) {
                item.insert(method.into(), Value::Object(op));
            }
        }
        path_items.insert(path, Value::Object(item));
    }
    doc.insert("paths".into(), Value::Object(path_items));
    let mut components = Map::new();
    if !schemas.is_empty() {
        components.insert(
            "schemas".into(),
            Value::Object(schemas.into_iter().collect()),
        );
    }
    if !shared.security_schemes.is_empty() {
        let schemes: Map<String, Value> = shared.security_schemes.into_iter().collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if !components.is_empty() {
        doc.insert("components".into(), Value::Object(components));
    }
    let document = Value::Object(doc);
    let problems = validate::validate(&document);
    if !problems.is_empty() {
        // Name the pages each problem comes from.
        let named = problems
            .into_iter()
            .map(|problem| {
                let pages: Vec<String> = by_route
                    .iter()
                    .filter(|((method, path), _)| {
                        problem.starts_with(&format!("{} {path}:", method.to_uppercase()))
                            || problem.contains(&format!("paths.{path}:"))
                    })
                    .map(|(_, origin)| origin.to_string())
                    .collect();
                if pages.is_empty() {
                    // A document-level part: from the first page that had it.
                    match &first_servers_page {
                        Some(origin) => format!("{problem} (from {origin})"),
                        None => problem,
                    }
                } else {
                    format!("{problem} (from {})", pages.join(", "))
                }
            })
            .collect();
        return Err(Error::Invalid(named));
    }
    Ok(Extraction { document, report })
}

/// What the pages repeat and the document holds once.
#[derive(Default)]
struct Shared {
    info: Option<Value>,
    servers: Option<Value>,
    servers_agree: bool,
    security_schemes: BTreeMap<String, Value>,
    first_servers_page: Option<Origin>,
}

/// Merges what a page repeats into `shared`, reporting disagreements.
fn merge_shared(page: &page::OperationPage, shared: &mut Shared, report: &mut Report) {
    let (origin, api) = (&page.origin, &page.api);
    if let Some(info) = api.get("info") {
        match &shared.info {
            None => shared.info = Some(info.clone()),
            Some(first) if first != info => report.warnings.push(format!(
                "{origin}: `info` differs from the first page's; the first is kept"
            )),
            Some(_) => {}
        }
    }
    match (&shared.servers, api.get("servers")) {
        (None, Some(servers)) if shared.first_servers_page.is_none() => {
            shared.servers = Some(servers.clone());
            shared.servers_agree = true;
            shared.first_servers_page = Some(origin.clone());
        }
        (first, this) if first.as_ref() != this => shared.servers_agree = false,
        _ => {}
    }
    if let Some(Value::Object(schemes)) = api.get("securitySchemes") {
        for (name, scheme) in schemes {
            match shared.security_schemes.get(name) {
                None => {
                    shared.security_schemes.insert(name.clone(), scheme.clone());
                }
                Some(first) if first != scheme => report.warnings.push(format!(
                    "{origin}: security scheme `{name}` differs from the first page's; the first is kept"
                )),
                Some(_) => {}
            }
        }
    }
}

/// Checks an operation page, applies the fixups and turns its `api` object
/// into an OpenAPI operation.
fn place(
    page: page::OperationPage,
    context: &fixups::Context,
    report: &mut Report,
) -> Result<Placed, Error> {
    let page::OperationPage {
        origin, mut api, ..
    } = page;
    let bad = |message: String| Error::BadApi {
        origin: origin.clone(),
        message,
    };
    if !matches!(api.get("responses"), Some(Value::Object(r)) if !r.is_empty()) {
        return Err(bad("has no `responses`".into()));
    }
    if !matches!(api.get("operationId"), Some(Value::String(_))) {
        return Err(bad("has no string `operationId`".into()));
    }
    let method = match api.get("method") {
        Some(Value::String(m)) if validate::METHODS.contains(&m.to_lowercase().as_str()) => {
            m.to_lowercase()
        }
        Some(other) => return Err(bad(format!("has `method` {other}, not an HTTP method"))),
        None => return Err(bad("has no `method`".into())),
    };

    match api.get("path") {
        Some(Value::String(p)) if p.starts_with('/') => {}
        Some(other) => {
            return Err(bad(format!(
                "has `path` {other}, which does not start with `/`"
            )))
        }
        None => return Err(bad("has no `path`".into())),
    }
    fixups::apply_all(&mut api, context, &mut |fixup, change| {
        report.fixups.push(AppliedFixup {
            fixup,
            origin: origin.clone(),
            change,
        });
    });
    // A fixup may have corrected the path.
    let path = api
        .get("path")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();

    if !api.contains_key("summary") {
        if let Some(name) = api
            .get("postman")
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
        {
            api.insert("summary".into(), name.into());
        }
    }
    let mut op = Map::new();
    // Operation fields in the order the OpenAPI specification lists them.
    for key in OPERATION_KEYS {
        if let Some(value) = api.remove(*key) {
            op.insert((*key).into(), value);
        }
    }
    for (key, value) in api {
        if key.starts_with("x-") {
            op.insert(key, value);
        } else if !PLUGIN_KEYS.contains(&key.as_str()) {
            report
                .warnings
                .push(format!("{origin}: dropped unknown `api` key `{key}`"));
        }
    }
    Ok(Placed {
        origin,
        method,
        path,
        op,
    })
}

/// Writes `text` to a temporary file beside `path`, then renames it into
/// place, so that a reader never sees a half-written file.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

/// Pretty JSON with a trailing newline: the on-disk form of a document.
pub fn to_pretty_json(value: &Value) -> String {
    let mut out = serde_json::to_string_pretty(value).expect("a JSON value always serializes");
    out.push('\n');
    out
}
