//! The breaking kinds `rules_proven.rs` proves, each with a program that
//! compiles against an old client and not a new one, a payload an old
//! client cannot read, or a call a new client refuses or an old one fails.
//! Shared with `real_drift.rs`, which checks that every breaking entry of
//! the real pairs is of a proven kind.

/// Kind (as in the JSON form) and class.
pub const PROVEN: &[(&str, &str)] = &[
    ("additional-properties-changed", "breaking-compile"),
    ("content-type-removed", "breaking-compile"),
    ("enum-added", "breaking-compile"),
    ("enum-closed", "breaking-compile"),
    ("enum-opened", "breaking-compile"),
    ("enum-removed", "breaking-compile"),
    ("enum-value-added", "breaking-runtime"),
    ("enum-value-removed", "breaking-compile"),
    ("format-changed", "breaking-compile"),
    ("format-changed", "breaking-runtime"),
    ("nullable-changed", "breaking-runtime"),
    ("operation-moved", "breaking-runtime"),
    ("operation-removed", "breaking-compile"),
    ("operation-renamed", "breaking-compile"),
    ("parameter-added", "breaking-runtime"),
    ("parameter-removed", "breaking-compile"),
    ("parameter-renamed", "breaking-compile"),
    ("parameter-required", "breaking-runtime"),
    ("property-added", "breaking-runtime"),
    ("property-optional", "breaking-compile"),
    ("property-removed", "breaking-compile"),
    ("property-required", "breaking-compile"),
    ("request-body-removed", "breaking-compile"),
    ("request-body-required", "breaking-runtime"),
    ("type-changed", "breaking-compile"),
    ("type-changed", "breaking-runtime"),
    ("type-renamed", "breaking-compile"),
    ("type-replaced", "breaking-compile"),
    ("variant-added", "breaking-runtime"),
    ("variant-removed", "breaking-compile"),
];

/// Whether a change of the report is of a proven kind and class.
#[allow(dead_code)]
pub fn proven(change: &spec_drift::Change) -> bool {
    let class = serde_json::to_value(change.class).unwrap();
    PROVEN
        .iter()
        .any(|(k, c)| *k == change.kind.as_str() && class == *c)
}
