//! The remote-work policy: its page and versions, HR's form for a new
//! version, the agreement template, and a unit's own rules.

use std::future::ready;

use askama::Template;
use axum::extract::Path;
use axum::Form;
use distans_core::access::{self, Action, Kind};
use distans_core::agreements::rules as agreement;
use distans_core::kernel::dates::parse_date;
use distans_core::policy::{PolicyRules, PolicyVersion, PolicyView, Prerequisite, UnitOverride};
use distans_core::CoreError;

use crate::html::ctx::{render, OrPage};
use crate::html::form::{all, answer, get, id_of, not_refused, redirect, render_form, whole};
use crate::html::form::{FormErrors, Pairs};
use crate::html::{Ctx, HtmlError, Reply};

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage<'a> {
    c: &'a Ctx,
    p: PolicyView,
    versions: Vec<PolicyVersion>,
}

pub async fn policy_page(mut c: Ctx) -> Reply {
    let actor = c.page("policy").await?;
    let policy = &c.core().policy;
    let p = policy.policy(&actor, None, None).await.or_page(&c)?;
    let versions = policy.policy_versions(&actor).await.or_page(&c)?;
    render(&c, &PolicyPage { c: &c, p, versions })
}

#[derive(Template)]
#[template(path = "policy_form.html")]
struct PolicyForm<'a> {
    c: &'a Ctx,
    rules: PolicyRules,
    valid_from: String,
    prerequisites: String,
    errors: FormErrors,
}

fn prerequisites_text(p: &[Prerequisite]) -> String {
    p.iter()
        .map(|p| format!("{}: {}", p.key, p.text))
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn policy_form(mut c: Ctx) -> Reply {
    let actor = c.page("policy").await?;
    if let Err(e) = access::authorize(&actor, Action::Plain(Kind::EditPolicy)) {
        return Err(c.fail(e));
    }
    let p = c
        .core()
        .policy
        .policy(&actor, None, None)
        .await
        .or_page(&c)?;
    let page = PolicyForm {
        c: &c,
        prerequisites: prerequisites_text(&p.policy.rules.prerequisites),
        rules: p.policy.rules,
        valid_from: c.core().today().to_string(),
        errors: FormErrors::default(),
    };
    render(&c, &page)
}

fn parse_policy_form(f: &Pairs, keep: &PolicyRules) -> Result<PolicyRules, CoreError> {
    let mut prerequisites = vec![];
    for (i, line) in get(f, "prerequisites")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
    {
        let (k, t) = line.split_once(':').ok_or_else(|| {
            CoreError::invalid(
                "prerequisites",
                format!("line {}: write \"key: text\"", i + 1),
            )
        })?;
        prerequisites.push(Prerequisite {
            key: k.trim().to_string(),
            text: t.trim().to_string(),
        });
    }
    let occasional = get(f, "occasional_days_per_week").trim();
    Ok(PolicyRules {
        manager_limit_days: whole(f, "manager_limit_days")?,
        max_days_per_week: whole(f, "max_days_per_week")?,
        agreement_required: get(f, "agreement_required") == "on",
        prerequisites,
        secrecy_tasks: get(f, "secrecy_tasks")
            .split(',')
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .collect(),
        presence_requirements: get(f, "presence_requirements").trim().to_string(),
        follow_up_interval_months: whole(f, "follow_up_interval_months")?,
        notice_period_days: whole(f, "notice_period_days")?,
        extra_aids_above_days: whole(f, "extra_aids_above_days")?,
        occasional_days_per_week: if occasional.is_empty() {
            None
        } else {
            Some(whole(f, "occasional_days_per_week")?)
        },
        unit_overrides: keep.unit_overrides.clone(),
        // Deviations.
        security_deviation_roles: all(f, "security_deviation_roles"),
        deviation_reporter_anonymity: get(f, "deviation_reporter_anonymity") == "on",
        // Who is in.
        share_presence_default: get(f, "share_presence_default") == "on",
    })
}

pub async fn policy_submit(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "policy";
    let actor = c.posted(get(&f, "csrf"))?;
    let policy = &c.core().policy;
    let current = policy.policy(&actor, None, None).await.or_page(&c)?;
    // The form comes back with the rules as sent, or as they are if those
    // could not be read.
    let (result, rules) = match parse_policy_form(&f, &current.policy.rules) {
        Ok(rules) => match parse_date("valid_from", get(&f, "valid_from")) {
            Ok(from) => {
                let added = policy.add_policy_version(&actor, rules.clone(), from);
                (added.await.map(|_| ()), rules)
            }
            Err(e) => (Err(e), rules),
        },
        Err(e) => (Err(e), current.policy.rules),
    };
    let done = |()| redirect("/distanspolicy");
    answer(&c, result, "policy", not_refused, done, |errors| {
        let page = PolicyForm {
            c: &c,
            rules,
            valid_from: get(&f, "valid_from").into(),
            prerequisites: get(&f, "prerequisites").into(),
            errors,
        };
        ready(render_form(&c, &page, &page.errors))
    })
    .await
}

#[derive(Template)]
#[template(path = "template_form.html")]
struct TemplateForm<'a> {
    c: &'a Ctx,
    version: i64,
    text: String,
    errors: FormErrors,
    saved: bool,
    /// The text as an employee would read it (after "Förhandsgranska").
    preview: Option<Vec<(String, Vec<String>)>>,
}

/// A placeholder as the editor lists it: how it is written and what it
/// becomes, in plain words.
pub struct Placeholder {
    pub code: String,
    pub means: String,
}

impl TemplateForm<'_> {
    fn placeholders(&self) -> Vec<Placeholder> {
        agreement::PLACEHOLDERS
            .iter()
            .map(|p| Placeholder {
                code: format!("{{{}}}", p.0),
                means: self.c.t(&format!("template-placeholder-{}", p.0)),
            })
            .collect()
    }
}

fn template_page(
    c: &Ctx,
    version: i64,
    text: String,
    errors: FormErrors,
    saved: bool,
    preview: Option<Vec<(String, Vec<String>)>>,
) -> Reply {
    let page = TemplateForm {
        c,
        version,
        text,
        errors,
        saved,
        preview,
    };
    render_form(c, &page, &page.errors)
}

pub async fn template_form(mut c: Ctx) -> Reply {
    let actor = c.page("policy").await?;
    let agreements = &c.core().agreements;
    let (version, text) = agreements.agreement_template(&actor).await.or_page(&c)?;
    template_page(&c, version, text, FormErrors::default(), false, None)
}

/// What is wrong with a template sent: unknown placeholders by name, else
/// what the core says.
fn template_errors(c: &Ctx, text: &str, e: CoreError) -> Result<FormErrors, HtmlError> {
    let unknown = agreement::unknown_placeholders(text);
    if matches!(e, CoreError::Invalid { .. }) && !unknown.is_empty() {
        let names = unknown
            .iter()
            .map(|u| format!("{{{u}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        let key = if unknown.len() == 1 {
            "template-unknown-placeholder"
        } else {
            "template-unknown-placeholders"
        };
        return Ok(FormErrors(vec![(
            "text".into(),
            c.ta(key, "names", &names),
        )]));
    }
    crate::html::form::form_errors(c, "template", e, not_refused)
}

pub async fn template_submit(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "policy";
    let actor = c.posted(get(&f, "csrf"))?;
    let expected: i64 = get(&f, "version").parse().unwrap_or(-1);
    let text = get(&f, "text");
    let agreements = &c.core().agreements;
    if get(&f, "op") == "preview" {
        return match agreements.preview_template(&actor, text).await {
            Ok(sections) => template_page(
                &c,
                expected,
                text.replace("\r\n", "\n"),
                FormErrors::default(),
                false,
                Some(sections),
            ),
            Err(e) => {
                let errors = template_errors(&c, text, e)?;
                template_page(&c, expected, text.into(), errors, false, None)
            }
        };
    }
    match agreements
        .set_agreement_template(&actor, text, expected)
        .await
    {
        Ok(version) => {
            let text = text.replace("\r\n", "\n");
            template_page(&c, version, text, FormErrors::default(), true, None)
        }
        Err(e) => {
            let errors = template_errors(&c, text, e)?;
            template_page(&c, expected, text.into(), errors, false, None)
        }
    }
}

/// HR sets a unit's own rules from the unit's page.
pub async fn unit_policy_submit(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "unit")?;
    let opt = |k: &str| -> Result<Option<u8>, HtmlError> {
        match get(&f, k).trim() {
            "" => Ok(None),
            _ => whole(&f, k).map(Some).or_page(&c),
        }
    };
    let o = UnitOverride {
        unit_id: id.into(),
        manager_limit_days: opt("manager_limit_days")?,
        max_days_per_week: opt("max_days_per_week")?,
        presence_requirements: Some(get(&f, "presence_requirements").trim().to_string()),
    };
    c.core()
        .policy
        .set_unit_override(&actor, id.into(), Some(o))
        .await
        .or_page(&c)?;
    redirect(&format!("/enheter/{id}#unit-policy"))
}
