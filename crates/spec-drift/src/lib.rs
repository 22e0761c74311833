//! What changed between two OpenAPI documents, and what it means for code
//! that calls a client generated from them.
//!
//! [`diff`] walks both documents operation by operation, following `$ref`s
//! (so moving an inline schema into a named component is not a change of
//! shape, while renaming a component is reported as a type rename), and
//! classifies every [`Change`] as breaking at compile time, breaking at run
//! time, or compatible, with a short reason.
//!
//! The report renders as text ([`Report::to_text`]), Markdown
//! ([`Report::to_markdown`]) or JSON ([`Report::to_json`]). The JSON form is
//! stable:
//!
//! ```json
//! {
//!   "summary": {"breaking": 2, "breaking_compile": 1, "breaking_runtime": 1, "compatible": 3},
//!   "changes": [
//!     {
//!       "operation": "sendTestNotification",
//!       "method": "post",
//!       "path": "/send-test-notification",
//!       "location": "requestBody.content['application/json'].schema.properties.priority",
//!       "kind": "property-added",
//!       "class": "compatible",
//!       "why": "a new optional field",
//!       "detail": "property `priority` added (optional)",
//!       "places": []
//!     }
//!     // a run-time break in a response also has "evidence": a value the
//!     // new spec allows and the old client cannot read
//!   ]
//! }
//! ```
//!
//! `operation`, `method` and `path` are `null` for document-level changes
//! (servers, security schemes) and for a change to a shared type met from
//! several places, which is one entry whose `places` lists them. `class` is
//! one of `breaking-compile`, `breaking-runtime`, `compatible`, `info`.
//! The summary also counts `info`. Changes are sorted by operation, then
//! location, then kind.

#![warn(missing_docs)]

mod kind;
mod render;
mod rules;

use serde::Serialize;
use serde_json::Value;

pub use kind::Kind;
pub use render::Format;

/// How a change affects code that calls the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Code that compiled before no longer compiles.
    BreakingCompile,
    /// Code still compiles, but calls can now fail at run time.
    BreakingRuntime,
    /// Existing code keeps working.
    Compatible,
    /// Worth knowing, changes nothing for this client (a server URL, the
    /// API's title or version, an upstream bug fixed).
    Info,
}

impl Class {
    /// Whether the change breaks callers in either way.
    pub fn is_breaking(self) -> bool {
        matches!(self, Class::BreakingCompile | Class::BreakingRuntime)
    }

    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            Class::BreakingCompile => "breaking (compile)",
            Class::BreakingRuntime => "breaking (run time)",
            Class::Compatible => "compatible",
            Class::Info => "information",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// The operationId (or `METHOD /path` when it has none); `None` for the document.
    pub operation: Option<String>,
    /// The operation's HTTP method, lowercase.
    pub method: Option<String>,
    /// The operation's path (in the newer document when it moved).
    pub path: Option<String>,
    /// Where in the operation (or document), as a JSON path that follows `$ref`s.
    pub location: String,
    /// What kind of change, e.g. `property-added`.
    pub kind: Kind,
    /// How it affects callers.
    pub class: Class,
    /// Why, in a short phrase.
    pub why: String,
    /// What changed, in words.
    pub detail: String,
    /// For one change to a shared type seen from several places: the
    /// places it reaches, each `operationId: place in the operation`
    /// (`sendTestNotification: response 400`, `createWidget: request
    /// body`); empty otherwise.
    pub places: Vec<String>,
    /// For a run-time break in what the server sends: a value, at the
    /// change's location, that the new spec allows and the old client
    /// cannot read, as JSON text (`"GREEN"` for a value added to a closed
    /// enum, `null`, `2147483648` for an `int32`). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// Every change between two documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes, sorted by operation, location and kind.
    pub changes: Vec<Change>,
}

/// Counts by class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Breaking changes of both kinds.
    pub breaking: usize,
    /// Breaking at compile time.
    pub breaking_compile: usize,
    /// Breaking at run time.
    pub breaking_runtime: usize,
    /// Compatible changes.
    pub compatible: usize,
    /// Changes for information.
    pub info: usize,
}

impl Report {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether any change breaks callers.
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.class.is_breaking())
    }

    /// Counts by class.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for change in &self.changes {
            match change.class {
                Class::BreakingCompile => s.breaking_compile += 1,
                Class::BreakingRuntime => s.breaking_runtime += 1,
                Class::Compatible => s.compatible += 1,
                Class::Info => s.info += 1,
            }
        }
        s.breaking = s.breaking_compile + s.breaking_runtime;
        s
    }

    /// The one-line summary: `2 breaking, 3 compatible` (or `no changes`).
    pub fn summary_line(&self) -> String {
        let s = self.summary();
        if self.is_empty() {
            return "no changes".into();
        }
        let mut line = format!("{} breaking", s.breaking);
        if s.breaking > 0 {
            line.push_str(&format!(
                " ({} at compile time, {} at run time)",
                s.breaking_compile, s.breaking_runtime
            ));
        }
        line.push_str(&format!(", {} compatible", s.compatible));
        if s.info > 0 {
            line.push_str(&format!(", {} for information", s.info));
        }
        line
    }

    /// Renders the report.
    pub fn render(&self, format: Format, color: bool) -> String {
        match format {
            Format::Text => self.to_text(color),
            Format::Markdown => self.to_markdown(),
            Format::Json => self.to_json(),
        }
    }
}

/// Compares two OpenAPI 3.0 documents. A change to a shared type met from
/// several places is one change listing them (`Change::places`).
pub fn diff(old: &Value, new: &Value) -> Report {
    let changes = rules::diff_documents(old, new);
    let mut report = Report { changes };
    report.normalize();
    report
}

impl Report {
    /// Sorts the changes and removes repeats (after adding some).
    pub fn normalize(&mut self) {
        self.changes.sort();
        self.changes.dedup();
    }
}
