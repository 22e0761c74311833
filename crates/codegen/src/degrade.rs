//! Generation that cannot fail: what the generator cannot take is found
//! and generated untyped, by name, instead of costing the whole client.
//!
//! progenitor and typify fail on some schemas in ways no adaptation
//! foresaw: an error that names nothing ("value does not conform to the
//! given schema"), a panic (`unreachable!()`, an `unwrap` on `None`), code
//! that does not compile. Each adaptation prevents a family it has met;
//! this module is what happens for the families nobody has met yet:
//!
//! 1. **Find the culprit** ([`next`]) by bisection over the adapted spec:
//!    component schemas are blanked (`{}`, so references still resolve)
//!    half at a time while the failure persists; when the failure stays
//!    with every component blank, operations are removed half at a time.
//!    One schema or one operation is left.
//! 2. **Degrade it** ([`apply`]), least first: a component becomes any
//!    JSON value (`serde_json::Value` inside its named type, its docs
//!    saying why); an operation first gets an untyped request body and
//!    success responses, then also untyped parameters (strings) and error
//!    responses, and only when even that fails is it left out.
//! 3. Generate again, until the generator succeeds.
//!
//! Compile errors in generated code come back through [`crate::attribute`],
//! which names the schema or operation behind an error's line; the caller
//! passes those to [`crate::generate_degrading`], and they are degraded the
//! same way.

use std::fmt;

use openapi_model::Route;
use serde_json::{Map, Value};

/// What the generator could not take.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Culprit {
    /// A component schema, by its name in the adapted spec (the Rust type's
    /// name).
    Component(String),
    /// An operation, by its route, with its operationId when it has one.
    Operation {
        /// Its method and path.
        route: Route,
        /// Its operationId.
        id: Option<String>,
    },
}

impl fmt::Display for Culprit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Culprit::Component(name) => write!(f, "schema `{name}`"),
            Culprit::Operation {
                route,
                id: Some(id),
            } => {
                write!(f, "operation `{id}` ({route})")
            }
            Culprit::Operation { route, id: None } => write!(f, "operation {route}"),
        }
    }
}

/// How far a culprit is degraded, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// A component schema generated as any JSON value.
    Untyped,
    /// An operation's request body and success responses as any JSON
    /// value; its parameters and error responses keep their types.
    BodyAndResponses,
    /// Also its parameters (as strings) and error responses.
    Everything,
    /// The operation left out of the client: nothing else made the
    /// generator take it.
    Removed,
}

impl Level {
    /// The next level for an operation that still fails at this one.
    fn next(self) -> Option<Level> {
        match self {
            Level::Untyped => None,
            Level::BodyAndResponses => Some(Level::Everything),
            Level::Everything => Some(Level::Removed),
            Level::Removed => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Level::Untyped => "generated as any JSON value",
            Level::BodyAndResponses => {
                "request body and success responses generated as any JSON value"
            }
            Level::Everything => {
                "request body and responses as any JSON value, parameters as strings"
            }
            Level::Removed => "left out of the client",
        }
    }
}

/// One schema or operation generated untyped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Degradation {
    /// What was degraded.
    pub culprit: Culprit,
    /// How far.
    pub level: Level,
    /// The failure that made it necessary: the generator's message, or the
    /// compiler's.
    pub why: String,
}

impl Degradation {
    /// The least degradation of `culprit`.
    pub fn least(culprit: Culprit, why: impl Into<String>) -> Self {
        let level = match culprit {
            Culprit::Component(_) => Level::Untyped,
            Culprit::Operation { .. } => Level::BodyAndResponses,
        };
        Degradation {
            culprit,
            level,
            why: why.into(),
        }
    }
}

impl fmt::Display for Degradation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({})",
            self.culprit,
            self.level.describe(),
            self.why
        )
    }
}

/// The root extension of a spec that lists schemas and operations to
/// generate untyped besides those the generator itself cannot take: the
/// culprits of compile errors, which only a build finds (`cargo xtask regen
/// --compile` writes it into `spec/openapi.json`, so that every generation
/// from that spec, `build.rs`'s too, makes the same client). Each entry:
/// `{"schema": name}` or `{"operation": "GET /path", "operationId": id}`,
/// with `level` and `why`.
pub const DEGRADE_EXT: &str = "x-sailpoint-degrade";

impl Level {
    /// The level's name in [`DEGRADE_EXT`].
    pub fn name(self) -> &'static str {
        match self {
            Level::Untyped => "untyped",
            Level::BodyAndResponses => "body-and-responses",
            Level::Everything => "everything",
            Level::Removed => "removed",
        }
    }

    fn from_name(name: &str) -> Option<Level> {
        [
            Level::Untyped,
            Level::BodyAndResponses,
            Level::Everything,
            Level::Removed,
        ]
        .into_iter()
        .find(|l| l.name() == name)
    }
}

impl Degradation {
    /// This degradation as an entry of [`DEGRADE_EXT`].
    pub fn to_json(&self) -> Value {
        let mut entry = Map::new();
        match &self.culprit {
            Culprit::Component(name) => {
                entry.insert("schema".into(), name.clone().into());
            }
            Culprit::Operation { route, id } => {
                entry.insert("operation".into(), route.to_string().into());
                if let Some(id) = id {
                    entry.insert("operationId".into(), id.clone().into());
                }
            }
        }
        entry.insert("level".into(), self.level.name().into());
        entry.insert("why".into(), self.why.clone().into());
        Value::Object(entry)
    }

    /// An entry of [`DEGRADE_EXT`]; `None` when it is not one.
    pub fn from_json(entry: &Value) -> Option<Degradation> {
        let culprit = match (entry.get("schema"), entry.get("operation")) {
            (Some(Value::String(name)), None) => Culprit::Component(name.clone()),
            (None, Some(Value::String(route))) => {
                let (method, path) = route.split_once(' ')?;
                Culprit::Operation {
                    route: Route::new(method, path),
                    id: entry
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                }
            }
            _ => return None,
        };
        Some(Degradation {
            culprit,
            level: Level::from_name(entry.get("level")?.as_str()?)?,
            why: entry
                .get("why")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        })
    }
}

/// The degradations `spec` asks for ([`DEGRADE_EXT`]), in order; entries
/// that are not degradations are skipped.
pub fn persisted(spec: &Value) -> Vec<Degradation> {
    spec.get(DEGRADE_EXT)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Degradation::from_json)
        .collect()
}

/// Adds `d` to `list`: a culprit already there is degraded further (the
/// greater level wins), not listed twice.
pub fn record(list: &mut Vec<Degradation>, d: Degradation) {
    match list.iter_mut().find(|e| e.culprit == d.culprit) {
        Some(existing) if existing.level < d.level => *existing = d,
        Some(_) => {}
        None => list.push(d),
    }
}

/// The next degradation for a spec the generator fails on (`fails` says
/// whether it fails on a candidate): the culprit the bisection finds, at
/// its least level, or one level further when it was degraded already.
/// `None` when no schema or operation can be blamed, or the one blamed
/// cannot be degraded further.
pub fn next(
    spec: &Value,
    done: &[Degradation],
    why: &str,
    fails: &dyn Fn(&Value) -> bool,
) -> Option<Degradation> {
    let culprit = culprit(spec, done, fails)?;
    after(done, culprit, why)
}

/// The degradation of `culprit` after those in `done`: its least level
/// when it is new there, one level further when it is there already;
/// `None` when it cannot go further.
pub fn after(done: &[Degradation], culprit: Culprit, why: &str) -> Option<Degradation> {
    let why = short(why);
    match done.iter().find(|d| d.culprit == culprit) {
        None => Some(Degradation::least(culprit, why)),
        Some(d) => d.level.next().map(|level| Degradation {
            culprit,
            level,
            why,
        }),
    }
}

/// A failure's message, cut to one line of reasonable length for reports
/// and doc comments.
fn short(why: &str) -> String {
    let line = why.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_owned(),
    }
}

/// The schema or operation to blame for `fails(spec)`: component schemas
/// first (those already untyped are not suspects), then operations.
pub fn culprit(
    spec: &Value,
    done: &[Degradation],
    fails: &dyn Fn(&Value) -> bool,
) -> Option<Culprit> {
    // The halving below assumes the whole fails; a spec that does not has
    // nobody to blame.
    if !fails(spec) {
        return None;
    }
    let untyped = |name: &str| {
        done.iter()
            .any(|d| d.culprit == Culprit::Component(name.to_owned()))
    };
    let names: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().filter(|n| !untyped(n)).cloned().collect())
        .unwrap_or_default();
    let suspects = names.clone();
    let blank = |keep: &[String]| {
        let mut candidate = spec.clone();
        if let Some(Value::Object(schemas)) = candidate.pointer_mut("/components/schemas") {
            for (name, schema) in schemas.iter_mut() {
                if suspects.contains(name) && !keep.contains(name) {
                    *schema = Value::Object(Map::new());
                }
            }
        }
        candidate
    };
    let all_blank = blank(&[]);
    if !names.is_empty() && !fails(&all_blank) {
        return bisect(names, &|keep: &[String]| fails(&blank(keep))).map(Culprit::Component);
    }
    // The failure stays with every component blank: an operation's own
    // schemas (looked for with the components blank, so that a component
    // failing as well does not hide it; it is found in a later round).
    let operations: Vec<(Route, Option<String>)> = openapi_model::operations(&all_blank)
        .map(|o| (o.route(), o.id().map(str::to_owned)))
        .collect();
    let only = |keep: &[(Route, Option<String>)]| {
        let mut candidate = all_blank.clone();
        if let Some(Value::Object(paths)) = candidate.get_mut("paths") {
            for (path, item) in paths.iter_mut() {
                if let Some(item) = item.as_object_mut() {
                    item.retain(|method, _| {
                        !openapi_model::METHODS.contains(&method.as_str())
                            || keep.iter().any(|(r, _)| *r == Route::new(method, path))
                    });
                }
            }
        }
        candidate
    };
    if operations.is_empty() || fails(&only(&[])) {
        return None;
    }
    bisect(operations, &|keep| fails(&only(keep)))
        .map(|(route, id)| Culprit::Operation { route, id })
}

/// One suspect to blame for `still_fails(suspects)` (which holds): halves
/// are kept while one fails alone; when neither does, the failure needs
/// both (two operations whose names collide, say), and the suspect of the
/// second half that fails together with the whole first half is blamed.
fn bisect<T: Clone>(suspects: Vec<T>, still_fails: &dyn Fn(&[T]) -> bool) -> Option<T> {
    bisect_with(&[], suspects, still_fails)
}

/// [`bisect`], with `context` always kept beside the suspects.
fn bisect_with<T: Clone>(
    context: &[T],
    mut suspects: Vec<T>,
    still_fails: &dyn Fn(&[T]) -> bool,
) -> Option<T> {
    let with = |part: &[T]| {
        let mut all = context.to_vec();
        all.extend_from_slice(part);
        still_fails(&all)
    };
    while suspects.len() > 1 {
        let (first, second) = suspects.split_at(suspects.len() / 2);
        suspects = if with(first) {
            first.to_vec()
        } else if with(second) {
            second.to_vec()
        } else {
            let mut context = context.to_vec();
            context.extend_from_slice(first);
            return bisect_with(&context, second.to_vec(), still_fails);
        };
    }
    suspects.pop()
}

/// The note a degraded schema or operation carries in its docs.
fn note(d: &Degradation) -> String {
    format!(
        "Untyped by the code generator: {}. The generator failed on it with: {}",
        d.level.describe(),
        d.why
    )
}

/// Applies `degraded` to the adapted spec: each component or operation
/// named is made untyped at its level, with a note in its description.
/// A culprit the spec does not have is skipped (it is reported as it was
/// given).
pub fn apply(spec: &mut Value, degraded: &[Degradation]) {
    for d in degraded {
        match &d.culprit {
            Culprit::Component(name) => {
                let Some(schema) = spec
                    .pointer_mut("/components/schemas")
                    .and_then(Value::as_object_mut)
                    .and_then(|schemas| schemas.get_mut(name))
                else {
                    continue;
                };
                *schema = untyped(schema, &note(d));
            }
            Culprit::Operation { route, .. } => {
                let Some(item) = spec
                    .get_mut("paths")
                    .and_then(|paths| paths.get_mut(&route.path))
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                if d.level == Level::Removed {
                    item.remove(&route.method);
                    continue;
                }
                if let Some(op) = item.get_mut(&route.method) {
                    untyped_operation(op, d.level, &note(d));
                }
            }
        }
    }
}

/// Any JSON value, keeping the schema's description (and `nullable`) and
/// adding `note` to it.
fn untyped(schema: &Value, note: &str) -> Value {
    let mut out = Map::new();
    let description = match schema.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
        _ => note.to_owned(),
    };
    out.insert("description".into(), Value::String(description));
    Value::Object(out)
}

/// An operation with untyped body and responses (and, at
/// [`Level::Everything`], parameters and error responses).
fn untyped_operation(op: &mut Value, level: Level, note: &str) {
    let Some(op) = op.as_object_mut() else {
        return;
    };
    let description = match op.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
        _ => note.to_owned(),
    };
    op.insert("description".into(), Value::String(description));
    let everything = level >= Level::Everything;
    let any = || Value::Object(Map::new());
    if let Some(content) = op
        .get_mut("requestBody")
        .and_then(|b| b.get_mut("content"))
        .and_then(Value::as_object_mut)
    {
        for media in content.values_mut() {
            if let Some(media) = media.as_object_mut() {
                media.insert("schema".into(), any());
            }
        }
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for (status, response) in responses.iter_mut() {
            if !(everything || status.starts_with('2')) {
                continue;
            }
            for media in response
                .get_mut("content")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|c| c.values_mut())
            {
                if let Some(media) = media.as_object_mut() {
                    media.insert("schema".into(), any());
                }
            }
        }
    }
    if everything {
        for parameter in op
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(parameter) = parameter.as_object_mut() {
                parameter.remove("content");
                parameter.insert("schema".into(), serde_json::json!({"type": "string"}));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
                "/b": {"post": {"operationId": "postB",
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "object"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "integer"}}}},
                                  "400": {"description": "bad", "content": {"application/json": {"schema": {"type": "string"}}}}}}}
            },
            "components": {"schemas": {
                "A": {"type": "object", "description": "An A.", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "string", "x-poison": true},
                "C": {"type": "integer"}
            }}
        })
    }

    /// Whether anything in `v` carries the marker `key`.
    fn has(v: &Value, key: &str) -> bool {
        match v {
            Value::Object(m) => m.contains_key(key) || m.values().any(|v| has(v, key)),
            Value::Array(a) => a.iter().any(|v| has(v, key)),
            _ => false,
        }
    }

    #[test]
    fn the_bisection_blames_the_component_that_carries_the_failure() {
        let spec = spec();
        let found = culprit(&spec, &[], &|c| has(c, "x-poison"));
        assert_eq!(found, Some(Culprit::Component("B".into())));
        // An operation's inline schema: no component is to blame.
        let mut inline = spec.clone();
        inline["components"]["schemas"]["B"] = json!({"type": "string"});
        inline["paths"]["/b"]["post"]["requestBody"]["x-poison"] = json!(true);
        let found = culprit(&inline, &[], &|c| has(c, "x-poison"));
        assert_eq!(
            found,
            Some(Culprit::Operation {
                route: Route::new("post", "/b"),
                id: Some("postB".into())
            })
        );
        // A failure nothing in the spec carries: nobody to blame.
        assert_eq!(culprit(&spec, &[], &|_| true), None);
    }

    #[test]
    fn degrading_goes_one_level_further_each_time_and_then_stops() {
        let spec = spec();
        let op = Culprit::Operation {
            route: Route::new("post", "/b"),
            id: Some("postB".into()),
        };
        let fails = |c: &Value| c["paths"]["/b"].get("post").is_some();
        let mut done = Vec::new();
        let mut levels = Vec::new();
        while let Some(d) = next(&spec, &done, "boom", &|c| {
            let mut c = c.clone();
            apply(&mut c, &done);
            fails(&c)
        }) {
            assert_eq!(d.culprit, op);
            levels.push(d.level);
            record(&mut done, d);
        }
        assert_eq!(
            levels,
            [Level::BodyAndResponses, Level::Everything, Level::Removed]
        );
        assert_eq!(done.len(), 1, "one culprit, listed once: {done:?}");
    }

    #[test]
    fn degradations_persist_in_the_spec_as_they_were() {
        let list = vec![
            Degradation::least(
                Culprit::Component("Choice".into()),
                "does not compile: E0599",
            ),
            Degradation {
                culprit: Culprit::Operation {
                    route: Route::new("put", "/choices/v1"),
                    id: Some("putChoice".into()),
                },
                level: Level::Everything,
                why: "x".into(),
            },
        ];
        let spec =
            json!({ DEGRADE_EXT: list.iter().map(Degradation::to_json).collect::<Vec<_>>() });
        assert_eq!(persisted(&spec), list);
        let odd = json!({ DEGRADE_EXT: [{"schema": "A", "level": "sideways"}, 7, {"operation": "nospace", "level": "removed"}] });
        assert!(persisted(&odd).is_empty());
    }

    #[test]
    fn each_level_changes_what_it_says() {
        let mut s = spec();
        let d = |culprit, level| Degradation {
            culprit,
            level,
            why: "typify: value does not conform".into(),
        };
        apply(&mut s, &[d(Culprit::Component("A".into()), Level::Untyped)]);
        let a = &s["components"]["schemas"]["A"];
        assert_eq!(a.as_object().unwrap().len(), 1, "{a}");
        let text = a["description"].as_str().unwrap();
        assert!(text.starts_with("An A.\n\n"), "{text}");
        assert!(text.contains("value does not conform"), "{text}");

        let op = Culprit::Operation {
            route: Route::new("post", "/b"),
            id: Some("postB".into()),
        };
        let mut body = spec();
        apply(&mut body, &[d(op.clone(), Level::BodyAndResponses)]);
        let post = &body["paths"]["/b"]["post"];
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert_eq!(
            post["responses"]["200"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert_eq!(
            post["responses"]["400"]["content"]["application/json"]["schema"],
            json!({"type": "string"}),
            "error responses keep their types at the first level"
        );
        assert_eq!(post["parameters"][0]["schema"], json!({"type": "object"}));

        let mut all = spec();
        apply(&mut all, &[d(op.clone(), Level::Everything)]);
        let post = &all["paths"]["/b"]["post"];
        assert_eq!(post["parameters"][0]["schema"], json!({"type": "string"}));
        assert_eq!(
            post["responses"]["400"]["content"]["application/json"]["schema"],
            json!({})
        );

        let mut gone = spec();
        apply(&mut gone, &[d(op, Level::Removed)]);
        assert!(gone["paths"]["/b"].get("post").is_none());
        assert!(gone["paths"]["/a"].get("get").is_some());
    }
}
