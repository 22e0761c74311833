//! Response statuses. The client takes any 2xx as the operation's
//! documented success (its quirks table hands an undocumented 2xx to the
//! generated code as the documented one), so a success status replaced by
//! another breaks nothing; what the body holds is compared as a schema.

use super::{Ctx, Fact, Finding};
use crate::{Class, Kind};

fn success(code: &str) -> bool {
    code.starts_with('2')
}

pub(super) fn check(fact: &Fact<'_>, _: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Fact::Responses { old, new } = fact else {
        return;
    };
    let new_success = new.keys().any(|c| success(c));
    let old_success = old.keys().any(|c| success(c));
    let noun = ("response", "responses");
    for code in old.keys().filter(|c| !new.contains_key(*c)) {
        let (class, why) = if !success(code) {
            (Class::Compatible, "an error status is no longer documented")
        } else if new_success {
            (
                Class::Compatible,
                "the client takes any 2xx as the documented success",
            )
        } else {
            (
                Class::BreakingRuntime,
                "no success status is documented any more: the client treats none as success",
            )
        };
        out.push(Finding::item(
            Kind::ResponseRemoved,
            class,
            why,
            noun,
            code.clone(),
            " removed",
        ));
    }
    for code in new.keys().filter(|c| !old.contains_key(*c)) {
        let why = if success(code) && old_success {
            "the client takes any 2xx as the documented success"
        } else {
            "the regenerated client handles the new status"
        };
        out.push(Finding::item(
            Kind::ResponseAdded,
            Class::Compatible,
            why,
            noun,
            code.clone(),
            " added",
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    fn codes(list: &[&str]) -> Map<String, Value> {
        list.iter()
            .map(|c| ((*c).to_owned(), json!({"description": "x"})))
            .collect()
    }

    #[test]
    fn a_success_status_replaced_breaks_nothing() {
        let v = |old: &[&str], new: &[&str]| {
            verdicts(&judge_in(
                &Fact::Responses {
                    old: &codes(old),
                    new: &codes(new),
                },
                Dir::Response,
                false,
            ))
        };
        assert_eq!(
            v(&["202", "400"], &["204", "400"]),
            [
                (Kind::ResponseRemoved, Class::Compatible),
                (Kind::ResponseAdded, Class::Compatible)
            ]
        );
        assert_eq!(
            v(&["200", "400"], &["400"]),
            [(Kind::ResponseRemoved, Class::BreakingRuntime)]
        );
        assert_eq!(
            v(&["200", "400"], &["200"]),
            [(Kind::ResponseRemoved, Class::Compatible)]
        );
        assert_eq!(
            v(&["200"], &["200", "429"]),
            [(Kind::ResponseAdded, Class::Compatible)]
        );
        assert!(v(&["200"], &["200"]).is_empty());
    }
}
