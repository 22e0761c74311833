//! Building a client: explicit settings, then SailPoint's environment
//! variables, then SailPoint's `config.json`.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::error::{printable_url, ConfigError};
use crate::hooks::{Quirks, Runtime, RuntimeInner};
use crate::retry::{Bucket, RetryStrategy};
use crate::secret::Secret;
use crate::token::{Token, TokenCache, TokenSource};

/// The environment variable with the API host, e.g. `https://acme.api.identitynow.com`.
pub const ENV_BASE_URL: &str = "SAIL_BASE_URL";
/// The environment variable with the OAuth2 client id (or personal access token id).
pub const ENV_CLIENT_ID: &str = "SAIL_CLIENT_ID";
/// The environment variable with the OAuth2 client secret (or personal access token secret).
pub const ENV_CLIENT_SECRET: &str = "SAIL_CLIENT_SECRET";
/// The file SailPoint's SDKs read when the environment has no settings.
pub const CONFIG_FILE: &str = "config.json";

/// The default cap on a success body: 64 MiB.
pub const DEFAULT_MAX_BODY: u64 = 64 * 1024 * 1024;
/// The default cap on an error body: 1 MiB.
pub const DEFAULT_MAX_ERROR_BODY: usize = 1024 * 1024;

type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Settings for a SailPoint client. Build one with [`ClientBuilder::new`]
/// (explicit settings only) or [`ClientBuilder::from_env`] (explicit, then
/// `SAIL_*` environment variables, then `./config.json`), and hand it to the
/// client crate's `Client::from_builder`.
///
/// ```
/// use std::time::Duration;
/// use sailpoint_runtime::{ClientBuilder, RetryStrategy};
///
/// let builder = ClientBuilder::from_env()
///     .tenant("acme") // https://acme.api.identitynow.com
///     .client_credentials("my-client-id", "my-client-secret")
///     .timeout(Duration::from_secs(20))
///     .retry_strategy(RetryStrategy::default().max_attempts(6))
///     .max_error_body_size(64 * 1024)
///     .user_agent_suffix("my-app/1.0");
/// // Secrets never show.
/// assert!(!format!("{builder:?}").contains("my-client-secret"));
/// // let client = sailpoint::Client::from_builder(builder)?;
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    tenant: Option<String>,
    base_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    access_token: Option<Secret>,
    token_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryStrategy,
    user_agent_suffix: Option<String>,
    experimental: bool,
    max_body: u64,
    max_error_body: usize,
    env: Option<EnvLookup>,
    config_file: Option<PathBuf>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("tenant", &self.tenant)
            .field("base_url", &self.base_url.as_deref().map(printable_url))
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("access_token", &self.access_token)
            .field("token_url", &self.token_url.as_deref().map(printable_url))
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("experimental", &self.experimental)
            .field("reads_environment", &self.env.is_some())
            .field("config_file", &self.config_file)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// What a built client is made of: the generated client takes these.
// Public for the generated client crates (see `ClientBuilder::build_parts`).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Parts {
    /// The API base URL with its version prefix, e.g. `https://acme.api.identitynow.com/beta`.
    pub api_base: String,
    /// The HTTP client.
    pub http: reqwest::Client,
    /// Auth, retries and headers, for the client's hooks.
    pub runtime: Runtime,
}

/// Where a resolved setting came from, for messages.
struct Found {
    value: String,
    from: String,
}

/// Where settings are looked up, in order: the builder, the environment,
/// then `config.json` (read only when the first two leave one unset).
struct Settings<'a> {
    env: Option<&'a EnvLookup>,
    file: LazyFile<'a>,
    looked_in: String,
}

impl<'a> Settings<'a> {
    fn new(builder: &'a ClientBuilder) -> Self {
        Settings {
            env: builder.env.as_ref(),
            file: LazyFile::new(builder.config_file.as_deref()),
            looked_in: builder.looked_in(),
        }
    }

    /// A setting: `explicit` (the builder's), else environment variable
    /// `env_name` (when not empty), else `config.json`'s `file_key`.
    fn lookup(
        &self,
        explicit: Option<&str>,
        env_name: &str,
        file_key: &str,
    ) -> Result<Option<Found>, ConfigError> {
        if let Some(v) = explicit {
            return Ok(Some(Found {
                value: v.to_owned(),
                from: "the builder".into(),
            }));
        }
        if let Some(v) = self
            .env
            .and_then(|env| env(env_name))
            .filter(|v| !v.is_empty())
        {
            return Ok(Some(Found {
                value: v,
                from: format!("environment variable {env_name}"),
            }));
        }
        self.file.get(file_key, env_name)
    }

    /// A setting found nowhere, or unusable.
    fn missing(&self, setting: &str, problem: &str) -> ConfigError {
        ConfigError {
            setting: setting.into(),
            problem: problem.into(),
            looked_in: self.looked_in.clone(),
        }
    }
}

impl ClientBuilder {
    /// Explicit settings only: nothing is read from the environment or files.
    pub fn new() -> Self {
        Self {
            tenant: None,
            base_url: None,
            client_id: None,
            client_secret: None,
            access_token: None,
            token_url: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryStrategy::default(),
            user_agent_suffix: None,
            experimental: false,
            max_body: DEFAULT_MAX_BODY,
            max_error_body: DEFAULT_MAX_ERROR_BODY,
            env: None,
            config_file: None,
        }
    }

    /// Settings given here first, then `SAIL_BASE_URL`, `SAIL_CLIENT_ID`,
    /// `SAIL_CLIENT_SECRET` from the environment, then `./config.json`
    /// (`BaseURL`, `ClientId`, `ClientSecret`), as SailPoint's SDKs do.
    pub fn from_env() -> Self {
        Self {
            env: Some(Arc::new(|name| std::env::var(name).ok())),
            config_file: Some(PathBuf::from(CONFIG_FILE)),
            ..Self::new()
        }
    }

    /// Reads "environment variables" from `lookup` instead of the process
    /// environment (for tests and embedding).
    pub fn env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Some(Arc::new(lookup));
        self
    }

    /// Reads the SailPoint `config.json` at `path` when a setting is still missing.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// The tenant name: `acme` means `https://acme.api.identitynow.com`.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// The API host, e.g. `https://acme.api.identitynow.com` (a trailing API
    /// version such as `/beta` is accepted and ignored).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// OAuth2 client credentials, or a personal access token's id and secret.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.client_id = Some(client_id.into());
        self.client_secret = Some(client_secret.into());
        self
    }

    /// A fixed access token, used as is (no refresh).
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// The token endpoint (default: `{base}/oauth/token`).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The timeout of each request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry strategy (default: [`RetryStrategy::default`]).
    pub fn retry_strategy(mut self, strategy: RetryStrategy) -> Self {
        self.retry = strategy;
        self
    }

    /// Text appended to the `User-Agent`, e.g. `my-app/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Lets the client call SailPoint's experimental operations (default:
    /// off). SailPoint refuses a call of an experimental operation that
    /// does not carry `X-SailPoint-Experimental: true`; with `true`, the
    /// client sends that header with every call of an operation the API
    /// marks experimental (its entry in the generated quirks table says
    /// [`experimental`](crate::OperationQuirks::experimental)). Calls of
    /// other operations never carry it, opted in or not.
    ///
    /// Without it (or with `false`), calling an experimental operation
    /// fails before any request is sent, and before any token is fetched,
    /// with [`Error::ExperimentalNotEnabled`](crate::Error::ExperimentalNotEnabled),
    /// which names the operation. It is set here only: no environment
    /// variable or `config.json` key sets it.
    ///
    /// ```
    /// use sailpoint_runtime::ClientBuilder;
    ///
    /// let builder = ClientBuilder::from_env().experimental(true);
    /// // let client = sailpoint::Client::from_builder(builder)?;
    /// ```
    pub fn experimental(mut self, yes: bool) -> Self {
        self.experimental = yes;
        self
    }

    /// The most of a success body the client reads (default 64 MiB): a
    /// larger answer is [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge).
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body = bytes;
        self
    }

    /// The most of an error body the client reads (default 1 MiB); the rest
    /// is not read, and the error says it was cut
    /// ([`ApiError::body_truncated`](crate::ApiError::body_truncated)).
    pub fn max_error_body_size(mut self, bytes: usize) -> Self {
        self.max_error_body = bytes;
        self
    }

    /// Resolves every setting and builds the parts of a client for the API
    /// version at `api_prefix` (e.g. `/beta`). `sdk` names the client crate
    /// and version for the `User-Agent` and `X-SailPoint-SDK` headers;
    /// `quirks` is the generated client's table of what the runtime undoes
    /// on the wire.
    ///
    /// Each setting comes from the first place that has it: the builder,
    /// then the environment, then `config.json`. The file is read only when
    /// the builder and the environment leave a setting unset, so a broken
    /// `config.json` never stands in the way of a complete environment.
    /// Every value is checked before use: the base URL is an `https` origin
    /// (plain `http` only to loopback) with no credentials, query, fragment
    /// or path other than the API version; a tenant is a host name label;
    /// credentials are not blank.
    // Public for the generated client crates, which call it from their
    // `Client::from_builder`; a user builds a client there.
    #[doc(hidden)]
    pub fn build_parts(
        self,
        api_prefix: &str,
        sdk: &str,
        quirks: &'static Quirks,
    ) -> Result<Parts, ConfigError> {
        // The generator writes the table sorted; the lookup relies on it.
        debug_assert!(quirks.is_sorted(), "the quirks table is not sorted");
        let settings = Settings::new(&self);
        let host = self.host(&settings, api_prefix)?;
        let http = http_client(&self, sdk)?;
        let tokens = self.token_source(&settings, &host, &http)?;
        let runtime = Runtime(Arc::new(RuntimeInner {
            tokens,
            bucket: self.retry.budget.clone().map(Bucket::new),
            retry: self.retry.clone(),
            sdk_header: HeaderValue::from_str(&format!("rust-{}", sdk.replace('/', "-")))
                .map_err(|_| settings.missing("sdk", "not a valid header value"))?,
            experimental: self.experimental,
            max_body: self.max_body,
            max_error_body: self.max_error_body,
            quirks,
        }));
        Ok(Parts {
            api_base: format!("{host}{api_prefix}"),
            http,
            runtime,
        })
    }

    /// Step 1: the API host (scheme, host, port), from a base URL or a
    /// tenant, checked.
    fn host(&self, settings: &Settings<'_>, api_prefix: &str) -> Result<String, ConfigError> {
        let tenant_url = match &self.tenant {
            Some(t) => Some(tenant_url(t)?),
            None => None,
        };
        let base = settings
            .lookup(
                self.base_url.as_deref().or(tenant_url.as_deref()),
                ENV_BASE_URL,
                "BaseURL",
            )?
            .ok_or_else(|| settings.missing(ENV_BASE_URL, "no base URL or tenant is set"))?;
        normalize_base(&base.value, api_prefix).map_err(|problem| ConfigError {
            setting: ENV_BASE_URL.into(),
            problem,
            looked_in: base.from.clone(),
        })
    }

    /// Step 2: where tokens come from: a fixed access token, or client
    /// credentials (neither blank) and the token URL.
    fn token_source(
        &self,
        settings: &Settings<'_>,
        host: &str,
        http: &reqwest::Client,
    ) -> Result<TokenSource, ConfigError> {
        if let Some(token) = &self.access_token {
            return Ok(TokenSource::Fixed(Token::new(token.clone(), 0).map_err(
                |problem| ConfigError {
                    setting: "access token".into(),
                    problem,
                    looked_in: "the builder".into(),
                },
            )?));
        }
        let id = settings
            .lookup(self.client_id.as_deref(), ENV_CLIENT_ID, "ClientId")?
            .ok_or_else(|| settings.missing(ENV_CLIENT_ID, "no client id is set"))?;
        let secret = settings
            .lookup(
                self.client_secret.as_ref().map(Secret::expose),
                ENV_CLIENT_SECRET,
                "ClientSecret",
            )?
            .ok_or_else(|| settings.missing(ENV_CLIENT_SECRET, "no client secret is set"))?;
        for (setting, found) in [(ENV_CLIENT_ID, &id), (ENV_CLIENT_SECRET, &secret)] {
            if found.value.trim().is_empty() {
                return Err(ConfigError {
                    setting: setting.into(),
                    problem: "is blank".into(),
                    looked_in: found.from.clone(),
                });
            }
        }
        let token_url = match &self.token_url {
            Some(url) => {
                let url = url.trim().trim_end_matches('/');
                check_url(url).map_err(|problem| ConfigError {
                    setting: "token URL".into(),
                    problem,
                    looked_in: "the builder".into(),
                })?;
                url.to_owned()
            }
            None => format!("{host}/oauth/token"),
        };
        Ok(TokenSource::ClientCredentials(Box::new(TokenCache::new(
            token_url,
            id.value,
            Secret::new(secret.value),
            http.clone(),
        ))))
    }

    fn looked_in(&self) -> String {
        let mut places = vec!["the builder".to_owned()];
        if self.env.is_some() {
            places.push(format!(
                "environment variables {ENV_BASE_URL}, {ENV_CLIENT_ID}, {ENV_CLIENT_SECRET}"
            ));
        }
        if let Some(file) = &self.config_file {
            places.push(file.display().to_string());
        }
        places.join(", ")
    }
}

/// The client's TLS: rustls with ring as its own crypto provider (never
/// installed process-wide, so an application stays free to install its
/// own), the platform's certificate verifier, HTTP/2 and HTTP/1.1 offered.
pub(crate) fn tls_config() -> Result<rustls::ClientConfig, String> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| format!("the platform's certificate verifier: {e}"))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn http_client(builder: &ClientBuilder, sdk: &str) -> Result<reqwest::Client, ConfigError> {
    let tls = tls_config().map_err(|problem| ConfigError {
        setting: "TLS".into(),
        problem,
        looked_in: "the builder".into(),
    })?;
    let mut agent = format!(
        "{sdk} (rust; sailpoint-runtime/{})",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(suffix) = &builder.user_agent_suffix {
        agent.push(' ');
        agent.push_str(suffix);
    }
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        // Redirects are the runtime's to follow or refuse (hooks.rs,
        // `follow`); token requests never follow one.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(agent)
        .timeout(builder.timeout)
        .connect_timeout(builder.connect_timeout)
        .build()
        .map_err(|e| ConfigError {
            setting: "HTTP client".into(),
            problem: e.to_string(),
            looked_in: "the builder".into(),
        })
}

/// SailPoint's `config.json`, read the first time a setting is looked up
/// in it (never, when the builder and the environment have everything).
struct LazyFile<'a> {
    path: Option<&'a Path>,
    parsed: std::cell::OnceCell<
        Result<Option<serde_json::Map<String, serde_json::Value>>, ConfigError>,
    >,
}

impl<'a> LazyFile<'a> {
    fn new(path: Option<&'a Path>) -> Self {
        Self {
            path,
            parsed: std::cell::OnceCell::new(),
        }
    }

    /// The string at `key`; a key that is there in another case or with a
    /// value that is not a string is an error that names the expected key.
    fn get(&self, key: &str, env_name: &str) -> Result<Option<Found>, ConfigError> {
        let Some(path) = self.path else {
            return Ok(None);
        };
        let parsed = self.parsed.get_or_init(|| read_config_file(path));
        let map = match parsed {
            Ok(Some(map)) => map,
            Ok(None) => return Ok(None),
            Err(e) => return Err(e.clone()),
        };
        let wrong = |problem: String| ConfigError {
            setting: env_name.into(),
            problem,
            looked_in: path.display().to_string(),
        };
        match map.get(key) {
            Some(serde_json::Value::String(v)) if !v.is_empty() => Ok(Some(Found {
                value: v.clone(),
                from: format!("{} key {key}", path.display()),
            })),
            Some(serde_json::Value::String(_)) | Some(serde_json::Value::Null) | None => {
                match map
                    .keys()
                    .find(|k| k.as_str() != key && k.eq_ignore_ascii_case(key))
                {
                    Some(near) => Err(wrong(format!(
                        "the file has `{near}`, but the key is `{key}` (keys are case-sensitive)"
                    ))),
                    None => Ok(None),
                }
            }
            Some(other) => Err(wrong(format!(
                "`{key}` must be a string, but it is {}",
                json_kind(other)
            ))),
        }
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn read_config_file(
    path: &Path,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConfigError {
                setting: path.display().to_string(),
                problem: format!("cannot be read: {e}"),
                looked_in: path.display().to_string(),
            })
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| ConfigError {
            setting: path.display().to_string(),
            problem: format!("is not a JSON object: {e}"),
            looked_in: path.display().to_string(),
        })
}

/// `https://{tenant}.api.identitynow.com`, for a tenant that is one host
/// name label (letters, digits, `-`): anything else could name another host.
fn tenant_url(tenant: &str) -> Result<String, ConfigError> {
    let t = tenant.trim();
    let valid = !t.is_empty()
        && t.len() <= 63
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !t.starts_with('-')
        && !t.ends_with('-');
    if valid {
        Ok(format!(
            "https://{}.api.identitynow.com",
            t.to_ascii_lowercase()
        ))
    } else {
        Err(ConfigError {
            setting: "tenant".into(),
            problem: format!(
                "`{}` is not a tenant name: use letters, digits and `-` only (for `https://acme.api.identitynow.com`, the tenant is `acme`); set a base URL for any other host",
                printable_url(t)
            ),
            looked_in: "the builder".into(),
        })
    }
}

/// `https://acme.api.identitynow.com/beta/` → `https://acme.api.identitynow.com`.
/// The API version prefix may end the URL; any other path, a query, a
/// fragment or credentials are refused (they would send the token request,
/// and the secret in it, somewhere else than the user meant).
fn normalize_base(url: &str, api_prefix: &str) -> Result<String, String> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed = check_url(trimmed)?;
    let shown = printable_url(trimmed);
    if parsed.query().is_some() {
        return Err(format!(
            "`{shown}` has a query or a fragment; give the API host only, e.g. https://acme.api.identitynow.com"
        ));
    }
    let path = parsed.path().trim_end_matches('/');
    if !path.is_empty() && path != api_prefix {
        let accepted = if api_prefix.is_empty() {
            String::new()
        } else {
            format!(" (an ending `{api_prefix}` is accepted)")
        };
        return Err(format!(
            "`{shown}` has the path `{path}`; give the API host only{accepted}, e.g. https://acme.api.identitynow.com"
        ));
    }
    // An http(s) URL, so its origin is a scheme, host and port.
    Ok(parsed.origin().ascii_serialization())
}

/// An https URL, or http to a loopback host; never with credentials or a
/// fragment in it. The message shows the URL without its password.
fn check_url(url: &str) -> Result<reqwest::Url, String> {
    let shown = printable_url(url);
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("`{shown}` is not a URL: {e}"))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "`{shown}` has credentials in it (user:password@); give them as the client id and secret instead"
        ));
    }
    if parsed.fragment().is_some() {
        return Err(format!("`{shown}` has a fragment (`#...`)"));
    }
    let host = parsed.host_str().unwrap_or_default();
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(format!(
                "`{shown}` uses plain http; only https is allowed, except to loopback hosts"
            ))
        }
        other => return Err(format!("`{shown}` has scheme `{other}`; use https")),
    }
    Ok(parsed)
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalized_and_checked() {
        assert_eq!(
            normalize_base("https://acme.api.identitynow.com/beta/", "/beta").unwrap(),
            "https://acme.api.identitynow.com"
        );
        assert_eq!(
            normalize_base("http://127.0.0.1:8080", "/beta").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(normalize_base("http://[::1]:1/", "/beta").is_ok());
        assert!(normalize_base("http://localhost:1", "/beta").is_ok());
        let err = normalize_base("https://acme.api.identitynow.com/v3", "").unwrap_err();
        assert!(
            err.contains("has the path `/v3`; give the API host only, e.g."),
            "{err}"
        );
        assert_eq!(
            normalize_base("https://acme.api.identitynow.com/", "").unwrap(),
            "https://acme.api.identitynow.com"
        );
        let err = normalize_base("http://acme.api.identitynow.com", "/beta").unwrap_err();
        assert!(err.contains("plain http"), "{err}");
        assert!(normalize_base("ftp://x", "/beta").is_err());
        assert!(normalize_base("not a url", "/beta").is_err());
    }
}
