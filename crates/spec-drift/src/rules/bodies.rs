//! Request bodies and the media types of bodies.

use serde_json::Value;

use super::{flag, Ctx, Dir, Fact, Finding};
use crate::schema::{flatten, required, resolve};
use crate::{Class, Kind};

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    match fact {
        Fact::RequestBody { old, new } => request_body(
            *old,
            *new,
            new.is_some_and(|b| empty_body_accepted(ctx, b)),
            out,
        ),
        Fact::MediaType {
            media,
            old,
            new,
            others,
        } => media_type(ctx.dir, media, *old, *new, *others, out),
        _ => {}
    }
}

/// Whether the client's body builder, which starts from an empty object
/// when nothing is set, makes a body the new spec accepts: a JSON object
/// schema with no required property.
fn empty_body_accepted(ctx: &Ctx<'_>, body: &Value) -> bool {
    let Some(schema) = body.pointer("/content/application~1json/schema") else {
        return false;
    };
    let schema = flatten(ctx.new_doc, resolve(ctx.new_doc, schema));
    super::effective_type(&schema).is_none_or(|t| t == "object")
        && schema.get("properties").is_some()
        && required(&schema).is_empty()
}

fn request_body(
    old: Option<&Value>,
    new: Option<&Value>,
    empty_accepted: bool,
    out: &mut Vec<Finding>,
) {
    let finding = |kind, class, why: &str, detail: &str| {
        Finding::new(kind, class, why, detail).at("requestBody")
    };
    match (old, new) {
        (Some(_), None) => out.push(finding(
            Kind::RequestBodyRemoved,
            Class::BreakingCompile,
            "the builder's body method is gone",
            "request body removed",
        )),
        (None, Some(b)) if flag(b, "required") && empty_accepted => out.push(finding(
            Kind::RequestBodyAdded,
            Class::Compatible,
            "a required body, but the builder's empty one is valid (no required field)",
            "required request body added",
        )),
        (None, Some(b)) if flag(b, "required") => out.push(finding(
            Kind::RequestBodyAdded,
            Class::BreakingRuntime,
            "a required body: the builder fails at run time until callers set it",
            "required request body added",
        )),
        (None, Some(_)) => out.push(finding(
            Kind::RequestBodyAdded,
            Class::Compatible,
            "an optional body",
            "optional request body added",
        )),
        (Some(o), Some(n)) => match (flag(o, "required"), flag(n, "required")) {
            (false, true) if empty_accepted => out.push(finding(
                Kind::RequestBodyRequired,
                Class::Compatible,
                "a call that sets no body sends the builder's empty one, which is valid (no required field)",
                "request body is now required",
            )),
            (false, true) => out.push(finding(
                Kind::RequestBodyRequired,
                Class::BreakingRuntime,
                "calls without a body now fail: the builder's empty body lacks required fields",
                "request body is now required",
            )),
            (true, false) => out.push(finding(
                Kind::RequestBodyOptional,
                Class::Compatible,
                "the body may now be left out",
                "request body is now optional",
            )),
            _ => {}
        },
        (None, None) => {}
    }
}

fn media_type(dir: Dir, media: &str, old: bool, new: bool, others: bool, out: &mut Vec<Finding>) {
    let what = match dir {
        Dir::Request => "request body",
        Dir::Response => "response",
    };
    match (old, new) {
        (true, false) => {
            let (class, why) = match (dir, others) {
                (Dir::Request, _) => (Class::BreakingCompile, "the body type callers pass changes"),
                (Dir::Response, true) => (
                    Class::BreakingRuntime,
                    "the client no longer reads that content type",
                ),
                (Dir::Response, false) => (
                    Class::BreakingCompile,
                    "the response has no body any more: the method's return type changes",
                ),
            };
            out.push(Finding::item(
                Kind::ContentTypeRemoved,
                class,
                why,
                (
                    &format!("{what} content type"),
                    &format!("{what} content types"),
                ),
                format!("`{media}`"),
                " removed",
            ));
        }
        (false, true) => out.push(Finding::item(
            Kind::ContentTypeAdded,
            Class::Compatible,
            "another content type is accepted",
            (
                &format!("{what} content type"),
                &format!("{what} content types"),
            ),
            format!("`{media}`"),
            " added",
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
    fn bodies_and_media_types() {
        let (optional, required) = (json!({}), json!({"required": true}));
        let body = |old, new| {
            verdicts(&judge_in(
                &Fact::RequestBody { old, new },
                Dir::Request,
                false,
            ))
        };
        // A body whose empty object is valid: the builder sends it.
        let loose = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}});
        assert_eq!(
            body(Some(&optional), Some(&loose)),
            [(Kind::RequestBodyRequired, Class::Compatible)]
        );
        assert_eq!(
            body(None, Some(&loose)),
            [(Kind::RequestBodyAdded, Class::Compatible)]
        );
        let strict = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}}}});
        assert_eq!(
            body(Some(&optional), Some(&strict)),
            [(Kind::RequestBodyRequired, Class::BreakingRuntime)]
        );
        let v = |old, new| {
            verdicts(&judge_in(
                &Fact::RequestBody { old, new },
                Dir::Request,
                false,
            ))
        };
        assert_eq!(
            v(Some(&optional), None),
            [(Kind::RequestBodyRemoved, Class::BreakingCompile)]
        );
        assert_eq!(
            v(None, Some(&required)),
            [(Kind::RequestBodyAdded, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(None, Some(&optional)),
            [(Kind::RequestBodyAdded, Class::Compatible)]
        );
        assert_eq!(
            v(Some(&optional), Some(&required)),
            [(Kind::RequestBodyRequired, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(Some(&required), Some(&optional)),
            [(Kind::RequestBodyOptional, Class::Compatible)]
        );
        let m = |dir, old, new, others| {
            verdicts(&judge_in(
                &Fact::MediaType {
                    media: "application/json",
                    old,
                    new,
                    others,
                },
                dir,
                false,
            ))
        };
        assert_eq!(
            m(Dir::Request, true, false, true),
            [(Kind::ContentTypeRemoved, Class::BreakingCompile)]
        );
        assert_eq!(
            m(Dir::Response, true, false, true),
            [(Kind::ContentTypeRemoved, Class::BreakingRuntime)]
        );
        assert_eq!(
            m(Dir::Response, true, false, false),
            [(Kind::ContentTypeRemoved, Class::BreakingCompile)]
        );
        assert_eq!(
            m(Dir::Response, false, true, true),
            [(Kind::ContentTypeAdded, Class::Compatible)]
        );
    }
}
