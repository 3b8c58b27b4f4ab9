//! Renders a sample agreement and prints how long it took.
//!
//! `cargo run --release -p distans-pdf --example agreement -- [out.pdf] [runs]`

use std::time::Instant;

use distans_pdf::{render_agreement, AgreementDoc, Section, Signature};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "agreement.pdf".to_owned());
    let runs: u32 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(20);

    let doc = sample();
    let started = Instant::now();
    let first = render_agreement(&doc)?;
    println!(
        "first (cold: fonts, library, caches): {:?}, {} bytes, {:?}",
        started.elapsed(),
        first.bytes.len(),
        first.conformance
    );
    std::fs::write(&out, &first.bytes)?;

    let mut times = Vec::new();
    for i in 0..runs {
        // A different reference each time, so nothing is a pure cache hit.
        let mut doc = doc.clone();
        doc.reference = format!("{}-{i}", doc.reference);
        let started = Instant::now();
        render_agreement(&doc)?;
        times.push(started.elapsed());
    }
    if !times.is_empty() {
        times.sort();
        println!(
            "warm, {runs} runs: median {:?}, min {:?}, max {:?}",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
    println!("wrote {out}");
    Ok(())
}

fn sample() -> AgreementDoc {
    let s = |x: &str| x.to_owned();
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
                    s("Arbetsgivaren tillhandahåller dator, skärm och headset. Medarbetaren ansvarar för att arbetsplatsen i hemmet är ergonomiskt lämplig och anmäler brister till sin chef."),
                    s("Vid ändring av förutsättningarna ska överenskommelsen omprövas. Var och en av parterna kan säga upp överenskommelsen med en månads varsel."),
                ],
            },
            Section {
                heading: s("3. Informationssäkerhet"),
                paragraphs: vec![s("Sekretessbelagd information får inte hanteras där obehöriga kan ta del av den. Café- och tågmiljöer räknas inte som arbetsplats enligt denna överenskommelse.")],
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
                signed_at: None,
                signed_utc: None,
            },
        ],
        text_sha256: Some(s(
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        )),
        language: s("sv"),
    }
}
