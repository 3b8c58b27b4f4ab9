//! Applying for remote work: one's requests and what waits for a decision
//! or a signature, the request form, checking it against the policy, sending
//! it, changing it when asked to, withdrawing it.

use askama::Template;
use axum::extract::Path;
use axum::Form;
use distans_core::agreements::{Agreement, AgreementState};
use distans_core::cases::{RemoteRequest, RequestPreview, RequestState};
use distans_core::kernel::dates::{plus_days_clamped, Weekday};
use distans_core::policy::{Place, PolicyView, RequestInput};
use distans_core::CoreError;

use super::{agreement_state_name, state_name, weekday_name, weekdays_text};
use crate::html::ctx::{render, OrPage};
use crate::html::form::{act, all, answer, get, id_of, invalid_or_rule, redirect, render_form};
use crate::html::form::{FormErrors, Pairs};
use crate::html::{first, Ctx, Reply};

/// Where the form for a new request posts.
const NEW: &str = "/ansokningar/ny";

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsPage<'a> {
    c: &'a Ctx,
    mine: Vec<RemoteRequest>,
    to_decide: Vec<RemoteRequest>,
    to_sign: Vec<Agreement>,
    agreements: Vec<Agreement>,
}

impl RequestsPage<'_> {
    fn state(&self, s: &RequestState) -> String {
        state_name(self.c, s)
    }
    fn gstate(&self, s: &AgreementState) -> String {
        agreement_state_name(self.c, s)
    }
}

pub async fn requests_page(mut c: Ctx) -> Reply {
    let actor = c.page("requests").await?;
    let core = c.core();
    let mine = core.cases.requests(&actor, None, true, first(50));
    let mine = mine.await.or_page(&c)?.items;
    let (to_decide, to_sign) = super::waiting(&c, &actor).await?;
    let page = RequestsPage {
        c: &c,
        mine,
        to_decide,
        to_sign,
        agreements: core
            .agreements
            .agreements_of(&actor, actor.person_id)
            .await
            .or_page(&c)?,
    };
    render(&c, &page)
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
            days_per_week: a.terms.days_per_week().to_string(),
            weekdays: a
                .terms
                .weekdays()
                .iter()
                .map(|w| w.as_str().to_string())
                .collect(),
            start: a.terms.start().to_string(),
            end: a.terms.end().map(|e| e.to_string()).unwrap_or_default(),
            place: if a.terms.place() == Place::Other {
                "other".into()
            } else {
                "home".into()
            },
            place_address: a.terms.place_address().unwrap_or_default().to_string(),
            reason: a.reason.clone(),
            confirmations: a.confirmations.clone(),
        }
    }
    fn input(&self) -> RequestInput {
        let given = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
        RequestInput {
            days_per_week: self.days_per_week.trim().parse().ok(),
            weekdays: self.weekdays.clone(),
            start: given(&self.start),
            end: given(&self.end),
            place: given(&self.place),
            place_address: given(&self.place_address),
            reason: self.reason.clone(),
            confirmations: self.confirmations.clone(),
        }
    }
    /// The values as hidden fields, for the check page to send on.
    fn hidden(&self) -> Vec<(String, String)> {
        let mut h = vec![
            ("days_per_week".to_string(), self.days_per_week.clone()),
            ("start".into(), self.start.clone()),
            ("end".into(), self.end.clone()),
            ("place".into(), self.place.clone()),
            ("place_address".into(), self.place_address.clone()),
            ("reason".into(), self.reason.clone()),
        ];
        for (name, values) in [
            ("weekdays", &self.weekdays),
            ("confirmations", &self.confirmations),
        ] {
            h.extend(values.iter().map(|v| (name.to_string(), v.clone())));
        }
        h
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
    c: &Ctx,
    v: RequestFormValues,
    errors: FormErrors,
    action: String,
) -> Reply {
    let actor = c.actor()?;
    let policy = c.core().policy.policy(actor, None, None).await;
    let page = RequestForm {
        c,
        v,
        policy: policy.or_page(c)?,
        errors,
        action,
        weekdays: Weekday::ALL.to_vec(),
    };
    render_form(c, &page, &page.errors)
}

/// The core's answer to a request form: `done` on success; the form again
/// (posting to `action`) at what was wrong; else an error page.
async fn request_answer<T>(
    c: &Ctx,
    v: RequestFormValues,
    action: String,
    result: Result<T, CoreError>,
    done: impl FnOnce(T) -> Reply,
) -> Reply {
    answer(c, result, "request", invalid_or_rule, done, |errors| {
        request_form_page(c, v, errors, action)
    })
    .await
}

pub async fn request_new(mut c: Ctx) -> Reply {
    c.page("requests").await?;
    let v = RequestFormValues {
        days_per_week: "1".into(),
        place: "home".into(),
        start: plus_days_clamped(c.core().today(), 14).to_string(),
        ..Default::default()
    };
    request_form_page(&c, v, FormErrors::default(), NEW.into()).await
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
        let days: Vec<Weekday> = self
            .v
            .weekdays
            .iter()
            .filter_map(|w| Weekday::parse(w).ok())
            .collect();
        weekdays_text(self.c, days.iter())
    }
}

/// Step 1: check the answers against the policy and show who decides.
pub async fn request_check(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "requests";
    let actor = c.posted(get(&f, "csrf"))?;
    let v = RequestFormValues::from_pairs(&f);
    if get(&f, "edit") == "1" {
        return request_form_page(&c, v, FormErrors::default(), NEW.into()).await;
    }
    let result = c.core().cases.preview_request(&actor, &v.input()).await;
    let checked = v.clone();
    request_answer(&c, v, NEW.into(), result, |preview| {
        let page = RequestCheck {
            c: &c,
            hidden: checked.hidden(),
            v: checked,
            preview,
        };
        render(&c, &page)
    })
    .await
}

/// Step 2: send it.
pub async fn request_send(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "requests";
    let actor = c.posted(get(&f, "csrf"))?;
    let v = RequestFormValues::from_pairs(&f);
    let result = c.core().cases.submit_request(&actor, &v.input()).await;
    let sent = |r: RemoteRequest| redirect(&format!("/ansokningar/{}", r.id));
    request_answer(&c, v, NEW.into(), result, sent).await
}

pub async fn request_edit(mut c: Ctx, Path(id): Path<String>) -> Reply {
    let actor = c.page("requests").await?;
    let id = id_of(&c, &id, "request")?;
    let r = c
        .core()
        .cases
        .request(&actor, id.into())
        .await
        .or_page(&c)?;
    let v = RequestFormValues::from_request(&r);
    let action = format!("/ansokningar/{id}/andra");
    request_form_page(&c, v, FormErrors::default(), action).await
}

pub async fn request_resubmit(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "requests";
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "request")?;
    let v = RequestFormValues::from_pairs(&f);
    let cases = &c.core().cases;
    let result = cases
        .resubmit_request(&actor, id.into(), &v.input(), None)
        .await;
    let action = format!("/ansokningar/{id}/andra");
    let changed = |_| redirect(&format!("/ansokningar/{id}"));
    request_answer(&c, v, action, result, changed).await
}

pub async fn request_withdraw(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let cases = &c.core().cases;
    act(
        &c,
        get(&f, "csrf"),
        &id,
        "request",
        |actor, id| async move { cases.withdraw_request(&actor, id.into()).await },
        |id, _| format!("/ansokningar/{id}"),
    )
    .await
}
