//! The runtime of the generated SailPoint clients.
//!
//! The generated client carries a [`Runtime`] (progenitor's `inner_type`)
//! and its `ClientHooks` implementation calls [`Runtime::pre`],
//! [`Runtime::exec`] and [`Runtime::post`]. That is where these come in,
//! without editing generated code:
//!
//! - **auth**: OAuth2 client credentials, the token cached and refreshed
//!   before it expires, one refresh for all concurrent calls; a 401 refreshes
//!   once and retries once ([`token`]);
//! - **retries**: an explicit [`RetryStrategy`] honouring `Retry-After`;
//! - **errors**: one [`Error`] type with SailPoint's `trackingId`,
//!   `detailCode` and messages, convertible from every generated error;
//! - **configuration**: SailPoint's `SAIL_BASE_URL`, `SAIL_CLIENT_ID`,
//!   `SAIL_CLIENT_SECRET` and `config.json` ([`ClientBuilder`]);
//! - **observability**: a `tracing` span per call.

#![warn(missing_docs)]

pub mod config;
pub mod error;
pub mod retry;
pub mod runtime;
pub mod secret;
mod token;

pub use config::{ClientBuilder, Parts};
pub use error::{ApiError, AuthError, ConfigError, Error};
pub use retry::RetryStrategy;
pub use runtime::Runtime;
pub use secret::Secret;
