//! A fake SailPoint tenant on 127.0.0.1: an OAuth2 token endpoint and the
//! API, both scriptable, recording every request.
//!
//! - `POST /oauth/token` issues `tok-1`, `tok-2`, ... valid for
//!   [`FakeTenant::set_token_lifetime`], unless a scripted [`Reply`] is queued
//!   with [`FakeTenant::script_token`].
//! - Any other path is the API: a bearer token that was never issued, or has
//!   expired, gets SailPoint's 401 `{"error": "JWT validation failed: JWT is
//!   expired"}`; otherwise the next scripted reply ([`FakeTenant::script`]),
//!   or 204 when none is queued.
//!
//! A reply can be delayed, or drop the connection without answering. The
//! tenant can also enforce a rate limit as SailPoint's gateway does
//! ([`FakeTenant::enforce_rate_limit`]).

#![warn(missing_docs)]

pub mod raw;
pub mod script;
pub mod tls;
pub use raw::{Raw, RawServer};
pub use script::Script;
pub use tls::{Authority, ConnectProxy};

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Close the connection instead of answering.
    pub drop_connection: bool,
}

impl Reply {
    /// A reply with a status and no body.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            drop_connection: false,
        }
    }

    /// A JSON reply.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Answers only after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Closes the connection without an answer.
    pub fn dropped() -> Self {
        Self {
            drop_connection: true,
            ..Self::status(500)
        }
    }
}

/// A request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method.
    pub method: String,
    /// The path (with query).
    pub path: String,
    /// Headers, names lowercased.
    pub headers: HashMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Default)]
struct State {
    script: Script<Reply>,
    token_lifetime: f64,
    issued: HashMap<String, Instant>,
    token_requests: usize,
    api_requests: Vec<Recorded>,
    token_bodies: Vec<String>,
    public: HashMap<String, Reply>,
    not_recording: bool,
    rate_limit: Option<RateWindow>,
    /// API requests answered 429 by the rate limit.
    limited: usize,
    responder: Option<Responder>,
}

/// Answers API requests from what they ask (see [`FakeTenant::respond`]).
type Responder = Arc<dyn Fn(&Recorded) -> Option<Reply> + Send + Sync>;

/// A sliding window over API requests' arrivals, as SailPoint's gateway
/// counts them.
struct RateWindow {
    requests: usize,
    per: Duration,
    arrived: VecDeque<Instant>,
}

impl RateWindow {
    /// Counts a request arriving now; `Err` with the seconds to wait when
    /// the window is full (the request is not counted).
    fn arrive(&mut self) -> Result<(), u64> {
        let now = Instant::now();
        while self
            .arrived
            .front()
            .is_some_and(|at| now.duration_since(*at) >= self.per)
        {
            self.arrived.pop_front();
        }
        if self.arrived.len() < self.requests {
            self.arrived.push_back(now);
            return Ok(());
        }
        let free = self.arrived.front().map_or(now, |at| *at + self.per);
        Err(free.duration_since(now).as_secs_f64().ceil() as u64)
    }
}

/// A running fake tenant. Stops when dropped.
pub struct FakeTenant {
    addr: SocketAddr,
    /// The authority of its certificate, when it speaks TLS.
    authority: Option<String>,
    state: Arc<Mutex<State>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeTenant {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeTenant {
    /// Starts a fake on 127.0.0.1 with a free port.
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0".parse().expect("an address")).await
    }

    /// Starts a fake that speaks TLS, with a certificate for `127.0.0.1`
    /// signed by a certificate authority of its own
    /// ([`FakeTenant::ca_pem`]): its base URL is `https://127.0.0.1:PORT`.
    pub async fn start_tls() -> Self {
        let authority = Authority::new();
        let mut tenant = Self::listen(
            "127.0.0.1:0".parse().expect("an address"),
            Some(tokio_rustls::TlsAcceptor::from(authority.server.clone())),
        )
        .await;
        tenant.authority = Some(authority.ca_pem);
        tenant
    }

    /// The PEM certificate of the authority that signed a TLS tenant's
    /// certificate (what a client must trust); `None` for plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.authority.as_deref()
    }

    /// Starts a fake on the given loopback address.
    pub async fn start_on(addr: SocketAddr) -> Self {
        Self::listen(addr, None).await
    }

    async fn listen(addr: SocketAddr, tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind a loopback address");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State {
            token_lifetime: 300.0,
            ..State::default()
        }));
        let shared = state.clone();
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = shared.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| handle(state.clone(), req));
                    let http = hyper::server::conn::http1::Builder::new();
                    match tls {
                        None => {
                            let _ = http.serve_connection(TokioIo::new(stream), service).await;
                        }
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                let _ = http.serve_connection(TokioIo::new(stream), service).await;
                            }
                        }
                    }
                });
            }
        });
        Self {
            addr,
            authority: None,
            state,
            server,
        }
    }

    /// `http://127.0.0.1:PORT` (`https://` for a TLS tenant): what
    /// `SAIL_BASE_URL` would be.
    pub fn base_url(&self) -> String {
        let scheme = if self.authority.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// Queues a reply for the next API request.
    pub fn script(&self, reply: Reply) {
        self.lock().script.api(reply);
    }

    /// The reply to API requests (with a valid token) when the script is
    /// empty (default: 204).
    pub fn answer_by_default(&self, reply: Reply) {
        self.lock().script.api_default(reply);
    }

    /// Answers API requests `429 Too Many Requests` (SailPoint's body, and
    /// `Retry-After` in whole seconds) once `requests` have arrived in the
    /// last `per`, as SailPoint's gateway does (100 per 10 s).
    pub fn enforce_rate_limit(&self, requests: usize, per: Duration) {
        self.lock().rate_limit = Some(RateWindow {
            requests,
            per,
            arrived: VecDeque::new(),
        });
    }

    /// Answers each API request (with a valid token, within the rate
    /// limit) that `responder` has an answer for, before the script: for
    /// servers whose answer depends on the request (a list paged by
    /// `offset` and `limit`, a search by `searchAfter`). It runs with the
    /// tenant's state locked: it must not call the tenant.
    pub fn respond(&self, responder: impl Fn(&Recorded) -> Option<Reply> + Send + Sync + 'static) {
        self.lock().responder = Some(Arc::new(responder));
    }

    /// How many API requests the rate limit answered 429.
    pub fn rate_limited(&self) -> usize {
        self.lock().limited
    }

    /// Serves `reply` at `path` to anyone, every time (no token needed):
    /// for pages and redirect targets.
    pub fn serve(&self, path: &str, reply: Reply) {
        self.lock().public.insert(path.to_owned(), reply);
    }

    /// Queues a reply for the next token request.
    pub fn script_token(&self, reply: Reply) {
        self.lock().script.token(reply);
    }

    /// How long issued tokens live, in seconds (`expires_in`).
    pub fn set_token_lifetime(&self, seconds: f64) {
        self.lock().token_lifetime = seconds;
    }

    /// Makes every issued token invalid, as if revoked.
    pub fn revoke_tokens(&self) {
        self.lock().issued.clear();
    }

    /// Stops recording API requests (for benchmarks, where the record would
    /// grow without bound).
    pub fn stop_recording(&self) {
        self.lock().not_recording = true;
    }

    /// How many token requests came in.
    pub fn token_requests(&self) -> usize {
        self.lock().token_requests
    }

    /// The form bodies of the token requests.
    pub fn token_bodies(&self) -> Vec<String> {
        self.lock().token_bodies.clone()
    }

    /// The API requests received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().api_requests.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Returned to hyper to close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("scripted connection drop")
    }
}

impl std::error::Error for DropConnection {}

async fn handle(
    state: Arc<Mutex<State>>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let headers: HashMap<String, String> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = match req.into_body().collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return Err(DropConnection),
    };
    let public = state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .public
        .get(&path)
        .cloned();
    let reply = if let Some(reply) = public {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.api_requests.push(Recorded {
            method,
            path,
            headers,
            body,
        });
        reply
    } else if path == "/oauth/token" {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.token_requests += 1;
        s.token_bodies
            .push(String::from_utf8_lossy(&body).into_owned());
        match s.script.next_token() {
            Some(reply) => reply,
            None => {
                let token = format!("tok-{}", s.token_requests);
                let lifetime = s.token_lifetime;
                s.issued.insert(
                    token.clone(),
                    Instant::now() + Duration::from_secs_f64(lifetime),
                );
                Reply::json(
                    200,
                    serde_json::json!({"access_token": token, "token_type": "bearer", "expires_in": lifetime}),
                )
            }
        }
    } else {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        let request = Recorded {
            method,
            path,
            headers: headers.clone(),
            body,
        };
        let responded = s.responder.clone();
        let bearer = headers
            .get("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or("");
        let valid = s
            .issued
            .get(bearer)
            .is_some_and(|until| Instant::now() < *until);
        let limited = match (valid, &mut s.rate_limit) {
            (true, Some(window)) => window.arrive().err(),
            _ => None,
        };
        let reply = if let Some(wait) = limited {
            s.limited += 1;
            Reply::json(429, serde_json::json!({"message": "Rate Limit Exceeded"}))
                .header("retry-after", &wait.max(1).to_string())
        } else if valid {
            match responded.and_then(|respond| respond(&request)) {
                Some(reply) => reply,
                None => s.script.next_api().unwrap_or_else(|| Reply::status(204)),
            }
        } else {
            Reply::json(
                401,
                serde_json::json!({"error": "JWT validation failed: JWT is expired"}),
            )
        };
        if !s.not_recording {
            s.api_requests.push(request);
        }
        reply
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    if reply.drop_connection {
        return Err(DropConnection);
    }
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    Ok(response)
}
