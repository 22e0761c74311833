//! Whether a JSON value conforms to an OpenAPI 3.0 Schema Object: the
//! check openapi-spec-validator makes of every `default` (with
//! openapi-schema-validator's OAS 3.0 rules: `nullable`, formats), so that
//! the extractor's validation and the fixups that repair defaults agree
//! with it.
//!
//! Formats are checked as the Python validator checks them, and only those
//! (`date-time`, `date`, `time`, `email`, `ipv4`, `ipv6`, `uuid`, `regex`,
//! `int32`, `int64`, `byte`); any other format is prose and holds any value.

use serde_json::{Map, Value};

/// How deep `$ref`s and subschemas are followed before giving up (a value
/// is finite, but `{"$ref": A}` with `A: {"allOf": [{"$ref": A}]}` is not).
const MAX_DEPTH: usize = 64;

/// Checks `value` against `schema`; `schemas` (the document's component
/// schemas) resolves `$ref`s, and without it a reference holds any value.
/// Returns what does not conform, in words.
pub fn check(
    value: &Value,
    schema: &Value,
    schemas: Option<&Map<String, Value>>,
) -> Result<(), String> {
    Checker { schemas }.check(value, schema, 0)
}

struct Checker<'a> {
    schemas: Option<&'a Map<String, Value>>,
}

impl Checker<'_> {
    fn resolve<'s>(&'s self, reference: &str) -> Option<&'s Value> {
        let name = reference.strip_prefix(openapi_model::SCHEMA_REF_PREFIX)?;
        self.schemas?.get(name)
    }

    fn check(&self, value: &Value, schema: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let Value::Object(s) = schema else {
            return Ok(());
        };
        if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
            return match self.resolve(reference) {
                Some(target) => self.check(value, target, depth + 1),
                None => Ok(()),
            };
        }
        if let Some(kind) = s.get("type").and_then(Value::as_str) {
            if value.is_null() {
                if s.get("nullable") != Some(&Value::Bool(true)) {
                    return Err("null, and the schema is not nullable".into());
                }
            } else if !is_type(value, kind) {
                return Err(format!("{} is not of type {kind}", short(value)));
            }
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            if !values.iter().any(|v| json_eq(v, value)) {
                return Err(format!("{} is not one of the enum's values", short(value)));
            }
        }
        self.combinators(value, s, depth)?;
        match value {
            Value::String(text) => string(text, s)?,
            Value::Number(_) => number(value, s)?,
            Value::Array(items) => self.array(items, s, depth)?,
            Value::Object(object) => self.object(object, s, depth)?,
            _ => {}
        }
        Ok(())
    }

    fn combinators(
        &self,
        value: &Value,
        s: &Map<String, Value>,
        depth: usize,
    ) -> Result<(), String> {
        let has_discriminator = s.get("discriminator").is_some_and(Value::is_object);
        for key in ["allOf", "oneOf", "anyOf"] {
            let Some(Value::Array(members)) = s.get(key) else {
                continue;
            };
            if has_discriminator {
                return self.discriminated(value, s, depth);
            }
            let fits = members
                .iter()
                .filter(|m| self.check(value, m, depth + 1).is_ok())
                .count();
            let ok = match key {
                "allOf" => fits == members.len(),
                "oneOf" => fits == 1,
                _ => fits >= 1,
            };
            if !ok {
                return Err(format!(
                    "{} fits {fits} of the {} `{key}` member(s)",
                    short(value),
                    members.len()
                ));
            }
        }
        if let Some(not) = s.get("not") {
            if self.check(value, not, depth + 1).is_ok() {
                return Err(format!("{} fits the schema under `not`", short(value)));
            }
        }
        Ok(())
    }

    /// openapi-schema-validator's reading of a discriminator beside
    /// `allOf`/`oneOf`/`anyOf`: the value is an object whose discriminating
    /// property names (by the mapping, else as a component name) the
    /// schema it must fit.
    fn discriminated(
        &self,
        value: &Value,
        s: &Map<String, Value>,
        depth: usize,
    ) -> Result<(), String> {
        let discriminator = &s["discriminator"];
        let property = discriminator
            .get("propertyName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Value::Object(object) = value else {
            return Err(format!("{} is not an object", short(value)));
        };
        let tag = match object.get(property) {
            Some(Value::String(tag)) if !tag.is_empty() => tag.clone(),
            _ => {
                return Err(format!(
                    "{} has no discriminating property `{property}`",
                    short(value)
                ))
            }
        };
        let reference = discriminator
            .pointer(&format!(
                "/mapping/{}",
                tag.replace('~', "~0").replace('/', "~1")
            ))
            .cloned()
            .unwrap_or_else(|| Value::String(format!("{}{tag}", openapi_model::SCHEMA_REF_PREFIX)));
        let Some(reference) = reference.as_str() else {
            return Err(format!("the mapping of `{tag}` is not a reference"));
        };
        match self.schemas {
            Some(_) => match self.resolve(reference) {
                Some(target) => self.check(value, target, depth + 1),
                None => Err(format!(
                    "the reference {reference} for `{tag}` does not resolve"
                )),
            },
            None => Ok(()),
        }
    }

    fn array(&self, items: &[Value], s: &Map<String, Value>, depth: usize) -> Result<(), String> {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < min {
                return Err(format!("fewer than {min} item(s)"));
            }
        }
        if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
            if items.len() as u64 > max {
                return Err(format!("more than {max} item(s)"));
            }
        }
        if s.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, a) in items.iter().enumerate() {
                if items[..i].iter().any(|b| json_eq(a, b)) {
                    return Err(format!("{} is listed twice", short(a)));
                }
            }
        }
        if let Some(item_schema) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check(item, item_schema, depth + 1)
                    .map_err(|e| format!("item {i}: {e}"))?;
            }
        }
        Ok(())
    }

    fn object(
        &self,
        object: &Map<String, Value>,
        s: &Map<String, Value>,
        depth: usize,
    ) -> Result<(), String> {
        for name in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = name.as_str() {
                if !object.contains_key(name) {
                    return Err(format!("required property `{name}` is missing"));
                }
            }
        }
        if let Some(min) = s.get("minProperties").and_then(Value::as_u64) {
            if (object.len() as u64) < min {
                return Err(format!("fewer than {min} properties"));
            }
        }
        if let Some(max) = s.get("maxProperties").and_then(Value::as_u64) {
            if object.len() as u64 > max {
                return Err(format!("more than {max} properties"));
            }
        }
        let properties = s.get("properties").and_then(Value::as_object);
        for (key, v) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => self
                    .check(v, property, depth + 1)
                    .map_err(|e| format!("property `{key}`: {e}"))?,
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        return Err(format!("property `{key}` is not allowed"))
                    }
                    Some(extra @ Value::Object(_)) => self
                        .check(v, extra, depth + 1)
                        .map_err(|e| format!("property `{key}`: {e}"))?,
                    _ => {}
                },
            }
        }
        Ok(())
    }
}

fn is_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// JSON equality as the Python validator sees it: `1` and `1.0` are equal,
/// `true` and `1` are not.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn string(text: &str, s: &Map<String, Value>) -> Result<(), String> {
    let length = text.chars().count() as u64;
    if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
        if length < min {
            return Err(format!("`{}` is shorter than {min}", cut(text)));
        }
    }
    if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
        if length > max {
            return Err(format!("`{}` is longer than {max}", cut(text)));
        }
    }
    if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
        if let Ok(regex) = regress::Regex::new(pattern) {
            if regex.find(text).is_none() {
                return Err(format!(
                    "`{}` does not match the pattern `{pattern}`",
                    cut(text)
                ));
            }
        }
    }
    if let Some(format) = s.get("format").and_then(Value::as_str) {
        if !string_format(text, format) {
            return Err(format!("`{}` is not a valid `{format}`", cut(text)));
        }
    }
    Ok(())
}

fn number(value: &Value, s: &Map<String, Value>) -> Result<(), String> {
    let Some(x) = value.as_f64() else {
        return Ok(());
    };
    let flag = |key: &str| s.get(key) == Some(&Value::Bool(true));
    if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
        if x < min || (flag("exclusiveMinimum") && x == min) {
            return Err(format!("{x} is below the minimum {min}"));
        }
    }
    if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
        if x > max || (flag("exclusiveMaximum") && x == max) {
            return Err(format!("{x} is above the maximum {max}"));
        }
    }
    if let Some(step) = s
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|m| *m > 0.0)
    {
        let q = x / step;
        if (q - q.round()).abs() > 1e-9 {
            return Err(format!("{x} is not a multiple of {step}"));
        }
    }
    match s.get("format").and_then(Value::as_str) {
        Some("int32") if value.as_i64().is_some_and(|i| i32::try_from(i).is_err()) => {
            Err(format!("{x} is not an int32"))
        }
        Some("int64") if value.is_u64() && value.as_i64().is_none() => {
            Err(format!("{x} is not an int64"))
        }
        _ => Ok(()),
    }
}

/// The string formats the Python validator checks, as it checks them; any
/// other format holds any string.
fn string_format(text: &str, format: &str) -> bool {
    match format {
        "date-time" => date_time(text),
        "date" => date(text),
        "time" => date_time(&format!("1970-01-01T{text}")),
        "email" => text.contains('@'),
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.parse::<std::net::Ipv6Addr>().is_ok(),
        "uuid" => uuid(text),
        "regex" => regress::Regex::new(text).is_ok(),
        "byte" => base64_strict(text),
        _ => true,
    }
}

/// `YYYY-MM-DD`, a real day.
fn date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        text.get(r)
            .filter(|d| d.bytes().all(|c| c.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    if y == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// RFC 3339 `date-time` (rfc3339-validator's grammar): a date, `T`, a time
/// with optional fraction, and `Z` or an offset.
fn date_time(text: &str) -> bool {
    let Some((day, rest)) = text.split_at_checked(10) else {
        return false;
    };
    if !date(day) {
        return false;
    }
    let mut rest = rest.as_bytes();
    if !matches!(rest.first(), Some(b'T' | b't')) {
        return false;
    }
    rest = &rest[1..];
    let two = |r: &[u8], max: u32| -> bool {
        r.len() >= 2
            && r[..2].iter().all(u8::is_ascii_digit)
            && u32::from(r[0] - b'0') * 10 + u32::from(r[1] - b'0') <= max
    };
    if !(two(rest, 23) && rest.get(2) == Some(&b':') && two(&rest[3..], 59)) {
        return false;
    }
    rest = &rest[5..];
    if !(rest.first() == Some(&b':') && two(&rest[1..], 59)) {
        return false;
    }
    rest = &rest[3..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &rest[1 + n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', offset @ ..] => {
            offset.len() == 5 && two(offset, 23) && offset[2] == b':' && two(&offset[3..], 59)
        }
        _ => false,
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Base64 with the standard alphabet and padding, nothing else.
fn base64_strict(text: &str) -> bool {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .is_ok()
}

fn cut(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn short(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{}`", cut(s)),
        Value::Array(_) => "the list".into(),
        Value::Object(_) => "the object".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_checked_as_the_python_validator_checks_them() {
        let ok = |v: Value, s: Value| check(&v, &s, None).is_ok();
        assert!(!ok(
            json!("6 Months from created date"),
            json!({"type": "string", "format": "date-time"})
        ));
        assert!(ok(
            json!("2024-02-29T10:00:00.5+01:00"),
            json!({"type": "string", "format": "date-time"})
        ));
        assert!(!ok(
            json!("2023-02-29T10:00:00Z"),
            json!({"format": "date-time"})
        ));
        assert!(ok(
            json!("comma, separated"),
            json!({"type": "string", "format": "comma-separated"})
        ));
        assert!(!ok(json!(null), json!({"type": "string"})));
        assert!(ok(json!(null), json!({"type": "string", "nullable": true})));
        assert!(ok(json!(null), json!({"description": "any"})));
        assert!(!ok(json!("C"), json!({"enum": ["A", "B"]})));
        assert!(ok(json!(2.0), json!({"type": "integer", "minimum": 1})));
        assert!(!ok(
            json!({"a": 1}),
            json!({"type": "object", "required": ["b"]})
        ));
        assert!(!ok(
            json!(["x", "x"]),
            json!({"type": "array", "uniqueItems": true})
        ));
        assert!(!ok(
            json!("abc"),
            json!({"type": "string", "pattern": "^[0-9]+$"})
        ));
        assert!(ok(
            json!(3_000_000_000u64),
            json!({"type": "integer", "format": "int64"})
        ));
        assert!(!ok(
            json!(3_000_000_000u64),
            json!({"type": "integer", "format": "int32"})
        ));
        assert!(
            ok(
                json!("not-a-uri"),
                json!({"type": "string", "format": "uri"})
            ),
            "not checked by Python"
        );
    }

    #[test]
    fn references_resolve_in_the_components() {
        let schemas = json!({"Kind": {"type": "string", "enum": ["A"]}});
        let schemas = schemas.as_object();
        let schema = json!({"$ref": "#/components/schemas/Kind"});
        assert!(check(&json!("A"), &schema, schemas).is_ok());
        assert!(check(&json!("B"), &schema, schemas).is_err());
        assert!(
            check(&json!("B"), &schema, None).is_ok(),
            "unresolved: any value"
        );
        let looping = json!({"A": {"allOf": [{"$ref": "#/components/schemas/A"}]}});
        let schema = json!({"$ref": "#/components/schemas/A"});
        assert!(
            check(&json!(1), &schema, looping.as_object()).is_ok(),
            "ends"
        );
    }
}
