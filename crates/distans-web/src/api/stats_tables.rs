//! The statistics' tables: each figure as rows of cells, for the page and
//! for CSV in the reader's conventions (Swedish: `;`, BOM, decimal comma).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use distans_core::stats::*;

use distans_core::kernel::CoreError;

use crate::error::ApiError;
use crate::i18n::Lang;

/// A cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(Option<i64>),
    /// A number with this many decimals.
    Num(Option<f64>, usize),
    /// A share, as a percentage with one decimal.
    Share(Option<f64>),
    Yes(bool),
}

impl Cell {
    /// The cell as the language writes it.
    pub fn show(&self, lang: Lang) -> String {
        let num = |v: f64, d: usize| {
            let s = format!("{v:.d$}");
            if lang == Lang::Sv {
                s.replace('.', ",").replace('-', "−")
            } else {
                s
            }
        };
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(v) => v.map(|v| v.to_string()).unwrap_or_default(),
            Cell::Num(v, d) => v.map(|v| num(v, *d)).unwrap_or_default(),
            Cell::Share(v) => v.map(|v| num(v * 100.0, 1)).unwrap_or_default(),
            Cell::Yes(b) => lang.t(if *b { "stats-yes" } else { "stats-no" }),
        }
    }
}

/// A table: its column headers' keys and its rows.
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The table as CSV in `lang`'s conventions.
    pub fn csv(&self, lang: Lang) -> Result<Vec<u8>, ApiError> {
        let (delimiter, bom) = match lang {
            Lang::Sv => (b';', true),
            Lang::En => (b',', false),
        };
        let start = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            vec![]
        };
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(start);
        let internal = |e: csv::Error| ApiError(CoreError::internal(e));
        w.write_record(self.columns.iter().map(|k| lang.t(k)))
            .map_err(internal)?;
        for row in &self.rows {
            // Names are guarded against spreadsheet formulas; numbers are ours.
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(s) => distans_core::kernel::csv::guard(s).into_owned(),
                other => {
                    let s = other.show(lang);
                    s.replace('−', "-")
                }
            }))
            .map_err(internal)?;
        }
        w.into_inner()
            .map_err(|e| ApiError(CoreError::internal(e.to_string())))
    }
}

pub(super) fn csv_response(name: &str, bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The group's name as a table shows it.
pub fn group_name(g: &GroupRef, lang: Lang) -> String {
    match g.part {
        GroupPart::Organisation => lang.t("stats-organisation"),
        GroupPart::Total => g.name.clone(),
        GroupPart::Own => format!("{} ({})", g.name, lang.t("stats-own-people")),
    }
}

pub fn share_table(s: &RemoteShare, lang: Lang) -> Table {
    Table {
        columns: vec![
            "stats-col-period",
            "stats-col-group",
            "stats-col-people",
            "stats-col-days",
            "stats-col-remote-days",
            "stats-col-share",
            "stats-col-suppressed",
        ],
        rows: s
            .rows
            .iter()
            .map(|r| {
                let g = &s.groups[r.group];
                vec![
                    Cell::Text(s.buckets[r.bucket].key.clone()),
                    Cell::Text(group_name(g, lang)),
                    Cell::Int(Some(g.people)),
                    Cell::Num(r.days, 1),
                    Cell::Num(r.remote_days, 1),
                    Cell::Share(r.share),
                    Cell::Yes(g.suppressed),
                ]
            })
            .collect(),
    }
}

pub fn emissions_table(e: &Emissions, lang: Lang) -> Table {
    Table {
        columns: vec![
            "stats-col-period",
            "stats-col-group",
            "stats-col-people",
            "stats-col-remote-days",
            "stats-col-gross",
            "stats-col-net",
            "stats-col-coverage",
            "stats-col-suppressed",
        ],
        rows: e
            .figures
            .rows
            .iter()
            .map(|r| {
                let g = &e.figures.groups[r.group];
                vec![
                    Cell::Text(e.figures.buckets[r.bucket].key.clone()),
                    Cell::Text(group_name(g, lang)),
                    Cell::Int(Some(g.people)),
                    Cell::Num(r.remote_days, 1),
                    Cell::Num(r.gross_kg, 1),
                    Cell::Num(r.net_kg, 1),
                    Cell::Share(r.coverage),
                    Cell::Yes(g.suppressed),
                ]
            })
            .collect(),
    }
}

pub fn agreements_table(a: &AgreementStats, lang: Lang) -> Table {
    Table {
        columns: vec![
            "stats-col-group",
            "stats-col-people",
            "stats-col-state",
            "stats-col-days-per-week",
            "stats-col-count",
            "stats-col-suppressed",
        ],
        rows: a
            .rows
            .iter()
            .map(|r| {
                let g = &a.groups[r.group];
                vec![
                    Cell::Text(group_name(g, lang)),
                    Cell::Int(Some(g.people)),
                    Cell::Text(lang.t(&format!("agreement-state-{}", r.state))),
                    Cell::Int(Some(r.days_per_week)),
                    Cell::Int(r.count),
                    Cell::Yes(g.suppressed),
                ]
            })
            .collect(),
    }
}

pub fn decisions_table(d: &DecisionStats, lang: Lang) -> Table {
    Table {
        columns: vec![
            "stats-col-group",
            "stats-col-people",
            "stats-col-level",
            "stats-col-outcome",
            "stats-col-count",
            "stats-col-median-days",
            "stats-col-suppressed",
        ],
        rows: d
            .rows
            .iter()
            .map(|r| {
                let g = &d.groups[r.group];
                vec![
                    Cell::Text(group_name(g, lang)),
                    Cell::Int(Some(g.people)),
                    Cell::Text(lang.t(&format!("stats-level-{}", r.level))),
                    Cell::Text(lang.t(&format!("stats-outcome-{}", r.outcome))),
                    Cell::Int(r.count),
                    Cell::Num(r.median_days, 1),
                    Cell::Yes(g.suppressed),
                ]
            })
            .collect(),
    }
}

pub fn occupancy_table(o: &OccupancyStats, _lang: Lang) -> Table {
    let mut columns = vec![
        "stats-col-site",
        "stats-col-desks",
        "stats-col-people",
        "stats-col-mean",
        "stats-col-peak",
        "stats-col-over",
    ];
    columns.extend([
        "weekday-mon",
        "weekday-tue",
        "weekday-wed",
        "weekday-thu",
        "weekday-fri",
    ]);
    columns.push("stats-col-suppressed");
    Table {
        columns,
        rows: o
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    Cell::Text(r.name.clone()),
                    Cell::Int(Some(r.desks)),
                    Cell::Int(Some(r.people)),
                    Cell::Num(r.mean, 1),
                    Cell::Int(r.peak),
                    Cell::Int(r.days_over_capacity),
                ];
                row.extend(r.by_weekday.iter().map(|v| Cell::Num(*v, 1)));
                row.push(Cell::Yes(r.suppressed));
                row
            })
            .collect(),
    }
}

pub fn gaps_table(c: &CoverageGaps, lang: Lang) -> Table {
    Table {
        columns: vec![
            "stats-col-period",
            "stats-col-group",
            "stats-col-people",
            "stats-col-unit-days",
            "stats-col-gap-days",
            "stats-col-gap-share",
            "stats-col-suppressed",
        ],
        rows: c
            .rows
            .iter()
            .map(|r| {
                let g = &c.groups[r.group];
                vec![
                    Cell::Text(c.buckets[r.bucket].key.clone()),
                    Cell::Text(group_name(g, lang)),
                    Cell::Int(Some(g.people)),
                    Cell::Int(r.unit_days),
                    Cell::Int(r.gap_days),
                    Cell::Share(r.share),
                    Cell::Yes(g.suppressed),
                ]
            })
            .collect(),
    }
}
