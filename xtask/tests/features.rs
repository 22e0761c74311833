//! Every API area (a Cargo feature per service) compiles alone, as far as
//! names go: a static check over the committed client, for all 147
//! services at once (compiling each alone would take CI about an hour; CI
//! compiles a stratified sample of them alone besides).

use std::collections::BTreeSet;

use xtask::{paths, workspace_root};

/// The features of the `full` list in the client's manifest.
fn features() -> Vec<String> {
    let manifest = std::fs::read_to_string(workspace_root().join(paths::CARGO_TOML)).unwrap();
    let full = manifest
        .split_once("\nfull = [\n")
        .expect("the manifest has the full feature")
        .1
        .split_once("\n]")
        .unwrap()
        .0;
    full.lines()
        .map(|l| l.trim().trim_end_matches(',').trim_matches('"').to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn every_service_alone_defines_every_type_it_uses() {
    let code = std::fs::read_to_string(workspace_root().join(paths::CLIENT)).unwrap();
    let file = syn::parse_file(&code).expect("the committed client parses");
    let gates = sailpoint_codegen::gates::Gates::of(&file);
    let features = features();
    assert!(
        features.len() > 100,
        "one feature per service: {features:?}"
    );
    let mut failures = Vec::new();
    for feature in &features {
        let missing = gates.undefined_names(feature);
        if !missing.is_empty() {
            failures.push(format!("{feature}: {:?}", &missing[..missing.len().min(5)]));
        }
    }
    assert!(
        failures.is_empty(),
        "areas that would not compile alone:\n{}",
        failures.join("\n")
    );
    // (That the check finds a type gated away from its user is
    // `gates::tests::a_type_gated_away_from_a_user_is_found`.)
    let names: BTreeSet<&str> = features.iter().map(String::as_str).collect();
    assert!(names.contains("send-test-notification") && names.contains("well-known"));
}
