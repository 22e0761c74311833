//! Names borrowed from another version's pages of the same API, tolerantly
//! (a schema that differs by `nullable`, a description or a property more
//! still matches), and title-only stubs read as references; on the real
//! sets. Prints the figures (`cargo test --test names_borrowing --
//! --nocapture`).

mod support;

use docusaurus_openapi_extract::names::borrow::Match;
use docusaurus_openapi_extract::{Extraction, NamesFile};
use support::extract_set_named;

fn borrowing(from: &Extraction, tolerant: bool) -> NamesFile {
    NamesFile {
        borrowed: NamesFile::borrow_from(&from.document),
        tolerant: if tolerant {
            NamesFile::borrow_tolerantly_from(&from.document)
        } else {
            Vec::new()
        },
        ..NamesFile::default()
    }
}

fn components(e: &Extraction) -> usize {
    e.document["components"]["schemas"]
        .as_object()
        .map_or(0, |s| s.len())
}

/// Borrows names for `target` from `source`, exactly then tolerantly;
/// returns (components, exact, tolerant) of the tolerant run.
fn measure(target: &str, source: &str) -> (usize, usize, usize) {
    let (from, _) = extract_set_named(source, &NamesFile::default());
    let (exact_only, _) = extract_set_named(target, &borrowing(&from, false));
    let (both, _) = extract_set_named(target, &borrowing(&from, true));
    let exact = exact_only.report.borrowed.len();
    assert!(
        exact_only
            .report
            .borrowed
            .values()
            .all(|m| *m == Match::Exact),
        "without tolerant shapes every match is exact"
    );
    let tolerant = both
        .report
        .borrowed
        .values()
        .filter(|m| **m == Match::Tolerant)
        .count();
    assert_eq!(
        both.report.borrowed.len() - tolerant,
        exact,
        "tolerant matching only adds to the exact matches"
    );
    for set in [&exact_only, &both] {
        assert!(set.report.quarantined.is_empty(), "{target}");
        assert!(docusaurus_openapi_extract::validate::validate(&set.document).is_empty());
        // Every borrowed name is a component of the document, and one of
        // the source's.
        for name in set.report.borrowed.keys() {
            assert!(
                set.document["components"]["schemas"].get(name).is_some(),
                "{name}"
            );
            assert!(
                from.document["components"]["schemas"].get(name).is_some(),
                "{name}"
            );
        }
    }
    let n = components(&both);
    eprintln!(
        "{target} borrowing from {source}: {n} components; {exact} named by exact shape ({:.0}%), \
         {} with tolerant matching ({:.0}%)",
        100.0 * exact as f64 / n as f64,
        exact + tolerant,
        100.0 * (exact + tolerant) as f64 / n as f64
    );
    (n, exact, tolerant)
}

/// The 2022 beta site (plugin 1.x, no titles) names its schemas after the
/// 2024 beta site's components: tolerant matching finds many more.
#[test]
fn the_2022_beta_borrows_names_from_the_2024_beta() {
    let (n, exact, tolerant) = measure("sailpoint-beta-2022-08", "sailpoint-beta-2024-03");
    assert!(
        (exact + tolerant) * 2 > n && tolerant * 2 > exact,
        "most components find a counterpart, many more than by exact shape: {exact} + {tolerant} of {n}"
    );
}

/// The NERM site of October 2023 borrows from its May 2023 version, five
/// months older (81 operations in common).
#[test]
fn nerm_borrows_names_from_its_earlier_version() {
    let (_, exact, tolerant) = measure("nerm-ids-2023-10", "nerm-2023-05");
    assert!(exact + tolerant > 0);
}

/// The 2024 sites write a component they already wrote out as a stub: a
/// title and nothing else. A stub whose title names a component of the
/// site is a reference to it, never a component of its own (an object
/// without properties under a real type's name, the real one renamed); a
/// stub naming nothing the pages define is the one component of its title.
#[test]
fn stubs_are_references_to_the_component_of_their_title() {
    let is_stub = |schema: &serde_json::Value| {
        schema.as_object().is_some_and(|m| {
            m.contains_key("title")
                && m.iter().all(|(k, v)| {
                    k == "title" || k == "description" || (k == "type" && v == "object")
                })
        })
    };
    for set in [
        "sailpoint-beta-2024-03",
        "sailpoint-v3-2024-03",
        "nerm-2024-03",
    ] {
        let (e, _) = extract_set_named(set, &NamesFile::default());
        let schemas = e.document["components"]["schemas"].as_object().unwrap();
        let defined: std::collections::BTreeSet<&str> = schemas
            .values()
            .filter(|s| !is_stub(s))
            .filter_map(|s| s["title"].as_str())
            .collect();
        let mut stubs = 0;
        let mut stub_titles = std::collections::BTreeSet::new();
        for (name, schema) in schemas.iter().filter(|(_, s)| is_stub(s)) {
            stubs += 1;
            let title = schema["title"].as_str().unwrap();
            assert!(
                !defined.contains(title),
                "{set}: component {name} is a stub of `{title}`, which the site defines"
            );
            assert!(
                stub_titles.insert(title),
                "{set}: {name}: one component per title"
            );
        }
        if set != "nerm-2024-03" {
            let campaign = &schemas["Campaign"];
            assert!(
                campaign.get("allOf").is_some() || campaign.get("properties").is_some(),
                "{set}: Campaign is the real one: {campaign}"
            );
        }
        eprintln!("{set}: {stubs} component(s) of stubs naming nothing the pages define");
    }
}
/// The v1 site (titles on most schemas) borrows what its titles leave
/// unnamed from the 2024 v3 site.
#[test]
fn v1_borrows_names_from_the_2024_v3_site() {
    let (_, exact, tolerant) = measure("isc-v1-2026-08", "sailpoint-v3-2024-03");
    assert!(exact + tolerant > 0);
}
