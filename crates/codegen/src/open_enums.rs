//! An adaptation of progenitor's output: `response_enums_are_open`.
//!
//! SailPoint counts an added enum value as a compatible change and adds
//! them without notice; typify's string enums refuse any value they do not
//! list, so one new value in one field of a response made the whole
//! response fail to decode (the most reported problem with SailPoint's own
//! Python SDK). Every string enum a response can hold (reached from a
//! success or error type of some operation's `send()`), and every enum its
//! docs call open ("additional values may be added"), gets a last variant
//! that keeps any other value:
//!
//! ```text
//! pub enum SendTestNotificationRequestDtoMedium { Email, Slack, Teams, Other(String) }
//! ```
//!
//! `#[serde(untagged)]` on that variant: a known value decodes to its
//! variant, any other string to `Other` with the string; `Other` encodes as
//! its string; `Display` writes it and `FromStr` reads any string. Enums
//! only requests carry stay closed (a typo is a compile error). `Copy` goes
//! from an opened enum and from what holds it (a `String` is not `Copy`).
//!
//! Tags stay closed too: an enum that a member of an untagged enum (a
//! `oneOf`/`anyOf`) requires, when it has one value or its property is a
//! `discriminator`'s, is what tells the members apart. Open, it would let
//! the first member take any other member's value (an `NHI` identity read
//! as a human one); closed, the member that names the value is chosen, and
//! a value no member names fails as it should (and lenient decoding says
//! so).

use std::collections::{BTreeSet, HashMap, VecDeque};

use quote::ToTokens;
use syn::visit_mut::VisitMut;

use crate::syntax::{idents, module_items, module_items_mut, path_name};
use crate::AppliedAdaptation;

/// Opens every response enum (see the module docs).
pub(crate) fn response_enums_are_open(
    file: &mut syn::File,
    spec: &serde_json::Value,
) -> Option<AppliedAdaptation> {
    let roots = response_roots(file);
    let tags = member_tags(file, &discriminator_properties(spec));
    let types = module_items(&file.items, "types")?;
    // Which type names each item of `mod types` mentions.
    let mut mentions: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut string_enums: BTreeSet<String> = BTreeSet::new();
    let mut documented_open: BTreeSet<String> = BTreeSet::new();
    for item in types.iter() {
        let (name, body) = match item {
            syn::Item::Struct(s) => (s.ident.to_string(), s.fields.to_token_stream()),
            syn::Item::Enum(e) => {
                if is_string_enum(e) {
                    string_enums.insert(e.ident.to_string());
                    if docs_say_open(&e.attrs) {
                        documented_open.insert(e.ident.to_string());
                    }
                }
                (e.ident.to_string(), e.variants.to_token_stream())
            }
            syn::Item::Type(t) => (t.ident.to_string(), t.ty.to_token_stream()),
            _ => continue,
        };
        mentions.entry(name).or_default().extend(idents(body));
    }
    // Everything a response can hold.
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = roots.into_iter().collect();
    while let Some(name) = queue.pop_front() {
        if !mentions.contains_key(&name) || !reached.insert(name.clone()) {
            continue;
        }
        queue.extend(mentions[&name].iter().cloned());
    }
    let open: BTreeSet<String> = string_enums
        .iter()
        .filter(|e| reached.contains(*e) || documented_open.contains(*e))
        .filter(|e| !tags.contains(*e))
        .cloned()
        .collect();
    if open.is_empty() {
        return None;
    }
    // What holds an opened enum, directly or not, cannot stay `Copy`.
    let mut not_copy = open.clone();
    loop {
        let more: Vec<String> = mentions
            .iter()
            .filter(|(name, m)| !not_copy.contains(*name) && m.iter().any(|n| not_copy.contains(n)))
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        not_copy.extend(more);
    }
    let mut rewrite = Open {
        open: &open,
        not_copy: &not_copy,
        others: HashMap::new(),
    };
    if let Some(items) = module_items_mut(&mut file.items, "types") {
        for item in items.iter_mut() {
            rewrite.visit_item_mut(item);
        }
    }
    Some(AppliedAdaptation {
        adaptation: "response_enums_are_open",
        change: format!(
            "{} string enum(s) a response can hold (or documented as open) keep any other value in `Other(String)`; {} stay closed ({} tag(s) of `oneOf` members, the rest request-only)",
            open.len(),
            string_enums.len() - open.len(),
            tags.iter().filter(|t| string_enums.contains(*t)).count()
        ),
    })
}

/// The type names every operation's `send()` returns (`ResponseValue<T>`
/// and `Error<E>`), and the error body types the quirks table names: where
/// responses start.
fn response_roots(file: &syn::File) -> BTreeSet<String> {
    struct Sends(BTreeSet<String>);
    impl<'a> syn::visit::Visit<'a> for Sends {
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            if f.sig.ident == "send" {
                if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                    self.0.extend(idents(ty.to_token_stream()));
                }
            }
        }
        fn visit_item_const(&mut self, c: &'a syn::ItemConst) {
            if c.ident == "QUIRKS" {
                self.0.extend(idents(c.expr.to_token_stream()));
            }
        }
    }
    let mut sends = Sends(BTreeSet::new());
    syn::visit::Visit::visit_file(&mut sends, file);
    sends.0
}

/// Every property name a `discriminator` of the spec names.
fn discriminator_properties(spec: &serde_json::Value) -> BTreeSet<String> {
    fn walk(value: &serde_json::Value, out: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(name) = map
                    .get("discriminator")
                    .and_then(|d| d.get("propertyName"))
                    .and_then(serde_json::Value::as_str)
                {
                    out.insert(name.to_owned());
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(spec, &mut out);
    out
}

/// The enums that tell the members of an untagged enum apart: the type of
/// a field a member struct requires (not an `Option`), when the enum has
/// one value or the field's wire name is a discriminator's property.
fn member_tags(file: &syn::File, discriminators: &BTreeSet<String>) -> BTreeSet<String> {
    let Some(types) = module_items(&file.items, "types") else {
        return BTreeSet::new();
    };
    let mut structs: HashMap<String, &syn::ItemStruct> = HashMap::new();
    let mut enums: HashMap<String, &syn::ItemEnum> = HashMap::new();
    for item in types {
        match item {
            syn::Item::Struct(s) => {
                structs.insert(s.ident.to_string(), s);
            }
            syn::Item::Enum(e) => {
                enums.insert(e.ident.to_string(), e);
            }
            _ => {}
        }
    }
    let untagged = |attrs: &[syn::Attribute]| {
        attrs.iter().any(|a| {
            a.path().is_ident("serde") && a.to_token_stream().to_string().contains("untagged")
        })
    };
    let mut tags = BTreeSet::new();
    for e in enums.values().filter(|e| untagged(&e.attrs)) {
        for variant in &e.variants {
            let syn::Fields::Unnamed(fields) = &variant.fields else {
                continue;
            };
            let Some(member) = fields.unnamed.first().and_then(|f| path_name(&f.ty)) else {
                continue;
            };
            let Some(member) = structs.get(&member) else {
                continue;
            };
            for field in &member.fields {
                let Some(ty) = path_name(&field.ty) else {
                    continue;
                };
                let Some(tag) = enums.get(&ty).filter(|e| is_string_enum(e)) else {
                    continue;
                };
                let wire = wire_name(field);
                if tag.variants.len() == 1 || discriminators.contains(&wire) {
                    tags.insert(ty);
                }
            }
        }
    }
    tags
}

/// A field's name in JSON: its `#[serde(rename = "...")]`, or its ident.
fn wire_name(field: &syn::Field) -> String {
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let text = attr.to_token_stream().to_string();
        if let Some(rest) = text.split("rename = \"").nth(1) {
            if let Some((name, _)) = rest.split_once('"') {
                return name.to_owned();
            }
        }
    }
    field
        .ident
        .as_ref()
        .map(|i| i.to_string().trim_start_matches("r#").to_owned())
        .unwrap_or_default()
}

/// typify's string enum: unit variants only, each a string on the wire.
fn is_string_enum(e: &syn::ItemEnum) -> bool {
    !e.variants.is_empty()
        && e.variants
            .iter()
            .all(|v| matches!(v.fields, syn::Fields::Unit))
        && e.attrs.iter().any(|a| {
            a.path().is_ident("derive") && a.to_token_stream().to_string().contains("Deserialize")
        })
}

fn docs_say_open(attrs: &[syn::Attribute]) -> bool {
    let docs: String = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .map(|a| a.to_token_stream().to_string().to_lowercase())
        .collect();
    openapi_model::OPEN_ENUM_PHRASES
        .iter()
        .any(|p| docs.contains(p))
}

/// The name of the variant that keeps other values: `Other`, unless the
/// enum lists a value of that name (`OTHER`), then `OtherValue`, ...
fn other_variant(e: &syn::ItemEnum) -> syn::Ident {
    let taken = |name: &str| e.variants.iter().any(|v| v.ident == name);
    let name = ["Other", "OtherValue", "Unlisted"]
        .into_iter()
        .map(str::to_owned)
        .chain((2..).map(|n| format!("Other{n}")))
        .find(|n| !taken(n))
        .expect("an unused name");
    quote::format_ident!("{name}")
}

struct Open<'a> {
    open: &'a BTreeSet<String>,
    not_copy: &'a BTreeSet<String>,
    /// Each opened enum's variant for other values, as it was named.
    others: HashMap<String, syn::Ident>,
}

impl VisitMut for Open<'_> {
    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        let name = e.ident.to_string();
        if self.not_copy.contains(&name) {
            drop_copy(&mut e.attrs);
        }
        if self.open.contains(&name) {
            let other = other_variant(e);
            self.others.insert(name.clone(), other.clone());
            e.variants.push(syn::parse_quote! {
                /// A value this version of the client does not know:
                /// SailPoint adds values without notice.
                #[serde(untagged)]
                #other(::std::string::String)
            });
        }
    }

    fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
        if self.not_copy.contains(&s.ident.to_string()) {
            drop_copy(&mut s.attrs);
        }
    }

    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let syn::Type::Path(ty) = &*block.self_ty else {
            return;
        };
        let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        if !self.open.contains(&name) {
            return;
        }
        let Some((_, trait_path, _)) = &block.trait_ else {
            return;
        };
        let Some(trait_name) = trait_path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let Some(other) = self.others.get(&name).cloned() else {
            return;
        };
        for item in &mut block.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let mut arms = Arms {
                display: trait_name == "Display",
                from_str: trait_name == "FromStr",
                other: other.clone(),
            };
            arms.visit_block_mut(&mut f.block);
        }
    }
}

/// The match arms of `Display::fmt` (one for `Other`) and `FromStr`
/// (any other string is `Other`).
struct Arms {
    display: bool,
    from_str: bool,
    other: syn::Ident,
}

impl VisitMut for Arms {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let other = &self.other;
        if self.display {
            m.arms
                .push(syn::parse_quote!(Self::#other(ref value) => f.write_str(value),));
        }
        if self.from_str {
            for arm in &mut m.arms {
                if matches!(arm.pat, syn::Pat::Wild(_)) {
                    *arm.body = syn::parse_quote!(Ok(Self::#other(value.to_string())));
                }
            }
        }
    }
}

fn drop_copy(attrs: &mut [syn::Attribute]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !p.is_ident("Copy")).collect();
        if kept.len() != paths.len() {
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = r#"
        pub mod types {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub struct Holder { pub medium: Medium }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq)]
            pub enum Medium { #[serde(rename = "EMAIL")] Email }
            impl ::std::fmt::Display for Medium {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::Email => f.write_str("EMAIL"), }
                }
            }
            impl ::std::str::FromStr for Medium {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value { "EMAIL" => Ok(Self::Email), _ => Err("invalid value".into()), }
                }
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Sort { #[serde(rename = "asc")] Asc }
            ///Kind. Additional values may be added in the future.
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Kind { #[serde(rename = "A")] A, #[serde(rename = "OTHER")] Other }
        }
        pub mod builder {
            impl<'a> GetHolder<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Holder>, Error<types::ErrorBody>> { todo!() }
            }
        }
    "#;

    #[test]
    fn response_enums_keep_other_values_and_request_enums_stay_closed() {
        let mut file: syn::File = syn::parse_str(CODE).unwrap();
        let applied = response_enums_are_open(&mut file, &serde_json::Value::Null).unwrap();
        assert!(
            applied.change.starts_with("2 string enum(s)"),
            "{}",
            applied.change
        );
        let text = file.to_token_stream().to_string();
        let item = |name: &str| {
            let at = text.find(&format!("enum {name}")).unwrap();
            text[at..].split_once('}').unwrap().0.to_owned()
        };
        assert!(
            item("Medium").contains("Other (:: std :: string :: String)"),
            "{text}"
        );
        // Documented as open; `Other` is one of its values already.
        assert!(
            item("Kind").contains("OtherValue (:: std :: string :: String)"),
            "{text}"
        );
        assert!(!item("Sort").contains("Other"), "request-only stays closed");
        assert!(text.contains("Self :: Other (ref value) => f . write_str (value)"));
        assert!(text.contains("_ => Ok (Self :: Other (value . to_string ()))"));
        // Neither the opened enum nor what holds it is Copy any more.
        let before_holder = &text[..text.find("pub struct Holder").unwrap()];
        assert!(!before_holder.contains("Copy"), "{before_holder}");
        assert!(
            text.contains("enum Sort")
                && text[text.find("enum Sort").unwrap() - 80..].contains("Copy")
        );
    }

    const MEMBERS: &str = r#"
        pub mod types {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum Envelope { Human(Human), Machine(Machine) }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Human {
                #[serde(rename = "type")]
                pub type_: HumanType,
                pub status: Status,
                pub level: ::std::option::Option<Level>,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Machine {
                #[serde(rename = "kindOf")]
                pub kind_of: MachineKind,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum HumanType { #[serde(rename = "Human")] Human }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Status { #[serde(rename = "A")] A, #[serde(rename = "B")] B }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Level { #[serde(rename = "L")] L }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum MachineKind { #[serde(rename = "NHI")] Nhi, #[serde(rename = "AGENT")] Agent }
        }
        pub mod builder {
            impl<'a> GetEnvelope<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Envelope>, Error<()>> { todo!() }
            }
        }
    "#;

    #[test]
    fn the_tags_of_untagged_members_stay_closed() {
        let mut file: syn::File = syn::parse_str(MEMBERS).unwrap();
        let spec = serde_json::json!({"components": {"schemas": {"Envelope": {
            "oneOf": [], "discriminator": {"propertyName": "kindOf"}
        }}}});
        let applied = response_enums_are_open(&mut file, &spec).unwrap();
        assert!(applied.change.contains("2 tag(s)"), "{}", applied.change);
        let text = file.to_token_stream().to_string();
        let item = |name: &str| {
            let at = text.find(&format!("enum {name}")).unwrap();
            text[at..].split_once('}').unwrap().0.to_owned()
        };
        // One value, required: a tag. A discriminator's property: a tag.
        assert!(!item("HumanType").contains("Other"), "{text}");
        assert!(!item("MachineKind").contains("Other"), "{text}");
        // Two values and no discriminator, or not required: open.
        assert!(item("Status").contains("Other"), "{text}");
        assert!(item("Level").contains("Other"), "{text}");
    }
}
