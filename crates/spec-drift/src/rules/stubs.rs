//! Stubs: schemas a side gives only as a title (the 2024 pages write some
//! referenced schemas so: `{"title": "Owner"}`). What a stub stands for is
//! unknown, so it is not compared: never "every property removed".

use serde_json::Value;

use super::{Ctx, Fact, Finding};
use crate::{Class, Kind};

/// Keywords that say nothing of a schema's shape (`required` without
/// properties names fields it does not describe).
const PROSE: &[&str] = &[
    "title",
    "description",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
    "nullable",
    "readOnly",
    "writeOnly",
    "required",
];

/// Whether `schema` is a stub: a title and nothing that says its shape
/// (`{"type": "object", "title": "AccessItemAccessProfileResponse"}`, as
/// the 2024 pages write the variants of a `oneOf`).
pub(crate) fn is_stub(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| {
        map.get("title").is_some_and(Value::is_string)
            && map.iter().all(|(k, v)| {
                PROSE.contains(&k.as_str()) || k.starts_with("x-") || (k == "type" && v == "object")
            })
    })
}

pub(super) fn check(fact: &Fact<'_>, _: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Fact::Stub { old, new } = fact else {
        return;
    };
    let side = match (old, new) {
        (true, true) => "both sides give",
        (true, false) => "the old side gives",
        _ => "the new side gives",
    };
    out.push(
        Finding::new(
            Kind::NotCompared,
            Class::Info,
            format!(
                "{side} only its title (a stub): what it stands for is unknown (were it a free-form object, its Rust type would be a map)"
            ),
            "schema not compared",
        )
        .cause(format!("stub: {side}")),
    );
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact};
    use super::is_stub;
    use crate::{Class, Kind};

    #[test]
    fn a_title_alone_is_a_stub_and_is_not_compared() {
        assert!(is_stub(&json!({"title": "Owner"})));
        assert!(is_stub(
            &json!({"title": "Owner", "description": "who", "x-sailpoint": 1})
        ));
        assert!(is_stub(&json!({"title": "Owner", "type": "object"})));
        assert!(!is_stub(&json!({"title": "Owner", "type": "string"})));
        assert!(!is_stub(
            &json!({"title": "Owner", "type": "object", "additionalProperties": true})
        ));
        assert!(!is_stub(
            &json!({"title": "Owner", "type": "object", "properties": {}})
        ));
        // The 2024 pages' event trigger payloads: their properties left out.
        assert!(is_stub(
            &json!({"title": "Campaign Activated", "type": "object", "required": ["campaign"]})
        ));
        assert!(!is_stub(&json!({"type": "object"})));
        assert!(!is_stub(&json!({"description": "no title"})));
        let found = judge_in(
            &Fact::Stub {
                old: false,
                new: true,
            },
            Dir::Response,
            false,
        );
        assert_eq!(verdicts(&found), [(Kind::NotCompared, Class::Info)]);
    }
}
