//! The mock layer as a user would use it: mock an operation with typed
//! bodies, point the client at it, and see the runtime's behaviour through
//! it (tokens, retries, errors).

use std::time::{Duration, Instant};

use sailpoint::types::ErrorBody;
use sailpoint::{Client, RetryStrategy};
use sailpoint_httpmock::{MockServerExt as _, MockTenant, ACCESS_TOKEN};

// The fixtures the client's own tests use.
#[path = "../../../tests/common/fixtures.rs"]
mod fixtures;
use fixtures::{example_body as body, send};

/// SailPoint's documented 400 body, typed as the operation's error body
/// (the fields the client adds, raw body, truncation, retry safety, are
/// its own: a mocked server leaves them unset).
fn documented_400() -> ErrorBody {
    serde_json::from_value(fixtures::documented_400()).expect("the documented body is an ErrorBody")
}

#[tokio::test]
async fn success_with_the_body_that_was_sent() {
    let tenant = MockTenant::start().await;
    let mock = tenant.server().send_test_notification(|when, then| {
        when.body(&body());
        then.no_content();
    });
    send(&tenant.client().unwrap()).await.unwrap();
    mock.assert();
    assert_eq!(tenant.token_requests(), 1);
}

#[tokio::test]
async fn a_documented_400_reaches_the_caller_with_its_tracking_id() {
    let tenant = MockTenant::start().await;
    tenant.server().send_test_notification(|when, then| {
        when.into_inner()
            .header("authorization", format!("Bearer {ACCESS_TOKEN}"));
        then.bad_request(&documented_400());
    });
    let err = send(&tenant.client().unwrap()).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 400);
    assert_eq!(
        api.tracking_id.as_deref(),
        Some("e7eab60924f64aa284175b9fa3309599")
    );
    assert_eq!(
        api.detail_code.as_deref(),
        Some("400.1 Bad Request Content")
    );
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after_then_succeeds() {
    let tenant = MockTenant::start().await;
    let server = tenant.server();
    let limited = server.send_test_notification(|_, then| {
        then.into_inner()
            .status(429)
            .header("retry-after", "1")
            .body("");
    });
    // When the 429 has been seen, the tenant recovers: the mock is
    // replaced while the client waits the second Retry-After asks for.
    let started = Instant::now();
    let client = tenant.client().unwrap();
    let call = tokio::spawn(async move { send(&client).await });
    while limited.calls_async().await == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    limited.delete_async().await;
    let ok = server.send_test_notification(|_, then| {
        then.no_content();
    });
    call.await.unwrap().unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    ok.assert();
}

#[tokio::test]
async fn a_401_refreshes_the_token_once() {
    let tenant = MockTenant::start().await;
    let rejected = tenant.server().send_test_notification(|_, then| {
        then.into_inner()
            .status(401)
            .header("content-type", "application/json")
            .json_body(serde_json::json!({"error": "JWT validation failed: JWT is expired"}));
    });
    let err = send(&tenant.client().unwrap()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(rejected.calls(), 2, "the call is sent again once");
    assert_eq!(tenant.token_requests(), 2, "with a new token");
}

#[tokio::test]
async fn an_unexpected_body_is_an_error_that_shows_it() {
    let tenant = MockTenant::start().await;
    tenant.server().send_test_notification(|_, then| {
        then.into_inner()
            .status(500)
            .header("content-type", "text/html")
            .body("<html>upstream timed out</html>");
    });
    let client =
        Client::from_builder(tenant.builder().retry_strategy(RetryStrategy::none())).unwrap();
    let err = send(&client).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(err.to_string().contains("upstream timed out"), "{err}");
}
