//! Counting coverage: who of a unit is on site on a day against its rules.
//!
//! Pure: the service hands over the rules, the people and their plans.

use crate::kernel::ids::PersonId;

use std::collections::HashMap;

use time::Date;

use crate::coverage::model::*;
use crate::kernel::dates::Weekday;
use crate::kernel::gap::RuleKind;
use crate::kernel::{CoreError, CoreResult, PersonRef};
use crate::org::model::Skill;
use crate::plan::model::PlanDay;

impl NewCoverageRule {
    /// Validates a rule's fields, naming the field that is wrong.
    pub fn parse(
        kind: &str,
        skill: Option<&str>,
        min_onsite: Option<i64>,
        weekdays: Option<&[String]>,
    ) -> CoreResult<NewCoverageRule> {
        let kind = RuleKind::parse(kind.trim()).map_err(|m| CoreError::invalid("kind", m))?;
        let skill = match skill.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(
                Skill::parse(s)
                    .map_err(|m| CoreError::invalid("skill", m))?
                    .into_inner(),
            ),
            None => None,
        };
        let min_onsite = match (kind, min_onsite) {
            (RuleKind::MinOnsite, None) => {
                return Err(CoreError::invalid(
                    "min_onsite",
                    "how many must be on site?",
                ))
            }
            (RuleKind::MinOnsite, Some(n)) if !(1..=MAX_MIN_ONSITE).contains(&n) => {
                return Err(CoreError::invalid(
                    "min_onsite",
                    format!("must be from 1 to {MAX_MIN_ONSITE}"),
                ))
            }
            (RuleKind::MinOnsite, Some(n)) => n,
            (RuleKind::MaxDesks, _) => 0,
        };
        if kind == RuleKind::MaxDesks && skill.is_some() {
            return Err(CoreError::invalid(
                "skill",
                "a desk maximum counts everyone at the site, not a skill",
            ));
        }
        let weekdays = match weekdays {
            None => None,
            Some(list) => {
                let mut out = vec![];
                for w in list {
                    let w = Weekday::parse(w).map_err(|m| CoreError::invalid("weekdays", m))?;
                    if !out.contains(&w) {
                        out.push(w);
                    }
                }
                if out.is_empty() {
                    return Err(CoreError::invalid(
                        "weekdays",
                        "choose at least one weekday, or leave it out for every workday",
                    ));
                }
                out.sort();
                Some(out)
            }
        };
        Ok(NewCoverageRule {
            kind,
            skill,
            min_onsite,
            weekdays,
        })
    }
}

impl CoverageRule {
    /// Does the rule apply on this (work)day?
    pub fn applies_on(&self, d: Date) -> bool {
        match (&self.weekdays, Weekday::of(d)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(ws), Some(w)) => ws.contains(&w),
        }
    }
}

/// Evaluates a `min_onsite` rule over the members on site.
pub fn min_onsite(rule: &CoverageRule, on_site: &[&Member]) -> RuleDay {
    let planned = on_site
        .iter()
        .filter(|m| rule.skill.as_ref().is_none_or(|s| m.skills.contains(s)))
        .count() as i64;
    RuleDay {
        rule: rule.id,
        kind: rule.kind,
        skill: rule.skill.clone(),
        required: rule.min_onsite,
        planned,
        gap: (rule.min_onsite - planned).max(0),
    }
}

/// Evaluates a `max_desks` rule from the site's desks and count on site.
pub fn max_desks(rule: &CoverageRule, desks: i64, on_site_at_site: i64) -> RuleDay {
    RuleDay {
        rule: rule.id,
        kind: rule.kind,
        skill: None,
        required: desks,
        planned: on_site_at_site,
        gap: (on_site_at_site - desks).max(0),
    }
}

/// The days of a unit's coverage: `plans` holds each member's workdays
/// (the same days for everyone), `site_counts` the number on site at the
/// unit's site per day with its desks, for `max_desks` rules.
pub fn unit_days(
    rules: &[CoverageRule],
    members: &[Member],
    plans: &HashMap<PersonId, Vec<PlanDay>>,
    workdays: &[Date],
    site: Option<(i64, &HashMap<Date, i64>)>,
) -> Vec<CoverageDay> {
    let index: HashMap<Date, usize> = workdays.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut on_site: Vec<Vec<&Member>> = vec![vec![]; workdays.len()];
    for m in members {
        for d in plans.get(&m.id).map(Vec::as_slice).unwrap_or(&[]) {
            if d.on_site() {
                if let Some(i) = index.get(&d.date) {
                    on_site[*i].push(m);
                }
            }
        }
    }
    workdays
        .iter()
        .zip(on_site)
        .map(|(d, here)| CoverageDay {
            date: *d,
            rules: rules
                .iter()
                .filter(|r| r.applies_on(*d))
                .filter_map(|r| match r.kind {
                    RuleKind::MinOnsite => Some(min_onsite(r, &here)),
                    RuleKind::MaxDesks => site.map(|(desks, counts)| {
                        max_desks(r, desks, counts.get(d).copied().unwrap_or(0))
                    }),
                })
                .collect(),
            on_site: here
                .iter()
                .map(|m| PersonRef {
                    id: m.id,
                    name: m.name.clone(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::UnitId;
    use crate::plan::model::{DayState, Part, Source};
    use time::macros::date;
    use uuid::Uuid;

    fn member(n: u128, skills: &[&str]) -> Member {
        Member {
            id: Uuid::from_u128(n).into(),
            name: format!("P{n}"),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            site_id: None,
            unit_id: UnitId::from_u128(1),
            unit_path: String::new(),
        }
    }

    fn day(d: Date, state: DayState) -> PlanDay {
        PlanDay {
            date: d,
            state,
            source: Source::Default,
            part: None,
            rest: None,
        }
    }

    fn rule(skill: Option<&str>, min: i64, weekdays: Option<Vec<Weekday>>) -> CoverageRule {
        CoverageRule {
            id: (Uuid::from_u128(77)).into(),
            unit_id: UnitId::from_u128(1),
            kind: RuleKind::MinOnsite,
            skill: skill.map(str::to_string),
            min_onsite: min,
            weekdays,
            version: 1,
        }
    }

    #[test]
    fn parse_names_the_field() {
        let e = NewCoverageRule::parse("min_onsite", None, Some(0), None).unwrap_err();
        assert_eq!(e.field(), Some("min_onsite"));
        let e = NewCoverageRule::parse("lots", None, Some(1), None).unwrap_err();
        assert_eq!(e.field(), Some("kind"));
        let e =
            NewCoverageRule::parse("min_onsite", None, Some(1), Some(&["sön".into()])).unwrap_err();
        assert_eq!(e.field(), Some("weekdays"));
        let e = NewCoverageRule::parse("max_desks", Some("x"), None, None).unwrap_err();
        assert_eq!(e.field(), Some("skill"));
        let r = NewCoverageRule::parse(
            "min_onsite",
            Some(" reception "),
            Some(2),
            Some(&["fre".into(), "mon".into(), "fri".into()]),
        )
        .unwrap();
        assert_eq!(r.skill.as_deref(), Some("reception"));
        assert_eq!(r.weekdays, Some(vec![Weekday::Mon, Weekday::Fri]));
    }

    #[test]
    fn counts_people_on_site_with_the_skill_and_half_days() {
        let mon = date!(2026 - 11 - 23);
        let tue = date!(2026 - 11 - 24);
        let members = vec![
            member(1, &["reception"]),
            member(2, &[]),
            member(3, &["reception"]),
        ];
        let mut plans = HashMap::new();
        plans.insert(
            members[0].id,
            vec![day(mon, DayState::Workplace), day(tue, DayState::Remote)],
        );
        plans.insert(
            members[1].id,
            vec![day(mon, DayState::Workplace), day(tue, DayState::Workplace)],
        );
        // Half a day remote in the morning: on site in the afternoon, counts.
        let mut half = day(mon, DayState::Remote);
        half.part = Some(Part::Am);
        half.rest = Some(DayState::Workplace);
        plans.insert(members[2].id, vec![half, day(tue, DayState::Absent)]);
        let rules = vec![
            rule(None, 2, None),
            rule(Some("reception"), 1, Some(vec![Weekday::Tue])),
        ];
        let days = unit_days(&rules, &members, &plans, &[mon, tue], None);
        assert_eq!(days[0].rules.len(), 1, "the skill rule is Tuesdays only");
        assert_eq!(days[0].rules[0].planned, 3);
        assert_eq!(days[0].rules[0].gap, 0);
        assert_eq!(days[1].rules[0].planned, 1);
        assert_eq!(days[1].rules[0].gap, 1);
        assert_eq!(days[1].rules[1].planned, 0, "nobody with reception on site");
        assert_eq!(days[1].rules[1].gap, 1);
        assert_eq!(days[1].on_site.len(), 1);
    }

    #[test]
    fn desks_count_the_whole_site() {
        let mon = date!(2026 - 11 - 23);
        let mut r = rule(None, 0, None);
        r.kind = RuleKind::MaxDesks;
        let counts: HashMap<Date, i64> = [(mon, 12)].into_iter().collect();
        let days = unit_days(&[r], &[], &HashMap::new(), &[mon], Some((10, &counts)));
        assert_eq!(days[0].rules[0].required, 10);
        assert_eq!(days[0].rules[0].planned, 12);
        assert_eq!(days[0].rules[0].gap, 2);
        // Without a site the desk rule has nothing to say.
        let days = unit_days(&[days_rule()], &[], &HashMap::new(), &[mon], None);
        assert!(days[0].rules.is_empty());
    }

    fn days_rule() -> CoverageRule {
        let mut r = rule(None, 0, None);
        r.kind = RuleKind::MaxDesks;
        r
    }

    #[test]
    fn a_rule_applies_on_its_weekdays_never_at_weekends() {
        let sat = date!(2026 - 11 - 28);
        let mon = date!(2026 - 11 - 23);
        assert!(!rule(None, 1, None).applies_on(sat));
        assert!(rule(None, 1, None).applies_on(mon));
        assert!(!rule(None, 1, Some(vec![Weekday::Tue])).applies_on(mon));
        let e = NewCoverageRule::parse("min_onsite", None, Some(1), Some(&[])).unwrap_err();
        assert_eq!(
            e.field(),
            Some("weekdays"),
            "an empty list is not every day"
        );
        let e = NewCoverageRule::parse("min_onsite", None, None, None).unwrap_err();
        assert_eq!(e.field(), Some("min_onsite"));
        let e = NewCoverageRule::parse("min_onsite", Some("a;b"), Some(1), None).unwrap_err();
        assert_eq!(e.field(), Some("skill"));
        let r = NewCoverageRule::parse(" max_desks ", Some("  "), Some(7), None).unwrap();
        assert_eq!(
            (r.kind, r.skill, r.min_onsite),
            (RuleKind::MaxDesks, None, 0)
        );
        assert!(NewCoverageRule::parse("min_onsite", None, Some(MAX_MIN_ONSITE), None).is_ok());
        assert!(
            NewCoverageRule::parse("min_onsite", None, Some(MAX_MIN_ONSITE + 1), None).is_err()
        );
    }

    mod props {
        use super::*;
        use crate::plan::model::{Occasional, PersonRules};
        use crate::plan::strategies::state;
        use proptest::prelude::*;

        const SKILLS: [&str; 3] = ["reception", "lön", "it"];

        fn workdays() -> Vec<Date> {
            crate::kernel::calendar::WorkCalendar::default().workdays(crate::kernel::dates::span(
                date!(2026 - 11 - 23),
                date!(2026 - 12 - 06),
            ))
        }

        prop_compose! {
            /// A member and their rules over two weeks.
            fn member_with_plan()(
                skills in proptest::sample::subsequence(SKILLS.to_vec(), 0..=3),
                rotation in proptest::collection::vec(proptest::option::of(state()), 10),
                halves in proptest::collection::vec(proptest::option::of((state(), any::<bool>())), 10),
            ) -> (Vec<String>, PersonRules) {
                let mut r = PersonRules::default();
                for (i, d) in workdays().into_iter().enumerate() {
                    if let Some(s) = rotation[i] {
                        r.rotation.insert(d, s);
                    }
                    if let Some((s, am)) = halves[i] {
                        let part = Some(if am { Part::Am } else { Part::Pm });
                        r.occasional.insert(d, Occasional { state: s, part });
                    }
                }
                (skills.into_iter().map(String::from).collect(), r)
            }
        }

        prop_compose! {
            fn coverage_rule()(
                n in 0u128..1000,
                desks in any::<bool>(),
                skill in proptest::option::of(proptest::sample::select(SKILLS.to_vec())),
                min in 1i64..6,
                weekdays in proptest::option::of(proptest::sample::subsequence(Weekday::ALL.to_vec(), 1..=5)),
            ) -> CoverageRule {
                CoverageRule {
                    id: (Uuid::from_u128(n)).into(),
                    unit_id: UnitId::from_u128(1),
                    kind: if desks { RuleKind::MaxDesks } else { RuleKind::MinOnsite },
                    skill: if desks { None } else { skill.map(String::from) },
                    min_onsite: if desks { 0 } else { min },
                    weekdays,
                    version: 1,
                }
            }
        }

        proptest! {
            /// On every day, the count on site never exceeds the members
            /// (with the skill); a min_onsite rule has a gap exactly when
            /// fewer are planned than required, and the gap is the
            /// shortfall; a desk rule's gap is the excess over the desks.
            #[test]
            fn counts_stay_within_the_members_and_gaps_are_shortfalls(
                people in proptest::collection::vec(member_with_plan(), 0..8),
                rules in proptest::collection::vec(coverage_rule(), 0..4),
                desks in 0i64..10,
                site_counts in proptest::collection::vec(0i64..15, 10),
            ) {
                let days = workdays();
                let members: Vec<Member> = people.iter().enumerate().map(|(i, (skills, _))| {
                    let mut m = member(i as u128 + 1, &[]);
                    m.skills = skills.clone();
                    m
                }).collect();
                let plans: HashMap<PersonId, Vec<PlanDay>> = members
                    .iter()
                    .zip(&people)
                    .map(|(m, (_, r))| (m.id, r.days_on(&days)))
                    .collect();
                let counts: HashMap<Date, i64> = days.iter().copied().zip(site_counts).collect();
                let out = unit_days(&rules, &members, &plans, &days, Some((desks, &counts)));
                prop_assert_eq!(out.len(), days.len());
                for (cd, d) in out.iter().zip(&days) {
                    prop_assert_eq!(cd.date, *d);
                    let here: Vec<PersonId> = members
                        .iter()
                        .filter(|m| plans[&m.id].iter().any(|p| p.date == *d && p.on_site()))
                        .map(|m| m.id)
                        .collect();
                    prop_assert_eq!(cd.on_site.iter().map(|p| p.id).collect::<Vec<_>>(), here);
                    let applying: Vec<&CoverageRule> = rules.iter().filter(|r| r.applies_on(*d)).collect();
                    prop_assert_eq!(cd.rules.len(), applying.len());
                    for (rd, r) in cd.rules.iter().zip(applying) {
                        prop_assert_eq!(rd.rule, r.id);
                        match r.kind {
                            RuleKind::MinOnsite => {
                                let with_skill = members
                                    .iter()
                                    .filter(|m| r.skill.as_ref().is_none_or(|s| m.skills.contains(s)))
                                    .count() as i64;
                                prop_assert!(rd.planned <= with_skill);
                                prop_assert!(rd.planned <= cd.on_site.len() as i64);
                                prop_assert_eq!(rd.required, r.min_onsite);
                                prop_assert_eq!(rd.gap > 0, rd.planned < rd.required);
                                prop_assert_eq!(rd.gap, (rd.required - rd.planned).max(0));
                            }
                            RuleKind::MaxDesks => {
                                prop_assert_eq!((rd.required, rd.planned), (desks, counts[d]));
                                prop_assert_eq!(rd.gap > 0, rd.planned > rd.required);
                            }
                        }
                    }
                }
            }

            /// Whatever is typed into a rule, parse never panics; it names
            /// one of the rule's fields or gives a rule in shape.
            #[test]
            fn rule_input_is_parsed_or_refused_naming_a_field(
                kind in prop_oneof![Just("min_onsite".to_string()), Just("max_desks".to_string()), "\\PC{0,10}"],
                skill in proptest::option::of("\\PC{0,10}"),
                min in proptest::option::of(-3i64..20_000),
                weekdays in proptest::option::of(proptest::collection::vec(
                    prop_oneof![Just("mon".to_string()), Just("Fredag".to_string()), "\\PC{0,5}"], 0..6)),
            ) {
                match NewCoverageRule::parse(&kind, skill.as_deref(), min, weekdays.as_deref()) {
                    Ok(r) => {
                        match r.kind {
                            RuleKind::MinOnsite => prop_assert!((1..=MAX_MIN_ONSITE).contains(&r.min_onsite)),
                            RuleKind::MaxDesks => prop_assert!(r.min_onsite == 0 && r.skill.is_none()),
                        }
                        if let Some(ws) = &r.weekdays {
                            prop_assert!(!ws.is_empty() && ws.windows(2).all(|w| w[0] < w[1]));
                        }
                    }
                    Err(e) => {
                        let f = e.field().unwrap_or("");
                        prop_assert!(["kind", "skill", "min_onsite", "weekdays"].contains(&f), "{e:?}");
                    }
                }
            }
        }
    }
}
