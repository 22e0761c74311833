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
//!   span apart, the first delayed on the way.) Answers are counted in
//!   slots of a 64th of the span, each slot until a span after its end: a
//!   request counts at most a 64th of a span longer than it must, and the
//!   window's memory is the same however many requests it sees.
//! - **Cheap when there is room**: a call that need not wait costs one
//!   atomic compare-and-swap to be counted and one atomic addition (and a
//!   clock read) when it is answered; no lock, no allocation. Locks are
//!   taken only to let answers leave the window when it is full, and once
//!   per slot to reuse it.
//! - **Fair**: a call that has to wait queues behind those already waiting,
//!   first come, first sent; while any call waits, none goes ahead of it.
//! - **429s still count**: a 429 pauses its window for the `Retry-After`
//!   it carries (at most a span), for every call of the client, besides
//!   the retry of the call itself.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
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

/// How many slots a span is cut into: a request counts at most a slot
/// longer than it must.
const SLOTS_PER_SPAN: u64 = 64;

/// The slots a window keeps: a slot counts until a span after its end, so
/// the slot an answer comes in and the span after it are in use at once;
/// one more, and the slot that is reused has always expired.
const SLOTS: usize = SLOTS_PER_SPAN as usize + 2;

/// The API versions a limiter keeps apart; calls of further versions are
/// counted together with the last (never more requests than the limit of
/// either). A client calls one or two.
const VERSIONS: usize = 8;

/// A slot's epoch before it was first used.
const UNUSED: u64 = u64::MAX;

/// A client's limiter: one window per API version.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    /// The clock of the windows' slots.
    clock: Clock,
    /// Filled in the order versions are first called, never emptied: a
    /// window found once stays where it is (a permit borrows it).
    windows: [std::sync::OnceLock<Window>; VERSIONS],
}

/// Time as slot numbers since the limiter was made.
#[derive(Debug, Clone, Copy)]
struct Clock {
    origin: Instant,
    /// A slot's length in nanoseconds (at least 1).
    slot: u64,
}

impl Clock {
    fn new(per: Duration) -> Clock {
        let per = u64::try_from(per.as_nanos()).unwrap_or(u64::MAX);
        Clock {
            origin: Instant::now(),
            slot: (per / SLOTS_PER_SPAN).max(1),
        }
    }

    /// Nanoseconds from the origin to `at`.
    fn nanos(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.origin).as_nanos()).unwrap_or(u64::MAX)
    }

    fn at(&self, nanos: u64) -> Instant {
        // Past what the clock can say (a span of centuries): a year.
        self.origin
            .checked_add(Duration::from_nanos(nanos))
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 86_400))
    }

    fn slot_of(&self, nanos: u64) -> u64 {
        nanos / self.slot
    }

    /// When the answers of slot `epoch` leave the window: a span after its
    /// end.
    fn expiry(&self, epoch: u64) -> u64 {
        epoch.saturating_add(SLOTS_PER_SPAN + 1)
    }
}

/// One API version's window.
#[derive(Debug)]
struct Window {
    version: Box<str>,
    requests: u64,
    clock: Clock,
    /// What every call looks at, on a cache line of its own.
    hot: Hot,
    /// Answers by the slot they came in (index: the slot number modulo
    /// [`SLOTS`]).
    slots: [Slot; SLOTS],
    /// Held to take expired answers out of the window and to reuse a slot.
    sweep: Mutex<()>,
    /// Calls that wait, in the order they came.
    queue: tokio::sync::Mutex<()>,
    /// Told when a request of the window is answered while a call waits.
    answered: tokio::sync::Notify,
}

#[derive(Debug, Default)]
#[repr(align(64))]
struct Hot {
    /// Requests counted: in flight, and answered in a slot that has not
    /// expired. Never fewer than there are (answers leave only once their
    /// slot has expired, a moment later at most).
    counted: std::sync::atomic::AtomicU64,
    /// How many calls wait (a call that need not wait goes ahead only when
    /// none does).
    waiting: AtomicUsize,
    /// No request before this (a 429's `Retry-After`), in nanoseconds
    /// since the clock's origin; 0 for none.
    paused_until: std::sync::atomic::AtomicU64,
}

#[derive(Debug)]
struct Slot {
    /// The slot number whose answers `count` holds.
    epoch: std::sync::atomic::AtomicU64,
    count: std::sync::atomic::AtomicU64,
}

/// A request's place in its window, from when it is let go until it is
/// answered: dropping it (when the answer came, or the request failed or
/// was given up) starts the span it still counts for.
#[derive(Debug)]
pub(crate) struct Permit<'a>(&'a Window);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.answered();
    }
}

/// Whether a request may go: at once, or after a wait (boxed: only calls
/// that wait pay for it).
pub(crate) enum Admission<'a> {
    /// It may go now.
    Now(Permit<'a>),
    /// It goes when this is done.
    Wait(Pin<Box<dyn Future<Output = Permit<'a>> + Send + 'a>>),
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
            clock: Clock::new(limit.per),
            windows: Default::default(),
        }
    }

    /// The window of `path`'s API version.
    fn window(&self, path: &str) -> &Window {
        let version = version_of(path);
        let new = || Window::new(version, self.limit, self.clock);
        let [others @ .., last] = &self.windows;
        for place in others {
            let window = place.get_or_init(new);
            if &*window.version == version {
                return window;
            }
        }
        // This version's, or, past `VERSIONS` versions, theirs together.
        last.get_or_init(new)
    }

    /// Lets a request to `path` go: at once when the limit leaves room and
    /// no call waits before it, else in its turn. Either way the request
    /// holds its [`Permit`] until it is answered.
    pub(crate) fn admit(&self, path: &str) -> Admission<'_> {
        let window = self.window(path);
        if window.hot.waiting.load(Ordering::SeqCst) == 0
            && (window.count_if_room() || window.send_if_room().is_ok())
        {
            return Admission::Now(Permit(window));
        }
        window.hot.waiting.fetch_add(1, Ordering::SeqCst);
        Admission::Wait(Box::pin(async move {
            // Decrements `waiting` however the wait ends (a call dropped
            // while it waits included).
            struct Waiting<'a>(&'a Window);
            impl Drop for Waiting<'_> {
                fn drop(&mut self) {
                    self.0.hot.waiting.fetch_sub(1, Ordering::SeqCst);
                }
            }
            let waiting = Waiting(window);
            let _turn = window.queue.lock().await;
            loop {
                // Listening before looking: an answer between the two is
                // not missed.
                let answered = window.answered.notified();
                tokio::pin!(answered);
                answered.as_mut().enable();
                match window.send_if_room() {
                    Ok(()) => break,
                    Err(Some(until)) => tokio::time::sleep_until(until).await,
                    Err(None) => answered.await,
                }
            }
            drop(waiting);
            Permit(window)
        }))
    }

    /// A 429 for a request to `path` whose `Retry-After` says `wait`: no
    /// request of its window goes before it has passed (at most a span:
    /// the gateway's window frees up within one, whatever a server says).
    /// Without a `Retry-After`, the call's own backoff is the answer.
    pub(crate) fn pause(&self, path: &str, wait: Duration) {
        let window = self.window(path);
        // In the clock's nanoseconds, saturating: neither a server's
        // `Retry-After` nor a span of centuries overflows an instant.
        let wait = u64::try_from(wait.min(self.limit.per).as_nanos()).unwrap_or(u64::MAX);
        let until = self.clock.nanos(Instant::now()).saturating_add(wait).max(1);
        window.hot.paused_until.fetch_max(until, Ordering::SeqCst);
    }
}

impl Window {
    fn new(version: &str, limit: RateLimit, clock: Clock) -> Window {
        Window {
            version: version.into(),
            requests: u64::from(limit.requests),
            clock,
            hot: Hot::default(),
            slots: std::array::from_fn(|_| Slot {
                epoch: UNUSED.into(),
                count: 0.into(),
            }),
            sweep: Mutex::new(()),
            queue: tokio::sync::Mutex::new(()),
            answered: tokio::sync::Notify::new(),
        }
    }

    /// Counts a request if the limit leaves room now, without looking at
    /// the clock: the fast path (false also while a 429's pause is on).
    fn count_if_room(&self) -> bool {
        self.hot.paused_until.load(Ordering::SeqCst) == 0
            && self
                .hot
                .counted
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (n < self.requests).then_some(n + 1)
                })
                .is_ok()
    }

    /// Counts a request if the limit leaves room now, once answers that
    /// have expired have left; else when there will be room (`None`: when
    /// a request in flight is answered).
    fn send_if_room(&self) -> Result<(), Option<Instant>> {
        let now = self.clock.nanos(Instant::now());
        loop {
            let paused = self.hot.paused_until.load(Ordering::SeqCst);
            if paused == 0 {
                break;
            }
            if now < paused {
                return Err(Some(self.clock.at(paused)));
            }
            // Over; unless a later 429 has just moved it.
            if self
                .hot
                .paused_until
                .compare_exchange(paused, 0, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                break;
            }
        }
        if self.count_if_room() {
            return Ok(());
        }
        let next = self.sweep(self.clock.slot_of(now));
        if self.count_if_room() {
            return Ok(());
        }
        Err(next.map(|epoch| self.clock.at(epoch.saturating_mul(self.clock.slot))))
    }

    /// Takes the answers of expired slots out of the window; returns the
    /// slot number at which the next answers expire, if any are counted.
    fn sweep(&self, now: u64) -> Option<u64> {
        let _sweep = self.sweep.lock().unwrap_or_else(|p| p.into_inner());
        let mut next: Option<u64> = None;
        for slot in &self.slots {
            let epoch = slot.epoch.load(Ordering::SeqCst);
            if epoch == UNUSED {
                continue;
            }
            let expiry = self.clock.expiry(epoch);
            if expiry <= now {
                self.take_out(slot);
            } else if slot.count.load(Ordering::SeqCst) > 0 {
                next = Some(next.map_or(expiry, |n| n.min(expiry)));
            }
        }
        next
    }

    /// Takes the answers of `slot`, which has expired, out of the count
    /// (with `sweep` held).
    fn take_out(&self, slot: &Slot) {
        let gone = slot.count.swap(0, Ordering::SeqCst);
        self.hot.counted.fetch_sub(gone, Ordering::SeqCst);
    }

    /// A request of the window was answered (or failed, or was given up):
    /// it counts until a span after the end of this slot.
    fn answered(&self) {
        let epoch = self.clock.slot_of(self.clock.nanos(Instant::now()));
        let slot = &self.slots[(epoch % SLOTS as u64) as usize];
        let current = slot.epoch.load(Ordering::SeqCst);
        // A later slot's number here: this call was held up for longer
        // than a span since it read the clock; it counts with that slot,
        // later than it must, never earlier.
        if current == UNUSED || current < epoch {
            // The slot's last use has expired (it was `SLOTS` slots ago or
            // more): its answers leave before the slot is reused.
            let _sweep = self.sweep.lock().unwrap_or_else(|p| p.into_inner());
            let current = slot.epoch.load(Ordering::SeqCst);
            if current == UNUSED || current < epoch {
                self.take_out(slot);
                slot.epoch.store(epoch, Ordering::SeqCst);
            }
        }
        slot.count.fetch_add(1, Ordering::SeqCst);
        // Only a call that waits listens (and it counts itself in
        // `waiting` before it looks at the window).
        if self.hot.waiting.load(Ordering::SeqCst) > 0 {
            self.answered.notify_waiters();
        }
    }
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
    async fn turn<'a>(limiter: &'a Limiter, path: &str) -> Permit<'a> {
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
        // On the way for 0 to 30 ms, then answered 0 to 20 ms later.
        let delays = (0..23u64)
            .map(|i| (i * 7 % 31 * 10, i * 11 % 21 * 10))
            .collect();
        let arrived = arrivals(limit, delays).await;
        assert!(most_in_a_span(&arrived, limit.per) <= 5);
        // 23 requests, 5 per span: at least 4 spans after the first.
        let took = arrived[22].duration_since(arrived[0]);
        assert!(took >= limit.per * 4, "{took:?}");
        assert!(took < limit.per * 7, "{took:?}");
    }

    /// A limit over the longest span there is, and a server asking for the
    /// longest wait there is: the window pauses, nothing overflows.
    #[tokio::test(start_paused = true)]
    async fn the_longest_span_and_retry_after_overflow_nothing() {
        let limiter = Limiter::new(RateLimit::new(2, Duration::MAX));
        drop(turn(&limiter, "/v1/x").await);
        limiter.pause("/v1/x", Duration::MAX);
        let Admission::Wait(wait) = limiter.admit("/v1/x") else {
            panic!("paused");
        };
        let waited = tokio::time::timeout(Duration::from_secs(86_400), wait).await;
        assert!(waited.is_err(), "still paused a day later");
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
            let (limiter, order) = (limiter.clone(), order.clone());
            calls.push(tokio::spawn(async move {
                let Admission::Wait(wait) = limiter.admit("/v1") else {
                    panic!("the window is full");
                };
                drop(wait.await);
                order.lock().unwrap().push(i);
            }));
            // The call asks (and queues) before the next is made.
            tokio::task::yield_now().await;
        }
        for call in calls {
            call.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), (0..10).collect::<Vec<_>>());
    }

    /// A window's count does not grow with the requests it sees (slots are
    /// reused, their answers leaving first), and a span after the last
    /// answer the whole limit is free again.
    #[tokio::test(start_paused = true)]
    async fn answers_leave_the_window_and_slots_are_reused() {
        let limit = RateLimit::new(1_000, Duration::from_millis(64));
        let limiter = Limiter::new(limit);
        // 20 spans of calls, 10 answered every millisecond: every slot is
        // reused many times over.
        for _ in 0..20 * 64 {
            for _ in 0..10 {
                drop(turn(&limiter, "/v1/x").await);
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let window = limiter.window("/v1/x");
        let counted = window.hot.counted.load(Ordering::SeqCst);
        // The answers of the slots kept at most (those of the last span
        // and a slot, and of a slot that has expired but not been swept):
        // 10 per millisecond.
        assert!(counted <= 10 * SLOTS as u64, "{counted}");
        assert!(counted >= 10 * 63, "{counted}");
        // A span and a slot later, the whole limit can go at once.
        tokio::time::sleep(limit.per + Duration::from_millis(2)).await;
        let permits: Vec<_> = (0..limit.requests)
            .map(|i| match limiter.admit("/v1/x") {
                Admission::Now(permit) => permit,
                Admission::Wait(_) => panic!("call {i} of the limit waits"),
            })
            .collect();
        assert!(matches!(limiter.admit("/v1/x"), Admission::Wait(_)));
        drop(permits);
    }

    /// More API versions than a limiter keeps apart share the last window:
    /// counted together, never more than the limit for either.
    #[tokio::test(start_paused = true)]
    async fn versions_past_the_limiters_places_are_counted_together() {
        let limiter = Limiter::new(RateLimit::new(1, Duration::from_secs(1)));
        let permits: Vec<_> = (0..VERSIONS - 1)
            .map(|v| match limiter.admit(&format!("/a/v{v}/x")) {
                Admission::Now(permit) => permit,
                Admission::Wait(_) => panic!("version {v} has a window of its own"),
            })
            .collect();
        let ninth = match limiter.admit("/a/v100/x") {
            Admission::Now(permit) => permit,
            Admission::Wait(_) => panic!("the last place is free"),
        };
        assert!(
            matches!(limiter.admit("/a/v101/x"), Admission::Wait(_)),
            "counted with v100"
        );
        drop((permits, ninth));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the limit, the span and the requests' times on the way
        /// and to their answers: no span of arrivals holds more than the
        /// limit.
        #[test]
        fn no_span_of_arrivals_ever_holds_more_than_the_limit(
            requests in 1u32..8,
            per_ms in 1u64..200,
            delays in proptest::collection::vec((0u64..300, 0u64..300), 1..60),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(true)
                .build()
                .unwrap();
            let limit = RateLimit::new(requests, Duration::from_millis(per_ms));
            let arrived = runtime.block_on(arrivals(limit, delays));
            let most = most_in_a_span(&arrived, limit.per);
            proptest::prop_assert!(most <= requests as usize, "{most} arrivals within a span");
        }
    }

    /// 640 calls at once, two threads racing for the window, on the real
    /// clock: each arrival (any moment between a request's permit and its
    /// answer) still finds no span holding more than the limit.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn threads_racing_for_the_window_stay_under_the_limit() {
        let limit = RateLimit::new(20, Duration::from_millis(20));
        let arrived = arrivals(limit, vec![(0, 0); 640]).await;
        assert_eq!(arrived.len(), 640);
        let most = most_in_a_span(&arrived, limit.per);
        assert!(most <= 20, "{most} arrivals within a span");
    }

    /// The most of `arrived` (in order) within any span of `per`.
    fn most_in_a_span(arrived: &[Instant], per: Duration) -> usize {
        (0..arrived.len())
            .map(|i| {
                arrived[i..]
                    .iter()
                    .take_while(|t| t.duration_since(arrived[i]) < per)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    /// Calls through `limit`, each on the way and then answered after its
    /// delays (in tenths of a millisecond): when each arrived, in order.
    async fn arrivals(limit: RateLimit, delays: Vec<(u64, u64)>) -> Vec<Instant> {
        let limiter = Arc::new(Limiter::new(limit));
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let calls: Vec<_> = delays
            .into_iter()
            .map(|(on_the_way, to_answer)| {
                let (limiter, arrivals) = (limiter.clone(), arrivals.clone());
                tokio::spawn(async move {
                    let permit = turn(&limiter, "/accounts/v1/x").await;
                    tokio::time::sleep(Duration::from_micros(on_the_way * 100)).await;
                    arrivals.lock().unwrap().push(Instant::now());
                    tokio::time::sleep(Duration::from_micros(to_answer * 100)).await;
                    drop(permit);
                })
            })
            .collect();
        for call in calls {
            call.await.unwrap();
        }
        let mut arrived = arrivals.lock().unwrap().clone();
        arrived.sort();
        arrived
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
