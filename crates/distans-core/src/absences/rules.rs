//! The rules of absences: a period's bounds, reading the leave system's
//! file, and what an import changes. Pure.

use std::collections::HashMap;

use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::absences::model::*;
use crate::kernel::csv::{finish, read_csv, RowError};
use crate::kernel::{CoreError, CoreResult, NewAuditEntry};
use crate::org::model::EmployeeNumber;

/// Checks a period: last not before first (400), at most a year (422).
pub fn check_period(first: Date, last: Date) -> CoreResult<()> {
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

fn parse_day(s: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt).map_err(|_| {
        if s.trim().is_empty() {
            "is required".to_string()
        } else {
            format!("\"{s}\" is not a date (YYYY-MM-DD)")
        }
    })
}

/// Reads an absence CSV (comma or semicolon, UTF-8 with or without BOM).
/// Every bad row is reported with its line, column and reason.
pub fn parse_absences_csv(bytes: &[u8]) -> Result<Vec<AbsenceRow>, Vec<RowError>> {
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
                errors.push(RowError {
                    line: w[1].line,
                    field: "first_day".into(),
                    message: format!(
                        "overlaps the absence of {} on line {} ({}–{})",
                        w[0].employee_number, w[0].line, w[0].first_day, w[0].last_day
                    ),
                });
            }
        }
    }
    finish(rows, errors)
}

/// (id, last day). Pure; unknown people are bad rows.
pub fn resolve_absences(
    rows: &[AbsenceRow],
    people: &HashMap<String, Uuid>,
    stored: &HashMap<(Uuid, Date), (Uuid, Date)>,
    actor_id: Option<Uuid>,
    actor: &str,
    at: OffsetDateTime,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<AbsenceChanges, Vec<RowError>> {
    let mut errors = vec![];
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
    for r in rows {
        let Some(person) = people.get(r.employee_number.as_str()) else {
            errors.push(RowError {
                line: r.line,
                field: "employee_number".into(),
                message: format!("nobody has the employee number {}", r.employee_number),
            });
            continue;
        };
        match stored.get(&(*person, r.first_day)) {
            Some((_, last)) if *last == r.last_day => ch.report.unchanged += 1,
            Some((id, last)) => {
                ch.update.push((*id, r.last_day));
                ch.audit.push(audit(
                    "absence.update",
                    *id,
                    Some(json!({"person": person, "first_day": r.first_day.to_string(), "last_day": last.to_string()})),
                    Some(json!({"person": person, "first_day": r.first_day.to_string(), "last_day": r.last_day.to_string()})),
                ));
                ch.report.updated += 1;
            }
            None => {
                let a = Absence {
                    id: new_id(),
                    person: *person,
                    first_day: r.first_day,
                    last_day: r.last_day,
                    source: "import".into(),
                    created_at: at,
                };
                ch.audit.push(audit(
                    "absence.create",
                    a.id,
                    None,
                    Some(json!({"person": person, "first_day": a.first_day.to_string(), "last_day": a.last_day.to_string(), "source": "import"})),
                ));
                ch.insert.push(a);
                ch.report.created += 1;
            }
        }
    }
    if !errors.is_empty() {
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
        let (p1, p2, p3) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let people: HashMap<String, Uuid> =
            [("1".into(), p1), ("2".into(), p2), ("3".into(), p3)].into();
        let stored: HashMap<(Uuid, Date), (Uuid, Date)> = [
            (
                (p1, date!(2026 - 12 - 01)),
                (Uuid::from_u128(11), date!(2026 - 12 - 04)),
            ),
            (
                (p2, date!(2026 - 12 - 01)),
                (Uuid::from_u128(12), date!(2026 - 12 - 09)),
            ),
        ]
        .into();
        let mut n = 100u128;
        let ch = resolve_absences(
            &rows,
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
            vec![(Uuid::from_u128(12), date!(2026 - 12 - 02))]
        );
        assert_eq!(ch.insert[0].person, p3);
        assert_eq!(ch.audit.len(), 3, "one per change and a summary");

        let e = resolve_absences(
            &rows,
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
}
