//! A compile error's line in generated code → the schema or operation
//! behind it, so that a build that fails names what to degrade (or what a
//! new adaptation must cover), not only a line in a 500k-line file.
//!
//! The generated file is parsed again (with line numbers) and the item
//! that holds the line is found: a type of `mod types` (its struct or enum,
//! its impls, its typify builder, its defaults), an operation's `Client`
//! method or builder, or a mock layer's `When`/`Then` or `MockServerExt`
//! method. A type that is a component is that component; a type typify
//! derived from an inline schema is blamed on the nearest component or
//! operation that holds it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use heck::ToUpperCamelCase as _;
use openapi_model::Route;
use quote::ToTokens;
use serde_json::Value;
use syn::spanned::Spanned;

use crate::degrade::Culprit;
use crate::method_name;
use crate::syntax::{idents, module_items};

/// What the items of a generated client come from: the adapted spec's
/// component names and each operation's method name.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// Rust type name → the component's name in the adapted spec.
    components: BTreeMap<String, String>,
    /// Method name → the operation's route and operationId.
    methods: BTreeMap<String, (Route, Option<String>)>,
}

impl Origins {
    /// The origins of what is generated from the adapted spec `spec`.
    pub(crate) fn of(spec: &Value) -> Self {
        let components = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|s| {
                s.keys()
                    .map(|k| (crate::names::rust_type_name(k), k.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let methods = openapi_model::operations(spec)
            .filter_map(|o| {
                let id = o.id()?;
                Some((method_name(id), (o.route(), Some(id.to_owned()))))
            })
            .collect();
        Origins {
            components,
            methods,
        }
    }

    /// The schema or operation behind line `line` (1-based) of `code`, a
    /// generated client or mock layer; `None` when the line is outside any
    /// item that comes from the spec (the quirks table, the hooks, a
    /// helper of progenitor's own) or the code does not parse.
    pub fn culprit_at(&self, code: &str, line: usize) -> Option<Culprit> {
        let file: syn::File = syn::parse_str(code).ok()?;
        let mut path = Vec::new();
        let (module, item) = enclosing(&file.items, line, &mut path)?;
        self.item_culprit(&file, &module, item, line)
    }

    fn operation(&self, method: &str) -> Option<Culprit> {
        self.methods
            .get(method)
            .map(|(route, id)| Culprit::Operation {
                route: route.clone(),
                id: id.clone(),
            })
    }

    /// The operation whose method's PascalCase is `name` (a builder's or a
    /// mock's `When`/`Then` struct; a keyword's `_` aside: `Self_`).
    fn operation_named(&self, name: &str) -> Option<Culprit> {
        let bare = |s: &str| s.replace('_', "").to_lowercase();
        self.methods
            .keys()
            .find(|m| m.to_upper_camel_case() == name || bare(m) == bare(name))
            .and_then(|m| self.operation(m))
    }

    fn item_culprit(
        &self,
        file: &syn::File,
        module: &[String],
        item: &syn::Item,
        line: usize,
    ) -> Option<Culprit> {
        let in_types = module.first().is_some_and(|m| m == "types");
        match item {
            syn::Item::Impl(block) if !in_types => {
                // `impl Client { fn method }`, `impl MockServerExt for ... { fn method }`,
                // or a builder's / When's / Then's impl.
                let method = block.items.iter().find_map(|i| match i {
                    syn::ImplItem::Fn(f) if contains(f.span(), line) => {
                        Some(f.sig.ident.to_string())
                    }
                    _ => None,
                });
                if let Some(c) = method.and_then(|m| self.operation(m.trim_start_matches("r#"))) {
                    return Some(c);
                }
                let name = self_name(&block.self_ty)?;
                self.operation_named(strip_mock_suffix(&name))
            }
            syn::Item::Trait(t) => t.items.iter().find_map(|i| match i {
                syn::TraitItem::Fn(f) if contains(f.span(), line) => {
                    self.operation(&f.sig.ident.to_string())
                }
                _ => None,
            }),
            syn::Item::Struct(s) if !in_types => {
                self.operation_named(strip_mock_suffix(&s.ident.to_string()))
            }
            _ if in_types => {
                let name = match item {
                    syn::Item::Struct(s) => s.ident.to_string(),
                    syn::Item::Enum(e) => e.ident.to_string(),
                    syn::Item::Type(t) => t.ident.to_string(),
                    syn::Item::Impl(block) => self_name(&block.self_ty)?,
                    // typify's `defaults` functions: the type that names one
                    // (`#[serde(default = "defaults::name")]`).
                    syn::Item::Fn(f) => {
                        let called = format!("defaults::{}\"", f.sig.ident);
                        let types = module_items(&file.items, "types")?;
                        types.iter().find_map(|i| match i {
                            syn::Item::Struct(s)
                                if s.to_token_stream().to_string().contains(&called) =>
                            {
                                Some(s.ident.to_string())
                            }
                            _ => None,
                        })?
                    }
                    _ => return None,
                };
                self.type_culprit(file, &name)
            }
            _ => None,
        }
    }

    /// The component named `name`, or else the nearest component or
    /// operation that holds the type `name` (breadth first over who
    /// mentions whom).
    fn type_culprit(&self, file: &syn::File, name: &str) -> Option<Culprit> {
        if let Some(key) = self.components.get(name) {
            return Some(Culprit::Component(key.clone()));
        }
        let types = module_items(&file.items, "types").unwrap_or(&[]);
        // Who mentions each type: structs and enums of `types` by the
        // identifiers in their bodies.
        let mut mentioned_by: HashMap<String, Vec<String>> = HashMap::new();
        for item in types {
            let (holder, tokens) = match item {
                syn::Item::Struct(s) => (s.ident.to_string(), s.fields.to_token_stream()),
                syn::Item::Enum(e) => (e.ident.to_string(), e.variants.to_token_stream()),
                syn::Item::Type(t) => (t.ident.to_string(), t.ty.to_token_stream()),
                _ => continue,
            };
            for ident in idents(tokens) {
                mentioned_by.entry(ident).or_default().push(holder.clone());
            }
        }
        let mut seen = BTreeSet::from([name.to_owned()]);
        let mut queue = VecDeque::from([name.to_owned()]);
        while let Some(current) = queue.pop_front() {
            if let Some(key) = self.components.get(&current) {
                return Some(Culprit::Component(key.clone()));
            }
            for holder in mentioned_by.get(&current).into_iter().flatten() {
                if seen.insert(holder.clone()) {
                    queue.push_back(holder.clone());
                }
            }
        }
        // No component holds it: an operation's inline body or response,
        // found by the `Client` method or operation builder that names it.
        let builders = module_items(&file.items, "builder").unwrap_or(&[]);
        file.items.iter().chain(builders).find_map(|item| {
            let syn::Item::Impl(block) = item else {
                return None;
            };
            let names_it = |f: &syn::ImplItemFn| {
                idents(f.sig.to_token_stream())
                    .iter()
                    .any(|i| i.as_str() == name)
            };
            let f = block.items.iter().find_map(|i| match i {
                syn::ImplItem::Fn(f) if names_it(f) => Some(f),
                _ => None,
            })?;
            let owner = self_name(&block.self_ty)?;
            if owner == "Client" {
                self.operation(&f.sig.ident.to_string())
            } else {
                self.operation_named(&owner)
            }
        })
    }
}

/// `XxxWhen`/`XxxThen` → `Xxx` (the mock layer's per-operation types).
fn strip_mock_suffix(name: &str) -> &str {
    name.strip_suffix("When")
        .or_else(|| name.strip_suffix("Then"))
        .unwrap_or(name)
}

/// The last identifier of a type path (`types::builder::Foo` → `Foo`).
fn self_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => self_name(&r.elem),
        other => crate::syntax::path_name(other),
    }
}

fn contains(span: proc_macro2::Span, line: usize) -> bool {
    span.start().line <= line && line <= span.end().line
}

/// The innermost item (not a module) holding `line`, with the names of the
/// modules it is in.
fn enclosing<'a>(
    items: &'a [syn::Item],
    line: usize,
    path: &mut Vec<String>,
) -> Option<(Vec<String>, &'a syn::Item)> {
    for item in items {
        if !contains(item.span(), line) {
            continue;
        }
        if let syn::Item::Mod(m) = item {
            if let Some((_, content)) = &m.content {
                path.push(m.ident.to_string());
                let found = enclosing(content, line, path);
                path.pop();
                return found;
            }
        }
        return Some((path.clone(), item));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn origins() -> Origins {
        Origins::of(&json!({
            "paths": {"/x": {"post": {"operationId": "sendIt"}}},
            "components": {"schemas": {"Holder": {}, "Lone": {}}}
        }))
    }

    /// Generated-like code, and the line of each marker comment.
    const CODE: &str = "\
pub mod types {
    pub struct Holder {
        pub inner: HolderInner,
    }
    pub struct HolderInner {
        pub value: i64, // inner
        #[serde(default = \"defaults::holder_inner_count\")]
        pub count: i64,
    }
    pub mod defaults {
        pub(super) fn holder_inner_count() -> i64 {
            1 // defaults
        }
    }
    impl ::std::convert::From<i64> for Lone {
        fn from(v: i64) -> Self { Lone(v) } // lone impl
    }
    pub struct SendItBody {
        pub x: i64, // body
    }
    pub mod builder {
        pub struct Holder {
            inner: i64, // builder
        }
    }
}
impl Client {
    pub fn send_it(&self) -> builder::SendIt { // method
        builder::SendIt::new(self)
    }
}
pub mod builder {
    pub struct SendIt<'a> {
        client: &'a super::Client, // op builder
    }
    impl<'a> SendIt<'a> {
        pub fn body(self, value: types::SendItBody) -> Self { self }
    }
}
pub mod operations {
    pub struct SendItWhen(i64); // when
}
pub trait MockServerExt {
    fn send_it(&self); // mock fn
}
const QUIRKS: i64 = 1; // quirks
";

    fn line_of(marker: &str) -> usize {
        CODE.lines()
            .position(|l| l.ends_with(&format!("// {marker}")))
            .expect(marker)
            + 1
    }

    #[test]
    fn each_kind_of_generated_item_is_blamed_on_its_schema_or_operation() {
        let o = origins();
        let component = |n: &str| Some(Culprit::Component(n.into()));
        let op = Some(Culprit::Operation {
            route: Route::new("post", "/x"),
            id: Some("sendIt".into()),
        });
        assert_eq!(o.culprit_at(CODE, line_of("inner")), component("Holder"));
        assert_eq!(o.culprit_at(CODE, line_of("lone impl")), component("Lone"));
        assert_eq!(o.culprit_at(CODE, line_of("defaults")), component("Holder"));
        assert_eq!(o.culprit_at(CODE, line_of("builder")), component("Holder"));
        assert_eq!(o.culprit_at(CODE, line_of("body")), op);
        assert_eq!(o.culprit_at(CODE, line_of("method")), op);
        assert_eq!(o.culprit_at(CODE, line_of("op builder")), op);
        assert_eq!(o.culprit_at(CODE, line_of("when")), op);
        assert_eq!(o.culprit_at(CODE, line_of("mock fn")), op);
        assert_eq!(o.culprit_at(CODE, line_of("quirks")), None);
        assert_eq!(o.culprit_at("not rust {", 1), None);
    }
}
