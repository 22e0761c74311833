//! An output adaptation: `send_returns_the_crates_error`. Every builder's
//! `send()` returns the runtime's one error type,
//! `Result<ResponseValue<T>, ::sailpoint_runtime::Error>`, so that `?`
//! works in a function returning the client crate's `Error` with no
//! `Error::from`, and a caller matches on one type whatever failed.
//!
//! progenitor's `send()` returns its own `Error<E>`; its body stays as
//! progenitor wrote it, renamed `send_generated` (private), and the new
//! public `send()` (with its docs) converts what it returns (the runtime's
//! failures ride inside progenitor's error to that conversion: see
//! `sailpoint_runtime`'s `convert` module). Each call that decodes a JSON
//! answer (`::sailpoint_runtime::answer::from_response`, written by
//! `answers_keep_their_headers`) is given the operation's name
//! (`answer::json(response, "operation")`), so that a body read leniently,
//! or not at all, is reported with the operation it belongs to; the name
//! is the literal of the body's `OperationInfo`, so it costs no call
//! anything.
//!
//! A `send()` of another shape is left as it is; none rewritten where
//! there are some is an error (progenitor's output changed).

use quote::quote;
use syn::visit_mut::VisitMut;

use crate::paginated::generic_args;
use crate::{AppliedAdaptation, Error};

/// Rewrites every builder's `send()` (see the module docs).
pub(crate) fn send_returns_the_crates_error(
    file: &mut syn::File,
) -> Result<Option<AppliedAdaptation>, Error> {
    let mut seen = 0usize;
    let mut rewritten = 0usize;
    let mut named = 0usize;
    if let Some(items) = builder_items(file) {
        for item in items.iter_mut() {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            if block.trait_.is_some() {
                continue;
            }
            let mut added = Vec::new();
            for member in &mut block.items {
                let syn::ImplItem::Fn(send) = member else {
                    continue;
                };
                if send.sig.ident != "send" {
                    continue;
                }
                seen += 1;
                let Some(success) = success_type(&send.sig.output) else {
                    continue;
                };
                let Some(operation) = operation_id(&send.block) else {
                    continue;
                };
                let mut calls = NameTheOperation {
                    operation: &operation,
                    named: 0,
                };
                calls.visit_block_mut(&mut send.block);
                named += calls.named;
                let docs: Vec<syn::Attribute> = send
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("doc"))
                    .cloned()
                    .collect();
                send.attrs.retain(|a| !a.path().is_ident("doc"));
                send.sig.ident = syn::Ident::new("send_generated", send.sig.ident.span());
                send.vis = syn::Visibility::Inherited;
                let wrapper: syn::ImplItemFn = syn::parse_quote! {
                    #(#docs)*
                    ///
                    /// Fails with the crate's one error type, whatever failed.
                    pub async fn send(
                        self,
                    ) -> ::std::result::Result<ResponseValue<#success>, ::sailpoint_runtime::Error> {
                        self.send_generated().await.map_err(::sailpoint_runtime::Error::from)
                    }
                };
                added.push(syn::ImplItem::Fn(wrapper));
                rewritten += 1;
            }
            block.items.extend(added);
        }
    }
    if seen > 0 && rewritten == 0 {
        return Err(Error::Adaptation(format!(
            "send_returns_the_crates_error rewrote none of the {seen} builder send() \
             functions: progenitor's output changed; revisit the adaptation \
             (crates/codegen/src/crate_error.rs)"
        )));
    }
    Ok((rewritten > 0).then(|| AppliedAdaptation {
        adaptation: "send_returns_the_crates_error",
        change: format!(
            "{rewritten} of {seen} send() function(s) return sailpoint_runtime::Error; \
             {named} JSON answer(s) decoded with their operation's name"
        ),
    }))
}

/// The items of the generated `builder` module (the builders and their
/// impls), if there is one.
pub(crate) fn builder_items(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "builder" => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// `T` of `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = generic_args(ty, "Result")?;
    if result.len() != 2 || generic_args(&result[1], "Error").is_none() {
        return None;
    }
    generic_args(&result[0], "ResponseValue")?
        .into_iter()
        .next()
}

/// The `operation_id` literal of the `OperationInfo` a `send()` builds.
fn operation_id(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if s.path.is_ident("OperationInfo") {
                for field in &s.fields {
                    let is_id =
                        matches!(&field.member, syn::Member::Named(n) if n == "operation_id");
                    if let (true, syn::Expr::Lit(lit)) = (is_id, &field.expr) {
                        if let syn::Lit::Str(id) = &lit.lit {
                            self.0 = Some(id.value());
                        }
                    }
                }
            }
            syn::visit::visit_expr_struct(self, s);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// `::sailpoint_runtime::answer::from_response(response)` →
/// `::sailpoint_runtime::answer::json(response, "operation")`.
struct NameTheOperation<'a> {
    operation: &'a str,
    named: usize,
}

impl VisitMut for NameTheOperation<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let syn::Expr::Path(path) = &*call.func else {
            return;
        };
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if segments != ["sailpoint_runtime", "answer", "from_response"] || call.args.len() != 1 {
            return;
        }
        let operation = self.operation;
        if let Ok(json) = syn::parse2(quote!(::sailpoint_runtime::answer::json)) {
            *call.func = syn::Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: json,
            });
            call.args.push(syn::parse_quote!(#operation));
            self.named += 1;
        }
    }
}
