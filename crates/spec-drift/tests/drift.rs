//! Snapshot tests: one fixture pair per kind of change, each with its
//! expected report in `tests/snapshots/`. Run with `UPDATE_SNAPSHOTS=1` to
//! rewrite the snapshots after an intended change, and review the diff.

use serde_json::{json, Value};
use spec_drift::{diff, Class, Kind};

fn base() -> Value {
    serde_json::from_str(include_str!("fixtures/base.json")).unwrap()
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the fixture"))
}

const WIDGET: &str = "/components/schemas/Widget";
const LIST: &str = "/paths/~1widgets/get";
const CREATE: &str = "/paths/~1widgets/post";
const INPUT_EXTRA: &str = "/components/schemas/WidgetInput/allOf/1";

/// A fixture pair: a name and the edit that turns the base into the new side.
type Case = (&'static str, fn(&mut Value));

/// Every case.
fn cases() -> Vec<Case> {
    vec![
        ("identical", |_| {}),
        ("operation_added", |d| {
            at(d, "/paths/~1widgets~1{id}")["get"] = json!({"operationId": "getWidget",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "one", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}}}});
        }),
        ("operation_removed", |d| {
            at(d, "/paths/~1widgets~1{id}")
                .as_object_mut()
                .unwrap()
                .remove("delete");
        }),
        ("operation_moved", |d| {
            let op = at(d, "/paths/~1widgets~1{id}")
                .as_object_mut()
                .unwrap()
                .remove("delete")
                .unwrap();
            at(d, "/paths")
                .as_object_mut()
                .unwrap()
                .insert("/widgets/{id}/remove".into(), json!({"post": op}));
        }),
        ("parameter_added_optional", |d| {
            at(d, &format!("{LIST}/parameters"))
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "sort", "in": "query", "schema": {"type": "string"}}));
        }),
        ("parameter_added_required", |d| {
            at(d, &format!("{LIST}/parameters")).as_array_mut().unwrap().push(json!({"name": "owner", "in": "query", "required": true, "schema": {"type": "string"}}));
        }),
        ("parameter_removed", |d| {
            at(d, &format!("{LIST}/parameters"))
                .as_array_mut()
                .unwrap()
                .remove(1);
        }),
        ("parameter_required_and_optional", |d| {
            at(d, &format!("{LIST}/parameters/0"))["required"] = json!(true);
            at(d, "/paths/~1widgets~1{id}/delete/parameters/0")["required"] = json!(false);
        }),
        ("parameter_type_and_location_changed", |d| {
            at(d, &format!("{LIST}/parameters/0/schema"))
                .as_object_mut()
                .unwrap()
                .insert("type".into(), json!("string"));
            at(d, &format!("{LIST}/parameters/1"))["in"] = json!("header");
        }),
        ("request_body_removed", |d| {
            at(d, CREATE).as_object_mut().unwrap().remove("requestBody");
        }),
        ("request_body_added_and_made_optional", |d| {
            at(d, LIST)["requestBody"] =
                json!({"content": {"application/json": {"schema": {"type": "object"}}}});
            at(d, &format!("{CREATE}/requestBody"))["required"] = json!(false);
        }),
        ("request_content_type_changed", |d| {
            let content = at(d, &format!("{CREATE}/requestBody/content"))
                .as_object_mut()
                .unwrap();
            let json_body = content.remove("application/json").unwrap();
            content.insert("application/merge-patch+json".into(), json_body);
        }),
        ("request_property_added", |d| {
            let extra = at(d, INPUT_EXTRA);
            extra["properties"]["priority"] = json!({"type": "integer"});
            extra["properties"]["owner"] = json!({"type": "string"});
            extra["required"] = json!(["owner"]);
        }),
        ("response_property_removed_and_added", |d| {
            let props = at(d, &format!("{WIDGET}/properties"))
                .as_object_mut()
                .unwrap();
            props.remove("note");
            props.insert("size".into(), json!({"type": "integer"}));
        }),
        ("property_type_format_and_required_changed", |d| {
            at(d, &format!("{WIDGET}/properties/created"))["format"] = json!("date");
            at(d, &format!("{WIDGET}/properties/name"))["type"] = json!("integer");
            at(d, &format!("{WIDGET}/required"))
                .as_array_mut()
                .unwrap()
                .push(json!("tags"));
            at(d, &format!("{WIDGET}/required"))
                .as_array_mut()
                .unwrap()
                .retain(|v| v != "name");
        }),
        ("enum_values_changed", |d| {
            // Kind is in responses (Widget) and requests (WidgetInput).
            at(d, "/components/schemas/Kind/enum")
                .as_array_mut()
                .unwrap()
                .push(json!("HUGE"));
            // color is only sent by the client.
            let color = at(d, &format!("{INPUT_EXTRA}/properties/color/enum"))
                .as_array_mut()
                .unwrap();
            color.push(json!("GREEN"));
            color.retain(|v| v != "BLUE");
        }),
        ("open_enum_value_added", |d| {
            let kind = at(d, "/components/schemas/Kind");
            kind["description"] =
                json!("The size. Additional values may be added in the future without notice.");
            kind["enum"].as_array_mut().unwrap().push(json!("HUGE"));
        }),
        ("nullable_and_access_changed", |d| {
            at(d, &format!("{WIDGET}/properties/note"))["nullable"] = json!(true);
            at(d, &format!("{WIDGET}/properties/id"))["readOnly"] = json!(false);
        }),
        ("nested_and_array_changes", |d| {
            at(d, &format!("{WIDGET}/properties/owner/properties/email"))["format"] =
                json!("email");
            at(d, &format!("{WIDGET}/properties/owner/properties"))
                .as_object_mut()
                .unwrap()
                .remove("id");
            at(d, &format!("{WIDGET}/properties/tags/items"))["type"] = json!("integer");
            at(
                d,
                "/components/schemas/Error/properties/messages/items/properties",
            )["locale"] = json!({"type": "string"});
        }),
        ("composition_changes", |d| {
            at(d, "/components/schemas")["Triangle"] =
                json!({"type": "object", "properties": {"base": {"type": "number"}}});
            at(d, &format!("{WIDGET}/properties/shape/oneOf"))
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/components/schemas/Triangle"}));
            at(d, "/components/schemas/Circle/properties/radius")["type"] = json!("integer");
            // Move `name` between allOf members: not a change.
            let input = at(d, "/components/schemas/WidgetInput/allOf");
            let name = input[0]["properties"]
                .as_object_mut()
                .unwrap()
                .remove("name")
                .unwrap();
            input[1]["properties"]["name"] = name;
        }),
        ("inline_schema_named_is_no_change", |d| {
            let owner = at(d, &format!("{WIDGET}/properties/owner")).take();
            at(d, "/components/schemas")["Owner"] = owner;
            at(d, &format!("{WIDGET}/properties"))["owner"] =
                json!({"$ref": "#/components/schemas/Owner"});
        }),
        ("component_renamed", |d| {
            let kind = at(d, "/components/schemas")
                .as_object_mut()
                .unwrap()
                .remove("Kind")
                .unwrap();
            at(d, "/components/schemas")["WidgetKind"] = kind;
            let text = serde_json::to_string(d).unwrap().replace(
                "#/components/schemas/Kind\"",
                "#/components/schemas/WidgetKind\"",
            );
            *d = serde_json::from_str(&text).unwrap();
        }),
        ("responses_added_and_removed", |d| {
            at(d, &format!("{LIST}/responses"))
                .as_object_mut()
                .unwrap()
                .remove("400");
            at(d, &format!("{LIST}/responses"))["429"] = json!({"description": "slow down"});
            at(d, &format!("{CREATE}/responses"))
                .as_object_mut()
                .unwrap()
                .remove("201");
            at(d, &format!("{CREATE}/responses"))["200"] = json!({"description": "ok"});
        }),
        ("operation_renamed", |d| {
            at(d, "/paths/~1widgets~1{id}/delete")["operationId"] = json!("removeWidget");
        }),
        ("operation_id_reused_elsewhere", |d| {
            // `deleteWidget` is now another route's; the old route has a new id.
            at(d, "/paths/~1widgets~1{id}/delete")["operationId"] = json!("removeWidget");
            at(d, "/paths")["/archive/{id}"] = json!({"delete": {"operationId": "deleteWidget",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "gone"}}}});
        }),
        ("path_parameter_renamed", |d| {
            let item = at(d, "/paths")
                .as_object_mut()
                .unwrap()
                .remove("/widgets/{id}")
                .unwrap();
            let text = item
                .to_string()
                .replace("\"name\":\"id\"", "\"name\":\"widgetId\"");
            at(d, "/paths")["/widgets/{widgetId}"] = serde_json::from_str(&text).unwrap();
        }),
        ("stub_schema_not_compared", |d| {
            // The newer pages give the owner only as its title.
            at(d, &format!("{WIDGET}/properties"))["owner"] =
                json!({"type": "object", "title": "Owner"});
        }),
        ("object_became_a_list", |d| {
            let owner = at(d, &format!("{WIDGET}/properties/owner")).take();
            let mut item = owner;
            item["properties"].as_object_mut().unwrap().remove("id");
            at(d, &format!("{WIDGET}/properties"))["owner"] =
                json!({"type": "array", "items": item});
        }),
        ("variants_reordered", |d| {
            at(d, &format!("{WIDGET}/properties/shape/oneOf"))
                .as_array_mut()
                .unwrap()
                .reverse();
        }),
        ("error_body_changed", |d| {
            // In an error body: the client reads any, so nothing breaks at
            // run time; a field it lost is still gone from the Rust type.
            let e = at(d, "/components/schemas/Error/properties");
            e["trackingId"]["type"] = json!("integer");
            e["code"] = json!({"type": "string"});
            at(d, "/components/schemas/Error")["required"] = json!(["code"]);
        }),
        ("null_in_an_optional_enum", |d| {
            at(d, &format!("{WIDGET}/properties"))["size"] =
                json!({"type": "string", "enum": ["S", "M"]});
            at(d, "/components/schemas/Kind/enum")
                .as_array_mut()
                .unwrap()
                .push(json!(null));
        }),
        ("security_servers_and_deprecation", |d| {
            at(d, "/servers/0")["url"] = json!("https://{tenant}.example.com/v2");
            at(d, &format!("{LIST}/security")).as_array_mut().unwrap()[0] =
                json!({"oauth2": ["read"]});
            at(
                d,
                "/components/securitySchemes/oauth2/flows/clientCredentials",
            )["tokenUrl"] = json!("https://auth.example.com/token");
            at(d, "/components/securitySchemes")["apiKey"] =
                json!({"type": "apiKey", "in": "header", "name": "X-Key"});
            at(d, CREATE)["deprecated"] = json!(true);
        }),
    ]
}

fn check_snapshot(name: &str, actual: &str) {
    let path = format!("{}/tests/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        panic!("snapshot {name} differs (rerun with UPDATE_SNAPSHOTS=1 if intended):\n{diff}");
    }
}

#[test]
fn every_change_kind_matches_its_snapshot() {
    for (name, edit) in cases() {
        let old = base();
        let mut new = base();
        edit(&mut new);
        let report = diff(&old, &new);
        check_snapshot(&format!("{name}.txt"), &report.to_text(false));
    }
}

#[test]
fn identical_documents_give_an_empty_report() {
    let report = diff(&base(), &base());
    assert!(report.is_empty());
    assert_eq!(report.summary_line(), "no changes");
}

#[test]
fn the_diff_is_symmetric_in_what_it_finds() {
    for (name, edit) in cases() {
        let old = base();
        let mut new = base();
        edit(&mut new);
        let forward = diff(&old, &new);
        let backward = diff(&new, &old);
        // The same changes, each of the inverse kind.
        // Each item of each entry (entries of one place may group
        // differently: `owner` added (required) and `priority` added
        // (optional) are two entries, both removed one).
        let expand = |report: &spec_drift::Report, inverse: bool| {
            let mut out: Vec<(String, Kind, String)> = Vec::new();
            for c in &report.changes {
                let kind = if inverse {
                    c.kind.inverse().unwrap_or(c.kind)
                } else {
                    c.kind
                };
                if c.items.is_empty() {
                    out.push((c.location.clone(), kind, String::new()));
                }
                for item in &c.items {
                    out.push((c.location.clone(), kind, item.clone()));
                }
            }
            out.sort();
            out
        };
        let (f, b) = (expand(&forward, true), expand(&backward, false));
        // Moves and renames are found from both sides at their own place.
        if !name.starts_with("operation_")
            && !name.contains("renamed")
            && !name.contains("stub")
            && name != "object_became_a_list"
            && name != "error_body_changed"
            && name != "null_in_an_optional_enum"
            // A success status replaced: compared at the new one's place.
            && name != "responses_added_and_removed"
        {
            assert_eq!(f, b, "{name}: forward and backward find different changes");
        } else {
            assert_eq!(forward.changes.len(), backward.changes.len(), "{name}");
        }
    }
}

#[test]
fn classes_match_what_callers_see() {
    let class_of = |name: &str, kind: &str| -> Vec<Class> {
        let (_, edit) = cases().into_iter().find(|(n, _)| *n == name).unwrap();
        let mut new = base();
        edit(&mut new);
        diff(&base(), &new)
            .changes
            .iter()
            .filter(|c| c.kind.as_str() == kind)
            .map(|c| c.class)
            .collect()
    };
    assert_eq!(
        class_of("operation_removed", "operation-removed"),
        [Class::BreakingCompile]
    );
    assert_eq!(
        class_of("operation_added", "operation-added"),
        [Class::Compatible]
    );
    assert_eq!(
        class_of("parameter_added_optional", "parameter-added"),
        [Class::Compatible]
    );
    // One change to a shared type is one line, naming the places it reaches.
    assert_eq!(
        class_of("response_property_removed_and_added", "property-removed"),
        [Class::BreakingCompile]
    );
    assert!(class_of("enum_values_changed", "enum-value-added").contains(&Class::BreakingRuntime));
    // Found, and compatible: the client accepts other values of an open enum.
    let open = class_of("open_enum_value_added", "enum-value-added");
    assert!(
        !open.is_empty(),
        "the new value of the open enum is reported"
    );
    assert!(open.iter().all(|c| *c == Class::Compatible), "{open:?}");
    assert_eq!(
        class_of("inline_schema_named_is_no_change", "type-renamed"),
        []
    );
    assert!(diff(&base(), &{
        let mut d = base();
        (cases()
            .into_iter()
            .find(|(n, _)| *n == "inline_schema_named_is_no_change")
            .unwrap()
            .1)(&mut d);
        d
    })
    .is_empty());
    // Names this project gives are not upstream's: information.
    assert_eq!(
        class_of("component_renamed", "type-name-changed"),
        [Class::Info]
    );
    // A new operationId on the same route is a rename, not a removal.
    assert_eq!(
        class_of("operation_renamed", "operation-renamed"),
        [Class::BreakingCompile]
    );
    assert!(class_of("operation_renamed", "operation-removed").is_empty());
    assert_eq!(
        class_of("operation_id_reused_elsewhere", "operation-moved"),
        [Class::BreakingRuntime]
    );
    assert_eq!(
        class_of("path_parameter_renamed", "parameter-renamed"),
        [Class::BreakingCompile]
    );
    // A stub is not compared: nothing removed.
    assert_eq!(
        class_of("stub_schema_not_compared", "not-compared"),
        [Class::Info]
    );
    assert!(class_of("stub_schema_not_compared", "property-removed").is_empty());
    // What the list's items hold is compared with what the object held.
    assert_eq!(
        class_of("object_became_a_list", "property-removed"),
        [Class::BreakingCompile]
    );
    assert_eq!(
        class_of("object_became_a_list", "type-changed"),
        [Class::BreakingRuntime]
    );
    // Variants in another order are the same variants.
    assert!(class_of("variants_reordered", "variant-added").is_empty());
    assert!(class_of("variants_reordered", "variant-removed").is_empty());
    // In an error body, nothing breaks at run time, and the body's own
    // required fields are not the client's.
    let error = |kind| class_of("error_body_changed", kind);
    assert_eq!(error("type-changed"), [Class::Compatible]);
    assert_eq!(error("property-added"), [Class::Compatible]);
    // `null` among the values of an optional property's enum reads as None
    // (and callers may send it).
    assert_eq!(
        class_of("null_in_an_optional_enum", "nullable-changed"),
        [Class::Compatible, Class::Compatible]
    );
    assert!(class_of("null_in_an_optional_enum", "enum-value-added").is_empty());
}

#[test]
fn json_and_markdown_forms_match_their_snapshots() {
    let mut new = base();
    for (name, edit) in cases() {
        if [
            "request_property_added",
            "enum_values_changed",
            "operation_removed",
        ]
        .contains(&name)
        {
            edit(&mut new);
        }
    }
    let report = diff(&base(), &new);
    check_snapshot("combined.json", &report.to_json());
    check_snapshot("combined.md", &report.to_markdown());
    let parsed: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        parsed["summary"]["breaking"],
        json!(report.summary().breaking)
    );
    assert!(parsed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["class"].is_string() && c["location"].is_string()));
}

/// A component both sides' pages title, under another title on the new
/// side: renamed upstream, a compile-time break, one line wherever it is
/// met; the same rename without titles is this project's naming.
#[test]
fn a_rename_upstream_breaks_and_one_of_ours_does_not() {
    let titled = |name: &str, title: &str| {
        let mut doc = base();
        let mut kind = doc["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("Kind")
            .unwrap();
        kind["title"] = json!(title);
        doc["components"]["schemas"][name] = kind;
        let text = serde_json::to_string(&doc).unwrap().replace(
            "#/components/schemas/Kind\"",
            &format!("#/components/schemas/{name}\""),
        );
        serde_json::from_str::<Value>(&text).unwrap()
    };
    let report = diff(&titled("Kind", "Kind"), &titled("WidgetSize", "WidgetSize"));
    let renames: Vec<&spec_drift::Change> = report
        .changes
        .iter()
        .filter(|c| c.kind == Kind::TypeRenamed)
        .collect();
    assert_eq!(renames.len(), 1, "{}", report.to_text(false));
    assert_eq!(renames[0].class, Class::BreakingCompile);
    assert_eq!(renames[0].detail, "type `Kind` renamed to `WidgetSize`");
    assert_eq!(renames[0].places.len(), 3, "{:?}", renames[0].places);
    // Without titles on the old side, the name is this project's.
    let report = diff(&base(), &titled("WidgetSize", "WidgetSize"));
    assert!(!report.has_breaking(), "{}", report.to_text(false));
    assert!(report
        .changes
        .iter()
        .any(|c| c.kind == Kind::TypeNameChanged));
}

/// An operation a side left out (its page quarantined there) is "not
/// compared", with why: never removed, never added.
#[test]
fn a_quarantined_operation_is_not_compared() {
    let mut new = base();
    new["paths"]["/widgets/{id}"]
        .as_object_mut()
        .unwrap()
        .remove("delete");
    for (route, operation, page) in [
        (
            Some(spec_drift::Route::new("delete", "/widgets/{id}")),
            None,
            None,
        ),
        (None, Some("deleteWidget".to_owned()), None),
        (None, None, Some("delete-widget".to_owned())),
    ] {
        let options = spec_drift::Options {
            not_compared: vec![spec_drift::NotCompared {
                side: spec_drift::Side::New,
                route,
                operation,
                page,
                reason: "page `delete-widget`: failed check `valid`".into(),
            }],
            ..spec_drift::Options::default()
        };
        let report = spec_drift::diff_with(&base(), &new, &options);
        let kinds: Vec<Kind> = report.changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [Kind::NotCompared], "{}", report.to_text(false));
        assert!(report.changes[0].why.contains("failed check `valid`"));
        // Swapped, it is the old side's page: not compared either.
        let mut swapped = options;
        swapped.not_compared[0].side = spec_drift::Side::Old;
        let report = spec_drift::diff_with(&new, &base(), &swapped);
        let kinds: Vec<Kind> = report.changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [Kind::NotCompared], "{}", report.to_text(false));
    }
}
