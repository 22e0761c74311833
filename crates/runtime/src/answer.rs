//! How the generated code makes an answer its `ResponseValue`: what
//! progenitor's `ResponseValue::empty`, `from_response` and `stream` do,
//! but taking the answer's headers instead of copying them (progenitor's
//! copy the header map of a response they consume, and the copy and the
//! original are both freed on every call), and decoding JSON leniently
//! ([`crate::decode`]): one odd value in a body never costs the whole
//! answer. The generated code calls these (the `answers_keep_their_headers`
//! adaptation in crates/codegen, and `send_returns_the_crates_error`, which
//! names the operation in each call of [`json`]).

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
/// `ResponseValue::from_response`), of an operation not named: see [`json`].
// Public for the generated code only.
#[doc(hidden)]
pub async fn from_response<T: serde::de::DeserializeOwned + schemars::JsonSchema, E>(
    response: Response,
) -> Result<ResponseValue<T>, Error<E>> {
    json(response, "").await
}

/// An answer of `operation` (the generated method's name) whose body is
/// JSON of type `T`: the body read whole, then decoded leniently
/// ([`crate::decode`]). Each repair is a `tracing` warning naming the
/// operation and the path (the first time in the process for each
/// operation and path; later ones at debug level); a body that does not
/// decode even so is [`crate::Error::InvalidResponse`], naming the
/// operation, the path and the kind of value there, with the body kept on
/// request only.
// Public for the generated code only.
#[doc(hidden)]
pub async fn json<T: serde::de::DeserializeOwned + schemars::JsonSchema, E>(
    mut response: Response,
    operation: &'static str,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    match crate::decode::decode_with_schema::<T>(&full) {
        Ok(decoded) => {
            for repair in &decoded.repairs {
                report(operation, repair);
            }
            Ok(ResponseValue::new(decoded.value, status, headers))
        }
        Err(failure) => {
            let mut invalid = crate::error::InvalidResponse::new(failure.reason, full);
            invalid.operation = (!operation.is_empty()).then(|| operation.to_owned());
            invalid.status = Some(status);
            invalid.path = failure.path;
            invalid.kind = failure.kind;
            tracing::warn!(operation, error = %invalid, "an answer that does not decode");
            Err(crate::convert::to_generated(crate::Error::InvalidResponse(
                Box::new(invalid),
            )))
        }
    }
}

/// A document that came as a JSON value (a search result), read as `T`
/// leniently, with its repairs reported like an answer's.
pub(crate) fn document<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    operation: &'static str,
) -> Result<T, crate::Error> {
    match crate::decode::decode_value::<T>(&value) {
        Ok(decoded) => {
            for repair in &decoded.repairs {
                report(operation, repair);
            }
            Ok(decoded.value)
        }
        Err(failure) => {
            let raw = serde_json::to_vec(&value).unwrap_or_default();
            let mut invalid = crate::error::InvalidResponse::new(failure.reason, raw);
            invalid.operation = Some(operation.to_owned());
            invalid.path = failure.path;
            invalid.kind = failure.kind;
            Err(crate::Error::InvalidResponse(Box::new(invalid)))
        }
    }
}

/// The most (operation, path) pairs whose repairs [`report`] remembers
/// having warned about.
const MAX_REPORTED: usize = 4096;

/// Warns about a repair the first time it is made to an operation's
/// answers at that path; later ones are debug events.
fn report(operation: &'static str, repair: &crate::decode::Repair) {
    use std::collections::HashSet;
    use std::sync::Mutex;
    static REPORTED: Mutex<Option<HashSet<(&'static str, String)>>> = Mutex::new(None);
    let first = {
        let mut reported = REPORTED.lock().unwrap_or_else(|p| p.into_inner());
        let reported = reported.get_or_insert_with(HashSet::new);
        let key = (operation, repair.path.clone());
        if reported.contains(&key) {
            false
        } else {
            if reported.len() < MAX_REPORTED {
                reported.insert(key);
            }
            true
        }
    };
    if first {
        tracing::warn!(
            operation,
            path = %repair.path,
            "the answer is not what the API documents, read leniently: {repair}"
        );
    } else {
        tracing::debug!(operation, path = %repair.path, "read leniently: {repair}");
    }
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
    /// status, headers and value; a body that does not decode is the
    /// crate's typed error.
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

        let invalid = from_response::<Vec<u32>, ()>(answer(200, "{not json"))
            .await
            .map(|v| v.into_inner())
            .unwrap_err();
        match crate::Error::from(invalid) {
            crate::Error::InvalidResponse(e) => {
                assert_eq!(e.raw_body(), b"{not json");
                assert_eq!(e.status.map(|s| s.as_u16()), Some(200));
            }
            other => panic!("{other:?}"),
        }

        let ours = stream(answer(200, "bytes"));
        assert_eq!(ours.headers()["x-total-count"], "7");
        let mut body = ours.into_inner().into_inner();
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"bytes");
    }
}
