//! One model of an OpenAPI 3.0 document held as JSON, which every layer of
//! this workspace walks: extraction (fixups, names, validation), codegen
//! (adaptations, the quirks table, the probe) and the drift report.
//!
//! It answers, once, the questions each of them asks of a document:
//!
//! - which operations it has ([`operations`], [`operations_mut`]), in the
//!   order [`METHODS`] lists them within a path, with their [`Route`] and id;
//! - every place an operation holds a schema ([`operation_schemas`]):
//!   parameters, request bodies, responses, response headers and callbacks,
//!   each named by a [`Place`];
//! - the children of a schema ([`child_schemas`]), each named by a [`Child`];
//! - whether an enum is open ([`is_open_enum`]);
//! - the names in a path template ([`template_names`]);
//! - what is wrong with it, as [`Problem`]s tied to the route they are in;
//! - the fields a generated client adds to every error body ([`error_body`]).
//!
//! It depends on `serde_json` alone, so that a small tool (the drift
//! library) can use it without pulling in a generator.
//!
//! ```
//! let doc = serde_json::json!({"paths": {"/a/{id}": {"get": {
//!     "operationId": "getA",
//!     "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
//!     "responses": {"200": {"description": "ok"}}
//! }}}});
//! let ops: Vec<_> = openapi_model::operations(&doc).collect();
//! assert_eq!(ops[0].route().to_string(), "GET /a/{id}");
//! assert_eq!(ops[0].id(), Some("getA"));
//! let mut places = Vec::new();
//! openapi_model::operation_schemas(ops[0].op, &mut |place, _| places.push(place.to_string()));
//! assert_eq!(places, ["parameter `id` in path"]);
//! ```

#![warn(missing_docs)]

pub mod error_body;
mod parallel;

use std::fmt;

use serde_json::{Map, Value};

pub use parallel::{par_chunks_mut, par_map};

/// HTTP methods an OpenAPI path item may hold, in the order they are written.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation's method and path: `GET /beta/sources`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    /// The method, lower case as the document writes it (`get`).
    pub method: String,
    /// The path template (`/beta/sources/{id}`).
    pub path: String,
}

impl Route {
    /// A route from a method (any case) and a path.
    pub fn new(method: &str, path: &str) -> Self {
        Route {
            method: method.to_ascii_lowercase(),
            path: path.to_owned(),
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.to_ascii_uppercase(), self.path)
    }
}

/// One operation of a document, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// The path template it is under.
    pub path: &'a str,
    /// Its method, lower case, one of [`METHODS`].
    pub method: &'static str,
    /// The Operation Object.
    pub op: &'a Value,
    /// The Path Item Object that holds it (for path-level parameters).
    pub item: &'a Value,
}

impl<'a> Operation<'a> {
    /// Its `operationId`, if it has a string one.
    pub fn id(&self) -> Option<&'a str> {
        self.op.get("operationId").and_then(Value::as_str)
    }

    /// Its method and path.
    pub fn route(&self) -> Route {
        Route::new(self.method, self.path)
    }

    /// What identifies it across two versions of a document: its
    /// `operationId`, or its route when it has none.
    pub fn key(&self) -> String {
        self.id()
            .map(str::to_owned)
            .unwrap_or_else(|| self.route().to_string())
    }
}

/// Every operation of `doc`, paths in document order, methods in
/// [`METHODS`] order within a path. Keys of a path item that are not
/// methods (`parameters`, `summary`, `x-...`) are not operations.
pub fn operations(doc: &Value) -> impl Iterator<Item = Operation<'_>> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |&method| {
                item.get(method).map(|op| Operation {
                    path,
                    method,
                    op,
                    item,
                })
            })
        })
}

/// The document extension that holds an OpenAPI 3.0 document's webhooks,
/// as SailPoint's source specs (and Redoc) write them: a map from the
/// webhook's name to a Path Item whose operation (`post`) has the event's
/// payload as its `requestBody` and, for a webhook that expects an answer,
/// the answer as its `responses`. (OpenAPI 3.1's `webhooks` has this shape.)
pub const WEBHOOKS: &str = "x-webhooks";

/// Every webhook operation of `doc` (see [`WEBHOOKS`]), in document order,
/// as an [`Operation`] whose `path` is the webhook's name.
pub fn webhooks(doc: &Value) -> impl Iterator<Item = Operation<'_>> {
    doc.get(WEBHOOKS)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(name, item)| {
            METHODS.iter().filter_map(move |&method| {
                item.get(method).map(|op| Operation {
                    path: name,
                    method,
                    op,
                    item,
                })
            })
        })
}

/// How many operations `doc` has.
pub fn count_operations(doc: &Value) -> usize {
    operations(doc).count()
}

/// Calls `f(route, operation)` on every operation of `doc`, mutably, in the
/// order of [`operations`].
pub fn operations_mut(doc: &mut Value, f: &mut dyn FnMut(Route, &mut Value)) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            if let Some(op) = item.get_mut(method) {
                f(Route::new(method, path), op);
            }
        }
    }
}

/// Where an operation holds a schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// A parameter's `schema` (or the schema of its `content`, with `media`).
    Parameter {
        /// The parameter's name.
        name: String,
        /// Where it goes: `path`, `query`, `header` or `cookie`.
        location: String,
        /// The media type, for a parameter described by `content`.
        media: Option<String>,
    },
    /// The request body's schema for one media type.
    RequestBody {
        /// The media type (`application/json`).
        media: String,
    },
    /// A response's schema for one media type.
    Response {
        /// The status code or range (`200`, `4XX`, `default`).
        status: String,
        /// The media type.
        media: String,
    },
    /// A response header's schema.
    ResponseHeader {
        /// The status code or range of the response.
        status: String,
        /// The header's name.
        header: String,
    },
    /// A place inside an operation of a callback.
    Callback {
        /// The callback's name.
        name: String,
        /// The callback's expression and the method in it.
        route: Route,
        /// The place within that operation.
        inner: Box<Place>,
    },
}

impl Place {
    /// Whether values at this place travel from the server to the client
    /// (responses and their headers; in a callback, the other way round).
    pub fn is_response(&self) -> bool {
        match self {
            Place::Parameter { .. } | Place::RequestBody { .. } => false,
            Place::Response { .. } | Place::ResponseHeader { .. } => true,
            Place::Callback { inner, .. } => !inner.is_response(),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Parameter {
                name,
                location,
                media: None,
            } => write!(f, "parameter `{name}` in {location}"),
            Place::Parameter {
                name,
                location,
                media: Some(media),
            } => write!(f, "parameter `{name}` in {location} ({media})"),
            Place::RequestBody { media } => write!(f, "request body ({media})"),
            Place::Response { status, media } => write!(f, "response {status} ({media})"),
            Place::ResponseHeader { status, header } => {
                write!(f, "response {status} header `{header}`")
            }
            Place::Callback { name, route, inner } => {
                write!(f, "callback `{name}` {route}: {inner}")
            }
        }
    }
}

/// Calls `f` on every schema an operation holds, outermost schemas only, in
/// a fixed order: parameters, request body, responses (each response's
/// content, then its headers), callbacks.
pub fn operation_schemas<'a>(op: &'a Value, f: &mut dyn FnMut(Place, &'a Value)) {
    let Some(op) = op.as_object() else { return };
    for param in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |key| {
            param
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        };
        if let Some(schema) = param.get("schema") {
            f(
                Place::Parameter {
                    name: text("name"),
                    location: text("in"),
                    media: None,
                },
                schema,
            );
        }
        for (media, schema) in content_schemas(param) {
            f(
                Place::Parameter {
                    name: text("name"),
                    location: text("in"),
                    media: Some(media.clone()),
                },
                schema,
            );
        }
    }
    if let Some(body) = op.get("requestBody") {
        for (media, schema) in content_schemas(body) {
            f(
                Place::RequestBody {
                    media: media.clone(),
                },
                schema,
            );
        }
    }
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (media, schema) in content_schemas(response) {
            f(
                Place::Response {
                    status: status.clone(),
                    media: media.clone(),
                },
                schema,
            );
        }
        for (header, value) in response
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(schema) = value.get("schema") {
                f(
                    Place::ResponseHeader {
                        status: status.clone(),
                        header: header.clone(),
                    },
                    schema,
                );
            }
        }
    }
    for (name, expressions) in op
        .get("callbacks")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (expression, item) in expressions.as_object().into_iter().flatten() {
            for method in METHODS {
                if let Some(inner) = item.get(method) {
                    let route = Route::new(method, expression);
                    operation_schemas(inner, &mut |place, schema| {
                        f(
                            Place::Callback {
                                name: name.clone(),
                                route: route.clone(),
                                inner: Box::new(place),
                            },
                            schema,
                        )
                    });
                }
            }
        }
    }
}

fn content_schemas(holder: &Value) -> impl Iterator<Item = (&String, &Value)> {
    holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(media, m)| m.get("schema").map(|s| (media, s)))
}

/// [`operation_schemas`], mutably, in the same order.
pub fn operation_schemas_mut(op: &mut Value, f: &mut dyn FnMut(Place, &mut Value)) {
    let Some(op) = op.as_object_mut() else { return };
    let (mut params, mut body, mut responses, mut callbacks) = (None, None, None, None);
    for (key, value) in op.iter_mut() {
        match key.as_str() {
            "parameters" => params = Some(value),
            "requestBody" => body = Some(value),
            "responses" => responses = Some(value),
            "callbacks" => callbacks = Some(value),
            _ => {}
        }
    }
    if let Some(Value::Array(params)) = params {
        for param in params {
            let Some(param) = param.as_object_mut() else {
                continue;
            };
            let text = |key| {
                param
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned()
            };
            let (name, location) = (text("name"), text("in"));
            if let Some(schema) = param.get_mut("schema") {
                f(
                    Place::Parameter {
                        name: name.clone(),
                        location: location.clone(),
                        media: None,
                    },
                    schema,
                );
            }
            if let Some(Value::Object(content)) = param.get_mut("content") {
                for (media, m) in content.iter_mut() {
                    if let Some(schema) = m.get_mut("schema") {
                        f(
                            Place::Parameter {
                                name: name.clone(),
                                location: location.clone(),
                                media: Some(media.clone()),
                            },
                            schema,
                        );
                    }
                }
            }
        }
    }
    if let Some(Value::Object(content)) = body.and_then(|b| b.get_mut("content")) {
        for (media, m) in content.iter_mut() {
            if let Some(schema) = m.get_mut("schema") {
                f(
                    Place::RequestBody {
                        media: media.clone(),
                    },
                    schema,
                );
            }
        }
    }
    if let Some(Value::Object(responses)) = responses {
        for (status, response) in responses.iter_mut() {
            let Some(response) = response.as_object_mut() else {
                continue;
            };
            let (mut content, mut headers) = (None, None);
            for (key, value) in response.iter_mut() {
                match key.as_str() {
                    "content" => content = Some(value),
                    "headers" => headers = Some(value),
                    _ => {}
                }
            }
            if let Some(Value::Object(content)) = content {
                for (media, m) in content.iter_mut() {
                    if let Some(schema) = m.get_mut("schema") {
                        f(
                            Place::Response {
                                status: status.clone(),
                                media: media.clone(),
                            },
                            schema,
                        );
                    }
                }
            }
            if let Some(Value::Object(headers)) = headers {
                for (header, value) in headers.iter_mut() {
                    if let Some(schema) = value.get_mut("schema") {
                        f(
                            Place::ResponseHeader {
                                status: status.clone(),
                                header: header.clone(),
                            },
                            schema,
                        );
                    }
                }
            }
        }
    }
    if let Some(Value::Object(callbacks)) = callbacks {
        for (name, expressions) in callbacks.iter_mut() {
            let Some(expressions) = expressions.as_object_mut() else {
                continue;
            };
            for (expression, item) in expressions.iter_mut() {
                for method in METHODS {
                    if let Some(inner) = item.get_mut(method) {
                        let route = Route::new(method, expression);
                        operation_schemas_mut(inner, &mut |place, schema| {
                            f(
                                Place::Callback {
                                    name: name.clone(),
                                    route: route.clone(),
                                    inner: Box::new(place),
                                },
                                schema,
                            )
                        });
                    }
                }
            }
        }
    }
}

/// How a schema holds a child schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Child {
    /// A value of `properties`.
    Property(String),
    /// `items`.
    Items,
    /// `not`.
    Not,
    /// `additionalProperties`, when it is a schema (not `true`/`false`).
    AdditionalProperties,
    /// An entry of `allOf`.
    AllOf(usize),
    /// An entry of `oneOf`.
    OneOf(usize),
    /// An entry of `anyOf`.
    AnyOf(usize),
}

impl Child {
    /// Whether `key` of a schema object holds schemas (`properties`,
    /// `items`, `allOf`, ...), given its value (`additionalProperties` only
    /// when it is an object).
    pub fn holds_schemas(key: &str, value: &Value) -> bool {
        match key {
            "properties" | "items" | "not" | "allOf" | "oneOf" | "anyOf" => true,
            "additionalProperties" => value.is_object(),
            _ => false,
        }
    }
}

impl fmt::Display for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Child::Property(name) => write!(f, "properties.{name}"),
            Child::Items => f.write_str("items"),
            Child::Not => f.write_str("not"),
            Child::AdditionalProperties => f.write_str("additionalProperties"),
            Child::AllOf(i) => write!(f, "allOf[{i}]"),
            Child::OneOf(i) => write!(f, "oneOf[{i}]"),
            Child::AnyOf(i) => write!(f, "anyOf[{i}]"),
        }
    }
}

/// Calls `f` on every direct child schema of `schema`: properties, `items`,
/// `not`, `additionalProperties` (when a schema), `allOf`, `oneOf`, `anyOf`.
pub fn child_schemas<'a>(schema: &'a Value, f: &mut dyn FnMut(Child, &'a Value)) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, child) in props {
            f(Child::Property(name.clone()), child);
        }
    }
    if let Some(child) = map.get("items") {
        f(Child::Items, child);
    }
    if let Some(child) = map.get("not") {
        f(Child::Not, child);
    }
    if let Some(child @ Value::Object(_)) = map.get("additionalProperties") {
        f(Child::AdditionalProperties, child);
    }
    for (key, make) in COMBINERS {
        if let Some(Value::Array(items)) = map.get(key) {
            for (i, child) in items.iter().enumerate() {
                f(make(i), child);
            }
        }
    }
}

/// A keyword whose value is a list of schemas, and how a child of it is named.
type Combiner = (&'static str, fn(usize) -> Child);

const COMBINERS: [Combiner; 3] = [
    ("allOf", Child::AllOf),
    ("oneOf", Child::OneOf),
    ("anyOf", Child::AnyOf),
];

/// [`child_schemas`], mutably, in the same order.
pub fn child_schemas_mut(schema: &mut Value, f: &mut dyn FnMut(Child, &mut Value)) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for (name, child) in props.iter_mut() {
            f(Child::Property(name.clone()), child);
        }
    }
    if let Some(child) = map.get_mut("items") {
        f(Child::Items, child);
    }
    if let Some(child) = map.get_mut("not") {
        f(Child::Not, child);
    }
    if let Some(child @ Value::Object(_)) = map.get_mut("additionalProperties") {
        f(Child::AdditionalProperties, child);
    }
    for (key, make) in COMBINERS {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            for (i, child) in items.iter_mut().enumerate() {
                f(make(i), child);
            }
        }
    }
}

/// Calls `f` on `schema` and every schema nested in it, parents first.
/// `$ref`s are not followed.
pub fn walk_schemas_mut(schema: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    if let Some(map) = schema.as_object_mut() {
        f(map);
    }
    child_schemas_mut(schema, &mut |_, child| walk_schemas_mut(child, f));
}

/// The statuses whose answers have no body (RFC 9110 §15.3.5, §15.3.6),
/// whatever content a page declares for them: the client reads none
/// (codegen's `no_content_answers_have_no_body`), and the drift report
/// does not compare what the docs say they hold.
pub const NO_BODY_STATUSES: &[&str] = &["204", "205"];

/// The prefix of a reference to a component schema.
pub const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// Pushes onto `out` the name of every component schema referenced
/// (`$ref: "#/components/schemas/Name"`) anywhere under `node`, in
/// document order, repeats included.
pub fn schema_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| schema_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| schema_refs(v, out)),
        _ => {}
    }
}

/// The names inside `{...}` of a path template, in order (`/a/{id}/b/{x}` →
/// `id`, `x`).
pub fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Words of ASCII letters and digits, each with its first letter made upper
/// case and the rest kept: `send test-notification` → `SendTestNotification`,
/// `listIDs` → `ListIDs`.
pub fn pascal_case(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Phrases (lower case) with which a description says an enum may grow.
pub const OPEN_ENUM_PHRASES: &[&str] = &[
    "may be added in the future",
    "additional values may be added",
    "new values may be added",
];

/// Whether `schema` is an enum of strings its description documents as open
/// ("Additional values may be added in the future"). The generated client
/// accepts any other string for such an enum; every other enum is closed.
pub fn is_open_enum(schema: &Value) -> bool {
    // Strings, and `null` for a nullable one (`[DEFAULT, REQUEST, null]`).
    let is_string_enum = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| {
            values.iter().any(Value::is_string)
                && values.iter().all(|v| v.is_string() || v.is_null())
        });
    is_string_enum
        && schema
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_lowercase)
            .is_some_and(|d| OPEN_ENUM_PHRASES.iter().any(|p| d.contains(p)))
}

/// Something wrong with a document, and the operation it is in (none for a
/// document-level part such as `servers` or `components`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The operation the problem is in.
    pub route: Option<Route>,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    /// A problem in one operation.
    pub fn at(route: Route, message: impl Into<String>) -> Self {
        Problem {
            route: Some(route),
            message: message.into(),
        }
    }

    /// A problem in a document-level part.
    pub fn document(message: impl Into<String>) -> Self {
        Problem {
            route: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.route {
            Some(route) => write!(f, "{route}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op() -> Value {
        json!({
            "parameters": [
                {"name": "id", "in": "path", "schema": {"type": "string"}},
                {"name": "f", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}}
            ],
            "responses": {
                "200": {
                    "content": {"application/json": {"schema": {"type": "array"}}},
                    "headers": {"X-Total-Count": {"schema": {"type": "integer"}}}
                }
            },
            "requestBody": {"content": {"application/json": {"schema": {"type": "boolean"}}}},
            "callbacks": {"done": {"{$request.body#/url}": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"type": "number"}}}},
                "responses": {"200": {"description": "ok"}}
            }}}}
        })
    }

    #[test]
    fn every_place_in_a_fixed_order_both_ways() {
        let mut op = op();
        let mut seen = Vec::new();
        operation_schemas(&op, &mut |place, schema| {
            seen.push((place.to_string(), schema["type"].clone()))
        });
        let mut seen_mut = Vec::new();
        operation_schemas_mut(&mut op, &mut |place, schema| {
            seen_mut.push((place.to_string(), schema["type"].clone()))
        });
        assert_eq!(seen, seen_mut);
        let expected = [
            ("parameter `id` in path", "string"),
            ("parameter `f` in query (application/json)", "object"),
            ("request body (application/json)", "boolean"),
            ("response 200 (application/json)", "array"),
            ("response 200 header `X-Total-Count`", "integer"),
            (
                "callback `done` POST {$request.body#/url}: request body (application/json)",
                "number",
            ),
        ];
        let got: Vec<(&str, &str)> = seen
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str().unwrap()))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_callbacks_request_body_is_sent_by_the_server() {
        let mut response_side = Vec::new();
        operation_schemas(&op(), &mut |place, _| {
            response_side.push(place.is_response())
        });
        assert_eq!(response_side, [false, false, false, true, true, true]);
    }

    #[test]
    fn operations_in_method_order_skip_other_keys() {
        let doc = json!({"paths": {
            "/b": {"post": {"operationId": "b"}, "get": {}, "parameters": [], "summary": "s"},
            "/a": {"delete": {"operationId": "a"}}
        }});
        let routes: Vec<String> = operations(&doc).map(|o| o.route().to_string()).collect();
        assert_eq!(routes, ["GET /b", "POST /b", "DELETE /a"]);
        let keys: Vec<String> = operations(&doc).map(|o| o.key()).collect();
        assert_eq!(keys, ["GET /b", "b", "a"]);
        let mut doc = doc;
        let mut seen = Vec::new();
        operations_mut(&mut doc, &mut |route, _| seen.push(route.to_string()));
        assert_eq!(seen, routes);
        assert_eq!(count_operations(&doc), 3);
    }

    #[test]
    fn children_and_nested_walk() {
        let mut schema = json!({
            "properties": {"a": {"type": "string"}},
            "items": {"type": "integer"},
            "additionalProperties": true,
            "allOf": [{"properties": {"deep": {"type": "boolean"}}}],
            "enum": [{"properties": {"not-a-schema": {}}}]
        });
        let mut children = Vec::new();
        child_schemas(&schema, &mut |child, _| children.push(child.to_string()));
        assert_eq!(children, ["properties.a", "items", "allOf[0]"]);
        let mut types = Vec::new();
        walk_schemas_mut(&mut schema, &mut |map| {
            types.push(map.get("type").cloned().unwrap_or(Value::Null))
        });
        assert_eq!(
            types,
            [
                Value::Null,
                json!("string"),
                json!("integer"),
                Value::Null,
                json!("boolean")
            ]
        );
    }

    #[test]
    fn open_enums_are_documented_string_enums() {
        let open =
            json!({"enum": ["A"], "description": "Additional values may be added in the future."});
        assert!(is_open_enum(&open));
        let numbers = json!({"enum": [1], "description": "New values may be added."});
        assert!(!is_open_enum(&numbers));
        assert!(!is_open_enum(&json!({"enum": ["A"]})));
    }

    #[test]
    fn templates_and_names() {
        assert_eq!(template_names("/a/{id}/b/{x}"), ["id", "x"]);
        assert!(template_names("/a").is_empty());
        assert_eq!(
            pascal_case("send test-notification"),
            "SendTestNotification"
        );
        assert_eq!(pascal_case("listIDs"), "ListIDs");
        assert_eq!(
            Problem::at(Route::new("GET", "/a"), "no responses").to_string(),
            "GET /a: no responses"
        );
    }
}
