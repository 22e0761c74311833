//! Fault injection: the client against servers that misbehave, each class
//! a test with the outcome a user must get. Servers run on 127.0.0.1: the
//! scriptable fake tenant, and a raw socket server for what no well-behaved
//! HTTP stack sends (lying lengths, hundreds of megabytes, silence).

mod common;

use std::time::{Duration, Instant};

use common::*;
use fake_tenant::{FakeTenant, Raw, RawServer, Reply};
use sailpoint::{AuthError, Client, ClientBuilder, Error, RetryBudget, RetryStrategy};

fn raw_client(server: &RawServer) -> Client {
    Client::from_builder(
        ClientBuilder::new()
            .base_url(server.base_url())
            .client_credentials(CLIENT_ID, CLIENT_SECRET)
            .timeout(Duration::from_secs(5))
            .retry_strategy(fast_retries()),
    )
    .unwrap()
}

fn token_json(body: serde_json::Value) -> Reply {
    Reply::json(200, body)
}

// ------------------------------------------------------- numbers from the server

#[tokio::test]
async fn absurd_token_lifetimes_are_bounded_not_a_panic() {
    for expires_in in [
        serde_json::json!(1e19),
        serde_json::json!(1e300),
        serde_json::json!(-1),
        serde_json::json!("soon"),
        serde_json::json!(18446744073709551615u64),
    ] {
        let tenant = FakeTenant::start().await;
        // The fake honours its own lifetime for validity; the client's
        // reading of `expires_in` is what is under test.
        tenant.script_token(token_json(serde_json::json!({
            "access_token": "tok-1", "token_type": "bearer", "expires_in": expires_in
        })));
        tenant.set_token_lifetime(300.0);
        // Register tok-1 as issued by letting the fake issue it first.
        let client = client(&tenant);
        let result = send(&client).await;
        // tok-1 was scripted, not issued: the fake answers 401, the client
        // refreshes once and the next (issued) token works.
        assert!(result.is_ok(), "{expires_in}: {result:?}");
    }
}

#[tokio::test]
async fn a_retry_after_of_u64_max_ends_the_call_with_the_wait_not_a_panic() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::status(429).header("retry-after", "1"));
    tenant.script(Reply::status(429).header("retry-after", "18446744073709551615"));
    let client = Client::from_builder(
        builder(&tenant).retry_strategy(fast_retries().max_total_wait(Duration::from_secs(5))),
    )
    .unwrap();
    let started = Instant::now();
    let err = send(&client).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    let api = err.api().expect("the 429");
    assert_eq!(api.status, 429);
    assert_eq!(api.retry_after, Some(Duration::from_secs(u64::MAX)));
    assert_eq!(tenant.requests().len(), 2);
}

#[tokio::test]
async fn a_retry_after_in_the_past_still_waits_the_backoff() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::status(429).header("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT"));
    let client = Client::from_builder(
        builder(&tenant).retry_strategy(
            RetryStrategy::default()
                .backoff(Duration::from_millis(300), Duration::from_secs(1))
                .jitter(false),
        ),
    )
    .unwrap();
    let started = Instant::now();
    send(&client).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

// ------------------------------------------------------- where secrets go

#[tokio::test]
async fn a_token_endpoint_redirect_is_never_followed() {
    let tenant = FakeTenant::start().await;
    let elsewhere = FakeTenant::start().await;
    tenant.script_token(Reply::status(307).header(
        "location",
        &format!("{}/oauth/token?x=1", elsewhere.base_url()),
    ));
    let err = send(&client(&tenant)).await.unwrap_err();
    match &err {
        Error::Auth(AuthError::Redirected {
            status, location, ..
        }) => {
            assert_eq!(*status, 307);
            assert_eq!(
                location.as_deref(),
                Some(format!("{}/oauth/token", elsewhere.base_url()).as_str())
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(elsewhere.token_requests(), 0, "the secret went elsewhere");
    assert!(
        tenant.requests().is_empty(),
        "no API request without a token"
    );
}

#[tokio::test]
async fn base_urls_and_tenants_that_would_send_the_secret_elsewhere_are_refused() {
    let tenant = FakeTenant::start().await;
    let base = tenant.base_url();
    for (url, says) in [
        (format!("{base}?next=/evil"), "query or a fragment"),
        (format!("{base}/#frag"), "fragment"),
        (format!("{base}/v3"), "the path `/v3`"),
        (format!("{base}/beta/extra"), "the path `/beta/extra`"),
    ] {
        let err = Client::from_builder(builder(&tenant).base_url(&url)).unwrap_err();
        assert!(err.to_string().contains(says), "{url}: {err}");
    }
    for bad in ["evil.example/#", "x@evil.example", "a.b", "", "-x", "a b"] {
        let err = Client::from_builder(builder(&tenant).base_url("").tenant(bad)).unwrap_err();
        assert!(
            err.to_string().contains("not a tenant name"),
            "{bad}: {err}"
        );
    }
    let ok = ClientBuilder::new()
        .tenant("Acme-sb")
        .client_credentials("id", "secret")
        .build_parts("/beta", "t/0", &sailpoint_runtime::Quirks::NONE)
        .unwrap();
    assert_eq!(ok.api_base, "https://acme-sb.api.identitynow.com/beta");
    assert_eq!(tenant.token_requests(), 0);
}

#[tokio::test]
async fn credentials_in_a_base_url_are_refused_and_never_shown() {
    let password = "pa55-in-url";
    let url = format!("https://user:{password}@acme.api.identitynow.com");
    let builder = ClientBuilder::new()
        .base_url(&url)
        .client_credentials("id", "secret");
    let debug = format!("{builder:?}");
    let err = Client::from_builder(builder).unwrap_err();
    let shown = format!("{err} {err:?} {debug}");
    assert!(err.to_string().contains("credentials"), "{err}");
    assert!(!shown.contains(password), "{shown}");
}

#[tokio::test]
async fn a_token_a_header_cannot_carry_is_an_error_and_nothing_is_sent() {
    let tenant = FakeTenant::start().await;
    for token in ["tok\u{1}en", "tok\nen", "tök", " "] {
        tenant.script_token(token_json(serde_json::json!({"access_token": token})));
        let err = send(&client(&tenant)).await.unwrap_err();
        assert!(
            matches!(err, Error::Auth(AuthError::InvalidResponse { .. })),
            "{token:?}: {err:?}"
        );
    }
    assert!(tenant.requests().is_empty(), "{:?}", tenant.requests());
    // A fixed token is checked when the client is built.
    let err = Client::from_builder(
        ClientBuilder::new()
            .base_url(tenant.base_url())
            .access_token("a\u{7f}b"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("access token"), "{err}");
}

#[tokio::test]
async fn a_token_type_other_than_bearer_is_refused() {
    let tenant = FakeTenant::start().await;
    tenant.script_token(token_json(
        serde_json::json!({"access_token": "t", "token_type": "mac"}),
    ));
    let err = send(&client(&tenant)).await.unwrap_err();
    assert!(err.to_string().contains("token_type"), "{err}");
    assert!(tenant.requests().is_empty());
}

#[tokio::test]
async fn echoed_secrets_are_redacted_from_errors() {
    let tenant = FakeTenant::start().await;
    // The token endpoint echoes the form, in every status family.
    let form = format!(
        "grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    );
    for (reply, body_shown) in [
        (Reply::status(400).body(form.clone()), true),
        (
            Reply::json(
                401,
                serde_json::json!({"error": "invalid_client", "error_description": form}),
            ),
            true,
        ),
        (Reply::status(503).body(form.clone()), true),
        (Reply::status(200).body(format!("not json: {form}")), false),
    ] {
        tenant.script_token(reply);
        let err = send(&client(&tenant)).await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(CLIENT_SECRET), "{shown}");
        assert_eq!(shown.contains("[redacted]"), body_shown, "{shown}");
    }
    // A secret that the error-body cap would cut in two is still removed.
    let cut = Client::from_builder(builder(&tenant).max_error_body_size(40)).unwrap();
    tenant.script(Reply::status(400).body(format!("{}{CLIENT_SECRET} and more", "x".repeat(30))));
    let err = send(&cut).await.unwrap_err();
    let raw = err
        .api()
        .and_then(|a| a.raw_body.clone())
        .unwrap_or_default();
    assert_eq!(raw.len(), 40, "{raw}");
    assert!(!raw.contains(&CLIENT_SECRET[..8]), "{raw}");
    assert!(err.api().unwrap().body_truncated);
    // The API echoes the bearer token it was sent.
    tenant.script(Reply::status(400).body("you sent Authorization: Bearer tok-6"));
    let err = send(&client(&tenant)).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    let sent = tenant.requests().last().unwrap().headers["authorization"].clone();
    assert_eq!(
        sent, "Bearer tok-6",
        "the body echoes the token that was sent"
    );
    assert!(!shown.contains("tok-6"), "{shown}");
}

// ------------------------------------------------------- redirects

#[tokio::test]
async fn a_post_redirected_with_301_is_an_error_not_the_get_s_success() {
    let tenant = FakeTenant::start().await;
    tenant.serve("/moved", Reply::status(204));
    for status in [301, 302, 303] {
        tenant.script(Reply::status(status).header("location", "/moved"));
        let err = send(&client(&tenant)).await.unwrap_err();
        match &err {
            Error::Redirect {
                status: s, reason, ..
            } => {
                assert_eq!(s.as_u16(), status);
                assert!(reason.contains("change the method"), "{reason}");
            }
            other => panic!("{status}: {other:?}"),
        }
    }
    assert!(
        tenant.requests().iter().all(|r| r.path != "/moved"),
        "the redirect was followed"
    );
}

#[tokio::test]
async fn redirects_to_another_origin_are_errors_and_nothing_goes_there() {
    let tenant = FakeTenant::start().await;
    let elsewhere = FakeTenant::start().await;
    elsewhere.serve("/send-test-notification/v1", Reply::status(204));
    for status in [307, 308] {
        tenant.script(Reply::status(status).header(
            "location",
            &format!("{}/send-test-notification/v1", elsewhere.base_url()),
        ));
        let err = send(&client(&tenant)).await.unwrap_err();
        assert!(
            matches!(&err, Error::Redirect { reason, .. } if reason.contains("another origin")),
            "{err:?}"
        );
    }
    assert!(elsewhere.requests().is_empty());
}

#[tokio::test]
async fn a_same_origin_307_is_followed_with_the_body_and_token() {
    let tenant = FakeTenant::start().await;
    tenant.serve("/send-test-notification/v2", Reply::status(204));
    tenant.script(Reply::status(307).header("location", "/send-test-notification/v2"));
    send(&client(&tenant)).await.unwrap();
    let requests = tenant.requests();
    let followed = requests.last().unwrap();
    assert_eq!(followed.path, "/send-test-notification/v2");
    assert_eq!(followed.method, "POST");
    assert_eq!(
        followed.json(),
        serde_json::to_value(example_body()).unwrap()
    );
    assert_eq!(followed.headers["authorization"], "Bearer tok-1");
}

#[tokio::test]
async fn a_redirect_loop_ends() {
    let tenant = FakeTenant::start().await;
    tenant.serve("/loop", Reply::status(307).header("location", "/loop"));
    tenant.script(Reply::status(307).header("location", "/loop"));
    let err = send(&client(&tenant)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { reason, .. } if reason.contains("redirects")),
        "{err:?}"
    );
}

// ------------------------------------------------------- token endpoint failures

#[tokio::test]
async fn a_hanging_token_endpoint_costs_every_waiting_caller_one_timeout_not_one_each() {
    let tenant = FakeTenant::start().await;
    tenant.script_token(Reply::status(200).delayed(Duration::from_secs(30)));
    let client =
        Client::from_builder(builder(&tenant).timeout(Duration::from_millis(400))).unwrap();
    let started = Instant::now();
    for result in concurrent_sends(&client, 10).await {
        let err = result.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Auth(AuthError::Unreachable { timeout: true, .. })
            ),
            "{err:?}"
        );
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_millis(1600),
        "the last caller waited {elapsed:?}"
    );
    assert_eq!(tenant.token_requests(), 1);
    // The failure is not cached: the next call asks again.
    send(&client).await.unwrap();
}

// ------------------------------------------------------- success and retries

#[tokio::test]
async fn a_200_with_a_body_where_204_is_documented_is_success() {
    let tenant = FakeTenant::start().await;
    tenant.script(Reply::json(200, serde_json::json!({"sent": true})));
    send(&client(&tenant)).await.unwrap();
    tenant.script(Reply::status(202));
    send(&client(&tenant)).await.unwrap();
}

#[tokio::test]
async fn a_429_storm_is_bounded_by_the_client_wide_budget() {
    let tenant = FakeTenant::start().await;
    tenant.answer_by_default(Reply::status(429).header("retry-after", "0"));
    let budget = RetryBudget::default();
    let client = Client::from_builder(
        builder(&tenant).retry_strategy(fast_retries().budget(Some(budget.clone()))),
    )
    .unwrap();
    for result in concurrent_sends(&client, 200).await {
        let err = result.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
        assert!(err.is_retryable(), "a 429 is safe to retry later");
    }
    let sent = tenant.requests().len();
    let bound = 200 + (budget.capacity / budget.retry_cost) as usize;
    assert!(sent <= bound, "{sent} requests, the budget allows {bound}");
    assert!(sent > 200, "some retries happen: {sent}");
}

#[tokio::test]
async fn is_retryable_says_whether_repeating_this_call_is_safe() {
    let tenant = FakeTenant::start().await;
    // A POST answered 503 may have been carried out.
    tenant.script(Reply::status(503));
    let err = send(&client(&tenant)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(!err.is_retryable(), "{err:?}");
    // A POST that timed out, likewise.
    tenant.script(Reply::status(204).delayed(Duration::from_secs(3)));
    let client =
        Client::from_builder(builder(&tenant).timeout(Duration::from_millis(300))).unwrap();
    let err = send(&client).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { timeout: true, .. }),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    // Unless the caller said POSTs may be repeated.
    tenant.script(Reply::status(503));
    tenant.script(Reply::status(503));
    tenant.script(Reply::status(503));
    tenant.script(Reply::status(503));
    let client =
        Client::from_builder(builder(&tenant).retry_strategy(fast_retries().retry_unsafe(true)))
            .unwrap();
    let err = send(&client).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    // A POST that never left is safe.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::from_builder(
        ClientBuilder::new()
            .base_url(format!("http://127.0.0.1:{port}"))
            .access_token("t")
            .retry_strategy(RetryStrategy::none()),
    )
    .unwrap();
    let err = send(&client).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { .. }) && err.is_retryable(),
        "{err:?}"
    );
}

// ------------------------------------------------------- bodies

#[tokio::test]
async fn a_huge_error_body_is_read_up_to_the_cap_and_shown_short() {
    let server = RawServer::start().await;
    let len = 50 * 1024 * 1024;
    server.script(Raw::Stream {
        head: Raw::head_of(500, &[("content-type", "text/html")], Some(len)),
        len,
        fill: b'x',
    });
    let err = send(&raw_client(&server)).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 500);
    assert!(api.body_truncated);
    assert_eq!(api.raw_body.as_ref().map(String::len), Some(1024 * 1024));
    let shown = err.to_string();
    assert!(shown.len() < 2048, "{} bytes of Display", shown.len());
    assert!(shown.contains("cut at the error-body cap"), "{shown}");
}

#[tokio::test]
async fn a_success_body_over_the_cap_is_an_error_declared_or_not() {
    for declared in [true, false] {
        let server = RawServer::start().await;
        let len = 3 * 1024 * 1024;
        server.script(Raw::Stream {
            head: Raw::head_of(
                200,
                &[("content-type", "application/json")],
                declared.then_some(len),
            ),
            len,
            fill: b' ',
        });
        let client = Client::from_builder(
            ClientBuilder::new()
                .base_url(server.base_url())
                .client_credentials(CLIENT_ID, CLIENT_SECRET)
                .max_body_size(1024 * 1024),
        )
        .unwrap();
        // The only operation documents 204; a 200 is read as it, so its
        // body is never read by the generated code. Read it through the
        // runtime's cap: a declared length over the cap is refused at once.
        let result = send(&client).await;
        if declared {
            let err = result.unwrap_err();
            assert!(
                matches!(err, Error::ResponseTooLarge { limit: 1048576, .. }),
                "{err:?}"
            );
        } else {
            assert!(result.is_ok(), "an unread body costs nothing: {result:?}");
        }
    }
}

#[tokio::test]
async fn lying_lengths_garbage_and_silence_are_errors_in_bounded_time() {
    let cases: Vec<(&str, Raw)> = vec![
        (
            "declares more than it sends",
            Raw::Bytes(b"HTTP/1.1 400 Bad\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"a\":".to_vec()),
        ),
        (
            "sends more than it declares",
            Raw::Bytes(b"HTTP/1.1 400 Bad\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}garbage-after".to_vec()),
        ),
        ("not HTTP at all", Raw::Bytes(b"SSH-2.0-OpenSSH\r\n".to_vec())),
        ("nothing", Raw::Bytes(Vec::new())),
        ("silence", Raw::Hang),
        (
            "a trickle slower than the timeout",
            Raw::Trickle {
                head: Raw::head_of(400, &[], Some(50)),
                body: vec![b'x'; 50],
                pause: Duration::from_millis(100),
            },
        ),
        (
            "a header that is not valid",
            Raw::Bytes(b"HTTP/1.1 429 Slow\r\nretry-after: \xff\xfe\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec()),
        ),
    ];
    for (what, raw) in cases {
        let server = RawServer::start().await;
        server.answer_by_default(raw);
        let client = Client::from_builder(
            ClientBuilder::new()
                .base_url(server.base_url())
                .client_credentials(CLIENT_ID, CLIENT_SECRET)
                .timeout(Duration::from_millis(800))
                .retry_strategy(fast_retries()),
        )
        .unwrap();
        let started = Instant::now();
        let result = send(&client).await;
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_secs(5), "{what}: {elapsed:?}");
        // A 400 whose declared body is cut short, or which goes on past
        // its length, still has its status; anything else is an error.
        match result {
            Ok(()) => panic!("{what}: reported success"),
            Err(e) => {
                let shown = format!("{e} {e:?}");
                assert!(!shown.contains(CLIENT_SECRET), "{what}: {shown}");
            }
        }
    }
}

// ------------------------------------------------------- configuration

#[tokio::test]
async fn a_broken_config_json_does_not_break_a_complete_environment() {
    let tenant = FakeTenant::start().await;
    let broken = config_file("faults-broken", "{ this is not json");
    let env = env_of(&[
        ("SAIL_BASE_URL", tenant.base_url()),
        ("SAIL_CLIENT_ID", CLIENT_ID.into()),
        ("SAIL_CLIENT_SECRET", CLIENT_SECRET.into()),
    ]);
    let client = Client::from_builder(
        ClientBuilder::from_env()
            .env_lookup(env)
            .config_file(&broken)
            .retry_strategy(fast_retries()),
    )
    .unwrap();
    send(&client).await.unwrap();
    // When the file is needed, its problem is the error, naming it.
    let err = Client::from_builder(
        ClientBuilder::from_env()
            .env_lookup(env_of(&[("SAIL_BASE_URL", tenant.base_url())]))
            .config_file(&broken),
    )
    .unwrap_err();
    assert!(err.to_string().contains("config.json"), "{err}");
}

#[tokio::test]
async fn wrong_keys_wrong_types_and_blank_credentials_name_what_is_expected() {
    let tenant = FakeTenant::start().await;
    let base = tenant.base_url();
    let cases = [
        (
            r#"{"BaseURL": 12, "ClientId": "a", "ClientSecret": "b"}"#.to_owned(),
            "`BaseURL` must be a string, but it is a number",
        ),
        (
            format!(r#"{{"BaseURL": "{base}", "ClientID": "a", "ClientSecret": "b"}}"#),
            "the file has `ClientID`, but the key is `ClientId`",
        ),
        (
            format!(r#"{{"BaseURL": "{base}", "ClientId": "  ", "ClientSecret": "b"}}"#),
            "SAIL_CLIENT_ID: is blank",
        ),
        (
            format!(r#"{{"BaseURL": "{base}", "ClientId": "a", "ClientSecret": " "}}"#),
            "SAIL_CLIENT_SECRET: is blank",
        ),
    ];
    for (i, (text, says)) in cases.iter().enumerate() {
        let path = config_file(&format!("faults-keys{i}"), text);
        let err = Client::from_builder(
            ClientBuilder::from_env()
                .env_lookup(|_| None)
                .config_file(&path),
        )
        .unwrap_err();
        assert!(err.to_string().contains(says), "{text}: {err}");
    }
    let err = Client::from_builder(builder(&tenant).client_credentials("", "x")).unwrap_err();
    assert!(err.to_string().contains("blank"), "{err}");
}
