//! Text, Markdown and JSON forms of a report.

use std::collections::BTreeMap;

use crate::{Change, Class, Report};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Readable text, grouped by operation.
    Text,
    /// Markdown, for a pull request.
    Markdown,
    /// JSON, in the documented schema.
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown format `{other}`: use text, markdown or json"
            )),
        }
    }
}

fn groups(report: &Report) -> BTreeMap<String, Vec<&Change>> {
    let mut out: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for change in &report.changes {
        let heading = match (&change.operation, &change.method, &change.path) {
            (Some(id), Some(m), Some(p)) => format!("{} {p} ({id})", m.to_uppercase()),
            _ if !change.places.is_empty() => "Shared types".to_owned(),
            _ => "Document".to_owned(),
        };
        out.entry(heading).or_default().push(change);
    }
    out
}

/// The places of a shared change, by operation: `response 400, response
/// 403 of sendTestNotification; request body of createWidget`, at most
/// eight operations named.
fn places_line(places: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut by_op: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for place in places {
        let (op, at) = place.split_once(": ").unwrap_or(("", place));
        by_op.entry(op).or_default().push(at);
    }
    let mut parts: Vec<String> = by_op
        .iter()
        .take(SHOWN)
        .map(|(op, at)| {
            let mut at = at.clone();
            at.dedup();
            if op.is_empty() {
                at.join(", ")
            } else {
                format!("{} of {op}", at.join(", "))
            }
        })
        .collect();
    if by_op.len() > SHOWN {
        parts.push(format!("{} more operations", by_op.len() - SHOWN));
    }
    parts.join("; ")
}

fn paint(text: &str, class: Class, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match class {
        Class::BreakingCompile => "31",
        Class::BreakingRuntime => "33",
        Class::Compatible => "32",
        Class::Info => "36",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

impl Report {
    /// Readable text grouped by operation, the summary line first. ANSI
    /// colours only when `color`.
    pub fn to_text(&self, color: bool) -> String {
        let mut out = format!("{}\n", self.summary_line());
        for (heading, changes) in groups(self) {
            out.push_str(&format!("\n{heading}\n"));
            for c in changes {
                let label = format!("{:<20}", c.class.label());
                out.push_str(&format!(
                    "  {} {}: {}\n      at {}\n",
                    paint(&label, c.class, color),
                    c.detail,
                    c.why,
                    if c.location.is_empty() {
                        "(operation)"
                    } else {
                        &c.location
                    }
                ));
                if !c.places.is_empty() {
                    out.push_str(&format!("      in {}\n", places_line(&c.places)));
                }
                if let Some(evidence) = &c.evidence {
                    out.push_str(&format!("      e.g. the server sends {evidence}\n"));
                }
            }
        }
        out
    }

    /// Markdown for a pull request: the summary, then a table per operation.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("**API drift: {}**\n", self.summary_line());
        for (heading, changes) in groups(self) {
            out.push_str(&format!(
                "\n### `{heading}`\n\n| impact | change | why | where |\n|---|---|---|---|\n"
            ));
            for c in changes {
                let icon = match c.class {
                    Class::BreakingCompile => "🔴 breaking (compile)",
                    Class::BreakingRuntime => "🟠 breaking (run time)",
                    Class::Compatible => "🟢 compatible",
                    Class::Info => "ℹ️ information",
                };
                let mut place = format!("`{}`", c.location.replace('|', "\\|"));
                if !c.places.is_empty() {
                    place.push_str(&format!(
                        " in {}",
                        places_line(&c.places).replace('|', "\\|")
                    ));
                }
                out.push_str(&format!(
                    "| {icon} | {} | {} | {place} |\n",
                    c.detail.replace('|', "\\|"),
                    c.why.replace('|', "\\|"),
                ));
            }
        }
        out
    }

    /// The documented JSON form (see the crate docs), pretty, with a trailing newline.
    pub fn to_json(&self) -> String {
        let value = serde_json::json!({
            "summary": self.summary(),
            "changes": self.changes,
        });
        let mut out = serde_json::to_string_pretty(&value).expect("a report serializes");
        out.push('\n');
        out
    }
}
