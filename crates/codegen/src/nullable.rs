//! The adaptation `nullable_compositions_where_used`.
//!
//! typify makes a nullable component `C` a newtype over `Option` of its
//! body's type; when the body is a composition (`oneOf`, `anyOf`,
//! `allOf`), it names that inner type `C` as well, and the crate does not
//! compile (E0428: `pub struct Upper(pub Option<Upper>)` beside `pub enum
//! Upper`; found by the generated documents of
//! `xtask/tests/generated_specs_compile.rs`). The family: a component
//! that is `nullable` and a composition. The component loses `nullable`,
//! and every place that refers to it says it instead, as OpenAPI 3.0
//! writes a nullable reference: `{"$ref": C}` → `{"allOf": [{"$ref": C}],
//! "nullable": true}`, an `Option<C>` in Rust. The same values are
//! accepted everywhere but as a member of another `allOf` (where `null`
//! would have to satisfy the other members too, and the reference is left
//! as it is).

use serde_json::{json, Value};

/// Applies the adaptation (see the module docs).
pub fn nullable_compositions_where_used(spec: &mut Value) -> Vec<String> {
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Vec::new();
    };
    let mut moved = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        let Some(map) = schema.as_object_mut() else {
            continue;
        };
        let composition = ["oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| map.contains_key(*k));
        if composition && map.get("nullable") == Some(&Value::Bool(true)) {
            map.remove("nullable");
            moved.push(name.clone());
        }
    }
    if moved.is_empty() {
        return Vec::new();
    }
    let targets: Vec<String> = moved
        .iter()
        .map(|n| {
            format!(
                "#/components/schemas/{}",
                n.replace('~', "~0").replace('/', "~1")
            )
        })
        .collect();
    let mut uses = 0usize;
    wrap(spec, &targets, false, &mut uses);
    moved
        .iter()
        .map(|name| {
            format!("components.schemas.{name}: a nullable composition; `nullable` moved to the places that refer to it")
        })
        .chain(std::iter::once(format!("{uses} reference(s) made nullable")))
        .collect()
}

/// Wraps every reference to one of `targets` in `value` (not those that
/// are members of an `allOf`).
fn wrap(value: &mut Value, targets: &[String], all_of_member: bool, uses: &mut usize) {
    match value {
        Value::Object(map) => {
            let refers = map
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| targets.iter().any(|t| t == r));
            if refers {
                if !all_of_member {
                    let reference = std::mem::take(map);
                    *value = json!({"allOf": [Value::Object(reference)], "nullable": true});
                    *uses += 1;
                }
                return;
            }
            for (key, child) in map.iter_mut() {
                if key == "allOf" {
                    if let Value::Array(members) = child {
                        for member in members {
                            wrap(member, targets, true, uses);
                        }
                        continue;
                    }
                }
                wrap(child, targets, false, uses);
            }
        }
        Value::Array(items) => {
            for item in items {
                wrap(item, targets, false, uses);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_moves_from_the_composition_to_its_uses() {
        let mut spec = json!({
            "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Upper"}}}}}}}},
            "components": {"schemas": {
                "Upper": {"nullable": true, "oneOf": [{"type": "object"}, {"type": "number"}]},
                "Holder": {"type": "object", "properties": {
                    "u": {"$ref": "#/components/schemas/Upper"},
                    "both": {"allOf": [{"$ref": "#/components/schemas/Upper"}, {"type": "object"}]}
                }},
                "Plain": {"nullable": true, "type": "object"}
            }}
        });
        let changes = nullable_compositions_where_used(&mut spec);
        assert_eq!(changes.len(), 2, "{changes:?}");
        let schemas = &spec["components"]["schemas"];
        assert!(schemas["Upper"].get("nullable").is_none());
        assert_eq!(
            schemas["Plain"]["nullable"], true,
            "not a composition: left"
        );
        let wrapped = json!({"allOf": [{"$ref": "#/components/schemas/Upper"}], "nullable": true});
        assert_eq!(schemas["Holder"]["properties"]["u"], wrapped);
        assert_eq!(
            spec["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            wrapped
        );
        assert_eq!(
            schemas["Holder"]["properties"]["both"]["allOf"][0],
            json!({"$ref": "#/components/schemas/Upper"}),
            "an allOf member stays"
        );
    }
}
