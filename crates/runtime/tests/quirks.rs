//! What the runtime undoes on the wire for the codegen adaptations
//! (`Quirks`), against a fake tenant on 127.0.0.1.

use fake_tenant::{FakeTenant, Reply};
use sailpoint_runtime::{ClientBuilder, OperationQuirks, Parts, Quirks};

const QUIRKS: Quirks = Quirks {
    operations: &[
        entry("get_thing", None, false, &[200, 201]),
        entry("maybe_thing", None, true, &[200, 204]),
        entry("notify_thing", None, false, &[204]),
        entry(
            "patch_thing",
            Some("application/json-patch+json"),
            false,
            &[],
        ),
        entry("upload_thing", Some("multipart/form-data"), false, &[]),
    ],
};

const fn entry(
    operation: &'static str,
    request_content_type: Option<&'static str>,
    empty_success_as_null: bool,
    success_statuses: &'static [u16],
) -> OperationQuirks {
    OperationQuirks {
        operation,
        request_content_type,
        empty_success_as_null,
        success_statuses,
        error_body_decodes: None,
        experimental: false,
        deprecated: false,
    }
}

fn parts(tenant: &FakeTenant) -> Parts {
    ClientBuilder::new()
        .base_url(tenant.base_url())
        .client_credentials("id", "secret")
        .build_parts("/beta", "quirks-test/0", &QUIRKS)
        .unwrap()
}

async fn send(
    parts: &Parts,
    mut request: reqwest::Request,
    operation: &'static str,
) -> reqwest::Response {
    parts
        .runtime
        .pre::<()>(&mut request, operation)
        .await
        .unwrap();
    parts
        .runtime
        .exec(&parts.http, request, operation)
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

#[tokio::test]
async fn an_undocumented_2xx_is_success_read_as_the_documented_one() {
    let tenant = FakeTenant::start().await;
    let parts = parts(&tenant);
    let get = |path: &str| {
        parts
            .http
            .get(format!("{}/{path}", parts.api_base))
            .build()
            .unwrap()
    };
    // Documents only 204; the server says 200 with a body.
    tenant.script(Reply::json(200, serde_json::json!({"accepted": true})));
    let response = send(&parts, get("notify"), "notify_thing").await;
    assert_eq!(response.status(), 204);
    // Documents 200 and 201; the server says 202: read as the first.
    tenant.script(Reply::json(202, serde_json::json!({"id": "1"})));
    let response = send(&parts, get("things/1"), "get_thing").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"id":"1"}"#);
    // An empty 2xx goes to the documented 204 where there is one.
    tenant.script(Reply::status(202));
    let response = send(&parts, get("things/2"), "maybe_thing").await;
    assert_eq!(response.status(), 204);
    // A documented status, and an operation the table does not know, are left alone.
    tenant.script(Reply::json(201, serde_json::json!({})));
    assert_eq!(
        send(&parts, get("things/3"), "get_thing").await.status(),
        201
    );
    tenant.script(Reply::status(202));
    assert_eq!(send(&parts, get("x"), "unknown_thing").await.status(), 202);
}

#[tokio::test]
async fn a_success_body_of_unknown_length_over_the_cap_fails_reading_with_the_cap() {
    let server = fake_tenant::RawServer::start().await;
    let len = 300 * 1024;
    server.script(fake_tenant::Raw::Stream {
        head: fake_tenant::Raw::head_of(200, &[("content-type", "application/json")], None),
        len,
        fill: b' ',
    });
    let parts = ClientBuilder::new()
        .base_url(server.base_url())
        .client_credentials("id", "secret")
        .max_body_size(64 * 1024)
        .build_parts("/beta", "quirks-test/0", &QUIRKS)
        .unwrap();
    let request = parts
        .http
        .get(format!("{}/things", parts.api_base))
        .build()
        .unwrap();
    let response = send(&parts, request, "get_thing").await;
    let read = response.bytes().await.unwrap_err();
    let error =
        sailpoint_runtime::Error::from(progenitor_client::Error::<()>::ResponseBodyError(read));
    assert!(
        matches!(
            error,
            sailpoint_runtime::Error::ResponseTooLarge { limit: 65536, .. }
        ),
        "{error:?}"
    );
}
