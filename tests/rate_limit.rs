//! The client-side rate limit against a fake tenant that enforces one of
//! the same shape as SailPoint's gateway (N requests in any span, then
//! 429), scaled down so that the tests stay short. The full figures are
//! `cargo bench --bench rate_limit`'s.

mod common;

use std::time::{Duration, Instant};

use common::*;
use fake_tenant::FakeTenant;
use sailpoint::{Client, RateLimit};

/// The limit of these tests: 20 requests per 400 ms.
const REQUESTS: u32 = 20;
const PER: Duration = Duration::from_millis(400);

fn limited_client(tenant: &FakeTenant, limit: Option<RateLimit>) -> Client {
    Client::from_builder(builder(tenant).rate_limit(limit)).unwrap()
}

/// `tasks` tasks making `each` calls each, from clones of `client`; how
/// long they took.
async fn burst(client: &Client, tasks: usize, each: usize) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..each {
                    send(&client).await.expect("every call succeeds");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    started.elapsed()
}

/// Four tasks, 100 calls, against a tenant allowing 20 per 400 ms: no
/// call is answered 429, and the calls take at least what the limit
/// allows (the first 20 at once, then 20 per span: 4 spans), and not
/// much more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_over_the_limit_wait_their_turn_instead_of_being_answered_429() {
    let tenant = FakeTenant::start().await;
    tenant.enforce_rate_limit(REQUESTS as usize, PER);
    tenant.stop_recording();
    let client = limited_client(&tenant, Some(RateLimit::new(REQUESTS, PER)));
    let took = burst(&client, 4, 25).await;
    assert_eq!(tenant.rate_limited(), 0, "no 429");
    let minimum = PER * 4;
    assert!(took >= minimum, "{took:?}: faster than the limit allows");
    assert!(took < minimum * 2, "{took:?}: far slower than the limit");
}

/// Without the client's limit the same burst meets the tenant's 429s
/// (and gets through them by retrying after `Retry-After`): the limit is
/// what spares them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_limit_off_the_tenant_answers_429_and_calls_retry() {
    let tenant = FakeTenant::start().await;
    tenant.enforce_rate_limit(REQUESTS as usize, PER);
    tenant.stop_recording();
    let client = limited_client(&tenant, None);
    burst(&client, 4, 10).await;
    assert!(tenant.rate_limited() > 0, "the tenant had to refuse some");
}

/// Every clone of a client, and every client built with the same
/// credentials, shares one limit: together they stay under it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_and_clients_with_the_same_credentials_share_the_limit() {
    let tenant = FakeTenant::start().await;
    tenant.enforce_rate_limit(REQUESTS as usize, PER);
    tenant.stop_recording();
    let limit = Some(RateLimit::new(REQUESTS, PER));
    let one = limited_client(&tenant, limit);
    let other = limited_client(&tenant, limit);
    let (a, b) = tokio::join!(burst(&one, 2, 15), burst(&other, 2, 15));
    assert_eq!(tenant.rate_limited(), 0, "no 429");
    // 60 calls, 20 per span: at least two spans after the first 20.
    assert!(a.max(b) >= PER * 2, "{a:?} {b:?}");
}

/// The limit counts per API version: calls of another version do not
/// wait for this one's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_versions_are_counted_apart() {
    let tenant = FakeTenant::start().await;
    let client = limited_client(&tenant, Some(RateLimit::new(3, Duration::from_secs(30))));
    for _ in 0..3 {
        send(&client).await.unwrap();
    }
    // `/send-test-notification/v1` has used its 3; `/access-request-config/v2` has not.
    let started = Instant::now();
    client.get_access_request_config_v2().send().await.ok();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(tenant
        .requests()
        .iter()
        .any(|r| r.path == "/access-request-config/v2"));
    // A fourth v1 call waits for the window (not awaited in full here).
    let waited = tokio::time::timeout(Duration::from_millis(300), send(&client)).await;
    assert!(waited.is_err(), "the fourth v1 call waits its turn");
}
