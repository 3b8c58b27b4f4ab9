//! Public records from the command line: applying the disposal rules
//! (`retention run`) and handing signed agreements to the e-archive
//! (`archive export`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use distans_core::kernel::dates::parse_date;
use distans_core::privacy::service::RunBy;
use distans_core::privacy::DisposalAction;
use distans_core::Core;
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Subcommand)]
pub enum RetentionWhat {
    /// Apply the disposal rules (or, with --dry-run, show what they would do).
    Run {
        /// Only count what would be disposed of; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Apply the rules as of this day (YYYY-MM-DD) instead of today.
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ArchiveWhat {
    /// Write the agreements signed in a period, to be kept for good, as
    /// PDF/A files with a metadata file each and a SHA-256 manifest.
    Export {
        /// First day (YYYY-MM-DD) the later signature may fall on.
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD), included.
        #[arg(long)]
        to: String,
        /// The directory to write to (made if missing; must hold no export already).
        dir: PathBuf,
    },
}

fn core_err(e: distans_core::CoreError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn retention(core: &Core, what: RetentionWhat) -> Result<()> {
    let RetentionWhat::Run { dry_run, as_of } = what;
    let as_of = as_of
        .as_deref()
        .map(|d| parse_date("--as-of", d))
        .transpose()
        .map_err(core_err)?;
    let run = core
        .privacy
        .run(RunBy::System("cli"), as_of, dry_run)
        .await
        .map_err(core_err)?;
    println!(
        "{} as of {}:",
        if dry_run {
            "Disposal would do (nothing was changed)"
        } else {
            "Disposal done"
        },
        run.as_of
    );
    for c in &run.counts {
        let what = match c.action {
            DisposalAction::Keep => "kept for good".to_string(),
            DisposalAction::Delete => format!("{} disposed of", c.count),
            DisposalAction::Anonymise => format!("{} anonymised", c.count),
        };
        let held = if c.held > 0 {
            format!(", {} on hold", c.held)
        } else {
            String::new()
        };
        println!(
            "  {:<20} {what}{held} (before {}; rule version {}, {})",
            c.record_type.as_str(),
            c.before,
            c.rule_version,
            c.decision_ref
        );
    }
    if !dry_run {
        println!("Recorded as disposal run {}.", run.id);
    }
    Ok(())
}

/// What the e-archive gets beside each PDF.
#[derive(Serialize)]
struct Metadata<'a> {
    reference: String,
    title: &'a str,
    organisation: &'a str,
    employee: &'a str,
    employee_id: String,
    employer_party: &'a str,
    start: String,
    end: Option<String>,
    state: &'a str,
    policy_version: i64,
    employee_signed_at: Option<String>,
    employer_signed_at: Option<String>,
    text_sha256: Option<&'a str>,
    /// `PDF/A-2a`, or `PDF 1.7 (tagged)` when typst refused PDF/A.
    conformance: &'a str,
    file: String,
    file_sha256: String,
    disposal: Disposal<'a>,
}

#[derive(Serialize)]
struct Disposal<'a> {
    record_type: &'a str,
    action: &'a str,
    decision_ref: &'a str,
    decision_date: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub async fn archive(core: &Core, what: ArchiveWhat) -> Result<()> {
    let ArchiveWhat::Export { from, to, dir } = what;
    let from = parse_date("--from", &from).map_err(core_err)?;
    let to = parse_date("--to", &to).map_err(core_err)?;
    let sel = core
        .privacy
        .archive_selection(from, to)
        .await
        .map_err(core_err)?;
    if sel.rule.action != DisposalAction::Keep {
        bail!(
            "the disposal rule for ended agreements is \"{}\", not \"keep\": none are due to be kept for good (change the rule on /gallring first)",
            sel.rule.action.as_str()
        );
    }
    let manifest_path = dir.join("manifest-sha256.txt");
    if manifest_path.exists() {
        bail!("{} holds an export already", dir.display());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
    let mut manifest = String::new();
    let when = |t: &Option<time::OffsetDateTime>| {
        t.and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
    };
    for g in &sel.agreements {
        let doc = distans_web::api::agreement_document(g, sel.organisation.clone());
        let rendered = tokio::task::spawn_blocking(move || distans_pdf::render_agreement(&doc))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let conformance = match rendered.conformance {
            distans_pdf::Conformance::PdfA2a => "PDF/A-2a",
            distans_pdf::Conformance::TaggedPdf17 => "PDF 1.7 (tagged)",
        };
        let pdf_name = format!("overenskommelse-{}.pdf", g.id);
        write(&dir, &pdf_name, &rendered.bytes, &mut manifest)?;
        let meta = Metadata {
            reference: g.id.to_string(),
            title: "Överenskommelse om distansarbete",
            organisation: &sel.organisation,
            employee: &g.person_name,
            employee_id: g.person_id.to_string(),
            employer_party: &g.decider_name,
            start: g.terms.start().to_string(),
            end: g.terms.end().map(|e| e.to_string()),
            state: g.state.as_str(),
            policy_version: g.policy_version,
            employee_signed_at: when(&g.employee_signed_at),
            employer_signed_at: when(&g.decider_signed_at),
            text_sha256: g.text_sha256.as_deref(),
            conformance,
            file: pdf_name.clone(),
            file_sha256: sha256_hex(&rendered.bytes),
            disposal: Disposal {
                record_type: sel.rule.record_type.as_str(),
                action: sel.rule.action.as_str(),
                decision_ref: &sel.rule.decision_ref,
                decision_date: sel.rule.decision_date.to_string(),
            },
        };
        let json = serde_json::to_vec_pretty(&meta)?;
        write(
            &dir,
            &format!("overenskommelse-{}.json", g.id),
            &json,
            &mut manifest,
        )?;
    }
    std::fs::write(&manifest_path, manifest.as_bytes())
        .with_context(|| format!("cannot write {}", manifest_path.display()))?;
    println!(
        "Wrote {} agreements signed {from} – {to} to {}, with manifest-sha256.txt (check with: sha256sum -c manifest-sha256.txt).",
        sel.agreements.len(),
        dir.display()
    );
    Ok(())
}

/// Writes a file of the export and its line of the manifest.
fn write(dir: &Path, name: &str, bytes: &[u8], manifest: &mut String) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    manifest.push_str(&format!("{}  {name}\n", sha256_hex(bytes)));
    Ok(())
}
