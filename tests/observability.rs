//! What the client shows: never a secret; a `tracing` span per call.

mod common;

use common::*;
use fake_tenant::{FakeTenant, Reply};
use sailpoint::ClientBuilder;

#[tokio::test]
async fn secrets_never_appear_in_debug_errors_or_logs_and_calls_are_traced() {
    // The only test in this binary: a global subscriber sees every thread.
    let captured = Captured::install_global();

    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    send(&client).await.unwrap();
    tenant.script(Reply::json(400, documented_400()));
    let err = send(&client).await.unwrap_err();
    tenant.revoke_tokens();
    tenant.script_token(Reply::json(
        401,
        serde_json::json!({"error": "invalid_client"}),
    ));
    let auth_err = send(&client).await.unwrap_err();
    // A token endpoint that echoes the form: the WARN line and the error
    // carry it redacted.
    tenant.script_token(Reply::status(400).body(format!(
        "bad request: grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    )));
    let echoed = send(&client).await.unwrap_err();

    let shown = format!(
        "{client:?} {err} {err:?} {auth_err} {auth_err:?} {echoed} {echoed:?} {:?} {:?}",
        builder(&tenant),
        ClientBuilder::new().access_token("tok-fixed-secret")
    );
    let logs = captured.text();
    assert!(logs.contains("client_secret=[redacted]"), "{logs}");
    for secret in [CLIENT_SECRET, "tok-1", "tok-2", "tok-fixed-secret"] {
        assert!(!shown.contains(secret), "{secret} shown in: {shown}");
        assert!(!logs.contains(secret), "{secret} logged in: {logs}");
    }
    for field in [
        "sailpoint.call",
        "operation=\"send_test_notification\"",
        "method=POST",
        "path=\"/send-test-notification/v1\"",
        "attempt=1",
        "status=400",
        "tracking_id=\"e7eab60924f64aa284175b9fa3309599\"",
        "elapsed_ms=",
    ] {
        assert!(logs.contains(field), "{field} missing from logs:\n{logs}");
    }
}
