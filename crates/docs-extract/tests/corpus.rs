//! Whole docs sites from SailPoint's public docs, read from
//! `../shared/corpus` (never copied into the project).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use docs_extract::{extract, read_sources, Extraction, NamesFile};

fn corpus(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    assert!(
        dir.is_dir(),
        "{} is missing: the tests need SailPoint's docs corpus at ../shared/corpus",
        dir.display()
    );
    dir
}

fn extract_set(name: &str) -> (Extraction, usize) {
    let sources = read_sources(&corpus(name)).unwrap();
    let extraction = extract(&sources.pages, &NamesFile::default())
        .unwrap_or_else(|e| panic!("extracting {name}: {e}"));
    (extraction, sources.skipped.len())
}

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

#[test]
fn extraction_is_deterministic() {
    let a = docs_extract::to_pretty_json(&extract_set("sailpoint-beta-2022-08").0.document);
    let b = docs_extract::to_pretty_json(&extract_set("sailpoint-beta-2022-08").0.document);
    assert!(a == b, "two extractions of the same pages differ");
}

/// k8s-openapi style: each fixup applies exactly to the inputs it declares;
/// once upstream fixes a bug, this fails and says which fixup to delete.
#[test]
fn every_fixup_is_still_needed() {
    let mut applied: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let seed_text = include_str!("../../../spec/upstream/send-test-notification.api.mdx");
    let seed = docs_extract::Source {
        name: "spec/upstream/send-test-notification.api.mdx".into(),
        file_name: "send-test-notification.api.mdx".into(),
        text: seed_text.into(),
    };
    let seed = extract(&[seed], &NamesFile::default()).unwrap();
    for f in &seed.report.fixups {
        applied.entry(f.fixup).or_default().insert("seed");
    }
    for set in ["sailpoint-beta-2022-08", "identityiq-2024-03"] {
        for f in &extract_set(set).0.report.fixups {
            applied.entry(f.fixup).or_default().insert(set);
        }
    }
    for fixup in docs_extract::fixups::FIXUPS {
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
