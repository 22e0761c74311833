//! An output adaptation: `paginated_lists`. Every list operation (its
//! builder has `offset` and `limit` and its success is a JSON array) gets a
//! `stream()` of its items, page by page, built on
//! `sailpoint_runtime::pagination::items`. progenitor generates paginated
//! streams only for its own `x-dropshot-pagination` extension; SailPoint
//! pages with `offset`/`limit` (and says so in every list operation's
//! parameters). The page size is the caller's `limit`, at most the
//! operation's documented maximum (`limit`'s `maximum`, else 250,
//! SailPoint's standard one).

use std::collections::HashMap;

use serde_json::Value;

use crate::{method_name, AppliedAdaptation};

/// SailPoint's standard largest page, for a `limit` with no `maximum`.
const STANDARD_MAXIMUM: u64 = 250;

/// Adds `stream()` to every list operation's builder (see the module docs).
pub(crate) fn paginated_lists(file: &mut syn::File, spec: &Value) -> Option<AppliedAdaptation> {
    // operation method → the most its `limit` allows.
    let mut maximum: HashMap<String, u64> = HashMap::new();
    for operation in openapi_model::operations(spec) {
        let Some(id) = operation.id() else { continue };
        let limit = operation
            .op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|p| {
                p.get("name") == Some(&Value::from("limit"))
                    && p.get("in") == Some(&Value::from("query"))
            });
        if let Some(limit) = limit {
            let max = limit
                .pointer("/schema/maximum")
                .and_then(Value::as_u64)
                .filter(|m| *m > 0)
                .unwrap_or(STANDARD_MAXIMUM);
            maximum.insert(method_name(id), max);
        }
    }
    // builder struct → the most its `limit` allows, through the `Client`
    // method that returns it.
    let by_builder: HashMap<String, u64> = crate::areas::method_builders(file)
        .into_iter()
        .filter_map(|(method, builder)| Some((builder, *maximum.get(&method)?)))
        .collect();
    let mut added = 0usize;
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "builder" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        let mut streams = Vec::new();
        for item in items.iter() {
            let syn::Item::Struct(s) = item else { continue };
            let Some(max) = by_builder.get(&s.ident.to_string()) else {
                continue;
            };
            let has = |name: &str| {
                s.fields
                    .iter()
                    .any(|f| f.ident.as_ref().is_some_and(|i| i == name))
            };
            if !(has("offset") && has("limit")) {
                continue;
            }
            let Some(item_type) = list_item_type(items, &s.ident) else {
                continue;
            };
            // The parameters' own types (`i32`, `NonZeroU32`, ...): the
            // pager's numbers are converted to them, not handed over as
            // `u64` (no `u64: TryInto<NonZeroU32>`).
            let (Some(offset_type), Some(limit_type)) =
                (field_value_type(s, "offset"), field_value_type(s, "limit"))
            else {
                continue;
            };
            let name = &s.ident;
            let doc = format!(
                "Every item of the list, page by page over `offset`/`limit`, as a stream: pages of `limit` items when it is set (at most {max}, the API's maximum), else of {max}, from `offset` when it is set. Each page is one call through the client (its retries and re-authentication apply). See [`sailpoint_runtime::pagination`]."
            );
            streams.push(syn::parse_quote! {
                impl<'a> #name<'a> {
                    #[doc = #doc]
                    pub fn stream(self) -> ::sailpoint_runtime::pagination::Items<'a, #item_type> {
                        use ::sailpoint_runtime::pagination::PageNumber as _;
                        let size = ::sailpoint_runtime::pagination::page_size(
                            self.limit.clone().ok().flatten().and_then(|n| n.as_i64()),
                            #max,
                        );
                        let start = self
                            .offset
                            .clone()
                            .ok()
                            .flatten()
                            .and_then(|n| n.as_i64())
                            .and_then(|n| u64::try_from(n).ok())
                            .unwrap_or(0);
                        ::sailpoint_runtime::pagination::items(size, start, move |offset, limit| {
                            let page = self
                                .clone()
                                .offset(<#offset_type as ::sailpoint_runtime::pagination::PageNumber>::saturating_from(offset))
                                .limit(<#limit_type as ::sailpoint_runtime::pagination::PageNumber>::saturating_from(limit));
                            async move {
                                let response = page.send().await?;
                                Ok(::sailpoint_runtime::pagination::Page::from_response(response))
                            }
                        })
                    }
                }
            });
        }
        added += streams.len();
        items.extend(streams);
    }
    (added > 0).then(|| AppliedAdaptation {
        adaptation: "paginated_lists",
        change: format!("{added} list operation(s) stream their items over offset/limit"),
    })
}

/// The item type of a builder's list: `T` of its `send()`'s
/// `Result<ResponseValue<Vec<T>>, _>`.
/// `T` of a builder field `name: Result<Option<T>, String>`.
fn field_value_type(s: &syn::ItemStruct, name: &str) -> Option<syn::Type> {
    let field = s
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == name))?;
    let result = generic_args(&field.ty, "Result")?;
    generic_args(result.first()?, "Option")?.first().cloned()
}

fn list_item_type(items: &[syn::Item], builder: &syn::Ident) -> Option<syn::Type> {
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_some() || self_ty.path.segments.last()?.ident != *builder {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident != "send" {
                continue;
            }
            let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                return None;
            };
            // Result<ResponseValue<Vec<T>>, Error<E>>
            let result = generic_args(ty, "Result")?;
            let value = generic_args(result.first()?, "ResponseValue")?;
            let vec = generic_args(value.first()?, "Vec")?;
            return vec.first().cloned();
        }
    }
    None
}

/// The type arguments of `ty` when its last path segment is `name`.
pub(crate) fn generic_args(ty: &syn::Type, name: &str) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}
