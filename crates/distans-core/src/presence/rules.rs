//! Pure decisions of who is where: whether a person shares, who a reader
//! may see on site, where a unit's people are on a day, and which coverage
//! rules a week leaves broken.

use std::collections::HashMap;

use time::Date;

use crate::coverage::model::{CoverageDay, Member};
use crate::kernel::gap::GapWarning;
use crate::kernel::ids::PersonId;
use crate::kernel::{PersonRef, UnitRef};
use crate::plan::model::{DayState, PlanDay};
use crate::presence::model::{Colleague, DayCounts};

/// Does a person show colleagues their days on site? Their own choice, or
/// — if they never made one — the policy's default.
pub fn shares(chosen: Option<bool>, policy_default: bool) -> bool {
    chosen.unwrap_or(policy_default)
}

/// Who of `colleagues` the reader sees on site, by name, and how many
/// colleagues do not share where they work. The reader is never listed nor
/// counted. Those who see everyone (the unit's managers, HR) see every name
/// and nobody is counted as hidden. Those who do not share are counted
/// whether they are on site or not, so the count tells nothing of their day.
pub fn visible_on_site(
    reader: PersonId,
    colleagues: &[Colleague],
    policy_default: bool,
    sees_everyone: bool,
) -> (Vec<PersonRef>, i64) {
    let mut named = vec![];
    let mut hidden = 0;
    for c in colleagues.iter().filter(|c| c.person.id != reader) {
        let shown = sees_everyone || shares(c.chosen, policy_default);
        if !shown {
            hidden += 1;
        } else if c.on_site {
            named.push(c.person.clone());
        }
    }
    (named, hidden)
}

/// Where each member is on `day`, as their plan has it (a member without
/// rules is at the workplace). Half days count where the person is at
/// least half the day on site, as coverage does.
pub fn day_counts(
    members: &[Member],
    plans: &HashMap<PersonId, Vec<PlanDay>>,
    day: Date,
) -> DayCounts {
    let mut out = DayCounts::default();
    for m in members {
        let p = PersonRef {
            id: m.id,
            name: m.name.clone(),
        };
        let d = plans
            .get(&m.id)
            .and_then(|days| days.iter().find(|d| d.date == day));
        let (state, on_site) = match d {
            Some(d) => (d.state, d.on_site()),
            None => (DayState::Workplace, true),
        };
        if on_site {
            out.on_site.push(p);
            continue;
        }
        match state {
            DayState::Remote => out.remote.push(p),
            DayState::Other => out.other.push(p),
            DayState::Absent => out.absent.push(p),
            DayState::Workplace => out.on_site.push(p),
        }
    }
    out
}

/// Every rule a unit's coverage leaves broken on a day from `from` on, in
/// day order.
pub fn gaps_from(unit: &UnitRef, coverage: &[CoverageDay], from: Date) -> Vec<GapWarning> {
    coverage
        .iter()
        .filter(|d| d.date >= from)
        .flat_map(|d| {
            d.rules.iter().filter(|r| r.gap > 0).map(|r| GapWarning {
                rule: r.rule,
                kind: r.kind,
                unit: unit.clone(),
                skill: r.skill.clone(),
                date: d.date,
                required: r.required,
                planned: r.planned,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::model::RuleDay;
    use crate::kernel::gap::RuleKind;
    use crate::plan::model::{Part, Source};
    use time::macros::date;
    use uuid::Uuid;

    fn p(n: u128, name: &str) -> PersonRef {
        PersonRef {
            id: PersonId::from_u128(n),
            name: name.into(),
        }
    }

    fn colleague(n: u128, chosen: Option<bool>, on_site: bool) -> Colleague {
        Colleague {
            person: p(n, &format!("Person {n}")),
            chosen,
            on_site,
        }
    }

    #[test]
    fn a_choice_wins_over_the_policy_and_no_choice_follows_it() {
        assert!(shares(Some(true), false));
        assert!(!shares(Some(false), true));
        assert!(shares(None, true));
        assert!(!shares(None, false));
    }

    #[test]
    fn who_turned_it_off_is_counted_never_named_and_the_reader_is_left_out() {
        let cs = vec![
            colleague(1, None, true),         // the reader
            colleague(2, Some(true), true),   // shares, on site
            colleague(3, Some(false), true),  // hides, on site
            colleague(4, Some(false), false), // hides, at home
            colleague(5, None, false),        // follows the policy, at home
            colleague(6, None, true),         // follows the policy, on site
        ];
        let reader = PersonId::from_u128(1);
        let (named, hidden) = visible_on_site(reader, &cs, true, false);
        let names: Vec<_> = named.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Person 2", "Person 6"]);
        assert_eq!(hidden, 2, "both who hide, on site or not");
        // The policy says no: only those who chose to share are named.
        let (named, hidden) = visible_on_site(reader, &cs, false, false);
        let names: Vec<_> = named.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Person 2"]);
        assert_eq!(hidden, 4);
    }

    #[test]
    fn managers_and_hr_see_everyone_on_site() {
        let cs = vec![colleague(3, Some(false), true), colleague(4, None, false)];
        let (named, hidden) = visible_on_site(PersonId::from_u128(9), &cs, false, true);
        assert_eq!(named, vec![p(3, "Person 3")]);
        assert_eq!(hidden, 0);
    }

    fn member(n: u128) -> Member {
        Member {
            id: PersonId::from_u128(n),
            name: format!("Person {n}"),
            skills: vec![],
            site_id: None,
            unit_id: Uuid::nil().into(),
            unit_path: "/k/".into(),
        }
    }

    fn day(d: Date, state: DayState, part: Option<Part>, rest: Option<DayState>) -> PlanDay {
        PlanDay {
            date: d,
            state,
            source: Source::Occasional,
            part,
            rest,
        }
    }

    #[test]
    fn a_units_day_by_where_each_is() {
        let d = date!(2027 - 03 - 10);
        let members: Vec<Member> = (1..=5).map(member).collect();
        let mut plans = HashMap::new();
        plans.insert(
            PersonId::from_u128(2),
            vec![day(d, DayState::Remote, None, None)],
        );
        plans.insert(
            PersonId::from_u128(3),
            vec![day(d, DayState::Absent, None, None)],
        );
        // Remote in the morning, on site in the afternoon: on site.
        plans.insert(
            PersonId::from_u128(4),
            vec![day(
                d,
                DayState::Remote,
                Some(Part::Am),
                Some(DayState::Workplace),
            )],
        );
        plans.insert(
            PersonId::from_u128(5),
            vec![day(d, DayState::Other, None, None)],
        );
        let c = day_counts(&members, &plans, d);
        let ids = |v: &[PersonRef]| v.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&c.on_site), ["Person 1", "Person 4"]);
        assert_eq!(ids(&c.remote), ["Person 2"]);
        assert_eq!(ids(&c.absent), ["Person 3"]);
        assert_eq!(ids(&c.other), ["Person 5"]);
    }

    #[test]
    fn gaps_from_today_on_only_broken_rules() {
        let unit = UnitRef {
            id: Uuid::nil().into(),
            name: "Kontaktcenter".into(),
        };
        let rule = |gap, planned| RuleDay {
            rule: Uuid::from_u128(1).into(),
            kind: RuleKind::MinOnsite,
            skill: Some("reception".into()),
            required: 3,
            planned,
            gap,
        };
        let days = vec![
            CoverageDay {
                date: date!(2027 - 03 - 08),
                rules: vec![rule(2, 1)],
                on_site: vec![],
            },
            CoverageDay {
                date: date!(2027 - 03 - 09),
                rules: vec![rule(0, 3)],
                on_site: vec![],
            },
            CoverageDay {
                date: date!(2027 - 03 - 10),
                rules: vec![rule(1, 2)],
                on_site: vec![],
            },
        ];
        let g = gaps_from(&unit, &days, date!(2027 - 03 - 09));
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].date, date!(2027 - 03 - 10));
        assert_eq!((g[0].required, g[0].planned), (3, 2));
        assert_eq!(g[0].skill.as_deref(), Some("reception"));
    }
}
