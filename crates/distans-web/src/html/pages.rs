//! Page handlers: parse, ask the core, render.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use distans_core::audit::AuditFilter;
use distans_core::audit::{AuditEntry, ChainReport};
use distans_core::identity::ApiToken;
use distans_core::kernel::{Page, Paging, Role};
use distans_core::org::PersonView;
use distans_core::org::{OrgCounts, PersonSummary, UnitDetail, UnitSummary};
use distans_core::CoreError;
use serde::Deserialize;
use uuid::Uuid;

use super::ctx::render;
use super::{Ctx, HtmlError};
use crate::auth;
use crate::i18n::{self, Lang};
use crate::AppState;

const PAGE_SIZE: i64 = 50;

/// Where to go after signing in: only our own paths.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/".into(),
    }
}

fn fmt_time(t: &time::OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.format(&f).unwrap_or_default()
}

/// Page numbers: "page N of M" with previous/next links.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    fn new<T>(p: &Page<T>, page: i64, base: &str) -> Pager {
        let pages = ((p.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let sep = if base.contains('?') { '&' } else { '?' };
        Pager {
            page,
            pages,
            total: p.total,
            prev: (page > 1).then(|| format!("{base}{sep}sida={}", page - 1)),
            next: (page < pages).then(|| format!("{base}{sep}sida={}", page + 1)),
        }
    }
}

fn paging(page: Option<i64>) -> (i64, Paging) {
    let page = page.unwrap_or(1).clamp(1, 100_000);
    (
        page,
        Paging {
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        },
    )
}

// Sign-in.

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    c: &'a Ctx,
    next: String,
    username: String,
    error: Option<(String, String)>,
}

impl LoginPage<'_> {
    fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.0 == field)
    }
    fn error_text(&self) -> String {
        self.error.as_ref().map(|e| e.1.clone()).unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(mut c: Ctx, Query(q): Query<NextQuery>) -> Result<Response, HtmlError> {
    if c.actor.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    c.ensure_csrf().await?;
    render(
        &c,
        &LoginPage {
            c: &c,
            next: safe_next(q.next.as_deref()),
            username: String::new(),
            error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

pub async fn login_submit(
    State(state): State<AppState>,
    mut c: Ctx,
    auth::ClientIp(ip): auth::ClientIp,
    Form(f): Form<LoginForm>,
) -> Result<Response, HtmlError> {
    c.check_csrf(&f.csrf)?;
    let next = safe_next(Some(&f.next));
    match auth::sign_in(&state, &f.username, &f.password, ip).await {
        Ok(person) => {
            let Some(session) = &c.session else {
                return Err(c.fail(CoreError::Internal("no session".into())));
            };
            crate::api::start_session(session, person)
                .await
                .map_err(|e| c.fail(e))?;
            Ok(Redirect::to(&next).into_response())
        }
        Err(e) => {
            let (field, key, status) = match &e {
                CoreError::Invalid { field, .. } if field == "password" => (
                    "password",
                    "login-error-password-missing",
                    StatusCode::BAD_REQUEST,
                ),
                CoreError::Invalid { .. } => (
                    "username",
                    "login-error-username-missing",
                    StatusCode::BAD_REQUEST,
                ),
                CoreError::RateLimited { .. } => (
                    "username",
                    "login-error-rate",
                    StatusCode::TOO_MANY_REQUESTS,
                ),
                CoreError::BadCredentials => {
                    ("username", "login-error-wrong", StatusCode::UNAUTHORIZED)
                }
                _ => return Err(c.fail(e)),
            };
            c.ensure_csrf().await?;
            let page = LoginPage {
                c: &c,
                next,
                username: f.username.clone(),
                error: Some((field.to_string(), c.t(key))),
            };
            let mut resp = render(&c, &page)?;
            *resp.status_mut() = status;
            Ok(resp)
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(c: Ctx, Form(f): Form<CsrfForm>) -> Result<Response, HtmlError> {
    c.check_csrf(&f.csrf)?;
    if let Some(s) = &c.session {
        s.flush()
            .await
            .map_err(|e| c.fail(CoreError::Internal(e.to_string())))?;
    }
    Ok(Redirect::to("/logga-in").into_response())
}

pub async fn set_lang(Path(lang): Path<String>, Query(q): Query<NextQuery>) -> Response {
    let lang = Lang::parse(&lang).unwrap_or(Lang::Sv);
    let mut resp = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        i18n::COOKIE,
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/distans.css"),
    )
        .into_response()
}

pub async fn rotation_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/rotation.js"),
    )
        .into_response()
}

// The start page.

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage<'a> {
    c: &'a Ctx,
    managed: Vec<UnitSummary>,
    counts: Option<OrgCounts>,
    engine: &'static str,
    me: PersonView,
    to_decide: Vec<distans_core::cases::RemoteRequest>,
    to_sign: Vec<distans_core::agreements::Agreement>,
    temporary: Vec<distans_core::temporary::TemporaryDecision>,
    unread: i64,
    // Deviations.
    deviations_awaiting: i64,
}

pub async fn start(State(state): State<AppState>, mut c: Ctx) -> Result<Response, HtmlError> {
    c.nav = "start";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let core = &state.core;
    let mut managed = vec![];
    for m in actor.manages.iter().take(20) {
        if let Ok(u) = core.org.unit(&actor, m.id).await {
            managed.push(u.unit);
        }
    }
    let counts = if actor.has(Role::Hr) || actor.has(Role::Admin) || actor.has(Role::Auditor) {
        Some(core.org.counts(&actor).await.map_err(|e| c.fail(e))?)
    } else {
        None
    };
    let me = core
        .org
        .person(&actor, actor.person_id)
        .await
        .map_err(|e| c.fail(e))?;
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
    let temporary = core
        .temporary
        .temporary_decisions_for_person(actor.person_id)
        .await
        .map_err(|e| c.fail(e))?;
    let unread = core
        .notify
        .unread_notifications(&actor)
        .await
        .map_err(|e| c.fail(e))?;
    render(
        &c,
        &StartPage {
            c: &c,
            managed,
            counts,
            engine: core.system.engine(),
            me,
            to_decide,
            to_sign,
            temporary,
            unread,
            // Deviations.
            deviations_awaiting: core
                .deviations
                .deviations_awaiting(&actor)
                .await
                .map_err(|e| c.fail(e))?,
        },
    )
}

// The organisation.

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage<'a> {
    c: &'a Ctx,
    units: Vec<UnitSummary>,
    more: bool,
}

pub async fn org_tree(State(state): State<AppState>, mut c: Ctx) -> Result<Response, HtmlError> {
    c.nav = "org";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let page = state
        .core
        .org
        .units(
            &actor,
            None,
            Some(2),
            Paging {
                limit: 500,
                offset: 0,
            },
        )
        .await
        .map_err(|e| c.fail(e))?;
    render(
        &c,
        &OrgPage {
            c: &c,
            more: page.next.is_some(),
            units: page.items,
        },
    )
}

#[derive(Deserialize)]
pub struct ListQuery {
    sida: Option<i64>,
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage<'a> {
    c: &'a Ctx,
    policy: distans_core::policy::PolicyView,
    own_rules: Option<distans_core::policy::UnitOverride>,
    unit: UnitDetail,
    people: Option<Page<PersonSummary>>,
    pager: Option<Pager>,
    q: String,
    may_see_plan: bool,
}

pub async fn unit_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "org";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let id = Uuid::parse_str(&id).map_err(|_| c.fail(CoreError::NotFound("unit")))?;
    let unit = state
        .core
        .org
        .unit(&actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    let (page, paging) = paging(q.sida);
    let search = q.q.clone().unwrap_or_default();
    let (people, pager) = if state.core.org.may_list_people(&actor, &unit) {
        let p = state
            .core
            .org
            .people(&actor, Some(id), false, Some(search.as_str()), paging)
            .await
            .map_err(|e| c.fail(e))?;
        let base = if search.is_empty() {
            format!("/enheter/{id}")
        } else {
            format!(
                "/enheter/{id}?{}",
                serde_urlencoded::to_string([("q", search.as_str())]).unwrap_or_default()
            )
        };
        let pager = Pager::new(&p, page, &base);
        (Some(p), Some(pager))
    } else {
        (None, None)
    };
    let policy = state
        .core
        .policy
        .policy(&actor, None, Some(id))
        .await
        .map_err(|e| c.fail(e))?;
    let own_rules = policy
        .policy
        .rules
        .unit_overrides
        .iter()
        .find(|o| o.unit_id == id)
        .cloned();
    render(
        &c,
        &UnitPage {
            c: &c,
            policy,
            own_rules,
            may_see_plan: state.core.coverage.may_read_unit_plan(&actor, &unit),
            unit,
            people,
            pager,
            q: search,
        },
    )
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage<'a> {
    c: &'a Ctx,
    people: Page<PersonSummary>,
    pager: Pager,
    q: String,
}

pub async fn people_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "people";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let (page, paging) = paging(q.sida);
    let search = q.q.clone().unwrap_or_default();
    let people = state
        .core
        .org
        .people(&actor, None, true, Some(search.as_str()), paging)
        .await
        .map_err(|e| c.fail(e))?;
    let base = format!(
        "/personer?{}",
        serde_urlencoded::to_string([("q", search.as_str())]).unwrap_or_default()
    );
    let pager = Pager::new(&people, page, &base);
    render(
        &c,
        &PeoplePage {
            c: &c,
            people,
            pager,
            q: search,
        },
    )
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    c: &'a Ctx,
    p: PersonView,
    agreements: Vec<distans_core::agreements::Agreement>,
    temporary: Vec<distans_core::temporary::TemporaryDecision>,
    // Equipment.
    loans: Option<super::equipment::PersonLoans>,
}

pub async fn person_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.nav = if id == actor.person_id.to_string() {
        "me"
    } else {
        "people"
    };
    c.ensure_csrf().await?;
    let id = Uuid::parse_str(&id).map_err(|_| c.fail(CoreError::NotFound("person")))?;
    let p = state
        .core
        .org
        .person(&actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    // Agreements for those who may see the person's cases; temporary decisions for all who see them.
    let agreements = state
        .core
        .agreements
        .agreements_of(&actor, id)
        .await
        .unwrap_or_default();
    let temporary = state
        .core
        .temporary
        .temporary_decisions_for_person(id)
        .await
        .map_err(|e| c.fail(e))?;
    // Equipment.
    let loans = super::person_loans(&state, &c, id).await?;
    render(
        &c,
        &PersonPage {
            c: &c,
            p,
            agreements,
            temporary,
            loans,
        },
    )
}

impl PersonPage<'_> {
    // Equipment: where the loan forms return to.
    fn loans_back(&self) -> String {
        format!("/personer/{}#person-loans", self.p.id)
    }
    fn gstate(&self, s: &distans_core::agreements::AgreementState) -> String {
        super::cases::agreement_state_name(self.c, s)
    }
    fn commute(&self) -> String {
        match (self.p.commute_km, self.p.commute_mode) {
            (Some(km), Some(m)) => {
                format!("{km} km, {}", self.c.t(&format!("commute-{}", m.as_str())))
            }
            (Some(km), None) => format!("{km} km"),
            _ => "–".into(),
        }
    }
}

// The audit log.

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    entries: Vec<AuditEntry>,
    pager: Pager,
    report: Option<ChainReport>,
}

#[derive(Deserialize)]
pub struct AuditPageQuery {
    sida: Option<i64>,
    kontroll: Option<String>,
}

impl AuditPage<'_> {
    fn when(&self, e: &AuditEntry) -> String {
        fmt_time(&e.at)
    }
    fn short(&self, h: &str) -> String {
        h.chars().take(12).collect()
    }
}

pub async fn audit_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<AuditPageQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "audit";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let (page, paging) = paging(q.sida);
    let entries = state
        .core
        .audit
        .audit(&actor, &AuditFilter::default(), paging)
        .await
        .map_err(|e| c.fail(e))?;
    let report = if q.kontroll.is_some() {
        Some(
            state
                .core
                .audit
                .verify_audit(Some(&actor))
                .await
                .map_err(|e| c.fail(e))?,
        )
    } else {
        None
    };
    let pager = Pager::new(&entries, page, "/logg");
    render(
        &c,
        &AuditPage {
            c: &c,
            entries: entries.items,
            pager,
            report,
        },
    )
}

// Personal tokens.

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage<'a> {
    c: &'a Ctx,
    tokens: Vec<ApiToken>,
    secret: Option<String>,
    error: Option<(String, String)>,
    name: String,
    days: String,
    /// The secret calendar feed URL, if the person has one.
    calendar_url: Option<String>,
}

impl TokensPage<'_> {
    fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.0 == field)
    }
    fn error_text(&self) -> String {
        self.error.as_ref().map(|e| e.1.clone()).unwrap_or_default()
    }
    fn when(&self, t: &Option<time::OffsetDateTime>) -> String {
        t.as_ref().map(fmt_time).unwrap_or_else(|| "–".into())
    }
    fn created(&self, t: &ApiToken) -> String {
        fmt_time(&t.created_at)
    }
}

pub async fn tokens_page(State(state): State<AppState>, mut c: Ctx) -> Result<Response, HtmlError> {
    c.nav = "tokens";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let tokens = state
        .core
        .identity
        .tokens(&actor)
        .await
        .map_err(|e| c.fail(e))?;
    let calendar_url = calendar_url(&state, &c, &actor).await?;
    render(
        &c,
        &TokensPage {
            c: &c,
            tokens,
            secret: None,
            error: None,
            name: String::new(),
            days: "90".into(),
            calendar_url,
        },
    )
}

async fn calendar_url(
    state: &AppState,
    c: &Ctx,
    actor: &distans_core::kernel::Actor,
) -> Result<Option<String>, HtmlError> {
    Ok(state
        .core
        .feed
        .my_calendar_secret(actor)
        .await
        .map_err(|e| c.fail(e))?
        .map(|s| crate::api::feed_url(state, &s)))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<TokenForm>,
) -> Result<Response, HtmlError> {
    c.nav = "tokens";
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let days = match f.days.trim() {
        "" => Ok(None),
        d => d
            .parse::<i64>()
            .map(Some)
            .map_err(|_| CoreError::invalid("days", "must be a whole number")),
    };
    let result = match days {
        Ok(days) => {
            state
                .core
                .identity
                .create_token(&actor, &f.name, days)
                .await
        }
        Err(e) => Err(e),
    };
    let tokens = state
        .core
        .identity
        .tokens(&actor)
        .await
        .map_err(|e| c.fail(e))?;
    let calendar_url = calendar_url(&state, &c, &actor).await?;
    match result {
        Ok(t) => render(
            &c,
            &TokensPage {
                c: &c,
                tokens,
                secret: Some(t.secret),
                error: None,
                name: String::new(),
                days: "90".into(),
                calendar_url,
            },
        ),
        Err(CoreError::Invalid { field, .. }) => {
            let message = c.t(if field == "days" {
                "tokens-error-days"
            } else {
                "tokens-error-name"
            });
            let mut r = render(
                &c,
                &TokensPage {
                    c: &c,
                    tokens,
                    secret: None,
                    error: Some((field, message)),
                    name: f.name.clone(),
                    days: f.days.clone(),
                    calendar_url,
                },
            )?;
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(e) => Err(c.fail(e)),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let id = Uuid::parse_str(&id).map_err(|_| c.fail(CoreError::NotFound("token")))?;
    state
        .core
        .identity
        .revoke_token(&actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to("/mina-nycklar").into_response())
}

/// The calendar feed from the tokens page: make it, renew it, remove it.
pub async fn calendar_feed_action(
    State(state): State<AppState>,
    c: Ctx,
    Path(what): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let done = match what.as_str() {
        "skapa" => state.core.feed.calendar_secret(&actor).await.map(|_| ()),
        "byt" => state
            .core
            .feed
            .reset_calendar_secret(&actor)
            .await
            .map(|_| ()),
        "ta-bort" => state
            .core
            .feed
            .revoke_calendar_secret(&actor)
            .await
            .map(|_| ()),
        _ => Err(CoreError::NotFound("page")),
    };
    done.map_err(|e| c.fail(e))?;
    Ok(Redirect::to("/mina-nycklar#kalender").into_response())
}
