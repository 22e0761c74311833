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
//! let sources = docusaurus_openapi_extract::read_sources(std::path::Path::new("spec/upstream"))?;
//! let extraction = docusaurus_openapi_extract::extract(&sources.pages, &docusaurus_openapi_extract::NamesFile::default())?;
//! std::fs::write("openapi.json", docusaurus_openapi_extract::to_pretty_json(&extraction.document))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod error;
pub mod fixups;
pub mod names;
pub mod page;
pub mod validate;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use openapi_model::METHODS;
use serde_json::{Map, Value};

pub use error::{Error, Origin};
pub use names::NamesFile;
pub use openapi_model::Route;
pub use page::{parse_page, ApiEncoding, Page};

/// The OpenAPI version of the assembled document.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// The document extension that lists the upstream bugs it was repaired
/// for: `[{"fixup": name, "page": page id}]`, one entry per fixup and page.
pub const FIXUPS_EXTENSION: &str = "x-sailpoint-fixups";

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

/// The check a quarantined page failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Check {
    /// The page decodes: frontmatter, YAML, base64, zlib, JSON.
    Decode,
    /// The `api` object is an operation: a method, a path, responses.
    Operation,
    /// No other page declares the same route or `operationId`.
    Unique,
    /// The operation is valid OpenAPI 3.0 once placed in the document
    /// (it parses, its `$ref`s resolve, its parameters match its path).
    Valid,
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Check::Decode => "decode",
            Check::Operation => "operation",
            Check::Unique => "unique",
            Check::Valid => "valid",
        })
    }
}

/// An operation page left out of the document, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarantined {
    /// The page.
    pub origin: Origin,
    /// Its route, when the page got far enough to have one.
    pub route: Option<Route>,
    /// The check it failed.
    pub check: Check,
    /// What is wrong, in words.
    pub reason: String,
}

impl std::fmt::Display for Quarantined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(route) = &self.route {
            write!(f, " ({route})")?;
        }
        write!(f, ": failed check `{}`: {}", self.check, self.reason)
    }
}

/// What extraction did, for the person running it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    /// Operation pages read (kept and quarantined).
    pub operation_pages: usize,
    /// Tag pages read.
    pub tag_pages: usize,
    /// Info pages read.
    pub info_pages: usize,
    /// Pages whose `api` was base64 of deflated JSON.
    pub compressed_pages: usize,
    /// Operations in the document.
    pub operations: usize,
    /// Every fixup application.
    pub fixups: Vec<AppliedFixup>,
    /// Pages left out of the document, each with its reason.
    pub quarantined: Vec<Quarantined>,
    /// Component name → number of places referring to it.
    pub components: BTreeMap<String, usize>,
    /// Component name → the hash and first place of the shape it names:
    /// what a names lock keeps (see [`NamesFile::lock_text`]).
    pub components_lock: names::Lock,
    /// Things worth a look that did not stop extraction.
    pub warnings: Vec<String>,
}

impl Report {
    /// Operation pages that a fixup repaired and that are in the document.
    pub fn repaired(&self) -> usize {
        let quarantined: BTreeSet<&str> = self
            .quarantined
            .iter()
            .map(|q| q.origin.source.as_str())
            .collect();
        self.fixups
            .iter()
            .map(|f| f.origin.source.as_str())
            .filter(|source| !quarantined.contains(source))
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// The one-line summary: `N pages → N operations, N repaired, N quarantined`.
    pub fn summary(&self) -> String {
        format!(
            "{} operation page(s) → {} operation(s), {} repaired, {} quarantined",
            self.operation_pages,
            self.operations,
            self.repaired(),
            self.quarantined.len()
        )
    }

    /// The report for a person: pages read by kind (and `skipped` other
    /// files), every fixup with the page it touched, every warning, every
    /// quarantined page with its reason, and the summary; a line each.
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
        for q in &self.quarantined {
            out.push_str(&format!("quarantined: {q}\n"));
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }
}

/// The result of [`extract`].
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The OpenAPI 3.0.3 document: every operation that could be kept.
    pub document: Value,
    /// What was done on the way, and what was left out.
    pub report: Report,
}

/// An operation page, ready to be placed.
struct Placed {
    origin: Origin,
    route: Route,
    op: Map<String, Value>,
}

/// Assembles one OpenAPI document from the given pages. Pages are decoded
/// on every core; the result does not depend on how many there are.
///
/// A page that cannot be decoded or placed, or whose operation is invalid,
/// is quarantined (left out, with its reason in [`Report::quarantined`]);
/// the other pages still make the document. It is an error only when no
/// operation is left, or when a problem cannot be tied to any page.
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
    let decoded = openapi_model::par_map(sources, |s| {
        let page = parse_page(&s.name, &s.file_name, &s.text);
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, sources.len());
        page
    });
    let mut pages = Vec::with_capacity(decoded.len());
    let mut undecoded = Vec::new();
    for (source, page) in sources.iter().zip(decoded) {
        match page {
            Ok(page) => pages.push(page),
            Err(error) => undecoded.push(Quarantined {
                origin: error.origin().cloned().unwrap_or_else(|| Origin {
                    source: source.name.clone(),
                    page: None,
                }),
                route: None,
                check: Check::Decode,
                reason: error.to_string(),
            }),
        }
    }
    let mut extraction = assemble_quarantining(pages, names, undecoded)?;
    extraction.report.operation_pages += extraction
        .report
        .quarantined
        .iter()
        .filter(|q| q.check == Check::Decode)
        .count();
    Ok(extraction)
}

/// Assembles one OpenAPI document from parsed pages, quarantining what
/// cannot be kept (see [`extract`]).
pub fn assemble(pages: Vec<Page>, names: &NamesFile) -> Result<Extraction, Error> {
    assemble_quarantining(pages, names, Vec::new())
}

fn assemble_quarantining(
    pages: Vec<Page>,
    names: &NamesFile,
    quarantined: Vec<Quarantined>,
) -> Result<Extraction, Error> {
    let mut report = Report {
        quarantined,
        ..Report::default()
    };
    // 1. What every page repeats (info, servers, security schemes), which
    //    the fixups need to know.
    let mut shared = Shared::default();
    for page in &pages {
        if let Page::Operation(page) = page {
            merge_shared(page, &mut shared, &mut report);
        }
    }
    let context = fixups::Context::new(shared.security_schemes.clone(), &pages);

    // 2. Sort the pages by kind.
    let (operations, tag_descriptions) = sort_pages(pages, &mut report);

    // 3. Fix and place each operation, on every core, each page with a
    //    report of its own, merged in page order.
    let placed = place_all(operations, &context, &mut report);

    // 4. One operation per route and per id.
    let placed = unique(placed, &mut report);
    if placed.is_empty() {
        return Err(Error::NothingKept(
            report.quarantined.iter().map(ToString::to_string).collect(),
        ));
    }

    // 5. The document, with names given back to inlined schemas.
    let common_servers = shared
        .servers
        .as_ref()
        .filter(|_| shared.servers_agree)
        .cloned();
    let (mut paths, mut origins, tags) = into_paths(placed, common_servers.is_some());
    if !shared.servers_agree {
        report
            .warnings
            .push("pages disagree on `servers`; each operation keeps its own".into());
    }
    let (schemas, naming) = names::restore_names(&mut paths, names)?;
    report.components = naming.uses;
    report.components_lock = naming.lock;
    report.warnings.extend(naming.warnings);
    let mut document = document(
        shared.info.clone(),
        common_servers,
        tags,
        &tag_descriptions,
        paths,
        schemas,
        &shared.security_schemes,
    );

    // 6. Validate; an invalid operation leaves, with its reason.
    quarantine_invalid(&mut document, &mut origins, &shared, &mut report)?;
    report.operations = openapi_model::count_operations(&document);

    // 7. Which upstream bugs the document was repaired for, so that a later
    //    extraction can tell when upstream fixed one (the fixup had hidden
    //    the bug: the spec itself would not change).
    record_fixups(&mut document, &origins, &report);
    Ok(Extraction { document, report })
}

/// Operation pages, counted (and how many were compressed), and the tag
/// pages' descriptions.
fn sort_pages(
    pages: Vec<Page>,
    report: &mut Report,
) -> (Vec<page::OperationPage>, BTreeMap<String, String>) {
    let mut tag_descriptions: BTreeMap<String, String> = BTreeMap::new();
    let mut operations = Vec::new();
    for page in pages {
        match page {
            Page::Operation(page) => {
                report.operation_pages += 1;
                if page.encoding == ApiEncoding::DeflatedBase64 {
                    report.compressed_pages += 1;
                }
                operations.push(page);
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
    (operations, tag_descriptions)
}

/// The placed operations as paths (path → method → operation), where each
/// came from, and their tags in first-seen order. With servers common to
/// every page, operations drop their own copy.
fn into_paths(
    placed: Vec<Placed>,
    common_servers: bool,
) -> (names::Paths, BTreeMap<Route, Origin>, Vec<String>) {
    let mut origins: BTreeMap<Route, Origin> = BTreeMap::new();
    let mut paths: names::Paths = BTreeMap::new();
    let mut tags: Vec<String> = Vec::new();
    for Placed {
        origin,
        route,
        mut op,
    } in placed
    {
        if common_servers {
            op.remove("servers");
        }
        for tag in op
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
        paths
            .entry(route.path.clone())
            .or_default()
            .insert(route.method.clone(), op);
        origins.insert(route, origin);
    }
    (paths, origins, tags)
}

/// Records in the document which upstream bugs it was repaired for (on the
/// pages it kept), so that a later extraction can tell when upstream fixed
/// one: the fixup had hidden the bug, the spec itself would not change.
fn record_fixups(document: &mut Value, origins: &BTreeMap<Route, Origin>, report: &Report) {
    let kept: BTreeSet<&str> = origins.values().map(|o| o.source.as_str()).collect();
    let repaired: BTreeSet<(&str, String)> = report
        .fixups
        .iter()
        .filter(|f| kept.contains(f.origin.source.as_str()))
        .map(|f| {
            (
                f.fixup,
                f.origin
                    .page
                    .clone()
                    .unwrap_or_else(|| f.origin.source.clone()),
            )
        })
        .collect();
    if repaired.is_empty() {
        return;
    }
    let list: Vec<Value> = repaired
        .into_iter()
        .map(|(fixup, page)| serde_json::json!({"fixup": fixup, "page": page}))
        .collect();
    if let Value::Object(doc) = document {
        doc.insert(FIXUPS_EXTENSION.into(), Value::Array(list));
    }
}

/// Applies the fixups to each operation page and places it; a page that is
/// not an operation is quarantined.
fn place_all(
    operations: Vec<page::OperationPage>,
    context: &fixups::Context,
    report: &mut Report,
) -> Vec<Placed> {
    let mut slots: Vec<std::sync::Mutex<Option<page::OperationPage>>> = operations
        .into_iter()
        .map(|p| std::sync::Mutex::new(Some(p)))
        .collect();
    let results = openapi_model::par_map(&slots, |slot| {
        let page = slot.lock().ok().and_then(|mut p| p.take())?;
        let origin = page.origin.clone();
        let mut own = Report::default();
        Some((origin, place(page, context, &mut own), own))
    });
    slots.clear();
    let mut placed = Vec::new();
    for (origin, result, own) in results.into_iter().flatten() {
        report.warnings.extend(own.warnings);
        match result {
            Ok(one) => {
                report.fixups.extend(own.fixups);
                placed.push(one);
            }
            Err(error) => report.quarantined.push(Quarantined {
                origin,
                route: None,
                check: Check::Operation,
                reason: error.to_string(),
            }),
        }
    }
    placed
}

/// Keeps the first page of each route and each `operationId`; a later page
/// declaring the same is quarantined.
fn unique(placed: Vec<Placed>, report: &mut Report) -> Vec<Placed> {
    let mut by_id: BTreeMap<String, Origin> = BTreeMap::new();
    let mut by_route: BTreeMap<Route, Origin> = BTreeMap::new();
    let mut kept = Vec::with_capacity(placed.len());
    for one in placed {
        let id = one.op.get("operationId").and_then(Value::as_str);
        let clash = match (by_route.get(&one.route), id.and_then(|id| by_id.get(id))) {
            (Some(first), _) => Some(format!("{} is also declared by {first}", one.route)),
            (None, Some(first)) => Some(format!(
                "operationId `{}` is also used by {first}",
                id.unwrap_or_default()
            )),
            (None, None) => None,
        };
        if let Some(reason) = clash {
            report.quarantined.push(Quarantined {
                origin: one.origin,
                route: Some(one.route),
                check: Check::Unique,
                reason,
            });
            continue;
        }
        if let Some(id) = id {
            by_id.insert(id.to_owned(), one.origin.clone());
        }
        by_route.insert(one.route.clone(), one.origin.clone());
        kept.push(one);
    }
    kept
}

/// The document from its parts.
fn document(
    info: Option<Value>,
    servers: Option<Value>,
    mut tags: Vec<String>,
    tag_descriptions: &BTreeMap<String, String>,
    paths: names::Paths,
    schemas: BTreeMap<String, Value>,
    security_schemes: &BTreeMap<String, Value>,
) -> Value {
    let mut doc = Map::new();
    doc.insert("openapi".into(), OPENAPI_VERSION.into());
    doc.insert(
        "info".into(),
        info.unwrap_or_else(|| serde_json::json!({"title": "API", "version": "0.0.0"})),
    );
    if let Some(servers) = servers {
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
        for method in METHODS {
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
    if !security_schemes.is_empty() {
        let schemes: Map<String, Value> = security_schemes.clone().into_iter().collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if !components.is_empty() {
        doc.insert("components".into(), Value::Object(components));
    }
    Value::Object(doc)
}

/// Validates the document; each operation with a problem (or using a
/// component with one) is removed and its page quarantined, components no
/// operation uses any more are removed, and the document is validated again.
/// A problem no page can be blamed for is an error naming the first page of
/// the document-level part it is in.
fn quarantine_invalid(
    document: &mut Value,
    origins: &mut BTreeMap<Route, Origin>,
    shared: &Shared,
    report: &mut Report,
) -> Result<(), Error> {
    // Each round removes at least one operation, so this ends.
    loop {
        let problems = validate::validate(document);
        if problems.is_empty() {
            return Ok(());
        }
        let users = component_users(document);
        let mut blamed: BTreeMap<Route, Vec<String>> = BTreeMap::new();
        let mut unblamed = Vec::new();
        for problem in problems {
            match &problem.route {
                Some(route) if origins.contains_key(route) => {
                    blamed
                        .entry(route.clone())
                        .or_default()
                        .push(problem.message);
                }
                _ => match component_of(&problem.message).and_then(|c| users.get(c)) {
                    Some(routes) if !routes.is_empty() => {
                        for route in routes {
                            blamed
                                .entry(route.clone())
                                .or_default()
                                .push(problem.message.clone());
                        }
                    }
                    _ => unblamed.push(problem),
                },
            }
        }
        if !unblamed.is_empty() || blamed.is_empty() {
            let from = shared
                .first_servers_page
                .as_ref()
                .map(|o| format!(" (from {o})"))
                .unwrap_or_default();
            return Err(Error::Invalid(
                unblamed.iter().map(|p| format!("{p}{from}")).collect(),
            ));
        }
        for (route, messages) in blamed {
            remove_operation(document, &route);
            if let Some(origin) = origins.remove(&route) {
                report.quarantined.push(Quarantined {
                    origin,
                    route: Some(route),
                    check: Check::Valid,
                    reason: messages.join("; "),
                });
            }
        }
        if origins.is_empty() {
            return Err(Error::NothingKept(
                report.quarantined.iter().map(ToString::to_string).collect(),
            ));
        }
        let removed = prune_components(document);
        for name in removed {
            report.components.remove(&name);
            report.components_lock.remove(&name);
        }
    }
}

/// The component schema a document-level problem is in, from its message
/// (`components.schemas.Name: ...`, or a pointer `#/components/schemas/Name/...`
/// anywhere in it).
fn component_of(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("components.schemas.").or_else(|| {
        message
            .find("#/components/schemas/")
            .map(|at| &message[at + "#/components/schemas/".len()..])
    })?;
    let end = rest.find(['/', ':', ' ']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// For each component schema, the operations that use it, directly or
/// through other components.
fn component_users(document: &Value) -> BTreeMap<String, BTreeSet<Route>> {
    let graph = schema_graph(document);
    let mut users: BTreeMap<String, BTreeSet<Route>> = BTreeMap::new();
    for operation in openapi_model::operations(document) {
        let mut stack = Vec::new();
        openapi_model::schema_refs(operation.op, &mut stack);
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if seen.insert(name.clone()) {
                stack.extend(graph.get(&name).cloned().unwrap_or_default());
            }
        }
        for name in seen {
            users.entry(name).or_default().insert(operation.route());
        }
    }
    users
}

/// Component schema → the component schemas it refers to.
fn schema_graph(document: &Value) -> BTreeMap<String, Vec<String>> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            let mut refs = Vec::new();
            openapi_model::schema_refs(schema, &mut refs);
            (name.clone(), refs)
        })
        .collect()
}

fn remove_operation(document: &mut Value, route: &Route) {
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    if let Some(Value::Object(item)) = paths.get_mut(&route.path) {
        item.remove(&route.method);
        if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
            paths.shift_remove(&route.path);
        }
    }
}

/// Removes component schemas no operation uses any more; returns their names.
fn prune_components(document: &mut Value) -> Vec<String> {
    let used: BTreeSet<String> = component_users(document).into_keys().collect();
    let mut removed = Vec::new();
    if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
        schemas.retain(|name, _| {
            let keep = used.contains(name);
            if !keep {
                removed.push(name.clone());
            }
            keep
        });
    }
    removed
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
    use serde::Deserialize as _;
    let (origin, api) = (&page.origin, &page.api);
    // What a page repeats for the whole site must be valid, or one broken
    // page would make the whole document invalid: an invalid part is left
    // out, with a warning, and another page's is used.
    let info = api.get("info").filter(|info| {
        let valid = openapiv3::Info::deserialize(*info).is_ok();
        if !valid {
            report.warnings.push(format!(
                "{origin}: `info` is not an OpenAPI Info object; ignored"
            ));
        }
        valid
    });
    if let Some(info) = info {
        match &shared.info {
            None => shared.info = Some(info.clone()),
            Some(first) if first != info => report.warnings.push(format!(
                "{origin}: `info` differs from the first page's; the first is kept"
            )),
            Some(_) => {}
        }
    }
    let servers = api.get("servers").filter(|s| valid_servers(s));
    match (&shared.servers, servers) {
        (None, Some(servers)) if shared.first_servers_page.is_none() => {
            shared.servers = Some(servers.clone());
            shared.servers_agree = true;
            shared.first_servers_page = Some(origin.clone());
        }
        // A page without servers says nothing about them (its operation
        // takes the document's): only two different lists disagree.
        (Some(first), Some(this)) if first != this => shared.servers_agree = false,
        _ => {}
    }
    if let Some(Value::Object(schemes)) = api.get("securitySchemes") {
        for (name, scheme) in schemes {
            if openapiv3::SecurityScheme::deserialize(scheme).is_err() {
                report.warnings.push(format!(
                    "{origin}: security scheme `{name}` is not an OpenAPI security scheme; ignored"
                ));
                continue;
            }
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

/// Whether `servers` is a valid list of OpenAPI Server objects.
fn valid_servers(servers: &Value) -> bool {
    use serde::Deserialize as _;
    Vec::<openapiv3::Server>::deserialize(servers).is_ok()
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
    let method = match api.get("method") {
        Some(Value::String(m)) if METHODS.contains(&m.to_lowercase().as_str()) => m.to_lowercase(),
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
    let context = context.for_page(origin.page.as_deref());
    let mut opened = 0;
    fixups::apply_all(&mut api, &context, &mut |fixup, change| {
        if change.contains(fixups::OPEN_SCHEMA_NOTE) {
            opened += 1;
        }
        report.fixups.push(AppliedFixup {
            fixup,
            origin: origin.clone(),
            change,
        });
    });
    if opened > 0 {
        report.warnings.push(format!(
            "{origin}: {opened} recursive schema(s) written as `circular()` without a name \
             {} (any JSON value); see fixup `circular_reference`",
            fixups::OPEN_SCHEMA_NOTE
        ));
    }
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
    if api.get("servers").is_some_and(|s| !valid_servers(s)) {
        api.remove("servers");
        report.warnings.push(format!(
            "{origin}: `servers` is not a list of OpenAPI servers; dropped (the client's base URL comes from its configuration)"
        ));
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
    if !matches!(op.get("operationId"), Some(Value::String(id)) if !id.is_empty()) {
        return Err(bad(
            "has no string `operationId`, and none could be derived".into(),
        ));
    }
    Ok(Placed {
        origin,
        route: Route { method, path },
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
