//! The adaptation `defaults_fit_their_schemas`.
//!
//! A `default` its own schema does not accept (`true` on a string,
//! `"false"` on a boolean, `99999999999` on an `int32`, a value outside the
//! `enum`, a string its `pattern` refuses, `null` where the schema is not
//! nullable) makes typify fail the whole document ("value does not
//! conform to the given schema", naming nothing), or emit a default it
//! cannot build (`Foo()`, E0061), or one that would panic when a response
//! leaves the field out. The family: a default that does not validate
//! against the schema beside it. Such a default is dropped from the copy
//! (the field is then optional, `None` when absent); every default that
//! fits stays. Defaults of compositions and of schemas without a type are
//! dropped too: nothing says which member a default would be.

use serde_json::Value;

use crate::adaptations::visit_schemas;

/// Applies the adaptation (see the module docs).
pub fn defaults_fit_their_schemas(spec: &mut Value) -> Vec<String> {
    let components = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut changes = Vec::new();
    visit_schemas(spec, &mut |at, schema| {
        let Some(default) = schema.get("default") else {
            return;
        };
        if let Err(why) = fits(default, schema, &components, 0) {
            let shown = short(default);
            if let Some(map) = schema.as_object_mut() {
                map.remove("default");
            }
            changes.push(format!("{at}: default {shown} dropped: {why}"));
        }
    });
    changes
}

/// A value cut for a report line.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The string formats typify makes types of (chrono, uuid), and what such
/// a string looks like.
const FORMATS: &[(&str, &str)] = &[
    (
        "date-time",
        r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$",
    ),
    ("date", r"^\d{4}-\d{2}-\d{2}$"),
    (
        "uuid",
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    ),
];

/// Whether `value` is a value of `schema` (following one `$ref` at a time,
/// to a small depth); the reason when it is not.
fn fits(value: &Value, schema: &Value, components: &Value, depth: usize) -> Result<(), String> {
    if depth > 8 {
        return Err("the schema refers on too deep to check".into());
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let resolved = target
            .strip_prefix("#/components/schemas/")
            .and_then(|n| components.get(n))
            .ok_or_else(|| format!("`{target}` does not resolve"))?;
        return fits(value, resolved, components, depth + 1);
    }
    if value.is_null() {
        return if schema.get("nullable") == Some(&Value::Bool(true)) {
            Ok(())
        } else {
            Err("`null`, and the schema is not nullable".into())
        };
    }
    if ["oneOf", "anyOf", "allOf", "not"]
        .iter()
        .any(|k| schema.get(*k).is_some())
    {
        return Err("a default of a composition".into());
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        if !values.contains(value) {
            return Err("not one of the enum's values".into());
        }
    }
    match (schema.get("type").and_then(Value::as_str), value) {
        (Some("string"), Value::String(s)) => {
            let format = schema.get("format").and_then(Value::as_str);
            if let Some((format, shape)) =
                format.and_then(|f| FORMATS.iter().find(|(name, _)| *name == f).copied())
            {
                let re = regress::Regex::new(shape).expect("the format patterns compile");
                if re.find(s).is_none() {
                    return Err(format!("not a `{format}`"));
                }
            }
            match schema.get("pattern").and_then(Value::as_str) {
                Some(pattern) => match regress::Regex::new(pattern) {
                    Ok(re) if re.find(s).is_some() => Ok(()),
                    Ok(_) => Err(format!("does not match the pattern `{pattern}`")),
                    Err(_) => Err(format!(
                        "the pattern `{pattern}` is not one the client can check"
                    )),
                },
                None => Ok(()),
            }
        }
        (Some("boolean"), Value::Bool(_)) => Ok(()),
        (Some("integer"), Value::Number(n)) => {
            let Some(i) = n
                .as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from))
            else {
                return Err("not a whole number".into());
            };
            let (low, high) = match schema.get("format").and_then(Value::as_str) {
                Some("int32") => (i128::from(i32::MIN), i128::from(i32::MAX)),
                Some("uint32") => (0, i128::from(u32::MAX)),
                Some("int8") => (i128::from(i8::MIN), i128::from(i8::MAX)),
                Some("uint8") => (0, i128::from(u8::MAX)),
                Some("int16") => (i128::from(i16::MIN), i128::from(i16::MAX)),
                Some("uint16") => (0, i128::from(u16::MAX)),
                Some("uint64" | "uint") => (0, i128::from(u64::MAX)),
                _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
            };
            let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
            let within = (low..=high).contains(&i)
                && bound("minimum").is_none_or(|m| i as f64 >= m)
                && bound("maximum").is_none_or(|m| i as f64 <= m);
            if within {
                Ok(())
            } else {
                Err("outside the integer's range".into())
            }
        }
        (Some("number"), Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
            if bound("minimum").is_none_or(|m| x >= m) && bound("maximum").is_none_or(|m| x <= m) {
                Ok(())
            } else {
                Err("outside the number's range".into())
            }
        }
        (Some("array"), Value::Array(items)) => {
            let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
            items
                .iter()
                .try_for_each(|item| fits(item, &item_schema, components, depth + 1))
                .map_err(|why| format!("an item: {why}"))
        }
        (Some("object"), Value::Object(fields)) => {
            let props = schema.get("properties").and_then(Value::as_object);
            for (key, field) in fields {
                match props.and_then(|p| p.get(key)) {
                    Some(prop) => fits(field, prop, components, depth + 1)
                        .map_err(|why| format!("`{key}`: {why}"))?,
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        return Err(format!("`{key}` is not a property"))
                    }
                    None => {}
                }
            }
            Ok(())
        }
        (None, _) => Err("a default of a schema without a type".into()),
        (Some(kind), other) => Err(format!(
            "a {} where the schema says {kind}",
            match other {
                Value::String(_) => "string",
                Value::Bool(_) => "boolean",
                Value::Number(_) => "number",
                Value::Array(_) => "list",
                Value::Object(_) => "object",
                Value::Null => "null",
            }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value) -> (Value, Vec<String>) {
        let mut spec = json!({"components": {"schemas": {"S": schema}}});
        let changes = defaults_fit_their_schemas(&mut spec);
        (spec["components"]["schemas"]["S"].clone(), changes)
    }

    #[test]
    fn defaults_that_fit_stay_and_the_others_go_with_why() {
        for fitting in [
            json!({"type": "boolean", "default": false}),
            json!({"type": "integer", "format": "int32", "default": 250, "maximum": 250}),
            json!({"type": "string", "enum": ["a", "b"], "default": "b"}),
            json!({"type": "string", "pattern": "^[a-z]+$", "default": "abc"}),
            json!({"type": "string", "format": "date-time", "default": "2026-01-02T03:04:05Z"}),
            json!({"type": "string", "nullable": true, "default": null}),
            json!({"type": "array", "items": {"type": "string"}, "default": ["x"]}),
            json!({"type": "object", "properties": {"n": {"type": "integer"}}, "default": {"n": 1}}),
        ] {
            let (after, changes) = check(fitting.clone());
            assert_eq!(after, fitting, "{changes:?}");
        }
        for (unfit, why) in [
            (
                json!({"type": "string", "default": true}),
                "a boolean where the schema says string",
            ),
            (
                json!({"type": "boolean", "default": "false"}),
                "a string where the schema says boolean",
            ),
            (
                json!({"type": "integer", "format": "int32", "default": 99_999_999_999i64}),
                "outside the integer's range",
            ),
            (
                json!({"type": "string", "enum": ["a"], "default": "z"}),
                "not one of the enum's values",
            ),
            (
                json!({"type": "string", "pattern": "^[a-z]+$", "default": "ABC"}),
                "does not match the pattern",
            ),
            (json!({"type": "string", "default": null}), "not nullable"),
            (
                json!({"type": "string", "format": "date-time", "default": 5}),
                "a number where",
            ),
            (
                json!({"type": "string", "format": "date-time", "default": "6 Months from created date"}),
                "not a `date-time`",
            ),
            (
                json!({"type": "string", "format": "uuid", "default": "x"}),
                "not a `uuid`",
            ),
            (
                json!({"oneOf": [{"type": "string"}], "default": "a"}),
                "composition",
            ),
            (
                json!({"type": "array", "items": {"type": "integer"}, "default": ["x"]}),
                "an item",
            ),
        ] {
            let (after, changes) = check(unfit);
            assert!(after.get("default").is_none(), "{after}");
            assert_eq!(changes.len(), 1);
            assert!(changes[0].contains(why), "{}", changes[0]);
        }
    }
}
