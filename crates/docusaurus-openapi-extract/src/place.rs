//! One operation page → one operation: checks, what the page repeats for
//! the whole site (info, servers, security schemes), fixups, and the
//! plugin's own keys dropped.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use openapi_model::METHODS;

use crate::error::{Error, Origin};
use crate::report::{AppliedFixup, Report};
use crate::{fixups, page, webhooks, Route, PLUGIN_KEYS};

/// Fields of an OpenAPI 3.0 Operation Object (`x-` extensions are kept too).
const OPERATION_KEYS: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];

/// An operation page, ready to be placed.
pub(crate) struct Placed {
    pub(crate) origin: Origin,
    pub(crate) route: Route,
    pub(crate) op: Map<String, Value>,
}

/// What the pages repeat and the document holds once.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) info: Option<Value>,
    pub(crate) servers: Option<Value>,
    pub(crate) servers_agree: bool,
    pub(crate) security_schemes: BTreeMap<String, Value>,
    pub(crate) first_servers_page: Option<Origin>,
}

/// Merges what a page repeats into `shared`, reporting disagreements.
pub(crate) fn merge_shared(page: &page::OperationPage, shared: &mut Shared, report: &mut Report) {
    use serde::Deserialize as _;
    let (origin, api) = (&page.origin, &page.api);
    // What a page repeats for the whole site must be valid, or one broken
    // page would make the whole document invalid: an invalid part is left
    // out, with a warning, and another page's is used.
    let info = api.get("info").filter(|info| {
        let valid = openapiv3::Info::deserialize(*info).is_ok();
        if !valid {
            report.warnings.push(format!(
                "{origin}: `info` is not an OpenAPI Info object; ignored"
            ));
        }
        valid
    });
    if let Some(info) = info {
        match &shared.info {
            None => shared.info = Some(info.clone()),
            Some(first) if first != info => report.warnings.push(format!(
                "{origin}: `info` differs from the first page's; the first is kept"
            )),
            Some(_) => {}
        }
    }
    let servers = api.get("servers").filter(|s| valid_servers(s));
    match (&shared.servers, servers) {
        (None, Some(servers)) if shared.first_servers_page.is_none() => {
            shared.servers = Some(servers.clone());
            shared.servers_agree = true;
            shared.first_servers_page = Some(origin.clone());
        }
        // A page without servers says nothing about them (its operation
        // takes the document's): only two different lists disagree.
        (Some(first), Some(this)) if first != this => shared.servers_agree = false,
        _ => {}
    }
    if let Some(Value::Object(schemes)) = api.get("securitySchemes") {
        for (name, scheme) in schemes {
            if openapiv3::SecurityScheme::deserialize(scheme).is_err() {
                report.warnings.push(format!(
                    "{origin}: security scheme `{name}` is not an OpenAPI security scheme; ignored"
                ));
                continue;
            }
            match shared.security_schemes.get(name) {
                None => {
                    shared.security_schemes.insert(name.clone(), scheme.clone());
                }
                Some(first) if first != scheme => report.warnings.push(format!(
                    "{origin}: security scheme `{name}` differs from the first page's; the first is kept"
                )),
                Some(_) => {}
            }
        }
    }
}

/// Whether `servers` is a valid list of OpenAPI Server objects.
fn valid_servers(servers: &Value) -> bool {
    use serde::Deserialize as _;
    Vec::<openapiv3::Server>::deserialize(servers).is_ok()
}

/// Checks an operation page, applies the fixups and turns its `api` object
/// into an OpenAPI operation.
pub(crate) fn place(
    page: page::OperationPage,
    context: &fixups::Context,
    report: &mut Report,
) -> Result<Placed, Error> {
    let page::OperationPage {
        origin,
        mut api,
        title,
        ..
    } = page;
    let bad = |message: String| Error::BadApi {
        origin: origin.clone(),
        message,
    };
    let webhook = webhooks::is_event_page(&api);
    if !webhook && !matches!(api.get("responses"), Some(Value::Object(r)) if !r.is_empty()) {
        return Err(bad("has no `responses`".into()));
    }
    let method = match api.get("method") {
        _ if webhook => webhooks::METHOD.to_owned(),
        Some(Value::String(m)) if METHODS.contains(&m.to_lowercase().as_str()) => m.to_lowercase(),
        Some(other) => return Err(bad(format!("has `method` {other}, not an HTTP method"))),
        None => return Err(bad("has no `method`".into())),
    };

    match api.get("path") {
        _ if webhook => {}
        Some(Value::String(p)) if p.starts_with('/') => {}
        Some(other) => {
            return Err(bad(format!(
                "has `path` {other}, which does not start with `/`"
            )))
        }
        None => return Err(bad("has no `path`".into())),
    }
    let context = context.for_page(origin.page.as_deref());
    let mut opened = 0;
    fixups::apply_all(&mut api, &context, &mut |fixup, change| {
        if change.contains(fixups::OPEN_SCHEMA_NOTE) {
            opened += 1;
        }
        report.fixups.push(AppliedFixup {
            fixup,
            origin: origin.clone(),
            change,
        });
    });
    if opened > 0 {
        report.warnings.push(format!(
            "{origin}: {opened} recursive schema(s) written as `circular()` without a name \
             {} (any JSON value); see fixup `circular_reference`",
            fixups::OPEN_SCHEMA_NOTE
        ));
    }
    // A fixup may have corrected the path.
    let path = api
        .get("path")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();

    if !api.contains_key("summary") {
        if let Some(name) = api
            .get("postman")
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
        {
            api.insert("summary".into(), name.into());
        } else if let Some(title) = title.filter(|_| webhook) {
            // The plugin leaves an event page's summary out of `api` and
            // titles the page with it (or with the operationId, when the
            // webhook has no summary).
            if api.get("operationId").and_then(Value::as_str) != Some(title.as_str()) {
                api.insert("summary".into(), title.into());
            }
        }
    }
    if api.get("servers").is_some_and(|s| !valid_servers(s)) {
        api.remove("servers");
        report.warnings.push(format!(
            "{origin}: `servers` is not a list of OpenAPI servers; dropped (the client's base URL comes from its configuration)"
        ));
    }
    // Plugin 5 lists the operation's `x-` extensions again under
    // `extensions` (`[{key, value}]`); one missing from the operation
    // itself is put back, so no extension is lost.
    if let Some(Value::Array(extensions)) = api.get("extensions").cloned() {
        for extension in extensions {
            let key = extension.get("key").and_then(Value::as_str);
            if let (Some(key), Some(value)) = (key, extension.get("value")) {
                if key.starts_with("x-") && !api.contains_key(key) {
                    api.insert(key.to_owned(), value.clone());
                }
            }
        }
    }
    let mut op = Map::new();
    // Operation fields in the order the OpenAPI specification lists them.
    for key in OPERATION_KEYS {
        if let Some(value) = api.remove(*key) {
            op.insert((*key).into(), value);
        }
    }
    for (key, value) in api {
        if key.starts_with("x-") {
            op.insert(key, value);
        } else if !PLUGIN_KEYS.contains(&key.as_str()) {
            report
                .warnings
                .push(format!("{origin}: dropped unknown `api` key `{key}`"));
        }
    }
    if !matches!(op.get("operationId"), Some(Value::String(id)) if !id.is_empty()) {
        return Err(bad(
            "has no string `operationId`, and none could be derived".into(),
        ));
    }
    let route = if webhook {
        let name = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        webhooks::route(name)
    } else {
        Route { method, path }
    };
    Ok(Placed { origin, route, op })
}
