//! Agreements ("Överenskommelse om distansarbete") as archivable PDF.
//!
//! [`agreement_pdf`] typesets an [`AgreementDoc`] with typst, used as a
//! library: a minimal [`typst::World`] holds the one source file in memory,
//! takes its fonts from the `typst-assets` crate (loaded once per process) and
//! can read no file and no package.
//!
//! # User text is never markup
//!
//! Every value of the document is written into the typst source as a typst
//! *string literal* (see [`typst_string`]), and the layout (`agreement.typ`)
//! only ever shows those strings as text. A string shown as content is not
//! parsed, so `#set page(..)`, `$x$`, `*bold*`, `<label>`, `@ref` and the like
//! come out exactly as written.
//!
//! Only what cannot be shown is changed before typesetting, see
//! [`printable`]: unprintable control characters and bidirectional overrides
//! are dropped, and a character no bundled font has (emoji, CJK, Arabic) is
//! printed as its code point, `[U+1F642]`. A run of more than 40
//! characters without a space gets invisible break opportunities (see
//! [`breakable`]) so that it cannot run off the page.
//!
//! # Output
//!
//! A4, tagged PDF conforming to PDF/A-2a (archival, with a structure tree and
//! every glyph mapped to Unicode), with title, author (the organisation) and
//! language in its metadata. Should typst ever refuse PDF/A for a document,
//! the same document is written as plain tagged PDF 1.7 rather than failing,
//! see [`Conformance`].
//!
//! The output is deterministic once someone has signed: the PDF's date is the
//! latest signature's time and its id derives from the reference and the
//! text's hash. Before
//! anyone has signed, the date is the time of rendering.
//!
//! The bundled fonts (Libertinus Serif, New Computer Modern, DejaVu Sans
//! Mono) come from `typst-assets` and are parsed once per process, on the
//! first call.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::fmt::Write as _;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// The layout; the data bindings `d` and `l` are put in front of it.
const TEMPLATE: &str = include_str!("agreement.typ");

/// An agreement to typeset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDoc {
    /// E.g. "Överenskommelse om distansarbete".
    pub title: String,
    /// E.g. "Sjöviks kommun".
    pub organisation: String,
    /// The agreement's id, printed under the title and in every footer.
    pub reference: String,
    /// The agreement text, plain text (never markup).
    pub sections: Vec<Section>,
    /// Key facts, shown as a two-column table, e.g. ("Medarbetare", "Anna Lindqvist").
    pub facts: Vec<(String, String)>,
    /// Typically two: the employee and the decider.
    pub signatures: Vec<Signature>,
    /// The frozen text's hash, printed in every footer when present.
    pub text_sha256: Option<String>,
    /// "sv" or "en": the printed labels and the language metadata. Anything
    /// else is treated as "sv".
    pub language: String,
}

/// A heading and its paragraphs, all plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// One party's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// E.g. "Medarbetare".
    pub role: String,
    pub name: String,
    /// As printed, e.g. "2026-11-23 15:05" (the organisation's local
    /// time); `None` = not yet signed.
    pub signed_at: Option<String>,
    /// The same moment in UTC, "2026-11-23 14:05", for the document's
    /// date; when `None`, `signed_at` is read as UTC.
    pub signed_utc: Option<String>,
}

/// Why no PDF could be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The typst source did not compile (a bug in this crate: user text cannot
    /// cause it).
    #[error("typesetting the agreement failed: {0}")]
    Compile(String),
    /// The typeset document could not be written as PDF.
    #[error("writing the agreement as PDF failed: {0}")]
    Export(String),
}

/// Which standard a produced PDF conforms to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conformance {
    /// PDF/A-2a: archival, tagged, every glyph mapped to Unicode.
    PdfA2a,
    /// Tagged PDF 1.7: written only when typst refused PDF/A-2a for the
    /// document, which [`printable`] is there to prevent.
    TaggedPdf17,
}

/// A produced PDF and what it conforms to.
#[derive(Debug, Clone)]
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    pub conformance: Conformance,
}

/// Typesets `doc` and returns the PDF's bytes.
pub fn agreement_pdf(doc: &AgreementDoc) -> Result<Vec<u8>, PdfError> {
    render_agreement(doc).map(|r| r.bytes)
}

/// Like [`agreement_pdf`], also telling which standard the PDF conforms to.
pub fn render_agreement(doc: &AgreementDoc) -> Result<RenderedPdf, PdfError> {
    let created = document_time(doc);
    let world = AgreementWorld::new(source_text(doc), created.date);
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // Keep typst's memoisation cache bounded in a long-running server; what
    // the layout shares between agreements stays warm.
    typst::comemo::evict(10);
    let document = compiled.map_err(|diags| PdfError::Compile(describe(&diags)))?;

    let timestamp = Datetime::from_ymd_hms(
        created.date.0,
        created.date.1,
        created.date.2,
        created.time.0,
        created.time.1,
        0,
    )
    .map(Timestamp::new_utc);
    // The reference is for people (it may be a name and a date); with the
    // frozen text's hash it identifies this agreement's document.
    let ident = format!(
        "{} {}",
        doc.reference,
        doc.text_sha256.as_deref().unwrap_or("")
    );
    let options = |standards| PdfOptions {
        ident: Smart::Custom(ident.as_str()),
        timestamp,
        page_ranges: None,
        standards,
        tagged: true,
    };

    let archival =
        PdfStandards::new(&[PdfStandard::A_2a]).map_err(|e| PdfError::Export(e.to_string()))?;
    match typst_pdf::pdf(&document, &options(archival)) {
        Ok(bytes) => Ok(RenderedPdf {
            bytes,
            conformance: Conformance::PdfA2a,
        }),
        Err(archival_errors) => {
            match typst_pdf::pdf(&document, &options(PdfStandards::default())) {
                Ok(bytes) => Ok(RenderedPdf {
                    bytes,
                    conformance: Conformance::TaggedPdf17,
                }),
                Err(diags) => Err(PdfError::Export(format!(
                    "{} (as PDF/A-2a: {})",
                    describe(&diags),
                    describe(&archival_errors)
                ))),
            }
        }
    }
}

/// Joins typst's diagnostics into one message.
fn describe(diags: &[SourceDiagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(&d.message);
        for hint in &d.hints {
            let _ = write!(out, " (hint: {hint})");
        }
    }
    if out.is_empty() {
        out.push_str("unknown error");
    }
    out
}

// ---------------------------------------------------------------------------
// The typst source.

/// The printed labels of one language.
struct Labels {
    lang: &'static str,
    reference: &'static str,
    page: &'static str,
    of: &'static str,
    facts: &'static str,
    key: &'static str,
    value: &'static str,
    signatures: &'static str,
    signed: &'static str,
    unsigned: &'static str,
}

const SWEDISH: Labels = Labels {
    lang: "sv",
    reference: "Referens",
    page: "Sida",
    of: "av",
    facts: "Översikt",
    key: "Uppgift",
    value: "Innehåll",
    signatures: "Underskrifter",
    signed: "Signerad",
    unsigned: "Ej signerad",
};

const ENGLISH: Labels = Labels {
    lang: "en",
    reference: "Reference",
    page: "Page",
    of: "of",
    facts: "Overview",
    key: "Item",
    value: "Details",
    signatures: "Signatures",
    signed: "Signed",
    unsigned: "Not signed",
};

fn labels(language: &str) -> &'static Labels {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    if primary.eq_ignore_ascii_case("en") {
        &ENGLISH
    } else {
        &SWEDISH
    }
}

/// `s` as a typst string literal: only `\` and `"` are special inside one;
/// control and other invisible format characters are written as `\u{..}`
/// escapes so the source stays readable in error messages.
pub fn typst_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_format_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Invisible characters that are not `char::is_control` (Unicode category
/// Cf and line/paragraph separators), escaped for readability only.
fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// User text as it is printed. Three kinds of character are changed, all of
/// them invisible or unprintable, so that what the PDF shows (and what a text
/// extractor reads from it) is the text itself:
/// - a tab becomes a space; other control characters except line breaks
///   are dropped;
/// - bidirectional embeddings, overrides and isolates (U+202A–U+202E,
///   U+2066–U+2069) are dropped: they could make the printed text read
///   differently from the stored one;
/// - a character that no bundled font has (an emoji, CJK, Arabic) is printed
///   as its code point, e.g. `[U+1F642]`, instead of an empty box; this also
///   keeps the PDF within PDF/A.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            // typst sets a tab as nothing at all.
            '\t' => out.push(' '),
            '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_whitespace() || is_format_char(c) || is_variation_selector(c) => out.push(c),
            c if SHARED.covers(c) => out.push(c),
            c => {
                let _ = write!(out, "[U+{:04X}]", u32::from(c));
            }
        }
    }
    out
}

/// Longest run of characters without a break opportunity that is left as it
/// is. A line of body text holds about 90 characters; the longest Swedish
/// compounds in real use stay well under this.
const LONGEST_UNBROKEN: usize = 40;

/// `s` with an invisible break opportunity (U+200B, zero width space) after
/// every [`LONGEST_UNBROKEN`] characters of a longer run without whitespace,
/// as typst never breaks inside a word and a long URL or token would run off
/// the page. Text of ordinary words is returned unchanged.
pub fn breakable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{200b}' {
            run = 0;
        } else if run >= LONGEST_UNBROKEN && !is_combining(c) {
            out.push('\u{200b}');
            run = 1;
        } else {
            run += 1;
        }
        out.push(c);
    }
    out
}

/// Combining marks that must stay with the character before them.
fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{200c}'..='\u{200d}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{fe20}'..='\u{fe2f}'
    )
}

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

/// The complete typst source: the data and labels as bindings, then the layout.
fn source_text(doc: &AgreementDoc) -> String {
    let l = labels(&doc.language);
    let q = |s: &str| typst_string(&breakable(&printable(s)));
    let mut s = String::with_capacity(TEMPLATE.len() + 4096);

    s.push_str("#let l = (\n");
    for (key, value) in [
        ("lang", l.lang),
        ("reference", l.reference),
        ("page", l.page),
        ("of", l.of),
        ("facts", l.facts),
        ("key", l.key),
        ("value", l.value),
        ("signatures", l.signatures),
        ("signed", l.signed),
        ("unsigned", l.unsigned),
    ] {
        let _ = writeln!(s, "  {key}: {},", q(value));
    }
    s.push_str(")\n");

    s.push_str("#let d = (\n");
    let _ = writeln!(s, "  title: {},", q(&doc.title));
    let _ = writeln!(s, "  organisation: {},", q(&doc.organisation));
    let _ = writeln!(s, "  reference: {},", q(&doc.reference));
    let _ = writeln!(
        s,
        "  sha256: {},",
        // The hash is printed whole (no break points): it must read back
        // exactly for anyone who checks the archived text against it.
        doc.text_sha256
            .as_deref()
            .map_or_else(|| "none".to_owned(), |h| typst_string(&printable(h)))
    );
    // Arrays keep a trailing comma so that one element stays an array.
    s.push_str("  facts: (");
    for (key, value) in &doc.facts {
        let _ = write!(s, "({}, {}), ", q(key), q(value));
    }
    s.push_str("),\n  sections: (\n");
    for section in &doc.sections {
        let _ = write!(s, "    (heading: {}, paragraphs: (", q(&section.heading));
        for p in &section.paragraphs {
            let _ = write!(s, "{}, ", q(p));
        }
        s.push_str(")),\n");
    }
    s.push_str("  ),\n  signatures: (\n");
    for sig in &doc.signatures {
        let _ = writeln!(
            s,
            "    (role: {}, name: {}, signed_at: {}),",
            q(&sig.role),
            q(&sig.name),
            sig.signed_at
                .as_deref()
                .map_or_else(|| "none".to_owned(), q)
        );
    }
    s.push_str("  ),\n)\n");

    s.push_str(TEMPLATE);
    s
}

// ---------------------------------------------------------------------------
// The document's date.

/// A UTC time to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Minute {
    date: (i32, u8, u8),
    time: (u8, u8),
}

/// The latest signature's time, or now when no signature has a readable time.
fn document_time(doc: &AgreementDoc) -> Minute {
    doc.signatures
        .iter()
        .filter_map(|s| {
            s.signed_utc
                .as_deref()
                .or(s.signed_at.as_deref())
                .and_then(parse_minute)
        })
        .max()
        .unwrap_or_else(now)
}

/// Reads "YYYY-MM-DD HH:MM…" (or "YYYY-MM-DDTHH:MM…"), taken as UTC.
fn parse_minute(s: &str) -> Option<Minute> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = u8::try_from(num(5..7)?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    // Validates the calendar date.
    Datetime::from_ymd(year, month, day)?;
    let time = match (b.get(10), b.get(13)) {
        (Some(b' ' | b'T'), Some(b':')) => {
            let hour = u8::try_from(num(11..13)?).ok()?;
            let minute = u8::try_from(num(14..16)?).ok()?;
            (hour < 24 && minute < 60).then_some((hour, minute))?
        }
        _ => (0, 0),
    };
    Some(Minute {
        date: (year, month, day),
        time,
    })
}

fn now() -> Minute {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let days = i64::try_from(secs / 86_400).unwrap_or_default();
    let of_day = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    Minute {
        date: (year, month, day),
        time: (
            u8::try_from(of_day / 3600).unwrap_or_default(),
            u8::try_from(of_day % 3600 / 60).unwrap_or_default(),
        ),
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's method).
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(1970),
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

// ---------------------------------------------------------------------------
// The world.

/// What every compilation shares: the standard library and the fonts.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl Shared {
    /// Whether some bundled font has a glyph for `c`.
    fn covers(&self, c: char) -> bool {
        let c = u32::from(c);
        self.fonts.iter().any(|f| f.info().coverage.contains(c))
    }
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static MAIN: LazyLock<FileId> =
    LazyLock::new(|| FileId::new(None, VirtualPath::new("/agreement.typ")));

/// One source in memory; no files, no packages, a fixed today.
struct AgreementWorld {
    shared: &'static Shared,
    main: Source,
    today: (i32, u8, u8),
}

impl AgreementWorld {
    fn new(text: String, today: (i32, u8, u8)) -> Self {
        Self {
            shared: &SHARED,
            main: Source::new(*MAIN, text),
            today,
        }
    }
}

impl World for AgreementWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        let (y, m, d) = self.today;
        Datetime::from_ymd(y, m, d)
    }
}

#[cfg(test)]
mod tests;
