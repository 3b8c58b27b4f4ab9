//! The rules of occasional days: which days may be changed at all, and how
//! many remote days a week the policy (or a temporary decision's wider
//! limit) allows. Pure.

use time::{Date, Duration};

use crate::kernel::calendar::{iso_week, week_monday, WorkCalendar};
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
    if day < today - Duration::days(lock_days) {
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

/// The week's limit of occasional remote days: a temporary decision's
/// limit where one applies, else the policy's (none: no limit).
pub fn week_limit(policy: &PolicyRules, crisis: Option<u8>) -> Option<u8> {
    crisis.or(policy.occasional_days_per_week)
}

/// Remote occasional days already set in the week of `day`, `day` itself
/// not counted (a half day counts ½).
pub fn used_in_week(rules: Option<&PersonRules>, day: Date) -> f64 {
    rules
        .map(|r| {
            r.occasional
                .iter()
                .filter(|(d, o)| **d != day && o.state == DayState::Remote)
                .map(|(_, o)| if o.part.is_some() { 0.5 } else { 1.0 })
                .sum()
        })
        .unwrap_or(0.0)
}

/// Monday to Friday of the ISO week of `day`.
pub fn week_of(day: Date) -> (Date, Date) {
    let (y, w) = iso_week(day);
    let monday = week_monday(y, w).unwrap_or(day);
    (monday, monday + Duration::days(4))
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
}
