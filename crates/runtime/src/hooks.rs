//! What the generated client's hooks call: headers and the token before a
//! request, retries and re-authentication around it, error bodies after it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Request, Response, StatusCode};
use tracing::Instrument as _;

use crate::convert::{carried_again, carrier, printable_location, to_generated, AnswerRules};
use crate::error::Error;
use crate::response::{capped, read_capped, with_body, with_status};
use crate::retry::{Attempt, Bucket, RetryStrategy};
use crate::secret::Secret;
use crate::token::{Token, TokenSource};

/// SailPoint SDKs name themselves in this header. (Header names are
/// constants, so that no call parses one.)
pub const SDK_HEADER: HeaderName = HeaderName::from_static("x-sailpoint-sdk");
/// The header SailPoint requires, as `true`, on every call of an
/// experimental operation. The client sends it with the calls of the
/// operations whose entry says [`OperationQuirks::experimental`], and only
/// when it was built with
/// [`ClientBuilder::experimental(true)`](crate::ClientBuilder::experimental);
/// no other operation's call carries it.
pub const EXPERIMENTAL_HEADER: HeaderName = HeaderName::from_static("x-sailpoint-experimental");
/// The header with which SailPoint marks the answers of a deprecated
/// operation (`X-Deprecated: true`); see [`is_deprecated`].
pub const DEPRECATED_HEADER: HeaderName = HeaderName::from_static("x-deprecated");

/// What the code generator changed in its copy of the spec that the
/// runtime must undo on the wire, and what it must know of each operation.
/// Generated as `QUIRKS` beside each client and handed to the runtime when
/// the client is built.
#[derive(Debug, Clone, Copy)]
pub struct Quirks {
    /// One entry per operation that has something to say (any field of
    /// [`OperationQuirks`] other than its default: an entry may be there
    /// only because its operation is experimental or deprecated), sorted
    /// by operation (the method name progenitor gives it, which is also
    /// its `OperationInfo::operation_id`); an operation without an entry
    /// has [`OperationQuirks::NONE`]. Entries of an API area that is not
    /// compiled in are not there.
    pub operations: &'static [OperationQuirks],
}

/// What the runtime must know of one operation (see [`Quirks`]). Looked up
/// once per call.
#[derive(Debug, Clone, Copy)]
pub struct OperationQuirks {
    /// The operation: the generated method's name.
    pub operation: &'static str,
    /// The Content-Type its request body is sent with, when it is not the
    /// one the generated code sets (`application/json-patch+json`,
    /// `multipart/form-data`, ...).
    pub request_content_type: Option<&'static str>,
    /// Whether its success type is nullable because some 2xx has no body:
    /// an empty success body is then read as `null`.
    pub empty_success_as_null: bool,
    /// The 2xx statuses it documents (empty when it documents a `2XX`
    /// range or a `default` answer). Another 2xx is still success: the
    /// runtime hands it to the generated code as the documented one,
    /// rather than let it become an "unexpected response".
    pub success_statuses: &'static [u16],
    /// Whether a body decodes as its generated error type (see
    /// [`decodes`]; `None`: it has none). Informational: the runtime reads
    /// every error answer into [`ApiError`](crate::ApiError) itself, whatever
    /// its shape, and the generated code never decodes one.
    pub error_body_decodes: Option<fn(&[u8]) -> bool>,
    /// Whether the operation is experimental: SailPoint rejects a call of
    /// it without [`EXPERIMENTAL_HEADER`]`: true`. A client built with
    /// [`ClientBuilder::experimental(true)`](crate::ClientBuilder::experimental)
    /// sends that header with this operation's calls (and with no
    /// operation's whose entry does not say `experimental`); any other
    /// client refuses the call before sending anything, not even a token
    /// request, with [`Error::ExperimentalNotEnabled`].
    pub experimental: bool,
    /// Whether SailPoint's docs mark the operation deprecated (its
    /// generated method carries `#[deprecated]`). Informational: what the
    /// runtime warns about is an answer carrying SailPoint's
    /// [`DEPRECATED_HEADER`]`: true` (see [`is_deprecated`]), whatever the
    /// entry says.
    pub deprecated: bool,
}

impl Default for Quirks {
    fn default() -> Self {
        Quirks::NONE
    }
}

/// Whether `body` decodes as `T`: the generated quirks table names each
/// operation's error type with it.
pub fn decodes<T: serde::de::DeserializeOwned>(body: &[u8]) -> bool {
    serde_json::from_slice::<T>(body).is_ok()
}

impl Quirks {
    /// No quirks: a client whose spec needed no adaptation the runtime
    /// undoes (and tests of the runtime alone).
    pub const NONE: Quirks = Quirks { operations: &[] };

    /// What `operation` needs. A binary search, remembered per thread for
    /// the last operation looked up: calls of one operation in a row (a
    /// loop, a pager, a burst) find it without searching. `operation` is
    /// `'static` (progenitor's `OperationInfo::operation_id`), so its
    /// address names it for as long as the program runs.
    pub(crate) fn of(&'static self, operation: &'static str) -> &'static OperationQuirks {
        use std::cell::Cell;
        /// Which table (its address and length) and operation (its
        /// address and length) an entry's index belongs to.
        type Key = (usize, usize, usize, usize);
        thread_local! {
            /// The last lookup: its key, and the entry's index (`usize::MAX`
            /// for none).
            static LAST: Cell<(Key, usize)> = const { Cell::new(((0, 0, 0, 0), usize::MAX)) };
        }
        let key: Key = (
            self.operations.as_ptr() as usize,
            self.operations.len(),
            operation.as_ptr() as usize,
            operation.len(),
        );
        let index = match LAST.with(Cell::get) {
            (last, index) if last == key => index,
            _ => {
                let index = self
                    .operations
                    .binary_search_by(|entry| entry.operation.cmp(operation))
                    .unwrap_or(usize::MAX);
                LAST.with(|last| last.set((key, index)));
                index
            }
        };
        self.operations.get(index).unwrap_or(&OperationQuirks::NONE)
    }

    /// Whether the table is sorted by operation, as the lookup needs.
    pub(crate) fn is_sorted(&self) -> bool {
        self.operations
            .windows(2)
            .all(|pair| pair[0].operation < pair[1].operation)
    }
}

impl OperationQuirks {
    /// An operation the runtime has nothing to undo for.
    pub const NONE: OperationQuirks = OperationQuirks {
        operation: "",
        request_content_type: None,
        empty_success_as_null: false,
        success_statuses: &[],
        error_body_decodes: None,
        experimental: false,
        deprecated: false,
    };

    /// What a call of the operation does about [`EXPERIMENTAL_HEADER`], on
    /// a client that opted in to experimental operations (`enabled`) or
    /// not: the header goes exactly with an experimental operation's calls
    /// on a client that opted in; an experimental operation's call on one
    /// that did not is refused.
    pub(crate) fn experimental_header(&self, enabled: bool) -> ExperimentalHeader {
        match (self.experimental, enabled) {
            (false, _) => ExperimentalHeader::Omit,
            (true, true) => ExperimentalHeader::Send,
            (true, false) => ExperimentalHeader::Refuse,
        }
    }

    /// The documented 2xx status to hand an undocumented 2xx as, if any.
    fn documented_success(&self, status: StatusCode, empty: bool) -> Option<StatusCode> {
        let documented = self.success_statuses;
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

/// A request's turn under the rate limit: ready at once (no wait, no
/// allocation: the common case), or a wait, boxed.
enum Admit<'a> {
    Ready(Option<crate::ratelimit::Permit<'a>>),
    Wait(Pin<Box<dyn Future<Output = crate::ratelimit::Permit<'a>> + Send + 'a>>),
}

impl<'a> Future for Admit<'a> {
    type Output = Option<crate::ratelimit::Permit<'a>>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match &mut *self {
            Admit::Ready(permit) => std::task::Poll::Ready(permit.take()),
            Admit::Wait(wait) => wait.as_mut().poll(cx).map(Some),
        }
    }
}

/// What [`OperationQuirks::experimental_header`] decided for a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExperimentalHeader {
    /// Not an experimental operation: no header.
    Omit,
    /// An experimental operation, on a client that opted in: the header.
    Send,
    /// An experimental operation, on a client that did not opt in: nothing
    /// is sent.
    Refuse,
}

/// Whether an answer's headers mark its operation deprecated: SailPoint
/// answers a deprecated operation with [`DEPRECATED_HEADER`]`: true` (the
/// header name in any case, as HTTP has it; the value `true`, in any case).
/// The runtime leaves the header on the answer (a generated method's
/// `ResponseValue::headers()` has it) and logs a `tracing` warning the
/// first time each operation is answered so in a process.
///
/// ```
/// use sailpoint_runtime::is_deprecated;
///
/// let mut headers = http::HeaderMap::new();
/// assert!(!is_deprecated(&headers));
/// headers.insert("X-Deprecated", http::HeaderValue::from_static("true"));
/// assert!(is_deprecated(&headers));
/// headers.insert("x-deprecated", http::HeaderValue::from_static("false"));
/// assert!(!is_deprecated(&headers));
/// ```
pub fn is_deprecated(headers: &http::HeaderMap) -> bool {
    headers
        .get_all(DEPRECATED_HEADER)
        .iter()
        .any(|value| value.as_bytes().trim_ascii().eq_ignore_ascii_case(b"true"))
}

/// The most operations [`DEPRECATION_WARNINGS`] remembers: more than any
/// SailPoint API has (operations are a generated table), so that only a
/// caller inventing operation names could fill it.
pub(crate) const MAX_WARNED: usize = 4096;

/// The operations warned about as deprecated in this process.
static DEPRECATION_WARNINGS: WarnOnce = WarnOnce::new(MAX_WARNED);

/// Which operations have been warned about, by name, at most `kept` of them.
pub(crate) struct WarnOnce {
    warned: Mutex<std::collections::BTreeSet<&'static str>>,
    kept: usize,
}

impl WarnOnce {
    pub(crate) const fn new(kept: usize) -> Self {
        WarnOnce {
            warned: Mutex::new(std::collections::BTreeSet::new()),
            kept,
        }
    }

    /// Whether to warn about `operation` now: the first time it is asked,
    /// and never again while it is remembered. Once `kept` operations are
    /// remembered, one that is not is warned about every time (a warning
    /// too many rather than one lost; no generated client gets there).
    pub(crate) fn first(&self, operation: &'static str) -> bool {
        let mut warned = self.warned.lock().unwrap_or_else(|p| p.into_inner());
        if warned.contains(operation) {
            return false;
        }
        if warned.len() < self.kept {
            warned.insert(operation);
        }
        true
    }
}

/// Warns, once per operation in this process, when an answer says its
/// operation is deprecated. The answer keeps the header.
fn note_deprecation(response: &Response, operation: &'static str) {
    if is_deprecated(response.headers()) && DEPRECATION_WARNINGS.first(operation) {
        tracing::warn!(
            operation,
            "SailPoint marks `{operation}` deprecated (its answer carries X-Deprecated: true): \
             it may be removed; see SailPoint's API docs for its replacement"
        );
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
    /// Whether the client may call experimental operations (and sends
    /// [`EXPERIMENTAL_HEADER`] with their calls).
    pub(crate) experimental: bool,
    /// The most of a success body the client reads.
    pub(crate) max_body: u64,
    /// The most of an error body the client reads.
    pub(crate) max_error_body: usize,
    /// The generated client's quirks table.
    pub(crate) quirks: &'static Quirks,
    /// The client-side rate limit, when it is on.
    pub(crate) limiter: Option<Arc<crate::ratelimit::Limiter>>,
}

/// The future of [`Runtime::pre`]: ready at once when the token is fresh
/// (every call but those that fetch or wait for one), and sixteen bytes of
/// every call's future.
// Public as the return type of `Runtime::pre` (plumbing, like it).
#[doc(hidden)]
pub struct Pre<'a, E> {
    /// Fetching a token (or refusing the call).
    #[allow(clippy::type_complexity)]
    slow: Option<Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>>,
    error: std::marker::PhantomData<fn() -> E>,
}

// The output is progenitor's.
#[allow(clippy::result_large_err)]
impl<E> Future for Pre<'_, E> {
    type Output = Result<(), progenitor_client::Error<E>>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match &mut self.slow {
            None => std::task::Poll::Ready(Ok(())),
            Some(slow) => slow
                .as_mut()
                .poll(cx)
                .map(|done| done.map_err(to_generated)),
        }
    }
}

impl<E> Pre<'_, E> {
    /// A call of an experimental operation on a client that did not opt in:
    /// fails at once, the request unsent and no token asked for. (Boxed
    /// like a token fetch, so that `Pre` stays sixteen bytes; a refusal is
    /// no call's fast path.)
    fn refused(operation: &'static str) -> Self {
        tracing::warn!(
            operation,
            "an experimental operation, and the client does not call those: not sent"
        );
        let refused = Error::ExperimentalNotEnabled {
            operation: operation.to_owned(),
        };
        Pre {
            slow: Some(Box::pin(std::future::ready(Err(refused)))),
            error: std::marker::PhantomData,
        }
    }
}

impl<E> std::fmt::Debug for Pre<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pre")
            .field("fetching_a_token", &self.slow.is_some())
            .finish()
    }
}

/// The most redirects a call follows (same origin, same method).
pub const MAX_REDIRECTS: u32 = 5;

impl Runtime {
    /// The `pre` hook: sets SailPoint's headers and the bearer token. With
    /// no token to be had the request is not sent: the caller gets
    /// [`Error::Auth`]. An experimental operation's call carries
    /// [`EXPERIMENTAL_HEADER`] when the client opted in, and is refused
    /// otherwise, before a token is even asked for:
    /// [`Error::ExperimentalNotEnabled`].
    // Public for `impl_client_hooks!` only: a user calls the generated methods.
    #[doc(hidden)]
    pub fn pre<'r, E>(&self, request: &'r mut Request, operation: &'static str) -> Pre<'r, E> {
        // The call's one lookup: `exec`, which follows at once on the same
        // thread, finds the entry in the lookup's per-thread memory.
        let quirks = self.0.quirks.of(operation);
        let headers = request.headers_mut();
        match quirks.experimental_header(self.0.experimental) {
            ExperimentalHeader::Omit => {}
            ExperimentalHeader::Send => {
                headers.insert(EXPERIMENTAL_HEADER, HeaderValue::from_static("true"));
            }
            ExperimentalHeader::Refuse => return Pre::refused(operation),
        }
        headers.insert(SDK_HEADER, self.0.sdk_header.clone());
        if let Some(header) = self.0.tokens.fresh_bearer() {
            headers.insert(AUTHORIZATION, header);
            return Pre {
                slow: None,
                error: std::marker::PhantomData,
            };
        }
        // No fresh token: fetched (or waited for) in a future of its own,
        // boxed, so that every call's future does not carry its state; it
        // holds the runtime (a reference count), not a borrow of it.
        let runtime = self.clone();
        Pre {
            slow: Some(Box::pin(async move {
                match runtime.0.tokens.token().await {
                    Ok(token) => {
                        set_bearer(request, &token);
                        Ok(())
                    }
                    Err(e) => {
                        tracing::warn!(operation, error = %e, "no access token");
                        Err(Error::Auth(e))
                    }
                }
            })),
            error: std::marker::PhantomData,
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
    // Public for `impl_client_hooks!` only: a user calls the generated methods.
    #[doc(hidden)]
    pub fn exec<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: Request,
        operation: &'static str,
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
            Box::pin(self.exec_inner(http, request, operation, span))
        } else {
            let inner = self.exec_inner(http, request, operation, span.clone());
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
        mut request: Request,
        operation: &'static str,
        span: tracing::Span,
    ) -> reqwest::Result<Response> {
        // Found in the lookup's per-thread memory: `pre` looked it up just
        // before, on this thread (but after a token fetch, which may have
        // moved the call to another thread).
        let quirks = self.0.quirks.of(operation);
        if let Some(content_type) = quirks.request_content_type {
            set_content_type(&mut request, content_type);
        }
        // Timed only when the span records it.
        let started = (!span.is_disabled()).then(|| {
            span.record("attempt", 1u32);
            Instant::now()
        });
        let context = Context {
            span: &span,
            operation,
            quirks,
            started,
        };
        let permit = self.admit(&request).await;
        let Some(copy) = copy_of(&request) else {
            // A streaming body cannot be copied: sent once, as it is.
            let method = request.method().clone();
            let result = http.execute(request).await;
            drop(permit);
            let call = context.call(&method, None);
            let finished = self.finish(result, &call, 0);
            return Box::pin(self.concluded(finished, &call, None)).await;
        };
        let first = http.execute(copy).await;
        drop(permit);
        let first = match first {
            Ok(response) if response.status().is_success() => {
                let call = context.call(request.method(), Some(&request));
                self.record(&call, Some(response.status()));
                return match self.success(response, &call, 0) {
                    Success::Ready(response) => Ok(response),
                    Success::OverCap(over) => Ok(too_large(&over, self.0.max_body)),
                };
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
        let mut refused: Option<String> = None;
        loop {
            let outcome = match &result {
                Ok(response) => Attempt::Answered(response.status(), response.headers()),
                Err(e) if e.is_connect() => Attempt::NotSent,
                Err(_) => Attempt::NoAnswer,
            };
            let mut retry_now = false;
            if let Ok(response) = &result {
                let status = response.status();
                if status == StatusCode::TOO_MANY_REQUESTS {
                    let wait = crate::retry::retry_after(response.headers());
                    if let (Some(limiter), Some(wait)) = (&self.0.limiter, wait) {
                        limiter.pause(request.url().path(), wait);
                    }
                }
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
                            tracing::info!(
                                status = status.as_u16(),
                                location = printable_location(response.headers()),
                                reason,
                                "redirect not followed"
                            );
                            refused = Some(reason);
                            break;
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
            let permit = self.admit(&request).await;
            result = match copy_of(&request) {
                Some(copy) => {
                    let answer = http.execute(copy).await;
                    drop(permit);
                    answer
                }
                // Copied once already, so this does not happen; were it to,
                // the request goes as it is, and this is its last attempt.
                None => {
                    let last = http.execute(request).await;
                    let call = context.call(&method, None);
                    let finished = self.finish(last, &call, spent);
                    return self.concluded(finished, &call, None).await;
                }
            };
        }
        let call = context.call(&method, Some(&request));
        let finished = self.finish(result, &call, spent);
        self.concluded(finished, &call, refused).await
    }

    /// What the caller gets of a finished call: an error answer's body is
    /// read first; a redirect not followed says why.
    async fn concluded(
        &self,
        finished: Finished,
        call: &Call<'_>,
        refused: Option<String>,
    ) -> reqwest::Result<Response> {
        match finished {
            Finished::Done(result) => result,
            Finished::TooLarge(response) => Ok(too_large(&response, self.0.max_body)),
            Finished::ErrorAnswer(response) if response.status().is_redirection() => {
                note_deprecation(&response, call.operation);
                Ok(carrier(Error::Redirect {
                    status: response.status(),
                    location: printable_location(response.headers()),
                    reason: refused.unwrap_or_else(|| {
                        "its request's body is a stream, which cannot be sent again".into()
                    }),
                }))
            }
            Finished::ErrorAnswer(response) => self.error_answer(response, call).await,
        }
    }

    /// Sends `request` as a call of `operation` through the same hooks as
    /// a generated call (token, rate limit, retries, errors) and reads its
    /// answer as a list of JSON values, for callers that need the JSON as
    /// sent (a search's sort values; see
    /// [`pagination::search_after`](crate::pagination::search_after)).
    // Public for the client crate's hand-written calls.
    #[doc(hidden)]
    pub async fn json_list(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &'static str,
    ) -> Result<crate::pagination::RawPage, Error> {
        type Generated = progenitor_client::Error<()>;
        self.pre::<()>(&mut request, operation)
            .await
            .map_err(Error::from)?;
        let result = self.exec(http, request, operation).await;
        self.post::<()>(&result).map_err(Error::from)?;
        let response = result.map_err(|e| Error::from(Generated::CommunicationError(e)))?;
        if !response.status().is_success() {
            return Err(Error::from(Generated::UnexpectedResponse(response)));
        }
        let list = crate::answer::json::<Vec<serde_json::Value>, ()>(response, operation)
            .await
            .map_err(Error::from)?;
        Ok(crate::pagination::RawPage::from_response(list))
    }

    /// `request`'s turn under the rate limit (see [`crate::ratelimit`]):
    /// at once, or after a wait; held until it is answered.
    fn admit(&self, request: &Request) -> Admit<'_> {
        match &self.0.limiter {
            None => Admit::Ready(None),
            Some(limiter) => match limiter.admit(request.url().path()) {
                crate::ratelimit::Admission::Now(permit) => Admit::Ready(Some(permit)),
                crate::ratelimit::Admission::Wait(wait) => {
                    tracing::debug!("waiting for the rate limit");
                    Admit::Wait(wait)
                }
            },
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
                        .redact_in(&crate::convert::error_chain(&e))
                        .into_owned(),
                    None => crate::convert::error_chain(&e),
                };
                let error = Error::Transport {
                    message,
                    timeout: e.is_timeout(),
                    retry_safe: false,
                    source: Some(e),
                };
                return Finished::Done(Ok(carrier(error)));
            }
        };
        if response.status().is_success() {
            return match self.success(response, call, spent) {
                Success::Ready(response) => Finished::Done(Ok(response)),
                Success::OverCap(over) => Finished::TooLarge(over),
            };
        }
        Finished::ErrorAnswer(response)
    }

    /// Records the elapsed time and the status on the call's span.
    fn record(&self, call: &Call<'_>, status: Option<StatusCode>) {
        let span = call.span;
        if span.is_disabled() {
            return;
        }
        if let Some(started) = call.started {
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        }
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
    }

    /// A 2xx as the generated code should read it: an undocumented 2xx as
    /// the documented one, an empty body as `null` where the type is
    /// nullable, a body of unknown length capped; a body whose declared
    /// length is over the cap is refused (see [`too_large`]).
    fn success(&self, mut response: Response, call: &Call<'_>, spent: u32) -> Success {
        let status = response.status();
        if let Some(bucket) = &self.0.bucket {
            bucket.succeeded(spent);
        }
        tracing::info!(status = status.as_u16(), "done");
        note_deprecation(&response, call.operation);
        let empty = matches!(status.as_u16(), 204 | 205) || response.content_length() == Some(0);
        if let Some(documented) = call.quirks.documented_success(status, empty) {
            tracing::debug!(
                status = status.as_u16(),
                documented = documented.as_u16(),
                "an undocumented success status, read as the documented one"
            );
            response = with_status(response, documented);
        }
        if empty {
            return Success::Ready(if call.quirks.empty_success_as_null {
                with_body(response, "application/json", b"null".to_vec())
            } else {
                response
            });
        }
        match response.content_length() {
            Some(n) if n > self.0.max_body => Success::OverCap(response),
            Some(_) => Success::Ready(response),
            None => Success::Ready(capped(response, self.0.max_body)),
        }
    }

    /// Reads an error answer's body (capped, secrets redacted) into the
    /// caller's [`ApiError`](crate::ApiError), which reaches the caller
    /// through [`Runtime::post`]: the generated code never decodes an
    /// error answer, so every body shape SailPoint answers with (and any
    /// other: an HTML page, plain text) keeps what it says.
    async fn error_answer(
        &self,
        mut response: Response,
        call: &Call<'_>,
    ) -> reqwest::Result<Response> {
        let status = response.status();
        note_deprecation(&response, call.operation);
        let retry_after = crate::retry::retry_after(response.headers());
        let mut parts = crate::response::parts_of(&response);
        parts.headers.remove(reqwest::header::CONTENT_LENGTH);
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
        // Retrying is safe after a 429 or a 408 (the request was refused
        // unprocessed), or when the method may be repeated.
        let retry_safe =
            matches!(status.as_u16(), 408 | 429) || self.0.retry.may_repeat(call.method);
        let secrets: Vec<&Secret> = secrets.iter().collect();
        let api = crate::convert::api_error(
            status,
            retry_after,
            &read,
            &AnswerRules {
                cap,
                retry_safe,
                secrets: &secrets,
            },
        );
        if let Some(id) = &api.tracking_id {
            call.span.record("tracking_id", id.as_str());
        }
        tracing::info!(status = status.as_u16(), "error answer");
        Ok(crate::convert::carrier_of(parts, Error::Api(Box::new(api))))
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

    /// The `post` hook: what `exec` answered that is not for the generated
    /// code to read (an error answer, a redirect not followed, a body over
    /// the cap, a request that may have been carried out and got no answer)
    /// goes to the caller here, as the runtime's typed error riding on
    /// progenitor's `UnexpectedResponse` (see [`crate::convert`]).
    // Public for `impl_client_hooks!` only: a user calls the generated methods.
    #[doc(hidden)]
    #[allow(clippy::result_large_err)] // the signature is progenitor's
    pub fn post<E>(
        &self,
        result: &reqwest::Result<Response>,
    ) -> Result<(), progenitor_client::Error<E>> {
        match result {
            Ok(response) => match carried_again(response) {
                Some(carrier) => Err(progenitor_client::Error::UnexpectedResponse(carrier)),
                None => Ok(()),
            },
            Err(_) => Ok(()),
        }
    }
}

/// A 2xx as `Runtime::success` made it.
enum Success {
    /// For the generated code to read.
    Ready(Response),
    /// Its declared length is over the cap (see [`too_large`]).
    OverCap(Response),
}

/// What `finish` made of an outcome.
enum Finished {
    /// What the generated code gets.
    Done(reqwest::Result<Response>),
    /// An error answer whose body must be read first.
    ErrorAnswer(Response),
    /// A success whose declared length is over the cap.
    TooLarge(Response),
}

/// What every outcome of a call needs to know of it.
struct Context<'a> {
    span: &'a tracing::Span,
    /// The operation: the generated method's name.
    operation: &'static str,
    quirks: &'static OperationQuirks,
    /// When the call began, when its span records the time.
    started: Option<Instant>,
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
    /// The operation: the generated method's name.
    operation: &'static str,
    quirks: &'static OperationQuirks,
    method: &'a Method,
    started: Option<Instant>,
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

/// The call's outcome when a success body's declared length is over the
/// cap: [`Error::ResponseTooLarge`], not a byte of the body read (the
/// connection goes with the response).
fn too_large(response: &Response, cap: u64) -> Response {
    carrier(Error::ResponseTooLarge {
        status: response.status(),
        limit: cap,
    })
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

/// The largest body [`copy_of`] copies itself; a larger one is shared with
/// the copy by `Request::try_clone`.
const COPIED_BODY_MAX: usize = 64 * 1024;

/// A copy of `request` to send, the original kept for a retry; `None` for a
/// streaming body, which cannot be copied. `Request::try_clone` builds, and
/// drops again, a map of extensions for the timeout even where there is
/// none (three allocations on every call); this copy sets a timeout only
/// where there is one. reqwest shares a body only through `try_clone`, so a
/// body up to [`COPIED_BODY_MAX`] is copied (one allocation, as sharing
/// costs), and a larger one left to `try_clone`.
fn copy_of(request: &Request) -> Option<Request> {
    let body = match request.body() {
        None => None,
        Some(body) => match body.as_bytes() {
            Some(bytes) if bytes.len() <= COPIED_BODY_MAX => {
                Some(reqwest::Body::from(bytes::Bytes::copy_from_slice(bytes)))
            }
            _ => return request.try_clone(),
        },
    };
    let mut copy = Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    *copy.body_mut() = body;
    Some(copy)
}

fn set_bearer(request: &mut Request, token: &Token) {
    request
        .headers_mut()
        .insert(AUTHORIZATION, token.header.clone());
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn entry(operation: &'static str, statuses: &'static [u16]) -> OperationQuirks {
        OperationQuirks {
            success_statuses: statuses,
            operation,
            ..OperationQuirks::NONE
        }
    }

    static ONE: Quirks = Quirks {
        operations: &[entry("a", &[200]), entry("b", &[201]), entry("c", &[202])],
    };
    static OTHER: Quirks = Quirks {
        operations: &[entry("a", &[204]), entry("d", &[200])],
    };

    /// The lookup remembers the last operation per thread: the memory must
    /// never answer for another table, another operation, or a name that
    /// is not in the table.
    #[test]
    fn an_operation_is_found_in_its_own_table_whatever_was_looked_up_before() {
        let statuses = |q: &'static Quirks, op: &'static str| q.of(op).success_statuses.to_vec();
        for _ in 0..2 {
            assert_eq!(statuses(&ONE, "a"), [200]);
            assert_eq!(statuses(&ONE, "a"), [200]);
            // The same name, another table.
            assert_eq!(statuses(&OTHER, "a"), [204]);
            assert_eq!(statuses(&ONE, "c"), [202]);
            // Not in the table: nothing, twice in a row.
            assert_eq!(statuses(&ONE, "d"), Vec::<u16>::new());
            assert_eq!(statuses(&ONE, "d"), Vec::<u16>::new());
            assert_eq!(statuses(&OTHER, "d"), [200]);
            // The same text at another address.
            let b: &'static str = Box::leak(String::from("b").into_boxed_str());
            assert_eq!(statuses(&ONE, b), [201]);
            assert_eq!(statuses(&ONE, "b"), [201]);
        }
        // A table that is the start of another shares its address.
        static FIRST_TWO: Quirks = Quirks {
            operations: ONE.operations.split_at(2).0,
        };
        assert_eq!(statuses(&ONE, "c"), [202]);
        assert_eq!(statuses(&FIRST_TWO, "c"), Vec::<u16>::new());
        assert_eq!(statuses(&ONE, "c"), [202]);
        assert!(ONE.is_sorted() && OTHER.is_sorted());
        static UNSORTED: Quirks = Quirks {
            operations: &[entry("b", &[]), entry("a", &[])],
        };
        assert!(!UNSORTED.is_sorted());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn leak<T>(value: T) -> &'static T {
            Box::leak(Box::new(value))
        }

        /// A table of `names` (sorted, without repeats), each entry's
        /// statuses naming the table and the entry, so that a wrong answer
        /// shows.
        fn table(names: &[String], which: u16) -> &'static Quirks {
            let mut names: Vec<&String> = names.iter().collect();
            names.sort();
            names.dedup();
            let entries: Vec<OperationQuirks> = names
                .iter()
                .enumerate()
                .map(|(i, name)| OperationQuirks {
                    operation: Box::leak(name.as_str().into()),
                    success_statuses: Box::leak(vec![which, i as u16].into_boxed_slice()),
                    ..OperationQuirks::NONE
                })
                .collect();
            leak(Quirks {
                operations: Box::leak(entries.into_boxed_slice()),
            })
        }

        proptest! {
            /// Whatever the tables and the order of lookups (the same
            /// table, another one, a name not in it, the same text at
            /// another address), a lookup answers what a search of the
            /// table from scratch answers.
            #[test]
            fn a_lookup_answers_what_a_fresh_search_does(
                a in proptest::collection::vec("[a-e]{1,3}", 0..12),
                b in proptest::collection::vec("[a-e]{1,3}", 0..12),
                extra in proptest::collection::vec("[a-e]{1,3}", 0..3),
                lookups in proptest::collection::vec((0usize..3, any::<prop::sample::Index>(), any::<bool>()), 1..60),
            ) {
                // Names looked up: those of the tables, and a few others.
                let pool: Vec<String> = a.iter().chain(&b).chain(&extra).cloned().collect();
                prop_assume!(!pool.is_empty());
                let first = table(&a, 1);
                let second = table(&b, 2);
                // The start of the first table: the same address, fewer entries.
                let start = leak(Quirks {
                    operations: &first.operations[..first.operations.len() / 2],
                });
                let tables = [first, second, start];
                let mut names: std::collections::HashMap<String, &'static str> =
                    std::collections::HashMap::new();
                for (which, pick, same_address) in lookups {
                    let name = pool[pick.index(pool.len())].clone();
                    let name: &'static str = if same_address {
                        names.entry(name.clone()).or_insert_with(|| Box::leak(name.into()))
                    } else {
                        Box::leak(name.into_boxed_str())
                    };
                    let table = tables[which];
                    let expected = table
                        .operations
                        .iter()
                        .find(|entry| entry.operation == name)
                        .map_or(&[][..], |entry| entry.success_statuses);
                    prop_assert_eq!(table.of(name).success_statuses, expected);
                }
            }
        }
    }

    /// The header goes exactly with an experimental operation's calls on a
    /// client that opted in; such a call on any other client is refused.
    #[test]
    fn the_experimental_header_goes_only_with_experimental_operations_opted_in() {
        let plain = OperationQuirks::NONE;
        let experimental = OperationQuirks {
            experimental: true,
            ..OperationQuirks::NONE
        };
        let deprecated = OperationQuirks {
            deprecated: true,
            ..OperationQuirks::NONE
        };
        for enabled in [false, true] {
            assert_eq!(plain.experimental_header(enabled), ExperimentalHeader::Omit);
            assert_eq!(
                deprecated.experimental_header(enabled),
                ExperimentalHeader::Omit
            );
        }
        assert_eq!(
            experimental.experimental_header(true),
            ExperimentalHeader::Send
        );
        assert_eq!(
            experimental.experimental_header(false),
            ExperimentalHeader::Refuse
        );
    }

    /// `X-Deprecated: true`, the value in any case and space around it; any
    /// other value, or none, is not deprecation.
    #[test]
    fn deprecation_is_the_header_saying_true() {
        let with = |values: &[&'static str]| {
            let mut headers = http::HeaderMap::new();
            for value in values {
                headers.append(DEPRECATED_HEADER, HeaderValue::from_static(value));
            }
            is_deprecated(&headers)
        };
        assert!(with(&["true"]));
        assert!(with(&["TRUE"]));
        assert!(with(&[" True "]));
        assert!(with(&["false", "true"]));
        assert!(!with(&[]));
        assert!(!with(&["false"]));
        assert!(!with(&["1"]));
        assert!(!with(&["truely"]));
        assert!(!with(&[""]));
        // Header names have no case: `X-Deprecated` is the same header.
        let mut headers = http::HeaderMap::new();
        headers.insert(
            HeaderName::from_bytes(b"X-Deprecated").unwrap(),
            HeaderValue::from_static("true"),
        );
        assert!(is_deprecated(&headers));
    }

    /// Once per operation (by name, wherever the text is); bounded: when
    /// full, operations it does not remember are warned about every time,
    /// and those it does, still never again.
    #[test]
    fn a_deprecation_is_warned_about_once_per_operation_and_the_memory_is_bounded() {
        let once = WarnOnce::new(2);
        assert!(once.first("a"));
        assert!(!once.first("a"));
        let a: &'static str = Box::leak(String::from("a").into_boxed_str());
        assert!(!once.first(a), "the same name at another address");
        assert!(once.first("b"));
        assert!(!once.first("b"));
        // Full: `c` is not remembered, and warned about each time.
        assert!(once.first("c"));
        assert!(once.first("c"));
        assert!(!once.first("a") && !once.first("b"));
        assert_eq!(once.warned.lock().unwrap().len(), 2);
    }

    /// The refusal of an unopted experimental call is the typed error,
    /// through progenitor's error and back, and not retryable.
    #[test]
    fn an_experimental_call_refused_is_the_typed_error_from_progenitors() {
        use std::task::{Context, Poll, Waker};
        let mut pre = std::pin::pin!(Pre::<()>::refused("list_foo"));
        let Poll::Ready(Err(error)) = pre.as_mut().poll(&mut Context::from_waker(Waker::noop()))
        else {
            panic!("a refusal is ready at once, and an error");
        };
        let error = Error::from(error);
        assert!(
            matches!(&error, Error::ExperimentalNotEnabled { operation } if operation == "list_foo"),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "`list_foo` is an experimental SailPoint operation: enable it with \
             ClientBuilder::experimental(true) (sends X-SailPoint-Experimental: true)"
        );
        assert!(!error.is_retryable());
        assert_eq!(error.status(), None);
    }

    /// `Pre` stays sixteen bytes of every call's future.
    #[test]
    fn the_pre_future_stays_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Pre<'_, ()>>(), 16);
    }

    /// A copy is the request: method, URL, headers, version, timeout and
    /// body, small or large; a streaming body cannot be copied.
    #[test]
    fn a_copy_is_the_request_whatever_its_body() {
        let url = reqwest::Url::parse("http://127.0.0.1:9/a?b=c").unwrap();
        for (body, timeout) in [
            (Some(vec![b'x'; 10]), None),
            (
                Some(vec![b'y'; COPIED_BODY_MAX + 1]),
                Some(Duration::from_secs(3)),
            ),
            (None, Some(Duration::from_millis(5))),
        ] {
            let mut request = Request::new(Method::PUT, url.clone());
            let headers = request.headers_mut();
            headers.insert("x-one", HeaderValue::from_static("1"));
            headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer t"));
            *request.version_mut() = reqwest::Version::HTTP_2;
            *request.timeout_mut() = timeout;
            *request.body_mut() = body.clone().map(reqwest::Body::from);
            let copy = copy_of(&request).unwrap();
            assert_eq!(copy.method(), request.method());
            assert_eq!(copy.url(), request.url());
            assert_eq!(copy.headers(), request.headers());
            assert_eq!(copy.version(), request.version());
            assert_eq!(copy.timeout(), timeout.as_ref());
            assert_eq!(
                copy.body().and_then(reqwest::Body::as_bytes),
                body.as_deref()
            );
        }
        let mut streaming = Request::new(Method::POST, url);
        *streaming.body_mut() = Some(reqwest::Body::wrap_stream(futures_util::stream::iter(
            vec![Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"x"))],
        )));
        assert!(copy_of(&streaming).is_none());
    }

    /// The future of the retry loop is boxed once per call; glibc serves
    /// allocations up to 1032 bytes from a per-thread cache and larger ones
    /// from its shared bins, which measured slower. Keep it under.
    #[tokio::test]
    async fn the_boxed_call_future_stays_small() {
        let parts = crate::ClientBuilder::new()
            .base_url("http://127.0.0.1:9")
            .access_token("t")
            .build_parts("/beta", "t/0", &Quirks::NONE)
            .unwrap();
        let request = parts
            .http
            .post("http://127.0.0.1:9/x")
            .body("{}")
            .build()
            .unwrap();
        let size = std::mem::size_of_val(&parts.runtime.exec_inner(
            &parts.http,
            request,
            "x",
            tracing::Span::none(),
        ));
        eprintln!("the boxed call future: {size} bytes");
        assert!(size <= 1032, "the boxed call future is {size} bytes");
    }
}
