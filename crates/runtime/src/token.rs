//! OAuth2 access tokens: fetched with the client credentials grant, cached,
//! refreshed before they expire, one refresh at a time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::error::AuthError;
use crate::secret::Secret;

/// Where access tokens come from.
#[derive(Debug)]
pub(crate) enum TokenSource {
    /// A fixed token, used as is.
    Fixed(Token),
    /// The client credentials grant against a token endpoint.
    ClientCredentials(TokenCache),
}

/// A token handed out, with the generation it belongs to (so a 401 can
/// invalidate exactly the token that failed).
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) secret: Secret,
    /// `Bearer {secret}`, marked sensitive; built once per token.
    pub(crate) header: reqwest::header::HeaderValue,
    pub(crate) generation: u64,
}

impl Token {
    fn new(secret: Secret, generation: u64) -> Self {
        let header = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", secret.expose()))
            .map(|mut value| {
                value.set_sensitive(true);
                value
            })
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
        Self {
            secret,
            header,
            generation,
        }
    }
}

impl TokenSource {
    /// A source that always gives `secret`.
    pub(crate) fn fixed(secret: Secret) -> Self {
        TokenSource::Fixed(Token::new(secret, 0))
    }

    pub(crate) async fn token(&self) -> Result<Token, AuthError> {
        match self {
            TokenSource::Fixed(token) => Ok(token.clone()),
            TokenSource::ClientCredentials(cache) => cache.token().await,
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
}

#[derive(Debug)]
struct Cached {
    token: Token,
    refresh_at: Instant,
}

/// The client credentials cache.
#[derive(Debug)]
pub(crate) struct TokenCache {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    http: reqwest::Client,
    current: RwLock<Option<Cached>>,
    refresh: tokio::sync::Mutex<()>,
    generations: AtomicU64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    expires_in: Option<f64>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: Option<String>,
    error_description: Option<String>,
}

/// How long before expiry a token is refreshed: a tenth of its lifetime,
/// between 1 and 60 seconds.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).clamp(Duration::from_secs(1), Duration::from_secs(60))
}

impl TokenCache {
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
            generations: AtomicU64::new(0),
        }
    }

    fn fresh(&self) -> Option<Token> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.token.clone())
    }

    async fn token(&self) -> Result<Token, AuthError> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        // One refresh at a time: whoever waits here finds the new token.
        let _refreshing = self.refresh.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let (secret, lifetime) = self.fetch().await?;
        let generation = self.generations.fetch_add(1, Ordering::Relaxed) + 1;
        let refresh_at = Instant::now() + lifetime.saturating_sub(refresh_margin(lifetime));
        let token = Token::new(secret, generation);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
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

    async fn fetch(&self) -> Result<(Secret, Duration), AuthError> {
        let token_url = self.token_url.clone();
        let unreachable = |e: reqwest::Error| AuthError::Unreachable {
            token_url: token_url.clone(),
            timeout: e.is_timeout(),
            message: crate::error::error_chain(&e),
        };
        tracing::debug!(token_url = %self.token_url, "fetching an access token");
        let response = self
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
        let body = response.bytes().await.map_err(unreachable)?;
        let snippet = || {
            let text = String::from_utf8_lossy(&body);
            let text = text.trim();
            (!text.is_empty()).then(|| text.chars().take(200).collect::<String>())
        };
        if status.is_client_error() {
            let parsed: Option<OAuthError> = serde_json::from_slice(&body).ok();
            let (error, description) = match parsed {
                Some(OAuthError {
                    error: Some(error),
                    error_description,
                }) => (error, error_description),
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
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| invalid(format!("the body is not a JSON token response ({e})")))?;
        let token = parsed
            .access_token
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| invalid("`access_token` is missing or empty".into()))?;
        let lifetime = parsed
            .expires_in
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(Duration::from_secs(300));
        Ok((Secret::new(token), lifetime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_is_a_tenth_within_bounds() {
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
}
