//! Each adaptation, shown against the failure it prevents: the client
//! generated without it, from this project's own spec.

use sailpoint_codegen::adaptations::{Adaptation, ADAPTATIONS};
use sailpoint_codegen::{generate, generate_with, HEADER};

fn spec() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/openapi.json"
    ))
    .expect("spec/openapi.json")
}

fn without(name: &str) -> Vec<Adaptation> {
    assert!(
        ADAPTATIONS.iter().any(|a| a.name == name),
        "no adaptation {name}"
    );
    ADAPTATIONS
        .iter()
        .filter(|a| a.name != name)
        .copied()
        .collect()
}

/// The body of `pub struct {name} {...}` or `pub enum {name} {...}` in `code`.
fn item<'a>(code: &'a str, kind: &str, name: &str) -> &'a str {
    let start = code
        .find(&format!("pub {kind} {name} {{"))
        .unwrap_or_else(|| panic!("no {kind} {name} in the generated code"));
    let end = code[start..].find("\n    }").expect("item end");
    &code[start..start + end]
}

/// The error type `send_test_notification`'s `send()` returns.
fn error_type(code: &str) -> &str {
    let at = code.find("Error<types::").expect("a typed error");
    let rest = &code[at + "Error<types::".len()..];
    &rest[..rest.find('>').unwrap()]
}

/// One operation whose 400 and 401 bodies differ, inline as the docs pages have them.
fn inline_errors_spec() -> String {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {
            "operationId": "doX",
            "responses": {
                "204": {"description": "done"},
                "400": {"description": "bad", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"trackingId": {"type": "string"}}}}}},
                "401": {"description": "unauthorized", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"error": {"type": "string"}}}}}}
            }
        }}}
    })
    .to_string()
}

#[test]
fn without_one_error_body_the_401_message_is_lost() {
    // Inline bodies: typify names both after the operation and keeps the
    // first, so the 401's `error` has nowhere to go.
    let spec = inline_errors_spec();
    let broken = generate_with(&spec, &without("one_error_body_per_operation"))
        .unwrap()
        .code;
    let body = item(&broken, "struct", error_type(&broken));
    assert!(
        body.contains("tracking_id") && !body.contains("pub error:"),
        "{body}"
    );

    let fixed = generate(&spec).unwrap().code;
    let body = item(&fixed, "struct", error_type(&fixed));
    assert!(
        body.contains("tracking_id") && body.contains("pub error:"),
        "{body}"
    );
}

#[test]
fn without_one_error_body_this_spec_does_not_generate_at_all() {
    // Named distinct error types (ErrorResponseDto beside the inline 401 and
    // 429 bodies) trip an assert in progenitor; generate reports it.
    let spec = spec();
    let err = generate_with(&spec, &without("one_error_body_per_operation")).unwrap_err();
    assert!(err.to_string().contains("progenitor panicked"), "{err}");

    let fixed = generate(&spec).unwrap().code;
    let error = error_type(&fixed);
    assert_eq!(error, "ErrorBody");
    let body = item(&fixed, "struct", error);
    for field in [
        "pub error:",
        "pub message:",
        "pub tracking_id:",
        "pub detail_code:",
        "pub messages:",
    ] {
        assert!(body.contains(field), "{field} missing from {body}");
    }
}

#[test]
fn response_enums_keep_a_value_the_docs_do_not_list() {
    let code = generate(&spec()).unwrap().code;
    // `localeOrigin` is in the 400 answers: open, flat, every value kept
    // (typify names the enum `LocaleOriginInner` inside the nullable
    // newtype).
    let open = item(&code, "enum", "LocaleOriginInner");
    assert!(open.contains("Default,"), "{open}");
    assert!(
        open.contains("#[serde(untagged)]\n        Other(::std::string::String),"),
        "{open}"
    );
    // A request-only enum (the seed's `medium`, sent, never read back)
    // stays closed.
    let closed = item(&code, "enum", "SendTestNotificationRequestDtoMedium");
    assert!(
        closed.contains("Email,") && !closed.contains("Other"),
        "{closed}"
    );
}

#[test]
fn generation_is_deterministic_and_headed() {
    let spec = spec();
    let a = generate(&spec).unwrap();
    let b = generate(&spec).unwrap();
    assert_eq!(a.code, b.code);
    assert!(a.code.starts_with(HEADER));
    assert!(a.code.contains("do not edit"));
    let mut names: Vec<&str> = a.adaptations.iter().map(|x| x.adaptation).collect();
    names.dedup();
    assert_eq!(
        names,
        [
            "titles_do_not_name_types",
            "method_names_are_stable",
            "type_names_are_unique",
            "field_names_are_unique",
            "enum_beside_subschemas",
            "null_in_enum_is_nullable",
            "enum_values_give_the_type",
            // `enum_values_without_names` no longer applies to v1: its one
            // case was an enum listing a value twice, which extraction now
            // repairs (fixup `duplicate_enum_values`).
            "experimental_header_is_a_setting",
            "non_string_enums",
            "one_request_media_type",
            "no_content_answers_have_no_body",
            "one_success_type_per_operation",
            "one_error_body_per_operation",
            "response_enums_are_open",
            "no_api_version_header",
            "urls_by_concatenation",
            "error_answers_boxed",
            "answers_keep_their_headers",
            "paginated_lists",
            "lists_ask_for_their_count",
            "send_returns_the_crates_error",
            "deprecated_methods",
            "areas_as_features",
            "doc_code_is_text"
        ]
    );
}

#[test]
fn no_api_version_header_removes_what_progenitor_adds_to_every_request() {
    let spec = spec();
    let code = generate(&spec).unwrap().code;
    assert!(!code.contains("api-version"), "the header is still built");
    // Only the operations with a header parameter left (the experimental
    // header is not one: the runtime sends it) build a header map to
    // merge into their request; every other call builds none.
    let doc: serde_json::Value = serde_json::from_str(&spec).unwrap();
    let with_headers = openapi_model::operations(&doc)
        .filter(|o| {
            o.op["parameters"].as_array().is_some_and(|ps| {
                ps.iter().any(|p| {
                    p["in"] == "header"
                        && !p["name"]
                            .as_str()
                            .unwrap_or("")
                            .eq_ignore_ascii_case("X-SailPoint-Experimental")
                })
            })
        })
        .count();
    assert!(with_headers < 10, "{with_headers}");
    assert_eq!(
        code.matches("let mut header_map").count(),
        with_headers,
        "a header map is built where no header parameter is"
    );
    assert_eq!(code.matches(".headers(header_map)").count(), with_headers);
}

/// The `QUIRKS` entry of `operation` in generated code (up to its end).
fn quirks_entry<'a>(code: &'a str, operation: &str) -> &'a str {
    let start = code
        .find(&format!("operation: \"{operation}\""))
        .unwrap_or_else(|| panic!("no quirks entry for {operation}"));
    let end = code[start..].find("},").map_or(code.len(), |e| start + e);
    &code[start..end]
}

#[test]
fn a_spec_that_is_not_openapi_is_a_clear_error() {
    let err = generate("{\"openapi\": \"3.0.3\"}").unwrap_err();
    assert!(
        err.to_string().contains("not an OpenAPI 3.0 document"),
        "{err}"
    );
    let err = generate("not json").unwrap_err();
    assert!(err.to_string().contains("not valid JSON"), "{err}");
}

/// A one-operation spec with the given request body and responses.
fn op_spec(request_body: Option<serde_json::Value>, responses: serde_json::Value) -> String {
    let mut op = serde_json::json!({"operationId": "doThing", "responses": responses});
    if let Some(body) = request_body {
        op["requestBody"] = body;
    }
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/thing": {"post": op}}
    })
    .to_string()
}

fn ok() -> serde_json::Value {
    serde_json::json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}})
}

#[test]
fn without_one_request_media_type_json_patch_and_multipart_bodies_do_not_generate() {
    for (media, sent) in [
        ("application/json-patch+json", "application/json-patch+json"),
        ("multipart/form-data", "multipart/form-data"),
    ] {
        let spec = op_spec(
            Some(
                serde_json::json!({"required": true, "content": {media: {"schema": {"type": "object"}}}}),
            ),
            ok(),
        );
        let err = generate_with(&spec, &without("one_request_media_type")).unwrap_err();
        assert!(err.to_string().contains("unexpected content type"), "{err}");
        let code = generate(&spec).unwrap().code;
        let entry = quirks_entry(&code, "do_thing");
        assert!(
            entry.contains(&format!("request_content_type: Some(\"{sent}\")")),
            "{media}: {entry}"
        );
    }
    // Two media types for one body: progenitor panics.
    let spec = op_spec(
        Some(
            serde_json::json!({"content": {"*/*": {"schema": {"type": "object"}}, "application/scim+json": {"schema": {"type": "object"}}}}),
        ),
        ok(),
    );
    let err = generate_with(&spec, &without("one_request_media_type")).unwrap_err();
    assert!(
        err.to_string().contains("more media types than expected"),
        "{err}"
    );
    let code = generate(&spec).unwrap().code;
    assert!(quirks_entry(&code, "do_thing")
        .contains("request_content_type: Some(\"application/scim+json\")"));
}

#[test]
fn without_json_like_responses_a_scim_body_is_an_untyped_stream() {
    let spec = op_spec(
        None,
        serde_json::json!({"200": {"description": "ok", "content": {"application/scim+json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}),
    );
    let broken = generate_with(&spec, &without("json_like_responses_are_json"))
        .unwrap()
        .code;
    assert!(
        broken.contains("Result<ResponseValue<ByteStream>"),
        "the body would be bytes"
    );
    let fixed = generate(&spec).unwrap().code;
    assert!(
        fixed.contains("Result<ResponseValue<types::DoThingResponse>"),
        "the body is typed"
    );
}

#[test]
fn without_one_success_type_a_200_beside_a_204_does_not_generate() {
    let mut responses = ok();
    responses["204"] = serde_json::json!({"description": "nothing"});
    let spec = op_spec(None, responses);
    let err = generate_with(&spec, &without("one_success_type_per_operation")).unwrap_err();
    assert!(err.to_string().contains("progenitor panicked"), "{err}");
    let code = generate(&spec).unwrap().code;
    assert!(
        quirks_entry(&code, "do_thing").contains("empty_success_as_null: true"),
        "the runtime reads the 204 as null"
    );
    assert!(
        code.contains("ResponseValue<::std::option::Option<types::DoThingResponse"),
        "the type is an Option"
    );
}

#[test]
fn without_one_error_body_an_error_without_a_body_beside_one_with_does_not_generate() {
    let mut responses = ok();
    responses["400"] = serde_json::json!({"description": "bad", "content": {"application/json": {"schema": {"type": "object", "properties": {"trackingId": {"type": "string"}}}}}});
    responses["404"] = serde_json::json!({"description": "missing"});
    let spec = op_spec(None, responses);
    let err = generate_with(&spec, &without("one_error_body_per_operation")).unwrap_err();
    assert!(err.to_string().contains("progenitor panicked"), "{err}");
    generate(&spec).unwrap();
}

#[test]
fn without_titles_do_not_name_types_a_title_clashes_with_a_component_name() {
    // Extraction named one schema `Owner` after its title; another, different
    // schema titled "Owner" stays inline. typify names that one `Owner` too.
    let mut spec: serde_json::Value = serde_json::from_str(&op_spec(None, serde_json::json!({
        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}}
    })))
    .unwrap();
    spec["components"] = serde_json::json!({"schemas": {
        "Owner": {"title": "Owner", "type": "object", "properties": {"id": {"type": "string"}}},
        "Widget": {"type": "object", "properties": {
            "owner": {"$ref": "#/components/schemas/Owner"},
            "previousOwner": {"title": "Owner", "type": "object", "properties": {"name": {"type": "string"}}}
        }}
    }});
    let spec = spec.to_string();
    // typify takes the title for a name it already has: `previousOwner`
    // silently becomes the other `Owner`, and its `name` is lost. (On the
    // 2022 beta site the same clash made the client fail to compile.)
    let broken = generate_with(&spec, &without("titles_do_not_name_types"))
        .unwrap()
        .code;
    assert!(
        broken.contains("pub previous_owner: ::std::option::Option<Owner>,"),
        "mistyped"
    );
    let fixed = generate(&spec).unwrap().code;
    assert!(fixed.contains("pub previous_owner: ::std::option::Option<WidgetPreviousOwner>,"));
    assert!(
        fixed.contains("pub struct WidgetPreviousOwner {"),
        "the inline one is named after its place"
    );
}

#[test]
fn the_merged_error_body_never_takes_a_name_the_spec_already_uses() {
    let mut spec: serde_json::Value = serde_json::from_str(&inline_errors_spec()).unwrap();
    spec["components"] = serde_json::json!({"schemas": {"ErrorBody": {"type": "object", "properties": {"unrelated": {"type": "integer"}}}}});
    spec["paths"]["/x"]["post"]["responses"]["200"] = serde_json::json!({"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}});
    let code = generate(&spec.to_string()).unwrap().code;
    assert!(
        code.contains("Error<types::ErrorBody2>"),
        "the merged body gets its own name"
    );
    assert!(
        code.contains("pub unrelated:"),
        "the spec's own ErrorBody is untouched"
    );
}

#[test]
fn a_malformed_spec_is_an_error_before_any_adaptation_runs() {
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": "not an object"
    });
    let err = generate(&spec.to_string()).unwrap_err();
    assert!(
        err.to_string().contains("not an OpenAPI 3.0 document"),
        "{err}"
    );
}

/// A comparison operator enum as the NERM docs have it: values with no
/// letters, so typify cannot name the variants.
fn operator_spec() -> String {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/rules": {"get": {
            "operationId": "getRules",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"op": {"$ref": "#/components/schemas/Operator"}}
            }}}}}
        }}},
        "components": {"schemas": {
            "Fine": {"type": "string", "enum": ["EMAIL", "SLACK"]},
            "Operator": {"type": "string", "enum": ["==", "!="], "description": "How to compare."}
        }}
    })
    .to_string()
}

#[test]
fn without_enum_values_without_names_typify_panics_and_the_error_names_the_schema() {
    let err = generate_with(&operator_spec(), &without("enum_values_without_names"))
        .expect_err("typify cannot name `==` and `!=`")
        .to_string();
    assert!(err.contains("Failed to make unique variant names"), "{err}");
    assert!(
        err.contains("the schema that makes it panic: schema `Operator`"),
        "{err}"
    );
    assert!(err.contains("one is missing"), "{err}");

    let code = generate(&operator_spec()).unwrap().code;
    assert!(
        code.contains("pub struct Operator(pub ::std::string::String)"),
        "{}",
        item_or_all(&code, "Operator")
    );
    assert!(
        code.contains("One of: `==`, `!=`."),
        "the values stay documented"
    );
    // Other enums are untouched.
    assert!(item(&code, "enum", "Fine").contains("Email"));
}

fn item_or_all<'a>(code: &'a str, name: &str) -> &'a str {
    code.find(name).map_or(code, |at| {
        &code[at.saturating_sub(200)..(at + 400).min(code.len())]
    })
}

#[test]
fn typify_variant_naming_is_predicted() {
    use sailpoint_codegen::adaptations::typify_names_variants;
    assert!(typify_names_variants(&["EMAIL", "SLACK", "TEAMS"]));
    assert!(typify_names_variants(&["a-b", "a_c"]));
    assert!(!typify_names_variants(&["==", "!="]));
    assert!(!typify_names_variants(&[">", "<", "after"]));
    assert!(!typify_names_variants(&["a", "A"]));
}

/// A deepObject query parameter as the NERM docs have it.
fn deep_object_spec() -> String {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/users": {"get": {
            "operationId": "getUsers",
            "parameters": [{
                "name": "query", "in": "query", "style": "deepObject", "explode": true,
                "schema": {"$ref": "#/components/schemas/Query"}
            }],
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"schemas": {"Query": {"type": "object", "properties": {
            "limit": {"type": "integer", "description": "Page size."},
            "offset": {"type": "integer"},
            "sort": {"type": "object", "properties": {"by": {"type": "string"}}}
        }}}}
    })
    .to_string()
}

#[test]
fn without_deep_object_parameters_the_whole_site_does_not_generate() {
    let err = generate_with(&deep_object_spec(), &without("deep_object_parameters"))
        .expect_err("progenitor rejects deepObject")
        .to_string();
    assert!(err.contains("DeepObject"), "{err}");

    let generated = generate(&deep_object_spec()).unwrap();
    let code = &generated.code;
    // One builder method per property, sent under deepObject's wire names.
    for wire in [
        "\"query[limit]\"",
        "\"query[offset]\"",
        "\"query[sort][by]\"",
    ] {
        assert!(code.contains(wire), "{wire} is not sent");
    }
    for method in [
        "pub fn query_limit<",
        "pub fn query_offset<",
        "pub fn query_sort_by<",
    ] {
        assert!(code.contains(method), "{method} is missing");
    }
    assert!(generated.adaptations.iter().any(|a| a
        .change
        .contains("`query` → query[limit], query[offset], query[sort][by]")));
}

/// An integer enum as the ARM docs write C# enums.
fn integer_enum_spec() -> String {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/customers": {"get": {
            "operationId": "getCustomers",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"authenticationMethod": {"type": "integer", "format": "int32", "enum": [0, 1, 2]}}
            }}}}}
        }}}
    })
    .to_string()
}

#[test]
fn without_non_string_enums_an_integer_the_server_adds_fails_the_response() {
    let broken = generate_with(&integer_enum_spec(), &without("non_string_enums"))
        .unwrap()
        .code;
    // typify's newtype refuses any value it does not list.
    assert!(
        broken.contains(
            "impl ::std::convert::TryFrom<i32> for GetCustomersResponseAuthenticationMethod"
        ),
        "{}",
        item_or_all(&broken, "TryFrom<i32>")
    );
    assert!(
        broken.contains("invalid value"),
        "the newtype's conversion refuses unlisted values"
    );
    // Its JsonSchema impl follows the schemars in the dependency tree.
    assert!(!broken.contains("::schemars::gen::"));
    assert!(broken.contains("::schemars::SchemaGenerator"));
    let generated = generate(&integer_enum_spec()).unwrap();
    assert!(!generated.code.contains("::schemars::gen::"));
    assert!(
        generated
            .code
            .contains("pub authentication_method: ::std::option::Option<i32>"),
        "{}",
        item_or_all(&generated.code, "authentication_method")
    );
    assert!(generated.code.contains("One of: `0`, `1`, `2`."));
}

/// An inline response whose derived type name is a component's name.
fn colliding_names_spec() -> String {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/rules": {"get": {"operationId": "getRules", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"ruleName": {"type": "string"}}}}}}}}},
            "/things": {"get": {"operationId": "getThings", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GetRulesResponse"}}}}}}}
        },
        "components": {"schemas": {
            "GetRulesResponse": {"type": "object", "properties": {"thingCount": {"type": "integer"}}}
        }}
    })
    .to_string()
}

#[test]
fn without_inline_names_do_not_collide_an_operation_decodes_another_shape() {
    let broken = generate_with(
        &colliding_names_spec(),
        &without("inline_names_do_not_collide"),
    )
    .unwrap()
    .code;
    // getRules's own shape is gone: its `ruleName` is in no type at all.
    assert!(
        !broken.contains("rule_name"),
        "typify merged the two shapes"
    );

    let generated = generate(&colliding_names_spec()).unwrap();
    let code = &generated.code;
    assert!(item(code, "struct", "GetRulesResponse200").contains("rule_name"));
    assert!(item(code, "struct", "GetRulesResponse").contains("thing_count"));
    assert!(code.contains("ResponseValue<types::GetRulesResponse200>"));
}

/// The ARM docs' shape of an operation: the success body a component named
/// as progenitor names responses (`{OperationId}Response`), and the same
/// inline error body under several statuses and media types.
#[test]
fn moving_colliding_inline_bodies_keeps_one_type_per_shape() {
    let error = serde_json::json!({"type": "object"});
    let media = |schema: &serde_json::Value| serde_json::json!({"application/json": {"schema": schema}, "text/json": {"schema": schema}});
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/files/{key}": {"get": {
            "operationId": "downloadFile",
            "parameters": [{"name": "key", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "ok", "content": media(&serde_json::json!({"$ref": "#/components/schemas/DownloadFileResponse"}))},
                "401": {"description": "no", "content": media(&error)},
                "500": {"description": "bad", "content": media(&error)}
            }
        }}},
        "components": {"schemas": {"DownloadFileResponse": {"type": "object", "properties": {"length": {"type": "integer"}}}}}
    })
    .to_string();
    let generated = generate(&spec).expect("progenitor asserts one error type per operation");
    let code = &generated.code;
    // Both error statuses, in both media types, decode as one error body
    // (one_error_body_per_operation runs before the inline bodies could
    // collide), and the success body keeps its own shape.
    // progenitor's own `send()` (kept as `send_generated`, behind the one
    // that returns the crate's error) says which types it decodes.
    let send: String = code
        .split("async fn send_generated(")
        .nth(1)
        .and_then(|rest| rest.split('{').next())
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert!(
        send.contains("ResponseValue<types::DownloadFileResponse>,Error<types::ErrorBody>"),
        "{send}"
    );
    assert!(item(code, "struct", "DownloadFileResponse").contains("pub length:"));
    let body = item(code, "struct", "ErrorBody");
    assert!(body.contains("x_sailpoint_raw_body"), "{body}");
}
