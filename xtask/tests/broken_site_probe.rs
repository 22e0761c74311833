//! Real pages broken the way real pages break, extracted and then built:
//! what extraction keeps must also become a client that compiles. (The
//! property tests in `crates/docusaurus-openapi-extract/tests/structural.rs` cover the
//! extraction side on many more cases; building is slow, so this is the
//! small sample CI compiles.)

use serde_json::{json, Map, Value};

fn beta_pages() -> Vec<(String, Map<String, Value>)> {
    let dir = xtask::workspace_root().join("../shared/corpus/sailpoint-beta-2022-08");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the tests need SailPoint's docs corpus at ../shared/corpus")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".api.mdx"))
        .collect();
    names.sort();
    names
        .into_iter()
        .step_by(31)
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            match docusaurus_openapi_extract::parse_page(&name, &name, &text).unwrap() {
                docusaurus_openapi_extract::Page::Operation(op) => (name, op.api),
                _ => unreachable!("{name} is an operation page"),
            }
        })
        .collect()
}

/// The first JSON response schema of an operation, when it is an object.
fn response_schema(api: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    let responses = api.get_mut("responses")?.as_object_mut()?;
    responses
        .values_mut()
        .filter_map(|r| r.pointer_mut("/content/application~1json/schema"))
        .find(|s| s.is_object() && s.get("$ref").is_none())
        .and_then(Value::as_object_mut)
}

#[test]
fn broken_pages_still_make_a_client_that_compiles() {
    let mut pages = beta_pages();
    assert!(pages.len() >= 10, "a sample of pages");
    // One break of each kind, each on its own page.
    pages[0].1.remove("operationId");
    let breaks: [(&str, Value); 4] = [
        (
            "circular",
            json!({"self": "circular()", "list": {"type": "array", "items": "circular()"}}),
        ),
        (
            "colliding",
            json!({"_type": {"type": "string"}, "type": {"type": "string"}, "Type": {"type": "integer"}}),
        ),
        (
            "no identifiers",
            json!({"op": {"type": "string", "enum": ["==", "!=", "<", ">"]}}),
        ),
        (
            "duplicate titles",
            json!({"inner": {"title": "Shared Title", "type": "object", "properties": {"x": {"type": "integer"}}}}),
        ),
    ];
    let mut broken = 0;
    for ((_, api), (_, properties)) in pages.iter_mut().skip(1).zip(breaks.iter()) {
        if let Some(schema) = response_schema(api) {
            schema.insert("title".into(), json!("Shared Title"));
            schema.insert("properties".into(), properties.clone());
            broken += 1;
        }
    }
    assert!(broken >= 2, "the sample has response schemas to break");
    let sources: Vec<docusaurus_openapi_extract::Source> = pages
        .iter()
        .map(|(name, api)| docusaurus_openapi_extract::Source {
            name: format!("beta/{name}"),
            file_name: name.clone(),
            text: format!(
                "---\nid: {}\napi: {}\n---\n",
                name.trim_end_matches(".api.mdx"),
                Value::Object(api.clone())
            ),
        })
        .collect();
    let extraction = docusaurus_openapi_extract::extract(
        &sources,
        &docusaurus_openapi_extract::NamesFile::default(),
    )
    .unwrap();
    let r = &extraction.report;
    assert!(r.quarantined.is_empty(), "{}", r.describe(0));
    assert_eq!(r.operations, pages.len());

    let dir = std::env::temp_dir().join(format!("broken-site-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("broken_beta_sample.json");
    std::fs::write(
        &spec,
        docusaurus_openapi_extract::to_pretty_json(&extraction.document),
    )
    .unwrap();
    let probe = xtask::probe::probe(&[spec]).unwrap();
    assert!(probe.compiles, "{}", probe.check_output);
    assert!(probe.ok(), "{:?}", probe.specs);
    assert_eq!(probe.specs[0].methods, pages.len());
    let _ = std::fs::remove_dir_all(dir);
}
