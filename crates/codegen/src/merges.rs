//! The adaptation `merges_end`: no `allOf` left whose merge typify could
//! not finish.
//!
//! typify merges the members of an `allOf` into one schema
//! (`typify_impl::merge`): a `$ref` is resolved and its body merged; the
//! body's own `allOf` members are merged in; where two of the schemas
//! being merged both have array items, a property of one name or
//! additional properties, those are merged in turn; each `oneOf`/`anyOf`
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
//! - **A merge of many alternatives** grows with their product at every
//!   level (13 s for one `allOf` of two members holding 72 alternatives,
//!   minutes at 80).
//!
//! Both were found by the property test (`tests/generation.rs`), the first
//! in CI. The adaptation runs last, on the shape typify sees (where it
//! also breaks, once more, the loops `composition_loops_are_broken`
//! breaks: later adaptations' `allOf: [$ref X]` wrappers can close one).
//! Each `allOf` in either family becomes any value, with a note saying
//! so, one at a time (components first), so that an `allOf` whose merge
//! only passed through a replaced one stays.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::cycles::escape;

/// The most alternatives the members of one `allOf` may hold between them.
/// Every `allOf` on the shared sets holds 1.
pub const MERGE_ALTERNATIVES_LIMIT: u64 = 16;

/// The most merges followed from one `allOf` (the v1 site's largest needs
/// a few dozen); past it, the `allOf` counts as one typify could not
/// finish.
const MERGES_PER_ALL_OF: usize = 20_000;

/// The most `allOf`s replaced in one document, a bound on the rounds.
const MOST_REPLACED: usize = 1_000;

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
    while changes.len() < MOST_REPLACED {
        let Some((pointer, why)) = first_unending(spec) else {
            break;
        };
        let Some(slot) = spec.pointer_mut(&pointer) else {
            break;
        };
        let mut any = Map::new();
        any.insert(
            "description".into(),
            format!("Any value: here an `allOf` {why}, which the code generator cannot finish.")
                .into(),
        );
        *slot = Value::Object(any);
        changes.push(format!(
            "{}: an `allOf` {why} → any value",
            readable(&pointer)
        ));
    }
    changes
}

/// The first `allOf` (components first) typify could not finish merging,
/// and why.
fn first_unending(spec: &Value) -> Option<(String, String)> {
    let mut walk = MergeWalk {
        spec,
        ended: HashSet::new(),
        trail: Vec::new(),
        budget: 0,
    };
    for pointer in all_of_places(spec) {
        let node = spec.pointer(&pointer)?;
        let held = alternatives(spec, node, &mut Vec::new());
        if held > MERGE_ALTERNATIVES_LIMIT {
            return Some((
                pointer,
                format!(
                    "whose members hold {held} alternatives between them (more than {MERGE_ALTERNATIVES_LIMIT}; the merge grows with their product)"
                ),
            ));
        }
        walk.budget = MERGES_PER_ALL_OF;
        walk.trail.clear();
        match walk.merge(Vec::new(), vec![pointer.clone()]) {
            Ok(()) => {}
            Err(Unending::Loop) => {
                return Some((
                    pointer,
                    "whose merge comes back to the same schemas, without end".to_owned(),
                ))
            }
            Err(Unending::Large) => {
                return Some((
                    pointer,
                    format!("whose merge takes more than {MERGES_PER_ALL_OF} merges"),
                ))
            }
        }
    }
    None
}

/// Why a merge would not end.
#[derive(Debug)]
enum Unending {
    Loop,
    Large,
}

/// typify's merge, followed without building what it builds. A merge is
/// the multiset (each place at most twice: a schema merged with a copy of
/// itself) of the places (JSON pointers) being merged together; the same
/// merge met again on the way is one without end. Merges that ended are
/// remembered, so each is followed once.
struct MergeWalk<'a> {
    spec: &'a Value,
    ended: HashSet<Vec<String>>,
    trail: Vec<Vec<String>>,
    budget: usize,
}

impl MergeWalk<'_> {
    /// Follows the merge of `places` with `merged` (places already
    /// expanded).
    fn merge(&mut self, merged: Vec<String>, places: Vec<String>) -> Result<(), Unending> {
        // Two `$ref`s to one schema are one (typify merges them at once).
        let mut places = places;
        let targets: Vec<Option<&str>> = places.iter().map(|p| self.reference(p)).collect();
        if merged.is_empty()
            && places.len() > 1
            && targets[0].is_some()
            && targets.iter().all(|t| *t == targets[0])
        {
            places.truncate(1);
        }
        let set = self.expand(merged, places);
        if self.ended.contains(&set) {
            return Ok(());
        }
        if self.trail.contains(&set) {
            return Err(Unending::Loop);
        }
        self.budget = self.budget.checked_sub(1).ok_or(Unending::Large)?;
        self.trail.push(set.clone());
        let result = self.merge_parts(&set);
        self.trail.pop();
        result?;
        self.ended.insert(set);
        Ok(())
    }

    /// What merging the (expanded) `set` merges in turn.
    fn merge_parts(&mut self, set: &[String]) -> Result<(), Unending> {
        let spec = self.spec;
        let values: Vec<(&String, &Map<String, Value>)> = set
            .iter()
            .filter_map(|p| Some((p, spec.pointer(p)?.as_object()?)))
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
                            .push(format!("{pointer}/{key}"));
                    }
                }
                if let Some(Value::Object(props)) = map.get("properties") {
                    for name in props.keys() {
                        let segment = format!("properties/{}", escape(name));
                        children
                            .entry(segment.clone())
                            .or_default()
                            .push(format!("{pointer}/{segment}"));
                    }
                }
            }
            for (_, places) in children {
                if places.len() > 1 {
                    self.merge(Vec::new(), places)?;
                }
            }
        }
        // Each `oneOf`/`anyOf` member merged with the rest.
        for (at, (pointer, map)) in values.iter().enumerate() {
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

    /// The local `$ref` at `pointer`, as a JSON pointer, if it has one
    /// that resolves.
    fn reference(&self, pointer: &str) -> Option<&str> {
        let target = self
            .spec
            .pointer(pointer)?
            .get("$ref")?
            .as_str()?
            .strip_prefix('#')?;
        self.spec.pointer(target).map(|_| target)
    }

    /// `merged` and `places`, each `$ref` of `places` resolved and each
    /// `allOf` member added, every place at most twice, sorted.
    fn expand(&self, merged: Vec<String>, places: Vec<String>) -> Vec<String> {
        let mut set = merged;
        let mut todo = places;
        while let Some(place) = todo.pop() {
            if set.iter().filter(|p| **p == place).count() >= 2 {
                continue;
            }
            let Some(value) = self.spec.pointer(&place) else {
                continue;
            };
            if let Some(target) = self.reference(&place) {
                todo.push(target.to_owned());
            } else if let Some(members) = value.get("allOf").and_then(Value::as_array) {
                todo.extend((0..members.len()).map(|i| format!("{place}/allOf/{i}")));
            }
            set.push(place);
        }
        set.sort();
        set
    }
}

/// The alternatives `schema` holds for typify's merge: a `oneOf`/`anyOf`
/// one plus the sum of its members', an `allOf` the product of its
/// members', a `not` one plus its schema's, a `$ref` its target's (one
/// when already being counted).
fn alternatives(spec: &Value, schema: &Value, counting: &mut Vec<String>) -> u64 {
    let Some(map) = schema.as_object() else {
        return 1;
    };
    if let Some(target) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        let Some(body) = spec.pointer(target) else {
            return 1;
        };
        if counting.iter().any(|c| c == target) {
            return 1;
        }
        counting.push(target.to_owned());
        let held = alternatives(spec, body, counting);
        counting.pop();
        return held;
    }
    let members = |key: &str| map.get(key).and_then(Value::as_array).into_iter().flatten();
    let mut held = 1u64;
    for key in ["oneOf", "anyOf"] {
        if map.get(key).is_some_and(Value::is_array) {
            let sum = members(key).fold(1u64, |sum, m| {
                sum.saturating_add(alternatives(spec, m, counting))
            });
            held = held.saturating_mul(sum);
        }
    }
    for m in members("allOf") {
        held = held.saturating_mul(alternatives(spec, m, counting));
    }
    if let Some(not) = map.get("not") {
        held = held.saturating_mul(1u64.saturating_add(alternatives(spec, not, counting)));
        // typify merges what it merges with each `not` as well.
    }
    held
}

/// The JSON pointers of every `allOf` in the document's schemas:
/// components' schemas first, then the operations', then the other
/// components'. Examples, defaults, enums and extensions are data, not
/// schemas, and are not looked in.
fn all_of_places(spec: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let components = spec.get("components").and_then(Value::as_object);
    if let Some(schemas) = components.and_then(|c| c.get("schemas")) {
        find_all_of(schemas, "/components/schemas", &mut out);
    }
    if let Some(paths) = spec.get("paths") {
        find_all_of(paths, "/paths", &mut out);
    }
    for (key, value) in components.into_iter().flatten() {
        if key != "schemas" {
            find_all_of(value, &format!("/components/{}", escape(key)), &mut out);
        }
    }
    out
}

fn find_all_of(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get("allOf").is_some_and(Value::is_array) {
                out.push(at.to_owned());
            }
            for (key, child) in map {
                if matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) || key.starts_with("x-")
                {
                    continue;
                }
                find_all_of(child, &format!("{at}/{}", escape(key)), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_all_of(child, &format!("{at}/{i}"), out);
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

    #[test]
    fn a_merge_of_common_items_that_comes_back_is_replaced() {
        // Found by the property test in CI: typify's stack overflowed
        // merging `Self`'s items (`$ref Foo_Bar`) with the other member's.
        let mut spec = json!({"components": {"schemas": {
            "Foo_Bar": {"allOf": [r("Self"), {"type": "array", "items": {"nullable": true}}], "nullable": true},
            "Self": {"type": "array", "items": r("Foo_Bar")}
        }}});
        let changes = merges_end(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(
            changes[0].starts_with("components.schemas.Foo_Bar: an `allOf` whose merge comes back"),
            "{changes:?}"
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
        let mut spec = json!({"components": {"schemas": {
            "Node": {"allOf": [r("Base"), {"type": "object", "properties": {"children": {"type": "array", "items": r("Node")}}}]},
            "Base": {"type": "object", "properties": {"children": {"type": "array", "items": r("Base")}}}
        }}});
        let changes = merges_end(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(
            changes[0].starts_with("components.schemas.Node:"),
            "{changes:?}"
        );
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
        let mut spec = json!({"components": {"schemas": {
            "Lower": lower,
            "ByteStream": {"type": "object"},
            "Both": {"allOf": [{"anyOf": [r("Lower"), {}], "nullable": true}, {"oneOf": [r("Lower")]}]},
        }}});
        let changes = merges_end(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(
            changes[0].starts_with(
                "components.schemas.Both: an `allOf` whose members hold 72 alternatives"
            ),
            "{changes:?}"
        );
        let both = &spec["components"]["schemas"]["Both"];
        assert!(both.get("allOf").is_none(), "{both}");
        // Counting follows `$ref` loops without end.
        let mut spec = json!({"components": {"schemas": {
            "A": {"oneOf": [r("B"), {"type": "string"}]},
            "B": {"anyOf": [r("A"), {"type": "integer"}]},
            "C": {"allOf": [r("A"), r("B")]}
        }}});
        merges_end(&mut spec);
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
