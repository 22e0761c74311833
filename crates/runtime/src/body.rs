//! Reading bodies a server sends, never more than a cap.

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
    let http: http::Response<reqwest::Body> = response.into();
    let (parts, body) = http.into_parts();
    let limited = http_body_util::Limited::new(body, cap as usize).map_err(move |e| {
        if e.is::<http_body_util::LengthLimitError>() {
            Box::new(BodyTooLarge { limit: cap }) as Box<dyn std::error::Error + Send + Sync>
        } else {
            e
        }
    });
    reqwest::Response::from(http::Response::from_parts(
        parts,
        reqwest::Body::wrap(limited),
    ))
}
