//! The one error type callers see.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

/// Everything a call through a SailPoint client can fail with.
///
/// Every generated method's `send()` returns it (as `sailpoint::Error`), so
/// `?` works in any function returning it, and a `match` sees what went
/// wrong, typed:
///
/// ```
/// use sailpoint_runtime::{ApiError, Error};
/// use reqwest::StatusCode;
///
/// // What a 429 with SailPoint's body and `Retry-After: 5` becomes.
/// let body = br#"{"message": "Rate limit exceeded", "trackingId": "1f4a"}"#;
/// let error = Error::from(ApiError::from_parts(
///     StatusCode::TOO_MANY_REQUESTS,
///     Some(std::time::Duration::from_secs(5)),
///     body,
/// ));
/// match &error {
///     Error::Api(api) if api.status().as_u16() == 429 => {
///         assert_eq!(api.tracking_id.as_deref(), Some("1f4a"));
///         assert_eq!(api.retry_after.map(|d| d.as_secs()), Some(5));
///     }
///     Error::Auth(e) => eprintln!("no token: {e}"),
///     other => eprintln!("{other}"),
/// }
/// assert!(error.is_retryable());
/// assert_eq!(
///     error.to_string(),
///     "429 Too Many Requests: Rate limit exceeded (trackingId 1f4a) (retry after 5s)"
/// );
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No access token could be had.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The settings are missing or wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The request could not be sent or the answer not received
    /// (connection refused, reset, timeout).
    #[error("request failed: {message}")]
    Transport {
        /// What happened, without URLs' credentials or headers.
        message: String,
        /// Whether it timed out.
        timeout: bool,
        /// Whether sending the same request again is safe: it never left,
        /// or its method is idempotent. A POST that timed out may have been
        /// carried out.
        retry_safe: bool,
        /// The underlying error, when the runtime passed it on.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The server answered with a redirect the client does not follow: to
    /// another origin (scheme, host and port), or one that would change the
    /// method (301, 302, 303 to a POST). Following it could send the
    /// request, or its credentials, where they were not meant to go, or
    /// turn a POST into a GET whose success means nothing.
    #[error("{status} redirect not followed{}: {reason}", .location.as_deref().map(|l| format!(" (to {l})")).unwrap_or_default())]
    Redirect {
        /// The redirect's status.
        status: StatusCode,
        /// Where it pointed (without credentials or query).
        location: Option<String>,
        /// Why it was not followed.
        reason: String,
    },
    /// The body of an answer is larger than the client reads
    /// ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)).
    #[error("the {status} answer's body is larger than {limit} bytes, the most this client reads")]
    ResponseTooLarge {
        /// The status of the answer.
        status: StatusCode,
        /// The cap, in bytes.
        limit: u64,
    },
    /// The operation is experimental and the client was not built to call
    /// experimental operations: nothing was sent, not even a token request.
    /// SailPoint would refuse the call without `X-SailPoint-Experimental:
    /// true`; [`ClientBuilder::experimental(true)`](crate::ClientBuilder::experimental)
    /// sends it with experimental operations' calls. Not retryable: the
    /// same call fails the same way.
    #[error("`{operation}` is an experimental SailPoint operation: enable it with ClientBuilder::experimental(true) (sends X-SailPoint-Experimental: true)")]
    ExperimentalNotEnabled {
        /// The operation: the generated method's name.
        operation: String,
    },
    /// The request was invalid before it was sent (a body field failed to convert).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The server answered with a success, but its body cannot be read as
    /// the API documents, even leniently (see [`InvalidResponse`]): the
    /// error names the operation, where in the body and what kind of value
    /// was there, never the value. The body is kept, on request only
    /// ([`Error::raw_body`]).
    #[error(transparent)]
    InvalidResponse(Box<InvalidResponse>),
    /// A list did not page as the API says lists page: the same page came
    /// twice (a server ignoring `offset`), or fewer items came than
    /// `X-Total-Count` said there are. The items before it were yielded.
    #[error("paging stopped at offset {offset}: {problem}")]
    Paging {
        /// The offset of the page that showed the problem.
        offset: u64,
        /// What was wrong.
        problem: String,
    },
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::InvalidResponse(e) => e.status,
            Error::Redirect { status, .. } | Error::ResponseTooLarge { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The body of a success answer that could not be decoded, as
    /// received: for a closer look, never shown by `Display` or `Debug`
    /// (a server may echo what it was sent, a token included).
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::InvalidResponse(e) => Some(e.raw_body()),
            _ => None,
        }
    }

    /// The API error, when the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether making the same call again is both useful and safe: the
    /// failure is transient (429, 502, 503, 504, a lost connection, an
    /// unreachable token endpoint) and repeating it cannot do its work
    /// twice (the request never reached the server, the server refused it
    /// unprocessed with a 429, or the method is idempotent). A POST that
    /// timed out or got a 503 is not retryable: it may have been carried out.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.retryable,
            Error::Transport { retry_safe, .. } => *retry_safe,
            Error::Auth(e) => e.is_retryable(),
            _ => false,
        }
    }
}

/// An error answer from the API, with what SailPoint puts in it.
///
/// `Display` reads like
/// `400 Bad Request: 400.1 Bad Request Content: The request was syntactically
/// correct but its content is semantically invalid. (trackingId e7eab609...)`.
///
/// ```
/// use sailpoint_runtime::ApiError;
///
/// let body = br#"{
///     "detailCode": "400.1 Bad Request Content",
///     "trackingId": "e7eab60924f64aa284175b9fa3309599",
///     "messages": [{"locale": "en-US", "text": "The request was syntactically correct but its content is semantically invalid."}]
/// }"#;
/// let api = ApiError::from_parts(reqwest::StatusCode::BAD_REQUEST, None, body);
/// assert_eq!(api.tracking_id.as_deref(), Some("e7eab60924f64aa284175b9fa3309599"));
/// assert_eq!(api.detail_code.as_deref(), Some("400.1 Bad Request Content"));
/// assert!(!api.retryable);
/// // A body that is not SailPoint's JSON is kept as text.
/// let html = ApiError::from_parts(reqwest::StatusCode::BAD_GATEWAY, None, b"<html>502</html>");
/// assert_eq!(html.raw_body.as_deref(), Some("<html>502</html>"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// SailPoint's `trackingId`: quote it to SailPoint support.
    pub tracking_id: Option<String>,
    /// SailPoint's `detailCode`, e.g. `400.1 Bad Request Content` (or the
    /// `errorName` of the services that answer in that shape).
    pub detail_code: Option<String>,
    /// The texts of `messages`, or the `detailMessage` of older services
    /// (and of the 400 that ends a list at an offset past its end), or an
    /// `errorMessage`.
    pub messages: Vec<String>,
    /// The texts of `causes`.
    pub causes: Vec<String>,
    /// `error` (401 bodies, with its `error_description`) or `message`
    /// (429 bodies), when present.
    pub error: Option<String>,
    /// How long the server asked to wait (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The body as received, when it was not the documented JSON (at most
    /// the error-body cap, with known secrets redacted).
    pub raw_body: Option<String>,
    /// Whether the body went on past the error-body cap and was cut there
    /// ([`ClientBuilder::max_error_body_size`](crate::ClientBuilder::max_error_body_size)).
    pub body_truncated: bool,
    /// Whether the same call might succeed later and is safe to repeat
    /// (see [`Error::is_retryable`]).
    pub retryable: bool,
}

impl ApiError {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The most of a body that `Display` shows; the whole (capped) body stays
/// in the error's fields.
pub const MAX_DISPLAYED_BODY: usize = 512;

/// The largest index at most `max` (and at most `text`'s length) where
/// `text` can be cut without splitting a character.
pub(crate) fn char_boundary_at_most(text: &str, max: usize) -> usize {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// `text` cut to about `max` bytes at a character boundary, with an ellipsis.
pub(crate) fn shortened(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return text.into();
    }
    let end = char_boundary_at_most(text, max);
    format!("{}… ({} bytes in all)", &text[..end], text.len()).into()
}

/// A URL as it may be printed: scheme, host, port and path, without
/// credentials, query or fragment (which may carry tokens); text that is not
/// a URL is shortened, and loses what would be credentials too.
///
/// ```
/// use sailpoint_runtime::error::printable_url;
///
/// assert_eq!(printable_url("https://u:p@h.example/x?token=t"), "https://h.example/x");
/// assert_eq!(printable_url("http://u:p@[not a host"), "http://[not a host");
/// ```
pub fn printable_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => {
            // Not a URL, but it may still hold credentials: whatever comes
            // before an `@` in what would be its authority is left out.
            let text = url.split(['?', '#']).next().unwrap_or_default();
            let (scheme, rest) = match text.split_once("://") {
                Some((scheme, rest)) => (format!("{scheme}://"), rest),
                None => (String::new(), text),
            };
            let (authority, path) = match rest.find('/') {
                Some(at) => rest.split_at(at),
                None => (rest, ""),
            };
            let authority = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            format!("{scheme}{authority}{path}")
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect()
        }
    }
}

/// Statuses after which the same request may succeed.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status())?;
        let mut parts: Vec<&str> = Vec::new();
        if let Some(code) = &self.detail_code {
            parts.push(code);
        }
        parts.extend(self.messages.iter().map(String::as_str));
        if let Some(error) = &self.error {
            parts.push(error);
        }
        let raw;
        if parts.is_empty() {
            if let Some(body) = &self.raw_body {
                raw = shortened(body.trim(), MAX_DISPLAYED_BODY);
                parts.push(&raw);
            }
        }
        for part in parts {
            write!(f, ": {part}")?;
        }
        if self.body_truncated {
            f.write_str(" (body cut at the error-body cap)")?;
        }
        if let Some(id) = &self.tracking_id {
            write!(f, " (trackingId {id})")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The token endpoint did not give a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint refused the credentials (4xx).
    #[error("token endpoint {token_url} refused the credentials ({status}): {error}{}", .description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Rejected {
        /// The token URL.
        token_url: String,
        /// The HTTP status.
        status: u16,
        /// The OAuth2 `error` code (or the body, when not JSON).
        error: String,
        /// The OAuth2 `error_description`.
        description: Option<String>,
    },
    /// The token endpoint failed (5xx).
    #[error("token endpoint {token_url} failed ({status}){}", .body.as_deref().map(|b| format!(": {b}")).unwrap_or_default())]
    ServerError {
        /// The token URL.
        token_url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: Option<String>,
    },
    /// The token endpoint answered 2xx without a usable token.
    #[error("token endpoint {token_url} answered without an access token: {message}")]
    InvalidResponse {
        /// The token URL.
        token_url: String,
        /// What was wrong.
        message: String,
    },
    /// The token endpoint answered with a redirect. It is never followed:
    /// the request carries the client secret.
    #[error("token endpoint {token_url} answered {status}, a redirect{}; redirects are not followed for token requests, which carry the client secret: set the token URL to where it should be", .location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default())]
    Redirected {
        /// The token URL.
        token_url: String,
        /// The HTTP status.
        status: u16,
        /// Where it pointed (without credentials or query).
        location: Option<String>,
    },
    /// The token endpoint could not be reached, or did not answer in time.
    #[error("token endpoint {token_url} could not be reached: {message}")]
    Unreachable {
        /// The token URL.
        token_url: String,
        /// What happened.
        message: String,
        /// Whether it timed out.
        timeout: bool,
    },
}

impl AuthError {
    /// Whether trying again later might work.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            AuthError::ServerError { .. } | AuthError::Unreachable { .. }
        )
    }
}

/// A setting is missing or malformed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{setting}: {problem} (looked in {looked_in})")]
#[non_exhaustive]
pub struct ConfigError {
    /// Which setting.
    pub setting: String,
    /// What is wrong with it.
    pub problem: String,
    /// Where it was looked for.
    pub looked_in: String,
}

/// A success answer whose body cannot be decoded as its operation's type,
/// even leniently: what was wrong and where, never the value (which could
/// be a secret the server echoed). The body itself is kept, on request
/// only ([`InvalidResponse::raw_body`]).
///
/// ```
/// # use sailpoint_runtime::Error;
/// # fn show(error: &Error) {
/// if let Error::InvalidResponse(invalid) = error {
///     // e.g. "the 200 answer of `list_accounts` does not decode at `[3].owner`
///     // (a string): expected struct Owner"
///     eprintln!("{invalid}");
///     let _bytes: &[u8] = invalid.raw_body();
/// }
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidResponse {
    /// The operation (the generated method's name), when known.
    pub operation: Option<String>,
    /// The answer's status, when known.
    pub status: Option<StatusCode>,
    /// Where in the body decoding failed, e.g. `[3].owner.id` (`None`: the
    /// body as a whole, e.g. it is not JSON).
    pub path: Option<String>,
    /// What kind of JSON value was there (`a string`, `null`, ...), when
    /// the body is JSON.
    pub kind: Option<&'static str>,
    /// Why it does not decode, in the type's words (`expected u32`,
    /// `missing field \`id\``), never the value.
    pub reason: String,
    pub(crate) body: bytes::Bytes,
}

impl InvalidResponse {
    /// An invalid answer's description; `body` is kept for
    /// [`InvalidResponse::raw_body`] and never shown.
    pub fn new(reason: impl Into<String>, body: impl Into<bytes::Bytes>) -> Self {
        InvalidResponse {
            operation: None,
            status: None,
            path: None,
            kind: None,
            reason: reason.into(),
            body: body.into(),
        }
    }

    /// The body as received. Not shown by `Display` or `Debug`: a server may
    /// echo what it was sent, a token included.
    pub fn raw_body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the ")?;
        if let Some(status) = self.status {
            write!(f, "{} ", status.as_u16())?;
        }
        f.write_str("answer")?;
        if let Some(operation) = &self.operation {
            write!(f, " of `{operation}`")?;
        }
        f.write_str(" does not decode")?;
        match &self.path {
            Some(path) => write!(f, " at `{path}`")?,
            None => f.write_str(" as a whole")?,
        }
        if let Some(kind) = self.kind {
            write!(f, " ({kind})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl fmt::Debug for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvalidResponse")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("reason", &self.reason)
            .field(
                "body",
                &format_args!("[{} bytes, not shown]", self.body.len()),
            )
            .finish()
    }
}

impl std::error::Error for InvalidResponse {}
