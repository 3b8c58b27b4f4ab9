//! The editors HR writes with: the checklist editor (items added, moved,
//! typed, checked, saved as a new version; a conflict keeps what was
//! typed) and the agreement template editor (placeholders in words, a
//! preview as an employee reads it, unknown placeholders named).

use axum::http::StatusCode;
use serde_json::Value;

use super::{csrf_of, field_of, form, spawn_app, App};

const PAGE: &str = "/checklistor/uppfoljning";

/// The form's fields for these questions (as the API gives them), the
/// version edited and the button pressed.
fn fields(csrf: &str, title: &str, version: i64, qs: &[Value], op: &str) -> Vec<(String, String)> {
    let mut f = vec![
        ("csrf".to_string(), csrf.to_string()),
        ("title".into(), title.into()),
        ("version".into(), version.to_string()),
        ("count".into(), qs.len().to_string()),
        ("op".into(), op.into()),
    ];
    for (i, q) in qs.iter().enumerate() {
        let risk = match (&q["risk_answer"], &q["risk_at_most"]) {
            (Value::String(a), _) => a.clone(),
            (_, Value::Number(n)) => format!("le{n}"),
            _ => "none".into(),
        };
        f.push((
            format!("item-{i}-id"),
            q["id"].as_str().unwrap_or("").into(),
        ));
        f.push((
            format!("item-{i}-text"),
            q["text"].as_str().unwrap_or("").into(),
        ));
        f.push((
            format!("item-{i}-type"),
            q["type"].as_str().unwrap_or("").into(),
        ));
        f.push((format!("item-{i}-risk"), risk));
        if q["required"] == true {
            f.push((format!("item-{i}-required"), "1".into()));
        }
    }
    f
}

async fn post(app: &App, cookie: &str, f: &[(String, String)]) -> super::Resp {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    form(&app.router, PAGE, Some(cookie), &pairs).await
}

async fn current(app: &App, cookie: &str) -> Value {
    app.get("/api/v1/checklists/uppfoljning", Some(cookie))
        .await
        .json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hr_edits_a_checklist_in_forms_item_by_item() {
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let t = current(&app, &hr).await;
    let (v0, title) = (
        t["version"].as_i64().unwrap(),
        t["title"].as_str().unwrap().to_string(),
    );
    let mut qs: Vec<Value> = t["questions"].as_array().unwrap().clone();
    let n = qs.len();
    let page = app.get(PAGE, Some(&hr)).await.text();
    let csrf = csrf_of(&page);
    // The editor: an item per question, no line syntax to learn.
    assert!(
        page.contains(&format!("id=\"f-item-{}-text\"", n - 1)),
        "{page}"
    );
    assert!(!page.contains("required | "), "no pipe syntax");

    // Add: a new, empty item at the end; nothing saved.
    let r = post(&app, &hr, &fields(&csrf, &title, v0, &qs, "add")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(
        html.contains(&format!("id=\"f-item-{n}-text\"")),
        "a new item"
    );
    assert!(html.contains(&format!("som fråga {}.", n + 1)), "{html}");
    assert_eq!(field_of(&html, &format!("item-{n}-id")), "fraga-1");
    assert_eq!(current(&app, &hr).await["version"], v0, "nothing saved yet");

    // Saved empty: refused, naming the item and the field, at the field.
    let mut new =
        serde_json::json!({"id": "fraga-1", "text": "", "type": "yes_no", "required": true});
    qs.push(new.clone());
    let r = post(&app, &hr, &fields(&csrf, &title, v0, &qs, "save")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(
        html.contains(&format!("Fråga {}, frågan: skriv frågan.", n + 1)),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"#f-item-{n}-text\"")),
        "the summary links to the field"
    );

    // A date question with a risk only yes/no questions have: named too.
    new["text"] = "När gjordes senaste riskbedömningen hemma?".into();
    new["type"] = "date".into();
    new["risk_answer"] = "no".into();
    *qs.last_mut().unwrap() = new.clone();
    let r = post(&app, &hr, &fields(&csrf, &title, v0, &qs, "save")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains(&format!("Fråga {}, risken:", n + 1)),
        "{}",
        r.text()
    );

    // Moved up twice (the form re-rendered each time keeps what was typed),
    // made optional, saved: a new version in that order.
    new.as_object_mut().unwrap().remove("risk_answer");
    new["required"] = false.into();
    *qs.last_mut().unwrap() = new.clone();
    let r = post(
        &app,
        &hr,
        &fields(&csrf, &title, v0, &qs, &format!("up-{n}")),
    )
    .await;
    let html = r.text();
    assert_eq!(
        field_of(&html, &format!("item-{}-id", n - 1)),
        "fraga-1",
        "moved up one"
    );
    assert_eq!(
        field_of(&html, &format!("item-{}-text", n - 1)),
        "När gjordes senaste riskbedömningen hemma?"
    );
    let moved = qs.remove(n);
    qs.insert(n - 1, moved);
    let r = post(
        &app,
        &hr,
        &fields(&csrf, &title, v0, &qs, &format!("up-{}", n - 1)),
    )
    .await;
    assert_eq!(
        field_of(&r.text(), &format!("item-{}-id", n - 2)),
        "fraga-1"
    );
    let moved = qs.remove(n - 1);
    qs.insert(n - 2, moved);
    // Remove the first question too.
    let r = post(&app, &hr, &fields(&csrf, &title, v0, &qs, "remove-0")).await;
    assert_eq!(r.status, StatusCode::OK);
    qs.remove(0);
    let r = post(&app, &hr, &fields(&csrf, &title, v0, &qs, "save")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let saved = current(&app, &hr).await;
    assert_eq!(saved["version"], v0 + 1);
    let got: Vec<&str> = saved["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = qs.iter().map(|q| q["id"].as_str().unwrap()).collect();
    assert_eq!(got, want);
    let q = &saved["questions"][n - 3];
    assert_eq!(
        (q["type"].as_str(), q["required"].as_bool()),
        (Some("date"), Some(false)),
        "{q}"
    );
    // The old version is kept as it was.
    let old = app
        .get(
            &format!("/api/v1/checklists/uppfoljning?version={v0}"),
            Some(&hr),
        )
        .await
        .json();
    assert_eq!(old["questions"].as_array().unwrap().len(), n);

    // Nobody but HR may use the editor.
    let anna = app.login("anna").await;
    let page = app.get(PAGE, Some(&anna)).await.text();
    assert!(!page.contains("name=\"op\""), "no editor for an employee");
    let r = post(
        &app,
        &anna,
        &fields(&csrf_of(&page), &title, v0 + 1, &qs, "save"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_editing_at_once_one_wins_and_the_other_keeps_what_they_typed() {
    let app = spawn_app().await;
    let (first, second) = (app.login("hr").await, app.login("hr").await);
    let t = current(&app, &first).await;
    let (v0, title) = (
        t["version"].as_i64().unwrap(),
        t["title"].as_str().unwrap().to_string(),
    );
    let qs: Vec<Value> = t["questions"].as_array().unwrap().clone();
    let csrf1 = csrf_of(&app.get(PAGE, Some(&first)).await.text());
    let csrf2 = csrf_of(&app.get(PAGE, Some(&second)).await.text());

    let mut mine = qs.clone();
    mine[0]["text"] = "Hur fungerar arbetsbelastningen? (först)".into();
    let r = post(&app, &first, &fields(&csrf1, &title, v0, &mine, "save")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    let mut theirs = qs.clone();
    theirs[1]["text"] = "Håller du arbetstiden? (andra)".into();
    let r = post(
        &app,
        &second,
        &fields(&csrf2, "Uppföljning (andra)", v0, &theirs, "save"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let html = r.text();
    assert!(html.contains("Någon annan sparade checklistan"), "{html}");
    assert_eq!(
        field_of(&html, "item-1-text"),
        "Håller du arbetstiden? (andra)",
        "kept"
    );
    assert_eq!(field_of(&html, "title"), "Uppföljning (andra)", "kept");
    let v1 = field_of(&html, "version");
    assert_eq!(
        v1,
        (v0 + 1).to_string(),
        "edits on from the winner's version"
    );
    assert_eq!(
        current(&app, &first).await["questions"][0]["text"],
        "Hur fungerar arbetsbelastningen? (först)"
    );

    // Saving again replaces the winner's version, knowingly.
    let r = post(
        &app,
        &second,
        &fields(&csrf2, "Uppföljning (andra)", v0 + 1, &theirs, "save"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let now = current(&app, &first).await;
    assert_eq!(now["version"], v0 + 2);
    assert_eq!(
        now["questions"][1]["text"],
        "Håller du arbetstiden? (andra)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_template_editor_lists_placeholders_in_words_and_previews() {
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let page = app.get("/distanspolicy/mall", Some(&hr)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("<dt>medarbetarens namn</dt><dd><code>{medarbetare}</code>"),
        "{html}"
    );
    assert!(html.contains("Förhandsgranska"));
    let csrf = csrf_of(&html);
    let version = field_of(&html, "version");

    let text = "## 1. Parter\nDenna överenskommelse gäller {medarbetare} vid {enhet}, från och med {start} till och med {slut}.";
    let send = |op: &'static str, text: String| {
        let (csrf, version) = (csrf.clone(), version.clone());
        let app = &app;
        let hr = hr.clone();
        async move {
            form(
                &app.router,
                "/distanspolicy/mall",
                Some(&hr),
                &[
                    ("csrf", csrf.as_str()),
                    ("version", version.as_str()),
                    ("op", op),
                    ("text", text.as_str()),
                ],
            )
            .await
        }
    };
    let r = send("preview", text.into()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("<h3>1. Parter</h3>"), "{html}");
    assert!(
        html.contains("Denna överenskommelse gäller Kim Exempelsson vid Kundtjänst, från och med"),
        "{html}"
    );
    assert!(!html.contains("{slut}</p>"), "filled in");
    assert!(
        html.contains("{medarbetare} vid {enhet}"),
        "the text is kept in the form"
    );
    // Nothing saved by a preview.
    let again = app.get("/distanspolicy/mall", Some(&hr)).await.text();
    assert_eq!(field_of(&again, "version"), version);

    // Unknown placeholders are named, in preview and on saving.
    for op in ["preview", "save"] {
        let r = send(op, format!("{text} Lön: {{lön}}, bil: {{bil}}.")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{op}");
        let html = r.text();
        assert!(
            html.contains("Fälten {lön}, {bil} finns inte"),
            "{op}: {html}"
        );
        assert!(!html.contains("id=\"preview\""));
    }
    assert_eq!(
        field_of(
            &app.get("/distanspolicy/mall", Some(&hr)).await.text(),
            "version"
        ),
        version,
        "nothing saved"
    );
    // A good text is saved as a new version.
    let r = send("save", text.into()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Mallen är sparad"), "{}", r.text());
    assert_ne!(field_of(&r.text(), "version"), version);
}
