//! What the generated client's hooks call: headers and the token before a
//! request, retries and re-authentication around it, error bodies after it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument as _;

use crate::error::{carry_api, carry_auth, ApiError};
use crate::retry::{retry_after, Attempt, RetryStrategy};
use crate::token::{Token, TokenSource};

/// The header progenitor adds to every request with the spec's
/// `info.version`. SailPoint versions its API by path (`/beta`, `/v3`); the
/// runtime removes it (see ARCHITECTURE.md).
pub const PROGENITOR_API_VERSION_HEADER: &str = "api-version";
/// SailPoint SDKs name themselves in this header.
pub const SDK_HEADER: &str = "x-sailpoint-sdk";
/// Opt-in header for SailPoint's experimental endpoints.
pub const EXPERIMENTAL_HEADER: &str = "x-sailpoint-experimental";

/// What the code generator changed in its copy of the spec that the
/// runtime must undo on the wire, per operation (by method name). Generated
/// as `QUIRKS` beside each client.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quirks {
    /// Operations whose request body is sent with another Content-Type than
    /// the generated code sets (`application/json-patch+json`,
    /// `multipart/form-data`, ...).
    pub request_content_types: &'static [(&'static str, &'static str)],
    /// Operations whose success type is nullable because some 2xx has no
    /// body: an empty success body is read as `null`.
    pub empty_success_as_null: &'static [&'static str],
}

impl Quirks {
    fn content_type(&self, operation: &str) -> Option<&'static str> {
        self.request_content_types
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, ct)| *ct)
    }
}

/// The runtime of a generated client: its `inner` value. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Runtime(pub(crate) Arc<RuntimeInner>);

#[derive(Debug)]
pub(crate) struct RuntimeInner {
    pub(crate) tokens: TokenSource,
    pub(crate) retry: RetryStrategy,
    pub(crate) sdk_header: HeaderValue,
    pub(crate) experimental: bool,
}

/// An error answer whose body was not JSON, kept on the response for
/// [`Runtime::post`].
#[derive(Clone)]
struct NonJsonError(ApiError);

impl Runtime {
    /// The `pre` hook: sets SailPoint's headers and the bearer token.
    #[allow(clippy::result_large_err)] // the signature is progenitor's
    pub async fn pre<E>(
        &self,
        request: &mut Request,
        operation: &str,
        quirks: &Quirks,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let Some(content_type) = quirks.content_type(operation) {
            set_content_type(request, content_type);
        }
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_API_VERSION_HEADER);
        headers.insert(
            HeaderName::from_static(SDK_HEADER),
            self.0.sdk_header.clone(),
        );
        if self.0.experimental {
            headers.insert(
                HeaderName::from_static(EXPERIMENTAL_HEADER),
                HeaderValue::from_static("true"),
            );
        }
        match self.0.tokens.token().await {
            Ok(token) => {
                set_bearer(request, &token);
                Ok(())
            }
            Err(e) => {
                tracing::warn!(operation, error = %e, "no access token");
                Err(carry_auth(e))
            }
        }
    }

    /// The `exec` hook: sends the request, retrying as the strategy says and
    /// re-authenticating once on a 401. An error answer comes back with its
    /// body read into memory.
    pub async fn exec(
        &self,
        http: &reqwest::Client,
        request: Request,
        operation: &str,
        quirks: &Quirks,
    ) -> reqwest::Result<Response> {
        let empty_as_null = quirks.empty_success_as_null.contains(&operation);
        let span = tracing::info_span!(
            "sailpoint.call",
            operation,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            tracking_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.exec_inner(http, request, empty_as_null)
            .instrument(span)
            .await
    }

    async fn exec_inner(
        &self,
        http: &reqwest::Client,
        request: Request,
        empty_as_null: bool,
    ) -> reqwest::Result<Response> {
        let started = Instant::now();
        let span = tracing::Span::current();
        let traced = !span.is_disabled();
        let method = request.method().clone();
        let mut reauthenticated = false;
        let mut waited = Duration::ZERO;
        let mut attempts: u32 = 0;
        let mut request = request;
        loop {
            attempts += 1;
            if traced {
                span.record("attempt", attempts);
            }
            // Keep a copy for a retry; a streaming body cannot be copied, so
            // such a request is sent once.
            let spare = request.try_clone();
            let result = http.execute(request).await;
            let outcome = match &result {
                Ok(response) => Attempt::Answered(response.status(), response.headers()),
                Err(e) if e.is_connect() => Attempt::NotSent,
                Err(_) => Attempt::NoAnswer,
            };
            let Some(mut next) = spare else {
                return self.finish(result, started, empty_as_null).await;
            };
            // A 401: the token may have been revoked or expired early.
            if let Ok(response) = &result {
                if response.status() == StatusCode::UNAUTHORIZED && !reauthenticated {
                    reauthenticated = true;
                    if let Some(token) = self.refreshed_token(&next).await {
                        tracing::debug!(attempt = attempts, "401: retrying once with a new token");
                        set_bearer(&mut next, &token);
                        request = next;
                        continue;
                    }
                }
            }
            let Some(delay) = self.0.retry.next_delay(&method, outcome, attempts, waited) else {
                return self.finish(result, started, empty_as_null).await;
            };
            match &result {
                Ok(r) => tracing::debug!(
                    attempt = attempts,
                    status = r.status().as_u16(),
                    ?delay,
                    "retrying"
                ),
                Err(e) => tracing::debug!(attempt = attempts, error = %e, ?delay, "retrying"),
            }
            drop(result);
            tokio::time::sleep(delay).await;
            waited += delay;
            // The token may have run out while we waited.
            if let Ok(token) = self.0.tokens.token().await {
                set_bearer(&mut next, &token);
            }
            request = next;
        }
    }

    /// Invalidates the token `request` carried and fetches a new one.
    async fn refreshed_token(&self, request: &Request) -> Option<Token> {
        let sent = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
        let sent = sent.strip_prefix("Bearer ")?;
        let current = self.0.tokens.token().await.ok()?;
        if current.secret.expose() == sent && !self.0.tokens.invalidate(&current) {
            return None;
        }
        match self.0.tokens.token().await {
            Ok(token) => Some(token),
            Err(e) => {
                tracing::warn!(error = %e, "401, and no new token could be had");
                None
            }
        }
    }

    /// Records the outcome; reads an error answer's body into memory.
    async fn finish(
        &self,
        result: reqwest::Result<Response>,
        started: Instant,
        empty_as_null: bool,
    ) -> reqwest::Result<Response> {
        let span = tracing::Span::current();
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                tracing::info!(error = %e, "no answer");
                return Err(e);
            }
        };
        let status = response.status();
        span.record("status", status.as_u16());
        if status.is_success() {
            tracing::info!(status = status.as_u16(), "done");
            let empty =
                matches!(status.as_u16(), 204 | 205) || response.content_length() == Some(0);
            if empty_as_null && empty {
                return Ok(with_body(response, "application/json", b"null".to_vec()));
            }
            return Ok(response);
        }
        let mut parts = parts_of(&response);
        let body = response.bytes().await?;
        let error = ApiError::from_parts(status, retry_after(&parts.headers), &body);
        if let Some(id) = &error.tracking_id {
            span.record("tracking_id", id.as_str());
        }
        tracing::info!(status = status.as_u16(), "error answer");
        let is_json =
            serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_object());
        if !is_json {
            parts.headers.remove(CONTENT_TYPE);
            parts.extensions.insert(NonJsonError(error));
        }
        Ok(rebuilt(parts, body))
    }

    /// The `post` hook: an error answer whose body is not JSON becomes a
    /// typed error here, before the generated code tries to parse it (and
    /// would lose the status and `Retry-After`).
    #[allow(clippy::result_large_err)] // the signature is progenitor's
    pub fn post<E>(
        &self,
        result: &reqwest::Result<Response>,
    ) -> Result<(), progenitor_client::Error<E>> {
        match result {
            Ok(response) => match response.extensions().get::<NonJsonError>() {
                Some(NonJsonError(error)) => Err(carry_api(error.clone())),
                None => Ok(()),
            },
            Err(_) => Ok(()),
        }
    }
}

/// A response's status, version and headers, without its body.
fn parts_of(response: &Response) -> http::response::Parts {
    let mut head = http::Response::new(());
    *head.status_mut() = response.status();
    *head.version_mut() = response.version();
    *head.headers_mut() = response.headers().clone();
    head.into_parts().0
}

/// A response from parts and a body held in memory.
fn rebuilt(parts: http::response::Parts, body: impl Into<reqwest::Body>) -> Response {
    Response::from(http::Response::from_parts(parts, body.into()))
}

/// `response` with `body` in place of its own.
fn with_body(response: Response, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut parts = parts_of(&response);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    parts.headers.remove(reqwest::header::CONTENT_LENGTH);
    rebuilt(parts, body)
}

/// Sets the Content-Type the API wants; for `multipart/form-data`, with the
/// boundary the body starts with (`--BOUNDARY\r\n`).
fn set_content_type(request: &mut Request, content_type: &'static str) {
    let value = if content_type.starts_with("multipart/") && !content_type.contains("boundary=") {
        let boundary = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .and_then(|b| b.strip_prefix(b"--"))
            .and_then(|b| b.split(|c| *c == b'\r' || *c == b'\n').next())
            .and_then(|b| std::str::from_utf8(b).ok())
            .filter(|b| !b.is_empty())
            .map(str::to_owned);
        match boundary {
            Some(b) => HeaderValue::from_str(&format!("{content_type}; boundary={b}")).ok(),
            None => Some(HeaderValue::from_static(content_type)),
        }
    } else {
        Some(HeaderValue::from_static(content_type))
    };
    if let Some(value) = value {
        request.headers_mut().insert(CONTENT_TYPE, value);
    }
}

fn set_bearer(request: &mut Request, token: &Token) {
    request
        .headers_mut()
        .insert(AUTHORIZATION, token.header.clone());
}
