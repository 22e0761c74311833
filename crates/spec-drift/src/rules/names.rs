//! Type names: one place names a component on both sides, under two
//! names. Whether that breaks code depends on who renamed it: upstream (the
//! titles both sides' pages give differ), or this project's naming (a title
//! the new pages carry where the old ones had none, a derived name that
//! moved, a number among types sharing a title), which a pin in
//! `spec/names.yaml` undoes. The components are matched tolerantly by
//! shape (a description, `nullable` or an added property do not make
//! another type): a place that now holds a different type, while both
//! names live on, is a type replaced.

use super::{Ctx, Fact, Finding};
use crate::matching::{component, similar, title_name};
use crate::{Class, Kind, Side};

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Fact::TypeName { old, new } = fact else {
        return;
    };
    let (a, b) = (*old, *new);
    let (ta, tb) = (title_name(ctx.old_doc, a), title_name(ctx.new_doc, b));
    let alike = match (component(ctx.old_doc, a), component(ctx.new_doc, b)) {
        (Some(x), Some(y)) => similar(ctx.old_doc, x, ctx.new_doc, y),
        _ => false,
    };
    let both_live = component(ctx.new_doc, a).is_some() && component(ctx.old_doc, b).is_some();
    let rust = match (ctx.type_name(Side::Old, a), ctx.type_name(Side::New, b)) {
        // The spec's names differ, the Rust type's does not (`AccessProfile`
        // and `accessprofile` are both `AccessProfile`): nothing a user's
        // code names changed.
        (Some(ra), Some(rb)) if ra == rb => return,
        (Some(ra), Some(rb)) if ra != a || rb != b => format!(" (Rust `{ra}` → `{rb}`)"),
        _ => String::new(),
    };
    let upstream = matches!((&ta, &tb), (Some(x), Some(y)) if x != y);
    if upstream && alike {
        out.push(
            Finding::item(
                Kind::TypeRenamed,
                Class::BreakingCompile,
                "renamed upstream (the pages' titles differ): code naming the old type no longer compiles",
                (
                    &format!("type `{a}` renamed to"),
                    &format!("type `{a}` split into"),
                ),
                format!("`{b}`{rust}"),
                "",
            )
            .cause(format!("type `{a}`")),
        );
    } else if upstream || (both_live && !alike) {
        out.push(
            Finding::item(
                Kind::TypeReplaced,
                Class::BreakingCompile,
                "the place holds another type now: code naming the old one here no longer compiles",
                ("type replaced:", "types replaced:"),
                format!("`{a}` → `{b}`{rust}"),
                "",
            )
            .cause(format!("`{a}` → `{b}`")),
        );
    } else {
        let reason = match (&ta, &tb) {
            (Some(_), Some(_)) => "a number among types that share a title moved",
            (None, Some(_)) => "the new pages title it",
            (Some(_), None) => "the new pages no longer title it",
            (None, None) => "a name this project derives moved",
        };
        out.push(
            Finding::item(
                Kind::TypeNameChanged,
                Class::Info,
                format!(
                    "not renamed upstream ({reason}); pin the old name in spec/names.yaml to keep the Rust type's name"
                ),
                ("type named differently:", "types named differently:"),
                format!("`{a}` → `{b}`{rust}"),
                "",
            )
            .cause(reason),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{judge_with, verdicts, PROFILE};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    fn doc(schemas: Value) -> Value {
        json!({"components": {"schemas": schemas}})
    }

    fn v(old: &Value, new: &Value, a: &str, b: &str) -> Vec<(Kind, Class)> {
        verdicts(&judge_with(
            &Fact::TypeName { old: a, new: b },
            Dir::Response,
            false,
            &PROFILE,
            old,
            new,
        ))
    }

    #[test]
    fn renames_are_judged_by_who_made_them() {
        let owner = json!({"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}});
        let titled = |t: &str| {
            let mut o = owner.clone();
            o["title"] = json!(t);
            o
        };
        // Upstream: both sides titled, the titles differ.
        assert_eq!(
            v(
                &doc(json!({"Owner": titled("Owner")})),
                &doc(json!({"OwnerRef": titled("OwnerRef")})),
                "Owner",
                "OwnerRef"
            ),
            [(Kind::TypeRenamed, Class::BreakingCompile)]
        );
        // Ours: the old pages carry no titles; the new ones do. An added
        // property and a description are still the same type.
        let mut grown = titled("OwnerRef");
        grown["properties"]["email"] = json!({"type": "string"});
        grown["description"] = json!("who owns it");
        assert_eq!(
            v(
                &doc(json!({"CreateThingRequestOwner": owner.clone()})),
                &doc(json!({"OwnerRef": grown})),
                "CreateThingRequestOwner",
                "OwnerRef"
            ),
            [(Kind::TypeNameChanged, Class::Info)]
        );
        // Ours: a derived name moved.
        assert_eq!(
            v(
                &doc(json!({"Level": owner.clone()})),
                &doc(json!({"AlertLevel": owner.clone()})),
                "Level",
                "AlertLevel"
            ),
            [(Kind::TypeNameChanged, Class::Info)]
        );
        // Both names live on and the place now holds another shape.
        let other = json!({"type": "object", "properties": {"total": {"type": "integer"}}});
        // One Rust name for both: nothing a user's code names changed.
        struct Same;
        impl crate::RustNames for Same {
            fn method(&self, _: crate::Side, _: &crate::Route) -> Option<String> {
                None
            }
            fn type_name(&self, _: crate::Side, _: &str) -> Option<String> {
                Some("AccessProfile".into())
            }
            fn field(&self, _: &str) -> Option<String> {
                None
            }
        }
        let (old, new) = (
            doc(json!({"AccessProfile": titled("AccessProfile")})),
            doc(json!({"accessprofile": titled("accessprofile")})),
        );
        let ctx = super::super::Ctx {
            dir: Dir::Response,
            optional: false,
            error_body: false,
            top: false,
            profile: &PROFILE,
            rust: Some(&Same),
            old_doc: &old,
            new_doc: &new,
        };
        let fact = Fact::TypeName {
            old: "AccessProfile",
            new: "accessprofile",
        };
        assert!(super::super::judge(&fact, &ctx).is_empty());
        let both = doc(json!({"Owner": owner.clone(), "Count": other.clone()}));
        assert_eq!(
            v(&both, &both, "Owner", "Count"),
            [(Kind::TypeReplaced, Class::BreakingCompile)]
        );
    }
}
