//! The output adaptations the runtime needs, each on a small spec:
//! `send_returns_the_crates_error`, `lists_ask_for_their_count`, and the
//! table of the response-examples test.

use sailpoint_codegen::{generate, response_examples};
use serde_json::{json, Value};

fn spec(paths: Value) -> String {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths
    })
    .to_string()
}

fn thing() -> Value {
    json!({"type": "object", "properties": {"id": {"type": "string"}}})
}

/// A list operation, with `count` or without.
fn list(count: bool) -> Value {
    let mut parameters = vec![
        json!({"name": "offset", "in": "query", "schema": {"type": "integer", "format": "int32"}}),
        json!({"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32", "maximum": 250}}),
    ];
    if count {
        parameters.push(json!({"name": "count", "in": "query", "schema": {"type": "boolean"}}));
    }
    json!({
        "operationId": "listThingsV1",
        "parameters": parameters,
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "array", "items": thing()},
                "example": [{"id": "a"}]
            }}},
            "400": {"description": "bad", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"trackingId": {"type": "string"}}}}}}
        }
    })
}

/// Every `send()` returns the runtime's error; progenitor's body is kept
/// as `send_generated`; each JSON answer is decoded with its operation's
/// name.
#[test]
fn send_returns_the_runtime_error_and_names_its_operation() {
    let generated = generate(&spec(json!({"/things/v1": {"get": list(false)}}))).unwrap();
    let code = &generated.code;
    assert!(
        generated
            .adaptations
            .iter()
            .any(|a| a.adaptation == "send_returns_the_crates_error"),
        "{:?}",
        generated.adaptations
    );
    assert!(
        code.contains("::sailpoint_runtime::Error,\n"),
        "the public send's error"
    );
    assert!(
        code.contains("async fn send_generated("),
        "progenitor's body, private"
    );
    assert!(!code.contains("pub async fn send_generated("));
    assert!(
        code.contains("self.send_generated().await.map_err(::sailpoint_runtime::Error::from)"),
        "the conversion"
    );
    // Both the success and the error answer name the operation.
    let unformatted: String = code.split_whitespace().collect();
    assert_eq!(
        unformatted
            .matches(r#"::sailpoint_runtime::answer::json(response,"list_things""#)
            .count(),
        2,
        "the 200 and the 400"
    );
    assert!(
        !code.contains("answer::from_response(response)"),
        "every decoding named"
    );
}

/// A list stream asks for the count with its first page when its builder
/// takes `count`, and leaves a list without `count` as it is.
#[test]
fn a_list_with_count_asks_for_it_with_its_first_page() {
    let counted = generate(&spec(json!({"/things/v1": {"get": list(true)}}))).unwrap();
    assert!(counted
        .code
        .contains("let ask_count = matches!(self.count, Ok(None));"));
    assert!(counted.code.contains("if offset == start && ask_count {"));
    assert!(counted.code.contains("page.count(true)"));
    assert!(counted
        .adaptations
        .iter()
        .any(|a| a.adaptation == "lists_ask_for_their_count"));
    let plain = generate(&spec(json!({"/things/v1": {"get": list(false)}}))).unwrap();
    assert!(!plain.code.contains("ask_count"));
    assert!(plain.code.contains("pub fn stream("), "still a stream");
}

/// The response-examples table has a row for each operation with an
/// example of a JSON success, named by its method (the `V1` suffix
/// dropped, as the client's methods are), and none for an operation whose
/// success is not decoded as JSON or has no example.
#[test]
fn the_examples_table_names_each_operation_with_a_json_example() {
    let no_example = json!({
        "operationId": "getThingV1",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": thing()}}}}
    });
    let bytes_beside = json!({
        "operationId": "getFileV1",
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": thing(), "example": {"id": "a"}}}},
            "202": {"description": "later", "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    });
    let schema_example = json!({
        "operationId": "getOtherV2",
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"id": {"type": "string"}}, "example": {"id": "b"}}
        }}}}
    });
    let text = spec(json!({
        "/things/v1": {"get": list(false)},
        "/things/v1/{id}": {"get": no_example},
        "/files/v1": {"get": bytes_beside},
        "/other/v2": {"get": schema_example}
    }));
    let rows = response_examples::rows(&text, &[]).unwrap();
    assert_eq!(
        rows,
        [
            ("get /other/v2".to_owned(), "get_other_v2".to_owned()),
            ("get /things/v1".to_owned(), "list_things".to_owned()),
        ]
    );
    let table = response_examples::table(&text, &[]).unwrap();
    assert!(table.starts_with(sailpoint_codegen::HEADER));
    assert!(table.contains(r#"("get /things/v1", decoder(|c| c.list_things().send())),"#));
}
