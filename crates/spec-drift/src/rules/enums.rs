//! Enums. SailPoint's contract lists an added enum value as non-breaking,
//! and the client reads it so when the enum is open in the client: an enum
//! documented as open ("Additional values may be added in the future") is
//! open in every direction, and every response enum is open when the
//! client makes them so ([`ClientProfile::response_enums_open`]). A value
//! removed is a variant gone from the Rust enum in either direction. `null`
//! among the values is nullability (see `nullable.rs`), not a value.
//!
//! [`ClientProfile::response_enums_open`]: crate::ClientProfile::response_enums_open

use std::collections::BTreeSet;

use serde_json::Value;

use super::{text, Ctx, Dir, Fact, Finding};
use crate::{Class, ClientProfile, Kind};

/// The enum's values but `null`, as text; `None` when it is no enum.
fn values(schema: &Value) -> Option<BTreeSet<String>> {
    let values: BTreeSet<String> = schema
        .get("enum")?
        .as_array()?
        .iter()
        .filter(|v| !v.is_null())
        .map(text)
        .collect();
    (!values.is_empty()).then_some(values)
}

/// Whether the generated client reads any other value of this enum.
pub(crate) fn open_in_client(schema: &Value, dir: Dir, profile: &ClientProfile) -> bool {
    let strings = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|v| {
            v.iter().any(Value::is_string) && v.iter().all(|v| v.is_string() || v.is_null())
        });
    strings
        && (openapi_model::is_open_enum(schema)
            || (dir == Dir::Response && profile.response_enums_open))
}

const NOUN: (&str, &str) = ("enum value", "enum values");

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Fact::Schema { old, new } = fact else {
        return;
    };
    let dir = ctx.dir;
    match (values(old), values(new)) {
        (Some(ov), Some(nv)) => {
            let (was_open, open) = (
                open_in_client(old, dir, ctx.profile),
                open_in_client(new, dir, ctx.profile),
            );
            for added in nv.difference(&ov) {
                let (class, why) = match dir {
                    Dir::Request => (Class::Compatible, "a new value callers may send"),
                    Dir::Response if open && openapi_model::is_open_enum(new) => (
                        Class::Compatible,
                        "the enum is documented as open; the client accepts other values",
                    ),
                    Dir::Response if open => (
                        Class::Compatible,
                        "news: response enums are open in this client, an unknown value reads as the catch-all variant",
                    ),
                    Dir::Response => (
                        Class::BreakingRuntime,
                        "the server may return a value the closed enum rejects",
                    ),
                };
                let evidence = (class == Class::BreakingRuntime).then(|| {
                    new.get("enum")
                        .and_then(Value::as_array)
                        .and_then(|all| all.iter().find(|v| text(v) == *added))
                        .cloned()
                        .unwrap_or(Value::String(added.clone()))
                });
                out.push(
                    Finding::item(
                        Kind::EnumValueAdded,
                        class,
                        why,
                        NOUN,
                        format!("`{added}`"),
                        " added",
                    )
                    .at(".enum")
                    .evidence(evidence),
                );
            }
            for removed in ov.difference(&nv) {
                let why = match dir {
                    Dir::Request => {
                        "the variant callers send is gone (and the server rejects the value)"
                    }
                    Dir::Response => "a variant callers may match on is gone",
                };
                out.push(
                    Finding::item(
                        Kind::EnumValueRemoved,
                        Class::BreakingCompile,
                        why,
                        NOUN,
                        format!("`{removed}`"),
                        " removed",
                    )
                    .at(".enum"),
                );
            }
            let documented = (
                openapi_model::is_open_enum(old),
                openapi_model::is_open_enum(new),
            );
            if was_open != open {
                let (kind, detail, why) = if open {
                    (
                        Kind::EnumOpened,
                        "now open to other values",
                        "the Rust enum gains a catch-all variant, so a `match` listing every variant no longer compiles",
                    )
                } else {
                    (
                        Kind::EnumClosed,
                        "no longer open to other values",
                        "the Rust enum loses its catch-all variant: other values no longer read",
                    )
                };
                out.push(Finding::new(kind, Class::BreakingCompile, why, detail).at(".enum"));
            } else if documented.0 != documented.1 {
                let (kind, detail) = if documented.1 {
                    (Kind::EnumOpened, "now documented as open to other values")
                } else {
                    (
                        Kind::EnumClosed,
                        "no longer documented as open to other values",
                    )
                };
                let why = if open {
                    "the client's enum is open either way"
                } else {
                    "the client's enum is closed either way"
                };
                out.push(Finding::new(kind, Class::Info, why, detail).at(".enum"));
            }
        }
        (Some(_), None) => out.push(
            Finding::new(
                Kind::EnumRemoved,
                Class::BreakingCompile,
                "the Rust type changes from an enum to a plain value",
                "no longer an enum",
            )
            .at(".enum"),
        ),
        (None, Some(_)) => out.push(
            Finding::new(
                Kind::EnumAdded,
                Class::BreakingCompile,
                "the Rust type changes from a plain value to an enum",
                "now an enum",
            )
            .at(".enum"),
        ),
        (None, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{judge_with, verdicts, PROFILE};
    use super::super::{Dir, Fact};
    use crate::{Class, ClientProfile, Kind};

    const CLOSED: ClientProfile = ClientProfile {
        response_enums_open: false,
    };

    fn v(old: Value, new: Value, dir: Dir, profile: &ClientProfile) -> Vec<(Kind, Class)> {
        let found = judge_with(
            &Fact::Schema {
                old: &old,
                new: &new,
            },
            dir,
            true,
            profile,
            &Value::Null,
            &Value::Null,
        );
        // Only this family's: `null` among the values is nullable.rs's.
        verdicts(&found)
            .into_iter()
            .filter(|(kind, _)| kind.as_str().starts_with("enum"))
            .collect()
    }

    fn e(values: Value) -> Value {
        json!({"type": "string", "enum": values})
    }

    #[test]
    fn a_value_added_to_a_response_is_news_when_response_enums_are_open() {
        let (a, b) = (e(json!(["RED"])), e(json!(["RED", "GREEN"])));
        assert_eq!(
            v(a.clone(), b.clone(), Dir::Response, &PROFILE),
            [(Kind::EnumValueAdded, Class::Compatible)]
        );
        assert_eq!(
            v(a.clone(), b.clone(), Dir::Response, &CLOSED),
            [(Kind::EnumValueAdded, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(a, b, Dir::Request, &CLOSED),
            [(Kind::EnumValueAdded, Class::Compatible)]
        );
    }

    #[test]
    fn a_value_removed_is_a_variant_gone_in_either_direction() {
        let (a, b) = (e(json!(["RED", "BLUE"])), e(json!(["RED"])));
        for dir in [Dir::Request, Dir::Response] {
            assert_eq!(
                v(a.clone(), b.clone(), dir, &PROFILE),
                [(Kind::EnumValueRemoved, Class::BreakingCompile)]
            );
        }
    }

    #[test]
    fn null_is_not_a_value_and_openness_is_judged_by_the_client() {
        // An enum with `null` is still documented as open.
        let open = json!({"type": "string", "enum": ["A", null], "description": "Additional values may be added in the future."});
        let closed = json!({"type": "string", "enum": ["A", null]});
        assert_eq!(
            v(open.clone(), closed.clone(), Dir::Request, &PROFILE),
            [(Kind::EnumClosed, Class::BreakingCompile)]
        );
        // In a response the client's enum is open either way.
        assert_eq!(
            v(open, closed.clone(), Dir::Response, &PROFILE),
            [(Kind::EnumClosed, Class::Info)]
        );
        assert!(v(e(json!(["A"])), closed, Dir::Response, &PROFILE).is_empty());
        assert_eq!(
            v(
                json!({"type": "string"}),
                e(json!(["A"])),
                Dir::Request,
                &PROFILE
            ),
            [(Kind::EnumAdded, Class::BreakingCompile)]
        );
        assert_eq!(
            v(
                e(json!(["A"])),
                json!({"type": "string"}),
                Dir::Request,
                &PROFILE
            ),
            [(Kind::EnumRemoved, Class::BreakingCompile)]
        );
    }
}
