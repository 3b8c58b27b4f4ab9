use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::*;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn s(x: &str) -> String {
    x.to_owned()
}

fn swedish() -> AgreementDoc {
    AgreementDoc {
        title: s("Överenskommelse om distansarbete"),
        organisation: s("Sjöviks kommun"),
        reference: s("0193a6c2-7d1e-7f3b-9c41-5e2d8a4b6f10"),
        sections: vec![
            Section {
                heading: s("1. Omfattning och arbetsplats"),
                paragraphs: vec![
                    s("Medarbetaren får utföra arbete på distans två dagar per vecka. Arbetet utförs i bostaden på Storgatan 12 i Sjövik."),
                    s("Distansarbetet är frivilligt för båda parter och ändrar inte anställningens villkor i övrigt."),
                ],
            },
            Section {
                heading: s("2. Arbetsmiljö och utrustning"),
                paragraphs: vec![
                    s("Arbetsgivaren tillhandahåller dator, skärm och headset. Medarbetaren ansvarar för att arbetsplatsen i hemmet är ergonomiskt lämplig."),
                    s("Vid ändring av förutsättningarna ska överenskommelsen omprövas. Säg upp den med en månads varsel."),
                ],
            },
            Section {
                heading: s("3. Informationssäkerhet"),
                paragraphs: vec![s(
                    "Sekretessbelagd information får inte hanteras där obehöriga kan ta del av den. Café- och tågmiljöer räknas inte som arbetsplats.",
                )],
            },
        ],
        facts: vec![
            (s("Medarbetare"), s("Åsa Öberg")),
            (s("Förvaltning"), s("Socialförvaltningen, enhet Äldreomsorg")),
            (s("Omfattning"), s("2 dagar per vecka: måndag, fredag")),
            (s("Giltig"), s("2027-01-01 – 2027-12-31")),
        ],
        signatures: vec![
            Signature {
                role: s("Medarbetare"),
                name: s("Åsa Öberg"),
                signed_at: Some(s("2026-11-23 14:05 UTC")),
                signed_utc: None,
            },
            Signature {
                role: s("Beslutande chef"),
                name: s("Erik Ståhlberg"),
                // Printed in local time; the document's date is the UTC moment.
                signed_at: Some(s("2026-11-24 09:30")),
                signed_utc: Some(s("2026-11-24 08:30")),
            },
        ],
        text_sha256: Some(s(HASH)),
        language: s("sv"),
    }
}

static FILES: AtomicUsize = AtomicUsize::new(0);

fn temp_pdf(bytes: &[u8]) -> PathBuf {
    let n = FILES.fetch_add(1, Ordering::SeqCst);
    let path =
        std::env::temp_dir().join(format!("distans-pdf-test-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// With DISTANS_PDF_DUMP=dir set, keeps a test's PDF there to look at.
fn dump(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("DISTANS_PDF_DUMP") {
        std::fs::write(PathBuf::from(dir).join(format!("{name}.pdf")), bytes).unwrap();
    }
}

/// Runs a poppler tool on `bytes`; the test fails (never skips) without it.
fn poppler(tool: &str, args: &[&str], bytes: &[u8]) -> String {
    let path = temp_pdf(bytes);
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output();
    let _ = std::fs::remove_file(&path);
    let output = output.unwrap_or_else(|e| {
        panic!("{tool} could not be run ({e}); install it: apt-get install -y poppler-utils")
    });
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// pdfinfo's fields, e.g. "Title" -> "Överenskommelse om distansarbete".
fn pdfinfo(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    poppler("pdfinfo", &[], bytes)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn pdftotext(bytes: &[u8]) -> String {
    poppler("pdftotext", &["-enc", "UTF-8"], bytes)
}

/// Whitespace runs as one space, so line breaks do not matter, and without
/// the break opportunities (U+200B) that `breakable` puts in long words,
/// nor the line breaks made at them.
fn flat(text: &str) -> String {
    text.replace("\u{200b}\n", "")
        .replace('\u{200b}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn swedish_agreement_is_a_pdf_whose_text_comes_back_exactly() {
    let doc = swedish();
    let started = Instant::now();
    let rendered = render_agreement(&doc).unwrap();
    eprintln!(
        "first PDF (fonts, library, layout cache cold): {:?}, {} bytes",
        started.elapsed(),
        rendered.bytes.len()
    );
    dump("swedish", &rendered.bytes);
    assert!(rendered.bytes.starts_with(b"%PDF"));
    assert_eq!(rendered.conformance, Conformance::PdfA2a);

    let text = flat(&pdftotext(&rendered.bytes));
    for expected in [
        "Sjöviks kommun",
        "Överenskommelse om distansarbete",
        "Referens: 0193a6c2-7d1e-7f3b-9c41-5e2d8a4b6f10",
        "Översikt",
        "Uppgift",
        "Medarbetare",
        "Åsa Öberg",
        "Socialförvaltningen, enhet Äldreomsorg",
        "2 dagar per vecka: måndag, fredag",
        "2027-01-01 – 2027-12-31",
        "1. Omfattning och arbetsplats",
        "Vid ändring av förutsättningarna ska överenskommelsen omprövas.",
        "Café- och tågmiljöer räknas inte som arbetsplats.",
        "ändring",
        "Underskrifter",
        "Beslutande chef",
        "Erik Ståhlberg",
        "Signerad 2026-11-23 14:05 UTC",
        "Signerad 2026-11-24 09:30",
        "Sida 1 av 1",
        &format!("SHA-256: {HASH}"),
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    assert!(!text.contains("Ej signerad"), "{text}");

    let info = pdfinfo(&rendered.bytes);
    assert_eq!(info["Title"], "Överenskommelse om distansarbete");
    assert_eq!(info["Author"], "Sjöviks kommun");
    assert_eq!(info["Tagged"], "yes");
    assert_eq!(info["Page size"], "595.276 x 841.89 pts (A4)");
    assert_eq!(info["Pages"], "1");
    assert_eq!(info["CreationDate"], "Tue Nov 24 08:30:00 2026 UTC");
    // The language and the PDF/A claim are in the XMP metadata.
    let meta = poppler("pdfinfo", &["-meta"], &rendered.bytes);
    assert!(meta.contains("<pdfaid:part>2</pdfaid:part>"), "{meta}");
    assert!(
        meta.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
        "{meta}"
    );
    assert!(
        meta.contains("<dc:language><rdf:Bag><rdf:li>sv</rdf:li>"),
        "{meta}"
    );

    // Warm: what a server pays per agreement.
    let started = Instant::now();
    let again = agreement_pdf(&doc).unwrap();
    eprintln!("second PDF (warm): {:?}", started.elapsed());
    assert_eq!(
        again, rendered.bytes,
        "a signed agreement renders the same bytes"
    );
}

#[test]
fn hostile_text_is_printed_literally() {
    let hostile = [
        "#set page(width: 1cm)",
        "#panic(\"boom\")",
        "$x^2$",
        "*bold* _emph_ `raw`",
        "<label> @ref",
        "back\\slash \\ and \\n and \\u{41}",
        "// not a comment /* nor this */",
        "\"quoted\" 'single' ] ) } [ ( {",
        "= not a heading",
        "- not a list + nor this / term: x",
        // Not at a paragraph's end: pdftotext joins a line ending in "-".
        "~ non-breaking? ... --- -- end",
        "#{ 1 + 1 } #let x = 3 #import \"@preview/x:0.1.0\"",
        "#include \"/etc/passwd\" #read(\"/etc/passwd\")",
        "https://example.org/a_b*c",
        "50 % & 100 $ < 200 > 10",
        "https://www.sjovik.se/download/18.3f2c1e0d17a9b4c5e6f00012/1627384950123/Riktlinjer_for_distansarbete_och_flexibel_arbetsplats_2027.pdf",
        "Kommunstyrelseförvaltningensdistansarbetsöverenskommelsehanteringsrutinsdokumentationsansvarigasamordnarfunktionsbeskrivning",
    ];
    let mut doc = swedish();
    doc.title = s("#set page(width: 1cm) *Titel*");
    doc.organisation = s("Kommun \" ) #panic()");
    doc.reference = s("ref\\\"#x");
    doc.sections = vec![Section {
        heading: s("= Rubrik #x"),
        paragraphs: hostile.iter().map(|h| s(h)).collect(),
    }];
    doc.facts = vec![(s("*Nyckel*"), s("$värde$ <lbl>"))];
    doc.signatures = vec![Signature {
        role: s("@roll"),
        name: s("_Namn_ \\"),
        signed_at: Some(s("#2026 \"")),
        signed_utc: None,
    }];
    doc.text_sha256 = Some(s("#{sha}"));

    let pdf = agreement_pdf(&doc).unwrap();
    dump("hostile", &pdf);
    assert!(pdf.starts_with(b"%PDF"));
    let text = flat(&pdftotext(&pdf));
    for expected in hostile.iter().copied().chain([
        "#set page(width: 1cm) *Titel*",
        "Kommun \" ) #panic()",
        "ref\\\"#x",
        "= Rubrik #x",
        "*Nyckel*",
        "$värde$ <lbl>",
        "@roll",
        "_Namn_ \\",
        "Signerad #2026 \"",
        "SHA-256: #{sha}",
    ]) {
        let expected = flat(expected);
        assert!(text.contains(&expected), "{expected:?} missing from {text}");
    }
    // Long words wrap rather than run off the page: every line of the
    // layout (pdftotext -layout keeps lines) is at most a line wide.
    let layout = poppler("pdftotext", &["-enc", "UTF-8", "-layout"], &pdf);
    for line in layout.lines() {
        assert!(line.chars().count() < 110, "line too long: {line:?}");
    }
    // `#set page(width: 1cm)` did not act: the page is still A4.
    assert_eq!(pdfinfo(&pdf)["Page size"], "595.276 x 841.89 pts (A4)");
}

#[test]
fn control_characters_bidi_overrides_and_emoji_do_not_break_it() {
    let mut doc = swedish();
    doc.sections = vec![Section {
        heading: s("Tecken"),
        paragraphs: vec![
            s("nul\u{0}bell\u{7}esc\u{1b}del\u{7f}c1\u{85}bidi\u{202e}omvänd\u{202c} ok"),
            s("rad ett\nrad två\r\nrad tre\ttabb"),
            s("Tack 🙂 för ett bra samarbete 漢字 och 👍🏽 ❤️"),
        ],
    }];
    let rendered = render_agreement(&doc).unwrap();
    dump("characters", &rendered.bytes);
    assert!(rendered.bytes.starts_with(b"%PDF"));
    assert_eq!(rendered.conformance, Conformance::PdfA2a);
    let text = flat(&pdftotext(&rendered.bytes));
    for expected in [
        "nulbellescdelc1bidiomvänd ok",
        "rad ett rad två rad tre tabb",
        // Some bundled font has U+2764.
        "Tack [U+1F642] för ett bra samarbete [U+6F22][U+5B57] och [U+1F44D][U+1F3FD] ❤",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
}

#[test]
fn printable_keeps_text_and_marks_what_cannot_be_shown() {
    let swedish = "Åsa Öberg, ändring – «citat» “så” 1 234,50 kr § 3 é ü ß ø Ωμέγα Щука";
    assert_eq!(printable(swedish), swedish);
    assert_eq!(printable("a\tb\nc\r\nd"), "a b\nc\r\nd");
    assert_eq!(printable("a\u{0}\u{1b}\u{7f}\u{9f}b"), "ab");
    assert_eq!(printable("x\u{202e}yz\u{202c}\u{2067}w\u{2069}"), "xyzw");
    assert_eq!(printable("#$*_<>@`\\\"/"), "#$*_<>@`\\\"/");
    assert_eq!(printable("🙂"), "[U+1F642]");
    assert_eq!(printable("漢\u{10fffd}"), "[U+6F22][U+10FFFD]");
}

#[test]
fn unsigned_english_and_many_pages() {
    let mut doc = swedish();
    doc.language = s("en");
    doc.title = s("Agreement on remote work");
    doc.signatures[1].signed_at = None;
    doc.text_sha256 = None;
    let long = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ".repeat(8);
    doc.sections = (1..=12)
        .map(|i| Section {
            heading: format!("{i}. Section"),
            paragraphs: vec![long.clone(), long.clone()],
        })
        .collect();
    let pdf = agreement_pdf(&doc).unwrap();
    dump("english", &pdf);
    let text = flat(&pdftotext(&pdf));
    for expected in [
        "Reference: 0193a6c2",
        "Overview",
        "Signatures",
        "Signed 2026-11-23 14:05 UTC",
        "Not signed",
        "Page 1 of ",
        "12. Section",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    assert!(!text.contains("SHA-256"), "{text}");
    let pages: usize = pdfinfo(&pdf)["Pages"].parse().unwrap();
    assert!(pages >= 3, "{pages} pages");
    assert!(text.contains(&format!("Page {pages} of {pages}")), "{text}");
    let meta = poppler("pdfinfo", &["-meta"], &pdf);
    assert!(
        meta.contains("<dc:language><rdf:Bag><rdf:li>en</rdf:li>"),
        "{meta}"
    );
}

#[test]
fn renders_from_several_threads_at_once() {
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let mut doc = swedish();
                doc.reference = format!("tråd-{i}");
                doc.facts[0].1 = format!("Person {i}");
                (i, agreement_pdf(&doc).unwrap())
            })
        })
        .collect();
    for handle in handles {
        let (i, pdf) = handle.join().unwrap();
        let text = flat(&pdftotext(&pdf));
        assert!(text.contains(&format!("Referens: tråd-{i}")), "{text}");
        assert!(text.contains(&format!("Person {i}")), "{text}");
    }
}

#[test]
fn empty_document_still_renders() {
    let doc = AgreementDoc {
        title: String::new(),
        organisation: String::new(),
        reference: String::new(),
        sections: vec![Section {
            heading: String::new(),
            paragraphs: vec![String::new()],
        }],
        facts: vec![],
        signatures: vec![],
        text_sha256: None,
        language: String::new(),
    };
    let pdf = agreement_pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn string_literals_escape_what_typst_strings_treat_specially() {
    assert_eq!(typst_string(""), "\"\"");
    assert_eq!(typst_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    assert_eq!(typst_string("#$*_<@`"), "\"#$*_<@`\"");
    assert_eq!(
        typst_string("x\ny\u{0}\u{202e}"),
        "\"x\\ny\\u{0}\\u{202e}\""
    );
    assert_eq!(typst_string("åäöÅÄÖé"), "\"åäöÅÄÖé\"");
}

#[test]
fn long_runs_get_break_opportunities() {
    assert_eq!(
        breakable("vanlig text, inga långa ord"),
        "vanlig text, inga långa ord"
    );
    let compound = "Kommunstyrelseförvaltningensarbetsmiljö"; // 39 characters
    assert_eq!(breakable(compound), compound);
    let long = "a".repeat(100);
    let broken = breakable(&format!("x {long} y"));
    assert_eq!(broken.replace('\u{200b}', ""), format!("x {long} y"));
    assert_eq!(broken.matches('\u{200b}').count(), 2);
    assert!(broken
        .split(['\u{200b}', ' '])
        .all(|part| part.chars().count() <= LONGEST_UNBROKEN));
    // Never between a letter and its combining mark.
    let marked = format!("{}e\u{301}", "b".repeat(40));
    assert!(!breakable(&marked).contains("\u{200b}\u{301}"));
}

#[test]
fn dates() {
    let m = parse_minute("2026-11-23 14:05 UTC").unwrap();
    assert_eq!((m.date, m.time), ((2026, 11, 23), (14, 5)));
    let m = parse_minute("2026-11-23T09:07:00Z").unwrap();
    assert_eq!((m.date, m.time), ((2026, 11, 23), (9, 7)));
    assert_eq!(parse_minute("2026-11-23").unwrap().time, (0, 0));
    assert!(parse_minute("2026-02-30 10:00").is_none());
    assert!(parse_minute("2026-11-23 25:00").is_none());
    assert!(parse_minute("igår").is_none());
    assert!(parse_minute("").is_none());
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(20_415), (2025, 11, 23));
    assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    let latest = document_time(&swedish());
    assert_eq!((latest.date, latest.time), ((2026, 11, 24), (8, 30)));
}
