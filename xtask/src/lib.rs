//! The project's maintenance tasks, behind `cargo xtask`.
//!
//! `regen` is the main one: it reads the vendored docs pages (or others),
//! extracts `spec/openapi.json`, generates the client with the same
//! function `build.rs` uses, writes both (or, with `--check`, only says
//! whether they are fresh) and shows what changed.

#![warn(missing_docs)]

pub mod flags;
pub mod probe;
pub mod sources;
pub mod tasks;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use docusaurus_openapi_extract::{Extraction, NamesFile};

/// Where regen reads from and writes to, relative to the workspace root.
pub mod paths {
    /// The vendored upstream pages: regen's default input.
    pub const UPSTREAM: &str = "spec/upstream";
    /// The maintainers' component names.
    pub const NAMES: &str = "spec/names.yaml";
    /// The names given before: a shape keeps its name (written by regen).
    pub const NAMES_LOCK: &str = "spec/names.lock";
    /// The extracted document.
    pub const SPEC: &str = "spec/openapi.json";
    /// The committed copy of the generated client.
    pub const CLIENT: &str = "spec/generated/sailpoint.rs";
    /// The generated mock layer: the source of `sailpoint-httpmock`.
    pub const HTTPMOCK: &str = "crates/httpmock/src/generated.rs";
    /// The client crate's manifest: regen writes its API-area features.
    pub const CARGO_TOML: &str = "Cargo.toml";
    /// The mock layer's manifest: regen writes its features (the client's).
    pub const HTTPMOCK_CARGO_TOML: &str = "crates/httpmock/Cargo.toml";
    /// The decoders of the response-examples test.
    pub const RESPONSE_EXAMPLES: &str = sailpoint_codegen::response_examples::PATH;
}

/// The crate the mock layer imports the client's types from.
pub const CLIENT_CRATE: &str = "sailpoint";

/// The command that brings the generated files up to date.
pub const REGEN_COMMAND: &str = "cargo xtask regen";

/// What regen would write.
#[derive(Debug, Clone)]
pub struct Regenerated {
    /// Text of `spec/openapi.json`.
    pub spec: String,
    /// Text of the generated client.
    pub client: String,
    /// Text of the generated mock layer.
    pub httpmock: String,
    /// Text of the response-examples test's decoders.
    pub response_examples: String,
    /// Text of the names lock.
    pub lock: String,
    /// The extraction's report.
    pub extraction: Extraction,
    /// The adaptations applied for generation.
    pub adaptations: Vec<sailpoint_codegen::AppliedAdaptation>,
    /// Files in the input folders that are not pages.
    pub skipped: usize,
    /// The API areas (Cargo features), for the manifest.
    pub areas: Vec<sailpoint_codegen::areas::Area>,
}

/// One generated file, as it is and as it would be.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// Path relative to the root.
    pub path: &'static str,
    /// Current text (empty when the file does not exist).
    pub old: String,
    /// Regenerated text.
    pub new: String,
}

impl FileChange {
    /// Whether the file would change.
    pub fn changed(&self) -> bool {
        self.old != self.new
    }

    /// A unified diff of the change, with three lines of context.
    ///
    /// Patience diff with a deadline of a second: a whole site's generated client is
    /// megabytes, and an exact Myers diff of two unrelated versions of it
    /// took minutes; past the deadline the diff is coarser, never wrong.
    pub fn unified_diff(&self) -> String {
        similar::TextDiff::configure()
            .algorithm(similar::Algorithm::Patience)
            .deadline(std::time::Instant::now() + std::time::Duration::from_secs(1))
            .diff_lines(&self.old, &self.new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{}", self.path), &format!("b/{}", self.path))
            .to_string()
    }
}

/// Regenerates everything from the given upstream inputs (paths or URLs;
/// the vendored pages when empty). Writes nothing.
pub fn regenerate(root: &Path, upstream: &[String]) -> Result<Regenerated> {
    let inputs: Vec<String> = if upstream.is_empty() {
        vec![root.join(paths::UPSTREAM).display().to_string()]
    } else {
        upstream.to_vec()
    };
    let mut pages = sources::load(&inputs)?;
    // Name files relative to the root in messages and reports.
    let prefix = format!("{}/", root.display());
    for page in &mut pages.pages {
        if let Some(relative) = page.name.strip_prefix(&prefix) {
            page.name = relative.to_owned();
        }
    }
    let names = load_names(root)?;
    let extraction = docusaurus_openapi_extract::extract(&pages.pages, &names)?;
    let spec = docusaurus_openapi_extract::to_pretty_json(&extraction.document);
    let (generated, httpmock) = sailpoint_codegen::generate_with_httpmock(&spec, CLIENT_CRATE)
        .with_context(|| {
            format!(
                "generating the client and its mock layer from the spec extracted from {}",
                inputs.join(", ")
            )
        })?;
    let response_examples = sailpoint_codegen::response_examples::table(&spec)?;
    let lock = NamesFile::lock_text(&extraction.report.components_lock);
    let areas = sailpoint_codegen::areas::areas(&extraction.document);
    Ok(Regenerated {
        spec,
        client: generated.code,
        httpmock,
        response_examples,
        lock,
        extraction,
        adaptations: generated.adaptations,
        skipped: pages.skipped.len(),
        areas,
    })
}

/// Where regen writes the API areas in the manifest.
const AREAS_BEGIN: &str =
    "# BEGIN API areas: generated by `cargo xtask regen` from the API's services (or the docs' tags), do not edit.";
const AREAS_END: &str = "# END API areas";

/// The manifest `old` with its API-area features replaced by `areas`' (the
/// lines between the markers); `old` itself when it has no markers. With
/// `forward_to`, each feature enables the feature of that name of the
/// crate `forward_to` (the mock layer's features are the client's).
pub fn manifest_with_areas(
    old: &str,
    areas: &[sailpoint_codegen::areas::Area],
    forward_to: Option<&str>,
) -> String {
    let (Some(begin), Some(end)) = (old.find(AREAS_BEGIN), old.find(AREAS_END)) else {
        return old.to_owned();
    };
    if end < begin {
        return old.to_owned();
    }
    let mut block = format!("{AREAS_BEGIN}\nfull = [\n");
    for area in areas {
        block.push_str(&format!("    \"{}\",\n", area.feature));
    }
    block.push_str("]\n");
    for area in areas {
        let enables = match forward_to {
            Some(krate) => format!("\"{krate}/{}\"", area.feature),
            None => String::new(),
        };
        block.push_str(&format!(
            "# {} ({} operation(s))\n{} = [{enables}]\n",
            area.name, area.operations, area.feature
        ));
    }
    format!("{}{block}{}", &old[..begin], &old[end..])
}

/// The generated files, current and regenerated.
pub fn file_changes(root: &Path, regenerated: &Regenerated) -> Vec<FileChange> {
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_default();
    vec![
        FileChange {
            path: paths::SPEC,
            old: read(paths::SPEC),
            new: regenerated.spec.clone(),
        },
        FileChange {
            path: paths::CLIENT,
            old: read(paths::CLIENT),
            new: regenerated.client.clone(),
        },
        FileChange {
            path: paths::HTTPMOCK,
            old: read(paths::HTTPMOCK),
            new: regenerated.httpmock.clone(),
        },
        FileChange {
            path: paths::RESPONSE_EXAMPLES,
            old: read(paths::RESPONSE_EXAMPLES),
            new: regenerated.response_examples.clone(),
        },
        FileChange {
            path: paths::NAMES_LOCK,
            old: read(paths::NAMES_LOCK),
            new: regenerated.lock.clone(),
        },
        {
            let old = read(paths::CARGO_TOML);
            let new = manifest_with_areas(&old, &regenerated.areas, None);
            FileChange {
                path: paths::CARGO_TOML,
                old,
                new,
            }
        },
        {
            let old = read(paths::HTTPMOCK_CARGO_TOML);
            let new = manifest_with_areas(&old, &regenerated.areas, Some("sailpoint"));
            FileChange {
                path: paths::HTTPMOCK_CARGO_TOML,
                old,
                new,
            }
        },
    ]
}

/// Writes the changed files, each to a temporary file renamed into place,
/// so that an interrupted regen never leaves a half-written file.
pub fn write_changes(root: &Path, changes: &[FileChange]) -> Result<()> {
    for change in changes.iter().filter(|c| c.changed()) {
        write_atomically(&root.join(change.path), &change.new)?;
    }
    Ok(())
}

/// Writes `text` to a temporary file beside `path`, then renames it.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    docusaurus_openapi_extract::write_atomically(path, text)
        .with_context(|| format!("writing {}", path.display()))
}

/// What `regen` found.
#[derive(Debug)]
pub struct RegenOutcome {
    /// The report of extraction and generation.
    pub report: String,
    /// What changed in the spec, in meaning: the committed spec against the new one.
    pub drift: spec_drift::Report,
    /// The generated files, as they are and as they would be.
    pub changes: Vec<FileChange>,
    /// The unified diffs of the files that change.
    pub diff: String,
    /// Whether the files were written.
    pub written: bool,
    /// Upstream pages left out of the client, each with its reason.
    pub quarantined: Vec<docusaurus_openapi_extract::Quarantined>,
}

impl RegenOutcome {
    /// Whether anything is (or was) out of date.
    pub fn stale(&self) -> bool {
        self.changes.iter().any(FileChange::changed)
    }

    /// The paths that change.
    pub fn changed_paths(&self) -> Vec<&'static str> {
        self.changes
            .iter()
            .filter(|c| c.changed())
            .map(|c| c.path)
            .collect()
    }
}

/// `cargo xtask regen`: regenerates from `upstream` (the vendored pages when
/// empty) and, unless `check`, writes what changed. Nothing is written when
/// anything fails.
pub fn regen(root: &Path, upstream: &[String], check: bool) -> Result<RegenOutcome> {
    let regenerated = regenerate(root, upstream)?;
    let changes = file_changes(root, &regenerated);
    let old_spec: serde_json::Value = match std::fs::read_to_string(root.join(paths::SPEC)) {
        Ok(text) => serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON; delete it and rerun", paths::SPEC))?,
        Err(_) => serde_json::json!({}),
    };
    let mut drift = spec_drift::diff(&old_spec, &regenerated.extraction.document);
    if old_spec.get("paths").is_some() {
        drift.changes.extend(adaptation_notes(
            &old_spec,
            &regenerated.extraction.document,
        ));
        drift
            .changes
            .extend(fixup_notes(&old_spec, &regenerated.extraction.document));
        drift.normalize();
    }
    let diff: String = changes
        .iter()
        .filter(|c| c.changed())
        .map(FileChange::unified_diff)
        .collect();
    let stale = changes.iter().any(FileChange::changed);
    if stale && !check {
        write_changes(root, &changes)?;
    }
    Ok(RegenOutcome {
        report: describe(&regenerated),
        drift,
        changes,
        diff,
        written: stale && !check,
        quarantined: regenerated.extraction.report.quarantined.clone(),
    })
}

/// The project's names file (`spec/names.yaml`); none is an empty one.
pub fn load_names(root: &Path) -> Result<NamesFile> {
    let path = root.join(paths::NAMES);
    let mut names = match std::fs::read_to_string(&path) {
        Ok(text) => NamesFile::parse(&path.display().to_string(), &text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => NamesFile::default(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let lock = root.join(paths::NAMES_LOCK);
    match std::fs::read_to_string(&lock) {
        Ok(text) => names.lock = NamesFile::parse_lock(&lock.display().to_string(), &text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", lock.display())),
    }
    Ok(names)
}

/// One side of a diff, as read.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// The document.
    pub document: serde_json::Value,
    /// The names its shapes got (empty for a spec file).
    pub lock: docusaurus_openapi_extract::names::Lock,
}

/// Reads one side of `cargo xtask diff`: an OpenAPI JSON file, a docs page,
/// a folder of pages, or an http(s) URL of either. Pages are extracted with
/// the project's names file, their shapes named as `lock` named them (the
/// other side's names, so that a shape both sides have is named alike).
pub fn load_side(
    root: &Path,
    input: &str,
    lock: Option<&docusaurus_openapi_extract::names::Lock>,
) -> Result<Side> {
    let is_url = input.starts_with("http://") || input.starts_with("https://");
    let text_of_file = |path: &Path| -> Result<Option<String>> {
        if path.is_dir() {
            return Ok(None);
        }
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Some(text))
    };
    let (text, source) = if is_url {
        let page = sources::fetch(input)?;
        (Some(page.text.clone()), Some(page))
    } else {
        (text_of_file(Path::new(input))?, None)
    };
    if let Some(text) = &text {
        if text.trim_start().starts_with('{') {
            let document =
                serde_json::from_str(text).with_context(|| format!("{input}: not valid JSON"))?;
            return Ok(Side {
                document,
                ..Side::default()
            });
        }
    }
    let mut names = load_names(root)?;
    if let Some(lock) = lock {
        names.lock = lock.clone();
    }
    let pages = match source {
        Some(page) => vec![page],
        None => sources::load(&[input.to_owned()])?.pages,
    };
    let extraction = docusaurus_openapi_extract::extract(&pages, &names)?;
    for q in &extraction.report.quarantined {
        eprintln!("{input}: quarantined (left out of this side): {q}");
    }
    Ok(Side {
        document: extraction.document,
        lock: extraction.report.components_lock,
    })
}

/// A drift line for information, about the whole document.
fn info_note(kind: spec_drift::Kind, why: &str, detail: String) -> spec_drift::Change {
    spec_drift::Change {
        operation: None,
        method: None,
        path: None,
        location: String::new(),
        kind,
        class: spec_drift::Class::Info,
        why: why.into(),
        detail,
        places: Vec::new(),
        evidence: None,
    }
}

/// What changed in the repairs extraction made, from each document's
/// `x-sailpoint-fixups`: a fixup that applied to a page on the old side and
/// not on the new one means upstream fixed that bug (the spec may be the
/// same, since the fixup had hidden the bug); one that starts to apply
/// means a new upstream bug, repaired. Information for the drift report,
/// one line per fixup and page; nothing when a side does not say (a spec
/// not made by this extractor).
pub fn fixup_notes(old: &serde_json::Value, new: &serde_json::Value) -> Vec<spec_drift::Change> {
    use std::collections::BTreeSet;
    let applied = |doc: &serde_json::Value| -> Option<BTreeSet<(String, String)>> {
        let list = doc
            .get(docusaurus_openapi_extract::FIXUPS_EXTENSION)?
            .as_array()?;
        Some(
            list.iter()
                .filter_map(|e| {
                    Some((
                        e.get("fixup")?.as_str()?.to_owned(),
                        e.get("page")?.as_str()?.to_owned(),
                    ))
                })
                .collect(),
        )
    };
    // A document from pages that needed no fixup has no list at all.
    let from_pages = |doc: &serde_json::Value| doc.get("paths").is_some();
    let (before, after) = match (applied(old), applied(new)) {
        (None, None) => return Vec::new(),
        (Some(b), None) if from_pages(new) => (b, BTreeSet::new()),
        (None, Some(a)) if from_pages(old) => (BTreeSet::new(), a),
        (Some(b), Some(a)) => (b, a),
        _ => return Vec::new(),
    };
    let summary = |name: &str| {
        docusaurus_openapi_extract::fixups::FIXUPS
            .iter()
            .find(|f| f.name == name)
            .map_or("", |f| f.summary)
    };
    let why = "extraction repairs this; the client does not change because of it";
    let note = |kind, detail| info_note(kind, why, detail);
    let mut notes = Vec::new();
    for (fixup, page) in before.difference(&after) {
        notes.push(note(
            spec_drift::Kind::FixupNoLongerNeeded,
            format!(
                "upstream fixed: {}; fixup `{fixup}` no longer needed for page `{page}`",
                summary(fixup)
            ),
        ));
    }
    for (fixup, page) in after.difference(&before) {
        notes.push(note(
            spec_drift::Kind::FixupNowNeeded,
            format!(
                "upstream bug: {}; fixup `{fixup}` now repairs page `{page}`",
                summary(fixup)
            ),
        ));
    }
    notes
}

/// What changed in how the code generator adapts the spec: an adaptation
/// that starts or stops applying, or applies at more or fewer places (a
/// new enum documented as open, an error body merged differently). One
/// line per adaptation; information for the drift report.
pub fn adaptation_notes(
    old: &serde_json::Value,
    new: &serde_json::Value,
) -> Vec<spec_drift::Change> {
    use std::collections::BTreeMap;
    let applied = |doc: &serde_json::Value| -> BTreeMap<&'static str, usize> {
        let mut copy = doc.clone();
        let mut counts = BTreeMap::new();
        for a in
            sailpoint_codegen::adaptations::adapt_with(&mut copy, sailpoint_codegen::ADAPTATIONS)
        {
            *counts.entry(a.adaptation).or_default() += 1;
        }
        counts
    };
    let (before, after) = (applied(old), applied(new));
    let mut notes = Vec::new();
    for adaptation in sailpoint_codegen::ADAPTATIONS {
        let (was, now) = (
            before.get(adaptation.name).copied().unwrap_or(0),
            after.get(adaptation.name).copied().unwrap_or(0),
        );
        let (kind, detail) = match (was, now) {
            (w, n) if w == n => continue,
            (0, n) => (
                spec_drift::Kind::AdaptationNowApplies,
                format!(
                    "adaptation `{}` now applies ({n} change(s)): {}",
                    adaptation.name, adaptation.summary
                ),
            ),
            (w, 0) => (
                spec_drift::Kind::AdaptationNoLongerApplies,
                format!(
                    "adaptation `{}` no longer applies (was {w} change(s)): {}",
                    adaptation.name, adaptation.summary
                ),
            ),
            (w, n) => (
                spec_drift::Kind::AdaptationChanged,
                format!(
                    "adaptation `{}` now makes {n} change(s), was {w}",
                    adaptation.name
                ),
            ),
        };
        notes.push(info_note(
            kind,
            "how the code generator adapts the spec changed",
            detail,
        ));
    }
    notes
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The report of what extraction and generation did, for stderr.
pub fn describe(regenerated: &Regenerated) -> String {
    let r = &regenerated.extraction.report;
    let mut out = r.describe(regenerated.skipped);
    if !r.components.is_empty() {
        let names: Vec<String> = r
            .components
            .iter()
            .map(|(n, uses)| format!("{n} ×{uses}"))
            .collect();
        out.push_str(&format!("components restored: {}\n", names.join(", ")));
    }
    out.push_str(&describe_adaptations(&regenerated.adaptations));
    out
}

/// The adaptations, one line per change, but at most [`SHOWN_CHANGES`] per
/// adaptation (then how many more): on a whole site one adaptation can
/// make hundreds of alike changes.
pub fn describe_adaptations(adaptations: &[sailpoint_codegen::AppliedAdaptation]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < adaptations.len() {
        let name = adaptations[i].adaptation;
        let same = adaptations[i..]
            .iter()
            .take_while(|a| a.adaptation == name)
            .count();
        for a in &adaptations[i..i + same.min(SHOWN_CHANGES)] {
            out.push_str(&format!("adaptation {}: {}\n", a.adaptation, a.change));
        }
        if same > SHOWN_CHANGES {
            out.push_str(&format!(
                "adaptation {name}: ... and {} more change(s) ({same} in all)\n",
                same - SHOWN_CHANGES
            ));
        }
        i += same;
    }
    out
}

/// How many changes of one adaptation the report lists.
pub const SHOWN_CHANGES: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_alike_adaptation_changes_are_counted_not_all_listed() {
        let applied = |adaptation: &'static str, n: usize| {
            (0..n).map(move |i| sailpoint_codegen::AppliedAdaptation {
                adaptation,
                change: format!("change {i}"),
            })
        };
        let all: Vec<_> = applied("a", 2).chain(applied("b", 8)).collect();
        let text = describe_adaptations(&all);
        assert_eq!(text.lines().count(), 2 + SHOWN_CHANGES + 1, "{text}");
        assert!(text.contains("adaptation a: change 1\n"));
        assert!(text.contains("adaptation b: change 4\n"));
        assert!(!text.contains("adaptation b: change 5\n"));
        assert!(text.contains("adaptation b: ... and 3 more change(s) (8 in all)\n"));
    }
}
