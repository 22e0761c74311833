//! Shared test setup: a fake tenant and a client pointed at it, and the
//! fixtures of `fixtures.rs` (shared with the benches and the mock layer's
//! tests).

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fake_tenant::FakeTenant;
use sailpoint::{Client, ClientBuilder, RetryStrategy};

mod fixtures;
pub use fixtures::*;

pub const CLIENT_ID: &str = "test-client-id";
pub const CLIENT_SECRET: &str = "s3cr3t-value-never-shown";

/// A builder for a client of `tenant` with fast, jitter-free retries and
/// no client-side rate limit (tests of the limit set theirs: the default,
/// 100 per 10 s, would make a test of 101 calls last ten seconds).
pub fn builder(tenant: &FakeTenant) -> ClientBuilder {
    ClientBuilder::new()
        .base_url(tenant.base_url())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .timeout(Duration::from_secs(5))
        .retry_strategy(fast_retries())
        .rate_limit(None)
}

/// Retries as the default, but with millisecond backoffs.
pub fn fast_retries() -> RetryStrategy {
    RetryStrategy::default()
        .backoff(Duration::from_millis(10), Duration::from_millis(40))
        .jitter(false)
}

pub fn client(tenant: &FakeTenant) -> Client {
    Client::from_builder(builder(tenant)).expect("client builds")
}

/// Sends the example notification, expecting it to fail; the error.
pub async fn send_expecting_error(client: &Client) -> sailpoint::Error {
    match client
        .send_test_notification()
        .body(example_body())
        .send()
        .await
    {
        Ok(response) => panic!("expected an error, got {}", response.status()),
        Err(e) => e,
    }
}

/// An environment of `pairs` for `ClientBuilder::env_lookup`.
pub fn env_of(
    pairs: &[(&'static str, String)],
) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let pairs: Vec<(&'static str, String)> = pairs.to_vec();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

/// A `config.json` holding `text`, in a folder of its own named after `name`.
pub fn config_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sailpoint-rt-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.json");
    std::fs::write(&path, text).unwrap();
    path
}

/// `n` calls of [`send`] at once; their results, in order.
pub async fn concurrent_sends(client: &Client, n: usize) -> Vec<Result<(), sailpoint::Error>> {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { send(&client).await })
        })
        .collect();
    let mut results = Vec::with_capacity(n);
    for call in calls {
        results.push(call.await.expect("the call's task ends"));
    }
    results
}

/// A `tracing` writer that keeps what it is given.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Installs a global TRACE subscriber writing here (once per test
    /// binary: a global subscriber sees every thread).
    pub fn install_global() -> Self {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        captured
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
