//! API areas as Cargo features, following the API's own unit of
//! versioning and ownership, so that a user who needs one area compiles one
//! area:
//!
//! - an API versioned per service (SailPoint's since 2026-06:
//!   `/accounts/v1/...`, `/send-test-notification/v1`, a few `/sources/v2`):
//!   one feature per service, the path's first segment (`accounts`,
//!   `send-test-notification`; `.well-known` → `well-known`). A service is
//!   what SailPoint versions, owns and deprecates as one unit; 25 of the v1
//!   site's 114 tags span several services. [`Unit::Service`]
//! - an API versioned as a whole (`/beta`, `/v3` in the server URL): one
//!   feature per docs tag (`Access Profiles` → `access-profiles`).
//!   [`Unit::Tag`]
//!
//! progenitor generates one client for the whole spec; this output
//! adaptation (`areas_as_features`) puts `#[cfg(feature = ...)]` on what
//! belongs to areas, in progenitor's output:
//!
//! - each operation's `Client` method and its `builder` struct and impls: the
//!   features of its area (by tag, an operation with two tags is there when
//!   either area is; one without tags is always there);
//! - each type (with its impls and its typify builder): the features of
//!   every operation that reaches it, through its signature, body or error
//!   types and the types those hold; shared types are generated once, there
//!   whenever one of their areas is. A type that every area reaches is not
//!   gated; one that no operation reaches is there when every type it holds
//!   is;
//! - anything else in the types module that names types (typify's default
//!   value functions): there when every type it names is.
//!
//! The quirks table's entry for an operation (which names its error body
//! type) carries the same `cfg` (see `quirks_table`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, ToTokens};
use serde_json::Value;

use crate::{method_name, AppliedAdaptation};

/// One area of the API: a service (or docs tag) and the Cargo feature it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// The Cargo feature (`access-profiles`).
    pub feature: String,
    /// The service (`access-profiles`, `.well-known`) or docs tag
    /// (`Access Profiles`) it stands for.
    pub name: String,
    /// How many operations it has.
    pub operations: usize,
}

/// What an area of the API is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A service: the first segment of paths versioned per service
    /// (`/accounts/v1/...`).
    Service,
    /// A docs tag.
    Tag,
}

impl Unit {
    /// The unit of a document: services when at least 90% of its
    /// operations' paths have a version segment (`v1`, `v2`) right after
    /// their first segment, else tags.
    pub fn of(spec: &Value) -> Unit {
        let (mut versioned, mut all) = (0usize, 0usize);
        for operation in openapi_model::operations(spec) {
            all += 1;
            versioned += usize::from(service_version(operation.path).is_some());
        }
        if all > 0 && versioned * 10 >= all * 9 {
            Unit::Service
        } else {
            Unit::Tag
        }
    }
}

/// `/accounts/v1/{id}` → `("accounts", "v1")`; `None` when the second
/// segment is not a version.
pub fn service_version(path: &str) -> Option<(&str, &str)> {
    let mut segments = path.trim_start_matches('/').split('/');
    let service = segments.next().filter(|s| !s.is_empty())?;
    let version = segments.next()?;
    let is_version = version
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    is_version.then_some((service, version))
}

/// The feature a service or tag is: lower case, every run of other
/// characters a `-` (`IAI Role Mining` → `iai-role-mining`, `SP-Config` →
/// `sp-config`, `.well-known` → `well-known`).
pub fn feature_name(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => out,
        _ => format!("area-{out}"),
    }
}

/// The features of an operation, sorted, without repeats: its service's
/// (the path's first segment) with [`Unit::Service`], its tags' with
/// [`Unit::Tag`].
pub fn operation_features(unit: Unit, path: &str, op: &Value) -> Vec<String> {
    operation_areas(unit, path, op)
        .into_iter()
        .map(|(feature, _)| feature)
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect()
}

/// (feature, service or tag) of each area an operation is in.
fn operation_areas<'a>(unit: Unit, path: &'a str, op: &'a Value) -> Vec<(String, &'a str)> {
    let names: Vec<&str> = match unit {
        Unit::Service => path
            .trim_start_matches('/')
            .split('/')
            .next()
            .filter(|s| !s.is_empty())
            .into_iter()
            .collect(),
        Unit::Tag => op
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect(),
    };
    names
        .into_iter()
        .map(|name| (feature_name(name), name))
        .filter(|(f, _)| !RESERVED.contains(&f.as_str()))
        .collect()
}

/// Feature names the crate uses for other things.
pub const RESERVED: &[&str] = &["default", "full", "codegen"];

/// Every area of a spec, by feature.
pub fn areas(spec: &Value) -> Vec<Area> {
    let unit = Unit::of(spec);
    let mut areas: BTreeMap<String, Area> = BTreeMap::new();
    for operation in openapi_model::operations(spec) {
        for (feature, name) in operation_areas(unit, operation.path, operation.op) {
            let area = areas.entry(feature.clone()).or_insert_with(|| Area {
                feature,
                name: name.to_owned(),
                operations: 0,
            });
            area.operations += 1;
        }
    }
    areas.into_values().collect()
}

/// `#[cfg(...)]` for being there when any of `features` is on (never,
/// for none).
pub(crate) fn cfg_any(features: &BTreeSet<String>) -> TokenStream {
    match features.len() {
        0 => quote!(#[cfg(any())]),
        1 => {
            let f = features.iter().next().expect("one feature");
            quote!(#[cfg(feature = #f)])
        }
        _ => {
            let fs = features.iter();
            quote!(#[cfg(any(#(feature = #fs),*))])
        }
    }
}

/// Puts the areas' `cfg`s on progenitor's output (see the module docs).
pub(crate) fn areas_as_features(file: &mut syn::File, spec: &Value) -> Option<AppliedAdaptation> {
    let unit = Unit::of(spec);
    let mut by_method: HashMap<String, BTreeSet<String>> = HashMap::new();
    for operation in openapi_model::operations(spec) {
        let features = operation_features(unit, operation.path, operation.op);
        if let (Some(id), false) = (operation.id(), features.is_empty()) {
            by_method.insert(method_name(id), features.into_iter().collect());
        }
    }
    if by_method.is_empty() {
        return None;
    }
    let all: BTreeSet<String> = by_method.values().flatten().cloned().collect();

    // The types, what each holds, and the operations' builders.
    let type_names = type_names(file);
    let mut holds: HashMap<String, BTreeSet<String>> = HashMap::new();
    for_each_type_item(file, &mut |owner, item| {
        if let Some(owner) = owner.filter(|o| type_names.contains(o)) {
            let names = named_types(&item.to_token_stream(), &type_names);
            holds.entry(owner).or_default().extend(names);
        }
    });
    let builders = operation_builders(file, &by_method);
    let mut builder_items: HashMap<String, TokenStream> = HashMap::new();
    for item in top_module_items(file, "builder") {
        if let Some(owner) = item_owner(item) {
            builder_items
                .entry(owner)
                .or_default()
                .extend(item.to_token_stream());
        }
    }

    // Which areas reach each type.
    let mut reached: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (builder, features) in &builders {
        let Some(tokens) = builder_items.get(builder) else {
            continue;
        };
        let mut stack: Vec<String> = named_types(tokens, &type_names).into_iter().collect();
        let mut seen: HashSet<String> = HashSet::new();
        while let Some(t) = stack.pop() {
            if !seen.insert(t.clone()) {
                continue;
            }
            reached
                .entry(t.clone())
                .or_default()
                .extend(features.iter().cloned());
            if let Some(held) = holds.get(&t) {
                stack.extend(held.iter().filter(|h| !seen.contains(*h)).cloned());
            }
        }
    }
    let gate_of_type = |t: &str| -> Option<BTreeSet<String>> {
        match reached.get(t) {
            Some(features) if *features == all => None,
            Some(features) => Some(features.clone()),
            None => unreached_gate(t, &holds, &reached, &all),
        }
    };
    let gate_of_names = |names: &BTreeSet<String>| -> Option<BTreeSet<String>> {
        let mut gate: Option<BTreeSet<String>> = None;
        for name in names {
            if let Some(g) = gate_of_type(name) {
                gate = Some(match gate {
                    None => g,
                    Some(prev) => prev.intersection(&g).cloned().collect(),
                });
            }
        }
        gate
    };

    // Put the gates on.
    let mut gated_types = 0usize;
    map_type_items(file, &mut |owner, item| {
        let gate = match owner.filter(|o| type_names.contains(o)) {
            Some(owner) => gate_of_type(&owner),
            None => gate_of_names(&named_types(&item.to_token_stream(), &type_names)),
        };
        if let Some(gate) = gate {
            gated_types += 1;
            add_attribute(item, &gate);
        }
    });
    let mut gated_methods = 0usize;
    for item in &mut file.items {
        match item {
            syn::Item::Impl(block) if is_client_impl(block) => {
                for member in &mut block.items {
                    if let syn::ImplItem::Fn(f) = member {
                        if let Some(features) = by_method.get(&f.sig.ident.to_string()) {
                            if *features != all {
                                let attr = cfg_any(features);
                                f.attrs.push(syn::parse_quote!(#attr));
                            }
                            gated_methods += 1;
                        }
                    }
                }
            }
            syn::Item::Mod(module) if module.ident == "builder" => {
                if let Some((_, items)) = &mut module.content {
                    for item in items {
                        let gate = item_owner(item)
                            .and_then(|owner| builders.get(&owner))
                            .filter(|features| **features != all);
                        if let Some(gate) = gate {
                            add_attribute(item, gate);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(AppliedAdaptation {
        adaptation: "areas_as_features",
        change: format!(
            "{gated_methods} operation(s) in {} area(s) as Cargo features; {gated_types} type item(s) gated by the areas that use them",
            all.len()
        ),
    })
}

/// The mock layer follows the client's areas: each operation's
/// `MockServerExt` method (in the trait and its impl) and its `operations`
/// `When`/`Then` types carry the `cfg` of the operation's features, so a
/// user's test that mocks one service compiles one service. The mock
/// crate's features enable the client's of the same name.
pub(crate) fn mocks_as_features(file: &mut syn::File, spec: &Value) -> usize {
    use heck::ToUpperCamelCase as _;
    let unit = Unit::of(spec);
    let mut by_method: HashMap<String, BTreeSet<String>> = HashMap::new();
    for operation in openapi_model::operations(spec) {
        let features = operation_features(unit, operation.path, operation.op);
        if let (Some(id), false) = (operation.id(), features.is_empty()) {
            by_method.insert(method_name(id), features.into_iter().collect());
        }
    }
    let by_type: HashMap<String, &BTreeSet<String>> = by_method
        .iter()
        .map(|(m, f)| (m.to_upper_camel_case(), f))
        .collect();
    let type_gate = |name: &str| {
        name.strip_suffix("When")
            .or_else(|| name.strip_suffix("Then"))
            .and_then(|op| by_type.get(op))
            .map(|f| cfg_any(f))
    };
    let mut gated = 0usize;
    let mut add = |attrs: &mut Vec<syn::Attribute>, gate: Option<TokenStream>| {
        if let Some(gate) = gate {
            let attr: syn::Attribute = syn::parse_quote!(#gate);
            attrs.push(attr);
            gated += 1;
        }
    };
    for item in &mut file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "operations" => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    match inner {
                        syn::Item::Struct(s) => {
                            let gate = type_gate(&s.ident.to_string());
                            add(&mut s.attrs, gate);
                        }
                        syn::Item::Impl(block) => {
                            let gate = item_owner(&syn::Item::Impl(block.clone()))
                                .and_then(|owner| type_gate(&owner));
                            add(&mut block.attrs, gate);
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Trait(t) if t.ident == "MockServerExt" => {
                for member in &mut t.items {
                    if let syn::TraitItem::Fn(f) = member {
                        let gate = by_method.get(&f.sig.ident.to_string()).map(cfg_any);
                        add(&mut f.attrs, gate);
                    }
                }
            }
            syn::Item::Impl(block)
                if block
                    .trait_
                    .as_ref()
                    .is_some_and(|(_, path, _)| path.is_ident("MockServerExt")) =>
            {
                for member in &mut block.items {
                    if let syn::ImplItem::Fn(f) = member {
                        let gate = by_method.get(&f.sig.ident.to_string()).map(cfg_any);
                        add(&mut f.attrs, gate);
                    }
                }
            }
            _ => {}
        }
    }
    gated
}

/// A type no operation reaches is there when every reached type it holds
/// (through any depth) is; `None` when it holds none.
fn unreached_gate(
    t: &str,
    holds: &HashMap<String, BTreeSet<String>>,
    reached: &HashMap<String, BTreeSet<String>>,
    all: &BTreeSet<String>,
) -> Option<BTreeSet<String>> {
    let mut stack = vec![t.to_owned()];
    let mut seen: HashSet<String> = HashSet::new();
    let mut gate: Option<BTreeSet<String>> = None;
    while let Some(t) = stack.pop() {
        if !seen.insert(t.clone()) {
            continue;
        }
        if let Some(features) = reached.get(&t).filter(|f| *f != all) {
            gate = Some(match gate {
                None => features.clone(),
                Some(prev) => prev.intersection(features).cloned().collect(),
            });
        }
        if let Some(held) = holds.get(&t) {
            stack.extend(held.iter().cloned());
        }
    }
    gate
}

/// The names of the types in the `types` module (structs, enums, aliases).
fn type_names(file: &syn::File) -> HashSet<String> {
    top_module_items(file, "types")
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The items of the top-level module `name`.
fn top_module_items<'a>(
    file: &'a syn::File,
    name: &'a str,
) -> impl Iterator<Item = &'a syn::Item> + 'a {
    file.items
        .iter()
        .filter_map(move |item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .flatten()
}

/// Calls `f` with every item of the `types` module and of its `builder` and
/// `defaults` modules, and the type it belongs to, if any.
fn for_each_type_item(file: &syn::File, f: &mut dyn FnMut(Option<String>, &syn::Item)) {
    for item in top_module_items(file, "types") {
        match item {
            syn::Item::Mod(m) if matches!(m.ident.to_string().as_str(), "builder" | "defaults") => {
                for inner in m.content.iter().flat_map(|(_, items)| items) {
                    f(item_owner(inner), inner);
                }
            }
            syn::Item::Mod(_) => {}
            other => f(item_owner(other), other),
        }
    }
}

/// Like [`for_each_type_item`], mutably.
fn map_type_items(file: &mut syn::File, f: &mut dyn FnMut(Option<String>, &mut syn::Item)) {
    for item in &mut file.items {
        let syn::Item::Mod(types) = item else {
            continue;
        };
        if types.ident != "types" {
            continue;
        }
        for item in types.content.iter_mut().flat_map(|(_, items)| items) {
            match item {
                syn::Item::Mod(m)
                    if matches!(m.ident.to_string().as_str(), "builder" | "defaults") =>
                {
                    for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                        f(item_owner(inner), inner);
                    }
                }
                syn::Item::Mod(_) => {}
                other => f(item_owner(other), other),
            }
        }
    }
}

/// The type an item defines or implements for: a struct's or enum's name,
/// an impl's self type (its last path segment).
fn item_owner(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Impl(block) => crate::syntax::path_name(&block.self_ty),
        _ => None,
    }
}

pub(crate) fn is_client_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// Each operation's builder struct (the name its `Client` method returns)
/// and the features of the operation.
fn operation_builders(
    file: &syn::File,
    by_method: &HashMap<String, BTreeSet<String>>,
) -> HashMap<String, BTreeSet<String>> {
    method_builders(file)
        .into_iter()
        .filter_map(|(method, builder)| Some((builder, by_method.get(&method)?.clone())))
        .collect()
}

/// Every `Client` method that returns a builder: method name → the
/// builder struct's name (`list_access_profiles` → `ListAccessProfiles`).
pub(crate) fn method_builders(file: &syn::File) -> HashMap<String, String> {
    let mut builders = HashMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if !is_client_impl(block) {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                if let syn::Type::Path(p) = &**ty {
                    if let Some(last) = p.path.segments.last() {
                        builders.insert(f.sig.ident.to_string(), last.ident.to_string());
                    }
                }
            }
        }
    }
    builders
}

/// The type names an item's tokens mention (an over-approximation: an
/// enum variant of the same name as a type counts too, which only keeps a
/// type a little more often).
fn named_types(tokens: &TokenStream, types: &HashSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack: Vec<TokenStream> = vec![tokens.clone()];
    while let Some(stream) = stack.pop() {
        for tree in stream {
            match tree {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    if types.contains(&name) {
                        found.insert(name);
                    }
                }
                TokenTree::Group(group) => stack.push(group.stream()),
                _ => {}
            }
        }
    }
    found
}

/// Adds the gate's `cfg` to an item.
fn add_attribute(item: &mut syn::Item, gate: &BTreeSet<String>) {
    let tokens = cfg_any(gate);
    let attr: syn::Attribute = syn::parse_quote!(#tokens);
    let attrs = match item {
        syn::Item::Struct(s) => &mut s.attrs,
        syn::Item::Enum(e) => &mut e.attrs,
        syn::Item::Type(t) => &mut t.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Fn(f) => &mut f.attrs,
        syn::Item::Const(c) => &mut c.attrs,
        syn::Item::Static(s) => &mut s.attrs,
        syn::Item::Mod(m) => &mut m.attrs,
        syn::Item::Trait(t) => &mut t.attrs,
        syn::Item::Use(u) => &mut u.attrs,
        _ => return,
    };
    attrs.push(attr);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_feature_names() {
        assert_eq!(feature_name("Access Profiles"), "access-profiles");
        assert_eq!(feature_name("IAI Role Mining"), "iai-role-mining");
        assert_eq!(feature_name("SP-Config"), "sp-config");
        assert_eq!(feature_name("OAuth Clients"), "oauth-clients");
        assert_eq!(
            feature_name("  Non-Employee  Lifecycle "),
            "non-employee-lifecycle"
        );
        assert_eq!(feature_name("3rd party"), "area-3rd-party");
        assert_eq!(feature_name("!!!"), "area-");
    }
}
