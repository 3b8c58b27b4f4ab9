//! Counting coverage: who of a unit is on site on a day against its rules.
//!
//! Pure: the service hands over the rules, the people and their plans.

use std::collections::HashMap;

use time::Date;

use crate::coverage::model::*;
use crate::kernel::dates::Weekday;
use crate::kernel::gap::RuleKind;
use crate::kernel::{CoreError, CoreResult, PersonRef};
use crate::org::model::Skill;
use crate::plan::model::PlanDay;
use uuid::Uuid;

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
    plans: &HashMap<Uuid, Vec<PlanDay>>,
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
    use crate::plan::model::{DayState, Part, Source};
    use time::macros::date;

    fn member(n: u128, skills: &[&str]) -> Member {
        Member {
            id: Uuid::from_u128(n),
            name: format!("P{n}"),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            site_id: None,
            unit_id: Uuid::from_u128(1),
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
            id: Uuid::from_u128(77),
            unit_id: Uuid::from_u128(1),
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
}
