//! Reading pages from files and folders.

use std::path::Path;

use crate::error::Error;
use crate::page;

/// One input: a page's text and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file path or URL, as shown in messages.
    pub name: String,
    /// The file name (last path segment), which tells tag and info pages apart.
    pub file_name: String,
    /// The page's text.
    pub text: String,
}

/// Pages read from files and folders, and what was skipped.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// The pages, in a stable order (sorted by path within each folder).
    pub pages: Vec<Source>,
    /// Files in the folders that are not plugin pages (`sidebar.js`, ...).
    pub skipped: Vec<String>,
}

/// Reads a page file, or every page in a folder (recursively, sorted by
/// path). Files that are not plugin pages are skipped and listed.
pub fn read_sources(path: &Path) -> Result<Sources, Error> {
    let mut sources = Sources::default();
    read_into(path, true, &mut sources)?;
    Ok(sources)
}

fn read_into(path: &Path, explicit: bool, out: &mut Sources) -> Result<(), Error> {
    let io = |error| Error::Io {
        path: path.display().to_string(),
        error,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        let mut entries = std::fs::read_dir(path)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(io)?;
        entries.sort();
        for entry in entries {
            read_into(&entry, false, out)?;
        }
        return Ok(());
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !explicit && !page::is_page_name(&file_name) {
        out.skipped.push(path.display().to_string());
        return Ok(());
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    out.pages.push(Source {
        name: path.display().to_string(),
        file_name,
        text,
    });
    Ok(())
}
