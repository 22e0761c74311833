//! Error bodies, as this client reads them. The generated client gives all
//! error responses of an operation one type: an object with every
//! property of every error body, none required (codegen adaptation
//! `one_error_body_per_operation`), and the runtime hands it any error
//! answer: a body that does not decode is kept as its raw text, never a
//! failed call. So in an error body nothing breaks at run time, and the
//! top-level body's name and required properties are not the client's.

use super::{Ctx, Finding};
use crate::{Class, Kind};

/// Rewrites the findings of a fact in an error body by what the client
/// does with error bodies.
pub(super) fn adjust(ctx: &Ctx<'_>, findings: &mut [Finding]) {
    if !ctx.error_body {
        return;
    }
    for f in findings.iter_mut() {
        if f.class == Class::BreakingRuntime {
            f.class = Class::Compatible;
            f.why = format!(
                "{}; but in an error body, which the client reads whatever it holds (what does not decode is kept as raw text)",
                f.why
            );
            f.evidence = None;
        } else if ctx.top
            && f.class == Class::BreakingCompile
            && matches!(
                f.kind,
                Kind::TypeRenamed
                    | Kind::TypeReplaced
                    | Kind::PropertyRequired
                    | Kind::PropertyOptional
            )
        {
            f.class = Class::Compatible;
            f.why = "the client merges an operation's error bodies into one type of its own, with no required field".into();
            f.cause = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::PROFILE;
    use super::super::{judge, Ctx, Dir, Fact};
    use crate::{Class, Kind};

    fn ctx<'a>(top: bool, old: &'a Value, new: &'a Value) -> Ctx<'a> {
        Ctx {
            dir: Dir::Response,
            optional: false,
            error_body: true,
            top,
            profile: &PROFILE,
            rust: None,
            old_doc: old,
            new_doc: new,
        }
    }

    #[test]
    fn nothing_in_an_error_body_breaks_at_run_time_and_its_name_is_the_clients() {
        let null = Value::Null;
        let (a, b) = (json!({"type": "string"}), json!({"type": "integer"}));
        let found = judge(
            &Fact::Schema { old: &a, new: &b },
            &ctx(false, &null, &null),
        );
        assert_eq!(found[0].class, Class::Compatible, "{found:?}");
        assert!(found[0].evidence.is_none());
        let s = json!({"type": "string"});
        let required = Fact::Property {
            name: "detailCode",
            old: Some(&s),
            new: Some(&s),
            old_required: false,
            new_required: true,
        };
        assert_eq!(
            judge(&required, &ctx(true, &null, &null))[0].class,
            Class::Compatible
        );
        // Deeper, the field's type is the body's own: still a break.
        assert_eq!(
            judge(&required, &ctx(false, &null, &null))[0].class,
            Class::BreakingCompile
        );
        let removed = Fact::Property {
            name: "detailCode",
            old: Some(&s),
            new: None,
            old_required: false,
            new_required: false,
        };
        let found = judge(&removed, &ctx(true, &null, &null));
        assert_eq!(
            (found[0].kind, found[0].class),
            (Kind::PropertyRemoved, Class::BreakingCompile)
        );
    }
}
