//! The judgement: what a structural difference means for this client.
//!
//! The walk ([`crate::walk`]) finds where two documents differ and hands
//! each difference to [`judge`] as a [`Fact`]: two operations paired, a
//! parameter on one side or both, two schemas at one place, a property, a
//! type name... It never decides whether anything breaks. Each rule family
//! (one file beside its tests) looks at the facts it knows and returns
//! [`Finding`]s: a kind, a class, why, and what changed in words. A new
//! kind of change is one line in `kind.rs` and its rule in the family it
//! belongs to.

use serde_json::{Map, Value};

use crate::{Class, ClientProfile, Kind, RustNames, Side};

mod access;
mod bodies;
mod composition;
mod document;
mod enums;
mod errors;
mod names;
mod nullable;
mod operations;
mod parameters;
mod properties;
mod responses;
mod security;
mod stubs;
mod types;

pub(crate) use stubs::is_stub;
pub(crate) use types::effective_type;

/// Which way a schema's values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Dir {
    /// The client sends them (parameters, request bodies).
    Request,
    /// The server sends them (responses).
    Response,
}

/// One operation of one side, as the rules see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpView<'a> {
    /// Its operationId, if any.
    pub id: Option<&'a str>,
    /// Its method, lower case.
    pub method: &'static str,
    /// Its path template.
    pub path: &'a str,
    /// The Operation Object.
    pub op: &'a Value,
    /// The Path Item that holds it.
    pub item: &'a Value,
}

impl OpView<'_> {
    /// `GET /path`.
    pub fn route(&self) -> openapi_model::Route {
        openapi_model::Route::new(self.method, self.path)
    }

    /// The operationId, or the route when it has none.
    pub fn key(&self) -> String {
        self.id
            .map(str::to_owned)
            .unwrap_or_else(|| self.route().to_string())
    }
}

/// What the walk found: a place where the two documents may differ.
pub(crate) enum Fact<'a> {
    /// `info.title` or `info.version`.
    Info {
        key: &'a str,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
    },
    /// `servers` of the document or of an operation.
    Servers {
        old: Option<&'a Value>,
        new: Option<&'a Value>,
    },
    /// The security schemes of both documents (`components.securitySchemes`).
    SecuritySchemes,
    /// An operation only the new side has.
    OperationAdded(OpView<'a>),
    /// An operation only the old side has.
    OperationRemoved(OpView<'a>),
    /// An operation one side left out (its page quarantined).
    OperationNotCompared {
        op: OpView<'a>,
        side: Side,
        reason: &'a str,
    },
    /// Two operations paired (by operationId, by route, or both).
    OperationPair { old: OpView<'a>, new: OpView<'a> },
    /// An operation whose operationId an old operation had, on another
    /// route: the method of that name now calls another endpoint.
    OperationIdReused {
        /// The old operation of that id.
        old: OpView<'a>,
        /// The new operation the old one was paired with (by route).
        old_now: Option<OpView<'a>>,
        /// The new operation with the id.
        new: OpView<'a>,
    },
    /// The security requirements in force for a pair of operations (their
    /// own, else the document's).
    Security {
        old: Option<&'a Value>,
        new: Option<&'a Value>,
    },
    /// A parameter (resolved), on either side or both.
    Parameter {
        name: &'a str,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
    },
    /// A path parameter whose name changed at the same place of the path.
    ParameterRenamed {
        old_name: &'a str,
        new_name: &'a str,
        old: &'a Value,
        new: &'a Value,
    },
    /// The request bodies (resolved).
    RequestBody {
        old: Option<&'a Value>,
        new: Option<&'a Value>,
    },
    /// A media type of a body, on either side or both.
    MediaType {
        media: &'a str,
        old: bool,
        new: bool,
        /// Whether the side that lacks it still has another media type.
        others: bool,
    },
    /// The responses of a pair of operations, by status.
    Responses {
        old: &'a Map<String, Value>,
        new: &'a Map<String, Value>,
    },
    /// Two schemas at one place, references followed and `allOf` merged.
    Schema { old: &'a Value, new: &'a Value },
    /// A property of two object schemas, on either side or both.
    Property {
        name: &'a str,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
        old_required: bool,
        new_required: bool,
    },
    /// The `oneOf`/`anyOf` variants only one side has (after pairing them
    /// by name, then by shape, then in order), each by its type name or
    /// its place in the list.
    Variants {
        key: &'a str,
        removed: &'a [String],
        added: &'a [String],
    },
    /// One place names a component on both sides, under two names.
    TypeName { old: &'a str, new: &'a str },
    /// A schema that one side gives only as its title (a stub).
    Stub { old: bool, new: bool },
}

/// What the rules know besides the fact.
pub(crate) struct Ctx<'a> {
    /// Which way the values at this place travel.
    pub dir: Dir,
    /// Whether the schema is an optional property or parameter on both
    /// sides (its Rust field is an `Option<_>` either way).
    pub optional: bool,
    /// Whether the place is in an error response's body.
    pub error_body: bool,
    /// Whether the place is a body's top-level schema.
    pub top: bool,
    /// What this client does.
    pub profile: &'a ClientProfile,
    /// The Rust names of both sides, when known.
    pub rust: Option<&'a dyn RustNames>,
    /// The older document.
    pub old_doc: &'a Value,
    /// The newer document.
    pub new_doc: &'a Value,
}

impl Ctx<'_> {
    /// The Rust method of an operation, when known.
    pub fn method(&self, side: Side, op: &OpView<'_>) -> Option<String> {
        self.rust.and_then(|r| r.method(side, &op.route()))
    }

    /// The Rust type of a component, when known.
    pub fn type_name(&self, side: Side, component: &str) -> Option<String> {
        self.rust.and_then(|r| r.type_name(side, component))
    }
}

/// What a change is, in words: a sentence, or one item of a list that
/// the report may merge with others of the same place and cause
/// (`enum value `A` removed` + `enum value `B` removed` = `enum values
/// `A`, `B` removed`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum What {
    /// A whole sentence.
    Text(String),
    /// One item: `{noun} {name}{tail}`, or `{nouns} {names}{tail}` for
    /// several.
    Item {
        noun: String,
        nouns: String,
        /// The item, written as it is shown (with its backticks).
        name: String,
        tail: String,
    },
}

impl What {
    /// The sentence for one item, or for several.
    pub fn sentence(&self, names: &[String]) -> String {
        match self {
            What::Text(text) => text.clone(),
            What::Item {
                noun,
                nouns,
                name,
                tail,
            } => match names {
                [] => format!("{noun} {name}{tail}"),
                [one] => format!("{noun} {one}{tail}"),
                many => format!("{nouns} {}{tail}", list(many)),
            },
        }
    }

    /// The item, when this is one.
    pub fn item(&self) -> Option<&str> {
        match self {
            What::Item { name, .. } => Some(name),
            What::Text(_) => None,
        }
    }

    /// What stays the same for items that merge (everything but the item).
    pub fn frame(&self) -> (String, String, String) {
        match self {
            What::Text(text) => (text.clone(), String::new(), String::new()),
            What::Item {
                noun, nouns, tail, ..
            } => (noun.clone(), nouns.clone(), tail.clone()),
        }
    }
}

/// At most eight items, then how many more: `` `A`, `B` and 3 more ``.
pub(crate) fn list(items: &[String]) -> String {
    const SHOWN: usize = 8;
    if items.len() <= SHOWN {
        return items.join(", ");
    }
    format!(
        "{} and {} more",
        items[..SHOWN].join(", "),
        items.len() - SHOWN
    )
}

/// One verdict of a rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub kind: Kind,
    pub class: Class,
    pub why: String,
    pub what: What,
    /// Appended to the place the fact is at (`.enum`).
    pub at: String,
    /// A value the new spec allows and the old client cannot read.
    pub evidence: Option<Value>,
    /// Findings of one kind and class with the same cause are one entry
    /// of the report, wherever they are (`a rename everywhere`).
    pub cause: Option<String>,
}

impl Finding {
    /// A finding described by a sentence.
    pub fn new(
        kind: Kind,
        class: Class,
        why: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Finding {
            kind,
            class,
            why: why.into(),
            what: What::Text(detail.into()),
            at: String::new(),
            evidence: None,
            cause: None,
        }
    }

    /// A finding about one item of a list (see [`What::Item`]).
    pub fn item(
        kind: Kind,
        class: Class,
        why: impl Into<String>,
        (noun, nouns): (&str, &str),
        name: impl Into<String>,
        tail: impl Into<String>,
    ) -> Self {
        Finding {
            what: What::Item {
                noun: noun.to_owned(),
                nouns: nouns.to_owned(),
                name: name.into(),
                tail: tail.into(),
            },
            ..Finding::new(kind, class, why, "")
        }
    }

    /// At a place below the fact's (`.enum`).
    pub fn at(mut self, at: impl Into<String>) -> Self {
        self.at = at.into();
        self
    }

    /// With evidence of a run-time break.
    pub fn evidence(mut self, value: Option<Value>) -> Self {
        self.evidence = value;
        self
    }

    /// One entry with every finding of the same cause.
    pub fn cause(mut self, cause: impl Into<String>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// The sentence (its one item, when it is an item).
    #[cfg(test)]
    pub fn detail(&self) -> String {
        self.what.sentence(&[])
    }
}

/// A rule family: the findings it makes of a fact (none for a fact it does
/// not know).
type Family = fn(&Fact<'_>, &Ctx<'_>, &mut Vec<Finding>);

/// Every rule family, in the order their findings are listed.
const FAMILIES: &[Family] = &[
    document::check,
    security::check,
    operations::check,
    parameters::check,
    bodies::check,
    responses::check,
    names::check,
    stubs::check,
    types::check,
    nullable::check,
    access::check,
    enums::check,
    properties::check,
    composition::check,
];

/// What a fact means for this client: every family's findings.
pub(crate) fn judge(fact: &Fact<'_>, ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for family in FAMILIES {
        family(fact, ctx, &mut out);
    }
    errors::adjust(ctx, &mut out);
    out
}

/// A value as text: a string as is, anything else as JSON.
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A boolean keyword of a schema or object (`nullable`, `required`), false
/// when absent.
pub(crate) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

#[cfg(test)]
pub(crate) mod testing {
    //! What the families' tests share: a context and a judge of one fact.

    use super::*;

    /// The profile the tests judge with unless they say otherwise: response
    /// enums open in the client, as the client generates them.
    pub const PROFILE: ClientProfile = ClientProfile {
        response_enums_open: true,
    };

    /// The findings of `fact` in direction `dir`, on empty documents.
    pub fn judge_in(fact: &Fact<'_>, dir: Dir, optional: bool) -> Vec<Finding> {
        judge_with(fact, dir, optional, &PROFILE, &Value::Null, &Value::Null)
    }

    /// The findings of `fact` with the given profile and documents.
    pub fn judge_with(
        fact: &Fact<'_>,
        dir: Dir,
        optional: bool,
        profile: &ClientProfile,
        old_doc: &Value,
        new_doc: &Value,
    ) -> Vec<Finding> {
        let ctx = Ctx {
            dir,
            optional,
            error_body: false,
            top: false,
            profile,
            rust: None,
            old_doc,
            new_doc,
        };
        judge(fact, &ctx)
    }

    /// `(kind, class)` of each finding.
    pub fn verdicts(findings: &[Finding]) -> Vec<(Kind, Class)> {
        findings.iter().map(|f| (f.kind, f.class)).collect()
    }
}
