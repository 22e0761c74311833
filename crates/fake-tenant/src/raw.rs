//! A server on 127.0.0.1 that answers with exactly the bytes it is given:
//! for what a well-behaved HTTP library will not send (a `Content-Length`
//! that lies, a body of hundreds of megabytes streamed, garbage, an answer
//! that never comes). Token requests (`POST /oauth/token`) get their own
//! script and, when it is empty, a valid token.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// One scripted answer on the wire.
#[derive(Debug, Clone)]
pub enum Raw {
    /// These bytes, then the connection is closed.
    Bytes(Vec<u8>),
    /// `head` (status line and headers, ending in a blank line), then `len`
    /// bytes of `fill` streamed in 64 KiB chunks, then the connection is
    /// closed. Nothing of the body is held in memory.
    Stream {
        /// The head, as sent.
        head: Vec<u8>,
        /// How many body bytes to send.
        len: u64,
        /// The byte to send them with.
        fill: u8,
    },
    /// `head` and then `body`, one byte at a time with `pause` between.
    Trickle {
        /// The head, as sent.
        head: Vec<u8>,
        /// The body.
        body: Vec<u8>,
        /// The pause between two bytes.
        pause: Duration,
    },
    /// No answer: the connection stays open, silent.
    Hang,
}

impl Raw {
    /// A well-formed answer with `connection: close` and a true `Content-Length`.
    pub fn response(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Self {
        let body = body.into();
        let mut out = Self::head_of(status, headers, Some(body.len() as u64));
        out.extend_from_slice(&body);
        Raw::Bytes(out)
    }

    /// A status line and headers (`connection: close`, and `content-length`
    /// when `length` is given), ending with the blank line.
    pub fn head_of(status: u16, headers: &[(&str, &str)], length: Option<u64>) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {status} Whatever\r\nconnection: close\r\n");
        if let Some(length) = length {
            head.push_str(&format!("content-length: {length}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

#[derive(Default)]
struct Script {
    answers: crate::Script<Raw>,
    /// The heads of the API requests received, as text.
    api_heads: Vec<String>,
}

/// A running raw server. Stops when dropped.
pub struct RawServer {
    addr: SocketAddr,
    script: Arc<Mutex<Script>>,
    api_requests: Arc<AtomicUsize>,
    token_requests: Arc<AtomicUsize>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl RawServer {
    /// Starts a server on 127.0.0.1 with a free port.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback address");
        let addr = listener.local_addr().expect("local addr");
        let script = Arc::new(Mutex::new(Script::default()));
        let api_requests = Arc::new(AtomicUsize::new(0));
        let token_requests = Arc::new(AtomicUsize::new(0));
        let (s, a, t) = (script.clone(), api_requests.clone(), token_requests.clone());
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (s, a, t) = (s.clone(), a.clone(), t.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, s, a, t).await;
                });
            }
        });
        Self {
            addr,
            script,
            api_requests,
            token_requests,
            server,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues an answer for the next API request.
    pub fn script(&self, raw: Raw) {
        self.lock().answers.api(raw);
    }

    /// The answer to API requests when the script is empty (default: 204).
    pub fn answer_by_default(&self, raw: Raw) {
        self.lock().answers.api_default(raw);
    }

    /// Queues an answer for the next token request.
    pub fn script_token(&self, raw: Raw) {
        self.lock().answers.token(raw);
    }

    /// API requests received.
    pub fn api_requests(&self) -> usize {
        self.api_requests.load(Ordering::SeqCst)
    }

    /// The heads (request line and headers) of the API requests received.
    pub fn api_heads(&self) -> Vec<String> {
        self.lock().api_heads.clone()
    }

    /// Token requests received.
    pub fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Reads one request (head and a `Content-Length` body), answers it, closes.
async fn serve(
    mut stream: TcpStream,
    script: Arc<Mutex<Script>>,
    api_requests: Arc<AtomicUsize>,
    token_requests: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return Ok(());
        }
    };
    let original_head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let head = original_head.to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let is_token = head
        .lines()
        .next()
        .is_some_and(|l| l.contains(" /oauth/token"));
    let answer = {
        let mut s = script.lock().unwrap_or_else(|e| e.into_inner());
        if is_token {
            token_requests.fetch_add(1, Ordering::SeqCst);
            s.answers.next_token().unwrap_or_else(|| {
                Raw::response(
                    200,
                    &[("content-type", "application/json")],
                    r#"{"access_token":"raw-token","token_type":"bearer","expires_in":300}"#,
                )
            })
        } else {
            api_requests.fetch_add(1, Ordering::SeqCst);
            s.api_heads.push(original_head);
            s.answers
                .next_api()
                .unwrap_or_else(|| Raw::response(204, &[], ""))
        }
    };
    match answer {
        Raw::Bytes(bytes) => stream.write_all(&bytes).await?,
        Raw::Stream { head, len, fill } => {
            stream.write_all(&head).await?;
            let block = vec![fill; 64 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                stream.write_all(&block[..n]).await?;
                left -= n as u64;
            }
        }
        Raw::Trickle { head, body, pause } => {
            stream.write_all(&head).await?;
            for byte in body {
                stream.write_all(&[byte]).await?;
                stream.flush().await?;
                tokio::time::sleep(pause).await;
            }
        }
        Raw::Hang => {
            std::future::pending::<()>().await;
        }
    }
    stream.flush().await?;
    let _ = stream.shutdown().await;
    Ok(())
}
