//! The drift report as `regen`, `diff` and `migrate` print it: both sides
//! read (pages extracted, quarantined pages kept as "not compared"), the
//! report made for this client (its profile read from the code generator,
//! its Rust names from the generator's naming), and notes on what the
//! extraction repaired and the generator adapts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context as _, Result};
use serde_json::{json, Value};
use spec_drift::{
    Change, Class, ClientProfile, Kind, NotCompared, Options, Report, Route, RustNames,
};

use crate::{load_names, sources};

/// One side of a diff, as read.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// The document.
    pub document: Value,
    /// The names its shapes got (empty for a spec file).
    pub lock: docusaurus_openapi_extract::names::Lock,
    /// Pages left out of the document, with why (none for a spec file).
    pub quarantined: Vec<docusaurus_openapi_extract::Quarantined>,
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
        eprintln!("{input}: quarantined (left out of this side, not compared): {q}");
    }
    Ok(Side {
        document: extraction.document,
        lock: extraction.report.components_lock,
        quarantined: extraction.report.quarantined,
    })
}

/// What the generated client does where drift depends on it, read from
/// the code generator itself: whether a response enum it was not told is
/// open keeps a value it does not list (a one-operation spec whose
/// response has such an enum is generated, and its enum looked at).
pub fn client_profile() -> ClientProfile {
    static PROFILE: std::sync::OnceLock<ClientProfile> = std::sync::OnceLock::new();
    *PROFILE.get_or_init(|| {
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "profile", "version": "1"},
            "paths": {"/thing": {"get": {
                "operationId": "getThing",
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}}}
            }}},
            "components": {"schemas": {
                "Thing": {"type": "object", "properties": {"color": {"type": "string", "enum": ["RED", "BLUE"]}}}
            }}
        });
        let code = sailpoint_codegen::generate(&spec.to_string())
            .map(|g| g.code)
            .unwrap_or_default();
        // The enum typify makes of `color`, and whether it keeps any other
        // string.
        let open = code
            .split("pub enum ThingColor {")
            .nth(1)
            .and_then(|rest| rest.split_once("\n    }"))
            .is_some_and(|(body, _)| body.contains("Other(::std::string::String)"));
        ClientProfile {
            response_enums_open: open,
        }
    })
}

/// The Rust names of one document, as the code generator gives them, and
/// how many changes each of its adaptations makes.
#[derive(Debug, Clone, Default)]
pub struct Names {
    methods: HashMap<Route, String>,
    types: HashMap<String, String>,
    /// Adaptation → how many changes it makes to the document.
    pub adapted: BTreeMap<&'static str, usize>,
}

impl Names {
    /// The generator's method and type names for `doc`, from its own
    /// adaptations run on a copy: the operationIds it settles on
    /// (`sendTestNotificationV1` → `send_test_notification`) and the
    /// component names it gives (readable, unique), made Rust names as
    /// progenitor and typify make them; and what each adaptation changes.
    pub fn of(doc: &Value) -> Names {
        let mut copy = doc.clone();
        let before = component_names(doc);
        let mut names = Names::default();
        let mut taken = false;
        for adaptation in sailpoint_codegen::ADAPTATIONS {
            let changes = (adaptation.apply)(&mut copy);
            *names.adapted.entry(adaptation.name).or_default() += changes.len();
            // Names as they are once the naming adaptations ran (later ones
            // add components of their own: error bodies, hoisted enums).
            if adaptation.name == "type_names_are_unique" {
                names.take(&before, &copy);
                taken = true;
            }
        }
        if !taken {
            names.take(&before, &copy);
        }
        names.adapted.retain(|_, n| *n > 0);
        names
    }

    fn take(&mut self, before: &[String], copy: &Value) {
        self.methods = openapi_model::operations(copy)
            .filter_map(|o| Some((o.route(), sailpoint_codegen::method_name(o.id()?))))
            .collect();
        let after = component_names(copy);
        // Renames keep the components' order.
        if after.len() >= before.len() {
            self.types = before
                .iter()
                .zip(after)
                .map(|(spec, rust)| {
                    (
                        spec.clone(),
                        sailpoint_codegen::names::rust_type_name(&rust),
                    )
                })
                .collect();
        }
    }
}

fn component_names(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The Rust names of both sides of a diff.
#[derive(Debug, Clone, Default)]
pub struct CodegenNames {
    /// The older side's.
    pub old: Names,
    /// The newer side's.
    pub new: Names,
}

impl CodegenNames {
    /// Both sides' names, made on both cores.
    pub fn of(old: &Value, new: &Value) -> Self {
        let (old, new) = std::thread::scope(|s| {
            let old = s.spawn(|| Names::of(old));
            let new = Names::of(new);
            (old.join().expect("naming does not panic"), new)
        });
        CodegenNames { old, new }
    }

    fn side(&self, side: spec_drift::Side) -> &Names {
        match side {
            spec_drift::Side::Old => &self.old,
            spec_drift::Side::New => &self.new,
        }
    }
}

impl RustNames for CodegenNames {
    fn method(&self, side: spec_drift::Side, route: &Route) -> Option<String> {
        self.side(side).methods.get(route).cloned()
    }

    fn type_name(&self, side: spec_drift::Side, component: &str) -> Option<String> {
        self.side(side).types.get(component).cloned()
    }

    fn field(&self, property: &str) -> Option<String> {
        Some(sailpoint_codegen::names::rust_field_name(property))
    }
}

/// Pages a side left out, as the report's "not compared".
pub fn not_compared(
    side: spec_drift::Side,
    quarantined: &[docusaurus_openapi_extract::Quarantined],
) -> Vec<NotCompared> {
    quarantined
        .iter()
        .map(|q| NotCompared {
            side,
            route: q.route.clone(),
            operation: None,
            page: q.origin.page.clone(),
            reason: format!("{}: failed check `{}`: {}", q.origin, q.check, q.reason),
        })
        .collect()
}

/// The drift report between two documents for this client: its profile,
/// its Rust names, pages a side left out, and the notes on repairs and
/// adaptations.
pub fn report(old: &Value, new: &Value, not_compared: Vec<NotCompared>) -> Report {
    let names = CodegenNames::of(old, new);
    let options = Options {
        client: client_profile(),
        rust: Some(&names),
        not_compared,
    };
    let mut report = spec_drift::diff_with(old, new, &options);
    if old.get("paths").is_some() {
        report
            .changes
            .extend(adaptation_changes(&names.old.adapted, &names.new.adapted));
        report.changes.extend(fixup_notes(old, new));
    }
    report.normalize();
    report
}

/// The report between two sides as read by [`load_side`].
pub fn report_sides(old: &Side, new: &Side) -> Report {
    let mut left_out = not_compared(spec_drift::Side::Old, &old.quarantined);
    left_out.extend(not_compared(spec_drift::Side::New, &new.quarantined));
    report(&old.document, &new.document, left_out)
}

/// What changed in the repairs extraction made, from each document's
/// `x-sailpoint-fixups`: a fixup that applied to a page on the old side and
/// not on the new one means upstream fixed that bug (the spec may be the
/// same, since the fixup had hidden the bug); one that starts to apply
/// means a new upstream bug, repaired. Information for the drift report,
/// one entry per fixup naming its pages; nothing when a side does not say
/// (a spec not made by this extractor).
pub fn fixup_notes(old: &Value, new: &Value) -> Vec<Change> {
    let applied = |doc: &Value| -> Option<BTreeSet<(String, String)>> {
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
    let from_pages = |doc: &Value| doc.get("paths").is_some();
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
    let mut notes = Vec::new();
    let changes = [
        (
            Kind::FixupNoLongerNeeded,
            before.difference(&after).collect::<Vec<_>>(),
            "upstream fixed",
            "no longer needed for",
        ),
        (
            Kind::FixupNowNeeded,
            after.difference(&before).collect(),
            "upstream bug",
            "now repairs",
        ),
    ];
    for (kind, pairs, what, then) in changes {
        for (fixup, page) in pairs {
            let head = format!("{what}: {}; fixup `{fixup}` {then}", summary(fixup));
            notes.push(Change::note_item(
                kind,
                Class::Info,
                why,
                (&format!("{head} page"), &format!("{head} pages")),
                format!("`{page}`"),
                "",
            ));
        }
    }
    notes
}

/// What changed in how the code generator adapts the spec: an adaptation
/// that starts or stops applying, or applies at more or fewer places (a
/// new enum documented as open, an error body merged differently). One
/// line per adaptation; information for the drift report.
pub fn adaptation_notes(old: &Value, new: &Value) -> Vec<Change> {
    let names = CodegenNames::of(old, new);
    adaptation_changes(&names.old.adapted, &names.new.adapted)
}

/// [`adaptation_notes`] from the counts of both sides.
fn adaptation_changes(
    before: &BTreeMap<&'static str, usize>,
    after: &BTreeMap<&'static str, usize>,
) -> Vec<Change> {
    let mut notes = Vec::new();
    for adaptation in sailpoint_codegen::ADAPTATIONS {
        let (was, now) = (
            before.get(adaptation.name).copied().unwrap_or(0),
            after.get(adaptation.name).copied().unwrap_or(0),
        );
        let (kind, detail) = match (was, now) {
            (w, n) if w == n => continue,
            (0, n) => (
                Kind::AdaptationNowApplies,
                format!(
                    "adaptation `{}` now applies ({n} change(s)): {}",
                    adaptation.name, adaptation.summary
                ),
            ),
            (w, 0) => (
                Kind::AdaptationNoLongerApplies,
                format!(
                    "adaptation `{}` no longer applies (was {w} change(s)): {}",
                    adaptation.name, adaptation.summary
                ),
            ),
            (w, n) => (
                Kind::AdaptationChanged,
                format!(
                    "adaptation `{}` now makes {n} change(s), was {w}",
                    adaptation.name
                ),
            ),
        };
        notes.push(Change::note(
            kind,
            Class::Info,
            "how the code generator adapts the spec changed",
            detail,
        ));
    }
    notes
}

/// The migration report from a legacy API to a target one (each an
/// OpenAPI JSON file, a docs page, a folder of pages or a URL), with both
/// sides' Rust names and this client's profile.
pub fn migration(root: &Path, legacy: &str, target: &str) -> Result<spec_drift::Migration> {
    let legacy = load_side(root, legacy, None)?;
    let target = load_side(root, target, None)?;
    let names = CodegenNames::of(&legacy.document, &target.document);
    let options = Options {
        client: client_profile(),
        rust: Some(&names),
        not_compared: Vec::new(),
    };
    Ok(spec_drift::migrate(
        &legacy.document,
        &target.document,
        &options,
    ))
}
