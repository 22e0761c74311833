//! Each adaptation and each degradation on a small spec of its own
//! (`tests/samples/*.json`), its generated client and what was adapted or
//! degraded kept as snapshots (`tests/output/`), as progenitor keeps its
//! sample specs' output. A change of the generator shows as a diff of
//! these files; after a deliberate one,
//! `EXPECTORATE=overwrite cargo test -p sailpoint-codegen --test samples`
//! rewrites them. Whether the sample clients compile is checked by
//! `xtask/tests/generated_specs_compile.rs`.

use std::path::Path;

use sailpoint_codegen::{Culprit, Level};

fn samples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// What was adapted and degraded, one line each.
fn report(generated: &sailpoint_codegen::Generated) -> String {
    let mut text = String::new();
    for a in &generated.adaptations {
        text.push_str(&format!("adapted {}: {}\n", a.adaptation, a.change));
    }
    for d in &generated.degraded {
        text.push_str(&format!("degraded {d}\n"));
    }
    text
}

#[test]
fn every_sample_generates_as_its_snapshot_says() {
    let samples = samples();
    assert!(samples.len() >= 8, "{samples:?}");
    for (name, text) in samples {
        let (client, mock) = sailpoint_codegen::generate_with_httpmock(&text, "crate")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/output");
        expectorate::assert_contents(out.join(format!("{name}.rs")), &client.code);
        expectorate::assert_contents(out.join(format!("{name}.mock.rs")), &mock);
        expectorate::assert_contents(out.join(format!("{name}.report")), &report(&client));
    }
}

fn generated(name: &str) -> sailpoint_codegen::Generated {
    let (_, text) = samples().into_iter().find(|(n, _)| n == name).unwrap();
    sailpoint_codegen::generate(&text).unwrap()
}

#[test]
fn a_schema_typify_asserts_on_is_untyped_and_the_rest_stays_typed() {
    let g = generated("degraded_schema");
    assert_eq!(g.degraded.len(), 1, "{:?}", g.degraded);
    let d = &g.degraded[0];
    assert_eq!(d.culprit, Culprit::Component("Choice".into()));
    assert_eq!(d.level, Level::Untyped);
    assert!(
        d.why.starts_with(
            "the generator panicked: assertion failed: any_of.is_none() || one_of.is_none()"
        ),
        "{}",
        d.why
    );
    // `Choice` holds any JSON value and says why in its docs; `Plain`,
    // which holds it, keeps its own fields.
    assert!(
        g.code
            .contains("pub struct Choice(pub ::serde_json::Value)"),
        "{}",
        &g.code[g.code.find("pub struct Choice").unwrap_or(0)..][..300]
    );
    assert!(g.code.contains("Untyped by the code generator"));
    assert!(g.code.contains("pub choice: ::std::option::Option<Choice>"));
    assert!(g
        .code
        .contains("pub name: ::std::option::Option<::std::string::String>"));
}

#[test]
fn an_operation_typify_asserts_on_keeps_its_method_with_an_untyped_body() {
    let g = generated("degraded_operation");
    assert_eq!(g.degraded.len(), 1, "{:?}", g.degraded);
    let d = &g.degraded[0];
    assert!(
        // (by the operationId the method is named after: v1's suffix gone)
        matches!(&d.culprit, Culprit::Operation { id: Some(id), .. } if id == "putChoice"),
        "{d}"
    );
    assert_eq!(d.level, Level::BodyAndResponses);
    assert!(
        g.code.contains("pub fn put_choice(&self)"),
        "the method is there"
    );
    assert!(
        g.code.contains("pub fn get_fine(&self)"),
        "the other one too"
    );
}

#[test]
fn prevented_families_need_no_degradation() {
    for name in [
        "enum_values_give_the_type",
        "object_parameters",
        "composition_loops_are_broken",
        "merges_end",
        "schemars_impls_follow_the_dependency",
        "names_and_keywords",
    ] {
        let g = generated(name);
        assert!(g.degraded.is_empty(), "{name}: {:?}", g.degraded);
        let adapted =
            g.adaptations.iter().any(|a| a.adaptation == name) || name == "names_and_keywords";
        assert!(adapted, "{name}: {:?}", g.adaptations);
    }
    let g = generated("names_and_keywords");
    assert!(
        g.code.contains("pub fn move_(&self)"),
        "a keyword operationId"
    );
    assert!(g.code.contains("pub fn type_(&self)"));
}
