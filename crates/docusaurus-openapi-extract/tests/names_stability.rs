//! Type names a user has typed must not change because of something
//! unrelated upstream: reordering the pages, removing some operations,
//! adding operations that share no shape with the others. Checked on the
//! real 2022 beta site (plugin 1.x: no titles, so every name is derived).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use docusaurus_openapi_extract::{extract, read_sources, Extraction, NamesFile, Source};
use proptest::prelude::*;
use serde_json::Value;

fn set(name: &str) -> Vec<Source> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    read_sources(&dir)
        .expect("the tests need SailPoint's docs corpus at ../shared/corpus")
        .pages
}

fn beta() -> &'static (Vec<Source>, Extraction) {
    static BETA: OnceLock<(Vec<Source>, Extraction)> = OnceLock::new();
    BETA.get_or_init(|| {
        let pages = set("sailpoint-beta-2022-08");
        let extraction = extract(&pages, &NamesFile::default()).unwrap();
        (pages, extraction)
    })
}

/// Each operation (by id) as the document has it, `servers` aside: with its
/// `$ref`s, so a renamed type shows.
fn operations(doc: &Value) -> BTreeMap<String, Value> {
    openapi_model::operations(doc)
        .filter_map(|o| {
            let mut op = o.op.clone();
            op.as_object_mut()?.remove("servers");
            Some((o.id()?.to_owned(), op))
        })
        .collect()
}

/// The body of every component an operation refers to, by name.
fn components(doc: &Value) -> BTreeMap<String, Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// A shuffle driven by `seed` (xorshift), so proptest can shrink it.
fn shuffled<T: Clone>(items: &[T], mut seed: u64) -> Vec<T> {
    let mut out = items.to_vec();
    for i in (1..out.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    out
}

#[test]
fn the_order_of_the_pages_does_not_change_a_name() {
    let (pages, base) = beta();
    let reversed: Vec<Source> = pages.iter().rev().cloned().collect();
    let again = extract(&reversed, &NamesFile::default()).unwrap();
    assert!(
        components(&again.document) == components(&base.document),
        "the components differ when the pages come in another order"
    );
    assert!(operations(&again.document) == operations(&base.document));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn unrelated_changes_never_rename_a_type_of_the_remaining_operations(
        seed in 1u64..u64::MAX,
        removed in proptest::collection::btree_set(0usize..365, 0..40),
        add_other_site in any::<bool>(),
    ) {
        let (pages, base) = beta();
        let names = NamesFile {
            lock: base.report.components_lock.clone(),
            ..NamesFile::default()
        };
        let mut changed: Vec<Source> = shuffled(pages, seed)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !removed.contains(i))
            .map(|(_, p)| p)
            .collect();
        if add_other_site {
            // The NERM API shares no shape with the beta site; its ids are
            // made its own (both sites have a `patchRole`).
            changed.extend(set("nerm-2023-05").into_iter().map(|mut page| {
                page.text = page.text.replace("\"operationId\":\"", "\"operationId\":\"nerm");
                page
            }));
        }
        let after = extract(&changed, &names).unwrap();
        let before_ops = operations(&base.document);
        let before_components = components(&base.document);
        let after_components = components(&after.document);
        for (id, op) in operations(&after.document) {
            let Some(old) = before_ops.get(&id) else { continue };
            prop_assert!(&op == old, "operation {id} changed: a type it uses was renamed");
            // And every type it names is the same type.
            let text = op.to_string();
            for (name, body) in &before_components {
                if text.contains(&format!("\"#/components/schemas/{name}\"")) {
                    prop_assert_eq!(after_components.get(name), Some(body), "{}", name);
                }
            }
        }
    }
}
