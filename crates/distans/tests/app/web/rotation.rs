//! The rotation planner over HTTP, and a rotation from stored data explained
//! and published into the plan.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rotation_planner_over_http() {
    let app = spawn_app().await;
    let input = json!({
        "horizon": {"start": "2026-01-05", "weeks": 1},
        "employees": [
            {"id": "e1", "unit": "reception", "skills": ["reception"], "remote_target_per_week": 2},
            {"id": "e2", "unit": "reception", "skills": ["reception"], "remote_target_per_week": 2},
            {"id": "e3", "unit": "reception", "remote_target_per_week": 2}
        ],
        "rules": {"coverage": [{"unit": "reception", "skill": "reception", "min_onsite": 1, "weekdays": null}]}
    });
    let statuses: Vec<u16> = {
        let mut v = vec![app
            .call(Method::POST, "/api/v1/rotation", None, Some(input.clone()))
            .await
            .status
            .as_u16()];
        for who in ["anna", "chef", "bygg", "hr", "admin", "revisor"] {
            let c = app.login(who).await;
            v.push(
                app.call(
                    Method::POST,
                    "/api/v1/rotation",
                    Some(&c),
                    Some(input.clone()),
                )
                .await
                .status
                .as_u16(),
            );
        }
        v
    };
    assert_eq!(statuses, vec![401, 403, 200, 200, 200, 403, 403]);
    let chef = app.login("chef").await;
    let out = app
        .call(
            Method::POST,
            "/api/v1/rotation?time_limit=5",
            Some(&chef),
            Some(input.clone()),
        )
        .await
        .json();
    assert_eq!(out["status"], "optimal");
    assert_eq!(out["cost"], 0);
    assert_eq!(out["plan"]["e1"].as_object().unwrap().len(), 5);
    let mut bad = input.clone();
    bad["employees"][1]["fixed_remote"] = json!(["sat"]);
    let r = app
        .call(Method::POST, "/api/v1/rotation", Some(&chef), Some(bad))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["field"]
            .as_str()
            .unwrap()
            .contains("employees[1].fixed_remote"),
        "{}",
        r.text()
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/rotation?time_limit=0",
            Some(&chef),
            Some(input),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "time_limit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_from_stored_data_is_explained_and_published_into_the_plan() {
    let app = spawn_app().await;
    let chef = app.login("chef").await;
    let hr = app.login("hr").await;
    let me = app
        .call(Method::GET, "/api/v1/me", Some(&chef), None)
        .await
        .json();
    let unit = me["manages"][0].as_str().unwrap().to_string();
    let mut monday = app.core.today() + time::Duration::days(21);
    while monday.weekday() != time::Weekday::Monday {
        monday += time::Duration::days(1);
    }
    // A crisis: everyone may work three days a week remotely, without an agreement.
    let r = app
        .call(
            Method::POST,
            "/api/v1/temporary-decisions",
            Some(&hr),
            Some(json!({"title": "Rotation", "description": "e2e", "start": app.core.today().to_string(),
                "end": (monday + time::Duration::days(60)).to_string(), "max_remote_days": 3, "without_agreement": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Half the unit must be on site.
    let people = app
        .call(
            Method::GET,
            &format!("/api/v1/units/{unit}"),
            Some(&chef),
            None,
        )
        .await
        .json()["people"]
        .as_i64()
        .unwrap();
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/units/{unit}/coverage-rules"),
            Some(&chef),
            Some(json!({"min_onsite": people / 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let body = json!({"unit": unit, "from": monday.to_string(), "weeks": 2});
    let r = app
        .call(
            Method::POST,
            "/api/v1/rotation?time_limit=5",
            Some(&chef),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let out = r.json();
    assert_ne!(out["status"], "infeasible", "{out}");
    assert_eq!(out["plan"].as_object().unwrap().len() as i64, people);
    assert_eq!(out["input"]["employees"][0]["remote_target_per_week"], 3);
    // Everyone wants 3 of 5 days at home but half must be in: shortfalls, explained.
    let shortfalls = out["shortfalls"].as_array().unwrap();
    assert!(!shortfalls.is_empty());
    assert!(
        shortfalls[0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("on site"),
        "{out}"
    );
    // The planner's own checker agrees with the cost it reports.
    let input: distans_planner::Input = serde_json::from_value(out["input"].clone()).unwrap();
    let output: distans_planner::Output = serde_json::from_value(out.clone()).unwrap();
    assert_eq!(
        distans_planner::check::check(&input, &output),
        Ok(output.cost)
    );
    // Published, it is everyone's plan for those days.
    // Anna sets a day of her own where the proposal has her on site: the
    // plan will show her day, not the proposal's. Publishing says so first.
    let anna = app.login("anna").await;
    let anna_id = app.id_of("anna").await;
    let (own_day, _) = out["plan"][&anna_id]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, s)| *s == "onsite")
        .expect("a day on site");
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/plan/{anna_id}/{own_day}"),
            Some(&anna),
            Some(json!({"state": "remote"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let publish = |confirm: bool| {
        json!({"unit": unit, "from": monday.to_string(), "weeks": 2, "plan": out["plan"],
            "confirm_differences": confirm})
    };
    let r = app
        .call(
            Method::POST,
            "/api/v1/rotation/publish",
            Some(&chef),
            Some(publish(false)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("Anna Lindqvist") && message.contains(own_day.as_str()),
        "{message}"
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/rotation/publish",
            Some(&chef),
            Some(publish(true)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // What was confirmed is what shows: the proposal, but for Anna's own day.
    let days = app
        .get(
            &format!(
                "/api/v1/plan?person={anna_id}&from={monday}&to={}",
                monday + time::Duration::days(11)
            ),
            Some(&chef),
        )
        .await
        .json();
    for d in days["days"].as_array().unwrap() {
        let date = d["date"].as_str().unwrap();
        if date == own_day {
            assert_eq!(
                (&d["state"], &d["source"]),
                (&json!("remote"), &json!("occasional"))
            );
        } else if let Some(want) = out["plan"][&anna_id][date]
            .as_str()
            .filter(|s| *s != "absent")
        {
            let want = if want == "onsite" { "workplace" } else { want };
            assert_eq!(
                (d["state"].as_str().unwrap(), d["source"].as_str().unwrap()),
                (want, "rotation"),
                "{d}"
            );
        }
    }
    let (person, cells) = out["plan"].as_object().unwrap().iter().next().unwrap();
    let plan = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/plan?person={person}&from={monday}&to={}",
                monday + time::Duration::days(4)
            ),
            Some(&chef),
            None,
        )
        .await
        .json();
    for d in plan["days"].as_array().unwrap() {
        let want = match cells[d["date"].as_str().unwrap()].as_str().unwrap() {
            "onsite" => "workplace",
            other => other,
        };
        assert_eq!(d["state"], want, "{d}");
        assert_eq!(d["source"], "rotation");
    }
    // A plan that breaks the unit's rule is refused.
    let everyone_home: serde_json::Map<String, Value> = out["plan"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, cells)| {
            let c: serde_json::Map<String, Value> = cells
                .as_object()
                .unwrap()
                .keys()
                .map(|d| (d.clone(), json!("remote")))
                .collect();
            (p.clone(), Value::Object(c))
        })
        .collect();
    let r = app
        .call(
            Method::POST,
            "/api/v1/rotation/publish",
            Some(&chef),
            Some(json!({"unit": unit, "from": monday.to_string(), "weeks": 2, "plan": everyone_home})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agreement_gives_remote_days_only_while_it_applies() {
    let app = spawn_app().await;
    let (anna, chef) = (app.login("anna").await, app.login("chef").await);
    let anna_id = app.id_of("anna").await;
    // Whatever Anna had ends, with its notice, well before the horizon.
    use distans_core::store::AgreementsPort;
    let mine = app
        .store
        .agreements_of(anna_id.parse::<uuid::Uuid>().unwrap().into())
        .await
        .unwrap();
    for g in mine {
        if g.state == distans_core::agreements::AgreementState::Active && g.ends_on.is_none() {
            let r = app
                .call(
                    Method::POST,
                    &format!("/api/v1/agreements/{}/end", g.id),
                    Some(&anna),
                    Some(json!({"reason": "ny period"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
    }
    let mut monday = app.core.today() + time::Duration::days(400);
    while monday.weekday() != time::Weekday::Monday {
        monday += time::Duration::days(1);
    }
    // A new agreement from the horizon's second week.
    let start = monday + time::Duration::days(7);
    let r = app
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(&anna),
            Some(
                json!({"days_per_week": 2, "start": start.to_string(), "reason": "Pendling",
                "confirmations": ["wifi", "it-security", "vpn", "home-insurance"]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/requests/{id}/decision"),
            Some(&chef),
            Some(json!({"decision": "approve", "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let gid = r.json()["agreement_id"].as_str().unwrap().to_string();
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/agreements/{gid}/send"),
            Some(&chef),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for who in [&anna, &chef] {
        let r = app
            .call(
                Method::POST,
                &format!("/api/v1/agreements/{gid}/sign"),
                Some(who),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }

    let unit = app.get("/api/v1/me", Some(&chef)).await.json()["manages"][0]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call(
            Method::POST,
            "/api/v1/rotation?time_limit=3",
            Some(&chef),
            Some(json!({"unit": unit, "from": monday.to_string(), "weeks": 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let out = r.json();
    let days = out["plan"][&anna_id].as_object().unwrap();
    let remote = |week: i64| {
        days.iter()
            .filter(|(d, s)| {
                let d = time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE)
                    .unwrap();
                (d - monday).whole_days() / 7 == week && *s == "remote"
            })
            .count()
    };
    assert_eq!(remote(0), 0, "before the agreement starts: {days:?}");
    assert_eq!(remote(1), 2, "while it applies: {days:?}");
}
