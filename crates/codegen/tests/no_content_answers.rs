//! `no_content_answers_have_no_body`: a 204 that declares content (valid
//! OpenAPI; the extractor keeps it as the pages have it) is read as
//! bodiless, alone or beside a 200 with a body.

use sailpoint_codegen::adaptations::{adapt_with, ADAPTATIONS};
use sailpoint_codegen::{generate, generate_with};
use serde_json::{json, Value};

fn spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things/{id}": {
                "delete": {
                    "operationId": "deleteThing",
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"204": {"description": "gone", "content": {"application/json": {"schema": {"type": "object"}}}}}
                },
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": "found", "content": {"application/json": {"schema": {
                            "type": "object", "properties": {"name": {"type": "string"}}
                        }}}},
                        "204": {"description": "not there yet", "content": {"application/json": {"schema": {"type": "object"}}}}
                    }
                }
            }
        }
    })
}

#[test]
fn a_204_with_content_is_read_as_bodiless() {
    let mut adapted = spec();
    let applied = adapt_with(&mut adapted, ADAPTATIONS);
    let ours: Vec<&str> = applied
        .iter()
        .filter(|a| a.adaptation == "no_content_answers_have_no_body")
        .map(|a| a.change.as_str())
        .collect();
    assert_eq!(ours.len(), 2, "{applied:#?}");
    assert!(
        ours[0].contains("the 204 answer is read as bodiless (the spec declares application/json)")
    );
    assert!(
        adapted["paths"]["/things/{id}"]["delete"]["responses"]["204"]
            .get("content")
            .is_none()
    );
    // Beside a 200 with a body, an empty 204 reads as null: the success
    // type is the 200's, nullable, not a oneOf with `{type: object}`.
    let get = &adapted["paths"]["/things/{id}"]["get"];
    assert_eq!(get["x-sailpoint-empty-success-as-null"], json!(true));
    let schema = &get["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(schema["nullable"], json!(true), "{schema}");
    assert!(schema.get("oneOf").is_none(), "{schema}");
    assert_eq!(
        get["responses"]["204"]["content"]["application/json"]["schema"], *schema,
        "one success type"
    );
}

/// The client: `delete_thing` answers `ResponseValue<()>` (no body to
/// parse) and `get_thing` an optional body; without the adaptation the
/// delete would parse the empty 204 body as a JSON object.
#[test]
fn the_generated_methods_read_no_body_from_a_204() {
    let text = spec().to_string();
    let code = generate(&text).expect("generates").code;
    let sends: Vec<&str> = code
        .match_indices("pub async fn send(")
        .map(|(at, _)| &code[at..at + code[at..].find('{').unwrap()])
        .collect();
    assert_eq!(sends.len(), 2, "{sends:#?}");
    assert!(
        sends.iter().any(|s| s.contains("ResponseValue<()>")),
        "{sends:#?}"
    );
    assert!(
        sends
            .iter()
            .any(|s| s.contains("ResponseValue<::std::option::Option<types::GetThingResponse>>")),
        "{sends:#?}"
    );
    let without: Vec<_> = ADAPTATIONS
        .iter()
        .filter(|a| a.name != "no_content_answers_have_no_body")
        .copied()
        .collect();
    let before = generate_with(&text, &without).expect("generates").code;
    assert!(
        !before.contains("ResponseValue<()>"),
        "without the adaptation the 204 has a body type"
    );
}
