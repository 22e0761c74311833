//! What is the same thing on both sides: operations (by operationId and
//! by route, path parameter names aside) and component schemas (by shape,
//! tolerantly, and by the names their titles give them).

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::rules::OpView;
use crate::schema::{flatten, resolve};

/// A route with its path parameters' names left out: `get /sources/{}`.
pub(crate) fn normalized_route(method: &str, path: &str) -> String {
    let mut out = String::with_capacity(method.len() + path.len() + 1);
    out.push_str(&method.to_ascii_lowercase());
    out.push(' ');
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push_str("{}");
            }
            '}' => in_name = false,
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

/// Every operation of a document, in document order.
pub(crate) fn operations(doc: &Value) -> Vec<OpView<'_>> {
    openapi_model::operations(doc)
        .map(|o| OpView {
            id: o.id(),
            method: o.method,
            path: o.path,
            op: o.op,
            item: o.item,
        })
        .collect()
}

/// How the operations of two documents pair up.
#[derive(Default)]
pub(crate) struct Pairing<'a> {
    /// Old and new of one operation: the same operationId on the same route,
    /// a new operationId on the same route (a rename), or the same
    /// operationId on another route (a move).
    pub pairs: Vec<(OpView<'a>, OpView<'a>)>,
    /// Operations only the old side has.
    pub removed: Vec<OpView<'a>>,
    /// Operations only the new side has.
    pub added: Vec<OpView<'a>>,
    /// A new operation whose operationId an old one had, while that old
    /// one was paired by route with another (old, its pair, the new one).
    pub reused: Vec<(OpView<'a>, Option<OpView<'a>>, OpView<'a>)>,
}

/// Pairs the operations of two documents with `route` as the route key
/// (so that the migration report can leave versions out of it): first
/// those that agree on both operationId and route, then by route alone
/// (the operationId changed), then by operationId alone (the route
/// changed).
pub(crate) fn pair_operations<'a>(
    old: Vec<OpView<'a>>,
    new: Vec<OpView<'a>>,
    route: &dyn Fn(&OpView<'_>) -> String,
) -> Pairing<'a> {
    let mut pairing = Pairing::default();
    let old_keys: Vec<(String, String)> = old.iter().map(|o| (o.key(), route(o))).collect();
    let new_keys: Vec<(String, String)> = new.iter().map(|o| (o.key(), route(o))).collect();
    let mut old_taken = vec![false; old.len()];
    let mut new_taken = vec![false; new.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    // Phase 1: operationId and route.
    let by_both: HashMap<&(String, String), usize> =
        new_keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    for (i, key) in old_keys.iter().enumerate() {
        if let Some(&j) = by_both.get(key) {
            if !new_taken[j] {
                old_taken[i] = true;
                new_taken[j] = true;
                pairs.push((i, j));
            }
        }
    }
    // Phase 2: route (a new operationId), then phase 3: operationId (a move).
    for phase in [1usize, 0] {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (j, key) in new_keys.iter().enumerate() {
            if !new_taken[j] {
                let k = if phase == 1 { &key.1 } else { &key.0 };
                index.entry(k.as_str()).or_insert(j);
            }
        }
        for (i, key) in old_keys.iter().enumerate() {
            if old_taken[i] {
                continue;
            }
            let k = if phase == 1 { &key.1 } else { &key.0 };
            if let Some(&j) = index.get(k.as_str()) {
                if !new_taken[j] {
                    old_taken[i] = true;
                    new_taken[j] = true;
                    pairs.push((i, j));
                }
            }
        }
    }
    pairs.sort_unstable();
    let paired_with: HashMap<usize, usize> = pairs.iter().copied().collect();
    let old_by_id: HashMap<&str, usize> = old
        .iter()
        .enumerate()
        .filter_map(|(i, o)| Some((o.id?, i)))
        .collect();
    for (i, j) in pairs {
        pairing.pairs.push((old[i], new[j]));
    }
    for (i, o) in old.iter().enumerate() {
        if !old_taken[i] {
            pairing.removed.push(*o);
        }
    }
    for (j, n) in new.iter().enumerate() {
        if new_taken[j] {
            continue;
        }
        match n.id.and_then(|id| old_by_id.get(id)) {
            Some(&i) if old[i].id != paired_with.get(&i).and_then(|&p| new[p].id) => {
                pairing
                    .reused
                    .push((old[i], paired_with.get(&i).map(|&p| new[p]), *n));
            }
            _ => pairing.added.push(*n),
        }
    }
    pairing
}

/// A component schema of a document.
pub(crate) fn component<'v>(doc: &'v Value, name: &str) -> Option<&'v Value> {
    doc.get("components")?.get("schemas")?.get(name)
}

/// The name a component's own title gives it: the title when it is a
/// valid name, else the title in PascalCase (`Error response DTO` →
/// `ErrorResponseDto`); `None` without a title.
pub(crate) fn title_name(doc: &Value, name: &str) -> Option<String> {
    let title = component(doc, name)?.get("title")?.as_str()?;
    let valid = !title.is_empty()
        && title
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    Some(if valid {
        title.to_owned()
    } else {
        openapi_model::pascal_case(title)
    })
}

/// Whether two schemas are the same type, tolerantly: the same kind of
/// value, and for objects property names that mostly agree (one side's a
/// subset of the other's, or at least half of all in common); for enums
/// values that overlap the same way. A description, `nullable`, an added
/// property or an added value do not make another type.
pub(crate) fn similar(old_doc: &Value, a: &Value, new_doc: &Value, b: &Value) -> bool {
    similar_at(old_doc, a, new_doc, b, 0)
}

fn similar_at(old_doc: &Value, a: &Value, new_doc: &Value, b: &Value, depth: usize) -> bool {
    let a = flatten(old_doc, resolve(old_doc, a));
    let b = flatten(new_doc, resolve(new_doc, b));
    let (ta, tb) = (
        crate::rules::effective_type(&a),
        crate::rules::effective_type(&b),
    );
    if ta.is_some() && tb.is_some() && ta != tb {
        return false;
    }
    let names = |v: &Value, key: &str| -> Option<BTreeSet<String>> {
        match v.get(key)? {
            Value::Object(map) => Some(map.keys().cloned().collect()),
            Value::Array(values) => Some(
                values
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(crate::rules::text)
                    .collect(),
            ),
            _ => None,
        }
    };
    for key in ["properties", "enum"] {
        match (names(&a, key), names(&b, key)) {
            (Some(x), Some(y)) => return mostly_agree(&x, &y),
            (None, None) => {}
            _ => return false,
        }
    }
    if let (Some(x), Some(y)) = (a.get("items"), b.get("items")) {
        if depth < 8 {
            return similar_at(old_doc, x, new_doc, y, depth + 1);
        }
    }
    true
}

/// One set a subset of the other (not both empty unless both are), or at
/// least half of their union in common.
fn mostly_agree(x: &BTreeSet<String>, y: &BTreeSet<String>) -> bool {
    if x.is_empty() || y.is_empty() {
        return x.is_empty() && y.is_empty();
    }
    let common = x.intersection(y).count();
    let union = x.union(y).count();
    common == x.len() || common == y.len() || common * 2 >= union
}

/// The route of an operation with the version of a per-service versioned
/// API left out (`get /access-profiles/v1/{id}` → `get /access-profiles/{}`),
/// so that a legacy operation (`/access-profiles/{id}` under a `/beta`
/// server) and its v1 successor have one key.
pub(crate) fn versionless_route(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let versioned = segments.get(2).is_some_and(|s| is_version(s));
    let path = if versioned {
        let mut kept = segments.clone();
        kept.remove(2);
        kept.join("/")
    } else {
        path.to_owned()
    };
    normalized_route(method, &path)
}

/// `v1`, `v2`, `v2024`: a version segment.
pub(crate) fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// An operationId without a version suffix (`listSourcesV2` → `listSources`).
pub(crate) fn versionless_id(id: &str) -> &str {
    let trimmed = id.trim_end_matches(|c: char| c.is_ascii_digit());
    match trimmed
        .strip_suffix('V')
        .or_else(|| trimmed.strip_suffix("_v"))
    {
        Some(stem) if trimmed.len() < id.len() && !stem.is_empty() => stem,
        _ => id,
    }
}

/// Path parameters that were renamed at the same place of the path: pairs
/// (old name, new name) of names only one side has.
pub(crate) fn renamed_path_parameters(old_path: &str, new_path: &str) -> Vec<(String, String)> {
    let (a, b) = (
        openapi_model::template_names(old_path),
        openapi_model::template_names(new_path),
    );
    if a.len() != b.len() {
        return Vec::new();
    }
    let (sa, sb): (HashSet<&String>, HashSet<&String>) = (a.iter().collect(), b.iter().collect());
    a.iter()
        .zip(&b)
        .filter(|(x, y)| x != y && !sb.contains(x) && !sa.contains(y))
        .map(|(x, y)| (x.clone(), y.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn routes_leave_out_parameter_names_and_versions() {
        assert_eq!(
            normalized_route("GET", "/sources/{sourceId}/schemas/{id}"),
            "get /sources/{}/schemas/{}"
        );
        assert_eq!(
            versionless_route("get", "/access-profiles/v1/{id}"),
            "get /access-profiles/{}"
        );
        assert_eq!(
            versionless_route("get", "/access-profiles/{id}"),
            "get /access-profiles/{}"
        );
        assert_eq!(
            versionless_route("get", "/access-request-config/v2"),
            "get /access-request-config"
        );
        assert_eq!(
            versionless_route("get", "/.well-known/v1/ssf"),
            "get /.well-known/ssf"
        );
        assert_eq!(
            versionless_route("get", "/sources/{id}/v1x"),
            "get /sources/{}/v1x"
        );
        assert_eq!(versionless_id("listSourcesV2"), "listSources");
        assert_eq!(versionless_id("getTenantV1"), "getTenant");
        assert_eq!(versionless_id("getV1"), "get");
        assert_eq!(versionless_id("getMfa2"), "getMfa2");
        assert_eq!(versionless_id("V1"), "V1");
        assert_eq!(
            renamed_path_parameters("/sources/{sourceId}/x", "/sources/{id}/x"),
            [("sourceId".to_owned(), "id".to_owned())]
        );
        assert!(renamed_path_parameters("/a/{id}", "/a/{id}/{b}").is_empty());
    }

    #[test]
    fn operations_pair_by_id_and_route_then_route_then_id() {
        let old = json!({"paths": {
            "/things": {"get": {"operationId": "listThings"}},
            "/things/{id}": {"delete": {"operationId": "deleteThing"}},
            "/history/{id}": {"get": {"operationId": "getThing"}},
            "/gone": {"get": {"operationId": "gone"}},
            "/moved": {"get": {"operationId": "moved"}},
        }});
        let new = json!({"paths": {
            "/things": {"get": {"operationId": "listThings"}},
            "/things/{thingId}": {"delete": {"operationId": "thingDelete"}},
            "/history/{id}": {"get": {"operationId": "getThingHistory"}},
            "/things/{id}": {"get": {"operationId": "getThing"}},
            "/moved/here": {"get": {"operationId": "moved"}},
            "/fresh": {"get": {"operationId": "fresh"}},
        }});
        let route = |o: &OpView<'_>| normalized_route(o.method, o.path);
        let p = pair_operations(operations(&old), operations(&new), &route);
        let ids = |v: &[OpView<'_>]| v.iter().map(OpView::key).collect::<Vec<_>>();
        let pairs: Vec<(String, String)> =
            p.pairs.iter().map(|(a, b)| (a.key(), b.key())).collect();
        assert_eq!(
            pairs,
            [
                ("listThings".into(), "listThings".into()),
                ("deleteThing".into(), "thingDelete".into()),
                ("getThing".into(), "getThingHistory".into()),
                ("moved".into(), "moved".into()),
            ]
        );
        assert_eq!(ids(&p.removed), ["gone"]);
        assert_eq!(ids(&p.added), ["fresh"]);
        // `getThing` now names the operation on another route.
        assert_eq!(p.reused.len(), 1);
        assert_eq!(p.reused[0].2.path, "/things/{id}");
    }

    #[test]
    fn similar_shapes_tolerate_additions_and_prose() {
        let doc = json!({});
        let a = json!({"type": "object", "properties": {"id": {}, "name": {}}});
        let b = json!({"type": "object", "description": "x", "nullable": true, "properties": {"id": {}, "name": {}, "email": {}}});
        let c = json!({"type": "object", "properties": {"total": {}, "count": {}}});
        assert!(similar(&doc, &a, &doc, &b));
        assert!(!similar(&doc, &a, &doc, &c));
        let e1 = json!({"type": "string", "enum": ["A", "B", "C"]});
        let e2 = json!({"type": "string", "enum": ["A", null]});
        assert!(
            similar(&doc, &e1, &doc, &e2),
            "one value left of three is the same enum narrowed"
        );
        assert!(!similar(&doc, &e1, &doc, &json!({"type": "integer"})));
    }
}
