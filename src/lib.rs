//! A typed client for SailPoint Identity Security Cloud's beta API,
//! generated from SailPoint's published API docs.
//!
//! ```no_run
//! # async fn run() -> Result<(), sailpoint_beta::Error> {
//! use sailpoint_beta::types::{SendTestNotificationRequestDto, SendTestNotificationRequestDtoMedium};
//!
//! // SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET, or ./config.json.
//! let client = sailpoint_beta::Client::from_env()?;
//! client
//!     .send_test_notification()
//!     .body(SendTestNotificationRequestDto {
//!         key: Some("cloud_manual_work_item_summary".into()),
//!         medium: Some(SendTestNotificationRequestDtoMedium::Email),
//!         context: Default::default(),
//!     })
//!     .send()
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! Every generated method returns progenitor's error ([`GeneratedError`]);
//! `?` turns it into [`Error`], which carries the status, SailPoint's
//! `trackingId`, `detailCode` and messages, and `Retry-After`.

#![warn(missing_docs)]

// With some areas left out (features), some of the generated helpers are
// not used: that is expected, not a warning. The doc comments are SailPoint's
// descriptions as published (stray `</br>`, bare URLs): rustdoc's HTML and
// URL lints are about their text, not this crate's.
#[allow(clippy::all, missing_docs, dead_code, unused_imports)]
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
    ApiError, AuthError, ClientBuilder, ConfigError, Error, RetryBudget, RetryStrategy, Runtime,
    Secret,
};

/// The API version prefix of this client's paths.
pub const API_PREFIX: &str = "/beta";

/// How this crate names itself in `User-Agent` and `X-SailPoint-SDK`.
const SDK: &str = concat!("sailpoint-beta/", env!("CARGO_PKG_VERSION"));

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
