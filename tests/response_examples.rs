//! Every response example of SailPoint's docs (the vendored upstream, as
//! `spec/openapi.json` has them) decoded into its operation's generated
//! success type, as the client decodes an answer: strictly when it
//! matches, leniently when it does not (SailPoint's own examples, which
//! look pasted from real tenants, often do not match their own schemas:
//! what a strict client would fail on, real servers send).
//!
//! Counted: each 2xx JSON response's media-type `example`, each of its
//! `examples`, or else its schema's own top-level `example`. The target is
//! that every one decodes; one that cannot, even leniently, fails the
//! test naming its operation and the field path, unless it is plainly
//! wrong and listed so in [`PLAINLY_WRONG`], with why (and then it must
//! still fail, so that the list stays true).
//!
//! The decoders are generated (`tests/response_examples/decoders.rs`,
//! written by `cargo xtask regen`): one per operation, its type inferred
//! from its `send()`.

#![cfg(feature = "full")]

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use sailpoint::{Client, ResponseValue};
use sailpoint_runtime::decode::{decode_with_schema, Decoded, Failure, Repair};
use serde_json::Value;

// Generated: formatted by its generator, not by rustfmt (so that
// `cargo xtask regen --check` and `cargo fmt` agree).
#[rustfmt::skip]
#[path = "response_examples/decoders.rs"]
mod decoders;

/// What decoding an example came to.
#[derive(Debug)]
enum Outcome {
    /// It decoded as it is.
    Strict,
    /// It decoded with these repairs.
    Repaired(Vec<Repair>),
    /// It did not decode.
    Failed(Failure),
}

/// Decodes an example as one operation's success type.
type Decoder = fn(&[u8]) -> Outcome;

fn check<T: serde::de::DeserializeOwned + schemars::JsonSchema>(body: &[u8]) -> Outcome {
    match decode_with_schema::<T>(body) {
        Ok(Decoded { repairs, .. }) if repairs.is_empty() => Outcome::Strict,
        Ok(Decoded { repairs, .. }) => Outcome::Repaired(repairs),
        Err(failure) => Outcome::Failed(failure),
    }
}

/// The decoder of the success type of the `send()` that `_call` would
/// make (never called: it only names the type).
fn decoder<T, F, Fut>(_call: F) -> Decoder
where
    T: serde::de::DeserializeOwned + schemars::JsonSchema,
    F: FnOnce(&'static Client) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, sailpoint::Error>>,
{
    check::<T>
}

/// Examples that do not decode even leniently because they are plainly
/// wrong: `(route, example, why)`. Each must still fail.
const PLAINLY_WRONG: &[(&str, &str, &str)] = &[
    (
        "get /historical-identities/v1/{id}/events",
        "200 examples.AccessRequested",
        "one event where the operation answers a list of them",
    ),
    (
        "get /reassignment-configurations/v1/{identityId}/evaluate/{configType}",
        "200 examples.empty",
        "one object where the operation answers a list",
    ),
    (
        "get /reassignment-configurations/v1/{identityId}/evaluate/{configType}",
        "200 examples.longTrail",
        "one object where the operation answers a list",
    ),
    (
        "get /reassignment-configurations/v1/{identityId}/evaluate/{configType}",
        "200 examples.selfReview",
        "one object where the operation answers a list",
    ),
    (
        "get /trigger-subscriptions/v1",
        "200 examples.HTTP Async Subscription",
        "one subscription where the operation answers a list of them",
    ),
    (
        "post /search/v1",
        "200 examples.typeAheadQuery",
        "names (a typeahead query's answer) where the schema has only search documents",
    ),
    (
        "post /search/v1",
        "200 examples.typeAheadQuery-nestedType",
        "names (a typeahead query's answer) where the schema has only search documents",
    ),
];

/// Every example of a JSON success answer: `(route, status and example
/// name, the example)`.
fn examples(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
                let Some(content) = response.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for (media_type, media) in content {
                    let essence = media_type.split(';').next().unwrap_or("").trim();
                    if essence != "application/json" && !essence.ends_with("+json") {
                        continue;
                    }
                    let route = format!("{method} {path}");
                    let mut found = Vec::new();
                    if let Some(example) = media.get("example") {
                        found.push((format!("{status} example"), example.clone()));
                    }
                    if let Some(named) = media.get("examples").and_then(Value::as_object) {
                        for (name, example) in named {
                            if let Some(value) = example.get("value") {
                                found.push((format!("{status} examples.{name}"), value.clone()));
                            }
                        }
                    }
                    if found.is_empty() {
                        if let Some(example) = media.pointer("/schema/example") {
                            found.push((format!("{status} schema example"), example.clone()));
                        }
                    }
                    out.extend(found.into_iter().map(|(n, e)| (route.clone(), n, e)));
                }
            }
        }
    }
    out
}

#[test]
fn every_documented_response_example_decodes_into_its_type() {
    let text = std::fs::read_to_string("spec/openapi.json").expect("spec/openapi.json");
    let spec: Value = serde_json::from_str(&text).unwrap();
    let decoders: HashMap<&str, Decoder> = decoders::decoders().into_iter().collect();
    let mut outcomes: BTreeMap<(String, String), Outcome> = BTreeMap::new();
    let mut without_decoder = Vec::new();
    for (route, name, example) in examples(&spec) {
        let Some(decode) = decoders.get(route.as_str()) else {
            without_decoder.push(format!("{route} ({name})"));
            continue;
        };
        let body = serde_json::to_vec(&example).unwrap();
        outcomes.insert((route, name), decode(&body));
    }
    // None left out: an example whose operation does not decode JSON has
    // no decoder, and there should be none such.
    assert!(
        without_decoder.is_empty(),
        "examples of operations with no decoder: {without_decoder:?}"
    );

    let (mut strict, mut repaired) = (0, 0);
    let mut repairs: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut still_wrong = Vec::new();
    for ((route, name), outcome) in &outcomes {
        let listed = PLAINLY_WRONG
            .iter()
            .find(|(r, n, _)| r == route && n == name);
        match outcome {
            Outcome::Strict => strict += 1,
            Outcome::Repaired(done) => {
                repaired += 1;
                for repair in done {
                    repairs.push(format!("{route} ({name}): {repair}"));
                }
            }
            Outcome::Failed(failure) if listed.is_some() => {
                still_wrong.push((route.clone(), name.clone(), failure.clone()))
            }
            Outcome::Failed(failure) => failures.push(format!(
                "{route} ({name}): at `{}` ({}): {}",
                failure.path.as_deref().unwrap_or("the body"),
                failure.kind.unwrap_or("?"),
                failure.reason
            )),
        }
        if listed.is_some() && !matches!(outcome, Outcome::Failed(_)) {
            failures.push(format!(
                "{route} ({name}) is listed as plainly wrong but decodes now: take it off the list"
            ));
        }
    }
    eprintln!(
        "{} examples: {strict} decode as they are, {repaired} with repairs, {} plainly wrong",
        outcomes.len(),
        still_wrong.len()
    );
    for repair in &repairs {
        eprintln!("  repaired: {repair}");
    }
    assert!(outcomes.len() > 100, "the examples were found");
    assert!(
        failures.is_empty(),
        "{} example(s) do not decode:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A value no error may show: servers echo what they are sent.
    const MARKER: &str = "hunter2-value-never-shown";

    /// Arbitrary JSON with the keys, enum values and formats SailPoint's
    /// answers use, so that decoding gets deep into the types.
    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            prop_oneof![
                Just(MARKER.to_owned()),
                Just("IDENTITY".to_owned()),
                Just("SOURCE".to_owned()),
                Just("2024-09-16T17:41:25Z".to_owned()),
                Just("2c9180835d2e5168015d32f890ca1581".to_owned()),
                Just("3fa85f64-5717-4562-b3fc-2c963f66afa6".to_owned()),
                "[ -~]{0,12}",
            ]
            .prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec(
                    (
                        prop_oneof![
                            Just("id"),
                            Just("name"),
                            Just("type"),
                            Just("owner"),
                            Just("created"),
                            Just("modified"),
                            Just("description"),
                            Just("enabled"),
                            Just("attributes"),
                            Just("source"),
                            Just("items"),
                            Just("value"),
                            Just("status"),
                        ],
                        inner,
                    ),
                    0..8,
                )
                .prop_map(|pairs| {
                    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    /// Every place in `value`, as JSON pointers.
    fn pointers(value: &Value, here: String, out: &mut Vec<String>) {
        out.push(here.clone());
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    pointers(item, format!("{here}/{i}"), out);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    let k = k.replace('~', "~0").replace('/', "~1");
                    pointers(v, format!("{here}/{k}"), out);
                }
            }
            _ => {}
        }
    }

    /// Each operation's decoder and each example, by route.
    type Corpus = (Vec<(String, Decoder)>, Vec<(String, Value)>);

    /// The decoders and the examples, once.
    fn corpus() -> &'static Corpus {
        static CORPUS: std::sync::OnceLock<Corpus> = std::sync::OnceLock::new();
        CORPUS.get_or_init(|| {
            let text = std::fs::read_to_string("spec/openapi.json").unwrap();
            let spec: Value = serde_json::from_str(&text).unwrap();
            let decoders: Vec<(String, Decoder)> = decoders::decoders()
                .into_iter()
                .map(|(route, d)| (route.to_owned(), d))
                .collect();
            let examples = examples(&spec)
                .into_iter()
                .map(|(route, _, example)| (route, example))
                .collect();
            (decoders, examples)
        })
    }

    /// Whatever an error says, it names no value: only paths, kinds and
    /// the types' words.
    fn shows_no_value(outcome: &Outcome) -> Result<(), TestCaseError> {
        if let Outcome::Failed(failure) = outcome {
            let shown = format!("{failure:?}");
            prop_assert!(!shown.contains(MARKER), "{shown}");
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Arbitrary JSON into any operation's success type: never a
        /// panic, always an answer (decoded, repaired or refused).
        #[test]
        fn arbitrary_json_decodes_or_is_refused_without_a_panic(
            which in any::<prop::sample::Index>(),
            body in json(),
        ) {
            let (decoders, _) = corpus();
            let (_, decode) = &decoders[which.index(decoders.len())];
            let outcome = decode(&serde_json::to_vec(&body).unwrap());
            shows_no_value(&outcome)?;
        }

        /// A documented example with one place replaced by arbitrary JSON
        /// (the shape real servers break in): never a panic; never a value
        /// shown.
        #[test]
        fn a_real_example_broken_in_one_place_decodes_or_is_refused(
            which in any::<prop::sample::Index>(),
            place in any::<prop::sample::Index>(),
            replacement in json(),
        ) {
            let (decoders, examples) = corpus();
            let (route, example) = &examples[which.index(examples.len())];
            let Some((_, decode)) = decoders.iter().find(|(r, _)| r == route) else {
                return Ok(());
            };
            let mut all = Vec::new();
            pointers(example, String::new(), &mut all);
            let mut broken = example.clone();
            let at = &all[place.index(all.len())];
            match broken.pointer_mut(at) {
                Some(slot) => *slot = replacement,
                None => broken = replacement,
            }
            let outcome = decode(&serde_json::to_vec(&broken).unwrap());
            shows_no_value(&outcome)?;
        }
    }
}
