//! Reading schemas: references followed, `allOf` merged.

use std::borrow::Cow;

use serde_json::Value;

/// `['key']`, as locations write a key.
pub(crate) fn quote_key(key: &str) -> String {
    format!("['{}']", key.replace('\'', "\\'"))
}

/// The component a `$ref` names (`#/components/schemas/Owner` → `Owner`).
pub(crate) fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(openapi_model::SCHEMA_REF_PREFIX))
}

/// `v` with its `$ref`s followed (at most 16 deep, so a loop ends).
pub(crate) fn resolve<'v>(doc: &'v Value, v: &'v Value) -> &'v Value {
    let mut current = v;
    for _ in 0..16 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(target) => current = target,
                None => return current,
            },
            None => return current,
        }
    }
    current
}

/// Merges an `allOf` into one object schema (properties and required of
/// every member, references followed), so that moving a property between
/// members is not a change. A schema without `allOf` is borrowed as is.
pub(crate) fn flatten<'v>(doc: &'v Value, schema: &'v Value) -> Cow<'v, Value> {
    flatten_at(doc, schema, 0)
}

fn flatten_at<'v>(doc: &'v Value, schema: &'v Value, depth: usize) -> Cow<'v, Value> {
    let Some(members) = schema.get("allOf").and_then(Value::as_array) else {
        return Cow::Borrowed(schema);
    };
    if depth > 16 {
        return Cow::Borrowed(schema);
    }
    let mut merged = schema.as_object().cloned().unwrap_or_default();
    merged.remove("allOf");
    let mut properties = merged
        .remove("properties")
        .and_then(|p| p.as_object().cloned())
        .unwrap_or_default();
    let mut required: Vec<Value> = merged
        .remove("required")
        .and_then(|r| r.as_array().cloned())
        .unwrap_or_default();
    for member in members {
        let member = flatten_at(doc, resolve(doc, member), depth + 1);
        for (k, v) in member
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            properties.insert(k.clone(), v.clone());
        }
        required.extend(
            member
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        );
        for (k, v) in member.as_object().into_iter().flatten() {
            if !matches!(k.as_str(), "properties" | "required") {
                merged.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    if !properties.is_empty() {
        merged.insert("properties".into(), Value::Object(properties));
        merged.entry("type").or_insert_with(|| "object".into());
    }
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    Cow::Owned(Value::Object(merged))
}

/// The names a schema lists as `required`.
pub(crate) fn required(v: &Value) -> std::collections::BTreeSet<&str> {
    v.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn all_of_members_merge_and_references_resolve() {
        let doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Alias": {"$ref": "#/components/schemas/Base"},
        }}});
        let schema = json!({"allOf": [{"$ref": "#/components/schemas/Alias"}, {"properties": {"name": {"type": "string"}}}]});
        let flat = flatten(&doc, &schema);
        assert_eq!(flat["type"], "object");
        assert_eq!(flat["properties"].as_object().unwrap().len(), 2);
        assert_eq!(required(&flat).into_iter().collect::<Vec<_>>(), ["id"]);
        let looping = json!({"$ref": "#/components/schemas/Loop"});
        let doc =
            json!({"components": {"schemas": {"Loop": {"$ref": "#/components/schemas/Loop"}}}});
        assert!(resolve(&doc, &looping).get("$ref").is_some(), "a loop ends");
    }
}
