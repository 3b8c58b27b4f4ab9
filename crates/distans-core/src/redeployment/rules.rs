//! A row of the view from a person's plan, and the CSV export. Pure.

use time::Date;

use crate::kernel::{CoreError, CoreResult};
use crate::plan::model::{DayState, PlanDay};
use crate::redeployment::model::*;

/// Counts a person's days (pure). A half day counts by the state of its
/// half that differs (the occasional one).
pub fn row_of(p: RedeployPerson, days: Vec<PlanDay>) -> RedeployRow {
    let count = |s: DayState| days.iter().filter(|d| d.state == s).count() as i64;
    let workdays = days.len() as i64;
    let absent = count(DayState::Absent);
    RedeployRow {
        person: p.person,
        unit: p.unit,
        skills: p.skills,
        workdays,
        available_days: workdays - absent,
        remote_days: count(DayState::Remote),
        workplace_days: count(DayState::Workplace),
        other_days: count(DayState::Other),
        absent_days: absent,
        days,
    }
}

/// The API name of a day's state.
pub fn state_name(s: DayState) -> &'static str {
    match s {
        DayState::Workplace => "workplace",
        DayState::Remote => "remote",
        DayState::Other => "other",
        DayState::Absent => "absent",
    }
}

/// A day as one CSV cell: the state, with `/am` or `/pm` for a half day.
pub(crate) fn day_cell(d: &PlanDay) -> String {
    match d.part {
        Some(crate::plan::model::Part::Am) => format!("{}/am", state_name(d.state)),
        Some(crate::plan::model::Part::Pm) => format!("{}/pm", state_name(d.state)),
        None => state_name(d.state).to_string(),
    }
}

/// The rows as CSV (UTF-8 with a byte-order mark, so that spreadsheet
/// programs read å, ä and ö right): a header row, then one row a person
/// with their counts and a column per workday of the period.
pub fn to_csv(rows: &[RedeployRow], workdays: &[Date]) -> CoreResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut header: Vec<String> = [
        "person_id",
        "name",
        "unit",
        "skills",
        "workdays",
        "available_days",
        "remote_days",
        "workplace_days",
        "other_days",
        "absent_days",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(workdays.iter().map(|d| d.to_string()));
    w.write_record(&header).map_err(CoreError::internal)?;
    for r in rows {
        let mut rec = vec![
            r.person.id.to_string(),
            r.person.name.clone(),
            r.unit.name.clone(),
            r.skills.join("; "),
            r.workdays.to_string(),
            r.available_days.to_string(),
            r.remote_days.to_string(),
            r.workplace_days.to_string(),
            r.other_days.to_string(),
            r.absent_days.to_string(),
        ];
        for d in workdays {
            rec.push(
                r.days
                    .iter()
                    .find(|x| x.date == *d)
                    .map(day_cell)
                    .unwrap_or_default(),
            );
        }
        w.write_record(&rec).map_err(CoreError::internal)?;
    }
    w.into_inner().map_err(CoreError::internal)
}
