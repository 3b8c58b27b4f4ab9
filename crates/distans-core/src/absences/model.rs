//! Absences (leave, sickness — no reason is kept): entered by the person,
//! their managers or HR, or imported from a CSV export of the leave system.

use crate::kernel::ids::PersonId;
use crate::kernel::AbsenceId;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::kernel::NewAuditEntry;
use crate::org::model::EmployeeNumber;

/// The longest absence, in days (first and last included).
pub const MAX_ABSENCE_DAYS: i64 = 366;
/// The longest period one list of absences covers.
pub const MAX_ABSENCE_LIST_DAYS: i64 = 2 * 366;

/// A stored absence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    pub id: AbsenceId,
    pub person: PersonId,
    pub first_day: Date,
    pub last_day: Date,
    /// `manual` (entered) or `import`.
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
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

/// An absence file as read: the rows that could be read, the file's
/// column names, and what was wrong with the other rows (reported by the
/// import with what it finds itself, in one go).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AbsenceFile {
    pub rows: Vec<AbsenceRow>,
    pub header: Vec<String>,
    pub problems: Vec<crate::kernel::csv::RowError>,
}

impl From<Vec<AbsenceRow>> for AbsenceFile {
    fn from(rows: Vec<AbsenceRow>) -> Self {
        AbsenceFile {
            rows,
            ..AbsenceFile::default()
        }
    }
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// What an import writes: new absences, and (id, new last day) updates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AbsenceChanges {
    pub insert: Vec<Absence>,
    pub update: Vec<(AbsenceId, Date)>,
    pub audit: Vec<NewAuditEntry>,
    pub report: AbsenceImportReport,
}
