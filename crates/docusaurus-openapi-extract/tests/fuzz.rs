//! Property tests (the fuzz suite): the page parser and the assembler never
//! panic, whatever the input, and every error names the page's source.

use proptest::prelude::*;
use serde_json::{json, Value};

use docusaurus_openapi_extract::{extract, parse_page, NamesFile, Source};

const SEED: &str = include_str!("../../../../shared/seed/send-test-notification.api.mdx");

fn source(text: String) -> Source {
    Source {
        name: "fuzz/page.api.mdx".into(),
        file_name: "page.api.mdx".into(),
        text,
    }
}

/// Arbitrary JSON, a few levels deep, with the keys an operation has.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("type".to_owned()),
        Just("properties".to_owned()),
        Just("items".to_owned()),
        Just("required".to_owned()),
        Just("enum".to_owned()),
        Just("default".to_owned()),
        Just("format".to_owned()),
        Just("title".to_owned()),
        Just("allOf".to_owned()),
        Just("oneOf".to_owned()),
        Just("discriminator".to_owned()),
        Just("mapping".to_owned()),
        Just("content".to_owned()),
        Just("schema".to_owned()),
        Just("in".to_owned()),
        Just("name".to_owned()),
        Just("$ref".to_owned()),
        Just("nullable".to_owned()),
        "[a-z]{1,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        prop_oneof![
            Just("path".to_owned()),
            Just("string".to_owned()),
            Just("#/components/schemas/X".to_owned()),
            "[ -~]{0,8}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An `api` object: mostly well-formed, with arbitrary JSON in its parts.
fn api_object() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("get"), Just("post"), Just("patch"), Just("nope")],
        prop_oneof![Just("/a"), Just("/a/{id}"), Just("/b/{x}/{y}"), Just("no-slash")],
        json_value(),
        json_value(),
        json_value(),
        any::<bool>(),
    )
        .prop_map(|(method, path, params, body, response, with_security)| {
            let mut api = json!({
                "operationId": "op",
                "method": method,
                "path": path,
                "parameters": [params, {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}},
                "securitySchemes": {"oauth2": {"type": "oauth2", "flows": {}}},
                "info": {"title": "t", "version": "1"}
            });
            if with_security {
                api["security"] = json!([{"bearerAuth": []}]);
            }
            api
        })
}

fn page(api: &Value) -> String {
    format!("---\nid: fuzz\napi: {api}\n---\nbody\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_parses_or_fails_with_the_source_named(text in "(---\\n)?[ -~\\n]{0,200}(\\n---\\n)?") {
        if let Err(e) = parse_page("fuzz/page.api.mdx", "page.api.mdx", &text) {
            prop_assert!(e.to_string().contains("fuzz/page.api.mdx"), "{}", e);
        }
    }

    #[test]
    fn a_damaged_seed_page_never_panics(cut in 0usize..SEED.len(), flip in 0usize..SEED.len(), byte in any::<u8>()) {
        let mut bytes = SEED.as_bytes()[..cut.max(1)].to_vec();
        if flip < bytes.len() {
            bytes[flip] = byte;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Err(e) = extract(&[source(text)], &NamesFile::default()) {
            prop_assert!(e.to_string().contains("fuzz/page.api.mdx"), "{}", e);
        }
    }

    #[test]
    fn arbitrary_operations_assemble_or_fail_with_the_page_named(a in api_object(), b in api_object()) {
        let mut second = b.clone();
        second["operationId"] = json!("other");
        let pages = vec![
            Source { name: "fuzz/a.api.mdx".into(), file_name: "a.api.mdx".into(), text: page(&a) },
            Source { name: "fuzz/b.api.mdx".into(), file_name: "b.api.mdx".into(), text: page(&second) },
        ];
        match extract(&pages, &NamesFile::default()) {
            Ok(extraction) => {
                // Each page is an operation of the document or quarantined.
                let r = &extraction.report;
                prop_assert_eq!(r.operations + r.quarantined.len(), 2, "{}", r.describe(0));
                let ops = extraction.document["paths"].as_object().unwrap().values()
                    .map(|item| item.as_object().unwrap().len()).sum::<usize>();
                prop_assert_eq!(ops, r.operations);
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.contains("fuzz/a.api.mdx") || text.contains("fuzz/b.api.mdx"), "{}", text);
            }
        }
    }
}
