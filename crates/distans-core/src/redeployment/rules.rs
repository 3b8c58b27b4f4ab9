//! A row of the view from a person's plan, and the CSV export. Pure.

use time::Date;

use crate::kernel::csv::CsvOut;
use crate::kernel::CoreResult;
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

/// A day as one CSV cell in the API's words: the state, with `/am` or
/// `/pm` for a half day.
pub fn day_cell(d: &PlanDay) -> String {
    match d.part {
        Some(crate::plan::model::Part::Am) => format!("{}/am", state_name(d.state)),
        Some(crate::plan::model::Part::Pm) => format!("{}/pm", state_name(d.state)),
        None => state_name(d.state).to_string(),
    }
}

/// How the CSV is written for its reader: the separator, the byte-order
/// mark, the fixed columns' headers and a day's cell. The web layer gives
/// them in the reader's language (Swedish Excel: `;` and a BOM).
pub struct CsvWords<'a> {
    pub delimiter: u8,
    pub bom: bool,
    /// Name, unit, skills, workdays, available, remote, workplace, other,
    /// absent days, and the person's id — names first, the id last.
    pub headers: [String; 10],
    /// A day's cell.
    pub day: &'a (dyn Fn(&PlanDay) -> String + Sync),
}

impl CsvWords<'_> {
    /// The API's own words: `,`, a BOM, and the field names.
    pub fn api() -> CsvWords<'static> {
        CsvWords {
            delimiter: b',',
            bom: true,
            headers: [
                "name",
                "unit",
                "skills",
                "workdays",
                "available_days",
                "remote_days",
                "workplace_days",
                "other_days",
                "absent_days",
                "person_id",
            ]
            .map(String::from),
            day: &day_cell,
        }
    }
}

/// The rows as CSV: a header row, then one row a person with their name,
/// unit, skills and counts, their id, and a column per workday.
pub fn to_csv(rows: &[RedeployRow], workdays: &[Date], words: &CsvWords) -> CoreResult<Vec<u8>> {
    let mut w = CsvOut::new(words.delimiter, words.bom);
    let mut header: Vec<String> = words.headers.to_vec();
    header.extend(workdays.iter().map(|d| d.to_string()));
    w.row(&header)?;
    for r in rows {
        let mut rec = vec![
            r.person.name.clone(),
            r.unit.name.clone(),
            r.skills.join(", "),
            r.workdays.to_string(),
            r.available_days.to_string(),
            r.remote_days.to_string(),
            r.workplace_days.to_string(),
            r.other_days.to_string(),
            r.absent_days.to_string(),
            r.person.id.to_string(),
        ];
        for d in workdays {
            rec.push(
                r.days
                    .iter()
                    .find(|x| x.date == *d)
                    .map(|d| (words.day)(d))
                    .unwrap_or_default(),
            );
        }
        w.row(&rec)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{PersonRef, UnitRef};
    use crate::plan::model::{Part, Source};
    use crate::plan::strategies::{part, state};
    use proptest::prelude::*;
    use time::macros::date;
    use time::Duration;
    use uuid::Uuid;

    fn who(n: u128, name: &str) -> RedeployPerson {
        RedeployPerson {
            person: PersonRef {
                id: Uuid::from_u128(n).into(),
                name: name.into(),
            },
            unit: UnitRef {
                id: Uuid::nil().into(),
                name: "Kontaktcenter, Norr".into(),
            },
            skills: vec!["reception".into(), "lön".into()],
        }
    }

    fn day(d: Date, state: DayState, part: Option<Part>) -> PlanDay {
        PlanDay {
            date: d,
            state,
            source: Source::Occasional,
            part,
            rest: part.map(|_| DayState::Workplace),
        }
    }

    #[test]
    fn a_row_counts_the_days_by_state() {
        let mon = date!(2026 - 11 - 23);
        let days = vec![
            day(mon, DayState::Remote, None),
            day(mon + Duration::days(1), DayState::Absent, None),
            day(mon + Duration::days(2), DayState::Remote, Some(Part::Am)),
            day(mon + Duration::days(3), DayState::Other, None),
        ];
        let r = row_of(who(1, "Anna"), days);
        assert_eq!(
            (
                r.workdays,
                r.available_days,
                r.remote_days,
                r.workplace_days,
                r.other_days,
                r.absent_days
            ),
            (4, 3, 2, 0, 1, 1),
            "a half day counts by its occasional half"
        );
    }

    #[test]
    fn the_csv_has_a_bom_a_header_and_a_cell_per_workday() {
        let mon = date!(2026 - 11 - 23);
        let tue = mon + Duration::days(1);
        let rows = vec![row_of(
            who(1, "Åsa \"Åsen\" Öberg"),
            vec![day(tue, DayState::Remote, Some(Part::Pm))],
        )];
        let bytes = to_csv(&rows, &[mon, tue], &CsvWords::api()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header[0], "name");
        assert_eq!(header[9], "person_id");
        assert_eq!(&header[10..], ["2026-11-23", "2026-11-24"]);
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "Åsa \"Åsen\" Öberg");
        assert_eq!(&rec[1], "Kontaktcenter, Norr");
        assert_eq!(&rec[2], "reception, lön");
        assert_eq!((&rec[10], &rec[11]), ("", "remote/pm"), "no plan on Monday");
        assert_eq!(state_name(DayState::Workplace), "workplace");
    }

    #[test]
    fn a_name_that_looks_like_a_formula_is_written_as_text() {
        let mon = date!(2026 - 11 - 23);
        let rows = vec![row_of(
            who(1, "=HYPERLINK(\"http://evil.example\")"),
            vec![],
        )];
        let words = CsvWords {
            delimiter: b';',
            ..CsvWords::api()
        };
        let bytes = to_csv(&rows, &[mon], &words).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "'=HYPERLINK(\"http://evil.example\")");
    }

    proptest! {
        /// Every day is counted once, by its state; the available days are
        /// the days not absent.
        #[test]
        fn counts_add_up_to_the_workdays(plan in proptest::collection::vec((state(), part()), 0..30)) {
            let mon = date!(2026 - 11 - 23);
            let days: Vec<PlanDay> = plan.iter().enumerate().map(|(i, (s, p))| day(mon + Duration::days(i as i64), *s, *p)).collect();
            let r = row_of(who(1, "A"), days);
            prop_assert_eq!(r.workdays, plan.len() as i64);
            prop_assert_eq!(r.remote_days + r.workplace_days + r.other_days + r.absent_days, r.workdays);
            prop_assert_eq!(r.available_days, r.workdays - r.absent_days);
        }

        /// The export parses back with a CSV reader: one row a person, their
        /// name and counts, and each day's cell as the plan has it.
        #[test]
        fn the_export_parses_back(
            people in proptest::collection::vec(("[A-Za-zåäö ,;\"]{1,12}", proptest::collection::vec((state(), part()), 5)), 0..5),
        ) {
            let mon = date!(2026 - 11 - 23);
            let workdays: Vec<Date> = (0..5).map(|i| mon + Duration::days(i)).collect();
            let rows: Vec<RedeployRow> = people.iter().enumerate().map(|(n, (name, plan))| {
                let days = plan.iter().zip(&workdays).map(|((s, p), d)| day(*d, *s, *p)).collect();
                row_of(who(n as u128, name), days)
            }).collect();
            let bytes = to_csv(&rows, &workdays, &CsvWords::api()).unwrap();
            let mut r = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
            prop_assert_eq!(r.headers().unwrap().len(), 15);
            let back: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
            prop_assert_eq!(back.len(), rows.len());
            for (rec, row) in back.iter().zip(&rows) {
                prop_assert_eq!(&rec[0], row.person.name.as_str());
                prop_assert_eq!(rec[3].to_string(), row.workdays.to_string());
                prop_assert_eq!(rec[8].to_string(), row.absent_days.to_string());
                prop_assert_eq!(rec[9].to_string(), row.person.id.to_string());
                for (i, d) in row.days.iter().enumerate() {
                    prop_assert_eq!(rec[10 + i].to_string(), day_cell(d));
                }
            }
        }
    }
}
