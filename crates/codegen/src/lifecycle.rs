//! An operation's standing in SailPoint's API lifecycle: experimental
//! (SailPoint rejects a request without `X-SailPoint-Experimental: true`)
//! or deprecated (the docs say so; the server answers with
//! `X-Deprecated: true`).
//!
//! The spec declares the experimental header as a required header
//! parameter of each experimental operation. As a method argument every
//! caller would have to pass a constant, and a caller could not tell an
//! experimental operation from a stable one. [`experimental_header_is_a_setting`]
//! takes it out of the copy progenitor generates from and marks the
//! operation ([`EXPERIMENTAL_EXT`]); the quirks table tells the runtime,
//! which sends the header for exactly these operations once the client
//! opted in (`ClientBuilder::experimental`), and refuses them, before any
//! request, otherwise. `deprecated_methods` marks the `Client` method of
//! each deprecated operation `#[deprecated]` with the docs' note.

use std::collections::HashMap;

use serde_json::Value;

use crate::{method_name, AppliedAdaptation};

/// The operation extension (on the adapted copy) that marks an experimental
/// operation, for the quirks table.
pub const EXPERIMENTAL_EXT: &str = "x-sailpoint-experimental";

/// The header SailPoint requires on experimental operations.
pub const EXPERIMENTAL_HEADER: &str = "X-SailPoint-Experimental";

/// The experimental header parameter leaves each operation that declares
/// it; the operation is marked experimental instead. An operation whose
/// spec says `x-sailpoint-experimental: true` without the parameter is
/// experimental too.
pub fn experimental_header_is_a_setting(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    openapi_model::operations_mut(spec, &mut |route, op| {
        let Some(map) = op.as_object_mut() else {
            return;
        };
        let mut removed = false;
        if let Some(Value::Array(parameters)) = map.get_mut("parameters") {
            let before = parameters.len();
            parameters.retain(|p| !is_experimental_header(p));
            removed = parameters.len() != before;
            if parameters.is_empty() {
                map.remove("parameters");
            }
        }
        let marked = map.get(EXPERIMENTAL_EXT) == Some(&Value::Bool(true));
        if removed || marked {
            map.insert(EXPERIMENTAL_EXT.into(), Value::Bool(true));
        }
        if removed {
            changes.push(format!(
                "{route}: experimental; its `{EXPERIMENTAL_HEADER}` header is sent by the runtime once the client opts in, not passed by the caller"
            ));
        }
    });
    changes
}

fn is_experimental_header(parameter: &Value) -> bool {
    parameter.get("in").and_then(Value::as_str) == Some("header")
        && parameter
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case(EXPERIMENTAL_HEADER))
}

/// Whether the adapted operation is experimental.
pub fn is_experimental(op: &Value) -> bool {
    op.get(EXPERIMENTAL_EXT) == Some(&Value::Bool(true))
}

/// Whether the operation is deprecated.
pub fn is_deprecated(op: &Value) -> bool {
    op.get("deprecated") == Some(&Value::Bool(true))
}

/// The note a deprecated operation's method carries: the docs' own
/// (`x-deprecated-description`), else a sentence that says so.
fn deprecation_note(op: &Value) -> String {
    let docs = op
        .get("x-deprecated-description")
        .and_then(Value::as_str)
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|text| !text.is_empty());
    docs.unwrap_or_else(|| {
        "SailPoint's docs mark this operation deprecated (the server answers it with `X-Deprecated: true`)".to_owned()
    })
}

/// An adaptation of progenitor's output: each deprecated operation's
/// `Client` method gets `#[deprecated(note = ...)]`, so that a caller's
/// build warns where it calls one.
pub(crate) fn deprecated_methods(file: &mut syn::File, spec: &Value) -> Option<AppliedAdaptation> {
    let notes: HashMap<String, String> = openapi_model::operations(spec)
        .filter(|operation| is_deprecated(operation.op))
        .filter_map(|operation| {
            Some((method_name(operation.id()?), deprecation_note(operation.op)))
        })
        .collect();
    if notes.is_empty() {
        return None;
    }
    let mut marked = 0usize;
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if !crate::areas::is_client_impl(block) {
            continue;
        }
        for member in &mut block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let Some(note) = notes.get(&f.sig.ident.to_string()) else {
                continue;
            };
            f.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
            marked += 1;
        }
    }
    Some(AppliedAdaptation {
        adaptation: "deprecated_methods",
        change: format!(
            "{marked} of {} deprecated operation(s) marked `#[deprecated]`",
            notes.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_experimental_header_leaves_the_arguments_and_marks_the_operation() {
        let mut spec = json!({"paths": {
            "/a/v1": {"get": {"operationId": "listA", "parameters": [
                {"in": "header", "name": "X-SailPoint-Experimental", "required": true, "schema": {"type": "string"}},
                {"in": "query", "name": "limit", "schema": {"type": "integer"}}
            ], "responses": {}}},
            "/b/v1": {"get": {"operationId": "listB", "parameters": [
                {"in": "header", "name": "x-sailpoint-experimental", "schema": {"type": "string"}}
            ], "responses": {}}},
            "/c/v1": {"get": {"operationId": "listC", "responses": {}}}
        }});
        let changes = experimental_header_is_a_setting(&mut spec);
        assert_eq!(changes.len(), 2, "{changes:?}");
        let a = &spec["paths"]["/a/v1"]["get"];
        assert!(is_experimental(a));
        assert_eq!(a["parameters"].as_array().unwrap().len(), 1);
        let b = &spec["paths"]["/b/v1"]["get"];
        assert!(is_experimental(b) && b.get("parameters").is_none());
        assert!(!is_experimental(&spec["paths"]["/c/v1"]["get"]));
    }

    #[test]
    fn deprecated_methods_carry_the_docs_note() {
        let spec = json!({"paths": {"/a/v1": {"get": {
            "operationId": "getA", "deprecated": true,
            "x-deprecated-description": "Use   getB\ninstead.", "responses": {}
        }}, "/b/v1": {"get": {"operationId": "getB", "responses": {}}}}});
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn get_a(&self) -> builder::GetA<'_> { builder::GetA::new(self) }
                pub fn get_b(&self) -> builder::GetB<'_> { builder::GetB::new(self) }
            }
        };
        let applied = deprecated_methods(&mut file, &spec).unwrap();
        assert_eq!(
            applied.change,
            "1 of 1 deprecated operation(s) marked `#[deprecated]`"
        );
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains("# [deprecated (note = \"Use getB instead.\")] pub fn get_a"),
            "{text}"
        );
        assert!(!text.contains("] pub fn get_b"), "{text}");
    }
}
