//! `readOnly` and `writeOnly`: which way a field travels, not its type.

use super::{flag, Ctx, Fact, Finding};
use crate::{Class, Kind};

pub(super) fn check(fact: &Fact<'_>, _: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Fact::Schema { old, new } = fact else {
        return;
    };
    for key in ["readOnly", "writeOnly"] {
        if flag(old, key) != flag(new, key) {
            let now = if flag(new, key) { "now" } else { "no longer" };
            out.push(Finding::new(
                Kind::AccessChanged,
                Class::Compatible,
                "changes which way the field travels, not its type",
                format!("{now} {key}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    #[test]
    fn direction_flags_are_compatible() {
        let (a, b) = (
            json!({"type": "string"}),
            json!({"type": "string", "readOnly": true}),
        );
        let found = judge_in(&Fact::Schema { old: &a, new: &b }, Dir::Response, false);
        assert_eq!(verdicts(&found), [(Kind::AccessChanged, Class::Compatible)]);
        assert_eq!(found[0].detail(), "now readOnly");
    }
}
