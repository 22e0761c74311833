//! Deprecated operations: an answer with `X-Deprecated: true` keeps the
//! header, and the runtime warns once per operation. Against a fake tenant
//! on 127.0.0.1, with the warnings caught by a subscriber of this test's
//! own (the runtime has no subscriber crate among its dev-dependencies).

use std::sync::{Arc, Mutex};

use fake_tenant::{FakeTenant, Reply};
use sailpoint_runtime::{is_deprecated, ClientBuilder, OperationQuirks, Parts, Quirks};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata};

const QUIRKS: Quirks = Quirks {
    operations: &[OperationQuirks {
        operation: "list_old_things",
        deprecated: true,
        ..OperationQuirks::NONE
    }],
};

/// Every warning, as `field=value` text.
#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<String>>>);

impl Warnings {
    /// The warnings that name `operation`.
    fn naming(&self, operation: &str) -> Vec<String> {
        let needle = format!("operation=\"{operation}\"");
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|w| w.contains(&needle))
            .cloned()
            .collect()
    }
}

struct Text(String);

impl tracing::field::Visit for Text {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl tracing::Subscriber for Warnings {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        if *event.metadata().level() == Level::WARN {
            let mut text = Text(String::new());
            event.record(&mut text);
            self.0.lock().unwrap().push(text.0);
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn parts(tenant: &FakeTenant) -> Parts {
    ClientBuilder::new()
        .base_url(tenant.base_url())
        .client_credentials("id", "secret")
        .build_parts("/beta", "deprecated-test/0", &QUIRKS)
        .unwrap()
}

/// A call as the generated code makes it (`pre`, `exec`), its answer made
/// the `ResponseValue` a generated method returns.
async fn call(
    parts: &Parts,
    operation: &'static str,
) -> progenitor_client::ResponseValue<serde_json::Value> {
    let mut request = parts
        .http
        .get(format!("{}/things", parts.api_base))
        .build()
        .unwrap();
    parts
        .runtime
        .pre::<()>(&mut request, operation)
        .await
        .unwrap();
    let response = parts
        .runtime
        .exec(&parts.http, request, operation)
        .await
        .unwrap();
    sailpoint_runtime::answer::from_response::<_, ()>(response)
        .await
        .unwrap()
}

// One thread (the test's runtime is single-threaded), so the subscriber
// set for it sees every event of the calls.
#[tokio::test]
async fn a_deprecated_answer_keeps_its_header_and_is_warned_about_once() {
    let warnings = Warnings::default();
    let _guard = tracing::subscriber::set_default(warnings.clone());
    let tenant = FakeTenant::start().await;
    let parts = parts(&tenant);
    // The entry says deprecated, and the server says so too; then an
    // operation the table does not know, which the server says is, and
    // one it does not say is.
    for operation in ["list_old_things", "get_old_thing"] {
        for _ in 0..2 {
            tenant.script(Reply::json(200, serde_json::json!([])).header("X-Deprecated", "true"));
            let answer = call(&parts, operation).await;
            assert_eq!(answer.headers()["x-deprecated"], "true");
            assert!(is_deprecated(answer.headers()));
        }
        let warned = warnings.naming(operation);
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].contains("deprecated"), "{}", warned[0]);
        assert!(
            warned[0].contains(&format!("`{operation}`")),
            "{}",
            warned[0]
        );
    }
    tenant.script(Reply::json(200, serde_json::json!([])));
    let answer = call(&parts, "list_things").await;
    assert!(!is_deprecated(answer.headers()));
    assert!(warnings.naming("list_things").is_empty());
}

#[tokio::test]
async fn a_deprecated_error_answer_is_warned_about_too() {
    let warnings = Warnings::default();
    let _guard = tracing::subscriber::set_default(warnings.clone());
    let tenant = FakeTenant::start().await;
    let parts = parts(&tenant);
    let operation = "delete_old_thing";
    for _ in 0..2 {
        tenant.script(
            Reply::json(400, serde_json::json!({"detailCode": "400.0"}))
                .header("x-deprecated", "TRUE"),
        );
        let mut request = parts
            .http
            .delete(format!("{}/things/1", parts.api_base))
            .build()
            .unwrap();
        parts
            .runtime
            .pre::<()>(&mut request, operation)
            .await
            .unwrap();
        let response = parts
            .runtime
            .exec(&parts.http, request, operation)
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        assert!(is_deprecated(response.headers()));
    }
    assert_eq!(warnings.naming(operation).len(), 1);
}
