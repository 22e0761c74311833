//! Operations: added, removed, renamed (paired by route when the
//! operationId changed), moved to another endpoint, deprecated, or not
//! compared because one side's page was quarantined.

use super::{flag, Ctx, Fact, Finding, OpView};
use crate::{normalized_route, Class, Kind, Side};

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    match fact {
        Fact::OperationAdded(op) => out.push(
            Finding::item(
                Kind::OperationAdded,
                Class::Compatible,
                "new methods of the client; nothing else changes",
                ("operation", "operations"),
                match ctx.method(Side::New, op) {
                    Some(m) => format!("`{}` (`{m}`)", op.route()),
                    None => format!("`{}`", op.route()),
                },
                " added",
            )
            .cause("operations added"),
        ),
        Fact::OperationRemoved(op) => out.push(Finding::new(
            Kind::OperationRemoved,
            Class::BreakingCompile,
            match ctx.method(Side::Old, op) {
                Some(m) => format!("the client method `{m}` is gone"),
                None => "the client method is gone".to_owned(),
            },
            format!("{} removed", op.route()),
        )),
        Fact::OperationNotCompared { op, side, reason } => {
            let side = match side {
                Side::Old => "old",
                Side::New => "new",
            };
            out.push(
                Finding::item(
                    Kind::NotCompared,
                    Class::Info,
                    format!("its page on the {side} side was quarantined: {reason}"),
                    ("operation", "operations"),
                    format!("`{}`", op.route()),
                    " not compared",
                )
                .cause(format!("quarantined on the {side} side: {reason}")),
            );
        }
        Fact::OperationPair { old, new } => pair(ctx, old, new, out),
        Fact::OperationIdReused { old, old_now, new } => {
            let method = ctx
                .method(Side::New, new)
                .map(|m| format!("`{m}`"))
                .unwrap_or_else(|| format!("of `{}`", new.key()));
            let then = match old_now {
                Some(now) => format!(
                    "; {} is now `{}`",
                    old.route(),
                    ctx.method(Side::New, now).unwrap_or_else(|| now.key())
                ),
                None => String::new(),
            };
            out.push(Finding::new(
                Kind::OperationMoved,
                Class::BreakingRuntime,
                "code calling the method still compiles, but it calls another endpoint",
                format!(
                    "the method {method} now calls {} instead of {}{then}",
                    new.route(),
                    old.route()
                ),
            ));
        }
        _ => {}
    }
}

fn pair(ctx: &Ctx<'_>, old: &OpView<'_>, new: &OpView<'_>, out: &mut Vec<Finding>) {
    if old.id != new.id {
        let (om, nm) = (ctx.method(Side::Old, old), ctx.method(Side::New, new));
        let ids = format!("operationId `{}` renamed to `{}`", old.key(), new.key());
        match (om, nm) {
            (Some(a), Some(b)) if a == b => out.push(Finding::new(
                Kind::OperationRenamed,
                Class::Info,
                format!("the method keeps its name `{a}`"),
                ids,
            )),
            (Some(a), Some(b)) => out.push(Finding::new(
                Kind::OperationRenamed,
                Class::BreakingCompile,
                format!("code calling `{a}` no longer compiles: the method is now `{b}`"),
                ids,
            )),
            _ => out.push(Finding::new(
                Kind::OperationRenamed,
                Class::BreakingCompile,
                "code calling the old method no longer compiles: the method takes the new name",
                ids,
            )),
        }
    }
    if normalized_route(old.method, old.path) != normalized_route(new.method, new.path) {
        out.push(Finding::new(
            Kind::OperationMoved,
            Class::BreakingRuntime,
            "code calling the method still compiles, but it calls another endpoint; a client built before calls one the server no longer documents",
            format!("moved from {} to {}", old.route(), new.route()),
        ));
    }
    match (flag(old.op, "deprecated"), flag(new.op, "deprecated")) {
        (false, true) => out.push(
            Finding::new(
                Kind::Deprecated,
                Class::Compatible,
                "it still works; plan a migration",
                "operation deprecated",
            )
            .at("deprecated"),
        ),
        (true, false) => out.push(
            Finding::new(
                Kind::Undeprecated,
                Class::Compatible,
                "no longer deprecated",
                "operation no longer deprecated",
            )
            .at("deprecated"),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact, OpView};
    use crate::{Class, Kind, Side};

    fn view<'a>(
        id: Option<&'a str>,
        method: &'static str,
        path: &'a str,
        op: &'a Value,
    ) -> OpView<'a> {
        OpView {
            id,
            method,
            path,
            op,
            item: op,
        }
    }

    #[test]
    fn operations_added_removed_renamed_moved_and_deprecated() {
        let plain = json!({});
        let deprecated = json!({"deprecated": true});
        let a = view(Some("listThings"), "get", "/things", &plain);
        assert_eq!(
            verdicts(&judge_in(&Fact::OperationAdded(a), Dir::Request, false)),
            [(Kind::OperationAdded, Class::Compatible)]
        );
        assert_eq!(
            verdicts(&judge_in(&Fact::OperationRemoved(a), Dir::Request, false)),
            [(Kind::OperationRemoved, Class::BreakingCompile)]
        );
        // Same route, new operationId: a rename, and nothing else.
        let b = view(Some("getThings"), "get", "/things", &plain);
        let found = judge_in(&Fact::OperationPair { old: a, new: b }, Dir::Request, false);
        assert_eq!(
            verdicts(&found),
            [(Kind::OperationRenamed, Class::BreakingCompile)]
        );
        assert_eq!(
            found[0].detail(),
            "operationId `listThings` renamed to `getThings`"
        );
        // A path parameter renamed is not a move.
        let c = view(Some("getThing"), "get", "/things/{id}", &plain);
        let d = view(Some("getThing"), "get", "/things/{thingId}", &deprecated);
        let found = judge_in(&Fact::OperationPair { old: c, new: d }, Dir::Request, false);
        assert_eq!(verdicts(&found), [(Kind::Deprecated, Class::Compatible)]);
        // Another endpoint is.
        let e = view(Some("getThing"), "get", "/history/things/{id}", &plain);
        let found = judge_in(&Fact::OperationPair { old: c, new: e }, Dir::Request, false);
        assert_eq!(
            verdicts(&found),
            [(Kind::OperationMoved, Class::BreakingRuntime)]
        );
        // A quarantined page is not compared, never removed.
        let found = judge_in(
            &Fact::OperationNotCompared {
                op: a,
                side: Side::New,
                reason: "invalid",
            },
            Dir::Request,
            false,
        );
        assert_eq!(verdicts(&found), [(Kind::NotCompared, Class::Info)]);
        // An id reused on another route: the method of that name calls
        // another endpoint.
        let found = judge_in(
            &Fact::OperationIdReused {
                old: c,
                old_now: Some(b),
                new: e,
            },
            Dir::Request,
            false,
        );
        assert_eq!(
            verdicts(&found),
            [(Kind::OperationMoved, Class::BreakingRuntime)]
        );
    }
}
