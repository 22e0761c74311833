//! Webhooks: the event triggers SailPoint sends to a subscriber
//! (`x-webhooks`, one per trigger: its payload as the `requestBody`).
//! progenitor generates operations only; these make each payload a type a
//! subscriber can decode an event into.
//!
//! - `webhook_payloads_are_types` (an adaptation of the spec copy): a
//!   payload schema given inline becomes a component of its own, named
//!   after the trigger (`identityCreatedEvent` → `IdentityCreatedEvent`,
//!   unique against the other components), so typify generates it; a
//!   payload that is a `$ref` already is one.
//! - `webhooks_module` (of progenitor's output): `pub mod webhooks` with
//!   one type alias per trigger, named after it, documented with the
//!   trigger's summary and description: `webhooks::IdentityCreatedEvent` is
//!   what `serde_json::from_slice` decodes a delivery into.

use heck::ToUpperCamelCase as _;
use serde_json::{Map, Value};

use crate::AppliedAdaptation;

/// The payload schema of a webhook operation: its JSON request body's.
fn payload(op: &Value) -> Option<&Value> {
    let content = op.get("requestBody")?.get("content")?.as_object()?;
    content
        .iter()
        .find(|(media, _)| media.contains("json"))
        .or_else(|| content.iter().next())
        .and_then(|(_, media)| media.get("schema"))
}

/// The Rust name of a trigger's alias (`identityCreatedEvent` →
/// `IdentityCreatedEvent`).
fn trigger_name(name: &str) -> String {
    crate::names::rust_type_name(&name.to_upper_camel_case())
}

/// Makes every inline payload a component (see the module docs).
pub fn webhook_payloads_are_types(spec: &mut Value) -> Vec<String> {
    let names: Vec<String> = openapi_model::webhooks(spec)
        .filter(|o| payload(o.op).is_some_and(|p| p.get("$ref").is_none()))
        .map(|o| o.path.to_owned())
        .collect();
    let mut changes = Vec::new();
    for name in names {
        let taken = |candidate: &str, spec: &Value| {
            spec.pointer("/components/schemas")
                .and_then(Value::as_object)
                .is_some_and(|s| {
                    s.keys()
                        .any(|k| crate::names::rust_type_name(k).eq_ignore_ascii_case(candidate))
                })
        };
        let base = trigger_name(&name);
        let component = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|c| !taken(c, spec))
            .expect("an unused name");
        let Some(op) = spec
            .get_mut(openapi_model::WEBHOOKS)
            .and_then(|w| w.get_mut(&name))
            .and_then(|item| item.get_mut("post"))
        else {
            continue;
        };
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut schema = None;
        for media in content.values_mut() {
            if let Some(slot) = media.get_mut("schema") {
                let body = std::mem::replace(
                    slot,
                    serde_json::json!({"$ref": format!("#/components/schemas/{component}")}),
                );
                schema.get_or_insert(body);
            }
        }
        let Some(schema) = schema else { continue };
        let schemas = spec
            .as_object_mut()
            .expect("a document is an object")
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .and_then(|c| {
                c.entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
            });
        if let Some(schemas) = schemas {
            schemas.insert(component.clone(), schema);
            changes.push(format!(
                "webhook `{name}`: its inline payload is component `{component}`"
            ));
        }
    }
    changes
}

/// Adds `pub mod webhooks` (see the module docs) when the spec has
/// webhooks whose payloads are components.
pub(crate) fn webhooks_module(file: &mut syn::File, spec: &Value) -> Option<AppliedAdaptation> {
    let mut aliases: Vec<syn::Item> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for webhook in openapi_model::webhooks(spec) {
        let Some(component) = payload(webhook.op)
            .and_then(|p| p.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        else {
            continue;
        };
        let alias = quote::format_ident!("{}", trigger_name(webhook.path));
        let target = quote::format_ident!("{}", crate::names::rust_type_name(component));
        let mut doc = format!("The payload of the `{}` event trigger.", webhook.path);
        for key in ["summary", "description"] {
            if let Some(text) = webhook.op.get(key).and_then(Value::as_str) {
                doc.push_str("\n\n");
                doc.push_str(text);
            }
        }
        let (doc, _) = crate::docs::fences_as_text(&doc);
        // The payload type's area gates (when an operation reaches it too):
        // the alias is there exactly when its type is.
        let gates = cfg_of(file, &target.to_string());
        if alias == target {
            // The trigger's name is the payload's: re-exported as it is.
            aliases.push(syn::parse_quote! {
                #[doc = #doc]
                #(#gates)*
                pub use super::types::#target;
            });
        } else {
            aliases.push(syn::parse_quote! {
                #[doc = #doc]
                #(#gates)*
                pub type #alias = super::types::#target;
            });
        }
        names.push(webhook.path.to_owned());
    }
    if aliases.is_empty() {
        return None;
    }
    file.items.push(syn::parse_quote! {
        /// The event triggers (webhooks) SailPoint sends to a subscriber:
        /// one type per trigger, what a delivery's JSON body decodes into
        /// (`serde_json::from_slice::<webhooks::IdentityCreatedEvent>(body)`).
        pub mod webhooks {
            #(#aliases)*
        }
    });
    Some(AppliedAdaptation {
        adaptation: "webhooks_module",
        change: format!(
            "{} webhook payload type(s) in `webhooks`: {}",
            names.len(),
            names.join(", ")
        ),
    })
}

/// The `#[cfg]` attributes of the item `name` of `mod types`.
fn cfg_of(file: &syn::File, name: &str) -> Vec<syn::Attribute> {
    crate::syntax::module_items(&file.items, "types")
        .unwrap_or_default()
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == name => Some(s.attrs.clone()),
            syn::Item::Enum(e) if e.ident == name => Some(e.attrs.clone()),
            syn::Item::Type(t) if t.ident == name => Some(t.attrs.clone()),
            _ => None,
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.path().is_ident("cfg"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_payloads_become_components_and_every_trigger_an_alias() {
        let mut spec = json!({
            "paths": {},
            "x-webhooks": {
                "identityCreatedEvent": {"post": {"operationId": "identityCreatedEvent", "summary": "Identity created",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}},
                "accessRequested": {"post": {"operationId": "accessRequested",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccessRequest"}}}}}}
            },
            "components": {"schemas": {"AccessRequest": {"type": "object"}, "IdentityCreatedEvent": {"type": "string"}}}
        });
        let changes = webhook_payloads_are_types(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        // The name was taken: the next one.
        assert_eq!(
            spec["x-webhooks"]["identityCreatedEvent"]["post"]["requestBody"]["content"]
                ["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/IdentityCreatedEvent2"})
        );
        assert_eq!(
            spec["components"]["schemas"]["IdentityCreatedEvent2"]["properties"]["id"],
            json!({"type": "string"})
        );
        let mut file: syn::File = syn::parse_str("pub mod types {}").unwrap();
        let applied = webhooks_module(&mut file, &spec).unwrap();
        assert!(applied.change.starts_with("2 webhook payload type(s)"));
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        assert!(
            text.contains(
                "pub type IdentityCreatedEvent = super :: types :: IdentityCreatedEvent2"
            ),
            "{text}"
        );
        assert!(text.contains("pub type AccessRequested = super :: types :: AccessRequest"));
        assert!(text.contains("Identity created"));
    }
}
