//! Names borrowed from another document of the same API, tolerantly.
//!
//! Another version's pages (or the source spec) name the components this
//! site's pages left unnamed, but a component rarely has exactly the same
//! shape in two versions: a property became `nullable`, a description was
//! reworded, a property was added. Exact shape hashes find a counterpart
//! for few of them; tolerant matching compares shapes without what does not
//! change what a value is (descriptions, examples, titles, `nullable`,
//! `readOnly`, defaults, `x-` extensions), and an object also matches one
//! with a property more or less whose other properties are all alike.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::{
    inline_refs, is_component_name, item_mode, next_mode, op_top_schemas, place_text, shape_hash,
    shape_walk, strip_titles, Mode, Names, NamingReport, Survey,
};

/// How a borrowed name found its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// The same shape, titles aside.
    Exact,
    /// The same shape once descriptions, examples, `nullable` and the like
    /// are left out, or an object with a property more or less.
    Tolerant,
}

/// One component of another document, as tolerant matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BorrowedShape {
    /// The component's name there.
    pub name: String,
    /// The hash of its loose shape (see [`loose`]).
    pub loose: u64,
    /// Its properties, when it is an object with some: name → hash of the
    /// loose shape of each.
    pub properties: BTreeMap<String, u64>,
    /// Its values, when it is an enum (each as JSON text), with the hash
    /// of its loose shape without them.
    pub values: Option<(u64, BTreeSet<String>)>,
}

/// Keywords that do not change what a value is: left out of a loose shape.
const LOOSE_IGNORED: &[&str] = &[
    "description",
    "example",
    "examples",
    "title",
    "nullable",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
    "xml",
];

/// `v` (read in `mode`) without the keywords of [`LOOSE_IGNORED`] and `x-`
/// extensions in any schema.
fn loose_copy(v: &Value, mode: Mode) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| {
                    !(mode == Mode::Schema
                        && (LOOSE_IGNORED.contains(&key.as_str()) || key.starts_with("x-")))
                })
                .map(|(key, child)| (key.clone(), loose_copy(child, next_mode(mode, key, child))))
                .collect(),
        ),
        Value::Array(items) => {
            let mode = item_mode(mode);
            Value::Array(items.iter().map(|item| loose_copy(item, mode)).collect())
        }
        other => other.clone(),
    }
}

/// The hash of a schema's loose shape: what a value of it is, without the
/// words about it.
pub fn loose(schema: &Value) -> u64 {
    shape_hash(&loose_copy(schema, Mode::Schema))
}

/// A schema's loose shape and the loose shapes of its properties.
fn signature(name: String, schema: &Value) -> BorrowedShape {
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| props.iter().map(|(k, v)| (k.clone(), loose(v))).collect())
        .unwrap_or_default();
    let values = schema.get("enum").and_then(Value::as_array).map(|values| {
        let mut rest = schema.clone();
        if let Some(map) = rest.as_object_mut() {
            map.remove("enum");
        }
        (loose(&rest), values.iter().map(Value::to_string).collect())
    });
    BorrowedShape {
        name,
        loose: loose(schema),
        properties,
        values,
    }
}

impl super::NamesFile {
    /// The components of another document (a later docs version, or the
    /// upstream spec) for tolerant matching, with their `$ref`s inlined as
    /// the docs plugin inlines them; for [`super::NamesFile::tolerant`].
    pub fn borrow_tolerantly_from(document: &Value) -> Vec<BorrowedShape> {
        let Some(schemas) = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        schemas
            .iter()
            .filter(|(name, _)| is_component_name(name))
            .map(|(name, schema)| {
                let mut inlined = inline_refs(schema, schemas, &mut Vec::new());
                strip_titles(&mut inlined);
                signature(name.clone(), &inlined)
            })
            .collect()
    }
}

/// How far two objects may differ and still match: all shared properties
/// alike, and at most this many properties only one of them has.
fn allowed_difference(shared: usize) -> usize {
    (shared / 5).max(1)
}

/// Step 3a: the shapes worth a component that no exact hash named get the
/// name of their tolerant counterpart in `tolerant`: the same loose shape,
/// else the object whose properties are alike but for at most
/// [`allowed_difference`] of them (most shared properties first, then
/// fewest differing, then the name). Shapes are taken in the order of
/// their first place, so the result does not depend on page order; a name
/// goes to one shape only.
pub(super) fn tolerant_names(
    ops: &mut [&mut Map<String, Value>],
    survey: &Survey,
    tolerant: &[BorrowedShape],
    chosen: &mut Names,
    report: &mut NamingReport,
) {
    if tolerant.is_empty() {
        return;
    }
    // The unnamed shapes worth a component, each with its first place.
    let mut wanted: HashMap<u64, (String, BorrowedShape)> = HashMap::new();
    for op in ops.iter_mut() {
        op_top_schemas(op, &mut |schema, hint| {
            shape_walk(
                schema,
                Mode::Schema,
                hint,
                true,
                &mut |v, h, flags, hint| {
                    if !flags.worth
                        || flags.has_ref
                        || chosen.by_hash.contains_key(&h)
                        || !survey.repeated.contains_key(&h)
                    {
                        return;
                    }
                    let place = place_text(hint);
                    match wanted.get_mut(&h) {
                        Some((first, _)) if place < *first => *first = place,
                        Some(_) => {}
                        None => {
                            wanted.insert(h, (place, signature(String::new(), v)));
                        }
                    }
                },
            );
        });
    }
    let mut wanted: Vec<(String, u64, BorrowedShape)> = wanted
        .into_iter()
        .map(|(h, (place, shape))| (place, h, shape))
        .collect();
    wanted.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));

    let mut by_loose: HashMap<u64, Vec<&BorrowedShape>> = HashMap::new();
    let mut by_property: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, shape) in tolerant.iter().enumerate() {
        by_loose.entry(shape.loose).or_default().push(shape);
        for key in shape.properties.keys() {
            by_property.entry(key).or_default().push(i);
        }
    }
    for candidates in by_loose.values_mut() {
        candidates.sort_by(|a, b| a.name.cmp(&b.name));
    }
    for (_, h, shape) in wanted {
        let free = |name: &str| !chosen.taken.contains(name);
        let same = by_loose
            .get(&shape.loose)
            .and_then(|c| c.iter().find(|b| free(&b.name)))
            .map(|b| b.name.clone());
        let found = same
            .or_else(|| closest_object(&shape, tolerant, &by_property, &free))
            .or_else(|| closest_enum(&shape, tolerant, &free));
        if let Some(name) = found {
            chosen.give(h, &name);
            report.borrowed.insert(name, Match::Tolerant);
        }
    }
}

/// The object of `tolerant` most like `shape`: the most properties alike,
/// then the fewest differing (changed, or only on one side), then the
/// name; at least two alike, at most [`allowed_difference`] differing.
fn closest_object(
    shape: &BorrowedShape,
    tolerant: &[BorrowedShape],
    by_property: &HashMap<&str, Vec<usize>>,
    free: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let mut seen = BTreeSet::new();
    let mut best: Option<(usize, usize, &str)> = None;
    for key in shape.properties.keys() {
        for &i in by_property.get(key.as_str()).into_iter().flatten() {
            let other = &tolerant[i];
            if !seen.insert(i) || !free(&other.name) {
                continue;
            }
            let (alike, differing) = compare(&shape.properties, &other.properties);
            if alike < 2 || differing > allowed_difference(alike) {
                continue;
            }
            if better(best, alike, differing, &other.name) {
                best = Some((alike, differing, &other.name));
            }
        }
    }
    best.map(|(_, _, name)| name.to_owned())
}

/// The enum of `tolerant` most like `shape`: the same loose shape but for
/// its values, most values shared, at most [`allowed_difference`] values
/// only on one side.
fn closest_enum(
    shape: &BorrowedShape,
    tolerant: &[BorrowedShape],
    free: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let (rest, values) = shape.values.as_ref()?;
    let mut best: Option<(usize, usize, &str)> = None;
    for other in tolerant.iter().filter(|o| free(&o.name)) {
        let Some((other_rest, other_values)) = &other.values else {
            continue;
        };
        if other_rest != rest {
            continue;
        }
        let shared = values.intersection(other_values).count();
        let differing = values.len() + other_values.len() - 2 * shared;
        if shared < 2 || differing > allowed_difference(shared) {
            continue;
        }
        if better(best, shared, differing, &other.name) {
            best = Some((shared, differing, &other.name));
        }
    }
    best.map(|(_, _, name)| name.to_owned())
}

/// Whether (alike, differing, name) beats `best`: more alike, then fewer
/// differing, then the name first in order.
fn better(best: Option<(usize, usize, &str)>, alike: usize, differing: usize, name: &str) -> bool {
    best.is_none_or(|(a, d, n)| (alike, d, n) > (a, differing, name))
}

/// Two objects' properties: (how many both have alike, how many differ:
/// changed in shape, or on one side only).
fn compare(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> (usize, usize) {
    let mut alike = 0;
    let mut changed = 0;
    for (key, h) in a {
        match b.get(key) {
            Some(other) if other == h => alike += 1,
            Some(_) => changed += 1,
            None => {}
        }
    }
    (alike, a.len() + b.len() - 2 * (alike + changed) + changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loose_shapes_leave_out_the_words_about_a_value() {
        let a = json!({"type": "object", "description": "x", "properties": {
            "detail": {"type": "string", "nullable": true, "example": "e"},
            "description": {"type": "string"}
        }});
        let b = json!({"type": "object", "properties": {
            "detail": {"type": "string", "description": "other words"},
            "description": {"type": "string", "x-internal": true}
        }});
        assert_eq!(loose(&a), loose(&b));
        // A property named `description` is a property, not a word.
        let c = json!({"type": "object", "properties": {"detail": {"type": "string"}}});
        assert_ne!(loose(&a), loose(&c));
        assert_ne!(
            loose(&json!({"type": "string"})),
            loose(&json!({"type": "integer"}))
        );
    }

    #[test]
    fn objects_compare_by_their_properties() {
        let props = |keys: &[(&str, u64)]| -> BTreeMap<String, u64> {
            keys.iter().map(|(k, h)| ((*k).to_owned(), *h)).collect()
        };
        let a = props(&[("a", 1), ("b", 2), ("c", 3)]);
        assert_eq!(
            compare(&a, &props(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)])),
            (3, 1)
        );
        assert_eq!(
            compare(&a, &props(&[("a", 1), ("b", 9)])),
            (1, 2),
            "b changed, c gone"
        );
        assert_eq!(compare(&a, &props(&[("x", 1)])), (0, 4));
    }
}
