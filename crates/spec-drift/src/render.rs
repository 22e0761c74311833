//! Text, Markdown and JSON forms of a report: the summary first (counts,
//! then the few changes that break callers at compile time, then at run
//! time, then counts by kind), the details below, one heading per
//! operation and per type, one line per cause.

use std::collections::BTreeMap;

use crate::{Change, Class, Report};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Readable text: the summary, then the details.
    Text,
    /// Markdown, for a pull request or a migration guide.
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

/// How many breaking entries of each class the summary lists.
const LISTED: usize = 12;

/// Where the details of an entry are: its section and heading.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Heading {
    Document,
    Across,
    Type(String),
    Operation(String),
}

impl Heading {
    fn of(change: &Change) -> Heading {
        match (&change.operation, &change.method, &change.path) {
            (Some(id), Some(m), Some(p)) => {
                let rust = change
                    .rust_method
                    .as_deref()
                    .map(|r| format!(" `{r}`"))
                    .unwrap_or_default();
                Heading::Operation(format!("{} {p} ({id}){rust}", m.to_uppercase()))
            }
            _ => match type_of(&change.location) {
                Some(name) if !change.places.is_empty() => Heading::Type(name.to_owned()),
                _ if !change.places.is_empty() => Heading::Across,
                _ => Heading::Document,
            },
        }
    }

    fn title(&self) -> String {
        match self {
            Heading::Document => "Document".into(),
            Heading::Across => "Across the API".into(),
            Heading::Type(name) => format!("type `{name}`"),
            Heading::Operation(h) => h.clone(),
        }
    }
}

/// The component a location is in (`components.schemas['Owner'].x` →
/// `Owner`).
fn type_of(location: &str) -> Option<&str> {
    location
        .strip_prefix("components.schemas['")
        .and_then(|rest| rest.split_once("']"))
        .map(|(name, _)| name)
}

fn groups(report: &Report) -> BTreeMap<Heading, Vec<&Change>> {
    let mut out: BTreeMap<Heading, Vec<&Change>> = BTreeMap::new();
    for change in &report.changes {
        out.entry(Heading::of(change)).or_default().push(change);
    }
    out
}

/// The places of an entry, by operation: `response 400, response 403 of
/// sendTestNotification; request body of createWidget`, at most eight
/// operations named.
fn places_line(places: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut by_op: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for place in places {
        let (op, at) = place.split_once(": ").unwrap_or(("", place));
        by_op.entry(op).or_default().push(at);
    }
    let parts: Vec<String> = by_op
        .iter()
        .take(SHOWN)
        .map(|(op, at)| {
            let mut at = at.clone();
            at.dedup();
            if op.is_empty() {
                at.join(", ")
            } else if at == ["(operation)"] {
                (*op).to_owned()
            } else {
                format!("{} of {op}", at.join(", "))
            }
        })
        .collect();
    if by_op.len() > SHOWN {
        let count = if places.len() == by_op.len() {
            format!("{} operations", by_op.len())
        } else {
            format!("{} places of {} operations", places.len(), by_op.len())
        };
        return format!(
            "{count} ({} and {} more)",
            by_op.keys().take(3).copied().collect::<Vec<_>>().join(", "),
            by_op.len() - 3
        );
    }
    parts.join("; ")
}

/// Where an entry is, under its heading, in one line (none when the
/// heading says it all): the place in the operation or type, the Rust
/// name, and the places that reach it.
fn where_line(heading: &Heading, c: &Change) -> String {
    let mut parts = Vec::new();
    let location = match heading {
        Heading::Type(name) => {
            let root = format!("components.schemas['{name}']");
            c.location
                .strip_prefix(&root)
                .unwrap_or(&c.location)
                .to_owned()
        }
        // Several places: the places say where.
        _ if c.location.ends_with(" places") => String::new(),
        // A part of the operation the detail names (`security`,
        // `parameters['limit']`, `responses`): said already.
        _ if !c.location.contains(".content[") && !c.location.contains(".schema") => String::new(),
        _ => c.location.clone(),
    };
    let rust = c.rust.as_deref().filter(|r| match heading {
        Heading::Type(name) => r != name,
        _ => r.contains("::"),
    });
    match (location.is_empty(), rust) {
        (false, Some(r)) => parts.push(format!("at {location} (`{r}`)")),
        (false, None) => parts.push(format!("at {location}")),
        (true, Some(r)) => parts.push(format!("(`{r}`)")),
        (true, None) => {}
    }
    // Operations an entry names as its items need no places line.
    let named =
        c.places.len() == c.items.len() && c.places.iter().all(|p| p.ends_with(": (operation)"));
    if !c.places.is_empty() && !named {
        parts.push(format!("in {}", places_line(&c.places)));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("      {}\n", parts.join(" "))
    }
}

/// How many operations an entry reaches (at least one).
fn reach(change: &Change) -> usize {
    let ops: std::collections::BTreeSet<&str> = change
        .places
        .iter()
        .map(|p| p.split_once(": ").map_or(p.as_str(), |(op, _)| op))
        .collect();
    ops.len().max(1)
}

/// The entry in one line for the summary: what, and where.
fn summary_entry(change: &Change) -> String {
    let mut detail = change.detail.clone();
    if detail.chars().count() > 110 {
        detail = detail.chars().take(107).collect::<String>() + "...";
    }
    let place = match (&change.operation, &change.method, &change.path) {
        (Some(id), Some(m), Some(p)) => {
            let who = change
                .rust_method
                .as_deref()
                .map_or_else(|| id.clone(), |r| format!("`{r}`"));
            format!("{} {p} ({who})", m.to_uppercase())
        }
        _ => {
            let n = reach(change);
            let ops = if n == 1 {
                "1 operation".to_owned()
            } else {
                format!("{n} operations")
            };
            match type_of(&change.location) {
                Some(t) => format!("type `{t}`, {ops}"),
                None if change.places.is_empty() => "the document".to_owned(),
                None => ops,
            }
        }
    };
    format!("{detail} — {place}")
}

/// The breaking entries of a class, the widest first.
fn breaking(report: &Report, class: Class) -> Vec<&Change> {
    let mut list: Vec<&Change> = report.changes.iter().filter(|c| c.class == class).collect();
    list.sort_by(|a, b| reach(b).cmp(&reach(a)).then_with(|| a.cmp(b)));
    list
}

/// The summary's sections: the breaking entries at compile time, then at
/// run time (none when there are none), with their titles.
fn breaking_sections(report: &Report) -> Vec<(Class, &'static str, Vec<&Change>)> {
    [
        (Class::BreakingCompile, "Breaks code at compile time"),
        (Class::BreakingRuntime, "Breaks calls at run time"),
    ]
    .into_iter()
    .map(|(class, title)| (class, title, breaking(report, class)))
    .filter(|(_, _, list)| !list.is_empty())
    .collect()
}

/// A class as a Markdown table shows it.
pub(crate) fn icon(class: Class) -> &'static str {
    match class {
        Class::BreakingCompile => "🔴 breaking (compile)",
        Class::BreakingRuntime => "🟠 breaking (run time)",
        Class::Compatible => "🟢 compatible",
        Class::Info => "ℹ️ information",
    }
}

/// Counts by kind, in one run of text: `property-removed 3 (3 compile)`.
fn kinds_line(report: &Report) -> Vec<String> {
    report
        .by_kind()
        .into_iter()
        .map(|(kind, s)| {
            let parts: Vec<String> = [
                (s.breaking_compile, "compile"),
                (s.breaking_runtime, "run time"),
                (s.compatible, "compatible"),
                (s.info, "info"),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            if parts.len() == 1 {
                format!("{kind} {}", parts[0])
            } else {
                format!("{kind} {} ({})", s.total(), parts.join(", "))
            }
        })
        .collect()
}

/// Words joined by `sep`, wrapped at `width` columns after `indent`.
fn wrap(words: &[String], sep: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for (i, word) in words.iter().enumerate() {
        let piece = if i + 1 < words.len() {
            format!("{word}{sep}")
        } else {
            word.clone()
        };
        if !line.is_empty() && indent.len() + line.len() + piece.len() > width {
            out.push_str(indent);
            out.push_str(line.trim_end());
            out.push('\n');
            line.clear();
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
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
        Class::Info => "36",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

impl Report {
    /// The summary as text: the counts line, how the findings were
    /// grouped, the breaking entries (at most twelve of each class, the
    /// widest first) and the counts by kind.
    pub fn summary_text(&self, color: bool) -> String {
        let mut out = format!("{}\n", self.summary_line());
        if self.is_empty() {
            return out;
        }
        let entries = self.changes.len();
        if self.findings > entries {
            out.push_str(&format!(
                "({} differences found, one entry per cause)\n",
                self.findings
            ));
        }
        for (class, title, list) in breaking_sections(self) {
            out.push_str(&format!(
                "\n{} ({}):\n",
                paint(title, class, color),
                list.len()
            ));
            for change in list.iter().take(LISTED) {
                out.push_str(&format!("  - {}\n", summary_entry(change)));
            }
            if list.len() > LISTED {
                out.push_str(&format!("  ... and {} more below\n", list.len() - LISTED));
            }
        }
        out.push_str("\nBy kind:\n");
        out.push_str(&wrap(&kinds_line(self), " · ", "  ", 100));
        out
    }

    /// Readable text: the summary, then the details grouped by operation
    /// and type. ANSI colours only when `color`.
    pub fn to_text(&self, color: bool) -> String {
        let mut out = self.summary_text(color);
        if self.is_empty() {
            return out;
        }
        out.push('\n');
        for (heading, changes) in groups(self) {
            out.push_str(&format!("{}\n", heading.title()));
            for c in changes {
                let label = format!("{:<20}", c.class.label());
                out.push_str(&format!(
                    "  {} {}: {}\n",
                    paint(&label, c.class, color),
                    c.detail,
                    c.why,
                ));
                out.push_str(&where_line(&heading, c));
                if c.items.len() > 8 {
                    out.push_str("      all:\n");
                    out.push_str(&wrap(&c.items, ", ", "        ", 100));
                }
                if let Some(evidence) = &c.evidence {
                    out.push_str(&format!("      e.g. the server sends {evidence}\n"));
                }
            }
        }
        out
    }

    /// Markdown for a pull request: the summary, then a table per
    /// operation and type.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("**API drift: {}**\n", self.summary_line());
        if self.is_empty() {
            return out;
        }
        if self.findings > self.changes.len() {
            out.push_str(&format!(
                "\n{} differences found, one entry per cause.\n",
                self.findings
            ));
        }
        for (_, title, list) in breaking_sections(self) {
            out.push_str(&format!("\n**{title} ({}):**\n\n", list.len()));
            for change in list.iter().take(LISTED) {
                out.push_str(&format!(
                    "- {}\n",
                    summary_entry(change).replace('|', "\\|")
                ));
            }
            if list.len() > LISTED {
                out.push_str(&format!("- ... and {} more below\n", list.len() - LISTED));
            }
        }
        out.push_str(&format!(
            "\n**By kind:** {}\n",
            kinds_line(self).join(" · ")
        ));
        for (heading, changes) in groups(self) {
            out.push_str(&format!(
                "\n### {}\n\n| impact | change | why | where |\n|---|---|---|---|\n",
                heading.title()
            ));
            for c in changes {
                let icon = icon(c.class);
                let mut place = format!("`{}`", c.location.replace('|', "\\|"));
                if let Some(rust) = c.rust.as_deref().filter(|r| r.contains("::")) {
                    place.push_str(&format!(" (`{rust}`)"));
                }
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

    /// The documented JSON form (see the crate docs), pretty, with a
    /// trailing newline.
    pub fn to_json(&self) -> String {
        let mut summary = serde_json::to_value(self.summary()).expect("a summary serializes");
        summary["findings"] = self.findings.into();
        let by_kind: serde_json::Map<String, serde_json::Value> = self
            .by_kind()
            .into_iter()
            .map(|(kind, s)| {
                let counts: serde_json::Map<String, serde_json::Value> = [
                    ("breaking-compile", s.breaking_compile),
                    ("breaking-runtime", s.breaking_runtime),
                    ("compatible", s.compatible),
                    ("info", s.info),
                ]
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| (k.to_owned(), n.into()))
                .collect();
                (kind.as_str().to_owned(), counts.into())
            })
            .collect();
        summary["by_kind"] = by_kind.into();
        let value = serde_json::json!({
            "summary": summary,
            "changes": self.changes,
        });
        let mut out = serde_json::to_string_pretty(&value).expect("a report serializes");
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_the_width() {
        let words: Vec<String> = (0..30).map(|i| format!("word{i}")).collect();
        let text = wrap(&words, ", ", "  ", 40);
        assert!(text.lines().all(|l| l.len() <= 40), "{text}");
        assert_eq!(text.matches("word").count(), 30);
        assert!(text.ends_with("word29\n"));
    }

    #[test]
    fn places_are_named_by_operation() {
        let places = vec![
            "getA: response 200".to_owned(),
            "getA: response 400".to_owned(),
            "getB: (operation)".to_owned(),
        ];
        assert_eq!(
            places_line(&places),
            "response 200, response 400 of getA; getB"
        );
        let many: Vec<String> = (0..10).map(|i| format!("op{i}: (operation)")).collect();
        assert_eq!(
            places_line(&many),
            "10 operations (op0, op1, op2 and 7 more)"
        );
        let mut more = many.clone();
        more.push("op0: response 400".into());
        assert_eq!(
            places_line(&more),
            "11 places of 10 operations (op0, op1, op2 and 7 more)"
        );
    }
}
