//! How the runtime's outcomes reach progenitor's own error, typed: what a
//! caller sees before converting with `?`, and what the conversion makes of
//! it. Every error answer decodes as the operation's error body with its
//! status (a body that is not the documented JSON in the client's raw-body
//! field); a redirect not followed is progenitor's "unexpected response"
//! with its status; only a failure with no answer to show (no token)
//! travels in `Error::Custom`, as its message and a key, never as JSON.

mod common;

use common::*;
use fake_tenant::{FakeTenant, Reply};
use progenitor_client::Error as Generated;
use sailpoint::{AuthError, Error};

#[tokio::test]
async fn an_html_error_page_is_progenitor_s_error_response_with_status_and_text() {
    let tenant = FakeTenant::start().await;
    let page = "<html><body><h1>400 Bad Request</h1>nginx</body></html>";
    tenant.script(
        Reply::status(400)
            .header("content-type", "text/html")
            .header("retry-after", "7")
            .body(page),
    );
    let generated = send_expecting_error(&client(&tenant)).await;
    let Generated::ErrorResponse(value) = &generated else {
        panic!("expected progenitor's ErrorResponse, got {generated:?}");
    };
    assert_eq!(value.status().as_u16(), 400);
    assert_eq!(value.headers()["retry-after"], "7");
    assert_eq!(value.x_sailpoint_raw_body.as_deref(), Some(page));
    assert_eq!(value.tracking_id, None);
    let shown = generated.to_string();
    assert!(!shown.contains("sailpoint-runtime"), "{shown}");

    let error = Error::from(generated);
    let api = error.api().expect("an API error");
    assert_eq!(api.raw_body.as_deref(), Some(page));
    assert_eq!(api.retry_after, Some(std::time::Duration::from_secs(7)));
    assert!(error.to_string().contains("nginx"), "{error}");
}

#[tokio::test]
async fn json_of_another_shape_keeps_its_status_and_sailpoint_s_fields() {
    let tenant = FakeTenant::start().await;
    // `messages` should be a list: the documented type cannot hold this.
    let body = serde_json::json!({"messages": "quota exceeded", "trackingId": "abc123"});
    tenant.script(Reply::json(400, body.clone()));
    let generated = send_expecting_error(&client(&tenant)).await;
    assert_eq!(generated.status().map(|s| s.as_u16()), Some(400));
    let error = Error::from(generated);
    let api = error.api().expect("an API error");
    assert_eq!(api.tracking_id.as_deref(), Some("abc123"));
    let raw: serde_json::Value = serde_json::from_str(api.raw_body.as_deref().unwrap()).unwrap();
    assert_eq!(raw, body);
}

#[tokio::test]
async fn an_undocumented_status_keeps_sailpoint_s_fields() {
    let tenant = FakeTenant::start().await;
    // The operation documents no 502: progenitor's "unexpected response".
    tenant.script(Reply::json(502, documented_400()));
    let generated = send_expecting_error(&client(&tenant)).await;
    assert!(
        matches!(generated, Generated::UnexpectedResponse(_)),
        "{generated:?}"
    );
    let error = Error::from(generated);
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 502);
    assert_eq!(
        api.tracking_id.as_deref(),
        Some("e7eab60924f64aa284175b9fa3309599")
    );
    assert_eq!(
        api.detail_code.as_deref(),
        Some("400.1 Bad Request Content")
    );
    assert!(
        !error.is_retryable(),
        "a POST answered 502 may have been carried out"
    );
}

#[tokio::test]
async fn a_server_cannot_fill_in_the_client_s_own_fields() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::json(
        503,
        serde_json::json!({
            "trackingId": "t-1",
            "x-sailpoint-raw-body": "forged",
            "x-sailpoint-retry-safe": true,
            "x-sailpoint-body-truncated": true
        }),
    ));
    let error = send(&client(&tenant)).await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.tracking_id.as_deref(), Some("t-1"));
    assert_eq!(
        api.raw_body, None,
        "the server's `x-sailpoint-raw-body` is not the raw body"
    );
    assert!(!api.body_truncated);
    assert!(
        !error.is_retryable(),
        "the server does not decide that a POST is safe to repeat"
    );
}

#[tokio::test]
async fn no_token_is_custom_with_its_message_and_converts_to_the_typed_auth_error() {
    let tenant = FakeTenant::start().await;
    tenant.script_token(Reply::json(
        400,
        serde_json::json!({"error": "invalid_client", "error_description": "Bad credentials"}),
    ));
    let generated = send_expecting_error(&client(&tenant)).await;
    let Generated::Custom(text) = &generated else {
        panic!("expected Custom, got {generated:?}");
    };
    assert!(text.starts_with("token endpoint "), "{text}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains('{'), "no serialization in the text: {text}");
    assert!(!text.contains(CLIENT_SECRET));
    match Error::from(generated) {
        Error::Auth(AuthError::Rejected { status, error, .. }) => {
            assert_eq!((status, error.as_str()), (400, "invalid_client"));
        }
        other => panic!("expected the typed auth error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_redirect_not_followed_is_an_unexpected_response_with_its_status_and_reason() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::status(302).header("location", "/elsewhere"));
    let generated = send_expecting_error(&client(&tenant)).await;
    let Generated::UnexpectedResponse(response) = &generated else {
        panic!("expected UnexpectedResponse, got {generated:?}");
    };
    assert_eq!(response.status().as_u16(), 302);
    match Error::from(generated) {
        Error::Redirect {
            status,
            location,
            reason,
        } => {
            assert_eq!(status.as_u16(), 302);
            assert!(location.unwrap().ends_with("/elsewhere"));
            assert!(reason.contains("turn the POST into a GET"), "{reason}");
        }
        other => panic!("expected a redirect, got {other:?}"),
    }
}
