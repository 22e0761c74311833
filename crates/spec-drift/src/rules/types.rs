//! Types and formats, as the generated code maps them to Rust types.

use serde_json::{json, Value};

use super::{text, Ctx, Dir, Fact, Finding};
use crate::{Class, Kind};

/// Formats the generated code maps to Rust types of their own (typify:
/// `chrono`, `uuid`, integer and float widths, IP addresses); any other
/// format is a `String` like no format at all.
pub(crate) const TYPED_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "uuid",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float",
    "double",
    "ipv4",
    "ipv6",
];

/// A schema's type: its `type`, else what its keywords imply (`object` for
/// properties, `array` for items), else none (any JSON value).
pub(crate) fn effective_type(schema: &Value) -> Option<String> {
    if let Some(t) = schema.get("type") {
        return Some(text(t));
    }
    // An enum of strings is a string enum, typed or not.
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if values.iter().any(Value::is_string)
            && values.iter().all(|v| v.is_string() || v.is_null())
        {
            return Some("string".into());
        }
    }
    if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
        return Some("object".into());
    }
    if schema.get("items").is_some() {
        return Some("array".into());
    }
    None
}

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Fact::Schema { old, new } = fact else {
        return;
    };
    // A `oneOf`/`anyOf` schema has its variants' types, compared there.
    let composed = |v: &Value| v.get("oneOf").is_some() || v.get("anyOf").is_some();
    let (ot, nt) = (effective_type(old), effective_type(new));
    let (of, nf) = (old.get("format").map(text), new.get("format").map(text));
    let dir = ctx.dir;
    if ot != nt && !(composed(old) || composed(new)) {
        let show = |t: &Option<String>, f: &Option<String>| {
            let t = t.clone().unwrap_or_else(|| "any".into());
            match f {
                Some(f) => format!("{t} ({f})"),
                None => t,
            }
        };
        let mut evidence = None;
        let (class, why) = match (&ot, &nt) {
            (Some(_), None) => (
                Class::BreakingCompile,
                "old values still parse; the Rust type becomes any JSON value",
            ),
            (None, Some(_)) if dir == Dir::Response => (
                Class::BreakingCompile,
                "the Rust type changes from any JSON value to a typed one",
            ),
            (Some(a), Some(b)) if dir == Dir::Response && a == "number" && b == "integer" => (
                Class::BreakingCompile,
                "integers still read as numbers; the Rust type changes",
            ),
            _ if dir == Dir::Response => {
                evidence = nt.as_deref().and_then(example_of_type);
                (
                    Class::BreakingRuntime,
                    "values of the old type no longer parse",
                )
            }
            _ => (Class::BreakingCompile, "the Rust type callers pass changes"),
        };
        out.push(
            Finding::new(
                Kind::TypeChanged,
                class,
                why,
                format!("type changed from {} to {}", show(&ot, &of), show(&nt, &nf)),
            )
            .evidence(evidence),
        );
    } else if of != nf {
        let show = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".into());
        let typed = |f: &Option<String>| f.as_deref().is_some_and(|f| TYPED_FORMATS.contains(&f));
        let mut evidence = None;
        let (class, why) = if !typed(&of) && !typed(&nf) {
            (
                Class::Compatible,
                "the generated code maps neither format to a type of its own: the Rust type does not change",
            )
        } else if dir == Dir::Response && typed(&of) {
            evidence = of.as_deref().and_then(outside_format);
            (
                Class::BreakingRuntime,
                "the server may send values the old Rust type cannot read",
            )
        } else {
            (Class::BreakingCompile, "the Rust type changes")
        };
        out.push(
            Finding::new(
                Kind::FormatChanged,
                class,
                why,
                format!("format changed from {} to {}", show(&of), show(&nf)),
            )
            .evidence(evidence),
        );
    }
}

/// A value the generated code's type for `format` cannot read (the server
/// may now send it): the evidence of a run-time break.
pub(crate) fn outside_format(format: &str) -> Option<Value> {
    Some(match format {
        "int8" => json!(128),
        "int16" => json!(32768),
        "int32" => json!(2_147_483_648u64),
        "int64" => json!(u64::MAX),
        "uint8" | "uint16" | "uint32" | "uint64" => json!(-1),
        "uuid" => json!("not-a-uuid"),
        "date-time" => json!("2024-01-31"),
        "date" => json!("2024-01-31T00:00:00Z"),
        "ipv4" => json!("::1"),
        "ipv6" => json!("127.0.0.1"),
        _ => return None,
    })
}

/// A value of a JSON Schema type: the evidence that the old type (another
/// one) cannot read what the server now sends.
fn example_of_type(kind: &str) -> Option<Value> {
    Some(match kind {
        "string" => json!("x"),
        "integer" => json!(1),
        "number" => json!(0.5),
        "boolean" => json!(true),
        "array" => json!([]),
        "object" => json!({}),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    fn v(old: Value, new: Value, dir: Dir) -> Vec<(Kind, Class)> {
        verdicts(&judge_in(
            &Fact::Schema {
                old: &old,
                new: &new,
            },
            dir,
            false,
        ))
    }

    #[test]
    fn types_as_rust_types() {
        let r = Dir::Response;
        assert_eq!(
            v(json!({"type": "string"}), json!({}), r),
            [(Kind::TypeChanged, Class::BreakingCompile)]
        );
        assert_eq!(
            v(json!({"type": "object"}), json!({"type": "array"}), r),
            [(Kind::TypeChanged, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(json!({"type": "number"}), json!({"type": "integer"}), r),
            [(Kind::TypeChanged, Class::BreakingCompile)]
        );
        assert_eq!(
            v(
                json!({"type": "string"}),
                json!({"type": "integer"}),
                Dir::Request
            ),
            [(Kind::TypeChanged, Class::BreakingCompile)]
        );
        // No `type` but properties: an object all the same.
        assert!(v(
            json!({"type": "object", "properties": {}}),
            json!({"properties": {}}),
            r
        )
        .is_empty());
        let found = judge_in(
            &Fact::Schema {
                old: &json!({"type": "integer"}),
                new: &json!({"type": "number"}),
            },
            r,
            false,
        );
        assert_eq!(found[0].evidence, Some(json!(0.5)));
    }

    #[test]
    fn formats_matter_only_when_they_are_rust_types() {
        let r = Dir::Response;
        let int = |f: Option<&str>| match f {
            Some(f) => json!({"type": "integer", "format": f}),
            None => json!({"type": "integer"}),
        };
        assert_eq!(
            v(int(Some("int32")), int(None), r),
            [(Kind::FormatChanged, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(int(None), int(Some("int32")), r),
            [(Kind::FormatChanged, Class::BreakingCompile)]
        );
        assert_eq!(
            v(
                json!({"type": "string", "format": "comma-separated"}),
                json!({"type": "string", "format": "csv"}),
                r
            ),
            [(Kind::FormatChanged, Class::Compatible)]
        );
    }
}
