//! A string that never shows itself, and redaction of secrets from text a
//! server sends back.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A secret (client secret, access token). Its `Debug` and `Display` print
/// `[redacted]`; the value is only reachable through [`Secret::expose`].
/// Cloning shares the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[redacted]";

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    /// The value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of this secret replaced by
    /// [`REDACTED`]: as is, form-urlencoded (as it went out in a token
    /// request) and JSON-escaped (as a server echoing it in JSON writes it).
    /// A server may echo what it was sent; what the client knows is secret
    /// is removed wherever it could be printed.
    pub fn redact_in<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let value = self.expose();
        if value.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = Cow::Borrowed(text);
        for form in self.forms() {
            if out.contains(form.as_ref()) {
                out = Cow::Owned(out.replace(form.as_ref(), REDACTED));
            }
        }
        out
    }

    fn forms(&self) -> impl Iterator<Item = Cow<'_, str>> {
        let value = self.expose();
        let urlencoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let json = serde_json::to_string(value).unwrap_or_default();
        let json = json
            .get(1..json.len().saturating_sub(1))
            .unwrap_or_default()
            .to_owned();
        let mut forms = vec![Cow::Borrowed(value)];
        for other in [urlencoded, json] {
            if !other.is_empty() && other != value {
                forms.push(Cow::Owned(other));
            }
        }
        forms.into_iter()
    }
}

/// Redacts every secret of `secrets` in `text`.
pub(crate) fn redact_all(text: &str, secrets: &[&Secret]) -> String {
    let mut out = Cow::Borrowed(text);
    for secret in secrets {
        if let Cow::Owned(changed) = secret.redact_in(&out) {
            out = Cow::Owned(changed);
        }
    }
    out.into_owned()
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(Arc::from(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_formats_its_value() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?} {s} {s:#?}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn echoed_secrets_are_redacted_in_every_form_they_travel_in() {
        let s = Secret::new("a b/c+\"d\"");
        let echoed = "form: client_secret=a+b%2Fc%2B%22d%22, json: {\"s\":\"a b/c+\\\"d\\\"\"}, raw: a b/c+\"d\"";
        let clean = s.redact_in(echoed);
        assert_eq!(
            clean,
            "form: client_secret=[redacted], json: {\"s\":\"[redacted]\"}, raw: [redacted]"
        );
        assert!(matches!(s.redact_in("nothing here"), Cow::Borrowed(_)));
    }
}
