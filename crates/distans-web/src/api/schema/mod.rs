//! The API's own types: what goes over the wire and what the OpenAPI
//! document describes. The domain knows nothing of either; each type here
//! is made from the domain's (responses) or made into it (request bodies),
//! so a change in the domain cannot change the API unnoticed. Grouped as
//! the handlers are.

use std::collections::BTreeMap;

use serde_json::Value;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A value turned from the domain's type into the API's, or back.
pub trait Wire<T> {
    fn wire(self) -> T;
}

/// Values that are the same in the domain and on the wire.
macro_rules! same_on_the_wire {
    ($($t:ty),* $(,)?) => {
        $(impl Wire<$t> for $t {
            fn wire(self) -> $t {
                self
            }
        })*
    };
}

same_on_the_wire!(
    String,
    bool,
    i32,
    i64,
    u8,
    u16,
    u64,
    f64,
    Uuid,
    Date,
    OffsetDateTime,
    Value,
    BTreeMap<String, String>,
    BTreeMap<String, Value>,
);

/// The domain's ids travel as plain UUIDs.
macro_rules! ids_on_the_wire {
    ($($t:ty),* $(,)?) => {
        $(impl Wire<Uuid> for $t {
            fn wire(self) -> Uuid {
                self.uuid()
            }
        }

        impl Wire<$t> for Uuid {
            fn wire(self) -> $t {
                self.into()
            }
        })*
    };
}

distans_core::for_each_id!(ids_on_the_wire);

impl<A: Wire<B>, B> Wire<Vec<B>> for Vec<A> {
    fn wire(self) -> Vec<B> {
        self.into_iter().map(Wire::wire).collect()
    }
}

impl<A: Wire<B>, B> Wire<Option<B>> for Option<A> {
    fn wire(self) -> Option<B> {
        self.map(Wire::wire)
    }
}

/// `From` (and `Wire`) between two structs, field by field: the fields
/// named are the ones on the wire. For a request body, every field of the
/// domain's type is named, so a new one there is a compile error here.
macro_rules! wire_struct {
    ($from:ty => $to:ty { $($f:ident),* $(,)? }) => {
        impl From<$from> for $to {
            fn from(v: $from) -> Self {
                Self {
                    $($f: $crate::api::schema::Wire::wire(v.$f)),*
                }
            }
        }

        impl $crate::api::schema::Wire<$to> for $from {
            fn wire(self) -> $to {
                <$to>::from(self)
            }
        }
    };
}

/// An enum of the API mirroring one of the domain's, variant by variant,
/// with `From` both ways: a variant added on either side is a compile error
/// until the other has it too.
macro_rules! wire_enum {
    (
        $(#[$($m:tt)*])*
        pub enum $name:ident = $core:ty {
            $($(#[$($vm:tt)*])* $v:ident),* $(,)?
        }
    ) => {
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
        )]
        $(#[$($m)*])*
        pub enum $name {
            $($(#[$($vm)*])* $v),*
        }

        #[cfg(test)]
        impl $name {
            /// Every variant, for the tests.
            pub(crate) const ALL: &'static [$name] = &[$($name::$v),*];
        }

        impl $crate::api::schema::Wire<$name> for $core {
            fn wire(self) -> $name {
                match self {
                    $(Self::$v => $name::$v),*
                }
            }
        }

        impl From<$core> for $name {
            fn from(v: $core) -> Self {
                $crate::api::schema::Wire::wire(v)
            }
        }

        impl From<$name> for $core {
            fn from(v: $name) -> Self {
                match v {
                    $($name::$v => Self::$v),*
                }
            }
        }

        impl $crate::api::schema::Wire<$core> for $name {
            fn wire(self) -> $core {
                self.into()
            }
        }
    };
}

pub mod cases;
mod common;
pub mod deviations;
pub mod equipment;
pub mod followups;
pub mod org;
pub mod plan;

pub use common::{Language, Page, PersonRef, Role, UnitRef, Weekday};

#[cfg(test)]
mod tests {
    use super::{cases, deviations, equipment, followups, org, plan, Language, Role, Weekday};
    use serde::Serialize;

    /// Every variant is spelt on the wire as the domain spells it.
    fn spelt_alike<W, C>(all: &[W])
    where
        W: Copy + Serialize + Into<C>,
        C: Serialize,
    {
        assert!(!all.is_empty());
        for w in all {
            let ours = serde_json::to_value(w).ok();
            let domain: C = (*w).into();
            let domains = serde_json::to_value(domain).ok();
            assert!(ours.is_some());
            assert_eq!(ours, domains);
        }
    }

    #[test]
    fn enums_are_spelt_as_the_domain_spells_them() {
        use distans_core as core;
        spelt_alike::<_, core::kernel::Role>(Role::ALL);
        spelt_alike::<_, core::kernel::Language>(Language::ALL);
        spelt_alike::<_, core::kernel::dates::Weekday>(Weekday::ALL);
        spelt_alike::<_, core::org::UnitKind>(org::UnitKind::ALL);
        spelt_alike::<_, core::org::CommuteMode>(org::CommuteMode::ALL);
        spelt_alike::<_, core::policy::Decider>(cases::Decider::ALL);
        spelt_alike::<_, core::policy::Place>(cases::Place::ALL);
        spelt_alike::<_, core::cases::RequestState>(cases::RequestState::ALL);
        spelt_alike::<_, core::cases::Decision>(cases::Decision::ALL);
        spelt_alike::<_, core::agreements::AgreementState>(cases::AgreementState::ALL);
        spelt_alike::<_, core::plan::DayState>(plan::DayState::ALL);
        spelt_alike::<_, core::plan::Source>(plan::Source::ALL);
        spelt_alike::<_, core::plan::Part>(plan::Part::ALL);
        spelt_alike::<_, core::kernel::gap::RuleKind>(plan::RuleKind::ALL);
        spelt_alike::<_, core::equipment::ItemKind>(equipment::ItemKind::ALL);
        spelt_alike::<_, core::equipment::Category>(equipment::Category::ALL);
        spelt_alike::<_, core::equipment::ItemState>(equipment::ItemState::ALL);
        spelt_alike::<_, core::deviations::DeviationKind>(deviations::DeviationKind::ALL);
        spelt_alike::<_, core::deviations::DeviationState>(deviations::DeviationState::ALL);
        spelt_alike::<_, core::followup::checklist::QuestionType>(followups::QuestionType::ALL);
        spelt_alike::<_, core::followup::FollowUpKind>(followups::FollowUpKind::ALL);
        spelt_alike::<_, core::followup::FollowUpState>(followups::FollowUpState::ALL);
        spelt_alike::<_, core::followup::ActionState>(followups::ActionState::ALL);
    }
}
