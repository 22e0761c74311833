//! Every list operation streams its items over `offset`/`limit`, against
//! the fake tenant: several pages, an empty last page, `X-Total-Count`, a
//! page the runtime retries, and an error mid-stream.

mod common;

use common::*;
use fake_tenant::{FakeTenant, Reply};

/// An access profile as the list returns it.
fn profile(n: u64) -> serde_json::Value {
    serde_json::json!({
        "id": format!("ap-{n}"),
        "name": format!("Profile {n}"),
        "owner": {"type": "IDENTITY", "id": "owner-1"},
        "source": {"type": "SOURCE", "id": "source-1"}
    })
}

/// Every item of `list_access_profiles` with pages of `limit`.
async fn all_profiles(
    client: &sailpoint::Client,
    limit: i32,
) -> Vec<sailpoint::types::AccessProfile> {
    client
        .list_access_profiles()
        .limit(limit)
        .stream()
        .collect_all()
        .await
        .unwrap()
}

fn page(from: u64, to: u64) -> Reply {
    Reply::json(
        200,
        serde_json::Value::Array((from..to).map(profile).collect()),
    )
}

/// `(offset, limit)` of every list request the tenant received.
fn pages_asked(tenant: &FakeTenant) -> Vec<(u64, u64)> {
    tenant
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/access-profiles/v1"))
        .map(|r| {
            let query = r.path.split_once('?').map(|(_, q)| q).unwrap_or("");
            let get = |k: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(u64::MAX)
            };
            (get("offset"), get("limit"))
        })
        .collect()
}

#[tokio::test]
async fn several_pages_then_a_short_one() {
    let tenant = FakeTenant::start().await;
    tenant.script(page(0, 2));
    tenant.script(page(2, 4));
    tenant.script(page(4, 5));
    let all = all_profiles(&client(&tenant), 2).await;
    let ids: Vec<&str> = all.iter().filter_map(|p| p.id.as_deref()).collect();
    assert_eq!(ids, ["ap-0", "ap-1", "ap-2", "ap-3", "ap-4"]);
    assert_eq!(pages_asked(&tenant), [(0, 2), (2, 2), (4, 2)]);
}

#[tokio::test]
async fn an_empty_page_ends_the_list_and_the_total_spares_it() {
    let tenant = FakeTenant::start().await;
    tenant.script(page(0, 2));
    tenant.script(page(2, 2));
    let all = all_profiles(&client(&tenant), 2).await;
    assert_eq!(all.len(), 2);
    assert_eq!(pages_asked(&tenant), [(0, 2), (2, 2)]);

    // With `count=true` the server says how many there are: no empty page.
    let tenant = FakeTenant::start().await;
    tenant.script(page(0, 2).header("x-total-count", "4"));
    tenant.script(page(2, 4).header("x-total-count", "4"));
    let all = common::client(&tenant)
        .list_access_profiles()
        .count(true)
        .limit(2)
        .stream()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(pages_asked(&tenant), [(0, 2), (2, 2)]);
}

#[tokio::test]
async fn the_page_size_is_at_most_the_api_s_maximum_and_offset_is_where_it_starts() {
    let tenant = FakeTenant::start().await;
    tenant.script(page(10, 12));
    let client = client(&tenant);
    let all = client
        .list_access_profiles()
        .limit(10_000)
        .offset(10)
        .stream()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    // The docs give `limit` a maximum of 250 for this operation.
    assert_eq!(pages_asked(&tenant), [(10, 250)]);
}

#[tokio::test]
async fn a_page_the_server_refuses_for_a_moment_is_retried() {
    let tenant = FakeTenant::start().await;
    tenant.script(page(0, 2));
    tenant.script(Reply::status(503).header("retry-after", "0"));
    tenant.script(page(2, 3));
    let all = all_profiles(&client(&tenant), 2).await;
    assert_eq!(all.len(), 3);
    assert_eq!(pages_asked(&tenant), [(0, 2), (2, 2), (2, 2)]);
}

#[tokio::test]
async fn an_error_mid_stream_comes_after_the_items_before_it_and_ends_the_stream() {
    let tenant = FakeTenant::start().await;
    tenant.script(page(0, 2));
    tenant.script(Reply::json(400, documented_400()));
    let client = client(&tenant);
    let mut items = client.list_access_profiles().limit(2).stream();
    assert_eq!(
        items.next().await.unwrap().unwrap().id.as_deref(),
        Some("ap-0")
    );
    assert_eq!(
        items.next().await.unwrap().unwrap().id.as_deref(),
        Some("ap-1")
    );
    let err = items.next().await.unwrap().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        err.api().and_then(|a| a.tracking_id.as_deref()),
        Some("e7eab60924f64aa284175b9fa3309599")
    );
    assert!(
        items.next().await.is_none(),
        "the stream ends after the error"
    );
    assert_eq!(pages_asked(&tenant).len(), 2);
}
