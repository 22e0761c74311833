//! Property tests over generated documents: the diff never panics, renders
//! in every form, and for each family of upstream change says what that
//! change means, whatever document it happens in.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use spec_drift::{diff, diff_with, Class, ClientProfile, Kind, Options, Report};

/// A schema: scalars with and without formats, string enums (nullable or
/// not), objects with optional and required properties, lists, maps.
fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "integer", "format": "int32"})),
        Just(json!({"type": "integer"})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
        prop::collection::btree_set("[A-E]{1,2}", 1..4)
            .prop_map(|values| json!({"type": "string", "enum": values})),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            (
                prop::collection::btree_map("[a-f]{1,3}", inner.clone(), 1..5),
                any::<u8>()
            )
                .prop_map(|(properties, mask)| {
                    let required: Vec<&String> = properties
                        .keys()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, k)| k)
                        .collect();
                    json!({"type": "object", "required": required, "properties": properties})
                }),
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items})),
            inner.prop_map(|v| json!({"type": "object", "additionalProperties": v})),
        ]
    })
}

/// A document of a few operations: each a GET of a component (response)
/// and a POST that sends one (request body), with an error response.
fn document() -> impl Strategy<Value = Value> {
    prop::collection::vec(schema(), 1..4).prop_map(|schemas| {
        let mut paths = Map::new();
        let mut components = Map::new();
        for (i, s) in schemas.into_iter().enumerate() {
            let name = format!("Thing{i}");
            // An object at the top, so that every document has one.
            components.insert(
                name.clone(),
                json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "value": s}}),
            );
            let reference = json!({"$ref": format!("#/components/schemas/{name}")});
            paths.insert(
                format!("/things{i}/{{id}}"),
                json!({
                    "get": {
                        "operationId": format!("getRecord{i}"),
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "responses": {
                            "200": {"description": "ok", "content": {"application/json": {"schema": reference}}},
                            "400": {"description": "bad", "content": {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}}
                        }
                    },
                    "post": {
                        "operationId": format!("putRecord{i}"),
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "requestBody": {"required": true, "content": {"application/json": {"schema": reference}}},
                        "responses": {"204": {"description": "done"}}
                    }
                }),
            );
        }
        json!({
            "openapi": "3.0.3",
            "info": {"title": "generated", "version": "1"},
            "paths": paths,
            "components": {"schemas": components, "securitySchemes": {
                "oauth2": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t/oauth/token", "scopes": {}}}}
            }},
            "security": [{"oauth2": []}]
        })
    })
}

/// Every object schema of every component (pointers), in document order.
fn objects(doc: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            out.push(at.clone());
            for (k, p) in props {
                walk(p, format!("{at}/properties/{k}"), out);
            }
        }
        if let Some(items) = v.get("items") {
            walk(items, format!("{at}/items"), out);
        }
        if let Some(values) = v.get("additionalProperties").filter(|a| a.is_object()) {
            walk(values, format!("{at}/additionalProperties"), out);
        }
    }
    let mut out = Vec::new();
    for (name, s) in doc["components"]["schemas"].as_object().unwrap() {
        walk(s, format!("/components/schemas/{name}"), &mut out);
    }
    out
}

fn rendered_everywhere(report: &Report) {
    let text = report.to_text(false);
    assert!(text.starts_with(&report.summary_line()));
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        json["changes"].as_array().unwrap().len(),
        report.changes.len()
    );
    assert_eq!(
        json["summary"]["breaking"],
        json!(report.summary().breaking)
    );
    assert!(report.to_markdown().starts_with("**API drift: "));
    assert!(report.findings >= report.changes.len() || report.findings == 0);
    assert_eq!(report.summary().total(), report.changes.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any two documents: no panic, every form renders, counts agree.
    #[test]
    fn any_two_documents_diff_and_render(old in document(), new in document()) {
        let report = diff(&old, &new);
        rendered_everywhere(&report);
        let report = diff(&new, &old);
        rendered_everywhere(&report);
    }

    /// A document against itself, or against itself with its keys in
    /// another order and its components renamed by this project's naming
    /// (no titles): nothing that breaks.
    #[test]
    fn the_same_api_under_other_names_breaks_nothing(doc in document()) {
        prop_assert!(diff(&doc, &doc).is_empty());
        let text = doc.to_string().replace("Thing", "Item");
        let renamed: Value = serde_json::from_str(&text).unwrap();
        let report = diff(&doc, &renamed);
        prop_assert!(!report.has_breaking(), "{}", report.to_text(false));
        // One entry: the names this project gives, every rename an item.
        prop_assert_eq!(report.changes.len(), 1, "{}", report.to_text(false));
        prop_assert_eq!(report.changes[0].kind, Kind::TypeNameChanged);
        prop_assert_eq!(report.changes[0].class, Class::Info);
        let components = doc["components"]["schemas"].as_object().unwrap().len();
        prop_assert_eq!(report.changes[0].items.len(), components);
    }

    /// A property removed from an object is reported, by name, as a
    /// compile-time break, wherever the object is.
    #[test]
    fn a_removed_property_is_a_compile_time_break(doc in document(), pick in any::<prop::sample::Index>()) {
        let places = objects(&doc);
        let at = pick.get(&places).clone();
        let mut new = doc.clone();
        let props = new.pointer_mut(&format!("{at}/properties")).unwrap().as_object_mut().unwrap();
        let name = props.keys().next().unwrap().clone();
        props.remove(&name);
        let report = diff(&doc, &new);
        let removed: Vec<_> = report
            .changes
            .iter()
            .filter(|c| c.kind == Kind::PropertyRemoved && c.items.contains(&format!("`{name}`")))
            .collect();
        prop_assert!(!removed.is_empty(), "{}", report.to_text(false));
        prop_assert!(removed.iter().all(|c| c.class == Class::BreakingCompile));
    }

    /// A value added to an enum: news in a response when the client's
    /// response enums are open, a run-time break with the value as
    /// evidence when they are closed, and compatible in a request.
    #[test]
    fn an_added_enum_value_is_judged_by_the_client(values in prop::collection::btree_set("[A-E]", 1..4)) {
        let doc = |values: Vec<String>| {
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {
                "operationId": "getX",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"color": {"type": "string", "enum": values}}}}}}}
            }}}})
        };
        let old: Vec<String> = values.iter().cloned().collect();
        let mut grown = old.clone();
        grown.push("NEW".into());
        let (a, b) = (doc(old), doc(grown));
        let closed = diff_with(&a, &b, &Options::default());
        let added = closed.changes.iter().find(|c| c.kind == Kind::EnumValueAdded).unwrap();
        prop_assert_eq!(added.class, Class::BreakingRuntime);
        prop_assert_eq!(added.evidence.as_deref(), Some("\"NEW\""));
        let open = diff_with(&a, &b, &Options {
            client: ClientProfile { response_enums_open: true },
            ..Options::default()
        });
        prop_assert!(!open.has_breaking(), "{}", open.to_text(false));
    }

    /// An operationId changed on the same route is one rename, never a
    /// removal and an addition.
    #[test]
    fn a_new_operation_id_on_the_same_route_is_a_rename(doc in document(), pick in any::<prop::sample::Index>()) {
        let ops: Vec<(String, String)> = doc["paths"].as_object().unwrap().iter()
            .flat_map(|(p, item)| item.as_object().unwrap().keys().map(move |m| (p.clone(), m.clone())))
            .collect();
        let (path, method) = pick.get(&ops).clone();
        let mut new = doc.clone();
        new["paths"][&path][&method]["operationId"] = json!("somethingElse");
        let report = diff(&doc, &new);
        let kinds: Vec<Kind> = report.changes.iter().map(|c| c.kind).collect();
        prop_assert_eq!(kinds, vec![Kind::OperationRenamed]);
    }
}
