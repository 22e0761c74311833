//! From a legacy API (beta, v3, v2024–v2026: the version in the server
//! URL, `https://{tenant}.api.identitynow.com/beta` + `/access-profiles`)
//! to the per-service versioned API (`/access-profiles/v1`): each legacy
//! operation's successor, checked, and what changes for code that calls
//! it, in this client's terms.
//!
//! A successor is the target operation on the same route once the version
//! is left out, or the one with the same operationId less its `V1`/`V2`
//! suffix. A naive match can be wrong, so each is checked: route and
//! operationId agreeing confirm it; a match by one of them alone is
//! confirmed when the two operations' bodies are alike (the same shape,
//! tolerantly), and doubtful otherwise, with why. A legacy operation with
//! no successor is listed with why, and the target operations nearest it.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::matching::{self, similar, versionless_id, versionless_route};
use crate::rules::OpView;
use crate::walk::Walker;
use crate::{Change, Kind, Options, Report, Side};

/// One operation of one side, as the migration report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Legacy {
    /// Its operationId (or route, when it has none).
    pub operation: String,
    /// Its method, lower case.
    pub method: String,
    /// Its path.
    pub path: String,
    /// The client method a user's code calls, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust: Option<String>,
}

impl Legacy {
    fn of(op: &OpView<'_>, side: Side, options: &Options<'_>) -> Self {
        Legacy {
            operation: op.key(),
            method: op.method.to_owned(),
            path: op.path.to_owned(),
            rust: options.rust.and_then(|r| r.method(side, &op.route())),
        }
    }

    /// `GET /path (operationId, `method`)`.
    fn title(&self) -> String {
        let rust = self
            .rust
            .as_deref()
            .map(|r| format!(", `{r}`"))
            .unwrap_or_default();
        format!(
            "{} {} ({}{rust})",
            self.method.to_uppercase(),
            self.path,
            self.operation
        )
    }
}

/// How a legacy operation found its successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// The same route (version left out) and operationId (suffix left out).
    RouteAndOperationId,
    /// The same route; the operationId differs.
    Route,
    /// The same operationId; the route differs.
    OperationId,
}

/// What checking a match found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Route and operationId agree, or the bodies are alike.
    Confirmed,
    /// Matched by one of them, and the bodies differ: read the changes.
    Doubtful,
}

/// One legacy operation and its successor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Successor {
    /// The legacy operation.
    pub legacy: Legacy,
    /// Its successor, if it has one.
    pub successor: Option<Legacy>,
    /// How it was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchedBy>,
    /// What checking it found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// Why it is (or is not) the successor, in words.
    pub why: String,
    /// Other target operations on the same route (other versions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Legacy>,
    /// What changes for code that calls it, classified like drift.
    pub changes: Vec<Change>,
}

impl Successor {
    /// How many of its changes break callers.
    pub fn breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.class.is_breaking())
            .count()
    }
}

/// The migration report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// The legacy API's title.
    pub legacy_title: String,
    /// The target API's title.
    pub target_title: String,
    /// Every legacy operation, in document order.
    pub operations: Vec<Successor>,
}

/// Counts of a migration report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MigrationSummary {
    /// Legacy operations.
    pub operations: usize,
    /// Those with a successor.
    pub with_successor: usize,
    /// Matched by route and operationId.
    pub by_route_and_id: usize,
    /// Matched by route alone.
    pub by_route: usize,
    /// Matched by operationId alone.
    pub by_id: usize,
    /// Matches checked and confirmed.
    pub confirmed: usize,
    /// Matches checked and found doubtful.
    pub doubtful: usize,
    /// Those without a successor.
    pub without: usize,
}

/// Pairs every operation of `legacy` with its successor in `target`.
pub fn migrate(legacy: &Value, target: &Value, options: &Options<'_>) -> Migration {
    let title = |doc: &Value| {
        doc.pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or("(untitled)")
            .to_owned()
    };
    let targets = matching::operations(target);
    let mut by_route: BTreeMap<String, Vec<OpView<'_>>> = BTreeMap::new();
    let mut by_id: BTreeMap<&str, Vec<OpView<'_>>> = BTreeMap::new();
    for op in &targets {
        by_route
            .entry(versionless_route(op.method, op.path))
            .or_default()
            .push(*op);
        if let Some(id) = op.id {
            by_id.entry(versionless_id(id)).or_default().push(*op);
        }
    }
    let mut operations = Vec::new();
    for op in matching::operations(legacy) {
        let route = versionless_route(op.method, op.path);
        let routed = by_route.get(&route).map(Vec::as_slice).unwrap_or(&[]);
        let named = op
            .id
            .and_then(|id| by_id.get(versionless_id(id)))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let entry = match choose(legacy, &op, target, routed, named) {
            Some((to, by, check, why)) => {
                let also = routed
                    .iter()
                    .filter(|o| o.path != to.path || o.method != to.method)
                    .map(|o| Legacy::of(o, Side::New, options))
                    .collect();
                Successor {
                    legacy: Legacy::of(&op, Side::Old, options),
                    successor: Some(Legacy::of(&to, Side::New, options)),
                    matched_by: Some(by),
                    check: Some(check),
                    why,
                    also,
                    changes: changes(legacy, target, op, to, options),
                }
            }
            None => Successor {
                legacy: Legacy::of(&op, Side::Old, options),
                successor: None,
                matched_by: None,
                check: None,
                why: no_successor(&op, &targets),
                also: Vec::new(),
                changes: Vec::new(),
            },
        };
        operations.push(entry);
    }
    Migration {
        legacy_title: title(legacy),
        target_title: title(target),
        operations,
    }
}

/// The successor among the target operations on the same route and those
/// with the same operationId, how it was found, and its check.
fn choose<'t>(
    legacy_doc: &Value,
    op: &OpView<'_>,
    target_doc: &Value,
    routed: &[OpView<'t>],
    named: &[OpView<'t>],
) -> Option<(OpView<'t>, MatchedBy, Check, String)> {
    let same = |a: &OpView<'_>, b: &OpView<'_>| a.method == b.method && a.path == b.path;
    // The lowest version first: the first of a list in path order.
    if let Some(both) = routed.iter().find(|r| named.iter().any(|n| same(r, n))) {
        return Some((
            *both,
            MatchedBy::RouteAndOperationId,
            Check::Confirmed,
            "the same route and operationId, versions left out".into(),
        ));
    }
    let candidates = routed
        .iter()
        .map(|o| (o, MatchedBy::Route))
        .chain(named.iter().map(|o| (o, MatchedBy::OperationId)));
    let mut best: Option<(OpView<'t>, MatchedBy, Vec<&str>)> = None;
    for (candidate, by) in candidates {
        let differs = differences(legacy_doc, op, target_doc, candidate);
        let better = best
            .as_ref()
            .is_none_or(|(_, _, d)| differs.len() < d.len());
        if better {
            best = Some((*candidate, by, differs));
        }
    }
    let (to, by, differs) = best?;
    let how = match by {
        MatchedBy::Route => format!(
            "the same route; operationId `{}` is `{}` there",
            op.key(),
            to.key()
        ),
        _ => format!("the same operationId; the route is {} there", to.route()),
    };
    Some(if differs.is_empty() {
        (to, by, Check::Confirmed, format!("{how}; bodies alike"))
    } else {
        (
            to,
            by,
            Check::Doubtful,
            format!("{how}; {} differ", differs.join(" and ")),
        )
    })
}

/// What is not alike between two operations: their path parameters'
/// count, request body, success response.
fn differences(
    legacy_doc: &Value,
    op: &OpView<'_>,
    target_doc: &Value,
    to: &OpView<'_>,
) -> Vec<&'static str> {
    let mut out = Vec::new();
    if op.method != to.method
        || openapi_model::template_names(op.path).len()
            != openapi_model::template_names(to.path).len()
    {
        out.push("the method or path parameters");
    }
    let body = |doc: &Value, o: &OpView<'_>| -> Option<Value> {
        let b = crate::schema::resolve(doc, o.op.get("requestBody")?);
        json_schema(b)
    };
    let answer = |doc: &Value, o: &OpView<'_>| -> Option<Value> {
        let responses = o.op.get("responses")?.as_object()?;
        responses
            .iter()
            .filter(|(code, _)| code.starts_with('2'))
            .find_map(|(_, r)| json_schema(crate::schema::resolve(doc, r)))
    };
    let alike = |a: Option<Value>, b: Option<Value>| match (a, b) {
        (Some(a), Some(b)) => similar(legacy_doc, &a, target_doc, &b),
        (None, None) => true,
        _ => false,
    };
    if !alike(body(legacy_doc, op), body(target_doc, to)) {
        out.push("the request bodies");
    }
    if !alike(answer(legacy_doc, op), answer(target_doc, to)) {
        out.push("the success responses");
    }
    out
}

/// The schema of a body's JSON (or first) media type.
fn json_schema(body: &Value) -> Option<Value> {
    let content = body.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
        .cloned()
}

/// Why a legacy operation has no successor, with the target operations
/// nearest it (those under the longest common start of the path).
fn no_successor(op: &OpView<'_>, targets: &[OpView<'_>]) -> String {
    let route = versionless_route(op.method, op.path);
    let mut why = format!(
        "no target operation on `{route}` (versions left out) nor with operationId `{}` (suffix left out)",
        op.key()
    );
    // Path segments, the method left out.
    let segments = |r: &str| -> Vec<String> {
        let path = r.split_once(' ').map_or(r, |(_, p)| p);
        path.split('/').map(str::to_owned).collect()
    };
    let mine = segments(&route);
    let common = |other: &str| {
        mine.iter()
            .zip(segments(other))
            .take_while(|(a, b)| **a == *b)
            .count()
    };
    let mut nearest: Vec<(usize, String)> = targets
        .iter()
        .map(|t| {
            let r = versionless_route(t.method, t.path);
            (common(&r), format!("{} ({})", t.route(), t.key()))
        })
        .filter(|(n, _)| *n >= 2)
        .collect();
    nearest.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    nearest.truncate(3);
    if nearest.is_empty() {
        why.push_str("; the target has nothing under that path");
    } else {
        let list: Vec<String> = nearest.into_iter().map(|(_, r)| r).collect();
        why.push_str(&format!("; nearest: {}", list.join(", ")));
    }
    why
}

/// What changes for code calling `op` when it calls `to` instead.
fn changes(
    legacy: &Value,
    target: &Value,
    op: OpView<'_>,
    to: OpView<'_>,
    options: &Options<'_>,
) -> Vec<Change> {
    let mut w = Walker::new(legacy, target, options);
    w.operation_pair(op, to);
    let same_route = versionless_route(op.method, op.path) == versionless_route(to.method, to.path);
    let raw: Vec<_> = w
        .out
        .into_iter()
        // The version moved into the path: that is the migration itself.
        .filter(|r| !(same_route && r.finding.kind == Kind::OperationMoved))
        .collect();
    let mut report = Report {
        changes: crate::group::group(raw, options.rust),
        findings: 0,
    };
    report.normalize();
    report.changes
}

impl Migration {
    /// Its counts.
    pub fn summary(&self) -> MigrationSummary {
        let mut s = MigrationSummary {
            operations: self.operations.len(),
            ..MigrationSummary::default()
        };
        for o in &self.operations {
            match o.matched_by {
                Some(MatchedBy::RouteAndOperationId) => s.by_route_and_id += 1,
                Some(MatchedBy::Route) => s.by_route += 1,
                Some(MatchedBy::OperationId) => s.by_id += 1,
                None => s.without += 1,
            }
            match o.check {
                Some(Check::Confirmed) => s.confirmed += 1,
                Some(Check::Doubtful) => s.doubtful += 1,
                None => {}
            }
        }
        s.with_successor = s.operations - s.without;
        s
    }

    /// The counts in one paragraph.
    pub fn summary_text(&self) -> String {
        let s = self.summary();
        let breaking: usize = self.operations.iter().filter(|o| o.breaking() > 0).count();
        format!(
            "{} of {} operations of `{}` have a successor in `{}` ({} by route and operationId, {} by route, {} by operationId; {} confirmed, {} doubtful); {} have none. {} successors change something that breaks code calling them.",
            s.with_successor,
            s.operations,
            self.legacy_title,
            self.target_title,
            s.by_route_and_id,
            s.by_route,
            s.by_id,
            s.confirmed,
            s.doubtful,
            s.without,
            breaking
        )
    }

    /// The legacy operations without a successor.
    pub fn without_successor(&self) -> Vec<&Successor> {
        self.operations
            .iter()
            .filter(|o| o.successor.is_none())
            .collect()
    }

    /// Readable text: the counts, the operations without a successor, the
    /// doubtful matches, then each operation and what changes.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n", self.summary_text());
        let none = self.without_successor();
        if !none.is_empty() {
            out.push_str(&format!("\nWithout a successor ({}):\n", none.len()));
            for o in none {
                out.push_str(&format!("  {}\n      {}\n", o.legacy.title(), o.why));
            }
        }
        let doubtful: Vec<&Successor> = self
            .operations
            .iter()
            .filter(|o| o.check == Some(Check::Doubtful))
            .collect();
        if !doubtful.is_empty() {
            out.push_str(&format!("\nDoubtful matches ({}):\n", doubtful.len()));
            for o in doubtful {
                let to = o.successor.as_ref().map(Legacy::title).unwrap_or_default();
                out.push_str(&format!(
                    "  {} → {}\n      {}\n",
                    o.legacy.title(),
                    to,
                    o.why
                ));
            }
        }
        out.push_str("\nEach operation:\n");
        for o in self.operations.iter().filter(|o| o.successor.is_some()) {
            let to = o.successor.as_ref().map(Legacy::title).unwrap_or_default();
            out.push_str(&format!(
                "\n{} → {}\n  {} change(s), {} breaking\n",
                o.legacy.title(),
                to,
                o.changes.len(),
                o.breaking()
            ));
            for c in &o.changes {
                out.push_str(&format!(
                    "  {:<20} {}: {}\n",
                    c.class.label(),
                    c.detail,
                    c.why
                ));
            }
        }
        out
    }

    /// Markdown for a migration guide: the counts, a table of every
    /// operation (legacy method → successor method, what breaks), the
    /// operations without a successor, then each operation's changes.
    pub fn to_markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let method = |l: &Legacy| {
            l.rust
                .as_deref()
                .map_or_else(|| format!("`{}`", l.operation), |r| format!("`{r}`"))
        };
        let mut out = format!(
            "# Migrating from {} to {}\n\n{}\n\n",
            self.legacy_title,
            self.target_title,
            self.summary_text()
        );
        out.push_str(
            "| legacy | successor | route | match | breaking changes |\n|---|---|---|---|---|\n",
        );
        for o in &self.operations {
            let (to, route) = match &o.successor {
                Some(s) => (
                    method(s),
                    format!(
                        "`{} {}` → `{}`",
                        o.legacy.method.to_uppercase(),
                        o.legacy.path,
                        s.path
                    ),
                ),
                None => (
                    "none".to_owned(),
                    format!("`{} {}`", o.legacy.method.to_uppercase(), o.legacy.path),
                ),
            };
            let check = match o.check {
                Some(Check::Confirmed) => "confirmed",
                Some(Check::Doubtful) => "**doubtful**",
                None => "—",
            };
            out.push_str(&format!(
                "| {} | {to} | {} | {check} | {} |\n",
                method(&o.legacy),
                esc(&route),
                o.breaking()
            ));
        }
        let none = self.without_successor();
        if !none.is_empty() {
            out.push_str("\n## Without a successor\n\n");
            for o in none {
                out.push_str(&format!("- `{}`: {}\n", o.legacy.title(), o.why));
            }
        }
        out.push_str("\n## What changes, operation by operation\n");
        for o in self.operations.iter().filter(|o| !o.changes.is_empty()) {
            let to = o.successor.as_ref().map(Legacy::title).unwrap_or_default();
            out.push_str(&format!(
                "\n### `{}` → `{}`\n\n{}\n\n| impact | change | why |\n|---|---|---|\n",
                o.legacy.title(),
                to,
                o.why
            ));
            for c in &o.changes {
                let icon = crate::render::icon(c.class);
                out.push_str(&format!(
                    "| {icon} | {} | {} |\n",
                    esc(&c.detail),
                    esc(&c.why)
                ));
            }
        }
        out
    }

    /// JSON for tools: `{"summary": {...}, "legacy_title", "target_title",
    /// "operations": [{"legacy", "successor", "matched_by", "check", "why",
    /// "also", "changes"}]}`, each change as in the drift report.
    pub fn to_json(&self) -> String {
        let value = serde_json::json!({
            "summary": self.summary(),
            "legacy_title": self.legacy_title,
            "target_title": self.target_title,
            "operations": self.operations,
        });
        let mut out = serde_json::to_string_pretty(&value).expect("a migration serializes");
        out.push('\n');
        out
    }

    /// Renders the report.
    pub fn render(&self, format: crate::Format) -> String {
        match format {
            crate::Format::Text => self.to_text(),
            crate::Format::Markdown => self.to_markdown(),
            crate::Format::Json => self.to_json(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn legacy() -> Value {
        json!({"info": {"title": "Beta"}, "paths": {
            "/access-profiles/{id}": {"get": {"operationId": "getAccessProfile",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "x",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}}}}}}},
            "/sources": {"get": {"operationId": "listSources", "responses": {"200": {"description": "x"}}}},
            "/mfa/{method}/poll": {"post": {"operationId": "pingVerificationStatus", "responses": {"200": {"description": "x"}}}},
            "/tenant": {"get": {"operationId": "getTenant", "responses": {"200": {"description": "x",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}}}},
        }})
    }

    fn v1() -> Value {
        json!({"info": {"title": "V1"}, "paths": {
            "/access-profiles/v1/{accessProfileId}": {"get": {"operationId": "getAccessProfileV1",
                "parameters": [{"name": "accessProfileId", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "fields", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "x",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "owner": {"type": "string"}}}}}}}}},
            "/sources/v1": {"get": {"operationId": "getSourceList", "responses": {"200": {"description": "x"}}}},
            "/sources/v2": {"get": {"operationId": "getSourceListV2", "responses": {"200": {"description": "x"}}}},
            "/mfa/v1/config": {"get": {"operationId": "getMfaConfigV1", "responses": {"200": {"description": "x"}}}},
            "/tenant-context/v1": {"get": {"operationId": "getTenantV1", "responses": {"200": {"description": "x",
                "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}}},
        }})
    }

    #[test]
    fn each_legacy_operation_finds_its_successor_checked() {
        let m = migrate(&legacy(), &v1(), &Options::default());
        let by = |id: &str| {
            m.operations
                .iter()
                .find(|o| o.legacy.operation == id)
                .unwrap()
        };
        let ap = by("getAccessProfile");
        assert_eq!(ap.matched_by, Some(MatchedBy::RouteAndOperationId));
        assert_eq!(ap.check, Some(Check::Confirmed));
        // What changes: the path parameter's name (its builder method), a
        // new optional parameter, a new field; not the version that moved
        // into the path.
        let kinds: Vec<Kind> = ap.changes.iter().map(|c| c.kind).collect();
        assert!(kinds.contains(&Kind::ParameterAdded), "{kinds:?}");
        assert!(kinds.contains(&Kind::ParameterRenamed), "{kinds:?}");
        assert!(kinds.contains(&Kind::PropertyAdded), "{kinds:?}");
        assert!(!kinds.contains(&Kind::OperationMoved), "{kinds:?}");
        // By route: another operationId; v1 before v2, v2 listed beside it.
        let sources = by("listSources");
        assert_eq!(sources.matched_by, Some(MatchedBy::Route));
        assert_eq!(sources.successor.as_ref().unwrap().path, "/sources/v1");
        assert_eq!(sources.also.len(), 1);
        assert!(sources
            .changes
            .iter()
            .any(|c| c.kind == Kind::OperationRenamed));
        // By operationId alone, bodies unlike: doubtful, and why.
        let tenant = by("getTenant");
        assert_eq!(tenant.matched_by, Some(MatchedBy::OperationId));
        assert_eq!(tenant.check, Some(Check::Doubtful));
        assert!(
            tenant.why.contains("success responses differ"),
            "{}",
            tenant.why
        );
        // None, with the nearest operations.
        let mfa = by("pingVerificationStatus");
        assert!(mfa.successor.is_none());
        assert!(
            mfa.why.contains("nearest: GET /mfa/v1/config"),
            "{}",
            mfa.why
        );
        let s = m.summary();
        assert_eq!(
            (s.operations, s.with_successor, s.without, s.doubtful),
            (4, 3, 1, 1)
        );
        let json: Value = serde_json::from_str(&m.to_json()).unwrap();
        assert_eq!(json["summary"]["with_successor"], 3);
        assert!(m.to_markdown().contains("| `getTenant` | `getTenantV1` |"));
    }
}
