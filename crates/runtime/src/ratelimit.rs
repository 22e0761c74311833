//! The client-side rate limit: calls wait their turn instead of being
//! answered 429.
//!
//! SailPoint's API gateway allows 100 requests per 10 seconds per
//! `client_id` and API version (its "Rate Limiting" page: "a default rate
//! limit of 100 requests per `client_id` per 10 seconds for v2024 API
//! calls"; some operations document a lower one of their own, e.g. 50 per
//! 10 s per tenant for listing form instances). A client that only reacts
//! to 429s spends a parallel export's time in back-off; this one keeps
//! under the limit.
//!
//! - **Keyed as SailPoint keys it.** One limiter per `client_id` (every
//!   clone of a client shares it, and so does every client of the process
//!   built with the same token endpoint, client id and limit), with one
//!   window per API version. The version is the path's version segment:
//!   `/accounts/v1/...` and `/sources/v1/...` count against `v1` together,
//!   `/sources/v2/...` against `v2`, a legacy `/beta/...` or `/v3/...`
//!   against `beta` or `v3`. On the per-service API (2026) SailPoint has not
//!   said whether its gateway counts per service or per version; counting
//!   per version is the safe reading (never more requests than either).
//! - **A sliding window, counted from the answers**: a request counts in
//!   its window from when it is sent until a span of `per` has passed since
//!   its answer came (or it failed). The gateway counts a request when it
//!   arrives, which is after it was sent and before it was answered; so
//!   when the client lets at most `requests` be counted at once, no span
//!   the gateway looks at, sliding or fixed, holds more, however long
//!   requests take on the way. (Counting from when requests are sent is
//!   not enough: two requests sent a span apart may arrive less than a
//!   span apart, the first delayed on the way.) It costs a span of the
//!   answer's time, a few milliseconds, per window.
//! - **Fair**: a call that has to wait queues behind those already waiting,
//!   first come, first sent; a call that does not have to wait costs a
//!   lock and a clock read.
//! - **429s still count**: a 429 pauses its window for the `Retry-After`
//!   it carries (at most a span), for every call of the client, besides
//!   the retry of the call itself.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

// tokio's clock, which tests can stop and move.
use tokio::time::Instant;

/// How many requests a client sends per span of time, per API version
/// (see the [module docs](self)).
///
/// ```
/// use std::time::Duration;
/// use sailpoint_runtime::{ClientBuilder, RateLimit};
///
/// // SailPoint's default, which is the client's default too.
/// assert_eq!(RateLimit::default(), RateLimit::new(100, Duration::from_secs(10)));
/// // A tenant with a higher limit agreed:
/// let builder = ClientBuilder::from_env().rate_limit(Some(RateLimit::new(300, Duration::from_secs(10))));
/// // Off: only 429s slow the client down.
/// let builder = ClientBuilder::from_env().rate_limit(None);
/// # let _ = builder;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in any span of [`RateLimit::per`] (at least 1).
    pub requests: u32,
    /// The span.
    pub per: Duration,
}

impl Default for RateLimit {
    /// SailPoint's default: 100 requests per 10 seconds.
    fn default() -> Self {
        RateLimit::new(100, Duration::from_secs(10))
    }
}

impl RateLimit {
    /// `requests` per `per` (at least one request).
    pub fn new(requests: u32, per: Duration) -> Self {
        RateLimit {
            requests: requests.max(1),
            per,
        }
    }
}

/// The limiters of this process, by token endpoint, client id and limit:
/// clients built apart with the same credentials share one.
type Registry = Mutex<HashMap<(String, String, RateLimit), Weak<Limiter>>>;

static LIMITERS: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();

/// A client's limiter: one window per API version.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    windows: RwLock<Vec<(Box<str>, Arc<Window>)>>,
}

#[derive(Debug, Default)]
struct Window {
    state: Mutex<State>,
    /// Calls that wait, in the order they came.
    queue: tokio::sync::Mutex<()>,
    /// How many calls wait (a call that need not wait goes ahead only when
    /// none does).
    waiting: AtomicUsize,
    /// Told when a request of the window is answered.
    answered: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct State {
    /// Requests sent and not answered yet.
    in_flight: usize,
    /// When requests were answered (or failed), oldest first: each counts
    /// until a span has passed since.
    answered: VecDeque<Instant>,
    /// No request before this (a 429's `Retry-After`).
    paused_until: Option<Instant>,
}

/// A request's place in its window, from when it is let go until it is
/// answered: dropping it (when the answer came, or the request failed or
/// was given up) starts the span it still counts for.
#[derive(Debug)]
pub(crate) struct Permit(Arc<Window>);

impl Drop for Permit {
    fn drop(&mut self) {
        {
            let mut state = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
            state.in_flight = state.in_flight.saturating_sub(1);
            state.answered.push_back(Instant::now());
        }
        // Only a call that waits listens (and it counts itself in
        // `waiting` before it looks at the window).
        if self.0.waiting.load(Ordering::Acquire) > 0 {
            self.0.answered.notify_waiters();
        }
    }
}

/// Whether a request may go: at once, or after a wait (boxed: only calls
/// that wait pay for it).
pub(crate) enum Admission {
    /// It may go now.
    Now(Permit),
    /// It goes when this is done.
    Wait(Pin<Box<dyn Future<Output = Permit> + Send>>),
}

impl Limiter {
    /// The limiter of `client_id` at `token_url` with `limit`, shared with
    /// every client of the process that has the same three.
    pub(crate) fn shared(token_url: &str, client_id: &str, limit: RateLimit) -> Arc<Limiter> {
        let registry = LIMITERS.get_or_init(Default::default);
        let mut limiters = registry.lock().unwrap_or_else(|p| p.into_inner());
        limiters.retain(|_, weak| weak.strong_count() > 0);
        let key = (token_url.to_owned(), client_id.to_owned(), limit);
        if let Some(limiter) = limiters.get(&key).and_then(Weak::upgrade) {
            return limiter;
        }
        let limiter = Arc::new(Limiter::new(limit));
        limiters.insert(key, Arc::downgrade(&limiter));
        limiter
    }

    /// A limiter of its own (a client with a fixed access token).
    pub(crate) fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            windows: RwLock::new(Vec::new()),
        }
    }

    fn window(&self, path: &str) -> Arc<Window> {
        let version = version_of(path);
        {
            let windows = self.windows.read().unwrap_or_else(|p| p.into_inner());
            if let Some((_, window)) = windows.iter().find(|(v, _)| &**v == version) {
                return window.clone();
            }
        }
        let mut windows = self.windows.write().unwrap_or_else(|p| p.into_inner());
        if let Some((_, window)) = windows.iter().find(|(v, _)| &**v == version) {
            return window.clone();
        }
        let window = Arc::new(Window::default());
        windows.push((version.into(), window.clone()));
        window
    }

    /// Lets a request to `path` go: at once when the limit leaves room and
    /// no call waits before it, else in its turn. Either way the request
    /// holds its [`Permit`] until it is answered.
    pub(crate) fn admit(&self, path: &str) -> Admission {
        let window = self.window(path);
        if window.waiting.load(Ordering::Acquire) == 0 && send_if_room(&self.limit, &window).is_ok()
        {
            return Admission::Now(Permit(window));
        }
        let limit = self.limit;
        window.waiting.fetch_add(1, Ordering::AcqRel);
        Admission::Wait(Box::pin(async move {
            // Decrements `waiting` however the wait ends (a call dropped
            // while it waits included).
            struct Waiting(Arc<Window>);
            impl Drop for Waiting {
                fn drop(&mut self) {
                    self.0.waiting.fetch_sub(1, Ordering::AcqRel);
                }
            }
            let waiting = Waiting(window);
            let window = &waiting.0;
            let _turn = window.queue.lock().await;
            loop {
                // Listening before looking: an answer between the two is
                // not missed.
                let answered = window.answered.notified();
                tokio::pin!(answered);
                answered.as_mut().enable();
                match send_if_room(&limit, window) {
                    Ok(()) => break,
                    Err(Some(until)) => tokio::time::sleep_until(until).await,
                    Err(None) => answered.await,
                }
            }
            Permit(waiting.0.clone())
        }))
    }

    /// A 429 for a request to `path` whose `Retry-After` says `wait`: no
    /// request of its window goes before it has passed (at most a span:
    /// the gateway's window frees up within one, whatever a server says).
    /// Without a `Retry-After`, the call's own backoff is the answer.
    pub(crate) fn pause(&self, path: &str, wait: Duration) {
        let window = self.window(path);
        let wait = wait.min(self.limit.per);
        let until = Instant::now() + wait;
        let mut state = window.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.paused_until.is_none_or(|at| at < until) {
            state.paused_until = Some(until);
        }
    }
}

/// Counts a request in `window` if the limit leaves room now; else when
/// there will be room (`None`: when a request in flight is answered).
fn send_if_room(limit: &RateLimit, window: &Window) -> Result<(), Option<Instant>> {
    let now = Instant::now();
    let mut state = window.state.lock().unwrap_or_else(|p| p.into_inner());
    while state
        .answered
        .front()
        .is_some_and(|at| now.saturating_duration_since(*at) >= limit.per)
    {
        state.answered.pop_front();
    }
    if let Some(until) = state.paused_until {
        if now < until {
            return Err(Some(until));
        }
        state.paused_until = None;
    }
    if state.in_flight + state.answered.len() < limit.requests as usize {
        state.in_flight += 1;
        return Ok(());
    }
    // Full: room when the oldest answered leaves the window, or, with every
    // place in flight, a span after one of them is answered.
    Err(state.answered.front().map(|at| *at + limit.per))
}

/// The API version a path belongs to: its first segment like `v1`, `v2024`
/// or `beta` among the first two (`/accounts/v1/...`, `/v3/...`); `""`
/// for a path with none.
fn version_of(path: &str) -> &str {
    path.trim_start_matches('/')
        .split('/')
        .take(2)
        .find(|segment| {
            *segment == "beta"
                || segment
                    .strip_prefix('v')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_count_against_their_api_version() {
        assert_eq!(version_of("/accounts/v1/abc"), "v1");
        assert_eq!(version_of("/sources/v2/x/v3"), "v2");
        assert_eq!(version_of("/v3/transforms"), "v3");
        assert_eq!(version_of("/beta/workflows"), "beta");
        assert_eq!(version_of("/v2024/x"), "v2024");
        assert_eq!(version_of("/.well-known/v1/ssf"), "v1");
        assert_eq!(version_of("/oauth/token"), "");
        assert_eq!(version_of("/a/b/v1"), "", "only the first two segments");
        assert_eq!(version_of("/vx/y"), "");
    }

    /// Waits for a turn, if it must.
    async fn turn(limiter: &Limiter, path: &str) -> Permit {
        match limiter.admit(path) {
            Admission::Now(permit) => permit,
            Admission::Wait(wait) => wait.await,
        }
    }

    /// Requests answered after a delay of their own: never more than
    /// `requests` of them are in flight or answered within a span, so no
    /// span between arrivals (each between its request's sending and its
    /// answer) holds more.
    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_any_span_of_arrivals() {
        let limit = RateLimit::new(5, Duration::from_millis(100));
        let limiter = Arc::new(Limiter::new(limit));
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let calls: Vec<_> = (0..23u64)
            .map(|i| {
                let (limiter, arrivals) = (limiter.clone(), arrivals.clone());
                tokio::spawn(async move {
                    let permit = turn(&limiter, "/accounts/v1/x").await;
                    // On the way for 0 to 30 ms, then answered 0 to 20 ms later.
                    tokio::time::sleep(Duration::from_millis(i * 7 % 31)).await;
                    arrivals.lock().unwrap().push(Instant::now());
                    tokio::time::sleep(Duration::from_millis(i * 11 % 21)).await;
                    drop(permit);
                })
            })
            .collect();
        for call in calls {
            call.await.unwrap();
        }
        let mut arrived = arrivals.lock().unwrap().clone();
        arrived.sort();
        for (i, at) in arrived.iter().enumerate() {
            let within = arrived[i..]
                .iter()
                .filter(|t| t.duration_since(*at) < limit.per)
                .count();
            assert!(
                within <= 5,
                "{within} arrivals within a span from arrival {i}"
            );
        }
        // 23 requests, 5 per span: at least 4 spans after the first.
        let took = arrived[22].duration_since(arrived[0]);
        assert!(took >= limit.per * 4, "{took:?}");
        assert!(took < limit.per * 7, "{took:?}");
    }

    /// Versions have windows of their own; a 429 pauses its window only.
    #[tokio::test(start_paused = true)]
    async fn versions_are_counted_apart_and_a_429_pauses_its_own() {
        let limiter = Limiter::new(RateLimit::new(1, Duration::from_secs(1)));
        drop(turn(&limiter, "/a/v1/x").await);
        assert!(
            matches!(limiter.admit("/a/v2/x"), Admission::Now(_)),
            "another version"
        );
        let started = Instant::now();
        assert!(
            matches!(limiter.admit("/b/v1/y"), Admission::Wait(_)),
            "v1 is full"
        );
        drop(turn(&limiter, "/b/v1/y").await);
        assert!(started.elapsed() >= Duration::from_secs(1));
        limiter.pause("/a/v2/x", Duration::from_millis(700));
        let started = Instant::now();
        drop(turn(&limiter, "/a/v2/x").await);
        assert!(started.elapsed() >= Duration::from_millis(700));
        // However long a server asks for, at most a span.
        limiter.pause("/a/v3/x", Duration::from_secs(3600));
        let started = Instant::now();
        drop(turn(&limiter, "/a/v3/x").await);
        assert!(
            started.elapsed() <= Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    /// With every place in flight, a call waits for an answer, then a span.
    #[tokio::test(start_paused = true)]
    async fn a_full_window_of_requests_in_flight_waits_for_an_answer() {
        let limiter = Arc::new(Limiter::new(RateLimit::new(2, Duration::from_millis(100))));
        let a = turn(&limiter, "/v1").await;
        let _b = turn(&limiter, "/v1").await;
        let started = Instant::now();
        let waiting = {
            let limiter = limiter.clone();
            tokio::spawn(async move { drop(turn(&limiter, "/v1").await) })
        };
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!waiting.is_finished(), "both places are in flight");
        drop(a);
        waiting.await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(600),
            "{:?}",
            started.elapsed()
        );
    }

    /// Calls that wait go in the order they came.
    #[tokio::test(start_paused = true)]
    async fn waiting_calls_go_first_come_first_sent() {
        let limiter = Arc::new(Limiter::new(RateLimit::new(1, Duration::from_millis(50))));
        let order = Arc::new(Mutex::new(Vec::new()));
        drop(turn(&limiter, "/v1").await);
        let mut calls = Vec::new();
        for i in 0..10 {
            let Admission::Wait(wait) = limiter.admit("/v1") else {
                panic!("the window is full");
            };
            let order = order.clone();
            calls.push(tokio::spawn(async move {
                drop(wait.await);
                order.lock().unwrap().push(i);
            }));
            tokio::task::yield_now().await;
        }
        for call in calls {
            call.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn clients_with_the_same_credentials_share_one_limiter() {
        let limit = RateLimit::default();
        let a = Limiter::shared("https://t/oauth/token", "id", limit);
        let b = Limiter::shared("https://t/oauth/token", "id", limit);
        let c = Limiter::shared("https://t/oauth/token", "other", limit);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
