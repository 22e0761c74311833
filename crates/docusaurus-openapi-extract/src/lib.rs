//! Recovers an OpenAPI 3.0.3 document from the pages that
//! [docusaurus-plugin-openapi-docs](https://github.com/PaloAltoNetworks/docusaurus-openapi-docs)
//! generates.
//!
//! Each operation page carries the operation in its frontmatter key `api`
//! (one-line JSON, or base64 of zlib-deflated JSON), together with the
//! plugin's extras: `method`, `path`, `servers`, `security`,
//! `securitySchemes`, `info`, `jsonRequestBodyExample`, `postman`. This crate
//! decodes the pages ([`page`]), fixes known upstream bugs ([`fixups`]),
//! gives inlined schemas back their component names ([`names`]), assembles
//! one document and validates it ([`validate`]).
//!
//! ```no_run
//! let sources = docusaurus_openapi_extract::read_sources(std::path::Path::new("spec/upstream"))?;
//! let extraction = docusaurus_openapi_extract::extract(&sources.pages, &docusaurus_openapi_extract::NamesFile::default())?;
//! std::fs::write("openapi.json", docusaurus_openapi_extract::to_pretty_json(&extraction.document))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod assemble;
pub mod conform;
pub mod error;
pub mod fixups;
pub mod names;
mod output;
pub mod page;
mod place;
mod quarantine;
mod report;
mod sources;
pub mod validate;
pub mod webhooks;

pub use assemble::{assemble, extract, extract_with_progress};
pub use error::{Error, Origin};
pub use names::NamesFile;
pub use openapi_model::Route;
pub use output::{to_pretty_json, write_atomically};
pub use page::{parse_page, ApiEncoding, Page};
pub use report::{AppliedFixup, Check, Extraction, Quarantined, Report};
pub use sources::{read_sources, Source, Sources};

/// The OpenAPI version of the assembled document.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// The document extension that lists the upstream bugs it was repaired
/// for: `[{"fixup": name, "page": page id}]`, one entry per fixup and page.
pub const FIXUPS_EXTENSION: &str = "x-sailpoint-fixups";

/// Keys of the `api` object that the plugin adds and an OpenAPI operation
/// does not have. They are dropped; `method`, `path`, `servers`,
/// `securitySchemes` and `info` are used to place the operation first, and
/// an extension only `extensions` lists is put back on the operation.
pub const PLUGIN_KEYS: &[&str] = &[
    "method",
    "path",
    "securitySchemes",
    "info",
    "jsonRequestBodyExample",
    "postman",
    "extensions",
];
