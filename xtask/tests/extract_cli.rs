//! `cargo xtask extract` on the shared corpora, through the binary.

use std::process::Command;

fn corpus(set: &str) -> String {
    xtask::workspace_root()
        .join("../shared/corpus")
        .join(set)
        .display()
        .to_string()
}

#[test]
fn extracts_a_site_with_a_report_on_stderr() {
    let out = std::env::temp_dir().join(format!("xtask-extract-{}.json", std::process::id()));
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["extract", &corpus("identityiq-2024-03"), "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("read 36 operation page(s) (36 compressed), 15 tag page(s), 1 info page(s); skipped 1 other file(s)"), "{stderr}");
    assert!(
        stderr.contains("36 operation page(s) → 36 operation(s), 0 repaired, 0 quarantined"),
        "{stderr}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(run.stdout.is_empty(), "with -o nothing goes to stdout");
    let _ = std::fs::remove_file(out);
}

#[test]
fn reports_fixups_with_their_pages_and_prints_to_stdout() {
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["extract", &corpus("sailpoint-beta-2022-08")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("→ 365 operation(s)"), "{stderr}");
    assert!(
        stderr.contains("fixup path_parameters_match_template: ")
            && stderr
                .contains("(page `get-source-config`): path parameter `id` renamed to `sourceId`"),
        "{stderr}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|i| i.as_object().unwrap().len())
            .sum::<usize>(),
        365
    );
}

/// Event-trigger pages are webhooks: counted as such, written under
/// `x-webhooks`, and the command succeeds.
#[test]
fn event_pages_are_extracted_as_webhooks() {
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["extract", &corpus("webhook-samples-2026-08")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "3 operation page(s) → 0 operation(s), 3 webhook(s), 0 repaired, 0 quarantined"
        ),
        "{stderr}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(doc["x-webhooks"].as_object().map(|w| w.len()), Some(3));
}

/// `--names-from` borrows another version's component names, exactly and
/// tolerantly, and says how many of each.
#[test]
fn names_are_borrowed_from_another_version() {
    let dir = std::env::temp_dir().join(format!("xtask-names-from-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let earlier = dir.join("nerm-2023-05.json");
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["extract", &corpus("nerm-2023-05"), "-o"])
        .arg(&earlier)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["extract", &corpus("nerm-ids-2023-10"), "--names-from"])
        .arg(&earlier)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("borrowed "))
        .unwrap_or_else(|| panic!("no borrowed line in {stderr}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let [all, exact, tolerant] = numbers[..] else {
        panic!("{line}")
    };
    assert_eq!(all, exact + tolerant, "{line}");
    assert!(tolerant > exact, "{line}");
}

#[test]
fn bad_input_exits_non_zero_with_the_page_named() {
    let dir = std::env::temp_dir().join(format!("xtask-extract-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("broken.api.mdx"),
        "---\nid: broken\napi: {\"method\": \"get\"}\n---\n",
    )
    .unwrap();
    std::fs::write(dir.join("notes.md"), "not a page").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["extract"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("broken.api.mdx (page `broken`)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A site with one page that cannot be kept: the document holds the rest,
/// the report names the page, and the exit code says something was left
/// out unless the user accepts it.
#[test]
fn a_quarantined_page_fails_the_command_unless_accepted() {
    let dir = std::env::temp_dir().join(format!("xtask-extract-q-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = xtask::workspace_root().join("../shared/seed/send-test-notification.api.mdx");
    std::fs::copy(&seed, dir.join("send-test-notification.api.mdx")).unwrap();
    std::fs::write(
        dir.join("broken.api.mdx"),
        "---\nid: broken\napi: {\"method\": \"get\", \"path\": \"/x\"}\n---\n",
    )
    .unwrap();
    let out = dir.join("out.json");
    let run = |accept: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
        cmd.arg("extract").arg(&dir).arg("-o").arg(&out);
        if accept {
            cmd.arg("--accept-quarantined");
        }
        cmd.output().unwrap()
    };
    let strict = run(false);
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert_eq!(strict.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("quarantined: ") && stderr.contains("broken.api.mdx (page `broken`)"),
        "{stderr}"
    );
    assert!(stderr.contains("has no `responses`"), "{stderr}");
    assert!(
        stderr.contains("2 operation page(s) → 1 operation(s), 0 repaired, 1 quarantined"),
        "{stderr}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(doc["paths"]["/send-test-notification"]["post"].is_object());
    assert!(run(true).status.success());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_task_answers_help_with_its_own_usage() {
    for (task, says) in [
        (
            "regen",
            "usage: cargo xtask regen [--upstream PATH|URL]... [--check]",
        ),
        ("diff", "usage: cargo xtask diff OLD NEW"),
        ("extract", "usage: cargo xtask extract PATH|URL..."),
        ("probe", "usage: cargo xtask probe SPEC"),
    ] {
        for flag in ["--help", "-h"] {
            let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
                .args([task, flag])
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&run.stdout);
            assert!(
                run.status.success(),
                "{task} {flag}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
            assert!(stdout.starts_with(says), "{task} {flag}:\n{stdout}");
            assert!(
                stdout.lines().count() > 2,
                "{task} {flag}: the options are shown:\n{stdout}"
            );
            for other in ["regen", "diff", "extract", "probe"]
                .iter()
                .filter(|t| **t != task)
            {
                assert!(
                    !stdout.contains(&format!("cargo xtask {other}")),
                    "{task} {flag}:\n{stdout}"
                );
            }
        }
    }
}

#[test]
fn probes_build_under_the_users_target_dir() {
    use std::path::PathBuf;
    use xtask::probe::probe_target_dir_from;
    let root = PathBuf::from("/work/project");
    assert_eq!(
        probe_target_dir_from(Some("/elsewhere/target".into()), &root),
        PathBuf::from("/elsewhere/target/probe")
    );
    assert_eq!(
        probe_target_dir_from(None, &root),
        root.join("target/probe")
    );
    assert_eq!(
        probe_target_dir_from(Some("".into()), &root),
        root.join("target/probe")
    );
}

/// The probe's crate takes its dependencies from the workspace's client
/// crates (so a version or feature changed there is the probe's too), plus
/// what other sites' clients need.
#[test]
fn probe_dependencies_come_from_the_workspace() {
    let deps = xtask::probe::probe_dependencies(&xtask::workspace_root()).unwrap();
    let reqwest = deps.lines().find(|l| l.starts_with("reqwest = ")).unwrap();
    assert!(
        reqwest.contains("default-features = false") && reqwest.contains("\"rustls-no-provider\""),
        "{reqwest}"
    );
    assert!(
        deps.lines()
            .any(|l| l.starts_with("sailpoint-runtime = { path = ")),
        "{deps}"
    );
    assert!(deps.lines().any(|l| l.starts_with("httpmock = ")), "{deps}");
    let schemars = deps.lines().find(|l| l.starts_with("schemars = ")).unwrap();
    assert!(
        schemars.contains("\"chrono04\"") && schemars.contains("\"uuid1\""),
        "{schemars}"
    );
    assert!(
        !deps.lines().any(|l| l.starts_with("sailpoint =")),
        "the client itself is generated, not a dependency"
    );
}
