//! Generation cannot fail: on arbitrary documents drawn from the families
//! real docs sites have shown (tests/support/specs.rs), the generator
//! always returns a client and its mock layer, every operation keeps a
//! method (or is named as left out), and whatever is untyped is named
//! with why. Whether those clients compile is
//! `xtask/tests/generated_specs_compile.rs`.

mod support;

use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use sailpoint_codegen::{Culprit, Level};

/// Generation of `text`, on a thread of its own. A generation that has
/// not ended within a minute (typify's merge can run for hours) ends the
/// whole test process, with the document, instead of holding CI until its
/// limit: a thread cannot be stopped, and shrinking would start more.
fn within_a_minute(
    text: &str,
) -> Result<(sailpoint_codegen::Generated, String), sailpoint_codegen::Error> {
    let (tx, rx) = mpsc::channel();
    let owned = text.to_owned();
    std::thread::spawn(move || {
        let _ = tx.send(sailpoint_codegen::generate_with_httpmock(&owned, "crate"));
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("generation panicked on this document:\n{text}")
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Straight to stderr: the test harness captures `eprintln!`,
            // and its capture dies with the process.
            let _ = writeln!(
                std::io::stderr(),
                "generation did not end within 60 s on this document:\n{text}"
            );
            std::process::exit(101);
        }
    }
}

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
        let outcome = within_a_minute(&text);
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
