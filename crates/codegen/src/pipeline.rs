//! The pipeline: spec → adaptations → degradations → progenitor → output
//! adaptations → formatted code; and the loop that makes it unable to
//! fail on a well-formed document.
//!
//! The adaptations run once. Each attempt then generates from the adapted
//! spec with the degradations found so far; when progenitor or typify
//! rejects it, panics or emits tokens that are not Rust, [`degrade::next`]
//! finds the schema or operation to blame and degrades it, and the next
//! attempt runs. The loop ends with a client (its `degraded` list says
//! what became untyped, and why) or, when nothing is left to blame, with
//! the generator's error.

use std::cell::Cell;

use quote::quote;
use serde_json::Value;

use crate::degrade::{self, Degradation};
use crate::{
    adaptations, areas, call_path, crate_error, docs, httpmock, lifecycle, open_enums, paginated,
    paging_counts, quirks, schemars_impls, spec_digest, webhooks, AppliedAdaptation, Error,
    Generated, DIGEST_PREFIX, HEADER,
};

/// At most this many degradations in one generation: past it, the spec is
/// not one the generator can be made to take one schema at a time.
const MAX_DEGRADATIONS: usize = 64;

/// Generates the client (and, given `client_crate`, its mock layer) for
/// `spec_json`, with `with` adaptations, degrading `also` and whatever the
/// generator cannot take; or, with `degrade` `None`, nothing: the
/// generator's failure is the error (a panic's names its culprit).
pub(crate) fn generate(
    spec_json: &str,
    with: &[adaptations::Adaptation],
    degrade: Option<&[Degradation]>,
    client_crate: Option<&str>,
) -> Result<(Generated, Option<String>), Error> {
    let mut adapted: Value = serde_json::from_str(spec_json)?;
    // The adaptations assume a well-formed document; check it first, so that
    // a malformed spec is an error, not a panic.
    <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&adapted).map_err(Error::OpenApi)?;
    let adaptations = adaptations::adapt_with(&mut adapted, with);
    let _quiet = QuietPanics::new();
    // What the caller asks, and what the spec itself asks (the culprits of
    // compile errors, persisted by `cargo xtask regen --compile`).
    let mut degraded: Vec<Degradation> = Vec::new();
    if degrade.is_some() {
        for d in degrade::persisted(&adapted) {
            degrade::record(&mut degraded, d);
        }
    }
    for d in degrade.unwrap_or_default() {
        degrade::record(&mut degraded, d.clone());
    }
    loop {
        let mut json = adapted.clone();
        degrade::apply(&mut json, &degraded);
        let failure = match attempt(spec_json, &json, &adaptations, client_crate) {
            Ok((mut client, mock)) => {
                client.degraded = degraded;
                return Ok((client, mock));
            }
            Err(failure) if failure.degradable() => failure,
            Err(other) => return Err(other.error),
        };
        let stage = failure.stage;
        if degrade.is_none() {
            return Err(match failure.error {
                Error::Panicked { message, .. } => Error::Panicked {
                    message,
                    culprit: degrade::culprit(&json, &[], &|c| fails(c, stage, client_crate))
                        .map(|c| c.to_string()),
                },
                other => other,
            });
        }
        let why = match &failure.error {
            Error::Panicked { message, .. } => format!("the generator panicked: {message}"),
            other => other.to_string(),
        };
        let next = (degraded.len() < MAX_DEGRADATIONS)
            .then(|| degrade::next(&json, &degraded, &why, &|c| fails(c, stage, client_crate)))
            .flatten();
        match next {
            Some(d) => degrade::record(&mut degraded, d),
            None if degraded.is_empty() => return Err(failure.error),
            None => {
                return Err(Error::Undegradable {
                    last: Box::new(failure.error),
                    degraded,
                })
            }
        }
    }
}

/// Where an attempt failed: generating the client, or its mock layer
/// (which needs the client's type space, so it is generated after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Client,
    Mock,
}

/// A failed attempt.
struct Failure {
    stage: Stage,
    error: Error,
}

impl Failure {
    /// Whether degrading a schema or an operation may help: the
    /// generator's failures, and an output adaptation's or the quirks
    /// table's on what progenitor made of one operation (a parameter named
    /// `client` changes the shape of its `send()`). When one of this
    /// crate's own fails on every operation (progenitor's output changed),
    /// the culprit search finds no one to blame and the error stands.
    fn degradable(&self) -> bool {
        matches!(
            self.error,
            Error::Progenitor(_)
                | Error::Panicked { .. }
                | Error::Syntax(_)
                | Error::Adaptation(_)
                | Error::Quirk(_)
        )
    }
}

/// One generation of the client and its mock layer from the adapted (and
/// degraded) spec.
fn attempt(
    text: &str,
    json: &Value,
    adaptations: &[AppliedAdaptation],
    client_crate: Option<&str>,
) -> Result<(Generated, Option<String>), Failure> {
    let at = |stage| move |error| Failure { stage, error };
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(json.clone()).map_err(|e| at(Stage::Client)(Error::OpenApi(e)))?;
    let mut generator = progenitor::Generator::new(&crate::settings());
    let tokens = without_panics(|| generator.generate_tokens(&spec)).map_err(at(Stage::Client))?;
    let client = client_code(text, json, tokens, adaptations).map_err(at(Stage::Client))?;
    let mock = match client_crate {
        Some(client_crate) => Some(
            httpmock_code(&mut generator, &spec, json, client_crate).map_err(at(Stage::Mock))?,
        ),
        None => None,
    };
    Ok((client, mock))
}

/// Whether generating from `candidate` fails at `stage` (or before it):
/// the culprit search's question. Only progenitor runs (and the parse of
/// its tokens), not the output adaptations.
fn fails(candidate: &Value, stage: Stage, client_crate: Option<&str>) -> bool {
    let Ok(spec) = serde_json::from_value::<openapiv3::OpenAPI>(candidate.clone()) else {
        return false;
    };
    let mut generator = progenitor::Generator::new(&crate::settings());
    let client = without_panics(|| generator.generate_tokens(&spec))
        .and_then(|tokens| adapted_file(candidate, tokens, Vec::new()));
    if client.is_err() {
        return true;
    }
    match (stage, client_crate) {
        (Stage::Mock, Some(client_crate)) => {
            without_panics(|| generator.httpmock(&spec, client_crate))
                .and_then(|tokens| Ok(syn::parse2::<syn::File>(tokens)?))
                .is_err()
        }
        _ => false,
    }
}

/// The client's code from progenitor's tokens: the quirks table, the
/// output adaptations, the header.
fn client_code(
    text: &str,
    json: &Value,
    tokens: proc_macro2::TokenStream,
    adaptations: &[AppliedAdaptation],
) -> Result<Generated, Error> {
    let (file, adaptations) = adapted_file(json, tokens, adaptations.to_vec())?;
    let code = format!(
        "{HEADER}{DIGEST_PREFIX}{}\n\n{}",
        spec_digest(text),
        prettyplease::unparse(&file)
    );
    Ok(Generated {
        code,
        adaptations,
        degraded: Vec::new(),
        origins: crate::attribute::Origins::of(json),
    })
}

/// progenitor's tokens with the quirks table and every output adaptation
/// applied (what the culprit search runs too, without the formatting);
/// an error when an adaptation does not fit, or when the quirks table names
/// an operation the code does not have.
fn adapted_file(
    json: &Value,
    tokens: proc_macro2::TokenStream,
    mut adaptations: Vec<AppliedAdaptation>,
) -> Result<(syn::File, Vec<AppliedAdaptation>), Error> {
    let (quirks_tokens, quirk_ids) = quirks::quirks_table(json);
    let tokens = quote! { #tokens #quirks_tokens };
    let mut file: syn::File = syn::parse2(tokens)?;
    adaptations.extend(open_enums::response_enums_are_open(&mut file, json));
    adaptations.extend(call_path::no_api_version_header(&mut file)?);
    adaptations.extend(call_path::urls_by_concatenation(&mut file)?);
    adaptations.extend(call_path::error_answers_boxed(&mut file)?);
    adaptations.extend(call_path::answers_keep_their_headers(&mut file)?);
    adaptations.extend(paginated::paginated_lists(&mut file, json));
    adaptations.extend(paging_counts::lists_ask_for_their_count(&mut file)?);
    adaptations.extend(crate_error::send_returns_the_crates_error(&mut file)?);
    adaptations.extend(lifecycle::deprecated_methods(&mut file, json));
    adaptations.extend(schemars_impls::schemars_impls_follow_the_dependency(
        &mut file,
    )?);
    adaptations.extend(areas::areas_as_features(&mut file, json));
    adaptations.extend(webhooks::webhooks_module(&mut file, json));
    adaptations.extend(docs::doc_code_is_text(&mut file));
    // Every operation id the generated code names.
    let mut named: std::collections::HashSet<String> = std::collections::HashSet::new();
    struct Ids<'a>(&'a mut std::collections::HashSet<String>);
    impl syn::visit::Visit<'_> for Ids<'_> {
        fn visit_field_value(&mut self, field: &syn::FieldValue) {
            if let (
                syn::Member::Named(name),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }),
            ) = (&field.member, &field.expr)
            {
                if name == "operation_id" {
                    self.0.insert(s.value());
                }
            }
            syn::visit::visit_field_value(self, field);
        }
    }
    syn::visit::Visit::visit_file(&mut Ids(&mut named), &file);
    if let Some(id) = quirk_ids.iter().find(|id| !named.contains(id.as_str())) {
        return Err(Error::Quirk(id.clone()));
    }
    Ok((file, adaptations))
}

/// The mock layer's code, from a generator that has generated the client
/// (so that it shares the client's type space), with the fixes of
/// [`httpmock`].
fn httpmock_code(
    generator: &mut progenitor::Generator,
    spec: &openapiv3::OpenAPI,
    json: &Value,
    client_crate: &str,
) -> Result<String, Error> {
    let tokens = without_panics(|| generator.httpmock(spec, client_crate))?;
    let tokens = httpmock::paths_under_server(tokens, &httpmock::server_path(spec));
    let mut file: syn::File = syn::parse2(tokens)?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut httpmock::MockFixes, &mut file);
    areas::mocks_as_features(&mut file, json);
    Ok(format!("{HEADER}\n{}", prettyplease::unparse(&file)))
}

/// Runs `f` (a progenitor call), turning its error into [`Error::Progenitor`]
/// and its panic (it asserts where it should return errors) into
/// [`Error::Panicked`].
fn without_panics<T>(f: impl FnOnce() -> Result<T, progenitor::Error>) -> Result<T, Error> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => Ok(result?),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "no message".into());
            Err(Error::Panicked {
                message,
                culprit: None,
            })
        }
    }
}

thread_local! {
    /// Whether panics on this thread are expected (a generator's, caught
    /// and reported by name) and kept off stderr.
    static QUIET: Cell<usize> = const { Cell::new(0) };
}

/// While alive, panics on this thread are not printed: the generator's
/// panics are caught, blamed on a schema and reported in words, and the
/// culprit search provokes many on purpose. Other threads' panics are
/// printed as before (the process's hook is wrapped once, not replaced).
struct QuietPanics;

impl QuietPanics {
    fn new() -> Self {
        static WRAP: std::sync::Once = std::sync::Once::new();
        WRAP.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if QUIET.with(Cell::get) == 0 {
                    previous(info);
                }
            }));
        });
        QUIET.with(|q| q.set(q.get() + 1));
        QuietPanics
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        QUIET.with(|q| q.set(q.get().saturating_sub(1)));
    }
}
