//! Properties of object schemas: a field of the Rust struct each, an
//! `Option<_>` when not required.

use super::{Ctx, Dir, Fact, Finding};
use crate::{Class, Kind};

const NOUN: (&str, &str) = ("property", "properties");

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Fact::Property {
        name,
        old,
        new,
        old_required,
        new_required,
    } = fact
    else {
        return;
    };
    let item = |kind, class, why: &str, tail: &str| {
        Finding::item(kind, class, why, NOUN, format!("`{name}`"), tail)
    };
    match (old, new) {
        (Some(_), None) => out.push(item(
            Kind::PropertyRemoved,
            Class::BreakingCompile,
            "the field is gone from the Rust type",
            " removed",
        )),
        (None, Some(_)) => out.push(match (ctx.dir, new_required) {
            (Dir::Request, true) => item(
                Kind::PropertyAdded,
                Class::BreakingRuntime,
                "a new required field: requests without it fail",
                " added (required)",
            ),
            (Dir::Request, false) => item(
                Kind::PropertyAdded,
                Class::Compatible,
                "a new optional field",
                " added (optional)",
            ),
            (Dir::Response, true) => item(
                Kind::PropertyAdded,
                Class::Compatible,
                "a new field the client now reads",
                " added (required)",
            ),
            (Dir::Response, false) => item(
                Kind::PropertyAdded,
                Class::Compatible,
                "a new optional field",
                " added (optional)",
            ),
        }),
        (Some(_), Some(_)) => match (old_required, new_required) {
            (false, true) => out.push(item(
                Kind::PropertyRequired,
                Class::BreakingCompile,
                "the field's type changes from Option<T> to T",
                " now required",
            )),
            (true, false) => out.push(item(
                Kind::PropertyOptional,
                Class::BreakingCompile,
                "the field's type changes from T to Option<T>",
                " now optional",
            )),
            _ => {}
        },
        (None, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    #[test]
    fn properties_as_struct_fields() {
        let s = json!({"type": "string"});
        let v = |old, new, old_required, new_required, dir| {
            verdicts(&judge_in(
                &Fact::Property {
                    name: "note",
                    old,
                    new,
                    old_required,
                    new_required,
                },
                dir,
                false,
            ))
        };
        assert_eq!(
            v(Some(&s), None, false, false, Dir::Response),
            [(Kind::PropertyRemoved, Class::BreakingCompile)]
        );
        assert_eq!(
            v(None, Some(&s), false, true, Dir::Request),
            [(Kind::PropertyAdded, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(None, Some(&s), false, false, Dir::Request),
            [(Kind::PropertyAdded, Class::Compatible)]
        );
        assert_eq!(
            v(None, Some(&s), false, true, Dir::Response),
            [(Kind::PropertyAdded, Class::Compatible)]
        );
        assert_eq!(
            v(Some(&s), Some(&s), false, true, Dir::Response),
            [(Kind::PropertyRequired, Class::BreakingCompile)]
        );
        assert_eq!(
            v(Some(&s), Some(&s), true, false, Dir::Request),
            [(Kind::PropertyOptional, Class::BreakingCompile)]
        );
        assert!(v(Some(&s), Some(&s), true, true, Dir::Request).is_empty());
        let found = judge_in(
            &Fact::Property {
                name: "note",
                old: Some(&s),
                new: None,
                old_required: false,
                new_required: false,
            },
            Dir::Response,
            false,
        );
        assert_eq!(found[0].detail(), "property `note` removed");
    }
}
