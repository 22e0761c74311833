//! The kinds of change the report knows: one line each.
//!
//! A line is `Variant = "json-name"`, followed by `<-> Other` when the same
//! change seen with the two documents swapped is `Other` (written once, on
//! one of the two lines). The enum, [`Kind::ALL`], [`Kind::as_str`] and
//! [`Kind::inverse`] all come from that line.

use serde::Serialize;

macro_rules! kinds {
    ($($variant:ident = $name:literal $(<-> $inverse:ident)?;)*) => {
        /// What kind of change a [`Change`](crate::Change) is. Serialized as
        /// its kebab-case name (`property-added`), as in the documented JSON.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[non_exhaustive]
        pub enum Kind {
            $(
                #[doc = concat!("`", $name, "`")]
                #[serde(rename = $name)]
                $variant,
            )*
        }

        impl Kind {
            /// Every kind.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// Its name, as in the JSON form (`property-added`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                }
            }

            /// The kind the same change has when the two documents are
            /// swapped (`property-added` ↔ `property-removed`); `None` for a
            /// change that is its own mirror (`type-changed`) or has none.
            pub fn inverse(self) -> Option<Kind> {
                $($(
                    if self == Kind::$variant {
                        return Some(Kind::$inverse);
                    }
                    if self == Kind::$inverse {
                        return Some(Kind::$variant);
                    }
                )?)*
                None
            }
        }
    };
}

kinds! {
    AccessChanged = "access-changed";
    AdaptationChanged = "adaptation-changed";
    AdaptationNoLongerApplies = "adaptation-no-longer-applies";
    AdaptationNowApplies = "adaptation-now-applies" <-> AdaptationNoLongerApplies;
    AdditionalPropertiesChanged = "additional-properties-changed";
    ContentTypeAdded = "content-type-added" <-> ContentTypeRemoved;
    ContentTypeRemoved = "content-type-removed";
    Deprecated = "deprecated" <-> Undeprecated;
    EnumAdded = "enum-added" <-> EnumRemoved;
    EnumClosed = "enum-closed" <-> EnumOpened;
    EnumOpened = "enum-opened";
    EnumRemoved = "enum-removed";
    EnumValueAdded = "enum-value-added" <-> EnumValueRemoved;
    EnumValueRemoved = "enum-value-removed";
    FixupNoLongerNeeded = "fixup-no-longer-needed" <-> FixupNowNeeded;
    FixupNowNeeded = "fixup-now-needed";
    FormatChanged = "format-changed";
    InfoChanged = "info-changed";
    NotCompared = "not-compared";
    NullableChanged = "nullable-changed";
    OperationAdded = "operation-added" <-> OperationRemoved;
    OperationMoved = "operation-moved";
    OperationRemoved = "operation-removed";
    OperationRenamed = "operation-renamed";
    ParameterAdded = "parameter-added" <-> ParameterRemoved;
    ParameterMoved = "parameter-moved";
    ParameterOptional = "parameter-optional" <-> ParameterRequired;
    ParameterRemoved = "parameter-removed";
    ParameterRenamed = "parameter-renamed";
    ParameterRequired = "parameter-required";
    PropertyAdded = "property-added" <-> PropertyRemoved;
    PropertyOptional = "property-optional" <-> PropertyRequired;
    PropertyRemoved = "property-removed";
    PropertyRequired = "property-required";
    RequestBodyAdded = "request-body-added" <-> RequestBodyRemoved;
    RequestBodyOptional = "request-body-optional" <-> RequestBodyRequired;
    RequestBodyRemoved = "request-body-removed";
    RequestBodyRequired = "request-body-required";
    ResponseAdded = "response-added" <-> ResponseRemoved;
    ResponseRemoved = "response-removed";
    ScopesChanged = "scopes-changed";
    SecurityChanged = "security-changed";
    SecuritySchemeAdded = "security-scheme-added" <-> SecuritySchemeRemoved;
    SecuritySchemeChanged = "security-scheme-changed";
    SecuritySchemeRemoved = "security-scheme-removed";
    SecuritySchemeRenamed = "security-scheme-renamed";
    ServerAdded = "server-added" <-> ServerRemoved;
    ServerRemoved = "server-removed";
    ServersChanged = "servers-changed";
    TypeChanged = "type-changed";
    TypeNameChanged = "type-name-changed";
    TypeRenamed = "type-renamed";
    TypeReplaced = "type-replaced";
    Undeprecated = "undeprecated";
    VariantAdded = "variant-added" <-> VariantRemoved;
    VariantRemoved = "variant-removed";
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
        let mut names = std::collections::BTreeSet::new();
        for kind in Kind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert!(names.insert(kind.as_str()), "{kind} named twice");
            if let Some(inverse) = kind.inverse() {
                assert_ne!(inverse, *kind);
                assert_eq!(inverse.inverse(), Some(*kind), "{kind}");
            }
        }
        assert_eq!(Kind::EnumValueRemoved.inverse(), Some(Kind::EnumValueAdded));
        assert_eq!(Kind::TypeChanged.inverse(), None);
    }
}
