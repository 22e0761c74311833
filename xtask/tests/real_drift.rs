//! Drift that tells the truth about this client, on real upstream changes:
//! the seed page against a copy carrying the later upstream's changes, and
//! the NERM API five months apart.

use std::process::Command;

use serde_json::{json, Map, Value};
use xtask::workspace_root;

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
/// client-credentials flow and token URL, other prose), and a second
/// server.
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
        "compatible           now nullable: the property is optional, so already Option<_>: null reads as None\n      at components.schemas['Cause'].properties.locale\n      in response 400, response 403, response 404, response 500 of sendTestNotification",
        "security scheme `oauth2` renamed to `userAuth`",
        "server `https://{tenant}.api.identitynow.com/v2024` added",
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
    assert_eq!(report.matches("properties.locale\n").count(), 1, "{report}");
}

/// The NERM lifecycle API, 2023-05 against 2023-10 (81 operations in both).
/// Every compile-time break is a real one: an operation or a property
/// removed, a type changed, or a type renamed because upstream merged or
/// split shapes; never a rename from our naming alone (a shape unchanged,
/// under a new name, while its old name is free). The counts, and why:
/// 22 at compile time (18 renames where upstream made two shapes one or
/// one shape two, 2 properties removed, 1 format change to a Rust type, 1
/// operation removed), 7 at run time (`int32` formats dropped from response
/// fields: the server may now send values an `i32` cannot hold; one of them
/// `NeAttribute.legacy_id`, whose type the later pages write `int`, which
/// extraction reads as `integer`); the bearer requirement NERM added to
/// 81 operations is met by this client, so it is compatible.
#[test]
fn the_nerm_pair_reports_only_real_breaks() {
    let corpus = workspace_root().join("../shared/corpus");
    let (old, new) = (corpus.join("nerm-2023-05"), corpus.join("nerm-ids-2023-10"));
    let report = diff_text(&old.display().to_string(), &new.display().to_string());
    let first = report.lines().next().unwrap();
    assert_eq!(
        first,
        "29 breaking (22 at compile time, 7 at run time), 102 compatible, 29 for information",
        "{report}"
    );

    let root = workspace_root();
    let old = xtask::load_side(&root, &old.display().to_string(), None).unwrap();
    let new = xtask::load_side(&root, &new.display().to_string(), Some(&old.lock)).unwrap();
    let drift = spec_drift::diff(&old.document, &new.document);
    let component =
        |doc: &Value, name: &str| doc.pointer(&format!("/components/schemas/{name}")).cloned();
    for change in drift
        .changes
        .iter()
        .filter(|c| c.class == spec_drift::Class::BreakingCompile)
    {
        use spec_drift::Kind;
        match change.kind {
            Kind::OperationRemoved
            | Kind::PropertyRemoved
            | Kind::TypeChanged
            | Kind::FormatChanged => {}
            Kind::TypeRenamed => {
                let names: Vec<&str> = change.detail.split('`').skip(1).step_by(2).collect();
                let [from, to] = names[..] else {
                    panic!("{}", change.detail)
                };
                let old_name_free = component(&new.document, from).is_none();
                let same_shape = component(&old.document, from) == component(&new.document, to);
                // Upstream made two shapes one: one of their two names goes.
                let merged = component(&old.document, to).is_some();
                assert!(
                    merged || !(old_name_free && same_shape),
                    "`{from}` → `{to}` renames an unchanged shape: {change:?}"
                );
            }
            other => panic!("unexpected compile-time break {other}: {change:?}"),
        }
    }
    // What the code generator adapts changed too, one line per adaptation.
    assert!(
        report.contains("adaptation `one_error_body_per_operation` now makes 87 change(s), was 78"),
        "{report}"
    );
    // The security requirement NERM added (bearer) is met by this client.
    assert!(report.contains("security requirements changed: now `bearerAuth`: the client sends its bearer token on every call"));
}
