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
//! Every call's `send()` returns this crate's one [`Error`] (so `?` works in
//! any function returning it), which carries the status, SailPoint's
//! `trackingId`, `detailCode` and messages, and `Retry-After`. An answer
//! that is not quite what the docs say (an enum value they do not list, a
//! `null` where they promise a value) is read leniently: the rest of it is
//! kept, and a `tracing` warning names the operation and the field.

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
// of them (every `send()` returns the runtime's, below), and the `QUIRKS`
// table stays inside the crate (it is handed to the runtime in
// `from_builder`).
pub use generated::{builder, prelude, types, ByteStream, Client, ClientInfo, ResponseValue};
pub use sailpoint_runtime::pagination;
pub use sailpoint_runtime::{
    is_deprecated, ApiError, AuthError, ClientBuilder, ConfigError, Error, InvalidResponse,
    RateLimit, RetryBudget, RetryStrategy, Runtime, Secret,
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

/// The largest page SailPoint's search returns (`limit`'s maximum).
#[cfg(feature = "search")]
pub const SEARCH_MAXIMUM_PAGE: u64 = 10_000;

#[cfg(feature = "search")]
impl Client {
    /// Every document `search` finds, as a stream, however many there are:
    /// past Elasticsearch's window of 10,000 results that `offset` paging
    /// stops at, by `searchAfter` (each page starts after the sort values
    /// of the last document of the page before), in pages of
    /// [`SEARCH_MAXIMUM_PAGE`] (see [`Client::search_all_in_pages_of`]).
    ///
    /// The search's `sort` decides the order; `id` is added to it when it
    /// is not there (SailPoint: always include the ID, so that no two
    /// documents share their sort values and none comes twice). Each
    /// document is read as `T`: the document type of the index searched
    /// (`types::IdentityDocument` for `identities`, ...), or
    /// `serde_json::Value` for the JSON as sent; leniently, like every
    /// answer.
    ///
    /// ```no_run
    /// # async fn run(client: &sailpoint::Client) -> Result<(), sailpoint::Error> {
    /// use sailpoint::types::{IdentityDocument, Search};
    ///
    /// let search: Search = serde_json::from_value(serde_json::json!({
    ///     "indices": ["identities"],
    ///     "query": {"query": "*"},
    ///     "sort": ["name"]
    /// }))
    /// .expect("a search");
    /// let mut identities = client.search_all::<IdentityDocument>(&search);
    /// while let Some(identity) = identities.next().await {
    ///     println!("{}", identity?.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn search_all<T>(&self, search: &types::Search) -> pagination::Items<'_, T>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        self.search_all_in_pages_of(search, SEARCH_MAXIMUM_PAGE)
    }

    /// [`Client::search_all`] in pages of `page_size` documents (at most
    /// [`SEARCH_MAXIMUM_PAGE`]).
    pub fn search_all_in_pages_of<T>(
        &self,
        search: &types::Search,
        page_size: u64,
    ) -> pagination::Items<'_, T>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        let sort = pagination::sort_for_search_after(&search.sort);
        let mut body = match serde_json::to_value(search) {
            Ok(body @ serde_json::Value::Object(_)) => body,
            _ => serde_json::Value::Object(Default::default()),
        };
        body["sort"] = serde_json::json!(sort);
        let url = [self.baseurl(), "/search/v1"].concat();
        pagination::search_after(
            page_size.clamp(1, SEARCH_MAXIMUM_PAGE),
            sort,
            "search_post",
            move |after, limit| {
                let mut body = body.clone();
                match (after, body.as_object_mut()) {
                    (Some(values), _) => body["searchAfter"] = serde_json::json!(values),
                    (None, Some(map)) => {
                        map.remove("searchAfter");
                    }
                    (None, None) => {}
                }
                let request = self
                    .client()
                    .post(url.as_str())
                    .query(&[("limit", limit)])
                    .header(
                        reqwest::header::ACCEPT,
                        reqwest::header::HeaderValue::from_static("application/json"),
                    )
                    .json(&body)
                    .build();
                async move {
                    let request = request?;
                    self.inner()
                        .json_list(self.client(), request, "search_post")
                        .await
                }
            },
        )
    }
}

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
