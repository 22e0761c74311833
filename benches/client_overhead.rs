//! The cost of the runtime (auth, hooks, retry wrapper, rate limiter) per
//! call: calls per second through the full client beside plain reqwest
//! making the same request, in the same run, against a fake tenant on
//! 127.0.0.1. The client's rate limiter is on, at a limit never reached.
//!
//! `cargo bench --bench client_overhead` prints, for sequential calls and for
//! 8 calls in flight, both median rates and the median of the per-round
//! ratios (target: ≥ 0.95). Rounds of the two alternate, and which goes first
//! alternates too, so that a noisy neighbour slows both alike.
//!
//! By default the server is the fake tenant on a thread of its own. With
//! `BENCH_BASE_URL` set, it is that server instead (another process, where
//! the client's own cost weighs more): `benches/nginx.sh` starts nginx with
//! one worker (`POST /oauth/token` → a token `tok-1`, `POST
//! /send-test-notification/v1` → 204) and runs this bench against it.
//! `BENCH_CALLS` (calls per round; 8 in flight makes 5 times as many, so
//! that a round lasts about as long) and `BENCH_ROUNDS` override the
//! defaults; `BENCH_LIMITER=off` builds the client without its rate limiter.

use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_tenant::FakeTenant;
use sailpoint::types::SendTestNotificationRequestDto;

#[path = "../tests/common/mod.rs"]
mod common;
use sailpoint::{Client, ClientBuilder, RateLimit, RetryStrategy};

const CALLS_PER_ROUND: usize = 1000;
const ROUNDS: usize = 41;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
const SDK_HEADER: &str = concat!("rust-sailpoint-", env!("CARGO_PKG_VERSION"));

/// The docs' example request (the fixtures the tests use).
fn body() -> SendTestNotificationRequestDto {
    common::example_body()
}

async fn full_client_call(client: &Client) {
    client
        .send_test_notification()
        .body(body())
        .send()
        .await
        .expect("call");
}

/// The same request as the client's: the same headers, the same body.
async fn plain_call(http: &reqwest::Client, url: &str, token: &str) {
    let response = http
        .post(url)
        .header("accept", "application/json")
        .header("x-sailpoint-sdk", SDK_HEADER)
        .bearer_auth(token)
        .json(&body())
        .send()
        .await
        .expect("call");
    assert_eq!(response.status().as_u16(), 204);
}

/// Calls per second for `calls` calls, `in_flight` at a time.
async fn rate<F, Fut>(calls: usize, in_flight: usize, call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let per_task = calls / in_flight;
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    call().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    (per_task * in_flight) as f64 / started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// Runs the fake tenant on a thread and runtime of its own, apart from the
/// client's.
fn start_tenant() -> (
    String,
    std::sync::mpsc::Sender<()>,
    Arc<std::sync::Mutex<Option<FakeTenant>>>,
) {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let slot = Arc::new(std::sync::Mutex::new(None));
    let shared = slot.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let tenant = FakeTenant::start().await;
            ready_tx.send(tenant.base_url()).unwrap();
            *shared.lock().unwrap() = Some(tenant);
            let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
        });
    });
    (ready_rx.recv().unwrap(), stop_tx, slot)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let calls = setting("BENCH_CALLS", CALLS_PER_ROUND);
    let rounds = setting("BENCH_ROUNDS", ROUNDS);
    let external = std::env::var("BENCH_BASE_URL").ok();
    let (base_url, _stop, tenant_slot) = match &external {
        Some(url) => {
            let (stop, _) = std::sync::mpsc::channel();
            (url.clone(), stop, Arc::new(std::sync::Mutex::new(None)))
        }
        None => start_tenant(),
    };
    while external.is_none() && tenant_slot.lock().unwrap().is_none() {
        std::thread::yield_now();
    }
    let tenant = || tenant_slot.lock().unwrap();
    let limiter_on = std::env::var("BENCH_LIMITER").as_deref() != Ok("off");
    println!(
        "server: {}; {calls} calls per round, {rounds} rounds; the client's rate limiter {}",
        external.as_deref().unwrap_or("the fake tenant, in process"),
        if limiter_on { "on" } else { "off" }
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Arc::new(
            Client::from_builder(
                ClientBuilder::new()
                    .base_url(base_url.clone())
                    .client_credentials("bench", "bench-secret")
                    .retry_strategy(RetryStrategy::default())
                    // The rate limit is on, as by default, at a limit this
                    // bench never reaches: its cost per call is measured,
                    // not its waiting. `BENCH_LIMITER=off` measures the
                    // client without it.
                    .rate_limit(
                        limiter_on.then(|| RateLimit::new(10_000_000, Duration::from_secs(1))),
                    )
                    .timeout(Duration::from_secs(10)),
            )
            .unwrap(),
        );
        // The first call fetches the token; plain reqwest reuses it.
        full_client_call(&client).await;
        let token = "tok-1".to_owned();
        let user_agent = match tenant().as_ref() {
            Some(tenant) => {
                let sent = tenant.requests()[0].headers.clone();
                assert_eq!(
                    sent["x-sailpoint-sdk"], SDK_HEADER,
                    "the baseline sends what the client sends"
                );
                tenant.stop_recording();
                sent["user-agent"].clone()
            }
            None => format!(
                "sailpoint/{} (rust; sailpoint-runtime/0.1.0)",
                env!("CARGO_PKG_VERSION")
            ),
        };
        // The baseline is an application: it installs the crypto provider
        // reqwest needs (the client under test brings its own, ring too).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let url = format!("{base_url}/send-test-notification/v1");

        let mut all_pass = true;
        // BENCH_ONLY=ours|plain runs one side alone (for profiling): its
        // rate is printed, and nothing is judged.
        let only = std::env::var("BENCH_ONLY").unwrap_or_default();
        // BENCH_IN_FLIGHT=1|8 runs one mode alone (for profiling).
        let modes: Vec<usize> = match std::env::var("BENCH_IN_FLIGHT").ok().and_then(|v| v.parse().ok()) {
            Some(n) => vec![n],
            None => vec![1, 8],
        };
        for in_flight in modes {
            let (mut ours, mut plain) = (Vec::new(), Vec::new());
            for round in 0..=rounds {
                let c = client.clone();
                let ours_round = move || {
                    let c = c.clone();
                    rate(calls * in_flight.min(5), in_flight, move || {
                        let c = c.clone();
                        async move { full_client_call(&c).await }
                    })
                };
                let (h, u, t) = (http.clone(), url.clone(), token.clone());
                let plain_round = move || {
                    let (h, u, t) = (h.clone(), u.clone(), t.clone());
                    rate(calls * in_flight.min(5), in_flight, move || {
                        let (h, u, t) = (h.clone(), u.clone(), t.clone());
                        async move { plain_call(&h, &u, &t).await }
                    })
                };
                // Alternate which goes first, so neither gains from the order.
                let (ours_rate, plain_rate) = if only == "ours" {
                    (ours_round().await, 1.0)
                } else if only == "plain" {
                    (1.0, plain_round().await)
                } else if round % 2 == 0 {
                    let o = ours_round().await;
                    (o, plain_round().await)
                } else {
                    let p = plain_round().await;
                    (ours_round().await, p)
                };
                if round > 0 {
                    // Round 0 warms both up.
                    ours.push(ours_rate);
                    plain.push(plain_rate);
                }
            }
            // Each round pairs the two under the same conditions; the median
            // of the paired ratios is robust to a neighbour's load.
            let ratios: Vec<f64> = ours.iter().zip(&plain).map(|(o, p)| o / p).collect();
            let (low, high) = ratios
                .iter()
                .fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
            let ratio = median(ratios);
            let (ours, plain) = (median(ours), median(plain));
            if !only.is_empty() {
                let rate = if only == "ours" { ours } else { plain };
                println!("{in_flight} in flight, {only} alone: {rate:.0} calls/s");
                continue;
            }
            let pass = ratio >= 0.95;
            all_pass &= pass;
            println!(
                "{:<10} full client {:>8.0} calls/s   plain reqwest {:>8.0} calls/s   ratio {:.3} (rounds {:.3}–{:.3})  {}",
                if in_flight == 1 { "sequential" } else { "8 in flight" },
                ours,
                plain,
                ratio,
                low,
                high,
                if pass { "(≥ 0.95: ok)" } else { "(< 0.95: BELOW TARGET)" }
            );
        }
        if let Some(tenant) = tenant().as_ref() {
            println!("token requests: {}", tenant.token_requests());
        }
        if !all_pass {
            std::process::exit(1);
        }
    });
}
