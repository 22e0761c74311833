//! A typed client for SailPoint Identity Security Cloud's API as it is
//! today (the API versioned per service, `/accounts/v1`,
//! `/send-test-notification/v1`), generated from SailPoint's published API
//! docs.
//!
//! ```no_run
//! # async fn run() -> Result<(), sailpoint::Error> {
//! use sailpoint::types::{SendTestNotificationRequestDto, SendTestNotificationRequestDtoMedium};
//!
//! // SAIL_BASE_URL (the tenant's API root, https://{tenant}.api.identitynow.com),
//! // SAIL_CLIENT_ID, SAIL_CLIENT_SECRET, or ./config.json.
//! let client = sailpoint::Client::from_env()?;
//! client
//!     .send_test_notification() // POST /send-test-notification/v1
//!     .body(SendTestNotificationRequestDto {
//!         key: Some("cloud_manual_work_item_summary".into()),
//!         medium: Some(SendTestNotificationRequestDtoMedium::Email),
//!         recipient_email_list: vec!["test@example.com".into()],
//!         ..Default::default()
//!     })
//!     .send()
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! Experimental operations (SailPoint rejects them unless each request
//! carries `X-SailPoint-Experimental: true`) need the client's opt-in,
//! [`ClientBuilder::experimental`]; without it, calling one is
//! [`Error::ExperimentalNotEnabled`] before any request. Deprecated
//! operations are `#[deprecated]` methods, and an answer SailPoint marks
//! `X-Deprecated: true` is logged once per operation ([`is_deprecated`]
//! tells a response).
//!
//! Every generated method returns progenitor's error ([`GeneratedError`]);
//! `?` turns it into [`Error`], which carries the status, SailPoint's
//! `trackingId`, `detailCode` and messages, and `Retry-After`.

#![warn(missing_docs)]

// With some areas left out (features), some of the generated helpers are
// not used: that is expected, not a warning. The doc comments are SailPoint's
// descriptions as published (stray `</br>`, bare URLs): rustdoc's HTML and
// URL lints are about their text, not this crate's.
#[allow(
    clippy::all,
    missing_docs,
    dead_code,
    unused_imports,
    unused_comparisons
)]
#[allow(
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/client.rs"));
    sailpoint_runtime::impl_client_hooks!(Client);
}

// The generated items users need, by name: progenitor's `Error` is not one
// of them (the crate's `Error` is the runtime's, below), and the `QUIRKS`
// table stays inside the crate (it is handed to the runtime in
// `from_builder`).
/// The error every generated method's `send()` returns (progenitor's); `?`
/// into [`Error`] turns it into this crate's typed error.
pub use generated::Error as GeneratedError;
pub use generated::{builder, prelude, types, ByteStream, Client, ClientInfo, ResponseValue};
pub use sailpoint_runtime::{
    is_deprecated, ApiError, AuthError, ClientBuilder, ConfigError, Error, RetryBudget,
    RetryStrategy, Runtime, Secret,
};

/// The path the client's base URL carries in front of every operation's
/// path: none, since each operation's path carries its service and version
/// (`/send-test-notification/v1`) and the base URL is the tenant's API root.
pub const API_PREFIX: &str = "";

/// How this crate names itself in `User-Agent` and `X-SailPoint-SDK`.
const SDK: &str = concat!("sailpoint/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// A client configured from `SAIL_BASE_URL`, `SAIL_CLIENT_ID` and
    /// `SAIL_CLIENT_SECRET`, or else `./config.json`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_builder(ClientBuilder::from_env())
    }

    /// A client from explicit settings (see [`ClientBuilder`]).
    pub fn from_builder(builder: ClientBuilder) -> Result<Self, Error> {
        let parts = builder.build_parts(API_PREFIX, SDK, &generated::QUIRKS)?;
        Ok(Self::new_with_client(
            &parts.api_base,
            parts.http,
            parts.runtime,
        ))
    }
}

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
