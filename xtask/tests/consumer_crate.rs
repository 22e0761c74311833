//! The proof a user would ask for: a crate outside this workspace that
//! depends on the client with a few services enabled builds, sends
//! `send_test_notification`, pages through a list operation, calls an
//! experimental operation without and with the opt-in, and sees a
//! deprecated answer, against the fake tenant on 127.0.0.1.

use std::path::Path;
use std::process::Command;

const CONSUMER_TEST: &str = r#"
use fake_tenant::{FakeTenant, Reply};
use sailpoint::{types::SendTestNotificationRequestDto, Client, ClientBuilder, Error};

fn template(n: u32) -> serde_json::Value {
    serde_json::json!({"key": format!("k{n}"), "locale": "en", "medium": "EMAIL", "name": format!("Template {n}")})
}

fn client(tenant: &FakeTenant, experimental: bool) -> Client {
    Client::from_builder(
        ClientBuilder::new()
            .base_url(tenant.base_url())
            .client_credentials("consumer-id", "consumer-secret")
            .experimental(experimental),
    )
    .unwrap()
}

#[tokio::test]
async fn a_few_services_send_and_page() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::status(204));
    tenant.script(Reply::json(200, serde_json::json!([template(1), template(2)])));
    tenant.script(Reply::json(200, serde_json::json!([template(3)])));
    let client = client(&tenant, false);
    client
        .send_test_notification()
        .body(SendTestNotificationRequestDto {
            key: Some("cloud_manual_work_item_summary".into()),
            recipient_email_list: vec!["test@example.com".into()],
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let templates = client
        .list_notification_templates()
        .limit(2)
        .stream()
        .collect_all()
        .await
        .unwrap();
    let keys: Vec<&str> = templates.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, ["k1", "k2", "k3"]);
    let paths: Vec<String> = tenant.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths[0], "/send-test-notification/v1");
    assert!(paths[1].contains("offset=0") && paths[2].contains("offset=2"), "{paths:?}");
}

#[tokio::test]
async fn an_experimental_operation_needs_the_opt_in() {
    let tenant = FakeTenant::start().await;
    let err = client(&tenant, false)
        .get_ongoing_role_propagation()
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert!(matches!(err, Error::ExperimentalNotEnabled { .. }), "{err}");
    assert!(err.to_string().contains("get_ongoing_role_propagation"), "{err}");
    assert!(tenant.requests().is_empty(), "nothing was sent");
    tenant.script(Reply::json(200, serde_json::json!({"isRunning": false})));
    client(&tenant, true).get_ongoing_role_propagation().send().await.unwrap();
    let sent = tenant.requests();
    let call = sent.iter().find(|r| r.path.starts_with("/role-propagation/v1")).unwrap();
    assert_eq!(call.headers.get("x-sailpoint-experimental").map(String::as_str), Some("true"));
}

#[tokio::test]
#[allow(deprecated)]
async fn a_deprecated_answer_is_visible() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::json(200, serde_json::json!({})).header("x-deprecated", "true"));
    let response = client(&tenant, false).get_access_request_config().send().await.unwrap();
    assert!(sailpoint::is_deprecated(response.headers()));
}
"#;

#[test]
fn a_crate_with_a_few_services_builds_sends_pages_and_opts_in() {
    let root = xtask::workspace_root();
    let dir = std::env::temp_dir().join(format!("sailpoint-consumer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    let path = |p: &Path| p.display().to_string().replace('\\', "/");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            r#"[package]
name = "sailpoint-consumer"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
sailpoint = {{ path = "{root}", default-features = false, features = ["send-test-notification", "notification-templates", "role-propagation", "access-request-config"] }}

[dev-dependencies]
fake-tenant = {{ path = "{root}/crates/fake-tenant" }}
serde_json = "1"
tokio = {{ version = "1", features = ["rt-multi-thread", "macros"] }}
"#,
            root = path(&root)
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::write(dir.join("tests/proof.rs"), CONSUMER_TEST).unwrap();
    // Its own lock file and target directory (beside the workspace's, so
    // that a second run is incremental): features differ from the
    // workspace's.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let target = xtask::probe::probe_target_dir(&root).with_file_name("consumer");
    let out = Command::new(env!("CARGO"))
        .args(["test", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("3 passed"),
        "the consumer crate failed:\n{stdout}\n{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
