//! Quarantine after validation: an invalid operation leaves the document
//! (with the components only it used), its page is reported with the
//! reason, and the document is validated again.

use std::collections::{BTreeMap, BTreeSet};

use openapi_model::METHODS;
use serde_json::Value;

use crate::error::{Error, Origin};
use crate::place::Shared;
use crate::report::{Check, Quarantined, Report};
use crate::{validate, webhooks};
use openapi_model::Route;

/// Validates the document; each operation with a problem (or using a
/// component with one) is removed and its page quarantined, components no
/// operation uses any more are removed, and the document is validated again.
/// A problem no page can be blamed for is an error naming the first page of
/// the document-level part it is in.
pub(crate) fn quarantine_invalid(
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
            report.borrowed.remove(&name);
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
    let all = openapi_model::operations(document)
        .map(|o| (o.route(), o))
        .chain(openapi_model::webhooks(document).map(|w| (webhooks::route(w.path), w)));
    for (route, operation) in all {
        let mut stack = Vec::new();
        openapi_model::schema_refs(operation.op, &mut stack);
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if seen.insert(name.clone()) {
                stack.extend(graph.get(&name).cloned().unwrap_or_default());
            }
        }
        for name in seen {
            users.entry(name).or_default().insert(route.clone());
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
    if let Some(name) = webhooks::name_of(route) {
        if let Some(Value::Object(hooks)) = document.get_mut(openapi_model::WEBHOOKS) {
            hooks.shift_remove(name);
            if hooks.is_empty() {
                if let Value::Object(doc) = document {
                    doc.shift_remove(openapi_model::WEBHOOKS);
                }
            }
        }
        return;
    }
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
