//! The runtime through the whole client, against a fake tenant on 127.0.0.1:
//! configuration, tokens, retries, errors, and what must never be shown.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use fake_tenant::{FakeTenant, Reply};
use sailpoint::{AuthError, Client, ClientBuilder, Error, RetryStrategy};

// ---------------------------------------------------------------- settings

#[tokio::test]
async fn sail_env_variables_point_calls_and_tokens_at_the_base_url() {
    let tenant = FakeTenant::start().await;
    let client = Client::from_builder(
        ClientBuilder::from_env()
            .env_lookup(env_of(&[
                ("SAIL_BASE_URL", tenant.base_url()),
                ("SAIL_CLIENT_ID", CLIENT_ID.into()),
                ("SAIL_CLIENT_SECRET", CLIENT_SECRET.into()),
            ]))
            .config_file("/nonexistent/config.json"),
    )
    .unwrap();
    send(&client).await.unwrap();
    let request = &tenant.requests()[0];
    assert_eq!(request.path, "/send-test-notification/v1");
    assert_eq!(request.headers["authorization"], "Bearer tok-1");
    assert!(
        request.headers["user-agent"].starts_with("sailpoint/"),
        "{:?}",
        request.headers
    );
    assert!(request.headers["x-sailpoint-sdk"].starts_with("rust-sailpoint-"));
    assert!(
        !request.headers.contains_key("api-version"),
        "progenitor's api-version header is removed"
    );
    assert!(!request.headers.contains_key("x-sailpoint-experimental"));
    let form = &tenant.token_bodies()[0];
    for part in [
        "grant_type=client_credentials",
        "client_id=test-client-id",
        "client_secret=s3cr3t-value-never-shown",
    ] {
        assert!(form.contains(part), "{form}");
    }
}

/// The base URL is the tenant's API root: a trailing `/` is accepted, and
/// each operation's path carries its service and version.
#[tokio::test]
async fn a_base_url_ending_in_a_slash_is_the_api_root() {
    let tenant = FakeTenant::start().await;
    let client =
        Client::from_builder(builder(&tenant).base_url(format!("{}/", tenant.base_url()))).unwrap();
    send(&client).await.unwrap();
    assert_eq!(tenant.requests()[0].path, "/send-test-notification/v1");
}

/// A base URL written for a legacy API (`.../beta`, `.../v3`) is refused
/// with what to give instead, before any request.
#[tokio::test]
async fn a_base_url_with_a_legacy_version_is_refused() {
    let tenant = FakeTenant::start().await;
    for legacy in ["/beta", "/v3", "/v2025"] {
        let err = Client::from_builder(
            builder(&tenant).base_url(format!("{}{legacy}", tenant.base_url())),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("give the API host only"),
            "{legacy}: {err}"
        );
    }
    assert!(tenant.requests().is_empty());
}

#[tokio::test]
async fn explicit_settings_beat_the_environment_which_beats_config_json() {
    let tenant = FakeTenant::start().await;
    let file = config_file(
        "precedence",
        &serde_json::json!({"BaseURL": "https://elsewhere.example", "ClientId": "file-id", "ClientSecret": "file-secret"}).to_string(),
    );
    let client = Client::from_builder(
        ClientBuilder::from_env()
            .env_lookup(env_of(&[
                ("SAIL_BASE_URL", tenant.base_url()),
                ("SAIL_CLIENT_ID", "env-id".into()),
                ("SAIL_CLIENT_SECRET", "env-secret".into()),
            ]))
            .config_file(&file)
            .client_credentials("explicit-id", "explicit-secret"),
    )
    .unwrap();
    send(&client).await.unwrap();
    let form = &tenant.token_bodies()[0];
    assert!(
        form.contains("client_id=explicit-id") && form.contains("client_secret=explicit-secret"),
        "{form}"
    );

    // Setting by setting: the id from the environment, the secret from the
    // file (to the host the environment names).
    let client = Client::from_builder(
        ClientBuilder::from_env()
            .env_lookup(env_of(&[
                ("SAIL_BASE_URL", tenant.base_url()),
                ("SAIL_CLIENT_ID", "env-id".into()),
            ]))
            .config_file(&file),
    )
    .unwrap();
    send(&client).await.unwrap();
    let form = &tenant.token_bodies()[1];
    assert!(
        form.contains("client_id=env-id") && form.contains("client_secret=file-secret"),
        "{form}"
    );
}

/// The one mix refused: a secret set in the environment (or in code) never
/// goes to a host only `config.json` names.
#[tokio::test]
async fn a_secret_from_the_environment_never_goes_to_the_host_of_config_json() {
    let tenant = FakeTenant::start().await;
    let file = config_file(
        "mix",
        &serde_json::json!({"BaseURL": tenant.base_url()}).to_string(),
    );
    let err = Client::from_builder(
        ClientBuilder::from_env()
            .env_lookup(env_of(&[
                ("SAIL_CLIENT_ID", CLIENT_ID.into()),
                ("SAIL_CLIENT_SECRET", CLIENT_SECRET.into()),
            ]))
            .config_file(&file),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("a secret is sent only to a host set in the same place"),
        "{text}"
    );
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    assert_eq!(tenant.token_requests(), 0);
}

#[tokio::test]
async fn a_missing_or_malformed_setting_names_itself_and_where_it_was_looked_for() {
    let err = Client::from_builder(
        ClientBuilder::from_env()
            .env_lookup(env_of(&[
                ("SAIL_BASE_URL", "https://acme.api.identitynow.com".into()),
                ("SAIL_CLIENT_ID", "id".into()),
            ]))
            .config_file("/nonexistent/config.json"),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Config(_)));
    assert!(
        text.contains("SAIL_CLIENT_SECRET") && text.contains("/nonexistent/config.json"),
        "{text}"
    );

    let file = config_file("malformed", "{ not json");
    let err = Client::from_builder(
        ClientBuilder::from_env()
            .env_lookup(env_of(&[]))
            .config_file(&file),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains(&file.display().to_string()),
        "{err}"
    );
    assert!(err.to_string().contains("not a JSON object"), "{err}");
}

#[tokio::test]
async fn plain_http_is_refused_except_to_loopback() {
    let err = Client::from_builder(
        ClientBuilder::new()
            .base_url("http://acme.api.identitynow.com")
            .client_credentials("id", "secret"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
    let err = Client::from_builder(
        ClientBuilder::new()
            .tenant("acme")
            .client_credentials("id", "secret")
            .token_url("http://evil.example.com/oauth/token"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
    assert!(Client::from_builder(
        ClientBuilder::new()
            .tenant("acme")
            .client_credentials("id", "secret")
    )
    .is_ok());
}

/// `X-SailPoint-Experimental: true` goes with exactly the experimental
/// operations of a client that opted in; without the opt-in such a call is
/// a typed error before any request; a stable operation never carries it.
#[tokio::test]
async fn the_experimental_header_goes_with_experimental_operations_only() {
    let tenant = FakeTenant::start().await;
    let opted_in = Client::from_builder(builder(&tenant).experimental(true)).unwrap();
    send(&opted_in).await.unwrap();
    assert!(!tenant.requests()[0]
        .headers
        .contains_key("x-sailpoint-experimental"));
    tenant.script(Reply::json(200, serde_json::json!({"isRunning": true})));
    opted_in
        .get_ongoing_role_propagation()
        .send()
        .await
        .unwrap();
    let requests = tenant.requests();
    let experimental = requests
        .iter()
        .find(|r| r.path == "/role-propagation/v1/is-running")
        .unwrap();
    assert_eq!(experimental.headers["x-sailpoint-experimental"], "true");

    let before = tenant.requests().len();
    let err = client(&tenant)
        .get_ongoing_role_propagation()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, sailpoint::Error::ExperimentalNotEnabled { operation } if operation == "get_ongoing_role_propagation"),
        "{err}"
    );
    assert!(err.to_string().contains("experimental(true)"), "{err}");
    assert_eq!(tenant.requests().len(), before, "no request went out");
}

// ------------------------------------------------------------------ tokens

#[tokio::test]
async fn the_token_is_cached() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    for _ in 0..3 {
        send(&client).await.unwrap();
    }
    assert_eq!(tenant.token_requests(), 1);
    assert_eq!(tenant.requests().len(), 3);
}

#[tokio::test]
async fn the_token_is_refreshed_before_it_expires() {
    let tenant = FakeTenant::start().await;
    // 2 s tokens are renewed 1 s before they expire.
    tenant.set_token_lifetime(2.0);
    let client = client(&tenant);
    send(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    send(&client).await.unwrap();
    assert_eq!(tenant.token_requests(), 2);
    let requests = tenant.requests();
    assert_eq!(
        requests.len(),
        2,
        "no call was refused for an expired token"
    );
    assert_eq!(requests[1].headers["authorization"], "Bearer tok-2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_calls_in_flight_when_the_token_expires_share_one_refresh() {
    let tenant = FakeTenant::start().await;
    tenant.set_token_lifetime(1.5);
    let client = Arc::new(client(&tenant));
    send(&client).await.unwrap();
    // Renewed 0.75 s before it expires (a tenth of its life, at least 1 s,
    // at most half of it).
    tokio::time::sleep(Duration::from_millis(900)).await;
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { send(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(tenant.token_requests(), 2, "one initial token, one refresh");
    assert_eq!(tenant.requests().len(), 101);
}

/// `expires_in: 1`: fifty calls waiting for a token share one fetch (before,
/// the margin of a second made every token due at once, and each waiting
/// call fetched its own, one after another); the token is renewed after
/// half its life.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_lives_a_second_is_fetched_once_per_expiry_not_per_call() {
    let tenant = FakeTenant::start().await;
    tenant.set_token_lifetime(1.0);
    let client = client(&tenant);
    let results = concurrent_sends(&client, 50).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(tenant.token_requests(), 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let results = concurrent_sends(&client, 50).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        tenant.token_requests(),
        2,
        "renewed once, after half its life"
    );
    assert_eq!(
        tenant.requests().len(),
        100,
        "no call refused for an expired token"
    );
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries_once() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    send(&client).await.unwrap();
    tenant.revoke_tokens();
    send(&client).await.expect("a revoked token is replaced");
    assert_eq!(tenant.token_requests(), 2);
    let requests = tenant.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[2].headers["authorization"], "Bearer tok-2");
}

#[tokio::test]
async fn a_second_401_is_the_error() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    let denied = serde_json::json!({"error": "JWT validation failed: JWT is expired"});
    tenant.script(Reply::json(401, denied.clone()));
    tenant.script(Reply::json(401, denied));
    let err = send(&client).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(tenant.token_requests(), 2);
    assert_eq!(tenant.requests().len(), 2);
}

#[tokio::test]
async fn a_refused_token_request_is_a_typed_error_and_nothing_is_sent() {
    let tenant = FakeTenant::start().await;
    tenant.script_token(Reply::json(
        401,
        serde_json::json!({"error": "invalid_client", "error_description": "Bad credentials"}),
    ));
    let err = send(&client(&tenant)).await.unwrap_err();
    let Error::Auth(AuthError::Rejected {
        status,
        error,
        description,
        ..
    }) = &err
    else {
        panic!("expected a rejected token request, got {err:?}")
    };
    assert_eq!(
        (*status, error.as_str(), description.as_deref()),
        (401, "invalid_client", Some("Bad credentials"))
    );
    assert!(err.to_string().contains("refused the credentials"), "{err}");
    assert!(!err.to_string().contains(CLIENT_SECRET));
    assert!(tenant.requests().is_empty(), "no API call without a token");
}

#[tokio::test]
async fn token_endpoint_failures_say_what_failed() {
    let tenant = FakeTenant::start().await;
    let client =
        Client::from_builder(builder(&tenant).timeout(Duration::from_millis(300))).unwrap();
    tenant.script_token(Reply::status(503).body("upstream down"));
    let err = send(&client).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Auth(AuthError::ServerError { status: 503, .. })
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());

    tenant.script_token(
        Reply::status(200)
            .header("content-type", "text/html")
            .body("<html>login</html>"),
    );
    let err = send(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth(AuthError::InvalidResponse { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("not a JSON token response"),
        "{err}"
    );

    tenant.script_token(Reply::json(
        200,
        serde_json::json!({"token_type": "bearer"}),
    ));
    let err = send(&client).await.unwrap_err();
    assert!(
        err.to_string().contains("`access_token` is missing"),
        "{err}"
    );

    tenant.script_token(
        Reply::json(200, serde_json::json!({"access_token": "x"})).delayed(Duration::from_secs(2)),
    );
    let err = send(&client).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Auth(AuthError::Unreachable { timeout: true, .. })
        ),
        "{err:?}"
    );
    assert!(tenant.requests().is_empty(), "no API call without a token");
}

// ----------------------------------------------------------------- retries

#[tokio::test]
async fn a_429_is_retried_after_retry_after() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    tenant.script(
        Reply::json(429, serde_json::json!({"message": " Rate Limit Exceeded "}))
            .header("Retry-After", "1"),
    );
    let started = Instant::now();
    send(&client).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(tenant.requests().len(), 2);
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_and_retries() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::status(429));
    tenant.script(Reply::status(429));
    send(&client(&tenant)).await.unwrap();
    assert_eq!(tenant.requests().len(), 3);
}

#[tokio::test]
async fn an_empty_or_plain_429_keeps_status_and_retry_after_when_retries_run_out() {
    let tenant = FakeTenant::start().await;
    let client = client(&tenant);
    for _ in 0..4 {
        tenant.script(Reply::status(429).header("Retry-After", "0"));
    }
    let err = send(&client).await.unwrap_err();
    let api = err
        .api()
        .unwrap_or_else(|| panic!("expected an API error, got {err:?}"));
    assert_eq!((api.status, api.retry_after), (429, Some(Duration::ZERO)));
    assert_eq!(api.raw_body, None);
    assert!(api.retryable);
    assert_eq!(
        tenant.requests().len(),
        4,
        "the default strategy makes 4 attempts"
    );

    let client =
        Client::from_builder(builder(&tenant).retry_strategy(RetryStrategy::none())).unwrap();
    tenant.script(
        Reply::status(429)
            .header("Retry-After", "30")
            .header("content-type", "text/plain")
            .body("Too Many Requests"),
    );
    let err = send(&client).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(
        (api.status, api.retry_after),
        (429, Some(Duration::from_secs(30)))
    );
    assert_eq!(api.raw_body.as_deref(), Some("Too Many Requests"));
    assert_eq!(
        err.to_string(),
        "429 Too Many Requests: Too Many Requests (retry after 30s)"
    );
}

#[tokio::test]
async fn a_post_is_not_sent_twice_after_a_5xx() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::json(
        500,
        serde_json::json!({"detailCode": "500.0 Internal Fault", "trackingId": "t1"}),
    ));
    let err = send(&client(&tenant)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        tenant.requests().len(),
        1,
        "the notification may have gone out"
    );
}

#[tokio::test]
async fn a_post_is_not_sent_twice_after_a_timeout_or_a_dropped_connection() {
    let tenant = FakeTenant::start().await;
    let client =
        Client::from_builder(builder(&tenant).timeout(Duration::from_millis(300))).unwrap();
    tenant.script(Reply::status(204).delayed(Duration::from_secs(2)));
    let err = send(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport { timeout: true, .. }),
        "{err:?}"
    );
    assert_eq!(tenant.requests().len(), 1);

    tenant.script(Reply::dropped());
    let err = send(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport { timeout: false, .. }),
        "{err:?}"
    );
    assert_eq!(tenant.requests().len(), 2);
}

#[tokio::test]
async fn retrying_unsafe_methods_can_be_enabled() {
    let tenant = FakeTenant::start().await;
    let client =
        Client::from_builder(builder(&tenant).retry_strategy(fast_retries().retry_unsafe(true)))
            .unwrap();
    tenant.script(Reply::status(502));
    tenant.script(Reply::dropped());
    send(&client).await.unwrap();
    assert_eq!(tenant.requests().len(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_post() {
    // Nothing listens on the port at first; the tenant comes up a little later.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::from_builder(
        ClientBuilder::new()
            .base_url(format!("http://{addr}"))
            .access_token("fixed-token")
            .retry_strategy(
                RetryStrategy::default()
                    .jitter(false)
                    .max_attempts(8)
                    .backoff(Duration::from_millis(50), Duration::from_millis(100)),
            ),
    )
    .unwrap();
    let starting = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(120)).await;
        FakeTenant::start_on(addr).await
    });
    let err = send(&client).await.unwrap_err();
    // The fixed token was never issued by the fake, so it answers 401: the
    // request got through after the refused attempts.
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
    let tenant = starting.await.unwrap();
    let requests = tenant.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers["authorization"], "Bearer fixed-token");
    assert_eq!(
        tenant.token_requests(),
        0,
        "a fixed token is never refreshed"
    );
}

#[tokio::test]
async fn a_user_agent_suffix_is_appended() {
    let tenant = FakeTenant::start().await;
    let client = Client::from_builder(builder(&tenant).user_agent_suffix("my-app/1.2")).unwrap();
    send(&client).await.unwrap();
    let agent = &tenant.requests()[0].headers["user-agent"];
    assert!(
        agent.starts_with("sailpoint/") && agent.ends_with(" my-app/1.2"),
        "{agent}"
    );
}

#[tokio::test]
async fn other_4xx_are_never_retried() {
    let tenant = FakeTenant::start().await;
    for status in [400, 403, 404] {
        tenant.script(Reply::json(status, documented_400()));
    }
    let client = client(&tenant);
    for status in [400, 403, 404] {
        let err = send(&client).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    }
    assert_eq!(tenant.requests().len(), 3);
}

#[tokio::test]
async fn the_authorization_header_does_not_follow_a_redirect_to_another_host() {
    // A redirect to another origin is not followed at all (tests/faults.rs
    // has the whole policy): neither the request nor its token go there.
    let tenant = FakeTenant::start().await;
    let elsewhere = FakeTenant::start().await;
    elsewhere.serve("/send-test-notification/v1", Reply::status(204));
    tenant.script(Reply::status(307).header(
        "location",
        &format!("{}/send-test-notification/v1", elsewhere.base_url()),
    ));
    let err = send(&client(&tenant)).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert_eq!(
        tenant.requests()[0].headers["authorization"],
        "Bearer tok-1"
    );
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
}
