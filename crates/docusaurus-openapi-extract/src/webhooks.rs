//! Event-trigger (webhook) pages.
//!
//! SailPoint's 2025 and 2026 docs sites have a page per event trigger,
//! made by the plugin from the spec's `x-webhooks` (OpenAPI 3.1's
//! `webhooks`): its `api` has `method: "event"`, `path: "webhook"`, the
//! event's payload (what SailPoint sends to the subscriber) as
//! `requestBody`, and responses only for a trigger that expects an answer.
//! The plugin drops the webhook's name (the key in `x-webhooks`) and its
//! method; the page keeps the operationId (its page id is the operationId
//! in kebab case).
//!
//! Such a page becomes a webhook of the document, never an operation:
//! `x-webhooks: {operationId: {post: operation}}`, the shape the source
//! specs use ([`openapi_model::WEBHOOKS`]). Its payload's schemas are named
//! like every other schema (titles, repeated shapes, the lock), so a user
//! can decode an event with a named type.

use serde_json::{Map, Value};

use openapi_model::{Route, WEBHOOKS};

/// The method the plugin writes on an event page.
const EVENT: &str = "event";

/// The method a webhook's operation has in the document: the source specs
/// describe each event as a `post` to the subscriber's URL.
pub(crate) const METHOD: &str = "post";

/// Whether a page's `api` is an event (webhook) page.
pub(crate) fn is_event_page(api: &Map<String, Value>) -> bool {
    api.get("method")
        .and_then(Value::as_str)
        .is_some_and(|m| m.eq_ignore_ascii_case(EVENT))
}

/// The route extraction files a webhook under (for reports, uniqueness and
/// quarantine): `POST x-webhooks/{name}`, which no path (`/...`) can be.
pub fn route(name: &str) -> Route {
    Route {
        method: METHOD.to_owned(),
        path: format!("{WEBHOOKS}/{name}"),
    }
}

/// The webhook's name, when `route` is a webhook's.
pub fn name_of(route: &Route) -> Option<&str> {
    route
        .path
        .strip_prefix(WEBHOOKS)
        .and_then(|rest| rest.strip_prefix('/'))
}

/// A webhook's operation as an OpenAPI 3.0 Operation Object, for checking
/// against the official schema: a webhook that expects no answer (a
/// fire-and-forget trigger) has no `responses`, which an OpenAPI 3.0
/// operation requires (3.1's webhooks do not); it is checked with a
/// `default` response standing in.
pub(crate) fn as_operation(op: &Value) -> std::borrow::Cow<'_, Value> {
    match op.as_object() {
        Some(map) if !map.contains_key("responses") => {
            let mut map = map.clone();
            map.insert(
                "responses".into(),
                serde_json::json!({"default": {"description": "no answer expected"}}),
            );
            std::borrow::Cow::Owned(Value::Object(map))
        }
        _ => std::borrow::Cow::Borrowed(op),
    }
}
