//! The error body a generated client decodes: the contract between the code
//! generator, which gives every operation's error responses one type with
//! these fields, and the runtime, which fills them in.
//!
//! The server's own fields are kept as it sent them (when they decode as
//! the documented type). What only the client knows is added under names a
//! server does not use (the runtime removes them from a server's body
//! before adding its own):
//!
//! - [`RAW_BODY`]: the body as received, when it is not the documented JSON
//!   (HTML from a proxy, plain text, JSON of another shape, a body cut at
//!   the cap). The generated code can then decode every error answer, so the
//!   caller always gets its status and headers;
//! - [`BODY_TRUNCATED`]: the body went on past the client's cap;
//! - [`RETRY_SAFE`]: sending the same request again cannot do its work
//!   twice (the server refused it unprocessed, or the method is idempotent).

use serde_json::{json, Map, Value};

/// The body as received, when it is not the documented JSON.
pub const RAW_BODY: &str = "x-sailpoint-raw-body";
/// Whether the body went on past the client's error-body cap.
pub const BODY_TRUNCATED: &str = "x-sailpoint-body-truncated";
/// Whether repeating the request is safe.
pub const RETRY_SAFE: &str = "x-sailpoint-retry-safe";

/// Every field the client adds.
pub const CLIENT_FIELDS: [&str; 3] = [RAW_BODY, BODY_TRUNCATED, RETRY_SAFE];

/// The schemas of the fields the client adds, for an error body's
/// `properties`.
pub fn client_properties() -> Map<String, Value> {
    let mut properties = Map::new();
    properties.insert(
        RAW_BODY.into(),
        json!({
            "type": "string",
            "description": "Added by the client: the body as received (lossy UTF-8, known secrets redacted), when it is not the documented JSON."
        }),
    );
    properties.insert(
        BODY_TRUNCATED.into(),
        json!({
            "type": "boolean",
            "description": "Added by the client: the body went on past the client's error-body cap and was cut there."
        }),
    );
    properties.insert(
        RETRY_SAFE.into(),
        json!({
            "type": "boolean",
            "description": "Added by the client: sending the same request again cannot do its work twice."
        }),
    );
    properties
}
