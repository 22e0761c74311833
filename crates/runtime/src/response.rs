//! Reading the bodies a server sends (never more than a cap), and
//! rebuilding responses: with another status, another body, or a body that
//! stops at the cap. reqwest's `Response` has no `status_mut` or
//! `body_mut`; each of these goes through `http::Response`.

use bytes::Bytes;

/// A body read up to a cap.
#[derive(Debug, Clone, Default)]
pub(crate) struct Capped {
    /// What was read, at most the cap.
    pub(crate) bytes: Bytes,
    /// Whether the body went on past the cap (the rest was not read).
    pub(crate) truncated: bool,
}

/// Reads `response`'s body up to `cap` bytes, chunk by chunk: a server that
/// sends gigabytes costs at most `cap` (plus one chunk) of memory, and the
/// rest is never read.
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    cap: usize,
) -> reqwest::Result<Capped> {
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap - buf.len();
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok(Capped {
                bytes: Bytes::from(buf),
                truncated: true,
            });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Capped {
        bytes: Bytes::from(buf),
        truncated: false,
    })
}

/// The error a capped success body ends with when the server sends more.
#[derive(Debug)]
pub(crate) struct BodyTooLarge {
    pub(crate) limit: u64,
    /// The status of the answer whose body it is.
    pub(crate) status: http::StatusCode,
}

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the body is larger than {} bytes", self.limit)
    }
}

impl std::error::Error for BodyTooLarge {}

/// `response` with a body that fails with [`BodyTooLarge`] once more than
/// `cap` bytes have come (for bodies of unknown length; a declared length
/// over the cap is refused before reading).
pub(crate) fn capped(response: reqwest::Response, cap: u64) -> reqwest::Response {
    use http_body_util::BodyExt as _;
    let status = response.status();
    let http: http::Response<reqwest::Body> = response.into();
    let (parts, body) = http.into_parts();
    let limited = http_body_util::Limited::new(body, cap as usize).map_err(move |e| {
        if e.is::<http_body_util::LengthLimitError>() {
            Box::new(BodyTooLarge { limit: cap, status })
                as Box<dyn std::error::Error + Send + Sync>
        } else {
            e
        }
    });
    reqwest::Response::from(http::Response::from_parts(
        parts,
        reqwest::Body::wrap(limited),
    ))
}

/// `response` with another status.
pub(crate) fn with_status(
    response: reqwest::Response,
    status: http::StatusCode,
) -> reqwest::Response {
    let mut http: http::Response<reqwest::Body> = response.into();
    *http.status_mut() = status;
    reqwest::Response::from(http)
}

/// A response's status, version and headers, without its body.
pub(crate) fn parts_of(response: &reqwest::Response) -> http::response::Parts {
    let mut head = http::Response::new(());
    *head.status_mut() = response.status();
    *head.version_mut() = response.version();
    *head.headers_mut() = response.headers().clone();
    head.into_parts().0
}

/// A response from parts and a body held in memory.
pub(crate) fn rebuilt(
    parts: http::response::Parts,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    reqwest::Response::from(http::Response::from_parts(parts, body.into()))
}

/// `response` with `body` in place of its own.
pub(crate) fn with_body(
    response: reqwest::Response,
    content_type: &'static str,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut parts = parts_of(&response);
    parts.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    parts.headers.remove(http::header::CONTENT_LENGTH);
    rebuilt(parts, body)
}
