//! Absences (leave, sickness — no reason is kept): entered by the person,
//! their managers or HR, or imported from a CSV export of the leave system.
//! An absent day is `absent` in the plan, whatever else applies.
//!
//! An absence is known by its person and first day: importing the same file
//! again changes nothing, and a file with a longer period for the same first
//! day updates its last day.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::audit::NewAuditEntry;
use crate::error::{CoreError, CoreResult};
use crate::import::RowError;
use crate::model::{Actor, EmployeeNumber};
use crate::store::ImportError;
use crate::Core;

/// The longest absence, in days (first and last included).
pub const MAX_ABSENCE_DAYS: i64 = 366;
/// The longest period one list of absences covers.
pub const MAX_ABSENCE_LIST_DAYS: i64 = 2 * 366;

/// A stored absence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Absence {
    pub id: Uuid,
    pub person: Uuid,
    #[schema(value_type = String, format = Date)]
    pub first_day: Date,
    #[schema(value_type = String, format = Date)]
    pub last_day: Date,
    /// `manual` (entered) or `import`.
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// One row of an absence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceRow {
    pub line: u64,
    pub employee_number: EmployeeNumber,
    pub first_day: Date,
    pub last_day: Date,
}

/// The columns of the absence CSV.
pub const ABSENCE_COLUMNS: &[(&str, bool, &str)] = &[
    (
        "employee_number",
        true,
        "anställningsnummer of a person already imported",
    ),
    (
        "first_day",
        true,
        "the first day of the absence, YYYY-MM-DD",
    ),
    (
        "last_day",
        true,
        "the last day (included), YYYY-MM-DD; at most a year after the first",
    ),
];

/// What an absence import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AbsenceImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// What an import writes: new absences, and (id, new last day) updates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AbsenceChanges {
    pub insert: Vec<Absence>,
    pub update: Vec<(Uuid, Date)>,
    pub audit: Vec<NewAuditEntry>,
    pub report: AbsenceImportReport,
}

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
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(vec![RowError {
                line: 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64,
                field: "file".into(),
                message: "is not UTF-8 text (save the export as UTF-8)".into(),
            }])
        }
    };
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                field: "header".into(),
                message: e.to_string(),
            }])
        }
    };
    let mut errors = vec![];
    let mut col: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().to_lowercase();
        match ABSENCE_COLUMNS.iter().find(|(name, _, _)| *name == h) {
            Some((name, _, _)) => {
                if col.insert(name, i).is_some() {
                    errors.push(RowError {
                        line: 1,
                        field: h.clone(),
                        message: "column appears twice".into(),
                    });
                }
            }
            None => errors.push(RowError {
                line: 1,
                field: if h.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    h.clone()
                },
                message: format!(
                    "unknown column (known columns: {})",
                    ABSENCE_COLUMNS
                        .iter()
                        .map(|c| c.0)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
    for (name, required, _) in ABSENCE_COLUMNS {
        if *required && !col.contains_key(name) {
            errors.push(RowError {
                line: 1,
                field: (*name).into(),
                message: "required column is missing".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows: Vec<AbsenceRow> = vec![];
    // (employee number, first day) → line, to find repeats.
    let mut seen: HashMap<(String, Date), u64> = HashMap::new();
    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    line: e.position().map(|p| p.line()).unwrap_or(0),
                    field: "row".into(),
                    message: match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("has {len} fields, the header has {expected_len}"),
                        _ => e.to_string(),
                    },
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |name: &str| -> &str {
            col.get(name)
                .and_then(|i| record.get(*i))
                .map(str::trim)
                .unwrap_or("")
        };
        let mut err = |field: &str, message: String| {
            errors.push(RowError {
                line,
                field: field.into(),
                message,
            })
        };
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
            continue;
        };
        if let Err(e) = check_period(first, last) {
            err(
                "last_day",
                e.to_string().trim_start_matches("last_day: ").to_string(),
            );
            continue;
        }
        if let Some(other) = seen.insert((number.as_str().to_string(), first), line) {
            err(
                "first_day",
                format!("{number} already has an absence from {first} on line {other}"),
            );
            continue;
        }
        rows.push(AbsenceRow {
            line,
            employee_number: number,
            first_day: first,
            last_day: last,
        });
    }
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
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Works out what an import writes, from the rows, the people by employee
/// number and the stored absences of those people by (person, first day) →
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

impl Core {
    /// The person's record, if the actor may enter and remove their
    /// absences: themselves, their managers, HR. Someone who cannot see the
    /// person gets 404; someone who can but may not (the auditor) 403.
    async fn absence_target(&self, actor: &Actor, person: Uuid) -> CoreResult<()> {
        let rec = self
            .store
            .person(person)
            .await?
            .ok_or(CoreError::NotFound("person"))?;
        if let Err(e) = access::authorize(
            actor,
            Action::EnterAbsence {
                person_id: person,
                unit_path: &rec.unit_path,
            },
        ) {
            if access::authorize(
                actor,
                Action::ReadCase {
                    person_id: person,
                    unit_path: &rec.unit_path,
                },
            )
            .is_err()
            {
                return Err(CoreError::NotFound("person"));
            }
            return Err(e);
        }
        Ok(())
    }

    /// Enters an absence (both days included).
    pub async fn add_absence(
        &self,
        actor: &Actor,
        person: Uuid,
        first_day: Date,
        last_day: Date,
    ) -> CoreResult<Absence> {
        self.absence_target(actor, person).await?;
        check_period(first_day, last_day)?;
        let a = Absence {
            id: Uuid::now_v7(),
            person,
            first_day,
            last_day,
            source: "manual".into(),
            created_at: self.now(),
        };
        let audit = NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: "absence.create".into(),
            entity: "absence".into(),
            entity_id: a.id.to_string(),
            before: None,
            after: Some(
                json!({"person": person, "first_day": first_day.to_string(), "last_day": last_day.to_string(), "source": "manual"}),
            ),
        };
        self.store
            .insert_absence(&a, Some(actor.person_id), audit)
            .await?;
        Ok(a)
    }

    /// A person's absences that touch a period (default: yourself, from a
    /// month back to a year ahead), for those who may see the person's plan.
    pub async fn absences(
        &self,
        actor: &Actor,
        person: Option<Uuid>,
        from: Option<Date>,
        to: Option<Date>,
    ) -> CoreResult<Vec<Absence>> {
        let person = person.unwrap_or(actor.person_id);
        let rec = self
            .store
            .person(person)
            .await?
            .ok_or(CoreError::NotFound("person"))?;
        if access::authorize(
            actor,
            Action::ReadCase {
                person_id: person,
                unit_path: &rec.unit_path,
            },
        )
        .is_err()
        {
            return Err(CoreError::NotFound("person"));
        }
        let today = self.today();
        let from = from.unwrap_or(today - Duration::days(31));
        let to = to.unwrap_or(from + Duration::days(365));
        if to < from {
            return Err(CoreError::invalid("to", "must not be before from"));
        }
        if (to - from).whole_days() >= MAX_ABSENCE_LIST_DAYS {
            return Err(CoreError::invalid(
                "to",
                format!("a list covers at most {MAX_ABSENCE_LIST_DAYS} days"),
            ));
        }
        self.store.absences(person, from, to).await
    }

    /// Removes an absence.
    pub async fn delete_absence(&self, actor: &Actor, id: Uuid) -> CoreResult<()> {
        let a = self
            .store
            .absence(id)
            .await?
            .ok_or(CoreError::NotFound("absence"))?;
        self.absence_target(actor, a.person)
            .await
            .map_err(|e| match e {
                CoreError::NotFound(_) => CoreError::NotFound("absence"),
                e => e,
            })?;
        let audit = NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: "absence.delete".into(),
            entity: "absence".into(),
            entity_id: id.to_string(),
            before: Some(
                json!({"person": a.person, "first_day": a.first_day.to_string(), "last_day": a.last_day.to_string(), "source": a.source}),
            ),
            after: None,
        };
        if self.store.delete_absence(id, self.now(), audit).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound("absence"))
        }
    }

    /// Imports absences on behalf of `actor` (None: the command line).
    pub async fn import_absences(
        &self,
        actor: Option<&Actor>,
        rows: &[AbsenceRow],
    ) -> Result<AbsenceImportReport, ImportError> {
        if let Some(a) = actor {
            access::authorize(a, Action::ImportAbsences)?;
        }
        let (id, name) = match actor {
            Some(a) => (Some(a.person_id), a.name.clone()),
            None => (None, "kommandoraden (distans import)".to_string()),
        };
        self.store
            .import_absences(rows, id, &name, self.now())
            .await
    }
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
