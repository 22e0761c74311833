//! How the generated code makes an answer its `ResponseValue`: what
//! progenitor's `ResponseValue::empty`, `from_response` and `stream` do,
//! but taking the answer's headers instead of copying them (progenitor's
//! copy the header map of a response they consume, and the copy and the
//! original are both freed on every call). The generated code calls these
//! (the `answers_keep_their_headers` adaptation in crates/codegen), and
//! the results are the same values and errors as progenitor's.

use progenitor_client::{ByteStream, Error, ResponseValue};
use reqwest::Response;

/// An answer without a body (progenitor's `ResponseValue::empty`).
// Public for the generated code only.
#[doc(hidden)]
pub fn empty(mut response: Response) -> ResponseValue<()> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    ResponseValue::new((), status, headers)
}

/// An answer whose body is JSON of type `T` (progenitor's
/// `ResponseValue::from_response`): the body read whole, then decoded.
// Public for the generated code only.
#[doc(hidden)]
pub async fn from_response<T: serde::de::DeserializeOwned, E>(
    mut response: Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// An answer whose body is a stream of bytes (progenitor's
/// `ResponseValue::stream`).
// Public for the generated code only.
#[doc(hidden)]
pub fn stream(mut response: Response) -> ResponseValue<ByteStream> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    ResponseValue::new(
        ByteStream::new(Box::pin(response.bytes_stream())),
        status,
        headers,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt as _;

    fn answer(status: u16, body: &'static str) -> Response {
        let mut response = http::Response::new(reqwest::Body::from(body));
        *response.status_mut() = reqwest::StatusCode::from_u16(status).unwrap();
        response
            .headers_mut()
            .insert("x-total-count", "7".parse().unwrap());
        response
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        Response::from(response)
    }

    /// Each is what progenitor's own makes of the same answer: the same
    /// status, headers and value, the same errors.
    #[tokio::test]
    async fn the_values_are_progenitor_s_with_the_headers_taken() {
        let ours = empty(answer(204, ""));
        let theirs = ResponseValue::empty(answer(204, ""));
        assert_eq!(ours.status(), theirs.status());
        assert_eq!(ours.headers(), theirs.headers());
        assert_eq!(ours.headers()["x-total-count"], "7");

        let ours = from_response::<Vec<u32>, ()>(answer(200, "[1,2]"))
            .await
            .unwrap();
        let theirs = ResponseValue::<Vec<u32>>::from_response::<()>(answer(200, "[1,2]"))
            .await
            .unwrap();
        assert_eq!(
            (ours.status(), ours.headers()),
            (theirs.status(), theirs.headers())
        );
        assert_eq!(ours.into_inner(), theirs.into_inner());

        match from_response::<Vec<u32>, ()>(answer(200, "{not json")).await {
            Err(Error::InvalidResponsePayload(body, _)) => assert_eq!(&body[..], b"{not json"),
            other => panic!("{:?}", other.map(|v| v.into_inner())),
        }

        let ours = stream(answer(200, "bytes"));
        assert_eq!(ours.headers()["x-total-count"], "7");
        let mut body = ours.into_inner().into_inner();
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"bytes");
    }
}
