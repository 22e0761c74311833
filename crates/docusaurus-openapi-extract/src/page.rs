//! Reading one docs page: its YAML frontmatter and the `api` object in it.
//!
//! docusaurus-plugin-openapi-docs writes every operation page with a
//! frontmatter key `api:`. Plugin 1.x writes it as one line of JSON (which is
//! also a YAML flow mapping); plugin 2.x writes a base64 string of the
//! zlib-deflated JSON. Both decode to the same object.

use std::io::Read;

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::error::{Error, Origin};

/// What kind of page a file is.
#[derive(Debug, Clone, PartialEq)]
pub enum Page {
    /// An operation page: frontmatter with `api:`.
    Operation(OperationPage),
    /// A tag page (`*.tag.mdx`): a tag's name and description.
    Tag(TagPage),
    /// The API's introduction page (`*.info.mdx`).
    Info(InfoPage),
}

/// An operation page, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationPage {
    /// Where it came from.
    pub origin: Origin,
    /// The decoded `api` object: the OpenAPI operation plus the plugin's extras.
    pub api: Map<String, Value>,
    /// How `api` was encoded on the page.
    pub encoding: ApiEncoding,
    /// The page's title (frontmatter `title`, else `sidebar_label`): the
    /// operation's summary, which the plugin leaves out of an event page's
    /// `api`.
    pub title: Option<String>,
}

/// A tag page: the plugin writes one per tag, its body the tag's description.
#[derive(Debug, Clone, PartialEq)]
pub struct TagPage {
    /// Where it came from.
    pub origin: Origin,
    /// The tag's name (frontmatter `title`).
    pub name: String,
    /// The tag's description: the page body, without MDX imports and components.
    pub description: Option<String>,
}

/// The introduction page of an API.
#[derive(Debug, Clone, PartialEq)]
pub struct InfoPage {
    /// Where it came from.
    pub origin: Origin,
    /// The page's `id`.
    pub id: String,
}

/// How the `api` key was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiEncoding {
    /// One-line JSON (plugin 1.x).
    Json,
    /// Base64 of zlib-deflated JSON (plugin 2.x).
    DeflatedBase64,
}

/// The file-name suffixes the plugin gives each kind of page.
const OPERATION_SUFFIX: &str = ".api.mdx";
const TAG_SUFFIX: &str = ".tag.mdx";
const INFO_SUFFIX: &str = ".info.mdx";

/// Whether a file name looks like one of the plugin's pages. Anything else in
/// a docs folder (`sidebar.js`, hand-written markdown) is not a page.
pub fn is_page_name(name: &str) -> bool {
    name.ends_with(OPERATION_SUFFIX) || name.ends_with(TAG_SUFFIX) || name.ends_with(INFO_SUFFIX)
}

/// Splits `text` into its frontmatter (without the `---` fences) and body.
fn split_frontmatter(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// Parses one page. `source` names the file or URL in errors; `name` is the
/// file name, used to tell tag and info pages from operation pages.
pub fn parse_page(source: &str, name: &str, text: &str) -> Result<Page, Error> {
    let mut origin = Origin {
        source: source.to_owned(),
        page: None,
    };
    let (frontmatter, body) = split_frontmatter(text).ok_or_else(|| Error::NoFrontmatter {
        origin: origin.clone(),
    })?;
    // The `api:` line is most of a page (megabytes of JSON on one line); a
    // YAML parser is slow on it. When it is one line of JSON or base64 it is
    // decoded directly, and YAML parses the rest of the frontmatter; anything
    // else goes through YAML whole.
    let (rest, api_line) = take_api_line(frontmatter);
    let yaml: serde_yaml_ng::Mapping =
        serde_yaml_ng::from_str(rest.as_deref().unwrap_or(frontmatter)).map_err(|e| {
            Error::BadYaml {
                origin: origin.clone(),
                message: e.to_string(),
            }
        })?;
    let get_str = |key: &str| {
        yaml.get(key)
            .and_then(serde_yaml_ng::Value::as_str)
            .map(str::to_owned)
    };
    origin.page = get_str("id");
    let title = get_str("title").or_else(|| get_str("sidebar_label"));

    if let Some(line) = api_line {
        let (api, encoding) = decode_api_line(&origin, line)?;
        return Ok(Page::Operation(OperationPage {
            origin,
            api,
            encoding,
            title,
        }));
    }
    match yaml.get("api") {
        Some(api) => {
            let (api, encoding) = decode_api(&origin, api)?;
            Ok(Page::Operation(OperationPage {
                origin,
                api,
                encoding,
                title,
            }))
        }
        None if name.ends_with(TAG_SUFFIX) => {
            let tag_name = get_str("title")
                .or_else(|| get_str("description"))
                .ok_or_else(|| Error::BadApi {
                    origin: origin.clone(),
                    message: "tag page has no `title:` naming its tag".into(),
                })?;
            Ok(Page::Tag(TagPage {
                origin,
                name: tag_name,
                description: markdown_text(body),
            }))
        }
        None if name.ends_with(INFO_SUFFIX) => Ok(Page::Info(InfoPage {
            id: origin.page.clone().unwrap_or_default(),
            origin,
        })),
        None => Err(Error::NoApi { origin }),
    }
}

/// The prose of a page body: MDX imports, JSX lines and code fences dropped.
fn markdown_text(body: &str) -> Option<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || trimmed.starts_with("import ") || trimmed.starts_with('<') {
            continue;
        }
        // Byte for byte: two trailing spaces are a Markdown line break.
        out.push(line.strip_suffix('\r').unwrap_or(line));
    }
    // Only the blank lines around the text go.
    let first = out.iter().position(|l| !l.trim().is_empty())?;
    let last = out.iter().rposition(|l| !l.trim().is_empty())?;
    Some(out[first..=last].join("\n"))
}

/// Splits off a one-line `api: ...` entry whose value is a JSON object or a
/// base64 scalar, returning the frontmatter without it and the value.
fn take_api_line(frontmatter: &str) -> (Option<String>, Option<&str>) {
    let mut offset = 0;
    for line in frontmatter.split_inclusive('\n') {
        if let Some(value) = line.strip_prefix("api:") {
            let value = value.trim();
            let json_object = value.starts_with('{') && value.ends_with('}');
            // A deflated operation is never short; a short scalar is left to
            // YAML (which tells a number from a string).
            let base64 = value.len() >= 16
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
            if json_object || base64 {
                let mut rest = String::with_capacity(frontmatter.len() - line.len());
                rest.push_str(&frontmatter[..offset]);
                rest.push_str(&frontmatter[offset + line.len()..]);
                return (Some(rest), Some(value));
            }
            return (None, None);
        }
        offset += line.len();
    }
    (None, None)
}

/// Decodes a one-line `api` value: JSON, or base64 of deflated JSON.
fn decode_api_line(
    origin: &Origin,
    value: &str,
) -> Result<(Map<String, Value>, ApiEncoding), Error> {
    let (parsed, encoding) = if value.starts_with('{') {
        (serde_json::from_str::<Value>(value), ApiEncoding::Json)
    } else {
        let bytes = inflate_base64(origin, value)?;
        (
            serde_json::from_slice::<Value>(&bytes),
            ApiEncoding::DeflatedBase64,
        )
    };
    match parsed {
        Ok(Value::Object(map)) => Ok((map, encoding)),
        Ok(other) => Err(Error::BadJson {
            origin: origin.clone(),
            message: format!("expected a JSON object, found {}", json_kind(&other)),
        }),
        Err(e) => Err(Error::BadJson {
            origin: origin.clone(),
            message: e.to_string(),
        }),
    }
}

/// Decodes the `api` value in either of its encodings.
fn decode_api(
    origin: &Origin,
    api: &serde_yaml_ng::Value,
) -> Result<(Map<String, Value>, ApiEncoding), Error> {
    let (value, encoding) = match api {
        serde_yaml_ng::Value::String(encoded) => {
            let bytes = inflate_base64(origin, encoded)?;
            let value: Value = serde_json::from_slice(&bytes).map_err(|e| Error::BadJson {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
            (value, ApiEncoding::DeflatedBase64)
        }
        serde_yaml_ng::Value::Mapping(_) => {
            let value = serde_json::to_value(api).map_err(|e| Error::BadJson {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
            (value, ApiEncoding::Json)
        }
        other => {
            return Err(Error::BadJson {
                origin: origin.clone(),
                message: format!(
                    "expected a JSON object or a base64 string, found {}",
                    yaml_kind(other)
                ),
            })
        }
    };
    match value {
        Value::Object(map) => Ok((map, encoding)),
        other => Err(Error::BadJson {
            origin: origin.clone(),
            message: format!("expected a JSON object, found {}", json_kind(&other)),
        }),
    }
}

fn inflate_base64(origin: &Origin, encoded: &str) -> Result<Vec<u8>, Error> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let deflated = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| Error::BadBase64 {
            origin: origin.clone(),
            message: e.to_string(),
        })?;
    let mut inflated = Vec::with_capacity(deflated.len() * 6);
    flate2::read::ZlibDecoder::new(deflated.as_slice())
        .read_to_end(&mut inflated)
        .map_err(|e| Error::BadZlib {
            origin: origin.clone(),
            message: e.to_string(),
        })?;
    Ok(inflated)
}

fn yaml_kind(value: &serde_yaml_ng::Value) -> &'static str {
    match value {
        serde_yaml_ng::Value::Null => "null",
        serde_yaml_ng::Value::Bool(_) => "a boolean",
        serde_yaml_ng::Value::Number(_) => "a number",
        serde_yaml_ng::Value::String(_) => "a string",
        serde_yaml_ng::Value::Sequence(_) => "a list",
        serde_yaml_ng::Value::Mapping(_) => "a mapping",
        serde_yaml_ng::Value::Tagged(_) => "a tagged value",
    }
}

/// A short name for a JSON value's type, for error messages.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter_split_finds_closing_fence() {
        let (fm, body) = split_frontmatter("---\nid: x\n---\nbody\n").unwrap();
        assert_eq!(fm, "id: x\n");
        assert_eq!(body, "body\n");
        assert!(split_frontmatter("id: x\n---\n").is_none());
        assert!(split_frontmatter("---\nid: x\n").is_none());
    }

    #[test]
    fn tag_page_body_keeps_prose_only() {
        let page = parse_page(
            "t.tag.mdx",
            "t.tag.mdx",
            "---\nid: t\ntitle: Things\n---\nimport X from \"y\";\n\nAll about things.\n<X/>\n",
        )
        .unwrap();
        let Page::Tag(tag) = page else {
            panic!("not a tag page")
        };
        assert_eq!(tag.name, "Things");
        assert_eq!(tag.description.as_deref(), Some("All about things."));
    }

    #[test]
    fn a_tag_description_keeps_its_markdown_line_breaks() {
        let text = "---\nid: things\ntitle: Things\n---\n\nFirst line  \nsecond line.\n\n";
        let Page::Tag(tag) = parse_page("t.tag.mdx", "t.tag.mdx", text).unwrap() else {
            panic!("a tag page")
        };
        assert_eq!(
            tag.description.as_deref(),
            Some("First line  \nsecond line.")
        );
    }
}
