//! "Statistik": remote share, agreements, occupancy and emissions avoided
//! as server-drawn SVG charts, each with its data table beside it (the
//! table is the chart's text alternative), filters for period, unit and
//! grouping, and the definitions. Groups only; small groups suppressed.

use std::fmt::Write;

use askama::Template;
use axum::extract::{Form, Query};
use distans_core::org::CommuteMode;
use distans_core::stats::*;
use distans_core::CoreError;

use super::ctx::{render, Ctx, OrPage, Reply};
use super::form::{form_errors, get, invalid, redirect, Pairs};
use crate::api::stats::{
    agreements_table, decisions_table, emissions_table, gaps_table, group_name, occupancy_table,
    parse_query, share_table, Cell, StatsParams, Table,
};
use crate::i18n::Lang;

/// A table as the page shows it: headers and the rows' cells as text.
pub struct Shown {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn shown(t: Table, lang: Lang) -> Shown {
    Shown {
        headers: t.columns.iter().map(|k| lang.t(k)).collect(),
        rows: t
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.show(lang)).collect())
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage<'a> {
    c: &'a Ctx,
    from: String,
    to: String,
    by: String,
    unit: String,
    units: Vec<(String, String)>,
    /// The parts to look into: (unit id, name), visible totals below the root.
    drill: Vec<(String, String)>,
    min_group: i64,
    share_chart: String,
    share: Shown,
    agreements_chart: String,
    agreements: Shown,
    occupancy_chart: String,
    occupancy: Shown,
    emissions_chart: String,
    emissions: Shown,
    decisions: Shown,
    /// Days with a coverage gap; none when the period is longer than the
    /// figure covers.
    gaps_chart: String,
    gaps: Option<Shown>,
    temporary_in_force: i64,
    factors_source: String,
    query: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Line patterns and markers that tell the lines apart without colour.
const DASHES: [&str; 6] = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 5"];
const COLOURS: [&str; 6] = [
    "#1d4f91", "#b04a00", "#2e7d32", "#6a1b9a", "#00695c", "#5d4037",
];

/// Remote share per bucket, one line per visible group (at most six),
/// labelled at its end.
fn share_chart(s: &RemoteShare, lang: Lang, title: &str) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 260.0, 44.0, 170.0, 12.0, 28.0);
    let n = s.buckets.len().max(2) as f64;
    let x = |b: usize| left + (w - left - right) * b as f64 / (n - 1.0);
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v);
    let mut out = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{}" class="chart">"#,
        esc(title)
    );
    for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            out,
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#ccc"/><text x="{}" y="{}" font-size="11" text-anchor="end">{} %</text>"##,
            w - right,
            left - 4.0,
            y(p) + 4.0,
            (p * 100.0) as i64,
            y = y(p)
        );
    }
    for (i, (g, group)) in s
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.suppressed)
        .take(6)
        .enumerate()
    {
        let pts: Vec<(f64, f64)> = s
            .rows
            .iter()
            .filter(|r| r.group == g)
            .filter_map(|r| r.share.map(|v| (x(r.bucket), y(v))))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let line: Vec<String> = pts.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
        let _ = write!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>"#,
            line.join(" "),
            COLOURS[i],
            DASHES[i]
        );
        if let Some((a, b)) = pts.last() {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" font-size="11">{}</text>"#,
                a + 4.0,
                b + 4.0,
                esc(&group_name(group, lang))
            );
        }
    }
    if let (Some(f), Some(l)) = (s.buckets.first(), s.buckets.last()) {
        let _ = write!(
            out,
            r#"<text x="{left}" y="{}" font-size="11">{}</text><text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>"#,
            h - 8.0,
            esc(&f.key),
            w - right,
            h - 8.0,
            esc(&l.key)
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per label, each split into parts with patterns
/// told apart by a legend and the value printed.
fn bars(title: &str, rows: &[(String, Vec<(String, f64)>)], unit: &str) -> String {
    let max = rows
        .iter()
        .map(|(_, p)| p.iter().map(|x| x.1).sum::<f64>())
        .fold(0.0, f64::max)
        .max(1.0);
    let (w, left, bar) = (640.0, 180.0, 22.0);
    let h = 30.0 + rows.len() as f64 * (bar + 8.0);
    let mut out = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{}" class="chart">"#,
        esc(title)
    );
    for (i, (label, parts)) in rows.iter().enumerate() {
        let top = 8.0 + i as f64 * (bar + 8.0);
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>"#,
            left - 6.0,
            top + bar / 2.0 + 4.0,
            esc(label)
        );
        let mut at = left;
        for (j, (_, v)) in parts.iter().enumerate() {
            let width = (w - left - 80.0) * v / max;
            let _ = write!(
                out,
                r##"<rect x="{at:.1}" y="{top}" width="{width:.1}" height="{bar}" fill="{}" stroke="#fff"/>"##,
                COLOURS[j % 6]
            );
            at += width;
        }
        let total: f64 = parts.iter().map(|x| x.1).sum();
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" font-size="11">{} {}</text>"#,
            at + 4.0,
            top + bar / 2.0 + 4.0,
            (total * 10.0).round() / 10.0,
            esc(unit)
        );
    }
    out.push_str("</svg>");
    out
}

/// Sites × weekdays, each cell with its mean written in it and shaded.
fn heat_map(o: &OccupancyStats, lang: Lang, title: &str) -> String {
    let rows: Vec<&OccupancyRow> = o.rows.iter().filter(|r| !r.suppressed).take(20).collect();
    let (left, cw, ch) = (180.0, 80.0, 24.0);
    let w = left + 5.0 * cw + 10.0;
    let h = 24.0 + rows.len() as f64 * ch;
    let mut out = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{}" class="chart">"#,
        esc(title)
    );
    for (j, d) in [
        "weekday-mon",
        "weekday-tue",
        "weekday-wed",
        "weekday-thu",
        "weekday-fri",
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(
            out,
            r#"<text x="{}" y="14" font-size="11" text-anchor="middle">{}</text>"#,
            left + cw * j as f64 + cw / 2.0,
            esc(&lang.t(d))
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let top = 20.0 + i as f64 * ch;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>"#,
            left - 6.0,
            top + ch / 2.0 + 4.0,
            esc(&r.name)
        );
        for (j, v) in r.by_weekday.iter().enumerate() {
            let v = v.unwrap_or(0.0);
            let ratio = if r.desks > 0 { v / r.desks as f64 } else { 0.0 };
            // Light to dark; the number is written, so shade is never the only means.
            let level = (235.0 - 150.0 * ratio.min(1.2) / 1.2) as u8;
            let text = if level < 150 { "#fff" } else { "#000" };
            let _ = write!(
                out,
                r##"<rect x="{}" y="{top}" width="{cw}" height="{ch}" fill="rgb({level},{level},255)" stroke="#fff"/><text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{text}">{}</text>"##,
                left + cw * j as f64,
                left + cw * j as f64 + cw / 2.0,
                top + ch / 2.0 + 4.0,
                crate::api::stats::Cell::Num(Some(v), 1).show(lang)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// The share of unit-days with a gap over the whole period, one bar per
/// visible group (at most twenty), its figures written beside it.
fn gaps_chart(c: &CoverageGaps, lang: Lang, title: &str) -> String {
    let mut rows: Vec<(String, i64, i64)> = vec![];
    for (g, group) in c.groups.iter().enumerate() {
        if group.suppressed {
            continue;
        }
        let (days, gaps) = c
            .rows
            .iter()
            .filter(|r| r.group == g)
            .fold((0, 0), |(d, x), r| {
                (d + r.unit_days.unwrap_or(0), x + r.gap_days.unwrap_or(0))
            });
        rows.push((group_name(group, lang), days, gaps));
        if rows.len() == 20 {
            break;
        }
    }
    let (w, left, right, bar) = (640.0, 180.0, 200.0, 22.0);
    let h = 12.0 + rows.len() as f64 * (bar + 8.0);
    let mut out = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{}" class="chart">"#,
        esc(title)
    );
    for (i, (label, days, gaps)) in rows.iter().enumerate() {
        let top = 8.0 + i as f64 * (bar + 8.0);
        let share = if *days > 0 {
            *gaps as f64 / *days as f64
        } else {
            0.0
        };
        let width = (w - left - right) * share;
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text><rect x="{left}" y="{top}" width="{}" height="{bar}" fill="#f3f3f3" stroke="#767676"/><rect x="{left}" y="{top}" width="{width:.1}" height="{bar}" fill="{}"/><text x="{}" y="{}" font-size="11">{}</text>"##,
            left - 6.0,
            top + bar / 2.0 + 4.0,
            esc(label),
            w - left - right,
            COLOURS[1],
            w - right + 6.0,
            top + bar / 2.0 + 4.0,
            esc(&lang.ta(
                "stats-gaps-bar",
                &[
                    ("gaps", gaps.to_string()),
                    ("days", days.to_string()),
                    (
                        "share",
                        Cell::Share((*days > 0).then_some(share)).show(lang)
                    ),
                ],
            ))
        );
    }
    out.push_str("</svg>");
    out
}

/// The statistics page.
pub async fn stats_page(mut c: Ctx, Query(p): Query<StatsParams>) -> Reply {
    let actor = c.page("stats").await?;
    let core = c.core();
    let lang = c.lang;
    let q = parse_query(&p, core.stats.default_period())
        .map_err(|e| e.0)
        .or_page(&c)?;
    // The five figures are counted at the same time, each on its own connection.
    let by_month = StatsQuery {
        by: Grouping::Month,
        ..q.clone()
    };
    let (share, agreements, emissions, occupancy, decisions) = tokio::try_join!(
        core.stats.remote_share(&actor, &q),
        core.stats.agreements(&actor, q.unit),
        core.stats.emissions(&actor, &by_month),
        core.stats.occupancy(&actor, None, q.from, q.to),
        core.stats.decisions(&actor, q.from, q.to, q.unit),
    )
    .or_page(&c)?;
    // Coverage gaps are counted day by day, over at most a year.
    let gaps = if (q.to - q.from).whole_days() < MAX_GAP_DAYS {
        Some(core.stats.coverage_gaps(&actor, &q).await.or_page(&c)?)
    } else {
        None
    };
    // The units offered: the actor's own, or every top unit for those who see all.
    let mut units: Vec<(String, String)> = actor
        .manages
        .iter()
        .map(|m| (m.id.to_string(), m.name.clone()))
        .collect();
    for g in share.groups.iter().filter(|g| g.part == GroupPart::Total) {
        if let Some(u) = g.unit {
            if !units.iter().any(|x| x.0 == u.to_string()) {
                units.push((u.to_string(), g.name.clone()));
            }
        }
    }
    let mut agreement_bars: Vec<(String, Vec<(String, f64)>)> = vec![];
    for (g, group) in agreements.groups.iter().enumerate() {
        if group.suppressed {
            continue;
        }
        let mut parts: Vec<(String, f64)> = vec![];
        for r in agreements.rows.iter().filter(|r| r.group == g) {
            let label = lang.t(&format!("agreement-state-{}", r.state));
            match parts.iter_mut().find(|p| p.0 == label) {
                Some(p) => p.1 += r.count.unwrap_or(0) as f64,
                None => parts.push((label, r.count.unwrap_or(0) as f64)),
            }
        }
        agreement_bars.push((group_name(group, lang), parts));
    }
    let co2: Vec<(String, Vec<(String, f64)>)> = emissions
        .figures
        .rows
        .iter()
        .filter(|r| r.group == 0)
        .filter_map(|r| {
            r.gross_kg.map(|kg| {
                (
                    emissions.figures.buckets[r.bucket].key.clone(),
                    vec![(String::new(), kg)],
                )
            })
        })
        .collect();
    let drill: Vec<(String, String)> = share
        .groups
        .iter()
        .skip(1)
        .filter(|g| g.part == GroupPart::Total && !g.suppressed)
        .filter_map(|g| g.unit.map(|u| (u.to_string(), g.name.clone())))
        .collect();
    let title = |k: &str| lang.t(k);
    let page = StatsPage {
        share_chart: share_chart(&share, lang, &title("stats-share-title")),
        agreements_chart: bars(&title("stats-agreements-title"), &agreement_bars, ""),
        occupancy_chart: heat_map(&occupancy, lang, &title("stats-occupancy-title")),
        emissions_chart: bars(&title("stats-emissions-title"), &co2, "kg"),
        share: shown(share_table(&share, lang), lang),
        agreements: shown(agreements_table(&agreements, lang), lang),
        occupancy: shown(occupancy_table(&occupancy, lang), lang),
        emissions: shown(emissions_table(&emissions, lang), lang),
        decisions: shown(decisions_table(&decisions, lang), lang),
        gaps_chart: gaps
            .as_ref()
            .map(|g| gaps_chart(g, lang, &title("stats-gaps-title")))
            .unwrap_or_default(),
        gaps: gaps.as_ref().map(|g| shown(gaps_table(g, lang), lang)),
        temporary_in_force: decisions.temporary_in_force,
        factors_source: emissions.factors.source.clone(),
        min_group: share.min_group,
        from: q.from.to_string(),
        to: q.to.to_string(),
        by: q.by.as_str().into(),
        unit: q.unit.map(|u| u.to_string()).unwrap_or_default(),
        query: format!(
            "from={}&to={}&by={}{}",
            q.from,
            q.to,
            q.by.as_str(),
            q.unit.map(|u| format!("&unit={u}")).unwrap_or_default()
        ),
        units,
        drill,
        c: &c,
    };
    render(&c, &page)
}

/// The modes offered on one's own page, in this order.
pub const COMMUTE_MODES: [CommuteMode; 11] = [
    CommuteMode::CarPetrol,
    CommuteMode::CarDiesel,
    CommuteMode::CarElectric,
    CommuteMode::CarHybrid,
    CommuteMode::Car,
    CommuteMode::CarPool,
    CommuteMode::Bus,
    CommuteMode::Train,
    CommuteMode::PublicTransport,
    CommuteMode::Bicycle,
    CommuteMode::Walk,
];

/// One's own commute, from one's own page (both empty: removed). A bad
/// value brings the page back with the error at its field.
pub async fn set_own_commute(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let sent_km = get(&f, "distance_km").trim().to_string();
    let sent_mode = get(&f, "mode").trim().to_string();
    let result: Result<(), CoreError> = async {
        let km = match sent_km.replace(',', ".") {
            k if k.is_empty() => None,
            k => Some(
                k.parse::<f64>()
                    .map_err(|_| CoreError::invalid("distance_km", "a number of km, e.g. 12,5"))?,
            ),
        };
        let mode = match sent_mode.as_str() {
            "" => None,
            m => Some(CommuteMode::parse(m).map_err(|e| CoreError::invalid("mode", e))?),
        };
        c.core()
            .stats
            .set_commute(&actor, actor.person_id, km, mode)
            .await
    }
    .await;
    let errors = match result {
        Ok(()) => return redirect(&format!("/personer/{}#commute", actor.person_id)),
        Err(e) => form_errors(&c, "commute", e, invalid)?,
    };
    c.nav = "me";
    c.ensure_csrf().await?;
    super::org::person_reply(
        &c,
        actor.person_id.uuid(),
        super::org::PersonShown {
            errors,
            commute_sent: Some((sent_km, sent_mode)),
            ..Default::default()
        },
    )
    .await
}
