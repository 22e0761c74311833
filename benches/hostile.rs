//! Figures of the client against hostile servers, measured on 127.0.0.1
//! (`cargo bench --bench hostile`). Not timings of speed but of bounds:
//!
//! 1. peak memory while a 200 MB error body arrives, against the process
//!    before the call (VmHWM against VmRSS, from /proc/self/status);
//! 2. how long the last of 200 callers waits when the token endpoint
//!    hangs, against the request timeout;
//! 3. how many requests 200 callers send during a 30 s storm of
//!    `429 Retry-After: 1`, with the default retry budget and without one.

use std::time::{Duration, Instant};

use fake_tenant::{FakeTenant, Raw, RawServer, Reply};
use sailpoint::{Client, ClientBuilder, RetryStrategy};

#[path = "../tests/common/mod.rs"]
mod common;

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// One call of the docs' example (the fixtures the tests use).
async fn call(client: &Client) -> Result<(), sailpoint::Error> {
    common::send(client).await
}

async fn huge_error_body() {
    let server = RawServer::start().await;
    let len: u64 = 200 * 1000 * 1000;
    let client = Client::from_builder(
        ClientBuilder::new()
            // What is measured is the retries' bound, not the rate limit's.
            .rate_limit(None)
            .base_url(server.base_url())
            .client_credentials("id", "secret"),
    )
    .unwrap();
    // Warm up: a token, so that what follows is the body.
    server.script(Raw::response(204, &[], ""));
    call(&client).await.unwrap();
    server.script(Raw::Stream {
        head: Raw::head_of(500, &[("content-type", "text/html")], Some(len)),
        len,
        fill: b'<',
    });
    let idle = status_kib("VmRSS:");
    let started = Instant::now();
    let err = call(&client).await.unwrap_err();
    let peak = status_kib("VmHWM:");
    let shown = err.to_string().len();
    println!(
        "200 MB error body: idle RSS {} KiB, peak {} KiB (+{} KiB), {:?}; Display {} bytes, raw body kept {} bytes",
        idle,
        peak,
        peak.saturating_sub(idle),
        started.elapsed(),
        shown,
        err.api().and_then(|a| a.raw_body.as_ref()).map_or(0, String::len)
    );
}

async fn hanging_token_endpoint() {
    let tenant = FakeTenant::start().await;
    tenant.script_token(Reply::status(200).delayed(Duration::from_secs(600)));
    let timeout = Duration::from_secs(2);
    let client = Client::from_builder(
        ClientBuilder::new()
            // What is measured is the retries' bound, not the rate limit's.
            .rate_limit(None)
            .base_url(tenant.base_url())
            .client_credentials("id", "secret")
            .timeout(timeout),
    )
    .unwrap();
    let started = Instant::now();
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let _ = call(&client).await;
                started.elapsed()
            })
        })
        .collect();
    let mut last = Duration::ZERO;
    for c in calls {
        last = last.max(c.await.unwrap());
    }
    println!(
        "token endpoint hangs, 200 callers, timeout {timeout:?}: the last caller waited {last:?} ({:.2} timeouts); {} token request(s)",
        last.as_secs_f64() / timeout.as_secs_f64(),
        tenant.token_requests()
    );
}

async fn storm(strategy: RetryStrategy, name: &str) {
    let tenant = FakeTenant::start().await;
    tenant.answer_by_default(Reply::status(429).header("retry-after", "1"));
    let client = Client::from_builder(
        ClientBuilder::new()
            // What is measured is the retries' bound, not the rate limit's.
            .rate_limit(None)
            .base_url(tenant.base_url())
            .client_credentials("id", "secret")
            .retry_strategy(strategy),
    )
    .unwrap();
    let started = Instant::now();
    let storm = Duration::from_secs(30);
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut calls = 0u32;
                // Each caller calls again as soon as a call ends, for as
                // long as the storm lasts, honouring the Retry-After of
                // the error it got.
                while started.elapsed() < storm {
                    calls += 1;
                    if let Err(e) = call(&client).await {
                        let wait = e.api().and_then(|a| a.retry_after).unwrap_or_default();
                        tokio::time::sleep(wait.min(storm)).await;
                    }
                }
                calls
            })
        })
        .collect();
    let mut total_calls = 0;
    for c in calls {
        total_calls += c.await.unwrap();
    }
    let sent = tenant.requests().len();
    println!(
        "30 s storm of 429 Retry-After: 1, 200 callers, {name}: {total_calls} calls sent {sent} requests ({:.2} per call)",
        sent as f64 / f64::from(total_calls.max(1))
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        huge_error_body().await;
        hanging_token_endpoint().await;
        storm(RetryStrategy::default(), "default retry budget").await;
        storm(RetryStrategy::default().budget(None), "no budget").await;
    });
}
