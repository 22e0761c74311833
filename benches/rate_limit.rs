//! The client-side rate limit against a fake tenant that enforces a limit
//! of the shape SailPoint's gateway does (N requests in any span of time,
//! then `429` with `Retry-After`), scaled down from SailPoint's 100 per 10 s
//! to 100 per 1 s so that the run stays short.
//!
//! `cargo bench --bench rate_limit` sends 8 tasks × 2,000 requests through
//! clones of one client whose limit is the tenant's, and prints how many
//! the tenant answered 429 (target: 0) and the total time against the
//! least the limit allows (the first N at once, then N per span; target:
//! within 1.1× of it). Then the same client with its limit off, for a
//! tenth of the requests: the 429s it meets instead.
//!
//! `BENCH_TASKS`, `BENCH_EACH` (requests per task), `BENCH_LIMIT` (N) and
//! `BENCH_PER_MS` (the span) change the figures.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use fake_tenant::FakeTenant;
use sailpoint::{Client, RateLimit};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `tasks` × `each` calls from clones of `client`: how long they took, and
/// how many failed.
async fn run(client: &Client, tasks: u64, each: u64) -> (Duration, usize) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut failed = 0;
                for _ in 0..each {
                    if common::send(&client).await.is_err() {
                        failed += 1;
                    }
                }
                failed
            })
        })
        .collect();
    let mut failed = 0;
    for task in tasks {
        failed += task.await.unwrap();
    }
    (started.elapsed(), failed)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let tasks = setting("BENCH_TASKS", 8);
    let each = setting("BENCH_EACH", 2000);
    let limit = setting("BENCH_LIMIT", 100);
    let per = Duration::from_millis(setting("BENCH_PER_MS", 1000));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let total = tasks * each;
        println!(
            "{tasks} tasks × {each} requests = {total}, against a tenant allowing {limit} per {per:?}"
        );

        let tenant = FakeTenant::start().await;
        tenant.enforce_rate_limit(limit as usize, per);
        tenant.stop_recording();
        let client = Client::from_builder(
            common::builder(&tenant).rate_limit(Some(RateLimit::new(limit as u32, per))),
        )
        .unwrap();
        let (took, failed_on) = run(&client, tasks, each).await;
        // The least the limit allows: the first `limit` at once, then
        // `limit` per span.
        let minimum = per.mul_f64((total.div_ceil(limit) - 1) as f64);
        let ratio = took.as_secs_f64() / minimum.as_secs_f64();
        let refused = tenant.rate_limited();
        println!(
            "limit on:  {:.1} s, the limit's minimum {:.1} s, ratio {ratio:.3} (target ≤ 1.1); \
             {refused} answered 429 (target 0); {failed_on} failed",
            took.as_secs_f64(),
            minimum.as_secs_f64()
        );

        let tenant = FakeTenant::start().await;
        tenant.enforce_rate_limit(limit as usize, per);
        tenant.stop_recording();
        let off = Client::from_builder(common::builder(&tenant).rate_limit(None)).unwrap();
        let (took, failed) = run(&off, tasks, (each / 10).max(1)).await;
        println!(
            "limit off: {} requests in {:.1} s; {} answered 429; {failed} failed after their retries",
            tasks * (each / 10).max(1),
            took.as_secs_f64(),
            tenant.rate_limited()
        );
        if refused > 0 || ratio > 1.1 || failed_on > 0 {
            std::process::exit(1);
        }
    });
}
