//! The rules of absences: a period's bounds, reading the leave system's
//! file, and what an import changes. Pure.

use crate::kernel::ids::{AbsenceId, PersonId};
use std::collections::HashMap;

use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::absences::model::*;
use crate::kernel::csv::{locate, read_csv, RowError};
use crate::kernel::dates::{check_date, parse_date};
use crate::kernel::{CoreError, CoreResult, NewAuditEntry};
use crate::org::model::EmployeeNumber;

/// Checks a period: both days within the years accepted and last not
/// before first (400), at most a year (422).
pub fn check_period(first: Date, last: Date) -> CoreResult<()> {
    check_date("first_day", first)?;
    check_date("last_day", last)?;
    if last < first {
        return Err(CoreError::invalid(
            "last_day",
            format!("{last} is before first_day {first}"),
        ));
    }
    if (last - first).whole_days() + 1 > MAX_ABSENCE_DAYS {
        return Err(CoreError::Rule {
            field: Some("last_day".into()),
            message: format!(
                "an absence is at most {MAX_ABSENCE_DAYS} days; enter a longer one as several"
            ),
        });
    }
    Ok(())
}

/// A cell's date, or why it is not one the product accepts.
fn parse_day(s: &str) -> Result<Date, String> {
    if s.trim().is_empty() {
        return Err("is required".to_string());
    }
    parse_date("date", s).map_err(|e| match e {
        CoreError::Invalid { message, .. } => message,
        e => e.to_string(),
    })
}

/// Reads an absence CSV (comma or semicolon, UTF-8 with or without BOM).
/// Every bad row is reported with its line, column and reason.
pub fn parse_absences_csv(bytes: &[u8]) -> Result<Vec<AbsenceRow>, Vec<RowError>> {
    let file = read_absences_csv(bytes)?;
    if file.problems.is_empty() {
        Ok(file.rows)
    } else {
        Err(file.problems)
    }
}

/// Reads an absence CSV as far as its rows can be read (see
/// [`AbsenceFile`]); only a file that cannot be read at all is an error.
pub fn read_absences_csv(bytes: &[u8]) -> Result<AbsenceFile, Vec<RowError>> {
    let mut file = read_csv(bytes, ABSENCE_COLUMNS)?;
    let mut errors = vec![];
    let mut row_errors = vec![];
    let mut rows: Vec<AbsenceRow> = vec![];
    // (employee number, first day) → line, to find repeats.
    let mut seen: HashMap<(String, Date), u64> = HashMap::new();
    file.for_each_row(&mut errors, |r| {
        let line = r.line;
        let get = |name: &str| r.get(name);
        let mut err =
            |field: &str, message: String| row_errors.push(RowError::new(line, field, message));
        let number = EmployeeNumber::parse(get("employee_number"))
            .map_err(|m| err("employee_number", m))
            .ok();
        let first = parse_day(get("first_day"))
            .map_err(|m| err("first_day", m))
            .ok();
        let last = parse_day(get("last_day"))
            .map_err(|m| err("last_day", m))
            .ok();
        let (Some(number), Some(first), Some(last)) = (number, first, last) else {
            return;
        };
        if let Err(e) = check_period(first, last) {
            err(
                "last_day",
                e.to_string().trim_start_matches("last_day: ").to_string(),
            );
            return;
        }
        if let Some(other) = seen.insert((number.as_str().to_string(), first), line) {
            err(
                "first_day",
                format!("{number} already has an absence from {first} on line {other}"),
            );
            return;
        }
        rows.push(AbsenceRow {
            line,
            employee_number: number,
            first_day: first,
            last_day: last,
        });
    });
    errors.append(&mut row_errors);
    // Overlapping periods of one person in the file.
    let mut by_person: HashMap<&str, Vec<&AbsenceRow>> = HashMap::new();
    for r in &rows {
        by_person
            .entry(r.employee_number.as_str())
            .or_default()
            .push(r);
    }
    for list in by_person.values_mut() {
        list.sort_by_key(|r| r.first_day);
        for w in list.windows(2) {
            if w[1].first_day <= w[0].last_day {
                errors.push(RowError::new(
                    w[1].line,
                    "first_day",
                    format!(
                        "overlaps the absence of {} on line {} ({}–{})",
                        w[0].employee_number, w[0].line, w[0].first_day, w[0].last_day
                    ),
                ));
            }
        }
    }
    let header = file.header().to_vec();
    locate(&mut errors, &header);
    Ok(AbsenceFile {
        rows,
        header,
        problems: errors,
    })
}

/// (id, last day). Pure; unknown people are bad rows.
pub fn resolve_absences(
    file: &AbsenceFile,
    people: &HashMap<String, PersonId>,
    stored: &HashMap<(PersonId, Date), (AbsenceId, Date)>,
    actor_id: Option<PersonId>,
    actor: &str,
    at: OffsetDateTime,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<AbsenceChanges, Vec<RowError>> {
    // The file's own problems first: everything is reported in one go.
    let mut errors = file.problems.clone();
    let mut ch = AbsenceChanges::default();
    let audit = |action: &str, id: Uuid, before, after| NewAuditEntry {
        actor_id,
        actor: actor.to_string(),
        action: action.into(),
        entity: "absence".into(),
        entity_id: id.to_string(),
        before,
        after,
    };
    for r in &file.rows {
        let Some(person) = people.get(r.employee_number.as_str()) else {
            errors.push(RowError::new(
                r.line,
                "employee_number",
                format!("nobody has the employee number {}", r.employee_number),
            ));
            continue;
        };
        match stored.get(&(*person, r.first_day)) {
            Some((_, last)) if *last == r.last_day => ch.report.unchanged += 1,
            Some((id, last)) => {
                ch.update.push((*id, r.last_day));
                ch.audit.push(audit(
                    "absence.update",
                    (*id).into(),
                    Some(json!({"person": person, "first_day": r.first_day.to_string(), "last_day": last.to_string()})),
                    Some(json!({"person": person, "first_day": r.first_day.to_string(), "last_day": r.last_day.to_string()})),
                ));
                ch.report.updated += 1;
            }
            None => {
                let a = Absence {
                    id: new_id().into(),
                    person: *person,
                    first_day: r.first_day,
                    last_day: r.last_day,
                    source: "import".into(),
                    created_at: at,
                };
                ch.audit.push(audit(
                    "absence.create",
                    a.id.into(),
                    None,
                    Some(json!({"person": person, "first_day": a.first_day.to_string(), "last_day": a.last_day.to_string(), "source": "import"})),
                ));
                ch.insert.push(a);
                ch.report.created += 1;
            }
        }
    }
    if !errors.is_empty() {
        locate(&mut errors, &file.header);
        return Err(errors);
    }
    ch.audit.push(NewAuditEntry {
        actor_id,
        actor: actor.to_string(),
        action: "absence.import".into(),
        entity: "organisation".into(),
        entity_id: String::new(),
        before: None,
        after: Some(json!({"created": ch.report.created, "updated": ch.report.updated, "unchanged": ch.report.unchanged})),
    });
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_good_file_and_every_bad_row() {
        let rows = parse_absences_csv(
            "\u{feff}employee_number;first_day;last_day\n1001;2026-12-01;2026-12-04\n1002;2026-12-07;2026-12-07\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].last_day, date!(2026 - 12 - 07));

        let e = parse_absences_csv(
            b"employee_number,first_day,last_day\n\
              1001,2026-12-01,2026-11-30\n\
              ,2026-12-01,2026-12-02\n\
              1003,1 dec,2026-12-02\n\
              1004,2026-01-01,2027-06-01\n\
              1005,2026-12-01,2026-12-05\n\
              1005,2026-12-03,2026-12-08\n\
              1006,2026-12-01\n",
        )
        .unwrap_err();
        let got: Vec<(u64, &str)> = e.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (2, "last_day"),
                (3, "employee_number"),
                (4, "first_day"),
                (5, "last_day"),
                (7, "first_day"),
                (8, "row"),
            ],
            "{e:?}"
        );
        assert!(e[0].message.contains("before"), "{}", e[0]);
        assert!(e[3].message.contains("366"), "{}", e[3]);
        assert!(e[4].message.contains("line 6"), "{}", e[4]);

        let e = parse_absences_csv(b"person,first_day\n").unwrap_err();
        assert_eq!(e.len(), 3, "unknown column, two missing: {e:?}");
    }

    #[test]
    fn resolve_creates_updates_and_keeps() {
        let rows = parse_absences_csv(
            b"employee_number,first_day,last_day\n1,2026-12-01,2026-12-04\n2,2026-12-01,2026-12-02\n3,2026-12-01,2026-12-02\n",
        )
        .unwrap();
        let (p1, p2, p3) = (
            PersonId::from_u128(1),
            PersonId::from_u128(2),
            PersonId::from_u128(3),
        );
        let people: HashMap<String, PersonId> =
            [("1".into(), p1), ("2".into(), p2), ("3".into(), p3)].into();
        let stored: HashMap<(PersonId, Date), (AbsenceId, Date)> = [
            (
                (p1, date!(2026 - 12 - 01)),
                (AbsenceId::from_u128(11), date!(2026 - 12 - 04)),
            ),
            (
                (p2, date!(2026 - 12 - 01)),
                (AbsenceId::from_u128(12), date!(2026 - 12 - 09)),
            ),
        ]
        .into();
        let mut n = 100u128;
        let ch = resolve_absences(
            &AbsenceFile::from(rows.clone()),
            &people,
            &stored,
            None,
            "test",
            datetime!(2026-11-23 10:00 UTC),
            &mut || {
                n += 1;
                Uuid::from_u128(n)
            },
        )
        .unwrap();
        assert_eq!(
            ch.report,
            AbsenceImportReport {
                created: 1,
                updated: 1,
                unchanged: 1
            }
        );
        assert_eq!(
            ch.update,
            vec![(AbsenceId::from_u128(12), date!(2026 - 12 - 02))]
        );
        assert_eq!(ch.insert[0].person, p3);
        assert_eq!(ch.audit.len(), 3, "one per change and a summary");

        let e = resolve_absences(
            &AbsenceFile::from(rows.clone()),
            &HashMap::new(),
            &stored,
            None,
            "test",
            datetime!(2026-11-23 10:00 UTC),
            &mut Uuid::now_v7,
        )
        .unwrap_err();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].field, "employee_number");
    }

    #[test]
    fn dates_outside_the_years_accepted_are_bad_rows_naming_line_and_column() {
        let e = parse_absences_csv(
            b"employee_number,first_day,last_day\n\
              1001,10000-01-01,10000-01-02\n\
              1002,2026-12-01,9999-12-31\n\
              1003,-2026-12-01,2026-12-02\n\
              1004,0001-01-01,2026-12-02\n\
              1005,2199-12-31,2199-12-31\n",
        )
        .unwrap_err();
        let got: Vec<(u64, &str)> = e.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (2, "first_day"),
                (2, "last_day"),
                (3, "last_day"),
                (4, "first_day"),
                (5, "first_day"),
            ],
            "{e:?}"
        );
        for r in &e {
            assert!(r.message.contains("1900–2199"), "{r}");
        }
        assert!(e[0].message.contains("10000-01-01"), "{}", e[0]);
        assert!(check_period(date!(2026 - 01 - 01), Date::MAX).is_err());
    }

    #[test]
    fn periods() {
        assert!(check_period(date!(2026 - 12 - 01), date!(2026 - 12 - 01)).is_ok());
        assert_eq!(
            check_period(date!(2026 - 12 - 02), date!(2026 - 12 - 01))
                .unwrap_err()
                .field(),
            Some("last_day")
        );
        assert!(check_period(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).is_ok());
        assert!(matches!(
            check_period(date!(2026 - 01 - 01), date!(2027 - 01 - 02)),
            Err(CoreError::Rule { .. })
        ));
    }

    #[test]
    fn a_repeated_first_day_of_one_person_is_refused_once() {
        let e = parse_absences_csv(
            b"employee_number,first_day,last_day\n7,2026-12-01,2026-12-01\n7,2026-12-01,2026-12-03\n8,2026-12-01,2026-12-03\n",
        )
        .unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].line, e[0].field.as_str()), (3, "first_day"));
        assert!(e[0].message.contains("line 2"), "{}", e[0]);
    }

    #[test]
    fn an_import_writes_one_audit_entry_per_change_and_a_summary() {
        let rows = parse_absences_csv(
            b"employee_number;first_day;last_day\n1;2026-12-01;2026-12-04\n1;2026-12-10;2026-12-10\n",
        )
        .unwrap();
        let p = PersonId::from_u128(1);
        let people: HashMap<String, PersonId> = [("1".to_string(), p)].into();
        let ch = resolve_absences(
            &AbsenceFile::from(rows.clone()),
            &people,
            &HashMap::new(),
            Some(Uuid::from_u128(9).into()),
            "Karin",
            datetime!(2026-11-23 10:00 UTC),
            &mut || Uuid::from_u128(50),
        )
        .unwrap();
        let actions: Vec<&str> = ch.audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(
            actions,
            ["absence.create", "absence.create", "absence.import"]
        );
        assert!(ch.audit.iter().all(|a| a.actor == "Karin"));
        assert!(ch
            .insert
            .iter()
            .all(|a| a.source == "import" && a.person == p));
        assert_eq!(
            ch.audit[2].after,
            Some(json!({"created": 2, "updated": 0, "unchanged": 0}))
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;
        use time::Duration;

        fn day() -> impl Strategy<Value = Date> {
            (0i64..200).prop_map(|n| date!(2026 - 01 - 01) + Duration::days(n))
        }

        proptest! {
            /// A period is accepted exactly when it runs forwards and is at
            /// most 366 days; a refusal always names last_day.
            #[test]
            fn periods_are_forwards_and_at_most_a_leap_year(
                first in day(),
                len in prop_oneof![-5i64..400, proptest::sample::select(vec![-1i64, 0, 364, 365, 366, 367])],
            ) {
                let last = first + Duration::days(len);
                match check_period(first, last) {
                    Ok(()) => prop_assert!((0..366).contains(&len)),
                    Err(e) => {
                        prop_assert!(!(0..366).contains(&len));
                        prop_assert_eq!(e.field(), Some("last_day"));
                        prop_assert_eq!(e.code(), if len < 0 { "invalid" } else { "rule_broken" });
                    }
                }
            }

            /// A file of good rows reads back row by row; it is refused
            /// (naming first_day) exactly when two periods of one person
            /// overlap.
            #[test]
            fn a_file_is_refused_exactly_when_one_persons_periods_overlap(
                rows in proptest::collection::vec((0u8..3, day(), 0i64..10), 1..8),
            ) {
                let mut text = String::from("employee_number,first_day,last_day\n");
                for (p, first, len) in &rows {
                    text.push_str(&format!("{p},{first},{}\n", *first + Duration::days(*len)));
                }
                let overlap = rows.iter().enumerate().any(|(i, (p, f, l))| {
                    rows[..i].iter().any(|(q, g, m)| {
                        p == q && *f <= *g + Duration::days(*m) && *g <= *f + Duration::days(*l)
                    })
                });
                match parse_absences_csv(text.as_bytes()) {
                    Ok(read) => {
                        prop_assert!(!overlap);
                        prop_assert_eq!(read.len(), rows.len());
                        for (k, (r, (p, first, len))) in read.iter().zip(&rows).enumerate() {
                            prop_assert_eq!(r.line, k as u64 + 2);
                            prop_assert_eq!(r.employee_number.as_str(), p.to_string());
                            prop_assert_eq!((r.first_day, r.last_day), (*first, *first + Duration::days(*len)));
                        }
                    }
                    Err(e) => {
                        prop_assert!(overlap, "{e:?}");
                        prop_assert!(e.iter().all(|e| e.field == "first_day" && e.line >= 2));
                    }
                }
            }

            /// Any text is read or refused without a panic, every problem
            /// on a line of the file.
            #[test]
            fn any_absence_file_is_read_or_refused(text in "(employee_number|first_day|last_day|x)([,;](employee_number|first_day|last_day|x)){0,3}(\n[0-9a-z ,;-]{0,24}){0,5}") {
                if let Err(e) = parse_absences_csv(text.as_bytes()) {
                    prop_assert!(e.iter().all(|e| e.line >= 1));
                }
            }

            /// Every row is created, updated or kept (and said so in the
            /// log); a row of an unknown person is a bad row.
            #[test]
            fn every_row_is_created_updated_kept_or_refused(
                rows in proptest::collection::vec((0u8..4, day(), 0i64..5, proptest::option::of(0i64..5)), 1..6),
            ) {
                // One row per person and first day, as the file reader makes sure.
                let mut rows = rows;
                rows.sort_by_key(|r| (r.0, r.1));
                rows.dedup_by_key(|r| (r.0, r.1));
                let parsed: Vec<AbsenceRow> = rows.iter().enumerate().map(|(k, (p, f, l, _))| AbsenceRow {
                    line: k as u64 + 2,
                    employee_number: EmployeeNumber::parse(&p.to_string()).unwrap(),
                    first_day: *f,
                    last_day: *f + Duration::days(*l),
                }).collect();
                let people: HashMap<String, PersonId> = (0..3u8).map(|p| (p.to_string(), PersonId::from_u128(p as u128 + 1))).collect();
                let stored: HashMap<(PersonId, Date), (AbsenceId, Date)> = rows.iter().enumerate().filter_map(|(k, (p, f, _, s))| {
                    s.map(|s| ((PersonId::from_u128(*p as u128 + 1), *f), (AbsenceId::from_u128(100 + k as u128), *f + Duration::days(s))))
                }).collect();
                let unknown = rows.iter().filter(|r| r.0 == 3).count();
                let mut n = 1000u128;
                let r = resolve_absences(&AbsenceFile::from(parsed.clone()), &people, &stored, None, "t", datetime!(2026-01-01 0:00 UTC), &mut || { n += 1; Uuid::from_u128(n) });
                match r {
                    Ok(ch) => {
                        prop_assert_eq!(unknown, 0);
                        let rep = &ch.report;
                        prop_assert_eq!((rep.created + rep.updated + rep.unchanged) as usize, rows.len());
                        prop_assert_eq!(ch.insert.len() as u64, rep.created);
                        prop_assert_eq!(ch.update.len() as u64, rep.updated);
                        prop_assert_eq!(ch.audit.len() as u64, rep.created + rep.updated + 1);
                        let kept = rows.iter().filter(|(_, _, l, s)| *s == Some(*l)).count();
                        prop_assert_eq!(rep.unchanged as usize, kept);
                    }
                    Err(e) => {
                        prop_assert_eq!(e.len(), unknown);
                        prop_assert!(e.iter().all(|e| e.field == "employee_number"));
                    }
                }
            }
        }
    }
}
