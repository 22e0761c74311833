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

/// `response` with a body that fails with [`BodyTooLarge`] at once: its
/// declared length is over the cap, so not a byte of it is read (the
/// connection is dropped with the response).
pub(crate) fn refused_body(response: reqwest::Response, cap: u64) -> reqwest::Response {
    let status = response.status();
    let http: http::Response<reqwest::Body> = response.into();
    let (mut parts, _unread) = http.into_parts();
    parts.headers.remove(http::header::CONTENT_LENGTH);
    let body = Refused(Some(BodyTooLarge { limit: cap, status }));
    reqwest::Response::from(http::Response::from_parts(parts, reqwest::Body::wrap(body)))
}

/// A body whose first frame is the error it holds.
struct Refused(Option<BodyTooLarge>);

impl http_body::Body for Refused {
    type Data = Bytes;
    type Error = BodyTooLarge;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BodyTooLarge>>> {
        std::task::Poll::Ready(self.0.take().map(Err))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }
}
