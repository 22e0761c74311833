//! The project's maintenance tasks, behind `cargo xtask`.
//!
//! `regen` is the main one: it reads the vendored docs pages (or others),
//! extracts `spec/openapi.json`, generates the client with the same
//! function `build.rs` uses, writes both (or, with `--check`, only says
//! whether they are fresh) and shows what changed.

#![warn(missing_docs)]

pub mod drift;
pub mod flags;
pub mod probe;
pub mod refresh;
pub mod sources;
pub mod tasks;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use docusaurus_openapi_extract::{Extraction, NamesFile};

pub use drift::{adaptation_notes, fixup_notes, load_side, Side};

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
    /// What the generator could not take and got untyped, with why.
    pub degraded: Vec<sailpoint_codegen::Degradation>,
    /// Files in the input folders that are not pages.
    pub skipped: usize,
    /// The API areas (Cargo features), for the manifest.
    pub areas: Vec<sailpoint_codegen::areas::Area>,
    /// How long each step took.
    pub timings: RegenTimings,
}

/// How long the steps of a regeneration took.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegenTimings {
    /// Reading the pages and extracting the spec from them.
    pub extract: std::time::Duration,
    /// Generating the client and its mock layer.
    pub generate: std::time::Duration,
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
    regenerate_degrading(root, upstream, None)
}

/// Compiles `regenerated`'s client (a probe of its spec, without what the
/// spec asked to degrade before), and regenerates with the culprits of its
/// compile errors degraded.
fn compiled(root: &Path, upstream: &[String], regenerated: Regenerated) -> Result<Regenerated> {
    let mut spec: serde_json::Value = serde_json::from_str(&regenerated.spec)?;
    if let Some(document) = spec.as_object_mut() {
        document.remove(sailpoint_codegen::degrade::DEGRADE_EXT);
    }
    let scratch =
        std::env::temp_dir().join(format!("sailpoint-regen-compile-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let path = scratch.join("spec.json");
    std::fs::write(&path, docusaurus_openapi_extract::to_pretty_json(&spec))?;
    let probe = probe::probe(std::slice::from_ref(&path));
    let _ = std::fs::remove_dir_all(&scratch);
    let probe = probe?;
    let Some(found) = probe.specs.first() else {
        anyhow::bail!("the probe of the regenerated spec reported nothing");
    };
    if let Some(error) = &found.error {
        anyhow::bail!("the regenerated spec does not generate: {error}");
    }
    if !probe.compiles {
        anyhow::bail!(
            "the regenerated client does not compile, and no schema or operation could be blamed for: {}",
            probe.first_error.as_deref().unwrap_or("(no message)")
        );
    }
    // What the generator degrades by itself is not asked for: only the
    // culprits of compile errors.
    let own =
        sailpoint_codegen::generate(&docusaurus_openapi_extract::to_pretty_json(&spec))?.degraded;
    let asked: Vec<sailpoint_codegen::Degradation> = found
        .degraded
        .iter()
        .filter(|d| !own.contains(d))
        .cloned()
        .collect();
    regenerate_degrading(root, upstream, Some(&asked))
}

/// The degradations `spec/openapi.json` asks for (the culprits of compile
/// errors a `--compile` regen found): kept by every regen until the next
/// `--compile` one, so that the spec, and every client generated from it,
/// stays as that regen left it.
fn persisted_degradations(root: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(root.join(paths::SPEC))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|spec| spec.get(sailpoint_codegen::degrade::DEGRADE_EXT).cloned())
        .and_then(|list| list.as_array().cloned())
        .unwrap_or_default()
}

/// [`regenerate`], with the spec asking for `degrade` (the culprits of
/// compile errors) instead of what `spec/openapi.json` asks for now.
pub fn regenerate_degrading(
    root: &Path,
    upstream: &[String],
    degrade: Option<&[sailpoint_codegen::Degradation]>,
) -> Result<Regenerated> {
    let inputs: Vec<String> = if upstream.is_empty() {
        vec![root.join(paths::UPSTREAM).display().to_string()]
    } else {
        upstream.to_vec()
    };
    let started = std::time::Instant::now();
    let mut pages = sources::load(&inputs)?;
    // Name files relative to the root in messages and reports.
    let prefix = format!("{}/", root.display());
    for page in &mut pages.pages {
        if let Some(relative) = page.name.strip_prefix(&prefix) {
            page.name = relative.to_owned();
        }
    }
    let names = load_names(root)?;
    let mut extraction = docusaurus_openapi_extract::extract(&pages.pages, &names)?;
    let asked: Vec<serde_json::Value> = match degrade {
        Some(list) => list
            .iter()
            .map(sailpoint_codegen::Degradation::to_json)
            .collect(),
        None => persisted_degradations(root),
    };
    if let (false, Some(document)) = (asked.is_empty(), extraction.document.as_object_mut()) {
        document.insert(
            sailpoint_codegen::degrade::DEGRADE_EXT.to_owned(),
            serde_json::Value::Array(asked),
        );
    }
    let spec = docusaurus_openapi_extract::to_pretty_json(&extraction.document);
    let extracted = std::time::Instant::now();
    let (generated, httpmock) = sailpoint_codegen::generate_with_httpmock(&spec, CLIENT_CRATE)
        .with_context(|| {
            format!(
                "generating the client and its mock layer from the spec extracted from {}",
                inputs.join(", ")
            )
        })?;
    let response_examples =
        sailpoint_codegen::response_examples::table(&spec, &generated.degraded)?;
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
        degraded: generated.degraded,
        skipped: pages.skipped.len(),
        areas,
        timings: RegenTimings {
            extract: extracted - started,
            generate: extracted.elapsed(),
        },
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
    /// How long extraction and generation took.
    pub timings: RegenTimings,
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
    regen_with(root, upstream, check, false)
}

/// [`regen`]; with `compile`, the regenerated client is also compiled (in a
/// probe crate, as `cargo xtask probe` does): each compile error is traced
/// to the schema or operation behind it, which the spec then asks to
/// generate untyped ([`sailpoint_codegen::degrade::DEGRADE_EXT`]), until the
/// client compiles. The report names them.
pub fn regen_with(
    root: &Path,
    upstream: &[String],
    check: bool,
    compile: bool,
) -> Result<RegenOutcome> {
    let mut regenerated = regenerate(root, upstream)?;
    if compile {
        regenerated = compiled(root, upstream, regenerated)?;
    }
    let changes = file_changes(root, &regenerated);
    let old_spec: serde_json::Value = match std::fs::read_to_string(root.join(paths::SPEC)) {
        Ok(text) => serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON; delete it and rerun", paths::SPEC))?,
        Err(_) => serde_json::json!({}),
    };
    let drift = drift::report(
        &old_spec,
        &regenerated.extraction.document,
        drift::not_compared(
            spec_drift::Side::New,
            &regenerated.extraction.report.quarantined,
        ),
    );
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
        timings: regenerated.timings,
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
        // The most used first; the whole list is the names lock.
        let mut by_uses: Vec<(&String, &usize)> = r.components.iter().collect();
        by_uses.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        const SHOWN: usize = 8;
        let names: Vec<String> = by_uses
            .iter()
            .take(SHOWN)
            .map(|(n, uses)| format!("{n} ×{uses}"))
            .collect();
        let more = by_uses.len().saturating_sub(SHOWN);
        out.push_str(&format!(
            "components restored: {} ({}{}; every name is in {})\n",
            by_uses.len(),
            names.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            },
            paths::NAMES_LOCK
        ));
    }
    out.push_str(&describe_adaptations(&regenerated.adaptations));
    for d in &regenerated.degraded {
        out.push_str(&format!("degraded (untyped in the client): {d}\n"));
    }
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
