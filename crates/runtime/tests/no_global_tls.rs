//! Building a client has no process-wide side effect: the runtime's TLS
//! uses its own crypto provider, so an application that installs its own
//! default provider afterwards (as rustls asks applications to do) still
//! can. Its own test binary, so that nothing else in the process installs
//! one first.

use sailpoint_runtime::ClientBuilder;

#[test]
fn building_a_client_leaves_the_process_default_crypto_provider_alone() {
    let parts = ClientBuilder::new()
        .base_url("https://acme.api.identitynow.com")
        .client_credentials("id", "secret")
        .build_parts("/beta", "test-sdk", &sailpoint_runtime::Quirks::NONE)
        .expect("a complete configuration builds");
    drop(parts);
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_none(),
        "the runtime installed a process-wide crypto provider"
    );
    // The application's own choice still goes in.
    rustls::crypto::ring::default_provider()
        .install_default()
        .expect("the application can install its provider after building a client");
}
