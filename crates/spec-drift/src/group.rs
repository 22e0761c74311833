//! One entry per cause: the walk's findings grouped.
//!
//! - A change inside a shared type met from several places is one entry
//!   at the type, listing the places.
//! - Items of one place and cause are one entry (`enum values `A`, `B`
//!   removed`).
//! - Findings a rule gives a cause (a type renamed wherever it is met, the
//!   names this project gives, a security scheme) are one entry, wherever
//!   they are.
//! - One change met in several operations alike (`response 400 added`,
//!   the same new scope) is one entry listing the operations.

use std::collections::{BTreeMap, BTreeSet};

use crate::rules::What;
use crate::walk::{short_place, Raw};
use crate::{Change, Class, Frame, Kind, RustNames};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    /// Wherever it is.
    Cause(String),
    /// At a place of a shared type.
    Type(String),
    /// At a place of one operation.
    Operation(String, String),
    /// At a place of the document.
    Document(String),
}

type Key = (Scope, Kind, Class, String, (String, String, String));

struct Group {
    first: Raw,
    items: BTreeSet<String>,
    places: BTreeSet<String>,
    locations: BTreeSet<String>,
}

/// Groups findings into entries, with their Rust names when `rust` knows
/// them.
pub(crate) fn group(raws: Vec<Raw>, rust: Option<&dyn RustNames>) -> Vec<Change> {
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    for raw in raws {
        let f = &raw.finding;
        let scope = match (&f.cause, &raw.anchor, &raw.op) {
            (Some(cause), _, _) => Scope::Cause(cause.clone()),
            (None, Some(anchor), _) => Scope::Type(anchor.location.clone()),
            (None, None, Some(op)) => Scope::Operation(op.key.clone(), raw.location.clone()),
            (None, None, None) => Scope::Document(raw.location.clone()),
        };
        let place = match (&raw.anchor, &raw.op) {
            (Some(anchor), _) => Some(anchor.place.clone()),
            (None, Some(op)) => Some(format!("{}: {}", op.key, short_place(&raw.location))),
            (None, None) => None,
        };
        let location = raw
            .anchor
            .as_ref()
            .map_or_else(|| raw.location.clone(), |a| a.location.clone());
        let key = (scope, f.kind, f.class, f.why.clone(), f.what.frame());
        let item = f.what.item().map(str::to_owned);
        let group = groups.entry(key).or_insert_with(|| Group {
            first: raw,
            items: BTreeSet::new(),
            places: BTreeSet::new(),
            locations: BTreeSet::new(),
        });
        group.items.extend(item);
        group.places.extend(place);
        group.locations.insert(location);
    }
    let mut out = Vec::new();
    let mut per_operation: BTreeMap<(String, Kind, Class, String, String), Vec<Change>> =
        BTreeMap::new();
    for ((scope, ..), group) in groups {
        let change = entry(&scope, group, rust);
        match scope {
            Scope::Operation(_, location) => per_operation
                .entry((
                    location,
                    change.kind,
                    change.class,
                    change.why.clone(),
                    change.detail.clone(),
                ))
                .or_default()
                .push(change),
            _ => out.push(change),
        }
    }
    // One change met in several operations alike: one entry.
    for (_, mut alike) in per_operation {
        if alike.len() == 1 {
            out.extend(alike);
            continue;
        }
        let mut first = alike.swap_remove(0);
        let mut places: Vec<String> = std::iter::once(&first)
            .chain(&alike)
            .filter_map(|c| c.operation.as_ref().map(|op| format!("{op}: (operation)")))
            .collect();
        places.sort();
        first.operation = None;
        first.method = None;
        first.path = None;
        first.rust = None;
        first.rust_method = None;
        first.places = places;
        out.push(first);
    }
    siblings(out)
}

/// Changes described by a sentence at properties of one object, alike
/// (same kind, class, words and places): one entry at the object naming
/// the properties (`properties `a`, `b`: now nullable`).
fn siblings(changes: Vec<Change>) -> Vec<Change> {
    type Key = (
        String,
        Option<String>,
        Kind,
        Class,
        String,
        String,
        Vec<String>,
    );
    let mut out = Vec::new();
    let mut alike: BTreeMap<Key, Vec<(String, Change)>> = BTreeMap::new();
    for change in changes {
        let property = change
            .location
            .rsplit_once(".properties.")
            .filter(|(_, name)| !name.contains('.') && !name.contains('['))
            .map(|(parent, name)| (parent.to_owned(), name.to_owned()));
        match property {
            Some((parent, name)) if change.frame.is_none() => {
                let key = (
                    parent,
                    change.operation.clone(),
                    change.kind,
                    change.class,
                    change.why.clone(),
                    change.detail.clone(),
                    change.places.clone(),
                );
                alike.entry(key).or_default().push((name, change));
            }
            _ => out.push(change),
        }
    }
    for ((parent, ..), mut group) in alike {
        if group.len() == 1 {
            out.extend(group.pop().map(|(_, c)| c));
            continue;
        }
        let names: Vec<String> = group.iter().map(|(n, _)| format!("`{n}`")).collect();
        let (_, mut first) = group.swap_remove(0);
        let frame = Frame {
            noun: "property".into(),
            nouns: "properties".into(),
            tail: format!(": {}", first.detail),
        };
        first.location = parent;
        first.rust = first
            .rust
            .map(|r| r.split("::").next().unwrap_or(&r).to_owned());
        first.frame = Some(frame);
        first.items = names;
        first.items.sort();
        first.detail = first.sentence();
        out.push(first);
    }
    out
}

fn entry(scope: &Scope, group: Group, rust: Option<&dyn RustNames>) -> Change {
    let Group {
        first,
        items,
        places,
        locations,
    } = group;
    let f = &first.finding;
    let items: Vec<String> = items.into_iter().collect();
    let (frame, detail) = match &f.what {
        What::Text(text) => (None, text.clone()),
        What::Item {
            noun, nouns, tail, ..
        } => (
            Some(Frame {
                noun: noun.clone(),
                nouns: nouns.clone(),
                tail: tail.clone(),
            }),
            f.what.sentence(&items),
        ),
    };
    // A shared type met from one place only is that operation's.
    let single_op = matches!(scope, Scope::Operation(..) | Scope::Document(_))
        || (matches!(scope, Scope::Type(_)) && places.len() == 1 && first.op.is_some());
    let (operation, method, path, op_rust) = match (&first.op, single_op) {
        (Some(op), true) => (
            Some(op.key.clone()),
            Some(op.method.clone()),
            Some(op.path.clone()),
            op.rust.clone(),
        ),
        _ => (None, None, None, None),
    };
    let location = if single_op {
        first.location.clone()
    } else if locations.len() == 1 {
        locations.into_iter().next().unwrap_or_default()
    } else {
        format!("{} places", locations.len())
    };
    let rust_name = match (scope, &first.anchor) {
        (Scope::Type(_), Some(anchor)) => rust.and_then(|r| {
            let ty = r.type_name(anchor.side, &anchor.component)?;
            let rest = anchor
                .location
                .split_once("']")
                .map_or("", |(_, rest)| rest);
            let field = rest
                .strip_prefix(".properties.")
                .map(|p| p.split('.').next().unwrap_or(p).to_owned())
                .or_else(|| match (rest, items.as_slice()) {
                    ("", [one]) if f.kind.as_str().starts_with("property-") => {
                        Some(one.trim_matches('`').to_owned())
                    }
                    _ => None,
                });
            Some(match field {
                Some(p) => format!("{ty}::{}", r.field(&p).unwrap_or(p)),
                None => ty,
            })
        }),
        _ => None,
    }
    .or(op_rust.clone());
    // Places matter when there are several, or when they are not the
    // entry's own operation.
    let places: Vec<String> = if single_op {
        Vec::new()
    } else {
        places.into_iter().collect()
    };
    Change {
        operation,
        method,
        path,
        location,
        kind: f.kind,
        class: f.class,
        why: f.why.clone(),
        detail,
        places,
        items: if frame.is_some() { items } else { Vec::new() },
        rust: rust_name,
        rust_method: op_rust,
        evidence: f.evidence.as_ref().map(ToString::to_string),
        frame,
    }
}
