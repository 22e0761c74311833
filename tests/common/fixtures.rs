//! The fixtures every test of the client shares (the root tests, the
//! benches and the mock layer's tests include this file): the docs'
//! example request, SailPoint's documented error body, one call.

#![allow(dead_code)]

use sailpoint::types::{SendTestNotificationRequestDto, SendTestNotificationRequestDtoMedium};
use sailpoint::Client;

/// The request body of the docs' example.
pub fn example_body() -> SendTestNotificationRequestDto {
    SendTestNotificationRequestDto {
        key: Some("cloud_manual_work_item_summary".into()),
        medium: Some(SendTestNotificationRequestDtoMedium::Email),
        context: serde_json::json!({"numberOfPendingTasks": "4", "ownerId": "201327fda1c44704ac01181e963d463c"})
            .as_object()
            .unwrap()
            .clone(),
        ..Default::default()
    }
}

/// Sends the example notification: `?` gives the crate's `Error` as it is.
pub async fn send(client: &Client) -> Result<(), sailpoint::Error> {
    client
        .send_test_notification()
        .body(example_body())
        .send()
        .await?;
    Ok(())
}

/// SailPoint's documented 400 body.
pub fn documented_400() -> serde_json::Value {
    serde_json::json!({
        "detailCode": "400.1 Bad Request Content",
        "trackingId": "e7eab60924f64aa284175b9fa3309599",
        "messages": [{
            "locale": "en-US",
            "localeOrigin": "DEFAULT",
            "text": "The request was syntactically correct but its content is semantically invalid."
        }]
    })
}
