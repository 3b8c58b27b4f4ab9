//! When follow-ups are due, and who takes part. Pure.

use crate::kernel::AgreementId;
use std::collections::BTreeMap;

use time::Date;
use uuid::Uuid;

use crate::access::{self, Listing};
use crate::followup::model::*;
use crate::kernel::{Actor, PersonRef};

/// `d` plus `months`, the day clamped to the month's length (31 Jan + 1 =
/// 28/29 Feb); `None` past the last year `time` can hold.
pub fn add_months(d: Date, months: u32) -> Option<Date> {
    let total = i64::from(d.year()) * 12 + i64::from(d.month() as u8) - 1 + i64::from(months);
    let y = i32::try_from(total.div_euclid(12)).ok()?;
    let m = u8::try_from(total.rem_euclid(12) + 1).ok()?;
    let month = time::Month::try_from(m).ok()?;
    Date::from_calendar_date(y, month, d.day().min(month.length(y))).ok()
}

pub(crate) fn new_followup(
    kind: FollowUpKind,
    person: PersonRef,
    unit_path: &str,
    agreement: Option<AgreementId>,
    due: Date,
) -> FollowUp {
    FollowUp {
        id: Uuid::now_v7().into(),
        kind,
        person,
        unit_path: unit_path.to_string(),
        agreement_id: agreement,
        due,
        state: FollowUpState::Due,
        template_key: kind.template_key().to_string(),
        template_version: None,
        answers: BTreeMap::new(),
        comments: BTreeMap::new(),
        employee_confirmed: None,
        manager_confirmed: None,
        completed_at: None,
        open_actions: 0,
        version: 1,
    }
}

/// The follow-ups of an agreement that has just become active: a risk
/// assessment due on its first day, then a follow-up every
/// `interval_months` from the start up to its last day (open-ended: for
/// [`OPEN_ENDED_MONTHS`]); a period shorter than the interval gets one
/// follow-up on its last day.
pub fn schedule(g: &Term, unit_path: &str, interval_months: u8) -> Vec<FollowUp> {
    let person = g.person.clone();
    let mut out = vec![new_followup(
        FollowUpKind::RiskAssessment,
        person.clone(),
        unit_path,
        Some(g.agreement),
        g.start,
    )];
    let interval = u32::from(interval_months.max(1));
    let until = g
        .last_day
        .or_else(|| add_months(g.start, OPEN_ENDED_MONTHS))
        .unwrap_or(g.start);
    let due = |k: u32| {
        interval
            .checked_mul(k)
            .and_then(|n| add_months(g.start, n))
            .filter(|due| *due <= until)
    };
    let mut k: u32 = 1;
    while let Some(due) = due(k) {
        out.push(new_followup(
            FollowUpKind::FollowUp,
            person.clone(),
            unit_path,
            Some(g.agreement),
            due,
        ));
        k = k.saturating_add(1);
    }
    if out.len() == 1 && until > g.start {
        out.push(new_followup(
            FollowUpKind::FollowUp,
            person,
            unit_path,
            Some(g.agreement),
            until,
        ));
    }
    out
}

/// Whose follow-ups a list holds for the actor (the access policy's scope).
pub(crate) fn scope_of(actor: &Actor) -> FollowUpScope {
    match access::scope(actor, Listing::FollowUps).under() {
        None => FollowUpScope::All,
        Some(under) => FollowUpScope::Mine {
            person: actor.person_id,
            under,
        },
    }
}

pub(crate) fn me_ref(actor: &Actor) -> PersonRef {
    PersonRef {
        id: actor.person_id,
        name: actor.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::PersonId;
    use crate::kernel::Role;
    use time::macros::date;

    fn agreement(start: Date, end: Option<Date>) -> Term {
        Term {
            agreement: AgreementId::nil(),
            person: PersonRef {
                id: Uuid::from_u128(1).into(),
                name: "Anna".into(),
            },
            start,
            last_day: end,
        }
    }

    fn dues(v: &[FollowUp]) -> Vec<(FollowUpKind, Date)> {
        v.iter().map(|f| (f.kind, f.due)).collect()
    }

    #[test]
    fn months_are_added_with_the_day_clamped() {
        assert_eq!(
            add_months(date!(2026 - 01 - 31), 1),
            Some(date!(2026 - 02 - 28))
        );
        assert_eq!(
            add_months(date!(2028 - 01 - 31), 1),
            Some(date!(2028 - 02 - 29))
        );
        assert_eq!(
            add_months(date!(2026 - 11 - 15), 6),
            Some(date!(2027 - 05 - 15))
        );
        assert_eq!(
            add_months(date!(2026 - 12 - 01), 24),
            Some(date!(2028 - 12 - 01))
        );
        assert_eq!(add_months(Date::MAX, 1), None, "past what time can hold");
        assert_eq!(add_months(date!(2026 - 12 - 01), u32::MAX), None);
    }

    #[test]
    fn an_agreement_gets_a_risk_assessment_and_follow_ups_up_to_its_end() {
        use FollowUpKind::*;
        let g = agreement(date!(2026 - 01 - 15), Some(date!(2026 - 12 - 31)));
        assert_eq!(
            dues(&schedule(&g, "/u/", 6)),
            [
                (RiskAssessment, date!(2026 - 01 - 15)),
                (FollowUp, date!(2026 - 07 - 15)),
            ]
        );
        assert_eq!(schedule(&g, "/u/", 3).len(), 4);
        // Open-ended: two years.
        let g = agreement(date!(2026 - 01 - 15), None);
        let s = schedule(&g, "/u/", 6);
        assert_eq!(s.len(), 5);
        assert_eq!(s[4].due, date!(2028 - 01 - 15));
        // Shorter than the interval: one follow-up on the last day.
        let g = agreement(date!(2026 - 01 - 15), Some(date!(2026 - 03 - 31)));
        assert_eq!(
            dues(&schedule(&g, "/u/", 6)),
            [
                (RiskAssessment, date!(2026 - 01 - 15)),
                (FollowUp, date!(2026 - 03 - 31)),
            ]
        );
        assert!(schedule(&g, "/u/", 6)
            .iter()
            .all(|f| f.agreement_id == Some(g.agreement) && f.unit_path == "/u/"));
    }

    #[test]
    fn state_is_computed_from_today() {
        let d = date!(2026 - 05 - 10);
        assert_eq!(
            FollowUpState::of("open", d, date!(2026 - 05 - 10)),
            FollowUpState::Due
        );
        assert_eq!(
            FollowUpState::of("open", d, date!(2026 - 05 - 11)),
            FollowUpState::Overdue
        );
        assert_eq!(
            FollowUpState::of("done", d, date!(2026 - 06 - 11)),
            FollowUpState::Done
        );
    }

    #[test]
    fn who_sees_whose_follow_ups() {
        use crate::kernel::{ManagedUnit, UnitRef};
        let mut a = Actor {
            language: Default::default(),
            person_id: PersonId::from_u128(4),
            name: "Karin".into(),
            unit: UnitRef {
                id: Uuid::nil().into(),
                name: "U".into(),
            },
            roles: vec![Role::Employee, Role::Manager],
            manages: vec![ManagedUnit {
                id: Uuid::nil().into(),
                name: "M".into(),
                path: "/k/a/".into(),
            }],
        };
        assert_eq!(
            scope_of(&a),
            FollowUpScope::Mine {
                person: PersonId::from_u128(4),
                under: vec!["/k/a/".into()]
            }
        );
        assert_eq!(me_ref(&a).name, "Karin");
        a.roles.push(Role::Hr);
        assert_eq!(scope_of(&a), FollowUpScope::All);
        for k in [
            FollowUpKind::RiskAssessment,
            FollowUpKind::FollowUp,
            FollowUpKind::DevelopmentTalk,
        ] {
            assert_eq!(FollowUpKind::parse(k.as_str()), k);
        }
        assert_eq!(FollowUpKind::DevelopmentTalk.template_key(), "uppfoljning");
        assert_eq!(FollowUpState::Overdue.stored(), "open");
        assert!(StateFilter::parse("later").is_err());
    }

    #[test]
    fn an_agreement_ending_on_its_start_day_gets_only_the_risk_assessment() {
        let d = date!(2026 - 01 - 15);
        let s = schedule(&agreement(d, Some(d)), "/u/", 6);
        assert_eq!(dues(&s), [(FollowUpKind::RiskAssessment, d)]);
        assert!(s
            .iter()
            .all(|f| f.state == FollowUpState::Due && f.version == 1));
        assert_eq!(s[0].template_key, "riskbedomning");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;
        use time::Duration;

        fn day() -> impl Strategy<Value = Date> {
            (0i64..3000).prop_map(|n| date!(2024 - 01 - 01) + Duration::days(n))
        }

        proptest! {
            /// Adding months keeps the day where the month has it, else the
            /// month's last day, and lands in the right month.
            #[test]
            fn months_are_added_in_whole_months(d in day(), months in 0u32..40) {
                let r = add_months(d, months).unwrap();
                let total = |x: Date| x.year() * 12 + x.month() as i32 - 1;
                prop_assert_eq!(total(r) - total(d), months as i32);
                let last = r.month().length(r.year());
                prop_assert_eq!(r.day(), d.day().min(last));
                prop_assert!(r >= d);
            }

            /// A schedule starts with the risk assessment on the first day,
            /// then follow-ups in order every interval up to the last day (or
            /// two years), and at least one follow-up when the period is
            /// longer than a day.
            #[test]
            fn follow_ups_are_in_order_within_the_period(
                start in day(),
                len in proptest::option::of(prop_oneof![0i64..3, 0i64..1000]),
                interval in 0u8..=24,
            ) {
                let last = len.map(|n| start + Duration::days(n));
                let s = schedule(&agreement(start, last), "/u/", interval);
                prop_assert_eq!((s[0].kind, s[0].due), (FollowUpKind::RiskAssessment, start));
                let until = last.unwrap_or_else(|| add_months(start, OPEN_ENDED_MONTHS).unwrap());
                prop_assert!(s[1..].iter().all(|f| f.kind == FollowUpKind::FollowUp && f.due > start && f.due <= until));
                prop_assert!(s.windows(2).all(|w| w[0].due < w[1].due));
                prop_assert_eq!(s.len() > 1, until > start);
                let step = u32::from(interval.max(1));
                if s.len() > 2 {
                    prop_assert_eq!(Some(s[1].due), add_months(start, step));
                }
            }
        }
    }
}
