//! The client that compiles (build.rs, into OUT_DIR) and the committed copy
//! reviewers read (spec/generated/) come from one function; this proves they
//! are the same text.

#[test]
fn committed_client_is_what_build_rs_generates() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/client.rs"));
    let committed = std::fs::read_to_string("spec/generated/sailpoint.rs")
        .expect("spec/generated/sailpoint.rs exists; run `cargo xtask regen`");
    assert!(
        built == committed,
        "spec/generated/sailpoint.rs differs from what build.rs generates from spec/openapi.json; \
         run `cargo xtask regen` and commit the result"
    );
}

/// build.rs takes the committed client only when its recorded digest is the
/// spec's: its own copy of the digest function, and the generator's, agree
/// (build.rs accepted the header above; here the generator's digest of the
/// spec is the one the header records).
#[test]
fn the_committed_client_records_the_digest_of_the_spec_beside_it() {
    let spec = std::fs::read_to_string("spec/openapi.json").unwrap();
    let committed = std::fs::read_to_string("spec/generated/sailpoint.rs").unwrap();
    let line = format!(
        "{}{}",
        sailpoint_codegen::DIGEST_PREFIX,
        sailpoint_codegen::spec_digest(&spec)
    );
    assert!(
        committed.lines().any(|l| l == line),
        "the committed client does not record `{line}`; run `cargo xtask regen`"
    );
    // The digest tells a changed spec apart.
    assert_ne!(
        sailpoint_codegen::spec_digest(&spec),
        sailpoint_codegen::spec_digest(&spec.replacen("beta", "bets", 1))
    );
}
