//! A value none of whose `oneOf` members matches, completed with the
//! type's JSON Schema (the generated types derive `schemars::JsonSchema`).
//!
//! serde's untagged enums say only that no member matched, not why; the
//! usual why, in SailPoint's answers and its docs' own examples, is a
//! field the member requires that the answer leaves out (an access item
//! without `revocable`, an account without `description`). The schema
//! says which fields each member requires, at any depth: the member the
//! value lacks the fewest of, with nothing in it that contradicts the
//! member (another enum value, another kind of value), gets those fields
//! as empty values of their kinds (`""`, `false`, `0`, `[]`, `{}` filled
//! in turn, `null` where the field may be `null`). A field that cannot be
//! empty (an enum, a date) makes that member no fit.

use serde_json::{Map, Value};

use crate::decode::Step;

/// How deep `$ref`s are followed in a row, and how deep a schema is
/// walked: past that, no fit (a schema that refers to itself forever).
const MAX_DEPTH: usize = 64;

/// A field filled in: where (relative to the completed value), with what,
/// and whether it is worth reporting (`null` for an absent field that may
/// be `null` reads as the field's absence; it is filled because a type may
/// require such a field be there, and the schema does not say which).
pub(crate) type Fill = (Vec<Step>, Value, bool);

/// The schema of the value at `path` in a value of `root`'s type.
pub(crate) fn schema_at<'s>(root: &'s Value, path: &[Step]) -> Option<&'s Value> {
    let mut schema = resolve(root, root)?;
    for step in path {
        schema = match step {
            Step::Key(key) => property(root, schema, key)?,
            Step::Index(_) => {
                let items = schema.get("items")?;
                resolve(root, items)?
            }
        };
    }
    Some(schema)
}

/// The fills that make `value` one of the members of `schema` (its
/// `anyOf` or `oneOf`): those of the nearest member none of whose fields
/// contradicts the value (see [`nearest`]).
pub(crate) fn complete(root: &Value, schema: &Value, value: &Value) -> Option<Vec<Fill>> {
    nearest(root, members(schema)?, value, &mut Vec::new(), 0).filter(|fills| !fills.is_empty())
}

/// The fills of the member `value` is nearest to: the one that declares
/// the most of its fields, then the one needing the fewest fills, then
/// the first (as serde tries them).
fn nearest(
    root: &Value,
    members: &[Value],
    value: &Value,
    here: &mut Vec<Step>,
    depth: usize,
) -> Option<Vec<Fill>> {
    members
        .iter()
        .filter_map(|member| {
            let mut fills = Vec::new();
            fits(root, member, value, here, &mut fills, depth + 1).then(|| {
                let reported = fills.iter().filter(|(_, _, reported)| *reported).count();
                ((undeclared(root, member, value), reported), fills)
            })
        })
        .min_by_key(|(score, _)| *score)
        .map(|(_, fills)| fills)
}

/// How many of `value`'s fields `schema` does not declare (none, for a
/// value that is not an object).
fn undeclared(root: &Value, schema: &Value, value: &Value) -> usize {
    let Value::Object(map) = value else {
        return 0;
    };
    map.keys()
        .filter(|key| property(root, schema, key).is_none())
        .count()
}

/// `schema` with its `$ref`s followed.
fn resolve<'s>(root: &'s Value, mut schema: &'s Value) -> Option<&'s Value> {
    for _ in 0..MAX_DEPTH {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => schema = root.pointer(reference.strip_prefix('#')?)?,
            None => return Some(schema),
        }
    }
    None
}

/// The members of a schema's `anyOf` or `oneOf`.
fn members(schema: &Value) -> Option<&Vec<Value>> {
    schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
}

/// The schema of property `key` of an object of `schema` (its own, or of
/// an `allOf` part, or of the first member of an `anyOf` that has it).
fn property<'s>(root: &'s Value, schema: &'s Value, key: &str) -> Option<&'s Value> {
    let schema = resolve(root, schema)?;
    if let Some(property) = schema.get("properties").and_then(|p| p.get(key)) {
        return resolve(root, property);
    }
    let parts = schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(members(schema).into_iter().flatten());
    for part in parts {
        if let Some(found) = property(root, part, key) {
            return Some(found);
        }
    }
    None
}

/// Whether `value` fits `schema` once `fills` (added to) are made: no
/// value contradicts it, and every field it requires is there or can be
/// filled.
fn fits(
    root: &Value,
    schema: &Value,
    value: &Value,
    here: &mut Vec<Step>,
    fills: &mut Vec<Fill>,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let Some(schema) = resolve(root, schema) else {
        return false;
    };
    if schema.as_bool() == Some(true) || schema.as_object().is_some_and(Map::is_empty) {
        return true;
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !fits(root, part, value, here, fills, depth + 1) {
            return false;
        }
    }
    if let Some(members) = members(schema) {
        match nearest(root, members, value, here, depth) {
            Some(tried) => fills.extend(tried),
            None => return false,
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return false;
        }
    }
    if let Some(constant) = schema.get("const") {
        if constant != value {
            return false;
        }
    }
    if !kind_allowed(schema, value) {
        return false;
    }
    match value {
        Value::Object(map) => {
            // A type that refuses fields it does not declare.
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false))
                || schema.get("unevaluatedProperties") == Some(&Value::Bool(false));
            if closed && undeclared(root, schema, value) > 0 {
                return false;
            }
            let required = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            for field in required {
                if map.contains_key(field) {
                    continue;
                }
                let Some(property) = property(root, schema, field) else {
                    return false;
                };
                let Some(empty) = empty(root, property, depth + 1) else {
                    return false;
                };
                let mut at = here.clone();
                at.push(Step::Key(field.to_owned()));
                fills.push((at, empty, true));
            }
            // A field that may be `null` and is not there: `null` (the same
            // to a reader; a type may require it there).
            let declared = schema.get("properties").and_then(Value::as_object);
            for (field, property) in declared.into_iter().flatten() {
                let nullable = may_be_null(root, property, depth + 1);
                if nullable && !map.contains_key(field) {
                    let mut at = here.clone();
                    at.push(Step::Key(field.clone()));
                    if !fills.iter().any(|(path, _, _)| *path == at) {
                        fills.push((at, Value::Null, false));
                    }
                }
            }
            for (key, inner) in map {
                if let Some(property) = property(root, schema, key) {
                    here.push(Step::Key(key.clone()));
                    let fit = fits(root, property, inner, here, fills, depth + 1);
                    here.pop();
                    if !fit {
                        return false;
                    }
                }
            }
            true
        }
        Value::Array(items) => {
            let Some(item) = schema.get("items") else {
                return true;
            };
            for (i, inner) in items.iter().enumerate() {
                here.push(Step::Index(i));
                let fit = fits(root, item, inner, here, fills, depth + 1);
                here.pop();
                if !fit {
                    return false;
                }
            }
            true
        }
        _ => true,
    }
}

/// Whether the schema's `type` (one, or a list) allows `value`'s kind.
fn kind_allowed(schema: &Value, value: &Value) -> bool {
    let allows = |kind: &str| match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    match schema.get("type") {
        Some(Value::String(kind)) => allows(kind),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).any(allows),
        _ => true,
    }
}

/// The empty value of a field of `schema`: `null` where it may be null,
/// else `""`, `false`, `0`, `[]`, or an object with its own required
/// fields filled; none for an enum or a formatted string (no empty value
/// of those is one).
fn empty(root: &Value, schema: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    if may_be_null(root, schema, depth + 1) {
        return Some(Value::Null);
    }
    let schema = resolve(root, schema)?;
    if let Some(members) = members(schema) {
        return members.iter().find_map(|m| empty(root, m, depth + 1));
    }
    if schema.get("enum").is_some() || schema.get("const").is_some() {
        return None;
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")?,
        _ if schema.get("properties").is_some() => "object",
        _ => return Some(Value::Null),
    };
    match kind {
        "string" if schema.get("format").is_some() || schema.get("pattern").is_some() => None,
        "string" => Some(Value::String(String::new())),
        "boolean" => Some(Value::Bool(false)),
        "integer" | "number" => Some(Value::from(0)),
        "array" => Some(Value::Array(Vec::new())),
        "object" => {
            let object = Value::Object(Map::new());
            let mut fills = Vec::new();
            if !fits(
                root,
                schema,
                &object,
                &mut Vec::new(),
                &mut fills,
                depth + 1,
            ) {
                return None;
            }
            let mut object = object;
            for (path, fill, _) in fills {
                if let (Some(Step::Key(key)), Value::Object(map)) = (path.first(), &mut object) {
                    if path.len() == 1 {
                        map.insert(key.clone(), fill);
                    }
                }
            }
            Some(object)
        }
        _ => None,
    }
}

/// Whether the schema takes `null`: `nullable`, `null` among its types,
/// or a member of its `anyOf`/`oneOf` that does (schemars writes an
/// `Option<T>` as `anyOf: [T, {"type": "null"}]`).
fn may_be_null(root: &Value, schema: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let Some(schema) = resolve(root, schema) else {
        return false;
    };
    schema.get("nullable") == Some(&Value::Bool(true))
        || kind_allowed_null(schema)
        || members(schema)
            .into_iter()
            .flatten()
            .any(|m| may_be_null(root, m, depth + 1))
}

/// Whether `null` is among the schema's types.
fn kind_allowed_null(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(kind)) => kind == "null",
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "null"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn root() -> Value {
        json!({
            "$defs": {
                "Role": {"type": "object", "required": ["id", "revocable", "kind"], "properties": {
                    "id": {"type": "string"}, "revocable": {"type": "boolean"},
                    "kind": {"type": "string", "enum": ["role"]}
                }},
                "App": {"type": "object", "required": ["id", "appRoleId", "accounts", "kind"], "properties": {
                    "id": {"type": "string"}, "appRoleId": {"type": "string"},
                    "kind": {"type": "string", "enum": ["app"]},
                    "accounts": {"type": "array", "items": {"$ref": "#/$defs/Account"}}
                }},
                "Account": {"type": "object", "required": ["id", "description"], "properties": {
                    "id": {"type": "string"}, "description": {"type": ["string", "null"]},
                    "created": {"type": "string", "format": "date-time"}
                }}
            },
            "type": "array",
            "items": {"anyOf": [{"$ref": "#/$defs/Role"}, {"$ref": "#/$defs/App"}]}
        })
    }

    /// The member whose fields the value's contradict no more, needing the
    /// fewest: a role item gets `revocable`; an app item gets `appRoleId`
    /// and its accounts' `description` (nullable: `null`).
    #[test]
    fn the_member_that_fits_gets_what_it_requires() {
        let root = root();
        let item = schema_at(&root, &[Step::Index(0)]).unwrap();
        let role = json!({"id": "r", "kind": "role"});
        assert_eq!(
            complete(&root, item, &role).unwrap(),
            [(vec![Step::Key("revocable".into())], json!(false), true)]
        );
        let app = json!({"id": "a", "kind": "app", "accounts": [{"id": "x"}, {"id": "y", "description": "d"}]});
        let mut fills = complete(&root, item, &app).unwrap();
        fills.sort_by_key(|(p, _, _)| format!("{p:?}"));
        assert_eq!(
            fills,
            [
                (
                    vec![
                        Step::Key("accounts".into()),
                        Step::Index(0),
                        Step::Key("description".into())
                    ],
                    Value::Null,
                    true
                ),
                (vec![Step::Key("appRoleId".into())], json!(""), true),
            ]
        );
        // A field schemars writes as `anyOf: [T, null]` (an `Option<T>`
        // serde may still require) is filled with `null`, unreported.
        let optional = json!({"anyOf": [{"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"},
            "owner": {"anyOf": [{"$ref": "#/$defs/Role"}, {"type": "null"}]}
        }}], "$defs": root["$defs"].clone()});
        assert_eq!(
            complete(&optional, &optional, &json!({"name": "n"})).unwrap(),
            [
                (vec![Step::Key("id".into())], json!(""), true),
                (vec![Step::Key("owner".into())], Value::Null, false)
            ]
        );
        // Of two members needing one fill each, the one that declares the
        // value's fields; a member that refuses undeclared fields is none.
        let two = json!({"anyOf": [
            {"type": "object", "required": ["id", "y"], "properties": {"id": {"type": "string"}, "y": {"type": "string"}}},
            {"type": "object", "required": ["id", "x"], "properties": {"id": {"type": "string"}, "x": {"type": "string"}, "name": {"type": "string"}}}
        ]});
        let value = json!({"id": "a", "name": "n"});
        assert_eq!(
            complete(&two, &two, &value).unwrap(),
            [(vec![Step::Key("x".into())], json!(""), true)]
        );
        let closed = json!({"anyOf": [
            {"type": "object", "required": ["id", "y"], "additionalProperties": false,
             "properties": {"id": {"type": "string"}, "y": {"type": "string"}}}
        ]});
        assert_eq!(complete(&closed, &closed, &value), None);
        // Another enum value fits no member; nothing to fill fits none either.
        assert_eq!(
            complete(&root, item, &json!({"id": "z", "kind": "group"})),
            None
        );
        assert_eq!(
            complete(
                &root,
                item,
                &json!({"id": "r", "kind": "role", "revocable": true})
            ),
            None
        );
    }
}
