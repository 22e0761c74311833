//! A typed [httpmock](https://docs.rs/httpmock/0.8) layer for the
//! `sailpoint` client: test the code that calls SailPoint without a
//! tenant and without writing a fake HTTP server.
//!
//! For every operation, [`MockServerExt`] has a method with a typed `When`
//! (path, query, headers, body) and a typed `Then` (one method per
//! documented response, with its body type, errors included). It is
//! generated from the same spec, by the same codegen, as the client
//! (`cargo xtask regen` keeps it fresh; `--check` and `cargo test` catch
//! drift). [`MockTenant`] adds the OAuth2 token endpoint and builds a
//! client pointed at the mock, so the client's runtime (tokens, retries,
//! errors) runs as it does against a real tenant.
//!
//! A user's function, and its test:
//!
//! ```
//! use sailpoint::types::{SendTestNotificationRequestDto, SendTestNotificationRequestDtoMedium};
//! use sailpoint_httpmock::{MockServerExt as _, MockTenant};
//!
//! /// The code under test: asks SailPoint to send a test e-mail.
//! async fn notify(client: &sailpoint::Client, key: &str) -> Result<(), sailpoint::Error> {
//!     let body = SendTestNotificationRequestDto {
//!         key: Some(key.into()),
//!         medium: Some(SendTestNotificationRequestDtoMedium::Email),
//!         context: Default::default(),
//!     ..Default::default()
//!     };
//!     client.send_test_notification().body(body).send().await?;
//!     Ok(())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let tenant = MockTenant::start().await;
//! let expected = SendTestNotificationRequestDto {
//!     key: Some("cloud_manual_work_item_summary".into()),
//!     medium: Some(SendTestNotificationRequestDtoMedium::Email),
//!     context: Default::default(),
//!     ..Default::default()
//! };
//! let sent = tenant.server().send_test_notification(|when, then| {
//!     when.body(&expected);
//!     then.no_content();
//! });
//! notify(&tenant.client().unwrap(), "cloud_manual_work_item_summary").await.unwrap();
//! sent.assert(); // exactly that body was sent, once
//! # }
//! ```

#![warn(missing_docs)]

use std::time::Duration;

pub use httpmock;
use httpmock::MockServer;
use sailpoint::{Client, ClientBuilder, RetryStrategy};

#[allow(missing_docs, clippy::all, unused, unused_comparisons)]
mod generated {
    include!("generated.rs");
}

pub use generated::*;

/// The client id a [`MockTenant`]'s client authenticates with.
pub const CLIENT_ID: &str = "mock-client-id";
/// The client secret a [`MockTenant`]'s client authenticates with.
pub const CLIENT_SECRET: &str = "mock-client-secret";
/// The access token the mocked token endpoint issues.
pub const ACCESS_TOKEN: &str = "mock-access-token";

/// An httpmock server standing in for a SailPoint tenant: its token
/// endpoint (`POST /oauth/token`, client credentials) answers with
/// [`ACCESS_TOKEN`]; mock the API with [`MockServerExt`] on
/// [`MockTenant::server`].
pub struct MockTenant {
    server: MockServer,
    /// The id of the token endpoint's mock on `server`.
    token: usize,
}

impl MockTenant {
    /// Starts a mock server on 127.0.0.1 with the token endpoint mocked.
    pub async fn start() -> Self {
        let server = MockServer::start_async().await;
        let token = server
            .mock_async(|when, then| {
                when.method(httpmock::Method::POST)
                    .path("/oauth/token")
                    .form_urlencoded_tuple("grant_type", "client_credentials")
                    .form_urlencoded_tuple("client_id", CLIENT_ID)
                    .form_urlencoded_tuple("client_secret", CLIENT_SECRET);
                then.status(200)
                    .header("content-type", "application/json")
                    .json_body(serde_json::json!({
                        "access_token": ACCESS_TOKEN,
                        "token_type": "bearer",
                        "expires_in": 3600,
                    }));
            })
            .await
            .id;
        Self { server, token }
    }

    /// The mock server, to mock operations on.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// How many token requests the client made.
    pub fn token_requests(&self) -> usize {
        httpmock::Mock::new(self.token, &self.server).calls()
    }

    /// The base URL (`http://127.0.0.1:PORT`), what `SAIL_BASE_URL` would be.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// A builder for a client of this tenant, with its credentials,
    /// retries that wait milliseconds, not seconds (a `Retry-After` is
    /// still honoured), and no client-side rate limit (a mock has no
    /// gateway to spare; a test of many calls would wait for it). Change
    /// anything before building.
    pub fn builder(&self) -> ClientBuilder {
        ClientBuilder::new()
            .base_url(self.base_url())
            .client_credentials(CLIENT_ID, CLIENT_SECRET)
            .timeout(Duration::from_secs(10))
            .rate_limit(None)
            .retry_strategy(
                RetryStrategy::default()
                    .backoff(Duration::from_millis(5), Duration::from_millis(50))
                    .jitter(false),
            )
    }

    /// A client of this tenant (see [`MockTenant::builder`]).
    pub fn client(&self) -> Result<Client, sailpoint::Error> {
        Client::from_builder(self.builder())
    }
}
