//! Walking two documents side by side.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use crate::{Change, Class};

/// Which way a schema's values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    /// The client sends them (parameters, request bodies).
    Request,
    /// The server sends them (responses).
    Response,
}

struct Op<'a> {
    method: &'a str,
    path: &'a str,
    op: &'a Value,
    item: &'a Value,
}

/// The operations of a document by what identifies them across versions
/// (the `operationId`, or the route when there is none).
fn operations(doc: &Value) -> BTreeMap<String, Op<'_>> {
    openapi_model::operations(doc)
        .map(|o| {
            (
                o.key(),
                Op {
                    method: o.method,
                    path: o.path,
                    op: o.op,
                    item: o.item,
                },
            )
        })
        .collect()
}

struct Walker<'a> {
    old_doc: &'a Value,
    new_doc: &'a Value,
    out: Vec<Change>,
    operation: Option<(String, String, String)>,
}

pub(crate) fn diff_documents(old: &Value, new: &Value) -> Vec<Change> {
    let mut w = Walker {
        old_doc: old,
        new_doc: new,
        out: Vec::new(),
        operation: None,
    };
    w.document();
    let old_ops = operations(old);
    let new_ops = operations(new);
    for (id, o) in &old_ops {
        match new_ops.get(id) {
            None => {
                w.operation = Some((id.clone(), o.method.to_owned(), o.path.to_owned()));
                w.push(
                    "",
                    "operation-removed",
                    Class::BreakingCompile,
                    "the client method is gone",
                    format!("{} {} removed", o.method.to_uppercase(), o.path),
                );
            }
            Some(n) => {
                w.operation = Some((id.clone(), n.method.to_owned(), n.path.to_owned()));
                w.operation_pair(o, n);
            }
        }
    }
    for (id, n) in &new_ops {
        if !old_ops.contains_key(id) {
            w.operation = Some((id.clone(), n.method.to_owned(), n.path.to_owned()));
            w.push(
                "",
                "operation-added",
                Class::Compatible,
                "a new client method",
                format!("{} {} added", n.method.to_uppercase(), n.path),
            );
        }
    }
    w.out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn quote_key(key: &str) -> String {
    format!("['{}']", key.replace('\'', "\\'"))
}

impl<'a> Walker<'a> {
    fn push(
        &mut self,
        location: &str,
        kind: &'static str,
        class: Class,
        why: &str,
        detail: String,
    ) {
        let (operation, method, path) = match &self.operation {
            Some((id, m, p)) => (Some(id.clone()), Some(m.clone()), Some(p.clone())),
            None => (None, None, None),
        };
        self.out.push(Change {
            operation,
            method,
            path,
            location: location.trim_start_matches('.').to_owned(),
            kind,
            class,
            why: why.to_owned(),
            detail,
        });
    }

    fn document(&mut self) {
        let (o, n) = (self.old_doc, self.new_doc);
        if o.get("servers") != n.get("servers") {
            self.push(
                "servers",
                "servers-changed",
                Class::BreakingRuntime,
                "the default base URL may differ",
                "servers changed".into(),
            );
        }
        if o.get("security") != n.get("security") {
            self.push(
                "security",
                "security-changed",
                Class::BreakingRuntime,
                "calls may need other credentials",
                "document security requirements changed".into(),
            );
        }
        let empty = Map::new();
        let schemes = |d: &Value| {
            d.pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
                .clone()
        };
        let (os, ns) = (schemes(o), schemes(n));
        for (name, scheme) in &os {
            let at = format!("components.securitySchemes{}", quote_key(name));
            match ns.get(name) {
                None => self.push(
                    &at,
                    "security-scheme-removed",
                    Class::BreakingRuntime,
                    "calls using it will be refused",
                    format!("security scheme `{name}` removed"),
                ),
                Some(other) if other != scheme => self.push(
                    &at,
                    "security-scheme-changed",
                    Class::BreakingRuntime,
                    "tokens may have to come from elsewhere",
                    format!("security scheme `{name}` changed"),
                ),
                Some(_) => {}
            }
        }
        for name in ns.keys().filter(|k| !os.contains_key(*k)) {
            let at = format!("components.securitySchemes{}", quote_key(name));
            self.push(
                &at,
                "security-scheme-added",
                Class::Compatible,
                "existing credentials still work",
                format!("security scheme `{name}` added"),
            );
        }
    }

    fn operation_pair(&mut self, o: &Op<'a>, n: &Op<'a>) {
        if o.method != n.method || o.path != n.path {
            self.push(
                "",
                "operation-moved",
                Class::Compatible,
                "the method keeps its name and calls the new place",
                format!(
                    "moved from {} {} to {} {}",
                    o.method.to_uppercase(),
                    o.path,
                    n.method.to_uppercase(),
                    n.path
                ),
            );
        }
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        match (flag(o.op, "deprecated"), flag(n.op, "deprecated")) {
            (false, true) => self.push(
                "deprecated",
                "deprecated",
                Class::Compatible,
                "it still works; plan a migration",
                "operation deprecated".into(),
            ),
            (true, false) => self.push(
                "deprecated",
                "undeprecated",
                Class::Compatible,
                "no longer deprecated",
                "operation no longer deprecated".into(),
            ),
            _ => {}
        }
        if o.op.get("security") != n.op.get("security") {
            self.push(
                "security",
                "security-changed",
                Class::BreakingRuntime,
                "calls may need other credentials",
                "security requirements changed".into(),
            );
        }
        if o.op.get("servers") != n.op.get("servers") {
            self.push(
                "servers",
                "servers-changed",
                Class::BreakingRuntime,
                "the operation's base URL may differ",
                "operation servers changed".into(),
            );
        }
        self.parameters(o, n);
        self.request_body(o.op.get("requestBody"), n.op.get("requestBody"));
        self.responses(o.op.get("responses"), n.op.get("responses"));
    }

    fn resolve<'v>(doc: &'v Value, v: &'v Value) -> &'v Value {
        let mut current = v;
        for _ in 0..16 {
            match current.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                    Some(target) => current = target,
                    None => return current,
                },
                None => return current,
            }
        }
        current
    }

    fn params(doc: &'a Value, op: &Op<'a>) -> BTreeMap<String, &'a Value> {
        let mut out = BTreeMap::new();
        for list in [op.item.get("parameters"), op.op.get("parameters")] {
            for p in list.and_then(Value::as_array).into_iter().flatten() {
                let p = Self::resolve(doc, p);
                if let Some(name) = p.get("name").and_then(Value::as_str) {
                    out.insert(name.to_owned(), p);
                }
            }
        }
        out
    }

    fn parameters(&mut self, o: &Op<'a>, n: &Op<'a>) {
        let (op, np) = (Self::params(self.old_doc, o), Self::params(self.new_doc, n));
        let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let location = |p: &Value| {
            p.get("in")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        };
        for (name, old) in &op {
            let at = format!("parameters{}", quote_key(name));
            let Some(new) = np.get(name) else {
                self.push(
                    &at,
                    "parameter-removed",
                    Class::BreakingCompile,
                    "its builder method is gone",
                    format!("{} parameter `{name}` removed", location(old)),
                );
                continue;
            };
            if location(old) != location(new) {
                self.push(
                    &at,
                    "parameter-moved",
                    Class::Compatible,
                    "the generated client sends it in the new place",
                    format!(
                        "parameter `{name}` moved from {} to {}",
                        location(old),
                        location(new)
                    ),
                );
            }
            match (required(old), required(new)) {
                (false, true) => self.push(
                    &at,
                    "parameter-required",
                    Class::BreakingRuntime,
                    "the builder fails at run time until callers set it",
                    format!("parameter `{name}` is now required"),
                ),
                (true, false) => self.push(
                    &at,
                    "parameter-optional",
                    Class::Compatible,
                    "callers may now leave it out",
                    format!("parameter `{name}` is now optional"),
                ),
                _ => {}
            }
            if let (Some(os), Some(ns)) = (old.get("schema"), new.get("schema")) {
                self.schema(
                    &format!("{at}.schema"),
                    os,
                    ns,
                    Dir::Request,
                    &mut HashSet::new(),
                );
            }
        }
        for (name, new) in &np {
            if op.contains_key(name) {
                continue;
            }
            let at = format!("parameters{}", quote_key(name));
            if required(new) {
                self.push(
                    &at,
                    "parameter-added",
                    Class::BreakingRuntime,
                    "a new required parameter: the builder fails at run time until callers set it",
                    format!("required {} parameter `{name}` added", location(new)),
                );
            } else {
                self.push(
                    &at,
                    "parameter-added",
                    Class::Compatible,
                    "a new optional parameter",
                    format!("optional {} parameter `{name}` added", location(new)),
                );
            }
        }
    }

    fn request_body(&mut self, old: Option<&Value>, new: Option<&Value>) {
        let old = old.map(|v| Self::resolve(self.old_doc, v));
        let new = new.map(|v| Self::resolve(self.new_doc, v));
        let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(
                "requestBody",
                "request-body-removed",
                Class::BreakingCompile,
                "the builder's body method is gone",
                "request body removed".into(),
            ),
            (None, Some(b)) if required(b) => self.push(
                "requestBody",
                "request-body-added",
                Class::BreakingRuntime,
                "a required body: the builder fails at run time until callers set it",
                "required request body added".into(),
            ),
            (None, Some(_)) => self.push(
                "requestBody",
                "request-body-added",
                Class::Compatible,
                "an optional body",
                "optional request body added".into(),
            ),
            (Some(o), Some(n)) => {
                match (required(o), required(n)) {
                    (false, true) => self.push(
                        "requestBody",
                        "request-body-required",
                        Class::BreakingRuntime,
                        "calls without a body now fail",
                        "request body is now required".into(),
                    ),
                    (true, false) => self.push(
                        "requestBody",
                        "request-body-optional",
                        Class::Compatible,
                        "the body may now be left out",
                        "request body is now optional".into(),
                    ),
                    _ => {}
                }
                self.content(
                    "requestBody",
                    o.get("content"),
                    n.get("content"),
                    Dir::Request,
                );
            }
        }
    }

    fn content(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>, dir: Dir) {
        let empty = Map::new();
        let o = old.and_then(Value::as_object).unwrap_or(&empty);
        let n = new.and_then(Value::as_object).unwrap_or(&empty);
        let what = if dir == Dir::Request {
            "request body"
        } else {
            "response"
        };
        for (media, om) in o {
            let here = format!("{at}.content{}", quote_key(media));
            match n.get(media) {
                None => {
                    let class = if dir == Dir::Request {
                        Class::BreakingCompile
                    } else {
                        Class::BreakingRuntime
                    };
                    let why = if dir == Dir::Request {
                        "the body type callers pass changes"
                    } else {
                        "the client no longer reads that content type"
                    };
                    self.push(
                        &here,
                        "content-type-removed",
                        class,
                        why,
                        format!("{what} content type `{media}` removed"),
                    );
                }
                Some(nm) => {
                    if let (Some(os), Some(ns)) = (om.get("schema"), nm.get("schema")) {
                        self.schema(&format!("{here}.schema"), os, ns, dir, &mut HashSet::new());
                    }
                }
            }
        }
        for media in n.keys().filter(|m| !o.contains_key(*m)) {
            let here = format!("{at}.content{}", quote_key(media));
            self.push(
                &here,
                "content-type-added",
                Class::Compatible,
                "another content type is accepted",
                format!("{what} content type `{media}` added"),
            );
        }
    }

    fn responses(&mut self, old: Option<&Value>, new: Option<&Value>) {
        let empty = Map::new();
        let o = old.and_then(Value::as_object).unwrap_or(&empty);
        let n = new.and_then(Value::as_object).unwrap_or(&empty);
        let success = |code: &str| code.starts_with('2');
        for (code, or) in o {
            let at = format!("responses{}", quote_key(code));
            match n.get(code) {
                None if success(code) => self.push(
                    &at,
                    "response-removed",
                    Class::BreakingRuntime,
                    "the client no longer treats that status as success",
                    format!("response {code} removed"),
                ),
                None => self.push(
                    &at,
                    "response-removed",
                    Class::Compatible,
                    "an error status is no longer documented",
                    format!("response {code} removed"),
                ),
                Some(nr) => {
                    let (or, nr) = (
                        Self::resolve(self.old_doc, or),
                        Self::resolve(self.new_doc, nr),
                    );
                    self.content(&at, or.get("content"), nr.get("content"), Dir::Response);
                }
            }
        }
        for code in n.keys().filter(|c| !o.contains_key(*c)) {
            let at = format!("responses{}", quote_key(code));
            self.push(
                &at,
                "response-added",
                Class::Compatible,
                "the regenerated client handles the new status",
                format!("response {code} added"),
            );
        }
    }

    /// Compares two schemas at `at`, following `$ref`s.
    fn schema(
        &mut self,
        at: &str,
        old: &Value,
        new: &Value,
        dir: Dir,
        seen: &mut HashSet<(String, String)>,
    ) {
        let name = |v: &Value| {
            v.get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .map(str::to_owned)
        };
        let (on, nn) = (name(old), name(new));
        if let (Some(a), Some(b)) = (&on, &nn) {
            if !seen.insert((a.clone(), b.clone())) {
                return; // recursive schema, already compared
            }
            if a != b {
                self.push(
                    at,
                    "type-renamed",
                    Class::BreakingCompile,
                    "code naming the old type no longer compiles",
                    format!("type `{a}` renamed to `{b}`"),
                );
            }
        }
        let o = flatten(self.old_doc, Self::resolve(self.old_doc, old));
        let n = flatten(self.new_doc, Self::resolve(self.new_doc, new));
        let field = |v: &Value, k: &str| v.get(k).cloned();

        // Type and format.
        let (ot, nt) = (field(&o, "type"), field(&n, "type"));
        if ot != nt {
            let show = |t: &Option<Value>| t.as_ref().map(text).unwrap_or_else(|| "any".into());
            self.push(
                at,
                "type-changed",
                Class::BreakingRuntime,
                type_why(dir),
                format!("type changed from {} to {}", show(&ot), show(&nt)),
            );
        }
        let (of, nf) = (field(&o, "format"), field(&n, "format"));
        if of != nf {
            let show = |t: &Option<Value>| t.as_ref().map(text).unwrap_or_else(|| "none".into());
            self.push(
                at,
                "format-changed",
                Class::BreakingRuntime,
                type_why(dir),
                format!("format changed from {} to {}", show(&of), show(&nf)),
            );
        }
        // Nullability and direction flags.
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        match (flag(&o, "nullable"), flag(&n, "nullable")) {
            (false, true) if dir == Dir::Response => self.push(
                at,
                "nullable-changed",
                Class::BreakingRuntime,
                "the server may send null where the client expects a value",
                "now nullable".into(),
            ),
            (false, true) => self.push(
                at,
                "nullable-changed",
                Class::Compatible,
                "callers may now send null",
                "now nullable".into(),
            ),
            (true, false) if dir == Dir::Request => self.push(
                at,
                "nullable-changed",
                Class::BreakingRuntime,
                "the server now rejects null",
                "no longer nullable".into(),
            ),
            (true, false) => self.push(
                at,
                "nullable-changed",
                Class::Compatible,
                "the server no longer sends null",
                "no longer nullable".into(),
            ),
            _ => {}
        }
        for key in ["readOnly", "writeOnly"] {
            if flag(&o, key) != flag(&n, key) {
                let now = if flag(&n, key) { "now" } else { "no longer" };
                self.push(
                    at,
                    "access-changed",
                    Class::Compatible,
                    "changes which way the field travels, not its type",
                    format!("{now} {key}"),
                );
            }
        }
        self.enums(at, &o, &n, dir);
        self.properties(at, &o, &n, dir, seen);
        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            self.schema(&format!("{at}.items"), oi, ni, dir, seen);
        }
        match (o.get("additionalProperties"), n.get("additionalProperties")) {
            (Some(oa @ Value::Object(_)), Some(na @ Value::Object(_))) => {
                self.schema(&format!("{at}.additionalProperties"), oa, na, dir, seen)
            }
            (a, b)
                if a != b
                    && (a.is_some_and(Value::is_object) || b.is_some_and(Value::is_object)) =>
            {
                self.push(
                    at,
                    "additional-properties-changed",
                    Class::BreakingCompile,
                    "the Rust type changes between a map and a struct",
                    "additionalProperties changed".into(),
                )
            }
            _ => {}
        }
        for key in ["oneOf", "anyOf"] {
            self.variants(at, key, &o, &n, dir, seen);
        }
    }

    fn enums(&mut self, at: &str, o: &Value, n: &Value, dir: Dir) {
        let values = |v: &Value| -> Option<BTreeSet<String>> {
            Some(v.get("enum")?.as_array()?.iter().map(text).collect())
        };
        match (values(o), values(n)) {
            (Some(ov), Some(nv)) => {
                let open = openapi_model::is_open_enum(n);
                for added in nv.difference(&ov) {
                    let (class, why) = match dir {
                        Dir::Response if open => (
                            Class::Compatible,
                            "the enum is documented as open; the client accepts other values",
                        ),
                        Dir::Response => (
                            Class::BreakingRuntime,
                            "the server may return a value the closed enum rejects",
                        ),
                        Dir::Request => (Class::Compatible, "a new value callers may send"),
                    };
                    self.push(
                        &format!("{at}.enum"),
                        "enum-value-added",
                        class,
                        why,
                        format!("enum value `{added}` added"),
                    );
                }
                for removed in ov.difference(&nv) {
                    let (class, why) = match dir {
                        Dir::Request => (
                            Class::BreakingRuntime,
                            "the client may send a value the server now rejects",
                        ),
                        Dir::Response => (
                            Class::BreakingCompile,
                            "a variant callers may match on is gone",
                        ),
                    };
                    self.push(
                        &format!("{at}.enum"),
                        "enum-value-removed",
                        class,
                        why,
                        format!("enum value `{removed}` removed"),
                    );
                }
            }
            (Some(_), None) => self.push(
                &format!("{at}.enum"),
                "enum-removed",
                Class::BreakingCompile,
                "the Rust type changes from an enum to a plain value",
                "no longer an enum".into(),
            ),
            (None, Some(_)) => self.push(
                &format!("{at}.enum"),
                "enum-added",
                Class::BreakingCompile,
                "the Rust type changes from a plain value to an enum",
                "now an enum".into(),
            ),
            (None, None) => {}
        }
    }

    fn properties(
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
        let required = |v: &Value| -> BTreeSet<String> {
            v.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let (or, nr) = (required(o), required(n));
        for (name, os) in op {
            let here = format!("{at}.properties.{name}");
            match np.get(name) {
                None => self.push(
                    &here,
                    "property-removed",
                    Class::BreakingCompile,
                    "the field is gone from the Rust type",
                    format!("property `{name}` removed"),
                ),
                Some(ns) => {
                    match (or.contains(name), nr.contains(name)) {
                        (false, true) => self.push(
                            &here,
                            "property-required",
                            Class::BreakingCompile,
                            "the field's type changes from Option<T> to T",
                            format!("property `{name}` is now required"),
                        ),
                        (true, false) => self.push(
                            &here,
                            "property-optional",
                            Class::BreakingCompile,
                            "the field's type changes from T to Option<T>",
                            format!("property `{name}` is now optional"),
                        ),
                        _ => {}
                    }
                    self.schema(&here, os, ns, dir, seen);
                }
            }
        }
        for name in np.keys().filter(|k| !op.contains_key(*k)) {
            let here = format!("{at}.properties.{name}");
            let is_required = nr.contains(name);
            let (class, why, what) = match (dir, is_required) {
                (Dir::Request, true) => (
                    Class::BreakingRuntime,
                    "a new required field: requests without it fail",
                    "required",
                ),
                (Dir::Request, false) => (Class::Compatible, "a new optional field", "optional"),
                (Dir::Response, true) => (
                    Class::Compatible,
                    "a new field the client now reads",
                    "required",
                ),
                (Dir::Response, false) => (Class::Compatible, "a new optional field", "optional"),
            };
            self.push(
                &here,
                "property-added",
                class,
                why,
                format!("property `{name}` added ({what})"),
            );
        }
    }

    fn variants(
        &mut self,
        at: &str,
        key: &str,
        o: &Value,
        n: &Value,
        dir: Dir,
        seen: &mut HashSet<(String, String)>,
    ) {
        fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
            v.get(key)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
        }
        let (ol, nl) = (list(o, key), list(n, key));
        for (i, (ov, nv)) in ol.iter().zip(nl).enumerate() {
            self.schema(&format!("{at}.{key}[{i}]"), ov, nv, dir, seen);
        }
        for i in nl.len()..ol.len() {
            self.push(
                &format!("{at}.{key}[{i}]"),
                "variant-removed",
                Class::BreakingCompile,
                "a variant callers may name is gone",
                format!("{key} variant {i} removed"),
            );
        }
        for i in ol.len()..nl.len() {
            let (class, why) = match dir {
                Dir::Response => (
                    Class::BreakingRuntime,
                    "the server may send a variant the client does not know",
                ),
                Dir::Request => (Class::Compatible, "a new variant callers may send"),
            };
            self.push(
                &format!("{at}.{key}[{i}]"),
                "variant-added",
                class,
                why,
                format!("{key} variant {i} added"),
            );
        }
    }
}

fn type_why(dir: Dir) -> &'static str {
    match dir {
        Dir::Response => "values of the old type no longer parse",
        Dir::Request => "the server expects values of the new type",
    }
}

/// Merges an `allOf` into one object schema (properties and required of
/// every member, references followed), so that moving a property between
/// members is not a change.
fn flatten(doc: &Value, schema: &Value) -> Value {
    let Some(members) = schema.get("allOf").and_then(Value::as_array) else {
        return schema.clone();
    };
    let mut merged = schema.as_object().cloned().unwrap_or_default();
    merged.remove("allOf");
    let mut properties = merged
        .remove("properties")
        .and_then(|p| p.as_object().cloned())
        .unwrap_or_default();
    let mut required: Vec<Value> = merged
        .remove("required")
        .and_then(|r| r.as_array().cloned())
        .unwrap_or_default();
    for member in members {
        let member = flatten(doc, Walker::resolve(doc, member));
        for (k, v) in member
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            properties.insert(k.clone(), v.clone());
        }
        required.extend(
            member
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        );
        for (k, v) in member.as_object().into_iter().flatten() {
            if !matches!(k.as_str(), "properties" | "required") {
                merged.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    if !properties.is_empty() {
        merged.insert("properties".into(), Value::Object(properties));
        merged.entry("type").or_insert_with(|| "object".into());
    }
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    Value::Object(merged)
}
