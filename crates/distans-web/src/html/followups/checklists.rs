//! The follow-up checklists: the list, a checklist with its versions, and
//! HR's form that edits one as a line per question.

use askama::Template;
use axum::extract::{Path, Query};
use axum::Form;
use distans_core::followup::checklist::{self, ChecklistInput, ChecklistTemplate, Question};
use distans_core::CoreError;
use serde::Deserialize;

use crate::html::ctx::{render, OrPage};
use crate::html::form::{redirect, render_form, FormErrors};
use crate::html::{Ctx, Reply};

#[derive(Template)]
#[template(path = "checklists.html")]
struct ChecklistsPage<'a> {
    c: &'a Ctx,
    items: Vec<ChecklistTemplate>,
}

pub async fn checklists_page(mut c: Ctx) -> Reply {
    c.nav = "followups";
    let actor = c.actor()?.clone();
    let items = c.core().followup.checklists(&actor).await.or_page(&c)?;
    render(&c, &ChecklistsPage { c: &c, items })
}

#[derive(Template)]
#[template(path = "checklist.html")]
struct ChecklistPage<'a> {
    c: &'a Ctx,
    t: ChecklistTemplate,
    versions: Vec<ChecklistTemplate>,
    newest: i64,
    may_edit: bool,
    errors: FormErrors,
    title: String,
    lines: String,
    saved: bool,
}

impl ChecklistPage<'_> {
    fn qtype(&self, q: &Question) -> String {
        self.c.t(&format!("question-type-{}", q.kind.as_str()))
    }
    fn risk(&self, q: &Question) -> String {
        match (&q.risk_answer, q.risk_at_most) {
            (Some(a), _) => self.c.t(if a == "yes" { "yes" } else { "no" }),
            (None, Some(n)) => format!("≤ {n}"),
            _ => "–".into(),
        }
    }
    fn required(&self, q: &Question) -> String {
        self.c.t(if q.required { "yes" } else { "no" })
    }
    fn created(&self, t: &ChecklistTemplate) -> String {
        let f = time::macros::format_description!("[year]-[month]-[day]");
        t.created_at.format(&f).unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct ChecklistQuery {
    version: Option<i64>,
    sparad: Option<String>,
}

/// What the checklist page's form shows.
struct Edit {
    errors: FormErrors,
    /// The title and question lines as sent; else the newest version's.
    form: Option<(String, String)>,
    saved: bool,
}

/// Checklist `key` in `version` (the newest if none), with the edit form.
async fn checklist_page(c: &Ctx, key: &str, version: Option<i64>, edit: Edit) -> Reply {
    let actor = c.actor()?.clone();
    let followup = &c.core().followup;
    let versions = followup.checklist_versions(&actor, key).await.or_page(c)?;
    let newest = versions.first().map(|t| t.version).unwrap_or(0);
    let t = match version {
        Some(v) => versions.iter().find(|t| t.version == v),
        None => versions.first(),
    };
    let t = t
        .cloned()
        .ok_or_else(|| c.fail(CoreError::NotFound("checklist")))?;
    let current = versions.first().cloned().unwrap_or_else(|| t.clone());
    let (title, lines) = edit.form.unwrap_or_else(|| {
        (
            current.title.clone(),
            checklist::to_lines(&current.questions),
        )
    });
    let page = ChecklistPage {
        c,
        t,
        versions,
        newest,
        may_edit: followup.may_edit_checklists(&actor),
        errors: edit.errors,
        title,
        lines,
        saved: edit.saved,
    };
    render_form(c, &page, &page.errors)
}

pub async fn checklist_get(
    mut c: Ctx,
    Path(key): Path<String>,
    Query(q): Query<ChecklistQuery>,
) -> Reply {
    c.page("followups").await?;
    let edit = Edit {
        errors: FormErrors::default(),
        form: None,
        saved: q.sparad.is_some(),
    };
    checklist_page(&c, &key, q.version, edit).await
}

#[derive(Deserialize)]
pub struct ChecklistForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    questions: String,
    #[serde(default)]
    version: String,
}

/// What was wrong with a checklist sent, at its field.
fn checklist_errors(c: &Ctx, e: &CoreError) -> FormErrors {
    if let CoreError::Conflict(_) = e {
        return FormErrors(vec![("questions".into(), c.t("checklist-conflict"))]);
    }
    // Errors of a question point at the text area.
    let field = match e.field() {
        Some("title") => "title",
        _ => "questions",
    };
    let detail = match e {
        CoreError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    };
    FormErrors(vec![(
        field.into(),
        c.ta("err-checklist", "detail", &detail),
    )])
}

pub async fn checklist_post(
    mut c: Ctx,
    Path(key): Path<String>,
    Form(f): Form<ChecklistForm>,
) -> Reply {
    c.nav = "followups";
    let actor = c.posted(&f.csrf)?;
    let followup = &c.core().followup;
    if !followup.may_edit_checklists(&actor) {
        return Err(c.fail(CoreError::forbidden("only HR may change the checklists")));
    }
    let result = match checklist::parse_lines(&f.questions) {
        Ok(questions) => {
            let input = ChecklistInput {
                title: f.title.clone(),
                questions,
                version: f.version.parse().ok(),
            };
            followup.save_checklist(&actor, &key, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => redirect(&format!("/checklistor/{}?sparad=1", t.key)),
        Err(e @ (CoreError::Invalid { .. } | CoreError::Conflict(_))) => {
            let edit = Edit {
                errors: checklist_errors(&c, &e),
                form: Some((f.title.clone(), f.questions.clone())),
                saved: false,
            };
            checklist_page(&c, &key, None, edit).await
        }
        Err(e) => Err(c.fail(e)),
    }
}
