//! The runtime of the generated SailPoint clients.
//!
//! The generated client carries a [`Runtime`] (progenitor's `inner_type`)
//! and its `ClientHooks` implementation calls [`Runtime::pre`],
//! [`Runtime::exec`] and [`Runtime::post`]. That is where these come in,
//! without editing generated code:
//!
//! - **auth**: OAuth2 client credentials, the token cached and refreshed
//!   before it expires, one refresh for all concurrent calls; a 401 refreshes
//!   once and retries once (see [`ClientBuilder::client_credentials`]);
//! - **retries**: an explicit [`RetryStrategy`] honouring `Retry-After`;
//! - **rate limits**: SailPoint's 100 requests per 10 s per client and API
//!   version kept on the client's side, calls waiting their turn
//!   ([`ratelimit`]);
//! - **errors**: one [`Error`] type, returned by every generated call, with
//!   SailPoint's `trackingId`, `detailCode` and messages from every error
//!   body shape SailPoint answers with;
//! - **lenient decoding**: an answer that is not quite what the docs say
//!   (an unknown enum value, an unexpected `null`) is repaired where that
//!   keeps the rest, with a warning naming the operation and the field
//!   ([`decode`]);
//! - **configuration**: SailPoint's `SAIL_BASE_URL`, `SAIL_CLIENT_ID`,
//!   `SAIL_CLIENT_SECRET` and `config.json` ([`ClientBuilder`]);
//! - **pagination**: every list operation as a stream of its items over
//!   `offset`/`limit` ([`pagination`]);
//! - **experimental and deprecated operations**: `X-SailPoint-Experimental:
//!   true` on experimental operations' calls once the client opts in
//!   ([`ClientBuilder::experimental`]), [`Error::ExperimentalNotEnabled`]
//!   before anything is sent otherwise; a warning the first time an
//!   operation is answered `X-Deprecated: true` ([`is_deprecated`]);
//! - **observability**: a `tracing` span per call.

#![warn(missing_docs)]

// Called by the generated code only (it makes answers its values).
#[doc(hidden)]
pub mod answer;
pub mod config;
mod convert;
pub mod decode;
pub mod error;
pub mod hooks;
mod members;
pub mod pagination;
pub mod ratelimit;
mod response;
pub mod retry;
pub mod secret;
mod token;

pub use config::{ClientBuilder, Parts};
pub use error::{ApiError, AuthError, ConfigError, Error, InvalidResponse};
pub use hooks::{is_deprecated, OperationQuirks, Quirks, Runtime};
pub use ratelimit::RateLimit;
pub use retry::{RetryBudget, RetryStrategy};
pub use secret::Secret;

#[doc(hidden)]
pub mod __private {
    pub use progenitor_client;
    pub use reqwest;
}

/// Implements progenitor's `ClientHooks<Runtime>` for a generated `Client`
/// (generated with `inner_type = Runtime` and hooks `Expected`), so that
/// every call goes through [`Runtime::pre`], [`Runtime::exec`] and
/// [`Runtime::post`]. It reaches the client's runtime and HTTP client
/// through progenitor's public `ClientInfo` accessors; the generated
/// `QUIRKS` table is handed to the runtime when the client is built
/// ([`ClientBuilder::build_parts`]). One implementation for every generated
/// client.
#[macro_export]
macro_rules! impl_client_hooks {
    ($client:ty) => {
        impl $crate::__private::progenitor_client::ClientHooks<$crate::Runtime> for $client {
            // `pre` and `exec` hand back the runtime's futures as they are
            // (not wrapped in an `async fn`'s), so that every call's future
            // holds sixteen bytes for each, not a copy of the request.
            fn pre<E>(
                &self,
                request: &mut $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<(), $crate::__private::progenitor_client::Error<E>>,
            > {
                use $crate::__private::progenitor_client::ClientInfo as _;
                self.inner().pre(request, info.operation_id)
            }

            async fn post<E>(
                &self,
                result: &$crate::__private::reqwest::Result<$crate::__private::reqwest::Response>,
                _info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), $crate::__private::progenitor_client::Error<E>> {
                use $crate::__private::progenitor_client::ClientInfo as _;
                self.inner().post(result)
            }

            fn exec(
                &self,
                request: $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> impl ::std::future::Future<
                Output = $crate::__private::reqwest::Result<$crate::__private::reqwest::Response>,
            > {
                use $crate::__private::progenitor_client::ClientInfo as _;
                self.inner().exec(self.client(), request, info.operation_id)
            }
        }
    };
}
