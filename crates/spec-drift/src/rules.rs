//! Walking two documents side by side.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use crate::{Change, Class, Kind};

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
    /// The shared type being walked, when the walk followed a `$ref`: its
    /// name and where the walk entered it.
    component: Option<(String, String)>,
    /// Whether the schema about to be compared is an optional property
    /// (read once by `schema`).
    optional_slot: bool,
    /// The evidence for the next change pushed (see `Change::evidence`).
    evidence: Option<Value>,
    /// Beside each change in `out`: where it is inside the shared type the
    /// walk reached it through, and that place (see `one_line_per_change`).
    shared: Vec<Option<Shared>>,
}

/// A change met inside a shared type: its location in the type
/// (`components.schemas['ErrorMessageDto'].properties.locale`) and the
/// place that reached it (`sendTestNotification: response 400`).
struct Shared {
    location: String,
    place: String,
}

pub(crate) fn diff_documents(old: &Value, new: &Value) -> Vec<Change> {
    let mut w = Walker {
        old_doc: old,
        new_doc: new,
        out: Vec::new(),
        operation: None,
        component: None,
        optional_slot: false,
        evidence: None,
        shared: Vec::new(),
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
                    Kind::OperationRemoved,
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
                Kind::OperationAdded,
                Class::Compatible,
                "a new client method",
                format!("{} {} added", n.method.to_uppercase(), n.path),
            );
        }
    }
    one_line_per_change(w.out, w.shared)
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
    fn push(&mut self, location: &str, kind: Kind, class: Class, why: &str, detail: String) {
        let (operation, method, path) = match &self.operation {
            Some((id, m, p)) => (Some(id.clone()), Some(m.clone()), Some(p.clone())),
            None => (None, None, None),
        };
        let location = location.trim_start_matches('.').to_owned();
        // Inside a shared type: remember where in it, and from where it was
        // reached, so that one change is one line (`one_line_per_change`).
        let shared = self.component.as_ref().and_then(|(name, entered)| {
            let entered = entered.trim_start_matches('.');
            let rest = location.strip_prefix(entered)?;
            Some(Shared {
                location: format!("components.schemas{}{rest}", quote_key(name)),
                place: format!(
                    "{}: {}",
                    operation.as_deref().unwrap_or("the document"),
                    short_place(entered)
                ),
            })
        });
        self.shared.push(shared);
        let evidence = self.evidence.take().map(|v| v.to_string());
        self.out.push(Change {
            operation,
            method,
            path,
            location,
            kind,
            class,
            why: why.to_owned(),
            detail,
            places: Vec::new(),
            evidence,
        });
    }

    fn document(&mut self) {
        let (o, n) = (self.old_doc, self.new_doc);
        self.servers("servers", o.get("servers"), n.get("servers"));
        for key in ["title", "version"] {
            let (a, b) = (
                o.pointer(&format!("/info/{key}")),
                n.pointer(&format!("/info/{key}")),
            );
            if a != b {
                let show = |v: Option<&Value>| v.map(text).unwrap_or_else(|| "none".into());
                self.push(
                    &format!("info.{key}"),
                    Kind::InfoChanged,
                    Class::Info,
                    "documentation only",
                    format!("API {key} changed from `{}` to `{}`", show(a), show(b)),
                );
            }
        }
        if !same_requirements(o, o.get("security"), n, n.get("security")) {
            self.security_changed(
                n,
                n.get("security"),
                "document security requirements changed",
            );
        }
        let (os, ns) = (schemes(o), schemes(n));
        let mut renamed_to = BTreeSet::new();
        for (name, scheme) in &os {
            let at = format!("components.securitySchemes{}", quote_key(name));
            match ns.get(name) {
                Some(other) if normalized_scheme(other) == normalized_scheme(scheme) => {}
                Some(_) => self.push(
                    &at,
                    Kind::SecuritySchemeChanged,
                    Class::BreakingRuntime,
                    "tokens may have to come from elsewhere",
                    format!("security scheme `{name}` changed what it asks for (type, flows, token URL or scopes)"),
                ),
                None => {
                    let same = ns.iter().find(|(other, s)| {
                        !os.contains_key(*other)
                            && !renamed_to.contains(*other)
                            && normalized_scheme(s) == normalized_scheme(scheme)
                    });
                    match same {
                        Some((other, _)) => {
                            renamed_to.insert(other.clone());
                            self.push(
                                &at,
                                Kind::SecuritySchemeRenamed,
                                Class::Compatible,
                                "the same flows, token URL and scopes: the client gets its tokens as before",
                                format!("security scheme `{name}` renamed to `{other}`"),
                            );
                        }
                        None => self.push(
                            &at,
                            Kind::SecuritySchemeRemoved,
                            Class::BreakingRuntime,
                            "calls using it will be refused",
                            format!("security scheme `{name}` removed"),
                        ),
                    }
                }
            }
        }
        for name in ns
            .keys()
            .filter(|k| !os.contains_key(*k) && !renamed_to.contains(*k))
        {
            let at = format!("components.securitySchemes{}", quote_key(name));
            self.push(
                &at,
                Kind::SecuritySchemeAdded,
                Class::Compatible,
                "existing credentials still work",
                format!("security scheme `{name}` added"),
            );
        }
    }

    /// A changed security requirement, judged by what this client does: it
    /// sends its bearer token (OAuth2 client credentials) on every call, so
    /// a requirement any of whose alternatives asks only for bearer-style
    /// schemes (`oauth2`, `openIdConnect`, `http` bearer) is met as before.
    fn security_changed(&mut self, doc: &Value, requirements: Option<&Value>, detail: &str) {
        let schemes = schemes(doc);
        let bearer = |name: &String| {
            schemes.get(name).is_some_and(|s| {
                let kind = s.get("type").and_then(Value::as_str);
                matches!(kind, Some("oauth2" | "openIdConnect"))
                    || (kind == Some("http")
                        && s.get("scheme")
                            .and_then(Value::as_str)
                            .is_some_and(|x| x.eq_ignore_ascii_case("bearer")))
            })
        };
        let alternatives: Vec<&Map<String, Value>> = requirements
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .collect();
        let met = alternatives.is_empty()
            || alternatives
                .iter()
                .any(|a| a.is_empty() || a.keys().all(bearer));
        let names: Vec<String> = alternatives
            .iter()
            .map(|a| {
                a.keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        let now = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(" or ")
        };
        if met {
            self.push(
                "security",
                Kind::SecurityChanged,
                Class::Compatible,
                "the client sends its bearer token on every call, which this accepts",
                format!("{detail}: now {now}"),
            );
        } else {
            self.push(
                "security",
                Kind::SecurityChanged,
                Class::BreakingRuntime,
                "the client sends a bearer token; this asks for other credentials",
                format!("{detail}: now {now}"),
            );
        }
    }

    /// Server URLs, added and removed: information, since the client's base
    /// URL comes from its configuration, not from `servers`.
    fn servers(&mut self, at: &str, o: Option<&Value>, n: Option<&Value>) {
        if o == n {
            return;
        }
        let urls = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_owned))
                .collect()
        };
        let (ou, nu) = (urls(o), urls(n));
        let why = "the client's base URL comes from its configuration (SAIL_BASE_URL), not from `servers`";
        let mut said = false;
        for url in ou.iter().filter(|u| !nu.contains(u)) {
            self.push(
                at,
                Kind::ServerRemoved,
                Class::Info,
                why,
                format!("server `{url}` removed"),
            );
            said = true;
        }
        for url in nu.iter().filter(|u| !ou.contains(u)) {
            self.push(
                at,
                Kind::ServerAdded,
                Class::Info,
                why,
                format!("server `{url}` added"),
            );
            said = true;
        }
        if !said {
            self.push(
                at,
                Kind::ServersChanged,
                Class::Info,
                why,
                "servers' descriptions or variables changed".into(),
            );
        }
    }

    fn operation_pair(&mut self, o: &Op<'a>, n: &Op<'a>) {
        if o.method != n.method || o.path != n.path {
            self.push(
                "",
                Kind::OperationMoved,
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
                Kind::Deprecated,
                Class::Compatible,
                "it still works; plan a migration",
                "operation deprecated".into(),
            ),
            (true, false) => self.push(
                "deprecated",
                Kind::Undeprecated,
                Class::Compatible,
                "no longer deprecated",
                "operation no longer deprecated".into(),
            ),
            _ => {}
        }
        if !same_requirements(
            self.old_doc,
            o.op.get("security"),
            self.new_doc,
            n.op.get("security"),
        ) {
            self.security_changed(
                self.new_doc,
                n.op.get("security"),
                "security requirements changed",
            );
        }
        self.servers("servers", o.op.get("servers"), n.op.get("servers"));
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
                    Kind::ParameterRemoved,
                    Class::BreakingCompile,
                    "its builder method is gone",
                    format!("{} parameter `{name}` removed", location(old)),
                );
                continue;
            };
            if location(old) != location(new) {
                self.push(
                    &at,
                    Kind::ParameterMoved,
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
                    Kind::ParameterRequired,
                    Class::BreakingRuntime,
                    "the builder fails at run time until callers set it",
                    format!("parameter `{name}` is now required"),
                ),
                (true, false) => self.push(
                    &at,
                    Kind::ParameterOptional,
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
                    Kind::ParameterAdded,
                    Class::BreakingRuntime,
                    "a new required parameter: the builder fails at run time until callers set it",
                    format!("required {} parameter `{name}` added", location(new)),
                );
            } else {
                self.push(
                    &at,
                    Kind::ParameterAdded,
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
                Kind::RequestBodyRemoved,
                Class::BreakingCompile,
                "the builder's body method is gone",
                "request body removed".into(),
            ),
            (None, Some(b)) if required(b) => self.push(
                "requestBody",
                Kind::RequestBodyAdded,
                Class::BreakingRuntime,
                "a required body: the builder fails at run time until callers set it",
                "required request body added".into(),
            ),
            (None, Some(_)) => self.push(
                "requestBody",
                Kind::RequestBodyAdded,
                Class::Compatible,
                "an optional body",
                "optional request body added".into(),
            ),
            (Some(o), Some(n)) => {
                match (required(o), required(n)) {
                    (false, true) => self.push(
                        "requestBody",
                        Kind::RequestBodyRequired,
                        Class::BreakingRuntime,
                        "calls without a body now fail",
                        "request body is now required".into(),
                    ),
                    (true, false) => self.push(
                        "requestBody",
                        Kind::RequestBodyOptional,
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
                        Kind::ContentTypeRemoved,
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
                Kind::ContentTypeAdded,
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
                    Kind::ResponseRemoved,
                    Class::BreakingRuntime,
                    "the client no longer treats that status as success",
                    format!("response {code} removed"),
                ),
                None => self.push(
                    &at,
                    Kind::ResponseRemoved,
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
                Kind::ResponseAdded,
                Class::Compatible,
                "the regenerated client handles the new status",
                format!("response {code} added"),
            );
        }
    }

    /// Compares two schemas at `at`, following `$ref`s, step by step: the
    /// type's name, its type and format, nullability, direction, enum
    /// values, properties, and the schemas it holds.
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
        let optional = std::mem::take(&mut self.optional_slot);
        let (on, nn) = (name(old), name(new));
        // Changes inside a shared type are one line however many places
        // reach it: note which type, and where the walk entered it.
        let outer = match &nn {
            Some(b) => self.component.replace((b.clone(), at.to_owned())),
            None => self.component.clone(),
        };
        if self.type_name(at, &on, &nn, seen) {
            let o = flatten(self.old_doc, Self::resolve(self.old_doc, old));
            let n = flatten(self.new_doc, Self::resolve(self.new_doc, new));
            self.type_and_format(at, &o, &n, dir);
            self.nullability(at, &o, &n, dir, optional);
            self.access(at, &o, &n);
            self.enums(at, &o, &n, dir);
            self.properties(at, &o, &n, dir, seen);
            self.held_schemas(at, &o, &n, dir, seen);
        }
        self.component = outer;
    }

    /// A named type renamed; `false` when the pair was compared already
    /// (a recursive schema), so the walk stops.
    fn type_name(
        &mut self,
        at: &str,
        on: &Option<String>,
        nn: &Option<String>,
        seen: &mut HashSet<(String, String)>,
    ) -> bool {
        if let (Some(a), Some(b)) = (on, nn) {
            if !seen.insert((a.clone(), b.clone())) {
                return false;
            }
            if a != b {
                // The rename itself is a change of the place that names it.
                let inner = self.component.take();
                self.push(
                    at,
                    Kind::TypeRenamed,
                    Class::BreakingCompile,
                    "code naming the old type no longer compiles",
                    format!("type `{a}` renamed to `{b}`"),
                );
                self.component = inner;
            }
        }
        true
    }

    /// Type and format, as the generated code maps them to Rust types.
    fn type_and_format(&mut self, at: &str, o: &Value, n: &Value, dir: Dir) {
        let field = |v: &Value, k: &str| v.get(k).cloned();
        let (ot, nt) = (field(o, "type"), field(n, "type"));
        let (of, nf) = (field(o, "format"), field(n, "format"));
        if ot != nt {
            let show = |t: &Option<Value>, f: &Option<Value>| {
                let t = t.as_ref().map(text).unwrap_or_else(|| "any".into());
                match f {
                    Some(f) => format!("{t} ({})", text(f)),
                    None => t,
                }
            };
            let (class, why) = match (&ot, &nt) {
                (Some(_), None) => (
                    Class::BreakingCompile,
                    "old values still parse; the Rust type becomes any JSON value",
                ),
                (None, Some(_)) if dir == Dir::Response => (
                    Class::BreakingCompile,
                    "the Rust type changes from any JSON value to a typed one",
                ),
                (Some(a), Some(b)) if dir == Dir::Response && a == "number" && b == "integer" => (
                    Class::BreakingCompile,
                    "integers still read as numbers; the Rust type changes",
                ),
                _ => {
                    if dir == Dir::Response {
                        self.evidence = nt
                            .as_ref()
                            .and_then(Value::as_str)
                            .and_then(example_of_type);
                    }
                    (Class::BreakingRuntime, type_why(dir))
                }
            };
            self.push(
                at,
                Kind::TypeChanged,
                class,
                why,
                format!("type changed from {} to {}", show(&ot, &of), show(&nt, &nf)),
            );
        } else if of != nf {
            let show = |t: &Option<Value>| t.as_ref().map(text).unwrap_or_else(|| "none".into());
            let typed = |f: &Option<Value>| {
                f.as_ref()
                    .and_then(Value::as_str)
                    .is_some_and(|f| TYPED_FORMATS.contains(&f))
            };
            let (class, why) = if !typed(&of) && !typed(&nf) {
                (
                    Class::Compatible,
                    "the generated code maps neither format to a type of its own: the Rust type does not change",
                )
            } else if dir == Dir::Response && typed(&of) {
                self.evidence = of.as_ref().and_then(Value::as_str).and_then(outside_format);
                (
                    Class::BreakingRuntime,
                    "the server may send values the old Rust type cannot read",
                )
            } else {
                (Class::BreakingCompile, "the Rust type changes")
            };
            self.push(
                at,
                Kind::FormatChanged,
                class,
                why,
                format!("format changed from {} to {}", show(&of), show(&nf)),
            );
        }
    }

    /// Nullability, as `Option<_>` in the generated code.
    fn nullability(&mut self, at: &str, o: &Value, n: &Value, dir: Dir, optional: bool) {
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        match (flag(o, "nullable"), flag(n, "nullable")) {
            (false, true) if dir == Dir::Response && optional => self.push(
                at,
                Kind::NullableChanged,
                Class::Compatible,
                "the property is optional, so already Option<_>: null reads as None",
                "now nullable".into(),
            ),
            (false, true) if dir == Dir::Response => {
                self.evidence = Some(Value::Null);
                self.push(
                    at,
                    Kind::NullableChanged,
                    Class::BreakingRuntime,
                    "the server may send null where the client expects a value",
                    "now nullable".into(),
                )
            }
            (false, true) => self.push(
                at,
                Kind::NullableChanged,
                Class::Compatible,
                "callers may now send null",
                "now nullable".into(),
            ),
            (true, false) if dir == Dir::Request => self.push(
                at,
                Kind::NullableChanged,
                Class::BreakingRuntime,
                "the server now rejects null",
                "no longer nullable".into(),
            ),
            (true, false) => self.push(
                at,
                Kind::NullableChanged,
                Class::Compatible,
                "the server no longer sends null",
                "no longer nullable".into(),
            ),
            _ => {}
        }
    }

    /// `readOnly` and `writeOnly`: which way a field travels.
    fn access(&mut self, at: &str, o: &Value, n: &Value) {
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        for key in ["readOnly", "writeOnly"] {
            if flag(o, key) != flag(n, key) {
                let now = if flag(n, key) { "now" } else { "no longer" };
                self.push(
                    at,
                    Kind::AccessChanged,
                    Class::Compatible,
                    "changes which way the field travels, not its type",
                    format!("{now} {key}"),
                );
            }
        }
    }

    /// The schemas a schema holds: `items`, `additionalProperties`,
    /// `oneOf` and `anyOf` variants.
    fn held_schemas(
        &mut self,
        at: &str,
        o: &Value,
        n: &Value,
        dir: Dir,
        seen: &mut HashSet<(String, String)>,
    ) {
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
                    Kind::AdditionalPropertiesChanged,
                    Class::BreakingCompile,
                    "the Rust type changes between a map and a struct",
                    "additionalProperties changed".into(),
                )
            }
            _ => {}
        }
        for key in ["oneOf", "anyOf"] {
            self.variants(at, key, o, n, dir, seen);
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
                    if dir == Dir::Response && !open {
                        self.evidence = n
                            .get("enum")
                            .and_then(Value::as_array)
                            .and_then(|values| values.iter().find(|v| text(v) == *added))
                            .cloned();
                    }
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
                        Kind::EnumValueAdded,
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
                        Kind::EnumValueRemoved,
                        class,
                        why,
                        format!("enum value `{removed}` removed"),
                    );
                }
            }
            (Some(_), None) => self.push(
                &format!("{at}.enum"),
                Kind::EnumRemoved,
                Class::BreakingCompile,
                "the Rust type changes from an enum to a plain value",
                "no longer an enum".into(),
            ),
            (None, Some(_)) => self.push(
                &format!("{at}.enum"),
                Kind::EnumAdded,
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
                    Kind::PropertyRemoved,
                    Class::BreakingCompile,
                    "the field is gone from the Rust type",
                    format!("property `{name}` removed"),
                ),
                Some(ns) => {
                    match (or.contains(name), nr.contains(name)) {
                        (false, true) => self.push(
                            &here,
                            Kind::PropertyRequired,
                            Class::BreakingCompile,
                            "the field's type changes from Option<T> to T",
                            format!("property `{name}` is now required"),
                        ),
                        (true, false) => self.push(
                            &here,
                            Kind::PropertyOptional,
                            Class::BreakingCompile,
                            "the field's type changes from T to Option<T>",
                            format!("property `{name}` is now optional"),
                        ),
                        _ => {}
                    }
                    self.optional_slot = !or.contains(name) && !nr.contains(name);
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
                Kind::PropertyAdded,
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
                Kind::VariantRemoved,
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
                Kind::VariantAdded,
                class,
                why,
                format!("{key} variant {i} added"),
            );
        }
    }
}

/// Formats the generated code maps to Rust types of their own (typify:
/// `chrono`, `uuid`, integer and float widths, IP addresses); any other
/// format is a `String` like no format at all.
const TYPED_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "uuid",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float",
    "double",
    "ipv4",
    "ipv6",
];

/// One line per change: a change found inside a shared type from several
/// places (the same location in the type, the same kind and detail)
/// becomes one change at the type, listing the places; a type renamed the
/// same way at several places becomes one line too. `shared` says, beside
/// each change, where it is in a shared type and which place reached it.
fn one_line_per_change(changes: Vec<Change>, shared: Vec<Option<Shared>>) -> Vec<Change> {
    type Key = (String, Kind, Class, String, String);
    let mut grouped: BTreeMap<Key, Vec<(Change, String)>> = BTreeMap::new();
    let mut out = Vec::new();
    for (change, shared) in changes.into_iter().zip(shared) {
        let (location, place) = match shared {
            Some(Shared { location, place }) => (location, place),
            None if change.kind == Kind::TypeRenamed => {
                let place = format!(
                    "{}: {}",
                    change.operation.as_deref().unwrap_or("the document"),
                    short_place(&change.location)
                );
                (String::new(), place)
            }
            None => {
                out.push(change);
                continue;
            }
        };
        let key = (
            location,
            change.kind,
            change.class,
            change.detail.clone(),
            change.why.clone(),
        );
        grouped.entry(key).or_default().push((change, place));
    }
    for ((location, _, _, _, _), mut group) in grouped {
        if group.len() == 1 {
            let (one, _) = group.pop().expect("one change");
            out.push(one);
            continue;
        }
        let mut places: Vec<String> = group.iter().map(|(_, p)| p.clone()).collect();
        places.sort();
        places.dedup();
        let (mut first, _) = group.swap_remove(0);
        first.location = if location.is_empty() {
            format!("{} places", places.len())
        } else {
            location
        };
        first.operation = None;
        first.method = None;
        first.path = None;
        first.places = places;
        out.push(first);
    }
    out
}

/// Where in an operation, in a few words: `response 400`, `request body`,
/// `parameter limit`.
fn short_place(location: &str) -> String {
    let key = |rest: &str| -> String {
        rest.strip_prefix("['")
            .and_then(|r| r.split_once("']"))
            .map(|(k, _)| k.to_owned())
            .unwrap_or_default()
    };
    if let Some(rest) = location.strip_prefix("responses") {
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

/// The security schemes of a document.
fn schemes(doc: &Value) -> Map<String, Value> {
    doc.pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// What a security scheme asks of a client: everything but its prose (the
/// description, and what each scope is for).
fn normalized_scheme(scheme: &Value) -> Value {
    let mut scheme = scheme.clone();
    if let Some(map) = scheme.as_object_mut() {
        map.remove("description");
        if let Some(Value::Object(flows)) = map.get_mut("flows") {
            for flow in flows.values_mut() {
                if let Some(Value::Object(scopes)) = flow.get_mut("scopes") {
                    let names: Vec<Value> = scopes.keys().cloned().map(Value::String).collect();
                    flow["scopes"] = Value::Array(names);
                }
            }
        }
    }
    scheme
}

/// Whether two security requirement lists ask for the same thing: each
/// requirement as the schemes it names (by what they ask, not by name)
/// and their scopes.
fn same_requirements(
    old_doc: &Value,
    old: Option<&Value>,
    new_doc: &Value,
    new: Option<&Value>,
) -> bool {
    if old == new {
        return true;
    }
    let seen = |doc: &Value, list: Option<&Value>| -> Option<BTreeSet<String>> {
        let schemes = schemes(doc);
        list.map(|l| {
            l.as_array()
                .into_iter()
                .flatten()
                .map(|requirement| {
                    let mut parts: Vec<String> = requirement
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, scopes)| {
                            let scheme = schemes
                                .get(name)
                                .map(normalized_scheme)
                                .unwrap_or_else(|| Value::String(name.clone()));
                            format!("{scheme}{scopes}")
                        })
                        .collect();
                    parts.sort();
                    parts.join("&")
                })
                .collect()
        })
    };
    seen(old_doc, old) == seen(new_doc, new)
}

/// A value the generated code's type for `format` cannot read (the server
/// may now send it): the evidence of a run-time break.
fn outside_format(format: &str) -> Option<Value> {
    Some(match format {
        "int8" => serde_json::json!(128),
        "int16" => serde_json::json!(32768),
        "int32" => serde_json::json!(2_147_483_648u64),
        "int64" => serde_json::json!(u64::MAX),
        "uint8" | "uint16" | "uint32" | "uint64" => serde_json::json!(-1),
        "uuid" => serde_json::json!("not-a-uuid"),
        "date-time" => serde_json::json!("2024-01-31"),
        "date" => serde_json::json!("2024-01-31T00:00:00Z"),
        "ipv4" => serde_json::json!("::1"),
        "ipv6" => serde_json::json!("127.0.0.1"),
        _ => return None,
    })
}

/// A value of a JSON Schema type: the evidence that the old type (another
/// one) cannot read what the server now sends.
fn example_of_type(kind: &str) -> Option<Value> {
    Some(match kind {
        "string" => serde_json::json!("x"),
        "integer" => serde_json::json!(1),
        "number" => serde_json::json!(0.5),
        "boolean" => serde_json::json!(true),
        "array" => serde_json::json!([]),
        "object" => serde_json::json!({}),
        _ => return None,
    })
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
