//! The adaptation `composition_loops_are_broken`.
//!
//! typify merges schemas (the members of an `allOf`, and what it compares
//! when it builds enums), following `$ref`s and the `allOf`/`oneOf`/
//! `anyOf`/`not` members of what it merges. When that leads back to the
//! schema being merged (`Reference2: oneOf [allOf [$ref Reference2,
//! {enum}], ...]`; `Value: anyOf [$ref Value, allOf [...], ...]`), it
//! recurses until the stack overflows, and the process aborts: no panic to
//! catch, no culprit to degrade, the whole generation gone. The family: a
//! cycle of component references through composition members alone. A
//! recursion through properties, array items or additional properties is a
//! type that holds itself (a tree), which typify handles with a `Box`, and
//! stays. A composition loop adds nothing a value could match (a value is
//! one of `Expr`'s members only by being one of the others), so each is
//! broken where it closes: the `$ref` back to the component becomes any
//! value, with a note saying so; the component keeps every other member
//! and constraint.

use serde_json::{Map, Value};

/// Breaks every composition loop and every merge loop (see the module
/// docs); one line per `$ref` made any value.
pub fn composition_loops_are_broken(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    // Each round breaks one loop; a document has finitely many `$ref`s.
    loop {
        let Some(schemas) = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return changes;
        };
        let composition = schemas
            .keys()
            .find_map(|start| closing_ref(schemas, start).map(|at| (start.clone(), at)));
        let (why, holder, pointer) = match composition {
            Some((start, (holder, pointer))) => (
                format!("`{start}` referred back to itself through its composition members"),
                holder,
                pointer,
            ),
            None => match merge_loop(schemas) {
                Some((target, holder, pointer)) => (
                    format!(
                        "merging this `allOf` with `{target}` would bring the same `allOf` back, without end"
                    ),
                    holder,
                    pointer,
                ),
                None => return changes,
            },
        };
        let Some(slot) = spec
            .pointer_mut(&format!("/components/schemas/{}", escape(&holder)))
            .and_then(|s| s.pointer_mut(&pointer))
        else {
            return changes;
        };
        let mut any = Map::new();
        any.insert(
            "description".into(),
            format!("Any value: here {why}, which the code generator cannot follow.").into(),
        );
        *slot = Value::Object(any);
        changes.push(format!(
            "components.schemas.{holder}{}: {why}; that `$ref` → any value",
            pointer.replace('/', ".")
        ));
    }
}

/// An `allOf` in a component: the component and the pointer inside it.
type Node = (String, String);

/// A merge loop: an `allOf` whose `$ref` members, once typify merges them
/// (copying the referenced body in, where any `allOf` is merged in turn),
/// bring the same `allOf` back (`Self: {properties: {parent: {allOf:
/// [$ref Self, {...}]}}}`). Returns the `$ref`'s target, and where the
/// `$ref` that closes the loop is (component, pointer).
fn merge_loop(schemas: &Map<String, Value>) -> Option<(String, String, String)> {
    let mut nodes: Vec<Node> = Vec::new();
    for (name, body) in schemas {
        let mut found = Vec::new();
        all_of_nodes(body, "", &mut found);
        nodes.extend(found.into_iter().map(|p| (name.clone(), p)));
    }
    // Edges: node → (node, the `$ref` that brings it in, if one does:
    // its target, the component holding it, its pointer there).
    type Via = Option<(String, String, String)>;
    let edges = |(component, pointer): &Node| -> Vec<(Node, Via)> {
        let Some(node) = schemas.get(component).and_then(|b| b.pointer(pointer)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut refs = Vec::new();
        let mut inline = Vec::new();
        for (i, member) in node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            member_refs(member, &format!("{pointer}/allOf/{i}"), &mut refs);
            all_of_nodes(member, &format!("{pointer}/allOf/{i}"), &mut inline);
        }
        for p in inline {
            out.push(((component.clone(), p), None));
        }
        for (target, at) in refs {
            let Some(body) = schemas.get(&target) else {
                continue;
            };
            let mut found = Vec::new();
            all_of_nodes(body, "", &mut found);
            for p in found {
                out.push((
                    (target.clone(), p),
                    Some((target.clone(), component.clone(), at.clone())),
                ));
            }
        }
        out
    };
    // Depth first from each node; a node met again on the path is a loop,
    // broken at the last `$ref` on it.
    for start in &nodes {
        let mut path: Vec<(Node, Via)> = Vec::new();
        let mut stack: Vec<(Node, Via, usize)> = vec![(start.clone(), None, 0)];
        let mut done: Vec<Node> = Vec::new();
        while let Some((node, via, depth)) = stack.pop() {
            path.truncate(depth);
            if let Some(at) = path.iter().position(|(n, _)| *n == node) {
                // typify converts a one-member `allOf` (`allOf: [$ref X]`
                // beside a description or `nullable`) as its member, and
                // merges nothing: a loop of those alone is a tree.
                let merges = |(c, p): &Node| {
                    schemas
                        .get(c)
                        .and_then(|b| b.pointer(p))
                        .is_some_and(|n| all_of_members(n) > 1)
                };
                if path[at..].iter().any(|(n, _)| merges(n)) {
                    return std::iter::once(&via)
                        .chain(path[at + 1..].iter().rev().map(|(_, v)| v))
                        .find_map(Clone::clone);
                }
                continue;
            }
            if done.contains(&node) {
                continue;
            }
            done.push(node.clone());
            path.push((node.clone(), via));
            for (next, via) in edges(&node) {
                stack.push((next, via, depth + 1));
            }
        }
    }
    None
}

/// Pointers (from `at`) of every `allOf` in `schema`, nested ones too,
/// without following `$ref`s.
fn all_of_nodes(schema: &Value, at: &str, out: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    if map.get("allOf").is_some_and(Value::is_array) {
        out.push(at.to_owned());
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, child) in props {
            all_of_nodes(child, &format!("{at}/properties/{}", escape(name)), out);
        }
    }
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = map.get(key) {
            all_of_nodes(child, &format!("{at}/{key}"), out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, child) in map
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            all_of_nodes(child, &format!("{at}/{key}/{i}"), out);
        }
    }
}

/// The `$ref`s typify resolves when it merges `member`: the member itself,
/// or the members of its own compositions: `(component, pointer)`.
fn member_refs(member: &Value, at: &str, out: &mut Vec<(String, String)>) {
    if let Some(target) = member
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        out.push((unescape(target), at.to_owned()));
        return;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, child) in member
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            member_refs(child, &format!("{at}/{key}/{i}"), out);
        }
    }
    if let Some(not) = member.get("not") {
        member_refs(not, &format!("{at}/not"), out);
    }
}

/// Where a composition path from component `start` refers back to it:
/// the component holding that `$ref` and the JSON pointer of the `$ref`
/// object inside it.
fn closing_ref(schemas: &Map<String, Value>, start: &str) -> Option<(String, String)> {
    let mut visited = vec![start.to_owned()];
    walk(schemas, start, schemas.get(start)?, "", start, &mut visited)
}

fn walk(
    schemas: &Map<String, Value>,
    holder: &str,
    schema: &Value,
    at: &str,
    start: &str,
    visited: &mut Vec<String>,
) -> Option<(String, String)> {
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        let target = unescape(target);
        if target == start {
            return Some((holder.to_owned(), at.to_owned()));
        }
        if visited.contains(&target) {
            return None;
        }
        visited.push(target.clone());
        let body = schemas.get(&target)?;
        return walk(schemas, &target, body, "", start, visited);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, member) in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let found = walk(
                schemas,
                holder,
                member,
                &format!("{at}/{key}/{i}"),
                start,
                visited,
            );
            if found.is_some() {
                return found;
            }
        }
    }
    let not = schema.get("not")?;
    walk(schemas, holder, not, &format!("{at}/not"), start, visited)
}

/// How many members `schema`'s `allOf` has (0 without one). typify
/// merges an `allOf` of two or more; one of one member it converts as that
/// member (`allOf: [$ref X]` beside a description or `nullable`).
pub(crate) fn all_of_members(schema: &Value) -> usize {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// A component name as a JSON pointer segment.
pub(crate) fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A `$ref`'s name segment as the component name.
pub(crate) fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn a_loop_through_an_all_of_is_broken_where_it_closes() {
        // The shape that overflowed typify's stack.
        let mut spec = json!({"components": {"schemas": {
            "Reference2": {"oneOf": [{"allOf": [r("Reference2"), {"enum": ["a"]}]}, {"type": "string"}]}
        }}});
        let changes = composition_loops_are_broken(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let member = &spec["components"]["schemas"]["Reference2"]["oneOf"][0]["allOf"];
        assert!(member[0].get("$ref").is_none(), "{member}");
        assert_eq!(member[1], json!({"enum": ["a"]}));
        // Mutual, through another component.
        let mut spec = json!({"components": {"schemas": {
            "A": {"allOf": [r("B"), {"type": "object"}]},
            "B": {"anyOf": [r("A"), {"type": "string"}]}
        }}});
        assert_eq!(composition_loops_are_broken(&mut spec).len(), 1);
        assert_eq!(
            composition_loops_are_broken(&mut spec),
            Vec::<String>::new()
        );
        // Through anyOf alone (the shape that overflowed typify too).
        let mut spec = json!({"components": {"schemas": {
            "Value": {"anyOf": [r("Value"), {"allOf": [{"type": "integer"}, {"type": "string"}]}]}
        }}});
        assert_eq!(composition_loops_are_broken(&mut spec).len(), 1);
    }

    #[test]
    fn a_merge_that_brings_its_own_all_of_back_is_broken() {
        // Found by the property test: typify's stack overflowed.
        let mut spec = json!({"components": {"schemas": {
            "Self": {"type": "object", "properties": {
                "a-b": {"allOf": [r("Self"), {"type": "object", "properties": {"id": {"type": "string"}}}]}
            }}
        }}});
        let changes = composition_loops_are_broken(&mut spec);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let all_of = &spec["components"]["schemas"]["Self"]["properties"]["a-b"]["allOf"];
        assert!(all_of[0].get("$ref").is_none(), "{all_of}");
        assert_eq!(all_of[1]["properties"]["id"], json!({"type": "string"}));
        // Through another component's allOf.
        let mut spec = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"allOf": [r("B"), {"type": "object"}]}}},
            "B": {"allOf": [r("A"), {"type": "object"}]}
        }}});
        assert_eq!(composition_loops_are_broken(&mut spec).len(), 1, "{spec}");
    }

    #[test]
    fn trees_are_left_alone() {
        let mut spec = json!({"components": {"schemas": {
            // A reference wrapped for its `nullable` (or description).
            "Expr": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {
                "left": {"allOf": [r("Expr")], "nullable": true}}}]},
            "Node": {"allOf": [r("Base"), {"type": "object", "properties": {"children": {"type": "array", "items": r("Node")}}}]},
            "Base": {"type": "object"},
            "Json": {"oneOf": [{"type": "string"}, {"type": "array", "items": r("Json")},
                {"type": "object", "additionalProperties": r("Json")}]}
        }}});
        let before = spec.clone();
        assert!(composition_loops_are_broken(&mut spec).is_empty());
        assert_eq!(spec, before);
    }
}
