//! Cohort days: with `separate_cohorts`, each unit chooses per day which of
//! its cohorts may be onsite (or none). For a unit with `k` cohorts and a
//! week of `n` workdays there are `(k+1)^n` such choices (243 for two
//! cohorts), few enough to enumerate.
//!
//! Two uses:
//! - a lower bound: dropping coverage and capacity but keeping cohort
//!   separation, the component splits into units, and for each unit the
//!   optimum is the minimum over its cohort-day choices of the sum of each
//!   member's cheapest pattern within the days its cohort may come in. This
//!   is a valid bound and much stronger than the per-employee relaxation.
//! - a construction: the same enumeration, with a penalty for the unit's own
//!   coverage rows, picks a good cohort-day choice per unit to start from.

use crate::comp::Comp;
use crate::exact::bits_of;

/// For each allowed-days mask: the cheapest cost (i64::MAX: none) and index
/// of the employee's patterns that fit inside it.
pub(crate) struct Within {
    pub best: [i64; 32],
    pub pat: [u16; 32],
}

pub(crate) fn within(c: &Comp, i: usize) -> Within {
    let mut w = Within {
        best: [i64::MAX; 32],
        pat: [u16::MAX; 32],
    };
    for (k, p) in c.pats[i].iter().enumerate() {
        let m = p.mask as usize & 31;
        if p.cost < w.best[m] {
            w.best[m] = p.cost;
            w.pat[m] = k as u16;
        }
    }
    for b in 0..5 {
        for s in 0..32usize {
            if s & (1 << b) != 0 {
                let t = s ^ (1 << b);
                if w.best[t] < w.best[s] {
                    w.best[s] = w.best[t];
                    w.pat[s] = w.pat[t];
                }
            }
        }
    }
    w
}

/// The cohort-day choices of slot `s` (per cohort, the days it may be
/// onsite; a day may go to none), each with an estimate: the sum over the
/// cohort members in `members` of their cheapest pattern within their
/// cohort's days. Choices that leave a member no pattern are left out;
/// sorted by the estimate. `None` when the slot has more than 243 choices.
pub(crate) fn cohort_day_choices(
    c: &Comp,
    s: usize,
    members: &[u32],
) -> Option<Vec<(i64, Vec<u8>)>> {
    let ncoh = c.slot_ncoh[s] as usize;
    let base = ncoh + 1;
    let sd = c.slot_days[s];
    let days: Vec<usize> = bits_of(sd).collect();
    let total = base
        .checked_pow(days.len() as u32)
        .filter(|&t| t <= 3 * 81)?;
    let wi: Vec<Within> = members.iter().map(|&i| within(c, i as usize)).collect();
    let open = !sd & 31;
    let mut cands: Vec<(i64, Vec<u8>)> = Vec::new();
    let mut digits = vec![0usize; days.len()];
    let mut cm = vec![0u8; ncoh];
    for _ in 0..total {
        cm.iter_mut().for_each(|m| *m = 0);
        for (j, &d) in digits.iter().enumerate() {
            if d < ncoh {
                cm[d] |= 1 << days[j];
            }
        }
        let mut sum = 0i64;
        let mut ok = true;
        for (k, &i) in members.iter().enumerate() {
            let co = c.coh[i as usize].map_or(0, |x| x.1) as usize;
            let b = wi[k].best[(cm[co] | open) as usize & 31];
            if b == i64::MAX {
                ok = false;
                break;
            }
            sum += b;
        }
        if ok {
            cands.push((sum, cm.clone()));
        }
        for d in digits.iter_mut() {
            *d += 1;
            if *d < base {
                break;
            }
            *d = 0;
        }
    }
    cands.sort();
    Some(cands)
}

/// Largest enumeration per slot.
const MAX_CHOICES: usize = 20_000;

pub(crate) struct SlotChoice {
    /// Per local employee: allowed onsite days (0xff = unrestricted).
    pub allowed: Vec<u8>,
    /// Lower bound of the component (relaxation keeping cohort separation).
    pub lb: i64,
}

/// Enumerates the cohort-day choices of every slot of `c`. Returns the
/// chosen allowed-days per employee (penalised choice) and the bound.
pub(crate) fn choose(c: &Comp, nd: usize) -> SlotChoice {
    let n = c.emps.len();
    let mut allowed = vec![0xffu8; n];
    let mut in_slot = vec![false; n];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); c.slot_unit.len()];
    let mut pos = vec![0usize; n];
    for i in 0..n {
        if let Some((s, _)) = c.coh[i] {
            pos[i] = members[s as usize].len();
            members[s as usize].push(i);
            in_slot[i] = true;
        }
    }
    let mut lb: i64 = (0..n)
        .filter(|&i| !in_slot[i])
        .map(|i| c.pats[i].first().map_or(0, |p| p.cost))
        .sum();
    // Rows whose members all belong to one slot's cohort members.
    let mut row_slot: Vec<Option<u32>> = vec![None; c.rows.len()];
    for (r, row) in c.rows.iter().enumerate() {
        if !row.cov {
            continue;
        }
        let first = row
            .members
            .first()
            .and_then(|&i| c.coh[i as usize])
            .map(|x| x.0);
        if first.is_some()
            && row
                .members
                .iter()
                .all(|&i| c.coh[i as usize].map(|x| x.0) == first)
        {
            row_slot[r] = first;
        }
    }
    for (s, mem) in members.iter().enumerate() {
        let ncoh = c.slot_ncoh[s] as usize;
        let base = ncoh + 1;
        let sd = c.slot_days[s];
        let free_days: Vec<usize> = bits_of(sd).collect();
        let total = base
            .checked_pow(free_days.len() as u32)
            .unwrap_or(usize::MAX);
        let fallback: i64 = mem
            .iter()
            .map(|&i| c.pats[i].first().map_or(0, |p| p.cost))
            .sum();
        if total > MAX_CHOICES || nd == 0 {
            lb += fallback;
            continue;
        }
        let wi: Vec<Within> = mem.iter().map(|&i| within(c, i)).collect();
        let rows: Vec<usize> = (0..c.rows.len())
            .filter(|&r| row_slot[r] == Some(s as u32))
            .collect();
        let mut best_lb = i64::MAX;
        let mut best_choice: Option<(i64, Vec<u8>)> = None;
        let mut digits = vec![0usize; free_days.len()];
        let mut coh_mask = vec![0u8; ncoh];
        for _ in 0..total {
            coh_mask.iter_mut().for_each(|m| *m = 0);
            for (j, &d) in digits.iter().enumerate() {
                if d < ncoh {
                    coh_mask[d] |= 1 << free_days[j];
                }
            }
            // Days outside the slot's separation are open to everyone.
            let open = !sd & 31;
            let mut sum = 0i64;
            let mut ok = true;
            let mut chosen = Vec::with_capacity(mem.len());
            for (k, &i) in mem.iter().enumerate() {
                let co = c.coh[i].map_or(0, |x| x.1) as usize;
                let a = (coh_mask[co] | open) as usize & 31;
                let b = wi[k].best[a];
                if b == i64::MAX {
                    ok = false;
                    break;
                }
                sum += b;
                chosen.push(a as u8);
            }
            if ok {
                // Coverage rows inside the unit: must be reachable, and the
                // shortfall of the cheapest patterns is penalised.
                let mut pen = 0i64;
                for &r in &rows {
                    let row = &c.rows[r];
                    for p in bits_of(row.days) {
                        let mut can = 0i64;
                        let mut at_best = 0i64;
                        for &i in &row.members {
                            let k = pos[i as usize];
                            let a = chosen[k] as usize;
                            if a & (1 << p) != 0 && c.any[i as usize] & (1 << p) != 0 {
                                can += 1;
                            }
                            let pk = wi[k].pat[a];
                            if c.pats[i as usize]
                                .get(pk as usize)
                                .is_some_and(|q| q.mask & (1 << p) != 0)
                            {
                                at_best += 1;
                            }
                        }
                        if can < row.bound[p] {
                            ok = false;
                        }
                        pen += (row.bound[p] - at_best).max(0) * 12;
                    }
                }
                if ok {
                    best_lb = best_lb.min(sum);
                    if best_choice.as_ref().is_none_or(|(v, _)| sum + pen < *v) {
                        best_choice = Some((sum + pen, chosen));
                    }
                }
            }
            // next choice
            for d in digits.iter_mut() {
                *d += 1;
                if *d < base {
                    break;
                }
                *d = 0;
            }
        }
        if best_lb == i64::MAX {
            // No choice is feasible: the component is infeasible; keep the
            // weak bound and let the search prove it.
            lb += fallback;
            continue;
        }
        lb += best_lb;
        if let Some((_, ch)) = best_choice {
            for (k, &i) in mem.iter().enumerate() {
                allowed[i] = ch[k];
            }
        }
    }
    SlotChoice { allowed, lb }
}

/// Weight of the previous direction in the deflected subgradient of
/// [`lagrangian_bound`]. Chosen on the benchmark suite: 0.5 and 0.7 both
/// prove every small instance; 0.7 gives slightly higher bounds on large ones.
const DEFLECTION: f64 = 0.7;

/// Largest multiplier of [`lagrangian_bound`]: far above any useful price
/// (a pattern costs at most a few hundred), far below where `f64` sums of
/// prices times counts lose whole units.
const MAX_PRICE: f64 = 1e6;

/// Lagrangian lower bound: coverage and capacity rows are priced into the
/// employees' pattern costs with multipliers λ ≥ 0 (a reward per onsite day
/// for coverage, a charge for capacity); what remains separates into single
/// employees and, with cohort separation kept, units whose cohort-day
/// choices are enumerated. For any λ ≥ 0 the value is a lower bound on the
/// optimum; subgradient steps (Polyak, towards `ub`) improve λ. Returns the
/// best bound, rounded up (costs are integers), its multipliers, and the
/// relaxation's solution there (an onsite mask per employee), which is
/// often close to a good plan.
///
/// The step direction is deflected (each subgradient plus [`DEFLECTION`]
/// times the previous direction, projected onto λ ≥ 0). The plain
/// subgradient zig-zags between the many patterns of equal priced cost and
/// its result depended on rounding (on one 20-person week the bound ended at
/// 128.4 or 129.03 depending on summation order, so 129 or 130 after
/// rounding); deflected, it reached 129.1 in 112 steps instead of 2 563.
pub(crate) fn lagrangian_bound(
    c: &Comp,
    mut ub: i64,
    iters: usize,
    improve: &mut dyn FnMut(&[u8]) -> Option<i64>,
) -> (i64, Vec<f64>, Vec<u8>) {
    let n = c.emps.len();
    let nr = c.rows.len();
    let mut lam = vec![0f64; nr * 5];
    // Per employee: its row-days as (index into λ, week position, sign of
    // the price: a coverage day rewards being onsite, a capacity day
    // charges it).
    let mut entries: Vec<Vec<(usize, usize, f64)>> = vec![Vec::new(); n];
    for (i, ent) in entries.iter_mut().enumerate() {
        for &r in &c.emp_rows[i] {
            let row = &c.rows[r as usize];
            let sign = if row.cov { -1.0 } else { 1.0 };
            for p in bits_of(row.days) {
                ent.push((r as usize * 5 + p, p, sign));
            }
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); c.slot_unit.len()];
    let mut in_slot = vec![false; n];
    for i in 0..n {
        if let Some((s, _)) = c.coh[i] {
            members[s as usize].push(i);
            in_slot[i] = true;
        }
    }
    let enumerable: Vec<bool> = (0..c.slot_unit.len())
        .map(|s| {
            let base = c.slot_ncoh[s] as usize + 1;
            base.checked_pow(c.slot_days[s].count_ones())
                .is_some_and(|t| t <= 3 * 81)
        })
        .collect();
    let slot_days: Vec<Vec<usize>> = c.slot_days.iter().map(|&d| bits_of(d).collect()).collect();
    let max_coh = c.slot_ncoh.iter().copied().max().unwrap_or(0) as usize;
    let mut best = f64::NEG_INFINITY;
    let mut best_lam = lam.clone();
    let mut theta = 1.0f64;
    let mut dprev = vec![0f64; nr * 5];
    let mut since = 0;
    let mut chosen = vec![0u8; n];
    let mut best_chosen = vec![0u8; n];
    // Per slot member: the cheapest priced pattern within each allowed-days
    // mask, and that pattern's mask.
    let mut wb: Vec<([f64; 32], [u8; 32])> = Vec::new();
    // Per cohort of a slot: the members' summed cheapest priced cost within
    // each allowed-days mask.
    let mut sums: Vec<[f64; 32]> = vec![[0.0; 32]; max_coh];
    let mut digits: Vec<usize> = Vec::with_capacity(5);
    let mut cm = vec![0u8; max_coh];
    let mut best_cm = vec![0u8; max_coh];
    let mut g = vec![0f64; nr * 5];
    let mut cnt = vec![0u32; nr * 5];
    let mut pm = [0f64; 32];
    for (r, row) in c.rows.iter().enumerate() {
        for p in bits_of(row.days) {
            g[r * 5 + p] = row.bound[p] as f64;
        }
    }
    let bound_of: Vec<f64> = g.clone();
    for it in 0..iters {
        // Σ λ·bound (coverage) − Σ μ·bound (capacity).
        let mut fixed = 0f64;
        for (r, row) in c.rows.iter().enumerate() {
            let sign = if row.cov { 1.0 } else { -1.0 };
            for p in bits_of(row.days) {
                fixed += sign * lam[r * 5 + p] * bound_of[r * 5 + p];
            }
        }
        let mut val = fixed;
        // The priced cost of every onsite mask of employee i, in `pm`.
        let price = |i: usize, lam: &[f64], pm: &mut [f64; 32]| {
            let mut dp = [0f64; 5];
            for &(k, p, sign) in &entries[i] {
                dp[p] += sign * lam[k];
            }
            pm[0] = 0.0;
            for m in 1..32usize {
                pm[m] = pm[m & (m - 1)] + dp[m.trailing_zeros() as usize];
            }
        };
        for i in 0..n {
            if in_slot[i] && enumerable[c.coh[i].map_or(0, |x| x.0) as usize] {
                continue;
            }
            price(i, &lam, &mut pm);
            let mut bv = f64::INFINITY;
            for p in &c.pats[i] {
                let v = p.cost as f64 + pm[p.mask as usize & 31];
                if v < bv {
                    bv = v;
                    chosen[i] = p.mask;
                }
            }
            if bv.is_finite() {
                val += bv;
            }
        }
        for (s, mem) in members.iter().enumerate() {
            if !enumerable[s] {
                continue;
            }
            let ncoh = c.slot_ncoh[s] as usize;
            let open = !c.slot_days[s] & 31;
            wb.clear();
            for sm in sums.iter_mut().take(ncoh) {
                *sm = [0.0; 32];
            }
            for &i in mem {
                price(i, &lam, &mut pm);
                let mut b = [f64::INFINITY; 32];
                let mut a = [0u8; 32];
                for p in &c.pats[i] {
                    let v = p.cost as f64 + pm[p.mask as usize & 31];
                    let m = p.mask as usize & 31;
                    if v < b[m] {
                        b[m] = v;
                        a[m] = p.mask;
                    }
                }
                for bit in 0..5 {
                    for m in 0..32usize {
                        if m & (1 << bit) != 0 && b[m ^ (1 << bit)] < b[m] {
                            b[m] = b[m ^ (1 << bit)];
                            a[m] = a[m ^ (1 << bit)];
                        }
                    }
                }
                let co = c.coh[i].map_or(0, |x| x.1) as usize;
                if let Some(sm) = sums.get_mut(co) {
                    for m in 0..32usize {
                        sm[m] += b[m | open as usize];
                    }
                }
                wb.push((b, a));
            }
            let days = &slot_days[s];
            let base = ncoh + 1;
            let total = base.pow(days.len() as u32);
            digits.clear();
            digits.resize(days.len(), 0);
            let mut best_v = f64::INFINITY;
            for _ in 0..total {
                cm.iter_mut().for_each(|m| *m = 0);
                for (j, &d) in digits.iter().enumerate() {
                    if d < ncoh {
                        cm[d] |= 1 << days[j];
                    }
                }
                // Priced costs can be negative: no early exit.
                let v: f64 = (0..ncoh).map(|co| sums[co][cm[co] as usize & 31]).sum();
                if v < best_v {
                    best_v = v;
                    best_cm[..ncoh].copy_from_slice(&cm[..ncoh]);
                }
                for d in digits.iter_mut() {
                    *d += 1;
                    if *d < base {
                        break;
                    }
                    *d = 0;
                }
            }
            if !best_v.is_finite() {
                return (i64::MIN, best_lam, best_chosen);
            }
            val += best_v;
            for (k, &i) in mem.iter().enumerate() {
                let co = c.coh[i].map_or(0, |x| x.1) as usize;
                chosen[i] = wb[k].1[(best_cm[co] | open) as usize & 31];
            }
        }
        if val > best + 1e-9 {
            best = val;
            best_lam.copy_from_slice(&lam);
            best_chosen.copy_from_slice(&chosen);
            since = 0;
        } else {
            since += 1;
            if since >= 20 {
                theta /= 2.0;
                since = 0;
            }
        }
        // Every 10 steps the caller may turn the relaxation's solution into
        // a cheaper plan: a lower target makes the steps more accurate.
        if it % 10 == 9 {
            if let Some(v) = improve(&chosen) {
                ub = ub.min(v);
            }
        }
        if (best - 1e-6).ceil() >= ub as f64 || theta < 1e-3 {
            break;
        }
        // Subgradient.
        cnt.iter_mut().for_each(|x| *x = 0);
        for i in 0..n {
            for &(k, p, _) in &entries[i] {
                if chosen[i] & (1 << p) != 0 {
                    cnt[k] += 1;
                }
            }
        }
        let mut norm = 0f64;
        for (r, row) in c.rows.iter().enumerate() {
            for p in bits_of(row.days) {
                let k = r * 5 + p;
                let gv = if row.cov {
                    bound_of[k] - f64::from(cnt[k])
                } else {
                    f64::from(cnt[k]) - bound_of[k]
                };
                // Projected: a zero multiplier with a negative slope stays.
                let gv = if lam[k] <= 0.0 && gv < 0.0 { 0.0 } else { gv };
                let gv = gv + DEFLECTION * dprev[k];
                let gv = if lam[k] <= 0.0 && gv < 0.0 { 0.0 } else { gv };
                g[k] = gv;
                dprev[k] = gv;
                norm += gv * gv;
            }
        }
        if norm == 0.0 {
            break;
        }
        let step = theta * ((ub as f64 - val).max(1.0)) / norm;
        for k in 0..nr * 5 {
            lam[k] = (lam[k] + step * g[k]).max(0.0);
        }
        // Along a direction in which the relaxation is flat the steps can
        // grow the prices without end; past `MAX_PRICE` the sums lose their
        // precision (at 10¹⁹ a rounding error is in the thousands) and the
        // value would no longer be a bound. Every value kept so far was
        // computed with sound prices.
        if lam.iter().any(|&l| l > MAX_PRICE) {
            break;
        }
    }
    if best.is_finite() {
        ((best - 1e-6).ceil() as i64, best_lam, best_chosen)
    } else {
        (i64::MIN, best_lam, best_chosen)
    }
}
