//! Corporate networks: a proxy from the environment (`HTTPS_PROXY`,
//! `NO_PROXY`) or the builder, and a certificate authority of one's own
//! (`SAIL_CA_BUNDLE`, `ClientBuilder::ca_bundle`). Against a fake tenant
//! that speaks TLS with a CA made for the test, and a CONNECT proxy, both
//! on 127.0.0.1.

use std::path::PathBuf;

use fake_tenant::{ConnectProxy, FakeTenant};
use sailpoint_runtime::{AuthError, ClientBuilder, Error, Parts, Quirks};

/// One call through the runtime's hooks: its status, or the error.
async fn call(parts: &Parts) -> Result<u16, Error> {
    let mut request = parts
        .http
        .get(format!("{}/accounts/v1", parts.api_base))
        .build()
        .unwrap();
    parts
        .runtime
        .pre::<()>(&mut request, "list_accounts")
        .await
        .map_err(Error::from)?;
    let result = parts
        .runtime
        .exec(&parts.http, request, "list_accounts")
        .await;
    parts.runtime.post::<()>(&result).map_err(Error::from)?;
    Ok(result.map_err(Error::from)?.status().as_u16())
}

fn build(builder: ClientBuilder) -> Result<Parts, sailpoint_runtime::ConfigError> {
    builder
        .rate_limit(None)
        .build_parts("", "t/0", &Quirks::NONE)
}

/// `text` in a file of its own.
fn file(name: &str, text: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sailpoint-net-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("file.pem");
    std::fs::write(&path, text).unwrap();
    path
}

/// An environment of `pairs`, nothing else.
fn env(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> + Send + Sync {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

#[tokio::test]
async fn a_tenant_signed_by_a_private_ca_is_reached_with_its_bundle_and_only_so() {
    let tenant = FakeTenant::start_tls().await;
    let bundle = file("ca", tenant.ca_pem().unwrap().as_bytes());
    let with = |b: ClientBuilder| {
        b.base_url(tenant.base_url())
            .client_credentials("id", "secret")
    };
    // By setting.
    let parts = build(with(ClientBuilder::new()).ca_bundle(&bundle)).unwrap();
    assert_eq!(call(&parts).await.unwrap(), 204);
    // By SAIL_CA_BUNDLE.
    let parts = build(with(
        ClientBuilder::from_env()
            .env_lookup(env(vec![("SAIL_CA_BUNDLE", bundle.display().to_string())])),
    ))
    .unwrap();
    assert_eq!(call(&parts).await.unwrap(), 204);
    assert_eq!(tenant.token_requests(), 2);
    // Without it, the tenant's certificate is refused: no token, no call.
    let parts = build(with(ClientBuilder::new())).unwrap();
    match call(&parts).await {
        Err(Error::Auth(AuthError::Unreachable { message, .. })) => {
            assert!(message.contains("certificate"), "{message}");
        }
        other => panic!("expected the certificate refused, got {other:?}"),
    }
    assert_eq!(tenant.token_requests(), 2);
    assert_eq!(tenant.requests().len(), 2);
}

#[tokio::test]
async fn a_ca_bundle_that_is_not_one_is_an_error_naming_it() {
    for (name, text, says) in [
        ("empty", &b""[..], "has no certificate in it"),
        (
            "text",
            &b"not a certificate\n"[..],
            "has no certificate in it",
        ),
        (
            "broken",
            &b"-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n"[..],
            "is not a PEM file of certificates",
        ),
    ] {
        let path = file(name, text);
        let err = build(
            ClientBuilder::new()
                .base_url("https://acme.api.identitynow.com")
                .client_credentials("id", "secret")
                .ca_bundle(&path),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains(&path.display().to_string()), "{name}: {err}");
    }
    #[cfg(unix)]
    {
        let err = build(
            ClientBuilder::new()
                .base_url("https://acme.api.identitynow.com")
                .client_credentials("id", "secret")
                .ca_bundle("/dev/zero"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("is not a regular file (a device)"), "{err}");
    }
}

#[tokio::test]
async fn https_proxy_from_the_environment_carries_tokens_and_calls_and_no_proxy_bypasses_it() {
    let tenant = FakeTenant::start_tls().await;
    let proxy = ConnectProxy::start().await;
    let bundle = file("proxy-ca", tenant.ca_pem().unwrap().as_bytes());
    let host = tenant.base_url().trim_start_matches("https://").to_owned();
    let builder = |extra: Vec<(&'static str, String)>| {
        let mut vars = vec![
            ("SAIL_BASE_URL", tenant.base_url()),
            ("SAIL_CLIENT_ID", "id".to_owned()),
            ("SAIL_CLIENT_SECRET", "secret".to_owned()),
            ("SAIL_CA_BUNDLE", bundle.display().to_string()),
        ];
        vars.extend(extra);
        ClientBuilder::from_env()
            .env_lookup(env(vars))
            .config_file("/nonexistent/config.json")
    };
    let parts = build(builder(vec![("HTTPS_PROXY", proxy.url())])).unwrap();
    assert_eq!(call(&parts).await.unwrap(), 204);
    let tunnels = proxy.connects();
    assert!(
        !tunnels.is_empty() && tunnels.iter().all(|t| *t == host),
        "{tunnels:?}"
    );
    assert_eq!(
        tenant.token_requests(),
        1,
        "the token request went through it too"
    );

    // Lower case, as many tools write it.
    let before = proxy.connects().len();
    let parts = build(builder(vec![("https_proxy", proxy.url())])).unwrap();
    assert_eq!(call(&parts).await.unwrap(), 204);
    assert!(proxy.connects().len() > before);

    // NO_PROXY names the host: straight there.
    let before = proxy.connects().len();
    let parts = build(builder(vec![
        ("HTTPS_PROXY", proxy.url()),
        ("NO_PROXY", "localhost,127.0.0.1".to_owned()),
    ]))
    .unwrap();
    assert_eq!(call(&parts).await.unwrap(), 204);
    assert_eq!(
        proxy.connects().len(),
        before,
        "NO_PROXY: not through the proxy"
    );

    // A client built with `new` reads no environment: no proxy unless set.
    let plain = || {
        ClientBuilder::new()
            .base_url(tenant.base_url())
            .client_credentials("id", "secret")
            .ca_bundle(&bundle)
    };
    let parts = build(plain()).unwrap();
    assert_eq!(call(&parts).await.unwrap(), 204);
    assert_eq!(proxy.connects().len(), before);
    let parts = build(plain().proxy(proxy.url())).unwrap();
    assert_eq!(call(&parts).await.unwrap(), 204);
    assert!(proxy.connects().len() > before, "the builder's proxy");
}

#[tokio::test]
async fn a_proxy_url_that_is_not_one_is_an_error_that_never_shows_its_password() {
    let builder = ClientBuilder::new()
        .base_url("https://acme.api.identitynow.com")
        .client_credentials("id", "secret")
        .proxy("http://user:pa55word@proxy.corp:3128");
    assert!(!format!("{builder:?}").contains("pa55word"));
    let err = build(
        ClientBuilder::from_env()
            .env_lookup(env(vec![
                ("SAIL_BASE_URL", "https://acme.api.identitynow.com".into()),
                ("SAIL_CLIENT_ID", "id".into()),
                ("SAIL_CLIENT_SECRET", "secret".into()),
                ("HTTPS_PROXY", "http://user:pa55word@[not a host".into()),
            ]))
            .config_file("/nonexistent/config.json"),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("is not a proxy URL"), "{err}");
    assert!(err.contains("HTTPS_PROXY"), "{err}");
    assert!(!err.contains("pa55word"), "{err}");
}
