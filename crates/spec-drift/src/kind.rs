//! The kinds of change the report knows.

use serde::Serialize;

/// What kind of change a [`Change`](crate::Change) is. Serialized as its
/// kebab-case name (`property-added`), as in the documented JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// `access-changed`
    AccessChanged,
    /// `additional-properties-changed`
    AdditionalPropertiesChanged,
    /// `content-type-added`
    ContentTypeAdded,
    /// `content-type-removed`
    ContentTypeRemoved,
    /// `enum-added`
    EnumAdded,
    /// `enum-removed`
    EnumRemoved,
    /// `enum-value-added`
    EnumValueAdded,
    /// `enum-value-removed`
    EnumValueRemoved,
    /// `format-changed`
    FormatChanged,
    /// `info-changed`
    InfoChanged,
    /// `nullable-changed`
    NullableChanged,
    /// `operation-added`
    OperationAdded,
    /// `operation-moved`
    OperationMoved,
    /// `operation-removed`
    OperationRemoved,
    /// `parameter-added`
    ParameterAdded,
    /// `parameter-moved`
    ParameterMoved,
    /// `parameter-optional`
    ParameterOptional,
    /// `parameter-removed`
    ParameterRemoved,
    /// `parameter-required`
    ParameterRequired,
    /// `property-added`
    PropertyAdded,
    /// `property-optional`
    PropertyOptional,
    /// `property-removed`
    PropertyRemoved,
    /// `property-required`
    PropertyRequired,
    /// `request-body-added`
    RequestBodyAdded,
    /// `request-body-optional`
    RequestBodyOptional,
    /// `request-body-removed`
    RequestBodyRemoved,
    /// `request-body-required`
    RequestBodyRequired,
    /// `response-added`
    ResponseAdded,
    /// `response-removed`
    ResponseRemoved,
    /// `security-changed`
    SecurityChanged,
    /// `security-scheme-added`
    SecuritySchemeAdded,
    /// `security-scheme-changed`
    SecuritySchemeChanged,
    /// `security-scheme-removed`
    SecuritySchemeRemoved,
    /// `security-scheme-renamed`
    SecuritySchemeRenamed,
    /// `server-added`
    ServerAdded,
    /// `server-removed`
    ServerRemoved,
    /// `servers-changed`
    ServersChanged,
    /// `type-changed`
    TypeChanged,
    /// `type-renamed`
    TypeRenamed,
    /// `deprecated`
    Deprecated,
    /// `undeprecated`
    Undeprecated,
    /// `variant-added`
    VariantAdded,
    /// `variant-removed`
    VariantRemoved,
    /// `fixup-no-longer-needed`
    FixupNoLongerNeeded,
    /// `fixup-now-needed`
    FixupNowNeeded,
    /// `adaptation-now-applies`
    AdaptationNowApplies,
    /// `adaptation-no-longer-applies`
    AdaptationNoLongerApplies,
    /// `adaptation-changed`
    AdaptationChanged,
}

impl Kind {
    /// Every kind.
    pub const ALL: &'static [Kind] = &[
        Kind::AccessChanged,
        Kind::AdditionalPropertiesChanged,
        Kind::ContentTypeAdded,
        Kind::ContentTypeRemoved,
        Kind::EnumAdded,
        Kind::EnumRemoved,
        Kind::EnumValueAdded,
        Kind::EnumValueRemoved,
        Kind::FormatChanged,
        Kind::InfoChanged,
        Kind::NullableChanged,
        Kind::OperationAdded,
        Kind::OperationMoved,
        Kind::OperationRemoved,
        Kind::ParameterAdded,
        Kind::ParameterMoved,
        Kind::ParameterOptional,
        Kind::ParameterRemoved,
        Kind::ParameterRequired,
        Kind::PropertyAdded,
        Kind::PropertyOptional,
        Kind::PropertyRemoved,
        Kind::PropertyRequired,
        Kind::RequestBodyAdded,
        Kind::RequestBodyOptional,
        Kind::RequestBodyRemoved,
        Kind::RequestBodyRequired,
        Kind::ResponseAdded,
        Kind::ResponseRemoved,
        Kind::SecurityChanged,
        Kind::SecuritySchemeAdded,
        Kind::SecuritySchemeChanged,
        Kind::SecuritySchemeRemoved,
        Kind::SecuritySchemeRenamed,
        Kind::ServerAdded,
        Kind::ServerRemoved,
        Kind::ServersChanged,
        Kind::TypeChanged,
        Kind::TypeRenamed,
        Kind::Deprecated,
        Kind::Undeprecated,
        Kind::VariantAdded,
        Kind::VariantRemoved,
        Kind::FixupNoLongerNeeded,
        Kind::FixupNowNeeded,
        Kind::AdaptationNowApplies,
        Kind::AdaptationNoLongerApplies,
        Kind::AdaptationChanged,
    ];

    /// Its name, as in the JSON form (`property-added`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AccessChanged => "access-changed",
            Kind::AdditionalPropertiesChanged => "additional-properties-changed",
            Kind::ContentTypeAdded => "content-type-added",
            Kind::ContentTypeRemoved => "content-type-removed",
            Kind::EnumAdded => "enum-added",
            Kind::EnumRemoved => "enum-removed",
            Kind::EnumValueAdded => "enum-value-added",
            Kind::EnumValueRemoved => "enum-value-removed",
            Kind::FormatChanged => "format-changed",
            Kind::InfoChanged => "info-changed",
            Kind::NullableChanged => "nullable-changed",
            Kind::OperationAdded => "operation-added",
            Kind::OperationMoved => "operation-moved",
            Kind::OperationRemoved => "operation-removed",
            Kind::ParameterAdded => "parameter-added",
            Kind::ParameterMoved => "parameter-moved",
            Kind::ParameterOptional => "parameter-optional",
            Kind::ParameterRemoved => "parameter-removed",
            Kind::ParameterRequired => "parameter-required",
            Kind::PropertyAdded => "property-added",
            Kind::PropertyOptional => "property-optional",
            Kind::PropertyRemoved => "property-removed",
            Kind::PropertyRequired => "property-required",
            Kind::RequestBodyAdded => "request-body-added",
            Kind::RequestBodyOptional => "request-body-optional",
            Kind::RequestBodyRemoved => "request-body-removed",
            Kind::RequestBodyRequired => "request-body-required",
            Kind::ResponseAdded => "response-added",
            Kind::ResponseRemoved => "response-removed",
            Kind::SecurityChanged => "security-changed",
            Kind::SecuritySchemeAdded => "security-scheme-added",
            Kind::SecuritySchemeChanged => "security-scheme-changed",
            Kind::SecuritySchemeRemoved => "security-scheme-removed",
            Kind::SecuritySchemeRenamed => "security-scheme-renamed",
            Kind::ServerAdded => "server-added",
            Kind::ServerRemoved => "server-removed",
            Kind::ServersChanged => "servers-changed",
            Kind::TypeChanged => "type-changed",
            Kind::TypeRenamed => "type-renamed",
            Kind::Deprecated => "deprecated",
            Kind::Undeprecated => "undeprecated",
            Kind::VariantAdded => "variant-added",
            Kind::VariantRemoved => "variant-removed",
            Kind::FixupNoLongerNeeded => "fixup-no-longer-needed",
            Kind::FixupNowNeeded => "fixup-now-needed",
            Kind::AdaptationNowApplies => "adaptation-now-applies",
            Kind::AdaptationNoLongerApplies => "adaptation-no-longer-applies",
            Kind::AdaptationChanged => "adaptation-changed",
        }
    }

    /// The kind the same change has when the two documents are swapped
    /// (`property-added` ↔ `property-removed`); `None` for a change that
    /// is its own mirror (`type-changed`) or has none (`operation-moved`).
    pub fn inverse(self) -> Option<Kind> {
        match self {
            Kind::ContentTypeAdded => Some(Kind::ContentTypeRemoved),
            Kind::ContentTypeRemoved => Some(Kind::ContentTypeAdded),
            Kind::EnumAdded => Some(Kind::EnumRemoved),
            Kind::EnumRemoved => Some(Kind::EnumAdded),
            Kind::EnumValueAdded => Some(Kind::EnumValueRemoved),
            Kind::EnumValueRemoved => Some(Kind::EnumValueAdded),
            Kind::OperationAdded => Some(Kind::OperationRemoved),
            Kind::OperationRemoved => Some(Kind::OperationAdded),
            Kind::ParameterAdded => Some(Kind::ParameterRemoved),
            Kind::ParameterOptional => Some(Kind::ParameterRequired),
            Kind::ParameterRemoved => Some(Kind::ParameterAdded),
            Kind::ParameterRequired => Some(Kind::ParameterOptional),
            Kind::PropertyAdded => Some(Kind::PropertyRemoved),
            Kind::PropertyOptional => Some(Kind::PropertyRequired),
            Kind::PropertyRemoved => Some(Kind::PropertyAdded),
            Kind::PropertyRequired => Some(Kind::PropertyOptional),
            Kind::RequestBodyAdded => Some(Kind::RequestBodyRemoved),
            Kind::RequestBodyOptional => Some(Kind::RequestBodyRequired),
            Kind::RequestBodyRemoved => Some(Kind::RequestBodyAdded),
            Kind::RequestBodyRequired => Some(Kind::RequestBodyOptional),
            Kind::ResponseAdded => Some(Kind::ResponseRemoved),
            Kind::ResponseRemoved => Some(Kind::ResponseAdded),
            Kind::SecuritySchemeAdded => Some(Kind::SecuritySchemeRemoved),
            Kind::SecuritySchemeRemoved => Some(Kind::SecuritySchemeAdded),
            Kind::ServerAdded => Some(Kind::ServerRemoved),
            Kind::ServerRemoved => Some(Kind::ServerAdded),
            Kind::Deprecated => Some(Kind::Undeprecated),
            Kind::Undeprecated => Some(Kind::Deprecated),
            Kind::VariantAdded => Some(Kind::VariantRemoved),
            Kind::VariantRemoved => Some(Kind::VariantAdded),
            Kind::FixupNoLongerNeeded => Some(Kind::FixupNowNeeded),
            Kind::FixupNowNeeded => Some(Kind::FixupNoLongerNeeded),
            Kind::AdaptationNowApplies => Some(Kind::AdaptationNoLongerApplies),
            Kind::AdaptationNoLongerApplies => Some(Kind::AdaptationNowApplies),
            _ => None,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_inverses_pair_up() {
        for kind in Kind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            if let Some(inverse) = kind.inverse() {
                assert_eq!(inverse.inverse(), Some(*kind), "{kind}");
            }
        }
    }
}
