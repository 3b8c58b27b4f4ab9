//! The ids of what the product holds, one type each, so that a unit's id
//! cannot be passed where a person's is meant. They are UUIDs underneath
//! (time-ordered when made here) and travel as such in JSON, URLs and the
//! database; they become their own type the moment they enter the core and
//! stay so down to the store.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! ids {
    ($d:tt $($(#[$meta:meta])* $name:ident),* $(,)?) => {
        /// Calls the macro `$m` once with every id type:
        /// `for_each_id!(m)` is `m!(distans_core::kernel::PersonId, …)`, so
        /// code outside the core that needs something for each id (reading
        /// one from a row, writing one on the wire) does not list them again.
        #[macro_export]
        macro_rules! for_each_id {
            ($d m:ident) => {
                $d m!($($crate::kernel::$name),*);
            };
        }

        $(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new id, ordered by the time it was made.
            pub fn new() -> $name {
                $name(Uuid::now_v7())
            }

            /// The id of a fixed number (for examples and tests).
            pub const fn from_u128(n: u128) -> $name {
                $name(Uuid::from_u128(n))
            }

            /// The nil id: matches nothing stored.
            pub const fn nil() -> $name {
                $name(Uuid::nil())
            }

            /// The UUID underneath, for the database and the wire.
            pub const fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            /// The nil id: matches nothing stored.
            fn default() -> $name {
                $name::nil()
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> $name {
                $name(u)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<$name, uuid::Error> {
                Uuid::from_str(s).map($name)
            }
        }
        )*
    };
}

ids! {
    $
    /// A person (an employee, a manager, anyone who signs in).
    PersonId,
    /// A unit of the organisation.
    UnitId,
    /// A site (an office with desks).
    SiteId,
    /// A request for remote work.
    RequestId,
    /// A written agreement on remote work.
    AgreementId,
    /// A temporary (crisis) decision.
    TemporaryDecisionId,
    /// An absence.
    AbsenceId,
    /// A coverage rule of a unit.
    CoverageRuleId,
    /// A reported deviation.
    DeviationId,
    /// An item of equipment.
    ItemId,
    /// A loan of an item.
    LoanId,
    /// A follow-up or risk assessment.
    FollowUpId,
    /// An action decided in a follow-up.
    FollowUpActionId,
    /// A version of the remote-work policy.
    PolicyVersionId,
    /// A published rotation plan.
    RotationPlanId,
    /// A run of the rotation planner.
    PlannerRunId,
    /// A person's API token.
    TokenId,
    /// A notification in the app.
    NotificationId,
    /// An e-mail waiting in the outbox.
    MailId,
    /// One worker's hold on the outbox mails it claimed.
    LeaseId,
    /// A provisioning client's (SCIM) token.
    ScimTokenId,
    /// A group a provisioning client keeps.
    ScimGroupId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_write_as_uuids() {
        let p = PersonId::new();
        assert_eq!(p.to_string().parse::<PersonId>().unwrap(), p);
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            format!("\"{}\"", p.uuid())
        );
        let back: PersonId = serde_json::from_str(&format!("\"{p}\"")).unwrap();
        assert_eq!(back, p);
        assert!("not-an-id".parse::<UnitId>().is_err());
        assert_eq!(UnitId::nil().uuid(), Uuid::nil());
    }
}
