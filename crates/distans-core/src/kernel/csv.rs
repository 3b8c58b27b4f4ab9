//! Reading the CSV exports people import (the HR system's people, the leave
//! system's absences): UTF-8 with or without BOM, comma or semicolon
//! (guessed from the header), named columns in any order. Every problem is a
//! [`RowError`] naming the line and the column, so a file can be fixed in one
//! go.
//!
//! Writing the CSV files people download ([`CsvOut`]): a cell that a
//! spreadsheet would run as a formula is written as text (see [`guard`]),
//! and reading takes that mark away again, so an export imports as it was.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::kernel::error::CoreError;

/// One bad row (or header) of an import, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: u64,
    /// The column (1 for the first) of the field, when the file has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    pub field: String,
    pub message: String,
}

impl RowError {
    pub fn new(line: u64, field: impl Into<String>, message: impl Into<String>) -> Self {
        RowError {
            line,
            column: None,
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(
                f,
                "line {}, column {c} ({}): {}",
                self.line, self.field, self.message
            ),
            None => write!(f, "line {}: {}: {}", self.line, self.field, self.message),
        }
    }
}

/// Gives each error the column its field is in, by the file's `header`
/// (the column names in the file's order), and puts them in reading order.
pub fn locate(errors: &mut Vec<RowError>, header: &[String]) {
    for e in errors.iter_mut() {
        let name = e.field.split('[').next().unwrap_or("");
        if let Some(i) = header.iter().position(|h| h == name) {
            e.column = Some(i as u64 + 1);
        }
    }
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
}

/// Why an import did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file has bad rows; nothing was written.
    Rows(Vec<RowError>),
    Core(CoreError),
}

impl From<CoreError> for ImportError {
    fn from(e: CoreError) -> Self {
        ImportError::Core(e)
    }
}

/// A column a file may have: its name, whether it is required, and what it holds.
pub type Column = (&'static str, bool, &'static str);

/// A file whose header has been checked against the known columns.
pub struct CsvFile<'a> {
    reader: csv::Reader<&'a [u8]>,
    col: HashMap<&'static str, usize>,
    header: Vec<String>,
}

/// One row of a [`CsvFile`], its cells looked up by column name.
pub struct CsvRow<'f> {
    pub line: u64,
    record: csv::StringRecord,
    col: &'f HashMap<&'static str, usize>,
}

impl CsvRow<'_> {
    /// The trimmed cell of a column, empty when the column is missing; a
    /// cell [`guard`]ed on export is read as it was.
    pub fn get(&self, name: &str) -> &str {
        self.col
            .get(name)
            .and_then(|i| self.record.get(*i))
            .map(|c| unguard(c.trim()).trim())
            .unwrap_or("")
    }

    /// The cell of a column, `None` when it is empty.
    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }
}

/// Decodes `bytes`, guesses the delimiter and checks the header against
/// `columns`: unknown, repeated and missing required columns are errors.
pub fn read_csv<'a>(bytes: &'a [u8], columns: &[Column]) -> Result<CsvFile<'a>, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        vec![RowError::new(
            line,
            "file",
            "is not UTF-8 text (save the export as UTF-8)",
        )]
    })?;
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![RowError::new(1, "header", e.to_string())])?
        .clone();
    let mut errors = vec![];
    let mut col: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().to_lowercase();
        match columns.iter().find(|(name, _, _)| *name == h) {
            Some((name, _, _)) => {
                if col.insert(name, i).is_some() {
                    errors.push(RowError::new(1, h.clone(), "column appears twice"));
                }
            }
            None => errors.push(RowError::new(
                1,
                if h.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    h.clone()
                },
                format!(
                    "unknown column (known columns: {})",
                    columns.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    for (name, required, _) in columns {
        if *required && !col.contains_key(name) {
            errors.push(RowError::new(1, *name, "required column is missing"));
        }
    }
    let header = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    if errors.is_empty() {
        Ok(CsvFile {
            reader,
            col,
            header,
        })
    } else {
        locate(&mut errors, &header);
        Err(errors)
    }
}

impl CsvFile<'_> {
    /// The column names, in the file's order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Whether the file has this column.
    pub fn has(&self, name: &str) -> bool {
        self.col.contains_key(name)
    }

    /// Calls `f` on every well-formed row; a row with the wrong number of
    /// fields (or otherwise unreadable) is added to `errors` instead.
    pub fn for_each_row(&mut self, errors: &mut Vec<RowError>, mut f: impl FnMut(&CsvRow<'_>)) {
        for record in self.reader.records() {
            match record {
                Ok(record) => f(&CsvRow {
                    line: record.position().map(|p| p.line()).unwrap_or(0),
                    record,
                    col: &self.col,
                }),
                Err(e) => errors.push(RowError::new(
                    e.position().map(|p| p.line()).unwrap_or(0),
                    "row",
                    match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("has {len} fields, the header has {expected_len}"),
                        _ => e.to_string(),
                    },
                )),
            }
        }
    }
}

/// What a spreadsheet reads as the start of a formula (or as a way to hide
/// one): `=`, `+`, `-`, `@`, a tab and a carriage return.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written to a file people open in a spreadsheet: one that
/// would start a formula gets a leading `'`, which spreadsheets show as
/// text and do not run ("CSV injection"); so does one that already looks
/// guarded, so that reading gives back exactly what was written. Other
/// cells are as they are.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if needs_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as read: the `'` that [`guard`] put before a formula character
/// is taken away.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

/// Whether a cell would start a formula, or looks like one guarded.
fn needs_guard(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// A CSV file being written for people to download: every cell
/// [`guard`]ed, optionally with a byte-order mark so that spreadsheets
/// read å, ä and ö right.
pub struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    /// A file with `delimiter` between cells, starting with a UTF-8
    /// byte-order mark when `bom`.
    pub fn new(delimiter: u8, bom: bool) -> CsvOut {
        let start = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            vec![]
        };
        CsvOut {
            writer: csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(start),
        }
    }

    /// Writes one row.
    pub fn row<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
    ) -> Result<(), CoreError> {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| guard(c.as_ref()).into_owned())
            .collect();
        self.writer
            .write_record(&cells)
            .map_err(CoreError::internal)
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, CoreError> {
        self.writer.into_inner().map_err(CoreError::internal)
    }
}

/// The errors, each with its column by `header`, in reading order; or the
/// value when there are none.
pub fn finish<T>(
    value: T,
    mut errors: Vec<RowError>,
    header: &[String],
) -> Result<T, Vec<RowError>> {
    if errors.is_empty() {
        Ok(value)
    } else {
        locate(&mut errors, header);
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text_and_read_back_as_they_were() {
        let mut out = CsvOut::new(b',', false);
        let cells = [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "Anna",
            "'quoted",
        ];
        out.row(["a", "b", "c", "d", "e", "f", "g", "h"]).unwrap();
        out.row(cells).unwrap();
        let bytes = out.finish().unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let written: Vec<String> = reader
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        for (w, c) in written.iter().zip(cells) {
            let formula = c.starts_with(FORMULA_START);
            assert_eq!(
                w.starts_with('\''),
                formula || c.starts_with('\''),
                "{c:?} -> {w:?}"
            );
            assert!(!w.starts_with(FORMULA_START), "{w:?} would run");
            if formula {
                assert_eq!(unguard(w), c);
            }
        }
        assert_eq!(unguard("'quoted"), "'quoted", "a quote before text stays");
    }

    proptest::proptest! {
        #[test]
        fn no_written_cell_starts_a_formula_and_every_cell_reads_back(cell in "\\PC*") {
            let g = guard(&cell);
            proptest::prop_assert!(!g.starts_with(FORMULA_START));
            proptest::prop_assert_eq!(unguard(&g), cell.as_str());
        }
    }

    const COLS: &[Column] = &[("a", true, ""), ("b", false, "")];

    /// A row as read: its line, column a and column b.
    type Row = (u64, String, Option<String>);

    fn rows(text: &str) -> Result<Vec<Row>, Vec<RowError>> {
        let mut f = read_csv(text.as_bytes(), COLS)?;
        let mut errors = vec![];
        let mut out = vec![];
        f.for_each_row(&mut errors, |r| {
            out.push((r.line, r.get("a").to_string(), r.opt("b").map(String::from)))
        });
        let header = f.header().to_vec();
        finish(out, errors, &header)
    }

    #[test]
    fn semicolons_commas_bom_and_any_column_order() {
        assert_eq!(
            rows("b;a\n x ; 1 \n;2\n").unwrap(),
            vec![(2, "1".into(), Some("x".into())), (3, "2".into(), None)]
        );
        assert_eq!(
            rows("\u{feff}a,b\n1,2\n").unwrap(),
            vec![(2, "1".into(), Some("2".into()))]
        );
    }

    #[test]
    fn header_problems_are_named() {
        let e = rows("b,c,b\n1,2,3\n").unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        // The missing column has no place in the file; the others are in
        // the order of their columns.
        assert_eq!(fields, vec!["a", "b", "c"]);
        assert_eq!(e[1].column, Some(1));
        assert!(e.iter().all(|e| e.line == 1));
    }

    #[test]
    fn ragged_rows_and_bad_bytes_name_their_line() {
        let e = rows("a,b\n1,2\n3\n").unwrap_err();
        assert_eq!((e[0].line, e[0].field.as_str()), (3, "row"));
        let e = read_csv(b"a\n1\n\xff\n", COLS).err().unwrap();
        assert_eq!((e[0].line, e[0].field.as_str()), (3, "file"));
    }

    #[test]
    fn column_names_are_case_insensitive_and_optional_columns_may_be_left_out() {
        assert_eq!(
            rows("A\n1\n\"2\"\n").unwrap(),
            vec![(2, "1".into(), None), (3, "2".into(), None)]
        );
        let f = read_csv(b"a\n1\n", COLS).ok().unwrap();
        assert!(f.has("a") && !f.has("b"));
        let e = rows("a,\n1,2\n").unwrap_err();
        assert_eq!(
            e[0].field, "column 2",
            "an empty header is named by its place"
        );
        assert!(e[0].message.contains("known columns: a, b"), "{}", e[0]);
    }

    #[test]
    fn a_quoted_cell_may_hold_the_delimiter_and_lines_follow_the_file() {
        assert_eq!(
            rows("a;b\n\"x;y\";\"multi\nline\"\n3;\n").unwrap(),
            vec![
                (2, "x;y".into(), Some("multi\nline".into())),
                (4, "3".into(), None)
            ]
        );
    }

    #[test]
    fn finish_names_columns_and_sorts_errors_by_line() {
        let header = vec!["a".to_string(), "weekdays".to_string()];
        let e = finish(
            (),
            vec![
                RowError::new(5, "x", "m"),
                RowError::new(2, "weekdays[1]", "n"),
                RowError::new(2, "a", "o"),
            ],
            &header,
        )
        .unwrap_err();
        let at: Vec<(u64, Option<u64>)> = e.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(at, vec![(2, Some(1)), (2, Some(2)), (5, None)]);
        assert_eq!(e[1].to_string(), "line 2, column 2 (weekdays[1]): n");
        assert_eq!(e[2].to_string(), "line 5: x: m");
        assert_eq!(finish(7, vec![], &header), Ok(7));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Reads a whole file, as an import does.
        fn read_all(bytes: &[u8]) -> Result<Vec<(u64, String)>, Vec<RowError>> {
            let mut f = read_csv(bytes, COLS)?;
            let mut errors = vec![];
            let mut out = vec![];
            f.for_each_row(&mut errors, |r| out.push((r.line, r.get("a").to_string())));
            let header = f.header().to_vec();
            finish(out, errors, &header)
        }

        fn cell() -> impl Strategy<Value = String> {
            "[ \u{a0}a-zåäö0-9;,\"\n]{0,8}"
        }

        proptest! {
            /// Whatever bytes are uploaded, reading never panics and every
            /// problem names a line of the file (1 is the header).
            #[test]
            fn any_bytes_are_read_or_refused_naming_a_line(
                bytes in prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..200),
                    "(a|b|A|x)?([,;](a|b|\"|x))*(\n[ 0-9a-z,;\"\r]{0,10}){0,6}".prop_map(String::into_bytes),
                ]
            ) {
                if let Err(errors) = read_all(&bytes) {
                    prop_assert!(!errors.is_empty());
                    for e in &errors {
                        prop_assert!(e.line >= 1, "{e}");
                        prop_assert!(!e.field.is_empty());
                    }
                }
            }

            /// Bytes that are not UTF-8 are refused on the line they are on.
            #[test]
            fn bad_bytes_are_found_on_their_line(lines in proptest::collection::vec("[a-z0-9]{0,5}", 0..6)) {
                let mut bytes = b"a\n".to_vec();
                for l in &lines {
                    bytes.extend_from_slice(l.as_bytes());
                    bytes.push(b'\n');
                }
                bytes.push(0xff);
                let e = read_csv(&bytes, COLS).err().unwrap();
                prop_assert_eq!(e.len(), 1);
                prop_assert_eq!(e[0].line, lines.len() as u64 + 2);
                prop_assert_eq!(e[0].field.as_str(), "file");
            }

            /// Cells written by a CSV writer, with either delimiter, with or
            /// without a byte-order mark, are read back trimmed, each on the
            /// line where it starts.
            #[test]
            fn written_cells_are_read_back(
                cells in proptest::collection::vec((cell(), cell()), 1..6),
                semicolon in any::<bool>(),
                bom in any::<bool>(),
            ) {
                let mut w = csv::WriterBuilder::new()
                    .delimiter(if semicolon { b';' } else { b',' })
                    .from_writer(vec![]);
                w.write_record(["b", "a"]).unwrap();
                for (a, b) in &cells {
                    w.write_record([b, a]).unwrap();
                }
                let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { vec![] };
                bytes.extend(w.into_inner().unwrap());
                let got = read_all(&bytes).unwrap();
                let mut line = 2;
                for ((l, a), (want, b)) in got.iter().zip(&cells) {
                    prop_assert_eq!(*l, line);
                    prop_assert_eq!(a.as_str(), want.trim());
                    line += 1 + (want.matches('\n').count() + b.matches('\n').count()) as u64;
                }
                prop_assert_eq!(got.len(), cells.len());
            }
        }
    }
}
