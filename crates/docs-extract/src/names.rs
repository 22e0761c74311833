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
    let name = pascal(title);
    (!name.is_empty()).then_some(name)
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
    /// Names derived from where a repeated, unnamed schema was first used.
    pub derived: Vec<String>,
    /// Problems worth a maintainer's look (stale names-file entries, clashing titles).
    pub warnings: Vec<String>,
}

/// How a JSON value is read while normalizing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Not a schema (an example, a description, an enum list).
    Plain,
    /// A schema: it may become a reference.
    Schema,
    /// A map whose values are schemas (`properties`).
    SchemaMap,
    /// A list whose items are schemas (`allOf`, `oneOf`, `anyOf`).
    SchemaList,
}

fn child_mode(key: &str, child: &Value) -> Mode {
    match key {
        "properties" => Mode::SchemaMap,
        "items" | "not" => Mode::Schema,
        "additionalProperties" if child.is_object() => Mode::Schema,
        "allOf" | "oneOf" | "anyOf" => Mode::SchemaList,
        _ => Mode::Plain,
    }
}

fn mix(a: u64, b: u64) -> u64 {
    // splitmix64 of a combination: good enough to keep collisions rare, and
    // collisions are checked by comparing values anyway.
    let mut z = a.rotate_left(17) ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fast, stable string hash (word at a time). Shapes whose hashes match
/// are compared in full, so collisions cost time, never correctness.
fn hash_str(s: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = s.as_bytes();
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        h = (h ^ word).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^ (h >> 32)
}

/// A hasher for keys that are hashes already.
#[derive(Default, Clone)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by shape hashes.
type ByHash<V> = HashMap<u64, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Named shapes, by the hash of their normalized form.
#[derive(Default, Clone)]
struct Namer {
    by_hash: ByHash<Vec<(String, Value)>>,
    by_name: BTreeMap<String, Value>,
    /// While set, a titled schema met for the first time is registered
    /// under its title.
    learn_titles: bool,
    /// Titles that named two different shapes: (title, name given).
    clashes: BTreeMap<String, String>,
}

/// What a counting pass saw of one repeated shape.
struct Seen {
    count: usize,
    first_hint: String,
    /// Cloned at the second sighting, when the shape proves repeated.
    body: Option<Value>,
    order: usize,
}

impl Namer {
    /// Normalizes `v` in place, bottom-up: every sub-schema equal to a named
    /// shape becomes a reference to it; returns the hash of the result.
    /// `replace_self` lets `v` itself become a reference. With `seen`, shapes
    /// worth naming are counted (with `hint` the place, for a derived name).
    fn normalize(
        &mut self,
        v: &mut Value,
        mode: Mode,
        replace_self: bool,
        hint: &mut Vec<String>,
        seen: &mut Option<&mut ByHash<Seen>>,
        uses: &mut BTreeMap<String, usize>,
    ) -> u64 {
        // What the checks after hashing need, noted while iterating, so that
        // they do not look keys up again.
        let mut has_ref = false;
        let mut title: Option<String> = None;
        let mut worth = false;
        let h = match &mut *v {
            Value::Object(map) => {
                let mut acc: u64 = 0x5151;
                for (key, child) in map.iter_mut() {
                    if mode == Mode::Schema {
                        match key.as_str() {
                            "$ref" => has_ref = true,
                            "title" if self.learn_titles => {
                                title = child.as_str().and_then(title_to_name)
                            }
                            // Worth a component when it repeats: an object
                            // with properties, or an enum.
                            "properties" => {
                                worth |= child.as_object().is_some_and(|p| !p.is_empty())
                            }
                            "enum" => worth = true,
                            _ => {}
                        }
                    }
                    // Name hints are only needed while counting.
                    let counting = seen.is_some();
                    let (child_mode, pushed) = match mode {
                        Mode::Schema => (child_mode(key, child), false),
                        Mode::SchemaMap if counting => {
                            hint.push(pascal(key));
                            (Mode::Schema, true)
                        }
                        Mode::SchemaMap => (Mode::Schema, false),
                        _ => (Mode::Plain, false),
                    };
                    let extra = match (mode, key.as_str()) {
                        _ if !counting => None,
                        (Mode::Schema, "items") => Some("Item"),
                        (Mode::Schema, "additionalProperties") => Some("Value"),
                        _ => None,
                    };
                    if let Some(e) = extra {
                        hint.push(e.to_owned());
                    }
                    let ch = self.normalize(child, child_mode, true, hint, seen, uses);
                    if extra.is_some() {
                        hint.pop();
                    }
                    if pushed {
                        hint.pop();
                    }
                    acc = acc.wrapping_add(mix(hash_str(key), ch));
                }
                mix(acc, map.len() as u64)
            }
            Value::Array(items) => {
                let item_mode = if mode == Mode::SchemaList {
                    Mode::Schema
                } else {
                    Mode::Plain
                };
                let mut acc: u64 = 0xA11A;
                for (i, item) in items.iter_mut().enumerate() {
                    let named = item_mode == Mode::Schema && seen.is_some();
                    if named {
                        hint.push(format!("Variant{}", i + 1));
                    }
                    let ch = self.normalize(item, item_mode, true, hint, seen, uses);
                    if named {
                        hint.pop();
                    }
                    acc = mix(acc, ch);
                }
                acc
            }
            Value::String(s) => mix(1, hash_str(s)),
            Value::Number(n) => mix(2, n.as_f64().map_or(0, f64::to_bits)),
            Value::Bool(b) => mix(4, u64::from(*b)),
            Value::Null => mix(5, 0),
        };
        if mode != Mode::Schema {
            return h;
        }
        if replace_self {
            if let Some(candidates) = self.by_hash.get(&h) {
                if let Some((name, _)) = candidates.iter().find(|(_, body)| body == v) {
                    *uses.entry(name.clone()).or_default() += 1;
                    *v = schema_ref(name);
                    return mix(3, hash_str(name));
                }
            }
        }
        if self.learn_titles && replace_self && !has_ref {
            if let Some(title) = title {
                let body = v.clone();
                let chosen = self.insert(&title, body, h);
                if chosen != title {
                    self.clashes.insert(title, chosen.clone());
                }
                *uses.entry(chosen.clone()).or_default() += 1;
                *v = schema_ref(&chosen);
                return mix(3, hash_str(&chosen));
            }
        }
        if let Some(seen) = seen.as_deref_mut() {
            if worth && !has_ref {
                let order = seen.len();
                let entry = seen.entry(h).or_insert_with(|| Seen {
                    count: 0,
                    first_hint: hint.concat(),
                    body: None,
                    order,
                });
                entry.count += 1;
                if entry.count == 2 {
                    entry.body = Some(v.clone());
                }
            }
        }
        h
    }

    /// Normalizes a component body: its parts may become references, the
    /// body itself stays.
    fn normalize_body(&mut self, body: &mut Value, uses: &mut BTreeMap<String, usize>) -> u64 {
        self.normalize(body, Mode::Schema, false, &mut Vec::new(), &mut None, uses)
    }

    /// Registers `schema` (its original, inline form) under `name`,
    /// normalized with the shapes registered so far. Returns the name used:
    /// `name`, or `name2`, ... when another shape has it already; `None`
    /// when the shape already has a name.
    fn register(
        &mut self,
        name: &str,
        schema: &Value,
        explicit: bool,
    ) -> Result<Option<String>, String> {
        let mut body = schema.clone();
        let h = self.normalize_body(&mut body, &mut BTreeMap::new());
        if let Some((existing, _)) = self
            .by_hash
            .get(&h)
            .and_then(|c| c.iter().find(|(_, b)| *b == body))
        {
            return Ok((existing == name).then(|| name.to_owned()));
        }
        if explicit && self.by_name.contains_key(name) {
            return Err(format!("`{name}` names two different schemas"));
        }
        Ok(Some(self.insert(name, body, h)))
    }

    /// Adds a normalized shape under `name` (or `name2`, ... if taken).
    fn insert(&mut self, name: &str, body: Value, hash: u64) -> String {
        let mut chosen = name.to_owned();
        let mut n = 1;
        while self.by_name.contains_key(&chosen) {
            n += 1;
            chosen = format!("{name}{n}");
        }
        self.by_name.insert(chosen.clone(), body.clone());
        self.by_hash
            .entry(hash)
            .or_default()
            .push((chosen.clone(), body));
        chosen
    }
}

/// The number of JSON nodes in a value, to register small shapes first.
fn size(v: &Value) -> usize {
    match v {
        Value::Object(m) => 1 + m.values().map(size).sum::<usize>(),
        Value::Array(a) => 1 + a.iter().map(size).sum::<usize>(),
        _ => 1,
    }
}

/// `owner-id` → `OwnerId`.
fn pascal(s: &str) -> String {
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

type Paths = BTreeMap<String, BTreeMap<String, Map<String, Value>>>;

/// Calls `f` on every top-level schema of every operation with a name hint
/// for its place: `{OperationId}Request`, `{OperationId}Response{code}`,
/// `{OperationId}Param{Name}`.
fn each_top_schema(paths: &mut Paths, f: &mut dyn FnMut(&mut Value, &mut Vec<String>)) {
    for methods in paths.values_mut() {
        for op in methods.values_mut() {
            op_top_schemas(op, f);
        }
    }
}

/// [`each_top_schema`] for one operation.
fn op_top_schemas(op: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Value, &mut Vec<String>)) {
    {
        {
            let id = pascal(
                op.get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("Operation"),
            );
            if let Some(Value::Array(params)) = op.get_mut("parameters") {
                for p in params {
                    let name = pascal(p.get("name").and_then(Value::as_str).unwrap_or(""));
                    if let Some(schema) = p.get_mut("schema") {
                        f(schema, &mut vec![id.clone(), format!("Param{name}")]);
                    }
                }
            }
            if let Some(Value::Object(content)) =
                op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
            {
                for media in content.values_mut() {
                    if let Some(schema) = media.get_mut("schema") {
                        f(schema, &mut vec![id.clone(), "Request".into()]);
                    }
                }
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for (code, response) in responses.iter_mut() {
                    let suffix = format!("Response{}", pascal(code));
                    if let Some(Value::Object(content)) = response.get_mut("content") {
                        for media in content.values_mut() {
                            if let Some(schema) = media.get_mut("schema") {
                                f(schema, &mut vec![id.clone(), suffix.clone()]);
                            }
                        }
                    }
                    if let Some(Value::Object(headers)) = response.get_mut("headers") {
                        for (name, header) in headers.iter_mut() {
                            if let Some(schema) = header.get_mut("schema") {
                                f(
                                    schema,
                                    &mut vec![
                                        id.clone(),
                                        suffix.clone(),
                                        format!("Header{}", pascal(name)),
                                    ],
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Restores named components across `paths` (path → method → operation) and
/// returns the components' schemas.
///
/// Names come from the names file, then titles; then every shape worth a
/// component (an object with properties, or an enum) that occurs more than
/// once gets a name derived from where it first occurs
/// (`{OperationId}Response200Owner`). Equal shapes (same JSON, key order
/// aside, after their own named parts became references) are one component.
/// Shapes are hashed bottom-up, so this is linear in the size of the site.
pub fn restore_names(
    paths: &mut Paths,
    names: &NamesFile,
) -> Result<(BTreeMap<String, Value>, NamingReport), Error> {
    let mut report = NamingReport::default();
    let names_error = |message: String| Error::Names {
        source_name: names.source.clone(),
        message,
    };

    // Explicit names: the names file, then titles.
    let mut explicit: Vec<(String, Value, bool, usize)> = Vec::new();
    {
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
                    explicit.push((name.clone(), schema.clone(), true, explicit.len()))
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
    }
    // The names file first, smaller shapes first, so that a shape's named
    // parts are known before it.
    explicit.sort_by_key(|(_, schema, _, order)| (size(schema), *order));
    let mut namer = Namer::default();
    for (name, schema, _, _) in &explicit {
        namer.register(name, schema, true).map_err(names_error)?;
    }

    // First pass: the explicit names become references, and the shapes
    // worth a component are counted.
    // Titled schemas are named by their title as they are met (children
    // before parents).
    let mut seen: ByHash<Seen> = ByHash::default();
    let mut uses = BTreeMap::new();
    namer.learn_titles = true;
    {
        let mut seen_ref = Some(&mut seen);
        each_top_schema(paths, &mut |schema, hint| {
            namer.normalize(schema, Mode::Schema, true, hint, &mut seen_ref, &mut uses);
        });
    }
    namer.learn_titles = false;
    for (title, chosen) in std::mem::take(&mut namer.clashes) {
        report.warnings.push(format!(
            "two different schemas are titled `{title}`; the other is named `{chosen}`"
        ));
    }
    let mut repeated: Vec<(Value, String, usize)> = seen
        .into_values()
        .filter_map(|s| Some((s.body?, s.first_hint, s.order)))
        .collect();
    repeated.sort_by_key(|(body, _, order)| (size(body), *order));
    for (body, hint, _) in repeated {
        let base = if hint.is_empty() {
            "Schema".to_owned()
        } else {
            hint
        };
        if let Ok(Some(chosen)) = namer.register(&base, &body, false) {
            report.derived.push(chosen);
        }
    }
    report.derived.sort();

    // Second pass: repeated shapes become references to derived names. The
    // names are fixed now, so the operations are split over two threads.
    let mut ops: Vec<&mut Map<String, Value>> = paths
        .values_mut()
        .flat_map(|methods| methods.values_mut())
        .collect();
    let half = ops.len() / 2;
    let (first, second) = ops.split_at_mut(half);
    let mut other_namer = namer.clone();
    let other_uses = std::thread::scope(|scope| {
        let other = scope.spawn(move || {
            let mut uses = BTreeMap::new();
            for op in second.iter_mut() {
                op_top_schemas(op, &mut |schema, hint| {
                    other_namer.normalize(schema, Mode::Schema, true, hint, &mut None, &mut uses);
                });
            }
            uses
        });
        for op in first.iter_mut() {
            op_top_schemas(op, &mut |schema, hint| {
                namer.normalize(schema, Mode::Schema, true, hint, &mut None, &mut uses);
            });
        }
        other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    for (name, n) in other_uses {
        *uses.entry(name).or_default() += n;
    }
    // Only components something refers to (directly or through another).
    let mut components: BTreeMap<String, Value> = BTreeMap::new();
    let mut pending: Vec<String> = uses.keys().cloned().collect();
    while let Some(name) = pending.pop() {
        if components.contains_key(&name) {
            continue;
        }
        // A body registered before the derived names may hold one inline.
        let mut body = namer.by_name[&name].clone();
        namer.normalize_body(&mut body, &mut uses);
        collect_refs(&body, &mut pending);
        components.insert(name, body);
    }
    report.uses = uses;
    report.derived.retain(|n| components.contains_key(n));
    Ok((components, report))
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(items) => items.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

fn op_pointer<'a>(op: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let rest = pointer.strip_prefix('/')?;
    let (first, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let first = first.replace("~1", "/").replace("~0", "~");
    op.get(&first)?.pointer(tail)
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
    fn equal_shapes_hash_alike_whatever_their_key_order() {
        let namer = &mut Namer::default();
        let mut hash = |v: Value| {
            let mut v = v;
            namer.normalize(
                &mut v,
                Mode::Schema,
                false,
                &mut Vec::new(),
                &mut None,
                &mut BTreeMap::new(),
            )
        };
        assert_eq!(
            hash(
                json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"enum": [1, 2]}}})
            ),
            hash(
                json!({"properties": {"b": {"enum": [1, 2]}, "a": {"type": "string"}}, "type": "object"})
            )
        );
        assert_ne!(
            hash(json!({"enum": [1, 2]})),
            hash(json!({"enum": [2, 1]})),
            "lists keep their order"
        );
        assert_ne!(
            hash(json!({"type": "string"})),
            hash(json!({"type": "integer"}))
        );
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
