//! The adaptations `object_parameters` and `scalar_parameters_outside_query`:
//! parameters whose schema progenitor cannot send where they are.
//!
//! `object_parameters`: parameters whose schema is an object, outside
//! `style: deepObject` (which `deep_object_parameters` takes).
//!
//! progenitor 0.15 cannot take an optional parameter of a type that gets a
//! builder (a struct): it reaches `unreachable!()` ("optional body
//! parameters are not addressed"), and a required one is sent with serde's
//! query encoding of a struct, which fails at run time. The family: any
//! `query`, `header`, `path` or `cookie` parameter whose schema is (or
//! refers to, or combines into) an object. On the wire, OpenAPI writes an
//! object query parameter of the default style (`form`, `explode: true`)
//! as one pair per property (`sort={attr: sync, order: asc}` →
//! `attr=sync&order=asc`): the parameter becomes one optional query
//! parameter per property, with its schema (an object-valued property
//! becomes a string). Every other style writes the object as one string
//! (`attr,sync,order,asc`): the parameter becomes a string, its
//! description saying what the string holds. A property whose name another
//! parameter of the operation already has is not expanded either: the
//! parameter becomes a string.

use serde_json::{json, Map, Value};

/// `scalar_parameters_outside_query`: progenitor sends a `path` or
/// `header` parameter with `value.to_string()`, which only scalar types
/// have: an array (`Vec`), an object, or a composition (`oneOf`: typify's
/// untagged enum; an enum `open_enums` made open) has no `Display`, and the
/// client does not compile. OpenAPI's style for those (`simple`) writes an
/// array as its items joined with commas, an object as its keys and values
/// so; the parameter becomes a string the caller writes, its description
/// saying how. (Query parameters are sent with serde, one pair per item.)
pub fn scalar_parameters_outside_query(spec: &mut Value) -> Vec<String> {
    let components = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut changes = Vec::new();
    openapi_model::operations_mut(spec, &mut |route, op| {
        for param in op
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let location = param
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if location == "query" {
                continue;
            }
            let kind = param
                .get("schema")
                .and_then(|s| not_scalar(s, &components, 0));
            let (Some(kind), Some(p)) = (kind, param.as_object_mut()) else {
                continue;
            };
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            changes.push(format!(
                "{route}: {location} parameter `{name}` is {kind} → a string the caller writes"
            ));
            let how = match kind {
                "an array" => "A list written as one string: its items joined with commas.",
                "an object" => {
                    "An object written as one string: its keys and values joined with commas."
                }
                _ => "Written as one string.",
            };
            as_string(p, how);
        }
    });
    changes
}

/// What a parameter schema is when it is not a scalar progenitor can
/// write with `to_string()`: `an array`, `an object`, `a composition`,
/// `nullable`, `untyped`; `None` for a string, integer, number or boolean
/// (any format, pattern or enum).
fn not_scalar(schema: &Value, components: &Value, depth: usize) -> Option<&'static str> {
    if depth > 8 {
        return Some("untyped");
    }
    if schema.get("$ref").is_some() {
        return not_scalar(resolved(schema, components), components, depth + 1);
    }
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        // An `Option`, which has no `Display` either.
        return Some("nullable");
    }
    if ["oneOf", "anyOf", "allOf", "not"]
        .iter()
        .any(|k| schema.get(*k).is_some())
    {
        return Some("a composition");
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string" | "integer" | "number" | "boolean") => None,
        Some("array") => Some("an array"),
        Some("object") => Some("an object"),
        _ if schema.get("properties").is_some() => Some("an object"),
        _ => Some("untyped"),
    }
}

/// An optional query parameter `name` of `schema` (its description, when
/// it has one, the parameter's): what an expanded object parameter's
/// property becomes.
pub(crate) fn optional_query_parameter(name: String, schema: Value) -> Value {
    let mut one = Map::new();
    one.insert("name".into(), name.into());
    one.insert("in".into(), "query".into());
    if let Some(d) = schema.get("description").cloned() {
        one.insert("description".into(), d);
    }
    one.insert("required".into(), false.into());
    one.insert("schema".into(), schema);
    Value::Object(one)
}

/// A parameter made a string the caller writes: `how` says what the
/// string holds, after the parameter's own description.
fn as_string(p: &mut Map<String, Value>, how: &str) {
    let description = match p.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{d}\n\n{how}"),
        _ => how.to_owned(),
    };
    p.insert("description".into(), description.into());
    p.insert("schema".into(), json!({"type": "string"}));
    p.remove("content");
}

/// `schema`, or the component its `$ref` names (one step).
fn resolved<'a>(schema: &'a Value, components: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|n| components.get(n))
        .unwrap_or(schema)
}

/// Applies the adaptation (see the module docs).
pub fn object_parameters(spec: &mut Value) -> Vec<String> {
    let components = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut changes = Vec::new();
    openapi_model::operations_mut(spec, &mut |route, op| {
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            return;
        };
        let taken: Vec<String> = params
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let mut out = Vec::with_capacity(params.len());
        for param in params.drain(..) {
            let location = param
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let style = param
                .get("style")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let style = style.as_deref();
            let Some(properties) = param
                .get("schema")
                .and_then(|s| object_properties(s, &components, 0))
            else {
                out.push(param);
                continue;
            };
            if style == Some("deepObject") {
                // `deep_object_parameters` runs before, so none is left;
                // never expanded here with another wire form.
                out.push(param);
                continue;
            }
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            let explode = param
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style.is_none_or(|s| s == "form"));
            let form_exploded = location == "query" && style.is_none_or(|s| s == "form") && explode;
            let collides = properties
                .keys()
                .any(|k| *k != name && taken.iter().any(|t| t == k));
            if form_exploded && !properties.is_empty() && !collides {
                let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
                changes.push(format!(
                    "{route}: object query parameter `{name}` → one query parameter per property: {}",
                    keys.join(", ")
                ));
                for (key, schema) in properties {
                    let scalar = object_properties(&schema, &components, 0).is_none();
                    let schema = if scalar {
                        schema
                    } else {
                        json!({"type": "string"})
                    };
                    out.push(optional_query_parameter(key, schema));
                }
                continue;
            }
            let mut param = param;
            let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
            let how = format!(
                "An object written as one string, as OpenAPI's `{}` style writes it: its properties ({}) and their values, comma-separated.",
                style.unwrap_or(if location == "query" { "form" } else { "simple" }),
                keys.join(", ")
            );
            changes.push(format!(
                "{route}: object {location} parameter `{name}` → a string the caller writes"
            ));
            if let Some(p) = param.as_object_mut() {
                as_string(p, &how);
            }
            out.push(param);
        }
        *params = out;
    });
    changes
}

/// The properties of `schema` when it is an object (directly, through a
/// `$ref`, or merged from `allOf` members); `None` for anything else.
fn object_properties(
    schema: &Value,
    components: &Value,
    depth: usize,
) -> Option<Map<String, Value>> {
    if depth > 8 {
        return None;
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let resolved = target
            .strip_prefix("#/components/schemas/")
            .and_then(|n| components.get(n))?;
        return object_properties(resolved, components, depth + 1);
    }
    let mut out = Map::new();
    let mut object = schema.get("type").and_then(Value::as_str) == Some("object");
    if let Some(Value::Object(props)) = schema.get("properties") {
        object = true;
        out.extend(props.clone());
    }
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(props) = object_properties(member, components, depth + 1) {
            object = true;
            out.extend(props);
        }
    }
    object.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(params: Value) -> Value {
        json!({
            "paths": {"/p": {"get": {"operationId": "p", "parameters": params, "responses": {}}}},
            "components": {"schemas": {"Sort": {"type": "object", "properties": {
                "attr": {"type": "string"}, "order": {"type": "string", "enum": ["asc", "desc"]}}}}}
        })
    }

    fn params(spec: &Value) -> Vec<(String, Value)> {
        spec["paths"]["/p"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].as_str().unwrap().to_owned(), p["schema"].clone()))
            .collect()
    }

    #[test]
    fn a_form_exploded_object_becomes_one_query_parameter_per_property() {
        // NERM 2024's `sort`, inline and through a reference.
        for schema in [
            json!({"type": "object", "properties": {"attr": {"type": "string"}, "order": {"type": "string", "enum": ["asc", "desc"]}}}),
            json!({"$ref": "#/components/schemas/Sort"}),
            json!({"allOf": [{"$ref": "#/components/schemas/Sort"}]}),
        ] {
            let mut s = spec(json!([{"name": "sort", "in": "query", "schema": schema}]));
            let changes = object_parameters(&mut s);
            assert_eq!(changes.len(), 1, "{changes:?}");
            let names: Vec<String> = params(&s).into_iter().map(|(n, _)| n).collect();
            assert_eq!(names, ["attr", "order"]);
        }
    }

    #[test]
    fn other_styles_and_locations_and_collisions_become_strings() {
        for p in [
            json!({"name": "sort", "in": "query", "explode": false, "schema": {"$ref": "#/components/schemas/Sort"}}),
            json!({"name": "sort", "in": "header", "schema": {"$ref": "#/components/schemas/Sort"}}),
            json!({"name": "sort", "in": "path", "required": true, "schema": {"type": "object"}}),
        ] {
            let mut s = spec(json!([p]));
            object_parameters(&mut s);
            assert_eq!(params(&s), [("sort".to_owned(), json!({"type": "string"}))]);
            let d = s["paths"]["/p"]["get"]["parameters"][0]["description"]
                .as_str()
                .unwrap();
            assert!(d.contains("comma-separated"), "{d}");
        }
        // `attr` is a parameter of its own already: not expanded.
        let mut s = spec(json!([
            {"name": "attr", "in": "query", "schema": {"type": "string"}},
            {"name": "sort", "in": "query", "schema": {"$ref": "#/components/schemas/Sort"}}
        ]));
        object_parameters(&mut s);
        assert_eq!(
            params(&s)[1],
            ("sort".to_owned(), json!({"type": "string"}))
        );
        // Header and path arrays are strings; query arrays stay.
        let mut s = spec(json!([
            {"name": "ids", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "id", "in": "path", "required": true, "schema": {"type": "array", "items": {"type": "integer"}}},
            {"name": "q", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}
        ]));
        assert_eq!(scalar_parameters_outside_query(&mut s).len(), 2);
        let p = params(&s);
        assert_eq!(p[0].1, json!({"type": "string"}));
        assert_eq!(p[1].1, json!({"type": "string"}));
        assert_eq!(p[2].1["type"], "array");
        // A composition (an open enum, an untagged enum) in a header too;
        // a string enum, by reference, stays.
        let mut s = spec(json!([
            {"name": "kind", "in": "header", "schema": {"oneOf": [{"type": "string", "enum": ["A"]}, {"type": "string"}]}},
            {"name": "order", "in": "header", "schema": {"$ref": "#/components/schemas/Order"}}
        ]));
        s["components"]["schemas"]["Order"] = json!({"type": "string", "enum": ["asc", "desc"]});
        assert_eq!(scalar_parameters_outside_query(&mut s).len(), 1);
        assert_eq!(
            params(&s)[1].1,
            json!({"$ref": "#/components/schemas/Order"})
        );
        // Scalars and arrays stay as they are.
        let mut s = spec(
            json!([{"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}]),
        );
        assert!(object_parameters(&mut s).is_empty());
    }
}
