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
        let mut f: Vec<(String, Kind)> = forward
            .changes
            .iter()
            .map(|c| (c.location.clone(), c.kind.inverse().unwrap_or(c.kind)))
            .collect();
        let mut b: Vec<(String, Kind)> = backward
            .changes
            .iter()
            .map(|c| (c.location.clone(), c.kind))
            .collect();
        f.sort();
        b.sort();
        // A moved operation is found from both sides at its own location.
        if name != "operation_moved" {
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
    assert!(!class_of("component_renamed", "type-renamed").is_empty());
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
