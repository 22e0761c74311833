//! Validation of an assembled document: it parses as OpenAPI 3.0 (with
//! `openapiv3`, one operation at a time so each problem names its
//! operation), and the structure `openapiv3` does not check holds (path
//! templates and parameters, unique operation ids, security requirements,
//! server variables, `$ref`s that resolve).

use std::collections::{BTreeSet, HashMap};

use openapi_model::{operations, template_names, Problem, Route};
use serde_json::Value;

/// Returns every problem found; empty when the document is valid.
pub fn validate(doc: &Value) -> Vec<Problem> {
    let mut problems = openapi_problems(doc);
    problems.extend(schema_problems(doc));
    check_tags(doc, &mut problems);
    if doc.get("openapi").and_then(Value::as_str) != Some("3.0.3") {
        problems.push(Problem::document("`openapi` must be \"3.0.3\""));
    }
    check_servers(doc.get("servers"), None, &mut problems);

    let schemes: BTreeSet<&str> = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    check_security(doc.get("security"), None, &schemes, &mut problems);

    let mut operation_ids: HashMap<&str, Route> = HashMap::new();
    for operation in operations(doc) {
        let here = operation.route();
        let at = |message: String| Problem::at(here.clone(), message);
        let op = operation.op;
        let templated: BTreeSet<String> = template_names(operation.path).into_iter().collect();
        let mut declared = declared_path_params(operation.item.get("parameters"));
        declared.extend(declared_path_params(op.get("parameters")));
        for name in templated.difference(&declared) {
            problems.push(at(format!(
                "path template `{{{name}}}` has no `in: path` parameter"
            )));
        }
        for name in declared.difference(&templated) {
            problems.push(at(format!(
                "path parameter `{name}` is not in the path template"
            )));
        }
        check_params(op.get("parameters"), &here, &mut problems);
        check_security(op.get("security"), Some(&here), &schemes, &mut problems);
        check_servers(op.get("servers"), Some(&here), &mut problems);
        match operation.id() {
            Some(id) => {
                if let Some(first) = operation_ids.insert(id, here.clone()) {
                    problems.push(at(format!("operationId `{id}` is also used by {first}")));
                }
            }
            None => problems.push(at("no operationId".into())),
        }
        if op
            .get("responses")
            .and_then(Value::as_object)
            .is_none_or(|r| r.is_empty())
        {
            problems.push(at("no responses".into()));
        }
        check_refs(doc, op, &mut Vec::new(), Some(&here), &mut problems);
    }
    for webhook in openapi_model::webhooks(doc) {
        let here = crate::webhooks::route(webhook.path);
        let op = webhook.op;
        check_params(op.get("parameters"), &here, &mut problems);
        check_security(op.get("security"), Some(&here), &schemes, &mut problems);
        check_servers(op.get("servers"), Some(&here), &mut problems);
        if let Some(id) = webhook.id() {
            if let Some(first) = operation_ids.insert(id, here.clone()) {
                problems.push(Problem::at(
                    here.clone(),
                    format!("operationId `{id}` is also used by {first}"),
                ));
            }
        }
        check_refs(doc, op, &mut Vec::new(), Some(&here), &mut problems);
    }
    for (key, value) in doc.as_object().into_iter().flatten() {
        if key != "paths" && key != openapi_model::WEBHOOKS {
            let mut at = vec![key.as_str()];
            check_refs(doc, value, &mut at, None, &mut problems);
        }
    }
    problems
}

/// Checks the document in parts, spread over the cores: each operation,
/// each path item's other fields, each component schema, the rest of the
/// components, and the rest of the document. Each part is parsed with
/// `openapiv3` and checked against its definition in the official OpenAPI
/// 3.0 JSON Schema: the same checks as for the whole document at once, each
/// problem tied to its operation (or to its place in the document).
fn openapi_problems(doc: &Value) -> Vec<Problem> {
    use serde::Deserialize as _;
    enum Part<'a> {
        Operation(Route, &'a Value),
        Webhook(Route, std::borrow::Cow<'a, Value>),
        PathItem(&'a str, Value),
        Schema(&'a str, &'a Value),
        Components(Value),
        Skeleton(Value),
    }
    // Small parts the official schema checks together, in one document:
    // path items without their operations, and the components without the
    // bodies of their schemas.
    let mut rest_of_paths = serde_json::Map::new();
    let mut parts: Vec<Part<'_>> = operations(doc)
        .map(|o| Part::Operation(o.route(), o.op))
        .chain(openapi_model::webhooks(doc).map(|w| {
            Part::Webhook(
                crate::webhooks::route(w.path),
                crate::webhooks::as_operation(w.op),
            )
        }))
        .collect();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        // The path item without its operations (each checked on its own).
        let rest = match item.as_object() {
            Some(item) => Value::Object(
                item.iter()
                    .filter(|(k, _)| !openapi_model::METHODS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            None => item.clone(),
        };
        rest_of_paths.insert(path.clone(), rest.clone());
        parts.push(Part::PathItem(path, rest));
    }
    if let Some(components) = doc.get("components") {
        // The components without their schemas' bodies (each is a part of
        // its own): the names stay, to be checked.
        let mut shell = serde_json::Map::new();
        for (kind, entries) in components.as_object().into_iter().flatten() {
            let entries = match (kind.as_str(), entries) {
                ("schemas", Value::Object(schemas)) => {
                    parts.extend(schemas.iter().map(|(name, v)| Part::Schema(name, v)));
                    Value::Object(
                        schemas
                            .keys()
                            .map(|k| (k.clone(), Value::Object(serde_json::Map::new())))
                            .collect(),
                    )
                }
                _ => entries.clone(),
            };
            shell.insert(kind.clone(), entries);
        }
        // Components that are not an object are checked as they are.
        let shell = if components.is_object() {
            Value::Object(shell)
        } else {
            components.clone()
        };
        parts.push(Part::Components(shell));
    }
    // The rest of the document, without its two large parts.
    let mut skeleton = serde_json::Map::new();
    for (key, value) in doc.as_object().into_iter().flatten() {
        if key != "paths" && key != "components" && key != openapi_model::WEBHOOKS {
            skeleton.insert(key.clone(), value.clone());
        }
    }
    skeleton.insert("paths".into(), Value::Object(serde_json::Map::new()));
    let mut official_rest = skeleton.clone();
    official_rest.insert("paths".into(), Value::Object(rest_of_paths));
    if let Some(Part::Components(shell)) = parts.last() {
        official_rest.insert("components".into(), shell.clone());
    }
    parts.push(Part::Skeleton(Value::Object(skeleton)));
    let official_rest = Value::Object(official_rest);

    let check = |part: &Part<'_>| -> Vec<Problem> {
        let invalid = |e: serde_json::Error| format!("not an OpenAPI 3.0 document: {e}");
        let v = validators();
        match part {
            Part::Operation(route, op) => {
                let prefix = format!("/paths/{}/{}", escape(&route.path), route.method);
                let mut found: Vec<Problem> = openapiv3::Operation::deserialize(*op)
                    .err()
                    .map(|e| Problem::at(route.clone(), invalid(e)))
                    .into_iter()
                    .collect();
                found.extend(
                    official(&v.operation, op, &prefix).map(|m| Problem::at(route.clone(), m)),
                );
                found
            }
            Part::Webhook(route, op) => {
                let prefix = format!("/{}/{}", escape(&route.path), route.method);
                let op: &Value = op;
                let mut found: Vec<Problem> = openapiv3::Operation::deserialize(op)
                    .err()
                    .map(|e| Problem::at(route.clone(), invalid(e)))
                    .into_iter()
                    .collect();
                found.extend(
                    official(&v.operation, op, &prefix).map(|m| Problem::at(route.clone(), m)),
                );
                found
            }
            Part::PathItem(path, rest) => openapiv3::PathItem::deserialize(rest)
                .err()
                .map(|e| Problem::document(format!("paths.{path}: {}", invalid(e))))
                .into_iter()
                .collect(),
            Part::Schema(name, schema) => {
                let prefix = format!("/components/schemas/{}", escape(name));
                let mut found: Vec<Problem> = component_problem("schemas", schema)
                    .map(|e| {
                        Problem::document(format!("components.schemas.{name}: {}", invalid(e)))
                    })
                    .into_iter()
                    .collect();
                found.extend(official(&v.schema, schema, &prefix).map(Problem::document));
                found
            }
            Part::Components(shell) => {
                let mut found = Vec::new();
                for (kind, entries) in shell.as_object().into_iter().flatten() {
                    if kind == "schemas" {
                        continue;
                    }
                    for (name, value) in entries.as_object().into_iter().flatten() {
                        if let Some(e) = component_problem(kind, value) {
                            found.push(Problem::document(format!(
                                "components.{kind}.{name}: {}",
                                invalid(e)
                            )));
                        }
                    }
                }
                found
            }
            Part::Skeleton(skeleton) => {
                let mut found: Vec<Problem> = openapiv3::OpenAPI::deserialize(skeleton)
                    .err()
                    .map(|e| Problem::document(invalid(e)))
                    .into_iter()
                    .collect();
                found.extend(official(&v.document, &official_rest, "").map(Problem::document));
                found
            }
        }
    };
    openapi_model::par_map(&parts, check)
        .into_iter()
        .flatten()
        .collect()
}

/// What openapi-spec-validator checks in schemas beyond the official JSON
/// Schema (which says nothing inside a Schema Object's values), so that a
/// document valid here is valid there: each schema is also a valid JSON
/// Schema draft 4 (an `enum` lists each value once, a `pattern` is a
/// regular expression), each `default` fits its schema (see
/// [`crate::conform`]; `null` on a nullable schema always does), and a
/// schema with `allOf` requires only properties it or its members define.
/// Every schema of every operation, webhook and component is checked, on
/// every core; a problem is tied to its operation, or to its component.
fn schema_problems(doc: &Value) -> Vec<Problem> {
    let components = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut parts: Vec<(Option<Route>, &Value)> = operations(doc)
        .map(|o| (Some(o.route()), o.op))
        .chain(openapi_model::webhooks(doc).map(|w| (Some(crate::webhooks::route(w.path)), w.op)))
        .collect();
    let named: Vec<(&String, &Value)> = components.into_iter().flatten().collect();
    parts.extend(named.iter().map(|(_, schema)| (None, *schema)));
    let found = openapi_model::par_map(&parts, |(route, node)| {
        let mut messages = Vec::new();
        match route {
            Some(_) => openapi_model::operation_schemas(node, &mut |place, schema| {
                check_schema(schema, &place.to_string(), true, components, &mut messages);
            }),
            None => check_schema(node, "", true, components, &mut messages),
        }
        messages
    });
    let mut problems = Vec::new();
    let mut names = named.iter().map(|(name, _)| *name);
    for ((route, _), messages) in parts.iter().zip(found) {
        match route {
            Some(route) => {
                problems.extend(messages.into_iter().map(|m| Problem::at(route.clone(), m)));
            }
            None => {
                let name = names.next().map(String::as_str).unwrap_or_default();
                problems.extend(
                    messages
                        .into_iter()
                        .map(|m| Problem::document(format!("components.schemas.{name}: {m}"))),
                );
            }
        }
    }
    problems
}

/// The checks of [`schema_problems`] on one schema and those nested in it;
/// `at` says where it is, `top` whether it is the outermost schema of its
/// place (where the `allOf` rule applies).
fn check_schema(
    schema: &Value,
    at: &str,
    top: bool,
    components: Option<&serde_json::Map<String, Value>>,
    out: &mut Vec<String>,
) {
    let Some(map) = schema.as_object() else {
        return;
    };
    let here = |what: String| {
        if at.is_empty() {
            what
        } else {
            format!("{at}: {what}")
        }
    };
    if let Some(Value::Array(values)) = map.get("enum") {
        for (i, value) in values.iter().enumerate() {
            if values[..i]
                .iter()
                .any(|v| crate::conform::json_eq(v, value))
            {
                out.push(here(format!("`enum` lists {value} twice")));
                break;
            }
        }
    }
    if let Some(Value::String(pattern)) = map.get("pattern") {
        if let Err(e) = regress::Regex::new(pattern) {
            out.push(here(format!(
                "`pattern` `{pattern}` is not a regular expression: {e}"
            )));
        }
    }
    if let Some(default) = map.get("default") {
        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        if !(default.is_null() && nullable) {
            if let Err(e) = crate::conform::check(default, schema, components) {
                out.push(here(format!("`default` does not fit its schema: {e}")));
            }
        }
    }
    if top && map.contains_key("allOf") {
        let mut defined = std::collections::BTreeSet::new();
        collect_properties(schema, components, &mut defined, 0);
        let undefined: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|name| !defined.contains(*name))
            .collect();
        if !undefined.is_empty() {
            out.push(here(format!(
                "`required` lists {}, which neither its properties nor its `allOf` members define",
                undefined
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    openapi_model::child_schemas(schema, &mut |child, value| {
        let at = if at.is_empty() {
            child.to_string()
        } else {
            format!("{at} {child}")
        };
        check_schema(value, &at, false, components, out);
    });
}

/// Every property name a schema defines, through `allOf`/`oneOf`/`anyOf`,
/// `items`, `not` and `$ref`s (as openapi-spec-validator collects them).
fn collect_properties<'a>(
    schema: &'a Value,
    components: Option<&'a serde_json::Map<String, Value>>,
    out: &mut std::collections::BTreeSet<&'a str>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => match reference
            .strip_prefix(openapi_model::SCHEMA_REF_PREFIX)
            .and_then(|name| components?.get(name))
        {
            Some(target) => target,
            None => return,
        },
        None => schema,
    };
    if let Some(Value::Object(properties)) = schema.get("properties") {
        out.extend(properties.keys().map(String::as_str));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for member in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_properties(member, components, out, depth + 1);
        }
    }
    for key in ["items", "not"] {
        if let Some(child) = schema.get(key) {
            collect_properties(child, components, out, depth + 1);
        }
    }
}

/// Tag names are unique.
fn check_tags(doc: &Value, problems: &mut Vec<Problem>) {
    let mut seen = BTreeSet::new();
    for tag in doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = tag.get("name").and_then(Value::as_str) {
            if !seen.insert(name) {
                problems.push(Problem::document(format!("tag `{name}` is declared twice")));
            }
        }
    }
}

/// A JSON pointer segment: `~` and `/` escaped.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The official OpenAPI 3.0 JSON Schema (see `schema/README.md`) as JSON.
fn official_schema_json() -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = include_str!("../schema/openapi-3.0.schema.yaml");
        serde_yaml_ng::from_str(text).expect("the vendored OpenAPI 3.0 schema is YAML")
    })
}

/// The official schema, compiled once for each part of a document.
struct Validators {
    document: jsonschema::Validator,
    operation: jsonschema::Validator,
    schema: jsonschema::Validator,
}

fn validators() -> &'static Validators {
    static VALIDATORS: std::sync::OnceLock<Validators> = std::sync::OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let official = official_schema_json();
        let compile = |schema: &Value| {
            jsonschema::draft4::new(schema).expect("the vendored OpenAPI 3.0 schema compiles")
        };
        // One definition of the official schema, with all of them to refer to.
        let part = |root: Value| {
            compile(&serde_json::json!({
                "allOf": [root],
                "definitions": official["definitions"].clone(),
            }))
        };
        // Compiling is most of the cost of a small site: two at a time.
        std::thread::scope(|scope| {
            let operation =
                scope.spawn(|| part(serde_json::json!({"$ref": "#/definitions/Operation"})));
            let schema = scope.spawn(|| {
                part(serde_json::json!({"oneOf": [
                    {"$ref": "#/definitions/Schema"},
                    {"$ref": "#/definitions/Reference"}
                ]}))
            });
            let document = compile(official);
            let join = |h: std::thread::ScopedJoinHandle<'_, jsonschema::Validator>| {
                h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
            };
            Validators {
                document,
                operation: join(operation),
                schema: join(schema),
            }
        })
    })
}

/// What the official schema finds in one part, with its place in the document.
fn official<'a>(
    validator: &'a jsonschema::Validator,
    instance: &'a Value,
    prefix: &'a str,
) -> impl Iterator<Item = String> + 'a {
    validator.iter_errors(instance).map(move |error| {
        format!(
            "does not match the OpenAPI 3.0 JSON Schema at #{prefix}{}: {}",
            error.instance_path().as_str(),
            short(error.to_string())
        )
    })
}

/// The keywords an OpenAPI 3.0 Schema Object may have, from the official
/// schema's definition of it (`x-` extensions aside).
pub fn schema_keywords() -> &'static BTreeSet<String> {
    static KEYWORDS: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    KEYWORDS.get_or_init(|| {
        official_schema_json()
            .pointer("/definitions/Schema/properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    })
}

/// The official schema's message, without the (possibly huge) value it
/// quotes: at most a line of it.
fn short(message: String) -> String {
    const MAX: usize = 240;
    if message.len() <= MAX {
        return message;
    }
    let mut end = MAX;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &message[..end])
}

/// Parses one component of the given kind.
fn component_problem(kind: &str, value: &Value) -> Option<serde_json::Error> {
    use openapiv3::ReferenceOr;
    use serde::Deserialize as _;
    fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> Option<serde_json::Error> {
        ReferenceOr::<T>::deserialize(v).err()
    }
    match kind {
        "schemas" => parse::<openapiv3::Schema>(value),
        "responses" => parse::<openapiv3::Response>(value),
        "parameters" => parse::<openapiv3::Parameter>(value),
        "examples" => parse::<openapiv3::Example>(value),
        "requestBodies" => parse::<openapiv3::RequestBody>(value),
        "headers" => parse::<openapiv3::Header>(value),
        "securitySchemes" => parse::<openapiv3::SecurityScheme>(value),
        "links" => parse::<openapiv3::Link>(value),
        "callbacks" => parse::<openapiv3::Callback>(value),
        _ => {
            // An extension or an unknown kind: let `Components` judge it.
            let mut one = serde_json::Map::new();
            one.insert(kind.to_owned(), value.clone());
            openapiv3::Components::deserialize(&Value::Object(one)).err()
        }
    }
}

fn declared_path_params(params: Option<&Value>) -> BTreeSet<String> {
    params
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn check_params(params: Option<&Value>, here: &Route, problems: &mut Vec<Problem>) {
    let mut seen = BTreeSet::new();
    for p in params.and_then(Value::as_array).into_iter().flatten() {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
        if !seen.insert((name, location)) {
            problems.push(Problem::at(
                here.clone(),
                format!("parameter `{name}` in {location} is declared twice"),
            ));
        }
        if location == "path" && p.get("required") != Some(&Value::Bool(true)) {
            problems.push(Problem::at(
                here.clone(),
                format!("path parameter `{name}` must be `required: true`"),
            ));
        }
    }
}

fn problem(here: Option<&Route>, what: &str, message: String) -> Problem {
    match here {
        Some(route) => Problem::at(route.clone(), message),
        None => Problem::document(format!("{what}: {message}")),
    }
}

fn check_security(
    security: Option<&Value>,
    here: Option<&Route>,
    schemes: &BTreeSet<&str>,
    problems: &mut Vec<Problem>,
) {
    for requirement in security.and_then(Value::as_array).into_iter().flatten() {
        for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
            if !schemes.contains(name.as_str()) {
                problems.push(problem(here, "the document", format!(
                    "security requirement names `{name}`, which is not in components.securitySchemes"
                )));
            }
        }
    }
}

fn check_servers(servers: Option<&Value>, here: Option<&Route>, problems: &mut Vec<Problem>) {
    for server in servers.and_then(Value::as_array).into_iter().flatten() {
        let url = server.get("url").and_then(Value::as_str).unwrap_or("");
        for var in template_names(url) {
            if server
                .pointer(&format!("/variables/{var}/default"))
                .is_none()
            {
                problems.push(problem(
                    here,
                    "the document",
                    format!("server `{url}` uses `{{{var}}}` without a variable default"),
                ));
            }
        }
    }
}

/// Checks every `$ref` under `node`; `at` is the path to it, kept as
/// segments so that a string is only built for a problem.
fn check_refs<'a>(
    doc: &Value,
    node: &'a Value,
    at: &mut Vec<&'a str>,
    here: Option<&Route>,
    problems: &mut Vec<Problem>,
) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let resolves = target
                    .strip_prefix('#')
                    .is_some_and(|pointer| doc.pointer(pointer).is_some());
                if !resolves {
                    let message = format!("#/{}: `$ref` {target} does not resolve", at.join("/"));
                    problems.push(match here {
                        Some(route) => Problem::at(route.clone(), message),
                        None => Problem::document(message),
                    });
                }
            }
            for (key, child) in map {
                if child.is_object() || child.is_array() {
                    at.push(key);
                    check_refs(doc, child, at, here, problems);
                    at.pop();
                }
            }
        }
        Value::Array(items) => {
            for child in items {
                at.push("[]");
                check_refs(doc, child, at, here, problems);
                at.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(paths: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
            "components": {"securitySchemes": {"oauth2": {"type": "http", "scheme": "bearer"}}}
        })
    }

    #[test]
    fn valid_document_has_no_problems() {
        let d = doc(json!({"/a/{id}": {"get": {
            "operationId": "getA",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "security": [{"oauth2": []}],
            "responses": {"200": {"description": "ok"}}
        }}}));
        assert_eq!(validate(&d), Vec::<Problem>::new());
    }

    #[test]
    fn finds_each_structural_problem() {
        let d = doc(json!({"/a/{id}": {"get": {
            "operationId": "getA",
            "parameters": [{"name": "ident", "in": "path", "required": true, "schema": {"type": "string"}}],
            "security": [{"bearerAuth": []}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}
        }}, "/b": {"get": {"operationId": "getA", "responses": {}}}}));
        let problems: Vec<String> = validate(&d).iter().map(ToString::to_string).collect();
        let problems = problems.join("\n");
        for expected in [
            "`{id}` has no `in: path` parameter",
            "`ident` is not in the path template",
            "names `bearerAuth`",
            "#/components/schemas/Nope does not resolve",
            "operationId `getA` is also used by GET /a/{id}",
            "GET /b: no responses",
        ] {
            assert!(
                problems.contains(expected),
                "missing {expected:?} in:\n{problems}"
            );
        }
    }

    /// What `openapiv3` accepts and a standard validator does not: a
    /// keyword in the wrong case inside a schema.
    #[test]
    fn the_official_schema_finds_what_openapiv3_lets_through() {
        let d = doc(json!({"/a": {"get": {
            "operationId": "getA",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"id": {"type": "string", "readonly": true}}
            }}}}}
        }}}));
        serde_json::from_value::<openapiv3::OpenAPI>(d.clone()).expect("openapiv3 accepts it");
        let problems = validate(&d);
        let [problem] = problems.as_slice() else {
            panic!("{problems:?}")
        };
        assert_eq!(problem.route, Some(Route::new("get", "/a")));
        assert!(
            problem
                .message
                .contains("OpenAPI 3.0 JSON Schema at #/paths/~1a/get/responses/200"),
            "{problem}"
        );
        assert!(
            problem.message.len() < 400,
            "the message stays short: {problem}"
        );
    }
}
