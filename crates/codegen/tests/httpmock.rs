//! The mock layer's generation: what progenitor's mock generator emits that
//! does not compile or does not match what the client sends, and the
//! passes that fix it (`cargo xtask probe` compiles the result for whole
//! sites; these show each pass on a small spec).

use sailpoint_codegen::generate_httpmock;

fn spec() -> String {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://{tenant}.api.identitynow.com/beta"}],
        "paths": {
            "/things": {"get": {
                "operationId": "listThings",
                "parameters": [
                    {"name": "types", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["A", "B"],
                        "description": "The state. Other values may be added."}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}},
                    "204": {"description": "none"}
                }
            }}
        }
    })
    .to_string()
}

#[test]
fn paths_are_matched_under_the_server_path_the_client_sends_them_to() {
    let code = generate_httpmock(&spec(), "crate").unwrap();
    assert!(code.contains(r#""^/beta/things$""#), "{code}");
    assert!(!code.contains(r#""^/things$""#));
}

#[test]
fn array_parameters_match_each_item_and_parameters_match_as_the_client_sends_them() {
    let code = generate_httpmock(&spec(), "crate").unwrap();
    assert!(
        !code.contains("value.to_string()"),
        "progenitor's to_string() is left:\n{code}"
    );
    assert!(code.contains(".fold("), "{code}");
    assert!(code.contains("parameter_text(value)"), "{code}");
    assert!(code.contains("parameter_text(&value)"), "{code}");
    assert!(code.contains("fn parameter_text<"), "{code}");
}

#[test]
fn nullable_bodies_are_passed_by_reference() {
    let code = generate_httpmock(&spec(), "crate").unwrap();
    assert!(code.contains("json_body_obj(&value)"), "{code}");
    assert!(!code.contains("json_body_obj(value)"), "{code}");
}

/// A scalar success body (`true`, a number) is taken by value; progenitor
/// passes it where a reference is wanted, which does not compile.
#[test]
fn scalar_bodies_are_passed_by_reference() {
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/enabled": {"get": {
            "operationId": "isEnabled",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "boolean"}}}}}
        }}}
    })
    .to_string();
    let code = generate_httpmock(&spec, "crate").unwrap();
    assert!(code.contains("pub fn ok(self, value: bool)"), "{code}");
    assert!(code.contains(".json_body_obj(&value)"), "{code}");
    assert!(!code.contains(".json_body_obj(value)"), "{code}");
}
