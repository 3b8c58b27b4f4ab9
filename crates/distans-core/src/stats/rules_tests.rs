use super::*;
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
