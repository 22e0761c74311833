//! Small helpers for the passes over progenitor's output.

/// Every identifier in `tokens`, nested groups included.
pub(crate) fn idents(tokens: proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => out.extend(idents(g.stream())),
            _ => {}
        }
    }
    out
}

/// The items of the module `name` among `items` (`types`, `builder`).
pub(crate) fn module_items<'a>(items: &'a [syn::Item], name: &str) -> Option<&'a [syn::Item]> {
    items.iter().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, c)| c.as_slice()),
        _ => None,
    })
}

/// [`module_items`], mutably.
pub(crate) fn module_items_mut<'a>(
    items: &'a mut [syn::Item],
    name: &str,
) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, c)| c),
        _ => None,
    })
}

/// The last identifier of a type path (`types::builder::Foo` → `Foo`);
/// none for a type that is not a path.
pub(crate) fn path_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}
