//! `Client::from_env()` with the real process environment. The only test in
//! its binary, because it sets environment variables.

mod common;

use fake_tenant::FakeTenant;

#[tokio::test]
async fn from_env_reads_the_sail_variables() {
    let tenant = FakeTenant::start().await;
    // SAFETY (in spirit): no other thread of this test binary reads the environment.
    std::env::set_var("SAIL_BASE_URL", tenant.base_url());
    std::env::set_var("SAIL_CLIENT_ID", common::CLIENT_ID);
    std::env::set_var("SAIL_CLIENT_SECRET", common::CLIENT_SECRET);
    let client = sailpoint::Client::from_env().expect("settings from the environment");
    common::send(&client).await.unwrap();
    assert_eq!(tenant.requests()[0].path, "/send-test-notification/v1");
    assert_eq!(tenant.token_requests(), 1);
}
