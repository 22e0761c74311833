//! Where every failure becomes the one [`Error`]: error answers read into
//! [`ApiError`] (every body shape SailPoint uses), the runtime's own
//! failures carried to the caller on a stand-in response ([`Carried`]),
//! and progenitor's `Error<E>` converted.
//!
//! progenitor 0.15's hooks can fail only with its own `Error<E>`, whose one
//! variant that can carry anything typed is `UnexpectedResponse`: a
//! `reqwest::Response`, whose extensions can hold a value. So a failure of
//! the runtime's (no token, an experimental operation not enabled, an error
//! answer, a redirect not followed, a request that may have been carried
//! out and got no answer, a body that cannot be decoded) rides there, whole
//! (its variant, its fields, its source), to [`From<progenitor_client::Error<E>>`].
//! Nothing is kept anywhere else, so any number of errors can be
//! outstanding at once; nothing is serialized into strings.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde::Serialize;
use serde_json::Value;

use crate::error::{printable_url, ApiError, Error, InvalidResponse};
use crate::response::Capped;
use crate::secret::{redact_all, Secret};

/// A failure of the runtime's own, riding on a stand-in response to the
/// conversion (see the module docs). Extensions must be `Clone`; the error
/// is not (a `reqwest::Error` source), so clones share it and the first
/// conversion takes it.
#[derive(Clone)]
pub(crate) struct Carried(Arc<Mutex<Option<Error>>>);

impl Carried {
    fn take(&self) -> Option<Error> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// A stand-in response that carries `error` to the conversion. Its status
/// is the error's when it has one (so progenitor's own `status()` of the
/// error says the same), else 500; it has no body.
pub(crate) fn carrier(error: Error) -> reqwest::Response {
    let status = error.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    carrying(status, Carried(Arc::new(Mutex::new(Some(error)))))
}

/// A stand-in with the status and headers of the answer `parts` (an error
/// answer), carrying `error`.
pub(crate) fn carrier_of(parts: http::response::Parts, error: Error) -> reqwest::Response {
    let mut response = crate::response::rebuilt(parts, Vec::new());
    response
        .extensions_mut()
        .insert(Carried(Arc::new(Mutex::new(Some(error)))));
    response
}

fn carrying(status: StatusCode, carried: Carried) -> reqwest::Response {
    let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
    *response.status_mut() = status;
    response.extensions_mut().insert(carried);
    reqwest::Response::from(response)
}

/// A new stand-in carrying what `response` carries, if it carries anything
/// (the `post` hook sees the response only by reference).
pub(crate) fn carried_again(response: &reqwest::Response) -> Option<reqwest::Response> {
    let carried = response.extensions().get::<Carried>()?.clone();
    Some(carrying(response.status(), carried))
}

/// `error` as progenitor's error, for a hook to fail with.
pub(crate) fn to_generated<E>(error: Error) -> progenitor_client::Error<E> {
    progenitor_client::Error::UnexpectedResponse(carrier(error))
}

impl<E: Serialize> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::UnexpectedResponse(response) => unexpected(response),
            // The runtime answers every error answer itself (the `post`
            // hook), so the generated code never decodes one; this is what
            // a body progenitor did decode says.
            P::ErrorResponse(value) => {
                let status = value.status();
                let retry_after = crate::retry::retry_after(value.headers());
                let body = serde_json::to_value(value.into_inner()).unwrap_or(Value::Null);
                Error::Api(Box::new(ApiError::from_json(status, retry_after, &body)))
            }
            P::InvalidResponsePayload(body, e) => {
                let mut invalid = InvalidResponse::new(crate::decode::reason_of(&e), body);
                invalid.kind = None;
                Error::InvalidResponse(Box::new(invalid))
            }
            // No hook of the runtime's fails this way; another hook might.
            P::Custom(text) => Error::Transport {
                message: text,
                timeout: false,
                retry_safe: false,
                source: None,
            },
            P::InvalidRequest(text) => Error::InvalidRequest(text),
            P::CommunicationError(e) => match length_limit(&e) {
                Some((limit, status)) => Error::ResponseTooLarge { status, limit },
                // What the runtime hands on as a `reqwest::Error` is safe
                // to repeat: the request never left, or its method may be
                // repeated (it carries the others itself).
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

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        match length_limit(&e) {
            Some((limit, status)) => Error::ResponseTooLarge { status, limit },
            None => transport(e, false),
        }
    }
}

/// A transport failure; a connection that never opened is always safe to
/// repeat.
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
        if let Some(too_large) = s.downcast_ref::<crate::response::BodyTooLarge>() {
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

/// What an "unexpected response" is: the runtime's failure it carries, or
/// (for an answer no hook of the runtime's saw) what its status says.
fn unexpected(response: reqwest::Response) -> Error {
    if let Some(error) = response
        .extensions()
        .get::<Carried>()
        .and_then(Carried::take)
    {
        return error;
    }
    let status = response.status();
    let retry_after = crate::retry::retry_after(response.headers());
    let location = printable_location(response.headers());
    let http: http::Response<reqwest::Body> = response.into();
    let body = http.body().as_bytes().unwrap_or_default();
    if status.is_success() {
        let mut invalid = InvalidResponse::new(
            "a success status the API does not document",
            bytes::Bytes::copy_from_slice(body),
        );
        invalid.status = Some(status);
        Error::InvalidResponse(Box::new(invalid))
    } else if status.is_redirection() {
        Error::Redirect {
            status,
            location,
            reason: "the client does not follow it".into(),
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

/// What the runtime knows of a call when it reads its error answer.
pub(crate) struct AnswerRules<'a> {
    /// The most of the body the caller gets.
    pub(crate) cap: usize,
    /// Whether repeating the request is safe.
    pub(crate) retry_safe: bool,
    /// What is removed wherever it appears.
    pub(crate) secrets: &'a [&'a Secret],
}

/// An error answer as the caller gets it: SailPoint's fields read from its
/// body (capped, known secrets redacted in every string, so that the
/// body's shape survives), and the body itself, as text, unless every
/// field of it was understood.
pub(crate) fn api_error(
    status: StatusCode,
    retry_after: Option<Duration>,
    read: &Capped,
    rules: &AnswerRules<'_>,
) -> ApiError {
    let whole = !read.truncated && read.bytes.len() <= rules.cap;
    let mut error = ApiError::empty(status, retry_after);
    let mut understood = false;
    if whole {
        if let Ok(mut value @ Value::Object(_)) = serde_json::from_slice::<Value>(&read.bytes) {
            redact_json(&mut value, rules.secrets);
            error.read_body(&value);
            understood = is_sailpoint_body(&value);
        }
    }
    if !understood {
        let text = String::from_utf8_lossy(&read.bytes);
        let mut text = redact_all(&text, rules.secrets);
        let mut truncated = read.truncated;
        if text.len() > rules.cap {
            text.truncate(crate::error::char_boundary_at_most(&text, rules.cap));
            truncated = true;
        }
        if !text.trim().is_empty() {
            error.raw_body = Some(text);
        }
        error.body_truncated = truncated;
    }
    if !rules.retry_safe {
        error.retryable = false;
    }
    error
}

/// The fields of SailPoint's error bodies, and what each may hold.
const KNOWN_FIELDS: &[(&str, Field)] = &[
    ("detailCode", Field::Text),
    ("trackingId", Field::Text),
    ("messages", Field::Texts),
    ("causes", Field::Texts),
    ("error", Field::Text),
    ("error_description", Field::Text),
    ("message", Field::Text),
    ("detailMessage", Field::Text),
    ("errorName", Field::Text),
    ("errorMessage", Field::Text),
    ("statusCode", Field::Any),
    ("stackTrace", Field::Any),
    ("suppressedExceptions", Field::Any),
];

#[derive(Clone, Copy)]
enum Field {
    Text,
    Texts,
    Any,
}

/// Whether every field of `body` is one of SailPoint's error fields, with
/// a value of its kind: then [`ApiError`] holds all it says.
fn is_sailpoint_body(body: &Value) -> bool {
    let Value::Object(map) = body else {
        return false;
    };
    !map.is_empty()
        && map.iter().all(|(key, value)| {
            let Some((_, field)) = KNOWN_FIELDS.iter().find(|(k, _)| k == key) else {
                return false;
            };
            match field {
                Field::Text => matches!(value, Value::String(_) | Value::Null),
                Field::Texts => match value {
                    Value::Array(items) => items.iter().all(|m| {
                        m.is_string() || m.get("text").is_some_and(|t| t.is_string() || t.is_null())
                    }),
                    Value::Null => true,
                    _ => false,
                },
                Field::Any => true,
            }
        })
}

/// Redacts `secrets` in every string value of a JSON value. Keys are the
/// API's field names, not text a server echoes, and are left as they are:
/// a short secret (an access token `t` in a test) must not rename
/// `trackingId`.
fn redact_json(value: &mut Value, secrets: &[&Secret]) {
    if secrets.is_empty() {
        return;
    }
    match value {
        Value::String(s) => {
            let clean = redact_all(s, secrets);
            if clean != *s {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_json(v, secrets)),
        Value::Object(map) => map.values_mut().for_each(|v| redact_json(v, secrets)),
        _ => {}
    }
}

impl ApiError {
    /// An error with only a status (and `Retry-After`): nothing read yet.
    fn empty(status: StatusCode, retry_after: Option<Duration>) -> Self {
        ApiError {
            status: status.as_u16(),
            tracking_id: None,
            detail_code: None,
            messages: Vec::new(),
            causes: Vec::new(),
            error: None,
            retry_after,
            raw_body: None,
            body_truncated: false,
            retryable: crate::error::is_retryable_status(status),
        }
    }

    /// Builds the error from a status, the `Retry-After` header and the body
    /// as received: SailPoint's fields when it is JSON (in any of the shapes
    /// SailPoint answers with, see [`ApiError::read_body`]), the body as
    /// text when it is not, or has fields of other kinds.
    pub fn from_parts(status: StatusCode, retry_after: Option<Duration>, body: &[u8]) -> Self {
        let read = Capped {
            bytes: bytes::Bytes::copy_from_slice(body),
            truncated: false,
        };
        api_error(
            status,
            retry_after,
            &read,
            &AnswerRules {
                cap: usize::MAX,
                retry_safe: true,
                secrets: &[],
            },
        )
    }

    /// Builds the error from a status, the `Retry-After` header and a JSON
    /// body that a generated error type held: SailPoint's fields, and the
    /// client's own ([`openapi_model::error_body`]: the raw body when it was
    /// not the documented JSON, whether it was cut, whether retrying is
    /// safe). When the raw body is JSON of another shape, SailPoint's fields
    /// are read from it too.
    pub fn from_json(status: StatusCode, retry_after: Option<Duration>, body: &Value) -> Self {
        use openapi_model::error_body::{BODY_TRUNCATED, RAW_BODY, RETRY_SAFE};
        let mut error = ApiError::empty(status, retry_after);
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
    /// not have keeps what it was. The shapes SailPoint answers with:
    ///
    /// - `{"detailCode", "trackingId", "messages": [{"locale", "text"}],
    ///   "causes": [...]}` (most services);
    /// - `{"error": "..."}` (401s, with `error_description` from OAuth
    ///   endpoints) and `{"message": "..."}` (429s);
    /// - `{"detailMessage": "...", "stackTrace": [], ...}` (older services,
    ///   and the 400 that answers an offset past the end of a list);
    /// - `{"errorName", "errorMessage", "trackingId"}`;
    /// - `messages` as a list of plain strings.
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
                .filter_map(|m| match m {
                    Value::String(s) => Some(s.trim().to_owned()),
                    other => other.get("text").and_then(&text),
                })
                .collect()
        };
        let field = |key: &str| body.get(key).and_then(&text);
        if let Some(id) = field("trackingId") {
            self.tracking_id = Some(id);
        }
        if let Some(code) = field("detailCode").or_else(|| field("errorName")) {
            self.detail_code = Some(code);
        }
        let mut messages = texts("messages");
        if messages.is_empty() {
            if let Some(single) = body.get("messages").and_then(Value::as_str) {
                messages.push(single.trim().to_owned());
            }
        }
        messages.extend(field("detailMessage"));
        messages.extend(field("errorMessage"));
        if !messages.is_empty() {
            self.messages = messages;
        }
        let causes = texts("causes");
        if !causes.is_empty() {
            self.causes = causes;
        }
        let error = match (field("error"), field("error_description")) {
            (Some(error), Some(description)) => Some(format!("{error}: {description}")),
            (error, None) => error.or_else(|| field("message")),
            (None, description) => description,
        };
        if let Some(error) = error {
            self.error = Some(error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any number of errors can be outstanding: each stand-in holds its
    /// own, and the conversion takes it back whole, in any order.
    #[test]
    fn carried_errors_come_back_whole_in_any_order() {
        let generated: Vec<progenitor_client::Error<()>> = (0..5000)
            .map(|i| {
                to_generated(if i % 2 == 0 {
                    Error::Auth(crate::AuthError::Unreachable {
                        token_url: "https://t.example/oauth/token".into(),
                        message: format!("call {i}"),
                        timeout: true,
                    })
                } else {
                    Error::ExperimentalNotEnabled {
                        operation: format!("op_{i}"),
                    }
                })
            })
            .collect();
        for (i, generated) in generated.into_iter().enumerate().rev() {
            match Error::from(generated) {
                Error::Auth(crate::AuthError::Unreachable { message, .. }) if i % 2 == 0 => {
                    assert_eq!(message, format!("call {i}"))
                }
                Error::ExperimentalNotEnabled { operation } if i % 2 == 1 => {
                    assert_eq!(operation, format!("op_{i}"))
                }
                other => panic!("{i}: {other:?}"),
            }
        }
    }

    fn read(status: u16, body: &str) -> ApiError {
        ApiError::from_parts(StatusCode::from_u16(status).unwrap(), None, body.as_bytes())
    }

    /// Every body shape SailPoint answers with gives its fields; a body
    /// with anything else in it is kept as text too.
    #[test]
    fn every_sailpoint_error_shape_is_read() {
        let e = read(
            400,
            r#"{"detailCode":"400.1 Bad Request Content","trackingId":"t1","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"bad"}],"causes":[{"text":"why"}]}"#,
        );
        assert_eq!(e.detail_code.as_deref(), Some("400.1 Bad Request Content"));
        assert_eq!(
            (e.tracking_id.as_deref(), &e.messages[..], &e.causes[..]),
            (Some("t1"), &["bad".to_owned()][..], &["why".to_owned()][..])
        );
        assert_eq!(e.raw_body, None, "all of it understood");

        let e = read(
            400,
            r#"{"detailMessage":"Specified offset is invalid.","stackTrace":[],"suppressedExceptions":[]}"#,
        );
        assert_eq!(e.messages, ["Specified offset is invalid."]);
        assert_eq!(
            e.to_string(),
            "400 Bad Request: Specified offset is invalid."
        );
        assert_eq!(e.raw_body, None);

        let e = read(401, r#"{"error":"JWT validation failed: JWT is expired"}"#);
        assert_eq!(
            e.error.as_deref(),
            Some("JWT validation failed: JWT is expired")
        );
        let e = read(429, r#"{"message":"Rate Limit Exceeded"}"#);
        assert_eq!(e.error.as_deref(), Some("Rate Limit Exceeded"));
        let e = read(
            400,
            r#"{"error":"invalid_request","error_description":"no grant"}"#,
        );
        assert_eq!(e.error.as_deref(), Some("invalid_request: no grant"));
        let e = read(
            404,
            r#"{"errorName":"NotFound","errorMessage":"no such form","trackingId":"t2"}"#,
        );
        assert_eq!(
            (e.detail_code.as_deref(), &e.messages[..]),
            (Some("NotFound"), &["no such form".to_owned()][..])
        );
        let e = read(400, r#"{"messages":["one","two"],"statusCode":400}"#);
        assert_eq!(e.messages, ["one", "two"]);

        // Something else beside them: the fields, and the body as text.
        let e = read(
            400,
            r#"{"trackingId":"t3","messages":"quota exceeded","extra":1}"#,
        );
        assert_eq!(e.tracking_id.as_deref(), Some("t3"));
        assert_eq!(e.messages, ["quota exceeded"]);
        assert!(e.raw_body.as_deref().unwrap().contains("extra"));

        let e = read(502, "<html>bad gateway</html>");
        assert_eq!(e.raw_body.as_deref(), Some("<html>bad gateway</html>"));
        assert_eq!(e.to_string(), "502 Bad Gateway: <html>bad gateway</html>");
        assert!(e.retryable);
        let e = read(503, "  ");
        assert_eq!(e.raw_body, None);
    }

    /// Secrets are removed from every string, keys left alone; the cap cuts
    /// after redaction.
    #[test]
    fn an_error_answer_is_redacted_then_capped() {
        let token = Secret::new("tok-12345");
        let secret = Secret::new("hunter2-secret");
        let secrets = [&token, &secret];
        let body = br#"{"trackingId":"abc","messages":[{"text":"echo hunter2-secret tok-12345"}]}"#;
        let e = api_error(
            StatusCode::BAD_REQUEST,
            None,
            &Capped {
                bytes: bytes::Bytes::from_static(body),
                truncated: false,
            },
            &AnswerRules {
                cap: 1024,
                retry_safe: false,
                secrets: &secrets,
            },
        );
        assert_eq!(e.tracking_id.as_deref(), Some("abc"));
        assert_eq!(e.messages, ["echo [redacted] [redacted]"]);
        assert!(!format!("{e:?}").contains("hunter2"));
        let cut = api_error(
            StatusCode::BAD_GATEWAY,
            None,
            &Capped {
                bytes: bytes::Bytes::from_static(b"hunter2-secret and more"),
                truncated: true,
            },
            &AnswerRules {
                cap: 12,
                retry_safe: true,
                secrets: &[&secret],
            },
        );
        assert_eq!(cut.raw_body.as_deref(), Some("[redacted] a"));
        assert!(cut.body_truncated);
    }
}
