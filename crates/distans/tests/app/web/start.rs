//! The start page of each role (what waits, the week changeable in place,
//! the units today) and "who is in" with each person's choice whether
//! colleagues see them on site.

use axum::http::{Method, StatusCode};
use serde_json::json;
use time::{Date, Duration};

use super::{csrf_of, form, policy_body, request_body, spawn_app, App};

/// A Wednesday a few weeks ahead that is no holiday: a day every test can
/// plan, whatever day it is run on.
fn a_wednesday(app: &App) -> Date {
    let cal = distans_core::kernel::calendar::WorkCalendar::default();
    let mut d = app.core.today() + Duration::days(21);
    while d.weekday() != time::Weekday::Wednesday || !cal.is_workday(d) {
        d += Duration::days(1);
    }
    d
}

/// The people of `unit` (id, name) as HR lists them.
async fn people_of(app: &App, hr: &str, unit: &str) -> Vec<(String, String)> {
    let r = app
        .get(&format!("/api/v1/people?unit={unit}&limit=200"), Some(hr))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn set_day(app: &App, who: &str, person: &str, day: Date, state: &str) {
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/plan/{person}/{day}"),
            Some(who),
            Some(json!({ "state": state, "allow_gap": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{person} {day}: {}", r.text());
}

/// Sets a person's own choice, as they would on their page.
async fn choose(app: &App, person: &str, share: Option<bool>) {
    let actor = app
        .core
        .identity
        .actor(person.parse::<uuid::Uuid>().unwrap().into())
        .await
        .unwrap()
        .unwrap();
    app.core
        .presence
        .set_share_choice(&actor, share)
        .await
        .unwrap();
}

/// What "who is in" names on `day`: the part of the page about the day.
async fn who_on(app: &App, cookie: &str, day: Date, unit: Option<&str>) -> String {
    let unit = unit.map(|u| format!("&enhet={u}")).unwrap_or_default();
    let r = app
        .get(&format!("/vem-ar-pa-plats?dag={day}{unit}"), Some(cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    html.split("id=\"who-day\"")
        .nth(1)
        .expect("the day's part")
        .split("</section>")
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn who_is_in_names_colleagues_who_share_and_only_counts_the_others() {
    let app = spawn_app().await;
    let (anna, chef, hr, bo) = (
        app.login("anna").await,
        app.login("chef").await,
        app.login("hr").await,
        app.login("bo").await,
    );
    let anna_id = app.id_of("anna").await;
    let me = app.get("/api/v1/me", Some(&anna)).await.json();
    let unit = me["unit"]["id"].as_str().unwrap().to_string();
    let colleagues: Vec<_> = people_of(&app, &hr, &unit)
        .await
        .into_iter()
        .filter(|(id, _)| *id != anna_id)
        .collect();
    assert!(colleagues.len() >= 3, "the demo unit has colleagues");
    let (x, y, z) = (&colleagues[0], &colleagues[1], &colleagues[2]);
    let day = a_wednesday(&app);
    // Everyone of the unit is somewhere that day; x and y on site, z at home.
    for (id, _) in &colleagues {
        set_day(&app, &hr, id, day, "remote").await;
    }
    set_day(&app, &hr, &x.0, day, "workplace").await;
    set_day(&app, &hr, &y.0, day, "workplace").await;
    set_day(&app, &hr, &z.0, day, "remote").await;

    // By the policy's default everyone shares: anna sees x and y.
    let seen = who_on(&app, &anna, day, None).await;
    assert!(seen.contains(&x.1) && seen.contains(&y.1), "{seen}");
    assert!(!seen.contains(&z.1), "z is at home: {seen}");
    assert!(!seen.contains("kollegor som inte visar"), "{seen}");

    // x turns it off: not named, counted; z (at home) never was on the list.
    choose(&app, &x.0, Some(false)).await;
    let seen = who_on(&app, &anna, day, None).await;
    assert!(!seen.contains(&x.1), "x does not share: {seen}");
    assert!(seen.contains(&y.1), "{seen}");
    assert!(
        seen.contains("Dessutom 1 kollegor som inte visar"),
        "{seen}"
    );

    // The unit's manager and HR see their unit as before: x too.
    for (who, cookie) in [("chef", &chef), ("hr", &hr)] {
        let seen = who_on(&app, cookie, day, Some(&unit)).await;
        assert!(seen.contains(&x.1) && seen.contains(&y.1), "{who}: {seen}");
        assert!(!seen.contains("kollegor som inte visar"), "{who}: {seen}");
    }
    // Someone of another unit does not see this one at all.
    let r = app
        .get(
            &format!("/vem-ar-pa-plats?dag={day}&enhet={unit}"),
            Some(&bo),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // HR makes "do not show" the policy's default: y, who never chose,
    // is no longer named; z chooses to share and x still does not.
    let mut body = policy_body();
    body["share_presence_default"] = json!(false);
    let r = app
        .call(
            Method::POST,
            "/api/v1/policy/versions",
            Some(&hr),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    set_day(&app, &hr, &z.0, day, "workplace").await;
    choose(&app, &z.0, Some(true)).await;
    let seen = who_on(&app, &anna, day, None).await;
    assert!(!seen.contains(&y.1), "y follows the policy: {seen}");
    assert!(!seen.contains(&x.1), "{seen}");
    assert!(seen.contains(&z.1), "z chose to share: {seen}");
    let hidden = colleagues.len() - 1;
    assert!(
        seen.contains(&format!("Dessutom {hidden} kollegor som inte visar")),
        "everyone but z is counted: {seen}"
    );
}

#[tokio::test]
async fn ones_own_choice_on_ones_page_and_through_the_api() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let me = app.get("/api/v1/me", Some(&anna)).await.json();
    assert_eq!(me["share_presence"], json!(true), "the policy's default");
    assert_eq!(me["share_presence_chosen"], json!(null));

    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"share_presence": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["share_presence"], json!(false));
    assert_eq!(r.json()["share_presence_chosen"], json!(false));
    // Left out: unchanged.
    let r = app
        .call(Method::PATCH, "/api/v1/me", Some(&anna), Some(json!({})))
        .await;
    assert_eq!(r.json()["share_presence_chosen"], json!(false));
    // null: follow the policy again.
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"share_presence": null})),
        )
        .await;
    assert_eq!(r.json()["share_presence_chosen"], json!(null));
    assert_eq!(r.json()["share_presence"], json!(true));
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"share_presence": "ja"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());

    // On her own page: the switch, marked as she chose, and saved by form.
    let anna_id = app.id_of("anna").await;
    let page = app.get(&format!("/personer/{anna_id}"), Some(&anna)).await;
    let html = page.text();
    assert!(html.contains("Visa för mina kollegor när jag är på plats"));
    assert!(html.contains(r#"value="policy" checked"#), "{html}");
    let r = form(
        &app.router,
        "/mitt-delande",
        Some(&anna),
        &[("csrf", &csrf_of(&html)), ("share", "no")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let me = app.get("/api/v1/me", Some(&anna)).await.json();
    assert_eq!(me["share_presence_chosen"], json!(false));
    let html = app
        .get(&format!("/personer/{anna_id}"), Some(&anna))
        .await
        .text();
    assert!(html.contains(r#"value="no" checked"#));
    // Nobody else's page has it.
    let chef = app.login("chef").await;
    let html = app
        .get(&format!("/personer/{anna_id}"), Some(&chef))
        .await
        .text();
    assert!(!html.contains("/mitt-delande"));
}

#[tokio::test]
async fn each_role_finds_on_the_start_page_what_waits_for_them() {
    let app = spawn_app().await;
    let (anna, chef, hr) = (
        app.login("anna").await,
        app.login("chef").await,
        app.login("hr").await,
    );
    let anna_id = app.id_of("anna").await;
    // Anna applies for 2 days a week (chef decides) and 3 (HR decides).
    let start = app.core.today() + Duration::days(7);
    let mut ids = vec![];
    for (days, from, to) in [
        (2, start, Some(start + Duration::days(90))),
        (3, start + Duration::days(120), None),
    ] {
        let r = app
            .call(
                Method::POST,
                "/api/v1/requests",
                Some(&anna),
                Some(request_body(days, from, to)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        ids.push(r.json()["id"].as_str().unwrap().to_string());
    }
    // A rule no plan can meet: chef's unit has gaps every day.
    let kc = app.get("/api/v1/me", Some(&chef)).await.json()["manages"][0]
        .as_str()
        .unwrap()
        .to_string();
    let chef_actor = app
        .core
        .identity
        .actor(
            app.id_of("chef")
                .await
                .parse::<uuid::Uuid>()
                .unwrap()
                .into(),
        )
        .await
        .unwrap()
        .unwrap();
    app.core
        .coverage
        .add_coverage_rule(
            &chef_actor,
            kc.parse::<uuid::Uuid>().unwrap().into(),
            distans_core::coverage::NewCoverageRule::parse("min_onsite", None, Some(5000), None)
                .unwrap(),
        )
        .await
        .unwrap();

    // The employee: her week, each open day a form; her agreement's state;
    // who of her unit is in; the menu's sections, none of a manager's.
    let html = app.get("/", Some(&anna)).await.text();
    assert!(html.contains("id=\"start-week\""));
    assert!(html.contains("id=\"start-agreement\""));
    assert!(html.contains("id=\"start-who\""), "who is in today");
    assert!(html.contains("Mitt arbete") && html.contains("Organisationen"));
    assert!(!html.contains("Enheter och bemanning"), "not a manager");
    assert!(!html.contains("id=\"start-units-today\""));
    assert!(
        !html.contains(&format!("/ansokningar/{}", ids[0])),
        "her own request"
    );
    // A day of the week changed from the start page, back to it.
    assert!(
        html.contains(r#"name="back" value="start""#),
        "a day to change"
    );
    let before = html.split(r#"name="back" value="start""#).next().unwrap();
    let date = before
        .rsplit("name=\"date\" value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = form(
        &app.router,
        &format!("/personer/{anna_id}/plan"),
        Some(&anna),
        &[
            ("csrf", &csrf_of(&html)),
            ("date", &date),
            ("state", "workplace"),
            ("back", "start"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.headers["location"], "/?sparat=1#start-week");
    let plan = app
        .get(
            &format!("/api/v1/plan?person={anna_id}&from={date}&to={date}"),
            Some(&anna),
        )
        .await
        .json();
    assert_eq!(plan["days"][0]["state"], json!("workplace"), "{plan}");
    assert_eq!(plan["days"][0]["source"], json!("occasional"), "{plan}");

    // The manager: the request to decide, a link to act; the unit today
    // and its gaps in words; the unit's section of the menu.
    let html = app.get("/", Some(&chef)).await.text();
    assert!(
        html.contains(&format!("/ansokningar/{}", ids[0])),
        "to decide"
    );
    assert!(!html.contains(&format!("/ansokningar/{}", ids[1])), "HR's");
    assert!(html.contains("id=\"start-units-today\""));
    assert!(html.contains("för få på plats"), "a gap in words");
    assert!(html.contains("Enheter och bemanning"));
    assert!(!html.contains("nav-h-admin"), "no administration");

    // HR: the request above the manager's limit, and the administration.
    let html = app.get("/", Some(&hr)).await.text();
    assert!(
        html.contains(&format!("/ansokningar/{}", ids[1])),
        "to decide"
    );
    assert!(html.contains("nav-h-admin"));
    assert!(!html.contains("id=\"start-units-today\""), "manages none");
}
