//! What extraction did, for the person running it: fixups applied, pages
//! quarantined (and the check each failed), warnings, counts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::Origin;
use crate::names;
use openapi_model::Route;

/// A fixup applied to one page.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedFixup {
    /// The fixup's name (see [`crate::fixups::FIXUPS`]).
    pub fixup: &'static str,
    /// The page it touched.
    pub origin: Origin,
    /// What it changed.
    pub change: String,
}

/// The check a quarantined page failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Check {
    /// The page decodes: frontmatter, YAML, base64, zlib, JSON.
    Decode,
    /// The `api` object is an operation: a method, a path, responses.
    Operation,
    /// No other page declares the same route or `operationId`.
    Unique,
    /// The operation is valid OpenAPI 3.0 once placed in the document
    /// (it parses, its `$ref`s resolve, its parameters match its path).
    Valid,
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Check::Decode => "decode",
            Check::Operation => "operation",
            Check::Unique => "unique",
            Check::Valid => "valid",
        })
    }
}

/// An operation page left out of the document, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarantined {
    /// The page.
    pub origin: Origin,
    /// Its route, when the page got far enough to have one.
    pub route: Option<Route>,
    /// The check it failed.
    pub check: Check,
    /// What is wrong, in words.
    pub reason: String,
}

impl std::fmt::Display for Quarantined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(route) = &self.route {
            write!(f, " ({route})")?;
        }
        write!(f, ": failed check `{}`: {}", self.check, self.reason)
    }
}

/// What extraction did, for the person running it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    /// Operation pages read (kept and quarantined).
    pub operation_pages: usize,
    /// Tag pages read.
    pub tag_pages: usize,
    /// Info pages read.
    pub info_pages: usize,
    /// Pages whose `api` was base64 of deflated JSON.
    pub compressed_pages: usize,
    /// Operations in the document.
    pub operations: usize,
    /// Webhooks in the document (event-trigger pages, see [`crate::webhooks`]).
    pub webhooks: usize,
    /// Every fixup application.
    pub fixups: Vec<AppliedFixup>,
    /// Pages left out of the document, each with its reason.
    pub quarantined: Vec<Quarantined>,
    /// Component name → number of places referring to it.
    pub components: BTreeMap<String, usize>,
    /// Component name → the hash and first place of the shape it names:
    /// what a names lock keeps (see [`crate::NamesFile::lock_text`]).
    pub components_lock: names::Lock,
    /// Component names borrowed from another document (`--names-from`),
    /// and how each matched its shape.
    pub borrowed: BTreeMap<String, names::borrow::Match>,
    /// Things worth a look that did not stop extraction.
    pub warnings: Vec<String>,
}

impl Report {
    /// Operation pages that a fixup repaired and that are in the document.
    pub fn repaired(&self) -> usize {
        let quarantined: BTreeSet<&str> = self
            .quarantined
            .iter()
            .map(|q| q.origin.source.as_str())
            .collect();
        self.fixups
            .iter()
            .map(|f| f.origin.source.as_str())
            .filter(|source| !quarantined.contains(source))
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// The one-line summary: `N pages → N operations, N repaired, N
    /// quarantined` (and `N webhook(s)` after the operations, when there
    /// are any).
    pub fn summary(&self) -> String {
        let webhooks = if self.webhooks > 0 {
            format!(", {} webhook(s)", self.webhooks)
        } else {
            String::new()
        };
        format!(
            "{} operation page(s) → {} operation(s){webhooks}, {} repaired, {} quarantined",
            self.operation_pages,
            self.operations,
            self.repaired(),
            self.quarantined.len()
        )
    }

    /// The report for a person: pages read by kind (and `skipped` other
    /// files), every fixup with the page it touched, every warning, every
    /// quarantined page with its reason, and the summary; a line each.
    pub fn describe(&self, skipped: usize) -> String {
        let mut out = format!(
            "read {} operation page(s) ({} compressed), {} tag page(s), {} info page(s); skipped {skipped} other file(s)\n",
            self.operation_pages, self.compressed_pages, self.tag_pages, self.info_pages
        );
        for f in &self.fixups {
            out.push_str(&format!("fixup {}: {}: {}\n", f.fixup, f.origin, f.change));
        }
        if !self.borrowed.is_empty() {
            let exact = self
                .borrowed
                .values()
                .filter(|m| **m == names::borrow::Match::Exact)
                .count();
            out.push_str(&format!(
                "borrowed {} component name(s): {exact} exact, {} tolerant\n",
                self.borrowed.len(),
                self.borrowed.len() - exact
            ));
        }
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        for q in &self.quarantined {
            out.push_str(&format!("quarantined: {q}\n"));
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }
}

/// The result of [`crate::extract`].
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The OpenAPI 3.0.3 document: every operation that could be kept.
    pub document: Value,
    /// What was done on the way, and what was left out.
    pub report: Report,
}
