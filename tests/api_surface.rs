//! The crate's public names are the ones its docs promise.

use sailpoint::types::SendTestNotificationRequestDto;

/// `sailpoint::Error` is the runtime's typed error (status,
/// `trackingId`, `Retry-After`), not progenitor's: this does not compile
/// otherwise.
fn the_error(e: sailpoint::Error) -> sailpoint_runtime::Error {
    e
}

/// Every `send()` returns the crate's error itself: `?` needs no
/// conversion, and the error is the runtime's (this does not compile
/// otherwise).
#[allow(dead_code)]
async fn send_returns_the_crate_error(client: &sailpoint::Client) -> Result<(), sailpoint::Error> {
    let sent: Result<sailpoint::ResponseValue<()>, sailpoint_runtime::Error> = client
        .send_test_notification()
        .body(SendTestNotificationRequestDto::default())
        .send()
        .await;
    sent?;
    Ok(())
}

#[test]
fn the_crate_error_is_the_runtime_error() {
    let error = the_error(sailpoint::Error::InvalidRequest("no body".into()));
    assert!(error.to_string().contains("no body"), "{error}");
}
