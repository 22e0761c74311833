//! The generated client on the wire, against a fake tenant on 127.0.0.1:
//! what the docs promise for POST /send-test-notification/v1.

mod common;

use common::*;
use fake_tenant::{FakeTenant, Reply};
use sailpoint::RetryStrategy;

#[tokio::test]
async fn a_204_with_an_empty_body_is_success() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    tenant.script(Reply::status(204));
    let response = client
        .send_test_notification()
        .body(example_body())
        .send()
        .await
        .expect("204 is success");
    assert_eq!(response.status().as_u16(), 204);
}

#[tokio::test]
async fn the_request_on_the_wire_matches_the_docs_example() {
    let tenant = FakeTenant::start().await;
    send(&client(&tenant)).await.unwrap();
    let requests = tenant.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/send-test-notification/v1");
    assert_eq!(request.headers["content-type"], "application/json");
    // The example from the page's requestBody.
    let page = std::fs::read_to_string("spec/openapi.json").unwrap();
    let spec: serde_json::Value = serde_json::from_str(&page).unwrap();
    let example = &spec["paths"]["/send-test-notification/v1"]["post"]["requestBody"]["content"]
        ["application/json"]["example"];
    assert_eq!(&request.json(), example);
}

#[tokio::test]
async fn a_400_exposes_tracking_id_detail_code_and_message() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    tenant.script(Reply::json(400, documented_400()));
    let err = send_expecting_error(&client).await;
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
    assert_eq!(
        api.messages,
        ["The request was syntactically correct but its content is semantically invalid."]
    );
    assert_eq!(
        err.to_string(),
        "400 Bad Request: 400.1 Bad Request Content: The request was syntactically correct but its \
         content is semantically invalid. (trackingId e7eab60924f64aa284175b9fa3309599)"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_401_error_text_is_reachable() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    let body = serde_json::json!({"error": "JWT validation failed: JWT is expired"});
    // The client re-authenticates once on a 401; both attempts are refused.
    tenant.script(Reply::json(401, body.clone()));
    tenant.script(Reply::json(401, body));
    let err = send_expecting_error(&client).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        err.api().unwrap().error.as_deref(),
        Some("JWT validation failed: JWT is expired")
    );
}

#[tokio::test]
async fn a_429_message_status_and_retry_after_are_reachable() {
    let tenant = FakeTenant::start().await;
    let client =
        sailpoint::Client::from_builder(builder(&tenant).retry_strategy(RetryStrategy::none()))
            .unwrap();
    tenant.script(
        Reply::json(429, serde_json::json!({"message": " Rate Limit Exceeded "}))
            .header("Retry-After", "7"),
    );
    let err = send(&client).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 429);
    assert_eq!(api.error.as_deref(), Some("Rate Limit Exceeded"));
    assert_eq!(api.retry_after, Some(std::time::Duration::from_secs(7)));
    assert!(api.retryable);
    assert_eq!(
        err.to_string(),
        "429 Too Many Requests: Rate Limit Exceeded (retry after 7s)"
    );
}

#[tokio::test]
async fn an_unknown_locale_origin_still_gives_a_readable_error() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    let mut body = documented_400();
    body["messages"][0]["localeOrigin"] = "SESSION".into();
    body["causes"] =
        serde_json::json!([{"locale": "en-US", "localeOrigin": "DEFAULT", "text": "cause"}]);
    tenant.script(Reply::json(400, body));
    let err = send_expecting_error(&client).await;
    let api = err.api().expect("an API error");
    assert_eq!(
        api.messages,
        ["The request was syntactically correct but its content is semantically invalid."]
    );
    assert_eq!(api.causes, ["cause"]);
    assert_eq!(
        api.tracking_id.as_deref(),
        Some("e7eab60924f64aa284175b9fa3309599")
    );
}
