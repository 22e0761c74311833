//! When to try a request again, and how long to wait.

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
/// jitter; attempts and the total wait are bounded.
#[derive(Debug, Clone, PartialEq)]
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

    /// How long to wait before the next attempt, or `None` to stop.
    /// `attempts` is how many were made so far; `waited` the time already
    /// spent waiting in this call.
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
        let may_repeat = self.retry_unsafe || is_idempotent(method);
        let delay = match outcome {
            Attempt::Answered(status, headers) => match status.as_u16() {
                429 => retry_after(headers).unwrap_or_else(|| self.backoff_for(attempts)),
                408 | 500 | 502 | 503 | 504 if may_repeat => {
                    retry_after(headers).unwrap_or_else(|| self.backoff_for(attempts))
                }
                _ => return None,
            },
            Attempt::NotSent => self.backoff_for(attempts),
            Attempt::NoAnswer if may_repeat => self.backoff_for(attempts),
            Attempt::NoAnswer => return None,
        };
        (waited + delay <= self.max_total_wait).then_some(delay)
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
