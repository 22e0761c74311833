//! Whole docs sites from SailPoint's public docs, read from
//! `../shared/corpus` (never copied into the project).

mod support;

use std::collections::{BTreeMap, BTreeSet};

use docusaurus_openapi_extract::{extract, NamesFile};
use support::{extract_set, ALL_SETS};

fn operations(doc: &serde_json::Value) -> usize {
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum()
}

#[test]
fn the_2022_beta_set_becomes_one_valid_document() {
    let (extraction, skipped) = extract_set("sailpoint-beta-2022-08");
    let doc = &extraction.document;
    let r = &extraction.report;
    assert_eq!(
        (r.operation_pages, r.tag_pages, r.info_pages, skipped),
        (365, 50, 1, 1),
        "sidebar.js is skipped"
    );
    assert_eq!(operations(doc), 365);
    serde_json::from_value::<openapiv3::OpenAPI>(doc.clone()).unwrap();
    // Repeated parts appear once.
    assert_eq!(doc["servers"].as_array().unwrap().len(), 1);
    assert_eq!(
        doc["components"]["securitySchemes"]
            .as_object()
            .unwrap()
            .len(),
        1
    );
    // Tag descriptions come from the tag pages.
    let tags = doc["tags"].as_array().unwrap();
    let profiles = tags
        .iter()
        .find(|t| t["name"] == "Access Profiles")
        .unwrap();
    assert!(profiles["description"]
        .as_str()
        .unwrap()
        .starts_with("Use this API to implement and customize access profile"));
    // The fixed bugs.
    let op = &doc["paths"]["/historical-identities/{id}/compare/{access-type}"]["get"];
    assert!(op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "access-type"));
    assert!(doc["paths"]["/entitlements/{id}"]["patch"].is_object());
    let bearer = r
        .fixups
        .iter()
        .filter(|f| f.fixup == "undefined_security_scheme")
        .count();
    assert_eq!(bearer, 119, "bearerAuth on 119 operations");
}

#[test]
fn the_2024_identityiq_set_decodes_compressed_pages() {
    let (extraction, _) = extract_set("identityiq-2024-03");
    let r = &extraction.report;
    assert_eq!(
        (
            r.operation_pages,
            r.compressed_pages,
            r.tag_pages,
            r.info_pages
        ),
        (36, 36, 15, 1)
    );
    assert_eq!(operations(&extraction.document), 36);
    serde_json::from_value::<openapiv3::OpenAPI>(extraction.document.clone()).unwrap();
}

/// Every operation page of every shared set becomes an operation of a valid
/// document: nothing quarantined, and the document parses as OpenAPI 3.0.
#[test]
fn every_page_of_every_shared_set_becomes_an_operation() {
    let mut pages = 0;
    for set in ALL_SETS {
        let (extraction, _) = extract_set(set);
        let r = &extraction.report;
        assert!(
            r.quarantined.is_empty(),
            "{set}: quarantined:\n{}",
            r.describe(0)
        );
        assert_eq!(r.operations + r.webhooks, r.operation_pages, "{set}");
        assert_eq!(operations(&extraction.document), r.operations, "{set}");
        serde_json::from_value::<openapiv3::OpenAPI>(extraction.document.clone())
            .unwrap_or_else(|e| panic!("{set}: {e}"));
        assert!(docusaurus_openapi_extract::validate::validate(&extraction.document).is_empty());
        pages += r.operation_pages;
    }
    assert_eq!(
        pages,
        917 + 365 + 460 + 281 + 36 + 131 + 84 + 93 + 515 + 3,
        "every shared operation page"
    );
}

/// The ARM OData sets have no `operationId`s: each operation gets its page's
/// id in camelCase, and every id is unique.
#[test]
fn operations_without_ids_are_named_after_their_pages() {
    let (extraction, _) = extract_set("arm-2022-08/swagger-arm2");
    let ids = operation_ids(&extraction.document);
    assert!(
        ids.contains("getCustomersWithSourceOfTruthBasedOnODataFunctionality"),
        "{ids:?}"
    );
    assert_eq!(ids.len(), 4);
}

fn operation_ids(doc: &serde_json::Value) -> BTreeSet<&str> {
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect()
}

/// `circular()` markers become open schemas, with one warning per page.
#[test]
fn circular_markers_become_schemas_with_a_warning() {
    let (extraction, _) = extract_set("arm-2022-08/swagger-rulebook");
    let text = docusaurus_openapi_extract::to_pretty_json(&extraction.document);
    assert!(!text.contains("circular("), "a marker is left");
    let warned = extraction
        .report
        .warnings
        .iter()
        .filter(|w| w.contains("circular()"))
        .count();
    let pages: BTreeSet<&str> = extraction
        .report
        .fixups
        .iter()
        .filter(|f| f.fixup == "circular_reference")
        .map(|f| f.origin.source.as_str())
        .collect();
    assert_eq!(warned, pages.len(), "one warning per page");
    assert_eq!(pages.len(), 9);
}

#[test]
fn extraction_is_deterministic() {
    let a = docusaurus_openapi_extract::to_pretty_json(
        &extract_set("sailpoint-beta-2022-08").0.document,
    );
    let b = docusaurus_openapi_extract::to_pretty_json(
        &extract_set("sailpoint-beta-2022-08").0.document,
    );
    assert!(a == b, "two extractions of the same pages differ");
}

/// k8s-openapi style: each fixup applies exactly to the inputs it declares;
/// once upstream fixes a bug, this fails and says which fixup to delete.
#[test]
fn every_fixup_is_still_needed() {
    let mut applied: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let seed_text = include_str!("../../../../shared/seed/send-test-notification.api.mdx");
    let seed = docusaurus_openapi_extract::Source {
        name: "spec/upstream/send-test-notification.api.mdx".into(),
        file_name: "send-test-notification.api.mdx".into(),
        text: seed_text.into(),
    };
    let seed = extract(&[seed], &NamesFile::default()).unwrap();
    for f in &seed.report.fixups {
        applied.entry(f.fixup).or_default().insert("seed");
    }
    for set in ALL_SETS {
        for f in &extract_set(set).0.report.fixups {
            applied.entry(f.fixup).or_default().insert(set);
        }
    }
    for fixup in docusaurus_openapi_extract::fixups::FIXUPS {
        assert!(
            !fixup.inputs.is_empty(),
            "fixup `{}` names no input that needs it: remove it, or add the input that does",
            fixup.name
        );
        let declared: BTreeSet<&str> = fixup.inputs.iter().copied().collect();
        let actual = applied.remove(fixup.name).unwrap_or_default();
        if let Some(gone) = declared.difference(&actual).next() {
            panic!(
                "fixup `{}` ({}) no longer applies to {gone}: upstream fixed the bug there; \
                 remove {gone} from its inputs, and delete the fixup if none are left",
                fixup.name, fixup.summary
            );
        }
        if let Some(new) = actual.difference(&declared).next() {
            panic!(
                "fixup `{}` now also applies to {new}: add it to its inputs",
                fixup.name
            );
        }
    }
}

/// The event-trigger pages of the 2026 site become webhooks of the
/// document (`x-webhooks`, as the source specs write them), never
/// operations, never quarantined: each named by its operationId, its
/// payload a named component, the answer a REQUEST_RESPONSE trigger
/// expects kept as its response.
#[test]
fn event_pages_become_webhooks() {
    let (extraction, skipped) = extract_set("webhook-samples-2026-08");
    let r = &extraction.report;
    assert_eq!(
        (r.operation_pages, r.operations, r.webhooks, skipped),
        (3, 0, 3, 5)
    );
    assert!(r.quarantined.is_empty(), "{}", r.describe(0));
    assert!(
        r.summary()
            .contains("3 operation page(s) → 0 operation(s), 3 webhook(s)"),
        "{}",
        r.summary()
    );
    let doc = &extraction.document;
    let hooks = doc["x-webhooks"].as_object().unwrap();
    assert_eq!(
        hooks.keys().collect::<Vec<_>>(),
        [
            "accessRequestSubmittedEvent",
            "identityCreatedEvent",
            "provisioningCompletedEvent"
        ]
    );
    let created = &hooks["identityCreatedEvent"]["post"];
    assert_eq!(created["operationId"], "identityCreatedEvent");
    assert_eq!(created["summary"], "Identity created");
    assert_eq!(created["tags"], serde_json::json!(["Triggers"]));
    assert!(
        created.get("responses").is_none(),
        "a fire-and-forget trigger expects no answer"
    );
    let payload = &created["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(payload["$ref"], "#/components/schemas/IdentityCreated");
    let body = &doc["components"]["schemas"]["IdentityCreated"];
    assert_eq!(
        body["required"],
        serde_json::json!(["identity", "attributes"])
    );
    let submitted = &hooks["accessRequestSubmittedEvent"]["post"];
    assert!(
        submitted["responses"]["200"]["content"]["application/json"]["schema"].is_object(),
        "a REQUEST_RESPONSE trigger keeps the answer it expects"
    );
    // Nothing left for paths, and the document is valid.
    assert_eq!(doc["paths"], serde_json::json!({}));
    assert!(docusaurus_openapi_extract::validate::validate(doc).is_empty());
}
