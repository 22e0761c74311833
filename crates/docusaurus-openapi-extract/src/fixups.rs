//! Fixes for bugs in the upstream pages, one named function each.
//!
//! In the style of k8s-openapi: every fix to a wrong upstream spec is a
//! documented function that changes an operation only when its bug is
//! present and says what it changed. The extraction report lists every
//! application with the page it touched, and the test
//! `every_fixup_is_still_needed` fails once no input needs a fixup any more,
//! so that dead fixes are removed instead of piling up.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use openapi_model::{child_schemas_mut, operation_schemas_mut, template_names, walk_schemas_mut};

use crate::page::Page;

/// What a fixup may know about the whole site and the page it works on.
#[derive(Debug, Default, Clone)]
pub struct Context {
    /// The security schemes every page defines, by name.
    pub security_schemes: BTreeMap<String, Value>,
    /// How the site's other operation ids are written.
    pub id_style: IdStyle,
    /// The page's `id:` (from its frontmatter), when it has one.
    pub page_id: Option<String>,
}

impl Context {
    /// The site-wide context: the security schemes, and the style of the
    /// operation ids the pages have.
    pub fn new(security_schemes: BTreeMap<String, Value>, pages: &[Page]) -> Self {
        let ids = pages.iter().filter_map(|page| match page {
            Page::Operation(op) => op.api.get("operationId").and_then(Value::as_str),
            _ => None,
        });
        Context {
            security_schemes,
            id_style: IdStyle::of_site(ids),
            page_id: None,
        }
    }

    /// This context for one page.
    pub fn for_page(&self, page_id: Option<&str>) -> Self {
        Context {
            page_id: page_id.map(str::to_owned),
            ..self.clone()
        }
    }
}

/// How a site writes its operation ids.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdStyle {
    /// `sendTestNotification` (also the choice when no page has an id).
    #[default]
    Camel,
    /// `SendTestNotification`.
    Pascal,
    /// `send_test_notification`.
    Snake,
    /// `send-test-notification`.
    Kebab,
}

impl IdStyle {
    /// The style of one id, when it shows one.
    fn of(id: &str) -> Option<IdStyle> {
        let first = id.chars().next()?;
        Some(if id.contains('_') {
            IdStyle::Snake
        } else if id.contains('-') {
            IdStyle::Kebab
        } else if first.is_ascii_uppercase() {
            IdStyle::Pascal
        } else if first.is_ascii_lowercase() {
            IdStyle::Camel
        } else {
            return None;
        })
    }

    /// The style most of `ids` are written in (camelCase when none shows one).
    pub fn of_site<'a>(ids: impl Iterator<Item = &'a str>) -> IdStyle {
        let mut counts: BTreeMap<IdStyle, usize> = BTreeMap::new();
        for style in ids.filter_map(IdStyle::of) {
            *counts.entry(style).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(style, n)| (*n, std::cmp::Reverse(*style)))
            .map_or(IdStyle::Camel, |(style, _)| style)
    }

    /// Writes `words` (lower case, ASCII letters and digits) in this style.
    pub fn write(self, words: &[String]) -> String {
        let capital = |w: &String| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        };
        match self {
            IdStyle::Camel => words
                .iter()
                .enumerate()
                .map(|(i, w)| if i == 0 { w.clone() } else { capital(w) })
                .collect(),
            IdStyle::Pascal => words.iter().map(capital).collect(),
            IdStyle::Snake => words.join("_"),
            IdStyle::Kebab => words.join("-"),
        }
    }
}

/// One named fix for an upstream bug.
#[derive(Debug, Clone, Copy)]
pub struct Fixup {
    /// The fixup's name, as reported and as named in tests.
    pub name: &'static str,
    /// One line on the upstream bug it fixes.
    pub summary: &'static str,
    /// What it applies to.
    pub apply: Apply,
    /// The inputs known to have the bug: `seed` (this project's vendored
    /// page) or a set under `../shared/corpus/`. The test
    /// `every_fixup_is_still_needed` checks that the fixup applies to each,
    /// and to no other; a fixup no input needs is removed, not kept "just
    /// in case".
    pub inputs: &'static [&'static str],
}

/// How a fixup applies.
#[derive(Debug, Clone, Copy)]
pub enum Apply {
    /// To one operation (the page's `api` object, with `method` and `path`
    /// still present). Returns one line per change made; empty when the bug
    /// was not there.
    Operation(fn(&mut Map<String, Value>, &Context) -> Vec<String>),
    /// To one schema object, nested ones included (parents first), adding a
    /// line per change. All schema fixups run in one walk of an operation.
    Schema(SchemaFixFn),
}

/// A schema fixup's function.
pub type SchemaFixFn = fn(&mut Map<String, Value>, &mut Vec<String>);

/// Applies every fixup to one operation; calls `report(name, change)` for
/// each change, in fixup order (per schema for the schema fixups).
pub fn apply_all(
    op: &mut Map<String, Value>,
    ctx: &Context,
    report: &mut dyn FnMut(&'static str, String),
) {
    for fixup in FIXUPS {
        if let Apply::Operation(apply) = fixup.apply {
            for change in apply(op, ctx) {
                report(fixup.name, change);
            }
        }
    }
    let schema_fixups: Vec<(&'static str, SchemaFixFn)> = FIXUPS
        .iter()
        .filter_map(|f| match f.apply {
            Apply::Schema(apply) => Some((f.name, apply)),
            Apply::Operation(_) => None,
        })
        .collect();
    let mut changes = Vec::new();
    let mut holder = Value::Object(std::mem::take(op));
    operation_schemas_mut(&mut holder, &mut |_, schema| {
        walk_schemas_mut(schema, &mut |schema| {
            for (name, apply) in &schema_fixups {
                apply(schema, &mut changes);
                for change in changes.drain(..) {
                    report(name, change);
                }
            }
        })
    });
    if let Value::Object(map) = holder {
        *op = map;
    }
}

/// Every fixup, in the order they run.
pub const FIXUPS: &[Fixup] = &[
    Fixup {
        name: "missing_operation_id",
        summary: "an operation has no `operationId` (the plugin named its page after the summary instead)",
        apply: Apply::Operation(missing_operation_id),
        inputs: &[
            "arm-2022-08/swagger-arm2",
            "arm-2022-08/swagger-public",
            "arm-2022-08/swagger-utilization-tracking",
            "isc-v1-2026-08",
        ],
    },
    Fixup {
        name: "circular_reference",
        summary: "a recursive schema is written as the string `circular()` where a schema belongs",
        apply: Apply::Operation(circular_reference),
        inputs: &[
            "arm-2022-08/swagger-authentication",
            "arm-2022-08/swagger-jobs",
            "arm-2022-08/swagger-rulebook",
            "isc-v1-2026-08",
        ],
    },
    Fixup {
        name: "undefined_security_scheme",
        summary: "a security requirement names a scheme no page defines (`bearerAuth`, `UserContextAuth`)",
        apply: Apply::Operation(undefined_security_scheme),
        inputs: &[
            "sailpoint-beta-2022-08",
            "sailpoint-v3-2024-03",
            "isc-v1-2026-08",
        ],
    },
    Fixup {
        name: "path_parameters_match_template",
        summary: "path parameters are named differently from the path template, missing from it, or not declared at all",
        apply: Apply::Operation(path_parameters_match_template),
        inputs: &[
            "sailpoint-beta-2022-08",
            "sailpoint-beta-2024-03",
            "sailpoint-v3-2024-03",
            "nerm-2024-03",
            "isc-v1-2026-08",
        ],
    },
    Fixup {
        name: "duplicate_parameters",
        summary: "a parameter is declared twice (same name and location)",
        apply: Apply::Operation(duplicate_parameters),
        inputs: &[
            "nerm-2024-03",
        ],
    },
    Fixup {
        name: "boolean_required_in_schema",
        summary: "a property says `required: true` inside itself instead of in its parent's `required` list",
        apply: Apply::Schema(boolean_required_in_schema),
        inputs: &[
            "nerm-2023-05",
            "nerm-ids-2023-10",
            "nerm-2024-03",
        ],
    },
    Fixup {
        name: "nonstandard_schema_keyword",
        summary: "a schema has a keyword OpenAPI 3.0 does not define (`readonly` for `readOnly`, `summary`)",
        apply: Apply::Schema(nonstandard_schema_keyword),
        inputs: &[
            "nerm-2023-05",
            "nerm-ids-2023-10",
            "nerm-2024-03",
        ],
    },
    Fixup {
        name: "invalid_schema_type",
        summary: "a schema's `type` is not one of OpenAPI 3.0's six types (`text`, `int`, `any`)",
        apply: Apply::Schema(invalid_schema_type),
        inputs: &[
            "nerm-ids-2023-10",
            "nerm-2024-03",
        ],
    },
    Fixup {
        name: "duplicate_enum_values",
        summary: "an `enum` lists a value twice (`ResourceObjectCustomization`); JSON Schema requires each once",
        apply: Apply::Schema(duplicate_enum_values),
        inputs: &[
            "isc-v1-2026-08",
        ],
    },
    Fixup {
        name: "default_null_on_non_nullable",
        summary: "`default: null` on a schema that is not nullable",
        apply: Apply::Schema(default_null_on_non_nullable),
        inputs: &[
            "sailpoint-beta-2022-08",
            "sailpoint-beta-2024-03",
            "sailpoint-v3-2024-03",
            "isc-v1-2026-08",
        ],
    },
    Fixup {
        name: "default_does_not_match_type",
        summary: "a `default` that does not fit its schema (`\"false\"` for a boolean, prose on a `date-time`)",
        apply: Apply::Schema(default_does_not_match_type),
        inputs: &[
            "sailpoint-beta-2022-08",
            "sailpoint-beta-2024-03",
            "isc-v1-2026-08",
        ],
    },
    Fixup {
        name: "discriminator_mapping_inlined",
        summary: "a discriminator `mapping` value is an inline schema (the plugin dereferenced the `$ref` string)",
        apply: Apply::Schema(discriminator_mapping_inlined),
        inputs: &[
            "sailpoint-v3-2024-03",
            "isc-v1-2026-08",
        ],
    },
    Fixup {
        name: "nonstandard_format",
        summary: "a known format written in capitals (`UUID`)",
        apply: Apply::Schema(nonstandard_format),
        inputs: &[
            "sailpoint-beta-2022-08",
            "sailpoint-beta-2024-03",
            "sailpoint-v3-2024-03",
            "isc-v1-2026-08",
        ],
    },
];

/// OpenAPI does not require an `operationId`, and some sites leave it out
/// (the ARM docs' OData sets); the plugin then names the page after the
/// summary (`get-customers-with-source-of-truth-based-on-o-data-functionality`).
/// A client needs a name for each method. The fix gives the operation the
/// page's id, written the way the site's other ids are written (camelCase
/// when none has one): the name a reader of the docs already sees in the
/// page's address.
pub fn missing_operation_id(op: &mut Map<String, Value>, ctx: &Context) -> Vec<String> {
    if matches!(op.get("operationId"), Some(Value::String(id)) if !id.trim().is_empty()) {
        return Vec::new();
    }
    let words_of = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let from_page = ctx
        .page_id
        .as_deref()
        .map(words_of)
        .filter(|w| !w.is_empty());
    let from_summary = || {
        op.get("summary")
            .and_then(Value::as_str)
            .map(words_of)
            .filter(|w| !w.is_empty())
    };
    let from_route = || {
        let method = op.get("method").and_then(Value::as_str).unwrap_or("call");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        words_of(&format!("{method} {path}"))
    };
    let (words, source) = match from_page {
        Some(words) => (words, "the page id"),
        None => match from_summary() {
            Some(words) => (words, "the summary"),
            None => (from_route(), "the method and path"),
        },
    };
    let mut id = ctx.id_style.write(&words);
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    let change = format!("operationId `{id}` (from {source})");
    op.insert("operationId".into(), Value::String(id));
    vec![change]
}

/// Where the source had a recursive `$ref`, the plugin wrote the string
/// `"circular()"` (or `"circular(Name)"`) in place of the schema, which is
/// not a schema at all, so the whole operation is invalid. The fix puts a
/// `$ref` to the named component back when the marker names one the page
/// defines (a schema titled so); otherwise an open schema (any JSON value),
/// and says so: the page does not tell what the recursion pointed to.
pub fn circular_reference(op: &mut Map<String, Value>, _: &Context) -> Vec<String> {
    // Most pages have no marker: look before doing anything else.
    if !op.values().any(has_marker) {
        return Vec::new();
    }
    let mut titles = BTreeSet::new();
    op.values().for_each(|v| collect_titles(v, &mut titles));
    let mut changes = Vec::new();
    let mut holder = Value::Object(std::mem::take(op));
    operation_schemas_mut(&mut holder, &mut |place, schema| {
        let at = place.to_string();
        replace_markers(schema, &at, &titles, &mut changes);
    });
    if let Value::Object(map) = holder {
        *op = map;
    }
    changes
}

/// The note a [`circular_reference`] change carries when it could not tell
/// what the recursion pointed to; extraction also warns about it.
pub const OPEN_SCHEMA_NOTE: &str = "replaced by an open schema";

fn has_marker(node: &Value) -> bool {
    match node {
        Value::String(s) => s.starts_with("circular("),
        Value::Object(map) => map.values().any(has_marker),
        Value::Array(items) => items.iter().any(has_marker),
        _ => false,
    }
}

fn collect_titles(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(title)) = map.get("title") {
                out.insert(title.clone());
            }
            map.values().for_each(|v| collect_titles(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_titles(v, out)),
        _ => {}
    }
}

fn replace_markers(
    schema: &mut Value,
    at: &str,
    titles: &BTreeSet<String>,
    changes: &mut Vec<String>,
) {
    if let Some(marker) = schema.as_str().filter(|s| s.starts_with("circular(")) {
        let name = marker
            .strip_prefix("circular(")
            .and_then(|rest| rest.strip_suffix(')'))
            .unwrap_or("")
            .trim()
            .to_owned();
        let replacement = if !name.is_empty() && titles.contains(&name) {
            let component = crate::names::title_to_name(&name).unwrap_or(name.clone());
            changes.push(format!(
                "{at}: `{marker}` → $ref to component `{component}`"
            ));
            serde_json::json!({ "$ref": format!("#/components/schemas/{component}") })
        } else {
            changes.push(format!(
                "{at}: `{marker}` {OPEN_SCHEMA_NOTE} (any JSON value): the page does not say what it refers to"
            ));
            Value::Object(Map::new())
        };
        *schema = replacement;
        return;
    }
    if let Some(Value::String(_)) = schema.get("additionalProperties") {
        if let Some(child) = schema.get_mut("additionalProperties") {
            replace_markers(child, at, titles, changes);
        }
    }
    child_schemas_mut(schema, &mut |child, value| {
        replace_markers(value, &format!("{at} {child}"), titles, changes)
    });
}

/// A security requirement names a scheme the site does not define.
/// SailPoint's 2022 beta pages require `bearerAuth` on 119 operations while
/// every page defines only `oauth2` (whose own description says it is an
/// "OAuth2 Bearer token (JWT)"); the v1 site's four role-metadata pages
/// require `UserContextAuth`, the v3-era name of what the site now calls
/// `userAuth`; other sites require `oauth2` beside two oauth2 schemes.
///
/// The fix puts in its place the schemes that stand for it, keeping its
/// scopes: a defined scheme whose name's words are all words of the
/// undefined one (`userAuth` for `UserContextAuth`, `OAuth2` for `oauth2`),
/// else, for a name that says it is a bearer token (`bearerAuth`, `oauth2`,
/// `jwt`), every bearer-style scheme of the site (an `oauth2` or `http`/
/// `bearer` scheme). Several stand-ins become alternative requirements (a
/// list of requirements means "any one of them"), so the operation still
/// takes any token the page meant.
///
/// It never widens access: when nothing stands in, the requirement is left
/// as the page wrote it (and validation quarantines the page, saying which
/// scheme is missing), never dropped, because an operation whose
/// requirements are all gone (`security: []`) would declare that it needs
/// no authentication at all.
pub fn undefined_security_scheme(op: &mut Map<String, Value>, ctx: &Context) -> Vec<String> {
    let mut changes = Vec::new();
    let Some(Value::Array(requirements)) = op.get_mut("security") else {
        return changes;
    };
    let mut repaired = Vec::with_capacity(requirements.len());
    for requirement in requirements.drain(..) {
        let Value::Object(map) = requirement else {
            repaired.push(requirement);
            continue;
        };
        // Each requirement becomes the product of its schemes' stand-ins.
        let mut alternatives: Vec<Map<String, Value>> = vec![Map::new()];
        for (name, scopes) in map {
            let stand_ins = if ctx.security_schemes.contains_key(&name) {
                vec![name.clone()]
            } else {
                let stand_ins = stand_ins_for(&name, &ctx.security_schemes);
                if stand_ins.is_empty() {
                    vec![name.clone()]
                } else {
                    changes.push(format!(
                        "security requirement `{name}` → {} ({})",
                        stand_ins
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(" or "),
                        if stand_ins.len() == 1 {
                            "the site's scheme of that name"
                        } else {
                            "the site's bearer schemes, any one of them"
                        }
                    ));
                    stand_ins
                }
            };
            let mut product = Vec::with_capacity(alternatives.len() * stand_ins.len());
            for alternative in &alternatives {
                for stand_in in &stand_ins {
                    let mut alternative = alternative.clone();
                    alternative.insert(stand_in.clone(), scopes.clone());
                    product.push(alternative);
                }
            }
            alternatives = product;
        }
        for alternative in alternatives {
            let alternative = Value::Object(alternative);
            if !repaired.contains(&alternative) {
                repaired.push(alternative);
            }
        }
    }
    *requirements = repaired;
    changes
}

/// The defined schemes that stand for the undefined scheme `name`: those
/// whose name's words are all words of `name` (case aside), else every
/// bearer-style scheme; in the site's order.
fn stand_ins_for(name: &str, schemes: &BTreeMap<String, Value>) -> Vec<String> {
    let words = name_words(name);
    let by_words: Vec<String> = schemes
        .keys()
        .filter(|defined| name_words(defined).iter().all(|w| words.contains(w)))
        .cloned()
        .collect();
    if !by_words.is_empty() {
        return by_words;
    }
    // Only a name that says it is a bearer token stands for the site's
    // bearer schemes (`bearerAuth`, `oauth2`, `jwt`); `apiKeyAuth` does not.
    let bearer_words = ["bearer", "jwt", "token"];
    if !words
        .iter()
        .any(|w| bearer_words.contains(&w.as_str()) || w.starts_with("oauth"))
    {
        return Vec::new();
    }
    schemes
        .iter()
        .filter(|(_, s)| {
            let kind = s.get("type").and_then(Value::as_str);
            kind == Some("oauth2")
                || (kind == Some("http")
                    && s.get("scheme")
                        .and_then(Value::as_str)
                        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer")))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// `UserContextAuth` → `[user, context, auth]`; `user_auth`, `user-auth`
/// and `userAuth` → `[user, auth]`; `OAuth2` → `[oauth2]` (a run of capitals
/// and the digits after it is one word).
fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev = None;
            continue;
        }
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
            && !current.is_empty();
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
        prev = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A discriminator's `mapping` maps each value of the property to a
/// reference (`Human: '#/components/schemas/intelidentityaggregate'`); the
/// docs plugin dereferences every `$ref`, these strings included, so the
/// page holds the member's whole schema where a string belongs (the v1
/// site's `intelidentityenvelope` and `identityaccess`, on 4 pages).
///
/// The inline schema is the `oneOf`/`anyOf` member it named, equal to it
/// JSON for JSON. Naming (`names::restore_names`) reads such values as
/// schema places, so the member and its mapping value become references
/// to one component, and then writes each back as the reference string:
/// the mapping the spec's authors wrote. This fixup says so per value; a
/// value naming cannot make a reference stays inline, and validation then
/// quarantines the page with the reason.
pub fn discriminator_mapping_inlined(schema: &mut Map<String, Value>, changes: &mut Vec<String>) {
    let Some(Value::Object(mapping)) = schema.get("discriminator").and_then(|d| d.get("mapping"))
    else {
        return;
    };
    let members: Vec<&Value> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|key| schema.get(*key).and_then(Value::as_array))
        .flatten()
        .collect();
    for (value, inline) in mapping {
        if !inline.is_object() {
            continue;
        }
        let member = members
            .iter()
            .position(|m| *m == inline)
            .map_or("no member equal to it".to_owned(), |i| {
                format!("member {}", i + 1)
            });
        changes.push(format!(
            "discriminator mapping `{value}` is an inline schema ({member}): it becomes a reference to its component"
        ));
    }
}

/// Some pages name a path parameter differently from the template
/// (`{access-type}` declared as `accessType`; `{sourceId}` as `id`), or
/// declare a path parameter the path lacks (`PATCH /entitlements` with `id`).
/// A generator cannot fill such a template. The fix renames each unmatched
/// declared parameter to the unmatched template name in the same position;
/// when a declared parameter has no template name left, it appends
/// `/{name}` to the path (the endpoint addresses one item).
pub fn path_parameters_match_template(op: &mut Map<String, Value>, _: &Context) -> Vec<String> {
    let mut changes = Vec::new();
    let Some(path) = op.get("path").and_then(Value::as_str).map(str::to_owned) else {
        return changes;
    };
    let in_template: Vec<String> = template_names(&path);
    let templated: BTreeSet<String> = in_template.iter().cloned().collect();
    if !in_template.is_empty() && !op.contains_key("parameters") {
        op.insert("parameters".into(), Value::Array(Vec::new()));
    }
    let Some(Value::Array(params)) = op.get_mut("parameters") else {
        return changes;
    };
    let declared: BTreeSet<String> = params
        .iter()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let mut missing: Vec<&String> = in_template
        .iter()
        .filter(|n| !declared.contains(*n))
        .collect();
    let mut new_path = path.clone();
    for param in params.iter_mut() {
        if param.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let Some(name) = param.get("name").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        if templated.contains(&name) {
            continue;
        }
        if !missing.is_empty() {
            let target = missing.remove(0).clone();
            changes.push(format!(
                "path parameter `{name}` renamed to `{target}` to match {path}"
            ));
            param["name"] = Value::String(target);
        } else {
            new_path = format!("{}/{{{name}}}", new_path.trim_end_matches('/'));
            changes.push(format!(
                "path {path} lacks declared parameter `{name}`: now {new_path}"
            ));
        }
    }
    // A template name no declared parameter could take: the parameter the
    // template itself declares, a required string.
    for name in missing {
        changes.push(format!(
            "path parameter `{name}` of {path} is not declared: added (a required string)"
        ));
        params.push(serde_json::json!({
            "name": name,
            "in": "path",
            "required": true,
            "schema": {"type": "string"},
        }));
    }
    if new_path != path {
        op.insert("path".into(), Value::String(new_path));
    }
    changes
}

/// A page declares the same parameter (name and location) twice (NERM's
/// 2024 `GET /profile_types/{profile_type_id}/ne_attributes`, `page` in
/// query), which OpenAPI forbids and no client can send twice. The fix
/// keeps one declaration: the first, with what only the later ones say
/// added to it, so nothing either declaration documents is lost.
pub fn duplicate_parameters(op: &mut Map<String, Value>, _: &Context) -> Vec<String> {
    let mut changes = Vec::new();
    let Some(Value::Array(params)) = op.get_mut("parameters") else {
        return changes;
    };
    let key = |p: &Value| -> Option<(String, String)> {
        Some((
            p.get("name")?.as_str()?.to_owned(),
            p.get("in")?.as_str()?.to_owned(),
        ))
    };
    let mut kept: Vec<Value> = Vec::with_capacity(params.len());
    for param in params.drain(..) {
        let Some(k) = key(&param) else {
            kept.push(param);
            continue;
        };
        match kept.iter_mut().find(|p| key(p).as_ref() == Some(&k)) {
            Some(first) => {
                let mut added = Vec::new();
                if let (Some(first), Value::Object(later)) = (first.as_object_mut(), param) {
                    for (field, value) in later {
                        if !first.contains_key(&field) {
                            added.push(field.clone());
                            first.insert(field, value);
                        }
                    }
                }
                changes.push(format!(
                    "parameter `{}` in {} declared twice: one declaration kept{}",
                    k.0,
                    k.1,
                    if added.is_empty() {
                        String::new()
                    } else {
                        format!(", with the later one's {}", added.join(", "))
                    }
                ));
            }
            None => kept.push(param),
        }
    }
    *params = kept;
    changes
}

/// Properties with `required: true` inside themselves (Swagger 2 habits)
/// make the schema invalid: in OpenAPI 3.0 `required` is the parent's list
/// of names. The fix moves each `true` into the parent's list and drops
/// each boolean.
pub fn boolean_required_in_schema(schema: &mut Map<String, Value>, changes: &mut Vec<String>) {
    let mut now_required = Vec::new();
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            if let Some(Value::Bool(flag)) = prop.get("required").cloned() {
                prop.as_object_mut()
                    .expect("a property with a key is an object")
                    .remove("required");
                if flag {
                    now_required.push(name.clone());
                }
                changes.push(format!(
                    "property `{name}`: `required: {flag}` moved to its parent"
                ));
            }
        }
    }
    if let Some(Value::Bool(_)) = schema.get("required") {
        schema.remove("required");
    }
    if !now_required.is_empty() {
        let list = schema
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            for name in now_required {
                if !list.iter().any(|v| v.as_str() == Some(&name)) {
                    list.push(Value::String(name));
                }
            }
        }
    }
}

/// The Schema Object of OpenAPI 3.0 has a closed set of keywords (the
/// official JSON Schema forbids any other, `x-` extensions aside); pages
/// carry `readonly` (for `readOnly`) and `summary`. The fix gives a keyword
/// written in the wrong case its right case, and makes any other unknown
/// keyword an extension (`summary` → `x-summary`), keeping what the page
/// says.
pub fn nonstandard_schema_keyword(schema: &mut Map<String, Value>, changes: &mut Vec<String>) {
    let known = crate::validate::schema_keywords();
    let unknown: Vec<String> = schema
        .keys()
        .filter(|k| !known.contains(*k) && !k.starts_with("x-") && *k != "$ref")
        .cloned()
        .collect();
    for key in unknown {
        let right_case = known.iter().find(|k| k.eq_ignore_ascii_case(&key));
        let target = match right_case {
            Some(k) if !schema.contains_key(k) => k.clone(),
            _ => format!("x-{key}"),
        };
        if schema.contains_key(&target) {
            continue;
        }
        if let Some(value) = schema.remove(&key) {
            changes.push(format!("keyword `{key}` → `{target}`"));
            schema.insert(target, value);
        }
    }
}

const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// A `type` that is not one of OpenAPI 3.0's six (`text`, `int`, `any`,
/// `text/plain`, a list such as `["string", "null"]`) fails to parse. The
/// fix keeps what the page says wherever it can: a list with `null` becomes
/// the other type plus `nullable`; a name for one of the six (`text`,
/// `String` → `string`, `int` → `integer`, `uuid` → `string` with format
/// `uuid`, ...) becomes that type; only a type that names none of them
/// (`any`, `undefined`, a media type) is removed, which leaves "any JSON
/// value", what such a type means.
pub fn invalid_schema_type(schema: &mut Map<String, Value>, changes: &mut Vec<String>) {
    let fixed = match schema.get("type") {
        None => return,
        Some(Value::String(t)) if TYPES.contains(&t.as_str()) => return,
        Some(Value::String(t)) => type_alias(t).map(|(t, format)| (t, false, format)),
        Some(Value::Array(list)) => {
            let others: Vec<&str> = list
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            match others.as_slice() {
                [one] => {
                    type_alias(one).map(|(t, format)| (t, list.iter().any(|t| t == "null"), format))
                }
                _ => None,
            }
        }
        Some(_) => None,
    };
    let old = schema.get("type").map(Value::to_string).unwrap_or_default();
    match fixed {
        Some((t, nullable, format)) => {
            schema.insert("type".into(), Value::String(t.to_owned()));
            if nullable {
                schema.insert("nullable".into(), Value::Bool(true));
            }
            let format = format.filter(|_| !schema.contains_key("format"));
            if let Some(format) = format {
                schema.insert("format".into(), Value::String(format.to_owned()));
            }
            changes.push(format!(
                "type {old} → {t}{}{}",
                if nullable { ", nullable" } else { "" },
                format.map(|f| format!(", format {f}")).unwrap_or_default()
            ));
        }
        None => {
            schema.remove("type");
            changes.push(format!("removed invalid type {old} (any value)"));
        }
    }
}

/// The OpenAPI type (and format) a type name stands for: one of the six
/// in another case (`String`), or a common name for one (`text`, `int`,
/// `bool`, `uuid`); `None` for a name that stands for none of them.
fn type_alias(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    let lower = name.to_ascii_lowercase();
    if let Some(t) = TYPES.iter().find(|t| **t == lower) {
        return Some((t, None));
    }
    Some(match lower.as_str() {
        "text" | "str" => ("string", None),
        "int" | "long" => ("integer", None),
        "float" | "double" | "decimal" => ("number", None),
        "bool" => ("boolean", None),
        "uuid" => ("string", Some("uuid")),
        _ => return None,
    })
}

/// An `enum` that lists a value twice is not a valid JSON Schema (its
/// values must be unique; openapi-spec-validator rejects the document).
/// The v1 site's connector-rule `type` lists `ResourceObjectCustomization`
/// twice. The fix keeps the first of each value: the list means the same.
pub fn duplicate_enum_values(schema: &mut Map<String, Value>, changes: &mut Vec<String>) {
    let Some(Value::Array(values)) = schema.get_mut("enum") else {
        return;
    };
    if !values
        .iter()
        .enumerate()
        .any(|(i, v)| values[..i].iter().any(|k| crate::conform::json_eq(k, v)))
    {
        return;
    }
    let mut kept: Vec<Value> = Vec::with_capacity(values.len());
    for value in values.drain(..) {
        if kept.iter().any(|k| crate::conform::json_eq(k, &value)) {
            changes.push(format!("enum value {value} listed twice: once kept"));
        } else {
            kept.push(value);
        }
    }
    *values = kept;
}

/// `default: null` on a schema that is not nullable is a default its own
/// type rejects; generators then emit a default that does not compile or
/// parse. The fix removes the default.
pub fn default_null_on_non_nullable(schema: &mut Map<String, Value>, changes: &mut Vec<String>) {
    let nullable = schema
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !nullable && schema.get("default").is_some_and(Value::is_null) {
        schema.remove("default");
        changes.push("removed `default: null` from a non-nullable schema".into());
    }
}

/// A `default` must be a value of its schema (openapi-spec-validator checks
/// each against the schema, formats included): SailPoint writes
/// `default: "false"` on booleans, `true` on a string, and prose on a
/// `date-time` ("6 Months from created date"). The fix converts a default
/// whose text is a value of the schema (`"false"` → `false`, `true` →
/// `"true"` on a string); any other default that does not fit leaves
/// `default`, and its text is kept at the end of the description
/// (`Default: 6 Months from created date.`), so a reader still learns it.
pub fn default_does_not_match_type(schema: &mut Map<String, Value>, changes: &mut Vec<String>) {
    let Some(default) = schema.get("default").cloned() else {
        return;
    };
    if default.is_null() {
        return; // default_null_on_non_nullable's case
    }
    let whole = Value::Object(schema.clone());
    let Err(reason) = crate::conform::check(&default, &whole, None) else {
        return;
    };
    // The value its text reads as (`"false"` → `false`), or the text of a
    // number or boolean where a string belongs (`true` → `"true"`, what the
    // v1 site's experimental header sends).
    let converted = match &default {
        Value::String(text) => serde_json::from_str::<Value>(text).ok(),
        Value::Bool(_) | Value::Number(_) => Some(Value::String(default.to_string())),
        _ => None,
    }
    .filter(|v| crate::conform::check(v, &whole, None).is_ok());
    if let Some(value) = converted {
        changes.push(format!(
            "default {default} → {value} (its value, not its text)"
        ));
        schema.insert("default".into(), value);
        return;
    }
    schema.remove("default");
    let text = match &default {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let note = format!("Default: {}.", text.trim_end_matches('.'));
    let description = match schema.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
        _ => note,
    };
    schema.insert("description".into(), Value::String(description));
    changes.push(format!(
        "default {default} does not fit its schema ({reason}): moved to the description"
    ));
}

/// Formats the generators know, by their lowercase names.
const KNOWN_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date",
    "date-time",
    "password",
    "uuid",
    "email",
    "uri",
    "hostname",
    "ipv4",
    "ipv6",
];

/// A known format written in capitals (`UUID`, on 59 operations of the
/// beta and v1 sites) is not recognised: generators match formats by their
/// lowercase names, so the value would lose its type. The fix lowercases
/// it. Any other format is left as the page writes it: every string is a
/// valid `format` in OpenAPI 3.0, and one a generator does not know
/// (`comma-separated`, `uuid (if user is Org Admin)`, `url`) is documentation
/// of a plain string, which the fix never drops.
pub fn nonstandard_format(schema: &mut Map<String, Value>, changes: &mut Vec<String>) {
    let Some(Value::String(format)) = schema.get("format") else {
        return;
    };
    if KNOWN_FORMATS.contains(&format.as_str()) {
        return;
    }
    let lower = format.to_ascii_lowercase();
    if KNOWN_FORMATS.contains(&lower.as_str()) {
        changes.push(format!("format `{format}` → `{lower}`"));
        schema.insert("format".into(), Value::String(lower));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn undefined_scheme_becomes_the_bearer_scheme_with_its_scopes() {
        let ctx = Context {
            security_schemes: BTreeMap::from([("oauth2".into(), json!({"type": "oauth2"}))]),
            ..Context::default()
        };
        let mut o = op(json!({"security": [{"bearerAuth": ["idn:role:read"]}]}));
        assert_eq!(undefined_security_scheme(&mut o, &ctx).len(), 1);
        assert_eq!(o["security"], json!([{"oauth2": ["idn:role:read"]}]));
        assert!(undefined_security_scheme(&mut o, &ctx).is_empty());
    }

    /// With no scheme to stand in, the requirement stays as written: never
    /// `security: []`, which would mean "no authentication".
    #[test]
    fn an_undefined_scheme_is_never_dropped() {
        let ctx = Context::default();
        let mut o = op(json!({"security": [{"bearerAuth": []}]}));
        assert!(undefined_security_scheme(&mut o, &ctx).is_empty());
        assert_eq!(o["security"], json!([{"bearerAuth": []}]));
    }

    /// `UserContextAuth` on a site with `userAuth` and `applicationAuth`
    /// (the v1 site): the scheme whose words it carries.
    #[test]
    fn an_undefined_scheme_becomes_the_scheme_named_by_its_words() {
        let ctx = Context {
            security_schemes: BTreeMap::from([
                ("applicationAuth".into(), json!({"type": "oauth2"})),
                ("userAuth".into(), json!({"type": "oauth2"})),
            ]),
            ..Context::default()
        };
        let mut o = op(json!({"security": [{"UserContextAuth": ["idn:role:update"]}]}));
        assert_eq!(
            undefined_security_scheme(&mut o, &ctx),
            ["security requirement `UserContextAuth` → `userAuth` (the site's scheme of that name)"]
        );
        assert_eq!(o["security"], json!([{"userAuth": ["idn:role:update"]}]));
    }

    /// `oauth2` beside two oauth2 schemes, combined with another scheme:
    /// one alternative per stand-in, each keeping the scopes and the other
    /// scheme; a requirement already present is not repeated.
    #[test]
    fn several_stand_ins_become_alternatives() {
        let ctx = Context {
            security_schemes: BTreeMap::from([
                ("a".into(), json!({"type": "oauth2"})),
                ("b".into(), json!({"type": "http", "scheme": "Bearer"})),
                (
                    "key".into(),
                    json!({"type": "apiKey", "in": "header", "name": "k"}),
                ),
            ]),
            ..Context::default()
        };
        let mut o =
            op(json!({"security": [{"oauth2": ["s"], "key": []}, {"a": ["s"], "key": []}]}));
        assert_eq!(undefined_security_scheme(&mut o, &ctx).len(), 1);
        assert_eq!(
            o["security"],
            json!([{"a": ["s"], "key": []}, {"b": ["s"], "key": []}])
        );
    }

    #[test]
    fn scheme_names_split_into_words() {
        assert_eq!(name_words("UserContextAuth"), ["user", "context", "auth"]);
        assert_eq!(name_words("user_auth"), ["user", "auth"]);
        assert_eq!(name_words("OAuth2"), ["oauth2"]);
        assert_eq!(name_words("oauth2"), ["oauth2"]);
        assert_eq!(name_words("bearerAuth"), ["bearer", "auth"]);
    }

    #[test]
    fn path_parameters_are_renamed_or_templated() {
        let mut o = op(
            json!({"path": "/a/{access-type}", "parameters": [{"name": "accessType", "in": "path", "required": true}]}),
        );
        path_parameters_match_template(&mut o, &Context::default());
        assert_eq!(o["parameters"][0]["name"], "access-type");
        let mut o = op(
            json!({"path": "/entitlements", "parameters": [{"name": "id", "in": "path", "required": true}]}),
        );
        path_parameters_match_template(&mut o, &Context::default());
        assert_eq!(o["path"], "/entitlements/{id}");
        assert!(path_parameters_match_template(&mut o, &Context::default()).is_empty());
        // A template name nothing declares (the 2024 beta site's
        // `/mail-from-attributes/{identity}`, no parameters at all).
        let mut o = op(json!({"path": "/mail-from-attributes/{identity}"}));
        assert_eq!(
            path_parameters_match_template(&mut o, &Context::default()).len(),
            1
        );
        assert_eq!(
            o["parameters"],
            json!([{"name": "identity", "in": "path", "required": true, "schema": {"type": "string"}}])
        );
        assert!(path_parameters_match_template(&mut o, &Context::default()).is_empty());
    }

    #[test]
    fn a_parameter_declared_twice_is_one_with_what_both_say() {
        let mut o = op(json!({"parameters": [
            {"name": "page", "in": "query", "schema": {"type": "integer"}},
            {"name": "page", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "page", "in": "query", "description": "Page number", "schema": {"type": "string"}}
        ]}));
        assert_eq!(
            duplicate_parameters(&mut o, &Context::default()),
            ["parameter `page` in query declared twice: one declaration kept, with the later one's description"]
        );
        assert_eq!(
            o["parameters"],
            json!([
                {"name": "page", "in": "query", "schema": {"type": "integer"}, "description": "Page number"},
                {"name": "page", "in": "path", "required": true, "schema": {"type": "string"}}
            ])
        );
        assert!(duplicate_parameters(&mut o, &Context::default()).is_empty());
    }

    #[test]
    fn schema_fixups_apply_where_the_bug_is() {
        let mut o = op(
            json!({"responses": {"200": {"description": "", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                    "a": {"type": "string", "required": true, "format": "UUID", "default": null},
                    "b": {"type": "any", "enum": ["X"]},
                    "c": {"type": ["integer", "null"], "format": "comma-separated"}
                }
            }}}}}}),
        );
        let ctx = Context::default();
        apply_all(&mut o, &ctx, &mut |_, _| {});
        let s = &o["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(s["required"], json!(["a"]));
        assert_eq!(
            s["properties"]["a"],
            json!({"type": "string", "format": "uuid"})
        );
        assert_eq!(s["properties"]["b"], json!({"enum": ["X"]}));
        assert_eq!(
            s["properties"]["c"],
            json!({"type": "integer", "nullable": true, "format": "comma-separated"}),
            "any string is a valid format: kept"
        );
    }

    /// What a fixup repairs it keeps: a type named otherwise becomes the
    /// type it names, a default that does not fit moves to the description,
    /// a duplicate enum value goes (the list means the same).
    #[test]
    fn fixups_keep_what_the_page_says() {
        let mut o = op(json!({"operationId": "list", "parameters": [
            {"name": "q", "in": "query", "schema": {"type": "text"}},
            {"name": "n", "in": "query", "schema": {"type": "int", "default": "10"}},
            {"name": "id", "in": "query", "schema": {"type": "uuid"}},
            {"name": "t", "in": "query", "schema": {"type": "string", "enum": ["A", "B", "A"]}},
            {"name": "until", "in": "query", "schema": {
                "type": "string", "format": "date-time", "description": "Expiry.",
                "default": "6 Months from created date"
            }}
        ]}));
        let mut names = Vec::new();
        apply_all(&mut o, &Context::default(), &mut |name, _| names.push(name));
        let schema = |i: usize| o["parameters"][i]["schema"].clone();
        assert_eq!(schema(0), json!({"type": "string"}));
        assert_eq!(schema(1), json!({"type": "integer", "default": 10}));
        assert_eq!(schema(2), json!({"type": "string", "format": "uuid"}));
        assert_eq!(schema(3)["enum"], json!(["A", "B"]));
        assert_eq!(
            schema(4),
            json!({"type": "string", "format": "date-time",
                   "description": "Expiry.\n\nDefault: 6 Months from created date."})
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names,
            [
                "default_does_not_match_type",
                "duplicate_enum_values",
                "invalid_schema_type"
            ]
        );
    }

    #[test]
    fn nonstandard_keywords_get_their_case_or_become_extensions() {
        let mut schema =
            op(json!({"type": "string", "readonly": true, "summary": "an id", "x-kept": 1}));
        let mut changes = Vec::new();
        nonstandard_schema_keyword(&mut schema, &mut changes);
        assert_eq!(
            Value::Object(schema),
            json!({"type": "string", "readOnly": true, "x-summary": "an id", "x-kept": 1})
        );
        assert_eq!(
            changes,
            [
                "keyword `readonly` → `readOnly`",
                "keyword `summary` → `x-summary`"
            ]
        );
    }
}
