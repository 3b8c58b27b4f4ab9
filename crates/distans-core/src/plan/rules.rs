//! Who works where on a day follows from rules and exceptions, in this
//! order of precedence (the first that applies wins): an absence; an
//! occasional day the person set; a published rotation plan; the active
//! agreement's fixed weekdays; the default, the workplace.
//!
//! Pure: the store hands over the rules for a period, this computes the days.

use time::Date;

use crate::kernel::calendar::WorkCalendar;
use crate::kernel::dates::Weekday;
use crate::kernel::{CoreError, CoreResult};
use crate::plan::model::*;

impl PersonRules {
    /// The state of a day before occasional days and absences: rotation,
    /// then agreement, then the workplace.
    fn base(&self, d: Date) -> (DayState, Source) {
        if let Some(s) = self.rotation.get(&d) {
            return (*s, Source::Rotation);
        }
        if let Some(w) = Weekday::of(d) {
            let remote = self
                .agreements
                .iter()
                .any(|a| a.start <= d && a.last.is_none_or(|l| d <= l) && a.weekdays.contains(&w));
            if remote {
                return (DayState::Remote, Source::Agreement);
            }
        }
        (DayState::Workplace, Source::Default)
    }

    /// The plan of one day.
    pub fn day(&self, d: Date) -> PlanDay {
        if self.absences.iter().any(|(a, b)| *a <= d && d <= *b) {
            return PlanDay {
                date: d,
                state: DayState::Absent,
                source: Source::Absence,
                part: None,
                rest: None,
            };
        }
        if let Some(o) = self.occasional.get(&d) {
            let rest = o.part.map(|_| self.base(d).0);
            return PlanDay {
                date: d,
                state: o.state,
                source: Source::Occasional,
                part: o.part,
                rest,
            };
        }
        let (state, source) = self.base(d);
        PlanDay {
            date: d,
            state,
            source,
            part: None,
            rest: None,
        }
    }

    /// The plan of every workday from `from` to `to`.
    pub fn days(&self, cal: &WorkCalendar, from: Date, to: Date) -> Vec<PlanDay> {
        cal.workdays(from, to)
            .into_iter()
            .map(|d| self.day(d))
            .collect()
    }

    /// The plan of these (work)days: for many people over the same days,
    /// work the calendar out once and use this.
    pub fn days_on(&self, workdays: &[Date]) -> Vec<PlanDay> {
        workdays.iter().map(|d| self.day(*d)).collect()
    }
}

/// A period a plan may be asked for: from before to, at most
/// [`MAX_PLAN_DAYS`] long.
pub fn check_period(from: Date, to: Date) -> CoreResult<()> {
    if to < from {
        return Err(CoreError::invalid("to", "must not be before from"));
    }
    if (to - from).whole_days() >= MAX_PLAN_DAYS {
        return Err(CoreError::invalid(
            "to",
            format!("a plan covers at most {MAX_PLAN_DAYS} days"),
        ));
    }
    Ok(())
}

impl PlanDay {
    /// A day with no rule and no exception: at the workplace.
    pub fn default_on(date: Date) -> PlanDay {
        PlanDay {
            date,
            state: DayState::Workplace,
            source: Source::Default,
            part: None,
            rest: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rules() -> PersonRules {
        let mut r = PersonRules {
            agreements: vec![AgreementSpan {
                start: date!(2026 - 11 - 01),
                last: Some(date!(2027 - 03 - 31)),
                weekdays: vec![Weekday::Mon, Weekday::Fri],
                days_per_week: 2,
            }],
            absences: vec![(date!(2026 - 11 - 26), date!(2026 - 11 - 27))],
            ..Default::default()
        };
        r.rotation
            .insert(date!(2026 - 11 - 30), DayState::Workplace);
        r.rotation.insert(date!(2026 - 12 - 01), DayState::Remote);
        r.occasional.insert(
            date!(2026 - 11 - 25),
            Occasional {
                state: DayState::Remote,
                part: None,
            },
        );
        r.occasional.insert(
            date!(2026 - 11 - 27),
            Occasional {
                state: DayState::Remote,
                part: None,
            },
        );
        r.occasional.insert(
            date!(2026 - 12 - 01),
            Occasional {
                state: DayState::Other,
                part: None,
            },
        );
        r.occasional.insert(
            date!(2026 - 12 - 02),
            Occasional {
                state: DayState::Remote,
                part: Some(Part::Am),
            },
        );
        r
    }

    #[test]
    fn precedence_absence_occasional_rotation_agreement_default() {
        let r = rules();
        let s = |d: Date| (r.day(d).state, r.day(d).source);
        assert_eq!(
            s(date!(2026 - 11 - 23)),
            (DayState::Remote, Source::Agreement),
            "a Monday of the agreement"
        );
        assert_eq!(
            s(date!(2026 - 11 - 24)),
            (DayState::Workplace, Source::Default)
        );
        assert_eq!(
            s(date!(2026 - 11 - 25)),
            (DayState::Remote, Source::Occasional)
        );
        assert_eq!(
            s(date!(2026 - 11 - 27)),
            (DayState::Absent, Source::Absence),
            "absence beats an occasional day"
        );
        assert_eq!(
            s(date!(2026 - 11 - 30)),
            (DayState::Workplace, Source::Rotation),
            "rotation beats the agreement's Monday"
        );
        assert_eq!(
            s(date!(2026 - 12 - 01)),
            (DayState::Other, Source::Occasional),
            "occasional beats rotation"
        );
        assert_eq!(
            s(date!(2027 - 04 - 02)),
            (DayState::Workplace, Source::Default),
            "after the agreement"
        );
    }

    #[test]
    fn half_days_keep_the_other_half() {
        let r = rules();
        let d = r.day(date!(2026 - 12 - 02));
        assert_eq!(
            (d.state, d.part, d.rest),
            (DayState::Remote, Some(Part::Am), Some(DayState::Workplace))
        );
        assert!(d.on_site(), "at the workplace in the afternoon");
        let mut r2 = rules();
        r2.occasional.insert(
            date!(2026 - 12 - 04),
            Occasional {
                state: DayState::Workplace,
                part: Some(Part::Pm),
            },
        );
        let d = r2.day(date!(2026 - 12 - 04));
        assert_eq!(d.rest, Some(DayState::Remote), "a Friday of the agreement");
        assert!(d.on_site());
        assert!(!r.day(date!(2026 - 11 - 25)).on_site());
    }

    #[test]
    fn only_workdays_are_planned() {
        let r = rules();
        let days = r.days(
            &WorkCalendar::default(),
            date!(2026 - 12 - 21),
            date!(2027 - 01 - 03),
        );
        let dates: Vec<Date> = days.iter().map(|d| d.date).collect();
        assert_eq!(
            dates,
            vec![
                date!(2026 - 12 - 21),
                date!(2026 - 12 - 22),
                date!(2026 - 12 - 23),
                date!(2026 - 12 - 28),
                date!(2026 - 12 - 29),
                date!(2026 - 12 - 30)
            ]
        );
    }
}
