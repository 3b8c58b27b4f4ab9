//! The rules of a departure: what becomes of each open matter. Pure.

use time::{Date, OffsetDateTime};

use crate::agreements::model::{Agreement, AgreementState};
use crate::cases::model::{RequestEvent, RequestState};
use crate::departures::model::*;
use crate::kernel::{CoreError, CoreResult, PersonId, PersonRef};

/// The longest reason kept.
pub const MAX_REASON: usize = 500;

/// The reason as given: trimmed, empty as none, bounded.
pub fn reason(input: Option<&str>) -> CoreResult<Option<String>> {
    let r = input.map(str::trim).filter(|s| !s.is_empty());
    match r {
        Some(s) if s.chars().count() > MAX_REASON => Err(CoreError::invalid(
            "reason",
            format!("at most {MAX_REASON} characters"),
        )),
        r => Ok(r.map(str::to_string)),
    }
}

/// An agreement as the person's departure leaves it, or `None` when it
/// already ends by then. One in force ends on the last day; one not yet in
/// force (unsigned, or starting after the last day) ends now.
pub fn end_for_departure(
    g: &Agreement,
    last_day: Date,
    today: Date,
    by: &str,
    reason: Option<&str>,
) -> Option<Agreement> {
    let mut next = g.clone();
    match g.state {
        AgreementState::Ended | AgreementState::Expired => return None,
        AgreementState::Draft | AgreementState::AwaitingSignatures => {
            next.state = AgreementState::Ended;
            next.ends_on = Some(today.min(last_day));
        }
        AgreementState::Active if g.terms.start() > last_day => {
            next.state = AgreementState::Ended;
            next.ends_on = Some(today.min(last_day));
        }
        AgreementState::Active => {
            if g.last_day().is_some_and(|l| l <= last_day) {
                return None;
            }
            next.ends_on = Some(last_day);
        }
    }
    next.ended_by = Some(by.to_string());
    next.end_reason = reason.map(str::to_string);
    Some(next)
}

/// Everything a departure changes, from what is open for the person.
/// `event_actor` is who the request history names: the one who
/// deactivated, or the person when the system did.
pub fn departure_change(
    person: PersonId,
    departure: Departure,
    open: &OpenMatters,
    today: Date,
    (by, event_actor): (&str, &PersonRef),
) -> DepartureChange {
    let at: OffsetDateTime = departure.deactivated_at;
    let withdraw = open
        .requests
        .iter()
        .filter(|r| r.state.is_open())
        .map(|r| {
            let mut next = r.clone();
            next.state = RequestState::Withdrawn;
            let event = RequestEvent {
                at,
                actor: event_actor.clone(),
                kind: "withdrawn".into(),
                reason: departure.reason.clone(),
                policy_version: r.policy_version,
            };
            (next, r.version, event)
        })
        .collect();
    let end = open
        .agreements
        .iter()
        .filter_map(|g| {
            end_for_departure(
                g,
                departure.last_day,
                today,
                by,
                departure.reason.as_deref(),
            )
            .map(|next| (next, g.version))
        })
        .collect();
    DepartureChange {
        person,
        departure,
        withdraw,
        end,
    }
}

/// The share of the active people (in percent) an import may deactivate
/// at once unless told that many is meant: a partial export given by
/// mistake must not empty the organisation.
pub const MAX_MISSING_PERCENT: usize = 25;

/// The active people an import file leaves out (by employee number), in
/// the order given; `Rule` when they are too many and `allow_many` is not
/// set.
pub fn missing_people(
    in_file: &[&str],
    active: &[(String, PersonId)],
    allow_many: bool,
) -> CoreResult<Vec<PersonId>> {
    let present: std::collections::HashSet<&str> = in_file.iter().copied().collect();
    let missing: Vec<PersonId> = active
        .iter()
        .filter(|(number, _)| !present.contains(number.as_str()))
        .map(|(_, id)| *id)
        .collect();
    let too_many = missing.len() > 5 && missing.len() * 100 > active.len() * MAX_MISSING_PERCENT;
    if too_many && !allow_many {
        return Err(CoreError::Rule {
            field: Some("deactivate_missing".into()),
            message: format!(
                "the file leaves out {} of {} active people (more than {MAX_MISSING_PERCENT} %); \
                 if that is meant, say so (--allow-many)",
                missing.len(),
                active.len()
            ),
        });
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreements::model::Parties;
    use crate::policy::model::Place;
    use crate::policy::terms::Terms;
    use proptest::prelude::*;
    use time::macros::{date, datetime};
    use uuid::Uuid;

    fn who(n: u128) -> PersonRef {
        PersonRef {
            id: Uuid::from_u128(n).into(),
            name: format!("P{n}"),
        }
    }

    fn agreement(state: AgreementState, start: Date, end: Option<Date>) -> Agreement {
        let parties = Parties {
            request_id: Uuid::from_u128(9).into(),
            person: who(1),
            decider: who(2),
        };
        let terms = Terms::loose(2, &[], (start, end), Place::Home, None);
        Agreement {
            state,
            ..Agreement::draft(
                Uuid::from_u128(7).into(),
                parties,
                terms,
                (1, 30),
                String::new(),
            )
        }
    }

    const TODAY: Date = date!(2026 - 05 - 04);

    #[test]
    fn an_agreement_in_force_ends_on_the_last_day() {
        let g = agreement(AgreementState::Active, date!(2026 - 01 - 01), None);
        let next = end_for_departure(&g, date!(2026 - 05 - 31), TODAY, "HR", Some("slutar"));
        let next = next.expect("it changes");
        assert_eq!(next.ends_on, Some(date!(2026 - 05 - 31)));
        assert_eq!(next.state, AgreementState::Active);
        assert_eq!(next.ended_by.as_deref(), Some("HR"));
        assert_eq!(next.end_reason.as_deref(), Some("slutar"));
    }

    #[test]
    fn an_agreement_that_ends_sooner_is_left_alone() {
        let g = agreement(
            AgreementState::Active,
            date!(2026 - 01 - 01),
            Some(date!(2026 - 05 - 10)),
        );
        assert!(end_for_departure(&g, date!(2026 - 05 - 31), TODAY, "HR", None).is_none());
        let ended = agreement(AgreementState::Ended, date!(2026 - 01 - 01), None);
        assert!(end_for_departure(&ended, date!(2026 - 05 - 31), TODAY, "HR", None).is_none());
    }

    #[test]
    fn one_not_yet_in_force_ends_now() {
        for g in [
            agreement(AgreementState::Draft, date!(2026 - 06 - 01), None),
            agreement(
                AgreementState::AwaitingSignatures,
                date!(2026 - 06 - 01),
                None,
            ),
            agreement(AgreementState::Active, date!(2026 - 07 - 01), None),
        ] {
            let next = end_for_departure(&g, date!(2026 - 05 - 31), TODAY, "HR", None);
            let next = next.expect("it changes");
            assert_eq!(next.state, AgreementState::Ended);
            assert_eq!(next.ends_on, Some(TODAY));
        }
    }

    #[test]
    fn an_import_deactivates_only_those_it_leaves_out_and_never_too_many() {
        let active: Vec<(String, PersonId)> =
            (1..=40).map(|n| (n.to_string(), who(n).id)).collect();
        let numbers: Vec<String> = (1..=38).map(|n| n.to_string()).collect();
        let file: Vec<&str> = numbers.iter().map(String::as_str).collect();
        let missing = missing_people(&file, &active, false).unwrap();
        assert_eq!(missing, vec![who(39).id, who(40).id]);
        // Half the organisation left out: refused unless meant.
        let half: Vec<&str> = file[..20].to_vec();
        assert!(matches!(
            missing_people(&half, &active, false),
            Err(CoreError::Rule { .. })
        ));
        assert_eq!(missing_people(&half, &active, true).unwrap().len(), 20);
        // A small organisation may lose a few at once.
        assert_eq!(missing_people(&[], &active[..4], false).unwrap().len(), 4);
    }

    #[test]
    fn a_reason_is_trimmed_and_bounded() {
        assert_eq!(reason(Some("  ")).ok(), Some(None));
        assert_eq!(reason(Some(" slutar ")).ok(), Some(Some("slutar".into())));
        assert!(reason(Some(&"x".repeat(MAX_REASON + 1))).is_err());
    }

    proptest! {
        /// After a departure no agreement runs past the last day, and none
        /// that already ended by then is touched.
        #[test]
        fn nothing_runs_past_the_last_day(
            start in 0i64..200,
            len in proptest::option::of(0i64..400),
            last in 0i64..300,
            state in prop::sample::select(vec![
                AgreementState::Draft, AgreementState::AwaitingSignatures,
                AgreementState::Active, AgreementState::Ended, AgreementState::Expired,
            ]),
        ) {
            let base = date!(2026 - 01 - 01);
            let start = base + time::Duration::days(start);
            let end = len.map(|l| start + time::Duration::days(l));
            let last_day = base + time::Duration::days(last);
            let g = agreement(state, start, end);
            let departure = Departure {
                deactivated_at: datetime!(2026-05-04 10:00 UTC),
                last_day,
                reason: None,
            };
            let open = OpenMatters { agreements: vec![g.clone()], ..OpenMatters::default() };
            let change = departure_change(who(1).id, departure, &open, TODAY, ("HR", &who(3)));
            for (next, version) in &change.end {
                prop_assert_eq!(*version, g.version);
                prop_assert!(next.last_day().is_some_and(|l| l <= last_day.max(TODAY)));
            }
            let untouched = change.end.is_empty();
            let already_over = matches!(state, AgreementState::Ended | AgreementState::Expired)
                || (state == AgreementState::Active && g.last_day().is_some_and(|l| l <= last_day));
            prop_assert_eq!(untouched, already_over);
        }
    }
}
