//! The table behind `tests/response_examples.rs`, the test that decodes
//! every response example of SailPoint's docs into its operation's
//! generated type: for every operation whose success answer is JSON and
//! whose docs give an example of it, its route and a decoder of the
//! success type of its `send()`.
//!
//! The type is never named here: each row hands the test a closure that
//! would call the operation (`|c| c.list_accounts().send()`, never called),
//! and the compiler infers the success type from it. A row for an
//! operation whose `send()` does not decode JSON would not compile, so the
//! rows are chosen on the adapted spec, the one progenitor generated the
//! client from (a success that some 2xx sends as another media type is a
//! byte stream there). The examples themselves are read by the test from
//! `spec/openapi.json`, not copied here.

use serde_json::Value;

use crate::{adaptations, method_name, Error, HEADER};

/// Where `cargo xtask regen` writes the table.
pub const PATH: &str = "tests/response_examples/decoders.rs";

/// The media types the generated client decodes as JSON (after the
/// adaptation `json_like_responses_are_json`).
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Whether a media type object carries an example of its body: `example`,
/// `examples`, or its schema's own `example`.
fn has_example(media: &Value) -> bool {
    media.get("example").is_some()
        || media
            .get("examples")
            .and_then(Value::as_object)
            .is_some_and(|e| !e.is_empty())
        || media.pointer("/schema/example").is_some()
}

/// The rows: `(route, method)` for every operation of `spec` (the text of
/// `spec/openapi.json`) with an example of a JSON success answer that the
/// client generated with `degraded` has, sorted by route, the route as
/// `"get /accounts/v1"`.
pub fn rows(
    spec_json: &str,
    degraded: &[crate::Degradation],
) -> Result<Vec<(String, String)>, Error> {
    let spec: Value = serde_json::from_str(spec_json)?;
    let mut adapted = spec.clone();
    adaptations::adapt_with(&mut adapted, adaptations::ADAPTATIONS);
    // `degraded` is what the client was generated with (the spec's
    // persisted list included): an operation it does not have (degraded to
    // `Removed`) has no row; one degraded to untyped answers is decoded as
    // it now is.
    crate::degrade::apply(&mut adapted, degraded);
    let mut rows = Vec::new();
    for operation in openapi_model::operations(&spec) {
        let successes = |op: &Value| -> Vec<(String, Value)> {
            op.get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
                .map(|(status, response)| (status.clone(), response.clone()))
                .collect()
        };
        let documented = successes(operation.op).into_iter().any(|(_, response)| {
            response
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .any(|(media_type, media)| is_json(media_type) && has_example(media))
        });
        if !documented {
            continue;
        }
        let Some(adapted_op) = adapted
            .get("paths")
            .and_then(|p| p.get(operation.path))
            .and_then(|p| p.get(operation.method))
        else {
            continue;
        };
        // Decoded as JSON: every 2xx with a body has only JSON bodies.
        let decoded = successes(adapted_op).iter().all(|(_, response)| {
            response
                .get("content")
                .and_then(Value::as_object)
                .is_none_or(|content| content.keys().all(|m| is_json(m)))
        });
        let Some(id) = adapted_op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        if decoded {
            rows.push((
                format!("{} {}", operation.method, operation.path),
                method_name(id),
            ));
        }
    }
    rows.sort();
    Ok(rows)
}

/// The table's source (see the module docs), headed as every generated
/// file is.
pub fn table(spec_json: &str, degraded: &[crate::Degradation]) -> Result<String, Error> {
    let rows = rows(spec_json, degraded)?;
    let mut out = String::from(HEADER);
    out.push_str(
        "\n//! Every operation with an example of a JSON success answer in the docs:\n\
         //! its route, and a decoder of its `send()`'s success type (see\n\
         //! crates/codegen/src/response_examples.rs).\n\n\
         // Deprecated operations have examples too.\n\
         #![allow(deprecated)]\n\n\
         use super::{decoder, Decoder};\n\n\
         /// `(route, decoder)` of every such operation.\n\
         pub(crate) fn decoders() -> Vec<(&'static str, Decoder)> {\n    vec![\n",
    );
    for (route, method) in &rows {
        out.push_str(&format!(
            "        ({route:?}, decoder(|c| c.{method}().send())),\n"
        ));
    }
    out.push_str("    ]\n}\n");
    Ok(out)
}
