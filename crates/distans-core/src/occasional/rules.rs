//! The rules of occasional days: which days may be changed at all, and how
//! many remote days a week the policy (or a temporary decision's wider
//! limit) allows. Pure.

use time::{Date, Duration};

use crate::kernel::calendar::{iso_week, week_monday, WorkCalendar};
use crate::kernel::dates::plus_days_clamped;
use crate::kernel::{CoreError, CoreResult};
use crate::occasional::model::DayChange;
use crate::plan::model::{DayState, PersonRules};
use crate::policy::model::PolicyRules;

/// A change may be made on a workday that is not locked in the past, and
/// never sets an absence (absences are entered or imported).
pub fn check_day(
    change: &DayChange,
    cal: &WorkCalendar,
    today: Date,
    lock_days: i64,
) -> CoreResult<()> {
    let day = change.day;
    if let Some(why) = cal.day_off(day) {
        return Err(CoreError::Rule {
            field: Some("date".into()),
            message: format!("{day} is not a workday ({why})"),
        });
    }
    if day < plus_days_clamped(today, lock_days.saturating_neg()) {
        return Err(CoreError::Rule {
            field: Some("date".into()),
            message: format!("{day} has passed and can no longer be changed"),
        });
    }
    if change.state == Some(DayState::Absent) {
        return Err(CoreError::invalid(
            "state",
            "absences are entered or imported, not set as an occasional day",
        ));
    }
    Ok(())
}

/// The week's limit of occasional remote days: the policy's, widened by a
/// temporary decision in force (never narrowed by one); none: no limit.
pub fn week_limit(policy: &PolicyRules, crisis: Option<u8>) -> Option<u8> {
    match (policy.occasional_days_per_week, crisis) {
        (Some(p), Some(c)) => Some(p.max(c)),
        (p, _) => p,
    }
}

/// Remote occasional days already set in the week of `day`, `day` itself
/// not counted (a half day counts ½).
pub fn used_in_week(rules: Option<&PersonRules>, day: Date) -> f64 {
    let (monday, friday) = week_of(day);
    rules
        .map(|r| {
            r.occasional
                .range(monday..=friday)
                .filter(|(d, o)| **d != day && o.state == DayState::Remote)
                .map(|(_, o)| if o.part.is_some() { 0.5 } else { 1.0 })
                .sum()
        })
        .unwrap_or(0.0)
}

/// Monday to Friday of the ISO week of `day` (the Friday after the last
/// day `time` can hold is that day).
pub fn week_of(day: Date) -> (Date, Date) {
    let (y, w) = iso_week(day);
    let monday = week_monday(y, w).unwrap_or(day);
    let friday = monday.checked_add(Duration::days(4)).unwrap_or(Date::MAX);
    (monday, friday)
}

/// A remote day is refused for secrecy-classified tasks, and beyond the
/// week's limit.
pub fn check_remote(
    change: &DayChange,
    skills: &[String],
    policy: &PolicyRules,
    limit: Option<u8>,
    used: f64,
) -> CoreResult<()> {
    if change.state != Some(DayState::Remote) {
        return Ok(());
    }
    if let Some(t) = skills.iter().find(|t| policy.secrecy_tasks.contains(t)) {
        return Err(CoreError::Rule {
            field: Some("state".into()),
            message: format!("the task \"{t}\" is secrecy-classified and is done on site"),
        });
    }
    if let Some(limit) = limit {
        if used + change.remote_weight() > f64::from(limit) {
            let (_, w) = iso_week(change.day);
            return Err(CoreError::Rule {
                field: Some("state".into()),
                message: format!(
                    "at most {limit} occasional remote days a week (v. {w}: {used} already)"
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::model::{Occasional, Part};
    use time::macros::date;

    fn change(day: Date, state: Option<DayState>, part: Option<Part>) -> DayChange {
        DayChange { day, state, part }
    }

    fn policy(per_week: Option<u8>) -> PolicyRules {
        PolicyRules {
            occasional_days_per_week: per_week,
            secrecy_tasks: vec!["sekretess".into()],
            ..PolicyRules::default()
        }
    }

    #[test]
    fn only_open_workdays_may_be_changed() {
        let cal = WorkCalendar::new([date!(2026 - 12 - 28)]);
        let today = date!(2026 - 12 - 21);
        let remote = Some(DayState::Remote);
        assert!(check_day(&change(date!(2026 - 12 - 22), remote, None), &cal, today, 0).is_ok());
        let e = check_day(&change(date!(2026 - 12 - 25), remote, None), &cal, today, 0);
        assert!(
            e.unwrap_err().to_string().contains("not a workday"),
            "Christmas Day"
        );
        let e = check_day(&change(date!(2026 - 12 - 28), remote, None), &cal, today, 0);
        assert!(e.is_err(), "a closed day");
        let e = check_day(&change(date!(2026 - 12 - 19), remote, None), &cal, today, 0);
        assert!(e.is_err(), "a Saturday");
        let past = change(date!(2026 - 12 - 18), remote, None);
        assert!(check_day(&past, &cal, today, 0).is_err(), "locked");
        assert!(
            check_day(&past, &cal, today, 3).is_ok(),
            "within the lock days"
        );
        let absent = change(date!(2026 - 12 - 22), Some(DayState::Absent), None);
        assert_eq!(
            check_day(&absent, &cal, today, 0).unwrap_err().field(),
            Some("state")
        );
    }

    #[test]
    fn a_temporary_decision_widens_the_weeks_limit() {
        assert_eq!(week_limit(&policy(Some(2)), None), Some(2));
        assert_eq!(week_limit(&policy(Some(2)), Some(5)), Some(5));
        assert_eq!(week_limit(&policy(None), None), None);
        assert_eq!(
            week_limit(&policy(None), Some(3)),
            None,
            "no limit stays none"
        );
    }

    #[test]
    fn the_week_counts_half_days_and_not_the_day_itself() {
        let day = date!(2026 - 12 - 16);
        let mut r = PersonRules::default();
        let remote = |part| Occasional {
            state: DayState::Remote,
            part,
        };
        r.occasional.insert(date!(2026 - 12 - 14), remote(None));
        r.occasional
            .insert(date!(2026 - 12 - 15), remote(Some(Part::Am)));
        r.occasional.insert(day, remote(None));
        r.occasional.insert(
            date!(2026 - 12 - 17),
            Occasional {
                state: DayState::Workplace,
                part: None,
            },
        );
        assert_eq!(used_in_week(Some(&r), day), 1.5);
        assert_eq!(used_in_week(None, day), 0.0);
        assert_eq!(week_of(day), (date!(2026 - 12 - 14), date!(2026 - 12 - 18)));
    }

    #[test]
    fn remote_days_keep_to_the_limit_and_the_secrecy_rule() {
        let day = date!(2026 - 12 - 16);
        let p = policy(Some(2));
        let whole = change(day, Some(DayState::Remote), None);
        let half = change(day, Some(DayState::Remote), Some(Part::Pm));
        assert!(check_remote(&whole, &[], &p, Some(2), 1.0).is_ok());
        assert!(check_remote(&whole, &[], &p, Some(2), 1.5).is_err());
        assert!(check_remote(&half, &[], &p, Some(2), 1.5).is_ok());
        assert!(check_remote(&whole, &[], &p, None, 4.0).is_ok(), "no limit");
        let e = check_remote(&whole, &["sekretess".into()], &p, None, 0.0).unwrap_err();
        assert!(e.to_string().contains("secrecy"));
        let on_site = change(day, Some(DayState::Workplace), None);
        assert!(check_remote(&on_site, &["sekretess".into()], &p, Some(0), 9.0).is_ok());
    }

    #[test]
    fn a_day_back_to_the_plan_may_also_be_set_on_an_open_day() {
        let cal = WorkCalendar::default();
        let today = date!(2026 - 12 - 21);
        assert!(check_day(&change(date!(2026 - 12 - 22), None, None), &cal, today, 0).is_ok());
        let e = check_day(&change(date!(2026 - 12 - 24), None, None), &cal, today, 0).unwrap_err();
        assert!(e.to_string().contains("Julafton"), "{e}");
        assert_eq!(e.field(), Some("date"));
        let on_site = change(date!(2026 - 12 - 22), None, None);
        assert!(check_remote(
            &on_site,
            &["sekretess".into()],
            &policy(Some(0)),
            Some(0),
            5.0
        )
        .is_ok());
        assert_eq!(on_site.remote_weight(), 0.0);
    }

    #[test]
    fn the_week_runs_monday_to_friday_across_a_year_end() {
        assert_eq!(
            week_of(date!(2027 - 01 - 01)),
            (date!(2026 - 12 - 28), date!(2027 - 01 - 01))
        );
        assert_eq!(
            week_of(date!(2026 - 12 - 27)),
            (date!(2026 - 12 - 21), date!(2026 - 12 - 25)),
            "a Sunday belongs to the week before"
        );
    }

    #[test]
    fn a_refusal_over_the_limit_says_the_limit_and_the_week() {
        let day = date!(2026 - 12 - 16);
        let e = check_remote(
            &change(day, Some(DayState::Remote), None),
            &[],
            &policy(Some(2)),
            Some(2),
            2.0,
        )
        .unwrap_err();
        assert_eq!((e.field(), e.code()), (Some("state"), "rule_broken"));
        assert!(e.to_string().contains("at most 2"), "{e}");
        assert!(e.to_string().contains("v. 51"), "{e}");
    }

    #[test]
    fn days_of_other_weeks_do_not_count_in_the_week() {
        let mut r = PersonRules::default();
        let remote = Occasional {
            state: DayState::Remote,
            part: None,
        };
        r.occasional.insert(date!(2026 - 12 - 07), remote);
        r.occasional.insert(date!(2026 - 12 - 15), remote);
        assert_eq!(used_in_week(Some(&r), date!(2026 - 12 - 16)), 1.0);
    }

    #[test]
    fn a_temporary_decision_never_narrows_the_weeks_limit() {
        assert_eq!(week_limit(&policy(Some(3)), Some(1)), Some(3));
    }

    mod props {
        use super::*;
        use crate::plan::strategies::part;
        use proptest::prelude::*;
        use time::Duration;

        fn day() -> impl Strategy<Value = Date> {
            (0i64..120).prop_map(|n| date!(2026 - 11 - 02) + Duration::days(n))
        }

        fn state() -> impl Strategy<Value = Option<DayState>> {
            proptest::option::of(crate::plan::strategies::state())
        }

        proptest! {
            /// A day may be changed exactly when it is a workday, not locked
            /// in the past, and not set to an absence; the refusal names
            /// date or state.
            #[test]
            fn a_day_may_be_changed_exactly_when_open(
                d in day(),
                today in day(),
                lock in 0i64..10,
                st in state(),
                p in part(),
                closed in proptest::collection::vec(day(), 0..4),
            ) {
                let cal = WorkCalendar::new(closed);
                let open = cal.is_workday(d) && d >= today - Duration::days(lock);
                match check_day(&change(d, st, p), &cal, today, lock) {
                    Ok(()) => prop_assert!(open && st != Some(DayState::Absent)),
                    Err(e) if !open => prop_assert_eq!(e.field(), Some("date")),
                    Err(e) => {
                        prop_assert_eq!(st, Some(DayState::Absent));
                        prop_assert_eq!(e.field(), Some("state"));
                    }
                }
            }

            /// A remote day is allowed exactly when no task is secret and the
            /// week stays within the limit (a half day weighing ½); any
            /// other change is always allowed.
            #[test]
            fn a_remote_day_keeps_to_the_limit(
                st in state(),
                p in part(),
                secret in any::<bool>(),
                limit in proptest::option::of(0u8..=5),
                halves in 0u32..12,
            ) {
                let used = f64::from(halves) / 2.0;
                let c = change(date!(2026 - 12 - 16), st, p);
                let skills: Vec<String> = if secret { vec!["sekretess".into()] } else { vec!["lön".into()] };
                let r = check_remote(&c, &skills, &policy(Some(2)), limit, used);
                if st != Some(DayState::Remote) {
                    prop_assert!(r.is_ok());
                } else {
                    let weight = if p.is_some() { 0.5 } else { 1.0 };
                    let within = limit.is_none_or(|l| used + weight <= f64::from(l));
                    prop_assert_eq!(r.is_ok(), !secret && within);
                    if let Err(e) = r {
                        prop_assert_eq!(e.field(), Some("state"));
                    }
                }
            }

            /// The week of any day is the Monday to Friday around it.
            #[test]
            fn the_week_of_a_day_surrounds_it(d in day()) {
                let (mon, fri) = week_of(d);
                prop_assert_eq!(mon.weekday(), time::Weekday::Monday);
                prop_assert_eq!(fri - mon, Duration::days(4));
                prop_assert!(mon <= d && (d - mon).whole_days() < 7);
            }
        }
    }
}
