//! An output adaptation: `lists_ask_for_their_count`. The `stream()` of a
//! list operation that takes SailPoint's `count` parameter asks for the
//! count (`count=true`) with its first page, unless the caller set `count`
//! themselves: the answer's `X-Total-Count` then tells the pager where the
//! list ends (no empty page asked for after a full last one, no `400
//! "Specified offset is invalid."` at an exact multiple), and lets it hold
//! what came against it (a short page before the end is asked again from
//! where it stopped; see `sailpoint_runtime::pagination`). Only the first
//! page asks: SailPoint's docs say counting costs, and one count is all
//! the pager needs.
//!
//! It rewrites the `let page = ...;` of the page-fetching closure in
//! `stream()` (written by `paginated_lists`); a builder with `count` whose
//! stream has another shape is an error (the adaptation must follow).

use syn::visit_mut::VisitMut;

use crate::{AppliedAdaptation, Error};

/// Adds the count to the first page of every list stream whose builder
/// has a `count` field (see the module docs).
pub(crate) fn lists_ask_for_their_count(
    file: &mut syn::File,
) -> Result<Option<AppliedAdaptation>, Error> {
    let mut seen = 0usize;
    let mut rewritten = 0usize;
    if let Some(items) = crate::crate_error::builder_items(file) {
        let counted: Vec<String> = items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s)
                    if s.fields
                        .iter()
                        .any(|f| f.ident.as_ref().is_some_and(|i| i == "count")) =>
                {
                    Some(s.ident.to_string())
                }
                _ => None,
            })
            .collect();
        for item in items.iter_mut() {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let syn::Type::Path(self_ty) = &*block.self_ty else {
                continue;
            };
            let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            if block.trait_.is_some() || !counted.contains(&name) {
                continue;
            }
            for member in &mut block.items {
                let syn::ImplItem::Fn(stream) = member else {
                    continue;
                };
                if stream.sig.ident != "stream" {
                    continue;
                }
                seen += 1;
                let mut page = FirstPageCounts { rewritten: 0 };
                page.visit_block_mut(&mut stream.block);
                if page.rewritten == 1 {
                    // Whether the caller left `count` unset, read before
                    // `self` moves into the closure.
                    stream.block.stmts.insert(
                        0,
                        syn::parse_quote! {
                            let ask_count = matches!(self.count, Ok(None));
                        },
                    );
                    rewritten += 1;
                }
            }
        }
    }
    if seen != rewritten {
        return Err(Error::Adaptation(format!(
            "lists_ask_for_their_count rewrote {rewritten} of the {seen} list streams whose \
             builder takes `count`: progenitor's or paginated_lists' output changed; revisit the \
             adaptation (crates/codegen/src/paging_counts.rs)"
        )));
    }
    Ok((rewritten > 0).then(|| AppliedAdaptation {
        adaptation: "lists_ask_for_their_count",
        change: format!("{rewritten} list stream(s) ask for X-Total-Count with their first page"),
    }))
}

/// `let page = EXPR;` → `let page = { let page = EXPR; if offset == start
/// && ask_count { page.count(true) } else { page } };`
struct FirstPageCounts {
    rewritten: usize,
}

impl VisitMut for FirstPageCounts {
    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        syn::visit_mut::visit_local_mut(self, local);
        let is_page = matches!(&local.pat, syn::Pat::Ident(i) if i.ident == "page");
        let Some(init) = &mut local.init else {
            return;
        };
        if !is_page || !calls_limit(&init.expr) {
            return;
        }
        let fetch = &init.expr;
        *init.expr = syn::parse_quote! {{
            let page = #fetch;
            if offset == start && ask_count {
                page.count(true)
            } else {
                page
            }
        }};
        self.rewritten += 1;
    }
}

/// Whether `expr` is a method chain ending in `.limit(..)`.
fn calls_limit(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::MethodCall(call) if call.method == "limit")
}
