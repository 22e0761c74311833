//! Extraction of the seed page, in both encodings, and every class of bad input.

use std::io::Write as _;

use base64::Engine as _;
use docusaurus_openapi_extract::{extract, to_pretty_json, ApiEncoding, NamesFile, Page, Source};

const SEED: &str = include_str!("../../../../shared/seed/send-test-notification.api.mdx");
/// The seed's component names, as a maintainer pins them (the 2022 page
/// carries no titles).
const NAMES: &str = "\
SendTestNotificationRequestDto: sendTestNotification#/requestBody/content/application~1json/schema
ErrorResponseDto: sendTestNotification#/responses/400/content/application~1json/schema
ErrorMessageDto: sendTestNotification#/responses/400/content/application~1json/schema/properties/messages/items
LocaleOrigin: sendTestNotification#/responses/400/content/application~1json/schema/properties/messages/items/properties/localeOrigin
";

fn source(name: &str, text: &str) -> Source {
    Source {
        name: format!("pages/{name}"),
        file_name: name.to_owned(),
        text: text.to_owned(),
    }
}

fn names() -> NamesFile {
    NamesFile::parse("spec/names.yaml", NAMES).unwrap()
}

/// The seed page with its `api:` line written as plugin 2.x does.
fn compressed_seed() -> String {
    let mut out = String::new();
    for line in SEED.split_inclusive('\n') {
        match line.strip_prefix("api: ") {
            Some(json) => {
                let mut z =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                z.write_all(json.trim_end().as_bytes()).unwrap();
                let encoded = base64::engine::general_purpose::STANDARD.encode(z.finish().unwrap());
                out.push_str(&format!("api: {encoded}\n"));
            }
            None => out.push_str(line),
        }
    }
    out
}

fn extract_err(text: &str) -> String {
    extract(&[source("bad.api.mdx", text)], &NamesFile::default())
        .unwrap_err()
        .to_string()
}

#[test]
fn both_encodings_give_the_same_spec() {
    let plain = extract(&[source("send-test-notification.api.mdx", SEED)], &names()).unwrap();
    let compressed_text = compressed_seed();
    assert!(compressed_text.contains("api: eJ"));
    let page = docusaurus_openapi_extract::parse_page("x", "x.api.mdx", &compressed_text).unwrap();
    let Page::Operation(op) = page else {
        panic!("not an operation page")
    };
    assert_eq!(op.encoding, ApiEncoding::DeflatedBase64);
    let compressed = extract(
        &[source("send-test-notification.api.mdx", &compressed_text)],
        &names(),
    )
    .unwrap();
    assert_eq!(
        to_pretty_json(&plain.document),
        to_pretty_json(&compressed.document)
    );
    assert_eq!(compressed.report.compressed_pages, 1);
}

#[test]
fn the_seed_becomes_a_valid_faithful_document() {
    let extraction = extract(&[source("send-test-notification.api.mdx", SEED)], &names()).unwrap();
    let doc = &extraction.document;
    let parsed: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(parsed.openapi, "3.0.3");
    assert_eq!(doc["info"]["version"], "3.1.0-beta");
    assert_eq!(
        doc["servers"][0]["url"],
        "https://{tenant}.api.identitynow.com/beta"
    );
    assert_eq!(
        doc["servers"][0]["variables"]["tenant"]["default"],
        "sailpoint"
    );
    let op = &doc["paths"]["/send-test-notification"]["post"];
    assert_eq!(op["operationId"], "sendTestNotification");
    assert_eq!(
        op["summary"], "Send Test Notification",
        "summary from postman.name"
    );
    assert_eq!(op["security"], serde_json::json!([{"oauth2": []}]));
    assert_eq!(doc["tags"][0]["name"], "Notifications");
    assert!(
        doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["tokenUrl"]
            .is_string()
    );
    for plugin_key in [
        "method",
        "path",
        "jsonRequestBodyExample",
        "postman",
        "info",
        "securitySchemes",
    ] {
        assert!(op.get(plugin_key).is_none(), "{plugin_key} kept");
    }
    // Examples and descriptions survive.
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["example"]["medium"],
        "EMAIL"
    );
    assert_eq!(
        op["responses"]["403"]["content"]["application/json"]["examples"]["403"]["value"]
            ["detailCode"],
        "403 Forbidden"
    );
    // Named components, and the four error codes share one.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ErrorMessageDto",
            "ErrorResponseDto",
            "LocaleOrigin",
            "SendTestNotificationRequestDto"
        ]
    );
    for code in ["400", "403", "404", "500"] {
        assert_eq!(
            op["responses"][code]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorResponseDto",
            "{code}"
        );
    }
    assert_eq!(
        schemas["ErrorResponseDto"]["properties"]["causes"]["items"]["$ref"],
        "#/components/schemas/ErrorMessageDto"
    );
    assert_eq!(
        schemas["ErrorMessageDto"]["properties"]["localeOrigin"]["$ref"],
        "#/components/schemas/LocaleOrigin"
    );
    // The 204's content is valid OpenAPI and stays, as the page has it (the
    // client generator reads a 204 as bodiless: codegen's adaptation
    // `no_content_answers_have_no_body`); the page needs no fixup.
    assert_eq!(
        op["responses"]["204"]["content"]["application/json"]["schema"],
        serde_json::json!({"type": "object"})
    );
    assert_eq!(extraction.report.fixups, []);
}

#[test]
fn output_is_deterministic_pretty_json_with_a_trailing_newline() {
    let a = to_pretty_json(
        &extract(&[source("s.api.mdx", SEED)], &names())
            .unwrap()
            .document,
    );
    let b = to_pretty_json(
        &extract(&[source("s.api.mdx", SEED)], &names())
            .unwrap()
            .document,
    );
    assert_eq!(a, b);
    assert!(a.ends_with("}\n") && a.starts_with("{\n  \"openapi\": \"3.0.3\",\n  \"info\""));
}

#[test]
fn a_page_without_frontmatter_is_named() {
    let err = extract_err("# Just a heading\n");
    assert!(
        err.contains("pages/bad.api.mdx") && err.contains("no YAML frontmatter"),
        "{err}"
    );
}

#[test]
fn a_page_without_api_is_named_with_its_id() {
    let err = extract_err("---\nid: lonely\ntitle: x\n---\nbody\n");
    assert!(err.contains("pages/bad.api.mdx (page `lonely`)"), "{err}");
    assert!(err.contains("no `api:` key"), "{err}");
}

#[test]
fn broken_yaml_or_json_is_named() {
    let err = extract_err("---\nid: p\napi: {\"operationId\": \n---\n");
    assert!(
        err.contains("pages/bad.api.mdx") && err.contains("not valid YAML"),
        "{err}"
    );
    let err = extract_err("---\nid: p\napi: 42\n---\n");
    assert!(
        err.contains("(page `p`)") && err.contains("not valid JSON") && err.contains("a number"),
        "{err}"
    );
    // Valid deflate of text that is not JSON.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(b"{\"operationId\": oops}").unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(z.finish().unwrap());
    let err = extract_err(&format!("---\nid: p\napi: {encoded}\n---\n"));
    assert!(
        err.contains("(page `p`)") && err.contains("`api:` is not valid JSON"),
        "{err}"
    );
}

#[test]
fn bad_base64_and_bad_zlib_are_named() {
    let err = extract_err("---\nid: p\napi: eJz!!not*base64\n---\n");
    assert!(
        err.contains("(page `p`)") && err.contains("not valid base64"),
        "{err}"
    );
    let not_zlib = base64::engine::general_purpose::STANDARD.encode(b"plain text, not deflated");
    let err = extract_err(&format!("---\nid: p\napi: {not_zlib}\n---\n"));
    assert!(
        err.contains("(page `p`)") && err.contains("not valid zlib"),
        "{err}"
    );
}

#[test]
fn an_api_without_method_or_path_is_named() {
    let err = extract_err("---\nid: p\napi: {\"operationId\": \"x\", \"responses\": {\"200\": {\"description\": \"ok\"}}}\n---\n");
    assert!(
        err.contains("(page `p`)") && err.contains("has no `method`"),
        "{err}"
    );
}

#[test]
fn a_duplicate_operation_is_quarantined_naming_both_pages() {
    let other = SEED.replace("id: send-test-notification", "id: copy");
    let extraction = extract(
        &[source("a.api.mdx", SEED), source("b.api.mdx", &other)],
        &NamesFile::default(),
    )
    .unwrap();
    let r = &extraction.report;
    assert_eq!((r.operation_pages, r.operations), (2, 1));
    let [q] = r.quarantined.as_slice() else {
        panic!("one page is quarantined: {:?}", r.quarantined)
    };
    assert_eq!(q.check, docusaurus_openapi_extract::Check::Unique);
    let line = q.to_string();
    assert!(line.starts_with("pages/b.api.mdx (page `copy`)"), "{line}");
    assert!(
        line.contains("also declared by pages/a.api.mdx (page `send-test-notification`)"),
        "{line}"
    );
    assert!(
        r.describe(0)
            .contains("2 operation page(s) → 1 operation(s), 0 repaired, 1 quarantined"),
        "{}",
        r.describe(0)
    );
}

/// A page that cannot be decoded costs only itself: the other pages still
/// make the document, and the report says which page was left out and why.
#[test]
fn a_broken_page_is_quarantined_and_the_rest_is_kept() {
    let broken = "---\nid: broken\napi: eJzNOT-A-ZLIB\n---\n";
    let extraction = extract(
        &[source("a.api.mdx", SEED), source("b.api.mdx", broken)],
        &NamesFile::default(),
    )
    .unwrap();
    let r = &extraction.report;
    assert_eq!((r.operation_pages, r.operations), (2, 1));
    let [q] = r.quarantined.as_slice() else {
        panic!("{:?}", r.quarantined)
    };
    assert_eq!(q.check, docusaurus_openapi_extract::Check::Decode);
    assert!(
        q.to_string().contains("pages/b.api.mdx (page `broken`)"),
        "{q}"
    );
    assert!(extraction.document["paths"]["/send-test-notification"]["post"].is_object());
}

#[test]
fn a_stale_names_entry_is_a_warning() {
    let names = NamesFile::parse("n.yaml", "Gone: noSuchOperation#/requestBody\n").unwrap();
    let extraction = extract(&[source("s.api.mdx", SEED)], &names).unwrap();
    assert!(
        extraction
            .report
            .warnings
            .iter()
            .any(|w| w.contains("`Gone`") && w.contains("stale")),
        "{:?}",
        extraction.report.warnings
    );
}

/// A page that requires a scheme no page defines, on a site with no single
/// bearer scheme to stand in for it, is quarantined with the reason; it is
/// never kept with its requirement dropped (which would mean "no
/// authentication").
#[test]
fn an_undefined_security_scheme_is_quarantined_not_widened() {
    let other = SEED
        .replace("id: send-test-notification", "id: other")
        .replace(
            "\"operationId\":\"sendTestNotification\"",
            "\"operationId\":\"other\"",
        )
        .replace(
            "\"path\":\"/send-test-notification\"",
            "\"path\":\"/other\"",
        )
        .replace(
            "\"security\":[{\"oauth2\":[]}]",
            "\"security\":[{\"apiKeyAuth\":[]}]",
        );
    assert!(
        other.contains("apiKeyAuth"),
        "the seed page names `oauth2` in `security`"
    );
    let second_scheme = other.replace(
        "\"securitySchemes\":{",
        "\"securitySchemes\":{\"second\":{\"type\":\"http\",\"scheme\":\"bearer\"},",
    );
    let extraction = extract(
        &[
            source("a.api.mdx", SEED),
            source("b.api.mdx", &second_scheme),
        ],
        &NamesFile::default(),
    )
    .unwrap();
    let r = &extraction.report;
    let [q] = r.quarantined.as_slice() else {
        panic!("{}", r.describe(0))
    };
    assert!(q.reason.contains("`apiKeyAuth`"), "{q}");
    assert_eq!(q.check, docusaurus_openapi_extract::Check::Valid);
    for op in extraction.document["paths"].as_object().unwrap().values() {
        for op in op.as_object().unwrap().values() {
            assert_ne!(op["security"], serde_json::json!([]), "access widened");
        }
    }
}

/// Names borrowed from another document that has them (here the seed's own
/// document, whose component names come from the names file), matched by
/// shape: the seed page alone, with no names file, gets them all.
#[test]
fn names_are_borrowed_from_another_document_by_shape() {
    let spec = extract(&[source("s.api.mdx", SEED)], &names())
        .unwrap()
        .document;
    let without = extract(&[source("s.api.mdx", SEED)], &NamesFile::default()).unwrap();
    assert!(!without.report.components.contains_key("ErrorMessageDto"));
    let names = NamesFile {
        borrowed: NamesFile::borrow_from(&spec),
        ..NamesFile::default()
    };
    let with = extract(&[source("s.api.mdx", SEED)], &names).unwrap();
    let got: Vec<&String> = with.report.components.keys().collect();
    // The names file's four, and the names the whole site gave the 401 and
    // 429 bodies (the site repeats them; alone, the seed page would not).
    for name in [
        "ErrorMessageDto",
        "ErrorResponseDto",
        "LocaleOrigin",
        "SendTestNotificationRequestDto",
    ] {
        assert!(
            got.iter().any(|g| *g == name),
            "{name} not borrowed: {got:?}"
        );
    }
    let site = spec["components"]["schemas"].as_object().unwrap();
    for (name, body) in with.document["components"]["schemas"].as_object().unwrap() {
        assert_eq!(
            Some(body),
            site.get(name),
            "`{name}` is the component of that name in the spec the names came from"
        );
    }
}

/// What every page repeats (info, servers, security schemes) is taken from
/// the pages that have it valid: one page with broken extras does not make
/// the whole document invalid, and each is named in a warning.
#[test]
fn a_page_with_broken_site_wide_parts_does_not_sink_the_site() {
    let (head, rest) = SEED.split_once("\napi: ").unwrap();
    let (api, tail) = rest.split_once('\n').unwrap();
    let mut broken: serde_json::Value = serde_json::from_str(api).unwrap();
    broken["info"] = serde_json::json!("see the docs");
    broken["servers"] = serde_json::json!({"url": 1});
    broken["securitySchemes"]["extra"] = serde_json::json!({"type": "nonsense"});
    broken["operationId"] = serde_json::json!("brokenExtras");
    broken["path"] = serde_json::json!("/broken-extras");
    let broken = format!(
        "{}\napi: {broken}\n{tail}",
        head.replace("id: send-test-notification", "id: broken-extras")
    );
    let extraction = extract(
        &[source("a.api.mdx", &broken), source("b.api.mdx", SEED)],
        &NamesFile::default(),
    )
    .unwrap();
    let r = &extraction.report;
    assert!(r.quarantined.is_empty(), "{}", r.describe(0));
    assert_eq!(r.operations, 2);
    let warnings = r.warnings.join("\n");
    for expected in [
        "(page `broken-extras`): `info` is not an OpenAPI Info object; ignored",
        "(page `broken-extras`): `servers` is not a list of OpenAPI servers; dropped",
        "(page `broken-extras`): security scheme `extra` is not an OpenAPI security scheme; ignored",
    ] {
        assert!(warnings.contains(expected), "missing {expected:?} in:\n{warnings}");
    }
    // The valid page's info and servers are the document's.
    assert_eq!(
        extraction.document["info"]["title"],
        "SailPoint - Beta SaaS API"
    );
    assert!(extraction.document["servers"].is_array());
}
