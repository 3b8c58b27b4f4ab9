//! Personal data and public records as pages: "Mina uppgifter" (all that
//! distans holds about oneself, as a page and a PDF), HR producing the
//! same for a person's request, and the disposal rules, legal holds and
//! runs ("Gallring").

use askama::Template;
use axum::extract::{Form, Path};
use axum::http::header;
use axum::response::IntoResponse;
use distans_core::kernel::dates::parse_date;
use distans_core::privacy::service::RunBy;
use distans_core::privacy::{
    DisposalAction, DisposalRule, DisposalRun, LegalHold, PersonalData, RecordType, Requester,
    RuleChange,
};
use distans_core::CoreError;
use serde_json::Value;

use super::ctx::{render, OrPage};
use super::form::{get, id_of, redirect, render_form, FormErrors, Pairs};
use super::{Ctx, Reply};

/// A record's fields as label and text.
pub struct Shown {
    pub fields: Vec<(String, String, bool)>,
}

/// A section as shown: its key, heading and records.
pub struct ShownSection {
    pub key: String,
    pub heading: String,
    pub records: Vec<Shown>,
    pub truncated: bool,
}

/// A value as text: strings as they are, none as "–", lists and objects
/// in short.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "–".into(),
        Value::String(s) if s.is_empty() => "–".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "✓" } else { "–" }.into(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) if a.is_empty() => "–".into(),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => v.to_string(),
    }
}

/// The label of a field: its text when there is one, else the key.
fn label(c: &Ctx, key: &str) -> String {
    c.lang
        .try_t(&format!("pd-f-{key}"))
        .unwrap_or_else(|| key.replace('_', " "))
}

/// A value said in the page's language when it is a role or a state.
/// A record within a record (what an audit entry says changed) is told
/// field by field, its ids left out.
fn value(c: &Ctx, v: &Value) -> String {
    match v {
        Value::String(s) => c
            .lang
            .try_t(&format!("pd-v-{s}"))
            .unwrap_or_else(|| text(v)),
        Value::Array(items) if !items.is_empty() => {
            let shown: Vec<String> = items
                .iter()
                .filter(|i| !is_id("", i))
                .map(|i| value(c, i))
                .collect();
            if shown.is_empty() {
                "–".into()
            } else {
                shown.join(", ")
            }
        }
        Value::Object(fields) => {
            let shown: Vec<String> = fields
                .iter()
                .filter(|(k, v)| !is_id(k, v))
                .map(|(k, v)| format!("{}: {}", label(c, k), value(c, v)))
                .collect();
            if shown.is_empty() {
                "–".into()
            } else {
                shown.join("; ")
            }
        }
        _ => text(v),
    }
}

/// An identifier: a field named as one, or a value that is a UUID.
fn is_id(key: &str, v: &Value) -> bool {
    key == "id"
        || key.ends_with("_id")
        || matches!(v, Value::String(s) if uuid::Uuid::parse_str(s).is_ok())
}

fn shown(c: &Ctx, data: &PersonalData) -> Vec<ShownSection> {
    data.sections
        .iter()
        .map(|s| ShownSection {
            key: s.key.clone(),
            heading: c.t(&format!("pd-sec-{}", s.key)),
            truncated: s.truncated,
            records: s
                .records
                .iter()
                .map(|r| Shown {
                    // Ids are for machines: the JSON export has them, the
                    // page and the PDF show names and sentences.
                    fields: r
                        .iter()
                        .filter(|(k, v)| !is_id(k, v))
                        .map(|(k, v)| {
                            let long =
                                matches!(v, Value::String(s) if s.len() > 200 || s.contains('\n'));
                            (label(c, k), value(c, v), long)
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "my_data.html")]
struct MyDataPage<'a> {
    c: &'a Ctx,
    /// Whose data, when HR produced it.
    whose: Option<String>,
    reference: Option<String>,
    generated: String,
    sections: Vec<ShownSection>,
}

fn generated(data: &PersonalData) -> String {
    crate::localtime::second(&data.generated_at)
}

/// "Mina uppgifter": all that distans holds about the signed-in person.
pub async fn my_data(mut c: Ctx) -> Reply {
    let actor = c.page("me").await?;
    let data = c.core().privacy.export_own(&actor).await.or_page(&c)?;
    let page = MyDataPage {
        c: &c,
        whose: None,
        reference: None,
        generated: generated(&data),
        sections: shown(&c, &data),
    };
    render(&c, &page)
}

/// The same as a PDF (PDF/A).
pub async fn my_data_pdf(mut c: Ctx) -> Reply {
    let actor = c.page("me").await?;
    let data = c.core().privacy.export_own(&actor).await.or_page(&c)?;
    pdf(&c, &data, actor.name.clone()).await
}

/// HR produces a person's data for their request (page or PDF).
pub async fn person_data(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "people";
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "person")?;
    let reference = get(&f, "reference").trim().to_string();
    let person = c.core().org.person(&actor, id.into()).await.or_page(&c)?;
    let data = match c
        .core()
        .privacy
        .export_for(&actor, id.into(), &reference)
        .await
    {
        Ok(d) => d,
        Err(e @ CoreError::Invalid { .. }) => {
            return redirect(&format!(
                "/personer/{id}?registerutdrag={}#registerutdrag",
                if e.field() == Some("reference") {
                    "referens"
                } else {
                    "fel"
                }
            ))
        }
        Err(e) => return Err(c.fail(e)),
    };
    if get(&f, "format") == "pdf" {
        return pdf(&c, &data, person.name).await;
    }
    let page = MyDataPage {
        c: &c,
        whose: Some(person.name),
        reference: Some(reference),
        generated: generated(&data),
        sections: shown(&c, &data),
    };
    render(&c, &page)
}

async fn pdf(c: &Ctx, data: &PersonalData, name: String) -> Reply {
    let sections = shown(c, data);
    let reference = match &data.requested {
        Requester::Own => format!("{name}, {}", generated(data)),
        Requester::Hr { reference } => reference.clone(),
    };
    let doc = distans_pdf::AgreementDoc {
        title: c.t("pd-title"),
        organisation: "distans".into(),
        reference,
        facts: vec![
            (c.t("pd-f-person"), name),
            (c.t("pd-generated"), generated(data)),
        ],
        sections: sections
            .into_iter()
            .map(|s| distans_pdf::Section {
                heading: s.heading,
                paragraphs: if s.records.is_empty() {
                    vec![c.t("pd-none")]
                } else {
                    s.records
                        .into_iter()
                        .map(|r| {
                            r.fields
                                .into_iter()
                                .map(|(k, v, _)| format!("{k}: {v}"))
                                .collect::<Vec<_>>()
                                .join(" · ")
                        })
                        .collect()
                },
            })
            .collect(),
        signatures: vec![],
        text_sha256: None,
        language: c.lang.code().into(),
    };
    let bytes = tokio::task::spawn_blocking(move || distans_pdf::agreement_pdf(&doc))
        .await
        .map_err(|e| c.fail(CoreError::internal(e)))?
        .map_err(|e| c.fail(CoreError::internal(e)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"mina-uppgifter-{}.pdf\"",
                    data.person
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// Gallring: the disposal rules, legal holds and runs.

/// What a legal hold holds, as people read it: the person by name, a record
/// by its kind in words (its reference only on request).
struct HeldView {
    person: Option<String>,
    record_kind: Option<String>,
    record_ref: Option<String>,
}

async fn held_view(c: &Ctx, actor: &distans_core::kernel::Actor, h: &LegalHold) -> HeldView {
    let person = match h.person {
        Some(p) => Some(
            c.core()
                .org
                .person(actor, p)
                .await
                .map(|v| v.name)
                .unwrap_or_else(|_| c.t("history-unknown")),
        ),
        None => None,
    };
    let (record_kind, record_ref) = match &h.record {
        Some(r) => {
            let (kind, id) = r.split_once(':').unwrap_or(("", r.as_str()));
            let kind = c
                .lang
                .try_t(&format!("audit-entity-{kind}"))
                .unwrap_or_else(|| c.t("audit-entity-other"));
            (Some(kind), Some(id.to_string()))
        }
        None => (None, None),
    };
    HeldView {
        person,
        record_kind,
        record_ref,
    }
}

#[derive(Template)]
#[template(path = "retention.html")]
struct RetentionPage<'a> {
    c: &'a Ctx,
    rules: Vec<DisposalRule>,
    /// Each hold, with whom or what it holds in words.
    holds: Vec<(LegalHold, HeldView)>,
    runs: Vec<DisposalRun>,
    /// A dry run's result, shown once.
    preview: Option<DisposalRun>,
    /// The rule whose form has errors, and them.
    rule_errors: (String, FormErrors),
    hold_errors: FormErrors,
    errors: FormErrors,
    hold_typed: (String, String, String),
}

impl RetentionPage<'_> {
    fn type_name(&self, t: &RecordType) -> String {
        self.c.t(&format!("ret-type-{}", t.as_str()))
    }
    fn anchor_name(&self, t: &RecordType) -> String {
        self.c.t(&format!("ret-anchor-{}", t.anchor()))
    }
    fn action_name(&self, a: &DisposalAction) -> String {
        self.c.t(&format!("ret-action-{}", a.as_str()))
    }
    fn allows(&self, t: &RecordType, a: &str) -> bool {
        DisposalAction::parse(a).is_some_and(|a| t.allows(a))
    }
    fn undecided(&self, r: &DisposalRule) -> bool {
        r.decision_ref == distans_core::privacy::rules::UNDECIDED
    }
    fn rule_error(&self, t: &RecordType, field: &str) -> String {
        if self.rule_errors.0 == t.as_str() && self.rule_errors.1.has(field) {
            self.rule_errors.1.msg(field)
        } else {
            String::new()
        }
    }
    fn when(&self, t: &time::OffsetDateTime) -> String {
        crate::localtime::second(t)
    }
    fn total(&self, r: &DisposalRun) -> u64 {
        r.counts.iter().map(|c| c.count).sum()
    }
}

async fn retention_page(
    c: &Ctx,
    preview: Option<DisposalRun>,
    rule_errors: (String, FormErrors),
    hold_errors: FormErrors,
    hold_typed: (String, String, String),
) -> Reply {
    let actor = c.actor()?.clone();
    let rules = c.core().privacy.disposal_rules(&actor).await.or_page(c)?;
    let mut holds = vec![];
    for h in c.core().privacy.holds(&actor).await.or_page(c)? {
        let v = held_view(c, &actor, &h).await;
        holds.push((h, v));
    }
    let runs = c.core().privacy.runs(&actor).await.or_page(c)?;
    let mut errors = FormErrors::default();
    errors.0.extend(rule_errors.1 .0.iter().cloned());
    errors.0.extend(hold_errors.0.iter().cloned());
    let page = RetentionPage {
        c,
        rules,
        holds,
        runs,
        preview,
        rule_errors,
        hold_errors,
        errors,
        hold_typed,
    };
    render_form(c, &page, &page.errors)
}

fn no_typed() -> (String, String, String) {
    Default::default()
}

/// The disposal rules, legal holds and runs.
pub async fn retention(mut c: Ctx) -> Reply {
    c.page("retention").await?;
    retention_page(
        &c,
        None,
        Default::default(),
        FormErrors::default(),
        no_typed(),
    )
    .await
}

/// Saves one rule.
pub async fn save_rule(mut c: Ctx, Path(kind): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "retention";
    let actor = c.posted(get(&f, "csrf"))?;
    if !distans_core::access::may(&actor, distans_core::access::Kind::EditRetention) {
        return Err(c.fail(CoreError::Forbidden(
            "only HR changes the disposal rules".into(),
        )));
    }
    let t = RecordType::parse(&kind).ok_or_else(|| c.fail(CoreError::NotFound("record type")))?;
    let change = (|| {
        Ok::<_, CoreError>(RuleChange {
            keep_months: get(&f, "keep_months")
                .trim()
                .parse()
                .map_err(|_| CoreError::invalid("keep_months", "a whole number of months"))?,
            action: DisposalAction::parse(get(&f, "action"))
                .ok_or_else(|| CoreError::invalid("action", "choose what happens"))?,
            decision_ref: get(&f, "decision_ref").to_string(),
            decision_date: parse_date("decision_date", get(&f, "decision_date"))?,
            version: get(&f, "version").parse().unwrap_or(0),
        })
    })();
    let result = match change {
        Ok(ch) => c.core().privacy.save_rule(&actor, t, &ch).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => redirect(&format!("/gallring#rule-{}", t.as_str())),
        Err(e) if matches!(e, CoreError::Invalid { .. } | CoreError::Conflict(_)) => {
            let mut plain = FormErrors::from_core(&c, "rule", &e);
            // A conflict is the rule's, not a field's.
            for (field, _) in &mut plain.0 {
                if field == "form" {
                    *field = "keep_months".into();
                }
            }
            retention_page(
                &c,
                None,
                (t.as_str().to_string(), plain),
                FormErrors::default(),
                no_typed(),
            )
            .await
        }
        Err(e) => Err(c.fail(e)),
    }
}

/// Places a legal hold.
pub async fn place_hold(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "retention";
    let actor = c.posted(get(&f, "csrf"))?;
    let person_text = get(&f, "person").trim().to_string();
    let record = get(&f, "record").trim().to_string();
    let reason = get(&f, "reason").to_string();
    let person = if person_text.is_empty() {
        Ok(None)
    } else {
        uuid::Uuid::parse_str(&person_text)
            .map(|u| Some(u.into()))
            .map_err(|_| CoreError::invalid("person", "not a person's id"))
    };
    let result = match person {
        Ok(p) => c
            .core()
            .privacy
            .place_hold(&actor, p, Some(&record), &reason)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => redirect("/gallring#holds"),
        Err(e @ CoreError::Invalid { .. }) => {
            let errs = FormErrors::from_core(&c, "hold", &e);
            retention_page(
                &c,
                None,
                Default::default(),
                errs,
                (person_text, record, reason),
            )
            .await
        }
        Err(e) => Err(c.fail(e)),
    }
}

/// Lifts a legal hold.
pub async fn lift_hold(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "legal hold")?;
    c.core().privacy.lift_hold(&actor, id).await.or_page(&c)?;
    redirect("/gallring#holds")
}

/// Applies the rules now, or shows what that would do.
pub async fn run(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "retention";
    let actor = c.posted(get(&f, "csrf"))?;
    let dry = get(&f, "dry_run") == "1";
    let r = c
        .core()
        .privacy
        .run(RunBy::Person(&actor), None, dry)
        .await
        .or_page(&c)?;
    if dry {
        return retention_page(
            &c,
            Some(r),
            Default::default(),
            FormErrors::default(),
            no_typed(),
        )
        .await;
    }
    redirect("/gallring#runs")
}

// ---------------------------------------------------------------------------
// The privacy notice (Art. 13), for anyone; HR edits it.

use distans_core::privacy::{NoticeText, PrivacyNotice};

#[derive(Template)]
#[template(path = "privacy_notice.html")]
struct NoticePage<'a> {
    c: &'a Ctx,
    notice: Option<PrivacyNotice>,
}

impl NoticePage<'_> {
    /// The organisation's text under a heading, or the default.
    fn part(&self, key: &str) -> String {
        notice_part(self.c, self.notice.as_ref(), key)
    }
}

/// The organisation's text of the notice under a heading, or the default.
pub(super) fn notice_part(c: &Ctx, notice: Option<&PrivacyNotice>, key: &str) -> String {
    let stored = notice.map(|n| match key {
        "what" => n.text.what.clone(),
        "why" => n.text.why.clone(),
        "legal_basis" => n.text.legal_basis.clone(),
        "how_long" => n.text.how_long.clone(),
        "rights" => n.text.rights.clone(),
        _ => n.text.dpo.clone(),
    });
    stored.unwrap_or_else(|| c.t(&format!("pn-default-{key}")))
}

pub(super) const NOTICE_PARTS: [&str; 6] =
    ["what", "why", "legal_basis", "how_long", "rights", "dpo"];

/// The privacy notice.
pub async fn notice(mut c: Ctx) -> Reply {
    c.nav = "";
    let notice = c.core().privacy.notice().await.or_page(&c)?;
    render(&c, &NoticePage { c: &c, notice })
}

#[derive(Template)]
#[template(path = "privacy_notice_form.html")]
struct NoticeForm<'a> {
    c: &'a Ctx,
    parts: Vec<(&'static str, String)>,
    version: i64,
    errors: FormErrors,
}

async fn notice_form_page(c: &Ctx, typed: Option<(NoticeText, i64)>, errors: FormErrors) -> Reply {
    let (text, version) = match typed {
        Some(t) => t,
        None => match c.core().privacy.notice().await.or_page(c)? {
            Some(n) => (n.text, n.version),
            None => (
                NoticeText {
                    what: c.t("pn-default-what"),
                    why: c.t("pn-default-why"),
                    legal_basis: c.t("pn-default-legal_basis"),
                    how_long: c.t("pn-default-how_long"),
                    rights: c.t("pn-default-rights"),
                    dpo: c.t("pn-default-dpo"),
                },
                0,
            ),
        },
    };
    let parts = NOTICE_PARTS
        .iter()
        .map(|k| {
            let v = match *k {
                "what" => text.what.clone(),
                "why" => text.why.clone(),
                "legal_basis" => text.legal_basis.clone(),
                "how_long" => text.how_long.clone(),
                "rights" => text.rights.clone(),
                _ => text.dpo.clone(),
            };
            (*k, v)
        })
        .collect();
    let page = NoticeForm {
        c,
        parts,
        version,
        errors,
    };
    render_form(c, &page, &page.errors)
}

/// HR's form for the notice.
pub async fn notice_form(mut c: Ctx) -> Reply {
    let actor = c.page("").await?;
    if !distans_core::access::may(&actor, distans_core::access::Kind::EditPrivacyNotice) {
        return Err(c.fail(CoreError::Forbidden(
            "only HR edits the privacy notice".into(),
        )));
    }
    notice_form_page(&c, None, FormErrors::default()).await
}

/// Saves a new version of the notice.
pub async fn notice_save(c: Ctx, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let text = NoticeText {
        what: get(&f, "what").into(),
        why: get(&f, "why").into(),
        legal_basis: get(&f, "legal_basis").into(),
        how_long: get(&f, "how_long").into(),
        rights: get(&f, "rights").into(),
        dpo: get(&f, "dpo").into(),
    };
    let version: i64 = get(&f, "version").parse().unwrap_or(0);
    match c.core().privacy.save_notice(&actor, &text, version).await {
        Ok(_) => redirect("/integritet"),
        Err(e) if matches!(e, CoreError::Invalid { .. } | CoreError::Conflict(_)) => {
            let errs = FormErrors::from_core(&c, "notice", &e);
            notice_form_page(&c, Some((text, version)), errs).await
        }
        Err(e) => Err(c.fail(e)),
    }
}
