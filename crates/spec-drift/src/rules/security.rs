//! Security schemes and requirements, as this client meets them: it gets
//! its token with the OAuth2 client-credentials grant (or is given a bearer
//! token) and sends it on every call. Only what that asks counts: the
//! client-credentials flow of a scheme (its token path and scope names),
//! not its prose, its other flows (a user's authorization code) or hosts.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::{Ctx, Fact, Finding};
use crate::{Class, Kind};

pub(super) fn check(fact: &Fact<'_>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    match fact {
        Fact::SecuritySchemes => schemes_changed(ctx, out),
        Fact::Security { old, new } => requirements_changed(ctx, *old, *new, out),
        _ => {}
    }
}

/// What a security scheme asks of this client: the kind of credential and,
/// for OAuth2, the client-credentials flow's token path and scope names
/// (`null` when it has no such flow).
pub(crate) fn client_view(scheme: &Value) -> Value {
    let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "oauth2" => {
            let flow = scheme.pointer("/flows/clientCredentials").map(|flow| {
                let scopes: BTreeSet<&str> = flow
                    .get("scopes")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|s| s.keys().map(String::as_str))
                    .collect();
                json!({"tokenPath": token_path(flow.get("tokenUrl")), "scopes": scopes})
            });
            json!({"type": "oauth2", "clientCredentials": flow})
        }
        "http" => json!({
            "type": "http",
            "scheme": scheme.get("scheme").and_then(Value::as_str).map(str::to_ascii_lowercase),
        }),
        "openIdConnect" => json!({"type": "openIdConnect"}),
        _ => {
            let mut rest = scheme.clone();
            if let Some(map) = rest.as_object_mut() {
                map.remove("description");
            }
            rest
        }
    }
}

/// The path of a token URL (`/oauth/token`): the client asks its own
/// tenant's host, so only the path is the scheme's to say.
fn token_path(url: Option<&Value>) -> String {
    let url = url.and_then(Value::as_str).unwrap_or("");
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(i) => rest[i..].to_owned(),
        None => "/".to_owned(),
    }
}

/// Whether this client can call with what a scheme asks: a token from the
/// client-credentials grant, or a bearer token.
fn usable(view: &Value) -> bool {
    match view.get("type").and_then(Value::as_str) {
        Some("oauth2") => !view["clientCredentials"].is_null(),
        Some("http") => view["scheme"] == "bearer",
        Some("openIdConnect") => true,
        _ => false,
    }
}

/// The security schemes of a document.
fn schemes(doc: &Value) -> Map<String, Value> {
    doc.pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn quote_key(key: &str) -> String {
    format!("['{}']", key.replace('\'', "\\'"))
}

fn schemes_changed(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let (os, ns) = (schemes(ctx.old_doc), schemes(ctx.new_doc));
    let mut renamed_to = BTreeSet::new();
    for (name, scheme) in &os {
        let view = client_view(scheme);
        let cause = quote_key(name);
        match ns.get(name) {
            Some(other) => {
                let now = client_view(other);
                if now == view {
                    continue;
                }
                let (class, why) = if usable(&view) && !usable(&now) {
                    (
                        Class::BreakingRuntime,
                        "the client can no longer get a token it accepts",
                    )
                } else if view["clientCredentials"]["tokenPath"]
                    != now["clientCredentials"]["tokenPath"]
                {
                    (
                        Class::BreakingRuntime,
                        "the client asks its tenant's `/oauth/token` for tokens unless configured otherwise",
                    )
                } else {
                    (
                        Class::Compatible,
                        "the scopes it offers changed; the client's token carries what its API client was granted",
                    )
                };
                out.push(
                    Finding::new(
                        Kind::SecuritySchemeChanged,
                        class,
                        why,
                        format!("security scheme `{name}` changed what it asks of a client-credentials client"),
                    )
                    .at(cause.clone())
                    .cause(cause),
                );
            }
            None => {
                let same = ns.iter().find(|(other, s)| {
                    !os.contains_key(*other)
                        && !renamed_to.contains(*other)
                        && client_view(s) == view
                });
                match same {
                    Some((other, _)) => {
                        renamed_to.insert(other.clone());
                        out.push(
                            Finding::new(
                                Kind::SecuritySchemeRenamed,
                                Class::Compatible,
                                "it asks the same of this client (client-credentials flow, token path, scopes): the client gets its tokens as before",
                                format!("security scheme `{name}` renamed to `{other}`"),
                            )
                            .at(cause.clone())
                    .cause(cause),
                        );
                    }
                    None => out.push(
                        Finding::new(
                            Kind::SecuritySchemeRemoved,
                            Class::Info,
                            "each operation's requirements are judged where they change",
                            format!("security scheme `{name}` removed"),
                        )
                        .at(cause.clone())
                        .cause(cause),
                    ),
                }
            }
        }
    }
    for name in ns
        .keys()
        .filter(|k| !os.contains_key(*k) && !renamed_to.contains(*k))
    {
        out.push(
            Finding::new(
                Kind::SecuritySchemeAdded,
                Class::Compatible,
                "existing credentials still work",
                format!("security scheme `{name}` added"),
            )
            .at(quote_key(name))
            .cause(quote_key(name)),
        );
    }
}

/// A requirement list as this client sees it: each alternative as the
/// views of the schemes it names (`None` for a list that is absent), and
/// the scopes each alternative asks.
fn requirement_views(
    doc: &Value,
    list: Option<&Value>,
) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let schemes = schemes(doc);
    let list = list?;
    let mut alternatives = BTreeSet::new();
    let mut scopes = BTreeSet::new();
    for requirement in list.as_array().into_iter().flatten() {
        let mut parts: Vec<String> = Vec::new();
        for (name, asked) in requirement.as_object().into_iter().flatten() {
            let view = schemes
                .get(name)
                .map(client_view)
                .unwrap_or_else(|| Value::String(name.clone()));
            parts.push(view.to_string());
            scopes.extend(
                asked
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned),
            );
        }
        parts.sort();
        alternatives.insert(parts.join("&"));
    }
    Some((alternatives, scopes))
}

fn requirements_changed(
    ctx: &Ctx<'_>,
    old: Option<&Value>,
    new: Option<&Value>,
    out: &mut Vec<Finding>,
) {
    let (before, after) = (
        requirement_views(ctx.old_doc, old),
        requirement_views(ctx.new_doc, new),
    );
    let (before_alternatives, before_scopes) = before.clone().unwrap_or_default();
    let (after_alternatives, after_scopes) = after.clone().unwrap_or_default();
    if before.is_some() != after.is_some() || before_alternatives != after_alternatives {
        let schemes = schemes(ctx.new_doc);
        let alternatives: Vec<&Map<String, Value>> = new
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .collect();
        let met = alternatives.is_empty()
            || alternatives.iter().any(|a| {
                a.keys()
                    .all(|name| schemes.get(name).is_some_and(|s| usable(&client_view(s))))
            });
        let names: Vec<String> = alternatives
            .iter()
            .map(|a| {
                a.keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        let now = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(" or ")
        };
        let detail = format!("security requirements changed: now {now}");
        out.push(if met {
            Finding::new(
                Kind::SecurityChanged,
                Class::Compatible,
                "the client sends its client-credentials token on every call, which this accepts",
                detail,
            )
        } else {
            Finding::new(
                Kind::SecurityChanged,
                Class::BreakingRuntime,
                "the client sends a client-credentials token; this asks for other credentials",
                detail,
            )
        });
    }
    if before_scopes != after_scopes {
        let show = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "none".to_owned()
            } else {
                s.iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        out.push(
            Finding::new(
                Kind::ScopesChanged,
                Class::Compatible,
                "the token must carry one of these scopes (an API client granted `sp:scopes:all` has them)",
                format!(
                    "scopes now {} (were {})",
                    show(&after_scopes),
                    show(&before_scopes)
                ),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testing::{judge_with, verdicts, PROFILE};
    use super::super::{Dir, Fact};
    use crate::{Class, Kind};

    fn doc(schemes: Value) -> Value {
        json!({"components": {"securitySchemes": schemes}})
    }

    fn cc(token: &str, scopes: &[&str], auth_url: &str) -> Value {
        let scopes: serde_json::Map<String, Value> = scopes
            .iter()
            .map(|s| ((*s).to_owned(), json!("some prose")))
            .collect();
        json!({"type": "oauth2", "description": "prose", "flows": {
            "clientCredentials": {"tokenUrl": token, "scopes": scopes},
            "authorizationCode": {"authorizationUrl": auth_url, "tokenUrl": token, "scopes": scopes}
        }})
    }

    #[test]
    fn a_scheme_renamed_with_the_same_client_credentials_flow_is_a_rename() {
        // The seed's `oauth2` and the 2024 page's `UserContextAuth`: the
        // same client-credentials flow, another authorization URL (a user's
        // flow), other prose; `ApplicationOnlyAuth` offers fewer scopes.
        let old = doc(
            json!({"oauth2": cc("https://t.api.x.com/oauth/token", &["sp:scopes:default", "sp:scopes:all"], "https://t.x.com/oauth/authorize")}),
        );
        let new = doc(json!({
            "ApplicationOnlyAuth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t.api.x.com/oauth/token", "scopes": {"sp:scopes:default": "d"}}}},
            "UserContextAuth": cc("https://t.api.x.com/oauth/token", &["sp:scopes:default", "sp:scopes:all"], "https://t.login.x.com/oauth/authorize"),
        }));
        let found = judge_with(
            &Fact::SecuritySchemes,
            Dir::Request,
            false,
            &PROFILE,
            &old,
            &new,
        );
        assert_eq!(
            verdicts(&found),
            [
                (Kind::SecuritySchemeRenamed, Class::Compatible),
                (Kind::SecuritySchemeAdded, Class::Compatible)
            ]
        );
        assert_eq!(
            found[0].detail(),
            "security scheme `oauth2` renamed to `UserContextAuth`"
        );
        // The requirement naming the renamed scheme asks the same.
        let (a, b) = (json!([{"oauth2": []}]), json!([{"UserContextAuth": []}]));
        let found = judge_with(
            &Fact::Security {
                old: Some(&a),
                new: Some(&b),
            },
            Dir::Request,
            false,
            &PROFILE,
            &old,
            &new,
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn only_the_client_credentials_flow_counts() {
        let old = doc(json!({"a": cc("https://h/oauth/token", &["s"], "https://h/authorize")}));
        // Another authorization URL and another host: nothing for this client.
        let same = doc(
            json!({"a": cc("https://other/oauth/token", &["s"], "https://elsewhere/authorize")}),
        );
        assert!(judge_with(
            &Fact::SecuritySchemes,
            Dir::Request,
            false,
            &PROFILE,
            &old,
            &same
        )
        .is_empty());
        // Another token path: the client asks `/oauth/token`.
        let moved = doc(json!({"a": cc("https://h/oauth2/token", &["s"], "https://h/authorize")}));
        let found = judge_with(
            &Fact::SecuritySchemes,
            Dir::Request,
            false,
            &PROFILE,
            &old,
            &moved,
        );
        assert_eq!(
            verdicts(&found),
            [(Kind::SecuritySchemeChanged, Class::BreakingRuntime)]
        );
        // No client-credentials flow any more.
        let user_only = doc(
            json!({"a": {"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "https://h/a", "tokenUrl": "https://h/oauth/token", "scopes": {}}}}}),
        );
        let found = judge_with(
            &Fact::SecuritySchemes,
            Dir::Request,
            false,
            &PROFILE,
            &old,
            &user_only,
        );
        assert_eq!(
            verdicts(&found),
            [(Kind::SecuritySchemeChanged, Class::BreakingRuntime)]
        );
        // An operation that now needs it is refused this client's token.
        let req = json!([{"a": []}]);
        let found = judge_with(
            &Fact::Security {
                old: Some(&req),
                new: Some(&req),
            },
            Dir::Request,
            false,
            &PROFILE,
            &old,
            &user_only,
        );
        assert_eq!(
            verdicts(&found),
            [(Kind::SecurityChanged, Class::BreakingRuntime)]
        );
    }

    #[test]
    fn scope_changes_are_shown_and_a_bearer_alternative_is_met() {
        let schemes = doc(json!({
            "userAuth": cc("https://h/oauth/token", &["s"], "https://h/a"),
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        }));
        let (a, b) = (
            json!([{"userAuth": []}]),
            json!([{"userAuth": ["idn:sources:read"]}, {"key": []}]),
        );
        let found = judge_with(
            &Fact::Security {
                old: Some(&a),
                new: Some(&b),
            },
            Dir::Request,
            false,
            &PROFILE,
            &schemes,
            &schemes,
        );
        assert_eq!(
            verdicts(&found),
            [
                (Kind::SecurityChanged, Class::Compatible),
                (Kind::ScopesChanged, Class::Compatible)
            ]
        );
        assert_eq!(
            found[1].detail(),
            "scopes now `idn:sources:read` (were none)"
        );
        let only_key = json!([{"key": []}]);
        let found = judge_with(
            &Fact::Security {
                old: Some(&a),
                new: Some(&only_key),
            },
            Dir::Request,
            false,
            &PROFILE,
            &schemes,
            &schemes,
        );
        assert_eq!(
            verdicts(&found),
            [(Kind::SecurityChanged, Class::BreakingRuntime)]
        );
    }
}
