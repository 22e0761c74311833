//! Every breaking verdict of the drift report is proven, not asserted: two
//! clients are generated with this project's code generator, from an old
//! spec and from a new one that carries one change of each kind, and built
//! in one scratch crate. For each kind the report calls breaking:
//!
//! - at compile time: code written against the old client, which compiles
//!   (one binary holds all of it), fails to compile against the new one
//!   (one binary per kind, so that each failure is that kind's);
//! - at run time: a payload the new spec allows that the old client cannot
//!   decode, or a call written against the old client that the new one
//!   refuses when it is sent (a required parameter, body or field it does
//!   not set);
//!
//! and every compatible verdict of the same walk is checked the other way:
//! the old client reads the new payloads it is said to read.

#[path = "support/proven.rs"]
mod support;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use spec_drift::{Class, Kind, Options};

/// The old spec: one operation or type per rule, so that each change is
/// met alone.
fn old_spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "rules", "version": "1"},
        "paths": {
            "/thing": {
                "get": {"operationId": "getThing", "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}},
                "post": {"operationId": "createThing",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingInput"}}}},
                    "responses": {"204": {"description": "done"}}}
            },
            "/things": {"get": {"operationId": "listThings",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "filter", "in": "query", "schema": {"type": "string"}}
                ],
                "responses": {"204": {"description": "ok"}}}},
            "/things/{id}": {"delete": {"operationId": "deleteThing",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "gone"}}}},
            "/gone": {"get": {"operationId": "getGone", "responses": {"204": {"description": "ok"}}}},
            "/old-place": {"get": {"operationId": "getMoved", "responses": {"204": {"description": "ok"}}}},
            "/renamed": {"get": {"operationId": "getRenamed", "responses": {"204": {"description": "ok"}}}},
            "/shape": {"get": {"operationId": "getShape", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shape"}}}}}}},
            "/body": {"get": {"operationId": "getBody", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}}}}},
            "/bodyless": {"post": {"operationId": "postBodyless",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}},
                "responses": {"204": {"description": "ok"}}}},
            "/needs": {"get": {"operationId": "getNeeds",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"204": {"description": "ok"}}}},
            "/adds": {"get": {"operationId": "getAdds", "responses": {"204": {"description": "ok"}}}},
            "/wants": {"post": {"operationId": "postWants",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Want"}}}},
                "responses": {"204": {"description": "ok"}}}},
            "/notes": {"post": {"operationId": "postNotes",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}},
                "responses": {"204": {"description": "ok"}}}},
            "/label": {"post": {"operationId": "postLabel",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Label"}}}},
                "responses": {"204": {"description": "ok"}}}}
        },
        "components": {"schemas": {
            "Thing": {
                "type": "object",
                "required": ["req", "firm", "sure"],
                "properties": {
                    "req": {"type": "string"},
                    "firm": {"type": "string"},
                    "sure": {"type": "string"},
                    "pick": {"$ref": "#/components/schemas/Pick"},
                    "gone": {"type": "string"},
                    "loose": {"type": "string"},
                    "opt": {"type": "string"},
                    "count": {"type": "integer", "format": "int32"},
                    "tiny": {"type": "integer"},
                    "score": {"type": "number"},
                    "code": {"type": "string"},
                    "color": {"$ref": "#/components/schemas/Color"},
                    "kind": {"type": "string"},
                    "level": {"$ref": "#/components/schemas/Level"},
                    "attrs": {"type": "object", "additionalProperties": {"type": "string"}},
                    "owner": {"$ref": "#/components/schemas/Owner"},
                    "note": {"type": "string", "format": "comma-separated"},
                    "extra": {"$ref": "#/components/schemas/Count"}
                }
            },
            "ThingInput": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "medium": {"$ref": "#/components/schemas/Medium"},
                    "size": {"$ref": "#/components/schemas/Size"},
                    "mood": {"$ref": "#/components/schemas/Mood"}
                }
            },
            "Color": {"type": "string", "enum": ["RED", "BLUE"]},
            "Level": {"type": "string", "enum": ["LOW", "HIGH"]},
            "Medium": {"type": "string", "enum": ["EMAIL", "SLACK", "TEAMS"]},
            "Size": {"type": "string", "enum": ["SMALL", "LARGE"]},
            "Mood": {"type": "string", "enum": ["HAPPY", "SAD"],
                     "description": "How it feels. Additional values may be added in the future."},
            "Owner": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
            "Count": {"type": "object", "properties": {"total": {"type": "integer"}, "pages": {"type": "integer"}}},
            "Label": {"type": "object", "title": "Label", "properties": {"text": {"type": "string"}}},
            "Note": {"type": "object", "properties": {"text": {"type": "string"}}},
            "Want": {"type": "object", "required": ["why"], "properties": {"why": {"type": "string"}}},
            "Circle": {"type": "object", "required": ["radius"], "properties": {"radius": {"type": "number"}}},
            "Square": {"type": "object", "required": ["side"], "properties": {"side": {"type": "number"}}},
            "Shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}]},
            "Pick": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}]}
        }}
    })
}

/// The new spec: the old one with every change at once.
fn new_spec() -> Value {
    let mut s = old_spec();
    let paths = s["paths"].as_object_mut().unwrap();
    paths.remove("/gone");
    let moved = paths.remove("/old-place").unwrap();
    paths.insert("/new-place".into(), moved);
    paths["/renamed"]["get"]["operationId"] = json!("fetchRenamed");
    paths["/things"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["name"] != "filter");
    let delete = paths.remove("/things/{id}").unwrap();
    let text = delete
        .to_string()
        .replace("\"name\":\"id\"", "\"name\":\"thingId\"");
    paths.insert(
        "/things/{thingId}".into(),
        serde_json::from_str(&text).unwrap(),
    );
    paths["/body"]["get"]["responses"] = json!({"204": {"description": "no body"}});
    paths["/bodyless"]["post"]
        .as_object_mut()
        .unwrap()
        .remove("requestBody");
    paths["/needs"]["get"]["parameters"][0]["required"] = json!(true);
    paths["/adds"]["get"]["parameters"] =
        json!([{"name": "r", "in": "query", "required": true, "schema": {"type": "string"}}]);
    paths["/wants"]["post"]["requestBody"]["required"] = json!(true);
    paths["/notes"]["post"]["requestBody"]["required"] = json!(true);
    paths["/label"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/Tag"});
    let c = s["components"]["schemas"].as_object_mut().unwrap();
    let t = c["Thing"].as_object_mut().unwrap();
    t.insert("required".into(), json!(["firm", "opt"]));
    let p = t["properties"].as_object_mut().unwrap();
    p.remove("gone");
    p["req"]["nullable"] = json!(true);
    p["count"].as_object_mut().unwrap().remove("format");
    p["tiny"]["format"] = json!("int32");
    p["score"]["type"] = json!("integer");
    p["code"]["type"] = json!("integer");
    p["kind"]["enum"] = json!(["A", "B"]);
    p["level"] = json!({"type": "string"});
    p["attrs"] = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    p["owner"] = json!({"$ref": "#/components/schemas/Count"});
    p["note"]["format"] = json!("csv");
    p["loose"] = json!({"type": "string"});
    p.insert("fresh".into(), json!({"type": "integer"}));
    // `firm` stays required; `loose` stays optional; `opt` becomes required,
    // `req` stays required and becomes nullable.
    let t = c["Thing"].as_object_mut().unwrap();
    let mut required: Vec<Value> = t["required"].as_array().unwrap().clone();
    required.push(json!("req"));
    t.insert("required".into(), Value::Array(required));
    c["ThingInput"]["required"] = json!(["name", "owner"]);
    c["ThingInput"]["properties"]["owner"] = json!({"type": "string"});
    c["Pick"]["oneOf"].as_array_mut().unwrap().pop();
    c["Color"]["enum"] = json!(["RED", "BLUE", "GREEN"]);
    c["Level"] = json!({"type": "string"});
    c["Medium"]["enum"] = json!(["EMAIL", "SLACK"]);
    c["Size"]["description"] = json!("How big. Additional values may be added in the future.");
    c["Mood"].as_object_mut().unwrap().remove("description");
    c.insert(
        "Tag".into(),
        json!({"type": "object", "title": "Tag", "properties": {"text": {"type": "string"}}}),
    );
    c.remove("Label");
    c.insert(
        "Triangle".into(),
        json!({"type": "object", "required": ["base"], "properties": {"base": {"type": "number"}}}),
    );
    c["Shape"]["oneOf"]
        .as_array_mut()
        .unwrap()
        .push(json!({"$ref": "#/components/schemas/Triangle"}));
    s
}

/// Code written against a client (`M` stands for its module), per kind the
/// report calls breaking at compile time.
const COMPILE_PROOFS: &[(&str, &str)] = &[
    ("operation-removed", "fn f(c: &M::Client) { let _ = c.get_gone(); }"),
    ("operation-renamed", "fn f(c: &M::Client) { let _ = c.get_renamed(); }"),
    ("parameter-removed", "fn f(c: &M::Client) { let _ = c.list_things().filter(\"x\"); }"),
    ("parameter-renamed", "fn f(c: &M::Client) { let _ = c.delete_thing().id(\"x\"); }"),
    ("property-removed", "fn f(t: M::types::Thing) { let _ = t.gone; }"),
    ("property-required", "fn f(t: M::types::Thing) { let _: Option<String> = t.opt; }"),
    (
        "property-optional",
        "fn f(t: M::types::Thing) { let _: String = t.sure; }",
    ),
    (
        "variant-removed",
        "fn f(p: M::types::Pick) { if let M::types::Pick::Square(_) = p {} }",
    ),
    ("type-renamed", "fn f(_: M::types::Label) {}"),
    ("type-replaced", "fn f(t: M::types::Thing) { let _: Option<M::types::Owner> = t.owner; }"),
    ("enum-value-removed", "fn f() { let _ = M::types::Medium::Teams; }"),
    ("enum-added", "fn f(t: M::types::Thing) { let _: Option<String> = t.kind; }"),
    ("enum-removed", "fn f(t: M::types::Thing) { let _: Option<M::types::Level> = t.level; }"),
    ("enum-opened", "fn f(s: M::types::Size) { match s { M::types::Size::Small | M::types::Size::Large => {} } }"),
    ("enum-closed", "fn f() { let _ = M::types::Mood::Other(String::new()); }"),
    ("type-changed", "fn f(t: M::types::Thing) { let _: Option<f64> = t.score; }"),
    ("format-changed", "fn f(t: M::types::Thing) { let _: Option<i64> = t.tiny; }"),
    ("additional-properties-changed", "fn f(t: M::types::Thing) { let _ = t.attrs.len(); }"),
    ("request-body-removed", "fn f(c: &M::Client) { let _ = c.post_bodyless().body_map(|b| b); }"),
    ("content-type-removed", "async fn f(c: &M::Client) { if let Ok(r) = c.get_body().send().await { let _: M::types::Note = r.into_inner(); } }"),
];

/// Calls written against the old client that the new one refuses when
/// sent, per kind the report calls breaking at run time (`M` as above).
const CALL_PROOFS: &[(&str, &str)] = &[
    ("parameter-added", "c.get_adds().send()"),
    ("parameter-required", "c.get_needs().send()"),
    ("request-body-required", "c.post_wants().send()"),
    (
        "property-added",
        "c.create_thing().body_map(|b| b.name(\"x\")).send()",
    ),
];

/// Calls written against the old client that the new one still sends,
/// where the report says so: a body now required whose empty object is
/// valid (the builder starts from it).
const CALLS_SENT: &[(&str, &str)] = &[("request-body-required", "c.post_notes().send()")];

/// Payloads the new spec allows, each with the operation whose response
/// carries it and where the change is (a part of the location, or an item
/// of the entry): one for each run-time verdict, and some compatible ones.
fn payloads() -> Vec<(&'static str, &'static str, &'static str, Value)> {
    vec![
        (
            "Thing",
            "getThing",
            "properties.color",
            json!({"req": "x", "firm": "y", "sure": "s", "color": "GREEN"}),
        ),
        (
            "Thing",
            "getThing",
            "properties.req",
            json!({"req": null, "firm": "y", "sure": "s"}),
        ),
        (
            "Thing",
            "getThing",
            "properties.count",
            json!({"req": "x", "firm": "y", "sure": "s", "count": 3_000_000_000u64}),
        ),
        (
            "Thing",
            "getThing",
            "properties.code",
            json!({"req": "x", "firm": "y", "sure": "s", "code": 1}),
        ),
        (
            "Thing",
            "getThing",
            "properties.note",
            json!({"req": "x", "firm": "y", "sure": "s", "note": "a,b"}),
        ),
        (
            "Thing",
            "getThing",
            "`fresh`",
            json!({"req": "x", "firm": "y", "sure": "s", "fresh": 1}),
        ),
        ("Shape", "getShape", "`Triangle`", json!({"base": 1.5})),
    ]
}

/// The drift report's breaking verdicts: kind → class.
fn verdicts(old: &Value, new: &Value) -> BTreeSet<(Kind, Class)> {
    let options = Options {
        client: xtask::drift::client_profile(),
        ..Options::default()
    };
    spec_drift::diff_with(old, new, &options)
        .changes
        .into_iter()
        .filter(|c| c.class.is_breaking())
        .map(|c| (c.kind, c.class))
        .collect()
}

#[test]
fn every_breaking_verdict_is_what_really_happens() {
    let (old, new) = (old_spec(), new_spec());
    let found = verdicts(&old, &new);
    // Every breaking kind the report finds here has its proof below, and
    // every kind the list says is proven is found here.
    let classes = |class: Class| serde_json::to_value(class).unwrap();
    let here: Vec<(String, Value)> = found
        .iter()
        .map(|(k, c)| (k.as_str().to_owned(), classes(*c)))
        .collect();
    let listed: Vec<(String, Value)> = support::PROVEN
        .iter()
        .map(|(k, c)| ((*k).to_owned(), json!(c)))
        .collect();
    for verdict in &here {
        assert!(
            listed.contains(verdict),
            "{verdict:?} is breaking here, with no proof"
        );
    }
    for verdict in &listed {
        // A value added to a response enum is news when the client's
        // response enums are open: then nothing here breaks by it.
        let open = xtask::drift::client_profile().response_enums_open;
        if !(open && verdict.0 == "enum-value-added") {
            assert!(
                here.contains(verdict),
                "{verdict:?} is listed as proven, and not met here"
            );
        }
    }
    // Both clients, in one scratch crate.
    let dir = std::env::temp_dir().join(format!("rules-proven-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old_path, new_path) = (dir.join("rules_old.json"), dir.join("rules_new.json"));
    std::fs::write(&old_path, old.to_string()).unwrap();
    std::fs::write(&new_path, new.to_string()).unwrap();
    let probe = xtask::probe::probe(&[old_path, new_path]).unwrap();
    assert!(probe.compiles, "{}", probe.check_output);
    let manifest = std::fs::read_to_string(probe.crate_dir.join("Cargo.toml")).unwrap();
    let krate = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .unwrap()
        .trim_end_matches('"')
        .replace('-', "_");
    let module = |side: &str| format!("{krate}::rules_{side}");
    // The calls need a Tokio context (the runtime's HTTP client), as a
    // user's program has.
    let manifest_path = probe.crate_dir.join("Cargo.toml");
    if !manifest.contains("\ntokio = ") {
        std::fs::write(
            &manifest_path,
            manifest.replace(
                "[dependencies]\n",
                "[dependencies]\ntokio = { version = \"1\", features = [\"rt\"] }\n",
            ),
        )
        .unwrap();
    }
    let bin = probe.crate_dir.join("src/bin");
    let _ = std::fs::remove_dir_all(&bin);
    std::fs::create_dir_all(&bin).unwrap();

    // Compile-time proofs: all against the old client in one binary; each
    // against the new client in its own.
    let uses = |side: &str, proofs: &[&str]| -> String {
        let mut code = String::from("#![allow(dead_code, unused)]\n");
        for (i, proof) in proofs.iter().enumerate() {
            code.push_str(&format!(
                "mod proof{i} {{ {} }}\n",
                proof.replace("M::", &format!("{}::", module(side)))
            ));
        }
        code.push_str("fn main() {}\n");
        code
    };
    let all: Vec<&str> = COMPILE_PROOFS.iter().map(|(_, p)| *p).collect();
    std::fs::write(bin.join("uses_old.rs"), uses("old", &all)).unwrap();
    for (kind, proof) in COMPILE_PROOFS {
        let name = format!("new_{}", kind.replace('-', "_"));
        std::fs::write(bin.join(format!("{name}.rs")), uses("new", &[proof])).unwrap();
    }
    // Run-time proofs: the old client decodes each payload; the new one
    // sends each call written for the old (polled once: a refused call
    // fails before anything goes on the wire).
    let mut decode = String::from("use std::io::BufRead as _;\nfn main() {\n    for line in std::io::stdin().lock().lines() {\n        let line = line.unwrap();\n        let (ty, json) = line.split_once(' ').unwrap();\n        let ok = match ty {\n");
    for ty in ["Thing", "Shape"] {
        decode.push_str(&format!(
            "            \"{ty}\" => serde_json::from_str::<{}::types::{ty}>(json).is_ok(),\n",
            module("old")
        ));
    }
    decode.push_str("            _ => unreachable!(),\n        };\n        println!(\"{}\", if ok { \"ok\" } else { \"err\" });\n    }\n}\n");
    std::fs::write(bin.join("decode_old.rs"), decode).unwrap();
    let mut calls = format!(
        "fn poll<F: std::future::Future>(f: F) -> Option<F::Output> {{\n    let mut f = std::pin::pin!(f);\n    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());\n    match f.as_mut().poll(&mut cx) {{ std::task::Poll::Ready(v) => Some(v), std::task::Poll::Pending => None }}\n}}\nfn main() {{\n    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();\n    let _context = rt.enter();\n    let parts = sailpoint_runtime::ClientBuilder::new().base_url(\"http://127.0.0.1:9\").access_token(\"t\").build_parts(\"\", \"rules\", &{new}::QUIRKS).unwrap();\n    let c = {new}::Client::new_with_client(&parts.api_base, parts.http, parts.runtime);\n",
        new = module("new")
    );
    for (kind, call) in CALL_PROOFS.iter().chain(CALLS_SENT) {
        calls.push_str(&format!(
            "    println!(\"{kind} {{}}\", match poll({call}) {{ Some(Err(sailpoint_runtime::Error::InvalidRequest(_))) => \"refused\", _ => \"sent\" }});\n",
        ));
    }
    // A moved operation: against a server that serves the new route only,
    // the old client's call fails and the new one's succeeds.
    calls.push_str(&format!(
        r#"    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{{}}", server.local_addr().unwrap().port());
    std::thread::spawn(move || {{
        for stream in server.incoming() {{
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let n = std::io::Read::read(&mut stream, &mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).into_owned();
            let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
            let status = if path.starts_with("/new-place") {{ "204 No Content" }} else {{ "404 Not Found" }};
            let _ = std::io::Write::write_all(&mut stream, format!("HTTP/1.1 {{status}}
content-length: 0
connection: close

").as_bytes());
        }}
    }});
    let parts = sailpoint_runtime::ClientBuilder::new().base_url(base.as_str()).access_token("t").build_parts("", "rules", &{old}::QUIRKS).unwrap();
    let before = {old}::Client::new_with_client(&parts.api_base, parts.http, parts.runtime);
    let parts = sailpoint_runtime::ClientBuilder::new().base_url(base.as_str()).access_token("t").build_parts("", "rules", &{new}::QUIRKS).unwrap();
    let after = {new}::Client::new_with_client(&parts.api_base, parts.http, parts.runtime);
    let old_call = rt.block_on(before.get_moved().send()).is_ok();
    let new_call = rt.block_on(after.get_moved().send()).is_ok();
    println!("operation-moved old {{}} new {{}}", if old_call {{ "works" }} else {{ "fails" }}, if new_call {{ "works" }} else {{ "fails" }});
"#,
        old = module("old"),
        new = module("new")
    ));
    calls.push_str("}\n");
    std::fs::write(bin.join("calls_new.rs"), calls).unwrap();

    let target = xtask::probe::probe_target_dir(&xtask::workspace_root());
    let check = Command::new(env!("CARGO"))
        .args([
            "check",
            "--bins",
            "--keep-going",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(probe.crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let errors = String::from_utf8_lossy(&check.stderr).into_owned();
    assert!(
        !errors.contains("src/bin/uses_old.rs")
            && !errors.contains("decode_old.rs")
            && !errors.contains("calls_new.rs"),
        "code written against the old client must compile:\n{errors}"
    );
    for (kind, _) in COMPILE_PROOFS {
        let file = format!("src/bin/new_{}.rs", kind.replace('-', "_"));
        assert!(
            errors.lines().any(|l| l.contains(&file) && l.contains("error")),
            "{kind}: the report says code stops compiling, but it compiles against the new client\n{errors}"
        );
    }

    let run = |name: &str, input: &str| -> String {
        let mut child = Command::new(env!("CARGO"))
            .args(["run", "--quiet", "--bin", name, "--manifest-path"])
            .arg(probe.crate_dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let refused = run("calls_new", "");
    let lines: Vec<&str> = refused.lines().collect();
    for (i, (kind, _)) in CALLS_SENT.iter().enumerate() {
        assert_eq!(
            lines[CALL_PROOFS.len() + i],
            format!("{kind} sent"),
            "{kind}: the report says the call still works, but the new client refuses it"
        );
    }
    let compatible = spec_drift::diff(&old, &new)
        .changes
        .into_iter()
        .any(|c| c.kind == Kind::RequestBodyRequired && c.class == Class::Compatible);
    assert!(compatible, "the body with no required field is compatible");
    assert!(
        lines.contains(&"operation-moved old fails new works"),
        "operation-moved: the report says a client built before fails, but:\n{refused}"
    );
    for (kind, _) in CALL_PROOFS {
        assert!(
            lines.contains(&format!("{kind} refused").as_str()),
            "{kind}: the report says the call fails at run time, but the new client sends it:\n{refused}"
        );
    }

    // Each payload against the verdict at its place: breaking at run time
    // if and only if the old client cannot read it.
    // The verdicts for the client as the code generator makes it (its
    // response enums open or not): the old client below is that client.
    let report = spec_drift::diff_with(
        &old,
        &new,
        &Options {
            client: xtask::drift::client_profile(),
            ..Options::default()
        },
    );
    let input: String = payloads()
        .iter()
        .map(|(ty, _, _, p)| format!("{ty} {p}\n"))
        .collect();
    let decoded: Vec<String> = run("decode_old", &input)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(decoded.len(), payloads().len(), "{decoded:?}");
    for ((_, operation, place, payload), result) in payloads().iter().zip(&decoded) {
        let here: Vec<&spec_drift::Change> = report
            .changes
            .iter()
            .filter(|c| {
                let reaches = c.operation.as_deref() == Some(*operation)
                    || c.places
                        .iter()
                        .any(|p| p.starts_with(&format!("{operation}:")));
                reaches && (c.location.contains(place) || c.items.iter().any(|i| i == place))
            })
            .collect();
        assert!(
            !here.is_empty(),
            "{place}: nothing reported\n{}",
            report.to_text(false)
        );
        let breaks = here.iter().any(|c| c.class == Class::BreakingRuntime);
        let fails = result == "err";
        assert_eq!(
            breaks,
            fails,
            "{place}: the report says {}, but the old client {} {payload}",
            if breaks {
                "breaking at run time"
            } else {
                "not breaking at run time"
            },
            if fails { "cannot read" } else { "reads" },
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
