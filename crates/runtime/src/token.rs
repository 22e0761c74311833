//! OAuth2 access tokens: fetched with the client credentials grant, cached,
//! refreshed before they expire, one fetch at a time for all callers; a
//! failed fetch is shared by the callers that waited for it, like a
//! successful one.
//!
//! Everything the token endpoint sends is untrusted: the body is read up to
//! [`MAX_TOKEN_BODY`], `expires_in` is bounded to [`MAX_TOKEN_LIFETIME`],
//! the token must be a valid header value, redirects are never followed
//! (the form carries the client secret), and the client secret is redacted
//! from anything the endpoint echoes back.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use serde::Deserialize;

use crate::error::AuthError;
use crate::response::{read_capped, Capped};
use crate::secret::Secret;

/// The most of a token response body that is read (64 KiB).
pub const MAX_TOKEN_BODY: usize = 64 * 1024;
/// The longest a token is trusted, whatever `expires_in` says (one day).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// The lifetime assumed when `expires_in` is missing, zero, negative or not a number.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// Where access tokens come from.
#[derive(Debug)]
pub(crate) enum TokenSource {
    /// A fixed token, used as is.
    Fixed(Token),
    /// The client credentials grant against a token endpoint.
    ClientCredentials(Box<TokenCache>),
}

/// A token handed out, with the generation it belongs to (so a 401 can
/// invalidate exactly the token that failed).
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) secret: Secret,
    /// `Bearer {secret}`, marked sensitive; built once per token.
    pub(crate) header: HeaderValue,
    pub(crate) generation: u64,
}

impl Token {
    /// A token, or why it cannot go into an `Authorization` header (without
    /// the token itself in the message).
    pub(crate) fn new(secret: Secret, generation: u64) -> Result<Self, String> {
        let value = secret.expose();
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "the access token is empty or has characters other than visible ASCII, \
                 so it cannot be sent in an Authorization header"
                    .into(),
            );
        }
        let mut header = HeaderValue::from_str(&format!("Bearer {value}"))
            .map_err(|_| "the access token is not a valid header value".to_owned())?;
        header.set_sensitive(true);
        Ok(Self {
            secret,
            header,
            generation,
        })
    }
}

impl TokenSource {
    pub(crate) async fn token(&self) -> Result<Token, AuthError> {
        match self {
            TokenSource::Fixed(token) => Ok(token.clone()),
            TokenSource::ClientCredentials(cache) => cache.token().await,
        }
    }

    /// The `Authorization` header of a token that is still fresh, if there
    /// is one, without waiting: every call's fast path (one reference
    /// count, not the whole token).
    pub(crate) fn fresh_bearer(&self) -> Option<HeaderValue> {
        match self {
            TokenSource::Fixed(token) => Some(token.header.clone()),
            TokenSource::ClientCredentials(cache) => cache.fresh_header(),
        }
    }

    /// Marks `token` as no longer good (the API answered 401 to it).
    /// Returns whether a new one can be fetched.
    pub(crate) fn invalidate(&self, token: &Token) -> bool {
        match self {
            TokenSource::Fixed(_) => false,
            TokenSource::ClientCredentials(cache) => {
                cache.invalidate(token.generation);
                true
            }
        }
    }

    /// The client secret, when there is one (for redaction).
    pub(crate) fn client_secret(&self) -> Option<&Secret> {
        match self {
            TokenSource::Fixed(_) => None,
            TokenSource::ClientCredentials(cache) => Some(&cache.client_secret),
        }
    }
}

#[derive(Debug)]
struct Cached {
    token: Token,
    /// When calls stop using it without asking for a new one.
    refresh_at: Instant,
}

/// The client credentials cache.
#[derive(Debug)]
pub(crate) struct TokenCache {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    /// An HTTP client that never follows redirects.
    http: reqwest::Client,
    current: RwLock<Option<Cached>>,
    /// Held by the one caller fetching a token.
    refresh: tokio::sync::Mutex<()>,
    /// How many fetches have finished, well or not.
    fetches: AtomicU64,
    /// The error of the last fetch, when it failed.
    last_failure: Mutex<Option<AuthError>>,
    generations: AtomicU64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<serde_json::Value>,
    expires_in: Option<serde_json::Value>,
    token_type: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: Option<String>,
    error_description: Option<String>,
}

/// How long before expiry a token is refreshed: a tenth of its lifetime,
/// between 1 and 60 seconds, but never more than half of it (a token that
/// lives a second is used for half a second, not refreshed before every
/// call).
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10)
        .clamp(Duration::from_secs(1), Duration::from_secs(60))
        .min(lifetime / 2)
}

/// The lifetime `expires_in` gives, bounded: a number of seconds (or a
/// string of one), at most [`MAX_TOKEN_LIFETIME`]; anything else, or
/// nothing, is [`DEFAULT_TOKEN_LIFETIME`]. Never panics, whatever the server sent.
pub(crate) fn lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    let seconds = match expires_in {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match seconds {
        Some(s) if s.is_finite() && s > 0.0 => {
            let max = MAX_TOKEN_LIFETIME.as_secs_f64();
            Duration::try_from_secs_f64(s.min(max)).unwrap_or(MAX_TOKEN_LIFETIME)
        }
        _ => DEFAULT_TOKEN_LIFETIME,
    }
}

impl TokenCache {
    /// `http` must not follow redirects (see [`crate::config`]).
    pub(crate) fn new(
        token_url: String,
        client_id: String,
        client_secret: Secret,
        http: reqwest::Client,
    ) -> Self {
        Self {
            token_url,
            client_id,
            client_secret,
            http,
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            last_failure: Mutex::new(None),
            generations: AtomicU64::new(0),
        }
    }

    /// The token endpoint.
    pub(crate) fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The client id.
    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `take` of the current token, if it is not due for renewal.
    fn if_fresh<T>(&self, take: impl FnOnce(&Token) -> T) -> Option<T> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| take(&c.token))
    }

    /// The header of the current token, if it is not due for renewal.
    fn fresh_header(&self) -> Option<HeaderValue> {
        self.if_fresh(|token| token.header.clone())
    }

    fn fresh(&self) -> Option<Token> {
        self.if_fresh(Token::clone)
    }

    async fn token(&self) -> Result<Token, AuthError> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        // The slow path, boxed: its future (a lock and an HTTP exchange) is
        // large, and would otherwise be part of every call's future.
        Box::pin(self.renew()).await
    }

    /// Fetches a token, one caller at a time.
    async fn renew(&self) -> Result<Token, AuthError> {
        let fetches_before = self.fetches.load(Ordering::Acquire);
        // One fetch at a time: whoever waited here shares its outcome.
        let _fetching = self.refresh.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if self.fetches.load(Ordering::Acquire) != fetches_before {
            // A fetch finished while we waited: its outcome is ours. A
            // failure, because asking again at once would make the last of
            // N callers wait N timeouts; a token, even one already due for
            // renewal (it lives less than a call takes), because it was
            // fetched for the calls that waited: fetching one per waiting
            // call would make N calls fetch N tokens, one after another.
            if let Some(failure) = self
                .last_failure
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
            {
                return Err(failure);
            }
            if let Some(token) = self
                .current
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .map(|c| c.token.clone())
            {
                return Ok(token);
            }
        }
        let outcome = self.fetch().await;
        let result = outcome.and_then(|(secret, lifetime)| {
            let generation = self.generations.fetch_add(1, Ordering::Relaxed) + 1;
            let token =
                Token::new(secret, generation).map_err(|message| AuthError::InvalidResponse {
                    token_url: self.token_url.clone(),
                    message,
                })?;
            let wait = lifetime.saturating_sub(refresh_margin(lifetime));
            let now = Instant::now();
            let refresh_at = now.checked_add(wait).unwrap_or(now);
            *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Cached {
                token: token.clone(),
                refresh_at,
            });
            Ok(token)
        });
        *self.last_failure.lock().unwrap_or_else(|e| e.into_inner()) =
            result.as_ref().err().cloned();
        self.fetches.fetch_add(1, Ordering::AcqRel);
        result
    }

    fn invalidate(&self, generation: u64) {
        let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
        if guard
            .as_ref()
            .is_some_and(|c| c.token.generation == generation)
        {
            *guard = None;
        }
    }

    /// What the server sent, with the client secret taken out.
    fn clean(&self, text: &str) -> String {
        self.client_secret.redact_in(text).into_owned()
    }

    async fn fetch(&self) -> Result<(Secret, Duration), AuthError> {
        let token_url = self.token_url.clone();
        let unreachable = |e: reqwest::Error| AuthError::Unreachable {
            token_url: token_url.clone(),
            timeout: e.is_timeout(),
            message: self.clean(&crate::convert::error_chain(&e)),
        };
        tracing::debug!(token_url = %self.token_url, "fetching an access token");
        let mut response = self
            .http
            .post(&self.token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose()),
            ])
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        if status.is_redirection() {
            // Never followed: the form carries the client secret.
            let location =
                crate::convert::printable_location(response.headers()).map(|l| self.clean(&l));
            return Err(AuthError::Redirected {
                token_url,
                status: status.as_u16(),
                location,
            });
        }
        let Capped { bytes: body, .. } = read_capped(&mut response, MAX_TOKEN_BODY)
            .await
            .map_err(unreachable)?;
        let snippet = || {
            let text = String::from_utf8_lossy(&body);
            let text = text.trim();
            (!text.is_empty()).then(|| self.clean(&text.chars().take(200).collect::<String>()))
        };
        if status.is_client_error() {
            let parsed: Option<OAuthError> = serde_json::from_slice(&body).ok();
            let (error, description) = match parsed {
                Some(OAuthError {
                    error: Some(error),
                    error_description,
                }) => (
                    self.clean(&error),
                    error_description.map(|d| self.clean(&d)),
                ),
                _ => (snippet().unwrap_or_else(|| "no body".into()), None),
            };
            return Err(AuthError::Rejected {
                token_url,
                status: status.as_u16(),
                error,
                description,
            });
        }
        if !status.is_success() {
            return Err(AuthError::ServerError {
                token_url,
                status: status.as_u16(),
                body: snippet(),
            });
        }
        let invalid = |message: String| AuthError::InvalidResponse {
            token_url: token_url.clone(),
            message,
        };
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            invalid(format!(
                "the body is not a JSON token response ({})",
                self.clean(&e.to_string())
            ))
        })?;
        if let Some(kind) = &parsed.token_type {
            if !kind
                .as_str()
                .is_some_and(|k| k.eq_ignore_ascii_case("bearer"))
            {
                return Err(invalid(format!(
                    "`token_type` is {}, not `bearer`",
                    self.clean(&kind.to_string())
                )));
            }
        }
        let token = match parsed.access_token {
            Some(serde_json::Value::String(t)) if !t.trim().is_empty() => t,
            _ => {
                return Err(invalid(
                    "`access_token` is missing, empty or not a string".into(),
                ))
            }
        };
        Ok((Secret::new(token), lifetime(parsed.expires_in.as_ref())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn margin_is_a_tenth_within_bounds_and_at_most_half() {
        assert_eq!(
            refresh_margin(Duration::from_secs(1)),
            Duration::from_millis(500)
        );
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
        assert_eq!(
            refresh_margin(Duration::from_secs(720)),
            Duration::from_secs(60)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(300)),
            Duration::from_secs(30)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(3)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn any_expires_in_gives_a_bounded_lifetime() {
        let l = |v: serde_json::Value| lifetime(Some(&v));
        assert_eq!(l(json!(720)), Duration::from_secs(720));
        assert_eq!(l(json!("60")), Duration::from_secs(60));
        assert_eq!(l(json!(1e19)), MAX_TOKEN_LIFETIME);
        assert_eq!(l(json!(1e300)), MAX_TOKEN_LIFETIME);
        assert_eq!(l(json!(u64::MAX)), MAX_TOKEN_LIFETIME);
        assert_eq!(l(json!(-5)), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(l(json!(0)), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(l(json!(null)), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(l(json!({"a": 1})), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(lifetime(None), DEFAULT_TOKEN_LIFETIME);
        // Positive but below a nanosecond: no panic, a zero lifetime.
        assert_eq!(l(json!(1e-300)), Duration::ZERO);
    }

    #[test]
    fn tokens_that_cannot_be_a_header_are_refused_without_showing_them() {
        for bad in ["tok\nen", "tok\u{7f}", "", "tök", "to ken"] {
            let err = Token::new(Secret::new(bad), 1).unwrap_err();
            assert!(bad.is_empty() || !err.contains(bad), "{err}");
        }
        assert!(Token::new(Secret::new("eyJ.abc-_~+/=="), 1).is_ok());
    }
}
