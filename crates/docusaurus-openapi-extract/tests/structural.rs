//! Structural fuzzing: real pages of the 2022 beta site, broken the way
//! real pages break (a dropped `operationId`, a dropped or renamed path
//! parameter, a `circular()` marker, colliding property names, enum values
//! without identifiers, duplicate titles, broken site-wide parts: `info`,
//! `servers`, a security scheme). Properties: no panic, never a
//! whole-site failure, every page an operation or a quarantine with its
//! reason, and the document valid.

use std::path::PathBuf;
use std::sync::OnceLock;

use docusaurus_openapi_extract::{extract, parse_page, NamesFile, Page, Source};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// A sample of real operation pages: their file names and `api` objects.
fn sample() -> &'static [(String, Map<String, Value>)] {
    static SAMPLE: OnceLock<Vec<(String, Map<String, Value>)>> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/sailpoint-beta-2022-08");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("the tests need SailPoint's docs corpus at ../shared/corpus")
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".api.mdx"))
            .collect();
        names.sort();
        names
            .into_iter()
            .step_by(23)
            .map(|name| {
                let text = std::fs::read_to_string(dir.join(&name)).unwrap();
                match parse_page(&name, &name, &text).unwrap() {
                    Page::Operation(op) => (name, op.api),
                    _ => unreachable!("{name} is an operation page"),
                }
            })
            .collect()
    })
}

#[derive(Debug, Clone)]
enum Break {
    DropOperationId,
    DropPathParameter,
    RenamePathParameter,
    CircularMarker(bool),
    CollidingProperties,
    EnumWithoutIdentifiers,
    DuplicateTitle,
    BrokenSiteWideParts,
}

fn breaks() -> impl Strategy<Value = Break> {
    prop_oneof![
        Just(Break::DropOperationId),
        Just(Break::DropPathParameter),
        Just(Break::RenamePathParameter),
        any::<bool>().prop_map(Break::CircularMarker),
        Just(Break::CollidingProperties),
        Just(Break::EnumWithoutIdentifiers),
        Just(Break::DuplicateTitle),
        Just(Break::BrokenSiteWideParts),
    ]
}

/// The first object schema of the operation's responses or request body.
fn some_schema(api: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    let mut found = None;
    let mut holder = Value::Object(std::mem::take(api));
    let mut pointer = None;
    openapi_model::operation_schemas_mut(&mut holder, &mut |place, schema| {
        if pointer.is_none()
            && schema.is_object()
            && !matches!(place, openapi_model::Place::Parameter { .. })
        {
            pointer = Some(place);
        }
    });
    *api = match holder {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let place = pointer?;
    let target = match &place {
        openapi_model::Place::RequestBody { media } => api
            .get_mut("requestBody")?
            .get_mut("content")?
            .get_mut(media)?
            .get_mut("schema"),
        openapi_model::Place::Response { status, media } => api
            .get_mut("responses")?
            .get_mut(status)?
            .get_mut("content")?
            .get_mut(media)?
            .get_mut("schema"),
        _ => None,
    };
    if let Some(Value::Object(map)) = target {
        found = Some(map);
    }
    found
}

fn apply(api: &mut Map<String, Value>, how: &Break) {
    match how {
        Break::DropOperationId => {
            api.remove("operationId");
        }
        Break::DropPathParameter | Break::RenamePathParameter => {
            if let Some(Value::Array(params)) = api.get_mut("parameters") {
                if let Some(i) = params.iter().position(|p| p["in"] == "path") {
                    if matches!(how, Break::DropPathParameter) {
                        params.remove(i);
                    } else {
                        params[i]["name"] = json!("renamedByFuzz");
                    }
                }
            }
        }
        Break::CircularMarker(named) => {
            if let Some(schema) = some_schema(api) {
                let marker = if *named {
                    "circular(Nowhere)"
                } else {
                    "circular()"
                };
                schema.insert(
                    "properties".into(),
                    json!({"self": marker, "list": {"type": "array", "items": marker}}),
                );
            }
        }
        Break::CollidingProperties => {
            if let Some(schema) = some_schema(api) {
                schema.insert("properties".into(), json!({"_type": {"type": "string"}, "type": {"type": "string"}, "Type": {"type": "integer"}}));
            }
        }
        Break::EnumWithoutIdentifiers => {
            if let Some(schema) = some_schema(api) {
                schema.insert(
                    "properties".into(),
                    json!({"op": {"type": "string", "enum": ["==", "!=", "<", ""]}}),
                );
            }
        }
        Break::BrokenSiteWideParts => {
            api.insert("info".into(), json!("see the docs"));
            api.insert("servers".into(), json!({"url": 1}));
            if let Some(Value::Object(schemes)) = api.get_mut("securitySchemes") {
                schemes.insert("extra".into(), json!({"type": "nonsense"}));
            }
        }
        Break::DuplicateTitle => {
            if let Some(schema) = some_schema(api) {
                schema.insert("title".into(), json!("Shared Title"));
                schema.insert("properties".into(), json!({"inner": {"title": "Shared Title", "type": "object", "properties": {"x": {"type": "integer"}}}}));
            }
        }
    }
}

fn page_text(id: &str, api: &Map<String, Value>) -> String {
    format!("---\nid: {id}\napi: {}\n---\n", Value::Object(api.clone()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn broken_real_pages_cost_at_most_themselves(
        damage in proptest::collection::vec((0usize..16, breaks()), 1..4)
    ) {
        let sample = sample();
        let mut apis: Vec<Map<String, Value>> = sample.iter().map(|(_, api)| api.clone()).collect();
        for (which, how) in &damage {
            let i = which % apis.len();
            apply(&mut apis[i], how);
        }
        let sources: Vec<Source> = sample
            .iter()
            .zip(&apis)
            .map(|((name, _), api)| Source {
                name: format!("beta/{name}"),
                file_name: name.clone(),
                text: page_text(name.trim_end_matches(".api.mdx"), api),
            })
            .collect();
        let extraction = extract(&sources, &NamesFile::default());
        let extraction = match extraction {
            Ok(e) => e,
            Err(e) => return Err(TestCaseError::fail(format!("the whole site failed: {e}"))),
        };
        let r = &extraction.report;
        prop_assert_eq!(r.operations + r.quarantined.len(), sources.len(), "{}", r.describe(0));
        for q in &r.quarantined {
            prop_assert!(!q.reason.is_empty());
            prop_assert!(q.origin.source.starts_with("beta/"));
        }
        prop_assert!(docusaurus_openapi_extract::validate::validate(&extraction.document).is_empty());
        serde_json::from_value::<openapiv3::OpenAPI>(extraction.document.clone())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        // A dropped operationId is repaired, never a reason to leave a page out.
        for (which, how) in &damage {
            if matches!(how, Break::DropOperationId) {
                let name = &sample[which % sample.len()].0;
                prop_assert!(
                    !r.quarantined.iter().any(|q| q.origin.source.ends_with(name.as_str())
                        && q.reason.contains("operationId")),
                    "{}", r.describe(0)
                );
            }
        }
        let text = docusaurus_openapi_extract::to_pretty_json(&extraction.document);
        prop_assert!(!text.contains("\"circular("), "a marker is left");
    }
}
