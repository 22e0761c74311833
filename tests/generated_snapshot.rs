//! The client that compiles (build.rs, into OUT_DIR) and the committed copy
//! reviewers read (spec/generated/) come from one function; this proves they
//! are the same text.

#[test]
fn committed_client_is_what_build_rs_generates() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/client.rs"));
    let committed = std::fs::read_to_string("spec/generated/sailpoint_beta.rs")
        .expect("spec/generated/sailpoint_beta.rs exists; run `cargo xtask regen`");
    assert!(
        built == committed,
        "spec/generated/sailpoint_beta.rs differs from what build.rs generates from spec/openapi.json; \
         run `cargo xtask regen` and commit the result"
    );
}
