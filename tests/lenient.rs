//! Answers that are not what the docs say, through the whole client
//! against a fake tenant: an enum value the docs do not list, `null` where
//! they promise a value, a required field missing, a number sent as a
//! string. An unlisted enum value is kept (response enums are open); for
//! the rest, the caller gets the rest of the answer; a `tracing` warning
//! names the operation and the field path, never the value. (The only test
//! in its binary that installs a global subscriber.)

mod common;

use common::*;
use fake_tenant::{FakeTenant, Reply};
use sailpoint::types::CreateAccessProfileV1RequestOwnerType;

/// A value no warning or error may show.
const ODD: &str = "MACHINE_IDENTITY_hunter2";

/// An access profile as a real tenant might send it: its owner's type a
/// value the docs do not list, its name `null` (required), its source
/// missing (required), `enabled` sent as the string "true".
fn odd_profile(n: u64) -> serde_json::Value {
    serde_json::json!({
        "id": format!("ap-{n}"),
        "name": null,
        "enabled": "true",
        "owner": {"type": ODD, "id": "owner-1", "name": "Owner"},
        "description": format!("profile {n}")
    })
}

#[tokio::test]
async fn odd_values_cost_only_themselves_and_are_reported_by_path() {
    let captured = Captured::install_global();
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::json(
        200,
        serde_json::Value::Array((0..3).map(odd_profile).collect()),
    ));
    let profiles = client(&tenant)
        .list_access_profiles()
        .send()
        .await
        .expect("the rest of the answer")
        .into_inner();
    assert_eq!(profiles.len(), 3, "no profile lost");
    for (n, profile) in profiles.iter().enumerate() {
        assert_eq!(profile.id.as_deref(), Some(format!("ap-{n}").as_str()));
        assert_eq!(
            profile.description.as_deref(),
            Some(format!("profile {n}").as_str())
        );
        assert_eq!(profile.name, "", "a required null reads as empty");
        assert!(profile.enabled, "\"true\" read as true");
        let owner = profile.owner.0.as_ref().expect("the owner kept");
        assert_eq!(owner.id.as_deref(), Some("owner-1"));
        // Response enums are open: a value the docs do not list is kept.
        assert!(
            matches!(
                &owner.type_,
                Some(CreateAccessProfileV1RequestOwnerType::Other(other)) if other == ODD
            ),
            "the unknown type kept: {:?}",
            owner.type_
        );
        assert!(profile.source.id.is_none(), "the missing source empty");
    }
    let text = captured.text();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("list_access_profiles"))
        .collect();
    for path in ["[].name", "[].enabled"] {
        assert!(
            warnings.iter().any(|w| w.contains(path)),
            "a warning names {path}: {warnings:#?}"
        );
    }
    assert!(
        !warnings.iter().any(|w| w.contains("owner.type")),
        "a value the open enum keeps needs no repair: {warnings:#?}"
    );
    assert!(!text.contains("hunter2"), "never the value: {text}");

    // Past what can be repaired: the error names operation, path and kind.
    tenant.script(Reply::json(200, serde_json::json!({"items": [ODD]})));
    let err = client(&tenant)
        .list_access_profiles()
        .send()
        .await
        .expect_err("an object is no list");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("list_access_profiles"), "{shown}");
    assert!(shown.contains("an object"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(!captured.text().contains("hunter2"));
}
