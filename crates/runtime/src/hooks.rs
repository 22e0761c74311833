//! What the generated client's hooks call: headers and the token before a
//! request, retries and re-authentication around it, error bodies after it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Request, Response, StatusCode};
use tracing::Instrument as _;

use crate::body::{capped, read_capped};
use crate::error::{carry, carry_auth, printable_location, ApiError, Carried};
use crate::retry::{retry_after, Attempt, Bucket, RetryStrategy};
use crate::secret::{redact_all, Secret};
use crate::token::{Token, TokenSource};

/// SailPoint SDKs name themselves in this header. (Header names are
/// constants, so that no call parses one.)
pub const SDK_HEADER: HeaderName = HeaderName::from_static("x-sailpoint-sdk");
/// Opt-in header for SailPoint's experimental endpoints.
pub const EXPERIMENTAL_HEADER: HeaderName = HeaderName::from_static("x-sailpoint-experimental");

/// What the code generator changed in its copy of the spec that the
/// runtime must undo on the wire, and what it must know of each operation,
/// by method name. Generated as `QUIRKS` beside each client; every table is
/// sorted by operation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quirks {
    /// Operations whose request body is sent with another Content-Type than
    /// the generated code sets (`application/json-patch+json`,
    /// `multipart/form-data`, ...).
    pub request_content_types: &'static [(&'static str, &'static str)],
    /// Operations whose success type is nullable because some 2xx has no
    /// body: an empty success body is read as `null`.
    pub empty_success_as_null: &'static [&'static str],
    /// The 2xx statuses each operation documents (operations that document
    /// a `2XX` range or a `default` answer are not listed). Another 2xx is
    /// still success: the runtime hands it to the generated code as the
    /// documented one, rather than let it become an "unexpected response".
    pub success_statuses: &'static [(&'static str, &'static [u16])],
}

impl Quirks {
    fn content_type(&self, operation: &str) -> Option<&'static str> {
        self.request_content_types
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, ct)| *ct)
    }

    /// The documented 2xx status to hand an undocumented 2xx as, if any.
    fn documented_success(
        &self,
        operation: &str,
        status: StatusCode,
        empty: bool,
    ) -> Option<StatusCode> {
        let documented = self
            .success_statuses
            .binary_search_by(|(op, _)| (*op).cmp(operation))
            .ok()
            .map(|i| self.success_statuses[i].1)?;
        if documented.is_empty() || documented.contains(&status.as_u16()) {
            return None;
        }
        let pick = if empty && documented.contains(&204) {
            204
        } else {
            documented[0]
        };
        StatusCode::from_u16(pick).ok()
    }
}

/// The runtime of a generated client: its `inner` value. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Runtime(pub(crate) Arc<RuntimeInner>);

#[derive(Debug)]
pub(crate) struct RuntimeInner {
    pub(crate) tokens: TokenSource,
    pub(crate) retry: RetryStrategy,
    /// The client-wide retry budget, when the strategy has one.
    pub(crate) bucket: Option<Bucket>,
    pub(crate) sdk_header: HeaderValue,
    pub(crate) experimental: bool,
    /// The most of a success body the client reads.
    pub(crate) max_body: u64,
    /// The most of an error body the client reads.
    pub(crate) max_error_body: usize,
}

/// An outcome the generated code cannot express, kept on the (stand-in)
/// response for [`Runtime::post`], which turns it into the caller's error.
#[derive(Clone)]
struct Failed(Carried);

/// The most redirects a call follows (same origin, same method).
pub const MAX_REDIRECTS: u32 = 5;

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
        headers.insert(SDK_HEADER, self.0.sdk_header.clone());
        if self.0.experimental {
            headers.insert(EXPERIMENTAL_HEADER, HeaderValue::from_static("true"));
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

    /// The `exec` hook: sends the request, following same-origin redirects
    /// that keep the method, retrying as the strategy and the client's
    /// retry budget allow, and re-authenticating once on a 401. An error
    /// answer comes back with its body read into memory, up to the cap.
    ///
    /// The future is boxed here, not in the caller: the retry loop's state
    /// (the request, its copy, the answer) would otherwise be part of, and
    /// be moved with, every call's future; one small allocation is cheaper
    /// than copying kilobytes (measured: `benches/client_overhead.rs`).
    pub fn exec<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: Request,
        operation: &'a str,
        quirks: &'a Quirks,
    ) -> Pin<Box<dyn Future<Output = reqwest::Result<Response>> + Send + 'a>> {
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
        if span.is_disabled() {
            // No subscriber wants it: no span to enter on every poll.
            Box::pin(self.exec_inner(http, request, operation, quirks, span))
        } else {
            let inner = self.exec_inner(http, request, operation, quirks, span.clone());
            Box::pin(inner.instrument(span))
        }
    }

    /// The common case, kept small (its future is boxed once per call;
    /// see `the_boxed_call_future_stays_small`): send a copy of the request
    /// once and hand a 2xx back at once. Anything else (an error answer, a
    /// redirect, a lost connection) goes on in [`Runtime::retry_loop`],
    /// boxed on its own, so that its state is allocated only when needed.
    async fn exec_inner(
        &self,
        http: &reqwest::Client,
        request: Request,
        operation: &str,
        quirks: &Quirks,
        span: tracing::Span,
    ) -> reqwest::Result<Response> {
        let started = Instant::now();
        if !span.is_disabled() {
            span.record("attempt", 1u32);
        }
        let context = Context {
            span: &span,
            operation,
            quirks,
            started,
        };
        let Some(copy) = request.try_clone() else {
            // A streaming body cannot be copied: sent once, as it is.
            let method = request.method().clone();
            let result = http.execute(request).await;
            let call = context.call(&method, None);
            let finished = self.finish(result, &call, 0);
            return Box::pin(self.concluded(finished, &call)).await;
        };
        let first = http.execute(copy).await;
        let first = match first {
            Ok(response) if response.status().is_success() => {
                let call = context.call(request.method(), Some(&request));
                self.record(&call, Some(response.status()));
                return Ok(self.success(response, &call, 0));
            }
            other => other,
        };
        Box::pin(self.retry_loop(http, request, first, &context)).await
    }

    /// Goes on from an outcome that is not a 2xx: follows same-origin
    /// redirects, re-authenticates once on a 401, retries as the strategy
    /// and the budget allow; then makes the outcome what the caller gets.
    async fn retry_loop(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        first: reqwest::Result<Response>,
        context: &Context<'_>,
    ) -> reqwest::Result<Response> {
        let span = context.span;
        let traced = !span.is_disabled();
        let method = request.method().clone();
        let mut result = first;
        let mut reauthenticated = false;
        let mut waited = Duration::ZERO;
        let mut attempts: u32 = 1;
        let mut redirects: u32 = 0;
        let mut spent: u32 = 0;
        loop {
            let outcome = match &result {
                Ok(response) => Attempt::Answered(response.status(), response.headers()),
                Err(e) if e.is_connect() => Attempt::NotSent,
                Err(_) => Attempt::NoAnswer,
            };
            let mut retry_now = false;
            if let Ok(response) = &result {
                let status = response.status();
                if status.is_redirection() {
                    match follow(response, &request, &method, redirects) {
                        Ok(url) => {
                            redirects += 1;
                            tracing::debug!(
                                status = status.as_u16(),
                                "following a same-origin redirect"
                            );
                            *request.url_mut() = url;
                            retry_now = true;
                        }
                        Err(reason) => {
                            return Ok(failed(Carried::Redirect {
                                status: status.as_u16(),
                                location: printable_location(response.headers()),
                                reason,
                            }));
                        }
                    }
                } else if status == StatusCode::UNAUTHORIZED && !reauthenticated {
                    // The token may have been revoked or expired early.
                    reauthenticated = true;
                    if let Some(token) = self.refreshed_token(&request).await {
                        tracing::debug!(attempt = attempts, "401: retrying once with a new token");
                        set_bearer(&mut request, &token);
                        attempts += 1;
                        retry_now = true;
                    }
                }
            }
            let delay = if retry_now {
                None
            } else {
                let Some(delay) = self.0.retry.next_delay(&method, outcome, attempts, waited)
                else {
                    break;
                };
                if let Some(bucket) = &self.0.bucket {
                    let cost = bucket.cost(&outcome);
                    if !bucket.withdraw(cost) {
                        tracing::debug!(
                            attempt = attempts,
                            "the client's retry budget is spent: not retrying"
                        );
                        break;
                    }
                    spent = spent.saturating_add(cost);
                }
                match &result {
                    Ok(r) => tracing::debug!(
                        attempt = attempts,
                        status = r.status().as_u16(),
                        ?delay,
                        "retrying"
                    ),
                    Err(e) => tracing::debug!(attempt = attempts, error = %e, ?delay, "retrying"),
                }
                Some(delay)
            };
            // The answer is done with: let its connection go before waiting
            // or sending again.
            drop(result);
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
                waited = waited.saturating_add(delay);
                // The token may have run out while we waited.
                if let Ok(token) = self.0.tokens.token().await {
                    set_bearer(&mut request, &token);
                }
                attempts += 1;
            }
            if traced {
                span.record("attempt", attempts);
            }
            result = match request.try_clone() {
                Some(copy) => http.execute(copy).await,
                // Copied once already, so this does not happen; were it to,
                // the request goes as it is, and this is its last attempt.
                None => {
                    let last = http.execute(request).await;
                    let call = context.call(&method, None);
                    let finished = self.finish(last, &call, spent);
                    return self.concluded(finished, &call).await;
                }
            };
        }
        let call = context.call(&method, Some(&request));
        let finished = self.finish(result, &call, spent);
        self.concluded(finished, &call).await
    }

    /// What the caller gets of a finished call: an error answer's body is
    /// read first.
    async fn concluded(&self, finished: Finished, call: &Call<'_>) -> reqwest::Result<Response> {
        match finished {
            Finished::Done(result) => result,
            Finished::ErrorAnswer(response) => self.error_answer(response, call).await,
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

    /// Records the outcome and makes it what the generated code can read:
    /// an undocumented 2xx as the documented one, a success body capped,
    /// an error body read (capped, secrets redacted), and what the
    /// generated code cannot express carried to [`Runtime::post`].
    fn finish(&self, result: reqwest::Result<Response>, call: &Call<'_>, spent: u32) -> Finished {
        self.record(call, result.as_ref().ok().map(Response::status));
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                tracing::info!(error = %e, "no answer");
                let retry_safe = e.is_connect() || self.0.retry.may_repeat(call.method);
                if retry_safe {
                    return Finished::Done(Err(e));
                }
                // May have been carried out: the caller must hear that it
                // is not safe to repeat, which the error itself cannot say.
                let message = match self.0.tokens.client_secret() {
                    Some(secret) => secret
                        .redact_in(&crate::error::error_chain(&e))
                        .into_owned(),
                    None => crate::error::error_chain(&e),
                };
                return Finished::Done(Ok(failed(Carried::Transport {
                    message,
                    timeout: e.is_timeout(),
                    retry_safe: false,
                })));
            }
        };
        if response.status().is_success() {
            return Finished::Done(Ok(self.success(response, call, spent)));
        }
        Finished::ErrorAnswer(response)
    }

    /// Records the elapsed time and the status on the call's span.
    fn record(&self, call: &Call<'_>, status: Option<StatusCode>) {
        let span = call.span;
        if span.is_disabled() {
            return;
        }
        span.record("elapsed_ms", call.started.elapsed().as_millis() as u64);
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
    }

    /// A 2xx as the generated code should read it: an undocumented 2xx as
    /// the documented one, an empty body as `null` where the type is
    /// nullable, a body over the cap refused or capped.
    fn success(&self, mut response: Response, call: &Call<'_>, spent: u32) -> Response {
        let status = response.status();
        if let Some(bucket) = &self.0.bucket {
            bucket.succeeded(spent);
        }
        tracing::info!(status = status.as_u16(), "done");
        let empty = matches!(status.as_u16(), 204 | 205) || response.content_length() == Some(0);
        if let Some(documented) = call
            .quirks
            .documented_success(call.operation, status, empty)
        {
            tracing::debug!(
                status = status.as_u16(),
                documented = documented.as_u16(),
                "an undocumented success status, read as the documented one"
            );
            response = with_status(response, documented);
        }
        if empty {
            return if call.quirks.empty_success_as_null.contains(&call.operation) {
                with_body(response, "application/json", b"null".to_vec())
            } else {
                response
            };
        }
        match response.content_length() {
            Some(n) if n > self.0.max_body => failed(Carried::TooLarge {
                status: status.as_u16(),
                limit: self.0.max_body,
            }),
            Some(_) => response,
            None => capped(response, self.0.max_body),
        }
    }

    /// Reads an error answer's body (capped, secrets redacted) and makes
    /// the `ApiError` the caller will see.
    async fn error_answer(
        &self,
        mut response: Response,
        call: &Call<'_>,
    ) -> reqwest::Result<Response> {
        let span = call.span;
        let status = response.status();
        let mut parts = parts_of(&response);
        let secrets = self.secrets(call.spare);
        // Read a little past the cap, so that a secret the cap would cut in
        // two is still whole when it is redacted; then cut at the cap.
        let margin = secrets
            .iter()
            .map(|s| s.expose().len().saturating_mul(6))
            .max()
            .unwrap_or(0);
        let cap = self.0.max_error_body;
        let read = read_capped(&mut response, cap.saturating_add(margin)).await?;
        let mut body = redacted(read.bytes, &secrets);
        let truncated = read.truncated || body.len() > cap;
        if body.len() > cap {
            body.truncate(cap);
        }
        let mut error = ApiError::from_parts(status, retry_after(&parts.headers), &body);
        error.body_truncated = truncated;
        // Retrying is safe after a 429 or a 408 (the request was refused
        // unprocessed), or when the method may be repeated.
        error.retryable &=
            matches!(status.as_u16(), 408 | 429) || self.0.retry.may_repeat(call.method);
        if let Some(id) = &error.tracking_id {
            span.record("tracking_id", id.as_str());
        }
        tracing::info!(status = status.as_u16(), "error answer");
        let is_json = !truncated
            && serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_object());
        if !is_json {
            parts.headers.remove(CONTENT_TYPE);
            parts.extensions.insert(Failed(Carried::Api(error)));
        }
        parts.headers.remove(reqwest::header::CONTENT_LENGTH);
        Ok(rebuilt(parts, body))
    }

    /// The secrets this call knows: the token the request carried, and
    /// the client secret.
    fn secrets(&self, request: Option<&Request>) -> Vec<Secret> {
        let sent = request
            .and_then(|r| r.headers().get(AUTHORIZATION))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(Secret::new);
        sent.into_iter()
            .chain(self.0.tokens.client_secret().cloned())
            .collect()
    }

    /// The `post` hook: what `exec` could not express as a response (an
    /// error answer whose body is not JSON, a redirect not followed, a body
    /// over the cap, a failure unsafe to repeat) becomes the caller's typed
    /// error here, before the generated code tries to parse it.
    #[allow(clippy::result_large_err)] // the signature is progenitor's
    pub fn post<E>(
        &self,
        result: &reqwest::Result<Response>,
    ) -> Result<(), progenitor_client::Error<E>> {
        match result {
            Ok(response) => match response.extensions().get::<Failed>() {
                Some(Failed(carried)) => Err(carry(carried.clone())),
                None => Ok(()),
            },
            Err(_) => Ok(()),
        }
    }
}

/// `body` with `secrets` removed, wherever and however they appear.
fn redacted(body: bytes::Bytes, secrets: &[Secret]) -> bytes::Bytes {
    if secrets.is_empty() {
        return body;
    }
    let text = String::from_utf8_lossy(&body);
    let refs: Vec<&Secret> = secrets.iter().collect();
    let clean = redact_all(&text, &refs);
    if clean == text {
        body
    } else {
        bytes::Bytes::from(clean)
    }
}

/// What `finish` made of an outcome.
enum Finished {
    /// What the generated code gets.
    Done(reqwest::Result<Response>),
    /// An error answer whose body must be read first.
    ErrorAnswer(Response),
}

/// What every outcome of a call needs to know of it.
struct Context<'a> {
    span: &'a tracing::Span,
    operation: &'a str,
    quirks: &'a Quirks,
    started: Instant,
}

impl<'a> Context<'a> {
    fn call(&'a self, method: &'a Method, spare: Option<&'a Request>) -> Call<'a> {
        Call {
            span: self.span,
            operation: self.operation,
            quirks: self.quirks,
            method,
            started: self.started,
            spare,
        }
    }
}

/// What `finish` needs to know of the call.
struct Call<'a> {
    span: &'a tracing::Span,
    operation: &'a str,
    quirks: &'a Quirks,
    method: &'a Method,
    started: Instant,
    /// A copy of the request as last sent, when it could be copied.
    spare: Option<&'a Request>,
}

/// Where a redirect may be followed to, or why not. Followed: 307 and 308
/// (which keep the method and body), and 301, 302, 303 for GET and HEAD
/// (which a redirect does not change), within the request's own origin, at
/// most [`MAX_REDIRECTS`] times. Anything else would change the method (a
/// POST answered 301 becomes a GET whose 2xx says nothing of the POST) or
/// send the request and its token to another origin.
fn follow(
    response: &Response,
    request: &Request,
    method: &Method,
    redirects: u32,
) -> Result<reqwest::Url, String> {
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .ok_or_else(|| "the redirect has no Location".to_owned())?
        .to_str()
        .map_err(|_| "its Location is not text".to_owned())?;
    let to = request
        .url()
        .join(location)
        .map_err(|e| format!("its Location is not a URL ({e})"))?;
    let keeps_method = matches!(status.as_u16(), 307 | 308)
        || (matches!(status.as_u16(), 301..=303) && matches!(*method, Method::GET | Method::HEAD));
    if !keeps_method {
        return Err(format!(
            "following it would turn the {method} into a GET; the client does not follow \
             redirects that change the method"
        ));
    }
    if to.origin() != request.url().origin() {
        return Err(
            "it points to another origin; the client follows redirects only within the API's own origin"
                .into(),
        );
    }
    if redirects >= MAX_REDIRECTS {
        return Err(format!("more than {MAX_REDIRECTS} redirects"));
    }
    Ok(to)
}

/// A stand-in response that carries `carried` to [`Runtime::post`].
fn failed(carried: Carried) -> Response {
    let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
    response.extensions_mut().insert(Failed(carried));
    Response::from(response)
}

/// `response` with another status (reqwest has no `status_mut`).
fn with_status(response: Response, status: StatusCode) -> Response {
    let mut http: http::Response<reqwest::Body> = response.into();
    *http.status_mut() = status;
    Response::from(http)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The future of the retry loop is boxed once per call; glibc serves
    /// allocations up to 1032 bytes from a per-thread cache and larger ones
    /// from its shared bins, which measured slower. Keep it under.
    #[tokio::test]
    async fn the_boxed_call_future_stays_small() {
        let parts = crate::ClientBuilder::new()
            .base_url("http://127.0.0.1:9")
            .access_token("t")
            .build_parts("/beta", "t/0")
            .unwrap();
        let request = parts
            .http
            .post("http://127.0.0.1:9/x")
            .body("{}")
            .build()
            .unwrap();
        let quirks = Quirks::default();
        let size = std::mem::size_of_val(&parts.runtime.exec_inner(
            &parts.http,
            request,
            "x",
            &quirks,
            tracing::Span::none(),
        ));
        eprintln!("the boxed call future: {size} bytes");
        assert!(size <= 1032, "the boxed call future is {size} bytes");
    }
}
