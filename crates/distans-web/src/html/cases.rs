//! Pages of the agreements issue: the policy, applying, deciding, the
//! agreement and its signatures, temporary decisions, notifications.

use crate::notices::{shown, ShownNotice};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use distans_core::agreements::rules as agreement;
use distans_core::agreements::{Agreement, AgreementState};
use distans_core::cases::RequestPreview;
use distans_core::cases::{Decision, RemoteRequest, RequestState};
use distans_core::kernel::dates::Weekday;
use distans_core::kernel::{Page, Paging, Role};
use distans_core::policy::PolicyView;
use distans_core::policy::{PolicyRules, PolicyVersion, Prerequisite, RequestInput};
use distans_core::temporary::TemporaryDecision;
use distans_core::temporary::TemporaryDecisionInput;
use distans_core::CoreError;
use uuid::Uuid;

use super::ctx::{get, id_of, Pairs};
use super::ctx::{render, FormErrors};
use super::{Ctx, HtmlError};
use crate::AppState;

fn all(f: &Pairs, k: &str) -> Vec<String> {
    f.iter()
        .filter(|(a, _)| a == k)
        .map(|(_, v)| v.clone())
        .collect()
}

fn status_400(mut r: Response) -> Response {
    *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    r
}

pub fn weekday_name(c: &Ctx, w: &Weekday) -> String {
    c.t(&format!("weekday-{}", w.as_str()))
}

// The policy.

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage<'a> {
    c: &'a Ctx,
    p: PolicyView,
    versions: Vec<PolicyVersion>,
}

pub async fn policy_page(State(state): State<AppState>, mut c: Ctx) -> Result<Response, HtmlError> {
    c.nav = "policy";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let p = state
        .core
        .policy
        .policy(&actor, None, None)
        .await
        .map_err(|e| c.fail(e))?;
    let versions = state
        .core
        .policy
        .policy_versions(&actor)
        .await
        .map_err(|e| c.fail(e))?;
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

pub async fn policy_form(State(state): State<AppState>, mut c: Ctx) -> Result<Response, HtmlError> {
    c.nav = "policy";
    let actor = c.actor()?.clone();
    if !actor.has(Role::Hr) {
        return Err(c.fail(CoreError::forbidden("HR only")));
    }
    c.ensure_csrf().await?;
    let p = state
        .core
        .policy
        .policy(&actor, None, None)
        .await
        .map_err(|e| c.fail(e))?;
    let prerequisites = prerequisites_text(&p.policy.rules.prerequisites);
    render(
        &c,
        &PolicyForm {
            c: &c,
            rules: p.policy.rules,
            valid_from: state.core.today().to_string(),
            prerequisites,
            errors: FormErrors::default(),
        },
    )
}

fn num<T: std::str::FromStr>(f: &Pairs, k: &str) -> Result<T, CoreError> {
    get(f, k)
        .trim()
        .parse::<T>()
        .map_err(|_| CoreError::invalid(k, "must be a whole number"))
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
        manager_limit_days: num(f, "manager_limit_days")?,
        max_days_per_week: num(f, "max_days_per_week")?,
        agreement_required: get(f, "agreement_required") == "on",
        prerequisites,
        secrecy_tasks: get(f, "secrecy_tasks")
            .split(',')
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .collect(),
        presence_requirements: get(f, "presence_requirements").trim().to_string(),
        follow_up_interval_months: num(f, "follow_up_interval_months")?,
        notice_period_days: num(f, "notice_period_days")?,
        extra_aids_above_days: num(f, "extra_aids_above_days")?,
        occasional_days_per_week: if occasional.is_empty() {
            None
        } else {
            Some(num(f, "occasional_days_per_week")?)
        },
        unit_overrides: keep.unit_overrides.clone(),
        // Deviations.
        security_deviation_roles: all(f, "security_deviation_roles"),
        deviation_reporter_anonymity: get(f, "deviation_reporter_anonymity") == "on",
    })
}

pub async fn policy_submit(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "policy";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let current = state
        .core
        .policy
        .policy(&actor, None, None)
        .await
        .map_err(|e| c.fail(e))?;
    let result = match parse_policy_form(&f, &current.policy.rules) {
        Ok(rules) => {
            match distans_core::kernel::dates::parse_date("valid_from", get(&f, "valid_from")) {
                Ok(from) => state
                    .core
                    .policy
                    .add_policy_version(&actor, rules.clone(), from)
                    .await
                    .map(|_| ())
                    .map_err(|e| (e, rules)),
                Err(e) => Err((e, rules)),
            }
        }
        Err(e) => Err((e, current.policy.rules.clone())),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/distanspolicy").into_response()),
        Err((e @ (CoreError::Forbidden(_) | CoreError::Internal(_)), _)) => Err(c.fail(e)),
        Err((e, rules)) => {
            let errors = FormErrors::from_core(&c, "policy", &e);
            let page = PolicyForm {
                c: &c,
                rules,
                valid_from: get(&f, "valid_from").into(),
                prerequisites: get(&f, "prerequisites").into(),
                errors,
            };
            Ok(status_400(render(&c, &page)?))
        }
    }
}

#[derive(Template)]
#[template(path = "template_form.html")]
struct TemplateForm<'a> {
    c: &'a Ctx,
    version: i64,
    text: String,
    errors: FormErrors,
    saved: bool,
}

impl TemplateForm<'_> {
    fn placeholders(&self) -> Vec<String> {
        agreement::PLACEHOLDERS
            .iter()
            .map(|p| format!("{{{}}}", p.0))
            .collect()
    }
}

pub async fn template_form(
    State(state): State<AppState>,
    mut c: Ctx,
) -> Result<Response, HtmlError> {
    c.nav = "policy";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let (version, text) = state
        .core
        .agreements
        .agreement_template(&actor)
        .await
        .map_err(|e| c.fail(e))?;
    render(
        &c,
        &TemplateForm {
            c: &c,
            version,
            text,
            errors: FormErrors::default(),
            saved: false,
        },
    )
}

pub async fn template_submit(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "policy";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let expected: i64 = get(&f, "version").parse().unwrap_or(-1);
    match state
        .core
        .agreements
        .set_agreement_template(&actor, get(&f, "text"), expected)
        .await
    {
        Ok(version) => render(
            &c,
            &TemplateForm {
                c: &c,
                version,
                text: get(&f, "text").replace("\r\n", "\n"),
                errors: FormErrors::default(),
                saved: true,
            },
        ),
        Err(e @ (CoreError::Forbidden(_) | CoreError::Internal(_))) => Err(c.fail(e)),
        Err(e) => {
            let errors = FormErrors::from_core(&c, "template", &e);
            Ok(status_400(render(
                &c,
                &TemplateForm {
                    c: &c,
                    version: expected,
                    text: get(&f, "text").into(),
                    errors,
                    saved: false,
                },
            )?))
        }
    }
}

// Requests.

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsPage<'a> {
    c: &'a Ctx,
    mine: Vec<RemoteRequest>,
    to_decide: Vec<RemoteRequest>,
    to_sign: Vec<Agreement>,
    agreements: Vec<Agreement>,
}

pub fn state_name(c: &Ctx, s: &RequestState) -> String {
    c.t(&format!("request-state-{}", s.as_str()))
}

pub fn agreement_state_name(c: &Ctx, s: &AgreementState) -> String {
    c.t(&format!("agreement-state-{}", s.as_str()))
}

impl RequestsPage<'_> {
    fn state(&self, s: &RequestState) -> String {
        state_name(self.c, s)
    }
    fn gstate(&self, s: &AgreementState) -> String {
        agreement_state_name(self.c, s)
    }
}

pub async fn requests_page(
    State(state): State<AppState>,
    mut c: Ctx,
) -> Result<Response, HtmlError> {
    c.nav = "requests";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let core = &state.core;
    let mine = core
        .cases
        .requests(
            &actor,
            None,
            true,
            Paging {
                limit: 50,
                offset: 0,
            },
        )
        .await
        .map_err(|e| c.fail(e))?
        .items;
    let to_decide = core
        .cases
        .requests_to_decide(&actor)
        .await
        .map_err(|e| c.fail(e))?;
    let to_sign = core
        .agreements
        .agreements_to_sign(&actor)
        .await
        .map_err(|e| c.fail(e))?;
    let agreements = core
        .agreements
        .agreements_of(&actor, actor.person_id)
        .await
        .map_err(|e| c.fail(e))?;
    render(
        &c,
        &RequestsPage {
            c: &c,
            mine,
            to_decide,
            to_sign,
            agreements,
        },
    )
}

/// The request form's values, as typed.
#[derive(Debug, Clone, Default)]
pub struct RequestFormValues {
    pub days_per_week: String,
    pub weekdays: Vec<String>,
    pub start: String,
    pub end: String,
    pub place: String,
    pub place_address: String,
    pub reason: String,
    pub confirmations: Vec<String>,
}

impl RequestFormValues {
    fn from_pairs(f: &Pairs) -> Self {
        RequestFormValues {
            days_per_week: get(f, "days_per_week").into(),
            weekdays: all(f, "weekdays"),
            start: get(f, "start").into(),
            end: get(f, "end").into(),
            place: get(f, "place").into(),
            place_address: get(f, "place_address").into(),
            reason: get(f, "reason").into(),
            confirmations: all(f, "confirmations"),
        }
    }
    fn from_request(r: &RemoteRequest) -> Self {
        let a = &r.arrangement;
        RequestFormValues {
            days_per_week: a.days_per_week.to_string(),
            weekdays: a.weekdays.iter().map(|w| w.as_str().to_string()).collect(),
            start: a.start.to_string(),
            end: a.end.map(|e| e.to_string()).unwrap_or_default(),
            place: if a.place == distans_core::policy::Place::Other {
                "other".into()
            } else {
                "home".into()
            },
            place_address: a.place_address.clone().unwrap_or_default(),
            reason: a.reason.clone(),
            confirmations: a.confirmations.clone(),
        }
    }
    fn input(&self) -> RequestInput {
        RequestInput {
            days_per_week: self.days_per_week.trim().parse().ok(),
            weekdays: self.weekdays.clone(),
            start: Some(self.start.clone()).filter(|s| !s.is_empty()),
            end: Some(self.end.clone()).filter(|s| !s.is_empty()),
            place: Some(self.place.clone()).filter(|s| !s.is_empty()),
            place_address: Some(self.place_address.clone()).filter(|s| !s.is_empty()),
            reason: self.reason.clone(),
            confirmations: self.confirmations.clone(),
        }
    }
    pub fn has_weekday(&self, w: &str) -> bool {
        self.weekdays.iter().any(|x| x == w)
    }
    pub fn confirmed(&self, k: &str) -> bool {
        self.confirmations.iter().any(|x| x == k)
    }
    pub fn days_is(&self, d: &u8) -> bool {
        self.days_per_week == d.to_string()
    }
}

#[derive(Template)]
#[template(path = "request_form.html")]
struct RequestForm<'a> {
    c: &'a Ctx,
    v: RequestFormValues,
    policy: PolicyView,
    errors: FormErrors,
    /// Where the form posts: new, or changing request `id`.
    action: String,
    weekdays: Vec<Weekday>,
}

impl RequestForm<'_> {
    fn wd(&self, w: &Weekday) -> String {
        weekday_name(self.c, w)
    }
    fn limit(&self) -> i64 {
        self.policy.effective.manager_limit_days as i64
    }
    fn days(&self) -> Vec<u8> {
        (1..=self.policy.effective.max_days_per_week).collect()
    }
}

async fn request_form_page(
    state: &AppState,
    c: &Ctx,
    v: RequestFormValues,
    errors: FormErrors,
    action: String,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?;
    let policy = state
        .core
        .policy
        .policy(actor, None, None)
        .await
        .map_err(|e| c.fail(e))?;
    let r = render(
        c,
        &RequestForm {
            c,
            v,
            policy,
            errors: errors.clone(),
            action,
            weekdays: Weekday::ALL.to_vec(),
        },
    )?;
    Ok(if errors.is_empty() { r } else { status_400(r) })
}

pub async fn request_new(State(state): State<AppState>, mut c: Ctx) -> Result<Response, HtmlError> {
    c.nav = "requests";
    c.actor()?;
    c.ensure_csrf().await?;
    let v = RequestFormValues {
        days_per_week: "1".into(),
        place: "home".into(),
        start: (state.core.today() + time::Duration::days(14)).to_string(),
        ..Default::default()
    };
    request_form_page(
        &state,
        &c,
        v,
        FormErrors::default(),
        "/ansokningar/ny".into(),
    )
    .await
}

#[derive(Template)]
#[template(path = "request_check.html")]
struct RequestCheck<'a> {
    c: &'a Ctx,
    v: RequestFormValues,
    preview: RequestPreview,
    hidden: Vec<(String, String)>,
}

impl RequestCheck<'_> {
    fn weekdays_text(&self) -> String {
        let w: Vec<String> = self
            .v
            .weekdays
            .iter()
            .filter_map(|w| Weekday::parse(w).ok())
            .map(|w| weekday_name(self.c, &w))
            .collect();
        if w.is_empty() {
            self.c.t("weekdays-floating")
        } else {
            w.join(", ")
        }
    }
}

fn hidden_fields(v: &RequestFormValues) -> Vec<(String, String)> {
    let mut h = vec![
        ("days_per_week".to_string(), v.days_per_week.clone()),
        ("start".into(), v.start.clone()),
        ("end".into(), v.end.clone()),
        ("place".into(), v.place.clone()),
        ("place_address".into(), v.place_address.clone()),
        ("reason".into(), v.reason.clone()),
    ];
    h.extend(
        v.weekdays
            .iter()
            .map(|w| ("weekdays".to_string(), w.clone())),
    );
    h.extend(
        v.confirmations
            .iter()
            .map(|w| ("confirmations".to_string(), w.clone())),
    );
    h
}

/// Step 1: check the answers against the policy and show who decides.
pub async fn request_check(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "requests";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let v = RequestFormValues::from_pairs(&f);
    if get(&f, "edit") == "1" {
        return request_form_page(
            &state,
            &c,
            v,
            FormErrors::default(),
            "/ansokningar/ny".into(),
        )
        .await;
    }
    match state.core.cases.preview_request(&actor, &v.input()).await {
        Ok(preview) => {
            let hidden = hidden_fields(&v);
            render(
                &c,
                &RequestCheck {
                    c: &c,
                    v,
                    preview,
                    hidden,
                },
            )
        }
        Err(e @ (CoreError::Invalid { .. } | CoreError::Rule { .. })) => {
            let errors = FormErrors::from_core(&c, "request", &e);
            request_form_page(&state, &c, v, errors, "/ansokningar/ny".into()).await
        }
        Err(e) => Err(c.fail(e)),
    }
}

/// Step 2: send it.
pub async fn request_send(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "requests";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let v = RequestFormValues::from_pairs(&f);
    match state.core.cases.submit_request(&actor, &v.input()).await {
        Ok(r) => Ok(Redirect::to(&format!("/ansokningar/{}", r.id)).into_response()),
        Err(e @ (CoreError::Invalid { .. } | CoreError::Rule { .. })) => {
            let errors = FormErrors::from_core(&c, "request", &e);
            request_form_page(&state, &c, v, errors, "/ansokningar/ny".into()).await
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage<'a> {
    c: &'a Ctx,
    r: RemoteRequest,
    may_decide: bool,
    is_mine: bool,
    errors: FormErrors,
}

impl RequestPage<'_> {
    fn state(&self) -> String {
        state_name(self.c, &self.r.state)
    }
    fn weekdays_text(&self) -> String {
        let w: Vec<String> = self
            .r
            .arrangement
            .weekdays
            .iter()
            .map(|w| weekday_name(self.c, w))
            .collect();
        if w.is_empty() {
            self.c.t("weekdays-floating")
        } else {
            w.join(", ")
        }
    }
    fn when(&self, t: &time::OffsetDateTime) -> String {
        let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
        t.format(&f).unwrap_or_default()
    }
    fn event(&self, k: &str) -> String {
        self.c.t(&format!("event-{k}"))
    }
}

async fn request_page_with(
    state: &AppState,
    c: &Ctx,
    id: Uuid,
    errors: FormErrors,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?;
    let r = state
        .core
        .cases
        .request(actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    let may_decide = state.core.cases.may_decide(actor, &r);
    let is_mine = r.person.id == actor.person_id;
    let resp = render(
        c,
        &RequestPage {
            c,
            r,
            may_decide,
            is_mine,
            errors: errors.clone(),
        },
    )?;
    Ok(if errors.is_empty() {
        resp
    } else {
        status_400(resp)
    })
}

pub async fn request_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
) -> Result<Response, HtmlError> {
    c.nav = "requests";
    c.actor()?;
    c.ensure_csrf().await?;
    let id = id_of(&c, &id, "request")?;
    request_page_with(&state, &c, id, FormErrors::default()).await
}

pub async fn request_decide(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "requests";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "request")?;
    let decision = match get(&f, "decision") {
        "approve" => Some(Decision::Approve),
        "decline" => Some(Decision::Decline),
        "changes" => Some(Decision::Changes),
        _ => None,
    };
    let Some(decision) = decision else {
        return request_page_with(
            &state,
            &c,
            id,
            FormErrors(vec![("decision".into(), c.t("err-decision-decision"))]),
        )
        .await;
    };
    let version = get(&f, "version").parse::<i64>().ok();
    match state
        .core
        .cases
        .decide_with(
            &actor,
            id,
            decision,
            Some(get(&f, "reason")),
            version,
            get(&f, "allow_gap") == "1",
        )
        .await
    {
        Ok(r) => match r.agreement_id {
            Some(g) => Ok(Redirect::to(&format!("/overenskommelser/{g}")).into_response()),
            None => Ok(Redirect::to(&format!("/ansokningar/{id}")).into_response()),
        },
        Err(e @ CoreError::Invalid { .. }) => {
            request_page_with(&state, &c, id, FormErrors::from_core(&c, "decision", &e)).await
        }
        Err(CoreError::CoverageGap { gaps, .. }) => {
            let lines: Vec<String> = gaps
                .iter()
                .map(|g| super::plan::describe_gap(&c, g))
                .collect();
            let message = format!("{} {}", c.t("plan-gap-warning"), lines.join(" "));
            request_page_with(
                &state,
                &c,
                id,
                FormErrors(vec![("allow_gap".into(), message)]),
            )
            .await
        }
        Err(e) => Err(c.fail(e)),
    }
}

pub async fn request_edit(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
) -> Result<Response, HtmlError> {
    c.nav = "requests";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let id = id_of(&c, &id, "request")?;
    let r = state
        .core
        .cases
        .request(&actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    request_form_page(
        &state,
        &c,
        RequestFormValues::from_request(&r),
        FormErrors::default(),
        format!("/ansokningar/{id}/andra"),
    )
    .await
}

pub async fn request_resubmit(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "requests";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "request")?;
    let v = RequestFormValues::from_pairs(&f);
    match state
        .core
        .cases
        .resubmit_request(&actor, id, &v.input(), None)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/ansokningar/{id}")).into_response()),
        Err(e @ (CoreError::Invalid { .. } | CoreError::Rule { .. })) => {
            let errors = FormErrors::from_core(&c, "request", &e);
            request_form_page(&state, &c, v, errors, format!("/ansokningar/{id}/andra")).await
        }
        Err(e) => Err(c.fail(e)),
    }
}

/// A form button that does one thing to one thing: checks the CSRF token
/// and the id, does it, and goes back to the thing's page.
async fn act<T, F, Fut>(
    c: &Ctx,
    f: &Pairs,
    id: &str,
    what: &'static str,
    page: &str,
    action: F,
) -> Result<Response, HtmlError>
where
    F: FnOnce(distans_core::kernel::Actor, Uuid) -> Fut,
    Fut: std::future::Future<Output = Result<T, CoreError>>,
{
    let actor = c.actor()?.clone();
    c.check_csrf(get(f, "csrf"))?;
    let id = id_of(c, id, what)?;
    action(actor, id).await.map_err(|e| c.fail(e))?;
    Ok(Redirect::to(&format!("{page}/{id}")).into_response())
}

pub async fn request_withdraw(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    act(
        &c,
        &f,
        &id,
        "request",
        "/ansokningar",
        |actor, id| async move { state.core.cases.withdraw_request(&actor, id).await },
    )
    .await
}

// Agreements.

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementPage<'a> {
    c: &'a Ctx,
    g: Agreement,
    sections: Vec<(String, Vec<String>)>,
    may_sign: bool,
    may_end: bool,
    may_send: bool,
    // Follow-ups.
    fu: super::followups::AgreementFollowUps,
}

impl AgreementPage<'_> {
    fn state(&self) -> String {
        agreement_state_name(self.c, &self.g.state)
    }
    fn signed(&self, t: &Option<time::OffsetDateTime>) -> String {
        let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
        match t {
            Some(t) => self
                .c
                .ta("signed-at", "time", &t.format(&f).unwrap_or_default()),
            None => self.c.t("not-signed"),
        }
    }
}

pub async fn agreement_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
) -> Result<Response, HtmlError> {
    c.nav = "requests";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let id = id_of(&c, &id, "agreement")?;
    let g = state
        .core
        .agreements
        .agreement(&actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    let me = actor.person_id;
    let may_sign = g.state == AgreementState::AwaitingSignatures
        && ((me == g.person_id && g.employee_signed_at.is_none())
            || (me == g.decider_id && g.decider_signed_at.is_none()));
    let may_end = matches!(
        g.state,
        AgreementState::Active | AgreementState::AwaitingSignatures
    ) && g.ends_on.is_none()
        && (me == g.person_id || me == g.decider_id || actor.has(Role::Hr));
    let may_send = g.state == AgreementState::Draft
        && me != g.person_id
        && (me == g.decider_id || actor.has(Role::Hr));
    let sections = agreement::sections(&g.text);
    let fu = super::followups::for_agreement(&state, &c, &actor, &g).await;
    render(
        &c,
        &AgreementPage {
            c: &c,
            g,
            sections,
            may_sign,
            may_end,
            may_send,
            fu,
        },
    )
}

pub async fn agreement_send(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    let text = get(&f, "text").to_string();
    act(
        &c,
        &f,
        &id,
        "agreement",
        "/overenskommelser",
        |actor, id| async move {
            state
                .core
                .agreements
                .send_agreement(
                    &actor,
                    id,
                    Some(text.as_str()).filter(|t| !t.trim().is_empty()),
                )
                .await
        },
    )
    .await
}

pub async fn agreement_sign(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    act(
        &c,
        &f,
        &id,
        "agreement",
        "/overenskommelser",
        |actor, id| async move { state.core.agreements.sign_agreement(&actor, id).await },
    )
    .await
}

pub async fn agreement_end(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    let reason = get(&f, "reason").to_string();
    act(
        &c,
        &f,
        &id,
        "agreement",
        "/overenskommelser",
        |actor, id| async move {
            state
                .core
                .agreements
                .end_agreement(&actor, id, Some(reason.as_str()))
                .await
        },
    )
    .await
}

// Temporary decisions.

#[derive(Template)]
#[template(path = "temporary.html")]
struct TemporaryPage<'a> {
    c: &'a Ctx,
    decisions: Page<TemporaryDecision>,
    may_issue: bool,
    errors: FormErrors,
    v: Pairs,
    checklist: String,
    /// Units that may be chosen as the scope (kommun, förvaltningar, avdelningar).
    units: Vec<distans_core::org::UnitSummary>,
}

impl TemporaryPage<'_> {
    fn unit_chosen(&self, id: &Uuid) -> bool {
        let id = id.to_string();
        self.v.iter().any(|(k, v)| k == "units" && *v == id)
    }
    fn delegate_chosen(&self, id: &Uuid) -> bool {
        let id = id.to_string();
        self.v.iter().any(|(k, v)| k == "delegates" && *v == id)
    }
    fn val(&self, k: &str) -> String {
        get(&self.v, k).to_string()
    }
    fn checked(&self, k: &str) -> bool {
        self.v.is_empty() || get(&self.v, k) == "on"
    }
}

async fn temporary_with(
    state: &AppState,
    c: &Ctx,
    errors: FormErrors,
    v: Pairs,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?;
    let decisions = state
        .core
        .temporary
        .temporary_decisions(
            actor,
            Paging {
                limit: 100,
                offset: 0,
            },
        )
        .await
        .map_err(|e| c.fail(e))?;
    let checklist = if v.is_empty() {
        distans_core::temporary::DEFAULT_CRISIS_CHECKLIST.join("\n")
    } else {
        get(&v, "checklist").to_string()
    };
    let may_issue = actor.has(Role::Hr) || actor.has(Role::Director);
    let units = if may_issue {
        state
            .core
            .org
            .units(
                actor,
                None,
                Some(2),
                Paging {
                    limit: 500,
                    offset: 0,
                },
            )
            .await
            .map_err(|e| c.fail(e))?
            .items
            .into_iter()
            .filter(|u| u.depth > 0)
            .collect()
    } else {
        vec![]
    };
    let page = TemporaryPage {
        c,
        decisions,
        units,
        may_issue,
        errors: errors.clone(),
        v,
        checklist,
    };
    let r = render(c, &page)?;
    Ok(if errors.is_empty() { r } else { status_400(r) })
}

pub async fn temporary_page(
    State(state): State<AppState>,
    mut c: Ctx,
) -> Result<Response, HtmlError> {
    c.nav = "temporary";
    c.actor()?;
    c.ensure_csrf().await?;
    temporary_with(&state, &c, FormErrors::default(), vec![]).await
}

pub async fn temporary_issue(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "temporary";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let input = TemporaryDecisionInput {
        title: get(&f, "title").into(),
        description: get(&f, "description").into(),
        start: get(&f, "start").into(),
        end: get(&f, "end").into(),
        units: all(&f, "units")
            .into_iter()
            .filter(|u| !u.is_empty())
            .collect(),
        max_remote_days: get(&f, "max_remote_days").parse().ok(),
        without_agreement: get(&f, "without_agreement") == "on",
        tasks_must_allow: get(&f, "tasks_must_allow") == "on",
        delegates: all(&f, "delegates")
            .into_iter()
            .filter(|u| !u.is_empty())
            .collect(),
        checklist: Some(get(&f, "checklist").lines().map(str::to_string).collect()),
    };
    match state
        .core
        .temporary
        .issue_temporary_decision(&actor, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to("/tillfalliga-beslut").into_response()),
        Err(e @ CoreError::Invalid { .. }) => {
            let errors = FormErrors::from_core(&c, "temporary", &e);
            temporary_with(&state, &c, errors, f).await
        }
        Err(e) => Err(c.fail(e)),
    }
}

// Notifications.

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage<'a> {
    c: &'a Ctx,
    items: Vec<ShownNotice>,
}

impl NotificationsPage<'_> {
    fn when(&self, t: &time::OffsetDateTime) -> String {
        let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
        t.format(&f).unwrap_or_default()
    }
}

pub async fn notifications_page(
    State(state): State<AppState>,
    mut c: Ctx,
) -> Result<Response, HtmlError> {
    c.nav = "notifications";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let items = state
        .core
        .notify
        .notifications(
            &actor,
            Paging {
                limit: 100,
                offset: 0,
            },
        )
        .await
        .map_err(|e| c.fail(e))?
        .items
        .iter()
        .map(|n| shown(n, c.lang))
        .collect();
    render(&c, &NotificationsPage { c: &c, items })
}

pub async fn notifications_read(
    State(state): State<AppState>,
    c: Ctx,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    state
        .core
        .notify
        .mark_notifications_read(&actor)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to("/notiser").into_response())
}

/// HR sets a unit's own rules from the unit's page.
pub async fn unit_policy_submit(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "unit")?;
    let opt = |k: &str| -> Result<Option<u8>, HtmlError> {
        match get(&f, k).trim() {
            "" => Ok(None),
            v => v
                .parse::<u8>()
                .map(Some)
                .map_err(|_| c.fail(CoreError::invalid(k, "must be a whole number"))),
        }
    };
    let o = distans_core::policy::UnitOverride {
        unit_id: id,
        manager_limit_days: opt("manager_limit_days")?,
        max_days_per_week: opt("max_days_per_week")?,
        presence_requirements: Some(get(&f, "presence_requirements").trim().to_string()),
    };
    state
        .core
        .policy
        .set_unit_override(&actor, id, Some(o))
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to(&format!("/enheter/{id}#unit-policy")).into_response())
}
