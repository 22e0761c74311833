//! The document around the operations: the API's title and version, and
//! server URLs. Information only: the client's base URL comes from its
//! configuration, not from `servers`.

use serde_json::Value;

use super::{text, Ctx, Fact, Finding};
use crate::{Class, Kind};

pub(super) fn check(fact: &Fact<'_>, _: &Ctx<'_>, out: &mut Vec<Finding>) {
    match fact {
        Fact::Info { key, old, new } if old != new => {
            let show = |v: &Option<&Value>| v.map(text).unwrap_or_else(|| "none".into());
            out.push(Finding::new(
                Kind::InfoChanged,
                Class::Info,
                "documentation only",
                format!("API {key} changed from `{}` to `{}`", show(old), show(new)),
            ));
        }
        Fact::Servers { old, new } if old != new => servers(*old, *new, out),
        _ => {}
    }
}

/// Server URLs added and removed; a change of their descriptions or
/// variables alone is one line.
fn servers(old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Finding>) {
    let urls = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_owned))
            .collect()
    };
    let (ou, nu) = (urls(old), urls(new));
    let why =
        "the client's base URL comes from its configuration (SAIL_BASE_URL), not from `servers`";
    let before = out.len();
    for url in ou.iter().filter(|u| !nu.contains(u)) {
        out.push(Finding::item(
            Kind::ServerRemoved,
            Class::Info,
            why,
            ("server", "servers"),
            format!("`{url}`"),
            " removed",
        ));
    }
    for url in nu.iter().filter(|u| !ou.contains(u)) {
        out.push(Finding::item(
            Kind::ServerAdded,
            Class::Info,
            why,
            ("server", "servers"),
            format!("`{url}`"),
            " added",
        ));
    }
    if out.len() == before {
        out.push(Finding::new(
            Kind::ServersChanged,
            Class::Info,
            why,
            "servers' descriptions or variables changed",
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{judge_in, verdicts};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    #[test]
    fn servers_and_titles_are_information() {
        let (a, b) = (
            json!([{"url": "https://a/v1"}]),
            json!([{"url": "https://a/v1"}, {"url": "https://b/v2"}]),
        );
        let found = judge_in(
            &Fact::Servers {
                old: Some(&a),
                new: Some(&b),
            },
            Dir::Request,
            false,
        );
        assert_eq!(verdicts(&found), [(Kind::ServerAdded, Class::Info)]);
        assert_eq!(found[0].detail(), "server `https://b/v2` added");
        let described = json!([{"url": "https://a/v1", "description": "prod"}]);
        let found = judge_in(
            &Fact::Servers {
                old: Some(&a),
                new: Some(&described),
            },
            Dir::Request,
            false,
        );
        assert_eq!(verdicts(&found), [(Kind::ServersChanged, Class::Info)]);
        assert!(judge_in(
            &Fact::Servers {
                old: Some(&a),
                new: Some(&a)
            },
            Dir::Request,
            false
        )
        .is_empty());
        let (t1, t2) = (json!("Beta"), json!("IdentityNow Beta"));
        let found = judge_in(
            &Fact::Info {
                key: "title",
                old: Some(&t1),
                new: Some(&t2),
            },
            Dir::Request,
            false,
        );
        assert_eq!(
            found[0].detail(),
            "API title changed from `Beta` to `IdentityNow Beta`"
        );
    }
}
