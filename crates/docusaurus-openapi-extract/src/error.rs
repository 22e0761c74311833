//! Errors of the extractor. Each names the source (file or URL), the page
//! where one is known, and what is wrong.

use std::fmt;

/// Where a problem was found: the file or URL, and the page id when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file path or URL the page was read from.
    pub source: String,
    /// The page's `id:` from its frontmatter, when it could be read.
    pub page: Option<String>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.page {
            Some(page) => write!(f, "{} (page `{page}`)", self.source),
            None => write!(f, "{}", self.source),
        }
    }
}

/// What went wrong while reading a page or assembling the document.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The page does not start with a `---` YAML frontmatter block.
    #[error("{origin}: no YAML frontmatter: the page must start with a `---` line and close it with another")]
    NoFrontmatter {
        /// Where.
        origin: Origin,
    },
    /// The frontmatter is not valid YAML.
    #[error("{origin}: frontmatter is not valid YAML: {message}")]
    BadYaml {
        /// Where.
        origin: Origin,
        /// The YAML parser's message.
        message: String,
    },
    /// An operation page without an `api:` key.
    #[error("{origin}: frontmatter has no `api:` key, so this is not an operation page")]
    NoApi {
        /// Where.
        origin: Origin,
    },
    /// `api:` is a string but not valid base64.
    #[error("{origin}: `api:` is a string but not valid base64: {message}")]
    BadBase64 {
        /// Where.
        origin: Origin,
        /// The decoder's message.
        message: String,
    },
    /// `api:` decodes from base64 but is not a zlib stream.
    #[error("{origin}: `api:` is base64 but not valid zlib-deflated data: {message}")]
    BadZlib {
        /// Where.
        origin: Origin,
        /// The inflater's message.
        message: String,
    },
    /// `api:` is not valid JSON.
    #[error("{origin}: `api:` is not valid JSON: {message}")]
    BadJson {
        /// Where.
        origin: Origin,
        /// The JSON parser's message.
        message: String,
    },
    /// The `api` object lacks something an operation must have, or has it in the wrong shape.
    #[error("{origin}: `api` {message}")]
    BadApi {
        /// Where.
        origin: Origin,
        /// What is missing or wrong.
        message: String,
    },
    /// The names file is malformed or contradicts itself.
    #[error("names file {source_name}: {message}")]
    Names {
        /// The names file.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// Every operation page was quarantined: nothing is left to make a document of.
    #[error("no operation could be kept; every operation page was quarantined:\n  - {}", .0.join("\n  - "))]
    NothingKept(Vec<String>),
    /// A file or folder could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The assembled document is not a valid OpenAPI 3.0 document.
    #[error("the assembled document is invalid:\n  - {}", .0.join("\n  - "))]
    Invalid(Vec<String>),
}

impl Error {
    /// The page the error is about, when it is about one.
    pub fn origin(&self) -> Option<&Origin> {
        match self {
            Error::NoFrontmatter { origin }
            | Error::BadYaml { origin, .. }
            | Error::NoApi { origin }
            | Error::BadBase64 { origin, .. }
            | Error::BadZlib { origin, .. }
            | Error::BadJson { origin, .. }
            | Error::BadApi { origin, .. } => Some(origin),
            Error::Names { .. } | Error::NothingKept(_) | Error::Io { .. } | Error::Invalid(_) => {
                None
            }
        }
    }
}
