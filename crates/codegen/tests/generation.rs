//! Generation cannot fail: on arbitrary documents drawn from the families
//! real docs sites have shown (tests/support/specs.rs), the generator
//! always returns a client and its mock layer, every operation keeps a
//! method (or is named as left out), and whatever is untyped is named
//! with why. Whether those clients compile is
//! `xtask/tests/generated_specs_compile.rs`.

mod support;

use proptest::prelude::*;
use sailpoint_codegen::{Culprit, Level};

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generation_never_fails_and_names_what_it_degrades(doc in support::specs::document()) {
        let text = serde_json::to_string_pretty(&doc).unwrap();
        if let Some(dump) = std::env::var_os("GEN_DUMP") { std::fs::write(dump, &text).unwrap(); }
        let outcome = sailpoint_codegen::generate_with_httpmock(&text, "crate");
        let (client, mock) = match outcome {
            Ok(both) => both,
            Err(e) => panic!("generation failed: {e}\n{text}"),
        };
        // Every operation is a method, but those named as left out.
        let operations = openapi_model::count_operations(&doc);
        let removed = client
            .degraded
            .iter()
            .filter(|d| d.level == Level::Removed)
            .count();
        let methods = client.code.matches("operation_id: \"").count();
        prop_assert_eq!(methods, operations - removed, "{}", text);
        prop_assert!(!mock.is_empty());
        for d in &client.degraded {
            // Named, with the failure that made it necessary.
            prop_assert!(!d.why.is_empty(), "{d:?}");
            match &d.culprit {
                Culprit::Component(name) => prop_assert!(!name.is_empty()),
                Culprit::Operation { route, .. } => {
                    prop_assert!(doc["paths"].get(&route.path).is_some(), "{d:?}")
                }
            }
            let note = format!("{d}");
            prop_assert!(note.contains(&d.why), "{note}");
        }
    }
}
