//! A static proof that every area compiles alone: for a generated client
//! and one feature, every type that an item present under that feature
//! names is defined by an item present under that feature.
//!
//! Compiling each of the v1 site's 147 services alone would take CI about
//! an hour; this check reads the generated file once and evaluates the
//! `cfg`s for each feature in milliseconds. It is independent of how
//! `areas_as_features` chose the gates (it knows nothing of the type graph
//! that adaptation walked): it only evaluates `#[cfg]`s and looks names up,
//! as the compiler's name resolution would, over the types, the operation
//! builders, the `Client` methods and the quirks table. CI still compiles a
//! sample of areas alone, for what a name lookup cannot see.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::Visit;

/// What `feature` alone leaves undefined: `(item, type it names)` pairs,
/// sorted. Empty when the feature compiles alone as far as names go.
pub fn undefined_names(file: &syn::File, feature: &str) -> Vec<(String, String)> {
    let enabled: BTreeSet<&str> = [feature].into_iter().collect();
    // Every type name the file defines (in any module, under any gate),
    // and the ones defined under this feature.
    let mut all = BTreeSet::new();
    let mut present = BTreeSet::new();
    let mut items: Vec<(String, &syn::Item)> = Vec::new();
    collect(
        &file.items,
        "",
        &enabled,
        true,
        &mut all,
        &mut present,
        &mut items,
    );
    let mut missing = BTreeMap::new();
    for (place, item) in items {
        let mut names = Names {
            all: &all,
            found: BTreeSet::new(),
        };
        names.visit_item(item);
        for name in names.found {
            if !present.contains(&name) {
                missing.entry((place.clone(), name)).or_insert(());
            }
        }
    }
    missing.into_keys().collect()
}

/// Walks `items` (of the module at `place`), recording type definitions
/// and the items present under `enabled`.
fn collect<'a>(
    items: &'a [syn::Item],
    place: &str,
    enabled: &BTreeSet<&str>,
    parent_on: bool,
    all: &mut BTreeSet<String>,
    present: &mut BTreeSet<String>,
    out: &mut Vec<(String, &'a syn::Item)>,
) {
    for item in items {
        let on = parent_on && cfg_holds(attrs(item), enabled);
        if let syn::Item::Mod(module) = item {
            if let Some((_, inner)) = &module.content {
                let place = format!("{place}{}::", module.ident);
                collect(inner, &place, enabled, on, all, present, out);
            }
            continue;
        }
        let defined = match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        };
        if let Some(name) = &defined {
            all.insert(name.clone());
            if on {
                present.insert(name.clone());
            }
        }
        if on {
            out.push((format!("{place}{}", describe(item)), item));
        }
    }
}

fn describe(item: &syn::Item) -> String {
    match item {
        syn::Item::Struct(s) => s.ident.to_string(),
        syn::Item::Enum(e) => e.ident.to_string(),
        syn::Item::Type(t) => t.ident.to_string(),
        syn::Item::Fn(f) => f.sig.ident.to_string(),
        syn::Item::Const(c) => c.ident.to_string(),
        syn::Item::Impl(block) => {
            let ty = &block.self_ty;
            format!("impl {}", quote::quote!(#ty))
        }
        _ => "item".to_owned(),
    }
}

fn attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// Whether every `#[cfg(...)]` among `attrs` holds with `enabled` features
/// (`feature = "x"`, `any(...)`, `all(...)`, `not(...)`; any other
/// predicate, such as `test` or `doc`, is taken as false).
pub fn cfg_holds(attrs: &[syn::Attribute], enabled: &BTreeSet<&str>) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .all(|a| match a.parse_args::<syn::Meta>() {
            Ok(meta) => meta_holds(&meta, enabled),
            Err(_) => false,
        })
}

fn meta_holds(meta: &syn::Meta, enabled: &BTreeSet<&str>) -> bool {
    match meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => enabled.contains(s.value().as_str()),
            _ => false,
        },
        syn::Meta::List(list) => {
            let nested = list
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                )
                .unwrap_or_default();
            if list.path.is_ident("any") {
                nested.iter().any(|m| meta_holds(m, enabled))
            } else if list.path.is_ident("all") {
                nested.iter().all(|m| meta_holds(m, enabled))
            } else if list.path.is_ident("not") {
                !nested.iter().all(|m| meta_holds(m, enabled))
            } else {
                false
            }
        }
        _ => false,
    }
}

/// The defined type names an item's paths name: a path's first segment
/// after `crate`, `self`, `super`, `types` and `builder` (so
/// `super::types::Role::Admin` names `Role`, and `Self::Admin` nothing).
struct Names<'a> {
    all: &'a BTreeSet<String>,
    found: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for Names<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let first = path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .find(|s| !matches!(s.as_str(), "crate" | "self" | "super" | "types" | "builder"));
        if let Some(first) = first {
            if self.all.contains(&first) {
                self.found.insert(first);
            }
        }
        syn::visit::visit_path(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(code: &str) -> syn::File {
        syn::parse_str(code).unwrap()
    }

    #[test]
    fn a_type_gated_away_from_a_user_is_found() {
        let f = file(
            r#"
            pub mod types {
                #[cfg(feature = "a")]
                pub struct Shared { pub x: i32 }
                #[cfg(any(feature = "a", feature = "b"))]
                pub struct User { pub s: Shared }
                pub struct Always;
            }
            #[cfg(feature = "b")]
            impl Client { pub fn op(&self) -> types::Always { todo!() } }
            "#,
        );
        assert!(undefined_names(&f, "a").is_empty());
        assert_eq!(
            undefined_names(&f, "b"),
            [("types::User".to_owned(), "Shared".to_owned())]
        );
        assert!(
            undefined_names(&f, "c").is_empty(),
            "nothing present needs anything"
        );
    }

    #[test]
    fn cfgs_evaluate_like_the_compiler() {
        let on: BTreeSet<&str> = ["a"].into_iter().collect();
        let attrs = |code: &str| -> Vec<syn::Attribute> {
            let item: syn::ItemStruct = syn::parse_str(&format!("{code} struct S;")).unwrap();
            item.attrs
        };
        assert!(cfg_holds(&attrs(r#"#[cfg(feature = "a")]"#), &on));
        assert!(!cfg_holds(&attrs(r#"#[cfg(feature = "b")]"#), &on));
        assert!(cfg_holds(
            &attrs(r#"#[cfg(any(feature = "b", feature = "a"))]"#),
            &on
        ));
        assert!(!cfg_holds(&attrs(r#"#[cfg(any())]"#), &on));
        assert!(!cfg_holds(
            &attrs(r#"#[cfg(all(feature = "a", feature = "b"))]"#),
            &on
        ));
        assert!(cfg_holds(&attrs(r#"#[cfg(not(feature = "b"))]"#), &on));
        assert!(cfg_holds(&attrs("#[derive(Debug)]"), &on));
    }
}
