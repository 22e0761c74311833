//! The one error type callers see.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything a call through a SailPoint client can fail with.
///
/// Every generated method returns progenitor's error; `?` (or
/// `Error::from`) makes it this one:
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
    /// The server answered, but its body is not what the API documents.
    #[error("{}", invalid_response_text(.status, .message))]
    InvalidResponse {
        /// The status, when known.
        status: Option<StatusCode>,
        /// Why it did not parse.
        message: String,
        /// The body as received (lossy UTF-8).
        body: String,
    },
}

fn invalid_response_text(status: &Option<StatusCode>, message: &str) -> String {
    let message = shortened(message, MAX_DISPLAYED_BODY);
    match status {
        Some(status) => format!("unexpected response body ({status}): {message}"),
        None => format!("unexpected response body: {message}"),
    }
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::InvalidResponse { status, .. } => *status,
            Error::Redirect { status, .. } | Error::ResponseTooLarge { status, .. } => {
                Some(*status)
            }
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
    /// SailPoint's `detailCode`, e.g. `400.1 Bad Request Content`.
    pub detail_code: Option<String>,
    /// The texts of `messages`.
    pub messages: Vec<String>,
    /// The texts of `causes`.
    pub causes: Vec<String>,
    /// `error` (401 bodies) or `message` (429 bodies), when present.
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
    /// Builds the error from a status, the `Retry-After` header and the body
    /// as received (or as the runtime handed it to the generated code).
    pub fn from_parts(status: StatusCode, retry_after: Option<Duration>, body: &[u8]) -> Self {
        match serde_json::from_slice::<Value>(body) {
            Ok(value @ Value::Object(_)) => Self::from_json(status, retry_after, &value),
            _ => {
                let mut error = Self::from_json(status, retry_after, &Value::Null);
                if !body.iter().all(u8::is_ascii_whitespace) {
                    error.raw_body = Some(String::from_utf8_lossy(body).into_owned());
                }
                error
            }
        }
    }

    /// Builds the error from a status, the `Retry-After` header and a JSON
    /// body: SailPoint's fields, and what the client added to it
    /// ([`openapi_model::error_body`]: the raw body when it was not the
    /// documented JSON, whether it was cut, whether retrying is safe). When
    /// the raw body is JSON of another shape, SailPoint's fields are read
    /// from it too.
    pub fn from_json(status: StatusCode, retry_after: Option<Duration>, body: &Value) -> Self {
        use openapi_model::error_body::{BODY_TRUNCATED, RAW_BODY, RETRY_SAFE};
        let mut error = ApiError {
            status: status.as_u16(),
            tracking_id: None,
            detail_code: None,
            messages: Vec::new(),
            causes: Vec::new(),
            error: None,
            retry_after,
            raw_body: None,
            body_truncated: false,
            retryable: is_retryable_status(status),
        };
        error.read_body(body);
        error.raw_body = body
            .get(RAW_BODY)
            .and_then(Value::as_str)
            .map(str::to_owned);
        error.body_truncated = body.get(BODY_TRUNCATED) == Some(&Value::Bool(true));
        if body.get(RETRY_SAFE) == Some(&Value::Bool(false)) {
            error.retryable = false;
        }
        if let Some(raw) = &error.raw_body {
            if let Ok(json @ Value::Object(_)) = serde_json::from_str::<Value>(raw) {
                error.read_body(&json);
            }
        }
        error
    }

    /// Reads SailPoint's error fields from a JSON body, leniently: unknown
    /// fields and values are ignored, not an error; a field the body does
    /// not have keeps what it was.
    pub fn read_body(&mut self, body: &Value) {
        let text = |v: &Value| -> Option<String> {
            match v {
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        let texts = |key: &str| -> Vec<String> {
            body.get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|m| m.get("text").and_then(&text))
                .collect()
        };
        if let Some(id) = body.get("trackingId").and_then(&text) {
            self.tracking_id = Some(id);
        }
        if let Some(code) = body.get("detailCode").and_then(&text) {
            self.detail_code = Some(code);
        }
        let messages = texts("messages");
        if !messages.is_empty() {
            self.messages = messages;
        }
        let causes = texts("causes");
        if !causes.is_empty() {
            self.causes = causes;
        }
        if let Some(error) = body
            .get("error")
            .and_then(&text)
            .or_else(|| body.get("message").and_then(&text))
        {
            self.error = Some(error);
        }
    }

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
/// a URL is shortened.
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
            let path = url.split(['?', '#']).next().unwrap_or_default();
            let path: String = path.chars().filter(|c| !c.is_control()).take(200).collect();
            path
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

/// A transport error that reached the caller as it came: the runtime
/// hands over the ones that are unsafe to repeat itself (see `crate::handover`),
/// so what comes here either never left (connect), or was a request that
/// may be repeated; a failure reading a body is never safe to repeat.
fn transport(e: reqwest::Error, retry_safe: bool) -> Error {
    let timeout = e.is_timeout();
    Error::Transport {
        message: error_chain(&e),
        timeout,
        retry_safe: retry_safe || e.is_connect(),
        source: Some(e),
    }
}

/// The body cap and the answer's status, when that is what a body error is.
fn length_limit(e: &reqwest::Error) -> Option<(u64, StatusCode)> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(too_large) = s.downcast_ref::<crate::body::BodyTooLarge>() {
            return Some((too_large.limit, too_large.status));
        }
        source = s.source();
    }
    None
}

/// reqwest's message with its chain of causes ("connection refused" is
/// usually in a source, not in the top message).
pub(crate) fn error_chain(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

impl<E: Serialize> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::ErrorResponse(value) => {
                let status = value.status();
                let retry_after = crate::retry::retry_after(value.headers());
                if status.is_redirection() {
                    // An operation that documents a `default` answer decodes a
                    // redirect the client did not follow as its error.
                    return Error::Redirect {
                        status,
                        location: printable_location(value.headers()),
                        reason: "the client does not follow it".into(),
                    };
                }
                let body = serde_json::to_value(value.into_inner()).unwrap_or(Value::Null);
                Error::Api(Box::new(ApiError::from_json(status, retry_after, &body)))
            }
            P::UnexpectedResponse(response) => unexpected(response),
            P::InvalidResponsePayload(body, e) => Error::InvalidResponse {
                status: None,
                message: e.to_string(),
                body: String::from_utf8_lossy(&body).into_owned(),
            },
            P::Custom(text) => match crate::handover::take_back(&text) {
                Some(error) => error,
                None => crate::handover::lost(text),
            },
            P::InvalidRequest(text) => Error::InvalidRequest(text),
            P::CommunicationError(e) => match length_limit(&e) {
                // The runtime refused a success body declared over the cap.
                Some((limit, status)) => Error::ResponseTooLarge { status, limit },
                None => transport(e, true),
            },
            P::ResponseBodyError(e) => match length_limit(&e) {
                Some((limit, status)) => Error::ResponseTooLarge { status, limit },
                None => transport(e, false),
            },
            P::InvalidUpgrade(e) => transport(e, false),
        }
    }
}

/// An answer with a status the operation does not document. The runtime
/// has read an error answer's body already (capped); a redirect it did not
/// follow carries why.
fn unexpected(response: reqwest::Response) -> Error {
    let status = response.status();
    let retry_after = crate::retry::retry_after(response.headers());
    let refused = response
        .extensions()
        .get::<crate::hooks::RedirectRefused>()
        .map(|r| r.0.clone());
    let read = response
        .extensions()
        .get::<crate::hooks::ErrorBodyRead>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let http: http::Response<reqwest::Body> = response.into();
    let body = http.body().as_bytes().unwrap_or(&read);
    if status.is_success() {
        Error::InvalidResponse {
            status: Some(status),
            message: "a success status the API does not document".into(),
            body: String::from_utf8_lossy(body).into_owned(),
        }
    } else if status.is_redirection() {
        Error::Redirect {
            status,
            location: printable_location(http.headers()),
            reason: refused.unwrap_or_else(|| "the client does not follow it".into()),
        }
    } else {
        Error::Api(Box::new(ApiError::from_parts(status, retry_after, body)))
    }
}

/// A response's `Location`, as it may be printed (see [`printable_url`]).
pub(crate) fn printable_location(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(http::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(printable_url)
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        transport(e, false)
    }
}
