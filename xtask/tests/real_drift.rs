//! Drift that tells the truth about this client, on real upstream changes:
//! the seed page against its later versions, the NERM API five months
//! apart, the beta API nineteen months apart; and the way from the legacy
//! APIs (beta, v3) to the v1 API.

#[path = "support/proven.rs"]
mod support;

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::{json, Map, Value};
use spec_drift::{Class, ClientProfile, Kind, Options, Report};
use xtask::drift::{not_compared, CodegenNames};
use xtask::{load_side, workspace_root};

fn corpus(set: &str) -> String {
    workspace_root()
        .join("../shared/corpus")
        .join(set)
        .display()
        .to_string()
}

fn diff_text(old: &str, new: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", old, new])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Both sides read as `cargo xtask diff` reads them (the new side named
/// with the old side's names), and the report for a client whose response
/// enums are open or not; with the documents, for checks against them.
fn report(old: &str, new: &str, response_enums_open: bool) -> (Report, Value, Value) {
    let root = workspace_root();
    let old = load_side(&root, old, None).unwrap();
    let new = load_side(&root, new, Some(&old.lock)).unwrap();
    let names = CodegenNames::of(&old.document, &new.document);
    let mut left_out = not_compared(spec_drift::Side::Old, &old.quarantined);
    left_out.extend(not_compared(spec_drift::Side::New, &new.quarantined));
    let options = Options {
        client: ClientProfile {
            response_enums_open,
        },
        rust: Some(&names),
        not_compared: left_out,
    };
    let report = spec_drift::diff_with(&old.document, &new.document, &options);
    (report, old.document, new.document)
}

/// Every breaking entry is of a kind `rules_proven.rs` proves.
fn every_break_of_a_proven_kind(report: &Report) {
    for c in report.changes.iter().filter(|c| c.class.is_breaking()) {
        assert!(
            support::proven(c),
            "no proof for {} {:?}: {c:?}",
            c.kind,
            c.class
        );
    }
}

/// Entries by `kind class`, for the breaking ones.
fn breaking_by_kind(report: &Report) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for c in report.changes.iter().filter(|c| c.class.is_breaking()) {
        *out.entry(format!("{} {}", c.kind, c.class.label()))
            .or_default() += 1;
    }
    out
}

fn table(rows: &[(&str, usize)]) -> BTreeMap<String, usize> {
    rows.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
}

/// The names in backticks of a text, in order.
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// No breaking entry comes from this project's names or from stubs: a
/// type renamed is renamed by the pages' own titles, and no property is
/// removed from a type the new pages give only as its title.
fn no_break_of_ours(report: &Report, old: &Value, new: &Value) {
    let component =
        |doc: &Value, name: &str| doc.pointer(&format!("/components/schemas/{name}")).cloned();
    let title = |doc: &Value, name: &str| {
        component(doc, name).and_then(|c| c.get("title").and_then(Value::as_str).map(str::to_owned))
    };
    for c in report.changes.iter().filter(|c| c.class.is_breaking()) {
        assert_ne!(c.kind, Kind::TypeNameChanged, "{c:?}");
        if c.kind == Kind::TypeRenamed {
            let from = quoted(&c.detail)[0];
            let (a, b) = (
                title(old, from),
                c.items.iter().map(|i| title(new, quoted(i)[0])),
            );
            assert!(
                a.is_some(),
                "renamed upstream, yet the old side has no title: {c:?}"
            );
            for t in b {
                assert!(
                    t.is_some() && t != a,
                    "renamed upstream, yet titled alike: {c:?}"
                );
            }
        }
        if c.kind == Kind::PropertyRemoved {
            if let Some(name) = c
                .location
                .strip_prefix("components.schemas['")
                .and_then(|r| r.split_once("']"))
                .map(|(n, _)| n)
            {
                if let Some(schema) = component(new, name) {
                    let shape_keys = schema
                        .as_object()
                        .unwrap()
                        .keys()
                        .filter(|k| {
                            !["title", "description", "type", "required", "example"]
                                .contains(&k.as_str())
                        })
                        .count();
                    assert!(shape_keys > 0, "a property removed from a stub: {c:?}");
                }
            }
        }
    }
}

/// Applies `f` to every schema object under `v` (any depth).
fn each_object(v: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    match v {
        Value::Object(map) => {
            f(map);
            map.values_mut().for_each(|c| each_object(c, f));
        }
        Value::Array(items) => items.iter_mut().for_each(|c| each_object(c, f)),
        _ => {}
    }
}

/// The seed page as the later upstream writes it: `locale` and
/// `localeOrigin` nullable, the security scheme renamed (same
/// client-credentials flow and token URL, other prose), a second server,
/// and no content declared on the 204 any more.
fn later_seed(seed: &str) -> String {
    let (head, rest) = seed.split_once("\napi: ").unwrap();
    let (api, tail) = rest.split_once('\n').unwrap();
    let mut api: Value = serde_json::from_str(api).unwrap();
    for key in ["responses", "securitySchemes"] {
        assert!(api.get(key).is_some(), "the seed page has `{key}`");
    }
    each_object(&mut api["responses"], &mut |map| {
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for name in ["locale", "localeOrigin"] {
                if let Some(Value::Object(p)) = props.get_mut(name) {
                    p.insert("nullable".into(), json!(true));
                }
            }
        }
    });
    let mut scheme = api["securitySchemes"]["oauth2"].clone();
    scheme["description"] = json!("OAuth2 Bearer token (JWT).  See the authentication docs.");
    api["securitySchemes"] = json!({ "userAuth": scheme });
    api["security"] = json!([{ "userAuth": [] }]);
    let mut servers = api["servers"].as_array().cloned().unwrap();
    servers.push(json!({"url": "https://{tenant}.api.identitynow.com/v2024", "variables": {"tenant": {"default": "sailpoint"}}}));
    api["servers"] = Value::Array(servers);
    api["responses"]["204"]
        .as_object_mut()
        .unwrap()
        .remove("content");
    format!("{head}\napi: {api}\n{tail}")
}

#[test]
fn the_later_seed_page_breaks_nothing_for_this_client() {
    let seed_path = workspace_root().join("../shared/seed/send-test-notification.api.mdx");
    let seed = std::fs::read_to_string(&seed_path).unwrap();
    let dir = std::env::temp_dir().join(format!("later-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let later = dir.join("send-test-notification.api.mdx");
    std::fs::write(&later, later_seed(&seed)).unwrap();
    let report = diff_text(
        &seed_path.display().to_string(),
        &later.display().to_string(),
    );
    let _ = std::fs::remove_dir_all(&dir);

    assert!(
        report.starts_with("0 breaking, "),
        "nothing breaks for this client:\n{report}"
    );
    for expected in [
        // One component change, one line, naming its places.
        "compatible           now nullable: the property is optional, so already Option<_>: null reads as None\n      at .properties.locale (`Cause::locale`) in response 400, response 403, response 404, response 500 of sendTestNotification",
        "security scheme `oauth2` renamed to `userAuth`",
        "server `https://{tenant}.api.identitynow.com/v2024` added",
        "adaptation `no_content_answers_have_no_body` no longer applies (was 1 change(s))",
    ] {
        assert!(report.contains(expected), "missing {expected:?} in:\n{report}");
    }
    // The scheme's new prose alone is no change, and the requirement naming
    // the renamed scheme asks for the same thing.
    assert!(
        !report.contains("security requirements changed"),
        "{report}"
    );
    assert!(
        !report.contains("security scheme `oauth2` changed"),
        "{report}"
    );
    // The nullable properties: one line each, not one per response.
    assert_eq!(report.matches(".properties.locale ").count(), 1, "{report}");
}

/// The seed page (beta, 2022) against the same operation's real page of
/// March 2024: nothing breaks. The `oauth2` scheme is `UserContextAuth`
/// there (the same client-credentials flow; another authorization URL, a
/// user's flow this client does not use), `localeOrigin`'s enum gained a
/// `null` (an optional property: it reads as `None`), and the types are
/// named after the titles the 2024 pages carry (this project's naming, not
/// upstream's). The news is still there: the server added, the scheme
/// renamed, the 204 fixed upstream.
#[test]
fn the_seed_against_its_real_2024_page_breaks_nothing() {
    let seed = workspace_root()
        .join("../shared/seed/send-test-notification.api.mdx")
        .display()
        .to_string();
    let page = format!(
        "{}/send-test-notification.api.mdx",
        corpus("sailpoint-beta-2024-03")
    );
    let report = diff_text(&seed, &page);
    assert!(report.starts_with("0 breaking, "), "{report}");
    for expected in [
        "server `https://{apiUrl}/beta` added",
        "security scheme `oauth2` renamed to `UserContextAuth`",
        "adaptation `no_content_answers_have_no_body` no longer applies (was 1 change(s))",
        "types named differently: `Cause` → `ErrorMessageDto`, `SendTestNotificationResponse400` → `ErrorResponseDto`: not renamed upstream (the new pages title it)",
    ] {
        assert!(report.contains(expected), "missing {expected:?} in:\n{report}");
    }
    assert!(
        !report.contains("security scheme `oauth2` removed"),
        "{report}"
    );
    for open in [false, true] {
        let (r, _, _) = report_of(&seed, &page, open);
        assert!(!r.has_breaking(), "{}", r.to_text(false));
    }
}

fn report_of(old: &str, new: &str, open: bool) -> (Report, Value, Value) {
    report(old, new, open)
}

/// The NERM lifecycle API, 2023-05 against 2023-10 (81 operations in
/// both). What breaks, and why:
/// - at compile time: `admin` removed from two request bodies, an
///   operationId renamed on the same route (`postUserProfiles` →
///   `createUserProfiles`), a parameter's `int32` dropped (`i32` → `i64`);
/// - at run time: `int32` dropped from response fields in 5 types (the
///   server may now send values an `i32` cannot hold; one of them, reached
///   by 17 operations, is a `type: int` the fixup `invalid_schema_type`
///   reads as `integer`, its format kept), three operations moved to
///   another path (`/advanced_search/a/b/...`).
///
/// The 18 derived names that moved because upstream merged shapes are this
/// project's names: one entry, information. The bearer requirement NERM
/// added to 81 operations is met by this client.
#[test]
fn the_nerm_pair_reports_only_real_breaks() {
    let (old, new) = (corpus("nerm-2023-05"), corpus("nerm-ids-2023-10"));
    let text = diff_text(&old, &new);
    assert_eq!(
        text.lines().next().unwrap(),
        "12 breaking (4 at compile time, 8 at run time), 6 compatible, 7 for information",
        "{text}"
    );
    let (report, old_doc, new_doc) = report(&old, &new, true);
    assert_eq!(
        breaking_by_kind(&report),
        table(&[
            ("format-changed breaking (compile)", 1),
            ("format-changed breaking (run time)", 5),
            ("operation-moved breaking (run time)", 3),
            ("operation-renamed breaking (compile)", 1),
            ("property-removed breaking (compile)", 2),
        ]),
        "{}",
        report.to_text(false)
    );
    no_break_of_ours(&report, &old_doc, &new_doc);
    every_break_of_a_proven_kind(&report);
    let names = report
        .changes
        .iter()
        .find(|c| c.kind == Kind::TypeNameChanged)
        .unwrap();
    assert_eq!((names.class, names.items.len()), (Class::Info, 18));
    // What the code generator adapts changed too, one line per adaptation.
    assert!(
        text.contains("adaptation `one_error_body_per_operation` now makes 87 change(s), was 78"),
        "{text}"
    );
    assert!(
        text.contains("security requirements changed: now `bearerAuth`: the client sends its client-credentials token on every call"),
        "{text}"
    );
}

/// The beta API, August 2022 against March 2024: the report a maintainer
/// can act on. Before this report: 9,141 lines, 2,061 breaking. Now the
/// summary fits a screen, the whole is under a quarter of that, and what
/// breaks is upstream's doing: operationIds renamed on their routes (128),
/// a shared `DtoType`-style enum split into narrower ones per reference,
/// properties removed and made required, formats that are Rust types, a
/// few moves. Not: this project's names (217 types titled by the 2024
/// pages, 50 derived names, 4 numbers: three entries, information), stubs
/// (42 places not compared), nor the `oauth2` scheme renamed.
#[test]
fn the_beta_pair_fits_a_screen_and_breaks_only_upstream() {
    let (old, new) = (
        corpus("sailpoint-beta-2022-08"),
        corpus("sailpoint-beta-2024-03"),
    );
    let text = diff_text(&old, &new);
    let lines = text.lines().count();
    assert!(lines * 4 <= 9141, "{lines} lines");
    let summary = text.lines().take_while(|l| *l != "Document").count();
    assert!(summary <= 60, "a summary of {summary} lines:\n{text}");

    let (closed, old_doc, new_doc) = report(&old, &new, false);
    let (open, _, _) = report(&old, &new, true);
    no_break_of_ours(&closed, &old_doc, &new_doc);
    no_break_of_ours(&open, &old_doc, &new_doc);
    every_break_of_a_proven_kind(&closed);
    let compile = table(&[
        ("additional-properties-changed breaking (compile)", 2),
        ("content-type-removed breaking (compile)", 1),
        ("enum-added breaking (compile)", 7),
        ("enum-closed breaking (compile)", 1),
        ("enum-removed breaking (compile)", 1),
        ("enum-value-removed breaking (compile)", 9),
        ("format-changed breaking (compile)", 13),
        ("operation-removed breaking (compile)", 4),
        ("operation-renamed breaking (compile)", 128),
        ("parameter-removed breaking (compile)", 1),
        ("parameter-renamed breaking (compile)", 1),
        ("property-optional breaking (compile)", 1),
        ("property-removed breaking (compile)", 14),
        ("property-required breaking (compile)", 7),
        ("type-changed breaking (compile)", 3),
        ("variant-removed breaking (compile)", 2),
    ]);
    let mut with_closed = compile.clone();
    with_closed.extend(table(&[
        ("enum-value-added breaking (run time)", 14),
        ("format-changed breaking (run time)", 1),
        ("nullable-changed breaking (run time)", 10),
        ("operation-moved breaking (run time)", 3),
        ("property-added breaking (run time)", 3),
        ("type-changed breaking (run time)", 12),
        ("variant-added breaking (run time)", 4),
    ]));
    assert_eq!(
        breaking_by_kind(&closed),
        with_closed,
        "{}",
        closed.to_text(false)
    );
    // With the client's response enums open, an added value is news.
    let mut with_open = with_closed.clone();
    with_open.remove("enum-value-added breaking (run time)");
    assert_eq!(
        breaking_by_kind(&open),
        with_open,
        "{}",
        open.to_text(false)
    );

    let entries = |kind: Kind| closed.changes.iter().filter(move |c| c.kind == kind);
    let ours: Vec<usize> = entries(Kind::TypeNameChanged)
        .map(|c| c.items.len())
        .collect();
    assert_eq!(ours, [217, 50, 4], "{ours:?}");
    assert!(entries(Kind::TypeNameChanged).all(|c| c.class == Class::Info));
    let stubs: usize = entries(Kind::NotCompared).map(|c| c.places.len()).sum();
    assert!(stubs > 0, "the 2024 pages' stubs are not compared");
    assert!(
        text.contains("security scheme `oauth2` renamed to `UserContextAuth`"),
        "{text}"
    );
    // The operation that kept its id on another endpoint.
    assert!(
        text.contains("the method `get_identity` now calls GET /identities/{id} instead of GET /historical-identities/{id}"),
        "{text}"
    );
    // Rust names beside the spec's.
    assert!(
        text.contains("DELETE /segments/{id} (deleteSegment) `delete_segment`"),
        "{text}"
    );
    assert!(text.contains("(`Cause::locale`)"), "{text}");
}

/// The legacy APIs of March 2024 against the v1 pages: every operation
/// either has its successor, checked, or says why not.
#[test]
fn every_legacy_operation_finds_its_v1_successor_or_says_why() {
    let root = workspace_root();
    let v1 = corpus("isc-v1-2026-08");
    for (set, operations, with_successor, doubtful) in [
        ("sailpoint-beta-2024-03", 460, 447, 3),
        ("sailpoint-v3-2024-03", 281, 281, 0),
    ] {
        let migration = xtask::drift::migration(&root, &corpus(set), &v1).unwrap();
        let s = migration.summary();
        assert_eq!(
            (s.operations, s.with_successor, s.doubtful),
            (operations, with_successor, doubtful),
            "{set}: {}",
            migration.summary_text()
        );
        for o in &migration.operations {
            match &o.successor {
                Some(to) => {
                    assert!(o.check.is_some() && !o.why.is_empty(), "{o:?}");
                    // The method's v1 name, from the generator's naming.
                    assert!(to.rust.is_some(), "{o:?}");
                    // The version moving into the path is the migration
                    // itself, not a change.
                    assert!(
                        o.changes.iter().all(|c| c.kind != Kind::OperationMoved)
                            || o.matched_by == Some(spec_drift::MatchedBy::OperationId),
                        "{o:?}"
                    );
                }
                None => assert!(o.why.starts_with("no target operation on"), "{o:?}"),
            }
        }
        let markdown = migration.to_markdown();
        assert!(markdown.starts_with("# Migrating from "), "{markdown}");
        let json: Value = serde_json::from_str(&migration.to_json()).unwrap();
        assert_eq!(json["summary"]["with_successor"], with_successor);
    }
}

/// The drift rules judge enum values added to responses by what the client
/// does with them, read from the code generator: its response enums keep
/// any value (`response_enums_are_open`), so such a value is news.
#[test]
fn the_client_profile_says_response_enums_are_open() {
    assert!(xtask::drift::client_profile().response_enums_open);
}
