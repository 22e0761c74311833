//! The `QUIRKS` table: what the adaptations changed that the runtime undoes
//! on the wire, one entry per operation.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::{adaptations, areas, lifecycle, method_name};

/// The 2xx statuses an operation documents, in order; `None` when it
/// documents a `2XX` range or a `default` answer (any 2xx is then already
/// one the generated code reads) or no 2xx at all.
fn documented_successes(op: &Value) -> Option<Vec<u16>> {
    let responses = op.get("responses")?.as_object()?;
    let mut codes = Vec::new();
    for key in responses.keys() {
        if key == "default" || key.eq_ignore_ascii_case("2XX") {
            return None;
        }
        if let Ok(code @ 200..=299) = key.parse::<u16>() {
            codes.push(code);
        }
    }
    codes.sort_unstable();
    (!codes.is_empty()).then_some(codes)
}

/// The `QUIRKS` table the runtime reads: what the adaptations changed in the
/// spec copy that the runtime must undo on the wire, and each operation's
/// error body type, one entry per operation that has any, sorted by method
/// name (the runtime looks an operation up once per call, by binary
/// search). An entry carries its operation's area `cfg`, so that a client
/// built without the area has neither the entry nor the error type it
/// names. The client hands the table to the runtime when it is built.
pub(crate) fn quirks_table(spec: &Value) -> (TokenStream, Vec<String>) {
    let unit = areas::Unit::of(spec);
    let mut entries: Vec<(String, TokenStream)> = Vec::new();
    for operation in openapi_model::operations(spec) {
        let op = operation.op;
        let Some(id) = operation.id() else {
            continue;
        };
        let name = method_name(id);
        let content_type = op
            .get(adaptations::REQUEST_CONTENT_TYPE_EXT)
            .and_then(Value::as_str);
        let empty_as_null =
            op.get(adaptations::EMPTY_SUCCESS_AS_NULL_EXT) == Some(&Value::Bool(true));
        let error_body = op.get(adaptations::ERROR_BODY_EXT).and_then(Value::as_str);
        let successes = documented_successes(op).unwrap_or_default();
        let experimental = lifecycle::is_experimental(op);
        let deprecated = lifecycle::is_deprecated(op);
        if content_type.is_none()
            && !empty_as_null
            && error_body.is_none()
            && successes.is_empty()
            && !experimental
            && !deprecated
        {
            continue;
        }
        let content_type = match content_type {
            Some(ct) => quote!(Some(#ct)),
            None => quote!(None),
        };
        let error_body = match error_body {
            Some(ty) => {
                let ty = quote::format_ident!("{}", ty);
                quote!(Some(::sailpoint_runtime::hooks::decodes::<types::#ty>))
            }
            None => quote!(None),
        };
        let features = areas::operation_features(unit, operation.path, op);
        let gate =
            (!features.is_empty()).then(|| areas::cfg_any(&features.iter().cloned().collect()));
        let entry = quote! {
            #gate
            ::sailpoint_runtime::OperationQuirks {
                operation: #name,
                request_content_type: #content_type,
                empty_success_as_null: #empty_as_null,
                success_statuses: &[#(#successes),*],
                error_body_decodes: #error_body,
                experimental: #experimental,
                deprecated: #deprecated,
            }
        };
        entries.push((name, entry));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let ids: Vec<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    let entries = entries.iter().map(|(_, e)| e);
    let tokens = quote! {
        /// What the code generator's adaptations changed that the runtime
        /// undoes on the wire, and each operation's error body type (see
        /// crates/codegen, adaptations), sorted by operation. Handed to the
        /// runtime when the client is built.
        pub const QUIRKS: ::sailpoint_runtime::Quirks = ::sailpoint_runtime::Quirks {
            operations: &[#(#entries),*],
        };
    };
    (tokens, ids)
}
