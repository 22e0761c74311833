//! Names decided before progenitor and typify run: every component's Rust
//! type name and every operation's method name is known here, and unique.
//!
//! Methods: a method is its operationId in snake case, as progenitor
//! writes it ([`crate::method_name`], a keyword gets a `_` after it). On an
//! API versioned per service, the `V1` an operationId ends with on a
//! service's v1 is dropped (`sendTestNotificationV1` →
//! `send_test_notification`), and every other version keeps its own
//! (`listSourcesV2` → `list_sources_v2`): a service that adds a v2 later
//! adds methods and renames none. [`method_names_are_stable`]
//!
//! Types:
//! typify names a component's type after the component, in PascalCase
//! ([`rust_type_name`], its own sanitisation). Names that differ in the
//! spec can be one name in Rust: `Role` and `role`, `reference-2` and
//! `reference2`, `Lower` and `lower`. typify then emits two items of one
//! name (E0428), or one struct and one enum of one name, and the client
//! does not compile. The adaptation [`type_names_are_unique`] renames the
//! components of the adapted copy (the spec keeps its names) so that no
//! two Rust names are equal, case aside.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase as _;
use serde_json::Value;

use openapi_model::SCHEMA_REF_PREFIX;

/// The Rust type name typify gives a component named `name`: typify 0.8's
/// `sanitize(name, Case::Pascal)` (apostrophes dropped, other characters
/// that cannot continue an identifier made word breaks, PascalCase, `X` in
/// front of a name that cannot start an identifier, `_` after a keyword).
pub fn rust_type_name(name: &str) -> String {
    let out = match name {
        "+1" => "plus1".to_pascal_case(),
        "-1" => "minus1".to_pascal_case(),
        _ => name
            .replace('\'', "")
            .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
            .to_pascal_case(),
    };
    let out = match out.chars().next() {
        None => "X".to_owned(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("X{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// Whether a type name has a run of 14 or more lower-case letters after its
/// first character: a name whose words were not recovered
/// (`Accessprofilebulkdeleterequest`), or one long real word.
pub fn has_unbroken_run(name: &str) -> bool {
    let mut run = 0usize;
    for c in name.chars().skip(1) {
        run = if c.is_ascii_lowercase() { run + 1 } else { 0 };
        if run >= 14 {
            return true;
        }
    }
    false
}

/// Type names the generated code uses unqualified for standard types
/// (typify writes `impl TryFrom<String>`, `Option`, `Vec`, `Box` in places;
/// progenitor's builders name `Result`): a component of one of these names
/// would shadow it, and the crate would not compile. Such a component is
/// named as a second component of a taken name is.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Result",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "ToString",
    "ToOwned",
    "AsRef",
    "Iterator",
    "IntoIterator",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Extend",
];

/// Gives every component of the copy progenitor generates from the Rust
/// type name it will have: readable, and unique (case aside).
///
/// Readable: a name that is one lower-case run (SailPoint lowercased its
/// schema names in 2026: `accessprofilebulkdeleterequest`) gets its words
/// back from the API's own vocabulary ([`crate::words`]: its operationIds,
/// properties, parameters and tags split the same words), so the type is
/// `AccessProfileBulkDeleteRequest`, not `Accessprofilebulkdeleterequest`.
/// A name no split of known words covers stays as it is, and is reported.
///
/// Unique: of the components that would share a Rust name (`Role` and
/// `role`, `reference-2` and `reference2`, `accessprofile` made
/// `AccessProfile` beside an `AccessProfile`), the one referenced most
/// keeps it (ties: the one whose spec name already is the Rust name, then
/// the first by spec name): the type users meet most keeps the plain name.
/// Each other one is named after the first type or operation that holds
/// it, as typify would name it inline (`role` held by
/// `FederationProtocolDetails` → `FederationProtocolDetailsRole`); a number
/// only when that is taken too or nothing holds it. Every name given is
/// unique against every other component's Rust name, and against the
/// names typify derives for inline properties.
pub fn type_names_are_unique(spec: &mut Value) -> Vec<String> {
    let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let vocabulary = crate::words::Vocabulary::from_document(spec);
    let desired: BTreeMap<String, String> = schemas
        .keys()
        .map(|name| {
            let readable = rust_type_name(&crate::words::readable_name(name, &vocabulary));
            (name.clone(), readable)
        })
        .collect();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, rust) in &desired {
        groups
            .entry(rust.to_lowercase())
            .or_default()
            .push(name.clone());
    }
    let holders = holders(spec);
    let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
    // Every component's final name, when it is not its spec name.
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let mut changes = Vec::new();
    let mut readable = 0usize;
    taken.extend(RESERVED_TYPE_NAMES.iter().map(|n| n.to_lowercase()));
    for group in groups.values() {
        let mut ranked = group.clone();
        ranked.sort_by_key(|name| {
            let uses = holders.get(name).map_or(0, Vec::len);
            (
                std::cmp::Reverse(uses),
                desired[name] != *name,
                name.clone(),
            )
        });
        let winner = &ranked[0];
        // A name the generated code means otherwise (`String`) is no one's.
        let reserved = RESERVED_TYPE_NAMES.contains(&desired[winner].as_str());
        if !reserved && desired[winner] != rust_type_name(winner) {
            readable += 1;
            renames.insert(winner.clone(), desired[winner].clone());
        }
        for name in &ranked[usize::from(!reserved)..] {
            let rust = &desired[name];
            let held_by = holders
                .get(name)
                .and_then(|h| h.iter().find(|holder| !group.contains(holder)));
            let mut candidate = held_by.map(|holder| {
                let holder = desired
                    .get(holder)
                    .cloned()
                    .unwrap_or_else(|| rust_type_name(holder));
                format!("{holder}{rust}")
            });
            if candidate
                .as_ref()
                .is_some_and(|c| taken.contains(&c.to_lowercase()))
            {
                candidate = None;
            }
            let new = candidate.unwrap_or_else(|| {
                (2..)
                    .map(|n| format!("{rust}{n}"))
                    .find(|c| !taken.contains(&c.to_lowercase()))
                    .expect("an unused number")
            });
            taken.insert(new.to_lowercase());
            let whose = if RESERVED_TYPE_NAMES.contains(&rust.as_str()) {
                "a name the generated code uses for a standard type"
            } else {
                "another component's"
            };
            changes.push(format!(
                "component `{name}` is type `{new}`: its Rust name `{rust}` is {whose}"
            ));
            renames.insert(name.clone(), new);
        }
    }
    if readable > 0 {
        let examples: Vec<String> = renames
            .iter()
            .filter(|(old, new)| desired[*old] == **new)
            .take(3)
            .map(|(old, new)| format!("`{old}` → `{new}`"))
            .collect();
        changes.insert(
            0,
            format!(
                "{readable} component name(s) given their words ({}, ...)",
                examples.join(", ")
            ),
        );
    }
    for rust in desired.values().filter(|rust| has_unbroken_run(rust)) {
        changes.push(format!(
            "`{rust}`: no split of the API's words covers its lower-case run; the type keeps it"
        ));
    }
    changes.extend(derived_names_stay_free(spec, &mut renames, &mut taken));
    rename_components(spec, &renames);
    changes
}

/// typify names the type of an inline property `{Type}{Property}`, and so
/// the type it makes when it merges an `allOf` (even of a property that is
/// a reference): a component already named so (extraction derives names in
/// the same style) is the same Rust name twice. Such a component gets a
/// number.
fn derived_names_stay_free(
    spec: &Value,
    renames: &mut BTreeMap<String, String>,
    taken: &mut BTreeSet<String>,
) -> Vec<String> {
    let mut changes = Vec::new();
    let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return changes;
    };
    let final_name = |name: &str, renames: &BTreeMap<String, String>| {
        renames
            .get(name)
            .cloned()
            .unwrap_or_else(|| rust_type_name(name))
    };
    let mut derived: BTreeSet<String> = BTreeSet::new();
    for (name, body) in schemas {
        let merges = body.get("allOf").is_some();
        let owner = final_name(name, renames);
        let mut members = vec![body];
        if let Some(Value::Array(all)) = body.get("allOf") {
            members.extend(all.iter());
        }
        for member in members {
            let Some(properties) = member.get("properties").and_then(Value::as_object) else {
                continue;
            };
            for (property, schema) in properties {
                if merges || schema.get("$ref").is_none() {
                    derived.insert(format!("{owner}{}", rust_type_name(property)).to_lowercase());
                }
            }
        }
    }
    for name in schemas.keys() {
        let current = final_name(name, renames);
        if !derived.contains(&current.to_lowercase()) {
            continue;
        }
        let new = (2..)
            .map(|n| format!("{current}{n}"))
            .find(|c| !taken.contains(&c.to_lowercase()) && !derived.contains(&c.to_lowercase()))
            .expect("an unused number");
        taken.insert(new.to_lowercase());
        changes.push(format!(
            "component `{name}` is type `{new}`: typify names an inline property's type `{current}`"
        ));
        renames.insert(name.clone(), new);
    }
    changes
}

/// For each component, what refers to it, in document order: the names of
/// the components whose bodies hold a reference to it, and the
/// operationIds of the operations that do, one entry per reference.
fn holders(spec: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut refs = Vec::new();
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (holder, body) in schemas {
            refs.clear();
            openapi_model::schema_refs(body, &mut refs);
            for name in refs.drain(..) {
                out.entry(name).or_default().push(holder.clone());
            }
        }
    }
    for operation in openapi_model::operations(spec) {
        let Some(id) = operation.id() else { continue };
        refs.clear();
        openapi_model::schema_refs(operation.op, &mut refs);
        for name in refs.drain(..) {
            out.entry(name).or_default().push(id.to_owned());
        }
    }
    out
}

/// Renames components (`old` → `new`) in place, keeping their order, and
/// every reference to them anywhere in the document: `$ref`s and
/// discriminator mapping values.
pub fn rename_components(spec: &mut Value, renames: &BTreeMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        let old = std::mem::take(schemas);
        let count = old.len();
        for (name, body) in old {
            let name = renames.get(&name).cloned().unwrap_or(name);
            schemas.insert(name, body);
        }
        assert_eq!(
            schemas.len(),
            count,
            "a rename gave a component the name of another (the names are decided unique)"
        );
    }
    rewrite_refs(spec, renames, false);
}

fn rewrite_refs(node: &mut Value, renames: &BTreeMap<String, String>, in_mapping: bool) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if key == "$ref" || in_mapping => {
                        if let Some(new) = text
                            .strip_prefix(SCHEMA_REF_PREFIX)
                            .and_then(|name| renames.get(name))
                        {
                            *text = format!("{SCHEMA_REF_PREFIX}{new}");
                        }
                    }
                    _ => rewrite_refs(value, renames, key == "mapping"),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_refs(item, renames, false)),
        _ => {}
    }
}

/// The Rust field name typify gives a property: typify 0.8's
/// `sanitize(name, Case::Snake)` (`_type` and `type` are both `type_`).
pub fn rust_field_name(name: &str) -> String {
    use heck::ToSnakeCase as _;
    let out = match name {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => name
            .replace('\'', "")
            .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
            .to_snake_case(),
    };
    let out = match out.chars().next() {
        None => "x".to_owned(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("x{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// typify names a struct's fields after its properties and does not check
/// that the names stay apart: `_type` and `type` (SailPoint's search
/// documents carry both, the index's and the object's) are both `type_`,
/// and the struct does not compile (E0124). Of the properties of one
/// object (its own, and those of its inline `allOf` members, which typify
/// merges into one struct) that would be one field, one keeps its typed
/// field: the one written as a field would be (`type` before `_type`,
/// lower case before other cases), then the first by name. The others
/// leave the typed properties and are still read and written, untyped, in
/// the struct's map of other properties (`additionalProperties: {}`, where
/// the schema did not already keep them some other way).
pub fn field_names_are_unique(spec: &mut Value) -> Vec<String> {
    /// How deep (properties and `allOf` members) a place may be for its
    /// fields to be made apart by copying components in.
    const MOST_NESTED_COPIES: usize = 48;
    let components: serde_json::Map<String, Value> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut changes = Vec::new();
    crate::adaptations::visit_schemas(spec, &mut |at, schema| {
        // `allOf: [$ref X]` beside a description or `nullable` is X's type
        // (typify converts a one-member `allOf` as its member): X's fields
        // are made apart where X itself is visited. Copying X in here
        // would copy, when X holds this very place (`Role: {manager:
        // allOf: [$ref Role]}`), a place to copy X into again, without end.
        if schema.get("properties").is_none() && crate::cycles::all_of_members(schema) == 1 {
            return;
        }
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        // Each copy of a component made below nests one more level; past
        // this depth a copy is not made (no shared set comes near it).
        if at.matches(".properties.").count() + at.matches(".allOf").count() > MOST_NESTED_COPIES {
            return;
        }
        let mut names = Vec::new();
        merged_properties(map, &components, &mut Vec::new(), &mut names);
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for name in names {
            groups
                .entry(rust_field_name(&name))
                .or_default()
                .insert(name);
        }
        for (field, group) in groups.into_iter().filter(|(_, g)| g.len() > 1) {
            let keep = group
                .iter()
                .min_by_key(|name| {
                    (
                        !name.starts_with(|c: char| c.is_alphabetic()),
                        name.to_lowercase() != **name,
                        (*name).clone(),
                    )
                })
                .cloned()
                .expect("a group has members");
            for name in group.iter().filter(|n| **n != keep) {
                remove_property(map, name, &components, 0);
                changes.push(format!(
                    "{at}: properties `{keep}` and `{name}` would both be field `{field}`; `{name}` is kept in the map of other properties"
                ));
            }
        }
    });
    changes
}

/// The property names typify merges into one struct for `map`: its own,
/// and those of its `allOf` members, inline or referenced (through any
/// depth; a reference met again on the way is not followed).
fn merged_properties(
    map: &serde_json::Map<String, Value>,
    components: &serde_json::Map<String, Value>,
    seen: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    if let Some(properties) = map.get("properties").and_then(Value::as_object) {
        out.extend(properties.keys().cloned());
    }
    let Some(Value::Array(members)) = map.get("allOf") else {
        return;
    };
    for member in members {
        match referenced(member, components) {
            Some((name, body)) => {
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                if let Some(body) = body.as_object() {
                    merged_properties(body, components, seen, out);
                }
                seen.pop();
            }
            None => {
                if let Some(member) = member.as_object() {
                    merged_properties(member, components, seen, out);
                }
            }
        }
    }
}

/// The component a `{"$ref": ...}` schema names, with its body.
fn referenced<'a>(
    schema: &Value,
    components: &'a serde_json::Map<String, Value>,
) -> Option<(String, &'a Value)> {
    let name = schema
        .get("$ref")?
        .as_str()?
        .strip_prefix(openapi_model::SCHEMA_REF_PREFIX)?;
    Some((name.to_owned(), components.get(name)?))
}

/// Removes property `name` from what typify merges for `map` (its own
/// properties, its `allOf` members'), keeping it readable as an other
/// property. A referenced member that has it is replaced by a copy of its
/// component (the component itself stays whole for its other users).
fn remove_property(
    map: &mut serde_json::Map<String, Value>,
    name: &str,
    components: &serde_json::Map<String, Value>,
    depth: usize,
) {
    let mut own = false;
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        own = properties.remove(name).is_some();
    }
    if own {
        if let Some(Value::Array(required)) = map.get_mut("required") {
            required.retain(|r| r.as_str() != Some(name));
        }
        match map.get("additionalProperties") {
            Some(Value::Object(_)) | Some(Value::Bool(true)) => {}
            _ => {
                map.insert("additionalProperties".into(), serde_json::json!({}));
            }
        }
    }
    // A reference cycle through allOf is not a type typify can make anyway.
    if depth > 16 {
        return;
    }
    let Some(Value::Array(members)) = map.get_mut("allOf") else {
        return;
    };
    for member in members.iter_mut() {
        if let Some((_, body)) = referenced(member, components) {
            let mut names = Vec::new();
            if let Some(body) = body.as_object() {
                merged_properties(body, components, &mut Vec::new(), &mut names);
            }
            if names.iter().any(|n| n == name) {
                *member = body.clone();
            }
        }
        if let Some(member) = member.as_object_mut() {
            remove_property(member, name, components, depth + 1);
        }
    }
}

/// Methods progenitor's `Client` has of its own (its constructors and
/// `ClientInfo`'s accessors): an operation's method of one of these names
/// would be defined twice, or (`client`, `inner`) would shadow the accessor
/// the runtime's hooks call, and the crate would not compile.
pub const CLIENT_OWN_METHODS: &[&str] = &[
    "new",
    "new_with_client",
    "baseurl",
    "client",
    "api_version",
    "inner",
];

/// Names progenitor's `builder` module imports: an operation whose builder
/// (its method's name in PascalCase) had one would not compile.
pub const BUILDER_SCOPE: &[&str] = &[
    "Client",
    "ClientInfo",
    "ClientHooks",
    "Error",
    "ResponseValue",
    "ByteStream",
    "OperationInfo",
    "RequestBuilderExt",
];

/// Method names on the adapted copy (see the module docs): a `V1` suffix
/// dropped on a service's v1, unless that would make two methods one name;
/// and operationIds that would still give one method name (`getFoo` and
/// `get_foo`), or a name progenitor's own items have ([`CLIENT_OWN_METHODS`],
/// [`BUILDER_SCOPE`]: `client`, `new`, `error`), made distinct with a
/// number, so progenitor never emits two items of one name.
pub fn method_names_are_stable(spec: &mut Value) -> Vec<String> {
    let mut ids: Vec<(String, String)> = Vec::new(); // (route, id)
    let mut v1_stems: BTreeMap<String, String> = BTreeMap::new(); // id → stem
    for operation in openapi_model::operations(spec) {
        let Some(id) = operation.id() else { continue };
        ids.push((operation.route().to_string(), id.to_owned()));
        let on_v1 = crate::areas::service_version(operation.path).is_some_and(|(_, v)| v == "v1");
        if let Some(stem) = id
            .strip_suffix("V1")
            .or_else(|| id.strip_suffix("_v1"))
            .filter(|stem| on_v1 && !stem.is_empty())
        {
            v1_stems.insert(id.to_owned(), stem.to_owned());
        }
    }
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for (_, id) in &ids {
        let name = v1_stems.get(id).unwrap_or(id);
        *count.entry(crate::method_name(name)).or_default() += 1;
    }
    // route → new operationId
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let mut stems_dropped = 0usize;
    for (route, id) in &ids {
        if let Some(stem) = v1_stems.get(id) {
            if count[&crate::method_name(stem)] == 1 {
                renames.insert(route.clone(), stem.clone());
                stems_dropped += 1;
            }
        }
    }
    // Method names that are still one name for several operations, or
    // names progenitor's own items already have.
    let mut taken: BTreeSet<String> = CLIENT_OWN_METHODS.iter().map(|m| (*m).to_owned()).collect();
    let free = |taken: &BTreeSet<String>, name: &str| {
        let method = crate::method_name(name);
        !taken.contains(&method)
            && !BUILDER_SCOPE
                .contains(&heck::ToUpperCamelCase::to_upper_camel_case(method.as_str()).as_str())
    };
    let mut changes = Vec::new();
    for (route, id) in &ids {
        let current = renames.get(route).cloned().unwrap_or_else(|| id.clone());
        let mut name = current.clone();
        let mut n = 2;
        while !free(&taken, &name) {
            name = format!("{current}{n}");
            n += 1;
        }
        taken.insert(crate::method_name(&name));
        if name != current {
            let method = crate::method_name(&current);
            let whose = if CLIENT_OWN_METHODS.contains(&method.as_str())
                || BUILDER_SCOPE.contains(
                    &heck::ToUpperCamelCase::to_upper_camel_case(method.as_str()).as_str(),
                ) {
                "a name progenitor's own items have"
            } else {
                "another operation's"
            };
            changes.push(format!(
                "{route}: operationId `{id}` gives method `{method}`, {whose}; now `{}`",
                crate::method_name(&name)
            ));
            renames.insert(route.clone(), name);
        }
    }
    if renames.is_empty() {
        return changes;
    }
    openapi_model::operations_mut(spec, &mut |route, op| {
        if let Some(new) = renames.get(&route.to_string()) {
            op["operationId"] = Value::String(new.clone());
        }
    });
    if stems_dropped > 0 {
        changes.insert(
            0,
            format!(
                "{stems_dropped} operation(s) of services' v1: method without the `_v1` suffix"
            ),
        );
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec_with(ops: &[(&str, &str)]) -> Value {
        let mut paths = serde_json::Map::new();
        for (path, id) in ops {
            paths.insert(
                (*path).to_owned(),
                json!({"get": {"operationId": id, "responses": {}}}),
            );
        }
        json!({ "paths": paths })
    }

    fn methods(spec: &Value) -> Vec<String> {
        let mut names: Vec<String> = openapi_model::operations(spec)
            .filter_map(|o| o.id().map(crate::method_name))
            .collect();
        names.sort();
        names
    }

    /// v1 loses its suffix, v2 keeps it, and a v2 added later renames no
    /// existing method.
    #[test]
    fn methods_stay_when_a_service_adds_a_version() {
        let mut before = spec_with(&[
            ("/sources/v1", "listSourcesV1"),
            ("/send-test-notification/v1", "sendTestNotificationV1"),
        ]);
        method_names_are_stable(&mut before);
        assert_eq!(methods(&before), ["list_sources", "send_test_notification"]);
        let mut after = spec_with(&[
            ("/sources/v1", "listSourcesV1"),
            ("/sources/v2", "listSourcesV2"),
            ("/send-test-notification/v1", "sendTestNotificationV1"),
        ]);
        method_names_are_stable(&mut after);
        assert_eq!(
            methods(&after),
            ["list_sources", "list_sources_v2", "send_test_notification"]
        );
    }

    /// Dropping a suffix never makes two methods one; ids that sanitise
    /// alike (`getFoo`, `get_foo`) and keywords are made distinct.
    #[test]
    fn method_names_are_unique_whatever_the_ids() {
        use proptest::prelude::*;
        let id = prop::sample::select(vec![
            "getFoo", "get_foo", "getFooV1", "getFooV2", "get-foo", "move", "Move", "moveV1",
            "type", "listV1", "list", "V1", "getFoo2",
        ]);
        let path = prop::sample::select(vec!["/a/v1/x", "/b/v2/x", "/c/x", "/d/v1"]);
        proptest!(|(ops in prop::collection::vec((path, id), 1..10))| {
            let ops: Vec<(String, &str)> = ops
                .into_iter()
                .enumerate()
                .map(|(i, (p, id))| (format!("{p}/{i}"), id))
                .collect();
            let refs: Vec<(&str, &str)> = ops.iter().map(|(p, id)| (p.as_str(), *id)).collect();
            let mut spec = spec_with(&refs);
            method_names_are_stable(&mut spec);
            let names = methods(&spec);
            let unique: BTreeSet<&String> = names.iter().collect();
            prop_assert_eq!(unique.len(), names.len(), "{:?}", names);
            for name in &names {
                prop_assert!(typify::accept_as_ident(name), "{}", name);
            }
        });
    }

    /// Found by the property test: `Role`'s `aB` and `a.b` are one field,
    /// and `ID` (`allOf: [$ref Role]`) copied `Role` in to make them
    /// apart, the copy holding an `ID` to copy `Role` into again, until
    /// the stack overflowed.
    #[test]
    fn a_component_that_holds_itself_is_not_copied_into_itself() {
        let role = |id: Value| {
            json!({"type": "object", "properties": {
                "a.b": {"type": "string"}, "aB": {"type": "boolean"}, "ID": id}})
        };
        let r = json!({"$ref": "#/components/schemas/Role"});
        let mut spec = json!({"paths": {}, "components": {"schemas": {
            "Role": role(json!({"allOf": [r.clone()], "nullable": true}))
        }}});
        let changes = field_names_are_unique(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let id = &spec["components"]["schemas"]["Role"]["properties"]["ID"];
        assert_eq!(id, &json!({"allOf": [r.clone()], "nullable": true}));
        // With two members (a merge: `composition_loops_are_broken` breaks
        // that loop first, so only this function alone meets it), copies
        // stop at a bounded depth.
        let mut spec = json!({"paths": {}, "components": {"schemas": {
            "Role": role(json!({"allOf": [r, {"description": "the role"}]}))
        }}});
        let changes = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || field_names_are_unique(&mut spec))
            .unwrap()
            .join()
            .unwrap();
        assert!(
            changes.len() > 1 && changes.len() < 100,
            "{}",
            changes.len()
        );
    }

    /// `_type` and `type`, in one object or across its inline allOf
    /// members: `type` keeps its field, `_type` is an other property.
    #[test]
    fn properties_that_would_be_one_field_become_one_field_and_a_map() {
        let mut spec = json!({"paths": {}, "components": {"schemas": {
            "doc": {"type": "object", "required": ["_type"], "properties": {"_type": {"type": "string"}, "type": {"type": "string"}, "Type": {"type": "integer"}}},
            "merged": {"allOf": [
                {"type": "object", "properties": {"type": {"type": "string"}}},
                {"type": "object", "properties": {"_type": {"type": "string"}, "id": {"type": "string"}}}
            ]},
            "fine": {"type": "object", "properties": {"type": {"type": "string"}}},
            "indexed": {"type": "object", "properties": {"_type": {"type": "string"}, "_version": {"type": "string"}}},
            "document": {"allOf": [{"$ref": "#/components/schemas/fine"}, {"$ref": "#/components/schemas/indexed"}]}
        }}});
        let changes = field_names_are_unique(&mut spec);
        assert_eq!(changes.len(), 4, "{changes:?}");
        // The referenced member that has the loser is a copy without it;
        // the component itself stays whole.
        let document = &spec["components"]["schemas"]["document"]["allOf"];
        assert_eq!(document[0], json!({"$ref": "#/components/schemas/fine"}));
        assert_eq!(
            document[1]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["_version"]
        );
        assert!(spec["components"]["schemas"]["indexed"]["properties"]["_type"].is_object());
        let doc = &spec["components"]["schemas"]["doc"];
        assert_eq!(
            doc["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["type"]
        );
        assert_eq!(doc["required"], json!([]));
        assert_eq!(doc["additionalProperties"], json!({}));
        let merged = &spec["components"]["schemas"]["merged"]["allOf"][1];
        assert_eq!(
            merged["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["id"]
        );
        assert!(spec["components"]["schemas"]["fine"]
            .get("additionalProperties")
            .is_none());
    }

    #[test]
    fn field_names_are_typify_s() {
        assert_eq!(rust_field_name("_type"), "type_");
        assert_eq!(rust_field_name("type"), "type_");
        assert_eq!(rust_field_name("Type"), "type_");
        assert_eq!(
            rust_field_name("requestCommentsRequired"),
            "request_comments_required"
        );
        assert_eq!(rust_field_name("2fa"), "x2fa");
    }

    #[test]
    fn rust_names_are_typify_s() {
        assert_eq!(rust_type_name("role"), "Role");
        assert_eq!(rust_type_name("reference-2"), "Reference2");
        assert_eq!(rust_type_name("reference2"), "Reference2");
        assert_eq!(rust_type_name("access_profile"), "AccessProfile");
        assert_eq!(rust_type_name("2fa"), "X2fa");
        assert_eq!(rust_type_name("Self"), "Self_");
        assert_eq!(rust_type_name(""), "X");
    }

    /// `Role` (an enum one type holds) and `role` (an object many
    /// operations return): the object keeps `Role`; the enum is named after
    /// its holder; every reference follows.
    #[test]
    fn the_type_referenced_most_keeps_the_name() {
        let mut spec = json!({
            "paths": {
                "/roles": {"get": {"operationId": "listRoles", "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/role"}}}}}}}},
                "/roles/{id}": {"get": {"operationId": "getRole", "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/role"}}}}}}},
                "/roles/{id}/parent": {"get": {"operationId": "getParentRole", "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/role"}}}}}}}
            },
            "components": {"schemas": {
                "Role": {"type": "string", "enum": ["SAML_IDP", "SAML_SP"]},
                "federationProtocolDetails": {"type": "object", "properties": {"role": {"$ref": "#/components/schemas/Role"}}},
                "role": {"type": "object", "properties": {"id": {"type": "string"}}},
                "envelope": {"oneOf": [{"$ref": "#/components/schemas/Role"}], "discriminator": {"propertyName": "t", "mapping": {"A": "#/components/schemas/Role"}}}
            }}
        });
        let changes = type_names_are_unique(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let schemas = spec["components"]["schemas"].as_object().unwrap();
        let keys: Vec<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "FederationProtocolDetailsRole",
                "federationProtocolDetails",
                "role",
                "envelope"
            ]
        );
        assert_eq!(
            spec["components"]["schemas"]["federationProtocolDetails"]["properties"]["role"]
                ["$ref"],
            "#/components/schemas/FederationProtocolDetailsRole"
        );
        assert_eq!(
            spec["components"]["schemas"]["envelope"]["discriminator"]["mapping"]["A"],
            "#/components/schemas/FederationProtocolDetailsRole"
        );
        assert_eq!(
            spec.pointer(
                "/paths/~1roles~1{id}/get/responses/200/content/application~1json/schema/$ref"
            ),
            Some(&json!("#/components/schemas/role"))
        );
    }

    /// Whatever the names, after the adaptation no two components have
    /// one Rust name (case aside), and every reference resolves.
    #[test]
    fn any_names_become_unique_rust_names() {
        use proptest::prelude::*;
        let name = prop::sample::select(vec![
            "role", "Role", "ROLE", "ro-le", "ro_le", "Role2", "role2", "role-2", "lower", "Lower",
            "x", "X", "2x", "X2x", "type", "Type",
        ]);
        proptest!(|(names in prop::collection::btree_set(name, 1..12), holder in 0usize..12)| {
            let names: Vec<&str> = names.into_iter().collect();
            let mut schemas = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                let target = names[(i + holder) % names.len()];
                schemas.insert(
                    (*name).to_owned(),
                    json!({"type": "object", "properties": {"p": {"$ref": format!("#/components/schemas/{target}")}}}),
                );
            }
            let mut spec = json!({"paths": {}, "components": {"schemas": schemas}});
            type_names_are_unique(&mut spec);
            let schemas = spec["components"]["schemas"].as_object().unwrap();
            prop_assert_eq!(schemas.len(), names.len());
            let rust: BTreeSet<String> =
                schemas.keys().map(|k| rust_type_name(k).to_lowercase()).collect();
            prop_assert_eq!(rust.len(), names.len(), "{:?}", schemas.keys().collect::<Vec<_>>());
            let mut refs = Vec::new();
            openapi_model::schema_refs(&spec, &mut refs);
            for r in refs {
                prop_assert!(schemas.contains_key(&r), "{} does not resolve", r);
            }
        });
    }
}
