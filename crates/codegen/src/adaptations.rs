//! Adaptations: named changes to a copy of the spec, for what progenitor
//! 0.15 / typify 0.8 cannot express.
//!
//! Each is one function that returns what it changed; [`adapt_with`] runs
//! them. Each has a test that shows the run-time failure it prevents.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// One adaptation applied to one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedAdaptation {
    /// The adaptation's name.
    pub adaptation: &'static str,
    /// What it changed, and where.
    pub change: String,
}

/// A named adaptation.
#[derive(Debug, Clone, Copy)]
pub struct Adaptation {
    /// Its name, as reported.
    pub name: &'static str,
    /// What progenitor cannot express and what the adaptation does instead.
    pub summary: &'static str,
    /// Applies it to the whole spec; returns one line per change.
    pub apply: fn(&mut Value) -> Vec<String>,
}

/// Every adaptation, in the order they run.
pub const ADAPTATIONS: &[Adaptation] = &[
    Adaptation {
        name: "composition_loops_are_broken",
        summary: "a cycle of references through `allOf`/`oneOf`/`anyOf`/`not` members alone is broken where it closes (that `$ref` becomes any value; a loop adds nothing a value could match); typify would recurse until the stack overflows and the process aborts",
        apply: crate::cycles::composition_loops_are_broken,
    },
    Adaptation {
        name: "webhook_payloads_are_types",
        summary: "the inline payload of each webhook (`x-webhooks`: an event trigger SailPoint sends to a subscriber) becomes a component named after the trigger, so a type is generated for it; progenitor generates operations only",
        apply: crate::webhooks::webhook_payloads_are_types,
    },
    Adaptation {
        name: "titles_do_not_name_types",
        summary: "schema titles are dropped so typify names types after components and places, not titles that clash",
        apply: titles_do_not_name_types,
    },
    Adaptation {
        name: "method_names_are_stable",
        summary: "a service's v1 operations get methods without `_v1` (other versions keep their suffix), and operationIds that would give one method name are made distinct",
        apply: crate::names::method_names_are_stable,
    },
    Adaptation {
        name: "type_names_are_unique",
        summary: "components get readable Rust names (`accessprofilebulkdeleterequest` → `AccessProfileBulkDeleteRequest`, words from the API's own vocabulary) that are unique case aside (`Role` and `role`); typify would emit two items of one name",
        apply: crate::names::type_names_are_unique,
    },
    Adaptation {
        name: "field_names_are_unique",
        summary: "properties of one object that would be one Rust field (`_type` and `type`) become one typed field and an untyped other property; typify would declare the field twice",
        apply: crate::names::field_names_are_unique,
    },
    Adaptation {
        name: "enum_beside_subschemas",
        summary: "a string enum that also has `oneOf`/`anyOf`/`allOf`/`not` keeps only its values; typify would make a constrained newtype whose JsonSchema impl is written against schemars 0.8",
        apply: enum_beside_subschemas,
    },
    Adaptation {
        name: "null_in_enum_is_nullable",
        summary: "`null` among an enum's values (`[DEFAULT, REQUEST, null]`) becomes `nullable: true`; typify would define the enum's name twice",
        apply: null_in_enum_is_nullable,
    },
    Adaptation {
        name: "nullable_compositions_where_used",
        summary: "a component that is `nullable` and a `oneOf`/`anyOf`/`allOf` loses `nullable`, and the places that refer to it become nullable references; typify would give the component's `Option` newtype and its inner type one name",
        apply: crate::nullable::nullable_compositions_where_used,
    },
    Adaptation {
        name: "enum_values_give_the_type",
        summary: "an `enum` without `type` gets the type all its values have (`string`, `integer`, `number`, `boolean`); typify rejects such an enum when it is also `nullable` (\"value does not conform to the given schema\", naming nothing)",
        apply: enum_values_give_the_type,
    },
    Adaptation {
        name: "defaults_fit_their_schemas",
        summary: "a `default` its own schema refuses (wrong type, outside the range, the enum or the pattern, `null` where not nullable, on a composition) is dropped; typify would fail the document (\"value does not conform\"), emit a default it cannot build, or one that panics when a field is absent",
        apply: crate::defaults::defaults_fit_their_schemas,
    },
    Adaptation {
        name: "enum_values_without_names",
        summary: "a string enum whose values give no distinct Rust names (`==`, `!=`) becomes a string; typify would panic",
        apply: enum_values_without_names,
    },
    Adaptation {
        name: "experimental_header_is_a_setting",
        summary: "the `X-SailPoint-Experimental` header parameter is not a method argument: the operation is marked experimental and the runtime sends the header once the client opts in",
        apply: crate::lifecycle::experimental_header_is_a_setting,
    },
    Adaptation {
        name: "deep_object_parameters",
        summary: "a `style: deepObject` query parameter (which progenitor rejects) becomes one query parameter per property, named as deepObject writes it (`query[limit]`)",
        apply: deep_object_parameters,
    },
    Adaptation {
        name: "object_parameters",
        summary: "a parameter whose schema is an object (not deepObject) becomes one query parameter per property (`form`, exploded: as OpenAPI sends it) or a string the caller writes (other styles and locations); progenitor would panic on an optional one",
        apply: crate::parameters::object_parameters,
    },
    Adaptation {
        name: "non_string_enums",
        summary: "an enum of integers, numbers or booleans becomes its plain type, its values in the description: typify 0.8 makes such an enum a newtype that refuses any other value, so a value the server adds would fail the whole response",
        apply: non_string_enums,
    },
    Adaptation {
        name: "scalar_parameters_outside_query",
        summary: "a `path` or `header` parameter that is an array, an object or a composition (an open enum included) becomes a string the caller writes (OpenAPI's `simple` style); progenitor would call `to_string()` on a type without `Display`",
        apply: crate::parameters::scalar_parameters_outside_query,
    },
    Adaptation {
        name: "one_request_media_type",
        summary: "a request body with several or unsupported media types gets one progenitor can send; the runtime restores the Content-Type",
        apply: one_request_media_type,
    },
    Adaptation {
        name: "json_like_responses_are_json",
        summary: "`+json` response media types are parsed as JSON",
        apply: json_like_responses_are_json,
    },
    Adaptation {
        name: "no_content_answers_have_no_body",
        summary: "a 204 or 205 response that declares content (valid OpenAPI, kept in the spec) is read as bodiless: such answers carry no body, and progenitor would parse the empty body as JSON",
        apply: no_content_answers_have_no_body,
    },
    Adaptation {
        name: "one_success_type_per_operation",
        summary: "an operation's differing success responses become one type",
        apply: one_success_type_per_operation,
    },
    Adaptation {
        name: "one_error_body_per_operation",
        summary: "an operation's error bodies become one type holding every documented field, none required, and the fields the runtime fills in (the raw body when it is not the documented JSON): every error answer decodes, with its status",
        apply: one_error_body_per_operation,
    },
    Adaptation {
        name: "inline_names_do_not_collide",
        summary: "an inline schema whose derived type name (`{OperationId}Response`, `...Body`, `...{Param}`) is also a component's name moves to a component of its own; typify would give both shapes one type",
        apply: inline_names_do_not_collide,
    },
    Adaptation {
        name: "merges_end",
        summary: "an `allOf` (or a body beside a `oneOf`/`anyOf`) typify could not finish merging becomes any value: one whose merge comes back to the same schemas (through common array items, properties or additional properties, a recursive type merged with a copy of itself, or a merged copy of the schema that holds it), which overflows the stack and aborts the process, or where two or more schemas merged together hold more than 16 alternatives between them, which it merges for minutes",
        apply: crate::merges::merges_end,
    },
];

/// A `204 No Content` (or `205 Reset Content`) answer has no body (RFC
/// 9110 §15.3.5), yet pages declare content on it (the seed and the 2022
/// beta site: `{type: object}`; the v1 site's `deleteFormDefinitionV1`).
/// That is valid OpenAPI, and the spec keeps it as the pages have it; but
/// progenitor believes it and parses the empty body as JSON, so the call
/// could never succeed. The adaptation removes the content from such
/// responses in the copy (before `one_success_type_per_operation`, which
/// then sees a bodiless 204 beside a 200 as "an empty body reads as null").
pub fn no_content_answers_have_no_body(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    for_each_operation_mut(spec, &mut |at, op| {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            return;
        };
        for &code in openapi_model::NO_BODY_STATUSES {
            if let Some(Value::Object(response)) = responses.get_mut(code) {
                if let Some(Value::Object(content)) = response.remove("content") {
                    let types: Vec<&str> = content.keys().map(String::as_str).collect();
                    changes.push(format!(
                        "{at}: the {code} answer is read as bodiless (the spec declares {})",
                        types.join(", ")
                    ));
                }
            }
        }
    });
    changes
}

/// The operation extension that tells the runtime which Content-Type to
/// send instead of the one the adapted spec declares.
pub const REQUEST_CONTENT_TYPE_EXT: &str = "x-sailpoint-request-content-type";
/// The operation extension that tells the runtime to read an empty success
/// body as JSON `null`.
pub const EMPTY_SUCCESS_AS_NULL_EXT: &str = "x-sailpoint-empty-success-as-null";
/// The operation extension that names the operation's error body type (a
/// component, and the Rust type of that name), for the quirks table.
pub const ERROR_BODY_EXT: &str = "x-sailpoint-error-body";

/// Runs the given adaptations on `spec`, in order.
pub fn adapt_with(spec: &mut Value, adaptations: &[Adaptation]) -> Vec<AppliedAdaptation> {
    let mut applied = Vec::new();
    for adaptation in adaptations {
        for change in (adaptation.apply)(spec) {
            applied.push(AppliedAdaptation {
                adaptation: adaptation.name,
                change,
            });
        }
    }
    applied
}

/// A schema with string `enum` values and subschemas besides
/// (`{type: string, enum: [IN, EQUALS], oneOf: [{$ref}, {pattern}]}`, on
/// the v1 site's `createprivilegecriteriarequest`) sends typify down its
/// "typed enum" path: a newtype over the subschemas' type restricted to the
/// values, whose `JsonSchema` impl calls schemars 0.8 (`schemars::gen`),
/// and whose derives need traits the inner type lacks: the client does not
/// compile (or typify panics). The values are what a client can send and
/// read: the schema keeps them and loses the subschemas, and typify makes a
/// plain string enum.
pub fn enum_beside_subschemas(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    visit_schemas(spec, &mut |at, schema| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        let string_values = map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_string));
        if !string_values {
            return;
        }
        let dropped: Vec<&str> = ["oneOf", "anyOf", "allOf", "not"]
            .into_iter()
            .filter(|key| map.remove(*key).is_some())
            .collect();
        if dropped.is_empty() {
            return;
        }
        map.entry("type").or_insert_with(|| json!("string"));
        changes.push(format!(
            "{at}: a string enum with `{}` beside it keeps its values only",
            dropped.join("`, `")
        ));
    });
    changes
}

/// An enum that lists `null` among its values (SailPoint's v1 site:
/// `localeorigin` is `[DEFAULT, REQUEST, null]`, on 45 enums) says the value
/// may be null: what OpenAPI 3.0 writes `nullable: true`. typify 0.8 makes
/// such an enum two items of one name (E0428). The values lose `null` and
/// the schema says `nullable: true`: the same values, an `Option` of the
/// enum in Rust.
pub fn null_in_enum_is_nullable(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    visit_schemas(spec, &mut |at, schema| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        let Some(Value::Array(values)) = map.get_mut("enum") else {
            return;
        };
        if !values.iter().any(Value::is_null) || values.iter().all(Value::is_null) {
            return;
        }
        values.retain(|v| !v.is_null());
        map.insert("nullable".into(), Value::Bool(true));
        changes.push(format!(
            "{at}: `null` among the enum's values is `nullable`"
        ));
    });
    changes
}

/// An `enum` without a `type` (the 2024 beta site's `FormFieldType`:
/// `{nullable: true, enum: [text, textarea, ...]}`) says with its values
/// what type it is. typify 0.8 fails the whole document on such an enum
/// when it is also `nullable` ("value does not conform to the given
/// schema", naming no schema). The schema gets the type every value has
/// (`string`, `integer` for whole numbers, else `number`, `boolean`); an
/// enum whose values have several types is left as it is.
pub fn enum_values_give_the_type(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    visit_schemas(spec, &mut |at, schema| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        if map.contains_key("type") {
            return;
        }
        let Some(Value::Array(values)) = map.get("enum") else {
            return;
        };
        let kinds: std::collections::BTreeSet<&str> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(_) => "string",
                Value::Bool(_) => "boolean",
                Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                Value::Number(_) => "number",
                _ => "other",
            })
            .collect();
        let kind = match kinds.iter().copied().collect::<Vec<_>>().as_slice() {
            [one] if *one != "other" => *one,
            ["integer", "number"] => "number",
            _ => return,
        };
        map.insert("type".into(), kind.into());
        changes.push(format!("{at}: an enum of {kind} values is `type: {kind}`"));
    });
    changes
}

/// typify names a type after its schema's `title`. Extraction already made
/// titles into component names, and when two different schemas share a
/// title (SailPoint has several), typify emits two Rust types of one name
/// and the client does not compile. The adaptation removes `title` from
/// every schema; components keep their names, inline types are named after
/// where they are.
pub fn titles_do_not_name_types(spec: &mut Value) -> Vec<String> {
    let mut count = 0;
    visit_schemas(spec, &mut |_, schema| {
        if let Some(map) = schema.as_object_mut() {
            if map.get("title").is_some_and(Value::is_string) {
                map.remove("title");
                count += 1;
            }
        }
    });
    if count == 0 {
        Vec::new()
    } else {
        vec![format!("removed {count} schema titles")]
    }
}

/// typify names each variant of a string enum after its value (`"EMAIL"` →
/// `Email`); values with no letters or digits (`==`, `!=`, `>`) give no
/// distinct names, and typify panics ("Failed to make unique variant names")
/// instead of generating a client. The adaptation makes such an enum a plain
/// string and lists its values in the description, so the client sends and
/// receives exactly the documented values and still compiles.
pub fn enum_values_without_names(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    visit_schemas(spec, &mut |at, schema| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        let Some(Value::Array(values)) = map.get("enum") else {
            return;
        };
        let names: Option<Vec<&str>> = values.iter().map(Value::as_str).collect();
        let Some(names) = names else { return };
        if typify_names_variants(&names) {
            return;
        }
        let listed = enum_into_description(map);
        changes.push(format!(
            "{at}: enum {listed} has no distinct Rust names: a string"
        ));
        if !map.contains_key("type") {
            map.insert("type".into(), "string".into());
        }
    });
    changes
}

/// Removes a schema's `enum` and lists its values at the end of its
/// description ("One of: `==`, `!=`."), so the documented values stay
/// documented; returns the list.
fn enum_into_description(map: &mut Map<String, Value>) -> String {
    let values = map.remove("enum").unwrap_or_default();
    let listed: Vec<String> = values
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        })
        .collect();
    let listed = listed.join(", ");
    let note = format!("One of: {listed}.");
    let description = match map.get("description").and_then(Value::as_str) {
        Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
        _ => note,
    };
    map.insert("description".into(), description.into());
    listed
}

/// Whether typify can name every variant of a string enum with these
/// values: its two attempts (the value in PascalCase; then with every
/// character that cannot be in an identifier made an `X`) give unique names.
pub fn typify_names_variants(values: &[&str]) -> bool {
    use heck::ToPascalCase as _;
    let unique = |names: Vec<String>| {
        let set: std::collections::BTreeSet<&String> = names.iter().collect();
        set.len() == names.len()
    };
    let sanitize = |raw: &str| -> String {
        let out = match raw {
            "+1" => "plus1".to_owned(),
            "-1" => "minus1".to_owned(),
            _ => raw
                .replace('\'', "")
                .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
                .to_pascal_case(),
        };
        match out.chars().next() {
            None => "X".to_owned(),
            Some(c) if c.is_alphabetic() || c == '_' => out,
            Some(_) => format!("X{out}"),
        }
    };
    let first: Vec<String> = values.iter().map(|v| sanitize(v)).collect();
    if unique(first) {
        return true;
    }
    let second: Vec<String> = values
        .iter()
        .map(|v| sanitize(&v.replace(|c: char| c == '_' || !c.is_alphanumeric(), "X")))
        .collect();
    unique(second)
}

/// progenitor 0.15 rejects the whole document when one query parameter has
/// `style: deepObject` ("unsupported style of query parameter"). On the
/// wire, deepObject writes an object `{limit: 50, offset: 0}` named `query`
/// as `query[limit]=50&query[offset]=0`. The adaptation replaces such a
/// parameter with one optional query parameter per property, named exactly
/// as deepObject writes it (`query[limit]`, nested objects as
/// `query[a][b]`), each with its property's schema: the same requests, and a
/// builder method per property. A parameter whose object has no properties
/// to expand is removed, and the change says so.
pub fn deep_object_parameters(spec: &mut Value) -> Vec<String> {
    let components = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut changes = Vec::new();
    openapi_model::operations_mut(spec, &mut |route, op| {
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            return;
        };
        let mut expanded = Vec::with_capacity(params.len());
        for param in params.drain(..) {
            let deep = param.get("in").and_then(Value::as_str) == Some("query")
                && param.get("style").and_then(Value::as_str) == Some("deepObject");
            if !deep {
                expanded.push(param);
                continue;
            }
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            let mut leaves = Vec::new();
            if let Some(schema) = param.get("schema") {
                deep_leaves(&name, schema, &components, 0, &mut leaves);
            }
            if leaves.is_empty() {
                changes.push(format!(
                    "{route}: deepObject parameter `{name}` has no properties to send; removed"
                ));
                continue;
            }
            let names: Vec<&str> = leaves.iter().map(|(n, _)| n.as_str()).collect();
            changes.push(format!(
                "{route}: deepObject parameter `{name}` → {}",
                names.join(", ")
            ));
            for (leaf, schema) in leaves {
                expanded.push(crate::parameters::optional_query_parameter(leaf, schema));
            }
        }
        *params = expanded;
    });
    changes
}

/// The scalar leaves of a deepObject parameter: `(wire name, schema)`.
fn deep_leaves(
    name: &str,
    schema: &Value,
    components: &Value,
    depth: usize,
    out: &mut Vec<(String, Value)>,
) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(target) => match target
            .strip_prefix("#/components/schemas/")
            .and_then(|n| components.get(n))
        {
            Some(resolved) => resolved,
            None => return,
        },
        None => schema,
    };
    let Some(Value::Object(props)) = schema.get("properties") else {
        return;
    };
    for (key, prop) in props {
        let wire = format!("{name}[{key}]");
        let nested = prop.get("properties").is_some()
            || prop
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|t| t.strip_prefix("#/components/schemas/"))
                .and_then(|n| components.get(n))
                .is_some_and(|s| s.get("properties").is_some());
        if nested && depth < 4 {
            deep_leaves(&wire, prop, components, depth + 1, out);
        } else {
            out.push((wire, prop.clone()));
        }
    }
}

/// typify 0.8 generates a newtype for an enum whose values are not strings
/// (`enum: [0, 1, 2]`, as the ARM docs write C# enums, and the v1 site's
/// levels), whose deserializer refuses every value not listed: a value the
/// server adds (SailPoint counts added values as compatible) would fail the
/// whole response. (Its hand-written `JsonSchema` impl, written against
/// schemars 0.8, is rewritten for schemars 1 by the output adaptation
/// `schemars_impls_follow_the_dependency`.) The adaptation keeps the
/// schema's type (`integer`, `number`, `boolean`) and moves the values to
/// the description: the client sends and reads the same values, as a plain
/// number or boolean, and reads one it does not know.
pub fn non_string_enums(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    visit_schemas(spec, &mut |at, schema| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        let Some(Value::Array(values)) = map.get("enum") else {
            return;
        };
        // Strings, with `null` for a nullable enum, are a string enum.
        let strings = values.iter().any(Value::is_string)
            && values.iter().all(|v| v.is_string() || v.is_null());
        if values.is_empty() || strings {
            return;
        }
        let listed = enum_into_description(map);
        changes.push(format!(
            "{at}: enum {listed} is not of strings: its plain type"
        ));
    });
    changes
}

/// progenitor names the type of an inline schema after its place:
/// `{OperationId}Response` for a response body, `{OperationId}Body` for a
/// request body, `{OperationId}{Parameter}` for a parameter. When a
/// component already has that name (extraction derives names in the same
/// style, and upstream specs name components freely), typify gives both
/// shapes one type: the operation then decodes its responses with the
/// component's shape and silently drops every other field (or the name is
/// defined twice and the client does not compile). The adaptation moves
/// such an inline schema to a component of its own, named after its place
/// with a suffix no component has (`GetRulesResponse200`, `GetRulesRequest`,
/// `GetRulesParamId`), and refers to it.
pub fn inline_names_do_not_collide(spec: &mut Value) -> Vec<String> {
    use heck::ToPascalCase as _;
    // Rust names, case aside: what typify makes of each component's name.
    let mut taken: std::collections::BTreeSet<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .map(|k| crate::names::rust_type_name(k).to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    if taken.is_empty() {
        return Vec::new();
    }
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let mut changes = Vec::new();
    openapi_model::operations_mut(spec, &mut |route, op| {
        let Some(id) = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return;
        };
        openapi_model::operation_schemas_mut(op, &mut |place, schema| {
            if schema.get("$ref").is_some() {
                return;
            }
            let (derived, fresh) = match &place {
                openapi_model::Place::Response { status, .. } => (
                    format!("{id}-response").to_pascal_case(),
                    format!("{id}-response-{status}").to_pascal_case(),
                ),
                openapi_model::Place::RequestBody { .. } => (
                    format!("{id}-body").to_pascal_case(),
                    format!("{id}-request").to_pascal_case(),
                ),
                openapi_model::Place::Parameter { name, .. } => (
                    format!("{id}-{name}").to_pascal_case(),
                    format!("{id}-param-{name}").to_pascal_case(),
                ),
                _ => return,
            };
            if !taken.contains(&derived.to_lowercase()) {
                return;
            }
            // The same shape moved before (another media type or status of
            // this operation) is one component, so that the operation keeps
            // one type where it had one.
            if let Some((name, _)) = hoisted.iter().find(|(_, body)| body == schema) {
                changes.push(format!(
                    "{route} {place}: its type would be named `{derived}`, a component's name; now component `{name}`"
                ));
                *schema = json!({ "$ref": format!("#/components/schemas/{name}") });
                return;
            }
            let mut name = fresh;
            let mut n = 2;
            while taken.contains(&name.to_lowercase()) {
                name = format!("{}{n}", name.trim_end_matches(|c: char| c.is_ascii_digit()));
                n += 1;
            }
            taken.insert(name.to_lowercase());
            changes.push(format!(
                "{route} {place}: its type would be named `{derived}`, a component's name; now component `{name}`"
            ));
            let body = std::mem::replace(
                schema,
                json!({ "$ref": format!("#/components/schemas/{name}") }),
            );
            hoisted.push((name, body));
        });
    });
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        schemas.extend(hoisted);
    }
    changes
}

/// progenitor gives an operation one error type, and typify names inline
/// types after the operation, so when an operation's error responses have
/// different bodies (SailPoint: `ErrorResponseDto` for 400/403/404/500,
/// `{error}` for 401, `{message}` for 429) all of them are parsed as the
/// first one. The 401's `error` and the 429's `message` are then silently
/// dropped: the caller gets an empty error. And an error answer whose body
/// is not the documented JSON (an HTML page from a proxy, plain text, a
/// body of another shape) fails to parse: the caller loses its status.
///
/// The adaptation gives all error responses of every operation that has any
/// one schema: an object with every property of every error body, none
/// required, plus the fields the runtime fills in
/// ([`openapi_model::error_body`]: the raw body when it is not the
/// documented JSON, whether it was cut, whether retrying is safe). When the
/// bodies cannot be merged (one is not an object, or two define one
/// property differently), the merged schema keeps any other field as JSON.
/// Identical merged schemas are one component: the most common is
/// `ErrorBody`, others `{OperationId}ErrorBody`. Each operation names its
/// error type in [`ERROR_BODY_EXT`], for the runtime's quirks table.
pub fn one_error_body_per_operation(spec: &mut Value) -> Vec<String> {
    let merged = merged_error_bodies(spec);
    let names = error_body_names(spec, &merged);
    let mut changes = Vec::new();
    for (pointer, id, schema) in merged {
        let name = names[&schema.to_string()].clone();
        let codes = install_error_body(spec, &pointer, &name, schema);
        changes.push(format!(
            "{id}: error responses {} share `{name}`",
            codes.join(", ")
        ));
    }
    changes
}

/// For every operation with an error response: its JSON pointer, its
/// operationId, and the one error schema all its error responses get.
fn merged_error_bodies(spec: &Value) -> Vec<(String, String, Value)> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut merged = Vec::new();
    for_each_operation(spec, |pointer, op| {
        let has_errors = op
            .get("responses")
            .and_then(Value::as_object)
            .is_some_and(|r| r.keys().any(|c| is_error_code(c)));
        if !has_errors {
            return;
        }
        let mut distinct: Vec<&Value> = Vec::new();
        for (_, schema) in error_json_schemas(op) {
            if !distinct.contains(&schema) {
                distinct.push(schema);
            }
        }
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("operation")
            .to_owned();
        merged.push((pointer, id, merge_objects(&distinct, &schemas)));
    });
    merged
}

/// The component name of each merged shape: the most common is
/// `ErrorBody`, others `{OperationId}ErrorBody`; never a name the spec
/// already has for something else. Every name is a Rust type name as it
/// stands (typify keeps it), so the quirks table can name the type.
fn error_body_names(spec: &Value, merged: &[(String, String, Value)]) -> BTreeMap<String, String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, schema) in merged {
        *counts.entry(schema.to_string()).or_default() += 1;
    }
    let most_common = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(shape, _)| shape.clone());
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (_, id, schema) in merged {
        let shape = schema.to_string();
        if names.contains_key(&shape) {
            continue;
        }
        let base = if Some(&shape) == most_common.as_ref() {
            "ErrorBody".to_owned()
        } else {
            error_body_name(id)
        };
        let taken = |n: &str| {
            spec.pointer(&format!("/components/schemas/{n}"))
                .is_some_and(|existing| existing != schema)
                || names.values().any(|v| v == n)
        };
        let mut name = base.clone();
        let mut n = 1;
        while taken(&name) {
            n += 1;
            name = format!("{base}{n}");
        }
        names.insert(shape, name);
    }
    names
}

/// `{OperationId}ErrorBody` as typify names the component: PascalCase, only
/// identifier characters, starting with a letter.
fn error_body_name(id: &str) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let stem = pascal_case(&cleaned);
    let stem = match stem.chars().next() {
        Some(c) if c.is_alphabetic() => stem,
        _ => format!("X{stem}"),
    };
    pascal_case(&format!("{stem}ErrorBody"))
}

/// Adds `schema` as component `name` and points every error response of the
/// operation at `pointer` to it; returns the statuses it changed.
fn install_error_body(spec: &mut Value, pointer: &str, name: &str, schema: Value) -> Vec<String> {
    let components = spec
        .as_object_mut()
        .expect("an OpenAPI document is an object")
        .entry("components")
        .or_insert_with(|| json!({}));
    if !components.is_object() {
        *components = json!({});
    }
    let schemas = components
        .as_object_mut()
        .expect("components was just made an object")
        .entry("schemas")
        .or_insert_with(|| json!({}));
    if !schemas.is_object() {
        *schemas = json!({});
    }
    schemas
        .as_object_mut()
        .expect("schemas was just made an object")
        .entry(name.to_owned())
        .or_insert(schema);
    let reference = json!({"$ref": format!("#/components/schemas/{name}")});
    let op = spec
        .pointer_mut(pointer)
        .expect("the operation was just visited");
    op[ERROR_BODY_EXT] = json!(name);
    let mut codes = Vec::new();
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for (code, response) in responses.iter_mut() {
            if !is_error_code(code) || !response.is_object() {
                continue;
            }
            // Every error status gets the body; the runtime makes every
            // error answer one the generated code can decode.
            response["content"] = json!({"application/json": {"schema": reference.clone()}});
            codes.push(code.clone());
        }
    }
    codes
}

/// Whether a media type is JSON (`application/json`, `application/*+json`).
fn is_json_media(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or("").trim();
    base == "application/json" || (base.starts_with("application/") && base.ends_with("+json"))
}

/// progenitor 0.15 sends a request body only as `application/json`,
/// `application/x-www-form-urlencoded`, `application/octet-stream` (a binary
/// string) or `text/plain` (a plain string), and only when the body has one
/// media type; anything else panics or fails generation. SailPoint's pages
/// have `application/json-patch+json`, `multipart/form-data`, and
/// `*/*` beside `application/scim+json`.
///
/// The adaptation keeps one media type per body (`application/json` first,
/// then any `+json`, then the first). A JSON-like type becomes
/// `application/json`; anything else becomes a binary
/// `application/octet-stream` body that callers encode themselves. Where
/// the declared type changed, the operation gets
/// `x-sailpoint-request-content-type` with the real one, which the runtime
/// sends (for `multipart/form-data` with the boundary read from the body).
pub fn one_request_media_type(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    for_each_operation_mut(spec, &mut |at, op| {
        let Some(Value::Object(content)) = op.pointer_mut("/requestBody/content") else {
            return;
        };
        if content.is_empty() {
            return;
        }
        let chosen = content
            .keys()
            .find(|m| m.as_str() == "application/json")
            .or_else(|| content.keys().find(|m| is_json_media(m)))
            .or_else(|| content.keys().next())
            .cloned()
            .expect("content is not empty");
        let mut media = content.get(&chosen).cloned().unwrap_or_else(|| json!({}));
        let dropped: Vec<String> = content.keys().filter(|m| **m != chosen).cloned().collect();
        let base = chosen.split(';').next().unwrap_or("").trim().to_owned();
        if let Some(map) = media.as_object_mut() {
            map.remove("encoding");
            map.entry("schema").or_insert_with(|| json!({}));
        }
        let (declared, schema_fix): (&str, Option<Value>) = match base.as_str() {
            "application/json" | "application/x-www-form-urlencoded" => (base.as_str(), None),
            b if is_json_media(b) => ("application/json", None),
            "text/plain" => ("text/plain", Some(json!({"type": "string"}))),
            _ => (
                "application/octet-stream",
                Some(json!({"type": "string", "format": "binary"})),
            ),
        };
        let mut notes = Vec::new();
        if let Some(schema) = schema_fix {
            let is_fine = media.get("schema") == Some(&schema);
            if !is_fine {
                if let Some(map) = media.as_object_mut() {
                    let description = map
                        .get("schema")
                        .and_then(|s| s.get("description"))
                        .cloned();
                    let mut schema = schema;
                    if let Some(d) = description {
                        schema["description"] = d;
                    }
                    map.insert("schema".into(), schema);
                }
            }
        }
        if declared != chosen {
            op.as_object_mut()
                .expect("an operation is an object")
                .insert(
                    REQUEST_CONTENT_TYPE_EXT.into(),
                    Value::String(chosen.clone()),
                );
            notes.push(format!("sent as `{chosen}`, generated as `{declared}`"));
        }
        if !dropped.is_empty() {
            notes.push(format!("dropped {}", dropped.join(", ")));
        }
        let Some(Value::Object(content)) = op.pointer_mut("/requestBody/content") else {
            return;
        };
        content.clear();
        content.insert(declared.to_owned(), media);
        if !notes.is_empty() {
            changes.push(format!("{at} request body: {}", notes.join("; ")));
        }
    });
    changes
}

/// progenitor parses a response as JSON only when its media type is exactly
/// `application/json`; `application/scim+json` (IdentityIQ's SCIM API)
/// would come back as an untyped byte stream. The adaptation renames a
/// `+json` media type to `application/json` when the response has no
/// `application/json` already (otherwise the `+json` one is dropped, as
/// progenitor would ignore it), and gives a JSON media type without a schema
/// an "any JSON" one.
pub fn json_like_responses_are_json(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    for_each_operation_mut(spec, &mut |at, op| {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            return;
        };
        for (code, response) in responses.iter_mut() {
            let Some(Value::Object(content)) = response.get_mut("content") else {
                continue;
            };
            let json_like: Vec<String> = content
                .keys()
                .filter(|m| is_json_media(m) && m.as_str() != "application/json")
                .cloned()
                .collect();
            for media in json_like {
                let value = content.remove(&media).expect("key was listed");
                if content.contains_key("application/json") {
                    changes.push(format!(
                        "{at} response {code}: dropped `{media}` beside application/json"
                    ));
                } else {
                    content.insert("application/json".into(), value);
                    changes.push(format!(
                        "{at} response {code}: `{media}` parsed as application/json"
                    ));
                }
            }
            if let Some(Value::Object(media)) = content.get_mut("application/json") {
                if !media.contains_key("schema") {
                    media.insert("schema".into(), json!({}));
                    changes.push(format!(
                        "{at} response {code}: JSON without a schema read as any JSON"
                    ));
                }
            }
        }
    });
    changes
}

/// What a response gives progenitor: a JSON type, a byte stream, or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Json(Value),
    Raw,
    Empty,
}

fn response_kind(response: &Value) -> Kind {
    let content = response.get("content").and_then(Value::as_object);
    match content {
        Some(c) if c.is_empty() => Kind::Empty,
        None => Kind::Empty,
        Some(c) => match c.get("application/json") {
            Some(media) => Kind::Json(media.get("schema").cloned().unwrap_or_else(|| json!({}))),
            None => Kind::Raw,
        },
    }
}

/// progenitor gives an operation one success type and asserts when its 2xx
/// responses differ (SailPoint: `200` with a body beside `202` or `204`
/// without; two 2xx with different bodies). The adaptation gives them all
/// one: JSON bodies become a `oneOf` of the distinct ones; a body-less 2xx
/// beside JSON makes the type nullable, and the operation gets
/// `x-sailpoint-empty-success-as-null` so the runtime reads the empty body as
/// `null`; a byte-stream body beside others makes every 2xx a byte stream.
pub fn one_success_type_per_operation(spec: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    for_each_operation_mut(spec, &mut |at, op| {
        let Some(Value::Object(responses)) = op.get("responses") else {
            return;
        };
        let successes: Vec<(String, Kind)> = responses
            .iter()
            .filter(|(code, _)| code.starts_with('2'))
            .map(|(code, r)| (code.clone(), response_kind(r)))
            .collect();
        let mut distinct: Vec<&Kind> = Vec::new();
        for (_, kind) in &successes {
            if !distinct.contains(&kind) {
                distinct.push(kind);
            }
        }
        if distinct.len() < 2 {
            return;
        }
        let has_raw = distinct.iter().any(|k| **k == Kind::Raw);
        let has_empty = distinct.iter().any(|k| **k == Kind::Empty);
        let jsons: Vec<Value> = distinct
            .iter()
            .filter_map(|k| match k {
                Kind::Json(schema) => Some(schema.clone()),
                _ => None,
            })
            .collect();
        let codes: Vec<&str> = successes.iter().map(|(c, _)| c.as_str()).collect();
        let new_content = if has_raw || jsons.is_empty() {
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        } else {
            let mut schema = match jsons.as_slice() {
                [one] => one.clone(),
                many => json!({"oneOf": many}),
            };
            if has_empty {
                schema = json!({"nullable": true, "allOf": [schema]});
            }
            json!({"application/json": {"schema": schema}})
        };
        let what = if has_raw || jsons.is_empty() {
            "all read as byte streams".to_owned()
        } else if has_empty {
            "one nullable JSON type; an empty body reads as null".to_owned()
        } else {
            format!("one JSON type, oneOf {} bodies", jsons.len())
        };
        let empty_as_null = has_empty && !has_raw && !jsons.is_empty();
        let op_map = op.as_object_mut().expect("an operation is an object");
        if let Some(Value::Object(responses)) = op_map.get_mut("responses") {
            for (code, response) in responses.iter_mut() {
                if code.starts_with('2') {
                    response["content"] = new_content.clone();
                }
            }
        }
        if empty_as_null {
            op_map.insert(EMPTY_SUCCESS_AS_NULL_EXT.into(), Value::Bool(true));
        }
        changes.push(format!(
            "{at}: success responses {} are {what}",
            codes.join(", ")
        ));
    });
    changes
}

/// Calls `f` with a readable location and each operation, mutably.
fn for_each_operation_mut(spec: &mut Value, f: &mut dyn FnMut(&str, &mut Value)) {
    let Some(Value::Object(paths)) = spec.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if op.get("responses").is_some() {
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
                f(&id, op);
            }
        }
    }
}

fn is_error_code(code: &str) -> bool {
    code == "default" || code.starts_with('4') || code.starts_with('5')
}

/// The `application/json` schemas of an operation's error responses.
fn error_json_schemas(op: &Value) -> Vec<(String, &Value)> {
    op.get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(code, _)| is_error_code(code))
        .filter_map(|(code, response)| {
            Some((
                code.clone(),
                response.pointer("/content/application~1json/schema")?,
            ))
        })
        .collect()
}

/// Merges object schemas into one with every property, none required,
/// plus the fields the client adds; when they cannot be merged (one is not
/// an object), any other field is kept as JSON.
fn merge_objects(bodies: &[&Value], schemas: &Map<String, Value>) -> Value {
    let resolve = |schema: &'_ Value| -> Option<Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => schemas
                .get(r.strip_prefix("#/components/schemas/")?)
                .cloned(),
            None => Some(schema.clone()),
        }
    };
    let lenient = || {
        json!({
            "type": "object",
            "description": "An error body: the operation's error bodies differ in kind, so every field is kept as JSON.",
            "properties": openapi_model::error_body::client_properties(),
            "additionalProperties": {},
        })
    };
    let mut properties = Map::new();
    for body in bodies {
        let Some(resolved) = resolve(body) else {
            return lenient();
        };
        let Some(props) = resolved.get("properties").and_then(Value::as_object) else {
            return lenient();
        };
        for (name, prop) in props {
            if openapi_model::error_body::CLIENT_FIELDS.contains(&name.as_str()) {
                continue;
            }
            match properties.get(name) {
                Some(existing) if existing != prop => {
                    properties.insert(
                        name.clone(),
                        json!({"description": "Differs between error statuses; kept as JSON."}),
                    );
                }
                Some(_) => {}
                None => {
                    properties.insert(name.clone(), prop.clone());
                }
            }
        }
    }
    properties.extend(openapi_model::error_body::client_properties());
    json!({
        "type": "object",
        "description": "An error body: every field any error status of the operation documents, and what the client adds.",
        "properties": properties,
    })
}

/// Calls `f` with the JSON pointer and value of every operation.
fn for_each_operation(spec: &Value, mut f: impl FnMut(String, &Value)) {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if op.get("responses").is_some() {
                let escaped = path.replace('~', "~0").replace('/', "~1");
                f(format!("/paths/{escaped}/{method}"), op);
            }
        }
    }
}

/// Visits every schema in the spec (components and operations, nested ones
/// included), parents before children, with a readable location.
/// Calls `f(place, schema)` on every schema of the spec, nested ones
/// included, parents first: components, then every place of every
/// operation (see [`openapi_model::operation_schemas_mut`]).
pub(crate) fn visit_schemas(spec: &mut Value, f: &mut dyn FnMut(&str, &mut Value)) {
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            visit_schema(&format!("components.schemas.{name}"), schema, f);
        }
    }
    openapi_model::operations_mut(spec, &mut |route, op| {
        openapi_model::operation_schemas_mut(op, &mut |place, schema| {
            visit_schema(&format!("{route} {place}"), schema, f)
        })
    });
}

fn visit_schema(at: &str, schema: &mut Value, f: &mut dyn FnMut(&str, &mut Value)) {
    f(at, schema);
    openapi_model::child_schemas_mut(schema, &mut |child, value| {
        visit_schema(&format!("{at}.{child}"), value, f)
    });
}

/// `sendTestNotification` → `SendTestNotification`.
fn pascal_case(id: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(id)
}
