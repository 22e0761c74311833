//! The mock layer: progenitor's `Generator::httpmock` output, fixed where
//! it does not fit this client (each fix shown by
//! `crates/codegen/tests/httpmock.rs`).

use proc_macro2::TokenStream;
use quote::quote;

/// Where progenitor 0.15's mock generator emits code that does not compile,
/// fixed in its output (each shown by `crates/codegen/tests/httpmock.rs`):
///
/// - `array_parameters_match_each_item`: a query or header parameter that
///   is an array is matched with `value.to_string()`, which a `Vec` does
///   not have; the client sends one `name=item` pair per item, so the
///   mock requires each.
/// - `parameters_as_the_client_sends_them`: query and header parameters are
///   matched with `to_string()`, which the types of open enums (adaptation
///   `open_enums`) do not have, and which for other types can differ from
///   what the client sends (it serializes them with serde); they are
///   matched with their serde form (`parameter_text`, added to the module).
/// - `bodies_by_reference`: a response body the mock takes by value
///   (`Option<&T>` for a nullable type, see the adaptation
///   `one_success_type_per_operation`; `bool`, `i32` or an enum for a
///   scalar body) is passed where `&T` is wanted, which does not compile;
///   it is passed by reference (`None` is `null`).
pub(crate) struct MockFixes;

impl syn::visit_mut::VisitMut for MockFixes {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if module.ident == "operations" {
            if let Some((_, items)) = &mut module.content {
                items.push(syn::parse_quote! {
                    /// A parameter's text as the client sends it: its serde
                    /// form, a string without quotes.
                    fn parameter_text<T: ::serde::Serialize + ?Sized>(value: &T) -> String {
                        match ::serde_json::to_value(value) {
                            Ok(::serde_json::Value::String(text)) => text,
                            Ok(other) => other.to_string(),
                            Err(_) => String::new(),
                        }
                    }
                });
            }
        }
        syn::visit_mut::visit_item_mod_mut(self, module);
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        let sig = &f.sig;
        let signature = quote!(#sig).to_string();
        let takes_array = signature.contains("Vec <");
        let value_not_by_reference = f.sig.inputs.iter().any(|input| match input {
            syn::FnArg::Typed(t) => {
                let pat = &t.pat;
                quote!(#pat).to_string() == "value" && !matches!(&*t.ty, syn::Type::Reference(_))
            }
            syn::FnArg::Receiver(_) => false,
        });
        let mut fix = FixCalls {
            takes_array,
            value_not_by_reference,
        };
        syn::visit_mut::VisitMut::visit_block_mut(&mut fix, &mut f.block);
    }
}

struct FixCalls {
    takes_array: bool,
    value_not_by_reference: bool,
}

impl syn::visit_mut::VisitMut for FixCalls {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        let method = call.method.to_string();
        let receiver = &call.receiver;
        let is_value = |e: &syn::Expr| quote!(#e).to_string() == "value";
        if self.value_not_by_reference
            && method == "json_body_obj"
            && call.args.len() == 1
            && is_value(&call.args[0])
        {
            call.args[0] = syn::parse_quote!(&value);
            return;
        }
        let on_inner = quote!(#receiver).to_string() == "self . 0";
        let by_string = call.args.len() == 2 && {
            let arg = &call.args[1];
            quote!(#arg).to_string() == "value . to_string ()"
        };
        if !(on_inner && by_string && (method == "query_param" || method == "header")) {
            return;
        }
        let name = call.args[0].clone();
        let method = call.method.clone();
        *expr = if self.takes_array {
            syn::parse_quote! {
                value.iter().fold(self.0, |inner, value| inner.#method(#name, parameter_text(value)))
            }
        } else {
            syn::parse_quote!(self.0.#method(#name, parameter_text(&value)))
        };
    }
}

/// The path of the spec's first server URL (`https://{tenant}.api.identitynow.com/beta`
/// → `/beta`; a relative server URL is a path), without a trailing slash;
/// empty when there is none.
pub(crate) fn server_path(spec: &openapiv3::OpenAPI) -> String {
    let Some(url) = spec.servers.first().map(|s| s.url.as_str()) else {
        return String::new();
    };
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    path.trim_end_matches('/').to_owned()
}

/// progenitor's mock layer matches paths as the spec writes them
/// (`^/send-test-notification$`), but the client sends them under its
/// server's path (`/beta/send-test-notification`): every path pattern of
/// the mock code (a string literal starting `"^/`) gets `prefix` in front.
pub(crate) fn paths_under_server(tokens: TokenStream, prefix: &str) -> TokenStream {
    use proc_macro2::{Group, Literal, TokenTree};
    if prefix.is_empty() {
        return tokens;
    }
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let mut inner = Group::new(
                    group.delimiter(),
                    paths_under_server(group.stream(), prefix),
                );
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                match text.strip_prefix("\"^/") {
                    Some(rest) => {
                        let pattern =
                            format!("^{}/{}", regex_escape(prefix), &rest[..rest.len() - 1]);
                        TokenTree::Literal(Literal::string(&pattern.replace("\\\\", "\\")))
                    }
                    None => TokenTree::Literal(literal),
                }
            }
            other => other,
        })
        .collect()
}

/// A server path as a regex (and `format!`) fragment: dots escaped, a
/// server variable (`{version}`) matching one segment, other punctuation
/// in a class of its own.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_variable = false;
    for c in text.chars() {
        match c {
            '{' => {
                in_variable = true;
                out.push_str("[^/]+");
            }
            '}' => in_variable = false,
            _ if in_variable => {}
            '.' => out.push_str("\\."),
            c if c.is_alphanumeric() || "/_-~".contains(c) => out.push(c),
            // In a class, most characters stand for themselves, and the
            // fragment stays free of `{}` (it is also a `format!` string).
            c if !"\\]^[".contains(c) => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push('.'),
        }
    }
    out
}
