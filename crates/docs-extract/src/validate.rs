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
    for (key, value) in doc.as_object().into_iter().flatten() {
        if key != "paths" {
            let mut at = vec![key.as_str()];
            check_refs(doc, value, &mut at, None, &mut problems);
        }
    }
    problems
}

/// Parses the document with `openapiv3` one operation and one component at
/// a time, spread over the cores: the same checks as one parse of the
/// whole, each problem tied to its operation or component.
fn openapi_problems(doc: &Value) -> Vec<Problem> {
    use serde::Deserialize as _;
    enum Part<'a> {
        Operation(Route, &'a Value),
        PathItem(&'a str, serde_json::Map<String, Value>),
        Component(&'a str, &'a str, &'a Value),
        Skeleton(Value),
    }
    let mut parts: Vec<Part<'_>> = operations(doc)
        .map(|o| Part::Operation(o.route(), o.op))
        .collect();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        // The path item without its operations (checked above).
        let rest = item
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| !openapi_model::METHODS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        parts.push(Part::PathItem(path, rest));
    }
    for (kind, entries) in doc
        .get("components")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        match entries.as_object() {
            Some(entries) => parts.extend(
                entries
                    .iter()
                    .map(|(name, v)| Part::Component(kind.as_str(), name.as_str(), v)),
            ),
            None => parts.push(Part::Component(kind.as_str(), "", entries)),
        }
    }
    // The rest of the document, without its two large parts.
    let mut skeleton = serde_json::Map::new();
    for (key, value) in doc.as_object().into_iter().flatten() {
        if key != "paths" && key != "components" {
            skeleton.insert(key.clone(), value.clone());
        }
    }
    skeleton.insert("paths".into(), Value::Object(serde_json::Map::new()));
    parts.push(Part::Skeleton(Value::Object(skeleton)));

    let check = |part: &Part<'_>| -> Option<Problem> {
        let invalid = |e: serde_json::Error| format!("not an OpenAPI 3.0 document: {e}");
        match part {
            Part::Operation(route, op) => openapiv3::Operation::deserialize(*op)
                .err()
                .map(|e| Problem::at(route.clone(), invalid(e))),
            Part::PathItem(path, rest) => {
                openapiv3::PathItem::deserialize(&Value::Object(rest.clone()))
                    .err()
                    .map(|e| Problem::document(format!("paths.{path}: {}", invalid(e))))
            }
            Part::Component(kind, name, value) => component_problem(kind, value)
                .map(|e| Problem::document(format!("components.{kind}.{name}: {}", invalid(e)))),
            Part::Skeleton(skeleton) => openapiv3::OpenAPI::deserialize(skeleton)
                .err()
                .map(|e| Problem::document(invalid(e))),
        }
    };
    openapi_model::par_map(&parts, check)
        .into_iter()
        .flatten()
        .collect()
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
}
