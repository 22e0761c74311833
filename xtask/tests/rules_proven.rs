//! Every drift rule about decoding is proven, not asserted: a client is
//! generated from a small old spec, built, and made to decode payloads that
//! are valid under the new spec; what the drift report says of each change
//! must be what really happens (compatible: the old client reads the new
//! payload; breaking at run time: it cannot).

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use spec_drift::Class;

fn spec(thing: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "rules", "version": "1"},
        "paths": {"/thing": {"get": {
            "operationId": "getThing",
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}}
        }}},
        "components": {"schemas": {"Thing": thing}}
    })
}

fn old_thing() -> Value {
    json!({
        "type": "object",
        "required": ["req"],
        "properties": {
            "opt": {"type": "string"},
            "req": {"type": "string"},
            "count": {"type": "integer", "format": "int32"},
            "color": {"type": "string", "enum": ["RED", "BLUE"]},
            "mood": {"type": "string", "enum": ["HAPPY", "SAD"],
                     "description": "How it feels. Additional values may be added in the future."},
            "note": {"type": "string", "format": "comma-separated"}
        }
    })
}

/// One rule: how the new spec differs, the drift location it is reported
/// at, and a payload valid under the new spec that exercises it.
struct Rule {
    what: &'static str,
    change: fn(&mut Value),
    location: &'static str,
    payload: Value,
}

fn rules() -> Vec<Rule> {
    vec![
        Rule {
            what: "an optional property becomes nullable",
            change: |t| t["properties"]["opt"]["nullable"] = json!(true),
            location: "properties.opt",
            payload: json!({"req": "x", "opt": null}),
        },
        Rule {
            what: "a required property becomes nullable",
            change: |t| t["properties"]["req"]["nullable"] = json!(true),
            location: "properties.req",
            payload: json!({"req": null}),
        },
        Rule {
            what: "a property is added (unknown properties are ignored)",
            change: |t| t["properties"]["extra"] = json!({"type": "integer"}),
            location: "properties.extra",
            payload: json!({"req": "x", "extra": 1}),
        },
        Rule {
            what: "an int32 loses its format (now any integer)",
            change: |t| {
                t["properties"]["count"]
                    .as_object_mut()
                    .unwrap()
                    .remove("format");
            },
            location: "properties.count",
            payload: json!({"req": "x", "count": 3_000_000_000u64}),
        },
        Rule {
            what: "a closed enum gains a value",
            change: |t| t["properties"]["color"]["enum"] = json!(["RED", "BLUE", "GREEN"]),
            location: "properties.color",
            payload: json!({"req": "x", "color": "GREEN"}),
        },
        Rule {
            what: "an open enum gains a value",
            change: |t| t["properties"]["mood"]["enum"] = json!(["HAPPY", "SAD", "CALM"]),
            location: "properties.mood",
            payload: json!({"req": "x", "mood": "CALM"}),
        },
        Rule {
            what: "a format typify does not map changes",
            change: |t| t["properties"]["note"]["format"] = json!("csv"),
            location: "properties.note",
            payload: json!({"req": "x", "note": "a,b"}),
        },
    ]
}

#[test]
fn drift_verdicts_are_what_an_old_client_really_does() {
    let dir = std::env::temp_dir().join(format!("rules-proven-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = spec(old_thing());
    let spec_path = dir.join("rules_old.json");
    std::fs::write(&spec_path, old.to_string()).unwrap();

    // The verdict of each rule, from the new spec with that one change.
    let mut verdicts = Vec::new();
    for rule in rules() {
        let mut thing = old_thing();
        (rule.change)(&mut thing);
        let report = spec_drift::diff(&old, &spec(thing));
        let classes: Vec<Class> = report
            .changes
            .iter()
            .filter(|c| c.location.contains(rule.location))
            .map(|c| c.class)
            .collect();
        assert!(
            !classes.is_empty(),
            "{}: no change reported: {report:?}",
            rule.what
        );
        let breaks_at_run_time = classes.contains(&Class::BreakingRuntime);
        verdicts.push((rule.what, breaks_at_run_time, rule.payload));
    }

    // The old client, built, decoding each payload.
    let probe = xtask::probe::probe(std::slice::from_ref(&spec_path)).unwrap();
    assert!(probe.compiles, "{}", probe.check_output);
    let bin = probe.crate_dir.join("src/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("decode.rs"),
        "fn main() {\n    for line in std::io::stdin().lines() {\n        let line = line.unwrap();\n        match serde_json::from_str::<probe_rules_old::rules_old::types::Thing>(&line) {\n            Ok(_) => println!(\"ok\"),\n            Err(e) => println!(\"err {e}\"),\n        }\n    }\n}\n",
    )
    .unwrap();
    let mut run = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--bin", "decode", "--manifest-path"])
        .arg(probe.crate_dir.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            xtask::probe::probe_target_dir(&xtask::workspace_root()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = run.stdin.take().unwrap();
        for (_, _, payload) in &verdicts {
            writeln!(stdin, "{payload}").unwrap();
        }
    }
    let out = run.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(decoded.len(), verdicts.len(), "{decoded:?}");
    for ((what, breaks, payload), result) in verdicts.iter().zip(&decoded) {
        let fails = result.starts_with("err");
        assert_eq!(
            *breaks,
            fails,
            "{what}: the report says {}, but the old client {} {payload}",
            if *breaks {
                "breaking at run time"
            } else {
                "not breaking at run time"
            },
            if fails { "cannot read" } else { "reads" },
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
