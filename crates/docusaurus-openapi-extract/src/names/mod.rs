//! Giving inlined schemas back their component names.
//!
//! The plugin inlines every `$ref`, so the pages no longer say which schemas
//! were one named component upstream. A schema gets its name back from, in
//! this order:
//! 1. the names file (`spec/names.yaml`), which maps a component name to the
//!    place of one occurrence: `operationId#/json/pointer/in/the/operation`;
//! 2. the schema's own `title`, which newer plugin versions set to the
//!    component name;
//! 3. for a shape worth a component (an object with properties, or an enum)
//!    that occurs more than once, the place it first occurs.
//!
//! Every schema structurally identical to a named one (same JSON, key order
//! aside) then becomes a `$ref` to that one component.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use openapi_model::pascal_case;

use crate::error::Error;

pub mod borrow;

/// A names lock: component name → (hash of the shape it named, the first
/// place of that shape).
pub type Lock = BTreeMap<String, (u64, String)>;

/// The maintainers' names file: component name → place of one occurrence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NamesFile {
    /// Where it was read from, for messages.
    pub source: String,
    /// Component name → `operationId#/pointer`, in file order.
    pub entries: Vec<(String, Location)>,
    /// Names given before (`spec/names.lock`). A shape found again keeps
    /// its name; so does a changed shape found at the place of the old one.
    pub lock: Lock,
    /// Names borrowed from another document that has them (see
    /// [`NamesFile::borrow_from`]): component name → shape hash.
    pub borrowed: BTreeMap<String, u64>,
    /// The same document's components for tolerant matching (see
    /// [`NamesFile::borrow_tolerantly_from`]), tried for the shapes no
    /// exact hash names.
    pub tolerant: Vec<borrow::BorrowedShape>,
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
            lock: BTreeMap::new(),
            borrowed: BTreeMap::new(),
            tolerant: Vec::new(),
        })
    }

    /// Names to borrow from another OpenAPI document that has them (a later
    /// docs version whose pages carry titles, or the upstream spec file):
    /// each of its component schemas, with its `$ref`s inlined and its
    /// titles left out (pages made by plugin 1.x carry none), matched to
    /// this site's shapes by shape. Returns component name → shape hash,
    /// for [`NamesFile::borrowed`].
    pub fn borrow_from(document: &Value) -> BTreeMap<String, u64> {
        let Some(schemas) = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return BTreeMap::new();
        };
        schemas
            .iter()
            .filter(|(name, _)| is_component_name(name))
            .map(|(name, schema)| {
                let mut inlined = inline_refs(schema, schemas, &mut Vec::new());
                strip_titles(&mut inlined);
                (name.clone(), shape_hash(&inlined))
            })
            .collect()
    }

    /// Reads a names lock (`spec/names.lock`): lines `hash Name`, `#`
    /// comments. See [`NamingReport::lock`].
    pub fn parse_lock(source: &str, text: &str) -> Result<Lock, Error> {
        let mut lock = Lock::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.splitn(3, ' ');
            let parsed = (|| {
                let h = u64::from_str_radix(fields.next()?, 16).ok()?;
                let name = fields.next().filter(|n| is_component_name(n))?;
                Some((h, name, fields.next().unwrap_or("").trim()))
            })();
            match parsed {
                Some((h, name, place)) => {
                    lock.insert(name.to_owned(), (h, place.to_owned()));
                }
                None => {
                    return Err(Error::Names {
                        source_name: source.to_owned(),
                        message: format!(
                            "line {}: `{line}` is not `<16 hex digits> <ComponentName> <place>`",
                            n + 1
                        ),
                    })
                }
            }
        }
        Ok(lock)
    }

    /// The text of a names lock for `lock` (see [`NamesFile::parse_lock`]).
    pub fn lock_text(lock: &Lock) -> String {
        let mut out = String::from(
            "# generated by `cargo xtask regen`, do not edit.\n\
             # Shape hash, component name and first place of every named schema: a\n\
             # shape found again, or a changed shape found at the same place, keeps\n\
             # its name (pin names in spec/names.yaml instead).\n",
        );
        for (name, (h, place)) in lock {
            out.push_str(&format!("{h:016x} {name} {place}\n"));
        }
        out
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
pub(crate) fn title_to_name(title: &str) -> Option<String> {
    if is_component_name(title) {
        return Some(title.to_owned());
    }
    let name = pascal_case(title);
    (!name.is_empty()).then_some(name)
}

/// What naming did, for the report.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct NamingReport {
    /// Component name → how many places now refer to it.
    pub uses: BTreeMap<String, usize>,
    /// Problems worth a maintainer's look (stale names-file entries, clashing titles).
    pub warnings: Vec<String>,
    /// Every component name given, with the hash and first place of its
    /// shape: the next names lock.
    pub lock: Lock,
    /// The component names borrowed from another document, and how each
    /// matched.
    pub borrowed: BTreeMap<String, borrow::Match>,
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
    /// A `discriminator` object: its `mapping` is read as [`Mode::Mapping`].
    Discriminator,
    /// A discriminator's `mapping`: its values are references (strings), or
    /// schemas where the docs plugin inlined them (see the fixup
    /// `discriminator_mapping_inlined`); those are read as schemas, so that
    /// they become references to their components like any other place.
    Mapping,
}

fn child_mode(key: &str, child: &Value) -> Mode {
    match key {
        "properties" => Mode::SchemaMap,
        "items" | "not" => Mode::Schema,
        "additionalProperties" if child.is_object() => Mode::Schema,
        "allOf" | "oneOf" | "anyOf" => Mode::SchemaList,
        "discriminator" if child.is_object() => Mode::Discriminator,
        _ => Mode::Plain,
    }
}

/// How the value under `key` of a value read in `mode` is read.
fn next_mode(mode: Mode, key: &str, child: &Value) -> Mode {
    match mode {
        Mode::Schema => child_mode(key, child),
        Mode::SchemaMap => Mode::Schema,
        Mode::Discriminator if key == "mapping" => Mode::Mapping,
        Mode::Mapping if child.is_object() => Mode::Schema,
        _ => Mode::Plain,
    }
}

/// The item mode of a list read in `mode`.
fn item_mode(mode: Mode) -> Mode {
    if mode == Mode::SchemaList {
        Mode::Schema
    } else {
        Mode::Plain
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

/// A place in the site: (operation index, schema index in post-order).
type Pos = (usize, usize);

/// What a schema object says about itself, noted while hashing it.
#[derive(Default, Clone, Copy)]
struct Flags {
    /// It is a `$ref` (never renamed).
    has_ref: bool,
    /// It has a `title`.
    has_title: bool,
    /// It is worth a component when it repeats: an object with properties,
    /// or an enum.
    worth: bool,
}

/// One step of the place of a schema, from its operation inwards.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// The operation (its id, in PascalCase).
    Op(String),
    /// A parameter's schema (its name).
    Param(String),
    /// The request body's schema.
    Request,
    /// A response body's schema (its status).
    Response(String),
    /// A response header's schema (status, header name).
    Header(String, String),
    /// A property (its key).
    Prop(String),
    /// `items`.
    Item,
    /// `additionalProperties`.
    Value,
    /// An entry of `allOf`/`oneOf`/`anyOf` (1-based).
    Variant(usize),
}

/// `Messages` → `Message`, `Policies` → `Policy`; `None` when the word does
/// not read as a plural.
fn singular(word: &str) -> Option<String> {
    if let Some(stem) = word.strip_suffix("ies").filter(|s| !s.is_empty()) {
        return Some(format!("{stem}y"));
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return None;
    }
    word.strip_suffix('s')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The name a place gives the schema in it, from its own role first: the
/// property key that holds it (`localeOrigin` → `LocaleOrigin`), singular
/// for array items (`messages[]` → `Message`), the place in its operation
/// only for what sits at the top of one (`{Operation}Request`,
/// `{Operation}Response`, `{Operation}Response404`). With `shared`, the
/// operation is left out of top-level names (a shape many operations
/// answer with is not any one operation's).
fn role(stack: &[Part], shared: bool) -> String {
    let op = || match stack.first() {
        Some(Part::Op(id)) if !shared => id.clone(),
        _ => String::new(),
    };
    let Some((last, parent)) = stack.split_last() else {
        return "Schema".into();
    };
    match last {
        Part::Op(id) => id.clone(),
        Part::Param(name) if shared => format!("{}Param", pascal_case(name)),
        Part::Param(name) => format!("{}Param{}", op(), pascal_case(name)),
        Part::Request => format!("{}Request", op()),
        Part::Response(code) if code.starts_with('2') => format!("{}Response", op()),
        Part::Response(_) if shared => "ErrorResponse".into(),
        Part::Response(code) => format!("{}Response{}", op(), pascal_case(code)),
        Part::Header(_, name) => format!("{}Header{}", op(), pascal_case(name)),
        Part::Prop(key) => match pascal_case(key) {
            name if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                format!("{}{}", role(parent, shared), name)
            }
            name => name,
        },
        Part::Item => {
            let of = role(parent, shared);
            match parent.last() {
                Some(Part::Prop(_)) => singular(&of).unwrap_or_else(|| format!("{of}Item")),
                _ => format!("{of}Item"),
            }
        }
        Part::Value => format!("{}Value", role(parent, shared)),
        Part::Variant(i) => format!("{}Variant{i}", role(parent, shared)),
    }
}

/// A place as text, stable across documents: `GetUsers response:200 .users []`.
fn place_text(stack: &[Part]) -> String {
    let mut out = String::new();
    for part in stack {
        if !out.is_empty() {
            out.push(' ');
        }
        match part {
            Part::Op(id) => out.push_str(id),
            Part::Param(name) => out.push_str(&format!("param:{name}")),
            Part::Request => out.push_str("request"),
            Part::Response(code) => out.push_str(&format!("response:{code}")),
            Part::Header(code, name) => out.push_str(&format!("header:{code}:{name}")),
            Part::Prop(key) => out.push_str(&format!(".{key}")),
            Part::Item => out.push_str("[]"),
            Part::Value => out.push_str("{}"),
            Part::Variant(i) => out.push_str(&format!("|{i}")),
        }
    }
    out
}

/// How many levels of ancestors a name may take to tell shapes apart.
const LEVELS: usize = 4;

/// The name a place gives at `level`: its role (level 0), or an ancestor's
/// role followed by the steps from there (`Message` + `LocaleOrigin`), to
/// tell apart shapes that would have the same name. `None` past the top.
fn name_at(stack: &[Part], level: usize) -> Option<String> {
    if level == 0 {
        return Some(role(stack, false));
    }
    // The ancestor must be below the operation's own part.
    let cut = stack.len().checked_sub(level).filter(|c| *c >= 2)?;
    let mut name = role(&stack[..cut], false);
    for step in &stack[cut..] {
        match step {
            Part::Prop(key) => name.push_str(&pascal_case(key)),
            Part::Item => name.push_str("Item"),
            Part::Value => name.push_str("Value"),
            Part::Variant(i) => name.push_str(&format!("Variant{i}")),
            _ => return None,
        }
    }
    Some(name)
}

/// Called on each schema object after its children: the object, the hash of
/// its original shape, what it says about itself, and the name hint.
type Visit<'a> = dyn FnMut(&mut Value, u64, Flags, &[Part]) + 'a;

/// Hashes `v` bottom-up (key order aside) and calls `visit` on every schema
/// object after its children, with its hash: the hash of its original
/// shape, even when `visit` replaced a child by a reference. With
/// `track_hint`, `hint` holds the name parts of the place being visited.
fn shape_walk(
    v: &mut Value,
    mode: Mode,
    hint: &mut Vec<Part>,
    track_hint: bool,
    visit: &mut Visit<'_>,
) -> u64 {
    let mut flags = Flags::default();
    let h = match &mut *v {
        Value::Object(map) => {
            let mut acc: u64 = 0x5151;
            for (key, child) in map.iter_mut() {
                if mode == Mode::Schema {
                    match key.as_str() {
                        "$ref" => flags.has_ref = true,
                        "title" => flags.has_title = true,
                        "properties" => {
                            flags.worth |= child.as_object().is_some_and(|p| !p.is_empty())
                        }
                        "enum" => flags.worth = true,
                        _ => {}
                    }
                }
                let child_mode = next_mode(mode, key, child);
                // The name part of the child's place, built only when needed.
                let part = match (track_hint, mode, key.as_str()) {
                    (false, _, _) => None,
                    (_, Mode::Schema, "items") => Some(Part::Item),
                    (_, Mode::Schema, "additionalProperties") => Some(Part::Value),
                    (_, Mode::SchemaMap, _) => Some(Part::Prop(key.clone())),
                    _ => None,
                };
                let pushed = part.is_some();
                if let Some(part) = part {
                    hint.push(part);
                }
                let ch = shape_walk(child, child_mode, hint, track_hint, visit);
                if pushed {
                    hint.pop();
                }
                acc = acc.wrapping_add(mix(hash_str(key), ch));
            }
            mix(acc, map.len() as u64)
        }
        Value::Array(items) => {
            let item_mode = item_mode(mode);
            let mut acc: u64 = 0xA11A;
            for (i, item) in items.iter_mut().enumerate() {
                let pushed = item_mode == Mode::Schema && track_hint;
                if pushed {
                    hint.push(Part::Variant(i + 1));
                }
                let ch = shape_walk(item, item_mode, hint, track_hint, visit);
                if pushed {
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
    if mode == Mode::Schema {
        visit(v, h, flags, hint);
    }
    h
}

/// `schema` with every `#/components/schemas/` reference replaced by the
/// schema it names, as the docs plugin inlines them (a reference back into
/// one being inlined stays a reference).
fn inline_refs(schema: &Value, schemas: &Map<String, Value>, stack: &mut Vec<String>) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                if let Some(target) = schemas
                    .get(name)
                    .filter(|_| !stack.iter().any(|s| s == name))
                {
                    stack.push(name.to_owned());
                    let inlined = inline_refs(target, schemas, stack);
                    stack.pop();
                    return inlined;
                }
                return schema.clone();
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline_refs(v, schemas, stack)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| inline_refs(v, schemas, stack))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn strip_titles(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("title").is_some_and(Value::is_string) {
                map.remove("title");
            }
            map.values_mut().for_each(strip_titles);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_titles),
        _ => {}
    }
}

/// The hash of a schema's shape.
fn shape_hash(schema: &Value) -> u64 {
    let mut copy = schema.clone();
    shape_walk(
        &mut copy,
        Mode::Schema,
        &mut Vec::new(),
        false,
        &mut |_, _, _, _| {},
    )
}

/// Where a shape worth a component occurs: how often, in how many
/// operations, and the names its places give it (name → how many places).
#[derive(Default, Clone)]
struct Occurrences {
    count: usize,
    /// The first operation it occurs in, and whether it occurs in another.
    first_op: Option<usize>,
    many_ops: bool,
    /// Whether some occurrence is at the top of an operation.
    top: bool,
    /// The first of its places in text order (see `place_text`): where the
    /// names lock finds it again when its shape has changed.
    min_place: Option<String>,
    shared_roles: BTreeMap<String, usize>,
    /// Level → name → places: level 0 is the role of the place, higher
    /// levels add ancestors (see `name_at`).
    levels: Vec<BTreeMap<String, usize>>,
}

impl Occurrences {
    fn merge(&mut self, other: Occurrences) {
        self.count += other.count;
        self.many_ops |= other.many_ops
            || matches!((self.first_op, other.first_op), (Some(a), Some(b)) if a != b);
        self.first_op = match (self.first_op, other.first_op) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.top |= other.top;
        self.min_place = match (self.min_place.take(), other.min_place) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (name, n) in other.shared_roles {
            *self.shared_roles.entry(name).or_default() += n;
        }
        if self.levels.len() < other.levels.len() {
            self.levels.resize_with(other.levels.len(), BTreeMap::new);
        }
        for (level, from) in other.levels.into_iter().enumerate() {
            for (name, n) in from {
                *self.levels[level].entry(name).or_default() += n;
            }
        }
    }

    /// The name most of its places give it (ties: the first in
    /// alphabetical order): the same whatever order the operations are in.
    fn best(map: &BTreeMap<String, usize>) -> Option<&str> {
        map.iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(name, _)| name.as_str())
    }

    fn base(&self) -> String {
        let shared = self.many_ops
            && self.top
            && Self::best(&self.shared_roles)
                .is_some_and(|r| r == "ErrorResponse" || r.ends_with("Param"));
        let roles = if shared {
            Some(&self.shared_roles)
        } else {
            self.levels.first()
        };
        roles.and_then(Self::best).unwrap_or("Schema").to_owned()
    }

    /// The name at `level` (see `name_at`), when a place has one.
    fn at_level(&self, level: usize) -> Option<&str> {
        self.levels.get(level).and_then(Self::best)
    }
}

/// What the survey of some operations found.
#[derive(Default)]
struct Survey {
    /// Titled shapes: hash → (first place, name from the title).
    titled: ByHash<(Pos, String)>,
    /// Shapes worth a component: hash → where they occur.
    repeated: ByHash<Occurrences>,
    /// Stubs (see [`is_stub`]): hash → the name their title gives.
    stubs: ByHash<String>,
}

impl Survey {
    /// Surveys one operation's schemas.
    fn operation(&mut self, index: usize, op: &mut Map<String, Value>) {
        let mut seq = 0;
        op_top_schemas(op, &mut |schema, hint| {
            shape_walk(
                schema,
                Mode::Schema,
                hint,
                true,
                &mut |v, h, flags, hint| {
                    let pos = (index, seq);
                    seq += 1;
                    if flags.has_ref {
                        return;
                    }
                    if flags.has_title {
                        if let Some(name) = v
                            .get("title")
                            .and_then(Value::as_str)
                            .and_then(title_to_name)
                        {
                            if is_stub(v) {
                                self.stubs.entry(h).or_insert(name);
                            } else {
                                self.titled.entry(h).or_insert((pos, name));
                            }
                        }
                    }
                    if flags.worth {
                        let entry = self.repeated.entry(h).or_default();
                        entry.count += 1;
                        match entry.first_op {
                            None => entry.first_op = Some(index),
                            Some(first) if first != index => entry.many_ops = true,
                            Some(_) => {}
                        }
                        entry.top |= hint.len() == 2;
                        let place = place_text(hint);
                        if entry.min_place.as_ref().is_none_or(|p| place < *p) {
                            entry.min_place = Some(place);
                        }
                        *entry.shared_roles.entry(role(hint, true)).or_default() += 1;
                        for level in 0..=LEVELS {
                            let Some(name) = name_at(hint, level) else {
                                break;
                            };
                            if entry.levels.len() <= level {
                                entry.levels.push(BTreeMap::new());
                            }
                            *entry.levels[level].entry(name).or_default() += 1;
                        }
                    }
                },
            );
        });
    }

    /// Adds another survey of later operations.
    fn merge(&mut self, other: Survey) {
        for (h, (pos, name)) in other.titled {
            let entry = self.titled.entry(h).or_insert((pos, name.clone()));
            if pos < entry.0 {
                *entry = (pos, name);
            }
        }
        for (h, occurrences) in other.repeated {
            self.repeated.entry(h).or_default().merge(occurrences);
        }
        for (h, name) in other.stubs {
            self.stubs.entry(h).or_insert(name);
        }
    }
}

/// The shapes chosen for components: hash → name.
#[derive(Default)]
struct Names {
    by_hash: ByHash<String>,
    taken: std::collections::BTreeSet<String>,
    /// Shapes that become a reference to a name but are never its body:
    /// stubs, whose title names a component the site defines.
    aliases: ByHash<String>,
}

impl Names {
    /// Gives `hash` the name `base`, or `base2`, ... if taken; returns it.
    fn give(&mut self, hash: u64, base: &str) -> String {
        let mut chosen = base.to_owned();
        let mut n = 1;
        while self.taken.contains(&chosen) {
            n += 1;
            chosen = format!("{base}{n}");
        }
        self.taken.insert(chosen.clone());
        self.by_hash.insert(hash, chosen.clone());
        chosen
    }
}

/// Replaces, in some operations, every shape that has a name by a
/// reference; returns the component bodies met, each with its first place.
fn replace_named(
    ops: &mut [&mut Map<String, Value>],
    first_index: usize,
    names: &Names,
) -> Result<BTreeMap<String, (Pos, Value)>, String> {
    let mut bodies: BTreeMap<String, (Pos, Value)> = BTreeMap::new();
    let mut collision = None;
    for (offset, op) in ops.iter_mut().enumerate() {
        let mut seq = 0;
        op_top_schemas(op, &mut |schema, hint| {
            shape_walk(schema, Mode::Schema, hint, false, &mut |v, h, flags, _| {
                let pos = (first_index + offset, seq);
                seq += 1;
                if flags.has_ref {
                    return;
                }
                if let Some(name) = names.aliases.get(&h) {
                    *v = schema_ref(name);
                    return;
                }
                let Some(name) = names.by_hash.get(&h) else {
                    return;
                };
                match bodies.get(name) {
                    Some((_, body)) if body != v => collision = Some(name.clone()),
                    Some(_) => {}
                    None => {
                        bodies.insert(name.clone(), (pos, v.clone()));
                    }
                }
                *v = schema_ref(name);
            });
        });
    }
    match collision {
        Some(name) => Err(format!(
            "two different schemas hash alike as `{name}` (a 64-bit collision); please report this site"
        )),
        None => Ok(bodies),
    }
}

/// `owner-id` → `OwnerId`.
/// Operations by path and method, as extraction holds them before the
/// document is made.
pub type Paths = BTreeMap<String, BTreeMap<String, Map<String, Value>>>;

/// Webhooks by name (their `post` operation), as extraction holds them
/// before the document is made.
pub type Webhooks = BTreeMap<String, Map<String, Value>>;

/// Calls `f` on every top-level schema of an operation with a name hint
/// for its place: `{OperationId}Request`, `{OperationId}Response{code}`,
/// `{OperationId}Param{Name}`.
fn op_top_schemas(op: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Value, &mut Vec<Part>)) {
    let id = pascal_case(
        op.get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("Operation"),
    );
    let mut holder = Value::Object(std::mem::take(op));
    openapi_model::operation_schemas_mut(&mut holder, &mut |place, schema| {
        let part = match place {
            openapi_model::Place::Parameter { name, .. } => Part::Param(name),
            openapi_model::Place::RequestBody { .. } => Part::Request,
            openapi_model::Place::Response { status, .. } => Part::Response(status),
            openapi_model::Place::ResponseHeader { status, header } => Part::Header(status, header),
            openapi_model::Place::Callback { name, .. } => Part::Param(format!("Callback{name}")),
        };
        f(schema, &mut vec![Part::Op(id.clone()), part]);
    });
    if let Value::Object(map) = holder {
        *op = map;
    }
}

/// Restores named components across `paths` (path → method → operation) and
/// returns the components' schemas.
///
/// Names come from the names file, then titles; then every shape worth a
/// component (an object with properties, or an enum) that occurs more than
/// once gets a name derived from where it first occurs
/// (`{OperationId}Response200Owner`). Equal shapes (same JSON, key order
/// aside) are one component; a component's own named parts are references
/// in its body. Shapes are hashed bottom-up, so this is linear in the size of
/// the site, and the two passes over the operations run on two threads; the
/// names depend only on document order.
pub fn restore_names(
    paths: &mut Paths,
    names: &NamesFile,
) -> Result<(BTreeMap<String, Value>, NamingReport), Error> {
    restore_names_with_webhooks(paths, &mut Webhooks::new(), names)
}

/// [`restore_names`] over operations and webhooks together: a webhook's
/// payload is named like any other schema (from its title, a shape it
/// shares with operations or other webhooks, the lock). Webhooks come after
/// the operations, so a site's operations keep the names they had without
/// them.
pub fn restore_names_with_webhooks(
    paths: &mut Paths,
    hooks: &mut Webhooks,
    names: &NamesFile,
) -> Result<(BTreeMap<String, Value>, NamingReport), Error> {
    let mut report = NamingReport::default();
    let names_error = |message: String| Error::Names {
        source_name: names.source.clone(),
        message,
    };
    let mut chosen = Names::default();
    names_from_file(paths, hooks, names, &mut chosen, &mut report).map_err(names_error)?;
    let mut ops: Vec<&mut Map<String, Value>> = paths
        .values_mut()
        .flat_map(|methods| methods.values_mut())
        .chain(hooks.values_mut())
        .collect();
    let mut survey = survey_operations(&mut ops);
    names_from_titles(&mut survey, names, &mut chosen, &mut report);
    borrow::tolerant_names(&mut ops, &survey, &names.tolerant, &mut chosen, &mut report);
    stub_references(&survey, &mut chosen, &mut report);
    names_from_lock(&mut ops, &survey, names, &mut chosen);
    derived_names(&survey, &mut chosen);
    let mut components = replace_named_shapes(&mut ops, &chosen).map_err(names_error)?;
    for op in ops.iter_mut() {
        op.values_mut().for_each(mapping_references_as_strings);
    }
    components
        .values_mut()
        .for_each(mapping_references_as_strings);
    report.lock = chosen
        .by_hash
        .iter()
        .filter(|(_, name)| components.contains_key(*name))
        .map(|(h, name)| {
            let place = survey
                .repeated
                .get(h)
                .and_then(|o| o.min_place.clone())
                .unwrap_or_default();
            (name.clone(), (*h, place))
        })
        .collect();
    report.uses = uses(paths, hooks, &components);
    Ok((components, report))
}

/// Step 1: the names file. A name for two different shapes is an error; an
/// entry that points at nothing (or at a reference) is a warning.
fn names_from_file(
    paths: &Paths,
    hooks: &Webhooks,
    names: &NamesFile,
    chosen: &mut Names,
    report: &mut NamingReport,
) -> Result<(), String> {
    let operations: BTreeMap<String, &Map<String, Value>> = paths
        .values()
        .flat_map(|methods| methods.values())
        .chain(hooks.values())
        .filter_map(|op| Some((op.get("operationId")?.as_str()?.to_owned(), op)))
        .collect();
    for (name, location) in &names.entries {
        let found = operations
            .get(&location.operation_id)
            .and_then(|op| op_pointer(op, &location.pointer));
        match found {
            Some(schema) if schema.is_object() && schema.get("$ref").is_none() => {
                let h = shape_hash(schema);
                if chosen.taken.contains(name) {
                    if chosen.by_hash.get(&h) != Some(name) {
                        return Err(format!("`{name}` names two different schemas"));
                    }
                } else if !chosen.by_hash.contains_key(&h) {
                    chosen.give(h, name);
                }
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
    Ok(())
}

/// Step 2: survey every operation (on every core): titled and repeated
/// shapes.
fn survey_operations(ops: &mut [&mut Map<String, Value>]) -> Survey {
    openapi_model::par_chunks_mut(ops, |offset, chunk| {
        let mut survey = Survey::default();
        for (i, op) in chunk.iter_mut().enumerate() {
            survey.operation(offset + i, op);
        }
        survey
    })
    .into_iter()
    .reduce(|mut all, part| {
        all.merge(part);
        all
    })
    .unwrap_or_default()
}

/// Step 3: titles (a title two different shapes share: `Title`, `Title2` in
/// document order), then names borrowed from another document, by shape.
fn names_from_titles(
    survey: &mut Survey,
    names: &NamesFile,
    chosen: &mut Names,
    report: &mut NamingReport,
) {
    let mut titled: Vec<(Pos, u64, String)> = std::mem::take(&mut survey.titled)
        .into_iter()
        .map(|(h, (pos, name))| (pos, h, name))
        .collect();
    titled.sort();
    for (_, h, title) in titled {
        if chosen.by_hash.contains_key(&h) {
            continue;
        }
        let name = chosen.give(h, &title);
        if name != title {
            report.warnings.push(format!(
                "two different schemas are titled `{title}`; the other is named `{name}`"
            ));
        }
    }
    let mut borrowed: Vec<(&String, &u64)> = names.borrowed.iter().collect();
    borrowed.sort();
    for (name, h) in borrowed {
        if survey.repeated.contains_key(h)
            && !chosen.by_hash.contains_key(h)
            && !chosen.taken.contains(name)
        {
            chosen.give(*h, name);
            report.borrowed.insert(name.clone(), borrow::Match::Exact);
        }
    }
}

/// A stub: a schema with a `title` and nothing else that says what a value
/// is (`{"type": "object", "title": "Campaign"}`, maybe a description). The
/// 2024 plugin writes one where the spec referred again to a component it
/// had already written out: it stands for that component.
fn is_stub(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    map.get("title").is_some_and(Value::is_string)
        && map.iter().all(|(key, value)| match key.as_str() {
            "title" | "description" => true,
            "type" => value == "object",
            _ => false,
        })
}

/// Step 3b: each stub whose title names a component the site defines (a
/// titled schema with a body) becomes a reference to it, never a component
/// of its own (which would take the real one's name, and rename it). A
/// stub whose title names no schema of the pages is the only word on that
/// type: it becomes the component of that title (a free-form object, the
/// stubs of one title one component, so a `oneOf` of two such stubs stays
/// two types), with a warning.
fn stub_references(survey: &Survey, chosen: &mut Names, report: &mut NamingReport) {
    let defined: std::collections::BTreeSet<String> = chosen.by_hash.values().cloned().collect();
    let mut stubs: Vec<(&String, u64)> = survey
        .stubs
        .iter()
        .filter(|(h, _)| !chosen.by_hash.contains_key(*h))
        .map(|(h, name)| (name, *h))
        .collect();
    stubs.sort();
    let mut undefined = std::collections::BTreeSet::new();
    for (name, h) in stubs {
        if defined.contains(name) {
            chosen.aliases.insert(h, name.clone());
            continue;
        }
        undefined.insert(name.as_str());
        match chosen.by_hash.iter().find(|(_, n)| *n == name) {
            // Another stub of the same title is the component already.
            Some(_) => {
                chosen.aliases.insert(h, name.clone());
            }
            None if !chosen.taken.contains(name) => {
                chosen.give(h, name);
            }
            None => {}
        }
    }
    if !undefined.is_empty() {
        report.warnings.push(format!(
            "{} stub schema title(s) name no schema the pages define (each a free-form object of that name): {}",
            undefined.len(),
            undefined
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

/// Step 4: names kept from the lock: a shape keeps the name it had; a
/// shape that changed keeps it when it is found at the old one's place.
fn names_from_lock(
    ops: &mut [&mut Map<String, Value>],
    survey: &Survey,
    names: &NamesFile,
    chosen: &mut Names,
) {
    let mut locked: Vec<(&String, &(u64, String))> = names.lock.iter().collect();
    locked.sort();
    let mut unmatched = Vec::new();
    for (name, (h, place)) in locked {
        if chosen.taken.contains(name) {
            continue;
        }
        if survey.repeated.contains_key(h) && !chosen.by_hash.contains_key(h) {
            chosen.give(*h, name);
        } else {
            unmatched.push((name, place));
        }
    }
    if unmatched.is_empty() {
        return;
    }
    // Where each shape worth a name is now, at every one of its places.
    let wanted: std::collections::HashSet<&str> =
        unmatched.iter().map(|(_, place)| place.as_str()).collect();
    let mut at_place: HashMap<String, u64> = HashMap::new();
    for op in ops.iter_mut() {
        op_top_schemas(op, &mut |schema, hint| {
            shape_walk(
                schema,
                Mode::Schema,
                hint,
                true,
                &mut |_, h, flags, hint| {
                    if flags.worth && !flags.has_ref {
                        let place = place_text(hint);
                        if wanted.contains(place.as_str()) {
                            at_place.insert(place, h);
                        }
                    }
                },
            );
        });
    }
    for (name, place) in unmatched {
        let found = at_place.get(place.as_str()).copied();
        if let Some(h) = found.filter(|h| !chosen.by_hash.contains_key(h)) {
            if !chosen.taken.contains(name) {
                chosen.give(h, name);
            }
        }
    }
}

/// Step 5: derived names for the other repeated shapes, from the roles of
/// their places (see `role`); shapes that want the same name take their
/// parents' too, then numbers in the order of their hashes. No step
/// depends on the order of the operations.
fn derived_names(survey: &Survey, chosen: &mut Names) {
    let mut wanted: BTreeMap<String, Vec<(u64, &Occurrences)>> = BTreeMap::new();
    for (h, occurrences) in &survey.repeated {
        if occurrences.count > 1 && !chosen.by_hash.contains_key(h) {
            wanted
                .entry(occurrences.base())
                .or_default()
                .push((*h, occurrences));
        }
    }
    for (base, mut shapes) in wanted {
        shapes.sort_by_key(|(h, _)| *h);
        if let [(h, _)] = shapes.as_slice() {
            if !chosen.taken.contains(&base) {
                chosen.give(*h, &base);
                continue;
            }
        }
        // Each shape takes the first level of ancestors at which its name
        // is its own; what is still alike after that gets a number.
        let mut left: Vec<(u64, &Occurrences)> = shapes;
        for level in 1..=LEVELS {
            let names: Vec<Option<String>> = left
                .iter()
                .map(|(_, o)| o.at_level(level).map(str::to_owned))
                .collect();
            let mut still = Vec::new();
            for ((h, o), name) in left.iter().zip(&names) {
                let unique = name.as_ref().is_some_and(|n| {
                    !chosen.taken.contains(n) && names.iter().filter(|m| *m == name).count() == 1
                });
                match name {
                    Some(name) if unique => {
                        chosen.give(*h, name);
                    }
                    _ => still.push((*h, *o)),
                }
            }
            left = still;
            if left.is_empty() {
                break;
            }
        }
        for (h, o) in left {
            let deepest = (0..=LEVELS)
                .rev()
                .find_map(|l| o.at_level(l))
                .unwrap_or(&base);
            chosen.give(h, deepest);
        }
    }
}

/// Step 6: replaces every named shape with a reference (on every core);
/// the first occurrence of each shape is its component's body.
fn replace_named_shapes(
    ops: &mut [&mut Map<String, Value>],
    chosen: &Names,
) -> Result<BTreeMap<String, Value>, String> {
    let parts =
        openapi_model::par_chunks_mut(ops, |offset, chunk| replace_named(chunk, offset, chosen));
    let mut bodies: BTreeMap<String, (Pos, Value)> = BTreeMap::new();
    for part in parts {
        for (name, (pos, body)) in part? {
            match bodies.get(&name) {
                Some((_, existing)) if *existing != body => {
                    return Err(format!(
                        "two different schemas hash alike as `{name}` (a 64-bit collision); please report this site"
                    ))
                }
                Some((first, _)) if *first <= pos => {}
                _ => {
                    bodies.insert(name, (pos, body));
                }
            }
        }
    }
    Ok(bodies
        .into_iter()
        .map(|(name, (_, body))| (name, body))
        .collect())
}

/// A discriminator mapping value that naming made a reference
/// (`{"$ref": "#/components/schemas/X"}`, where the page had the schema
/// inline) becomes the reference string OpenAPI wants there, anywhere
/// under `node`. Values naming left inline stay, and validation names the
/// page.
fn mapping_references_as_strings(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(mapping)) = map
                .get_mut("discriminator")
                .and_then(|d| d.get_mut("mapping"))
            {
                for value in mapping.values_mut() {
                    let reference = match value {
                        Value::Object(inner) if inner.len() == 1 => {
                            inner.get("$ref").and_then(Value::as_str).map(str::to_owned)
                        }
                        _ => None,
                    };
                    if let Some(reference) = reference {
                        *value = Value::String(reference);
                    }
                }
            }
            map.values_mut().for_each(mapping_references_as_strings);
        }
        Value::Array(items) => items.iter_mut().for_each(mapping_references_as_strings),
        _ => {}
    }
}

/// What refers to what, in the document as it now is: component name →
/// how many references.
fn uses(
    paths: &Paths,
    hooks: &Webhooks,
    components: &BTreeMap<String, Value>,
) -> BTreeMap<String, usize> {
    let mut refs = Vec::new();
    for op in paths
        .values()
        .flat_map(|m| m.values())
        .chain(hooks.values())
    {
        op.values()
            .for_each(|v| openapi_model::schema_refs(v, &mut refs));
    }
    components
        .values()
        .for_each(|body| openapi_model::schema_refs(body, &mut refs));
    let mut uses = BTreeMap::new();
    for name in refs {
        *uses.entry(name).or_default() += 1;
    }
    uses
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
        assert_eq!(
            shape_hash(
                &json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"enum": [1, 2]}}})
            ),
            shape_hash(
                &json!({"properties": {"b": {"enum": [1, 2]}, "a": {"type": "string"}}, "type": "object"})
            )
        );
        assert_ne!(
            shape_hash(&json!({"enum": [1, 2]})),
            shape_hash(&json!({"enum": [2, 1]})),
            "lists keep their order"
        );
        assert_ne!(
            shape_hash(&json!({"type": "string"})),
            shape_hash(&json!({"type": "integer"}))
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
