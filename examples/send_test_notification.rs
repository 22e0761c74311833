//! Sends a test notification with settings from the environment.
//!
//! ```sh
//! export SAIL_BASE_URL=https://acme.api.identitynow.com
//! export SAIL_CLIENT_ID=...            # or ./config.json with BaseURL,
//! export SAIL_CLIENT_SECRET=...        # ClientId and ClientSecret
//! cargo run --example send_test_notification -- cloud_manual_work_item_summary EMAIL
//! ```

use std::process::ExitCode;

use sailpoint::types::{SendTestNotificationRequestDto, SendTestNotificationRequestDtoMedium};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let key = args
        .next()
        .unwrap_or_else(|| "cloud_manual_work_item_summary".into());
    let medium = match args
        .next()
        .as_deref()
        .unwrap_or("EMAIL")
        .parse::<SendTestNotificationRequestDtoMedium>()
    {
        Ok(medium) => medium,
        Err(_) => {
            eprintln!("the medium must be EMAIL, SLACK or TEAMS");
            return ExitCode::from(2);
        }
    };
    let client = match sailpoint::Client::from_env() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let body = SendTestNotificationRequestDto {
        key: Some(key),
        medium: Some(medium),
        context: Default::default(),
        ..Default::default()
    };
    match client.send_test_notification().body(body).send().await {
        Ok(_) => {
            println!("test notification sent");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("failed: {e}");
            if let Some(id) = e.api().and_then(|api| api.tracking_id.as_deref()) {
                eprintln!("trackingId: {id} (quote it to SailPoint support)");
            }
            ExitCode::FAILURE
        }
    }
}
