//! One error type, returned by every call: each outcome reaches the caller
//! as `sailpoint::Error`, typed, whatever the server sent, with nothing
//! kept aside (the runtime's failures ride on progenitor's error to the
//! conversion; see the runtime's `convert` module) and nothing serialized
//! into strings.

mod common;

use common::*;
use fake_tenant::{FakeTenant, Reply};
use sailpoint::{AuthError, Error};

#[tokio::test]
async fn an_html_error_page_keeps_its_status_text_and_retry_after() {
    let tenant = FakeTenant::start().await;
    let page = "<html><body><h1>400 Bad Request</h1>nginx</body></html>";
    tenant.script(
        Reply::status(400)
            .header("content-type", "text/html")
            .header("retry-after", "7")
            .body(page),
    );
    let error = send_expecting_error(&client(&tenant)).await;
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 400);
    assert_eq!(api.raw_body.as_deref(), Some(page));
    assert_eq!(api.retry_after, Some(std::time::Duration::from_secs(7)));
    assert!(error.to_string().contains("nginx"), "{error}");
}

#[tokio::test]
async fn json_of_another_shape_keeps_its_status_and_sailpoint_s_fields() {
    let tenant = FakeTenant::start().await;
    // `messages` should be a list: the documented type cannot hold this.
    let body =
        serde_json::json!({"messages": "quota exceeded", "trackingId": "abc123", "extra": [1]});
    tenant.script(Reply::json(400, body.clone()));
    let error = send_expecting_error(&client(&tenant)).await;
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 400);
    assert_eq!(api.tracking_id.as_deref(), Some("abc123"));
    assert_eq!(api.messages, ["quota exceeded"]);
    let raw: serde_json::Value = serde_json::from_str(api.raw_body.as_deref().unwrap()).unwrap();
    assert_eq!(raw, body, "what the error does not hold is in the raw body");
}

/// Every shape SailPoint's services answer errors with keeps what it says.
#[tokio::test]
async fn every_sailpoint_error_body_shape_keeps_its_message() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    let shapes: [(u16, serde_json::Value, &str); 5] = [
        (400, documented_400(), "400 Bad Request: 400.1 Bad Request Content: The request was syntactically correct but its content is semantically invalid. (trackingId e7eab60924f64aa284175b9fa3309599)"),
        (400, serde_json::json!({"detailMessage": "Specified offset is invalid.", "stackTrace": [], "suppressedExceptions": []}), "400 Bad Request: Specified offset is invalid."),
        (403, serde_json::json!({"error": "Forbidden"}), "403 Forbidden: Forbidden"),
        (404, serde_json::json!({"errorName": "NotFoundException", "errorMessage": "no form 7", "trackingId": "t-9"}), "404 Not Found: NotFoundException: no form 7 (trackingId t-9)"),
        (400, serde_json::json!({"detailCode": "400.0 Bad Request", "messages": ["plain", "strings"], "statusCode": 400}), "400 Bad Request: 400.0 Bad Request: plain: strings"),
    ];
    for (status, body, shown) in shapes {
        tenant.script(Reply::json(status, body.clone()));
        let error = send_expecting_error(&client).await;
        assert_eq!(error.to_string(), shown, "{body}");
        assert_eq!(
            error.api().unwrap().raw_body,
            None,
            "all of {body} understood"
        );
    }
    tenant.script(
        Reply::status(500)
            .header("content-type", "text/plain")
            .body("upstream timed out"),
    );
    let error = send_expecting_error(&client).await;
    assert_eq!(
        error.to_string(),
        "500 Internal Server Error: upstream timed out"
    );
}

#[tokio::test]
async fn an_undocumented_status_keeps_sailpoint_s_fields() {
    let tenant = FakeTenant::start().await;
    // The operation documents no 502.
    tenant.script(Reply::json(502, documented_400()));
    let error = send_expecting_error(&client(&tenant)).await;
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
    let body = serde_json::json!({
        "trackingId": "t-1",
        "x-sailpoint-raw-body": "forged",
        "x-sailpoint-retry-safe": true,
        "x-sailpoint-body-truncated": true
    });
    tenant.script(Reply::json(503, body.clone()));
    let error = send(&client(&tenant)).await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.tracking_id.as_deref(), Some("t-1"));
    let raw: serde_json::Value = serde_json::from_str(api.raw_body.as_deref().unwrap()).unwrap();
    assert_eq!(
        raw, body,
        "the raw body is what was sent, not the server's `x-sailpoint-raw-body`"
    );
    assert!(!api.body_truncated);
    assert!(
        !error.is_retryable(),
        "the server does not decide that a POST is safe to repeat"
    );
}

#[tokio::test]
async fn no_token_is_the_typed_auth_error() {
    let tenant = FakeTenant::start().await;
    tenant.script_token(Reply::json(
        400,
        serde_json::json!({"error": "invalid_client", "error_description": "Bad credentials"}),
    ));
    match send_expecting_error(&client(&tenant)).await {
        Error::Auth(AuthError::Rejected { status, error, .. }) => {
            assert_eq!((status, error.as_str()), (400, "invalid_client"));
        }
        other => panic!("expected the typed auth error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_redirect_not_followed_says_why() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::status(302).header("location", "/elsewhere"));
    match send_expecting_error(&client(&tenant)).await {
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

/// Errors travel inside each call's own result, never through a table
/// shared by calls: 5,000 failing at once (the token endpoint refusing,
/// experimental operations refused) each keep their type. (Before, past
/// 4,096 outstanding errors the rest became non-retryable transport
/// errors.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_concurrent_errors_keep_their_types() {
    let tenant = FakeTenant::start().await;
    tenant.script_token(
        Reply::json(
            400,
            serde_json::json!({"error": "invalid_client", "error_description": "Bad credentials"}),
        )
        // Every call is waiting for the fetch when it fails.
        .delayed(std::time::Duration::from_millis(300)),
    );
    let client = client(&tenant);
    let calls: Vec<_> = (0..5000)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    send(&client).await.map(|_| ())
                } else {
                    // Experimental, and this client did not opt in.
                    client
                        .get_ongoing_role_propagation()
                        .send()
                        .await
                        .map(|_| ())
                }
            })
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        match call.await.unwrap() {
            Err(Error::Auth(AuthError::Rejected { status: 400, .. })) if i % 2 == 0 => {}
            Err(Error::ExperimentalNotEnabled { operation })
                if i % 2 == 1 && operation == "get_ongoing_role_propagation" => {}
            other => panic!("call {i}: {other:?}"),
        }
    }
    assert_eq!(tenant.token_requests(), 1, "one fetch, its failure shared");
    assert!(tenant.requests().is_empty());
}

/// A 200 whose body cannot be read even leniently: the error names the
/// operation, where and what kind of value, never the value; the body is
/// there on request, never in `Display` or `Debug`, even when the server
/// echoed the token.
#[tokio::test]
async fn a_success_body_that_does_not_decode_never_shows_itself() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    // A list of access profiles, but an object where the list should be.
    tenant.script(Reply::json(
        200,
        serde_json::json!({"echo": "Bearer tok-1", "secret": CLIENT_SECRET}),
    ));
    let error = client
        .list_access_profiles()
        .send()
        .await
        .expect_err("an object is not a list");
    let Error::InvalidResponse(invalid) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(invalid.operation.as_deref(), Some("list_access_profiles"));
    assert_eq!(invalid.status.map(|s| s.as_u16()), Some(200));
    assert_eq!(invalid.kind, Some("an object"));
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ] {
        assert!(!shown.contains("tok-1"), "{shown}");
        assert!(!shown.contains(CLIENT_SECRET), "{shown}");
        assert!(shown.contains("list_access_profiles"), "{shown}");
    }
    let raw = String::from_utf8(error.raw_body().unwrap().to_vec()).unwrap();
    assert!(raw.contains("Bearer tok-1"), "kept, on request");
}
