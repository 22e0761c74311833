//! What changed between two OpenAPI documents, and what it means for code
//! that calls a client generated from them.
//!
//! [`diff`] (or [`diff_with`], with what the client does and its Rust
//! names) walks both documents side by side (the walk apart from the
//! judgement: the walk finds where they differ, one rule family per kind
//! of difference says what that means) and returns a [`Report`]: one
//! [`Change`] per cause, each classified as breaking at compile time,
//! breaking at run time, compatible, or information, with a short reason.
//!
//! - Operations are paired by operationId and route, then by route (a
//!   new operationId is a rename, not one operation removed and another
//!   added), then by operationId (a move to another endpoint).
//! - A component met from many places is one entry listing the places; a
//!   rename is one line; a type named differently by this project's naming
//!   (a title the new pages carry, a derived name that moved) is
//!   information, not a break; schemas a side gives only as a title
//!   (stubs) and pages quarantined on one side are "not compared".
//! - Breaking is judged by SailPoint's contract and this client's
//!   behaviour ([`ClientProfile`]): an added enum value in a response is
//!   news when the client's response enums are open, a `null` on an
//!   optional property reads as `None`, only the client-credentials flow
//!   counts in security changes.
//!
//! [`migrate`] pairs each operation of a legacy API (beta, v3, v2024...)
//! with its successor in the per-service versioned API and says what
//! changes for code that calls it.
//!
//! The report renders as text ([`Report::to_text`]: the summary first,
//! then the details), Markdown ([`Report::to_markdown`]) or JSON
//! ([`Report::to_json`]). The JSON form is stable:
//!
//! ```json
//! {
//!   "summary": {"breaking": 2, "breaking_compile": 1, "breaking_runtime": 1,
//!               "compatible": 3, "info": 1, "findings": 9,
//!               "by_kind": {"property-added": {"compatible": 1}}},
//!   "changes": [
//!     {
//!       "operation": "sendTestNotification",
//!       "method": "post",
//!       "path": "/send-test-notification",
//!       "location": "requestBody.content['application/json'].schema",
//!       "kind": "property-added",
//!       "class": "compatible",
//!       "why": "a new optional field",
//!       "detail": "property `priority` added (optional)",
//!       "places": [],
//!       "items": ["`priority`"],
//!       "rust": "send_test_notification",
//!       "rust_method": "send_test_notification"
//!     }
//!     // a run-time break in a response also has "evidence": a value the
//!     // new spec allows and the old client cannot read
//!   ]
//! }
//! ```
//!
//! `operation`, `method` and `path` are `null` for document-level changes
//! (servers, security schemes) and for one change met from several places
//! (a shared type, a cause met in several operations), which is one entry
//! whose `places` lists them (`operationId: place`). `items` lists what an
//! entry names (enum values, properties, types renamed), left out for an
//! entry described by a sentence; `rust` names the Rust method or `Type::field` a user's code
//! names, when known. `class` is one of `breaking-compile`,
//! `breaking-runtime`, `compatible`, `info`. `findings` counts what the
//! walk found before it was grouped by cause. Changes are sorted by
//! operation, then location, then kind.

#![warn(missing_docs)]

mod group;
mod kind;
mod matching;
mod migrate;
mod render;
mod rules;
mod schema;
mod walk;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use kind::Kind;
pub use migrate::{migrate, Check, Legacy, MatchedBy, Migration, MigrationSummary, Successor};
pub use openapi_model::Route;
pub use render::Format;

pub(crate) use matching::normalized_route;

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
    /// API's title or version, an upstream bug fixed, a name this project
    /// gives).
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

/// Which document of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The older document.
    Old,
    /// The newer document.
    New,
}

/// What the generated client does, where the rules depend on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientProfile {
    /// Whether every enum in a response is open in the client (a value it
    /// does not know reads as a catch-all variant), as SailPoint's contract
    /// asks ("added enum values are non-breaking"). When false, only enums
    /// documented as open are ([`openapi_model::is_open_enum`]).
    pub response_enums_open: bool,
}

/// The Rust names a user's code writes, for the report to show beside the
/// spec's (`send_test_notification`, `AccessProfile::name`). Implemented
/// with the code generator's naming by the caller (the xtask).
pub trait RustNames {
    /// The client method of the operation on `route` of one side.
    fn method(&self, side: Side, route: &Route) -> Option<String>;
    /// The Rust type of a component schema of one side.
    fn type_name(&self, side: Side, component: &str) -> Option<String>;
    /// The Rust field of a property.
    fn field(&self, property: &str) -> Option<String>;
}

/// An operation one side could not compare: its page was quarantined
/// there (reported as "not compared", never as removed or added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCompared {
    /// The side that left it out.
    pub side: Side,
    /// Its route, when the page said it.
    pub route: Option<Route>,
    /// Its operationId, when the page said it.
    pub operation: Option<String>,
    /// The page's id (`send-test-notification`): the docs name a page
    /// after its operationId, so a page that failed before its route was
    /// read is still known by it.
    pub page: Option<String>,
    /// Why it was left out.
    pub reason: String,
}

/// How to compare.
#[derive(Default)]
pub struct Options<'a> {
    /// What the client does.
    pub client: ClientProfile,
    /// The Rust names of both sides, when known.
    pub rust: Option<&'a dyn RustNames>,
    /// Operations a side left out.
    pub not_compared: Vec<NotCompared>,
}

/// How the items of a change read, one or several (`enum value` / `enum
/// values`, then the items, then the rest of the sentence).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Frame {
    noun: String,
    nouns: String,
    tail: String,
}

/// One change, or one cause of many changes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// The operationId (or `METHOD /path` when it has none); `None` for the
    /// document and for an entry met from several places.
    pub operation: Option<String>,
    /// The operation's HTTP method, lowercase.
    pub method: Option<String>,
    /// The operation's path (in the newer document when it moved).
    pub path: Option<String>,
    /// Where in the operation (or document, or shared type), as a JSON path
    /// that follows `$ref`s.
    pub location: String,
    /// What kind of change, e.g. `property-added`.
    pub kind: Kind,
    /// How it affects callers.
    pub class: Class,
    /// Why, in a short phrase.
    pub why: String,
    /// What changed, in words.
    pub detail: String,
    /// For one entry met from several places: the places, each
    /// `operationId: place in the operation` (`sendTestNotification:
    /// response 400`); empty otherwise.
    pub places: Vec<String>,
    /// What the entry names (enum values, properties, renamed types), each
    /// as written in `detail`; empty when it is described by a sentence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// The Rust name a user's code writes: the method (`list_sources`), or
    /// the type and field (`Source::owner`); absent when not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust: Option<String>,
    /// The client method of the entry's operation (`list_sources`), when
    /// it is one operation's and the method is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust_method: Option<String>,
    /// For a run-time break in what the server sends: a value, at the
    /// change's location, that the new spec allows and the old client
    /// cannot read, as JSON text (`"GREEN"` for a value added to a closed
    /// enum, `null`, `2147483648` for an `int32`). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(skip)]
    frame: Option<Frame>,
}

impl Change {
    /// A document-level change described by a sentence.
    pub fn note(
        kind: Kind,
        class: Class,
        why: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Change {
            operation: None,
            method: None,
            path: None,
            location: String::new(),
            kind,
            class,
            why: why.into(),
            detail: detail.into(),
            places: Vec::new(),
            items: Vec::new(),
            rust: None,
            rust_method: None,
            evidence: None,
            frame: None,
        }
    }

    /// A document-level change about one item (`{noun} {item}{tail}`);
    /// [`Report::normalize`] merges such changes that differ only in their
    /// item into one (`{nouns} {items}{tail}`).
    pub fn note_item(
        kind: Kind,
        class: Class,
        why: impl Into<String>,
        (noun, nouns): (&str, &str),
        item: impl Into<String>,
        tail: &str,
    ) -> Self {
        let item = item.into();
        let frame = Frame {
            noun: noun.to_owned(),
            nouns: nouns.to_owned(),
            tail: tail.to_owned(),
        };
        let mut change = Change::note(kind, class, why, "");
        change.items = vec![item];
        change.frame = Some(frame);
        change.detail = change.sentence();
        change
    }

    /// The detail for its items.
    fn sentence(&self) -> String {
        match &self.frame {
            Some(f) => rules::What::Item {
                noun: f.noun.clone(),
                nouns: f.nouns.clone(),
                name: String::new(),
                tail: f.tail.clone(),
            }
            .sentence(&self.items),
            None => self.detail.clone(),
        }
    }
}

/// Every change between two documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes, one per cause, sorted by operation, location and kind.
    pub changes: Vec<Change>,
    /// How many differences the walk found before they were grouped.
    pub findings: usize,
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

impl Summary {
    fn add(&mut self, class: Class) {
        match class {
            Class::BreakingCompile => self.breaking_compile += 1,
            Class::BreakingRuntime => self.breaking_runtime += 1,
            Class::Compatible => self.compatible += 1,
            Class::Info => self.info += 1,
        }
        self.breaking = self.breaking_compile + self.breaking_runtime;
    }

    /// How many, in all classes.
    pub fn total(&self) -> usize {
        self.breaking + self.compatible + self.info
    }
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
            s.add(change.class);
        }
        s
    }

    /// Counts by kind, each by class.
    pub fn by_kind(&self) -> BTreeMap<Kind, Summary> {
        let mut out: BTreeMap<Kind, Summary> = BTreeMap::new();
        for change in &self.changes {
            out.entry(change.kind).or_default().add(change.class);
        }
        out
    }

    /// The one-line summary: `2 breaking (1 at compile time, 1 at run
    /// time), 3 compatible` (or `no changes`).
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

    /// Sorts the changes and makes one entry of those that differ only in
    /// their items or places (after adding some: notes from the caller).
    pub fn normalize(&mut self) {
        #[derive(Default)]
        struct Merged {
            items: Vec<String>,
            places: Vec<String>,
            evidence: Option<String>,
        }
        let mut merged: BTreeMap<Change, Merged> = BTreeMap::new();
        for change in self.changes.drain(..) {
            let mut key = change.clone();
            key.items.clear();
            key.places.clear();
            key.evidence = None;
            if key.frame.is_some() {
                key.detail.clear();
            }
            let entry = merged.entry(key).or_default();
            entry.items.extend(change.items);
            entry.places.extend(change.places);
            if entry.evidence.is_none() {
                entry.evidence = change.evidence;
            }
        }
        for (mut change, mut m) in merged {
            m.items.sort();
            m.items.dedup();
            m.places.sort();
            m.places.dedup();
            change.items = m.items;
            change.places = m.places;
            change.evidence = m.evidence;
            if change.frame.is_some() {
                change.detail = change.sentence();
            }
            self.changes.push(change);
        }
        self.changes.sort();
    }
}

/// Compares two OpenAPI 3.0 documents, for a client whose response enums
/// are closed unless documented as open, without Rust names.
pub fn diff(old: &Value, new: &Value) -> Report {
    diff_with(old, new, &Options::default())
}

/// Compares two OpenAPI 3.0 documents as `options` say.
pub fn diff_with(old: &Value, new: &Value, options: &Options<'_>) -> Report {
    let raw = walk::diff_documents(old, new, options);
    let findings = raw.len();
    let mut report = Report {
        changes: group::group(raw, options.rust),
        findings,
    };
    report.normalize();
    report
}
