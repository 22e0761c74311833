//! Pages → one document: what the pages repeat, each operation page fixed
//! and placed (on every core), one operation per route and id, names given
//! back, then validation with quarantine.

use std::collections::{BTreeMap, BTreeSet};

use openapi_model::METHODS;
use serde_json::{Map, Value};

use crate::error::{Error, Origin};
use crate::names::{self, NamesFile};
use crate::page::{self, parse_page, ApiEncoding, Page};
use crate::place::{merge_shared, place, Placed, Shared};
use crate::quarantine::quarantine_invalid;
use crate::report::{Check, Extraction, Quarantined, Report};
use crate::sources::Source;
use crate::{fixups, webhooks, Route, FIXUPS_EXTENSION, OPENAPI_VERSION};

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
    let (mut paths, mut hooks, mut origins, tags) = into_paths(placed, common_servers.is_some());
    if !shared.servers_agree {
        report
            .warnings
            .push("pages disagree on `servers`; each operation keeps its own".into());
    }
    let (schemas, naming) = names::restore_names_with_webhooks(&mut paths, &mut hooks, names)?;
    report.components = naming.uses;
    report.components_lock = naming.lock;
    report.borrowed = naming.borrowed;
    report.warnings.extend(naming.warnings);
    let mut document = document(
        &shared,
        common_servers,
        tags,
        &tag_descriptions,
        paths,
        hooks,
        schemas,
    );

    // 6. Validate; an invalid operation leaves, with its reason.
    quarantine_invalid(&mut document, &mut origins, &shared, &mut report)?;
    report.operations = openapi_model::count_operations(&document);
    report.webhooks = openapi_model::webhooks(&document).count();

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

/// The placed operations as paths (path → method → operation) and webhooks
/// (name → operation), where each came from, and their tags in first-seen
/// order. With servers common to every page, operations drop their own copy.
fn into_paths(
    placed: Vec<Placed>,
    common_servers: bool,
) -> (
    names::Paths,
    names::Webhooks,
    BTreeMap<Route, Origin>,
    Vec<String>,
) {
    let mut origins: BTreeMap<Route, Origin> = BTreeMap::new();
    let mut paths: names::Paths = BTreeMap::new();
    let mut hooks: names::Webhooks = BTreeMap::new();
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
        match webhooks::name_of(&route) {
            Some(name) => {
                hooks.insert(name.to_owned(), op);
            }
            None => {
                paths
                    .entry(route.path.clone())
                    .or_default()
                    .insert(route.method.clone(), op);
            }
        }
        origins.insert(route, origin);
    }
    (paths, hooks, origins, tags)
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
    shared: &Shared,
    servers: Option<Value>,
    mut tags: Vec<String>,
    tag_descriptions: &BTreeMap<String, String>,
    paths: names::Paths,
    hooks: names::Webhooks,
    schemas: BTreeMap<String, Value>,
) -> Value {
    let (info, security_schemes) = (shared.info.clone(), &shared.security_schemes);
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
    if !hooks.is_empty() {
        let items: Map<String, Value> = hooks
            .into_iter()
            .map(|(name, op)| {
                let mut item = Map::new();
                item.insert(webhooks::METHOD.into(), Value::Object(op));
                (name, Value::Object(item))
            })
            .collect();
        doc.insert(openapi_model::WEBHOOKS.into(), Value::Object(items));
    }
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
