//! Nullability, as `Option<_>` in the generated code. A `null` among an
//! enum's values says the same as `nullable: true`.

use serde_json::Value;

use super::{flag, Ctx, Dir, Fact, Finding};
use crate::{Class, Kind};

/// Whether a schema allows `null`: `nullable: true`, or `null` among its
/// enum values.
pub(crate) fn allows_null(schema: &Value) -> bool {
    flag(schema, "nullable")
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(Value::is_null))
}

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Fact::Schema { old, new } = fact else {
        return;
    };
    let finding =
        |class, why: &str, detail: &str| Finding::new(Kind::NullableChanged, class, why, detail);
    match (allows_null(old), allows_null(new)) {
        (false, true) if ctx.dir == Dir::Response && ctx.optional => out.push(finding(
            Class::Compatible,
            "the property is optional, so already Option<_>: null reads as None",
            "now nullable",
        )),
        (false, true) if ctx.dir == Dir::Response => out.push(
            finding(
                Class::BreakingRuntime,
                "the server may send null where the client expects a value",
                "now nullable",
            )
            .evidence(Some(Value::Null)),
        ),
        (false, true) => out.push(finding(
            Class::Compatible,
            "callers may now send null",
            "now nullable",
        )),
        (true, false) if ctx.dir == Dir::Request && ctx.optional => out.push(finding(
            Class::Compatible,
            "the client leaves an unset optional field out: it never sends null for it",
            "no longer nullable",
        )),
        (true, false) if ctx.dir == Dir::Request => out.push(finding(
            Class::BreakingRuntime,
            "the server now rejects null, which the client sends for a required field left unset",
            "no longer nullable",
        )),
        (true, false) => out.push(finding(
            Class::Compatible,
            "the server no longer sends null",
            "no longer nullable",
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    fn v(old: Value, new: Value, dir: Dir, optional: bool) -> Vec<(Kind, Class)> {
        verdicts(&judge_in(
            &Fact::Schema {
                old: &old,
                new: &new,
            },
            dir,
            optional,
        ))
    }

    #[test]
    fn null_where_option_already_reads_it_is_compatible() {
        let s = json!({"type": "string"});
        let n = json!({"type": "string", "nullable": true});
        assert_eq!(
            v(s.clone(), n.clone(), Dir::Response, true),
            [(Kind::NullableChanged, Class::Compatible)]
        );
        assert_eq!(
            v(s.clone(), n.clone(), Dir::Response, false),
            [(Kind::NullableChanged, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(n.clone(), s.clone(), Dir::Request, false),
            [(Kind::NullableChanged, Class::BreakingRuntime)]
        );
        // An optional field the client leaves out: it never sends null.
        assert_eq!(
            v(n.clone(), s.clone(), Dir::Request, true),
            [(Kind::NullableChanged, Class::Compatible)]
        );
        assert_eq!(
            v(n, s, Dir::Response, false),
            [(Kind::NullableChanged, Class::Compatible)]
        );
        // `null` among an enum's values (the 2024 pages' `LocaleOrigin`) is
        // the same as `nullable`, on an optional property compatible.
        let e = json!({"type": "string", "enum": ["DEFAULT", "REQUEST"]});
        let en = json!({"type": "string", "enum": ["DEFAULT", "REQUEST", null]});
        assert_eq!(
            v(e, en, Dir::Response, true),
            [(Kind::NullableChanged, Class::Compatible)]
        );
    }
}
