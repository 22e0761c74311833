//! What the tests share: the docs corpus at `../shared/corpus` (never
//! copied into the project), and the Python validator the extractor's own
//! check is held to.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use docusaurus_openapi_extract::{extract, read_sources, Extraction, NamesFile};

/// Every set of operation pages under `../shared/corpus` (each Access Risk
/// Management set counts as one).
pub const ALL_SETS: &[&str] = &[
    "isc-v1-2026-08",
    "sailpoint-beta-2022-08",
    "sailpoint-beta-2024-03",
    "sailpoint-v3-2024-03",
    "identityiq-2024-03",
    "nerm-2024-03",
    "nerm-2023-05",
    "nerm-ids-2023-10",
    "arm-2022-08/swagger-agent-management",
    "arm-2022-08/swagger-analysis",
    "arm-2022-08/swagger-arm",
    "arm-2022-08/swagger-arm2",
    "arm-2022-08/swagger-authentication",
    "arm-2022-08/swagger-cloud-agent",
    "arm-2022-08/swagger-jobs",
    "arm-2022-08/swagger-logging",
    "arm-2022-08/swagger-provisioning",
    "arm-2022-08/swagger-public",
    "arm-2022-08/swagger-rulebook",
    "arm-2022-08/swagger-scheduling",
    "arm-2022-08/swagger-utilization-tracking",
    "webhook-samples-2026-08",
];

/// A set of the corpus, by its name in [`ALL_SETS`].
pub fn corpus(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    assert!(
        dir.is_dir(),
        "{} is missing: the tests need SailPoint's docs corpus at ../shared/corpus",
        dir.display()
    );
    dir
}

/// Extracts a set of the corpus; also returns how many files were skipped.
pub fn extract_set(name: &str) -> (Extraction, usize) {
    extract_set_named(name, &NamesFile::default())
}

/// [`extract_set`] with names.
pub fn extract_set_named(name: &str, names: &NamesFile) -> (Extraction, usize) {
    let sources = read_sources(&corpus(name)).unwrap();
    let extraction =
        extract(&sources.pages, names).unwrap_or_else(|e| panic!("extracting {name}: {e}"));
    (extraction, sources.skipped.len())
}

/// The errors openapi-spec-validator (PyPI) finds in each document, in
/// order; `None` (after saying why) when Python or the package is absent.
pub fn python_validator(documents: &[&serde_json::Value]) -> Option<Vec<Vec<String>>> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "openapi-spec-validator-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<PathBuf> = documents
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let file = dir.join(format!("{i}.json"));
            std::fs::write(&file, serde_json::to_vec(doc).unwrap()).unwrap();
            file
        })
        .collect();
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/python_spec_validator.py");
    let output = std::process::Command::new("python3")
        .arg(&script)
        .args(&files)
        .stdin(std::process::Stdio::null())
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let output = match output {
        Ok(output) => output,
        Err(e) => {
            eprintln!(
                "SKIPPED: python3 cannot be run ({e}); CI installs it with openapi-spec-validator"
            );
            return None;
        }
    };
    if output.status.code() == Some(3) {
        eprintln!(
            "SKIPPED: {}; CI installs it (.ci/run)",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        return None;
    }
    assert!(
        output.status.success(),
        "python_spec_validator.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    Some(
        files
            .iter()
            .map(|file| {
                found[&file.display().to_string()]
                    .as_array()
                    .expect("a list of errors")
                    .iter()
                    .map(|e| e.as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .collect(),
    )
}
