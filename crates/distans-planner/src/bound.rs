//! The unit bound: a lower bound that keeps every rule inside a unit.
//!
//! Dropping the rules that span units (an organisation-wide skill, a floor's
//! desk limit, a department's coverage) splits a component into its units.
//! Each unit's subproblem — its members' patterns, its own coverage rows,
//! the desk limits restricted to its members and its cohort separation — is
//! a relaxation of the component restricted to the unit, so the sum of the
//! units' optima is a valid lower bound. Units are small (the product's units
//! have a handful to a few dozen people), so the branch and bound usually
//! solves each exactly; where it cannot within its node budget, that unit
//! contributes the weaker bound of its cheapest patterns (still valid).
//!
//! This is the bound that proves optimality where the Lagrangian bound,
//! which prices rows continuously, leaves an integrality gap: for example a
//! unit whose two cohorts and coverage rule together force one member to
//! give up a remote day costs 10 more than any continuous relaxation sees.

use crate::cohort::{cohort_day_choices, lagrangian_bound};
use crate::comp::{Comp, Pat, Row};
use crate::exact::{search, search_order, search_priced};
use std::time::Instant;

/// The component restricted to the local employees `set`, keeping only the
/// rules that hold for a subset: coverage rows all of whose members are in
/// `set`, capacity rows restricted to `set` (fewer people onsite can only
/// help a maximum), cohort separation among `set`'s members. Pattern indices
/// are the same as in `c`.
pub(crate) fn relaxed_sub(c: &Comp, set: &[u32]) -> Comp {
    let n = c.emps.len();
    let mut local = vec![u32::MAX; n];
    for (q, &i) in set.iter().enumerate() {
        local[i as usize] = q as u32;
    }
    let k = set.len();
    let mut rows: Vec<Row> = Vec::new();
    let mut emp_rows: Vec<Vec<u32>> = vec![Vec::new(); k];
    for row in &c.rows {
        let inside: Vec<u32> = row
            .members
            .iter()
            .filter_map(|&i| {
                let q = local[i as usize];
                (q != u32::MAX).then_some(q)
            })
            .collect();
        let keep = if row.cov {
            inside.len() == row.members.len()
        } else {
            // A limit that the subset cannot exceed binds nothing.
            inside.len() as i64 > row.bound.iter().copied().min().unwrap_or(0)
        };
        if !keep || inside.is_empty() {
            continue;
        }
        let r = rows.len() as u32;
        for &q in &inside {
            emp_rows[q as usize].push(r);
        }
        rows.push(Row {
            cov: row.cov,
            bound: row.bound,
            days: row.days,
            members: inside,
        });
    }
    // Cohort slots with members in the set, renumbered.
    let mut slot_map = vec![u32::MAX; c.slot_unit.len()];
    let mut slot_unit = Vec::new();
    let mut slot_ncoh = Vec::new();
    let mut slot_base = Vec::new();
    let mut slot_days = Vec::new();
    let mut coh = vec![None; k];
    let mut coh_len = 0;
    for (q, &i) in set.iter().enumerate() {
        let Some((s, co)) = c.coh[i as usize] else {
            continue;
        };
        let su = s as usize;
        if slot_map[su] == u32::MAX {
            slot_map[su] = slot_unit.len() as u32;
            slot_unit.push(c.slot_unit[su]);
            slot_ncoh.push(c.slot_ncoh[su]);
            slot_base.push(coh_len);
            slot_days.push(c.slot_days[su]);
            coh_len += c.slot_ncoh[su] as usize * 5;
        }
        coh[q] = Some((slot_map[su], co));
    }
    let pats: Vec<Vec<Pat>> = set.iter().map(|&i| c.pats[i as usize].clone()).collect();
    Comp {
        emps: set.iter().map(|&i| c.emps[i as usize]).collect(),
        any: set.iter().map(|&i| c.any[i as usize]).collect(),
        all: set.iter().map(|&i| c.all[i as usize]).collect(),
        pats,
        rows,
        emp_rows,
        coh,
        unit: set.iter().map(|&i| c.unit[i as usize]).collect(),
        slot_unit,
        slot_ncoh,
        slot_base,
        slot_days,
        coh_len,
    }
}

/// Subgradient steps of a unit's own Lagrangian bound ([`priced`]).
const UNIT_LAG_ITERS: usize = 300;

/// A lower bound on a unit's relaxation `sub` whose plain search did not
/// finish: the unit's own Lagrangian bound (prices for its rows alone are
/// far sharper than the component's), then the branch and bound again with
/// those prices in its bound, the current plan's restriction (cost `at_cur`)
/// as incumbent. A finished priced search gives the unit's optimum; the
/// prices alone still give a valid bound.
fn priced(sub: &Comp, sub_cur: &[u16], order: &[u32], at_cur: i64, nodes: u64) -> i64 {
    let (lag, lam, _) = lagrangian_bound(sub, at_cur, UNIT_LAG_ITERS, &mut |_| None);
    let lag = lag.min(at_cur);
    if lag >= at_cur || lam.is_empty() {
        return lag;
    }
    let res = search_priced(sub, sub_cur, order, at_cur + 1, nodes, false, Some(&lam));
    match (res.complete, res.best) {
        (true, Some((cost, _))) => cost,
        _ => lag,
    }
}

/// A lower bound on a unit's relaxation `sub` (one cohort slot) by its
/// cohort-day choices: the optimum is the least over the choices of the
/// optimum with each cohort held to its days. With the days fixed the
/// unit's Lagrangian bound no longer misses the cohorts' integrality (a
/// cohort that must take a day another needs), so each choice gets its own
/// bound — the members' cheapest patterns within their days, that
/// Lagrangian bound, and a priced search below the best plan so far
/// (`best`, at first the current plan's cost) while `nodes` last. Choices
/// are taken cheapest estimate first; those whose estimate reaches the
/// best plan need no look. Valid whatever the budget: the result is the
/// least of the choices' bounds and the best plan.
pub(crate) fn by_cohort_days(sub: &Comp, mut best: i64, nodes: u64) -> i64 {
    let cheapest = sub.min_cost();
    if sub.slot_unit.len() != 1 {
        return cheapest;
    }
    let n = sub.emps.len();
    let members: Vec<u32> = (0..n as u32)
        .filter(|&i| sub.coh[i as usize].is_some())
        .collect();
    let Some(choices) = cohort_day_choices(sub, 0, &members) else {
        return cheapest;
    };
    let free_min: i64 = (0..n)
        .filter(|&i| sub.coh[i].is_none())
        .map(|i| sub.pats[i].first().map_or(0, |p| p.cost))
        .sum();
    let open = !sub.slot_days[0] & 31;
    let mut lb = i64::MAX;
    let mut left = nodes;
    let zeros = vec![0u16; n];
    for (est, cm) in choices {
        let est = est + free_min;
        if est >= best {
            // Sorted: every other choice costs at least as much.
            break;
        }
        let mut one = sub.clone();
        let allowed: Vec<u8> = (0..n)
            .map(|i| match sub.coh[i] {
                Some((_, co)) => cm[co as usize] | open,
                None => 0xff,
            })
            .collect();
        one.keep_within(&allowed);
        let (lag, lam, _) = lagrangian_bound(&one, best, UNIT_LAG_ITERS, &mut |_| None);
        let mut bound = est.max(lag);
        if bound < best && left > 0 {
            let order = search_order(&one);
            let res = search_priced(&one, &zeros, &order, best, left, false, Some(&lam));
            left = left.saturating_sub(res.nodes);
            if let Some((cost, _)) = res.best {
                best = best.min(cost);
            }
            if res.complete {
                // Nothing below the old best but what it found.
                bound = best;
            }
        }
        lb = lb.min(bound);
    }
    lb.min(best)
}

/// The unit bound of component `c` (see the module documentation). `cur` is
/// a feasible plan of `c` (pattern index per employee): restricted to a unit
/// it is a plan of the unit's relaxation, so each unit's search starts with
/// that cost as its incumbent. `nodes` is the node budget per unit; past the
/// deadline the remaining units contribute their cheapest patterns only.
pub(crate) fn unit_bound(c: &Comp, cur: &[u16], nodes: u64, deadline: Option<Instant>) -> i64 {
    let n = c.emps.len();
    let mut by_unit: Vec<(usize, u32)> = (0..n as u32).map(|i| (c.unit[i as usize], i)).collect();
    by_unit.sort_unstable();
    let mut total = 0i64;
    let mut start = 0;
    while start < by_unit.len() {
        let unit = by_unit[start].0;
        let mut end = start;
        while end < by_unit.len() && by_unit[end].0 == unit {
            end += 1;
        }
        let set: Vec<u32> = by_unit[start..end].iter().map(|x| x.1).collect();
        start = end;
        let sub = relaxed_sub(c, &set);
        let cheapest = sub.min_cost();
        let sub_cur: Vec<u16> = set.iter().map(|&i| cur[i as usize]).collect();
        let at_cur: i64 = sub
            .pats
            .iter()
            .zip(&sub_cur)
            .map(|(p, &k)| p.get(k as usize).map_or(0, |q| q.cost))
            .sum();
        if sub.rows.is_empty() && sub.slot_unit.is_empty()
            || at_cur == cheapest
            || deadline.is_some_and(|d| Instant::now() >= d)
        {
            total += cheapest;
            continue;
        }
        let order = search_order(&sub);
        // Solutions strictly below `at_cur + 1`: the current plan's own
        // restriction qualifies, so a completed search always has a best.
        let res = search(&sub, &sub_cur, &order, at_cur + 1, nodes, false);
        total += match (res.complete, res.best) {
            (true, Some((cost, _))) => cost,
            // The best plan the search found is the better incumbent.
            (false, Some((cost, assign))) => priced(&sub, &assign, &order, cost, 10 * nodes)
                .max(by_cohort_days(&sub, cost, 10 * nodes)),
            _ => priced(&sub, &sub_cur, &order, at_cur, 10 * nodes).max(by_cohort_days(
                &sub,
                at_cur,
                10 * nodes,
            )),
        }
        .max(cheapest);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comp::build_week;
    use crate::local::Rng;
    use crate::model::Model;
    use crate::{CoverageRule, Employee, Horizon, Input, Rules};

    const DAYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];

    /// One unit of 5–8 people over one week, mostly in two cohorts, with a
    /// coverage rule, a key-skill rule and preferences.
    fn unit_week(rng: &mut Rng) -> Input {
        let n = 5 + rng.below(4);
        let employees = (0..n)
            .map(|i| Employee {
                id: format!("e{i}"),
                unit: "u".into(),
                skills: if rng.below(3) == 0 {
                    vec!["key".into()]
                } else {
                    vec![]
                },
                cohort: match rng.below(5) {
                    0 => None,
                    k => Some(if k % 2 == 0 { "A" } else { "B" }.into()),
                },
                remote_target_per_week: 1 + rng.below(4) as i64,
                prefer_remote: (rng.below(2) == 0)
                    .then(|| DAYS[rng.below(5)].to_string())
                    .into_iter()
                    .collect(),
                absent: (rng.below(4) == 0)
                    .then(|| format!("2026-01-{:02}", 5 + rng.below(5)))
                    .into_iter()
                    .collect(),
                ..Employee::default()
            })
            .collect();
        Input {
            horizon: Horizon {
                start: Some("2026-01-05".into()),
                weeks: 1,
                holidays: if rng.below(2) == 0 {
                    vec!["2026-01-06".into()]
                } else {
                    vec![]
                },
            },
            employees,
            rules: Rules {
                coverage: vec![
                    CoverageRule {
                        unit: Some("u".into()),
                        skill: None,
                        min_onsite: 1 + rng.below(3) as i64,
                        weekdays: None,
                    },
                    CoverageRule {
                        unit: Some("u".into()),
                        skill: Some("key".into()),
                        min_onsite: 1,
                        weekdays: Some(DAYS[..4].iter().map(|d| d.to_string()).collect()),
                    },
                ],
                capacity: vec![],
                separate_cohorts: true,
            },
        }
    }

    #[test]
    fn cohort_day_bound_is_valid_and_exact_with_enough_nodes() {
        let mut rng = Rng::new(11);
        let (mut units, mut exact) = (0, 0);
        for _ in 0..120 {
            let inp = unit_week(&mut rng);
            let Ok(m) = Model::build(&inp) else {
                continue;
            };
            for c in &build_week(&m, 0, None, &Default::default()).comps {
                if c.slot_unit.len() != 1 {
                    continue;
                }
                let zeros = vec![0u16; c.emps.len()];
                let full = search(c, &zeros, &search_order(c), i64::MAX, u64::MAX, false);
                assert!(full.complete);
                let Some((opt, _)) = full.best else {
                    continue;
                };
                units += 1;
                // Whatever the budget and however poor the plan it starts
                // from, never above the optimum.
                for (start, nodes) in [(opt, 0), (opt + 7, 0), (opt + 7, 30), (opt + 30, 1 << 20)] {
                    let b = by_cohort_days(c, start, nodes);
                    assert!(
                        b <= opt,
                        "bound {b} above the optimum {opt} ({start}, {nodes})"
                    );
                }
                exact += usize::from(by_cohort_days(c, opt + 30, 1 << 20) == opt);
            }
        }
        // Exact with enough nodes: every search finishes on units this small.
        assert!(units > 30, "{units}");
        assert_eq!(exact, units);
    }
}
