//! `Client::from_env()` with the real process environment. The only test in
//! its binary, because it sets environment variables.

mod common;

use fake_tenant::FakeTenant;

#[tokio::test]
async fn from_env_reads_the_sail_variables_and_names_one_that_is_not_utf8() {
    let tenant = FakeTenant::start().await;
    // SAFETY (in spirit): no other thread of this test binary reads the environment.
    std::env::set_var("SAIL_BASE_URL", tenant.base_url());
    std::env::set_var("SAIL_CLIENT_ID", common::CLIENT_ID);
    std::env::set_var("SAIL_CLIENT_SECRET", common::CLIENT_SECRET);
    let client = sailpoint::Client::from_env().expect("settings from the environment");
    common::send(&client).await.unwrap();
    assert_eq!(tenant.requests()[0].path, "/send-test-notification/v1");
    assert_eq!(tenant.token_requests(), 1);

    // A base URL that is not UTF-8 is an error naming the variable, never
    // "unset" (then config.json's host would get the secret from the
    // environment).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let folder = std::env::temp_dir().join(format!("sailpoint-env-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let config = folder.join("config.json");
        std::fs::write(&config, r#"{"BaseURL": "https://elsewhere.example"}"#).unwrap();
        std::env::set_var(
            "SAIL_BASE_URL",
            std::ffi::OsStr::from_bytes(b"https://acme.api.identitynow.com/\xff"),
        );
        let err = sailpoint::Client::from_builder(
            sailpoint::ClientBuilder::from_env().config_file(&config),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "SAIL_BASE_URL: is set, but not to UTF-8 text (looked in environment variable SAIL_BASE_URL)"
        );
    }
}
