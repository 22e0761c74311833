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

use std::collections::BTreeSet;

use syn::visit::Visit;

/// A `cfg` predicate, parsed once.
#[derive(Debug, Clone)]
enum Pred {
    Feature(String),
    Any(Vec<Pred>),
    All(Vec<Pred>),
    Not(Vec<Pred>),
    /// Any other predicate (`test`, `doc`): false.
    Other,
}

impl Pred {
    fn of(meta: &syn::Meta) -> Pred {
        match meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Pred::Feature(s.value()),
                _ => Pred::Other,
            },
            syn::Meta::List(list) => {
                let nested: Vec<Pred> = list
                    .parse_args_with(
                        syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                    )
                    .map(|n| n.iter().map(Pred::of).collect())
                    .unwrap_or_default();
                if list.path.is_ident("any") {
                    Pred::Any(nested)
                } else if list.path.is_ident("all") {
                    Pred::All(nested)
                } else if list.path.is_ident("not") {
                    Pred::Not(nested)
                } else {
                    Pred::Other
                }
            }
            _ => Pred::Other,
        }
    }

    fn holds(&self, enabled: &BTreeSet<&str>) -> bool {
        match self {
            Pred::Feature(f) => enabled.contains(f.as_str()),
            Pred::Any(all) => all.iter().any(|p| p.holds(enabled)),
            Pred::All(all) => all.iter().all(|p| p.holds(enabled)),
            Pred::Not(all) => !all.iter().all(|p| p.holds(enabled)),
            Pred::Other => false,
        }
    }
}

/// The `cfg` predicates among `attrs`.
fn preds(attrs: &[syn::Attribute]) -> Vec<Pred> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| match a.parse_args::<syn::Meta>() {
            Ok(meta) => Pred::of(&meta),
            Err(_) => Pred::Other,
        })
        .collect()
}

fn all_hold(preds: &[Pred], enabled: &BTreeSet<&str>) -> bool {
    preds.iter().all(|p| p.holds(enabled))
}

/// A use of a type name, under the `cfg`s of the expressions around it
/// (the quirks table's entries are gated one by one).
type Use = (String, Vec<Pred>);

/// The file read once: each item with the `cfg`s it is under and the type
/// names it uses, and each type definition with its `cfg`s.
pub struct Gates {
    /// (place, cfgs of the item and its modules, type names it uses).
    items: Vec<(String, Vec<Pred>, Vec<Use>)>,
    /// (type name, cfgs of its definition and its modules).
    definitions: Vec<(String, Vec<Pred>)>,
}

impl Gates {
    /// Reads `file`.
    pub fn of(file: &syn::File) -> Gates {
        let mut gates = Gates {
            items: Vec::new(),
            definitions: Vec::new(),
        };
        let mut flat = Vec::new();
        collect(&file.items, "", &[], &mut flat);
        let all: BTreeSet<String> = flat
            .iter()
            .filter_map(|(_, _, item)| defined(item))
            .collect();
        for (place, cfgs, item) in flat {
            let cfgs = preds(&cfgs);
            if let Some(name) = defined(item) {
                gates.definitions.push((name, cfgs.clone()));
            }
            let mut names = Names {
                all: &all,
                gates: Vec::new(),
                found: Vec::new(),
            };
            names.visit_item(item);
            gates.items.push((place, cfgs, names.found));
        }
        gates
    }

    /// What `feature` alone leaves undefined: `(item, type it names)`
    /// pairs, sorted. Empty when the feature compiles alone as far as
    /// names go.
    pub fn undefined_names(&self, feature: &str) -> Vec<(String, String)> {
        let enabled: BTreeSet<&str> = [feature].into_iter().collect();
        let present: BTreeSet<&str> = self
            .definitions
            .iter()
            .filter(|(_, cfgs)| all_hold(cfgs, &enabled))
            .map(|(name, _)| name.as_str())
            .collect();
        let mut missing = BTreeSet::new();
        for (place, cfgs, uses) in &self.items {
            if !all_hold(cfgs, &enabled) {
                continue;
            }
            for (name, around) in uses {
                if !present.contains(name.as_str()) && all_hold(around, &enabled) {
                    missing.insert((place.clone(), name.clone()));
                }
            }
        }
        missing.into_iter().collect()
    }
}

/// [`Gates::undefined_names`] of one feature.
pub fn undefined_names(file: &syn::File, feature: &str) -> Vec<(String, String)> {
    Gates::of(file).undefined_names(feature)
}

fn defined(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// Every item under `items` (of the module at `place`, under the `cfg`s
/// of its modules), modules flattened.
fn collect<'a>(
    items: &'a [syn::Item],
    place: &str,
    outer: &[syn::Attribute],
    out: &mut Vec<(String, Vec<syn::Attribute>, &'a syn::Item)>,
) {
    for item in items {
        let mut cfgs: Vec<syn::Attribute> = outer.to_vec();
        cfgs.extend(
            attrs(item)
                .iter()
                .filter(|a| a.path().is_ident("cfg"))
                .cloned(),
        );
        if let syn::Item::Mod(module) = item {
            if let Some((_, inner)) = &module.content {
                let place = format!("{place}{}::", module.ident);
                collect(inner, &place, &cfgs, out);
            }
            continue;
        }
        out.push((format!("{place}{}", describe(item)), cfgs, item));
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
    all_hold(&preds(attrs), enabled)
}

/// The defined type names an item's paths name: a path's first segment
/// after `crate`, `self`, `super`, `types` and `builder` (so
/// `super::types::Role::Admin` names `Role`, and `Self::Admin` nothing).
struct Names<'a> {
    all: &'a BTreeSet<String>,
    /// The `cfg`s of the expressions around the one visited.
    gates: Vec<Pred>,
    found: Vec<Use>,
}

impl<'ast> Visit<'ast> for Names<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let first = path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .find(|s| !matches!(s.as_str(), "crate" | "self" | "super" | "types" | "builder"));
        if let Some(first) = first {
            let seen = self
                .found
                .last()
                .is_some_and(|(name, gates)| *name == first && gates.len() == self.gates.len());
            if self.all.contains(&first) && !seen {
                self.found.push((first, self.gates.clone()));
            }
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let around = preds(&f.attrs);
        let depth = self.gates.len();
        self.gates.extend(around);
        syn::visit::visit_impl_item_fn(self, f);
        self.gates.truncate(depth);
    }

    fn visit_expr_struct(&mut self, expr: &'ast syn::ExprStruct) {
        let around = preds(&expr.attrs);
        let depth = self.gates.len();
        self.gates.extend(around);
        syn::visit::visit_expr_struct(self, expr);
        self.gates.truncate(depth);
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
        // An entry of a table, gated on its own, needs its types only
        // where it is there.
        let table = file(
            r#"
            pub mod types {
                #[cfg(feature = "a")]
                pub struct OnlyA;
            }
            pub const TABLE: &[Entry] = &[
                #[cfg(feature = "a")]
                Entry { decodes: decodes::<types::OnlyA> },
            ];
            pub const OPEN: &[Entry] = &[Entry { decodes: decodes::<types::OnlyA> }];
            "#,
        );
        assert_eq!(
            undefined_names(&table, "b"),
            [("OPEN".to_owned(), "OnlyA".to_owned())]
        );
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
