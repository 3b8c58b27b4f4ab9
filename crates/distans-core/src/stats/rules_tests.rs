use super::*;
use crate::org::CommuteMode;
use proptest::prelude::*;
use time::macros::date;
use uuid::Uuid;

fn key() -> Key {
    Key {
        group: Uuid::from_u128(1),
        mode: None,
    }
}

#[test]
fn weeks_and_months_cut_the_workdays() {
    let days = [
        date!(2026 - 12 - 30),
        date!(2026 - 12 - 31),
        date!(2027 - 01 - 04),
    ];
    let (b, d) = cut(&days, Grouping::Week, false);
    assert_eq!(
        b.iter().map(|b| b.key.as_str()).collect::<Vec<_>>(),
        ["2026-W53", "2027-W01"]
    );
    assert_eq!(d[2].bucket, 1);
    let (b, _) = cut(&days, Grouping::Month, false);
    assert_eq!(
        b.iter().map(|b| b.key.as_str()).collect::<Vec<_>>(),
        ["2026-12", "2027-01"]
    );
    assert_eq!(months_back(date!(2027 - 01 - 15), 2), date!(2026 - 11 - 01));
}

#[test]
fn a_week_with_an_agreement_an_occasional_half_day_and_an_absence() {
    // Mon 2026-11-23 … Fri 2026-11-27: five workdays for one person, with a
    // Monday-and-Friday agreement, Wednesday remote in the morning and the
    // Friday absent.
    let days: Vec<Date> = (23..=27)
        .map(|d| Date::from_calendar_date(2026, time::Month::November, d).unwrap())
        .collect();
    let (_, days) = cut(&days, Grouping::Week, false);
    let counts = PlanCounts {
        people: vec![PeopleCount {
            key: key(),
            last_day: None,
            people: 1,
            km: 0.0,
        }],
        spans: vec![SpanCount {
            key: key(),
            start: date!(2026 - 01 - 01),
            last: None,
            leaves: None,
            weekdays: vec![Weekday::Mon, Weekday::Fri],
            count: 1,
            km: 0.0,
        }],
        exceptions: vec![
            ExceptionCount {
                key: key(),
                bucket: 0,
                exception: Exception::Occasional { half: true },
                state: DayState::Remote,
                base: DayState::Workplace,
                count: 1,
                km: 0.0,
            },
            ExceptionCount {
                key: key(),
                bucket: 0,
                exception: Exception::Absence,
                state: DayState::Absent,
                base: DayState::Remote,
                count: 1,
                km: 0.0,
            },
        ],
    };
    let s = day_sums(&counts, &days)[&(key(), 0)];
    // Four days counted (8 halves), Monday and half of Wednesday remote.
    assert_eq!((s.counted, s.remote), (8, 3));
    // On site: Tuesday, Wednesday (half), Thursday.
    assert_eq!(s.on_site, 3);
}

#[test]
fn the_median_of_counted_values() {
    assert_eq!(median(&[(3, 1), (1, 1), (10, 1)]), Some(3.0));
    assert_eq!(median(&[(2, 2), (4, 2)]), Some(3.0));
    assert_eq!(median(&[]), None);
}

/// A unit of 20 with a manager of their own and children of 10 and 9:
/// showing the total and both children would reveal the manager.
#[test]
fn a_lone_manager_is_not_revealed_by_subtraction() {
    let tree = CellTree {
        parent: vec![None, Some(0), Some(0)],
        own: vec![1, 10, 9],
    };
    let h = suppress(&tree, 5);
    assert!(h.own[0], "the manager's own cell is small");
    assert!(!h.total[0]);
    assert!(h.total[2], "the smaller child is hidden too");
    assert!(!h.total[1]);
}

#[test]
fn a_small_organisation_is_hidden_altogether() {
    let tree = CellTree {
        parent: vec![None, Some(0)],
        own: vec![1, 3],
    };
    let h = suppress(&tree, 5);
    assert!(h.total.iter().all(|x| *x) && h.own.iter().all(|x| *x));
}

fn arb_tree() -> impl Strategy<Value = CellTree> {
    (1usize..25).prop_flat_map(|n| {
        (
            proptest::collection::vec(0usize..1000, n),
            proptest::collection::vec(0i64..12, n),
        )
            .prop_map(move |(ps, own)| CellTree {
                parent: (0..n)
                    .map(|i| if i == 0 { None } else { Some(ps[i] % i) })
                    .collect(),
                own,
            })
    })
}

proptest! {
    /// No cell under the minimum is shown, and no hidden cell can be worked
    /// out from visible ones: a visible total's hidden parts are none, or at
    /// least two reaching the minimum together; a hidden total always has a
    /// hidden part (so it cannot be added up from visible ones).
    #[test]
    fn suppressed_cells_cannot_be_recovered(tree in arb_tree(), min in 2i64..8) {
        let h = suppress(&tree, min);
        let totals = tree.totals();
        let children = tree.children();
        for u in 0..tree.own.len() {
            if totals[u] > 0 && totals[u] < min { prop_assert!(h.total[u]); }
            if tree.own[u] > 0 && tree.own[u] < min { prop_assert!(h.own[u]); }
            let parts: Vec<(i64, bool)> = std::iter::once((tree.own[u], h.own[u]))
                .chain(children[u].iter().map(|c| (totals[*c], h.total[*c])))
                .filter(|p| p.0 > 0)
                .collect();
            let hidden: Vec<i64> = parts.iter().filter(|p| p.1).map(|p| p.0).collect();
            if !h.total[u] {
                prop_assert!(hidden.is_empty() || (hidden.len() >= 2 && hidden.iter().sum::<i64>() >= min),
                    "node {u}: hidden parts {hidden:?}");
            } else if totals[u] > 0 {
                prop_assert!(!hidden.is_empty(), "node {u}: hidden total of visible parts");
            }
        }
    }

    /// Suppression never shows a cell below a hidden total.
    #[test]
    fn below_a_hidden_total_everything_is_hidden(tree in arb_tree(), min in 2i64..8) {
        let h = suppress(&tree, min);
        let children = tree.children();
        for u in 0..tree.own.len() {
            if h.total[u] {
                for v in below(&children, u) {
                    prop_assert!(h.total[v] && h.own[v]);
                }
            }
        }
    }
}

/// One made-up person for the recount: key, last day (index), agreement
/// (first day index, last day index, weekdays as bits) and an exception per
/// day (0 none, 1 rotation, 2 occasional, 3 occasional half day, 4 absent;
/// with a state).
type Someone = (
    usize,
    Option<usize>,
    Option<(usize, usize, u8)>,
    Vec<(u8, u8)>,
);

fn arb_someone(days: usize) -> impl Strategy<Value = Someone> {
    (
        0usize..3,
        proptest::option::of(0..days),
        proptest::option::of((0..days, 0..days, 0u8..32)),
        proptest::collection::vec((0u8..5, 0u8..3), days),
    )
}

proptest! {
    /// The sums from the grouped counts are the sums of the person-days:
    /// each person's every workday until they leave, recounted one by one.
    #[test]
    fn day_sums_add_up_the_person_days(
        people in proptest::collection::vec(arb_someone(15), 0..12),
        first in 0usize..3,
    ) {
        // Three weeks of workdays from Monday 2026-11-02, in weeks.
        let all: Vec<Date> = (0..21)
            .map(|i| date!(2026 - 11 - 02) + time::Duration::days(i))
            .filter(|d| d.weekday().number_days_from_monday() < 5)
            .collect();
        let (_, days) = cut(&all[first..], Grouping::Week, false);
        let keys = |k: usize| Key {
            group: Uuid::from_u128(k as u128 % 2),
            mode: (k == 2).then_some(CommuteMode::Bus),
        };
        let states = [DayState::Workplace, DayState::Remote, DayState::Other];
        let wd = |bits: u8| -> Vec<Weekday> {
            [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
                .into_iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, w)| w)
                .collect()
        };
        let mut counts = PlanCounts::default();
        let mut expected: HashMap<(Key, usize), (i64, i64, i64)> = HashMap::new();
        for (k, leaves, agreement, exceptions) in &people {
            let key = keys(*k);
            let leaves = leaves.map(|i| all[i]);
            counts.people.push(PeopleCount { key, last_day: leaves, people: 1, km: 3.0 });
            if let Some((a, b, bits)) = agreement {
                counts.spans.push(SpanCount {
                    key,
                    start: all[*a],
                    last: Some(all[*b]),
                    leaves,
                    weekdays: wd(*bits),
                    count: 1,
                    km: 3.0,
                });
            }
            for (i, d) in days.iter().enumerate() {
                if leaves.is_some_and(|l| d.day > l) {
                    break;
                }
                let base = match agreement {
                    Some((a, b, bits)) if all[*a] <= d.day && d.day <= all[*b]
                        && wd(*bits).contains(&d.weekday) => DayState::Remote,
                    _ => DayState::Workplace,
                };
                let (kind, st) = exceptions[i];
                let state = states[st as usize];
                let (exception, actual) = match kind {
                    1 => (Some(Exception::Rotation), value(state)),
                    2 => (Some(Exception::Occasional { half: false }), value(state)),
                    3 => (Some(Exception::Occasional { half: true }), half_value(state, base)),
                    4 => (Some(Exception::Absence), value(DayState::Absent)),
                    _ => (None, value(base)),
                };
                if let Some(exception) = exception {
                    counts.exceptions.push(ExceptionCount {
                        key,
                        bucket: d.bucket,
                        exception,
                        state: if kind == 4 { DayState::Absent } else { state },
                        base,
                        count: 1,
                        km: 3.0,
                    });
                }
                let e = expected.entry((key, d.bucket)).or_default();
                e.0 += actual.0;
                e.1 += actual.1;
                e.2 += actual.2;
            }
        }
        let sums = day_sums(&counts, &days);
        for (k, (counted, remote, on_site)) in &expected {
            let s = sums.get(k).copied().unwrap_or_default();
            prop_assert_eq!((s.counted, s.remote, s.on_site), (*counted, *remote, *on_site), "{:?}", k);
            if k.0.mode.is_some() {
                prop_assert_eq!(s.remote_with_commute, *remote);
                prop_assert!((s.remote_km - 3.0 * *remote as f64).abs() < 1e-9);
            }
        }
        for (k, s) in &sums {
            if !expected.contains_key(k) {
                prop_assert_eq!((s.counted, s.remote, s.on_site), (0, 0, 0));
            }
        }
    }
}

#[test]
fn commute_modes_in_swedish_and_english() {
    use crate::org::model::CommuteMode;
    assert_eq!(CommuteMode::parse("elbil"), Ok(CommuteMode::CarElectric));
    assert_eq!(CommuteMode::parse("Spårvagn"), Ok(CommuteMode::Train));
    assert_eq!(CommuteMode::parse("bus"), Ok(CommuteMode::Bus));
    assert!(check_commute(Some(12.5), Some(CommuteMode::Bus)).is_ok());
    assert!(check_commute(Some(12.5), None).is_err());
    assert!(check_commute(Some(-1.0), Some(CommuteMode::Bus)).is_err());
    assert!(check_commute(None, None).is_ok());
}

mod gaps {
    use super::*;
    use crate::coverage::model::CoverageRule;
    use crate::kernel::gap::RuleKind;

    fn unit(n: u128, parent: Option<u128>) -> TreeUnit {
        TreeUnit {
            id: UnitId::from_u128(n),
            parent: parent.map(UnitId::from_u128),
            name: format!("U{n}"),
            path: String::new(),
            people: 0,
        }
    }

    fn min_rule(
        unit: u128,
        skill: Option<&str>,
        min: i64,
        weekdays: Option<Vec<Weekday>>,
    ) -> GapRule {
        GapRule {
            rule: CoverageRule {
                id: Uuid::from_u128(1000 + unit).into(),
                unit_id: UnitId::from_u128(unit),
                kind: RuleKind::MinOnsite,
                skill: skill.map(str::to_string),
                min_onsite: min,
                weekdays,
                version: 1,
            },
            site: None,
        }
    }

    fn desk_rule(unit: u128, site: Option<(Uuid, i64)>) -> GapRule {
        GapRule {
            rule: CoverageRule {
                id: Uuid::from_u128(2000 + unit).into(),
                unit_id: UnitId::from_u128(unit),
                kind: RuleKind::MaxDesks,
                skill: None,
                min_onsite: 0,
                weekdays: None,
                version: 1,
            },
            site,
        }
    }

    fn key(unit: u128, skill: Option<&str>) -> OnSiteKey {
        OnSiteKey {
            unit: UnitId::from_u128(unit),
            skill: skill.map(str::to_string),
        }
    }

    /// Two weeks of workdays from Monday 2026-11-23, by week.
    fn two_weeks() -> Vec<StatsDay> {
        let days: Vec<Date> = (0..14)
            .map(|i| date!(2026 - 11 - 23) + time::Duration::days(i))
            .filter(|d| Weekday::of(*d).is_some())
            .collect();
        cut(&days, Grouping::Week, false).1
    }

    #[test]
    fn a_worked_example_of_two_units_over_two_weeks() {
        // A unit (1) with a child (2). Unit 1: at least 3 of its people (1
        // and 2 together) on site every workday; unit 2: at least one
        // receptionist on site on Mondays and Fridays. On site per day:
        // unit 1's own 1 person every day, unit 2's 2 people but Wednesday
        // of the first week (1) and the second Friday (0); the one
        // receptionist (in unit 2) only on the first Monday.
        let days = two_weeks();
        let units = [unit(1, None), unit(2, Some(1))];
        let rules = [
            min_rule(1, None, 3, None),
            min_rule(
                2,
                Some("reception"),
                1,
                Some(vec![Weekday::Mon, Weekday::Fri]),
            ),
        ];
        let keys = [key(1, None), key(2, None), key(2, Some("reception"))];
        let on_site = vec![
            vec![1; 10],
            vec![2, 2, 1, 2, 2, 2, 2, 2, 2, 0],
            vec![1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ];
        let g = unit_gaps(&units, &rules, &keys, &on_site, &HashMap::new(), &days, 2);
        // Unit 1: five rule days a week; a gap on the first Wednesday
        // (2 < 3) and the second Friday (1 < 3).
        assert_eq!(
            g[&UnitId::from_u128(1)],
            vec![
                GapCount {
                    rule_days: 5,
                    gap_days: 1
                },
                GapCount {
                    rule_days: 5,
                    gap_days: 1
                }
            ]
        );
        // Unit 2: Mondays and Fridays; no receptionist but the first Monday.
        assert_eq!(
            g[&UnitId::from_u128(2)],
            vec![
                GapCount {
                    rule_days: 2,
                    gap_days: 1
                },
                GapCount {
                    rule_days: 2,
                    gap_days: 2
                }
            ]
        );
    }

    #[test]
    fn a_desk_maximum_counts_only_with_a_site_and_the_people_below_a_rule_count() {
        let days = two_weeks();
        let site = Uuid::from_u128(9);
        let units = [
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(2)),
            unit(4, None),
        ];
        let rules = [
            desk_rule(1, Some((site, 4))),
            desk_rule(4, None),
            min_rule(2, None, 2, None),
        ];
        // Unit 2 has no one of its own; unit 3 (below it) has 2 on site.
        let keys = [key(3, None)];
        let on_site = vec![vec![2; 10]];
        let mut sites = HashMap::new();
        sites.insert(site, vec![4, 5, 4, 4, 4, 4, 4, 4, 4, 6]);
        let g = unit_gaps(&units, &rules, &keys, &on_site, &sites, &days, 2);
        assert_eq!(
            g[&UnitId::from_u128(1)][0],
            GapCount {
                rule_days: 5,
                gap_days: 1
            }
        );
        assert_eq!(
            g[&UnitId::from_u128(1)][1],
            GapCount {
                rule_days: 5,
                gap_days: 1
            }
        );
        // Without a site the desk maximum cannot be counted: no rule days.
        assert_eq!(g[&UnitId::from_u128(4)][0], GapCount::default());
        assert_eq!(
            g[&UnitId::from_u128(2)][0],
            GapCount {
                rule_days: 5,
                gap_days: 0
            }
        );
    }

    #[test]
    fn on_site_days_follow_the_plan_of_each_day() {
        // One person, one week: Monday-and-Friday agreement, Wednesday
        // morning remote (half: still on site), Thursday absent.
        let days = two_weeks()[..5].to_vec();
        let daily: Vec<StatsDay> = days
            .iter()
            .enumerate()
            .map(|(i, d)| StatsDay { bucket: i, ..*d })
            .collect();
        let counts = OnSiteCounts {
            keys: vec![key(1, None)],
            people: vec![KeyPeople {
                key: 0,
                last_day: None,
                people: 1,
            }],
            spans: vec![KeySpan {
                key: 0,
                start: date!(2026 - 01 - 01),
                last: None,
                leaves: None,
                weekdays: vec![Weekday::Mon, Weekday::Fri],
                count: 1,
            }],
            exceptions: vec![
                KeyException {
                    key: 0,
                    day: 2,
                    exception: Exception::Occasional { half: true },
                    state: DayState::Remote,
                    base: DayState::Workplace,
                    count: 1,
                },
                KeyException {
                    key: 0,
                    day: 3,
                    exception: Exception::Absence,
                    state: DayState::Absent,
                    base: DayState::Workplace,
                    count: 1,
                },
            ],
        };
        assert_eq!(on_site_days(&counts, &daily), vec![vec![0, 1, 1, 0, 0]]);
    }

    #[test]
    fn the_period_is_at_most_366_days_and_names_the_field() {
        assert!(check_gap_period(date!(2026 - 01 - 01), date!(2027 - 01 - 01)).is_ok());
        let e = check_gap_period(date!(2026 - 01 - 01), date!(2027 - 01 - 02)).unwrap_err();
        assert_eq!(e.field(), Some("to"));
        let e = check_gap_period(date!(2026 - 02 - 01), date!(2026 - 01 - 02)).unwrap_err();
        assert_eq!(e.field(), Some("to"));
    }

    /// Parents, rules (unit, minimum, weekday mask) and people on site.
    type Case = (Vec<Option<usize>>, Vec<(usize, i64, u8)>, Vec<Vec<i64>>);

    fn arb_case() -> impl Strategy<Value = Case> {
        (1usize..8).prop_flat_map(|n| {
            (
                proptest::collection::vec(proptest::option::of(0usize..8), n),
                proptest::collection::vec((0usize..8, 0i64..6, 0u8..32), 0..6),
                proptest::collection::vec(proptest::collection::vec(0i64..6, 10), n),
            )
        })
    }

    proptest! {
        /// Gap days never exceed the unit-days with a rule, which never
        /// exceed the workdays; a unit without rules has none.
        #[test]
        fn gap_days_never_exceed_the_days_with_rules((parents, rules, on) in arb_case()) {
            let n = parents.len();
            let units: Vec<TreeUnit> = (0..n)
                .map(|i| unit(i as u128, parents[i].filter(|p| *p < i).map(|p| p as u128)))
                .collect();
            let weekdays = |mask: u8| {
                let w: Vec<Weekday> = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, w)| w)
                    .collect();
                (!w.is_empty()).then_some(w)
            };
            let rules: Vec<GapRule> = rules
                .iter()
                .map(|(u, min, mask)| min_rule((*u % n) as u128, None, *min, weekdays(*mask)))
                .collect();
            let keys: Vec<OnSiteKey> = (0..n).map(|i| key(i as u128, None)).collect();
            let days = two_weeks();
            let g = unit_gaps(&units, &rules, &keys, &on, &HashMap::new(), &days, 2);
            for (u, counts) in &g {
                prop_assert!(rules.iter().any(|r| r.rule.unit_id == *u));
                let mut days_of = [0i64; 2];
                for d in &days {
                    days_of[d.bucket] += 1;
                }
                for (b, c) in counts.iter().enumerate() {
                    prop_assert!(0 <= c.gap_days && c.gap_days <= c.rule_days);
                    prop_assert!(c.rule_days <= days_of[b]);
                }
            }
            // A minimum of 0 never has a gap.
            for r in rules.iter().filter(|r| r.rule.min_onsite == 0) {
                let only_zero = rules
                    .iter()
                    .filter(|x| x.rule.unit_id == r.rule.unit_id)
                    .all(|x| x.rule.min_onsite == 0);
                if only_zero {
                    prop_assert!(g[&r.rule.unit_id].iter().all(|c| c.gap_days == 0));
                }
            }
        }
    }
}
