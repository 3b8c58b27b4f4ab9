//! One follow-up: its checklist form for the employee and the manager, and
//! the forms of its actions.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Form;
use distans_core::followup::checklist::{self, Question, QuestionType};
use distans_core::followup::{
    ActionState, AnswersInput, Confirmation, FollowUp, FollowUpAction, FollowUpDetail,
};
use distans_core::kernel::dates::parse_date;
use distans_core::kernel::{Actor, PersonRef};
use distans_core::CoreError;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::{kind_key, state_key};
use crate::html::ctx::{render, OrPage};
use crate::html::form::{get, id_of, redirect, with_status, FormErrors, Pairs};
use crate::html::{minute, Ctx, Reply};

fn confirmed_text(c: &Ctx, who: &Option<Confirmation>) -> String {
    match who {
        Some(x) => format!("{} ({})", x.by.name, minute(&x.at)),
        None => c.t("followup-not-confirmed"),
    }
}

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
    fn is_date(&self, q: &Question) -> bool {
        q.kind == QuestionType::Date
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

/// The follow-up's page: its form with `values` as sent (else as stored)
/// and `errors`, answered with `status`.
async fn followup_page(
    c: &Ctx,
    id: Uuid,
    values: Option<Values>,
    errors: FormErrors,
    status: StatusCode,
) -> Reply {
    let actor = c.actor()?.clone();
    let followup = &c.core().followup;
    let d = followup.followup(&actor, id.into()).await.or_page(c)?;
    let may_answer = d.party.is_some() && d.followup.state.is_open();
    let may_handle =
        |x: &FollowUpAction| x.state == ActionState::Open && followup.may_handle_action(&actor, x);
    let actions = d
        .actions
        .iter()
        .map(|x| (x.clone(), may_handle(x), owner_choices(&actor, &d, x)))
        .collect();
    let v = values.unwrap_or_else(|| Values::of(&d.followup));
    let page = FollowUpPage {
        c,
        d,
        v,
        errors,
        may_answer,
        actions,
    };
    Ok(with_status(render(c, &page)?, status))
}

pub async fn followup_get(mut c: Ctx, Path(id): Path<String>) -> Reply {
    c.page("followups").await?;
    let id = id_of(&c, &id, "follow-up")?;
    followup_page(&c, id, None, FormErrors::default(), StatusCode::OK).await
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

/// What was wrong with the answers, at the question it concerns.
fn answer_errors(c: &Ctx, e: &CoreError) -> FormErrors {
    let field = e.field().unwrap_or("form").to_string();
    let key = if field.starts_with("comments.") {
        "err-followup-comment"
    } else {
        "err-followup-answer"
    };
    let field = field.replace("comments.", "answers.");
    FormErrors(vec![(field, c.t(key))])
}

pub async fn followup_post(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "followups";
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "follow-up")?;
    let v = answers_of(&f);
    let answers = v.answers.iter();
    let input = AnswersInput {
        answers: answers
            .map(|(k, x)| (k.clone(), Value::from(x.clone())))
            .collect(),
        comments: v.comments.clone(),
        complete: get(&f, "complete") == "1",
        version: Some(v.version),
    };
    let answered = c.core().followup.answer_followup(&actor, id.into(), &input);
    let (values, errors, status) = match answered.await {
        Ok(_) => return redirect(&format!("/uppfoljningar/{id}?sparad=1")),
        Err(e @ CoreError::Invalid { .. }) => {
            (Some(v), answer_errors(&c, &e), StatusCode::BAD_REQUEST)
        }
        Err(CoreError::Conflict(_)) => {
            // Show what is stored now, with the reason.
            let errors = FormErrors(vec![("form".into(), c.t("followup-conflict"))]);
            (None, errors, StatusCode::CONFLICT)
        }
        Err(e) => return Err(c.fail(e)),
    };
    followup_page(&c, id, values, errors, status).await
}

/// An action's form sent: back to its follow-up; when the core finds what
/// was sent invalid, the follow-up again with the text `key` at the
/// action's field `field`.
async fn action_answer(
    c: &Ctx,
    actor: &Actor,
    id: Uuid,
    result: Result<FollowUpAction, CoreError>,
    (field, key): (&str, &str),
) -> Reply {
    match result {
        Ok(x) => redirect(&format!("/uppfoljningar/{}", x.followup_id)),
        Err(e @ CoreError::Invalid { .. }) => {
            let Ok(x) = c.core().followup.visible_action(actor, id.into()).await else {
                return Err(c.fail(e));
            };
            let errors = FormErrors(vec![(format!("{field}-{id}"), c.t(key))]);
            let bad = StatusCode::BAD_REQUEST;
            followup_page(c, x.followup_id.into(), None, errors, bad).await
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

pub async fn action_close(mut c: Ctx, Path(id): Path<String>, Form(f): Form<CloseForm>) -> Reply {
    c.nav = "followups";
    let actor = c.posted(&f.csrf)?;
    let id = id_of(&c, &id, "action")?;
    let result = c
        .core()
        .followup
        .close_action(&actor, id.into(), &f.note)
        .await;
    let note = ("note", "err-action-note");
    action_answer(&c, &actor, id, result, note).await
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

pub async fn action_update(mut c: Ctx, Path(id): Path<String>, Form(f): Form<ActionForm>) -> Reply {
    c.nav = "followups";
    let actor = c.posted(&f.csrf)?;
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
            let followup = &c.core().followup;
            followup
                .update_action(&actor, id.into(), owner.map(Into::into), due)
                .await
        }
        Err(e) => Err(e),
    };
    let due = ("due", "err-action-due");
    action_answer(&c, &actor, id, result, due).await
}
