//! Spec → pages → spec, with the REAL docs plugin: generated specs carry
//! the families real sites break in (a discriminator mapping the plugin
//! inlines, a path parameter not declared, a parameter declared twice, a
//! security requirement naming a scheme the site does not define, webhooks,
//! component names that collide case aside), `../shared/tools/gen-pages`
//! makes their pages with docusaurus-plugin-openapi-docs as SailPoint's site
//! does, and the extraction is compared with the spec written: every
//! operation and webhook present, each family repaired as expected, the
//! document valid, nothing quarantined.
//!
//! Each case costs one run of node (a few seconds; the first run installs
//! the plugin, about a minute). `PLUGIN_CASES` sets how many (default 4).
//! Skipped, saying so, when node or npm is absent.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use docusaurus_openapi_extract::{extract, read_sources, NamesFile};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};

/// What one operation of a generated site exercises.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Family {
    /// Nothing wrong.
    Plain,
    /// Answers a `oneOf` with a discriminator mapping (the plugin inlines
    /// the mapping's references).
    InlineMapping,
    /// A path template name no parameter declares.
    MissingPathParameter,
    /// A query parameter declared twice, the second with a description.
    DuplicateParameter,
    /// Requires `bearerAuth`, which the site does not define.
    UndefinedBearer,
    /// Requires `UserContextAuth`, the old name of `userAuth`.
    UndefinedUserContext,
    /// Answers one of two components whose names differ only in case.
    CaseCollision { upper: bool },
}

fn family() -> impl Strategy<Value = Family> {
    prop_oneof![
        Just(Family::Plain),
        Just(Family::InlineMapping),
        Just(Family::MissingPathParameter),
        Just(Family::DuplicateParameter),
        Just(Family::UndefinedBearer),
        Just(Family::UndefinedUserContext),
        any::<bool>().prop_map(|upper| Family::CaseCollision { upper }),
    ]
}

/// A generated site: its operations' families and words, its webhooks, and
/// the properties of its components.
#[derive(Debug, Clone)]
struct Site {
    operations: Vec<(Family, String)>,
    webhooks: Vec<(String, bool)>,
    human: Vec<String>,
    machine: Vec<String>,
    sailpoint_template: bool,
}

fn word() -> impl Strategy<Value = String> {
    "[a-z]{3,8}"
}

fn site() -> impl Strategy<Value = Site> {
    (
        prop::collection::vec((family(), word()), 8..24),
        prop::collection::vec((word(), any::<bool>()), 0..4),
        prop::collection::btree_set(word(), 1..4),
        prop::collection::btree_set(word(), 1..4),
        any::<bool>(),
    )
        .prop_map(
            |(operations, webhooks, human, machine, sailpoint_template)| Site {
                operations,
                webhooks,
                human: human.into_iter().filter(|p| p != "kind").collect(),
                machine: machine.into_iter().filter(|p| p != "kind").collect(),
                sailpoint_template,
            },
        )
}

fn id(i: usize, word: &str) -> String {
    format!("op{i}{}{}", word[..1].to_uppercase(), &word[1..])
}

fn path(i: usize, family: Family) -> String {
    match family {
        Family::MissingPathParameter => format!("/r{i}/{{thingId}}"),
        _ => format!("/r{i}"),
    }
}

fn object(properties: &[String], kind: &str) -> Value {
    let mut props = Map::new();
    props.insert("kind".into(), json!({"type": "string"}));
    for (n, p) in properties.iter().enumerate() {
        let kind = if n % 2 == 0 { "string" } else { "integer" };
        props.insert(p.clone(), json!({"type": kind}));
    }
    json!({"title": kind, "type": "object", "required": ["kind"], "properties": props})
}

fn ok(schema: Value) -> Value {
    json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}})
}

/// The spec a site's authors would write (with its bugs).
fn spec(site: &Site) -> Value {
    let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let mut paths = Map::new();
    for (i, (family, word)) in site.operations.iter().enumerate() {
        let mut op = json!({"operationId": id(i, word), "summary": format!("Operation {i}"), "tags": ["Things"]});
        op["responses"] = match family {
            Family::InlineMapping => ok(json!({"type": "array", "items": reference("Actor")})),
            Family::CaseCollision { upper: true } => ok(reference("Lower")),
            Family::CaseCollision { upper: false } => ok(reference("lower")),
            _ => ok(json!({"type": "object", "properties": {word.clone(): {"type": "string"}}})),
        };
        match family {
            Family::DuplicateParameter => {
                op["parameters"] = json!([
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "page", "in": "query", "description": "Page number", "schema": {"type": "integer"}}
                ]);
            }
            Family::UndefinedBearer => op["security"] = json!([{"bearerAuth": []}]),
            Family::UndefinedUserContext => {
                op["security"] = json!([{"UserContextAuth": ["sp:read"]}])
            }
            _ => {}
        }
        paths.insert(path(i, *family), json!({"get": op}));
    }
    let mut hooks = Map::new();
    for (i, (word, referenced)) in site.webhooks.iter().enumerate() {
        let name = format!("event{i}{}{}", word[..1].to_uppercase(), &word[1..]);
        let payload = if *referenced {
            reference("Actor")
        } else {
            json!({"title": format!("Event {i} {word}"), "type": "object", "properties": {"id": {"type": "string"}, word.clone(): {"type": "boolean"}}})
        };
        hooks.insert(
            name.clone(),
            json!({"post": {"operationId": name, "summary": format!("Event {i}"), "tags": ["Triggers"],
                "requestBody": {"required": true, "content": {"application/json": {"schema": payload}}}}}),
        );
    }
    let scheme = json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://tenant.example.com/oauth/token", "scopes": {"sp:read": "read"}}}});
    let mut spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "Generated", "version": "1"},
        "servers": [{"url": "https://tenant.example.com"}],
        "security": [{"oauth2": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"oauth2": scheme, "userAuth": scheme},
            "schemas": {
                "Human": object(&site.human, "Human"),
                "Machine": object(&site.machine, "Machine"),
                "Actor": {"title": "Actor", "oneOf": [reference("Human"), reference("Machine")],
                    "discriminator": {"propertyName": "kind", "mapping": {
                        "human": "#/components/schemas/Human", "machine": "#/components/schemas/Machine"}}},
                "Lower": {"title": "Lower", "type": "object", "properties": {"upperCase": {"type": "string"}}},
                "lower": {"title": "lower", "type": "object", "properties": {"lowerCase": {"type": "integer"}}}
            }
        }
    });
    if !hooks.is_empty() {
        spec["x-webhooks"] = Value::Object(hooks);
    }
    spec
}

fn gen_pages() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/gen-pages/gen-pages.sh")
}

/// Why the plugin cannot be run here, if it cannot.
fn unavailable() -> Option<String> {
    for tool in ["node", "npm"] {
        let found = Command::new(tool)
            .arg("--version")
            .stdin(std::process::Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Some(format!("{tool} is not installed"));
        }
    }
    (!gen_pages().is_file()).then(|| format!("{} is missing", gen_pages().display()))
}

/// Makes the site's pages with the real plugin.
fn pages(site: &Site, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let spec_file = dir.join("spec.json");
    std::fs::write(&spec_file, serde_json::to_vec_pretty(&spec(site)).unwrap()).unwrap();
    let out = dir.join("pages");
    let mut command = Command::new("bash");
    command.arg(gen_pages()).arg(&spec_file).arg(&out);
    if site.sailpoint_template {
        command.arg("--sailpoint-template");
    }
    let output = command
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "gen-pages failed on {}: {}",
        spec_file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// The extraction of the site's pages against the spec written.
fn check(site: &Site, dir: &Path) -> Result<(), TestCaseError> {
    let out = pages(site, dir);
    let sources = read_sources(&out).unwrap();
    let extraction = extract(&sources.pages, &NamesFile::default())
        .map_err(|e| TestCaseError::fail(format!("extraction failed: {e}")))?;
    let doc = &extraction.document;
    let report = &extraction.report;
    prop_assert!(report.quarantined.is_empty(), "{}", report.describe(0));
    prop_assert_eq!(
        report.operations,
        site.operations.len(),
        "{}",
        report.describe(0)
    );
    prop_assert_eq!(
        report.webhooks,
        site.webhooks.len(),
        "{}",
        report.describe(0)
    );
    let problems = docusaurus_openapi_extract::validate::validate(doc);
    prop_assert!(problems.is_empty(), "{problems:?}");

    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (i, (family, word)) in site.operations.iter().enumerate() {
        let op = &doc["paths"][path(i, *family)]["get"];
        prop_assert_eq!(
            &op["operationId"],
            &json!(id(i, word)),
            "{}",
            path(i, *family)
        );
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        match family {
            Family::MissingPathParameter => prop_assert_eq!(
                &op["parameters"],
                &json!([{"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}}])
            ),
            Family::DuplicateParameter => prop_assert_eq!(
                &op["parameters"],
                &json!([{"name": "page", "in": "query", "schema": {"type": "integer"}, "description": "Page number"}])
            ),
            // Either bearer scheme of the site: never no authentication.
            Family::UndefinedBearer => {
                prop_assert_eq!(&op["security"], &json!([{"oauth2": []}, {"userAuth": []}]))
            }
            Family::UndefinedUserContext => {
                prop_assert_eq!(&op["security"], &json!([{"userAuth": ["sp:read"]}]))
            }
            Family::InlineMapping => {
                prop_assert_eq!(
                    &schema["items"],
                    &json!({"$ref": "#/components/schemas/Actor"})
                )
            }
            Family::CaseCollision { upper } => {
                let name = if *upper { "Lower" } else { "lower" };
                prop_assert_eq!(
                    schema,
                    &json!({"$ref": format!("#/components/schemas/{name}")})
                )
            }
            Family::Plain => {}
        }
    }
    let uses = |name: &str| {
        site.operations.iter().any(|(f, _)| {
            matches!(
                (f, name),
                (Family::CaseCollision { upper: true }, "Lower")
                    | (Family::CaseCollision { upper: false }, "lower")
                    | (Family::InlineMapping, "Actor")
            )
        }) || (name == "Actor" && site.webhooks.iter().any(|(_, r)| *r))
    };
    // The discriminator's mapping as its authors wrote it: references.
    if uses("Actor") {
        prop_assert_eq!(
            &schemas["Actor"]["discriminator"]["mapping"],
            &json!({"human": "#/components/schemas/Human", "machine": "#/components/schemas/Machine"})
        );
        prop_assert_eq!(&schemas["Human"], &object(&site.human, "Human"));
    }
    // Two components whose names differ only in case stay two.
    for (name, property) in [("Lower", "upperCase"), ("lower", "lowerCase")] {
        if uses(name) {
            prop_assert!(
                schemas[name]["properties"].get(property).is_some(),
                "{name}: {:?}",
                schemas.get(name)
            );
        }
    }
    for (i, (word, referenced)) in site.webhooks.iter().enumerate() {
        let name = format!("event{i}{}{}", word[..1].to_uppercase(), &word[1..]);
        let hook = &doc["x-webhooks"][&name]["post"];
        prop_assert_eq!(&hook["operationId"], &json!(name.clone()), "{}", name);
        prop_assert_eq!(&hook["summary"], &json!(format!("Event {i}")));
        let payload = &hook["requestBody"]["content"]["application/json"]["schema"];
        let component = if *referenced {
            "Actor".to_owned()
        } else {
            format!("Event{i}{}{}", word[..1].to_uppercase(), &word[1..])
        };
        prop_assert_eq!(
            payload,
            &json!({"$ref": format!("#/components/schemas/{component}")}),
            "the payload is a named component"
        );
    }
    Ok(())
}

#[test]
fn the_real_plugin_s_pages_of_generated_specs_extract_as_written() {
    if let Some(why) = unavailable() {
        eprintln!(
            "SKIPPED: {why}; the plugin round trip needs node and npm (../shared/tools/gen-pages)"
        );
        return;
    }
    let cases = std::env::var("PLUGIN_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4);
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("plugin-roundtrip-{}", std::process::id()));
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&site(), |site| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        check(&site, &root.join(n.to_string()))
    });
    let _ = std::fs::remove_dir_all(&root);
    if let Err(e) = result {
        panic!("{e}");
    }
}
