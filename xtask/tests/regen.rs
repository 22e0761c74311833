//! `cargo xtask regen` and `--check`, on this tree and on copies of it.

use std::path::PathBuf;

use fake_tenant::{FakeTenant, Reply};
use serde_json::json;
use xtask::{paths, regen, workspace_root, REGEN_COMMAND};

/// rust-analyzer style: `cargo test` fails when the committed spec or client
/// no longer matches the vendored upstream pages.
#[test]
fn generated_files_are_fresh() {
    let outcome = regen(&workspace_root(), &[], true).expect("regen --check runs");
    assert!(
        !outcome.stale(),
        "stale generated files: {}\nrun `{REGEN_COMMAND}` and commit the result\n{}",
        outcome.changed_paths().join(", "),
        outcome.diff
    );
    // Fresh files mean no drift to report either.
    assert!(outcome.drift.is_empty(), "{}", outcome.drift.to_text(false));
}

/// A scratch project with the tree's layout whose upstream is one page, the
/// 2022 seed (`../shared/seed`: its `api:` is one line of JSON, so a test
/// can change it with a text edit), with its own names file (the seed's
/// pins, as a maintainer would write them) and the generated files
/// regenerated for it. Regenerating the whole v1 site for every case would
/// cost each a quarter of a minute; what these tests prove is about one
/// page.
struct Scratch(PathBuf);

/// The seed's component names.
const SEED_NAMES: &str = "\
SendTestNotificationRequestDto: sendTestNotification#/requestBody/content/application~1json/schema
ErrorResponseDto: sendTestNotification#/responses/400/content/application~1json/schema
ErrorMessageDto: sendTestNotification#/responses/400/content/application~1json/schema/properties/messages/items
LocaleOrigin: sendTestNotification#/responses/400/content/application~1json/schema/properties/messages/items/properties/localeOrigin
";

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let scratch = Scratch(dir);
        let upstream = scratch.path(paths::UPSTREAM);
        std::fs::create_dir_all(&upstream).unwrap();
        std::fs::create_dir_all(scratch.path(paths::CLIENT).parent().unwrap()).unwrap();
        std::fs::create_dir_all(scratch.path(paths::HTTPMOCK).parent().unwrap()).unwrap();
        std::fs::copy(
            workspace_root().join("../shared/seed/send-test-notification.api.mdx"),
            scratch.page(),
        )
        .unwrap();
        std::fs::write(scratch.path(paths::NAMES), SEED_NAMES).unwrap();
        regen(&scratch.0, &[], false).expect("the seed page alone regenerates");
        scratch
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    fn page(&self) -> PathBuf {
        self.path("spec/upstream/send-test-notification.api.mdx")
    }

    /// The same: its upstream is the seed page alone.
    fn seed_only(name: &str) -> Self {
        Scratch::new(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_changed_upstream_page_fails_the_check_with_the_change() {
    let scratch = Scratch::new("changed");
    let page = std::fs::read_to_string(scratch.page()).unwrap();
    let changed = page.replace(
        r#""description":"Send a Test Notification""#,
        r#""description":"Send a test notification to the current user""#,
    );
    assert_ne!(page, changed);
    std::fs::write(scratch.page(), changed).unwrap();
    let before = scratch.read(paths::SPEC);

    let outcome = regen(&scratch.0, &[], true).unwrap();
    assert!(outcome.stale());
    assert_eq!(outcome.changed_paths(), [paths::SPEC, paths::CLIENT]);
    assert!(
        outcome
            .diff
            .contains(r#"-        "description": "Send a Test Notification","#),
        "{}",
        outcome.diff
    );
    assert!(
        outcome
            .diff
            .contains(r#"+        "description": "Send a test notification to the current user","#),
        "{}",
        outcome.diff
    );
    assert!(!outcome.written);
    assert_eq!(scratch.read(paths::SPEC), before, "--check writes nothing");

    // Without --check the files are rewritten, and then fresh.
    let outcome = regen(&scratch.0, &[], false).unwrap();
    assert!(outcome.written);
    assert!(scratch.read(paths::SPEC).contains("to the current user"));
    assert!(scratch
        .read(paths::CLIENT)
        .contains("Send a test notification to the current user"));
    assert!(!regen(&scratch.0, &[], true).unwrap().stale());
}

#[test]
fn bad_input_names_the_file_and_writes_nothing() {
    // One bad page among good ones is quarantined (see below); an upstream
    // with nothing to keep is an error.
    let scratch = Scratch::seed_only("bad");
    std::fs::write(scratch.page(), "no frontmatter here\n").unwrap();
    let spec_before = scratch.read(paths::SPEC);
    let client_before = scratch.read(paths::CLIENT);
    let err = regen(&scratch.0, &[], false).unwrap_err();
    let message = format!("{err:#}");
    assert!(
        message.contains("send-test-notification.api.mdx"),
        "{message}"
    );
    assert!(message.contains("no YAML frontmatter"), "{message}");
    assert_eq!(scratch.read(paths::SPEC), spec_before);
    assert_eq!(scratch.read(paths::CLIENT), client_before);
    let leftovers: Vec<_> = std::fs::read_dir(scratch.path("spec"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn upstream_urls_are_fetched_and_bad_answers_named() {
    let server = FakeTenant::start().await;
    let page = std::fs::read_to_string(
        workspace_root().join("../shared/seed/send-test-notification.api.mdx"),
    )
    .unwrap();
    server.serve(
        "/docs/send-test-notification.api.mdx",
        Reply::status(200).body(page),
    );
    server.serve(
        "/docs/missing.api.mdx",
        Reply::status(404).body("not found"),
    );
    server.serve(
        "/docs/rendered",
        Reply::status(200)
            .header("content-type", "text/html")
            .body("<!DOCTYPE html><html></html>"),
    );
    let base = server.base_url();
    let scratch = Scratch::seed_only("urls");
    let root = scratch.0.clone();
    let (ok, missing, html) = tokio::task::spawn_blocking(move || {
        let url = |p: &str| vec![format!("{base}/docs/{p}")];
        (
            regen(&root, &url("send-test-notification.api.mdx"), true),
            regen(&root, &url("missing.api.mdx"), true),
            regen(&root, &url("rendered"), true),
        )
    })
    .await
    .unwrap();
    let ok = ok.expect("a page by URL");
    assert!(
        !ok.stale(),
        "the same page by URL gives the same files:\n{}",
        ok.diff
    );
    let missing = format!("{:#}", missing.unwrap_err());
    assert!(
        missing.contains("missing.api.mdx") && missing.contains("404"),
        "{missing}"
    );
    let html = format!("{:#}", html.unwrap_err());
    assert!(
        html.contains("/docs/rendered") && html.contains("HTML"),
        "{html}"
    );
}

#[test]
fn regen_reports_a_new_optional_property_and_enum_value_in_words() {
    let scratch = Scratch::new("drift");
    let page = std::fs::read_to_string(scratch.page()).unwrap();
    let changed = page
        .replace(
            r#""enum":["EMAIL","SLACK","TEAMS"]"#,
            r#""enum":["EMAIL","SLACK","TEAMS","WEBHOOK"]"#,
        )
        .replace(
            r#""context":{"type":"object","description":"A Json object that denotes the context specific to the template."}"#,
            r#""context":{"type":"object","description":"A Json object that denotes the context specific to the template."},"priority":{"type":"integer","description":"Delivery priority."}"#,
        );
    assert_ne!(page, changed);
    std::fs::write(scratch.page(), changed).unwrap();
    let outcome = regen(&scratch.0, &[], true).unwrap();
    let text = outcome.drift.to_text(false);
    assert!(text.starts_with("0 breaking, 2 compatible\n"), "{text}");
    assert!(
        text.contains("POST /send-test-notification (sendTestNotification)"),
        "{text}"
    );
    assert!(
        text.contains("property `priority` added (optional): a new optional field"),
        "{text}"
    );
    assert!(
        text.contains("enum value `WEBHOOK` added: a new value callers may send"),
        "{text}"
    );
    assert!(
        text.contains("requestBody.content['application/json'].schema.properties.medium.enum"),
        "{text}"
    );
}

#[test]
fn probe_counts_operations_and_generated_methods() {
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace_root().join(paths::SPEC)).unwrap())
            .unwrap();
    // Counted here by hand: every method of every path.
    let by_hand: usize = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert!(by_hand > 900, "the whole v1 site: {by_hand}");
    assert_eq!(xtask::probe::count_operations(&spec), by_hand);
    let client = std::fs::read_to_string(workspace_root().join(paths::CLIENT)).unwrap();
    assert_eq!(xtask::probe::count_methods(&client).unwrap(), by_hand);
    // An operation that generates no method is caught: a spec of two
    // operations against a client of one is not complete.
    let mut two = spec.clone();
    two["paths"]["/other"] =
        json!({"get": {"operationId": "other", "responses": {"204": {"description": "x"}}}});
    let short = xtask::probe::SpecProbe {
        spec: "two.json".into(),
        module: "two".into(),
        operations: xtask::probe::count_operations(&two),
        schemas: 0,
        methods: xtask::probe::count_methods(&client).unwrap(),
        mocks: xtask::probe::count_operations(&two),
        adaptations: Vec::new(),
        degraded: Vec::new(),
        error: None,
    };
    assert!(!short.complete(), "{short:?}");
    let probe = xtask::probe::Probe {
        specs: vec![short],
        compiles: true,
        check_output: String::new(),
        first_error: None,
        rounds: 1,
        crate_dir: std::env::temp_dir(),
    };
    assert!(!probe.ok(), "a missing method fails the probe");
}

/// Upstream fixes a bug a fixup was hiding: the spec stays the same but for
/// its record of repairs, and the drift report says so in words.
#[test]
fn an_upstream_fix_a_fixup_hid_is_reported() {
    let scratch = Scratch::new("fixed-upstream");
    // The upstream writes a known format in capitals (a bug the fixup
    // `nonstandard_format` repairs, as on the beta and v1 sites), then
    // fixes it.
    let with_format = |format: &str| {
        let page = std::fs::read_to_string(scratch.page()).unwrap();
        let (head, rest) = page.split_once("\napi: ").unwrap();
        let (api, tail) = rest.split_once('\n').unwrap();
        let mut api: serde_json::Value = serde_json::from_str(api).unwrap();
        let key =
            &mut api["requestBody"]["content"]["application/json"]["schema"]["properties"]["key"];
        assert!(key.is_object(), "the seed's request has `key`");
        key["format"] = json!(format);
        std::fs::write(scratch.page(), format!("{head}\napi: {api}\n{tail}")).unwrap();
    };
    with_format("UUID");
    regen(&scratch.0, &[], false).unwrap();
    with_format("uuid");

    let outcome = regen(&scratch.0, &[], true).unwrap();
    let text = outcome.drift.to_text(false);
    assert!(
        text.contains("upstream fixed: a known format written in capitals (`UUID`); fixup `nonstandard_format` no longer needed for page `send-test-notification`"),
        "{text}"
    );
    assert!(!outcome.drift.has_breaking(), "{text}");
    // The client's code does not change: only the digest of the spec it
    // records (build.rs checks it).
    assert_eq!(outcome.changed_paths(), [paths::SPEC, paths::CLIENT]);
    let client = outcome
        .changes
        .iter()
        .find(|c| c.path == paths::CLIENT)
        .unwrap();
    let differing: Vec<(&str, &str)> = client
        .old
        .lines()
        .zip(client.new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(differing.len(), 1, "{differing:?}");
    assert!(differing[0].0.starts_with(sailpoint_codegen::DIGEST_PREFIX));
    assert_eq!(client.old.lines().count(), client.new.lines().count());
}

/// A page of the upstream that cannot be kept is drift regen reports: the
/// outcome names it with its reason, and `regen --check` fails on it (the
/// operation would leave the client).
#[test]
fn a_quarantined_upstream_page_is_reported_as_drift() {
    let scratch = Scratch::new("quarantined");
    std::fs::write(
        scratch.path("spec/upstream/broken.api.mdx"),
        "---\nid: broken\napi: {\"method\": \"get\", \"path\": \"/broken\"}\n---\n",
    )
    .unwrap();
    let outcome = regen(&scratch.0, &[], true).unwrap();
    let [q] = outcome.quarantined.as_slice() else {
        panic!("{:?}", outcome.quarantined)
    };
    let line = q.to_string();
    assert!(
        line.contains("broken.api.mdx (page `broken`)") && line.contains("has no `responses`"),
        "{line}"
    );
    assert!(
        !outcome.stale(),
        "the kept operations are as they were: {:?}\n{}",
        outcome.changed_paths(),
        &outcome.diff[..outcome.diff.len().min(3000)]
    );
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--check", "--upstream"])
        .arg(scratch.path("spec/upstream"))
        .current_dir(&scratch.0)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("1 upstream page(s) quarantined"),
        "{stdout}"
    );
}

/// A compile error no prevention rule caught: a query parameter named
/// `send` gives the operation's builder two methods `send` (progenitor
/// names a parameter's setter after it). `regen --compile` compiles the
/// client, traces the error to the operation, records it in the spec
/// (`x-sailpoint-degrade`) and regenerates: the client compiles, the report
/// names the operation and why, and a plain regen keeps the record (the
/// spec is not stale).
#[test]
fn regen_compile_names_and_degrades_what_does_not_compile() {
    let scratch = Scratch::new("compile");
    let page = std::fs::read_to_string(scratch.page()).unwrap();
    let (head, rest) = page.split_once("\napi: ").unwrap();
    let (api, tail) = rest.split_once('\n').unwrap();
    let mut api: serde_json::Value = serde_json::from_str(api).unwrap();
    api["parameters"] = json!([{"name": "send", "in": "query", "schema": {"type": "string"}}]);
    std::fs::write(scratch.page(), format!("{head}\napi: {api}\n{tail}")).unwrap();

    let outcome = xtask::regen_with(&scratch.0, &[], false, true).unwrap();
    let line = outcome
        .report
        .lines()
        .find(|l| {
            l.starts_with("degraded (untyped in the client): operation `sendTestNotification`")
        })
        .unwrap_or_else(|| panic!("{}", outcome.report));
    assert!(
        line.contains("does not compile: duplicate definitions with name `send`"),
        "{line}"
    );
    let spec: serde_json::Value = serde_json::from_str(&scratch.read(paths::SPEC)).unwrap();
    let asked = sailpoint_codegen::degrade::persisted(&spec);
    assert_eq!(asked.len(), 1, "{spec:#}");
    // Kept by a plain regen: nothing is stale.
    let again = regen(&scratch.0, &[], true).unwrap();
    assert!(!again.stale(), "{}", again.diff);
    // And the client regen wrote compiles.
    let probe = xtask::probe::probe(&[scratch.path(paths::SPEC)]).unwrap();
    assert!(probe.compiles, "{}", probe.check_output);
    assert_eq!(probe.rounds, 1, "no compile error left to trace");
}
