//! Follow-ups: risk assessments, development talks and their actions.

use axum::http::{Method, StatusCode};
use distans_core::store::*;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{spawn_app, App};

/// Bo's agreement in force (bygg, his manager, decides), with its risk
/// assessment done together and one risky answer: (agreement, risk
/// assessment, action).
pub(super) async fn followup_setup(app: &App) -> (Uuid, Uuid, Uuid) {
    use distans_core::cases::Decision;
    use distans_core::followup::{AnswersInput, FollowUpKind, FollowUpQuery};
    use distans_core::policy::RequestInput;
    let c = &app.core;
    let actor = |u: &'static str| async move {
        app.store
            .actor(app.id_of(u).await.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
    };
    let (bo, bygg) = (actor("bo").await, actor("bygg").await);
    let start = c.today() + time::Duration::days(5);
    let r = c
        .cases
        .submit_request(
            &bo,
            &RequestInput {
                days_per_week: Some(1),
                start: Some(start.to_string()),
                end: Some((start + time::Duration::days(200)).to_string()),
                reason: "Pendling".into(),
                confirmations: vec![
                    "wifi".into(),
                    "it-security".into(),
                    "vpn".into(),
                    "home-insurance".into(),
                ],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let gid = c
        .cases
        .decide(&bygg, r.id, Decision::Approve.into())
        .await
        .unwrap()
        .agreement_id
        .unwrap();
    if c.agreements.agreement(&bygg, gid).await.unwrap().state
        == distans_core::agreements::AgreementState::Draft
    {
        c.agreements.send_agreement(&bygg, gid, None).await.unwrap();
    }
    c.agreements.sign_agreement(&bo, gid).await.unwrap();
    c.agreements.sign_agreement(&bygg, gid).await.unwrap();
    let fu = c
        .followup
        .followups(
            &bo,
            &FollowUpQuery {
                agreement: Some(gid),
                ..Default::default()
            },
            distans_core::kernel::Paging::default(),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|f| f.kind == FollowUpKind::RiskAssessment)
        .unwrap();
    let template = c
        .followup
        .checklist(&bo, "riskbedomning", None)
        .await
        .unwrap();
    let mut answers: std::collections::BTreeMap<String, Value> = template
        .questions
        .iter()
        .map(|q| match q.kind {
            distans_core::followup::checklist::QuestionType::YesNo => (q.id.clone(), json!("yes")),
            distans_core::followup::checklist::QuestionType::Scale => (q.id.clone(), json!(5)),
            distans_core::followup::checklist::QuestionType::Text => (q.id.clone(), json!("")),
            distans_core::followup::checklist::QuestionType::Date => {
                (q.id.clone(), json!("2027-01-04"))
            }
        })
        .collect();
    answers.insert("natverk".into(), json!("no"));
    let input = AnswersInput {
        answers,
        complete: true,
        ..Default::default()
    };
    c.followup
        .answer_followup(&bo, fu.id, &input)
        .await
        .unwrap();
    let done = c
        .followup
        .answer_followup(&bygg, fu.id, &input)
        .await
        .unwrap();
    assert_eq!(done.open_actions, 1);
    let action = c.followup.followup(&bygg, fu.id).await.unwrap().actions[0].id;
    (gid.into(), fu.id.into(), action.into())
}

/// The fixed routes of api.md, the shapes, and two people saving at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followups_through_the_api() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json", None).await.json();
    for p in [
        "/api/v1/followups",
        "/api/v1/followups/{id}/answers",
        "/api/v1/checklists",
        "/api/v1/checklists/{key}",
        "/api/v1/agreements/{id}/development-talk",
        "/api/v1/actions",
        "/api/v1/actions/{id}/close",
    ] {
        assert!(
            doc["paths"].get(p).is_some(),
            "{p} missing from the OpenAPI document"
        );
    }
    let (gid, fu, _) = followup_setup(&app).await;
    let (bo, bygg, hr) = (
        app.login("bo").await,
        app.login("bygg").await,
        app.login("hr").await,
    );
    let far = app.core.today() + time::Duration::days(400);
    let list = app
        .get(&format!("/api/v1/followups?due_before={far}"), Some(&bo))
        .await
        .json();
    let items = list["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for f in items {
        assert_eq!(f["person"]["name"], "Bo Ek");
        for k in ["id", "kind", "agreement_id", "due", "state", "template_key"] {
            assert!(!f[k].is_null(), "{k} in {f}");
        }
    }
    assert!(
        items.iter().all(|f| f["id"] != fu.to_string()),
        "due_before lists what is still to be done"
    );
    let done_list = app
        .get(
            &format!("/api/v1/followups?due_before={far}&state=done"),
            Some(&bo),
        )
        .await
        .json();
    let done = done_list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == fu.to_string())
        .unwrap();
    assert_eq!(done["state"], "done");
    assert_eq!(done["template_key"], "riskbedomning");
    let next = items
        .iter()
        .find(|f| f["kind"] == "follow_up" && f["agreement_id"] == gid.to_string())
        .unwrap();
    assert_eq!(next["state"], "due");
    let id = next["id"].as_str().unwrap();
    let version = next["version"].as_i64().unwrap();

    // Bo and bygg save at once from the same version: one gets 409.
    let body = json!({"answers": {"arbetsbelastning": 4}, "version": version});
    let a = app
        .call(
            Method::POST,
            &format!("/api/v1/followups/{id}/answers"),
            Some(&bo),
            Some(body.clone()),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["template_version"], 1);
    let b = app
        .call(
            Method::POST,
            &format!("/api/v1/followups/{id}/answers"),
            Some(&bygg),
            Some(body),
        )
        .await;
    assert_eq!(b.status, StatusCode::CONFLICT, "{}", b.text());
    assert_eq!(b.json()["error"]["code"], "conflict");

    // HR's PUT makes a new version; GET shows it.
    let t = app
        .get("/api/v1/checklists/uppfoljning", Some(&hr))
        .await
        .json();
    let mut put =
        json!({"title": t["title"], "questions": t["questions"], "version": t["version"]});
    put["questions"].as_array_mut().unwrap().pop();
    let r = app
        .call(
            Method::PUT,
            "/api/v1/checklists/uppfoljning",
            Some(&hr),
            Some(put.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["version"], t["version"].as_i64().unwrap() + 1);
    let r = app
        .call(
            Method::PUT,
            "/api/v1/checklists/uppfoljning",
            Some(&hr),
            Some(put),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the version edited is no longer the newest"
    );

    // A development talk; the open actions.
    let talk = app.core.today() + time::Duration::days(30);
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/agreements/{gid}/development-talk"),
            Some(&bygg),
            Some(json!({"date": talk.to_string()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["kind"], "development_talk");
    assert_eq!(r.json()["due"], talk.to_string());
    let actions = app
        .get("/api/v1/actions?state=open", Some(&bygg))
        .await
        .json();
    let x = &actions["items"][0];
    assert_eq!(
        x["owner"]["id"],
        app.id_of("bygg").await,
        "the manager who took part"
    );
    assert!(
        x["description"].as_str().unwrap().contains("nätverk"),
        "{x}"
    );
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/actions/{}/close", x["id"].as_str().unwrap()),
            Some(&bygg),
            Some(json!({"note": "Bo använder VPN nu."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "closed");
    assert_eq!(
        app.get("/api/v1/actions?state=open", Some(&bygg))
            .await
            .json()["total"],
        0
    );
}
