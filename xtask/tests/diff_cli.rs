//! `cargo xtask diff`: formats and exit codes, through the binary.

use std::process::Command;

use serde_json::{json, Value};
use xtask::{paths, workspace_root};

fn spec() -> Value {
    serde_json::from_str(&std::fs::read_to_string(workspace_root().join(paths::SPEC)).unwrap())
        .unwrap()
}

fn write(name: &str, doc: &Value) -> String {
    let path = std::env::temp_dir().join(format!("xtask-diff-{}-{name}.json", std::process::id()));
    std::fs::write(&path, doc.to_string()).unwrap();
    path.display().to_string()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn with_optional_property() -> Value {
    let mut doc = spec();
    doc["components"]["schemas"]["SendTestNotificationRequestDto"]["properties"]["priority"] =
        json!({"type": "integer"});
    doc
}

fn with_removed_enum_value() -> Value {
    let mut doc = spec();
    doc["components"]["schemas"]["SendTestNotificationRequestDto"]["properties"]["medium"]
        ["enum"] = json!(["EMAIL", "SLACK"]);
    doc
}

#[test]
fn no_drift_exits_zero() {
    let old = write("same", &spec());
    let pages = workspace_root().join(paths::UPSTREAM).display().to_string();
    // A spec file against the pages it was extracted from.
    let (code, out, err) = run(&[&old, &pages, "--check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.trim(), "no changes");
}

#[test]
fn check_fails_on_any_drift_and_fail_on_breaking_only_on_breaking() {
    let old = write("base", &spec());
    let compatible = write("compatible", &with_optional_property());
    let breaking = write("breaking", &with_removed_enum_value());

    let (code, out, _) = run(&[&old, &compatible]);
    assert_eq!(code, 0, "drift alone does not fail without --check");
    assert!(out.starts_with("0 breaking, 1 compatible"), "{out}");
    assert_eq!(run(&[&old, &compatible, "--check"]).0, 1);
    assert_eq!(run(&[&old, &compatible, "--fail-on", "breaking"]).0, 0);
    let (code, out, _) = run(&[&old, &breaking, "--fail-on", "breaking"]);
    assert_eq!(code, 1, "{out}");
    // A request enum's value removed: the variant callers send is gone.
    assert!(
        out.contains(
            "enum value `TEAMS` removed: the variant callers send is gone (and the server rejects the value)"
        ),
        "{out}"
    );
    // The summary names the method a user's code calls.
    assert!(
        out.contains("enum value `TEAMS` removed — POST /send-test-notification/v1 (`send_test_notification`)"),
        "{out}"
    );
}

#[test]
fn json_and_markdown_formats() {
    let old = write("fmt-old", &spec());
    let new = write("fmt-new", &with_removed_enum_value());
    let (code, out, _) = run(&[&old, &new, "--format", "json"]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["breaking_compile"], 1);
    assert_eq!(
        report["summary"]["by_kind"]["enum-value-removed"]["breaking-compile"],
        1
    );
    let change = &report["changes"][0];
    assert_eq!(change["kind"], "enum-value-removed");
    assert_eq!(change["operation"], "sendTestNotificationV1");
    assert_eq!(change["items"], json!(["`TEAMS`"]));
    // Rust names beside the spec's: the method the operation is.
    assert_eq!(change["rust_method"], "send_test_notification");
    let (_, out, _) = run(&[&old, &new, "--format", "markdown"]);
    assert!(out.starts_with("**API drift: 1 breaking"), "{out}");
    assert!(
        out.contains("| 🔴 breaking (compile) | enum value `TEAMS` removed |"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "no colour when not a terminal");
}

#[test]
fn errors_exit_two_and_say_what_is_wrong() {
    let (code, _, err) = run(&["/nonexistent/old.json", "/nonexistent/new.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/old.json"), "{err}");
    let (code, _, err) = run(&["only-one"]);
    assert_eq!(code, 2);
    assert!(err.contains("two sides"), "{err}");
}

/// A page the new side had to quarantine is "not compared", with why;
/// never an operation removed (its method would not be gone).
#[test]
fn a_page_quarantined_on_one_side_is_not_compared_never_removed() {
    let seed = workspace_root().join("../shared/seed/send-test-notification.api.mdx");
    let page = std::fs::read_to_string(&seed).unwrap();
    let (head, rest) = page.split_once("\napi: ").unwrap();
    let (api, tail) = rest.split_once('\n').unwrap();
    let mut api: Value = serde_json::from_str(api).unwrap();
    api.as_object_mut().unwrap().remove("responses");
    // Both sides also have another operation, kept (a site whose every
    // page is quarantined is an error, not a side).
    let other = page
        .replace("/send-test-notification", "/send-other-notification")
        .replace("sendTestNotification", "sendOtherNotification")
        .replace("id: send-test-notification", "id: send-other-notification");
    let dir = std::env::temp_dir().join(format!("quarantined-side-{}", std::process::id()));
    let (old_dir, new_dir) = (dir.join("old"), dir.join("new"));
    for side in [&old_dir, &new_dir] {
        std::fs::create_dir_all(side).unwrap();
        std::fs::write(side.join("send-other-notification.api.mdx"), &other).unwrap();
    }
    std::fs::write(old_dir.join("send-test-notification.api.mdx"), &page).unwrap();
    std::fs::write(
        new_dir.join("send-test-notification.api.mdx"),
        format!("{head}\napi: {api}\n{tail}"),
    )
    .unwrap();
    let (code, out, err) = run(&[
        &old_dir.display().to_string(),
        &new_dir.display().to_string(),
        "--format",
        "json",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("quarantined"), "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let kinds: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"not-compared"), "{out}");
    assert!(!kinds.contains(&"operation-removed"), "{out}");
    assert_eq!(report["summary"]["breaking"], 0, "{out}");
    let entry = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "not-compared")
        .unwrap();
    assert_eq!(entry["items"], json!(["`POST /send-test-notification`"]));
    assert!(
        entry["why"]
            .as_str()
            .unwrap()
            .contains("has no `responses`"),
        "{entry}"
    );
}
