//! What the runtime undoes on the wire for the codegen adaptations
//! (`Quirks`), against a fake tenant on 127.0.0.1.

use fake_tenant::{FakeTenant, Reply};
use sailpoint_runtime::{ClientBuilder, Parts, Quirks};

const QUIRKS: Quirks = Quirks {
    request_content_types: &[
        ("patch_thing", "application/json-patch+json"),
        ("upload_thing", "multipart/form-data"),
    ],
    empty_success_as_null: &["maybe_thing"],
};

fn parts(tenant: &FakeTenant) -> Parts {
    ClientBuilder::new()
        .base_url(tenant.base_url())
        .client_credentials("id", "secret")
        .build_parts("/beta", "quirks-test/0")
        .unwrap()
}

async fn send(parts: &Parts, mut request: reqwest::Request, operation: &str) -> reqwest::Response {
    parts
        .runtime
        .pre::<()>(&mut request, operation, &QUIRKS)
        .await
        .unwrap();
    parts
        .runtime
        .exec(&parts.http, request, operation, &QUIRKS)
        .await
        .unwrap()
}

#[tokio::test]
async fn json_patch_bodies_go_out_with_their_real_content_type() {
    let tenant = FakeTenant::start().await;
    let parts = parts(&tenant);
    let request = parts
        .http
        .patch(format!("{}/things/1", parts.api_base))
        .json(&serde_json::json!([{"op": "replace", "path": "/name", "value": "x"}]))
        .build()
        .unwrap();
    send(&parts, request, "patch_thing").await;
    assert_eq!(
        tenant.requests()[0].headers["content-type"],
        "application/json-patch+json"
    );
    // Other operations keep what the generated code set.
    let request = parts
        .http
        .post(format!("{}/things", parts.api_base))
        .json(&1)
        .build()
        .unwrap();
    send(&parts, request, "create_thing").await;
    assert_eq!(
        tenant.requests()[1].headers["content-type"],
        "application/json"
    );
}

#[tokio::test]
async fn multipart_bodies_get_the_boundary_they_start_with() {
    let tenant = FakeTenant::start().await;
    let parts = parts(&tenant);
    let body = "--XyZ123\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ123--\r\n";
    let request = parts
        .http
        .post(format!("{}/things/upload", parts.api_base))
        .header("content-type", "application/octet-stream")
        .body(body)
        .build()
        .unwrap();
    send(&parts, request, "upload_thing").await;
    let recorded = &tenant.requests()[0];
    assert_eq!(
        recorded.headers["content-type"],
        "multipart/form-data; boundary=XyZ123"
    );
    assert_eq!(recorded.body, body.as_bytes());
}

#[tokio::test]
async fn an_empty_success_reads_as_null_only_where_the_type_is_nullable() {
    let tenant = FakeTenant::start().await;
    let parts = parts(&tenant);
    tenant.script(Reply::status(204));
    let request = parts
        .http
        .get(format!("{}/things/2", parts.api_base))
        .build()
        .unwrap();
    let response = send(&parts, request, "maybe_thing").await;
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), "null");

    tenant.script(Reply::status(204));
    let request = parts
        .http
        .get(format!("{}/things/3", parts.api_base))
        .build()
        .unwrap();
    let response = send(&parts, request, "other_thing").await;
    assert_eq!(response.text().await.unwrap(), "");
}
