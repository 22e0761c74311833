//! Structural validation of an assembled document, beyond what parsing it
//! with `openapiv3` checks.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

/// HTTP methods an OpenAPI path item may hold, in the order they are written.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Returns every problem found; empty when the document is valid.
pub fn validate(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    problems.extend(openapi_problems(doc));
    if doc.get("openapi").and_then(Value::as_str) != Some("3.0.3") {
        problems.push("`openapi` must be \"3.0.3\"".into());
    }
    check_servers(doc.get("servers"), "the document", &mut problems);

    let schemes: BTreeSet<&str> = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    check_security(doc.get("security"), "the document", &schemes, &mut problems);

    let mut operation_ids: HashMap<&str, String> = HashMap::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let templated = template_names(path);
            let path_level = declared_path_params(item.get("parameters"));
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let here = format!("{} {path}", method.to_uppercase());
                let mut declared = path_level.clone();
                declared.extend(declared_path_params(op.get("parameters")));
                for name in templated.difference(&declared) {
                    problems.push(format!(
                        "{here}: path template `{{{name}}}` has no `in: path` parameter"
                    ));
                }
                for name in declared.difference(&templated) {
                    problems.push(format!(
                        "{here}: path parameter `{name}` is not in the path template"
                    ));
                }
                check_params(op.get("parameters"), &here, &mut problems);
                check_security(op.get("security"), &here, &schemes, &mut problems);
                check_servers(op.get("servers"), &here, &mut problems);
                match op.get("operationId").and_then(Value::as_str) {
                    Some(id) => {
                        if let Some(first) = operation_ids.insert(id, here.clone()) {
                            problems.push(format!(
                                "{here}: operationId `{id}` is also used by {first}"
                            ));
                        }
                    }
                    None => problems.push(format!("{here}: no operationId")),
                }
                if op
                    .get("responses")
                    .and_then(Value::as_object)
                    .is_none_or(|r| r.is_empty())
                {
                    problems.push(format!("{here}: no responses"));
                }
            }
        }
    }
    check_refs(doc, doc, &mut Vec::new(), &mut problems);
    problems
}

/// Parses the document with `openapiv3` in parts (half the paths and the
/// components on one thread; the other half and the rest on another): the
/// same checks as one parse of the whole, in about half the time.
fn openapi_problems(doc: &Value) -> Vec<String> {
    use serde::Deserialize as _;
    let paths: Vec<(&String, &Value)> = doc
        .get("paths")
        .and_then(Value::as_object)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    let check_paths = |part: &[(&String, &Value)]| -> Vec<String> {
        part.iter()
            .filter_map(|(path, item)| {
                openapiv3::PathItem::deserialize(*item)
                    .err()
                    .map(|e| format!("not an OpenAPI 3.0 document: paths.{path}: {e}"))
            })
            .collect()
    };
    let (first, second) = paths.split_at(paths.len() / 2);
    std::thread::scope(|scope| {
        // The other thread: half the paths and the components.
        let other = scope.spawn(|| {
            let mut problems = check_paths(second);
            if let Some(components) = doc.get("components") {
                if let Err(e) = openapiv3::Components::deserialize(components) {
                    problems.push(format!("not an OpenAPI 3.0 document: components: {e}"));
                }
            }
            problems
        });
        let mut problems = check_paths(first);
        // The rest of the document, without its two large parts.
        let mut skeleton = serde_json::Map::new();
        for (key, value) in doc.as_object().into_iter().flatten() {
            if key != "paths" && key != "components" {
                skeleton.insert(key.clone(), value.clone());
            }
        }
        skeleton.insert("paths".into(), Value::Object(serde_json::Map::new()));
        if let Err(e) = openapiv3::OpenAPI::deserialize(&Value::Object(skeleton)) {
            problems.push(format!("not an OpenAPI 3.0 document: {e}"));
        }
        problems.extend(other.join().unwrap_or_default());
        problems
    })
}

/// The names inside `{...}` of a path template.
pub fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
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

fn check_params(params: Option<&Value>, here: &str, problems: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for p in params.and_then(Value::as_array).into_iter().flatten() {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
        if !seen.insert((name, location)) {
            problems.push(format!(
                "{here}: parameter `{name}` in {location} is declared twice"
            ));
        }
        if location == "path" && p.get("required") != Some(&Value::Bool(true)) {
            problems.push(format!(
                "{here}: path parameter `{name}` must be `required: true`"
            ));
        }
    }
}

fn check_security(
    security: Option<&Value>,
    here: &str,
    schemes: &BTreeSet<&str>,
    problems: &mut Vec<String>,
) {
    for requirement in security.and_then(Value::as_array).into_iter().flatten() {
        for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
            if !schemes.contains(name.as_str()) {
                problems.push(format!(
                    "{here}: security requirement names `{name}`, which is not in components.securitySchemes"
                ));
            }
        }
    }
}

fn check_servers(servers: Option<&Value>, here: &str, problems: &mut Vec<String>) {
    for server in servers.and_then(Value::as_array).into_iter().flatten() {
        let url = server.get("url").and_then(Value::as_str).unwrap_or("");
        for var in template_names(url) {
            if server
                .pointer(&format!("/variables/{var}/default"))
                .is_none()
            {
                problems.push(format!(
                    "{here}: server `{url}` uses `{{{var}}}` without a variable default"
                ));
            }
        }
    }
}

/// Checks every `$ref` under `node`; `at` is the path to it, kept as
/// segments so that a string is only built for a problem.
fn check_refs<'a>(doc: &Value, node: &'a Value, at: &mut Vec<&'a str>, problems: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let resolves = target
                    .strip_prefix('#')
                    .is_some_and(|pointer| doc.pointer(pointer).is_some());
                if !resolves {
                    problems.push(format!(
                        "#/{}: `$ref` {target} does not resolve",
                        at.join("/")
                    ));
                }
            }
            for (key, child) in map {
                if child.is_object() || child.is_array() {
                    at.push(key);
                    check_refs(doc, child, at, problems);
                    at.pop();
                }
            }
        }
        Value::Array(items) => {
            for child in items {
                at.push("[]");
                check_refs(doc, child, at, problems);
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
        assert_eq!(validate(&d), Vec::<String>::new());
    }

    #[test]
    fn finds_each_structural_problem() {
        let d = doc(json!({"/a/{id}": {"get": {
            "operationId": "getA",
            "parameters": [{"name": "ident", "in": "path", "required": true, "schema": {"type": "string"}}],
            "security": [{"bearerAuth": []}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}
        }}, "/b": {"get": {"operationId": "getA", "responses": {}}}}));
        let problems = validate(&d).join("\n");
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
