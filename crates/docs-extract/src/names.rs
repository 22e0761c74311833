//! Giving inlined schemas back their component names.
//!
//! The plugin inlines every `$ref`, so the pages no longer say which schemas
//! were one named component upstream. A schema gets its name back from, in
//! this order:
//! 1. the names file (`spec/names.yaml`), which maps a component name to the
//!    place of one occurrence: `operationId#/json/pointer/in/the/operation`;
//! 2. the schema's own `title`, which newer plugin versions set to the
//!    component name.
//!
//! Every schema structurally identical to a named one (same JSON, key order
//! aside) then becomes a `$ref` to that one component.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::error::Error;

/// The maintainers' names file: component name → place of one occurrence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NamesFile {
    /// Where it was read from, for messages.
    pub source: String,
    /// Component name → `operationId#/pointer`, in file order.
    pub entries: Vec<(String, Location)>,
}

/// A place in an operation: its operationId and a JSON pointer inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The operation's operationId.
    pub operation_id: String,
    /// A JSON pointer (RFC 6901) into the operation object.
    pub pointer: String,
}

impl NamesFile {
    /// Parses a names file: a YAML mapping from component name to
    /// `operationId#/pointer`.
    pub fn parse(source: &str, text: &str) -> Result<Self, Error> {
        let err = |message: String| Error::Names {
            source_name: source.to_owned(),
            message,
        };
        let map: Option<serde_yaml_ng::Mapping> =
            serde_yaml_ng::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut entries: Vec<(String, Location)> = Vec::new();
        for (key, value) in map.unwrap_or_default() {
            let (Some(name), Some(place)) = (key.as_str(), value.as_str()) else {
                return Err(err(format!(
                    "every entry must be `ComponentName: operationId#/pointer`, found {key:?}: {value:?}"
                )));
            };
            if !is_component_name(name) {
                return Err(err(format!(
                    "`{name}` is not a valid component name (letters, digits, `.`, `_`, `-`)"
                )));
            }
            let Some((operation_id, pointer)) = place.split_once('#') else {
                return Err(err(format!(
                    "`{name}: {place}` has no `#`: write `operationId#/pointer`"
                )));
            };
            if !(pointer.is_empty() || pointer.starts_with('/')) {
                return Err(err(format!(
                    "`{name}: {place}`: the pointer after `#` must start with `/`"
                )));
            }
            entries.push((
                name.to_owned(),
                Location {
                    operation_id: operation_id.to_owned(),
                    pointer: pointer.to_owned(),
                },
            ));
        }
        Ok(Self {
            source: source.to_owned(),
            entries,
        })
    }
}

fn is_component_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Turns a schema title into a component name: `Error response DTO` →
/// `ErrorResponseDTO`; a title that is already a valid name is kept as is.
fn title_to_name(title: &str) -> Option<String> {
    if is_component_name(title) {
        return Some(title.to_owned());
    }
    let name: String = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A schema's structural identity: its JSON with object keys sorted.
pub fn canonical(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    write(&map[key], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// Calls `f` on every schema position of an operation (parameters, request
/// and response bodies, response headers), outermost schemas only.
pub fn for_each_operation_schema(op: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Value)) {
    if let Some(Value::Array(params)) = op.get_mut("parameters") {
        for param in params {
            if let Some(schema) = param.get_mut("schema") {
                f(schema);
            }
        }
    }
    if let Some(body) = op.get_mut("requestBody") {
        for_each_content_schema(body, f);
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for response in responses.values_mut() {
            for_each_content_schema(response, f);
            if let Some(Value::Object(headers)) = response.get_mut("headers") {
                for header in headers.values_mut() {
                    if let Some(schema) = header.get_mut("schema") {
                        f(schema);
                    }
                }
            }
        }
    }
}

fn for_each_content_schema(holder: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(Value::Object(content)) = holder.get_mut("content") {
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema") {
                f(schema);
            }
        }
    }
}

/// Calls `f` on every direct sub-schema of `schema`.
pub fn for_each_child_schema(schema: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        props.values_mut().for_each(&mut *f);
    }
    for key in ["items", "not"] {
        if let Some(child) = map.get_mut(key) {
            f(child);
        }
    }
    if let Some(child @ Value::Object(_)) = map.get_mut("additionalProperties") {
        f(child);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            items.iter_mut().for_each(&mut *f);
        }
    }
}

/// What naming did, for the report.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct NamingReport {
    /// Component name → how many places now refer to it.
    pub uses: BTreeMap<String, usize>,
    /// Problems worth a maintainer's look (stale names-file entries, clashing titles).
    pub warnings: Vec<String>,
}

/// Restores named components across `paths` (path → method → operation) and
/// returns the components' schemas.
pub fn restore_names(
    paths: &mut BTreeMap<String, BTreeMap<String, Map<String, Value>>>,
    names: &NamesFile,
) -> Result<(BTreeMap<String, Value>, NamingReport), Error> {
    let mut report = NamingReport::default();
    // name → canonical body; canonical body → name.
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    let mut by_shape: HashMap<String, String> = HashMap::new();

    let mut claim = |name: String,
                     schema: &Value,
                     report: &mut NamingReport,
                     explicit: bool|
     -> Result<(), Error> {
        let shape = canonical(schema);
        if by_shape.contains_key(&shape) {
            return Ok(());
        }
        let mut chosen = name.clone();
        let mut n = 1;
        while let Some(existing) = by_name.get(&chosen) {
            if *existing == shape {
                return Ok(());
            }
            if explicit && n == 1 {
                return Err(Error::Names {
                    source_name: names.source.clone(),
                    message: format!("`{name}` names two different schemas"),
                });
            }
            n += 1;
            chosen = format!("{name}{n}");
        }
        if chosen != name {
            report.warnings.push(format!(
                "two different schemas are titled `{name}`; the later one is named `{chosen}`"
            ));
        }
        by_name.insert(chosen.clone(), shape.clone());
        by_shape.insert(shape, chosen);
        Ok(())
    };

    // 1. The names file.
    let operations: BTreeMap<String, &Map<String, Value>> = paths
        .values()
        .flat_map(|methods| methods.values())
        .filter_map(|op| Some((op.get("operationId")?.as_str()?.to_owned(), op)))
        .collect();
    for (name, location) in &names.entries {
        let found = operations
            .get(&location.operation_id)
            .and_then(|op| op_pointer(op, &location.pointer));
        match found {
            Some(schema) if schema.is_object() && schema.get("$ref").is_none() => {
                claim(name.clone(), schema, &mut report, true)?
            }
            Some(_) => report.warnings.push(format!(
                "names file entry `{name}` points at {}#{}, which is not an inline schema",
                location.operation_id, location.pointer
            )),
            None => report.warnings.push(format!(
                "names file entry `{name}` points at {}#{}, which no page has (stale entry?)",
                location.operation_id, location.pointer
            )),
        }
    }

    // 2. Titles, in path and method order.
    let mut titled: Vec<(String, Value)> = Vec::new();
    for methods in paths.values_mut() {
        for op in methods.values_mut() {
            for_each_operation_schema(op, &mut |schema| collect_titled(schema, &mut titled));
        }
    }
    for (title, schema) in titled {
        if let Some(name) = title_to_name(&title) {
            claim(name, &schema, &mut report, false)?;
        }
    }

    // 3. Replace every occurrence of a named shape by a reference.
    let mut components = BTreeMap::new();
    for methods in paths.values_mut() {
        for op in methods.values_mut() {
            for_each_operation_schema(op, &mut |schema| {
                replace_named(schema, &by_shape, &mut components, &mut report)
            });
        }
    }
    Ok((components, report))
}

fn op_pointer<'a>(op: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let (first, rest) = match pointer.strip_prefix('/') {
        Some(p) => p
            .split_once('/')
            .map_or((p, ""), |(a, _)| (a, &pointer[a.len() + 1..])),
        None => return None,
    };
    let first = first.replace("~1", "/").replace("~0", "~");
    op.get(&first)?.pointer(rest)
}

fn collect_titled(schema: &mut Value, out: &mut Vec<(String, Value)>) {
    if let Some(title) = schema.get("title").and_then(Value::as_str) {
        out.push((title.to_owned(), schema.clone()));
    }
    for_each_child_schema(schema, &mut |child| collect_titled(child, out));
}

fn replace_named(
    schema: &mut Value,
    by_shape: &HashMap<String, String>,
    components: &mut BTreeMap<String, Value>,
    report: &mut NamingReport,
) {
    if !schema.is_object() || schema.get("$ref").is_some() {
        return;
    }
    if let Some(name) = by_shape.get(&canonical(schema)) {
        if !components.contains_key(name) {
            let mut body = schema.clone();
            for_each_child_schema(&mut body, &mut |child| {
                replace_named(child, by_shape, components, report)
            });
            components.insert(name.clone(), body);
        }
        *report.uses.entry(name.clone()).or_default() += 1;
        *schema = schema_ref(name);
        return;
    }
    for_each_child_schema(schema, &mut |child| {
        replace_named(child, by_shape, components, report)
    });
}

/// `{"$ref": "#/components/schemas/{name}"}`.
pub fn schema_ref(name: &str) -> Value {
    let mut map = Map::new();
    map.insert(
        "$ref".into(),
        Value::String(format!("#/components/schemas/{name}")),
    );
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_file_rejects_malformed_entries() {
        let err = NamesFile::parse("n.yaml", "Foo: bar\n").unwrap_err();
        assert!(err.to_string().contains("n.yaml"), "{err}");
        assert!(err.to_string().contains("has no `#`"), "{err}");
        let err = NamesFile::parse("n.yaml", "\"Not a name\": op#/x\n").unwrap_err();
        assert!(
            err.to_string().contains("not a valid component name"),
            "{err}"
        );
        assert!(NamesFile::parse("n.yaml", "# nothing yet\n")
            .unwrap()
            .entries
            .is_empty());
    }

    #[test]
    fn canonical_ignores_key_order_only() {
        assert_eq!(
            canonical(&json!({"a": 1, "b": [true, null]})),
            canonical(&json!({"b": [true, null], "a": 1}))
        );
        assert_ne!(canonical(&json!({"a": 1})), canonical(&json!({"a": 2})));
    }

    #[test]
    fn titles_name_schemas_and_clashing_titles_stay_apart() {
        let op = |schema: Value| -> Map<String, Value> {
            json!({"operationId": "x", "responses": {"200": {"description": "", "content": {"application/json": {"schema": schema}}}}})
                .as_object().unwrap().clone()
        };
        let a =
            json!({"title": "Thing", "type": "object", "properties": {"a": {"type": "string"}}});
        let b =
            json!({"title": "Thing", "type": "object", "properties": {"b": {"type": "string"}}});
        let mut paths = BTreeMap::new();
        paths.insert("/a".to_owned(), BTreeMap::from([("get".to_owned(), op(a))]));
        paths.insert("/b".to_owned(), BTreeMap::from([("get".to_owned(), op(b))]));
        let (components, report) = restore_names(&mut paths, &NamesFile::default()).unwrap();
        assert_eq!(components.keys().collect::<Vec<_>>(), ["Thing", "Thing2"]);
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert_eq!(
            paths["/b"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/Thing2"})
        );
    }
}
