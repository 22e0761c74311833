//! An adaptation of progenitor's output: `schemars_impls_follow_the_dependency`.
//!
//! The generated types derive `schemars::JsonSchema`, and the client
//! depends on schemars 1. The derive works with either major, but where
//! typify 0.8 writes an impl by hand (a newtype constrained to some values,
//! `EnumValue`, or away from some, `DenyValue`: an enum of integers,
//! numbers or booleans, a string enum beside `not`), it writes it against
//! schemars 0.8 (`schemars::gen::SchemaGenerator`, `schemars::schema::Schema`),
//! which does not compile with schemars 1. Every such impl is rewritten
//! against schemars 1 with the same meaning: the inner type's schema with
//! `enum` (or `not: {enum}`) set to the same values. The family rule: no
//! generated code names an API of a schemars major that is not the one in
//! the dependency tree; an impl of this kind whose shape is not the one
//! typify writes fails generation, naming the type.

use quote::quote;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use crate::{AppliedAdaptation, Error};

/// Rewrites every schemars 0.8 `impl JsonSchema` in `file` (see the module
/// docs).
pub(crate) fn schemars_impls_follow_the_dependency(
    file: &mut syn::File,
) -> Result<Option<AppliedAdaptation>, Error> {
    struct Rewrite {
        done: Vec<String>,
        failed: Option<(String, String)>,
    }
    impl VisitMut for Rewrite {
        fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
            let is_json_schema = item.trait_.as_ref().is_some_and(|(_, path, _)| {
                path.segments
                    .last()
                    .is_some_and(|s| s.ident == "JsonSchema")
            });
            if !is_json_schema {
                return syn::visit_mut::visit_item_impl_mut(self, item);
            }
            let text = quote!(#item).to_string();
            if !(text.contains("schemars :: gen") || text.contains("schemars :: schema")) {
                return;
            }
            let self_ty = &item.self_ty;
            let name = quote!(#self_ty).to_string().replace(' ', "");
            match rewritten(item) {
                Some(new) => {
                    *item = new;
                    self.done.push(name);
                }
                None => {
                    self.failed.get_or_insert((name, text));
                }
            }
        }
    }
    let mut rewrite = Rewrite {
        done: Vec::new(),
        failed: None,
    };
    rewrite.visit_file_mut(file);
    if let Some((name, text)) = rewrite.failed {
        let shown: String = text.chars().take(800).collect();
        return Err(Error::Adaptation(format!(
            "schemars_impls_follow_the_dependency: the JsonSchema impl of `{name}` uses the \
             schemars 0.8 API in a shape this adaptation does not know; typify's output \
             changed: revisit crates/codegen/src/schemars_impls.rs. The impl: {shown}"
        )));
    }
    Ok((!rewrite.done.is_empty()).then(|| AppliedAdaptation {
        adaptation: "schemars_impls_follow_the_dependency",
        change: format!(
            "{} JsonSchema impl(s) written by typify against schemars 0.8 rewritten for schemars 1: {}",
            rewrite.done.len(),
            rewrite.done.join(", ")
        ),
    }))
}

/// The schemars 1 impl of the same meaning as typify's schemars 0.8 one:
/// its type name, the inner type it constrains, the values (JSON text in
/// `serde_json::from_str("...")` calls; none when typify found no value
/// that fits, as for an `allOf` of enums with nothing in common) and
/// whether they are denied (`not`). `None` when the impl does not have
/// that shape.
fn rewritten(item: &syn::ItemImpl) -> Option<syn::ItemImpl> {
    #[derive(Default)]
    struct Parts {
        name: Option<String>,
        inner: Option<syn::Type>,
        values: Vec<String>,
        deny: bool,
    }
    impl<'a> Visit<'a> for Parts {
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            if f.sig.ident == "schema_name" {
                let mut strings = Strings(Vec::new());
                strings.visit_block(&f.block);
                self.name = strings.0.into_iter().next();
                return;
            }
            syn::visit::visit_impl_item_fn(self, f);
        }
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            if let Some(q) = &p.qself {
                let is_json_schema = p.path.segments.iter().any(|s| s.ident == "JsonSchema");
                if is_json_schema && self.inner.is_none() {
                    self.inner = Some((*q.ty).clone());
                }
            }
            syn::visit::visit_expr_path(self, p);
        }
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            let func = &call.func;
            if quote!(#func).to_string().ends_with("from_str") {
                if let Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                })) = call.args.first()
                {
                    self.values.push(s.value());
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_ident(&mut self, ident: &'a proc_macro2::Ident) {
            if ident == "not" {
                self.deny = true;
            }
        }
    }
    struct Strings(Vec<String>);
    impl<'a> Visit<'a> for Strings {
        fn visit_lit_str(&mut self, s: &'a syn::LitStr) {
            self.0.push(s.value());
        }
    }
    let mut parts = Parts::default();
    parts.visit_item_impl(item);
    let name = parts.name?;
    let inner = parts.inner?;
    let self_ty = &item.self_ty;
    let values = &parts.values;
    let constrain = if parts.deny {
        quote! { schema.insert("not".into(), ::serde_json::json!({ "enum": values })); }
    } else {
        quote! { schema.insert("enum".into(), ::serde_json::Value::Array(values)); }
    };
    Some(syn::parse_quote! {
        impl ::schemars::JsonSchema for #self_ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name)
            }

            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let mut schema = <#inner as ::schemars::JsonSchema>::json_schema(generator);
                let listed: &[&str] = &[#(#values),*];
                let values: ::std::vec::Vec<::serde_json::Value> = listed
                    .iter()
                    .filter_map(|value| ::serde_json::from_str(value).ok())
                    .collect();
                #constrain
                schema
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// typify 0.8's two shapes, as it writes them (type_entry.rs).
    const TYPIFY: &str = r#"
        pub mod types {
            impl ::schemars::JsonSchema for Level {
                fn schema_name() -> ::std::string::String {
                    "Level".to_string()
                }
                fn json_schema(gen: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                    let mut schema = <i64 as ::schemars::JsonSchema>::json_schema(gen).into_object();
                    schema.enum_values = ::std::option::Option::Some(
                        [::serde_json::from_str("1").unwrap(), ::serde_json::from_str("2").unwrap(),]
                            .into_iter().collect());
                    schema.into()
                }
            }
            impl ::schemars::JsonSchema for NotRoot {
                fn schema_name() -> ::std::string::String {
                    "NotRoot".to_string()
                }
                fn json_schema(gen: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                    let mut schema = <::std::string::String as ::schemars::JsonSchema>::json_schema(gen).into_object();
                    let not = ::schemars::schema::SchemaObject {
                        enum_values: ::std::option::Option::Some([::serde_json::from_str("\"root\"").unwrap(),].into_iter().collect()),
                        ..::std::default::Default::default()
                    };
                    schema.subschemas().not = Some(::std::boxed::Box::new(not.into()));
                    schema.into()
                }
            }
            #[derive(schemars::JsonSchema)]
            pub struct Untouched(i64);
        }
    "#;

    #[test]
    fn typify_s_schemars_0_8_impls_are_rewritten_with_the_same_values() {
        let mut file: syn::File = syn::parse_str(TYPIFY).unwrap();
        let applied = schemars_impls_follow_the_dependency(&mut file)
            .unwrap()
            .unwrap();
        assert!(
            applied.change.contains("2 JsonSchema impl(s)"),
            "{}",
            applied.change
        );
        let text = quote!(#file).to_string();
        assert!(!text.contains("schemars :: gen"), "{text}");
        assert!(!text.contains("schemars :: schema ::"), "{text}");
        assert!(
            text.contains("< i64 as :: schemars :: JsonSchema > :: json_schema (generator)"),
            "{text}"
        );
        assert!(text.contains("& [\"1\" , \"2\"]"), "{text}");
        assert!(
            text.contains("schema . insert (\"enum\" . into ()"),
            "{text}"
        );
        assert!(
            text.contains("schema . insert (\"not\" . into ()"),
            "{text}"
        );
        assert!(text.contains("[\"\\\"root\\\"\"]"), "{text}");
        assert!(text.contains("Cow :: Borrowed (\"NotRoot\")"), "{text}");
        // Nothing to rewrite: nothing reported.
        let mut plain: syn::File =
            syn::parse_str("#[derive(schemars::JsonSchema)] pub struct A(i64);").unwrap();
        assert!(schemars_impls_follow_the_dependency(&mut plain)
            .unwrap()
            .is_none());
    }

    #[test]
    fn an_impl_of_another_shape_fails_loudly_naming_the_type() {
        let mut file: syn::File = syn::parse_str(
            "impl ::schemars::JsonSchema for Odd { fn json_schema(gen: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema { todo!() } }",
        )
        .unwrap();
        let err = schemars_impls_follow_the_dependency(&mut file).unwrap_err();
        assert!(err.to_string().contains("`Odd`"), "{err}");
    }
}
