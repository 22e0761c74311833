//! `cargo xtask refresh`: the upstream pages made anew from a spec with the
//! real docs plugin, on scratch workspaces, every spec served from
//! 127.0.0.1 or read from a file. Needs node and npm (the first test to run
//! installs the plugin into the cache, `~/.cache/sailpoint-rs/docs-plugin`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use fake_tenant::{FakeTenant, Reply};
use xtask::refresh::{self, Options};
use xtask::{paths, regen, workspace_root};

/// The small spec the tests start from: four operations of one service in
/// SailPoint's manner (refs to shared schemas and responses, a path-level
/// parameter, an oauth2 scheme).
fn widgets() -> String {
    std::fs::read_to_string(workspace_root().join("xtask/tests/refresh/widgets-v1.yaml"))
        .expect("the test spec")
}

/// The same with one more operation, `POST /widgets/v1/{id}/archive`.
fn widgets_with_archive() -> String {
    let spec = widgets();
    let with = spec.replacen(
        "components:\n",
        "  /widgets/v1/{id}/archive:
    post:
      operationId: archiveWidgetV1
      summary: Archive a widget
      tags:
        - Widgets
      parameters:
        - in: path
          name: id
          required: true
          schema:
            type: string
      responses:
        \"204\":
          description: Archived.
components:\n",
        1,
    );
    assert_ne!(spec, with);
    with
}

/// With an operation the plugin cannot make a page for: its description is
/// a number (valid YAML, and the plugin calls a string method on it).
fn widgets_rejected_by_the_plugin() -> String {
    let spec = widgets();
    let with = spec.replacen(
        "    delete:\n",
        "    patch:
      operationId: renameWidgetV1
      summary: Rename a widget
      description: 42
      tags:
        - Widgets
      responses:
        \"204\":
          description: Renamed.
    delete:\n",
        1,
    );
    assert_ne!(spec, with);
    with
}

/// The plugin, installed once for all the tests of this binary.
fn plugin() -> &'static refresh::Plugin {
    static PLUGIN: OnceLock<refresh::Plugin> = OnceLock::new();
    PLUGIN.get_or_init(|| {
        refresh::prepare_plugin(&refresh::cache_dir())
            .expect("the docs plugin installs (needs node 20.19+, npm and the npm registry)")
    })
}

/// An empty workspace in the temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xtask-refresh-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// A workspace whose upstream was refreshed from `spec` (a file).
    fn refreshed(name: &str, spec: &str) -> Self {
        plugin();
        let scratch = Scratch::new(name);
        let file = scratch.0.join("first.yaml");
        std::fs::write(&file, spec).unwrap();
        refresh::refresh(
            &scratch.0,
            &Options {
                source: Some(file.display().to_string()),
                ..Options::default()
            },
        )
        .expect("the first refresh");
        std::fs::remove_file(file).unwrap();
        scratch
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.0.join(relative)).unwrap()
    }

    /// Every file under the workspace, with its bytes.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, root, out);
                } else {
                    let bytes = std::fs::read(&path).unwrap();
                    out.insert(path.strip_prefix(root).unwrap().to_owned(), bytes);
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.0, &self.0, &mut out);
        out
    }

    /// Asserts that the workspace holds what `before` holds, naming the
    /// files that differ.
    fn assert_unchanged(&self, before: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
        let after = self.snapshot();
        let differ: Vec<&PathBuf> = before
            .keys()
            .chain(after.keys())
            .filter(|path| before.get(*path) != after.get(*path))
            .collect();
        assert!(
            differ.is_empty(),
            "{what} changed the workspace: {differ:?}"
        );
    }

    /// Folders a refresh works in, left behind.
    fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.0.join("spec"))
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A server on 127.0.0.1 that serves `specs` at `/specs/NAME`.
async fn serve(specs: &[(&str, String)]) -> FakeTenant {
    let server = FakeTenant::start().await;
    for (name, text) in specs {
        server.serve(
            &format!("/specs/{name}"),
            Reply::status(200)
                .header("content-type", "application/octet-stream")
                .body(text.clone()),
        );
    }
    server
}

fn refresh_in(root: &Path, source: String, check: bool) -> anyhow::Result<refresh::Refreshed> {
    refresh::refresh(
        root,
        &Options {
            source: Some(source),
            check,
            ..Options::default()
        },
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_that_adds_an_operation_shows_it_in_the_drift_report_and_the_client() {
    let scratch = Scratch::refreshed("adds", &widgets());
    assert!(scratch.read(paths::CLIENT).contains("fn get_widget"));
    assert!(!scratch.read(paths::CLIENT).contains("fn archive_widget"));

    // The new spec is fetched the way GitHub serves `latest`: a redirect to
    // the release's own asset, which PROVENANCE.md records.
    let server = serve(&[("v2/widgets.yaml", widgets_with_archive())]).await;
    server.serve(
        "/specs/latest/widgets.yaml",
        Reply::status(302).header("location", "/specs/v2/widgets.yaml"),
    );
    let url = format!("{}/specs/latest/widgets.yaml", server.base_url());
    let root = scratch.0.clone();
    let refreshed = tokio::task::spawn_blocking(move || refresh_in(&root, url, false))
        .await
        .unwrap()
        .expect("the refresh");

    assert!(refreshed.written);
    assert_eq!(refreshed.pages.added, ["archive-widget-v-1.api.mdx"]);
    assert!(refreshed.pages.removed.is_empty() && refreshed.pages.changed.is_empty());
    // The drift report says it, as text and as Markdown.
    let added: Vec<_> = refreshed
        .regen
        .drift
        .changes
        .iter()
        .filter(|c| c.kind == spec_drift::Kind::OperationAdded)
        .collect();
    assert_eq!(added.len(), 1, "{}", refreshed.regen.drift.to_text(false));
    // Added operations are one entry, each named by route and method.
    assert_eq!(
        added[0].items,
        ["`POST /widgets/v1/{id}/archive` (`archive_widget`)"],
        "{}",
        refreshed.regen.drift.to_text(false)
    );
    assert!(!refreshed.regen.drift.has_breaking());
    let text = refreshed.to_text(false);
    assert!(
        text.contains("`POST /widgets/v1/{id}/archive` (`archive_widget`)"),
        "{text}"
    );
    let markdown = refreshed.to_markdown();
    assert!(
        markdown.contains("archive_widget") && markdown.contains("compatible"),
        "{markdown}"
    );
    assert!(
        markdown.contains("`archive-widget-v-1.api.mdx`"),
        "{markdown}"
    );

    // The client has the method, and the committed files match the new
    // upstream (what `regen --check` in CI will see).
    assert!(scratch.read(paths::CLIENT).contains("fn archive_widget"));
    assert!(scratch.read(paths::SPEC).contains("\"archiveWidgetV1\""));
    assert!(scratch
        .0
        .join("spec/upstream/archive-widget-v-1.api.mdx")
        .is_file());
    let fresh = regen(&scratch.0, &[], true).unwrap();
    assert!(!fresh.stale(), "{}", fresh.diff);

    let provenance = scratch.read("spec/upstream/PROVENANCE.md");
    assert!(provenance.contains(&refreshed.spec.sha256), "{provenance}");
    assert!(
        provenance.contains("/specs/latest/widgets.yaml"),
        "{provenance}"
    );
    assert!(
        provenance.contains("/specs/v2/widgets.yaml"),
        "{provenance}"
    );
    assert!(provenance.contains("docusaurus-plugin-openapi-docs 5.1.2"));
    assert!(
        provenance.contains("5 operations in 1 services"),
        "{provenance}"
    );
    assert!(scratch.leftovers().is_empty(), "{:?}", scratch.leftovers());

    // The same spec again: no page changes, nothing is written (not even
    // PROVENANCE.md's date), no drift.
    let before = scratch.snapshot();
    let url = format!("{}/specs/v2/widgets.yaml", server.base_url());
    let root = scratch.0.clone();
    let again = tokio::task::spawn_blocking(move || refresh_in(&root, url, false))
        .await
        .unwrap()
        .unwrap();
    assert!(!again.written && !again.changed());
    assert!(again.regen.drift.is_empty());
    scratch.assert_unchanged(&before, "the same spec again");
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reports_the_change_and_writes_nothing() {
    let scratch = Scratch::refreshed("check", &widgets());
    let before = scratch.snapshot();
    let server = serve(&[("widgets.yaml", widgets_with_archive())]).await;
    let url = format!("{}/specs/widgets.yaml", server.base_url());
    let root = scratch.0.clone();
    let refreshed = tokio::task::spawn_blocking(move || refresh_in(&root, url, true))
        .await
        .unwrap()
        .unwrap();
    assert!(!refreshed.written && refreshed.changed());
    assert!(refreshed.to_text(false).contains("archive_widget"));
    scratch.assert_unchanged(&before, "--check");
    assert!(scratch.leftovers().is_empty(), "{:?}", scratch.leftovers());

    // The command: exit 1 (the upstream changed), the report on stdout,
    // and still nothing written.
    let url = format!("{}/specs/widgets.yaml", server.base_url());
    let root = scratch.0.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["refresh", &url, "--check", "--root"])
            .arg(&root)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("archive_widget"), "{stdout}");
    assert!(stderr.contains("the upstream changed"), "{stderr}");
    scratch.assert_unchanged(&before, "--check");
}

#[test]
fn a_spec_the_plugin_rejects_leaves_the_upstream_untouched() {
    let scratch = Scratch::refreshed("rejected", &widgets());
    let before = scratch.snapshot();
    let cases = [
        (
            "description.yaml",
            widgets_rejected_by_the_plugin(),
            // The operation, and the plugin's own message.
            vec![
                "PATCH /widgets/v1/{id} (renameWidgetV1)",
                "is not a function",
            ],
        ),
        (
            "same-page.yaml",
            // Two operations the plugin gives one page: it writes one.
            widgets().replace("operationId: getWidgetV1", "operationId: listWidgetsV1"),
            vec![
                "GET /widgets/v1/{id} (listWidgetsV1)",
                "GET /widgets/v1 has the same page id",
            ],
        ),
        (
            "missing-ref.yaml",
            // The plugin logs the error and makes no page at all.
            widgets().replacen(
                "$ref: \"#/components/schemas/Widget\"",
                "$ref: \"#/components/schemas/Gadget\"",
                1,
            ),
            vec![
                "made pages for 0 of the 4 operations",
                "GET /widgets/v1 (listWidgetsV1)",
                "Missing $ref pointer \"#/components/schemas/Gadget\"",
            ],
        ),
    ];
    for (name, spec, expected) in cases {
        let file =
            std::env::temp_dir().join(format!("xtask-refresh-{}-{name}", std::process::id()));
        std::fs::write(&file, spec).unwrap();
        let err = refresh_in(&scratch.0, file.display().to_string(), false).expect_err(name);
        let message = format!("{err:#}");
        for part in expected {
            assert!(
                message.contains(part),
                "{name}: `{part}` not in:\n{message}"
            );
        }
        // The spec is named as given, not as the copy the plugin read.
        assert!(message.contains(&file.display().to_string()), "{message}");
        assert!(!message.contains("sailpoint-refresh-"), "{message}");
        scratch.assert_unchanged(&before, name);
        assert!(scratch.leftovers().is_empty(), "{:?}", scratch.leftovers());
        std::fs::remove_file(file).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn urls_that_fail_and_files_that_are_not_openapi_are_named() {
    let scratch = Scratch::new("not-openapi");
    std::fs::create_dir_all(scratch.0.join("spec/upstream")).unwrap();
    std::fs::write(scratch.0.join("spec/upstream/keep.api.mdx"), "kept").unwrap();
    let before = scratch.snapshot();

    let server = serve(&[
        (
            "swagger.yaml",
            "swagger: \"2.0\"\ninfo: {title: T, version: v}\npaths: {}\n".into(),
        ),
        (
            "page.html",
            "<!DOCTYPE html><html><body>Not Found</body></html>".into(),
        ),
    ])
    .await;
    server.serve("/specs/gone.yaml", Reply::status(404).body("Not Found"));
    // A port nothing listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = server.base_url();
    let dir = scratch.0.join("inputs");
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    };
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            format!("http://127.0.0.1:{closed}/spec.yaml"),
            vec!["did not answer"],
        ),
        (
            format!("{base}/specs/gone.yaml"),
            vec!["404", "no such file"],
        ),
        (format!("{base}/specs/page.html"), vec!["HTML"]),
        (
            format!("{base}/specs/swagger.yaml"),
            vec!["Swagger `\"2.0\"`", "convert it to OpenAPI 3"],
        ),
        (
            file("list.yaml", b"- a\n- b\n"),
            vec!["is a list, not a mapping"],
        ),
        (
            file("config.yaml", b"name: x\nversion: 2\n"),
            vec!["no `openapi` field", "name, version"],
        ),
        (
            file("bad.yaml", b"openapi: 3.0.1\ninfo: [unclosed\n"),
            vec!["not YAML or JSON"],
        ),
        (
            file("binary.bin", &[0xff, 0xfe, 0x00, 0x9f]),
            vec!["not UTF-8"],
        ),
        (file("empty.yaml", b""), vec!["empty"]),
        (
            file(
                "no-ops.yaml",
                b"openapi: 3.0.1\ninfo: {title: T, version: v}\npaths: {}\n",
            ),
            vec!["holds no operation"],
        ),
        (
            file("v4.yaml", b"openapi: 4.0.0\ninfo: {title: T}\npaths: {}\n"),
            vec!["`openapi` is `\"4.0.0\"`"],
        ),
        (
            dir.join("missing.yaml").display().to_string(),
            vec!["reading the spec"],
        ),
    ];
    let root = scratch.0.clone();
    let results = tokio::task::spawn_blocking(move || {
        cases
            .into_iter()
            .map(|(source, expected)| {
                let result = refresh_in(&root, source.clone(), false);
                (source, expected, result.map(|_| ()))
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    for (source, expected, result) in results {
        let message = format!("{:#}", result.expect_err(&source));
        assert!(
            message.contains(&source),
            "the source is not named: {message}"
        );
        for part in expected {
            assert!(
                message.contains(part),
                "{source}: `{part}` not in: {message}"
            );
        }
    }
    scratch.assert_unchanged(&before, "a failed read");
}

#[test]
fn no_node_is_an_actionable_error() {
    let scratch = Scratch::new("no-node");
    let spec = scratch.0.join("widgets.yaml");
    std::fs::write(&spec, widgets()).unwrap();
    let before = scratch.snapshot();
    let empty = scratch.0.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("refresh")
        .arg(&spec)
        .arg("--root")
        .arg(&scratch.0)
        .env("PATH", &empty)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`node` was not found on PATH"), "{stderr}");
    assert!(stderr.contains("apt-get install nodejs npm"), "{stderr}");
    std::fs::remove_dir(&empty).unwrap();
    scratch.assert_unchanged(&before, "a refresh without node");
    assert!(!scratch.0.join("spec").exists(), "no folder is made either");
}

/// The pages the command makes from the spec of the `isc-v1-2026-08` site
/// are the pages of that site, and extract to the same document.
#[test]
fn pages_from_the_v1_spec_are_sailpoints_pages() {
    let shared = workspace_root().join("../shared");
    let spec = refresh::read_spec(
        &shared
            .join("specs/isc-v1-2026-08.yaml")
            .display()
            .to_string(),
    )
    .unwrap();
    assert_eq!(spec.operations.len(), 917);
    let made = Scratch::new("v1-pages");
    let (_, counts) = refresh::pages_from_spec(&spec, plugin(), &made.0).unwrap();
    assert_eq!(
        counts,
        refresh::PageCounts {
            operations: 917,
            tags: 112,
            info: 1
        }
    );
    let corpus = shared.join("corpus/isc-v1-2026-08");
    let differ = refresh::compare_pages(&corpus, &made.0).unwrap();
    assert!(differ.is_empty(), "{differ:?}");

    let names = xtask::load_names(&workspace_root()).unwrap();
    let extract = |dir: &Path| {
        let pages = docusaurus_openapi_extract::read_sources(dir).unwrap().pages;
        docusaurus_openapi_extract::extract(&pages, &names).unwrap()
    };
    let (theirs, ours) = (extract(&corpus), extract(&made.0));
    assert!(theirs.report.quarantined.is_empty() && ours.report.quarantined.is_empty());
    assert!(
        theirs.document == ours.document,
        "{}",
        spec_drift::diff(&theirs.document, &ours.document).to_text(false)
    );
}

mod generated_specs {
    //! The real plugin as an oracle: whatever operations a spec holds, the
    //! pages the command makes extract to those operations.

    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Op {
        service: &'static str,
        by_id: bool,
        method: &'static str,
        verb: &'static str,
        query: Vec<&'static str>,
    }

    fn op() -> impl Strategy<Value = Op> {
        (
            prop::sample::select(vec!["widgets", "gadget-types", "sod-policies", "x"]),
            any::<bool>(),
            prop::sample::select(vec!["get", "post", "put", "patch", "delete"]),
            prop::sample::select(vec!["list", "make", "fix", "drop", "approve"]),
            prop::sample::subsequence(vec!["limit", "offset", "filters", "sorters", "count"], 0..3),
        )
            .prop_map(|(service, by_id, method, verb, query)| Op {
                service,
                by_id,
                method,
                verb,
                query,
            })
    }

    /// An operation as the extracted document must hold it: method, path,
    /// operationId, parameter names (sorted).
    type Expected = (String, String, String, Vec<String>);

    fn spec_of(ops: &[Op]) -> (String, Vec<Expected>) {
        let mut paths: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut expected = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            let path = if op.by_id {
                format!("/{}/v1/{{id}}", op.service)
            } else {
                format!("/{}/v1", op.service)
            };
            let methods = paths.entry(path.clone()).or_default();
            if methods
                .iter()
                .any(|m| m.starts_with(&format!("    {}:", op.method)))
            {
                continue;
            }
            let id = format!("{}Thing{i}V1", op.verb);
            let mut params = String::new();
            let mut names = Vec::new();
            if op.by_id {
                params.push_str(
                    "        - {in: path, name: id, required: true, schema: {type: string}}\n",
                );
                names.push("id".to_owned());
            }
            for q in &op.query {
                params.push_str(&format!(
                    "        - {{in: query, name: {q}, schema: {{type: string}}}}\n"
                ));
                names.push((*q).to_owned());
            }
            methods.push(format!(
                "    {}:\n      operationId: {id}\n      summary: {} thing {i}\n      tags: [Things]\n{}      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, properties: {{n: {{type: integer}}}}}}\n",
                op.method,
                op.verb,
                if params.is_empty() { String::new() } else { format!("      parameters:\n{params}") },
            ));
            names.sort();
            expected.push((op.method.to_owned(), path, id, names));
        }
        let mut text = String::from(
            "openapi: 3.0.1\ninfo: {title: Things API, version: v1}\ntags: [{name: Things, description: Things.}]\npaths:\n",
        );
        for (path, methods) in paths {
            text.push_str(&format!("  {path}:\n"));
            for m in methods {
                text.push_str(&m);
            }
        }
        expected.sort();
        (text, expected)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

        #[test]
        fn every_operation_of_a_spec_reaches_the_extracted_document(ops in prop::collection::vec(op(), 1..5)) {
            let (text, expected) = spec_of(&ops);
            let spec = refresh::parse_spec("generated.yaml", text.as_bytes()).unwrap();
            prop_assert_eq!(spec.operations.len(), expected.len());
            let made = Scratch::new("generated");
            refresh::pages_from_spec(&spec, plugin(), &made.0).unwrap();
            let pages = docusaurus_openapi_extract::read_sources(&made.0).unwrap().pages;
            let extraction = docusaurus_openapi_extract::extract(&pages, &Default::default()).unwrap();
            prop_assert!(extraction.report.quarantined.is_empty());
            let mut found = Vec::new();
            for (path, item) in extraction.document["paths"].as_object().unwrap() {
                for (method, op) in item.as_object().unwrap() {
                    let mut names: Vec<String> = op["parameters"]
                        .as_array()
                        .map(|ps| ps.iter().filter_map(|p| p["name"].as_str().map(str::to_owned)).collect())
                        .unwrap_or_default();
                    names.sort();
                    found.push((method.clone(), path.clone(), op["operationId"].as_str().unwrap_or("").to_owned(), names));
                }
            }
            found.sort();
            prop_assert_eq!(found, expected);
        }

        #[test]
        fn any_bytes_give_a_spec_or_an_error_naming_the_source(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            if let Err(e) = refresh::parse_spec("input.yaml", &bytes) {
                prop_assert!(format!("{e:#}").starts_with("input.yaml "), "{e:#}");
            }
        }

        #[test]
        fn a_spec_lists_exactly_its_operations(ops in prop::collection::vec(op(), 1..8)) {
            let (text, expected) = spec_of(&ops);
            // As YAML and as JSON (the JSON form of the same document).
            let yaml: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
            for bytes in [text.clone().into_bytes(), serde_json::to_vec(&yaml).unwrap()] {
                let spec = refresh::parse_spec("s", &bytes).unwrap();
                let mut listed: Vec<(String, String, String)> = spec
                    .operations
                    .iter()
                    .map(|o| (o.method.clone(), o.path.clone(), o.operation_id.clone().unwrap_or_default()))
                    .collect();
                listed.sort();
                let want: Vec<(String, String, String)> =
                    expected.iter().map(|(m, p, i, _)| (m.clone(), p.clone(), i.clone())).collect();
                prop_assert_eq!(listed, want);
            }
        }
    }
}

/// The nightly workflow: parsed, and its refresh step run as GitHub would
/// run it (its `run` line, in a checkout) against specs served from
/// 127.0.0.1, with the xtask this test was built with.
#[test]
fn the_nightly_workflow_runs_its_script_against_a_local_spec() {
    let workflow_path = workspace_root().join(".github/workflows/upstream-drift.yml");
    let workflow: serde_json::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(&workflow_path).unwrap()).unwrap();
    // Nightly, and by hand.
    let cron = workflow["on"]["schedule"][0]["cron"]
        .as_str()
        .expect("a schedule");
    assert_eq!(cron.split_whitespace().count(), 5, "{cron}");
    assert!(workflow["on"].get("workflow_dispatch").is_some());
    let steps = workflow["jobs"]["refresh"]["steps"]
        .as_array()
        .expect("the refresh job's steps");
    let step = |id: &str| {
        steps
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("no step {id}"))
    };
    let drift = step("drift");
    let run = drift["run"].as_str().unwrap().to_owned();
    assert!(run.contains("scripts/upstream-drift.sh"), "{run}");
    assert_eq!(
        drift["continue-on-error"], true,
        "the pull request is opened on breaking changes too"
    );
    // The pull request's body is the report the script writes.
    let body = run.split_whitespace().last().unwrap().to_owned();
    let pr = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("peter-evans/create-pull-request"))
        })
        .expect("a pull request step");
    assert_eq!(pr["with"]["body-path"].as_str(), Some(body.as_str()));
    assert_eq!(
        pr["if"].as_str(),
        Some("steps.drift.outputs.changed == 'true'")
    );
    assert!(steps
        .iter()
        .any(|s| s["if"] == "steps.drift.outcome == 'failure'"
            && s["run"].as_str().is_some_and(|r| r.contains("exit 1"))));
    // The plugin's cache is the folder the command installs it in, keyed
    // on the pinned files.
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache"))
        })
        .expect("a cache step");
    assert_eq!(cache["with"]["path"], "~/.cache/sailpoint-rs/docs-plugin");
    let key = cache["with"]["key"].as_str().unwrap();
    assert!(
        key.contains("xtask/docs-plugin/package-lock.json")
            && key.contains("xtask/docs-plugin/package.json")
    );

    // A checkout: the script, and an upstream refreshed from the first spec.
    let scratch = Scratch::refreshed("workflow", &widgets());
    std::fs::create_dir_all(scratch.0.join("scripts")).unwrap();
    std::fs::copy(
        workspace_root().join("scripts/upstream-drift.sh"),
        scratch.0.join("scripts/upstream-drift.sh"),
    )
    .unwrap();
    let removed = widgets_with_archive().replace(
        "    delete:
      operationId: deleteWidgetV1
      summary: Delete a widget
      tags:
        - Widgets
      responses:
        \"204\":
          description: Deleted.
        \"400\":
          $ref: \"#/components/responses/400\"
",
        "",
    );
    assert!(!removed.contains("deleteWidgetV1"));
    // The server runs on a runtime of its own while the steps run here.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(serve(&[
        ("added.yaml", widgets_with_archive()),
        ("removed.yaml", removed),
    ]));
    assert!(drift["env"].get("UPSTREAM_SPEC").is_some(), "{drift}");
    let outputs_file = scratch.0.join("github-output");
    let run_step = |spec: &str| {
        let outputs = &outputs_file;
        let _ = std::fs::remove_file(outputs);
        let output = Command::new("bash")
            .arg("-c")
            .arg(&run)
            .current_dir(&scratch.0)
            .env(
                "UPSTREAM_SPEC",
                format!("{}/specs/{spec}", server.base_url()),
            )
            .env("XTASK", env!("CARGO_BIN_EXE_xtask"))
            .env("GITHUB_OUTPUT", outputs)
            .output()
            .unwrap();
        let outputs = std::fs::read_to_string(outputs).unwrap_or_default();
        let body = std::fs::read_to_string(scratch.0.join(&body)).unwrap_or_default();
        (output, outputs, body)
    };

    // An operation added: compatible; the tree changes, the run passes.
    let (output, outputs, markdown) = run_step("added.yaml");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        outputs.contains("changed=true") && outputs.contains("breaking=false"),
        "{outputs}"
    );
    assert!(
        markdown.starts_with("## Upstream refresh: 0 breaking, 1 compatible"),
        "{markdown}"
    );
    assert!(markdown.contains("archive_widget"), "{markdown}");
    assert!(scratch.read(paths::CLIENT).contains("fn archive_widget"));

    // An operation removed: breaking; the tree is refreshed for the pull
    // request, and the step fails.
    let (output, outputs, markdown) = run_step("removed.yaml");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        outputs.contains("changed=true") && outputs.contains("breaking=true"),
        "{outputs}"
    );
    assert!(markdown.contains("1 breaking"), "{markdown}");
    assert!(markdown.contains("deleteWidgetV1"), "{markdown}");
    assert!(!scratch.read(paths::CLIENT).contains("fn delete_widget"));

    // The same spec the next night: nothing changes, the run passes.
    let (output, outputs, markdown) = run_step("removed.yaml");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        outputs.contains("changed=false") && outputs.contains("breaking=false"),
        "{outputs}"
    );
    assert!(markdown.contains("no API change"), "{markdown}");

    // A spec that fails: exit 2, nothing written (but the report and the
    // step outputs, which the script removes or leaves unwritten).
    let _ = std::fs::remove_file(scratch.0.join(&body));
    let _ = std::fs::remove_file(&outputs_file);
    server.serve("/specs/nowhere.yaml", Reply::status(404).body("Not Found"));
    let before = scratch.snapshot();
    let (output, outputs, _) = run_step("nowhere.yaml");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("404") && stderr.contains("nothing was written"),
        "{stderr}"
    );
    assert!(outputs.is_empty(), "{outputs}");
    scratch.assert_unchanged(&before, "a failed refresh");
}

/// An install the plugin cannot be loaded from (a cache folder emptied by
/// hand, a half-deleted one) is named, with what to do.
#[test]
fn a_broken_plugin_install_is_named() {
    let broken = Scratch::new("broken-install");
    let plugin = refresh::Plugin {
        dir: broken.0.clone(),
        installed_now: false,
        install_time: std::time::Duration::ZERO,
    };
    let spec = refresh::parse_spec("widgets-v1.yaml", widgets().as_bytes()).unwrap();
    let dest = Scratch::new("broken-install-pages");
    let err = refresh::pages_from_spec(&spec, &plugin, &dest.0).unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("could not be loaded from"), "{message}");
    assert!(
        message.contains(&broken.0.display().to_string()),
        "{message}"
    );
    assert!(message.contains("delete that folder"), "{message}");
    assert_eq!(
        std::fs::read_dir(&dest.0).unwrap().count(),
        0,
        "no page kept"
    );
}
