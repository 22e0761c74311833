//! Experimental operations: `X-SailPoint-Experimental: true` goes with
//! their calls, and only theirs, once the client opts in; without the
//! opt-in their calls fail before anything is sent. Against a fake tenant
//! on 127.0.0.1, and a property over any tables.

use fake_tenant::FakeTenant;
use proptest::prelude::*;
use sailpoint_runtime::{ClientBuilder, Error, OperationQuirks, Parts, Quirks};

const QUIRKS: Quirks = Quirks {
    operations: &[
        entry("create_thing", false, false),
        entry("list_experiments", true, false),
        entry("list_old_experiments", true, true),
        entry("list_old_things", false, true),
    ],
};

const fn entry(operation: &'static str, experimental: bool, deprecated: bool) -> OperationQuirks {
    OperationQuirks {
        operation,
        experimental,
        deprecated,
        ..OperationQuirks::NONE
    }
}

fn parts(tenant: &FakeTenant, experimental: bool) -> Parts {
    ClientBuilder::new()
        .base_url(tenant.base_url())
        .client_credentials("id", "secret")
        .experimental(experimental)
        .build_parts("/beta", "experimental-test/0", &QUIRKS)
        .unwrap()
}

/// A call as the generated code makes it: `pre`, then `exec`.
async fn call(parts: &Parts, operation: &'static str) -> Result<reqwest::Response, Error> {
    let mut request = parts
        .http
        .get(format!("{}/things", parts.api_base))
        .build()
        .unwrap();
    parts
        .runtime
        .pre::<()>(&mut request, operation)
        .await
        .map_err(Error::from)?;
    Ok(parts
        .runtime
        .exec(&parts.http, request, operation)
        .await
        .unwrap())
}

#[tokio::test]
async fn an_experimental_operation_carries_the_header_when_opted_in() {
    let tenant = FakeTenant::start().await;
    let parts = parts(&tenant, true);
    for operation in ["list_experiments", "list_old_experiments"] {
        call(&parts, operation).await.unwrap();
    }
    let requests = tenant.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            request
                .headers
                .get("x-sailpoint-experimental")
                .map(String::as_str),
            Some("true"),
            "{request:?}"
        );
    }
}

#[tokio::test]
async fn a_non_experimental_operation_never_carries_the_header_even_opted_in() {
    let tenant = FakeTenant::start().await;
    for opted_in in [true, false] {
        let parts = parts(&tenant, opted_in);
        // In the table or not, deprecated or not.
        for operation in ["create_thing", "list_old_things", "not_in_the_table"] {
            call(&parts, operation).await.unwrap();
        }
    }
    let requests = tenant.requests();
    assert_eq!(requests.len(), 6);
    for request in &requests {
        assert!(
            !request.headers.contains_key("x-sailpoint-experimental"),
            "{request:?}"
        );
        // The other headers still go.
        assert!(request.headers.contains_key("x-sailpoint-sdk"));
    }
}

#[tokio::test]
async fn an_experimental_operation_without_the_opt_in_fails_before_any_request() {
    let tenant = FakeTenant::start().await;
    let parts = parts(&tenant, false);
    for operation in ["list_experiments", "list_old_experiments"] {
        let error = call(&parts, operation).await.unwrap_err();
        match &error {
            Error::ExperimentalNotEnabled { operation: named } => assert_eq!(named, operation),
            other => panic!("{other:?}"),
        }
        let text = error.to_string();
        assert!(text.starts_with(&format!("`{operation}` is an experimental")));
        assert!(text.contains("ClientBuilder::experimental(true)"), "{text}");
        assert!(!error.is_retryable());
    }
    // Nothing reached the tenant: no call, not even a token request.
    assert_eq!(tenant.token_requests(), 0);
    assert!(tenant.requests().is_empty());
    // The same client calls the others as usual.
    call(&parts, "create_thing").await.unwrap();
    assert_eq!(tenant.token_requests(), 1);
    assert_eq!(tenant.requests().len(), 1);
}

/// The `pre` hook alone, polled once: with a fixed access token it never
/// waits, so what it did is done when it returns.
fn pre_once(parts: &Parts, operation: &'static str) -> (reqwest::Request, Result<(), Error>) {
    use std::future::Future as _;
    use std::task::{Context, Poll, Waker};
    let mut request = parts
        .http
        .get(format!("{}/x", parts.api_base))
        .build()
        .unwrap();
    let outcome = {
        let mut pre = std::pin::pin!(parts.runtime.pre::<()>(&mut request, operation));
        match pre.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(outcome) => outcome.map_err(Error::from),
            Poll::Pending => panic!("`pre` waited with a fixed token"),
        }
    };
    (request, outcome)
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the table (flags at random) and the opt-in, each call
    /// carries the header exactly when its entry is experimental and the
    /// client opted in, and fails (typed, naming the operation) exactly
    /// when its entry is experimental and the client did not; an
    /// operation without an entry is neither.
    #[test]
    fn the_header_and_the_refusal_follow_the_entry_and_the_opt_in(
        flags in proptest::collection::btree_map("[a-f]{1,3}", (any::<bool>(), any::<bool>()), 0..12),
        absent in proptest::collection::vec("[g-h]{1,2}", 0..3),
        opted_in in any::<bool>(),
        rounds in 1usize..3,
    ) {
        // A sorted table, as the generator writes it.
        let entries: Vec<OperationQuirks> = flags
            .iter()
            .map(|(name, (experimental, deprecated))| OperationQuirks {
                operation: Box::leak(name.clone().into_boxed_str()),
                experimental: *experimental,
                deprecated: *deprecated,
                ..OperationQuirks::NONE
            })
            .collect();
        let quirks = leak(Quirks { operations: Box::leak(entries.into_boxed_slice()) });
        let parts = ClientBuilder::new()
            .base_url("http://127.0.0.1:9")
            .access_token("t")
            .experimental(opted_in)
            .build_parts("/beta", "experimental-test/0", quirks)
            .unwrap();
        let calls = quirks
            .operations
            .iter()
            .map(|entry| (entry.operation, entry.experimental))
            .chain(absent.iter().map(|name| (&*Box::leak(name.clone().into_boxed_str()), false)));
        let calls: Vec<(&'static str, bool)> = calls.collect();
        for _ in 0..rounds {
            for &(operation, experimental) in &calls {
                let (request, outcome) = pre_once(&parts, operation);
                let refused = experimental && !opted_in;
                let header = request.headers().get("x-sailpoint-experimental");
                prop_assert_eq!(header.is_some(), experimental && opted_in, "{}", operation);
                if let Some(value) = header {
                    prop_assert_eq!(value, "true");
                }
                match outcome {
                    Ok(()) => {
                        prop_assert!(!refused, "{} was not refused", operation);
                        prop_assert!(request.headers().contains_key("authorization"));
                    }
                    Err(Error::ExperimentalNotEnabled { operation: named }) => {
                        prop_assert!(refused, "{} was refused", operation);
                        prop_assert_eq!(named, operation);
                        // Refused before the token was set.
                        prop_assert!(!request.headers().contains_key("authorization"));
                    }
                    Err(other) => prop_assert!(false, "{}: {:?}", operation, other),
                }
            }
        }
    }
}
