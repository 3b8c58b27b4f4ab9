//! The follow-up checklists: the list, a checklist with its versions, and
//! HR's editor: the questions as items in a form, added, changed,
//! moved and removed with buttons, saved as a new version.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::Form;
use distans_core::followup::checklist::{
    self, ChecklistInput, ChecklistTemplate, Question, QuestionType,
};
use distans_core::followup::editor::{self, ItemDraft, ItemProblem, Step};
use distans_core::CoreError;
use serde::Deserialize;

use crate::html::ctx::{render, OrPage};
use crate::html::form::{get, redirect, render_form, with_status, FormErrors, Pairs};
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
    items: Vec<ItemDraft>,
    /// The version the form edits (the newest when it was opened).
    edits: i64,
    saved: bool,
    /// What the last button did, for the status line.
    note: Option<String>,
}

/// The answer types the editor offers, with their names.
const RISKS: &[&str] = &["none", "yes", "no", "le1", "le2", "le3", "le4"];

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
    /// (value, name) of each answer type.
    fn types(&self) -> Vec<(&'static str, String)> {
        QuestionType::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    self.c.t(&format!("question-type-{}", k.as_str())),
                )
            })
            .collect()
    }
    /// (value, name) of each choice of risk.
    fn risks(&self) -> Vec<(&'static str, String)> {
        RISKS
            .iter()
            .map(|r| {
                let name = match r.strip_prefix("le") {
                    Some(n) => self.c.ta("checklist-risk-le", "n", n),
                    None => self.c.t(&format!("checklist-risk-{r}")),
                };
                (*r, name)
            })
            .collect()
    }
    fn field(&self, i: impl Place, f: &str) -> String {
        format!("item-{}-{f}", i.at())
    }
    fn has(&self, i: impl Place, f: &str) -> bool {
        self.errors.has(&self.field(i, f))
    }
    fn msg(&self, i: impl Place, f: &str) -> String {
        self.errors.msg(&self.field(i, f))
    }
    fn item_has_error(&self, i: impl Place) -> bool {
        let i = i.at();
        ["text", "type", "risk"].iter().any(|f| self.has(i, f))
    }
    fn number(&self, i: impl Place) -> String {
        (i.at() + 1).to_string()
    }
    fn is_first(&self, i: impl Place) -> bool {
        i.at() == 0
    }
    fn is_last(&self, i: impl Place) -> bool {
        i.at() + 1 >= self.items.len()
    }
}

/// An item's place in the list, however the template hands it over.
trait Place {
    fn at(&self) -> usize;
}
impl Place for usize {
    fn at(&self) -> usize {
        *self
    }
}
impl<T: Place + ?Sized> Place for &T {
    fn at(&self) -> usize {
        (**self).at()
    }
}

#[derive(Deserialize)]
pub struct ChecklistQuery {
    version: Option<i64>,
    sparad: Option<String>,
}

/// What the checklist page's form shows.
#[derive(Default)]
struct Edit {
    errors: FormErrors,
    /// The title, items and version edited as sent; else the newest version's.
    form: Option<(String, Vec<ItemDraft>, i64)>,
    saved: bool,
    note: Option<String>,
}

/// Checklist `key` in `version` (the newest if none), with the editor.
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
    let (title, items, edits) = edit.form.unwrap_or_else(|| {
        (
            current.title.clone(),
            editor::drafts(&current.questions),
            newest,
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
        items,
        edits,
        saved: edit.saved,
        note: edit.note,
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
        saved: q.sparad.is_some(),
        ..Edit::default()
    };
    checklist_page(&c, &key, q.version, edit).await
}

/// The items as the form sent them (`item-N-…` for N below `count`).
fn sent_items(f: &Pairs) -> Vec<ItemDraft> {
    let count: usize = get(f, "count").trim().parse().unwrap_or(0);
    (0..count.min(checklist::MAX_QUESTIONS + 1))
        .map(|i| {
            let v = |name: &str| get(f, &format!("item-{i}-{name}")).to_string();
            ItemDraft {
                id: v("id"),
                text: v("text"),
                kind: v("type"),
                required: !v("required").is_empty(),
                risk: v("risk"),
            }
        })
        .collect()
}

/// The status line after a button that changed the list (nothing saved yet).
fn step_note(c: &Ctx, step: Step, at: Option<usize>) -> String {
    let n = |i: usize| (i + 1).to_string();
    match (step, at) {
        (Step::Add, Some(i)) => c.ta("checklist-step-added", "n", &n(i)),
        (Step::Up(from) | Step::Down(from), Some(i)) => c
            .lang
            .ta("checklist-step-moved", &[("from", n(from)), ("to", n(i))]),
        (Step::Remove(i), Some(_)) => c.ta("checklist-step-removed", "n", &n(i)),
        _ => c.t("checklist-step-nothing"),
    }
}

/// The editor's problems as the form shows them, each naming its item and field.
fn item_errors(c: &Ctx, problems: &[ItemProblem]) -> FormErrors {
    FormErrors(
        problems
            .iter()
            .map(|p| {
                let problem = c.t(&format!("checklist-problem-{}", p.problem.as_str()));
                match p.item {
                    Some(i) => (
                        format!("item-{i}-{}", p.field.as_str()),
                        c.lang.ta(
                            "checklist-item-error",
                            &[
                                ("n", (i + 1).to_string()),
                                (
                                    "field",
                                    c.t(&format!("checklist-field-{}", p.field.as_str())),
                                ),
                                ("problem", problem),
                            ],
                        ),
                    ),
                    None => ("items".into(), problem),
                }
            })
            .collect(),
    )
}

pub async fn checklist_post(mut c: Ctx, Path(key): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "followups";
    let actor = c.posted(get(&f, "csrf"))?;
    let followup = &c.core().followup;
    if !followup.may_edit_checklists(&actor) {
        return Err(c.fail(CoreError::forbidden("only HR may change the checklists")));
    }
    let title = get(&f, "title").to_string();
    let edits: i64 = get(&f, "version").trim().parse().unwrap_or(0);
    let mut items = sent_items(&f);
    let step = Step::parse(get(&f, "op"));
    if step != Step::Save {
        let at = editor::apply(&mut items, step);
        let edit = Edit {
            note: Some(step_note(&c, step, at)),
            form: Some((title, items, edits)),
            ..Edit::default()
        };
        return checklist_page(&c, &key, None, edit).await;
    }
    let mut errors = FormErrors::default();
    if title.trim().is_empty() || title.trim().chars().count() > 200 {
        errors
            .0
            .push(("title".into(), c.t("checklist-title-error")));
    }
    let questions = match editor::questions(&items) {
        Ok(q) => Some(q),
        Err(problems) => {
            errors.0.extend(item_errors(&c, &problems).0);
            None
        }
    };
    let result = match questions {
        Some(questions) if errors.is_empty() => {
            let input = ChecklistInput {
                title: title.clone(),
                questions,
                version: Some(edits),
            };
            followup.save_checklist(&actor, &key, &input).await
        }
        _ => Err(CoreError::invalid("items", "")),
    };
    match result {
        Ok(t) => redirect(&format!("/checklistor/{}?sparad=1", t.key)),
        Err(CoreError::Conflict(_)) => {
            // Someone saved first: keep everything typed, and edit on from
            // their version, so that saving again replaces it knowingly.
            let newest = followup
                .checklist(&actor, &key, None)
                .await
                .or_page(&c)?
                .version;
            let edit = Edit {
                errors: FormErrors(vec![(
                    "title".into(),
                    c.ta("checklist-conflict-kept", "version", &newest.to_string()),
                )]),
                form: Some((title, items, newest)),
                ..Edit::default()
            };
            let r = checklist_page(&c, &key, None, edit).await?;
            Ok(with_status(r, StatusCode::CONFLICT))
        }
        Err(e @ CoreError::Invalid { .. }) => {
            if errors.is_empty() {
                // The core's own check found something the editor did not.
                errors = checklist_errors(&c, &e);
            }
            let edit = Edit {
                errors,
                form: Some((title, items, edits)),
                ..Edit::default()
            };
            checklist_page(&c, &key, None, edit).await
        }
        Err(e) => Err(c.fail(e)),
    }
}

/// What the core found wrong with a checklist sent, at its field.
fn checklist_errors(c: &Ctx, e: &CoreError) -> FormErrors {
    let field = match e.field() {
        Some("title") => "title",
        _ => "items",
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
