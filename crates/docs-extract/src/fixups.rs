//! Fixes for bugs in the upstream pages, one named function each.
//!
//! In the style of k8s-openapi: every fix to a wrong upstream spec is a
//! documented function that changes the operation only when its bug is
//! present and says what it changed. The extraction report lists every
//! application with the page it touched, and the test
//! `every_fixup_is_still_needed` fails once no input needs a fixup any more,
//! so that dead fixes are removed instead of piling up.

use serde_json::{Map, Value};

/// One named fix for an upstream bug.
#[derive(Debug, Clone, Copy)]
pub struct Fixup {
    /// The fixup's name, as reported and as named in tests.
    pub name: &'static str,
    /// One line on the upstream bug it fixes.
    pub summary: &'static str,
    /// Applies the fix to one operation (the page's `api` object, with
    /// `method` and `path` still present). Returns one line per change made;
    /// empty when the bug was not there.
    pub apply: fn(&mut Map<String, Value>) -> Vec<String>,
}

/// Every fixup, in the order they run.
pub const FIXUPS: &[Fixup] = &[Fixup {
    name: "no_content_response_has_no_body",
    summary: "a 204 or 205 response declares content; such responses have no body",
    apply: no_content_response_has_no_body,
}];

/// A `204 No Content` (or `205 Reset Content`) response cannot carry a body
/// (RFC 9110 §15.3.5), yet SailPoint's pages declare
/// `content: {application/json: {schema: {type: object}}}` on them. A
/// generator believes the spec and parses the empty body as JSON, so the
/// operation could never succeed. The fix removes `content` from such
/// responses.
pub fn no_content_response_has_no_body(op: &mut Map<String, Value>) -> Vec<String> {
    let mut changes = Vec::new();
    let Some(Value::Object(responses)) = op.get_mut("responses") else {
        return changes;
    };
    for code in ["204", "205"] {
        if let Some(Value::Object(response)) = responses.get_mut(code) {
            if let Some(Value::Object(content)) = response.remove("content") {
                let types: Vec<&str> = content.keys().map(String::as_str).collect();
                changes.push(format!(
                    "removed content ({}) from the {code} response",
                    types.join(", ")
                ));
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_content_fixup_removes_body_only_when_present() {
        let mut op = json!({"responses": {
            "204": {"description": "done", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}}
        }})
        .as_object()
        .unwrap()
        .clone();
        let changes = no_content_response_has_no_body(&mut op);
        assert_eq!(
            changes,
            ["removed content (application/json) from the 204 response"]
        );
        assert!(op["responses"]["204"].get("content").is_none());
        assert!(op["responses"]["400"].get("content").is_some());
        assert!(no_content_response_has_no_body(&mut op).is_empty());
    }
}
