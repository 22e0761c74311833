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

// ------------------------------------------------- lists as SailPoint pages them

/// A list of `n` access profiles served by `offset` and `limit` (at most
/// `cap` items a page whatever `limit` says), as SailPoint serves them:
/// `X-Total-Count` when `count=true` is asked (if `counts`), and past the
/// end, `400 "Specified offset is invalid."`.
fn serve_list(tenant: &FakeTenant, n: u64, cap: u64, counts: bool) {
    tenant.respond(move |request| {
        if !request.path.starts_with("/access-profiles/v1") {
            return None;
        }
        let query = request.path.split_once('?').map(|(_, q)| q).unwrap_or("");
        let get = |k: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                .map(str::to_owned)
        };
        let offset: u64 = get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
        let limit: u64 = get("limit").and_then(|v| v.parse().ok()).unwrap_or(250);
        if offset >= n && offset > 0 {
            return Some(Reply::json(
                400,
                serde_json::json!({"detailMessage": "Specified offset is invalid.", "stackTrace": [], "suppressedExceptions": []}),
            ));
        }
        let reply = page(offset, n.min(offset + limit.min(cap)));
        Some(if counts && get("count").as_deref() == Some("true") {
            reply.header("x-total-count", &n.to_string())
        } else {
            reply
        })
    });
}

/// `(offset, count)` of every list request: the count asked for, if any.
fn counts_asked(tenant: &FakeTenant) -> Vec<(u64, Option<String>)> {
    pages_asked(tenant)
        .into_iter()
        .zip(
            tenant
                .requests()
                .iter()
                .filter(|r| r.path.starts_with("/access-profiles/v1")),
        )
        .map(|((offset, _), r)| {
            let count = r
                .path
                .split_once("count=")
                .map(|(_, v)| v.split('&').next().unwrap_or("").to_owned());
            (offset, count)
        })
        .collect()
}

/// Every item of `list_access_profiles` at the API's page size.
async fn every_profile(tenant: &FakeTenant) -> Vec<sailpoint::types::AccessProfile> {
    client(tenant)
        .list_access_profiles()
        .stream()
        .collect_all()
        .await
        .expect("every item, no error")
}

/// How many items `list_access_profiles` yields before its error, and the
/// error (within ten seconds: the stream must end).
async fn items_then_error(tenant: &FakeTenant) -> (usize, sailpoint::Error) {
    let client = client(tenant);
    let mut items = client.list_access_profiles().stream();
    let mut got = 0;
    let err = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match items.next().await {
                Some(Ok(_)) => got += 1,
                Some(Err(e)) => return e,
                None => panic!("the stream ended without an error"),
            }
        }
    })
    .await
    .expect("the stream ends");
    (got, err)
}

/// 500 items in pages of 250, and a server that does not count: the third
/// page is SailPoint's 400 for an offset past the end, and the stream ends
/// there with every item, no error (before: 500 items, then the error, and
/// `collect_all` failed).
#[tokio::test]
async fn an_exact_multiple_of_the_page_size_ends_cleanly_at_sailpoint_s_400() {
    let tenant = FakeTenant::start().await;
    serve_list(&tenant, 500, 250, false);
    let all = every_profile(&tenant).await;
    assert_eq!(all.len(), 500);
    assert_eq!(all[499].id.as_deref(), Some("ap-499"));
    assert_eq!(pages_asked(&tenant), [(0, 250), (250, 250), (500, 250)]);
}

/// A server that counts: the stream asks for the count with its first page
/// only, and stops at it, never asking past the end.
#[tokio::test]
async fn the_count_is_asked_with_the_first_page_and_spares_the_page_past_the_end() {
    let tenant = FakeTenant::start().await;
    serve_list(&tenant, 500, 250, true);
    let all = every_profile(&tenant).await;
    assert_eq!(all.len(), 500);
    assert_eq!(
        counts_asked(&tenant),
        [(0, Some("true".to_owned())), (250, None)]
    );
    // A caller's own `count` is left as it is.
    let tenant = FakeTenant::start().await;
    serve_list(&tenant, 3, 250, true);
    client(&tenant)
        .list_access_profiles()
        .count(false)
        .stream()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(counts_asked(&tenant), [(0, Some("false".to_owned()))]);
}

/// The 400 at the first page is not the end of an empty list: it is the
/// error it is.
#[tokio::test]
async fn the_offset_400_at_the_first_page_is_an_error() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::json(
        400,
        serde_json::json!({"detailMessage": "Specified offset is invalid."}),
    ));
    let err = client(&tenant)
        .list_access_profiles()
        .stream()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "400 Bad Request: Specified offset is invalid."
    );
}

/// A server that ignores `offset` sends its first page again and again:
/// the stream ends with an error after the first page, never loops.
#[tokio::test]
async fn a_server_ignoring_offset_ends_with_an_error_not_an_endless_stream() {
    let tenant = FakeTenant::start().await;
    tenant.answer_by_default(page(0, 250));
    let (got, err) = items_then_error(&tenant).await;
    assert_eq!(got, 250);
    assert!(
        matches!(err, sailpoint::Error::Paging { offset: 250, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("seems to ignore `offset`"),
        "{err}"
    );
    assert_eq!(pages_asked(&tenant).len(), 2);
}

/// Pages shorter than asked for, before the count is reached: the next
/// page is asked from where the short one stopped, until the count.
#[tokio::test]
async fn short_pages_before_the_count_are_followed_to_the_end() {
    let tenant = FakeTenant::start().await;
    serve_list(&tenant, 500, 100, true);
    let all = every_profile(&tenant).await;
    let ids: Vec<String> = all.iter().filter_map(|p| p.id.clone()).collect();
    assert_eq!(ids, (0..500).map(|i| format!("ap-{i}")).collect::<Vec<_>>());
    assert_eq!(
        pages_asked(&tenant),
        [(0, 250), (100, 250), (200, 250), (300, 250), (400, 250)]
    );
}

/// A count the items never reach: what came, then an error saying so
/// (before: the stream ended silently short).
#[tokio::test]
async fn fewer_items_than_the_count_is_an_error_after_what_came() {
    let tenant = FakeTenant::start().await;
    tenant.script(page(0, 250).header("x-total-count", "500"));
    tenant.script(page(250, 480).header("x-total-count", "500"));
    tenant.script(page(480, 480).header("x-total-count", "500"));
    let (got, err) = items_then_error(&tenant).await;
    assert_eq!(got, 480);
    assert_eq!(
        err.to_string(),
        "paging stopped at offset 480: X-Total-Count says 500 items, but the list ended at offset 480"
    );
}

/// Search past the 10,000-result window: `searchAfter` paging with the
/// last document's sort values, `id` added to the sort.
#[tokio::test]
async fn search_pages_past_the_window_by_search_after() {
    let tenant = FakeTenant::start().await;
    let docs: Vec<serde_json::Value> = (0..25)
        .map(|i| {
            serde_json::json!({
                "id": format!("id-{i:02}"),
                "name": format!("identity {i:02}"),
                "_type": "identity",
                "type": "identity"
            })
        })
        .collect();
    tenant.respond(move |request| {
        if request.path.split('?').next() != Some("/search/v1") {
            return None;
        }
        let body = request.json();
        let limit: usize = request
            .path
            .split_once("limit=")
            .and_then(|(_, v)| v.split('&').next()?.parse().ok())
            .unwrap_or(10_000);
        // Sorted by name, then id: after the last values sent.
        let from = match body.get("searchAfter").and_then(|v| v.as_array()) {
            None => 0,
            Some(after) => {
                let name = after[0].as_str().unwrap();
                docs.iter().position(|d| d["name"] == name).unwrap() + 1
            }
        };
        let page: Vec<serde_json::Value> = docs.iter().skip(from).take(limit).cloned().collect();
        Some(Reply::json(200, serde_json::Value::Array(page)))
    });
    let search: sailpoint::types::Search = serde_json::from_value(serde_json::json!({
        "indices": ["identities"],
        "query": {"query": "*"},
        "sort": ["name"]
    }))
    .unwrap();
    let found = client(&tenant)
        .search_all_in_pages_of::<serde_json::Value>(&search, 10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(found.len(), 25);
    assert_eq!(found[24]["id"], "id-24");
    let bodies: Vec<serde_json::Value> = tenant.requests().iter().map(|r| r.json()).collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0]["sort"], serde_json::json!(["name", "id"]));
    assert_eq!(bodies[0].get("searchAfter"), None);
    assert_eq!(
        bodies[1]["searchAfter"],
        serde_json::json!(["identity 09", "id-09"])
    );
    assert_eq!(
        bodies[2]["searchAfter"],
        serde_json::json!(["identity 19", "id-19"])
    );
    assert!(tenant.requests()[0].path.contains("limit=10"));
}
