//! Parameters, as the builder interface shows them: one builder method per
//! parameter, a required one checked when the request is built.

use serde_json::Value;

use super::{flag, Ctx, Fact, Finding};
use crate::{Class, Kind};

fn location(p: &Value) -> &str {
    p.get("in").and_then(Value::as_str).unwrap_or("?")
}

pub(super) fn check(fact: &Fact<'_>, _: &Ctx<'_>, out: &mut Vec<Finding>) {
    match fact {
        Fact::Parameter {
            name,
            old: Some(old),
            new: None,
        } => out.push(Finding::new(
            Kind::ParameterRemoved,
            Class::BreakingCompile,
            "its builder method is gone",
            format!("{} parameter `{name}` removed", location(old)),
        )),
        Fact::Parameter {
            name,
            old: None,
            new: Some(new),
        } => out.push(if flag(new, "required") {
            Finding::new(
                Kind::ParameterAdded,
                Class::BreakingRuntime,
                "a new required parameter: the builder fails at run time until callers set it",
                format!("required {} parameter `{name}` added", location(new)),
            )
        } else {
            Finding::new(
                Kind::ParameterAdded,
                Class::Compatible,
                "a new optional parameter",
                format!("optional {} parameter `{name}` added", location(new)),
            )
        }),
        Fact::Parameter {
            name,
            old: Some(old),
            new: Some(new),
        } => {
            if location(old) != location(new) {
                out.push(Finding::new(
                    Kind::ParameterMoved,
                    Class::Compatible,
                    "the generated client sends it in the new place",
                    format!(
                        "parameter `{name}` moved from {} to {}",
                        location(old),
                        location(new)
                    ),
                ));
            }
            required(name, old, new, out);
        }
        Fact::ParameterRenamed {
            old_name,
            new_name,
            old,
            new,
        } => {
            out.push(Finding::new(
                Kind::ParameterRenamed,
                Class::BreakingCompile,
                "its builder method takes the new name",
                format!(
                    "{} parameter `{old_name}` renamed to `{new_name}`",
                    location(new)
                ),
            ));
            required(new_name, old, new, out);
        }
        _ => {}
    }
}

fn required(name: &str, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    match (flag(old, "required"), flag(new, "required")) {
        (false, true) => out.push(Finding::new(
            Kind::ParameterRequired,
            Class::BreakingRuntime,
            "the builder fails at run time until callers set it",
            format!("parameter `{name}` is now required"),
        )),
        (true, false) => out.push(Finding::new(
            Kind::ParameterOptional,
            Class::Compatible,
            "callers may now leave it out",
            format!("parameter `{name}` is now optional"),
        )),
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
    fn parameters_as_the_builder_shows_them() {
        let optional = json!({"name": "limit", "in": "query"});
        let required = json!({"name": "limit", "in": "query", "required": true});
        let header = json!({"name": "limit", "in": "header"});
        let v = |old, new| {
            verdicts(&judge_in(
                &Fact::Parameter {
                    name: "limit",
                    old,
                    new,
                },
                Dir::Request,
                true,
            ))
        };
        assert_eq!(
            v(Some(&optional), None),
            [(Kind::ParameterRemoved, Class::BreakingCompile)]
        );
        assert_eq!(
            v(None, Some(&optional)),
            [(Kind::ParameterAdded, Class::Compatible)]
        );
        assert_eq!(
            v(None, Some(&required)),
            [(Kind::ParameterAdded, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(Some(&optional), Some(&required)),
            [(Kind::ParameterRequired, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(Some(&required), Some(&optional)),
            [(Kind::ParameterOptional, Class::Compatible)]
        );
        assert_eq!(
            v(Some(&optional), Some(&header)),
            [(Kind::ParameterMoved, Class::Compatible)]
        );
        assert!(v(Some(&optional), Some(&optional)).is_empty());
        let (a, b) = (
            json!({"name": "sourceId", "in": "path", "required": true}),
            json!({"name": "id", "in": "path", "required": true}),
        );
        let found = judge_in(
            &Fact::ParameterRenamed {
                old_name: "sourceId",
                new_name: "id",
                old: &a,
                new: &b,
            },
            Dir::Request,
            false,
        );
        assert_eq!(
            verdicts(&found),
            [(Kind::ParameterRenamed, Class::BreakingCompile)]
        );
        assert_eq!(
            found[0].detail(),
            "path parameter `sourceId` renamed to `id`"
        );
    }
}
