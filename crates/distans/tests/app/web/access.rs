//! The access matrix: every route × every role → the status we expect.

use axum::http::{header, Method, StatusCode};
use distans_core::store::Store;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{csrf_of, followups::followup_setup, form, policy_body, request_body, spawn_app};

const ROLES: [&str; 7] = [
    "anonymous",
    "anna",
    "chef",
    "bygg",
    "hr",
    "admin",
    "revisor",
];

/// Every route × every role → the status we expect. `anna` is an employee
/// of `chef`'s unit; `bygg` manages another unit; `revisor` is the auditor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix() {
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
        let cal = distans_core::calendar::WorkCalendar::default();
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
    let feed_secret = app.core.calendar_secret(&anna_actor).await.unwrap();
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
            distans_core::model::Paging::default(),
        )
        .await
        .unwrap()
        .items[0]
        .id;
    // Deviations: anna's reports, handled by chef (her manager).
    let deviation = |description: &str| {
        let (core, anna_actor) = (app.core.clone(), anna_actor.clone());
        let input = distans_core::deviation::DeviationInput {
            kind: "work_environment".into(),
            description: description.into(),
            date: app.core.today().to_string(),
            ..Default::default()
        };
        async move { core.report_deviation(&anna_actor, &input).await.unwrap().id }
    };
    let dev = deviation("Trasig stol").await;
    let dev_ack = deviation("Kallt i rummet").await;
    let dev_close = deviation("Skärmen flimrar").await;
    let dev_form = deviation("Dragigt").await;
    use Method as M;
    let rows: Vec<(Method, String, Option<Value>, [u16; 7])> = vec![
        (M::GET, "/healthz".into(), None, [200; 7]),
        (M::GET, "/api/openapi.json".into(), None, [200; 7]),
        (
            M::GET,
            "/api/v1/me".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/units".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/units/{kc}"),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/units/{nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            format!("/api/v1/people?unit={kc}"),
            None,
            [401, 403, 200, 403, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/people?unit={kc}&below=true"),
            None,
            [401, 403, 200, 403, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/people".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/people/{anna}"),
            None,
            [401, 200, 200, 404, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/people/{bo}"),
            None,
            [401, 404, 404, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/people/{nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            "/api/v1/people/not-an-id".into(),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            "/api/v1/audit".into(),
            None,
            [401, 403, 403, 403, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/audit/verify".into(),
            None,
            [401, 403, 403, 403, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/me/tokens".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::POST,
            "/api/v1/me/tokens".into(),
            Some(json!({"name": "matris"})),
            [401, 201, 201, 201, 201, 201, 201],
        ),
        (
            M::DELETE,
            format!("/api/v1/me/tokens/{nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            "/api/v1/policy".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/policy/versions".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::POST,
            "/api/v1/policy/versions".into(),
            Some(policy_body()),
            [401, 403, 403, 403, 201, 403, 403],
        ),
        (
            M::GET,
            "/api/v1/agreement-template".into(),
            None,
            [401, 403, 403, 403, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/v1/requests".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/requests/{req}"),
            None,
            [401, 200, 200, 404, 200, 404, 200],
        ),
        (
            M::GET,
            format!("/api/v1/requests/{nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::POST,
            format!("/api/v1/requests/{hr_req}/decision"),
            Some(json!({"decision": "decline"})),
            [401, 403, 403, 404, 400, 404, 403],
        ),
        (
            M::GET,
            format!("/api/v1/agreements/{agreement}"),
            None,
            [401, 200, 200, 404, 200, 404, 200],
        ),
        (
            M::GET,
            format!("/api/v1/agreements/{nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::POST,
            "/api/v1/temporary-decisions".into(),
            Some(json!({"title": "x", "start": "2020-01-01", "end": "2019-01-01"})),
            [401, 403, 403, 403, 400, 403, 403],
        ),
        (
            M::GET,
            "/api/v1/temporary-decisions".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/me/notifications".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/plan?person={anna}"),
            None,
            [401, 200, 200, 404, 200, 404, 200],
        ),
        (
            M::GET,
            format!("/api/v1/plan?unit={kc}"),
            None,
            [401, 403, 200, 403, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/plan".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::PUT,
            format!("/api/v1/plan/{anna}/{workday}"),
            Some(json!({"state": "other"})),
            [401, 200, 200, 404, 200, 404, 403],
        ),
        (
            M::DELETE,
            format!("/api/v1/plan/{anna}/{workday}"),
            None,
            [401, 204, 204, 404, 204, 404, 403],
        ),
        (
            M::POST,
            "/api/v1/absences".into(),
            Some(json!({"person": anna, "first_day": "2030-01-02", "last_day": "2030-01-01"})),
            [401, 400, 400, 404, 400, 404, 403],
        ),
        (
            M::GET,
            format!("/api/v1/absences?person={anna}"),
            None,
            [401, 200, 200, 404, 200, 404, 200],
        ),
        (
            M::GET,
            "/api/v1/absences".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::DELETE,
            format!("/api/v1/absences/{bo_absence}"),
            None,
            [401, 404, 404, 204, 404, 404, 404],
        ),
        (
            M::DELETE,
            format!("/api/v1/absences/{nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            "/api/v1/closed-days".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/closed-days?year=abc".into(),
            None,
            [401, 400, 400, 400, 400, 400, 400],
        ),
        (
            M::POST,
            "/api/v1/closed-days".into(),
            Some(json!({"date": "2030-01-05", "name": "En lördag"})),
            [401, 403, 403, 403, 422, 422, 403],
        ),
        (
            M::DELETE,
            "/api/v1/closed-days/2030-01-07".into(),
            None,
            [401, 403, 403, 403, 404, 404, 403],
        ),
        (
            M::GET,
            "/arbetsdagar".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/kalender/{feed_secret}.ics"),
            None,
            [200; 7],
        ),
        (
            M::GET,
            "/api/v1/me/calendar".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::POST,
            "/api/v1/me/calendar/reset".into(),
            Some(json!({})),
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::DELETE,
            "/api/v1/me/calendar".into(),
            None,
            [401, 204, 204, 204, 204, 204, 204],
        ),
        (
            M::GET,
            "/kalender/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics".into(),
            None,
            [404; 7],
        ),
        (
            M::GET,
            "/".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/logga-in".into(),
            None,
            [200, 303, 303, 303, 303, 303, 303],
        ),
        (
            M::GET,
            "/organisation".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/enheter/{kc}"),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/enheter/{nobody}"),
            None,
            [303, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            "/personer".into(),
            None,
            [303, 403, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/personer/{anna}"),
            None,
            [303, 200, 200, 404, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/personer/{bo}"),
            None,
            [303, 404, 404, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/logg".into(),
            None,
            [303, 403, 403, 403, 200, 200, 200],
        ),
        (
            M::GET,
            "/mina-nycklar".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/coverage?unit={kc}"),
            None,
            [401, 403, 200, 403, 200, 403, 403],
        ),
        (
            M::GET,
            format!("/api/v1/coverage?unit={nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            format!("/api/v1/units/{kc}/coverage-rules"),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::POST,
            format!("/api/v1/units/{kc}/coverage-rules"),
            Some(json!({"min_onsite": 1, "weekdays": ["mon"]})),
            [401, 403, 201, 403, 201, 403, 403],
        ),
        (
            M::PUT,
            format!("/api/v1/coverage-rules/{rule}"),
            Some(json!({"min_onsite": 2, "version": 999})),
            [401, 403, 409, 403, 409, 403, 403],
        ),
        (
            M::DELETE,
            format!("/api/v1/coverage-rules/{rule}?version=999"),
            None,
            [401, 403, 409, 403, 409, 403, 403],
        ),
        (
            M::GET,
            "/api/v1/occupancy".into(),
            None,
            [401, 403, 200, 200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/v1/rotation".into(),
            Some(json!({"unit": kc.to_string(), "from": monday.to_string(), "weeks": 2})),
            [401, 403, 200, 403, 200, 403, 403],
        ),
        (
            M::POST,
            "/api/v1/rotation".into(),
            Some(
                json!({"unit": kc.to_string(), "from": (monday + time::Duration::days(1)).to_string(), "weeks": 2}),
            ),
            [401, 403, 400, 403, 400, 403, 403],
        ),
        (
            M::POST,
            "/api/v1/rotation/publish".into(),
            Some(
                json!({"unit": kc.to_string(), "from": monday.to_string(), "weeks": 1, "plan": {}}),
            ),
            [401, 403, 409, 403, 409, 403, 403],
        ),
        (
            M::GET,
            format!("/enheter/{kc}/rotation"),
            None,
            [303, 403, 200, 403, 200, 403, 403],
        ),
        (
            M::GET,
            format!("/rotation/{nobody}"),
            None,
            [303, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            "/plan".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/personer/{anna}/plan"),
            None,
            [303, 200, 200, 404, 200, 404, 200],
        ),
        (
            M::GET,
            format!("/enheter/{kc}/plan"),
            None,
            [303, 403, 200, 403, 200, 403, 403],
        ),
        (
            M::GET,
            "/oversikt".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/arbetsplatser".into(),
            None,
            [303, 403, 200, 200, 200, 200, 403],
        ),
        // Equipment and redeployment.
        (
            M::GET,
            "/api/v1/equipment".into(),
            None,
            [401, 403, 200, 200, 200, 200, 403],
        ),
        (
            M::GET,
            format!("/api/v1/equipment/{laptop_item}"),
            None,
            [401, 403, 200, 200, 200, 200, 403],
        ),
        (
            M::POST,
            "/api/v1/equipment".into(),
            Some(json!({"kind": "laptop", "identifier": " "})),
            [401, 403, 403, 403, 400, 400, 403],
        ),
        (
            M::PATCH,
            format!("/api/v1/equipment/{laptop_item}"),
            Some(json!({"state": "in_repair", "version": 999})),
            [401, 403, 403, 403, 409, 409, 403],
        ),
        (
            M::POST,
            format!("/api/v1/equipment/{laptop_item}"),
            Some(json!({"state": "on_loan"})),
            [401, 403, 403, 403, 400, 400, 403],
        ),
        (
            M::POST,
            "/api/v1/loans".into(),
            Some(json!({"item": mouse_item.to_string(), "person": anna})),
            [401, 403, 422, 404, 422, 404, 404],
        ),
        (
            M::GET,
            "/api/v1/loans?open=true".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/api/v1/loans?person={anna}"),
            None,
            [401, 200, 200, 404, 200, 404, 404],
        ),
        (
            M::GET,
            format!("/api/v1/loans?person={bo}"),
            None,
            [401, 404, 404, 200, 200, 404, 404],
        ),
        (
            M::GET,
            format!("/api/v1/loans/{anna_loan}"),
            None,
            [401, 200, 200, 404, 200, 404, 404],
        ),
        (
            M::GET,
            "/api/v1/loans/to-collect".into(),
            None,
            [401, 403, 200, 200, 200, 403, 403],
        ),
        (
            M::POST,
            format!("/api/v1/loans/{anna_loan}/return"),
            Some(json!({"state": "lost"})),
            [401, 403, 400, 404, 400, 404, 404],
        ),
        (
            M::POST,
            format!("/api/v1/loans/{nobody}/return"),
            Some(json!({})),
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            "/api/v1/redeployment".into(),
            None,
            [401, 403, 403, 403, 200, 403, 403],
        ),
        (
            M::GET,
            "/api/v1/redeployment?from=2030-01-07&to=2030-06-07".into(),
            None,
            [401, 403, 403, 403, 400, 403, 403],
        ),
        (
            M::GET,
            "/api/v1/redeployment.csv".into(),
            None,
            [401, 403, 403, 403, 200, 403, 403],
        ),
        (
            M::GET,
            "/utrustning".into(),
            None,
            [303, 403, 200, 200, 200, 200, 403],
        ),
        (
            M::GET,
            "/utrustning?kind=screen&state=available".into(),
            None,
            [303, 403, 200, 200, 200, 200, 403],
        ),
        (
            M::GET,
            "/omplacering".into(),
            None,
            [303, 403, 403, 403, 200, 403, 403],
        ),
        (
            M::GET,
            format!("/personer/{anna}"),
            None,
            [303, 200, 200, 404, 200, 200, 200],
        ),
        (M::GET, "/static/distans.css".into(), None, [200; 7]),
        (M::GET, "/finns-inte".into(), None, [404; 7]),
        // Follow-ups: bo is in bygg's unit.
        (
            M::GET,
            "/api/v1/checklists".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/checklists/uppfoljning".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/checklists/riskbedomning/versions".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/checklists/finns-inte".into(),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::PUT,
            "/api/v1/checklists/uppfoljning".into(),
            Some(json!({"title": "", "questions": []})),
            [401, 403, 403, 403, 400, 403, 403],
        ),
        (
            M::GET,
            "/api/v1/followups?due_before=2099-12-31".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/followups?due_before=igen".into(),
            None,
            [401, 400, 400, 400, 400, 400, 400],
        ),
        (
            M::GET,
            "/api/v1/followups?state=sen".into(),
            None,
            [401, 400, 400, 400, 400, 400, 400],
        ),
        (
            M::GET,
            format!("/api/v1/followups/{bo_fu}"),
            None,
            [401, 404, 404, 200, 200, 404, 404],
        ),
        (
            M::GET,
            format!("/api/v1/followups/{nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::POST,
            format!("/api/v1/followups/{bo_fu}/answers"),
            Some(json!({"answers": {"finns-inte": "ja"}})),
            // Done: it can no longer be answered.
            [401, 404, 404, 409, 409, 404, 404],
        ),
        (
            M::POST,
            format!("/api/v1/agreements/{bo_agreement}/development-talk"),
            Some(json!({"date": "2000-01-01"})),
            [401, 404, 404, 400, 400, 404, 403],
        ),
        (
            M::GET,
            "/api/v1/actions?state=open".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/actions?state=halvklar".into(),
            None,
            [401, 400, 400, 400, 400, 400, 400],
        ),
        (
            M::POST,
            format!("/api/v1/actions/{bo_action}/close"),
            Some(json!({"note": " "})),
            [401, 404, 404, 400, 400, 404, 404],
        ),
        (
            M::PATCH,
            format!("/api/v1/actions/{bo_action}"),
            Some(json!({"due": "2000-01-01"})),
            [401, 404, 404, 400, 400, 404, 404],
        ),
        (
            M::POST,
            format!("/api/v1/actions/{nobody}/close"),
            Some(json!({"note": "x"})),
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::GET,
            "/uppfoljningar".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/uppfoljningar?status=done".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/uppfoljningar/{bo_fu}"),
            None,
            [303, 404, 404, 200, 200, 404, 404],
        ),
        (
            M::GET,
            format!("/overenskommelser/{bo_agreement}"),
            None,
            [303, 404, 404, 200, 200, 404, 200],
        ),
        (
            M::GET,
            "/checklistor".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/checklistor/riskbedomning".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/checklistor/finns-inte".into(),
            None,
            [303, 404, 404, 404, 404, 404, 404],
        ),
        // Deviations.
        (
            M::POST,
            "/api/v1/deviations".into(),
            Some(
                json!({"kind": "other", "description": "Test", "date": app.core.today().to_string()}),
            ),
            [401, 201, 201, 201, 201, 201, 201],
        ),
        (
            M::POST,
            "/api/v1/deviations".into(),
            Some(json!({"kind": "fire", "description": "Test", "date": "2020-01-01"})),
            [401, 400, 400, 400, 400, 400, 400],
        ),
        (
            M::GET,
            "/api/v1/deviations".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/deviations?state=open&scope=to_handle".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/api/v1/deviations?state=done".into(),
            None,
            [401, 400, 400, 400, 400, 400, 400],
        ),
        (
            M::GET,
            format!("/api/v1/deviations/{dev}"),
            None,
            [401, 200, 200, 404, 200, 404, 404],
        ),
        (
            M::GET,
            format!("/api/v1/deviations/{nobody}"),
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            M::POST,
            format!("/api/v1/deviations/{dev_ack}/acknowledge"),
            Some(json!({})),
            [401, 403, 200, 404, 409, 404, 404],
        ),
        (
            M::POST,
            format!("/api/v1/deviations/{dev}/close"),
            Some(json!({"action": " "})),
            [401, 403, 400, 404, 400, 404, 404],
        ),
        (
            M::POST,
            format!("/api/v1/deviations/{dev_close}/close"),
            Some(json!({"action": "Ny skärm"})),
            [401, 403, 200, 404, 409, 404, 404],
        ),
        (
            M::GET,
            "/avvikelser".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/avvikelser?visa=stangda".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            "/avvikelser/ny".into(),
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            M::GET,
            format!("/avvikelser/{dev}"),
            None,
            [303, 200, 200, 404, 200, 404, 404],
        ),
        (
            M::GET,
            "/avvikelser/inte-ett-id".into(),
            None,
            [303, 404, 404, 404, 404, 404, 404],
        ),
    ];
    let mut failures = vec![];
    for (method, path, body, expected) in &rows {
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
    let form_rows: Vec<(String, [u16; 7])> = vec![
        ("/mina-nycklar/kalender/skapa".into(), [303; 7]),
        ("/mina-nycklar/kalender/byt".into(), [303; 7]),
        ("/mina-nycklar/kalender/ta-bort".into(), [303; 7]),
        (
            "/mina-nycklar/kalender/okand".into(),
            [303, 404, 404, 404, 404, 404, 404],
        ),
        ("/arbetsdagar".into(), [303, 403, 403, 403, 400, 400, 403]),
        (
            "/arbetsdagar/2030-01-07/ta-bort".into(),
            [303, 403, 403, 403, 404, 404, 403],
        ),
        // Follow-ups.
        (
            format!("/uppfoljningar/{bo_fu}"),
            [303, 404, 404, 409, 409, 404, 404],
        ),
        (
            format!("/atgarder/{bo_action}/stang"),
            [303, 404, 404, 400, 400, 404, 404],
        ),
        (
            format!("/atgarder/{bo_action}"),
            [303, 404, 404, 303, 303, 404, 404],
        ),
        (
            "/checklistor/uppfoljning".into(),
            [303, 403, 403, 403, 400, 403, 403],
        ),
        (
            format!("/overenskommelser/{bo_agreement}/medarbetarsamtal"),
            [303, 404, 404, 400, 400, 404, 403],
        ),
        // Equipment.
        ("/utrustning".into(), [303, 403, 403, 403, 400, 400, 403]),
        (
            "/utrustning/lana-ut".into(),
            [303, 403, 400, 400, 400, 400, 403],
        ),
        (
            format!("/utrustning/{laptop_item}/status"),
            [303, 403, 403, 403, 400, 400, 403],
        ),
        (
            format!("/utlan/{nobody}/aterlamna"),
            [303, 404, 404, 404, 404, 404, 404],
        ),
        // Deviations.
        ("/avvikelser/ny".into(), [303, 400, 400, 400, 400, 400, 400]),
        (
            format!("/avvikelser/{dev_form}/kvittera"),
            [303, 403, 303, 404, 409, 404, 404],
        ),
        (
            format!("/avvikelser/{dev_form}/stang"),
            [303, 403, 400, 404, 400, 404, 404],
        ),
    ];
    for (path, expected) in &form_rows {
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
