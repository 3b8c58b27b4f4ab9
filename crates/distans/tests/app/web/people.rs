//! What each role sees of a person, of the organisation's lists and of the
//! audit log.

use axum::http::StatusCode;
use serde_json::json;

use super::followups::followup_setup;
use super::{csrf_of, form, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_each_role_sees_of_a_person() {
    let app = spawn_app().await;
    let anna = app.id_of("anna").await;
    let chef = app.login("chef").await;
    let v = app
        .get(&format!("/api/v1/people/{anna}"), Some(&chef))
        .await
        .json();
    assert_eq!(v["name"], "Anna Lindqvist");
    assert_eq!(v["visibility"], "full");
    assert!(v["skills"].is_array() && v["commute_km"].is_number());
    assert_eq!(v["roles"], json!(["employee"]));
    assert_eq!(v["unit"]["name"].as_str().unwrap(), "Kontaktcenter Norr");
    let admin = app.login("admin").await;
    let v = app
        .get(&format!("/api/v1/people/{anna}"), Some(&admin))
        .await
        .json();
    assert_eq!(v["visibility"], "directory");
    assert!(
        v.get("commute_km").is_none() && v.get("skills").is_none(),
        "{v}"
    );
    let page = app
        .get(&format!("/personer/{anna}"), Some(&admin))
        .await
        .text();
    assert!(!page.contains("Pendling"));

    // me: the shape of api.md.
    let me = app.get("/api/v1/me", Some(&chef)).await.json();
    for k in ["id", "name", "roles", "unit", "manages"] {
        assert!(me.get(k).is_some(), "me has {k}");
    }
    assert_eq!(me["roles"], json!(["employee", "manager"]));
    assert_eq!(me["manages"].as_array().unwrap().len(), 1);

    // A manager sees the people of their unit on the unit page; another manager does not.
    let kc = me["manages"][0].as_str().unwrap().to_string();
    let page = app.get(&format!("/enheter/{kc}"), Some(&chef)).await.text();
    assert!(page.contains("Anna Lindqvist"));
    let bygg = app.login("bygg").await;
    let page = app.get(&format!("/enheter/{kc}"), Some(&bygg)).await.text();
    assert!(!page.contains("Anna Lindqvist"));

    // Lists are paged and bounded.
    let hr = app.login("hr").await;
    let p = app
        .get("/api/v1/people?limit=5&offset=5", Some(&hr))
        .await
        .json();
    assert_eq!(p["items"].as_array().unwrap().len(), 5);
    assert_eq!(p["total"], 300);
    assert_eq!(p["next"], 10);
    let p = app
        .get("/api/v1/people?q=lindqvist", Some(&hr))
        .await
        .json();
    assert!(p["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == anna.as_str()));
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
        ("unit=zzz", "unit"),
        ("limit=abc", "limit"),
    ] {
        let r = app.get(&format!("/api/v1/people?{q}"), Some(&hr)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.json()["error"]["field"], field, "{q}: {}", r.text());
    }
    let u = app.get("/api/v1/units?depth=1", Some(&hr)).await.json();
    assert_eq!(u["total"], 7, "kommun and six förvaltningar");
    let audit = app
        .get("/api/v1/audit?entity=person&limit=3", Some(&hr))
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 3);
    assert!(audit["total"].as_i64().unwrap() >= 300);
    let r = app.get("/api/v1/audit?from=igår", Some(&hr)).await;
    assert_eq!(r.json()["error"]["field"], "from");
    let v = app.get("/api/v1/audit/verify", Some(&hr)).await.json();
    assert_eq!(v["ok"], true);
}

/// HR and administrators add and change people through the API; a stale
/// version changes nothing; every change is in the audit log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hr_adds_and_changes_a_person() {
    use axum::http::Method;
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let units = app.get("/api/v1/units?depth=1", Some(&hr)).await.json();
    let unit = units["items"][1]["id"].as_str().unwrap().to_string();
    let body = json!({
        "employee_number": "N-100", "given_name": "Nora", "family_name": "Ny",
        "email": "nora@kommun.se", "unit_id": unit, "skills": ["Lön"], "roles": ["auditor"],
        "username": "nora",
    });
    let r = app
        .call(
            Method::POST,
            "/api/v1/people",
            Some(&hr),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let p = r.json();
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["roles"], json!(["employee", "auditor"]));
    assert_eq!(p["skills"], json!(["lön"]));
    assert_eq!(p["username"], "nora");
    let r = app
        .call(Method::POST, "/api/v1/people", Some(&hr), Some(body))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the employee number is taken: {}",
        r.text()
    );
    let r = app
        .call(Method::POST, "/api/v1/people", Some(&hr),
            Some(json!({"employee_number": "N-101", "given_name": "A", "family_name": "B", "unit_id": unit, "email": "nope"})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "email");

    let admin = app.login("admin").await;
    let path = format!("/api/v1/people/{id}");
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"version": 1, "title": "Lönehandläggare", "email": ""})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["title"], "Lönehandläggare");
    assert_eq!(r.json()["email"], serde_json::Value::Null);
    assert_eq!(r.json()["given_name"], "Nora", "what was not sent is kept");
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&hr),
            Some(json!({"version": 1, "title": "Stale"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let v = app.get(&path, Some(&hr)).await.json();
    assert_eq!(
        v["title"], "Lönehandläggare",
        "a stale change writes nothing"
    );
    let anna = app.login("anna").await;
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&anna),
            Some(json!({"version": 2, "title": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let log = app
        .get(
            &format!("/api/v1/audit?entity=person&entity_id={id}"),
            Some(&hr),
        )
        .await
        .json();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["person.update", "person.create"], "{log}");
}

/// HR changes a person in the pages; a move to another unit is checked
/// first, and the new manager then decides whether the agreement stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hr_moves_a_person_and_the_new_manager_keeps_their_agreement() {
    let app = spawn_app().await;
    let (agreement, _, _) = followup_setup(&app).await;
    let bo = app.id_of("bo").await;
    let (hr, chef) = (app.login("hr").await, app.login("chef").await);
    let kc = app.get("/api/v1/me", Some(&chef)).await.json()["manages"][0]
        .as_str()
        .unwrap()
        .to_string();

    // The person's page offers HR the form, not a manager.
    let page = app.get(&format!("/personer/{bo}"), Some(&hr)).await.text();
    assert!(page.contains(&format!("/personer/{bo}/andra")), "{page}");
    let path = format!("/personer/{bo}/andra");
    assert_eq!(
        app.get(&path, Some(&chef)).await.status,
        StatusCode::FORBIDDEN
    );
    let page = app.get(&path, Some(&hr)).await.text();
    let csrf = csrf_of(&page);
    assert!(
        page.contains(&format!("value=\"{kc}\"")),
        "the units to choose from"
    );
    let v = app
        .get(&format!("/api/v1/people/{bo}"), Some(&hr))
        .await
        .json();
    let version = v["version"].as_i64().unwrap().to_string();
    let given = v["given_name"].as_str().unwrap().to_string();
    let family = v["family_name"].as_str().unwrap().to_string();
    let number = v["employee_number"].as_str().unwrap().to_string();
    let unit = v["unit"]["id"].as_str().unwrap().to_string();
    let fields = |unit: &str, email: &str| {
        vec![
            ("csrf".to_string(), csrf.clone()),
            ("version".into(), version.clone()),
            ("given_name".into(), given.clone()),
            ("family_name".into(), family.clone()),
            ("employee_number".into(), number.clone()),
            ("email".into(), email.to_string()),
            ("title".into(), "Bygglovshandläggare".into()),
            ("unit_id".into(), unit.to_string()),
            ("site_id".into(), String::new()),
            ("skills".into(), "bygglov, växel".into()),
            ("roles".into(), "auditor".into()),
        ]
    };
    let send = |f: Vec<(String, String)>| {
        let app = &app;
        let hr = hr.clone();
        let path = path.clone();
        async move {
            let pairs: Vec<(&str, &str)> =
                f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            form(&app.router, &path, Some(&hr), &pairs).await
        }
    };

    // A bad address is shown at its field and changes nothing.
    let r = send(fields(&unit, "inte-en-adress")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("id=\"e-email\""), "{}", r.text());

    // A move is checked first: nothing changes until it is confirmed.
    let r = send(fields(&kc, "bo@example.se")).await;
    assert_eq!(r.status, StatusCode::OK);
    let check = r.text();
    assert!(check.contains("Kontrollera flytten"), "{check}");
    assert!(check.contains("bekräftar eller avslutar dem: 1"), "{check}");
    let still = app
        .get(&format!("/api/v1/people/{bo}"), Some(&hr))
        .await
        .json();
    assert_eq!(still["unit"]["id"], unit.as_str());
    let mut confirmed = fields(&kc, "bo@example.se");
    confirmed.push(("confirm".into(), "1".into()));
    let r = send(confirmed.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let moved = app
        .get(&format!("/api/v1/people/{bo}"), Some(&hr))
        .await
        .json();
    assert_eq!(moved["unit"]["id"], kc.as_str());
    assert_eq!(moved["email"], "bo@example.se");
    assert_eq!(moved["skills"], json!(["bygglov", "växel"]));
    assert!(moved["roles"]
        .as_array()
        .unwrap()
        .contains(&json!("auditor")));
    // The person's page tells the change in words, to those who read the log.
    let page = app.get(&format!("/personer/{bo}"), Some(&hr)).await.text();
    let history = &page[page.find("id=\"history\"").expect("a history")..];
    let old_unit = v["unit"]["name"].as_str().unwrap();
    for words in [
        "Uppgifterna ändrades",
        "Hemenhet",
        &format!("från {old_unit} till Kontaktcenter Norr"),
        &format!("från {} till bo@example.se", v["email"].as_str().unwrap()),
        "från – till revisor",
    ] {
        assert!(history.contains(words), "{words}: {history}");
    }
    assert!(
        !history.contains(&kc) && !history.contains("person.update"),
        "{history}"
    );
    let page = app
        .get(&format!("/personer/{bo}"), Some(&chef))
        .await
        .text();
    assert!(!page.contains("id=\"history\""), "not for a manager");
    let log = app
        .get(&format!("/logg?typ=person&post={bo}"), Some(&hr))
        .await
        .text();
    assert!(log.contains("bara ändringarna av en post"), "{log}");
    // In words: what was done and which field, never codes or ids.
    assert!(
        log.contains("Uppgifterna ändrades") && !log.contains("Språket ändrades"),
        "{log}"
    );
    assert!(
        !log.contains("person.update") && !log.contains(&format!(">{bo}<")),
        "{log}"
    );
    // Filtered by who, what and when.
    // (The days are local; around midnight the change may be on either.)
    let today = app.core.today();
    let (yesterday, tomorrow) = (
        today - time::Duration::days(1),
        today + time::Duration::days(1),
    );
    let by_hr = app
        .get(
            &format!("/logg?vem=Helena&typ=person&fran={yesterday}&till={tomorrow}"),
            Some(&hr),
        )
        .await
        .text();
    assert!(by_hr.contains("Uppgifterna ändrades"), "{by_hr}");
    assert!(by_hr.contains("<td>Helena Ahlgren</td>"), "{by_hr}");
    let before = app
        .get(
            &format!("/logg?vem=Helena&till={}", today - time::Duration::days(2)),
            Some(&hr),
        )
        .await
        .text();
    assert!(
        !before.contains("Uppgifterna ändrades"),
        "nothing before today"
    );
    let nobody = app.get("/logg?vem=Zyxw&fran=igår", Some(&hr)).await;
    assert_eq!(nobody.status, StatusCode::OK);
    let nobody = nobody.text();
    assert!(
        nobody.contains("Ingen person heter så.") || nobody.contains("Skriv datumet som"),
        "{nobody}"
    );
    assert!(nobody.contains("aria-invalid=\"true\""), "{nobody}");
    // The same form again is stale: a clear message, nothing lost.
    let r = send(confirmed).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains("Någon annan har ändrat personen"),
        "{}",
        r.text()
    );

    // The agreement is now the new manager's task, and theirs to keep.
    let tasks = app
        .get("/api/v1/agreements-to-confirm", Some(&chef))
        .await
        .json();
    assert_eq!(tasks["items"][0]["id"], agreement.to_string(), "{tasks}");
    assert_eq!(tasks["items"][0]["moved_to"], kc.as_str());
    let start = app.get("/", Some(&chef)).await.text();
    assert!(
        start.contains(&format!("/overenskommelser/{agreement}")),
        "{start}"
    );
    let list = app
        .get("/overenskommelser-att-bekrafta", Some(&chef))
        .await
        .text();
    assert!(
        list.contains(&format!("/overenskommelser/{agreement}")),
        "{list}"
    );
    let g_page = app
        .get(&format!("/overenskommelser/{agreement}"), Some(&chef))
        .await
        .text();
    assert!(g_page.contains("/bekrafta"), "{g_page}");
    let g = app
        .get(&format!("/api/v1/agreements/{agreement}"), Some(&chef))
        .await
        .json();
    let ccsrf = csrf_of(&g_page);
    let gv = g["version"].as_i64().unwrap().to_string();
    let r = form(
        &app.router,
        &format!("/overenskommelser/{agreement}/bekrafta"),
        Some(&chef),
        &[("csrf", ccsrf.as_str()), ("version", gv.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let g = app
        .get(&format!("/api/v1/agreements/{agreement}"), Some(&chef))
        .await
        .json();
    assert!(g.get("moved_to").is_none_or(|m| m.is_null()), "{g}");
    assert_eq!(g["decider_id"], app.id_of("chef").await.as_str());
    let tasks = app
        .get("/api/v1/agreements-to-confirm", Some(&chef))
        .await
        .json();
    assert_eq!(tasks["total"], 0, "{tasks}");
}
