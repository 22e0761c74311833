//! Property tests of the client against arbitrary server answers: any
//! status, `Retry-After`, `Content-Length` (true or not), `Location` and
//! body from the API; any `access_token`, `expires_in` and `token_type`
//! from the token endpoint. Whatever the server sends, the call returns
//! (no panic) in bounded time, with a bounded error; no API request goes
//! out without a valid bearer token; the client secret never appears in
//! `Display`, `Debug` or the logs, even when the server echoes it.

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use common::*;
use fake_tenant::{Raw, RawServer};
use proptest::prelude::*;
use sailpoint::{Client, ClientBuilder, RetryStrategy};

/// An answer of the API, as the parts it is built from.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    location: Option<String>,
    /// `None`: the true length; `Some(n)`: declares `n` whatever the body is.
    declared_length: Option<Option<u64>>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn raw(&self) -> Raw {
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(v) = &self.retry_after {
            headers.push(("retry-after", v));
        }
        if let Some(v) = &self.location {
            headers.push(("location", v));
        }
        if let Some(v) = &self.content_type {
            headers.push(("content-type", v));
        }
        let length = match self.declared_length {
            None => Some(self.body.len() as u64),
            Some(declared) => declared,
        };
        let mut bytes = Raw::head_of(self.status, &headers, length);
        bytes.extend_from_slice(&self.body);
        Raw::Bytes(bytes)
    }
}

/// Header text a server might send: numbers of any size, dates, garbage.
fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (0u32..5).prop_map(|n| n.to_string()),
        Just("Thu, 01 Jan 1970 00:00:00 GMT".to_owned()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_owned()),
        Just("-1".to_owned()),
        Just("1.5".to_owned()),
        "[ -~]{0,40}",
    ]
}

fn location() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/send-test-notification/v1".to_owned()),
        Just("/elsewhere".to_owned()),
        Just("http://127.0.0.2:1/x".to_owned()),
        Just("https://evil.example/steal".to_owned()),
        Just("//evil.example/x".to_owned()),
        "[ -~]{0,40}",
    ]
}

/// A body: JSON SailPoint might send, the secret echoed, or bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(documented_400().to_string().into_bytes()),
        Just(format!("echo: client_secret={CLIENT_SECRET}").into_bytes()),
        Just(
            format!(r#"{{"error":"{CLIENT_SECRET}","messages":[{{"text":"{CLIENT_SECRET}"}}]}}"#)
                .into_bytes()
        ),
        Just(b"null".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..512),
    ]
}

fn answer() -> impl Strategy<Value = Answer> {
    (
        prop_oneof![
            Just(200u16),
            Just(204),
            Just(301),
            Just(307),
            Just(400),
            Just(401),
            Just(429),
            Just(503),
            100u16..1000,
        ],
        proptest::option::of(header_text()),
        proptest::option::of(location()),
        proptest::option::of(proptest::option::of(0u64..1024)),
        proptest::option::of(prop_oneof![
            Just("application/json".to_owned()),
            Just("text/html".to_owned()),
            "[ -~]{0,20}",
        ]),
        body(),
    )
        .prop_map(
            |(status, retry_after, location, declared_length, content_type, body)| Answer {
                status,
                retry_after,
                location,
                declared_length,
                content_type,
                body,
            },
        )
}

/// A token response: a JSON object with arbitrary fields, or any bytes.
fn token_body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<u64>().prop_map(|n| serde_json::json!(n)),
        "[ -~]{0,12}".prop_map(|s| serde_json::json!(s)),
        Just(serde_json::json!(null)),
        Just(serde_json::json!(1e300)),
        Just(serde_json::json!(1e19)),
    ];
    let token = prop_oneof![
        "[A-Za-z0-9._~+/=-]{1,40}".prop_map(|s| serde_json::json!(s)),
        "\\PC{0,12}".prop_map(|s| serde_json::json!(s)),
        any::<String>().prop_map(|s| serde_json::json!(s)),
        Just(serde_json::json!(CLIENT_SECRET)),
        Just(serde_json::json!(42)),
    ];
    let kind = prop_oneof![
        Just(serde_json::json!("bearer")),
        Just(serde_json::json!("Bearer")),
        Just(serde_json::json!("mac")),
        Just(serde_json::json!(null)),
    ];
    prop_oneof![
        4 => (token, value, proptest::option::of(kind)).prop_map(|(t, e, k)| {
            let mut o = serde_json::json!({"access_token": t, "expires_in": e});
            if let Some(k) = k {
                o["token_type"] = k;
            }
            o.to_string().into_bytes()
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..256),
    ]
}

/// Logs of every thread of this test binary.
fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(Captured::install_global)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A valid bearer token: what an `Authorization` header may carry.
fn is_valid_bearer(head: &str) -> bool {
    head.lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("authorization")
                .then(|| value.trim().to_owned())
        })
        .and_then(|v| v.strip_prefix("Bearer ").map(str::to_owned))
        .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()))
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_server_answer_gives_a_bounded_result_and_never_leaks_the_secret(
        token in token_body(),
        token_status in prop_oneof![4 => Just(200u16), 1 => 100u16..600],
        answers in proptest::collection::vec(answer(), 1..4),
    ) {
        let logs = logs();
        let rt = runtime();
        rt.block_on(async {
            let server = RawServer::start().await;
            server.script_token(Raw::response(token_status, &[("content-type", "application/json")], token.clone()));
            for a in &answers {
                server.script(a.raw());
            }
            let client = Client::from_builder(
                ClientBuilder::new()
                    .base_url(server.base_url())
                    .client_credentials(CLIENT_ID, CLIENT_SECRET)
                    .timeout(Duration::from_millis(500))
                    .max_error_body_size(256)
                    .retry_strategy(
                        RetryStrategy::default()
                            .backoff(Duration::from_millis(1), Duration::from_millis(5))
                            .max_total_wait(Duration::from_millis(300)),
                    ),
            )
            .unwrap();
            let result = tokio::time::timeout(Duration::from_secs(15), send(&client)).await;
            let result = result.map_err(|_| TestCaseError::fail("the call did not end in bounded time"))?;
            if let Err(e) = &result {
                let shown = format!("{e} {e:?}");
                prop_assert!(!shown.contains(CLIENT_SECRET), "secret shown: {shown}");
                prop_assert!(shown.len() < 8 * 1024, "{} bytes shown", shown.len());
                if let Some(api) = e.api() {
                    prop_assert!(api.raw_body.as_ref().is_none_or(|b| b.len() <= 256 * 4));
                }
            }
            for head in server.api_heads() {
                prop_assert!(is_valid_bearer(&head), "sent without a valid bearer: {head}");
            }
            Ok(())
        })?;
        prop_assert!(!logs.text().contains(CLIENT_SECRET), "secret logged");
    }
}

/// An error status (401 aside: it re-authenticates) and a body of any kind:
/// SailPoint's JSON, JSON of another shape, JSON that is not an object,
/// HTML, a server's own copy of the client's fields, or any bytes.
/// The fields of SailPoint's error bodies (every shape its services use).
const SAILPOINT_FIELDS: &[&str] = &[
    "detailCode",
    "trackingId",
    "messages",
    "causes",
    "error",
    "error_description",
    "message",
    "detailMessage",
    "errorName",
    "errorMessage",
    "statusCode",
    "stackTrace",
    "suppressedExceptions",
];

fn error_answer() -> impl Strategy<Value = (u16, Option<String>, Vec<u8>)> {
    (
        prop_oneof![
            Just(400u16),
            Just(403),
            Just(404),
            Just(429),
            Just(500),
            Just(503),
            (402u16..600).prop_filter("401 re-authenticates", |s| *s != 401),
        ],
        proptest::option::of(prop_oneof![
            Just("application/json".to_owned()),
            Just("text/html".to_owned()),
            "[ -~]{0,20}",
        ]),
        prop_oneof![
            Just(documented_400().to_string().into_bytes()),
            Just(br#"{"messages": "not a list", "trackingId": 7}"#.to_vec()),
            Just(br#"{"messages": [{"localeOrigin": "SOMEWHERE_NEW", "text": "x"}]}"#.to_vec()),
            Just(br#"{"x-sailpoint-raw-body": 12, "x-sailpoint-retry-safe": "yes"}"#.to_vec()),
            Just(b"[1, 2, 3]".to_vec()),
            Just(b"<html><body>502 Bad Gateway</body></html>".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..600),
        ],
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the body of an error answer, the generated code decodes it:
    /// progenitor's own error is `ErrorResponse` (or, for a status the
    /// operation does not document, `UnexpectedResponse`) with the status,
    /// never a failure to parse that loses it; converted, the caller's
    /// error has the status, and the body when it was not SailPoint's JSON.
    #[test]
    fn every_error_answer_keeps_its_status_whatever_its_body(
        (status, content_type, body) in error_answer(),
    ) {
        let rt = runtime();
        rt.block_on(async {
            let server = RawServer::start().await;
            server.script_token(Raw::response(200, &[("content-type", "application/json")], br#"{"access_token":"eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl","expires_in":600}"#.to_vec()));
            let mut headers = Vec::new();
            if let Some(ct) = &content_type {
                headers.push(("content-type", ct.as_str()));
            }
            server.script(Raw::response(status, &headers, body.clone()));
            let client = Client::from_builder(
                ClientBuilder::new()
                    .base_url(server.base_url())
                    .client_credentials(CLIENT_ID, CLIENT_SECRET)
                    .max_error_body_size(512)
                    .retry_strategy(RetryStrategy::none()),
            )
            .unwrap();
            let error = send_expecting_error(&client).await;
            prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{:?}", error);
            let api = error.api().expect("an API error");
            let sailpoints_json = body == documented_400().to_string().into_bytes();
            // A JSON object all of whose fields are SailPoint's error fields
            // is read into the error; anything else is kept as text too.
            let understood = match serde_json::from_slice::<serde_json::Value>(&body) {
                Ok(serde_json::Value::Object(map)) if body.len() <= 512 => {
                    !map.is_empty() && map.keys().all(|k| SAILPOINT_FIELDS.contains(&k.as_str()))
                }
                _ => false,
            };
            if sailpoints_json {
                prop_assert_eq!(api.tracking_id.as_deref(), Some("e7eab60924f64aa284175b9fa3309599"));
                prop_assert!(api.raw_body.is_none());
            } else if !understood && !body.iter().all(u8::is_ascii_whitespace) {
                // Not SailPoint's JSON: the text is kept (cut at the cap).
                let raw = api.raw_body.as_deref().unwrap_or_default();
                let sent = String::from_utf8_lossy(&body).into_owned();
                prop_assert!(sent.starts_with(raw) && raw.len() <= 512, "raw body {raw:?}, sent {sent:?}");
                prop_assert_eq!(api.body_truncated, raw.len() < sent.len());
            }
            // The client's own fields are the client's, never the server's.
            prop_assert!(api.raw_body.as_deref() != Some("12"));
            Ok(())
        })?;
    }
}
