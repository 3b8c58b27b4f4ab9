//! The plan: the calendar feed, absences and closed days.

use axum::http::{header, Method, StatusCode};
use distans_core::kernel::dates::DateRange;
use serde_json::{json, Value};

use super::{csrf_of, form, ics_parsed, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_feed_shows_the_plan_and_can_be_renewed_and_revoked() {
    use distans_core::kernel::calendar::WorkCalendar;
    let app = spawn_app().await;
    let anna_id = app.id_of("anna").await;
    let anna = app.login("anna").await;
    // A remote day and a half day next week (Monday and Tuesday of a full week).
    let cal = WorkCalendar::default();
    let mut monday = app.core.today() + time::Duration::days(7);
    while monday.weekday() != time::Weekday::Monday
        || (0..5).any(|i| !cal.is_workday(monday + time::Duration::days(i)))
    {
        monday += time::Duration::days(1);
    }
    let tuesday = monday + time::Duration::days(1);
    for (day, body) in [
        (monday, json!({"state": "remote"})),
        (tuesday, json!({"state": "remote", "part": "am"})),
    ] {
        let r = app
            .call(
                Method::PUT,
                &format!("/api/v1/plan/{anna_id}/{day}"),
                Some(&anna),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }

    // The URL: made on the first call, the same after that.
    let r = app.get("/api/v1/me/calendar", Some(&anna)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let url = r.json()["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:8080/kalender/") && url.ends_with(".ics"),
        "{url}"
    );
    assert_eq!(
        app.get("/api/v1/me/calendar", Some(&anna)).await.json()["url"],
        url.as_str()
    );
    let path = url
        .strip_prefix("http://127.0.0.1:8080")
        .unwrap()
        .to_string();

    // The feed, without signing in.
    let r = app.get(&path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    assert!(r.cookie().is_none(), "a feed starts no session");
    let feed = ics_parsed(&r.body);
    assert_eq!(feed["name"], "Distans – Anna Lindqvist");
    let events = feed["events"].as_array().unwrap();
    let today = app.core.today();
    let expected: Vec<String> = cal
        .workdays(
            DateRange::new(
                ("from", "to"),
                today - time::Duration::days(28),
                today + time::Duration::days(91),
            )
            .unwrap(),
        )
        .iter()
        .map(|d| d.to_string())
        .collect();
    let starts: Vec<String> = events
        .iter()
        .map(|e| e["start"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(starts, expected, "one all-day event per workday");
    let summary_on = |d: time::Date| {
        events
            .iter()
            .find(|e| e["start"] == d.to_string().as_str())
            .unwrap()
            .clone()
    };
    let mon = summary_on(monday);
    assert_eq!(mon["summary"], "Distans");
    assert_eq!(
        mon["end"],
        (monday + time::Duration::days(1)).to_string().as_str(),
        "an all-day event ends the next day (exclusive)"
    );
    assert_eq!(mon["uid"], format!("{monday}-{anna_id}@distans").as_str());
    assert_eq!(mon["transp"], "TRANSPARENT");
    let tue = summary_on(tuesday);
    assert_eq!(tue["summary"], "Distans (fm)");
    assert!(
        tue["description"]
            .as_str()
            .unwrap()
            .contains("Eftermiddag: På arbetsplatsen"),
        "{tue}"
    );
    assert_eq!(
        summary_on(monday + time::Duration::days(2))["summary"],
        "På arbetsplatsen"
    );
    let mut uids: Vec<&str> = events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
    // Fetched again: the same UIDs, so calendars update instead of duplicating.
    let again = ics_parsed(&app.get(&path, None).await.body);
    assert_eq!(again["events"][0]["uid"], events[0]["uid"]);

    // Junk and unknown secrets: 404.
    for bad in [
        "/kalender/finns-inte.ics",
        "/kalender/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",
        "/kalender/.ics",
    ] {
        assert_eq!(
            app.get(bad, None).await.status,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }

    // Renewing: the old URL stops working, the new one works.
    let r = app
        .call(
            Method::POST,
            "/api/v1/me/calendar/reset",
            Some(&anna),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let url2 = r.json()["url"].as_str().unwrap().to_string();
    assert_ne!(url2, url);
    let path2 = url2
        .strip_prefix("http://127.0.0.1:8080")
        .unwrap()
        .to_string();
    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path2, None).await.status, StatusCode::OK);

    // Revoking: gone, and a later GET makes a new one.
    let r = app
        .call(Method::DELETE, "/api/v1/me/calendar", Some(&anna), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path2, None).await.status, StatusCode::NOT_FOUND);

    // The page: no link now; make one, renew it, remove it — with CSRF, no JavaScript.
    let page = app.get("/mina-nycklar", Some(&anna)).await.text();
    assert!(page.contains("Du har ingen kalenderlänk"), "{page}");
    let csrf = csrf_of(&page);
    let r = form(
        &app.router,
        "/mina-nycklar/kalender/skapa",
        Some(&anna),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the form needs its token");
    let r = form(
        &app.router,
        "/mina-nycklar/kalender/skapa",
        Some(&anna),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let url3 = app.get("/api/v1/me/calendar", Some(&anna)).await.json()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let page = app.get("/mina-nycklar", Some(&anna)).await.text();
    assert!(page.contains(&url3), "the page shows the URL");
    let r = form(
        &app.router,
        "/mina-nycklar/kalender/byt",
        Some(&anna),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get("/mina-nycklar", Some(&anna)).await.text();
    assert!(!page.contains(&url3), "renewed");
    let path3 = url3
        .strip_prefix("http://127.0.0.1:8080")
        .unwrap()
        .to_string();
    assert_eq!(app.get(&path3, None).await.status, StatusCode::NOT_FOUND);
    let r = form(
        &app.router,
        "/mina-nycklar/kalender/ta-bort",
        Some(&anna),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app
        .get("/mina-nycklar", Some(&anna))
        .await
        .text()
        .contains("Du har ingen kalenderlänk"));

    // Every change is in the audit log, never with the secret.
    let hr = app.login("hr").await;
    let log = app
        .get(
            &format!("/api/v1/audit?entity=person&entity_id={anna_id}&limit=100"),
            Some(&hr),
        )
        .await
        .json();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| a.starts_with("calendar."))
        .collect();
    assert_eq!(
        actions,
        vec![
            "calendar.revoke",
            "calendar.reset",
            "calendar.create",
            "calendar.revoke",
            "calendar.reset",
            "calendar.create"
        ],
        "newest first"
    );
    assert!(!log
        .to_string()
        .contains(&url2[url2.len() - 47..url2.len() - 4]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absences_through_the_api_show_in_the_plan() {
    use distans_core::kernel::calendar::WorkCalendar;
    let app = spawn_app().await;
    let anna_id = app.id_of("anna").await;
    let anna = app.login("anna").await;
    let cal = WorkCalendar::default();
    let mut monday = app.core.today() + time::Duration::days(7);
    while monday.weekday() != time::Weekday::Monday
        || (0..5).any(|i| !cal.is_workday(monday + time::Duration::days(i)))
    {
        monday += time::Duration::days(1);
    }
    let wednesday = monday + time::Duration::days(2);
    let post = |body: Value| {
        let app = &app;
        let anna = anna.clone();
        async move {
            app.call(Method::POST, "/api/v1/absences", Some(&anna), Some(body))
                .await
        }
    };
    let r = post(json!({"first_day": monday.to_string(), "last_day": wednesday.to_string()})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let absence = r.json();
    assert_eq!(absence["person"], anna_id.as_str());
    assert_eq!(absence["source"], "manual");
    let id = absence["id"].as_str().unwrap().to_string();

    // The plan says absent, because of the absence, Monday to Wednesday only.
    let plan = app
        .get(
            &format!(
                "/api/v1/plan?from={monday}&to={}",
                monday + time::Duration::days(4)
            ),
            Some(&anna),
        )
        .await
        .json();
    let days: Vec<(String, String)> = plan["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["state"].as_str().unwrap().to_string(),
                d["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        days,
        vec![
            ("absent".into(), "absence".into()),
            ("absent".into(), "absence".into()),
            ("absent".into(), "absence".into()),
            ("workplace".into(), "default".into()),
            ("workplace".into(), "default".into()),
        ]
    );

    // Bad input names the field.
    for (body, status, field) in [
        (
            json!({"first_day": "måndag", "last_day": monday.to_string()}),
            400,
            "first_day",
        ),
        (
            json!({"first_day": wednesday.to_string(), "last_day": monday.to_string()}),
            400,
            "last_day",
        ),
        (
            json!({"person": "x", "first_day": monday.to_string(), "last_day": monday.to_string()}),
            400,
            "person",
        ),
        (json!({"first_day": monday.to_string()}), 400, "last_day"),
        (
            json!({"first_day": "2030-01-01", "last_day": "2031-01-05"}),
            422,
            "last_day",
        ),
    ] {
        let r = post(body.clone()).await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.text());
        assert_eq!(r.json()["error"]["field"], field, "{body}");
    }
    let r =
        post(json!({"first_day": wednesday.to_string(), "last_day": wednesday.to_string()})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "overlaps: {}", r.text());

    // Listed for her manager, not for another manager; bounded.
    let chef = app.login("chef").await;
    let list = app
        .get(&format!("/api/v1/absences?person={anna_id}"), Some(&chef))
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let bygg = app.login("bygg").await;
    assert_eq!(
        app.get(&format!("/api/v1/absences?person={anna_id}"), Some(&bygg))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .get(
            "/api/v1/absences?from=2026-01-01&to=2029-01-01",
            Some(&anna),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "to");

    // The auditor sees but may not remove; HR may.
    let revisor = app.login("revisor").await;
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/absences/{id}"),
            Some(&revisor),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let hr = app.login("hr").await;
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/absences/{id}"),
            Some(&hr),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let plan = app
        .get(
            &format!("/api/v1/plan?from={monday}&to={monday}"),
            Some(&anna),
        )
        .await
        .json();
    assert_eq!(plan["days"][0]["source"], "default");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_days_from_the_api_and_the_page() {
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let anna = app.login("anna").await;
    let anna_id = app.id_of("anna").await;
    // A Monday well ahead that is not a holiday.
    let cal = distans_core::kernel::calendar::WorkCalendar::default();
    let mut day = app.core.today() + time::Duration::days(40);
    while day.weekday() != time::Weekday::Monday
        || !cal.is_workday(day)
        || !cal.is_workday(day + time::Duration::days(1))
    {
        day += time::Duration::days(1);
    }
    let year = day.year();
    let r = app
        .call(
            Method::POST,
            "/api/v1/closed-days",
            Some(&hr),
            Some(json!({"date": day.to_string(), "name": "Klämdag"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = app
        .call(
            Method::POST,
            "/api/v1/closed-days",
            Some(&hr),
            Some(json!({"date": day.to_string(), "name": "Igen"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    for (body, status, field) in [
        (json!({"date": "31/12", "name": "x"}), 400, "date"),
        (json!({"date": day.to_string(), "name": " "}), 400, "name"),
        (
            json!({"date": format!("{year}-12-25"), "name": "Jul"}),
            422,
            "date",
        ),
        (json!({"name": "x"}), 400, "date"),
    ] {
        let r = app
            .call(
                Method::POST,
                "/api/v1/closed-days",
                Some(&hr),
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.text());
        assert_eq!(r.json()["error"]["field"], field, "{body}");
    }
    let list = app
        .get(&format!("/api/v1/closed-days?year={year}"), Some(&anna))
        .await
        .json();
    assert_eq!(
        list["items"],
        json!([{"date": day.to_string(), "name": "Klämdag"}])
    );
    // The plan skips it, and an occasional day cannot be set on it.
    let plan = app
        .get(
            &format!(
                "/api/v1/plan?from={day}&to={}",
                day + time::Duration::days(1)
            ),
            Some(&anna),
        )
        .await
        .json();
    assert_eq!(plan["days"].as_array().unwrap().len(), 1);
    assert_ne!(plan["days"][0]["date"], day.to_string().as_str());
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/plan/{anna_id}/{day}"),
            Some(&anna),
            Some(json!({"state": "remote"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The page lists the holidays and the closed day; HR removes it with a form.
    let page = app
        .get(&format!("/arbetsdagar?ar={year}"), Some(&hr))
        .await
        .text();
    assert!(page.contains("Arbetsdagar och helgdagar"));
    assert!(page.contains("Juldagen") && page.contains("Midsommarafton"));
    assert!(page.contains("Klämdag"));
    assert!(page.contains("<label for=\"f-date\">"), "HR has the form");
    let anna_page = app
        .get(&format!("/arbetsdagar?ar={year}"), Some(&anna))
        .await
        .text();
    assert!(anna_page.contains("Klämdag") && !anna_page.contains("f-date"));
    let csrf = csrf_of(&page);
    // A bad form comes back with the error at the field.
    let r = form(
        &app.router,
        "/arbetsdagar",
        Some(&hr),
        &[
            ("csrf", &csrf),
            ("date", &format!("{year}-12-25")),
            ("name", "Jul"),
            ("ar", &year.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("error-summary") && r.text().contains("aria-invalid=\"true\""));
    let r = form(
        &app.router,
        &format!("/arbetsdagar/{day}/ta-bort"),
        Some(&hr),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers[header::LOCATION],
        format!("/arbetsdagar?ar={year}").as_str()
    );
    let other = (day + time::Duration::days(1)).to_string();
    let r = form(
        &app.router,
        "/arbetsdagar",
        Some(&hr),
        &[
            ("csrf", &csrf),
            ("date", &other),
            ("name", "Personaldag"),
            ("ar", &year.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = app
        .get(&format!("/api/v1/closed-days?year={year}"), Some(&hr))
        .await
        .json();
    assert_eq!(
        list["items"],
        json!([{"date": other, "name": "Personaldag"}])
    );
    // The page in English.
    let en = app
        .get(
            &format!("/arbetsdagar?ar={year}"),
            Some(&format!("{hr}; lang=en")),
        )
        .await
        .text();
    assert!(en.contains("Workdays and holidays"));
}

/// The plan's day form preselects nothing: a day is saved only where the
/// person chose, and a form sent without a choice says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_day_form_preselects_nothing() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let id = app.id_of("anna").await;
    // A week ahead: this week's days may all have passed (at a weekend).
    let d = app.core.today() + time::Duration::days(14);
    let ahead = format!("{}-W{:02}", d.to_iso_week_date().0, d.iso_week());
    let page = app
        .get(&format!("/personer/{id}/plan?vecka={ahead}"), Some(&anna))
        .await
        .text();
    let select = &page[page.find("name=\"state\"").expect("a day form")..];
    let first = &select[select.find("<option").unwrap()..];
    assert!(
        first.starts_with("<option value=\"\">Välj …</option>"),
        "{first}"
    );
    assert!(!select[..select.find("</select>").unwrap()].contains("selected"));
    let day = (app.core.today() + time::Duration::days(21)).to_string();
    let csrf = csrf_of(&page);
    let r = form(
        &app.router,
        &format!("/personer/{id}/plan"),
        Some(&anna),
        &[("csrf", &csrf), ("date", &day), ("state", ""), ("part", "")],
    )
    .await;
    assert!(
        r.text().contains("Välj var du arbetar den dagen."),
        "{}",
        r.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_page_shows_the_persons_week_as_the_plan_has_it() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let start = app.get("/", Some(&anna)).await.text();
    let week = start
        .split("id=\"start-week\"")
        .nth(1)
        .expect("the week on the start page")
        .split("</section>")
        .next()
        .unwrap();
    // Monday to Friday of this week (the next at a weekend), each in words.
    let today = app.core.today();
    let n = i64::from(today.weekday().number_days_from_monday());
    let monday = if n >= 5 {
        today + time::Duration::days(7 - n)
    } else {
        today - time::Duration::days(n)
    };
    // Each day as the plan has it: the API's state, in words on the page.
    let anna_id = app.id_of("anna").await;
    let friday = monday + time::Duration::days(4);
    let plan = app
        .get(
            &format!("/api/v1/plan?person={anna_id}&from={monday}&to={friday}"),
            Some(&anna),
        )
        .await
        .json();
    let days = plan["days"].as_array().unwrap();
    assert_eq!(days.len(), 5);
    assert_eq!(week.matches("<li class=\"st-").count(), 5, "{week}");
    for (d, li) in days.iter().zip(week.split("<li").skip(1)) {
        let state = d["state"].as_str().unwrap();
        assert!(
            li.starts_with(&format!(" class=\"st-{state}")) || li.starts_with(" class=\"st-off"),
            "{state}: {li}"
        );
    }
    for li in week.split("<li").skip(1) {
        let said = li.split("</strong>: ").nth(1).unwrap_or("");
        assert!(
            !said.is_empty() && !said.starts_with('<'),
            "a day in words: {li}"
        );
    }
    assert!(week.contains("href=\"/plan\""));
}
