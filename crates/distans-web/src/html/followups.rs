//! "Uppföljningar": the follow-ups due and overdue with the open
//! actions, a follow-up's checklist form (the employee and the manager each
//! confirm the same answers), the actions' forms, the checklists (HR edits
//! them as one line per question), and the development talk form on the
//! agreement page.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use distans_core::agreements::{Agreement, AgreementState};
use distans_core::followup::checklist::{
    self, ChecklistInput, ChecklistTemplate, Question, QuestionType,
};
use distans_core::followup::{
    ActionState, AnswersInput, FollowUp, FollowUpAction, FollowUpDetail, FollowUpKind,
    FollowUpQuery, FollowUpState, StateFilter,
};
use distans_core::kernel::dates::parse_date;
use distans_core::kernel::{Actor, Paging, PersonRef};
use distans_core::CoreError;
use serde::Deserialize;
use serde_json::Value;

use super::ctx::render;
use super::form::{get, id_of, FormErrors, Pairs};
use super::{Ctx, HtmlError};
use crate::AppState;

const LIST_LIMIT: i64 = 100;

fn kind_key(k: &FollowUpKind) -> String {
    format!("followup-kind-{}", k.as_str())
}

fn state_key(s: &FollowUpState) -> String {
    format!("followup-state-{}", s.as_str())
}

fn confirmed_text(c: &Ctx, who: &Option<distans_core::followup::Confirmation>) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    match who {
        Some(x) => format!("{} ({})", x.by.name, x.at.format(&f).unwrap_or_default()),
        None => c.t("followup-not-confirmed"),
    }
}

// The list.

#[derive(Template)]
#[template(path = "followups.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    items: Vec<FollowUp>,
    total: i64,
    actions: Vec<FollowUpAction>,
    actions_total: i64,
    status: String,
    may_edit_checklists: bool,
}

impl ListPage<'_> {
    fn more(&self) -> bool {
        self.total > self.items.len() as i64
    }
    fn more_actions(&self) -> bool {
        self.actions_total > self.actions.len() as i64
    }
    fn kind(&self, k: &FollowUpKind) -> String {
        self.c.t(&kind_key(k))
    }
    fn state(&self, s: &FollowUpState) -> String {
        self.c.t(&state_key(s))
    }
    fn tab(&self, s: &str) -> &'static str {
        if self.status == s {
            "page"
        } else {
            "false"
        }
    }
    fn confirmations(&self, f: &FollowUp) -> String {
        let mut v = vec![];
        if f.employee_confirmed.is_some() {
            v.push(self.c.t("role-employee"));
        }
        if f.manager_confirmed.is_some() {
            v.push(self.c.t("followup-party-manager"));
        }
        if v.is_empty() {
            "–".into()
        } else {
            v.join(", ")
        }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

pub async fn list_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "followups";
    let actor = c.actor()?.clone();
    let status = match q.status.as_deref() {
        Some("done") => "done",
        Some("cancelled") => "cancelled",
        _ => "open",
    };
    let query = FollowUpQuery {
        state: Some(StateFilter::parse(status).map_err(|e| c.fail(e))?),
        ..Default::default()
    };
    let paging = Paging {
        limit: LIST_LIMIT,
        offset: 0,
    };
    let page = state
        .core
        .followup
        .followups(&actor, &query, paging)
        .await
        .map_err(|e| c.fail(e))?;
    let actions = state
        .core
        .followup
        .actions(&actor, Some(ActionState::Open), paging)
        .await
        .map_err(|e| c.fail(e))?;
    render(
        &c,
        &ListPage {
            c: &c,
            total: page.total,
            items: page.items,
            actions_total: actions.total,
            actions: actions.items,
            status: status.into(),
            may_edit_checklists: state.core.followup.may_edit_checklists(&actor),
        },
    )
}

// One follow-up.

/// The form's values: answers and comments as text.
#[derive(Debug, Clone, Default)]
struct Values {
    answers: BTreeMap<String, String>,
    comments: BTreeMap<String, String>,
    version: i64,
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Values {
    fn of(f: &FollowUp) -> Values {
        Values {
            answers: f
                .answers
                .iter()
                .map(|(k, v)| (k.clone(), value_text(v)))
                .collect(),
            comments: f.comments.clone(),
            version: f.version,
        }
    }
}

#[derive(Template)]
#[template(path = "followup.html")]
struct FollowUpPage<'a> {
    c: &'a Ctx,
    d: FollowUpDetail,
    v: Values,
    errors: FormErrors,
    may_answer: bool,
    /// (action, may handle it, owner choices)
    actions: Vec<(FollowUpAction, bool, Vec<PersonRef>)>,
}

impl FollowUpPage<'_> {
    fn title(&self) -> String {
        format!(
            "{}: {}",
            self.c.t(&kind_key(&self.d.followup.kind)),
            self.d.followup.person.name
        )
    }
    fn state(&self) -> String {
        self.c.t(&state_key(&self.d.followup.state))
    }
    fn employee_confirmed(&self) -> String {
        confirmed_text(self.c, &self.d.followup.employee_confirmed)
    }
    fn manager_confirmed(&self) -> String {
        confirmed_text(self.c, &self.d.followup.manager_confirmed)
    }
    fn party_text(&self) -> String {
        match self.d.party.as_deref() {
            Some("employee") => self.c.t("followup-you-employee"),
            Some(_) => self.c.t("followup-you-manager"),
            None => String::new(),
        }
    }
    fn is_yes_no(&self, q: &Question) -> bool {
        q.kind == QuestionType::YesNo
    }
    fn is_scale(&self, q: &Question) -> bool {
        q.kind == QuestionType::Scale
    }
    fn answer(&self, q: &Question) -> String {
        self.v.answers.get(&q.id).cloned().unwrap_or_default()
    }
    fn checked(&self, q: &Question, value: &str) -> bool {
        self.v.answers.get(&q.id).is_some_and(|a| a == value)
    }
    fn comment(&self, q: &Question) -> String {
        self.v.comments.get(&q.id).cloned().unwrap_or_default()
    }
    fn field(&self, q: &Question) -> String {
        format!("answers.{}", q.id)
    }
    fn has_error(&self, q: &Question) -> bool {
        self.errors.has(&self.field(q))
    }
    fn error(&self, q: &Question) -> String {
        self.errors.msg(&self.field(q))
    }
    fn answer_shown(&self, q: &Question) -> String {
        match self.d.followup.answers.get(&q.id) {
            Some(Value::String(s)) if s == "yes" => self.c.t("yes"),
            Some(Value::String(s)) if s == "no" => self.c.t("no"),
            Some(v) => value_text(v),
            None => "–".into(),
        }
    }
    fn is_risk(&self, q: &Question) -> bool {
        self.d
            .followup
            .answers
            .get(&q.id)
            .is_some_and(|a| checklist::is_risk(q, a))
    }
    fn scale(&self) -> [&'static str; 5] {
        ["1", "2", "3", "4", "5"]
    }
    fn action_state(&self, x: &FollowUpAction) -> String {
        self.c.t(&format!("action-state-{}", x.state.as_str()))
    }
}

fn owner_choices(actor: &Actor, d: &FollowUpDetail, x: &FollowUpAction) -> Vec<PersonRef> {
    let mut v = vec![x.owner.clone()];
    for p in [
        d.followup.person.clone(),
        PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        },
    ] {
        if !v.iter().any(|o| o.id == p.id) {
            v.push(p);
        }
    }
    v
}

async fn followup_page(
    state: &AppState,
    c: &Ctx,
    id: uuid::Uuid,
    values: Option<Values>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    let d = state
        .core
        .followup
        .followup(&actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    let may_answer = d.party.is_some() && d.followup.state.is_open();
    let actions = d
        .actions
        .iter()
        .map(|x| {
            (
                x.clone(),
                x.state == ActionState::Open && state.core.followup.may_handle_action(&actor, x),
                owner_choices(&actor, &d, x),
            )
        })
        .collect();
    let v = values.unwrap_or_else(|| Values::of(&d.followup));
    let mut r = render(
        c,
        &FollowUpPage {
            c,
            d,
            v,
            errors,
            may_answer,
            actions,
        },
    )?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn followup_get(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
) -> Result<Response, HtmlError> {
    c.nav = "followups";
    c.actor()?;
    c.ensure_csrf().await?;
    let id = id_of(&c, &id, "follow-up")?;
    followup_page(&state, &c, id, None, FormErrors::default(), StatusCode::OK).await
}

/// Answers as the form sends them: `a.<question>` and `c.<question>`.
fn answers_of(f: &Pairs) -> Values {
    let mut v = Values::default();
    for (k, val) in f {
        if let Some(q) = k.strip_prefix("a.") {
            v.answers.insert(q.to_string(), val.clone());
        } else if let Some(q) = k.strip_prefix("c.") {
            v.comments.insert(q.to_string(), val.clone());
        }
    }
    v.version = get(f, "version").parse().unwrap_or(0);
    v
}

pub async fn followup_post(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "followups";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "follow-up")?;
    let v = answers_of(&f);
    let input = AnswersInput {
        answers: v
            .answers
            .iter()
            .map(|(k, x)| (k.clone(), Value::from(x.clone())))
            .collect(),
        comments: v.comments.clone(),
        complete: get(&f, "complete") == "1",
        version: Some(v.version),
    };
    match state
        .core
        .followup
        .answer_followup(&actor, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/uppfoljningar/{id}?sparad=1")).into_response()),
        Err(e @ CoreError::Invalid { .. }) => {
            let field = e.field().unwrap_or("form").to_string();
            let key = if field.starts_with("comments.") {
                "err-followup-comment"
            } else {
                "err-followup-answer"
            };
            let field = field.replace("comments.", "answers.");
            let errors = FormErrors(vec![(field, c.t(key))]);
            followup_page(&state, &c, id, Some(v), errors, StatusCode::BAD_REQUEST).await
        }
        Err(CoreError::Conflict(_)) => {
            // Show what is stored now, with the reason.
            let errors = FormErrors(vec![("form".into(), c.t("followup-conflict"))]);
            followup_page(&state, &c, id, None, errors, StatusCode::CONFLICT).await
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

pub async fn action_close(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CloseForm>,
) -> Result<Response, HtmlError> {
    c.nav = "followups";
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let id = id_of(&c, &id, "action")?;
    match state.core.followup.close_action(&actor, id, &f.note).await {
        Ok(x) => Ok(Redirect::to(&format!("/uppfoljningar/{}", x.followup_id)).into_response()),
        Err(e @ CoreError::Invalid { .. }) => {
            let Ok(x) = state.core.followup.visible_action(&actor, id).await else {
                return Err(c.fail(e));
            };
            let errors = FormErrors(vec![(format!("note-{id}"), c.t("err-action-note"))]);
            followup_page(
                &state,
                &c,
                x.followup_id,
                None,
                errors,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
}

pub async fn action_update(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, HtmlError> {
    c.nav = "followups";
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let id = id_of(&c, &id, "action")?;
    let owner = if f.owner.is_empty() {
        None
    } else {
        Some(id_of(&c, &f.owner, "person")?)
    };
    let result = match f.due.trim() {
        "" => Ok(None),
        s => parse_date("due", s).map(Some),
    };
    let result = match result {
        Ok(due) => {
            state
                .core
                .followup
                .update_action(&actor, id, owner, due)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(x) => Ok(Redirect::to(&format!("/uppfoljningar/{}", x.followup_id)).into_response()),
        Err(e @ CoreError::Invalid { .. }) => {
            let Ok(x) = state.core.followup.visible_action(&actor, id).await else {
                return Err(c.fail(e));
            };
            let errors = FormErrors(vec![(format!("due-{id}"), c.t("err-action-due"))]);
            followup_page(
                &state,
                &c,
                x.followup_id,
                None,
                errors,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(c.fail(e)),
    }
}

// Checklists.

#[derive(Template)]
#[template(path = "checklists.html")]
struct ChecklistsPage<'a> {
    c: &'a Ctx,
    items: Vec<ChecklistTemplate>,
}

pub async fn checklists_page(
    State(state): State<AppState>,
    mut c: Ctx,
) -> Result<Response, HtmlError> {
    c.nav = "followups";
    let actor = c.actor()?.clone();
    let items = state
        .core
        .followup
        .checklists(&actor)
        .await
        .map_err(|e| c.fail(e))?;
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

#[allow(clippy::too_many_arguments)]
async fn checklist_page(
    state: &AppState,
    c: &Ctx,
    key: &str,
    version: Option<i64>,
    errors: FormErrors,
    form: Option<(String, String)>,
    saved: bool,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    let versions = state
        .core
        .followup
        .checklist_versions(&actor, key)
        .await
        .map_err(|e| c.fail(e))?;
    let newest = versions.first().map(|t| t.version).unwrap_or(0);
    let t = match version {
        Some(v) => versions
            .iter()
            .find(|t| t.version == v)
            .cloned()
            .ok_or_else(|| c.fail(CoreError::NotFound("checklist")))?,
        None => versions
            .first()
            .cloned()
            .ok_or_else(|| c.fail(CoreError::NotFound("checklist")))?,
    };
    let current = versions.first().cloned().unwrap_or_else(|| t.clone());
    let (title, lines) = form.unwrap_or_else(|| {
        (
            current.title.clone(),
            checklist::to_lines(&current.questions),
        )
    });
    let bad = !errors.is_empty();
    let mut r = render(
        c,
        &ChecklistPage {
            c,
            t,
            versions,
            newest,
            may_edit: state.core.followup.may_edit_checklists(&actor),
            errors,
            title,
            lines,
            saved,
        },
    )?;
    if bad {
        *r.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

pub async fn checklist_get(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(key): Path<String>,
    Query(q): Query<ChecklistQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "followups";
    c.actor()?;
    c.ensure_csrf().await?;
    checklist_page(
        &state,
        &c,
        &key,
        q.version,
        FormErrors::default(),
        None,
        q.sparad.is_some(),
    )
    .await
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

pub async fn checklist_post(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(key): Path<String>,
    Form(f): Form<ChecklistForm>,
) -> Result<Response, HtmlError> {
    c.nav = "followups";
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    if !state.core.followup.may_edit_checklists(&actor) {
        return Err(c.fail(CoreError::forbidden("only HR may change the checklists")));
    }
    let result = match checklist::parse_lines(&f.questions) {
        Ok(questions) => {
            let input = ChecklistInput {
                title: f.title.clone(),
                questions,
                version: f.version.parse().ok(),
            };
            state
                .core
                .followup
                .save_checklist(&actor, &key, &input)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => Ok(Redirect::to(&format!("/checklistor/{}?sparad=1", t.key)).into_response()),
        Err(e @ (CoreError::Invalid { .. } | CoreError::Conflict(_))) => {
            let errors = match &e {
                CoreError::Conflict(_) => {
                    FormErrors(vec![("questions".into(), c.t("checklist-conflict"))])
                }
                _ => {
                    // Errors of a question point at the text area.
                    let field = match e.field() {
                        Some("title") => "title",
                        _ => "questions",
                    };
                    let detail = match &e {
                        CoreError::Invalid { message, .. } => message.clone(),
                        other => other.to_string(),
                    };
                    FormErrors(vec![(
                        field.into(),
                        c.ta("err-checklist", "detail", &detail),
                    )])
                }
            };
            checklist_page(
                &state,
                &c,
                &key,
                None,
                errors,
                Some((f.title.clone(), f.questions.clone())),
                false,
            )
            .await
        }
        Err(e) => Err(c.fail(e)),
    }
}

// The agreement page's part.

/// What the agreement page shows of its follow-ups.
pub struct AgreementFollowUps {
    pub items: Vec<(FollowUp, String, String)>,
    pub may_talk: bool,
    pub today: String,
}

/// The agreement's follow-ups (kind and state in words) and whether the
/// actor may set a development talk.
pub async fn for_agreement(
    state: &AppState,
    c: &Ctx,
    actor: &Actor,
    g: &Agreement,
) -> AgreementFollowUps {
    let items = state
        .core
        .followup
        .followups(
            actor,
            &FollowUpQuery {
                agreement: Some(g.id),
                ..Default::default()
            },
            Paging {
                limit: 50,
                offset: 0,
            },
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            let (k, s) = (c.t(&kind_key(&f.kind)), c.t(&state_key(&f.state)));
            (f, k, s)
        })
        .collect();
    AgreementFollowUps {
        items,
        may_talk: state.core.agreements.may_schedule_talk_for(actor, g).await,
        today: state.core.today().to_string(),
    }
}

#[derive(Deserialize)]
pub struct TalkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
}

pub async fn development_talk(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<TalkForm>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let id = id_of(&c, &id, "agreement")?;
    state
        .core
        .agreements
        .check_development_talk(&actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    let date = parse_date("date", &f.date).map_err(|e| c.fail(e))?;
    let t = state
        .core
        .agreements
        .schedule_development_talk(&actor, id, date)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to(&format!("/uppfoljningar/{}", t.id)).into_response())
}
