//! Stored values read back into domain values. Every state, kind, role,
//! day state, range and JSON document a column keeps is parsed strictly: a
//! value the domain does not know is an internal error naming its table
//! and column (logged, never shown), never a default.

use serde::de::DeserializeOwned;
use time::Date;

use distans_core::agreements::AgreementState;
use distans_core::cases::RequestState;
use distans_core::deviations::{DeviationKind, DeviationState};
use distans_core::equipment::{ItemKind, ItemState};
use distans_core::followup::{ActionState, FollowUpKind, FollowUpState};
use distans_core::kernel::dates::Weekdays;
use distans_core::kernel::gap::RuleKind;
use distans_core::kernel::Role;
use distans_core::org::{CommuteMode, UnitKind};
use distans_core::plan::{DayState, Part};
use distans_core::policy::{Decider, Place, RemoteDays, Terms};

use crate::error::{StoreError, StoreResult};

/// A domain value kept as a short text.
pub(crate) trait Stored: Copy + 'static {
    /// Every value a column may hold, in the order reading prefers.
    const ALL: &'static [Self];

    /// The text the value is kept as.
    fn stored(self) -> &'static str;

    /// The value kept in `column` (`table.column`) as `text`.
    fn read(column: &str, text: &str) -> StoreResult<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.stored() == text)
            .ok_or_else(|| invalid(column, text))
    }

    /// An optional value kept in `column`.
    fn read_opt(column: &str, text: Option<&str>) -> StoreResult<Option<Self>> {
        text.map(|t| Self::read(column, t)).transpose()
    }
}

/// `Stored` for an enum: each variant's text, by the domain's own `as_str`
/// (or the texts given here), with a match that stops compiling when the
/// domain gains a variant the store does not keep yet. Variants after
/// `never` are not stored in any column.
macro_rules! stored {
    ($t:ident by $text:ident: $($v:ident),+ $(; never $($n:ident),+)?) => {
        impl Stored for $t {
            const ALL: &'static [$t] = &[$($t::$v),+];
            fn stored(self) -> &'static str {
                match self {
                    $($t::$v)|+ $($(| $t::$n)+)? => $t::$text(self),
                }
            }
        }
    };
    ($t:ident { $($v:ident => $s:literal),+ $(,)? }) => {
        impl Stored for $t {
            const ALL: &'static [$t] = &[$($t::$v),+];
            fn stored(self) -> &'static str {
                match self {
                    $($t::$v => $s),+
                }
            }
        }
    };
}

stored!(RequestState by as_str: Submitted, ChangesRequested, Approved, Declined, Withdrawn);
stored!(AgreementState by as_str: Draft, AwaitingSignatures, Active, Ended, Expired);
stored!(Decider by as_str: Manager, Hr);
stored!(Place { Home => "home", Other => "other" });
stored!(DayState { Workplace => "workplace", Remote => "remote", Other => "other", Absent => "absent" });
stored!(Part { Am => "am", Pm => "pm" });
stored!(UnitKind by as_str: Kommun, Forvaltning, Avdelning, Enhet);
stored!(CommuteMode by as_str: Car, CarPetrol, CarDiesel, CarElectric, CarHybrid, CarPool, Bus, Train, PublicTransport, Bicycle, Walk);
stored!(Role by as_str: Hr, Admin, Auditor, Director, Records; never Employee, Manager, Provisioning);
stored!(RuleKind by as_str: MinOnsite, MaxDesks);
stored!(FollowUpKind by as_str: RiskAssessment, FollowUp, DevelopmentTalk);
// Kept as `open`, `done` or `cancelled`; an open one reads as due (the
// core knows today and tells due from overdue).
stored!(FollowUpState by stored: Due, Done, Cancelled; never Overdue);
stored!(ActionState by as_str: Open, Closed);
stored!(DeviationKind by as_str: WorkEnvironment, InformationSecurity, Presence, Equipment, Other);
stored!(DeviationState by as_str: Reported, Acknowledged, Closed);
stored!(ItemKind by as_str: Laptop, Phone, Screen, Keyboard, Mouse, Headset, DockingStation, LaptopStand, Other);
stored!(ItemState by as_str: Available, OnLoan, InRepair, Retired);

/// The internal error of a stored value that is not a valid domain value.
pub(crate) fn invalid(column: &str, value: impl std::fmt::Debug) -> StoreError {
    crate::error::invalid_stored(column, value)
}

/// A JSON document kept in `column` as text (read with `CAST(… AS TEXT)`).
pub(crate) fn json<T: DeserializeOwned>(column: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| invalid(column, format!("{text} ({e})")))
}

/// An optional JSON document kept in `column`.
pub(crate) fn json_opt<T: DeserializeOwned>(
    column: &str,
    text: Option<&str>,
) -> StoreResult<Option<T>> {
    text.map(|t| json(column, t)).transpose()
}

/// Days a week (1–5) kept in `column`.
pub(crate) fn days(column: &str, n: i64) -> StoreResult<u8> {
    match u8::try_from(n) {
        Ok(d) if (1..=5).contains(&d) => Ok(d),
        _ => Err(invalid(column, n)),
    }
}

/// The terms of an arrangement kept in `table`'s columns, read back only
/// when they hold together as [`Terms::new`] requires.
pub(crate) fn terms(
    table: &str,
    days_per_week: i64,
    weekdays: &str,
    place: &str,
    place_address: Option<String>,
    period: (Date, Option<Date>),
) -> StoreResult<Terms> {
    let column = |c: &str| format!("{table}.{c}");
    let days = RemoteDays::new(days_per_week)
        .map_err(|_| invalid(&column("days_per_week"), days_per_week))?;
    let weekdays: Weekdays = json(&column("weekdays"), weekdays)?;
    let place = Place::read(&column("place"), place)?;
    Terms::new(days, weekdays, period, place, place_address)
        .map_err(|e| invalid(&column(e.field().unwrap_or("terms")), e.to_string()))
}

/// The unit ids of a unit path (`/id/id/…/`) kept in `column`.
pub(crate) fn path_ids(column: &str, path: &str) -> StoreResult<Vec<uuid::Uuid>> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| uuid::Uuid::parse_str(s).map_err(|_| invalid(column, path)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_errors_not_defaults() {
        assert!(AgreementState::read("agreements.state", "draft").is_ok());
        assert!(AgreementState::read("agreements.state", "signed").is_err());
        assert!(
            FollowUpState::read("followups.state", "open").is_ok_and(|s| s == FollowUpState::Due)
        );
        assert!(Role::read("person_roles.role", "employee").is_err());
        assert!(days("requests.days_per_week", 0).is_err());
        assert!(days("requests.days_per_week", 6).is_err());
        assert!(json::<Vec<distans_core::kernel::dates::Weekday>>(
            "requests.weekdays",
            "[\"sun\"]"
        )
        .is_err());
        assert!(path_ids("units.path", "/not-a-uuid/").is_err());
    }
}
