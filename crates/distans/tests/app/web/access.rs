//! The access matrix: every route × every role → the status we expect.
//!
//! [`setup`] makes the things the routes name (a request, an agreement, a
//! coverage rule, an absence, a calendar feed, follow-ups, equipment,
//! deviations); the tables at the end of this file say, route by route, what
//! each role gets; [`access_matrix`] asks every route as every role.

use axum::http::{header, Method, StatusCode};
use distans_core::store::*;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{csrf_of, followups::followup_setup, form, policy_body, request_body, spawn_app, App};

use Method as M;

mod forms;
use forms::forms;

/// The roles, in the order of the status columns of the tables. `anna` is an
/// employee of `chef`'s unit; `bygg` manages another unit; `revisor` is the
/// auditor; `arkiv` the records officer (an employee of another unit).
const ROLES: [&str; 8] = [
    "anonymous",
    "anna",
    "chef",
    "bygg",
    "hr",
    "admin",
    "revisor",
    "arkiv",
];

/// A route asked by every role, and the status each role gets.
struct Route {
    method: Method,
    path: String,
    body: Option<Value>,
    expected: [u16; 8],
}

fn route(method: Method, path: impl Into<String>, expected: [u16; 8]) -> Route {
    Route {
        method,
        path: path.into(),
        body: None,
        expected,
    }
}

impl Route {
    /// The JSON body sent with the request.
    fn body(self, body: Value) -> Route {
        Route {
            body: Some(body),
            ..self
        }
    }
}

/// A form of the pages, posted by every role, and the status each role gets.
struct PageForm {
    path: String,
    expected: [u16; 8],
}

fn page_form(path: impl Into<String>, expected: [u16; 8]) -> PageForm {
    PageForm {
        path: path.into(),
        expected,
    }
}

/// The app, a session of each role but the anonymous one, and what the
/// routes of the tables name.
struct Fixture {
    app: App,
    cookies: Vec<Option<String>>,
    kc: Uuid,
    anna: String,
    bo: String,
    nobody: Uuid,
    workday: time::Date,
    monday: time::Date,
    today: time::Date,
    req: String,
    hr_req: String,
    agreement: String,
    rule: Uuid,
    bo_absence: Uuid,
    feed_secret: String,
    laptop_item: Uuid,
    mouse_item: Uuid,
    anna_loan: Uuid,
    bo_agreement: Uuid,
    bo_fu: Uuid,
    bo_action: Uuid,
    dev: Uuid,
    dev_ack: Uuid,
    dev_close: Uuid,
    dev_form: Uuid,
}

async fn setup() -> Fixture {
    let app = spawn_app().await;
    let kc = app
        .store
        .actor(app.id_of("chef").await.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .manages[0]
        .id;
    let anna = app.id_of("anna").await;
    let bo = app.id_of("bo").await;
    let nobody = Uuid::now_v7();
    let workday = {
        let cal = distans_core::kernel::calendar::WorkCalendar::default();
        let mut d = app.core.today() + time::Duration::days(14);
        while !cal.is_workday(d) {
            d += time::Duration::days(1);
        }
        d
    };
    let monday = {
        let mut d = app.core.today() + time::Duration::days(7);
        while d.weekday() != time::Weekday::Monday {
            d += time::Duration::days(1);
        }
        d
    };
    let mut cookies = vec![None];
    for r in &ROLES[1..] {
        cookies.push(Some(app.login(r).await));
    }
    // Anna applies for 2 days (chef decides, and approves) and for 3 (HR decides).
    let start = app.core.today() + time::Duration::days(7);
    let r = app
        .call(
            Method::POST,
            "/api/v1/requests",
            cookies[1].as_deref(),
            Some(request_body(
                2,
                start,
                Some(start + time::Duration::days(90)),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let req = r.json()["id"].as_str().unwrap().to_string();
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/requests/{req}/decision"),
            cookies[2].as_deref(),
            Some(json!({"decision": "approve"})),
        )
        .await;
    let agreement = r.json()["agreement_id"].as_str().unwrap().to_string();
    let later = start + time::Duration::days(120);
    let r = app
        .call(
            Method::POST,
            "/api/v1/requests",
            cookies[1].as_deref(),
            Some(request_body(3, later, None)),
        )
        .await;
    let hr_req = r.json()["id"].as_str().unwrap().to_string();
    let chef_actor = app
        .store
        .actor(app.id_of("chef").await.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let rule = app
        .core
        .coverage
        .add_coverage_rule(
            &chef_actor,
            kc,
            distans_core::coverage::NewCoverageRule::parse("min_onsite", None, Some(1), None)
                .unwrap(),
        )
        .await
        .unwrap()
        .id;
    // An absence of bo's, for the row that removes it.
    let bo_absence = app
        .store
        .actor(bo.parse().unwrap())
        .await
        .unwrap()
        .map(|a| (a.person_id, a))
        .unwrap();
    let bo_absence = app
        .core
        .absences
        .add_absence(&bo_absence.1, bo_absence.0, workday, workday)
        .await
        .unwrap()
        .id;
    // Anna's calendar feed, fetched by anyone who has the URL (before the
    // rows below renew and revoke it).
    let anna_actor = app
        .store
        .actor(anna.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let feed_secret = app.core.feed.calendar_secret(&anna_actor).await.unwrap();
    // Follow-ups: bo's agreement in force, its risk assessment
    // done together with a risky answer, so there is an action.
    let (bo_agreement, bo_fu, bo_action) = followup_setup(&app).await;
    // Equipment: a demo item of each category and anna's demo loan.
    let by_ident = |s: &'static str| {
        let store = app.store.clone();
        async move {
            store
                .equipment_item_by_identifier(s)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let laptop_item = by_ident("DL-1003").await;
    let mouse_item = by_ident("MUS-6001").await;
    let anna_loan = app
        .store
        .loans(
            &distans_core::equipment::LoanScope::Person(anna.parse().unwrap()),
            true,
            distans_core::kernel::Paging::default(),
        )
        .await
        .unwrap()
        .items[0]
        .id;
    // Deviations: anna's reports, handled by chef (her manager).
    let deviation = |description: &str| {
        let (core, anna_actor) = (app.core.clone(), anna_actor.clone());
        let input = distans_core::deviations::DeviationInput {
            kind: "work_environment".into(),
            description: description.into(),
            date: app.core.today().to_string(),
            ..Default::default()
        };
        async move {
            core.deviations
                .report_deviation(&anna_actor, &input)
                .await
                .unwrap()
                .id
        }
    };
    let dev = deviation("Trasig stol").await;
    let dev_ack = deviation("Kallt i rummet").await;
    let dev_close = deviation("Skärmen flimrar").await;
    let dev_form = deviation("Dragigt").await;
    let today = app.core.today();
    Fixture {
        app,
        cookies,
        kc: kc.into(),
        anna,
        bo,
        nobody,
        workday,
        monday,
        today,
        req,
        hr_req,
        agreement,
        rule: rule.into(),
        bo_absence: bo_absence.into(),
        feed_secret,
        laptop_item: laptop_item.into(),
        mouse_item: mouse_item.into(),
        anna_loan: anna_loan.into(),
        bo_agreement,
        bo_fu,
        bo_action,
        dev: dev.into(),
        dev_ack: dev_ack.into(),
        dev_close: dev_close.into(),
        dev_form: dev_form.into(),
    }
}

/// Every route × every role → the status we expect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix() {
    let f = setup().await;
    let (app, cookies) = (&f.app, &f.cookies);
    let rows: Vec<Route> = [
        organisation(&f),
        cases(&f),
        plan(&f),
        pages(&f),
        coverage(&f),
        equipment(&f),
        static_and_unknown(),
        followups(&f),
        deviations(&f),
        stats(&f),
        personal_data(&f),
        search(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut failures = vec![];
    for Route {
        method,
        path,
        body,
        expected,
    } in &rows
    {
        for (i, role) in ROLES.iter().enumerate() {
            let r = app
                .call(method.clone(), path, cookies[i].as_deref(), body.clone())
                .await;
            if r.status.as_u16() != expected[i] {
                failures.push(format!(
                    "{method} {path} as {role}: got {}, expected {}",
                    r.status.as_u16(),
                    expected[i]
                ));
            }
            // Every API error has the documented shape.
            if path.starts_with("/api/v1") && r.status.is_client_error() {
                let v = r.json();
                assert!(
                    v["error"]["code"].is_string() && v["error"]["message"].is_string(),
                    "{method} {path}: {v}"
                );
            }
        }
    }
    // Forms of the pages, sent as a browser sends them: with the session's
    // CSRF token (anonymous callers are sent to sign in).
    let mut csrfs = vec![String::new()];
    for c in &cookies[1..] {
        csrfs.push(csrf_of(
            &app.get("/mina-nycklar", c.as_deref()).await.text(),
        ));
    }
    for PageForm { path, expected } in &forms(&f) {
        for (i, role) in ROLES.iter().enumerate() {
            let r = form(
                &app.router,
                path,
                cookies[i].as_deref(),
                &[("csrf", csrfs[i].as_str())],
            )
            .await;
            let to_sign_in = r
                .headers
                .get(header::LOCATION)
                .is_some_and(|l| l.to_str().unwrap().starts_with("/logga-in"));
            if r.status.as_u16() != expected[i] || (i == 0) != to_sign_in {
                failures.push(format!(
                    "form POST {path} as {role}: got {} ({:?}), expected {}",
                    r.status.as_u16(),
                    r.headers.get(header::LOCATION),
                    expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "access matrix:\n{}",
        failures.join("\n")
    );
}

// One route a line: its method and path, the status each role gets, and the
// JSON body sent, if any. The statuses are in the order of ROLES:
//                                                                                      [anonymous, anna, chef, bygg, hr, admin, revisor]

/// The organisation, people, the audit log and personal tokens.
#[rustfmt::skip]
fn organisation(f: &Fixture) -> Vec<Route> {
    let Fixture { kc, anna, bo, nobody, .. } = f;
    vec![
        route(M::GET,    "/healthz",                                                    [200, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/openapi.json",                                           [200, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/me",                                                  [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/units",                                               [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/units/{kc}"),                                 [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/units/{nobody}"),                             [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::POST,   "/api/v1/units",                                               [401, 403, 403, 403, 400, 400, 403, 403]).body(json!({"name": " ", "parent_id": kc})),
        route(M::PATCH,  format!("/api/v1/units/{kc}"),                                 [401, 403, 403, 403, 409, 409, 403, 403]).body(json!({"name": "Nytt namn", "version": 0})),
        route(M::PATCH,  format!("/api/v1/units/{nobody}"),                             [401, 403, 403, 403, 404, 404, 403, 403]).body(json!({"version": 1})),
        route(M::POST,   format!("/api/v1/units/{kc}/close"),                           [401, 403, 403, 403, 422, 422, 403, 403]).body(json!({"version": 1})),
        route(M::GET,    "/api/v1/sites",                                               [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::POST,   "/api/v1/sites",                                               [401, 403, 403, 403, 400, 400, 403, 403]).body(json!({"name": "Nytt", "address": "Gatan 1", "desks": -1})),
        route(M::PATCH,  format!("/api/v1/sites/{nobody}"),                             [401, 403, 403, 403, 404, 404, 403, 403]).body(json!({"desks": 3})),
        route(M::GET,    format!("/api/v1/people?unit={kc}"),                           [401, 403, 200, 403, 200, 200, 200, 403]),
        route(M::GET,    format!("/api/v1/people?unit={kc}&below=true"),                [401, 403, 200, 403, 200, 200, 200, 403]),
        route(M::GET,    "/api/v1/people",                                              [401, 403, 200, 200, 200, 200, 200, 403]),
        route(M::GET,    format!("/api/v1/people/{anna}"),                              [401, 200, 200, 404, 200, 200, 200, 404]),
        route(M::GET,    format!("/api/v1/people/{bo}"),                                [401, 404, 404, 200, 200, 200, 200, 404]),
        route(M::GET,    format!("/api/v1/people/{nobody}"),                            [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/api/v1/people/not-an-id",                                    [401, 404, 404, 404, 404, 404, 404, 404]),
        // Adding and changing people: HR and administrators (a unit that is not there: 400; a stale version: 409).
        route(M::POST,   "/api/v1/people",                                              [401, 403, 403, 403, 400, 400, 403, 403]).body(json!({"employee_number": "M-1", "given_name": "Ny", "family_name": "Person", "unit_id": nobody})),
        route(M::PATCH,  format!("/api/v1/people/{anna}"),                              [401, 403, 403, 403, 409, 409, 403, 403]).body(json!({"version": 0, "title": "x"})),
        route(M::POST,   format!("/api/v1/people/{anna}/deactivate"),                   [401, 403, 403, 403, 400, 400, 403, 403]).body(json!({"reason": "x".repeat(501)})),
        route(M::POST,   format!("/api/v1/people/{nobody}/deactivate"),                 [401, 403, 403, 403, 404, 404, 403, 403]).body(json!({})),
        route(M::POST,   format!("/api/v1/people/{anna}/reactivate"),                   [401, 403, 403, 403, 200, 200, 403, 403]).body(json!({})),
        route(M::GET,    "/api/v1/audit",                                               [401, 403, 403, 403, 200, 200, 200, 403]),
        route(M::GET,    "/api/v1/audit/verify",                                        [401, 403, 403, 403, 200, 200, 200, 403]),
        route(M::GET,    "/api/v1/me/tokens",                                           [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::POST,   "/api/v1/me/tokens",                                           [401, 201, 201, 201, 201, 201, 201, 201]).body(json!({"name": "matris"})),
        route(M::DELETE, format!("/api/v1/me/tokens/{nobody}"),                         [401, 404, 404, 404, 404, 404, 404, 404]),
    ]
}

/// Policy, requests, agreements, temporary decisions and notifications.
#[rustfmt::skip]
fn cases(f: &Fixture) -> Vec<Route> {
    let Fixture { nobody, req, hr_req, agreement, .. } = f;
    vec![
        route(M::GET,    "/api/v1/policy",                                              [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/policy/versions",                                     [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::POST,   "/api/v1/policy/versions",                                     [401, 403, 403, 403, 201, 403, 403, 403]).body(policy_body()),
        route(M::GET,    "/api/v1/agreement-template",                                  [401, 403, 403, 403, 200, 403, 403, 403]),
        route(M::GET,    "/api/v1/requests",                                            [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/requests/{req}"),                             [401, 200, 200, 404, 200, 404, 200, 404]),
        route(M::GET,    format!("/api/v1/requests/{nobody}"),                          [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::POST,   format!("/api/v1/requests/{hr_req}/decision"),                 [401, 403, 403, 404, 400, 404, 403, 404]).body(json!({"decision": "decline"})),
        route(M::GET,    format!("/api/v1/agreements/{agreement}"),                     [401, 200, 200, 404, 200, 404, 200, 404]),
        route(M::GET,    format!("/api/v1/agreements/{nobody}"),                        [401, 404, 404, 404, 404, 404, 404, 404]),
        // Keeping an agreement after its person moved: the new unit's managers and HR (nobody moved here: 409).
        route(M::GET,    "/api/v1/agreements-to-confirm",                               [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::POST,   format!("/api/v1/agreements/{agreement}/confirm"),             [401, 403, 409, 404, 409, 404, 403, 404]).body(json!({"version": 1})),
        route(M::POST,   "/api/v1/temporary-decisions",                                 [401, 403, 403, 403, 400, 403, 403, 403]).body(json!({"title": "x", "start": "2020-01-01", "end": "2019-01-01"})),
        route(M::GET,    "/api/v1/temporary-decisions",                                 [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/me/notifications",                                    [401, 200, 200, 200, 200, 200, 200, 200]),
    ]
}

/// The plan, absences, closed days and the calendar feed.
#[rustfmt::skip]
fn plan(f: &Fixture) -> Vec<Route> {
    let Fixture { kc, anna, nobody, workday, bo_absence, feed_secret, .. } = f;
    vec![
        route(M::GET,    format!("/api/v1/plan?person={anna}"),                         [401, 200, 200, 404, 200, 404, 200, 404]),
        route(M::GET,    format!("/api/v1/plan?unit={kc}"),                             [401, 403, 200, 403, 200, 200, 200, 403]),
        route(M::GET,    "/api/v1/plan",                                                [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::PUT,    format!("/api/v1/plan/{anna}/{workday}"),                      [401, 200, 200, 404, 200, 404, 403, 404]).body(json!({"state": "other"})),
        route(M::DELETE, format!("/api/v1/plan/{anna}/{workday}"),                      [401, 204, 204, 404, 204, 404, 403, 404]),
        route(M::POST,   "/api/v1/absences",                                            [401, 400, 400, 404, 400, 404, 403, 404]).body(json!({"person": anna, "first_day": "2030-01-02", "last_day": "2030-01-01"})),
        route(M::GET,    format!("/api/v1/absences?person={anna}"),                     [401, 200, 200, 404, 200, 404, 200, 404]),
        route(M::GET,    "/api/v1/absences",                                            [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::DELETE, format!("/api/v1/absences/{bo_absence}"),                      [401, 404, 404, 204, 404, 404, 404, 404]),
        route(M::DELETE, format!("/api/v1/absences/{nobody}"),                          [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/api/v1/closed-days",                                         [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/closed-days?year=abc",                                [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::POST,   "/api/v1/closed-days",                                         [401, 403, 403, 403, 422, 422, 403, 403]).body(json!({"date": "2030-01-05", "name": "En lördag"})),
        route(M::DELETE, "/api/v1/closed-days/2030-01-07",                              [401, 403, 403, 403, 404, 404, 403, 403]),
        route(M::GET,    "/arbetsdagar",                                                [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/kalender/{feed_secret}.ics"),                        [200, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/me/calendar",                                         [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::POST,   "/api/v1/me/calendar/reset",                                   [401, 200, 200, 200, 200, 200, 200, 200]).body(json!({})),
        route(M::DELETE, "/api/v1/me/calendar",                                         [401, 204, 204, 204, 204, 204, 204, 204]),
        route(M::GET,    "/kalender/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",   [404, 404, 404, 404, 404, 404, 404, 404]),
    ]
}

/// The start page, sign-in and the pages of the organisation.
#[rustfmt::skip]
fn pages(f: &Fixture) -> Vec<Route> {
    let Fixture { kc, anna, bo, nobody, .. } = f;
    vec![
        route(M::GET,    "/",                                                           [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/tillganglighet",                                             [200, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/hjalp",                                                      [200, 200, 200, 200, 200, 200, 200, 200]),
        // Who is in: one's own unit for everyone; another unit for its
        // people, its managers and HR only.
        route(M::GET,    "/vem-ar-pa-plats",                                            [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/vem-ar-pa-plats?enhet={kc}"),                        [303, 200, 200, 403, 200, 403, 403, 403]),
        route(M::GET,    format!("/vem-ar-pa-plats?enhet={nobody}"),                    [303, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/logga-in",                                                   [200, 303, 303, 303, 303, 303, 303, 303]),
        // Without an identity provider (web/oidc.rs tests it with one).
        route(M::GET,    "/auth/oidc/login?next=/",                                     [404, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/auth/oidc/callback?code=c&state=s",                          [404, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/organisation",                                               [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/enheter/{kc}"),                                      [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/enheter/{nobody}"),                                  [303, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/personer",                                                   [303, 403, 200, 200, 200, 200, 200, 403]),
        route(M::GET,    format!("/personer/{anna}"),                                   [303, 200, 200, 404, 200, 200, 200, 404]),
        route(M::GET,    format!("/personer/{bo}"),                                     [303, 404, 404, 200, 200, 200, 200, 404]),
        route(M::GET,    format!("/enheter/{kc}/andra"),                                [303, 403, 403, 403, 200, 200, 403, 403]),
        route(M::GET,    format!("/enheter/{nobody}/andra"),                            [303, 403, 403, 403, 404, 404, 403, 403]),
        route(M::GET,    format!("/personer/{anna}/avsluta"),                           [303, 403, 403, 403, 200, 200, 403, 403]),
        route(M::GET,    format!("/personer/{anna}/andra"),                             [303, 403, 403, 403, 200, 200, 403, 403]),
        route(M::GET,    format!("/personer/{nobody}/andra"),                           [303, 403, 403, 403, 404, 404, 403, 403]),
        route(M::GET,    format!("/personer/{nobody}/avsluta"),                         [303, 403, 403, 403, 404, 404, 403, 403]),
        route(M::GET,    "/glomt-losenord",                                             [200, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/losenord/dst_okand",                                         [404, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/logg",                                                       [303, 403, 403, 403, 200, 200, 200, 403]),
        route(M::GET,    "/mina-nycklar",                                               [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/overenskommelser-att-bekrafta",                              [303, 200, 200, 200, 200, 200, 200, 200]),
    ]
}

/// Coverage rules, occupancy, the rotation planner and the plan's pages.
#[rustfmt::skip]
fn coverage(f: &Fixture) -> Vec<Route> {
    let Fixture { kc, anna, nobody, monday, rule, .. } = f;
    vec![
        route(M::GET,    format!("/api/v1/coverage?unit={kc}"),                         [401, 403, 200, 403, 200, 403, 403, 403]),
        route(M::GET,    format!("/api/v1/coverage?unit={nobody}"),                     [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    format!("/api/v1/units/{kc}/coverage-rules"),                  [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::POST,   format!("/api/v1/units/{kc}/coverage-rules"),                  [401, 403, 201, 403, 201, 403, 403, 403]).body(json!({"min_onsite": 1, "weekdays": ["mon"]})),
        route(M::PUT,    format!("/api/v1/coverage-rules/{rule}"),                      [401, 403, 409, 403, 409, 403, 403, 403]).body(json!({"min_onsite": 2, "version": 999})),
        route(M::DELETE, format!("/api/v1/coverage-rules/{rule}?version=999"),          [401, 403, 409, 403, 409, 403, 403, 403]),
        route(M::GET,    "/api/v1/occupancy",                                           [401, 403, 200, 200, 200, 200, 403, 403]),
        route(M::POST,   "/api/v1/rotation",                                            [401, 403, 200, 403, 200, 403, 403, 403]).body(json!({"unit": kc.to_string(), "from": monday.to_string(), "weeks": 2})),
        route(M::POST,   "/api/v1/rotation",                                            [401, 403, 400, 403, 400, 403, 403, 403]).body(json!({"unit": kc.to_string(), "from": (*monday + time::Duration::days(1)).to_string(), "weeks": 2})),
        route(M::POST,   "/api/v1/rotation/publish",                                    [401, 403, 409, 403, 409, 403, 403, 403]).body(json!({"unit": kc.to_string(), "from": monday.to_string(), "weeks": 1, "plan": {}})),
        route(M::GET,    format!("/enheter/{kc}/rotation"),                             [303, 403, 200, 403, 200, 403, 403, 403]),
        route(M::GET,    format!("/rotation/{nobody}"),                                 [303, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/plan",                                                       [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/personer/{anna}/plan"),                              [303, 200, 200, 404, 200, 404, 200, 404]),
        route(M::GET,    format!("/enheter/{kc}/plan"),                                 [303, 403, 200, 403, 200, 403, 403, 403]),
        route(M::GET,    "/oversikt",                                                   [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/arbetsplatser",                                              [303, 403, 200, 200, 200, 200, 403, 403]),
    ]
}

/// Equipment, loans and redeployment (bo is in bygg's unit).
#[rustfmt::skip]
fn equipment(f: &Fixture) -> Vec<Route> {
    let Fixture { anna, bo, nobody, laptop_item, mouse_item, anna_loan, .. } = f;
    vec![
        route(M::GET,    "/api/v1/equipment",                                           [401, 403, 200, 200, 200, 200, 403, 403]),
        route(M::GET,    format!("/api/v1/equipment/{laptop_item}"),                    [401, 403, 200, 200, 200, 200, 403, 403]),
        route(M::POST,   "/api/v1/equipment",                                           [401, 403, 403, 403, 400, 400, 403, 403]).body(json!({"kind": "laptop", "identifier": " "})),
        route(M::PATCH,  format!("/api/v1/equipment/{laptop_item}"),                    [401, 403, 403, 403, 409, 409, 403, 403]).body(json!({"state": "in_repair", "version": 999})),
        route(M::POST,   format!("/api/v1/equipment/{laptop_item}"),                    [401, 403, 403, 403, 400, 400, 403, 403]).body(json!({"state": "on_loan"})),
        route(M::POST,   "/api/v1/loans",                                               [401, 403, 422, 404, 422, 404, 404, 404]).body(json!({"item": mouse_item.to_string(), "person": anna})),
        route(M::GET,    "/api/v1/loans?open=true",                                     [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/loans?person={anna}"),                        [401, 200, 200, 404, 200, 404, 404, 404]),
        route(M::GET,    format!("/api/v1/loans?person={bo}"),                          [401, 404, 404, 200, 200, 404, 404, 404]),
        route(M::GET,    format!("/api/v1/loans/{anna_loan}"),                          [401, 200, 200, 404, 200, 404, 404, 404]),
        route(M::GET,    "/api/v1/loans/to-collect",                                    [401, 403, 200, 200, 200, 403, 403, 403]),
        route(M::POST,   format!("/api/v1/loans/{anna_loan}/return"),                   [401, 403, 400, 404, 400, 404, 404, 404]).body(json!({"state": "lost"})),
        route(M::POST,   format!("/api/v1/loans/{nobody}/return"),                      [401, 404, 404, 404, 404, 404, 404, 404]).body(json!({})),
        route(M::GET,    "/api/v1/redeployment",                                        [401, 403, 403, 403, 200, 403, 403, 403]),
        route(M::GET,    "/api/v1/redeployment?from=2030-01-07&to=2030-06-07",          [401, 403, 403, 403, 400, 403, 403, 403]),
        route(M::GET,    "/api/v1/redeployment.csv",                                    [401, 403, 403, 403, 200, 403, 403, 403]),
        route(M::GET,    "/utrustning",                                                 [303, 403, 200, 200, 200, 200, 403, 403]),
        route(M::GET,    "/utrustning?kind=screen&state=available",                     [303, 403, 200, 200, 200, 200, 403, 403]),
        route(M::GET,    "/omplacering",                                                [303, 403, 403, 403, 200, 403, 403, 403]),
        route(M::GET,    format!("/personer/{anna}"),                                   [303, 200, 200, 404, 200, 200, 200, 404]),
    ]
}

/// Static files and a path that does not exist.
#[rustfmt::skip]
fn static_and_unknown() -> Vec<Route> {
    vec![
        route(M::GET,    "/static/distans.css",                                         [200, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/static/editors.js",                                          [200, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/finns-inte",                                                 [404, 404, 404, 404, 404, 404, 404, 404]),
    ]
}

/// Follow-ups: checklists, risk assessments, development talks, actions
/// (bo is in bygg's unit).
#[rustfmt::skip]
fn followups(f: &Fixture) -> Vec<Route> {
    let Fixture { nobody, bo_agreement, bo_fu, bo_action, .. } = f;
    vec![
        route(M::GET,    "/api/v1/checklists",                                          [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/checklists/uppfoljning",                              [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/checklists/riskbedomning/versions",                   [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/checklists/finns-inte",                               [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::PUT,    "/api/v1/checklists/uppfoljning",                              [401, 403, 403, 403, 400, 403, 403, 403]).body(json!({"title": "", "questions": []})),
        route(M::GET,    "/api/v1/followups?due_before=2099-12-31",                     [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/followups?due_before=igen",                           [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::GET,    "/api/v1/followups?state=sen",                                 [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::GET,    format!("/api/v1/followups/{bo_fu}"),                          [401, 404, 404, 200, 200, 404, 404, 404]),
        route(M::GET,    format!("/api/v1/followups/{nobody}"),                         [401, 404, 404, 404, 404, 404, 404, 404]),
        // Done: it can no longer be answered.
        route(M::POST,   format!("/api/v1/followups/{bo_fu}/answers"),                  [401, 404, 404, 409, 409, 404, 404, 404]).body(json!({"answers": {"finns-inte": "ja"}})),
        route(M::POST,   format!("/api/v1/agreements/{bo_agreement}/development-talk"), [401, 404, 404, 400, 400, 404, 403, 404]).body(json!({"date": "2000-01-01"})),
        route(M::GET,    "/api/v1/actions?state=open",                                  [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/actions?state=halvklar",                              [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::POST,   format!("/api/v1/actions/{bo_action}/close"),                  [401, 404, 404, 400, 400, 404, 404, 404]).body(json!({"note": " "})),
        route(M::PATCH,  format!("/api/v1/actions/{bo_action}"),                        [401, 404, 404, 400, 400, 404, 404, 404]).body(json!({"due": "2000-01-01"})),
        route(M::POST,   format!("/api/v1/actions/{nobody}/close"),                     [401, 404, 404, 404, 404, 404, 404, 404]).body(json!({"note": "x"})),
        route(M::GET,    "/uppfoljningar",                                              [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/uppfoljningar?status=done",                                  [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/uppfoljningar/{bo_fu}"),                             [303, 404, 404, 200, 200, 404, 404, 404]),
        route(M::GET,    format!("/overenskommelser/{bo_agreement}"),                   [303, 404, 404, 200, 200, 404, 200, 404]),
        route(M::GET,    "/checklistor",                                                [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/checklistor/riskbedomning",                                  [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/checklistor/finns-inte",                                     [303, 404, 404, 404, 404, 404, 404, 404]),
    ]
}

/// Deviations: anna's reports, handled by chef (her manager).
#[rustfmt::skip]
fn deviations(f: &Fixture) -> Vec<Route> {
    let Fixture { nobody, today, dev, dev_ack, dev_close, .. } = f;
    vec![
        route(M::POST,   "/api/v1/deviations",                                          [401, 201, 201, 201, 201, 201, 201, 201]).body(json!({"kind": "other", "description": "Test", "date": today.to_string()})),
        route(M::POST,   "/api/v1/deviations",                                          [401, 400, 400, 400, 400, 400, 400, 400]).body(json!({"kind": "fire", "description": "Test", "date": "2020-01-01"})),
        route(M::GET,    "/api/v1/deviations",                                          [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/deviations?state=open&scope=to_handle",               [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/deviations?state=done",                               [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::GET,    format!("/api/v1/deviations/{dev}"),                           [401, 200, 200, 404, 200, 404, 404, 404]),
        route(M::GET,    format!("/api/v1/deviations/{nobody}"),                        [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::POST,   format!("/api/v1/deviations/{dev_ack}/acknowledge"),           [401, 403, 200, 404, 409, 404, 404, 404]).body(json!({})),
        route(M::POST,   format!("/api/v1/deviations/{dev}/close"),                     [401, 403, 400, 404, 400, 404, 404, 404]).body(json!({"action": " "})),
        route(M::POST,   format!("/api/v1/deviations/{dev_close}/close"),               [401, 403, 200, 404, 409, 404, 404, 404]).body(json!({"action": "Ny skärm"})),
        route(M::GET,    "/avvikelser",                                                 [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/avvikelser?visa=stangda",                                    [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/avvikelser/ny",                                              [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/avvikelser/{dev}"),                                  [303, 200, 200, 404, 200, 404, 404, 404]),
        route(M::GET,    "/avvikelser/inte-ett-id",                                     [303, 404, 404, 404, 404, 404, 404, 404]),
    ]
}

#[rustfmt::skip]
fn stats(f: &Fixture) -> Vec<Route> {
    let Fixture { kc, anna, bo, nobody, .. } = f;
    let factors = json!({"factors": [{"mode": "car", "kg_per_km": 0.1}], "source": "Egen", "version": 999});
    let commute = json!({"distance_km": 10, "mode": "car"});
    vec![
        // The organisation's figures are everyone's; a unit's its managers', HR's and auditors'.
        route(M::GET,    "/api/v1/stats/remote-share",                                  [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/stats/remote-share?unit={kc}"),               [401, 403, 200, 403, 200, 403, 200, 403]),
        route(M::GET,    format!("/api/v1/stats/remote-share?unit={nobody}"),           [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/api/v1/stats/remote-share?by=day",                           [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::GET,    "/api/v1/stats/emissions",                                     [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/stats/emissions?unit={kc}"),                  [401, 403, 200, 403, 200, 403, 200, 403]),
        route(M::GET,    "/api/v1/stats/coverage",                                      [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/stats/coverage?unit={kc}&format=csv"),        [401, 403, 200, 403, 200, 403, 200, 403]),
        route(M::GET,    format!("/api/v1/stats/coverage?unit={nobody}"),               [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/api/v1/stats/coverage?from=2025-01-01&to=2026-01-02",        [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::GET,    "/api/v1/stats/agreements",                                    [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/stats/agreements?unit={kc}"),                 [401, 403, 200, 403, 200, 403, 200, 403]),
        route(M::GET,    "/api/v1/stats/decisions",                                     [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/stats/occupancy",                                     [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/api/v1/stats/occupancy?site={nobody}"),              [401, 404, 404, 404, 404, 404, 404, 404]),
        route(M::GET,    "/api/v1/stats/emission-factors",                              [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::PUT,    "/api/v1/stats/emission-factors",                              [401, 403, 403, 403, 409, 403, 403, 403]).body(factors),
        // A commute: the person, HR, administrators; others' people are not there.
        route(M::PUT,    format!("/api/v1/people/{anna}/commute"),                      [401, 200, 403, 404, 200, 200, 403, 404]).body(commute.clone()),
        route(M::PUT,    format!("/api/v1/people/{bo}/commute"),                        [401, 404, 404, 403, 200, 200, 403, 404]).body(commute),
        route(M::GET,    "/statistik",                                                  [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    format!("/statistik?unit={kc}"),                               [303, 403, 200, 403, 200, 403, 200, 403]),
    ]
}

/// Personal data and public records: one's own data, HR's extract, the
/// disposal rules, legal holds, runs and the privacy notice.
#[rustfmt::skip]
fn personal_data(f: &Fixture) -> Vec<Route> {
    let Fixture { anna, nobody, .. } = f;
    let rule = json!({"keep_months": 24, "action": "delete", "decision_ref": "KS 2026/1", "decision_date": "2026-01-01", "version": 999});
    let notice = json!({"what": "", "why": "b", "legal_basis": "c", "how_long": "d", "rights": "e", "dpo": "f", "version": 0});
    vec![
        route(M::GET,    "/api/v1/me/export",                                           [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::POST,   format!("/api/v1/people/{anna}/export"),                       [401, 403, 403, 403, 200, 403, 403, 403]).body(json!({"reference": "HR 2026/9"})),
        route(M::POST,   format!("/api/v1/people/{nobody}/export"),                     [401, 403, 403, 403, 404, 403, 403, 403]).body(json!({"reference": "HR 2026/9"})),
        route(M::GET,    "/api/v1/retention/rules",                                     [401, 403, 403, 403, 200, 200, 200, 200]),
        route(M::PUT,    "/api/v1/retention/rules/absences",                            [401, 403, 403, 403, 409, 403, 403, 409]).body(rule.clone()),
        route(M::PUT,    "/api/v1/retention/rules/nothing",                             [401, 404, 404, 404, 404, 404, 404, 404]).body(rule),
        route(M::GET,    "/api/v1/legal-holds",                                         [401, 403, 403, 403, 200, 200, 200, 200]),
        route(M::POST,   "/api/v1/legal-holds",                                         [401, 403, 403, 403, 400, 403, 403, 400]).body(json!({"person": anna, "reason": " "})),
        route(M::DELETE, format!("/api/v1/legal-holds/{nobody}"),                       [401, 403, 403, 403, 404, 403, 403, 404]),
        route(M::GET,    "/api/v1/retention/runs",                                      [401, 403, 403, 403, 200, 200, 200, 200]),
        route(M::POST,   "/api/v1/retention/runs",                                      [401, 403, 403, 403, 200, 200, 403, 200]).body(json!({"dry_run": true})),
        route(M::GET,    "/api/v1/privacy-notice",                                      [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::PUT,    "/api/v1/privacy-notice",                                      [401, 403, 403, 403, 400, 403, 403, 403]).body(notice),
        route(M::GET,    "/mina-uppgifter",                                             [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/mina-uppgifter/pdf",                                         [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/gallring",                                                   [303, 403, 403, 403, 200, 200, 200, 200]),
        route(M::GET,    "/integritet",                                                 [200, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/integritet/andra",                                           [303, 403, 403, 403, 200, 403, 403, 403]),
    ]
}

/// Search: everyone signed in searches; what each finds is cut to what they
/// may see (`web::search` checks that role by role).
#[rustfmt::skip]
fn search() -> Vec<Route> {
    vec![
        route(M::GET,    "/api/v1/search?q=Lindqvist",                                  [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/search?q=Lindqvist&kind=people&offset=20",            [401, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/api/v1/search?q=L",                                          [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::GET,    "/api/v1/search?q=Lindqvist&kind=salaries",                    [401, 400, 400, 400, 400, 400, 400, 400]),
        route(M::GET,    "/sok",                                                        [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/sok?q=Lindqvist",                                            [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/sok?q=Lindqvist&kind=requests&sida=2",                       [303, 200, 200, 200, 200, 200, 200, 200]),
        route(M::GET,    "/sok?q=L",                                                    [303, 400, 400, 400, 400, 400, 400, 400]),
    ]
}
