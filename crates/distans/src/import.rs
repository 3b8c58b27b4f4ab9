//! `distans import people` and `distans import absences`: the HR system's
//! files, all or nothing, every bad row reported with its line and column.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use distans_core::absences::rules::read_absences_csv;
use distans_core::absences::ABSENCE_COLUMNS;
use distans_core::kernel::csv::ImportError;
use distans_core::org::csv::{read_people_csv, COLUMNS};
use distans_core::Core;

use crate::open;

/// Imports the people file; with `deactivate_missing` (`Some(allow_many)`)
/// then deactivates the active people it leaves out.
pub(crate) async fn import_people(
    url: &str,
    file: &PathBuf,
    deactivate_missing: Option<bool>,
) -> Result<()> {
    let t = Instant::now();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let data = match read_people_csv(&bytes) {
        Ok(d) => d,
        Err(rows) => return report_bad_rows(file, &rows),
    };
    let core = open(url, 2).await?;
    match core.org.import(None, &data).await {
        Ok(r) => {
            println!(
                "Imported {} in {:.1} s: people {} new, {} updated, {} unchanged; units {} new, {} updated; sites {} new, {} updated.",
                file.display(),
                t.elapsed().as_secs_f64(),
                r.people_created,
                r.people_updated,
                r.people_unchanged,
                r.units_created,
                r.units_updated,
                r.sites_created,
                r.sites_updated
            );
            if let Some(allow_many) = deactivate_missing {
                deactivate_missing_people(&core, &data, allow_many).await?;
            }
            Ok(())
        }
        Err(ImportError::Rows(rows)) => report_bad_rows(file, &rows),
        Err(ImportError::Core(e)) => bail!("{e}"),
    }
}

async fn deactivate_missing_people(
    core: &Core,
    data: &distans_core::org::OrgData,
    allow_many: bool,
) -> Result<()> {
    let in_file: Vec<&str> = data
        .people
        .iter()
        .map(|p| p.employee_number.as_str())
        .collect();
    let input = distans_core::departures::DepartureInput {
        last_day: None,
        reason: Some("Finns inte längre i personalsystemets export".into()),
    };
    let done = core
        .departures
        .deactivate_missing(
            distans_core::departures::By::System("import"),
            &in_file,
            allow_many,
            input,
        )
        .await?;
    println!("Deactivated {} people the file leaves out.", done.len());
    Ok(())
}

pub(crate) async fn import_absences(url: &str, file: &PathBuf) -> Result<()> {
    let t = Instant::now();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = match read_absences_csv(&bytes) {
        Ok(r) => r,
        Err(bad) => return report_bad_rows_of(file, &bad, ABSENCE_COLUMNS),
    };
    let core = open(url, 2).await?;
    match core.absences.import_absences(None, &rows).await {
        Ok(r) => {
            println!(
                "Imported {} in {:.1} s: absences {} new, {} updated, {} unchanged.",
                file.display(),
                t.elapsed().as_secs_f64(),
                r.created,
                r.updated,
                r.unchanged
            );
            Ok(())
        }
        Err(ImportError::Rows(bad)) => report_bad_rows_of(file, &bad, ABSENCE_COLUMNS),
        Err(ImportError::Core(e)) => bail!("{e}"),
    }
}

fn report_bad_rows(
    file: &std::path::Path,
    rows: &[distans_core::kernel::csv::RowError],
) -> Result<()> {
    report_bad_rows_of(file, rows, COLUMNS)
}

fn report_bad_rows_of(
    file: &std::path::Path,
    rows: &[distans_core::kernel::csv::RowError],
    columns: &[(&str, bool, &str)],
) -> Result<()> {
    eprintln!(
        "{} has {} problem(s); nothing was imported:",
        file.display(),
        rows.len()
    );
    for r in rows {
        eprintln!("  {r}");
    }
    eprintln!(
        "Columns: {}",
        columns
            .iter()
            .map(|c| if c.1 {
                format!("{}*", c.0)
            } else {
                c.0.to_string()
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::process::exit(2)
}
