//! The extractor's own validity check (`validate::validate`: openapiv3, the
//! official OpenAPI 3.0 JSON Schema, structural checks) agrees with
//! openapi-spec-validator (PyPI), the validator users run: on every shared
//! set's extracted document, and on generated documents with each family
//! of defect the Python validator finds. Skipped, saying so, when Python or
//! the package is absent (CI installs it).

mod support;

use docusaurus_openapi_extract::validate::validate;
use support::{extract_set, python_validator, ALL_SETS};

/// Every shared set's document is valid by both validators.
#[test]
fn every_shared_set_is_valid_by_both_validators() {
    let extractions: Vec<_> = ALL_SETS.iter().map(|set| extract_set(set).0).collect();
    let documents: Vec<&serde_json::Value> = extractions.iter().map(|e| &e.document).collect();
    let mut failures = Vec::new();
    for (set, doc) in ALL_SETS.iter().zip(&documents) {
        let ours = validate(doc);
        if !ours.is_empty() {
            failures.push(format!("{set}: the extractor's check finds {ours:?}"));
        }
    }
    if let Some(python) = python_validator(&documents) {
        for (set, errors) in ALL_SETS.iter().zip(python) {
            if !errors.is_empty() {
                failures.push(format!(
                    "{set}: openapi-spec-validator finds {} problem(s), the extractor's check none; first: {:#?}",
                    errors.len(),
                    &errors[..errors.len().min(8)]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A defect of a family openapi-spec-validator finds (or a look-alike it
/// accepts), put where it looks.
#[derive(Debug, Clone, Copy)]
enum Defect {
    DuplicateEnumValue,
    ProseDefaultOnDateTime,
    BooleanDefaultOnString,
    DefaultOutsideEnum,
    InvalidPattern,
    RequiredUndefinedInAllOf,
    DuplicateParameter,
    UndeclaredPathParameter,
    DuplicateTag,
    // Valid look-alikes: both validators accept them.
    NullDefaultOnNullable,
    ProseFormat,
    DateTimeDefault,
    RequiredDefinedInAllOfMember,
}

const DEFECTS: &[Defect] = &[
    Defect::DuplicateEnumValue,
    Defect::ProseDefaultOnDateTime,
    Defect::BooleanDefaultOnString,
    Defect::DefaultOutsideEnum,
    Defect::InvalidPattern,
    Defect::RequiredUndefinedInAllOf,
    Defect::DuplicateParameter,
    Defect::UndeclaredPathParameter,
    Defect::DuplicateTag,
    Defect::NullDefaultOnNullable,
    Defect::ProseFormat,
    Defect::DateTimeDefault,
    Defect::RequiredDefinedInAllOfMember,
];

/// A small valid document with the given defects, each in a component
/// schema, a response schema or a parameter (where both validators look).
fn document(defects: &[(Defect, u8)]) -> serde_json::Value {
    use serde_json::json;
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "tags": [{"name": "Things"}],
        "paths": {"/things/{id}": {"get": {
            "operationId": "getThing",
            "tags": ["Things"],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}}
        }}},
        "components": {"schemas": {
            "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Thing": {"type": "object", "properties": {"name": {"type": "string"}}}
        }}
    });
    for (n, (defect, place)) in defects.iter().enumerate() {
        let schema = match defect {
            Defect::DuplicateEnumValue => json!({"type": "string", "enum": ["A", "B", "A"]}),
            Defect::ProseDefaultOnDateTime => {
                json!({"type": "string", "format": "date-time", "default": "6 Months from created date"})
            }
            Defect::BooleanDefaultOnString => json!({"type": "string", "default": true}),
            Defect::DefaultOutsideEnum => {
                json!({"type": "string", "enum": ["A", "B"], "default": "C"})
            }
            Defect::InvalidPattern => json!({"type": "string", "pattern": "[a-"}),
            Defect::RequiredUndefinedInAllOf => {
                json!({"allOf": [{"$ref": "#/components/schemas/Base"}], "required": ["nope"]})
            }
            Defect::NullDefaultOnNullable => {
                json!({"type": "string", "nullable": true, "default": null})
            }
            Defect::ProseFormat => json!({"type": "string", "format": "comma-separated"}),
            Defect::DateTimeDefault => {
                json!({"type": "string", "format": "date-time", "default": "2024-01-01T00:00:00Z"})
            }
            Defect::RequiredDefinedInAllOfMember => {
                json!({"allOf": [{"$ref": "#/components/schemas/Base"}], "required": ["id"]})
            }
            Defect::DuplicateParameter => {
                let params = doc["paths"]["/things/{id}"]["get"]["parameters"]
                    .as_array_mut()
                    .unwrap();
                params.push(json!({"name": "q", "in": "query", "schema": {"type": "string"}}));
                params.push(json!({"name": "q", "in": "query", "schema": {"type": "integer"}}));
                continue;
            }
            Defect::UndeclaredPathParameter => {
                doc["paths"][format!("/other{n}/{{otherId}}")] = json!({"get": {
                    "operationId": format!("other{n}"),
                    "responses": {"204": {"description": "done"}}}});
                continue;
            }
            Defect::DuplicateTag => {
                doc["tags"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "Things"}));
                continue;
            }
        };
        match place % 3 {
            0 => {
                doc["components"]["schemas"][format!("Defect{n}")] = schema;
            }
            1 => {
                doc["components"]["schemas"]["Thing"]["properties"][format!("p{n}")] = schema;
            }
            _ => {
                doc["paths"]["/things/{id}"]["get"]["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": format!("p{n}"), "in": "query", "schema": schema}));
            }
        }
    }
    doc
}

/// Generated documents with any of the defect families (and valid
/// look-alikes), anywhere openapi-spec-validator looks: the two validators
/// say the same, valid or not, on every one.
#[test]
fn both_validators_find_the_same_defect_families() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let strategy = proptest::collection::vec(
        (
            proptest::sample::select(DEFECTS),
            proptest::prelude::any::<u8>(),
        ),
        0..4,
    );
    let mut runner = TestRunner::deterministic();
    let mut cases: Vec<Vec<(Defect, u8)>> = DEFECTS.iter().map(|d| vec![(*d, 0)]).collect();
    cases.extend(DEFECTS.iter().map(|d| vec![(*d, 2)]));
    for _ in 0..48 {
        cases.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    let documents: Vec<serde_json::Value> = cases.iter().map(|c| document(c)).collect();
    let ours: Vec<bool> = documents.iter().map(|d| validate(d).is_empty()).collect();
    let Some(python) = python_validator(&documents.iter().collect::<Vec<_>>()) else {
        return;
    };
    let mut disagreements = Vec::new();
    for ((case, valid), errors) in cases.iter().zip(&ours).zip(&python) {
        if *valid != errors.is_empty() {
            disagreements.push(format!(
                "{case:?}: the extractor says {}, openapi-spec-validator {errors:?}",
                if *valid { "valid" } else { "invalid" }
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    // Each family of defect is found, each look-alike accepted.
    assert!(ours[..9].iter().all(|valid| !valid), "{:?}", &ours[..9]);
    assert!(ours[9..13].iter().all(|valid| *valid), "{:?}", &ours[9..13]);
}
