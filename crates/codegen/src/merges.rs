//! The adaptation `merges_end`: no `allOf` left whose merge typify could
//! not finish.
//!
//! typify merges the members of an `allOf` into one schema
//! (`typify_impl::merge`): a `$ref` is resolved and its body merged; the
//! body's own `allOf` members are merged in; where two of the schemas
//! being merged both have array items, a property of one name or
//! additional properties, those are merged in turn (and a property only
//! some have with the others' additional properties); each `oneOf`/`anyOf`
//! member is merged with the rest, and a `not` with each. Two families
//! never finish, and neither can be caught or stopped once typify is in
//! them:
//!
//! - **A merge that comes back to itself** overflows the stack and aborts
//!   the process. typify remembers nothing of what it is merging (its
//!   source: "need to mitigate circular references"); only two `$ref`s to
//!   one schema, met as such, are merged at once. `A: allOf [$ref B,
//!   {type: array, items: {}}]` with `B: {type: array, items: $ref A}`:
//!   A's items merge `$ref A` with `{}`, which merges B with the array
//!   again. Or a recursive type merged with a copy of itself, which the
//!   `nullable` wrappers of other adaptations (`allOf: [$ref X]`) turn
//!   references into.
//! - **A merge of many alternatives**: each `oneOf`/`anyOf` member is
//!   merged with the rest, and the results merged again, so when two or
//!   more members hold choices the work grows with their product (13 s
//!   for `allOf: [{anyOf: [$ref Lower, {}]}, {oneOf: [$ref Lower]}]`,
//!   `Lower` a `oneOf` of an `anyOf` with a `not`, an object and `{}`;
//!   minutes with one more enum). The same where what is merged at one
//!   place holds choices (two members each with `p: {oneOf: [6
//!   objects]}`: 15 s; 9 × 9: 20 GB). One schema's choice, however wide,
//!   is merged in time (17 objects: 4 ms), and stays.
//!
//! Both were found by the property test (`tests/generation.rs`), the first
//! in CI. The adaptation runs last, on the shape typify sees (where it
//! also breaks, once more, the loops `composition_loops_are_broken`
//! breaks: later adaptations' `allOf: [$ref X]` wrappers can close one).
//! Each `allOf` in either family becomes any value, with a note saying
//! so, one per round: first one whose loop runs through its own schemas,
//! so that an `allOf` whose merge only passes through another's loop
//! (`Cat: allOf [$ref Node, {...}]`, `Node` looping) stays once that one
//! is replaced. A one-member `allOf` (`allOf: [$ref X]` beside a
//! description or `nullable`) is converted as its member and merges
//! nothing of its own.
//!
//! Also followed: what typify does after merging. A `$ref` merged with
//! another schema is copied in (unless the result is "roughly" the
//! referenced schema), and typify converts the copy: if the copy holds
//! the `allOf` being followed, that `allOf` comes back (`Holder: {d:
//! allOf [{c: $ref Holder}, {c: {z}}]}`). And a body beside a
//! `oneOf`/`anyOf` (no `allOf` at all) is merged into each member, as an
//! `allOf` would be. Found by a review reading typify, each checked
//! against typify itself.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::cycles::{all_of_members, escape, unescape};

/// The most alternatives the members of one `allOf` may hold between them.
/// Every `allOf` on the shared sets holds 1. Counted only where two or
/// more members hold choices.
pub const MERGE_ALTERNATIVES_LIMIT: u64 = 16;

/// The most distinct merges (sets of places, each followed once) looked
/// at from one `allOf` (the v1 site's largest needs a few dozen); past
/// it, the `allOf` counts as one typify could not finish.
const MERGES_PER_ALL_OF: usize = 20_000;

/// The most `allOf`s replaced in one document, a bound on the rounds.
const MOST_REPLACED: usize = 1_000;

/// A place's suffix for the body of the schema there: its own
/// properties, items and additional properties, without its `oneOf` or
/// `anyOf` (which typify merges that body into, member by member).
const BODY: &str = "#body";

/// The JSON pointer of a place (a body's, the schema's).
fn without_body(place: &str) -> &str {
    place.strip_suffix(BODY).unwrap_or(place)
}

/// The deepest a merge is followed (each level a frame of this crate's
/// own recursion, far below what a thread's stack holds); past it, the
/// `allOf` counts as one typify could not finish (typify's frames are
/// larger than ours: it would have overflowed long before).
const MOST_NESTED: usize = 200;

/// Replaces each `allOf` typify could not finish merging (see the module
/// docs) with any value; one line per `allOf` replaced.
pub fn merges_end(spec: &mut Value) -> Vec<String> {
    // The loops `composition_loops_are_broken` breaks, once more: the
    // adaptations after it write `allOf: [$ref X]` wrappers (nullable
    // references), which can close one (`Value: allOf [{properties:
    // {next: {oneOf: [$ref Value]}}}, ...]` once `$ref Value` is wrapped:
    // typify converts the merged copy, whose `next` brings the same
    // `allOf` back).
    let mut changes = crate::cycles::composition_loops_are_broken(spec);
    // What passed still passes once an `allOf` is replaced (replacing
    // only takes merges away): kept from round to round.
    let mut passed = HashSet::new();
    let mut replaced = 0;
    while replaced < MOST_REPLACED {
        let Some((pointer, why)) = next_unending(spec, &mut passed) else {
            break;
        };
        let Some(slot) = spec.pointer_mut(&pointer) else {
            break;
        };
        let what = if slot.get("allOf").is_some() {
            "an `allOf`"
        } else {
            "a body beside a `oneOf`/`anyOf`"
        };
        let mut any = Map::new();
        any.insert(
            "description".into(),
            format!("Any value: here {what} {why}, which the code generator cannot finish.").into(),
        );
        *slot = Value::Object(any);
        replaced += 1;
        changes.push(format!("{}: {what} {why} → any value", readable(&pointer)));
    }
    changes
}

/// The next `allOf` (or body beside a choice) to replace, and why: of
/// those typify could not finish merging, the first (components first)
/// whose loop runs through its own schemas, else the first.
/// (`Cat: allOf [$ref Node, {...}]` comes back without end only because
/// `Node`'s own `allOf` does: `Node` is replaced, and `Cat` then stays.)
fn next_unending(spec: &Value, passed: &mut HashSet<String>) -> Option<(String, String)> {
    let mut walk = MergeWalk {
        spec,
        ended: HashSet::new(),
        on_trail: HashSet::new(),
        budget: 0,
        known: HashMap::new(),
        start: String::new(),
    };
    let mut first = None;
    for pointer in merge_places(spec) {
        if passed.contains(&pointer) {
            continue;
        }
        let Some(node) = spec.pointer(&pointer) else {
            continue;
        };
        let found = walk.follow(&pointer, node);
        match found {
            None => {
                passed.insert(pointer);
            }
            Some((why, true)) => return Some((pointer, why)),
            Some((why, false)) => {
                first.get_or_insert((pointer, why));
            }
        }
    }
    first
}

/// Where [`MergeWalk::follow`] starts: the merges typify makes of an
/// `allOf` of two or more members, and of a body (properties, items,
/// additional properties) with each member of a `oneOf`/`anyOf` beside it.
/// typify converts a one-member `allOf` as its member: nothing is merged
/// (what that member merges has an `allOf` of its own).
fn starts(pointer: &str, node: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    if all_of_members(node) > 1 {
        out.push(vec![pointer.to_owned()]);
    }
    if ["properties", "items", "additionalProperties"]
        .iter()
        .any(|k| node.get(k).is_some_and(Value::is_object))
    {
        for key in ["oneOf", "anyOf"] {
            let members = node.get(key).and_then(Value::as_array);
            for i in 0..members.map_or(0, Vec::len) {
                out.push(vec![
                    format!("{pointer}{BODY}"),
                    format!("{pointer}/{key}/{i}"),
                ]);
            }
        }
    }
    out
}

/// Why a merge would not end.
#[derive(Debug)]
enum Unending {
    /// The merge that came back.
    Loop(Vec<String>),
    /// Past the budget, or nested too deep.
    Large,
    /// Schemas merged at the place (a JSON pointer of one of them) hold
    /// too many alternatives between them.
    Many(String),
}

/// typify's merge, followed without building what it builds. A merge is
/// the multiset (each place at most twice: a schema merged with a copy of
/// itself) of the places (JSON pointers) being merged together; the same
/// merge met again on the way is one without end. Merges that ended are
/// remembered, so each is followed once.
struct MergeWalk<'a> {
    spec: &'a Value,
    ended: HashSet<Vec<String>>,
    /// The merges under way.
    on_trail: HashSet<Vec<String>>,
    budget: usize,
    /// What each `$ref`'s target holds ([`alternatives`]).
    known: HashMap<String, u64>,
    /// The `allOf` (or body beside a choice) being followed.
    start: String,
}

impl MergeWalk<'_> {
    /// Follows every merge typify makes of `node` (at `pointer`): `None`
    /// if each ends, else why not, and whether the fault is the node's
    /// own (its loop runs through its own schemas, or its merge is too
    /// large).
    fn follow(&mut self, pointer: &str, node: &Value) -> Option<(String, bool)> {
        let members: Vec<&Value> = node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        let (held, factors) = if members.len() > 1 {
            product_of_alternatives(self.spec, &members, &mut self.known)
        } else {
            (1, 0)
        };
        if held > MERGE_ALTERNATIVES_LIMIT && factors > 1 {
            return Some((
                format!(
                    "whose members hold more than {MERGE_ALTERNATIVES_LIMIT} alternatives between them, in {factors} members (the merge grows with their product)"
                ),
                true,
            ));
        }
        // What ended for another start may come back for this one (a
        // copy of the schema that holds it): remembered per start.
        self.ended.clear();
        self.start = pointer.to_owned();
        self.budget = MERGES_PER_ALL_OF;
        for start in starts(pointer, node) {
            self.on_trail.clear();
            let found = match self.merge(Vec::new(), start) {
                Ok(()) => continue,
                Err(Unending::Loop(set)) => (
                    "whose merge comes back to the same schemas, without end".to_owned(),
                    set.iter().any(|p| p.starts_with(pointer)),
                ),
                Err(Unending::Many(at)) => (
                    format!(
                        "whose merge meets `{}`, where two or more schemas of one place hold more than {MERGE_ALTERNATIVES_LIMIT} alternatives between them (the merge grows with their product)",
                        readable(&at)
                    ),
                    true,
                ),
                Err(Unending::Large) => (
                    format!(
                        "whose merge goes through more than {MERGES_PER_ALL_OF} distinct merges or {MOST_NESTED} nested ones"
                    ),
                    true,
                ),
            };
            return Some(found);
        }
        None
    }

    /// Follows the merge of `places` with `merged` (places already
    /// expanded).
    fn merge(&mut self, merged: Vec<String>, places: Vec<String>) -> Result<(), Unending> {
        // Two `$ref`s to one schema are one (typify merges them at once).
        let mut places = places;
        let targets: Vec<Option<&str>> = places
            .iter()
            .map(|p| Some(local_ref(self.spec, self.spec.pointer(p)?)?.0))
            .collect();
        if merged.is_empty()
            && places.len() > 1
            && targets[0].is_some()
            && targets.iter().all(|t| *t == targets[0])
        {
            places.truncate(1);
        }
        let (set, copied_start) = self.expand(merged, places);
        if copied_start {
            return Err(Unending::Loop(set));
        }
        if self.ended.contains(&set) {
            return Ok(());
        }
        if self.on_trail.contains(&set) {
            return Err(Unending::Loop(set));
        }
        self.budget = self.budget.checked_sub(1).ok_or(Unending::Large)?;
        if self.on_trail.len() >= MOST_NESTED {
            return Err(Unending::Large);
        }
        self.on_trail.insert(set.clone());
        let result = self.merge_parts(&set);
        self.on_trail.remove(&set);
        result?;
        self.ended.insert(set);
        Ok(())
    }

    /// What merging the (expanded) `set` merges in turn.
    fn merge_parts(&mut self, set: &[String]) -> Result<(), Unending> {
        let spec = self.spec;
        let values: Vec<(&String, &Map<String, Value>)> = set
            .iter()
            .filter_map(|p| Some((p, spec.pointer(without_body(p))?.as_object()?)))
            .collect();
        if values.len() > 1 {
            // Children that two or more of the schemas have.
            let mut children: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for (pointer, map) in &values {
                for key in ["items", "additionalProperties"] {
                    if map.get(key).is_some_and(Value::is_object) {
                        children
                            .entry(key.to_owned())
                            .or_default()
                            .push(format!("{}/{key}", without_body(pointer)));
                    }
                }
                if let Some(Value::Object(props)) = map.get("properties") {
                    for name in props.keys() {
                        let segment = format!("properties/{}", escape(name));
                        children
                            .entry(segment.clone())
                            .or_default()
                            .push(format!("{}/{segment}", without_body(pointer)));
                    }
                }
            }
            // A property only some have is merged with the others'
            // additional properties (typify's `filter_prop`).
            for (pointer, map) in &values {
                if !map
                    .get("additionalProperties")
                    .is_some_and(Value::is_object)
                {
                    continue;
                }
                let own = map.get("properties").and_then(Value::as_object);
                for (segment, places) in children.iter_mut() {
                    let Some(name) = segment.strip_prefix("properties/") else {
                        continue;
                    };
                    if !own.is_some_and(|o| o.contains_key(&unescape(name))) {
                        places.push(format!("{}/additionalProperties", without_body(pointer)));
                    }
                }
            }
            for (_, places) in children {
                if places.len() > 1 {
                    let schemas: Vec<&Value> =
                        places.iter().filter_map(|p| spec.pointer(p)).collect();
                    let (held, factors) = product_of_alternatives(spec, &schemas, &mut self.known);
                    if held > MERGE_ALTERNATIVES_LIMIT && factors > 1 {
                        return Err(Unending::Many(places[0].clone()));
                    }
                    self.merge(Vec::new(), places)?;
                }
            }
        }
        // Each `oneOf`/`anyOf` member merged with the rest.
        for (at, (pointer, map)) in values.iter().enumerate() {
            if pointer.ends_with(BODY) {
                continue;
            }
            for key in ["oneOf", "anyOf"] {
                let Some(members) = map.get(key).and_then(Value::as_array) else {
                    continue;
                };
                let rest: Vec<String> = values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != at)
                    .map(|(_, (p, _))| (*p).clone())
                    .collect();
                if rest.is_empty() {
                    continue;
                }
                for i in 0..members.len() {
                    self.merge(rest.clone(), vec![format!("{pointer}/{key}/{i}")])?;
                }
            }
        }
        Ok(())
    }

    /// `merged` and `places`, each `$ref` of `places` resolved and each
    /// `allOf` member added, every place at most twice, sorted; and
    /// whether a `$ref` resolved copies in the schema that holds the start
    /// (typify converts the copy and meets the start again).
    fn expand(&self, merged: Vec<String>, places: Vec<String>) -> (Vec<String>, bool) {
        let mut set = merged;
        let mut copied_start = false;
        let mut todo = places;
        while let Some(place) = todo.pop() {
            if set.iter().filter(|p| **p == place).count() >= 2 {
                continue;
            }
            let Some(value) = self.spec.pointer(&place) else {
                // A body (see [`BODY`]) is merged as it is.
                if place.ends_with(BODY) {
                    set.push(place);
                }
                continue;
            };
            if let Some((target, _)) = local_ref(self.spec, value) {
                copied_start |= self
                    .start
                    .strip_prefix(target)
                    .is_some_and(|rest| rest.starts_with('/'));
                todo.push(target.to_owned());
            } else if let Some(members) = value.get("allOf").and_then(Value::as_array) {
                todo.extend((0..members.len()).map(|i| format!("{place}/allOf/{i}")));
            }
            set.push(place);
        }
        set.sort();
        (set, copied_start)
    }
}

/// The local `$ref` of `schema` that resolves in `spec`: its target (a
/// JSON pointer) and the schema there.
fn local_ref<'s, 'v>(spec: &'s Value, schema: &'v Value) -> Option<(&'v str, &'s Value)> {
    let target = schema.get("$ref")?.as_str()?.strip_prefix('#')?;
    Some((target, spec.pointer(target)?))
}

/// What `schemas`, merged together (an `allOf`'s members, or what they
/// hold at one place), hold between them: the product of their
/// [`alternatives`], at most one more than the limit, and how many of
/// them hold more than one. One schema's choice is merged member by member
/// with the rest, which takes typify time in proportion; several
/// schemas' choices multiply.
fn product_of_alternatives(
    spec: &Value,
    schemas: &[&Value],
    known: &mut HashMap<String, u64>,
) -> (u64, usize) {
    let mut held = 1u64;
    let mut factors = 0;
    for schema in schemas {
        let n = alternatives(spec, schema, known, &mut Vec::new());
        if n > 1 {
            factors += 1;
        }
        held = capped(held.saturating_mul(n));
    }
    (held, factors)
}

/// `n`, at most one more than the limit (all that is asked of a count).
fn capped(n: u64) -> u64 {
    n.min(MERGE_ALTERNATIVES_LIMIT + 1)
}

/// The alternatives `schema` holds for typify's merge: a `oneOf`/`anyOf`
/// one plus the sum of its members', an `allOf` the product of its
/// members', a `not` one plus its schema's, a `$ref` its target's (one
/// when already being counted); each count at most one more than the
/// limit, and each `$ref`'s counted once (`known`).
fn alternatives(
    spec: &Value,
    schema: &Value,
    known: &mut HashMap<String, u64>,
    counting: &mut Vec<String>,
) -> u64 {
    let Some(map) = schema.as_object() else {
        return 1;
    };
    if let Some(target) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        if let Some(&n) = known.get(target) {
            return n;
        }
        let Some(body) = spec.pointer(target) else {
            return 1;
        };
        if counting.len() >= MOST_NESTED || counting.iter().any(|c| c == target) {
            return 1;
        }
        counting.push(target.to_owned());
        let held = alternatives(spec, body, known, counting);
        counting.pop();
        known.insert(target.to_owned(), held);
        return held;
    }
    let members = |key: &str| map.get(key).and_then(Value::as_array).into_iter().flatten();
    let mut held = 1u64;
    for key in ["oneOf", "anyOf"] {
        if map.get(key).is_some_and(Value::is_array) {
            let sum = members(key).fold(1u64, |sum, m| {
                capped(sum.saturating_add(alternatives(spec, m, known, counting)))
            });
            held = capped(held.saturating_mul(sum));
        }
    }
    for m in members("allOf") {
        held = capped(held.saturating_mul(alternatives(spec, m, known, counting)));
    }
    if let Some(not) = map.get("not") {
        // typify merges what it merges with each `not` as well.
        let n = alternatives(spec, not, known, counting);
        held = capped(held.saturating_mul(n.saturating_add(1)));
    }
    held
}

/// The JSON pointers of every `allOf`, `oneOf` and `anyOf` in the
/// document's schemas: components' schemas first, then the operations',
/// then the other components'. Examples, defaults, enums and extensions are data, not
/// schemas, and are not looked in.
fn merge_places(spec: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let components = spec.get("components").and_then(Value::as_object);
    if let Some(schemas) = components.and_then(|c| c.get("schemas")) {
        find_merge_places(schemas, "/components/schemas", true, &mut out);
    }
    if let Some(Value::Object(paths)) = spec.get("paths") {
        // Path → method (or `parameters`) → the operation.
        for (path, item) in paths {
            for (key, op) in item.as_object().into_iter().flatten() {
                let at = format!("/paths/{}/{}", escape(path), escape(key));
                find_merge_places(op, &at, false, &mut out);
            }
        }
    }
    for (key, value) in components.into_iter().flatten() {
        if key != "schemas" {
            find_merge_places(
                value,
                &format!("/components/{}", escape(key)),
                true,
                &mut out,
            );
        }
    }
    out
}

/// `names`: the keys of `value` are names (of properties, components,
/// paths, media types, statuses), looked in whatever they are.
fn find_merge_places(value: &Value, at: &str, names: bool, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if !names
                && ["allOf", "oneOf", "anyOf"]
                    .iter()
                    .any(|k| map.get(*k).is_some_and(Value::is_array))
            {
                out.push(at.to_owned());
            }
            for (key, child) in map {
                let data = matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) || key.starts_with("x-");
                if data && !names {
                    continue;
                }
                let named = !names
                    && matches!(
                        key.as_str(),
                        "properties"
                            | "patternProperties"
                            | "content"
                            | "responses"
                            | "headers"
                            | "callbacks"
                    );
                find_merge_places(child, &format!("{at}/{}", escape(key)), named, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_merge_places(child, &format!("{at}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

/// A JSON pointer as the report writes places (`components.schemas.A`).
fn readable(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    /// `merges_end` on `spec` makes one change, whose line starts with
    /// `line`; the adapted spec.
    fn replaces_one(mut spec: Value, line: &str) -> Value {
        let changes = merges_end(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(changes[0].starts_with(line), "{changes:?}");
        spec
    }

    #[test]
    fn a_merge_of_common_items_that_comes_back_is_replaced() {
        // Found by the property test in CI: typify's stack overflowed
        // merging `Self`'s items (`$ref Foo_Bar`) with the other member's.
        let spec = json!({"components": {"schemas": {
            "Foo_Bar": {"allOf": [r("Self"), {"type": "array", "items": {"nullable": true}}], "nullable": true},
            "Self": {"type": "array", "items": r("Foo_Bar")}
        }}});
        let mut spec = replaces_one(
            spec,
            "components.schemas.Foo_Bar: an `allOf` whose merge comes back",
        );
        assert!(spec["components"]["schemas"]["Foo_Bar"]
            .get("allOf")
            .is_none());
        assert!(merges_end(&mut spec).is_empty());
        // Through a property of one name, two components apart.
        let mut spec = json!({"components": {"schemas": {
            "A": {"allOf": [r("B"), {"type": "object", "properties": {"next": {"type": "object"}}}]},
            "B": {"type": "object", "properties": {"next": r("C")}},
            "C": {"allOf": [r("A")]}
        }}});
        assert!(!merges_end(&mut spec).is_empty(), "{spec}");
        assert!(merges_end(&mut spec).is_empty());
    }

    #[test]
    fn a_recursive_type_merged_with_a_copy_of_itself_is_replaced() {
        // Found by the property test: `X` holds `accessprofile` (wrapped in
        // `allOf` by the nullable adaptation), which may be `X` again; the
        // body merges `X` with one of `accessprofile`'s members, `X`.
        let mut spec = json!({"components": {"schemas": {
            "X": {"type": "array", "items": {"type": "object", "properties": {
                "a_b": {"allOf": [r("accessprofile")], "nullable": true}}}},
            "accessprofile": {"anyOf": [{"description": "anything"}, r("X")]}
        }}, "paths": {"/x": {"delete": {"requestBody": {"content": {"application/json": {"schema":
            {"allOf": [r("X"), {"oneOf": [{"allOf": [r("accessprofile")], "nullable": true}]}]}
        }}}}}}});
        let changes = merges_end(&mut spec);
        assert!(!changes.is_empty(), "{spec}");
        assert!(merges_end(&mut spec).is_empty());
    }

    #[test]
    fn a_tree_extending_a_tree_is_replaced() {
        // typify overflows its stack on this one (checked without the
        // adaptation): `Node`'s children merge `$ref Node` with `$ref
        // Base`, which brings `Node`'s `allOf` back.
        let spec = json!({"components": {"schemas": {
            "Node": {"allOf": [r("Base"), {"type": "object", "properties": {"children": {"type": "array", "items": r("Node")}}}]},
            "Base": {"type": "object", "properties": {"children": {"type": "array", "items": r("Base")}}}
        }}});
        replaces_one(spec, "components.schemas.Node:");
    }

    #[test]
    fn a_loop_closed_by_a_nullable_wrapper_is_broken() {
        // Found by the property test: `_type` was `oneOf: [$ref Value]`
        // until `nullable_compositions_where_used` wrapped the reference
        // (`allOf: [$ref Value]`); typify's stack overflowed converting
        // the merged copy of `Value`.
        let mut spec = json!({"components": {"schemas": {
            "Value": {"allOf": [
                {"type": "object", "properties": {"_type": {"oneOf": [{"allOf": [r("Value")], "nullable": true}], "nullable": true}}},
                {"type": "object", "properties": {"id": {"nullable": true}}}
            ]}
        }}});
        let changes = merges_end(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let wrapper =
            &spec["components"]["schemas"]["Value"]["allOf"][0]["properties"]["_type"]["oneOf"][0];
        assert!(wrapper["allOf"][0].get("$ref").is_none(), "{wrapper}");
        assert!(merges_end(&mut spec).is_empty());
    }

    #[test]
    fn an_all_of_of_many_alternatives_is_replaced() {
        // Found by the property test: typify merged for minutes.
        let lower = json!({"oneOf": [
            {"anyOf": [{"type": "string", "not": {"enum": ["root"], "type": "string"}},
                {"type": "string", "enum": ["a", "b"]}], "nullable": true},
            r("ByteStream"), {"nullable": true}]});
        let spec = json!({"components": {"schemas": {
            "Lower": lower,
            "ByteStream": {"type": "object"},
            "Both": {"allOf": [{"anyOf": [r("Lower"), {}], "nullable": true}, {"oneOf": [r("Lower")]}]},
        }}});
        let spec = replaces_one(spec, "components.schemas.Both: an `allOf` whose members hold more than 16 alternatives between them, in 2 members");
        let both = &spec["components"]["schemas"]["Both"];
        assert!(both.get("allOf").is_none(), "{both}");
        // One member's choice, however wide, is merged member by member
        // (typify: 4 ms for 17): it stays.
        let choices: Vec<Value> = (0..17)
            .map(|i| json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}))
            .collect();
        let mut spec = json!({"components": {"schemas": {
            "Base": {"type": "object"},
            "Wide": {"allOf": [r("Base"), {"oneOf": choices}]}
        }}});
        assert!(merges_end(&mut spec).is_empty());
    }

    #[test]
    fn choices_merged_at_a_property_of_one_name_are_counted() {
        // The review's shape: 15 s in typify at 6 × 6, 20 GB at 9 × 9.
        let choices: Vec<Value> = (0..6)
            .map(|i| json!({"type": "object", "properties": {format!("q{i}"): {"type": "string"}}}))
            .collect();
        let member = json!({"type": "object", "properties": {"p": {"oneOf": choices}}});
        let spec = json!({"components": {"schemas": {
            "Twice": {"allOf": [member.clone(), member.clone()]},
            "Once": {"allOf": [member, {"type": "object", "properties": {"p": {"type": "object"}}}]}
        }}});
        replaces_one(spec, "components.schemas.Twice: an `allOf` whose merge meets `components.schemas.Twice.allOf.0.properties.p`");
    }

    #[test]
    fn a_property_merged_with_additional_properties_that_come_back_is_replaced() {
        // typify merges `x` with the other member's additional properties,
        // `$ref A`, which brings `A`'s `allOf` back: a stack overflow.
        let spec = json!({"components": {"schemas": {
            "A": {"allOf": [{"type": "object", "additionalProperties": r("A")},
                {"type": "object", "properties": {"x": {}}}]},
            "Map": {"allOf": [{"type": "object", "additionalProperties": {"type": "string"}},
                {"type": "object", "properties": {"id": {"type": "string"}}}]}
        }}});
        replaces_one(spec, "components.schemas.A:");
    }

    #[test]
    fn a_body_merged_into_a_choice_that_comes_back_is_replaced() {
        // No `allOf` of its own: typify merges `X`'s body into each
        // `oneOf` member; `p` merges `$ref T` with a copy of `T`, whose
        // `parent` does the same, without end.
        let spec = json!({"components": {"schemas": {
            "T": {"type": "object", "properties": {
                "parent": {"allOf": [r("T")], "nullable": true}, "id": {"type": "string"}}},
            "X": {"type": "object", "properties": {"p": r("T")}, "oneOf": [
                {"type": "object", "properties": {"p": {"allOf": [r("T")], "nullable": true}}},
                {"type": "object", "properties": {"q": {"type": "string"}}}]},
            "Fine": {"type": "object", "properties": {"p": r("T")}, "oneOf": [
                {"type": "object", "properties": {"q": {"type": "string"}}}]}
        }}});
        replaces_one(
            spec,
            "components.schemas.X: a body beside a `oneOf`/`anyOf` whose merge comes back",
        );
    }

    #[test]
    fn a_merged_copy_of_the_holder_is_replaced() {
        // `c` merges `$ref Holder` with another object: typify converts
        // the copy of `Holder`, whose `d` is this `allOf` again.
        let spec = json!({"components": {"schemas": {
            "Holder": {"type": "object", "properties": {"d": {"allOf": [
                {"type": "object", "properties": {"c": r("Holder")}},
                {"type": "object", "properties": {"c": {"type": "object", "properties": {"z": {"type": "string"}}}}}]}}}
        }}});
        replaces_one(spec, "components.schemas.Holder.properties.d:");
    }

    #[test]
    fn counting_ends_on_loops_and_on_doubling_chains() {
        let mut spec = json!({"components": {"schemas": {
            "A": {"oneOf": [r("B"), {"type": "string"}]},
            "B": {"anyOf": [r("A"), {"type": "integer"}]},
            "C": {"allOf": [r("A"), r("B")]}
        }}});
        merges_end(&mut spec);
        // C0: oneOf [$ref C1, $ref C1], C1: ...: counted without memory
        // of what was counted, 2^60 visits.
        let mut schemas = Map::new();
        for i in 0..60 {
            let next = r(&format!("C{}", i + 1));
            schemas.insert(format!("C{i}"), json!({"oneOf": [next.clone(), next]}));
        }
        schemas.insert("C60".into(), json!({"type": "string"}));
        schemas.insert("Top".into(), json!({"allOf": [r("C0"), r("C0")]}));
        let mut spec = json!({"components": {"schemas": schemas}});
        let started = std::time::Instant::now();
        let changes = merges_end(&mut spec);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(changes.len(), 1, "{changes:?}");
    }

    #[test]
    fn a_long_walk_ends_without_overflowing_a_threads_stack() {
        // Two item loops of 40 and 41 components merged: 1,640 distinct
        // merges deep before one comes back (a stack overflow of this
        // walk's own, on a 2 MiB thread, before the depth was bounded).
        let mut schemas = Map::new();
        for (name, n) in [("A", 40), ("B", 41)] {
            for i in 0..n {
                let next = r(&format!("{name}{}", (i + 1) % n));
                schemas.insert(
                    format!("{name}{i}"),
                    json!({"type": "array", "items": next}),
                );
            }
        }
        schemas.insert("H".into(), json!({"allOf": [r("A0"), r("B0")]}));
        let mut spec = json!({"components": {"schemas": schemas}});
        let changes = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || merges_end(&mut spec))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(
            changes[0].starts_with("components.schemas.H:"),
            "{changes:?}"
        );
    }

    #[test]
    fn a_merge_that_only_passes_through_a_loop_stays() {
        // `Cat` and `A.x` reach `Node`, whose own `allOf` loops: `Node` is
        // replaced, and they stay (typify converts them once it is).
        let spec = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"x": {"allOf": [r("Node")], "nullable": true}}},
            "Cat": {"allOf": [r("Node"), {"type": "object", "properties": {"meow": {"type": "string"}}}]},
            "Node": {"allOf": [r("Base"), {"type": "object", "properties": {"children": {"type": "array", "items": r("Node")}}}]},
            "Base": {"type": "object", "properties": {"children": {"type": "array", "items": r("Base")}}}
        }}});
        let spec = replaces_one(spec, "components.schemas.Node:");
        assert!(spec["components"]["schemas"]["Cat"].get("allOf").is_some());
        // A property named like a keyword (`default`) is looked in; a
        // default, an example and an extension are not.
        let spec = json!({"components": {"schemas": {
            "Holder": {"type": "object", "properties": {
                "default": {"allOf": [r("A"), r("B")]},
                "x-data": {"allOf": [r("A"), r("B")]}},
                "default": {"allOf": "data"}, "example": {"allOf": []}, "x-note": {"allOf": []}}
        }}, "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"allOf": [r("A"), r("B")]}, "example": {"allOf": []}}}}}}}}});
        assert_eq!(
            merge_places(&spec),
            [
                "/components/schemas/Holder/properties/default",
                "/components/schemas/Holder/properties/x-data",
                "/paths/~1a/get/responses/200/content/application~1json/schema",
            ]
        );
    }

    #[test]
    fn what_typify_merges_in_time_stays() {
        let mut spec = json!({"components": {"schemas": {
            // A tree extending a base; a base whose children are trees.
            "Node": {"allOf": [r("Plain"), {"type": "object", "properties": {"children": {"type": "array", "items": r("Node")}}}]},
            "Plain": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Base": {"type": "object", "properties": {"children": {"type": "array", "items": r("Base")}}},
            // Two references to one recursive schema.
            "Twice": {"allOf": [r("Base"), r("Base")]},
            // A base and a choice of a few.
            "Choice": {"allOf": [r("Base"), {"oneOf": [{"type": "object"}, {"type": "string"}]}]},
            "Json": {"oneOf": [{"type": "string"}, {"type": "array", "items": r("Json")},
                {"type": "object", "additionalProperties": r("Json")}]},
            "Wrapped": {"type": "object", "properties": {"value": {"allOf": [r("Json")], "nullable": true}}}
        }}, "paths": {"/n": {"get": {"responses": {"200": {"content": {"application/json": {"schema":
            {"allOf": [r("Node"), {"type": "object", "properties": {"id": {"type": "string"}}}]},
            "example": {"allOf": "data, not a schema"}
        }}}}}}}});
        let before = spec.clone();
        assert_eq!(merges_end(&mut spec), Vec::<String>::new());
        assert_eq!(spec, before);
    }

    #[test]
    fn places_read_as_the_report_writes_them() {
        assert_eq!(
            readable("/paths/~1things~1{id}/get/responses/200"),
            "paths./things/{id}.get.responses.200"
        );
    }
}
