//! When to try a request again, and how long to wait: the per-call
//! [`RetryStrategy`] and the client-wide [`RetryBudget`].

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// The retry strategy: an explicit value, like async-stripe's
/// `RequestStrategy`.
///
/// The default retries:
/// - `429 Too Many Requests`, waiting as long as `Retry-After` says
///   (seconds or an HTTP date), or a backoff when it says nothing;
/// - connection errors before the request was sent;
/// - `408`, `500`, `502`, `503`, `504` and timeouts, but only for idempotent
///   methods (GET, HEAD, PUT, DELETE, OPTIONS): a POST that timed out or got
///   a 5xx may have done its work (a notification may have gone out), so it
///   is not sent again unless [`RetryStrategy::retry_unsafe`] says so.
///
/// Other 4xx answers are never retried. Backoff is capped exponential with
/// jitter; attempts and the total wait are bounded. A `Retry-After` longer
/// than what is left of [`RetryStrategy::max_total_wait`] ends the call
/// (the error carries the wait the server asked for); a `Retry-After` of
/// zero or in the past still waits the backoff, so a server that answers
/// "now" cannot turn retries into a busy loop.
///
/// Beside the per-call bounds, every client shares a [`RetryBudget`]: under
/// a storm of 429s the retries of all calls together are limited, so the
/// client does not multiply the load on a tenant that is already shedding it.
///
/// ```
/// use std::time::Duration;
/// use sailpoint_runtime::{RetryBudget, RetryStrategy};
///
/// let strategy = RetryStrategy::default()
///     .max_attempts(6)
///     .backoff(Duration::from_millis(200), Duration::from_secs(10))
///     .max_total_wait(Duration::from_secs(90))
///     .budget(Some(RetryBudget::default().capacity(1000)));
/// assert_eq!(strategy.max_attempts, 6);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryStrategy {
    /// Attempts in all, the first included. 1 means never retry.
    pub max_attempts: u32,
    /// The first backoff; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest backoff between two attempts (a longer `Retry-After` is honoured).
    pub max_backoff: Duration,
    /// The most time spent waiting between attempts, over the whole call.
    pub max_total_wait: Duration,
    /// Retry non-idempotent methods (POST, PATCH) after a 5xx or a timeout too.
    pub retry_unsafe: bool,
    /// Spread backoffs randomly over 50–100% of their value.
    pub jitter: bool,
    /// The retry budget shared by every call of a client (`None`: no
    /// client-wide limit, only the per-call bounds).
    pub budget: Option<RetryBudget>,
}

impl Default for RetryStrategy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_total_wait: Duration::from_secs(60),
            retry_unsafe: false,
            jitter: true,
            budget: Some(RetryBudget::default()),
        }
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    /// The server answered.
    Answered(StatusCode, &'a HeaderMap),
    /// The connection failed before the request was sent.
    NotSent,
    /// The request was sent (or may have been) but no answer came: a timeout
    /// or a connection dropped mid-way.
    NoAnswer,
}

impl RetryStrategy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts (the first included).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first and the longest backoff.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the most time spent waiting over a whole call.
    pub fn max_total_wait(mut self, wait: Duration) -> Self {
        self.max_total_wait = wait;
        self
    }

    /// Also retry POST and PATCH after a 5xx or a timeout (they may then run twice).
    pub fn retry_unsafe(mut self, yes: bool) -> Self {
        self.retry_unsafe = yes;
        self
    }

    /// Turns jitter on or off.
    pub fn jitter(mut self, yes: bool) -> Self {
        self.jitter = yes;
        self
    }

    /// Sets the client-wide retry budget (`None` turns it off).
    pub fn budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// Whether a request with `method` may be sent again after it may have
    /// reached the server (a 5xx, a timeout, a dropped connection).
    pub fn may_repeat(&self, method: &Method) -> bool {
        self.retry_unsafe || is_idempotent(method)
    }

    /// How long to wait before the next attempt, or `None` to stop.
    /// `attempts` is how many were made so far; `waited` the time already
    /// spent waiting in this call.
    // Public for the hooks and the benches; a user configures the strategy.
    #[doc(hidden)]
    pub fn next_delay(
        &self,
        method: &Method,
        outcome: Attempt<'_>,
        attempts: u32,
        waited: Duration,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let may_repeat = self.may_repeat(method);
        // The server's word, but never less than the backoff: a zero or a
        // date in the past must not become a busy loop.
        let asked = |headers: &HeaderMap| {
            let backoff = self.backoff_for(attempts);
            retry_after(headers).map_or(backoff, |asked| asked.max(backoff))
        };
        let delay = match outcome {
            Attempt::Answered(status, headers) => match status.as_u16() {
                429 => asked(headers),
                408 | 500 | 502 | 503 | 504 if may_repeat => asked(headers),
                _ => return None,
            },
            Attempt::NotSent => self.backoff_for(attempts),
            Attempt::NoAnswer if may_repeat => self.backoff_for(attempts),
            Attempt::NoAnswer => return None,
        };
        // Saturating: a server may ask for u64::MAX seconds.
        (waited.saturating_add(delay) <= self.max_total_wait).then_some(delay)
    }

    /// The backoff after `attempts` attempts: doubling, capped, jittered.
    fn backoff_for(&self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(16);
        let base = self
            .initial_backoff
            .saturating_mul(1 << exp)
            .min(self.max_backoff);
        if self.jitter {
            base.mul_f64(0.5 + fastrand::f64() * 0.5)
        } else {
            base
        }
    }
}

/// A client-wide budget for retries, in the manner of the AWS SDKs' retry
/// quota (and Finagle's retry budget): a bucket of tokens shared by every
/// call of one client.
///
/// - A retry after a 429 or a 5xx takes [`RetryBudget::retry_cost`] tokens;
///   a retry after a timeout or a dropped connection takes
///   [`RetryBudget::timeout_cost`]. When the bucket cannot pay, the call
///   ends with the answer it has (e.g. the 429 and its `Retry-After`).
/// - A call that succeeds at its first attempt puts
///   [`RetryBudget::success_reward`] back; one that succeeds after retries
///   gives back what its retries took. The bucket never holds more than
///   [`RetryBudget::capacity`].
///
/// With the defaults (capacity 500, cost 5, timeout cost 10, reward 1), a
/// client whose every call is answered 429 sends at most 100 retries in all
/// until calls succeed again: 200 calls in a 429 storm send at most
/// 200 + 100 requests instead of 200 × `max_attempts`.
///
/// ```
/// use sailpoint_runtime::{RetryBudget, RetryStrategy};
///
/// // A batch job that would rather wait than fail: a larger bucket.
/// let patient = RetryStrategy::default().budget(Some(RetryBudget::default().capacity(5000)));
/// // No client-wide limit: only the per-call bounds.
/// let unbounded = RetryStrategy::default().budget(None);
/// # let _ = (patient, unbounded);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// Tokens in a full bucket (the bucket starts full).
    pub capacity: u32,
    /// Tokens a retry after an answer (429, 5xx) takes.
    pub retry_cost: u32,
    /// Tokens a retry after a timeout or a lost connection takes.
    pub timeout_cost: u32,
    /// Tokens a call that succeeds at its first attempt puts back.
    pub success_reward: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_reward: 1,
        }
    }
}

impl RetryBudget {
    /// Sets the capacity.
    pub fn capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// Sets the costs of a retry after an answer and after a timeout.
    pub fn costs(mut self, retry: u32, timeout: u32) -> Self {
        self.retry_cost = retry;
        self.timeout_cost = timeout;
        self
    }

    /// Sets what a first-attempt success puts back.
    pub fn success_reward(mut self, tokens: u32) -> Self {
        self.success_reward = tokens;
        self
    }
}

/// The live bucket of a [`RetryBudget`], shared by a client's calls.
#[derive(Debug)]
pub(crate) struct Bucket {
    budget: RetryBudget,
    tokens: AtomicU32,
}

impl Bucket {
    pub(crate) fn new(budget: RetryBudget) -> Self {
        Self {
            tokens: AtomicU32::new(budget.capacity),
            budget,
        }
    }

    /// What a retry after `outcome` costs.
    pub(crate) fn cost(&self, outcome: &Attempt<'_>) -> u32 {
        match outcome {
            Attempt::Answered(..) | Attempt::NotSent => self.budget.retry_cost,
            Attempt::NoAnswer => self.budget.timeout_cost,
        }
    }

    /// Takes `cost` tokens; false (and nothing taken) when there are fewer.
    pub(crate) fn withdraw(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Puts back what a call took (`spent`), or the reward of a first-attempt success.
    pub(crate) fn succeeded(&self, spent: u32) {
        let give = if spent == 0 {
            self.budget.success_reward
        } else {
            spent
        };
        if give == 0 {
            return;
        }
        let capacity = self.budget.capacity;
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < capacity).then(|| t.saturating_add(give).min(capacity))
            });
    }

    /// Tokens left.
    #[cfg(test)]
    pub(crate) fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// Reads `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // A fractional or out-of-range number of seconds is not a valid
    // Retry-After; a huge one saturates above.
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = retry_after {
            h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn no_jitter() -> RetryStrategy {
        RetryStrategy::default().jitter(false)
    }

    #[test]
    fn honours_retry_after_seconds_and_dates() {
        let s = no_jitter();
        let h = headers(Some("7"));
        assert_eq!(
            s.next_delay(
                &Method::POST,
                Attempt::Answered(StatusCode::TOO_MANY_REQUESTS, &h),
                1,
                Duration::ZERO
            ),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = retry_after(&headers(Some(&date))).unwrap();
        assert!(
            wait > Duration::from_secs(27) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert_eq!(retry_after(&headers(Some("soon"))), None);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = no_jitter()
            .backoff(Duration::from_millis(100), Duration::from_millis(350))
            .max_attempts(10);
        let h = headers(None);
        let d = |n| {
            s.next_delay(
                &Method::GET,
                Attempt::Answered(StatusCode::SERVICE_UNAVAILABLE, &h),
                n,
                Duration::ZERO,
            )
        };
        assert_eq!(d(1), Some(Duration::from_millis(100)));
        assert_eq!(d(2), Some(Duration::from_millis(200)));
        assert_eq!(d(3), Some(Duration::from_millis(350)));
    }

    #[test]
    fn post_is_not_repeated_after_a_5xx_or_timeout_unless_asked() {
        let h = headers(None);
        let s = no_jitter();
        let five = Attempt::Answered(StatusCode::INTERNAL_SERVER_ERROR, &h);
        assert_eq!(s.next_delay(&Method::POST, five, 1, Duration::ZERO), None);
        assert_eq!(
            s.next_delay(&Method::POST, Attempt::NoAnswer, 1, Duration::ZERO),
            None
        );
        assert!(s
            .next_delay(&Method::POST, Attempt::NotSent, 1, Duration::ZERO)
            .is_some());
        assert!(s
            .next_delay(&Method::GET, five, 1, Duration::ZERO)
            .is_some());
        let unsafe_ok = no_jitter().retry_unsafe(true);
        assert!(unsafe_ok
            .next_delay(&Method::POST, five, 1, Duration::ZERO)
            .is_some());
    }

    #[test]
    fn other_4xx_never_and_bounds_hold() {
        let h = headers(Some("5"));
        let s = no_jitter()
            .max_attempts(3)
            .max_total_wait(Duration::from_secs(8));
        let bad = Attempt::Answered(StatusCode::BAD_REQUEST, &h);
        assert_eq!(s.next_delay(&Method::GET, bad, 1, Duration::ZERO), None);
        let limited = Attempt::Answered(StatusCode::TOO_MANY_REQUESTS, &h);
        assert!(s
            .next_delay(&Method::GET, limited, 2, Duration::ZERO)
            .is_some());
        assert_eq!(
            s.next_delay(&Method::GET, limited, 3, Duration::ZERO),
            None,
            "attempts bound"
        );
        assert_eq!(
            s.next_delay(&Method::GET, limited, 1, Duration::from_secs(5)),
            None,
            "total wait bound"
        );
    }

    #[test]
    fn huge_or_past_retry_after_neither_overflows_nor_busy_loops() {
        let s = no_jitter().max_attempts(10);
        let huge = headers(Some("18446744073709551615"));
        let limited = Attempt::Answered(StatusCode::TOO_MANY_REQUESTS, &huge);
        // Whatever was waited already, a huge wait ends the call, no panic.
        for waited in [Duration::ZERO, Duration::from_secs(1), Duration::MAX] {
            assert_eq!(s.next_delay(&Method::GET, limited, 1, waited), None);
        }
        let past = headers(Some("Thu, 01 Jan 1970 00:00:00 GMT"));
        let now = headers(Some("0"));
        for h in [&past, &now] {
            let d = s.next_delay(
                &Method::GET,
                Attempt::Answered(StatusCode::TOO_MANY_REQUESTS, h),
                1,
                Duration::ZERO,
            );
            assert_eq!(d, Some(s.initial_backoff), "the backoff is the floor");
        }
    }

    #[test]
    fn the_budget_pays_for_retries_until_it_is_spent_and_refills_on_success() {
        let bucket = Bucket::new(RetryBudget::default().capacity(12).costs(5, 10));
        let h = headers(None);
        let answered = Attempt::Answered(StatusCode::TOO_MANY_REQUESTS, &h);
        assert!(bucket.withdraw(bucket.cost(&answered)));
        assert!(bucket.withdraw(bucket.cost(&answered)));
        assert!(
            !bucket.withdraw(bucket.cost(&answered)),
            "2 left, a retry costs 5"
        );
        assert!(!bucket.withdraw(bucket.cost(&Attempt::NoAnswer)));
        assert_eq!(bucket.available(), 2);
        bucket.succeeded(5);
        assert_eq!(
            bucket.available(),
            7,
            "a success after a retry gives back its cost"
        );
        bucket.succeeded(0);
        assert_eq!(
            bucket.available(),
            8,
            "a first-attempt success gives the reward"
        );
        bucket.succeeded(100);
        assert_eq!(bucket.available(), 12, "never above capacity");
    }

    #[test]
    fn jitter_stays_within_half_to_full() {
        let s =
            RetryStrategy::default().backoff(Duration::from_millis(1000), Duration::from_secs(10));
        for _ in 0..200 {
            let d = s.backoff_for(1);
            assert!(
                d >= Duration::from_millis(500) && d <= Duration::from_millis(1000),
                "{d:?}"
            );
        }
    }
}
