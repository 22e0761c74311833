//! Arbitrary OpenAPI 3.0 documents for property tests of the generator:
//! the families real docs sites have shown (names that collide once made
//! Rust names, keyword operationIds, enums without a type or beside
//! subschemas, `null` among enum values, numbers as enum values, object
//! parameters, defaults that do not fit their type, recursive and combined
//! schemas, odd formats), drawn together so that the generator meets
//! combinations no site has shown yet.
//!
//! Shared by `crates/codegen/tests/generation.rs` (generation never fails)
//! and `xtask/tests/generated_specs_compile.rs` (the clients compile).

#![allow(dead_code)]

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Component names, chosen to collide once sanitised (case, separators),
/// to shadow what generated code names (`Option`, `Result`, `Client`,
/// `Value`), and to be keywords.
pub const COMPONENT_NAMES: &[&str] = &[
    "Role",
    "role",
    "ROLE",
    "foo-bar",
    "Foo_Bar",
    "FooBar",
    "fooBar",
    "Self",
    "self",
    "type",
    "Error",
    "Result",
    "Option",
    "Box",
    "Vec",
    "String",
    "Client",
    "Value",
    "ErrorBody",
    "ResponseValue",
    "ByteStream",
    "Lower",
    "lower",
    "Upper",
    "upper",
    "1st",
    "x",
    "X",
    "access.profile",
    "AccessProfile",
    "accessprofile",
    "Reference2",
    "Reference",
];

/// Property names: Rust keywords, names equal once sanitised, leading
/// digits, punctuation.
pub const PROPERTY_NAMES: &[&str] = &[
    "type", "_type", "Type", "self", "ref", "match", "move", "a-b", "a_b", "aB", "AB", "123", "1a",
    "$ref", "@type", "id", "ID", "name", "value", "a.b", "x y",
];

/// Enum string values: collisions once sanitised, operators, empty,
/// digits, case pairs.
pub const ENUM_VALUES: &[&str] = &[
    "a",
    "A",
    "a-b",
    "a_b",
    "A B",
    "",
    "==",
    "!=",
    ">",
    "1st",
    "null",
    "true",
    "self",
    "Self",
    "type",
    "text",
    "Text",
    "TEXT",
    "x",
    "ok",
    "OK",
    "OTHER",
    "other",
    "OtherValue",
];

/// operationIds: keywords, separators that collide once in snake case,
/// leading digits.
pub const OPERATION_IDS: &[&str] = &[
    "move",
    "type",
    "match",
    "self",
    "Self",
    "fn",
    "async",
    "getFoo",
    "get_foo",
    "get-foo",
    "GetFoo",
    "123start",
    "listItems",
    "listItemsV1",
    "list-items-v1",
    "send",
    "new",
    "build",
    "client",
    "baseurl",
];

/// A leaf schema (no children), or a reference to one of `names`.
fn leaf(names: Vec<String>) -> BoxedStrategy<Value> {
    let string_format = prop_oneof![
        Just(None),
        Just(Some("date-time")),
        Just(Some("date")),
        Just(Some("uuid")),
        Just(Some("email")),
        Just(Some("uri")),
        Just(Some("byte")),
        Just(Some("binary")),
        Just(Some("password")),
        Just(Some("comma-separated")),
        Just(Some("UUID")),
    ];
    let string = (
        string_format,
        proptest::option::of(proptest::sample::subsequence(ENUM_VALUES, 1..6)),
        any::<bool>(),
        proptest::option::of(prop_oneof![
            Just(json!("a")),
            Just(json!(true)),
            Just(json!(7)),
            Just(json!("6 Months from created date")),
            Just(Value::Null),
        ]),
        proptest::option::of(Just("^[a-z]+$")),
    )
        .prop_map(|(format, values, nullable, default, pattern)| {
            let mut s = Map::new();
            s.insert("type".into(), "string".into());
            if let Some(f) = format {
                s.insert("format".into(), f.into());
            }
            if let Some(values) = values {
                let mut values: Vec<Value> = values.into_iter().map(Value::from).collect();
                if nullable {
                    values.push(Value::Null);
                }
                s.insert("enum".into(), values.into());
            }
            if nullable {
                s.insert("nullable".into(), true.into());
            }
            if let Some(d) = default {
                s.insert("default".into(), d);
            }
            if let Some(p) = pattern {
                s.insert("pattern".into(), p.into());
            }
            Value::Object(s)
        });
    let integer = (
        prop_oneof![
            Just(None),
            Just(Some("int32")),
            Just(Some("int64")),
            Just(Some("uint8")),
            Just(Some("weird"))
        ],
        proptest::option::of(-5i64..5),
        proptest::option::of(0i64..1000),
        proptest::option::of(proptest::collection::vec(-3i64..300, 1..5)),
        proptest::option::of(prop_oneof![
            Just(json!(-1)),
            Just(json!(99999999999i64)),
            Just(json!("1"))
        ]),
    )
        .prop_map(|(format, minimum, maximum, values, default)| {
            let mut s = Map::new();
            s.insert("type".into(), "integer".into());
            if let Some(f) = format {
                s.insert("format".into(), f.into());
            }
            if let Some(m) = minimum {
                s.insert("minimum".into(), m.into());
            }
            if let Some(m) = maximum {
                s.insert("maximum".into(), m.into());
            }
            if let Some(mut v) = values {
                v.sort_unstable();
                v.dedup();
                s.insert("enum".into(), v.into());
            }
            if let Some(d) = default {
                s.insert("default".into(), d);
            }
            Value::Object(s)
        });
    let mut options: Vec<BoxedStrategy<Value>> = vec![
        string.boxed(),
        integer.boxed(),
        Just(json!({"type": "number", "format": "double"})).boxed(),
        Just(json!({"type": "number", "enum": [0.5, 1.5]})).boxed(),
        Just(json!({"type": "boolean", "default": "false"})).boxed(),
        Just(json!({"type": "boolean", "enum": [true]})).boxed(),
        Just(json!({})).boxed(),
        Just(json!({"nullable": true})).boxed(),
        Just(json!({"description": "anything"})).boxed(),
        // Enums without a type, nullable or not, of one or several kinds.
        Just(json!({"nullable": true, "enum": ["text", "number", "boolean"]})).boxed(),
        Just(json!({"enum": ["a", 1, true]})).boxed(),
        Just(json!({"enum": [1, 2, 3]})).boxed(),
        // A string enum beside subschemas (v1's CreatePrivilegeCriteriaRequest).
        Just(json!({"type": "string", "enum": ["a", "b"], "oneOf": [{"pattern": "^a"}, {"type": "string"}]})).boxed(),
        Just(json!({"type": "string", "not": {"enum": ["root"]}})).boxed(),
        Just(json!({"type": "object"})).boxed(),
        Just(json!({"type": "object", "additionalProperties": {"type": "integer"}})).boxed(),
        Just(json!({"type": "array", "items": {}})).boxed(),
    ];
    if !names.is_empty() {
        options.push(
            proptest::sample::select(names)
                .prop_map(|n| json!({"$ref": format!("#/components/schemas/{n}")}))
                .boxed(),
        );
    }
    proptest::strategy::Union::new(options).boxed()
}

/// Any schema: leaves, and objects, arrays and combinations of schemas,
/// to a small depth.
pub fn schema(names: Vec<String>) -> BoxedStrategy<Value> {
    leaf(names)
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                // An object with properties, some required.
                (
                    proptest::collection::btree_map(
                        proptest::sample::select(PROPERTY_NAMES),
                        inner.clone(),
                        1..5
                    ),
                    any::<u8>(),
                    any::<bool>(),
                    proptest::option::of(prop_oneof![
                        Just(json!(true)),
                        Just(json!(false)),
                        inner.clone()
                    ]),
                )
                    .prop_map(|(props, required_bits, nullable, additional)| {
                        let required: Vec<Value> = props
                            .keys()
                            .enumerate()
                            .filter(|(i, _)| required_bits & (1 << (i % 8)) != 0)
                            .map(|(_, k)| Value::from(*k))
                            .collect();
                        let mut s = Map::new();
                        s.insert("type".into(), "object".into());
                        s.insert(
                            "properties".into(),
                            Value::Object(
                                props.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                            ),
                        );
                        if !required.is_empty() {
                            s.insert("required".into(), required.into());
                        }
                        if nullable {
                            s.insert("nullable".into(), true.into());
                        }
                        if let Some(a) = additional {
                            s.insert("additionalProperties".into(), a);
                        }
                        Value::Object(s)
                    }),
                inner
                    .clone()
                    .prop_map(|items| json!({"type": "array", "items": items})),
                (
                    prop_oneof![Just("allOf"), Just("oneOf"), Just("anyOf")],
                    proptest::collection::vec(inner.clone(), 1..4),
                    any::<bool>()
                )
                    .prop_map(|(kind, members, nullable)| {
                        let mut s = Map::new();
                        s.insert(kind.into(), members.into());
                        if nullable {
                            s.insert("nullable".into(), true.into());
                        }
                        Value::Object(s)
                    }),
            ]
        })
        .boxed()
}

/// A parameter at `location`, named `name`.
fn parameter(location: &'static str, name: String, names: Vec<String>) -> BoxedStrategy<Value> {
    let schema = prop_oneof![
        4 => leaf(names.clone()),
        1 => Just(json!({"type": "array", "items": {"type": "string"}})),
        1 => Just(json!({"type": "object", "properties": {"attr": {"type": "string"}, "order": {"type": "string", "enum": ["asc", "desc"]}}})),
    ];
    let style = if location == "query" {
        prop_oneof![Just(None), Just(Some("form")), Just(Some("deepObject"))].boxed()
    } else {
        Just(None).boxed()
    };
    (schema, style, any::<bool>())
        .prop_map(move |(schema, style, required)| {
            let mut p = Map::new();
            p.insert("name".into(), name.clone().into());
            p.insert("in".into(), location.into());
            p.insert("required".into(), (location == "path" || required).into());
            if let Some(s) = style {
                p.insert("style".into(), s.into());
            }
            p.insert("schema".into(), schema);
            Value::Object(p)
        })
        .boxed()
}

/// A JSON body or response content.
fn content(names: Vec<String>) -> BoxedStrategy<Value> {
    prop_oneof![
        5 => schema(names).prop_map(|s| json!({"application/json": {"schema": s}})),
        1 => Just(json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})),
        1 => Just(json!({"text/plain": {"schema": {"type": "string"}}})),
    ]
    .boxed()
}

/// One operation (without its path and method).
fn operation(id: String, path_params: Vec<String>, names: Vec<String>) -> BoxedStrategy<Value> {
    let params = (
        proptest::collection::vec(
            (
                proptest::sample::select(vec!["query", "header"]),
                proptest::sample::select(PROPERTY_NAMES),
            ),
            0..3,
        ),
        Just(path_params),
    )
        .prop_flat_map({
            let names = names.clone();
            move |(extra, path_params)| {
                let mut all: Vec<BoxedStrategy<Value>> = path_params
                    .iter()
                    .map(|p| parameter("path", p.clone(), names.clone()))
                    .collect();
                let mut seen: Vec<(String, String)> = Vec::new();
                for (location, name) in extra {
                    let key = (location.to_owned(), name.to_owned());
                    if !seen.contains(&key) {
                        seen.push(key);
                        all.push(parameter(location, name.to_owned(), names.clone()));
                    }
                }
                all
            }
        });
    let success = prop_oneof![Just("200"), Just("201"), Just("202"), Just("204")];
    (
        params,
        proptest::option::of(content(names.clone())),
        success,
        proptest::option::of(content(names.clone())),
        proptest::option::of(content(names.clone())),
        any::<bool>(),
    )
        .prop_map(
            move |(params, body, success, ok_body, error_body, deprecated)| {
                let mut op = Map::new();
                op.insert("operationId".into(), id.clone().into());
                op.insert("tags".into(), json!(["Things"]));
                if !params.is_empty() {
                    op.insert("parameters".into(), params.into());
                }
                if let Some(body) = body {
                    op.insert(
                        "requestBody".into(),
                        json!({"required": true, "content": body}),
                    );
                }
                let mut responses = Map::new();
                let mut ok = json!({"description": "ok"});
                if let (Some(content), false) = (ok_body, success == "204") {
                    ok["content"] = content;
                }
                responses.insert(success.into(), ok);
                let mut error = json!({"description": "error"});
                if let Some(content) = error_body {
                    error["content"] = content;
                }
                responses.insert("400".into(), error);
                op.insert("responses".into(), Value::Object(responses));
                if deprecated {
                    op.insert("deprecated".into(), true.into());
                }
                Value::Object(op)
            },
        )
        .boxed()
}

/// A whole document: a few components (referring to each other, to
/// themselves, and to names that collide) and a few operations using them.
pub fn document() -> BoxedStrategy<Value> {
    (
        proptest::sample::subsequence(COMPONENT_NAMES, 0..7),
        proptest::sample::subsequence(OPERATION_IDS, 1..5),
    )
        .prop_flat_map(|(names, ids)| {
            let names: Vec<String> = names.into_iter().map(str::to_owned).collect();
            let schemas = proptest::collection::vec(schema(names.clone()), names.len());
            let operations: Vec<BoxedStrategy<(String, String, Value)>> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let with_param = i % 2 == 1;
                    let path = if with_param {
                        format!("/things{i}/{{thing-id}}")
                    } else {
                        format!("/things{i}")
                    };
                    let method = ["get", "post", "put", "delete", "patch"][i % 5].to_owned();
                    let params = if with_param {
                        vec!["thing-id".to_owned()]
                    } else {
                        Vec::new()
                    };
                    operation((*id).to_owned(), params, names.clone())
                        .prop_map(move |op| (path.clone(), method.clone(), op))
                        .boxed()
                })
                .collect();
            (Just(names), schemas, operations)
        })
        .prop_map(|(names, schemas, operations)| {
            let mut paths = Map::new();
            for (path, method, op) in operations {
                let mut item = Map::new();
                item.insert(method, op);
                paths.insert(path, Value::Object(item));
            }
            let components: Map<String, Value> = names.into_iter().zip(schemas).collect();
            json!({
                "openapi": "3.0.3",
                "info": {"title": "Generated", "version": "1.0.0"},
                "servers": [{"url": "https://example.invalid/v1"}],
                "paths": paths,
                "components": {"schemas": components}
            })
        })
        .boxed()
}
