//! The on-disk form of a document.

use std::path::Path;

use serde_json::Value;

/// Writes `text` to a temporary file beside `path`, then renames it into
/// place, so that a reader never sees a half-written file.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

/// Pretty JSON with a trailing newline: the on-disk form of a document.
pub fn to_pretty_json(value: &Value) -> String {
    let mut out = serde_json::to_string_pretty(value).expect("a JSON value always serializes");
    out.push('\n');
    out
}
