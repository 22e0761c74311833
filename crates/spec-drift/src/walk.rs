//! The structural walk: two documents side by side, operation by
//! operation, down to every schema, following `$ref`s. It finds where they
//! differ and hands each place to the rules ([`crate::rules::judge`]) as a
//! [`Fact`]; it decides nothing about what breaks. Each finding leaves
//! with its place: the operation, the location in it, and, inside a
//! shared type, the type and where the walk entered it.

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::matching::{self, Pairing};
use crate::rules::{self, Ctx, Dir, Fact, Finding, OpView};
use crate::schema::{flatten, quote_key, ref_name, required, resolve};
use crate::{Options, Side};

/// The operation a finding is in.
#[derive(Debug)]
pub(crate) struct OpRef {
    /// Its operationId, or route.
    pub key: String,
    /// Its method, lower case.
    pub method: String,
    /// Its path (the new side's, unless only the old side has it).
    pub path: String,
    /// Its Rust method, when known.
    pub rust: Option<String>,
}

/// A finding inside a shared type.
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    /// The component (the old side's name, else the new side's).
    pub component: String,
    /// Which side's name it is.
    pub side: Side,
    /// Where in the type: `components.schemas['Owner'].properties.id`.
    pub location: String,
    /// The place that reached it: `getSource: response 200`.
    pub place: String,
}

/// One finding, at its place.
#[derive(Debug)]
pub(crate) struct Raw {
    pub finding: Finding,
    pub op: Option<Rc<OpRef>>,
    /// Where in the operation (or the document).
    pub location: String,
    pub anchor: Option<Anchor>,
}

pub(crate) struct Walker<'a> {
    old: &'a Value,
    new: &'a Value,
    options: &'a Options<'a>,
    pub out: Vec<Raw>,
    op: Option<Rc<OpRef>>,
    /// The shared type being walked: its name, the side that names it, and
    /// where the walk entered it.
    anchor: Option<(String, Side, String)>,
    /// Whether the walk is in an error response's body.
    error_body: bool,
}

/// Every finding between two documents.
pub(crate) fn diff_documents(old: &Value, new: &Value, options: &Options<'_>) -> Vec<Raw> {
    let mut w = Walker::new(old, new, options);
    w.document();
    let route = |o: &OpView<'_>| matching::normalized_route(o.method, o.path);
    let pairing =
        matching::pair_operations(matching::operations(old), matching::operations(new), &route);
    w.operations(pairing);
    w.out
}

/// Joins a place and a place below it (`.enum`, `requestBody`).
fn join(location: &str, at: &str) -> String {
    if at.is_empty() {
        location.to_owned()
    } else if location.is_empty() {
        at.trim_start_matches('.').to_owned()
    } else if at.starts_with(['.', '[']) {
        format!("{location}{at}")
    } else {
        format!("{location}.{at}")
    }
}

/// Where in an operation, in a few words: `response 400`, `request body`,
/// `parameter limit`.
pub(crate) fn short_place(location: &str) -> String {
    let key = |rest: &str| -> String {
        rest.strip_prefix("['")
            .and_then(|r| r.split_once("']"))
            .map(|(k, _)| k.to_owned())
            .unwrap_or_default()
    };
    if location == "responses" {
        "responses".into()
    } else if let Some(rest) = location.strip_prefix("responses") {
        format!("response {}", key(rest))
    } else if location.starts_with("requestBody") {
        "request body".into()
    } else if let Some(rest) = location.strip_prefix("parameters") {
        format!("parameter {}", key(rest))
    } else if location.is_empty() {
        "(operation)".into()
    } else {
        location.to_owned()
    }
}

impl<'a> Walker<'a> {
    pub(crate) fn new(old: &'a Value, new: &'a Value, options: &'a Options<'a>) -> Self {
        Walker {
            old,
            new,
            options,
            out: Vec::new(),
            op: None,
            anchor: None,
            error_body: false,
        }
    }

    /// Judges a fact at `location` and keeps the findings with their place.
    fn emit(&mut self, fact: Fact<'_>, location: &str, dir: Dir, optional: bool) {
        let ctx = Ctx {
            dir,
            optional,
            error_body: self.error_body && dir == Dir::Response,
            top: location.ends_with(".schema"),
            profile: &self.options.client,
            rust: self.options.rust,
            old_doc: self.old,
            new_doc: self.new,
        };
        for finding in rules::judge(&fact, &ctx) {
            self.keep(finding, location);
        }
    }

    fn keep(&mut self, finding: Finding, location: &str) {
        let location = join(location, &finding.at);
        let anchor = self.anchor.as_ref().and_then(|(name, side, entered)| {
            let rest = location.strip_prefix(entered.as_str())?;
            Some(Anchor {
                component: name.clone(),
                side: *side,
                location: format!("components.schemas{}{rest}", quote_key(name)),
                place: format!(
                    "{}: {}",
                    self.op.as_ref().map_or("the document", |o| o.key.as_str()),
                    short_place(entered)
                ),
            })
        });
        self.out.push(Raw {
            finding,
            op: self.op.clone(),
            location,
            anchor,
        });
    }

    fn enter(&mut self, side: Side, op: &OpView<'_>) {
        let rust = self.options.rust.and_then(|r| r.method(side, &op.route()));
        self.op = Some(Rc::new(OpRef {
            key: op.key(),
            method: op.method.to_owned(),
            path: op.path.to_owned(),
            rust,
        }));
    }

    pub(crate) fn document(&mut self) {
        let (o, n) = (self.old, self.new);
        self.emit(
            Fact::Servers {
                old: o.get("servers"),
                new: n.get("servers"),
            },
            "servers",
            Dir::Request,
            false,
        );
        for key in ["title", "version"] {
            self.emit(
                Fact::Info {
                    key,
                    old: o.get("info").and_then(|i| i.get(key)),
                    new: n.get("info").and_then(|i| i.get(key)),
                },
                &format!("info.{key}"),
                Dir::Request,
                false,
            );
        }
        self.emit(
            Fact::SecuritySchemes,
            "components.securitySchemes",
            Dir::Request,
            false,
        );
    }

    /// Every operation: pairs compared, the others added, removed, not
    /// compared (quarantined on one side) or reusing an old operationId.
    pub(crate) fn operations(&mut self, pairing: Pairing<'a>) {
        let Pairing {
            pairs,
            removed,
            added,
            reused,
        } = pairing;
        for (o, n) in pairs {
            self.operation_pair(o, n);
        }
        for o in removed {
            self.enter(Side::Old, &o);
            match self.quarantined(Side::New, &o) {
                Some(reason) => self.emit(
                    Fact::OperationNotCompared {
                        op: o,
                        side: Side::New,
                        reason: &reason,
                    },
                    "",
                    Dir::Request,
                    false,
                ),
                None => self.emit(Fact::OperationRemoved(o), "", Dir::Request, false),
            }
        }
        for n in added {
            self.enter(Side::New, &n);
            match self.quarantined(Side::Old, &n) {
                Some(reason) => self.emit(
                    Fact::OperationNotCompared {
                        op: n,
                        side: Side::Old,
                        reason: &reason,
                    },
                    "",
                    Dir::Request,
                    false,
                ),
                None => self.emit(Fact::OperationAdded(n), "", Dir::Request, false),
            }
        }
        for (old, old_now, new) in reused {
            self.enter(Side::New, &new);
            self.emit(
                Fact::OperationIdReused { old, old_now, new },
                "",
                Dir::Request,
                false,
            );
        }
        self.op = None;
    }

    /// Why `side` left out the operation (its page quarantined), if it did.
    fn quarantined(&self, side: Side, op: &OpView<'_>) -> Option<String> {
        let route = op.route();
        self.options
            .not_compared
            .iter()
            .find(|q| {
                q.side == side
                    && (q.route.as_ref() == Some(&route)
                        || (q.operation.is_some() && q.operation.as_deref() == op.id)
                        || (q.page.is_some()
                            && q.page.as_deref().map(letters) == op.id.map(letters)))
            })
            .map(|q| q.reason.clone())
    }

    /// Two operations paired: the operation itself, its security, servers,
    /// parameters, request body and responses.
    pub(crate) fn operation_pair(&mut self, o: OpView<'a>, n: OpView<'a>) {
        let (old_doc, new_doc) = (self.old, self.new);
        self.enter(Side::New, &n);
        self.emit(
            Fact::OperationPair { old: o, new: n },
            "",
            Dir::Request,
            false,
        );
        self.emit(
            Fact::Security {
                old: o.op.get("security").or_else(|| old_doc.get("security")),
                new: n.op.get("security").or_else(|| new_doc.get("security")),
            },
            "security",
            Dir::Request,
            false,
        );
        self.emit(
            Fact::Servers {
                old: o.op.get("servers"),
                new: n.op.get("servers"),
            },
            "servers",
            Dir::Request,
            false,
        );
        self.parameters(&o, &n);
        let (ob, nb) = (
            o.op.get("requestBody").map(|b| resolve(old_doc, b)),
            n.op.get("requestBody").map(|b| resolve(new_doc, b)),
        );
        self.emit(
            Fact::RequestBody { old: ob, new: nb },
            "",
            Dir::Request,
            false,
        );
        if let (Some(ob), Some(nb)) = (ob, nb) {
            self.content(
                "requestBody",
                ob.get("content"),
                nb.get("content"),
                Dir::Request,
            );
        }
        self.responses(o.op.get("responses"), n.op.get("responses"));
        self.op = None;
    }

    fn parameters(&mut self, o: &OpView<'a>, n: &OpView<'a>) {
        let (op, np) = (params(self.old, o), params(self.new, n));
        let renamed = matching::renamed_path_parameters(o.path, n.path);
        let mut skip: HashSet<&str> = HashSet::new();
        for (a, b) in &renamed {
            if let (Some(old), Some(new)) = (op.get(a.as_str()), np.get(b.as_str())) {
                let at = format!("parameters{}", quote_key(b));
                self.emit(
                    Fact::ParameterRenamed {
                        old_name: a,
                        new_name: b,
                        old,
                        new,
                    },
                    &at,
                    Dir::Request,
                    false,
                );
                self.parameter_schema(&at, old, new);
                skip.insert(a.as_str());
                skip.insert(b.as_str());
            }
        }
        let names: std::collections::BTreeSet<&str> = op.keys().chain(np.keys()).copied().collect();
        for name in names.into_iter().filter(|n| !skip.contains(n)) {
            let (old, new) = (op.get(name).copied(), np.get(name).copied());
            let at = format!("parameters{}", quote_key(name));
            self.emit(Fact::Parameter { name, old, new }, &at, Dir::Request, false);
            if let (Some(old), Some(new)) = (old, new) {
                self.parameter_schema(&at, old, new);
            }
        }
    }

    fn parameter_schema(&mut self, at: &str, old: &Value, new: &Value) {
        if let (Some(os), Some(ns)) = (old.get("schema"), new.get("schema")) {
            let optional = !rules::flag(old, "required") && !rules::flag(new, "required");
            self.schema(
                &format!("{at}.schema"),
                os,
                ns,
                Dir::Request,
                optional,
                &mut HashSet::new(),
            );
        }
    }

    fn content(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>, dir: Dir) {
        let empty = Map::new();
        let o = old.and_then(Value::as_object).unwrap_or(&empty);
        let n = new.and_then(Value::as_object).unwrap_or(&empty);
        let media: std::collections::BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for m in media {
            let here = format!("{at}.content{}", quote_key(m));
            let (om, nm) = (o.get(m), n.get(m));
            let others = match (om, nm) {
                (Some(_), None) => !n.is_empty(),
                (None, Some(_)) => !o.is_empty(),
                _ => true,
            };
            self.emit(
                Fact::MediaType {
                    media: m,
                    old: om.is_some(),
                    new: nm.is_some(),
                    others,
                },
                at,
                dir,
                false,
            );
            if let (Some(os), Some(ns)) = (
                om.and_then(|m| m.get("schema")),
                nm.and_then(|m| m.get("schema")),
            ) {
                self.schema(
                    &format!("{here}.schema"),
                    os,
                    ns,
                    dir,
                    false,
                    &mut HashSet::new(),
                );
            }
        }
    }

    fn responses(&mut self, old: Option<&Value>, new: Option<&Value>) {
        let empty = Map::new();
        let o = old.and_then(Value::as_object).unwrap_or(&empty);
        let n = new.and_then(Value::as_object).unwrap_or(&empty);
        self.emit(
            Fact::Responses { old: o, new: n },
            "responses",
            Dir::Response,
            false,
        );
        let mut pairs: Vec<(&String, &String)> = o
            .keys()
            .filter(|c| n.contains_key(*c))
            .map(|c| (c, c))
            .collect();
        // One success status replaced by another: their bodies are the
        // method's return type before and after.
        if let ([a], [b]) = (only_success(o, n).as_slice(), only_success(n, o).as_slice()) {
            pairs.push((a, b));
        }
        for (oc, nc) in pairs {
            // HTTP gives these answers no body, and the client reads none
            // (codegen's `no_content_answers_have_no_body`): what the docs
            // say their content is changes nothing for it.
            let no_body = |status: &str| openapi_model::NO_BODY_STATUSES.contains(&status);
            if no_body(oc) && no_body(nc) {
                continue;
            }
            let (or, nr) = (resolve(self.old, &o[oc]), resolve(self.new, &n[nc]));
            self.error_body = !nc.starts_with('2');
            self.content(
                &format!("responses{}", quote_key(nc)),
                or.get("content"),
                nr.get("content"),
                Dir::Response,
            );
            self.error_body = false;
        }
    }

    /// Compares two schemas at `at`, following `$ref`s: the type's name,
    /// then the schema itself (type, format, nullability, enum...), then
    /// what it holds: properties, items, map values, variants.
    pub(crate) fn schema(
        &mut self,
        at: &str,
        old: &Value,
        new: &Value,
        dir: Dir,
        optional: bool,
        seen: &mut HashSet<(String, String)>,
    ) {
        let (on, nn) = (ref_name(old), ref_name(new));
        if let (Some(a), Some(b)) = (on, nn) {
            if !seen.insert((a.to_owned(), b.to_owned())) {
                return;
            }
            if a != b {
                // The name is the place's: judged where the walk is, not
                // inside the type.
                self.emit(Fact::TypeName { old: a, new: b }, at, dir, optional);
            }
        }
        let outer = self.anchor.clone();
        match (on, nn) {
            (Some(a), _) => self.anchor = Some((a.to_owned(), Side::Old, at.to_owned())),
            (None, Some(b)) => self.anchor = Some((b.to_owned(), Side::New, at.to_owned())),
            _ => {}
        }
        let (old_doc, new_doc) = (self.old, self.new);
        let (o, n) = (resolve(old_doc, old), resolve(new_doc, new));
        let (os, ns) = (rules::is_stub(o), rules::is_stub(n));
        if os && ns && o == n {
            // The same title on both sides: nothing to say.
        } else if os || ns {
            self.emit(Fact::Stub { old: os, new: ns }, at, dir, optional);
        } else {
            let (o, n) = (flatten(old_doc, o), flatten(new_doc, n));
            self.emit(Fact::Schema { old: &o, new: &n }, at, dir, optional);
            self.held(at, &o, &n, dir, seen);
        }
        self.anchor = outer;
    }

    /// What two (flattened) schemas hold.
    fn held(
        &mut self,
        at: &str,
        o: &Value,
        n: &Value,
        dir: Dir,
        seen: &mut HashSet<(String, String)>,
    ) {
        let empty = Map::new();
        let op = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let np = n
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let object = |v: &Value| rules::effective_type(v).as_deref() == Some("object");
        let array = |v: &Value| rules::effective_type(v).as_deref() == Some("array");
        // An object that became a list (or back): its properties are
        // compared with the list's items, below.
        let reshaped = (object(o) && array(n)) || (array(o) && object(n));
        let some = !op.is_empty() || !np.is_empty();
        if some && !reshaped {
            let (or, nr) = (required(o), required(n));
            let names: std::collections::BTreeSet<&String> = op.keys().chain(np.keys()).collect();
            for name in names {
                let (os, ns) = (op.get(name), np.get(name));
                let (old_required, new_required) =
                    (or.contains(name.as_str()), nr.contains(name.as_str()));
                self.emit(
                    Fact::Property {
                        name,
                        old: os,
                        new: ns,
                        old_required,
                        new_required,
                    },
                    at,
                    dir,
                    false,
                );
                if let (Some(os), Some(ns)) = (os, ns) {
                    self.schema(
                        &format!("{at}.properties.{name}"),
                        os,
                        ns,
                        dir,
                        !old_required && !new_required,
                        seen,
                    );
                }
            }
        }
        match (o.get("items"), n.get("items")) {
            (Some(oi), Some(ni)) => self.schema(&format!("{at}.items"), oi, ni, dir, false, seen),
            // An object that became a list of objects: what the items
            // hold, against what the object held.
            (None, Some(ni)) if object(o) => {
                self.schema(&format!("{at}.items"), o, ni, dir, false, seen)
            }
            (Some(oi), None) if object(n) => self.schema(at, oi, n, dir, false, seen),
            _ => {}
        }
        if let (Some(oa @ Value::Object(_)), Some(na @ Value::Object(_))) =
            (o.get("additionalProperties"), n.get("additionalProperties"))
        {
            self.schema(
                &format!("{at}.additionalProperties"),
                oa,
                na,
                dir,
                false,
                seen,
            );
        }
        for key in ["oneOf", "anyOf"] {
            let (ol, nl) = (variants(o, key), variants(n, key));
            if ol.is_empty() && nl.is_empty() {
                continue;
            }
            let (pairs, removed, added) = pair_variants(self.old, ol, self.new, nl);
            for (i, j) in pairs {
                self.schema(
                    &format!("{at}.{key}[{j}]"),
                    &ol[i],
                    &nl[j],
                    dir,
                    false,
                    seen,
                );
            }
            let name = |list: &[Value], i: usize| match ref_name(&list[i]) {
                Some(n) => format!("`{n}`"),
                None => i.to_string(),
            };
            let removed: Vec<String> = removed.into_iter().map(|i| name(ol, i)).collect();
            let added: Vec<String> = added.into_iter().map(|j| name(nl, j)).collect();
            self.emit(
                Fact::Variants {
                    key,
                    removed: &removed,
                    added: &added,
                },
                at,
                dir,
                false,
            );
        }
    }
}

/// An operation's parameters (its path item's, then its own), resolved, by name.
fn params<'v>(doc: &'v Value, op: &OpView<'v>) -> BTreeMap<&'v str, &'v Value> {
    let mut out = BTreeMap::new();
    for list in [op.item.get("parameters"), op.op.get("parameters")] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let p = resolve(doc, p);
            if let Some(name) = p.get("name").and_then(Value::as_str) {
                out.insert(name, p);
            }
        }
    }
    out
}

/// The `oneOf` or `anyOf` variants of a schema.
fn variants<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The success statuses `a` has and `b` does not.
fn only_success<'m>(a: &'m Map<String, Value>, b: &Map<String, Value>) -> Vec<&'m String> {
    a.keys()
        .filter(|c| c.starts_with('2') && !b.contains_key(*c))
        .collect()
}

/// Pairs the variants of two `oneOf` (or `anyOf`) lists: the same type
/// name first, then alike shapes, then what is left in order. Returns the
/// pairs (old index, new index) and the indexes only one side has.
fn pair_variants(
    old_doc: &Value,
    old: &[Value],
    new_doc: &Value,
    new: &[Value],
) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let mut old_free: Vec<bool> = vec![true; old.len()];
    let mut new_free: Vec<bool> = vec![true; new.len()];
    let mut pairs = Vec::new();
    let same_name = |a: &Value, b: &Value| ref_name(a).is_some() && ref_name(a) == ref_name(b);
    // `Schedule` and `Schedule2`: one name numbered by this project.
    fn unnumbered(v: &Value) -> Option<&str> {
        ref_name(v).map(|n| n.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-'))
    }
    let same_stem =
        |a: &Value, b: &Value| unnumbered(a).is_some() && unnumbered(a) == unnumbered(b);
    let alike = |a: &Value, b: &Value| matching::similar(old_doc, a, new_doc, b);
    type Test<'t> = &'t dyn Fn(&Value, &Value) -> bool;
    let tests: [Test<'_>; 3] = [&same_name, &same_stem, &alike];
    for test in tests {
        for (i, a) in old.iter().enumerate() {
            if !old_free[i] {
                continue;
            }
            if let Some(j) = (0..new.len()).find(|&j| new_free[j] && test(a, &new[j])) {
                old_free[i] = false;
                new_free[j] = false;
                pairs.push((i, j));
            }
        }
    }
    // What is left, in order, as long as both sides have some.
    let rest_old: Vec<usize> = (0..old.len()).filter(|&i| old_free[i]).collect();
    let rest_new: Vec<usize> = (0..new.len()).filter(|&j| new_free[j]).collect();
    let n = rest_old.len().min(rest_new.len());
    pairs.extend(
        rest_old
            .iter()
            .copied()
            .zip(rest_new.iter().copied())
            .take(n),
    );
    pairs.sort_unstable();
    (pairs, rest_old[n..].to_vec(), rest_new[n..].to_vec())
}

/// A name's letters and digits, lower case: `send-test-notification` and
/// `sendTestNotification` are one page and its operation.
fn letters(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
