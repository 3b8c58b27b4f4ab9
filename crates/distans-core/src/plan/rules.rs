//! Who works where on a day follows from rules and exceptions, in this
//! order of precedence (the first that applies wins): an absence; an
//! occasional day the person set; a published rotation plan; the active
//! agreement's fixed weekdays; the default, the workplace.
//!
//! Pure: the store hands over the rules for a period, this computes the days.

use time::Date;

use crate::kernel::calendar::WorkCalendar;
use crate::kernel::dates::{DateRange, Weekday};
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

    /// The plan of every workday of a period.
    pub fn days(&self, cal: &WorkCalendar, period: DateRange) -> Vec<PlanDay> {
        cal.workdays(period)
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

/// A period a plan may be asked for: at most [`MAX_PLAN_DAYS`] long (the
/// range itself has checked its bounds and order).
pub fn check_period(period: DateRange) -> CoreResult<()> {
    if period.len_days() > MAX_PLAN_DAYS {
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
            crate::kernel::dates::span(date!(2026 - 12 - 21), date!(2027 - 01 - 03)),
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

    #[test]
    fn a_period_is_from_before_to_and_at_most_93_days() {
        let from = date!(2026 - 01 - 01);
        let days = |n: i64| DateRange::starting(("from", "to"), from, n).unwrap();
        assert!(check_period(days(1)).is_ok());
        assert!(check_period(days(MAX_PLAN_DAYS)).is_ok());
        let e = check_period(days(MAX_PLAN_DAYS + 1)).unwrap_err();
        assert_eq!((e.field(), e.code()), (Some("to"), "invalid"));
    }

    #[test]
    fn an_agreement_counts_from_its_first_to_its_last_day_only() {
        let r = PersonRules {
            agreements: vec![AgreementSpan {
                start: date!(2026 - 11 - 24),
                last: Some(date!(2026 - 12 - 01)),
                weekdays: vec![Weekday::Tue],
                days_per_week: 1,
            }],
            ..Default::default()
        };
        let source = |d: Date| r.day(d).source;
        assert_eq!(source(date!(2026 - 11 - 17)), Source::Default, "before");
        assert_eq!(
            source(date!(2026 - 11 - 24)),
            Source::Agreement,
            "first day"
        );
        assert_eq!(source(date!(2026 - 12 - 01)), Source::Agreement, "last day");
        assert_eq!(source(date!(2026 - 12 - 08)), Source::Default, "after");
        assert_eq!(
            source(date!(2026 - 11 - 25)),
            Source::Default,
            "a Wednesday"
        );
        assert_eq!(
            PlanDay::default_on(date!(2026 - 11 - 25)),
            r.day(date!(2026 - 11 - 25))
        );
    }

    #[test]
    fn a_half_day_at_the_workplace_or_elsewhere_is_on_site_only_by_its_halves() {
        let d = date!(2026 - 11 - 24);
        let mut r = PersonRules::default();
        r.rotation.insert(d, DayState::Remote);
        r.occasional.insert(
            d,
            Occasional {
                state: DayState::Other,
                part: Some(Part::Pm),
            },
        );
        let p = r.day(d);
        assert_eq!(
            (p.state, p.source, p.part, p.rest),
            (
                DayState::Other,
                Source::Occasional,
                Some(Part::Pm),
                Some(DayState::Remote)
            ),
            "the rotation's remote morning is kept"
        );
        assert!(!p.on_site());
        r.absences.push((d, d));
        let p = r.day(d);
        assert_eq!(
            (p.part, p.rest),
            (None, None),
            "an absence is the whole day"
        );
    }

    mod props {
        use super::*;
        use crate::plan::strategies::state;
        use proptest::prelude::*;
        use time::Duration;

        const FIRST: Date = date!(2026 - 11 - 02);
        const SPAN: i64 = 70;

        fn day_in() -> impl Strategy<Value = Date> {
            (0..SPAN).prop_map(|n| FIRST + Duration::days(n))
        }

        fn occasional() -> impl Strategy<Value = Occasional> {
            (
                state(),
                prop_oneof![Just(None), Just(Some(Part::Am)), Just(Some(Part::Pm))],
            )
                .prop_map(|(state, part)| Occasional { state, part })
        }

        prop_compose! {
            /// Any rules and exceptions of one person in the period (and a
            /// little around it).
            fn rules()(
                absences in proptest::collection::vec((day_in(), 0i64..6), 0..4),
                occasional in proptest::collection::btree_map(day_in(), occasional(), 0..15),
                rotation in proptest::collection::btree_map(day_in(), state(), 0..20),
                agreements in proptest::collection::vec(
                    (
                        day_in(),
                        proptest::option::of(0i64..40),
                        proptest::sample::subsequence(Weekday::ALL.to_vec(), 0..=5),
                    ),
                    0..3,
                ),
            ) -> PersonRules {
                PersonRules {
                    absences: absences
                        .into_iter()
                        .map(|(a, n)| (a, a + Duration::days(n)))
                        .collect(),
                    occasional,
                    rotation,
                    agreements: agreements
                        .into_iter()
                        .map(|(start, len, weekdays)| AgreementSpan {
                            start,
                            last: len.map(|n| start + Duration::days(n)),
                            days_per_week: weekdays.len() as i64,
                            weekdays,
                        })
                        .collect(),
                }
            }
        }

        /// Rules and a day, the day often on the edge of a rule (an
        /// absence's or agreement's first or last day).
        fn rules_and_day() -> impl Strategy<Value = (PersonRules, Date)> {
            rules().prop_flat_map(|r| {
                let mut edges = vec![FIRST];
                edges.extend(r.absences.iter().flat_map(|(a, b)| [*a, *b]));
                edges.extend(
                    r.agreements
                        .iter()
                        .flat_map(|a| [Some(a.start), a.last])
                        .flatten(),
                );
                let pick = prop_oneof![day_in(), proptest::sample::select(edges)];
                (Just(r), pick)
            })
        }

        fn calendar() -> impl Strategy<Value = WorkCalendar> {
            proptest::collection::vec(day_in(), 0..5).prop_map(WorkCalendar::new)
        }

        proptest! {
            /// The first rule that applies wins: absence, then an occasional
            /// day, then the rotation, then the agreement's weekdays, then
            /// the workplace.
            #[test]
            fn precedence_holds_for_any_rules((r, d) in rules_and_day()) {
                let p = r.day(d);
                prop_assert_eq!(p.date, d);
                let absent = r.absences.iter().any(|(a, b)| *a <= d && d <= *b);
                let agreed = Weekday::of(d).is_some_and(|w| {
                    r.agreements.iter().any(|a| {
                        a.start <= d && a.last.is_none_or(|l| d <= l) && a.weekdays.contains(&w)
                    })
                });
                let expected = if absent {
                    (DayState::Absent, Source::Absence)
                } else if let Some(o) = r.occasional.get(&d) {
                    (o.state, Source::Occasional)
                } else if let Some(s) = r.rotation.get(&d) {
                    (*s, Source::Rotation)
                } else if agreed {
                    (DayState::Remote, Source::Agreement)
                } else {
                    (DayState::Workplace, Source::Default)
                };
                prop_assert_eq!((p.state, p.source), expected);
                if p.source != Source::Occasional {
                    prop_assert_eq!((p.part, p.rest), (None, None));
                }
            }

            /// What decides a day does not depend on the rules below it:
            /// removing every lower rule leaves the day as it was.
            #[test]
            fn lower_rules_never_change_a_day_decided_above_them((r, d) in rules_and_day()) {
                let p = r.day(d);
                let mut only = r.clone();
                match p.source {
                    Source::Absence => {
                        only.occasional.clear();
                        only.rotation.clear();
                        only.agreements.clear();
                    }
                    Source::Occasional if p.part.is_none() => {
                        only.rotation.clear();
                        only.agreements.clear();
                    }
                    Source::Rotation => only.agreements.clear(),
                    _ => {}
                }
                prop_assert_eq!(only.day(d), p);
            }

            /// A half-day occasional keeps, in `rest`, the state the day
            /// would have had without it; a whole day has no rest.
            #[test]
            fn a_half_day_keeps_the_other_halfs_state((r, d) in rules_and_day(), o in occasional()) {
                let mut with = r.clone();
                with.absences.retain(|(a, b)| !(*a <= d && d <= *b));
                let mut without = with.clone();
                without.occasional.remove(&d);
                with.occasional.insert(d, o);
                let p = with.day(d);
                prop_assert_eq!((p.state, p.source, p.part), (o.state, Source::Occasional, o.part));
                match o.part {
                    Some(_) => prop_assert_eq!(p.rest, Some(without.day(d).state)),
                    None => prop_assert_eq!(p.rest, None),
                }
                prop_assert_eq!(
                    p.on_site(),
                    o.state == DayState::Workplace
                        || (o.part.is_some() && without.day(d).state == DayState::Workplace)
                );
            }

            /// days() plans every workday in [from, to] exactly once, in
            /// order, and nothing else; days_on() plans the days it is given.
            #[test]
            fn days_are_the_workdays_once_and_in_order(
                r in rules(),
                cal in calendar(),
                from in day_in(),
                len in 0i64..40,
            ) {
                let to = from + Duration::days(len);
                let days = r.days(&cal, crate::kernel::dates::span(from, to));
                let dates: Vec<Date> = days.iter().map(|p| p.date).collect();
                let mut expected = vec![];
                let mut d = from;
                while d <= to {
                    if cal.is_workday(d) {
                        expected.push(d);
                    }
                    d += Duration::days(1);
                }
                prop_assert_eq!(&dates, &expected);
                prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(dates.iter().all(|d| Weekday::of(*d).is_some() && !cal.closed.contains(d)));
                prop_assert_eq!(r.days_on(&dates), days);
            }
        }
    }
}
