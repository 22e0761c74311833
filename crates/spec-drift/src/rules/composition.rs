//! What a schema holds besides properties: `oneOf`/`anyOf` variants (a
//! Rust enum's variants) and `additionalProperties` (a map or a struct).

use serde_json::Value;

use super::{Ctx, Dir, Fact, Finding};
use crate::{Class, Kind};

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    match fact {
        Fact::Variants {
            key,
            removed,
            added,
        } => {
            let noun = (&*format!("{key} variant"), &*format!("{key} variants"));
            for name in removed.iter() {
                out.push(Finding::item(
                    Kind::VariantRemoved,
                    Class::BreakingCompile,
                    "a variant callers may name is gone",
                    noun,
                    name.clone(),
                    " removed",
                ));
            }
            for name in added.iter() {
                let (class, why) = match ctx.dir {
                    Dir::Response => (
                        Class::BreakingRuntime,
                        "the server may send a variant the client does not know",
                    ),
                    Dir::Request => (Class::Compatible, "a new variant callers may send"),
                };
                out.push(Finding::item(
                    Kind::VariantAdded,
                    class,
                    why,
                    noun,
                    name.clone(),
                    " added",
                ));
            }
        }
        Fact::Schema { old, new } => {
            let (a, b) = (
                old.get("additionalProperties"),
                new.get("additionalProperties"),
            );
            let map = |v: Option<&Value>| v.is_some_and(Value::is_object);
            if a != b && (map(a) || map(b)) && !(map(a) && map(b)) {
                out.push(Finding::new(
                    Kind::AdditionalPropertiesChanged,
                    Class::BreakingCompile,
                    "the Rust type changes between a map and a struct",
                    "additionalProperties changed",
                ));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    #[test]
    fn variants_and_maps() {
        let (one, none) = (vec!["`Square`".to_owned()], Vec::new());
        let v = |removed: &[String], added: &[String], dir| {
            verdicts(&judge_in(
                &Fact::Variants {
                    key: "oneOf",
                    removed,
                    added,
                },
                dir,
                false,
            ))
        };
        assert_eq!(
            v(&none, &one, Dir::Response),
            [(Kind::VariantAdded, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(&none, &one, Dir::Request),
            [(Kind::VariantAdded, Class::Compatible)]
        );
        assert_eq!(
            v(&one, &none, Dir::Request),
            [(Kind::VariantRemoved, Class::BreakingCompile)]
        );
        let (a, b) = (
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
            json!({"type": "object"}),
        );
        let found = judge_in(&Fact::Schema { old: &a, new: &b }, Dir::Response, false);
        assert_eq!(
            verdicts(&found),
            [(Kind::AdditionalPropertiesChanged, Class::BreakingCompile)]
        );
        // Two maps: their values are compared as schemas.
        let c = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        assert!(judge_in(&Fact::Schema { old: &a, new: &c }, Dir::Response, false).is_empty());
    }
}
