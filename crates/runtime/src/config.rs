//! Building a client: explicit settings, then SailPoint's environment
//! variables, then SailPoint's `config.json`.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::error::{printable_url, ConfigError};
use crate::hooks::{Quirks, Runtime, RuntimeInner};
use crate::ratelimit::{Limiter, RateLimit};
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
/// The environment variable with a PEM file of certificate authorities to
/// trust beside the system's (a corporate proxy's or tenant gateway's).
pub const ENV_CA_BUNDLE: &str = "SAIL_CA_BUNDLE";
/// The environment variables of a proxy, as curl and most tools read them
/// (each also in lower case): for `https` URLs, for `http` URLs, for both.
pub const ENV_PROXIES: [&str; 3] = ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"];
/// The environment variable of the hosts not to reach through the proxy
/// (`NO_PROXY`, or `no_proxy`): a comma-separated list of host names (a
/// name also matches its subdomains), IP addresses or ranges, or `*`.
pub const ENV_NO_PROXY: &str = "NO_PROXY";
/// The most of a CA bundle that is read (4 MiB: the system's whole store
/// is a few hundred KiB).
pub const MAX_CA_BUNDLE: u64 = 4 * 1024 * 1024;

/// The default cap on a success body: 64 MiB.
pub const DEFAULT_MAX_BODY: u64 = 64 * 1024 * 1024;
/// The default cap on an error body: 1 MiB.
pub const DEFAULT_MAX_ERROR_BODY: usize = 1024 * 1024;

/// The most of a `config.json` that is read: SailPoint's is a few hundred
/// bytes; anything much larger is not one.
pub const MAX_CONFIG_FILE: u64 = 64 * 1024;

/// A variable's value: `Err` when it is set but is not UTF-8.
type EnvLookup = Arc<dyn Fn(&str) -> Result<Option<String>, NotUnicode> + Send + Sync>;

/// An environment variable set to something that is not UTF-8.
#[derive(Debug, Clone, Copy)]
struct NotUnicode;

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
    rate_limit: Option<RateLimit>,
    env: Option<EnvLookup>,
    config_file: Option<PathBuf>,
    proxy: Option<String>,
    no_proxy: Option<String>,
    ca_bundle: Option<PathBuf>,
    /// Whether the environment read is the process's own (then, with no
    /// proxy variable set, the system's proxy settings apply).
    process_environment: bool,
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
            .field("rate_limit", &self.rate_limit)
            .field("reads_environment", &self.env.is_some())
            .field("config_file", &self.config_file)
            .field("proxy", &self.proxy.as_deref().map(printable_url))
            .field("no_proxy", &self.no_proxy)
            .field("ca_bundle", &self.ca_bundle)
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
    source: Source,
}

/// The three places a setting comes from, the most explicit first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Builder,
    Environment,
    File,
}

/// The proxies a client uses.
enum Proxies {
    /// The system's settings (reqwest's: the proxy variables, and on macOS
    /// and Windows the system's configuration).
    System,
    /// These, and no other (none: no proxy).
    Set(Vec<reqwest::Proxy>),
}

/// The API host, and where it was set.
struct Host {
    /// `https://acme.api.identitynow.com`.
    origin: String,
    from: String,
    source: Source,
}

impl Host {
    /// A secret set in code or in the environment goes only to a host set
    /// there too, never to one only `config.json` names: a `config.json`
    /// left in the working directory (by another project, or by someone
    /// else) must not receive the secret a user set for their own tenant.
    fn may_receive_a_secret_from(&self, source: Source, what: &str) -> Result<(), ConfigError> {
        if self.source == Source::File && source != Source::File {
            return Err(ConfigError {
                setting: ENV_BASE_URL.into(),
                problem: format!(
                    "the base URL comes from {} but the secret from {what}: a secret is sent only \
                     to a host set in the same place or in code; set {ENV_BASE_URL} (or the \
                     builder's base_url or tenant) too",
                    self.from
                ),
                looked_in: self.from.clone(),
            });
        }
        Ok(())
    }
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
                source: Source::Builder,
            }));
        }
        if let Some(v) = self.env(env_name)?.filter(|v| !v.is_empty()) {
            return Ok(Some(Found {
                value: v,
                from: format!("environment variable {env_name}"),
                source: Source::Environment,
            }));
        }
        self.file.get(file_key, env_name)
    }

    /// Environment variable `name`: a value that is not UTF-8 is an error
    /// naming it, never taken for unset (a setting would then come from
    /// another place than the one the user set).
    fn env(&self, name: &str) -> Result<Option<String>, ConfigError> {
        let Some(env) = self.env else {
            return Ok(None);
        };
        env(name).map_err(|NotUnicode| ConfigError {
            setting: name.into(),
            problem: "is set, but not to UTF-8 text".into(),
            looked_in: format!("environment variable {name}"),
        })
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
            rate_limit: Some(RateLimit::default()),
            env: None,
            config_file: None,
            proxy: None,
            no_proxy: None,
            ca_bundle: None,
            process_environment: false,
        }
    }

    /// Settings given here first, then `SAIL_BASE_URL`, `SAIL_CLIENT_ID`,
    /// `SAIL_CLIENT_SECRET` from the environment, then `./config.json`
    /// (`BaseURL`, `ClientId`, `ClientSecret`), as SailPoint's SDKs do.
    pub fn from_env() -> Self {
        Self {
            env: Some(Arc::new(|name| match std::env::var(name) {
                Ok(value) => Ok(Some(value)),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => Err(NotUnicode),
            })),
            config_file: Some(PathBuf::from(CONFIG_FILE)),
            process_environment: true,
            ..Self::new()
        }
    }

    /// Reads "environment variables" from `lookup` instead of the process
    /// environment (for tests and embedding).
    pub fn env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Some(Arc::new(move |name| Ok(lookup(name))));
        self.process_environment = false;
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

    /// A proxy for every request (the API's and the token endpoint's), e.g.
    /// `http://proxy.corp:3128` (credentials in it, `user:password@`, are
    /// sent to the proxy and never shown). Without it, [`ClientBuilder::from_env`]
    /// reads `HTTPS_PROXY`, `HTTP_PROXY` and `ALL_PROXY` (or their lower
    /// case), and when none is set, the system's proxy settings (macOS,
    /// Windows); [`ClientBuilder::new`] uses no proxy.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// The hosts reached directly, not through the proxy: a comma-separated
    /// list of host names (a name also matches its subdomains), IP
    /// addresses or ranges (`10.0.0.0/8`), or `*` (default: `NO_PROXY` from
    /// the environment, with [`ClientBuilder::from_env`]).
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.no_proxy = Some(hosts.into());
        self
    }

    /// A PEM file of certificate authorities to trust beside the system's:
    /// for networks whose proxy re-signs TLS with a corporate CA. With
    /// [`ClientBuilder::from_env`], [`ENV_CA_BUNDLE`] names one when this is
    /// not set. The file must be a regular file of at most
    /// [`MAX_CA_BUNDLE`] bytes with at least one certificate.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// The client-side rate limit (default: SailPoint's, 100 requests per
    /// 10 seconds per API version; `None`: off). Calls over it wait their
    /// turn, first come first sent, instead of being answered 429; every
    /// clone of the client shares it, and so does every client of the
    /// process built with the same token endpoint, client id and limit. A
    /// 429 still pauses the calls of its API version for its
    /// `Retry-After`. See [`crate::ratelimit`] for how the limit is
    /// counted.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
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
        let http = self.http_client(&settings, sdk)?;
        let tokens = self.token_source(&settings, &host, &http)?;
        let host = host.origin;
        let limiter = self.rate_limit.map(|limit| match &tokens {
            TokenSource::ClientCredentials(cache) => {
                Limiter::shared(cache.token_url(), cache.client_id(), limit)
            }
            TokenSource::Fixed(_) => Arc::new(Limiter::new(limit)),
        });
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
            limiter,
        }));
        Ok(Parts {
            api_base: format!("{host}{api_prefix}"),
            http,
            runtime,
        })
    }

    /// Step 1: the API host (scheme, host, port), from a base URL or a
    /// tenant, checked.
    fn host(&self, settings: &Settings<'_>, api_prefix: &str) -> Result<Host, ConfigError> {
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
        let origin = normalize_base(&base.value, api_prefix).map_err(|problem| ConfigError {
            setting: ENV_BASE_URL.into(),
            problem,
            looked_in: base.from.clone(),
        })?;
        Ok(Host {
            origin,
            from: base.from,
            source: base.source,
        })
    }

    /// Step 2: where tokens come from: a fixed access token, or client
    /// credentials (neither blank) and the token URL.
    fn token_source(
        &self,
        settings: &Settings<'_>,
        host: &Host,
        http: &reqwest::Client,
    ) -> Result<TokenSource, ConfigError> {
        if let Some(token) = &self.access_token {
            host.may_receive_a_secret_from(Source::Builder, "the access token")?;
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
        host.may_receive_a_secret_from(secret.source, &secret.from)?;
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
            None => format!("{}/oauth/token", host.origin),
        };
        Ok(TokenSource::ClientCredentials(Box::new(TokenCache::new(
            token_url,
            id.value,
            Secret::new(secret.value),
            http.clone(),
        ))))
    }

    /// Step 0: the HTTP client: TLS (with the extra CA bundle), proxies,
    /// no redirects (they are the runtime's to follow or refuse: hooks.rs,
    /// `follow`; token requests never follow one), the user agent and the
    /// timeouts.
    fn http_client(
        &self,
        settings: &Settings<'_>,
        sdk: &str,
    ) -> Result<reqwest::Client, ConfigError> {
        let tls = tls_config(self.extra_roots(settings)?).map_err(|problem| ConfigError {
            setting: "TLS".into(),
            problem,
            looked_in: "the builder".into(),
        })?;
        let mut agent = format!(
            "{sdk} (rust; sailpoint-runtime/{})",
            env!("CARGO_PKG_VERSION")
        );
        if let Some(suffix) = &self.user_agent_suffix {
            agent.push(' ');
            agent.push_str(suffix);
        }
        let mut http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(agent)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout);
        match self.proxies(settings)? {
            Proxies::System => {}
            Proxies::Set(proxies) => {
                http = http.no_proxy();
                for proxy in proxies {
                    http = http.proxy(proxy);
                }
            }
        }
        http.build().map_err(|e| ConfigError {
            setting: "HTTP client".into(),
            problem: e.to_string(),
            looked_in: "the builder".into(),
        })
    }

    /// The proxies: the builder's, else the environment's variables, else
    /// (reading the process environment) the system's settings.
    fn proxies(&self, settings: &Settings<'_>) -> Result<Proxies, ConfigError> {
        let either_case = |name: &str| -> Result<Option<(String, String)>, ConfigError> {
            for variable in [name.to_owned(), name.to_ascii_lowercase()] {
                if let Some(value) = settings.env(&variable)?.filter(|v| !v.trim().is_empty()) {
                    return Ok(Some((variable, value)));
                }
            }
            Ok(None)
        };
        let no_proxy = match &self.no_proxy {
            Some(hosts) => Some(hosts.clone()),
            None => either_case(ENV_NO_PROXY)?.map(|(_, hosts)| hosts),
        };
        let mut found: Vec<(&str, String, String)> = Vec::new();
        match &self.proxy {
            Some(url) => found.push(("ALL_PROXY", "the builder's proxy".into(), url.clone())),
            None => {
                for name in ENV_PROXIES {
                    if let Some((variable, url)) = either_case(name)? {
                        found.push((name, format!("environment variable {variable}"), url));
                    }
                }
            }
        }
        if found.is_empty() {
            return Ok(if self.process_environment {
                Proxies::System
            } else {
                Proxies::Set(Vec::new())
            });
        }
        let mut proxies = Vec::new();
        for (kind, from, url) in found {
            let shown = printable_url(url.trim());
            let made = match kind {
                "HTTPS_PROXY" => reqwest::Proxy::https(url.trim()),
                "HTTP_PROXY" => reqwest::Proxy::http(url.trim()),
                _ => reqwest::Proxy::all(url.trim()),
            }
            .map_err(|_| ConfigError {
                setting: "proxy".into(),
                problem: format!("`{shown}` is not a proxy URL (e.g. http://proxy.corp:3128)"),
                looked_in: from.clone(),
            })?;
            let made = made.no_proxy(no_proxy.as_deref().and_then(reqwest::NoProxy::from_string));
            proxies.push(made);
        }
        Ok(Proxies::Set(proxies))
    }

    /// The certificate authorities of the CA bundle, when one is set.
    fn extra_roots(
        &self,
        settings: &Settings<'_>,
    ) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, ConfigError> {
        use rustls::pki_types::pem::PemObject as _;
        let (path, from) = match &self.ca_bundle {
            Some(path) => (path.clone(), "the builder".to_owned()),
            None => match settings
                .env(ENV_CA_BUNDLE)?
                .filter(|v| !v.trim().is_empty())
            {
                Some(path) => (
                    PathBuf::from(path),
                    format!("environment variable {ENV_CA_BUNDLE}"),
                ),
                None => return Ok(Vec::new()),
            },
        };
        let problem = |problem: String| ConfigError {
            setting: format!("CA bundle {}", path.display()),
            problem,
            looked_in: from.clone(),
        };
        let bytes = read_bounded(&path, MAX_CA_BUNDLE)
            .map_err(problem)?
            .ok_or_else(|| problem("does not exist".into()))?;
        let certificates = rustls::pki_types::CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| problem(format!("is not a PEM file of certificates: {e}")))?;
        if certificates.is_empty() {
            return Err(problem(
                "has no certificate in it (`-----BEGIN CERTIFICATE-----`)".into(),
            ));
        }
        Ok(certificates)
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
pub(crate) fn tls_config(
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, String> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
    }
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
                source: Source::File,
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
    let problem = |problem: String| ConfigError {
        setting: path.display().to_string(),
        problem,
        looked_in: path.display().to_string(),
    };
    let bytes = match read_bounded(path, MAX_CONFIG_FILE) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(None),
        Err(message) => return Err(problem(message)),
    };
    let text = config_text(&bytes).map_err(problem)?;
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => Ok(Some(map)),
        Ok(other) => Err(problem(format!(
            "is not a JSON object: it is {}",
            json_kind(&other)
        ))),
        Err(e) => Err(problem(format!("is not a JSON object: {e}"))),
    }
}

/// The file at `path`, when it is a regular file of at most `max` bytes;
/// `None` when there is none. Anything else (a FIFO, a device such as
/// `/dev/zero`, a directory, a file larger than `max`) is refused before
/// it is read, so that reading it can neither hang nor read without bound;
/// on Unix the file is opened without blocking and checked again once
/// open (it may have been replaced in between).
fn read_bounded(path: &Path, max: u64) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read as _;
    let kind = |meta: &std::fs::Metadata| -> Result<(), String> {
        if !meta.is_file() {
            return Err(format!(
                "is not a regular file ({}); it is not read",
                file_kind(meta)
            ));
        }
        if meta.len() > max {
            return Err(format!(
                "is {} bytes, more than a config.json can be ({max} bytes); it is not read",
                meta.len()
            ));
        }
        Ok(())
    };
    match std::fs::metadata(path) {
        Ok(meta) => kind(&meta)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read: {e}")),
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read: {e}")),
    };
    kind(
        &file
            .metadata()
            .map_err(|e| format!("cannot be read: {e}"))?,
    )?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "grew past {max} bytes while it was read; it is not read"
        ));
    }
    Ok(Some(bytes))
}

/// What kind of file `meta` is, for messages.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// A `config.json`'s text: UTF-8, with a UTF-8 byte order mark (which
/// Windows editors write) accepted; UTF-16 is named for what it is.
fn config_text(bytes: &[u8]) -> Result<&str, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            "is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8".into(),
        );
    }
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "is not UTF-8 text (byte {} is not); save it as UTF-8",
            e.valid_up_to()
        )
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

    /// A folder of its own for one test.
    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sailpoint-cfg-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn read(path: &Path) -> Result<Option<serde_json::Map<String, serde_json::Value>>, String> {
        read_config_file(path).map_err(|e| e.to_string())
    }

    /// What cannot be a config.json is refused before it is read: a named
    /// pipe (reading it would wait for a writer forever), a device
    /// (`/dev/zero` would be read without end), a directory, a file past
    /// the bound.
    #[test]
    fn hostile_config_files_are_refused_without_hanging_or_reading_them() {
        let dir = folder("hostile");
        #[cfg(unix)]
        {
            let fifo = dir.join("fifo.json");
            let _ = std::fs::remove_file(&fifo);
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: a valid, NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            let started = std::time::Instant::now();
            let err = read(&fifo).unwrap_err();
            assert!(
                err.contains("is not a regular file (a named pipe)"),
                "{err}"
            );
            assert!(started.elapsed() < Duration::from_secs(1));
            // A symbolic link to one is followed, and refused the same way.
            let link = dir.join("link.json");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&fifo, &link).unwrap();
            assert!(read(&link).unwrap_err().contains("a named pipe"));
            let err = read(Path::new("/dev/zero")).unwrap_err();
            assert!(err.contains("is not a regular file (a device)"), "{err}");
        }
        let err = read(&dir).unwrap_err();
        assert!(err.contains("(a directory)"), "{err}");
        let big = dir.join("big.json");
        std::fs::write(&big, vec![b' '; MAX_CONFIG_FILE as usize + 1]).unwrap();
        let err = read(&big).unwrap_err();
        assert!(err.contains("more than a config.json can be"), "{err}");
        assert_eq!(read(&dir.join("missing.json")).unwrap(), None);
    }

    /// A UTF-8 byte order mark is accepted; UTF-16 and text that is not
    /// UTF-8 are named, and so is JSON that is not an object.
    #[test]
    fn byte_order_marks_and_encodings_are_accepted_or_named() {
        let dir = folder("encodings");
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            read(&path)
        };
        let map = file(
            "bom.json",
            b"\xEF\xBB\xBF{\"BaseURL\": \"https://a.example\"}",
        )
        .unwrap()
        .unwrap();
        assert_eq!(map["BaseURL"], "https://a.example");
        let err = file("utf16.json", b"\xFF\xFE{\x00}\x00").unwrap_err();
        assert!(err.contains("is UTF-16 text"), "{err}");
        let err = file("latin1.json", b"{\"ClientId\": \"caf\xE9\"}").unwrap_err();
        assert!(err.contains("is not UTF-8 text"), "{err}");
        let err = file("list.json", b"[1, 2]").unwrap_err();
        assert!(
            err.contains("is not a JSON object: it is an array"),
            "{err}"
        );
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> ClientBuilder {
        ClientBuilder::from_env().env_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    /// A secret from the environment or from code never goes to a host only
    /// config.json names; a secret from the file goes to a host set
    /// anywhere.
    #[test]
    fn a_secret_never_goes_to_a_host_only_config_json_names() {
        let dir = folder("mix");
        let path = dir.join("config.json");
        std::fs::write(
            &path,
            r#"{"BaseURL": "https://elsewhere.example", "ClientId": "file-id", "ClientSecret": "file-secret"}"#,
        )
        .unwrap();
        let build = |b: ClientBuilder| b.config_file(&path).build_parts("", "t/0", &Quirks::NONE);
        for builder in [
            env(&[
                ("SAIL_CLIENT_SECRET", "env-secret"),
                ("SAIL_CLIENT_ID", "id"),
            ]),
            env(&[]).client_credentials("id", "code-secret"),
            env(&[]).access_token("code-token"),
        ] {
            let err = build(builder).unwrap_err().to_string();
            assert!(
                err.starts_with("SAIL_BASE_URL: the base URL comes from"),
                "{err}"
            );
            assert!(
                err.contains("a secret is sent only to a host set in the same place"),
                "{err}"
            );
            assert!(
                !err.contains("secret\"") && !err.contains("env-secret") && !err.contains("code-"),
                "{err}"
            );
        }
        // The file whole, or the file's secret to a host set elsewhere.
        assert!(build(env(&[])).is_ok());
        assert!(build(env(&[("SAIL_BASE_URL", "https://acme.example")])).is_ok());
        assert!(build(
            env(&[])
                .tenant("acme")
                .client_credentials("id", "code-secret")
        )
        .is_ok());
    }

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
