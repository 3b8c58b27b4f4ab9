//! Generators of the plan's values for the property tests of the features
//! that read the plan (coverage, occasional days, redeployment, the plan).

use proptest::prelude::*;

use super::model::{DayState, Part};

/// Any day state: workplace, remote, other or absent.
pub(crate) fn state() -> impl Strategy<Value = DayState> {
    prop_oneof![
        Just(DayState::Workplace),
        Just(DayState::Remote),
        Just(DayState::Other),
        Just(DayState::Absent),
    ]
}

/// The whole day (none), the morning or the afternoon.
pub(crate) fn part() -> impl Strategy<Value = Option<Part>> {
    prop_oneof![Just(None), Just(Some(Part::Am)), Just(Some(Part::Pm))]
}
