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
            _ => "Document".to_owned(),
        };
        out.entry(heading).or_default().push(change);
    }
    out
}

fn paint(text: &str, class: Class, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match class {
        Class::BreakingCompile => "31",
        Class::BreakingRuntime => "33",
        Class::Compatible => "32",
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
                };
                out.push_str(&format!(
                    "| {icon} | {} | {} | `{}` |\n",
                    c.detail.replace('|', "\\|"),
                    c.why.replace('|', "\\|"),
                    c.location.replace('|', "\\|")
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
