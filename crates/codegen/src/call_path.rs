//! Output adaptations for the cost of a call: what progenitor 0.15's
//! generated `send()` does on every call that a hand-written call would
//! not, changed in its output without changing what is sent or returned.
//! Measured against plain reqwest making the same request
//! (`benches/nginx.sh`); each fails loudly when progenitor's output no
//! longer has the shape it rewrites, so that it is revisited, not kept as
//! dead code.
//!
//! - `urls_by_concatenation`: progenitor builds each request's URL with
//!   `format!("{}/path/{}", client.baseurl, encode_path(&id.to_string()))`;
//!   the formatting machinery, and the reallocation its capacity guess
//!   causes, cost more than the URL's parts joined:
//!   `[client.baseurl.as_str(), "/path/", encode_path(..).as_str()].concat()`.
//! - `error_answers_boxed`: the future of each `send()` holds, inline, the
//!   future that reads an error answer's body (`ResponseValue::from_response`
//!   in each error status's arm), which made it 1.7 KiB: moved on every
//!   call, for a path taken only on errors. Boxed there, the allocation is
//!   made only for an error answer.
//! - `answers_keep_their_headers`: progenitor's `ResponseValue::empty`,
//!   `from_response` and `stream` copy the header map of the response they
//!   consume; the generated code calls the runtime's `answer::empty`,
//!   `from_response` and `stream` instead, which take it (the same values
//!   and errors; see `sailpoint_runtime::answer`).
//! - `no_api_version_header`: progenitor adds an `api-version` header to
//!   every request (see the function).

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;

use crate::{AppliedAdaptation, Error};

/// Rewrites every `let url = format!(..)` whose arguments are the client's
/// base URL and encoded path parameters as a concatenation (see the module
/// docs). Any other shape is left as it is; none rewritten where there are
/// some is progenitor's output changing, and an error.
pub(crate) fn urls_by_concatenation(
    file: &mut syn::File,
) -> Result<Option<AppliedAdaptation>, Error> {
    struct Urls {
        seen: usize,
        rewritten: usize,
    }
    impl VisitMut for Urls {
        fn visit_local_mut(&mut self, local: &mut syn::Local) {
            let is_url = matches!(&local.pat, syn::Pat::Ident(i) if i.ident == "url");
            if let (true, Some(init)) = (is_url, &mut local.init) {
                if let syn::Expr::Macro(m) = &*init.expr {
                    if m.mac.path.is_ident("format") {
                        self.seen += 1;
                        if let Some(joined) = concatenation(&m.mac.tokens) {
                            *init.expr = joined;
                            self.rewritten += 1;
                        }
                    }
                }
            }
            syn::visit_mut::visit_local_mut(self, local);
        }
    }
    let mut urls = Urls {
        seen: 0,
        rewritten: 0,
    };
    urls.visit_file_mut(file);
    let change = if urls.rewritten == urls.seen {
        format!("{} request URL(s) joined, not formatted", urls.rewritten)
    } else {
        format!(
            "{} of {} request URL(s) joined, not formatted (the others are of another shape)",
            urls.rewritten, urls.seen
        )
    };
    outcome(
        "urls_by_concatenation",
        "URLs progenitor formats",
        (urls.seen, urls.rewritten),
        change,
    )
}

/// `[a.as_str(), "lit", ...].concat()` for the arguments of a `format!`
/// whose placeholders are all `{}` and whose arguments are all
/// `client.baseurl` or `encode_path(..)` (both `String`s); `None` for any
/// other shape.
fn concatenation(tokens: &TokenStream) -> Option<syn::Expr> {
    use syn::parse::Parser as _;
    let args = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated
        .parse2(tokens.clone())
        .ok()?;
    let mut args = args.into_iter();
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    }) = args.next()?
    else {
        return None;
    };
    let template = template.value();
    let literals: Vec<&str> = template.split("{}").collect();
    if literals.iter().any(|l| l.contains(['{', '}'])) {
        return None;
    }
    let args: Vec<syn::Expr> = args.collect();
    if args.len() + 1 != literals.len() || !args.iter().all(is_string_part) {
        return None;
    }
    let mut parts: Vec<TokenStream> = Vec::new();
    for (i, literal) in literals.iter().enumerate() {
        if i > 0 {
            let arg = &args[i - 1];
            parts.push(quote!(#arg.as_str()));
        }
        if !literal.is_empty() {
            parts.push(quote!(#literal));
        }
    }
    syn::parse2(quote!([#(#parts),*].concat())).ok()
}

/// Whether `expr` is `client.baseurl` or a call of `encode_path`: the two
/// `String`s progenitor puts in a URL.
fn is_string_part(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Field(field) => {
            matches!(&field.member, syn::Member::Named(m) if m == "baseurl")
                && matches!(&*field.base, syn::Expr::Path(p) if p.path.is_ident("client"))
        }
        syn::Expr::Call(call) => matches!(
            &*call.func,
            syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "encode_path")
        ),
        _ => false,
    }
}

/// Boxes the reading of every error answer's body (see the module docs):
/// `Error::ErrorResponse(ResponseValue::from_response(response).await?)`
/// becomes `Error::ErrorResponse(Box::pin(ResponseValue::from_response(response)).await?)`.
/// Where progenitor generated error arms and none has that shape, its
/// output changed: an error.
pub(crate) fn error_answers_boxed(
    file: &mut syn::File,
) -> Result<Option<AppliedAdaptation>, Error> {
    struct Boxed {
        arms: usize,
        boxed: usize,
    }
    impl VisitMut for Boxed {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            let is_error_response = matches!(
                &*call.func,
                syn::Expr::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "ErrorResponse")
            );
            if is_error_response && call.args.len() == 1 {
                self.arms += 1;
                if let Some(syn::Expr::Try(tried)) = call.args.first_mut() {
                    if let syn::Expr::Await(awaited) = &mut *tried.expr {
                        if reads_a_response(&awaited.base) {
                            let base = &awaited.base;
                            if let Ok(boxed) = syn::parse2(quote!(::std::boxed::Box::pin(#base))) {
                                *awaited.base = boxed;
                                self.boxed += 1;
                            }
                        }
                    }
                }
            }
            syn::visit_mut::visit_expr_call_mut(self, call);
        }
    }
    let mut boxed = Boxed { arms: 0, boxed: 0 };
    boxed.visit_file_mut(file);
    let change = format!(
        "the reading of {} error answer(s) boxed, out of every call's future",
        boxed.boxed
    );
    outcome(
        "error_answers_boxed",
        "error arms (none reads its body with ResponseValue::from_response)",
        (boxed.arms, boxed.boxed),
        change,
    )
}

/// Makes the generated code build its `ResponseValue`s with the runtime's
/// `answer` functions (see the module docs): `ResponseValue::empty(r)`,
/// `ResponseValue::from_response(r)` and `ResponseValue::stream(r)` become
/// `::sailpoint_runtime::answer::empty(r)`, ... . A call of another
/// `ResponseValue` function, or with explicit type arguments, is left as it
/// is; none rewritten where there are some is an error.
pub(crate) fn answers_keep_their_headers(
    file: &mut syn::File,
) -> Result<Option<AppliedAdaptation>, Error> {
    struct Answers {
        seen: usize,
        rewritten: usize,
    }
    impl VisitMut for Answers {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            let syn::Expr::Path(path) = &mut *call.func else {
                return;
            };
            let Some(function) = response_value_function(&path.path) else {
                return;
            };
            self.seen += 1;
            let plain = path.path.segments.iter().all(|s| s.arguments.is_none());
            let known = ["empty", "from_response", "stream"]
                .iter()
                .any(|f| function == f);
            if plain && known {
                if let Ok(runtime) = syn::parse2(quote!(::sailpoint_runtime::answer::#function)) {
                    path.path = runtime;
                    self.rewritten += 1;
                }
            }
        }
    }
    let mut answers = Answers {
        seen: 0,
        rewritten: 0,
    };
    answers.visit_file_mut(file);
    let change = format!(
        "{} of {} answer(s) made values by the runtime, their headers taken, not copied",
        answers.rewritten, answers.seen
    );
    outcome(
        "answers_keep_their_headers",
        "ResponseValue calls",
        (answers.seen, answers.rewritten),
        change,
    )
}

/// What an adaptation of this module reports, from how many places of its
/// shape it found (`seen`) and how many it rewrote (`done`): nothing when
/// there was nothing to do; an error when it found places and rewrote none
/// (progenitor's output changed, and the adaptation must be revisited).
fn outcome(
    adaptation: &'static str,
    places: &str,
    (seen, done): (usize, usize),
    change: String,
) -> Result<Option<AppliedAdaptation>, Error> {
    if seen > 0 && done == 0 {
        return Err(Error::Adaptation(format!(
            "{adaptation} rewrote none of the {seen} {places}: progenitor's output changed; \
             revisit the adaptation (crates/codegen/src/call_path.rs)"
        )));
    }
    Ok((done > 0).then_some(AppliedAdaptation { adaptation, change }))
}

/// Whether `expr` is a call of `ResponseValue::from_response`.
fn reads_a_response(expr: &syn::Expr) -> bool {
    let syn::Expr::Call(call) = expr else {
        return false;
    };
    let syn::Expr::Path(p) = &*call.func else {
        return false;
    };
    response_value_function(&p.path).is_some_and(|f| f == "from_response")
}

/// `f` when `path` is `ResponseValue::f` (with or without a path before it).
fn response_value_function(path: &syn::Path) -> Option<syn::Ident> {
    let segments = &path.segments;
    let n = segments.len();
    (n >= 2 && segments[n - 2].ident == "ResponseValue").then(|| segments[n - 1].ident.clone())
}

/// An adaptation of progenitor's output, not of the spec:
/// `no_api_version_header` removes the `api-version` header progenitor 0.15
/// adds to every request (with the spec's `info.version`). SailPoint
/// versions its API by path (`/beta`, `/v3`) and documents no such header;
/// sending it, and building it on every call (its name is validated at run
/// time), was pure cost. Where no header parameter is left, the header map
/// is not built at all (progenitor allocates one per call and merges it
/// into the request). Fails loudly when progenitor no longer emits the
/// header for every operation, so that the adaptation is dropped, not kept
/// as dead code.
pub(crate) fn no_api_version_header(
    file: &mut syn::File,
) -> Result<Option<AppliedAdaptation>, Error> {
    /// `header_map.append(...)`: its arguments, when `stmt` is one.
    fn header_append(
        stmt: &syn::Stmt,
    ) -> Option<&syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>> {
        let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
            return None;
        };
        let syn::Expr::Path(receiver) = &*call.receiver else {
            return None;
        };
        (call.method == "append" && receiver.path.is_ident("header_map")).then_some(&call.args)
    }
    /// `.headers(header_map)` replaced by what it is called on.
    struct NoHeaderMap(usize);
    impl syn::visit_mut::VisitMut for NoHeaderMap {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let syn::Expr::MethodCall(call) = expr {
                let passes_the_map = call.method == "headers"
                    && call.args.len() == 1
                    && matches!(&call.args[0], syn::Expr::Path(p) if p.path.is_ident("header_map"));
                if passes_the_map {
                    *expr = (*call.receiver).clone();
                    self.0 += 1;
                }
            }
        }
    }
    /// Removed headers, operations (progenitor's `OperationInfo`s), and
    /// header maps no longer built.
    struct Strip(usize, usize, usize);
    impl syn::visit_mut::VisitMut for Strip {
        fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
            if expr
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "OperationInfo")
            {
                self.1 += 1;
            }
            syn::visit_mut::visit_expr_struct_mut(self, expr);
        }
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| {
                !header_append(stmt).is_some_and(|args| {
                    args.first().is_some_and(|name| {
                        quote!(#name)
                            .to_string()
                            .contains("from_static (\"api-version\")")
                    })
                })
            });
            let removed = before - block.stmts.len();
            self.0 += removed;
            // Where nothing else uses the map (an optional header parameter
            // appends to it inside an `if let`), it is not built: its
            // statement goes, and so does the request builder's
            // `.headers(header_map)`, its one use.
            if removed > 0 {
                let is_map = |stmt: &syn::Stmt| {
                    matches!(stmt, syn::Stmt::Local(syn::Local {
                        pat: syn::Pat::Ident(ident), ..
                    }) if ident.ident == "header_map")
                };
                let used_otherwise = block.stmts.iter().filter(|s| !is_map(s)).any(|s| {
                    let mut without_headers_call = s.clone();
                    syn::visit_mut::VisitMut::visit_stmt_mut(
                        &mut NoHeaderMap(0),
                        &mut without_headers_call,
                    );
                    quote!(#without_headers_call)
                        .to_string()
                        .contains("header_map")
                });
                if !used_otherwise {
                    let mut uses = NoHeaderMap(0);
                    for stmt in block.stmts.iter_mut().filter(|s| !is_map(s)) {
                        syn::visit_mut::VisitMut::visit_stmt_mut(&mut uses, stmt);
                    }
                    if uses.0 > 0 {
                        block.stmts.retain(|s| !is_map(s));
                        self.2 += 1;
                    }
                } else if !block
                    .stmts
                    .iter()
                    .any(|s| quote!(#s).to_string().contains("header_map . append"))
                {
                    // Still used, but nothing appends to it: not `mut`.
                    if let Some(syn::Stmt::Local(syn::Local {
                        pat: syn::Pat::Ident(ident),
                        ..
                    })) = block.stmts.iter_mut().find(|s| is_map(s))
                    {
                        ident.mutability = None;
                    }
                }
            }
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    let mut strip = Strip(0, 0, 0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut strip, file);
    let operations = strip.1;
    if strip.0 != operations {
        return Err(Error::Adaptation(format!(
            "no_api_version_header removed the api-version header from {} request builders, \
             but the spec has {operations} operations: progenitor's output changed; \
             revisit the adaptation (crates/codegen/src/lib.rs)",
            strip.0
        )));
    }
    Ok((operations > 0).then(|| AppliedAdaptation {
        adaptation: "no_api_version_header",
        change: format!(
            "progenitor's api-version header removed from {operations} operation(s); \
             the header map not built in {} of them (no header parameter)",
            strip.2
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(code: &str) -> syn::File {
        syn::parse_str(code).unwrap()
    }

    fn text(file: &syn::File) -> String {
        quote!(#file).to_string()
    }

    #[test]
    fn urls_are_joined_from_the_base_url_and_encoded_parameters() {
        let mut f = file(
            r#"fn a(client: &C, id: &str, b: &str) {
                let url = format!("{}/sources/{}/schemas/{}", client.baseurl, encode_path(&id.to_string()), encode_path(&b.to_string()),);
            }
            fn b(client: &C) { let url = format!("{}/send-test-notification", client.baseurl,); }"#,
        );
        let applied = urls_by_concatenation(&mut f).unwrap().unwrap();
        assert_eq!(applied.change, "2 request URL(s) joined, not formatted");
        let out = text(&f);
        assert!(!out.contains("format !"), "{out}");
        assert!(
            out.contains(
                r#"[client . baseurl . as_str () , "/sources/" , encode_path (& id . to_string ()) . as_str () , "/schemas/" , encode_path (& b . to_string ()) . as_str ()] . concat ()"#
            ),
            "{out}"
        );
        assert!(
            out.contains(
                r#"[client . baseurl . as_str () , "/send-test-notification"] . concat ()"#
            ),
            "{out}"
        );
    }

    #[test]
    fn a_url_of_another_shape_is_left_formatted_and_none_rewritten_is_an_error() {
        // An argument that is not one of the two Strings, a placeholder
        // with a format spec: left as they are.
        let mut f = file(
            r#"fn a(client: &C, n: u32) {
                let url = format!("{}/x/{}", client.baseurl, n);
                let url = format!("{}/y/{:?}", client.baseurl, encode_path(&n.to_string()));
                let url = format!("{}/z", client.baseurl);
            }"#,
        );
        let applied = urls_by_concatenation(&mut f).unwrap().unwrap();
        assert_eq!(
            applied.change,
            "1 of 3 request URL(s) joined, not formatted (the others are of another shape)"
        );
        assert_eq!(text(&f).matches("format !").count(), 2);
        // All of another shape: progenitor changed; the adaptation says so.
        let mut f = file(r#"fn a(client: &C) { let url = format!("{}/x", client.base_url()); }"#);
        let err = urls_by_concatenation(&mut f).unwrap_err().to_string();
        assert!(
            err.contains("urls_by_concatenation rewrote none of the 1"),
            "{err}"
        );
        // No URLs at all (a spec without operations): nothing to say.
        let mut f = file("fn a() {}");
        assert!(urls_by_concatenation(&mut f).unwrap().is_none());
    }

    #[test]
    fn answers_are_made_values_by_the_runtime() {
        let mut f = file(
            r#"async fn send(response: R) -> Result<ResponseValue<T>, Error<E>> {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    204u16 => Ok(ResponseValue::empty(response)),
                    206u16 => Ok(ResponseValue::stream(response)),
                    207u16 => Ok(ResponseValue::new(x, s, h)),
                    208u16 => ResponseValue::<T>::from_response(response).await,
                    400u16 => Err(Error::ErrorResponse(Box::pin(ResponseValue::from_response(response)).await?)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }"#,
        );
        let applied = answers_keep_their_headers(&mut f).unwrap().unwrap();
        assert_eq!(
            applied.change,
            "4 of 6 answer(s) made values by the runtime, their headers taken, not copied"
        );
        let out = text(&f);
        for call in [
            "200u16 => :: sailpoint_runtime :: answer :: from_response (response) . await",
            "Ok (:: sailpoint_runtime :: answer :: empty (response))",
            "Ok (:: sailpoint_runtime :: answer :: stream (response))",
            "Box :: pin (:: sailpoint_runtime :: answer :: from_response (response))",
            // Not one of the three, or with type arguments: left.
            "ResponseValue :: new (x , s , h)",
            "ResponseValue :: < T > :: from_response (response)",
        ] {
            assert!(out.contains(call), "{call} in {out}");
        }
        let mut f = file("fn a() { ResponseValue::upgrade(r); }");
        let err = answers_keep_their_headers(&mut f).unwrap_err().to_string();
        assert!(
            err.contains("answers_keep_their_headers rewrote none of the 1 ResponseValue calls"),
            "{err}"
        );
    }

    #[test]
    fn error_answers_are_read_in_a_box_and_success_bodies_are_not() {
        let mut f = file(
            r#"async fn send(response: R) -> Result<ResponseValue<T>, Error<E>> {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }"#,
        );
        let applied = error_answers_boxed(&mut f).unwrap().unwrap();
        assert_eq!(
            applied.change,
            "the reading of 1 error answer(s) boxed, out of every call's future"
        );
        let out = text(&f);
        assert!(out.contains("Error :: ErrorResponse (:: std :: boxed :: Box :: pin (ResponseValue :: from_response (response)) . await ?)"), "{out}");
        assert!(
            out.contains("200u16 => ResponseValue :: from_response (response) . await"),
            "{out}"
        );
        // Error arms that read their body otherwise: progenitor changed.
        let mut f = file(
            "async fn send(r: R) { Err(Error::ErrorResponse(ResponseValue::read(r).await?)) }",
        );
        let err = error_answers_boxed(&mut f).unwrap_err().to_string();
        assert!(
            err.contains("error_answers_boxed rewrote none of the 1 error arms"),
            "{err}"
        );
    }

    #[test]
    fn no_api_version_header_fails_loudly_when_progenitor_s_output_changes() {
        // One operation, its header built: removed, and the map, left
        // empty, not built at all.
        let mut one = file(
            r#"fn send() {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(::reqwest::header::HeaderName::from_static("api-version"), ::reqwest::header::HeaderValue::from_static(super::Client::api_version()));
                let mut request = client.client.post(url).header(ACCEPT, v).json(&body).headers(header_map).build()?;
                let info = OperationInfo { operation_id: "send" };
            }"#,
        );
        let applied = no_api_version_header(&mut one).unwrap().unwrap();
        assert_eq!(applied.adaptation, "no_api_version_header");
        assert!(applied
            .change
            .ends_with("not built in 1 of them (no header parameter)"));
        let text = quote!(#one).to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(!text.contains("header_map"), "{text}");
        assert!(text.contains(". json (& body) . build () ?"), "{text}");
        // An empty map used some other way is kept, not `mut`.
        let mut other = file(
            r#"fn send() {
                let mut header_map = HeaderMap::with_capacity(1usize);
                header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static("1"));
                let request = client.client.post(url).headers(header_map.clone()).build()?;
                let info = OperationInfo { operation_id: "send" };
            }"#,
        );
        no_api_version_header(&mut other).unwrap();
        let text = quote!(#other).to_string();
        assert!(text.contains("let header_map"), "{text}");
        // A header parameter still appended keeps the map `mut`.
        let mut kept = file(
            r#"fn send() {
                let mut header_map = HeaderMap::with_capacity(2usize);
                header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static("1"));
                header_map.append("x-trace", value.to_string().try_into()?);
                let info = OperationInfo { operation_id: "send" };
            }"#,
        );
        no_api_version_header(&mut kept).unwrap();
        assert!(quote!(#kept).to_string().contains("let mut header_map"));
        // An optional header parameter appends inside an `if let`: the map
        // is kept, `mut`, and still passed to the request.
        let mut optional = file(
            r#"fn send() {
                let mut header_map = HeaderMap::with_capacity(2usize);
                header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static("1"));
                if let Some(value) = accept_language {
                    header_map.append("Accept-Language", value.to_string().try_into()?);
                }
                let request = client.client.get(url).headers(header_map).build()?;
                let info = OperationInfo { operation_id: "send" };
            }"#,
        );
        no_api_version_header(&mut optional).unwrap();
        let text = quote!(#optional).to_string();
        assert!(text.contains("let mut header_map"), "{text}");
        assert!(text.contains(". headers (header_map)"), "{text}");
        // An operation whose header progenitor no longer emits: an error.
        let mut changed =
            file(r#"fn send() { let info = OperationInfo { operation_id: "send" }; }"#);
        let err = no_api_version_header(&mut changed).unwrap_err();
        assert!(
            err.to_string().contains("progenitor's output changed"),
            "{err}"
        );
    }
}
