//! SCIM provisioning end to end, on SQLite and PostgreSQL: tokens, Entra
//! ID's PATCH forms, filters, paging, groups granting roles, error bodies.

use super::*;
use distans_core::kernel::Role;
use distans_core::store::OrgPort;

const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

async fn scim(
    router: &Router,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Resp {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let req = match body {
        Some(v) => {
            b = b.header(header::CONTENT_TYPE, "application/scim+json");
            b.body(Body::from(v.to_string())).unwrap()
        }
        None => b.body(Body::empty()).unwrap(),
    };
    send(router, req).await
}

async fn scenario(router: &Router, core: &Core, store: &SqlStore) {
    let (_, token) = core.scim.create_token("entra").await.unwrap();

    // Without a live token: 401 in SCIM's shape.
    let r = scim(router, Method::GET, "/scim/v2/Users", "dscim_nope", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.json()["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    assert_eq!(r.json()["status"], "401");
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/scim+json"));

    // Create.
    let anna = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
        "userName": "Anna.Scim@kommun.se", "externalId": "ext-1", "active": true,
        "name": {"givenName": "Anna", "familyName": "Scim"},
        "emails": [{"value": "anna.scim@kommun.se", "type": "work", "primary": true}],
        ENT: {"employeeNumber": "S-1"},
    });
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Users",
        &token,
        Some(anna.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(r.json()["meta"]["version"], "W/\"1\"");
    assert_eq!(r.headers[header::ETAG], "W/\"1\"");
    let rec = store
        .person(id.parse::<Uuid>().unwrap().into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.person.employee_number, "S-1");
    assert_eq!(rec.person.username.as_deref(), Some("anna.scim@kommun.se"));

    // The same userName again: 409 uniqueness; bad input: 400 naming the attribute.
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Users",
        &token,
        Some(anna.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.json()["scimType"], "uniqueness");
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Users",
        &token,
        Some(json!({"userName": "a b"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["scimType"], "invalidValue");
    assert!(r.json()["detail"].as_str().unwrap().contains("userName"));
    let r = scim(
        router,
        Method::GET,
        "/scim/v2/Users?filter=userName%20eq",
        &token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["scimType"], "invalidFilter");

    // Without employee number or department: the externalId, the top unit.
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Users",
        &token,
        Some(json!({"userName": "bo.scim", "externalId": "EXT2"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let bo = r.json()["id"].as_str().unwrap().to_string();
    let rec = store
        .person(bo.parse::<Uuid>().unwrap().into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.person.employee_number, "EXT2");
    let top = store
        .units(None, Some(0), distans_core::kernel::Paging::first(1))
        .await
        .unwrap();
    assert_eq!(rec.unit.id, top.items[0].id);

    // A department names a unit in any case (Swedish letters too).
    let units = store
        .units(None, Some(2), distans_core::kernel::Paging::first(500))
        .await
        .unwrap();
    let unit = units
        .items
        .iter()
        .find(|u| u.name.chars().any(|c| "åäöÅÄÖ".contains(c)))
        .unwrap_or(&units.items[1]);
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Users",
        &token,
        Some(json!({"userName": "dept.scim", ENT: {"department": unit.name.to_uppercase()}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let rec = store
        .person(
            r.json()["id"]
                .as_str()
                .unwrap()
                .parse::<Uuid>()
                .unwrap()
                .into(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.unit.id, unit.id, "{}", unit.name);
    assert_eq!(
        r.json()[ENT]["department"],
        unit.name.to_uppercase(),
        "kept as written"
    );

    // Filters and paging.
    for (f, n) in [
        ("userName eq \"ANNA.SCIM@kommun.se\"", 1),
        ("username sw \"anna.s\"", 1),
        ("externalId eq \"ext-1\" or externalId eq \"EXT2\"", 2),
        ("emails.value co \"scim@kommun\"", 1),
        ("(userName co \"scim\") and externalId pr", 2),
    ] {
        let path = format!("/scim/v2/Users?filter={}", urlencode(f));
        let r = scim(router, Method::GET, &path, &token, None).await;
        assert_eq!(r.status, StatusCode::OK, "{f}: {}", r.text());
        assert_eq!(r.json()["totalResults"], n, "{f}");
    }
    let r = scim(
        router,
        Method::GET,
        "/scim/v2/Users?startIndex=2&count=3",
        &token,
        None,
    )
    .await;
    let total = r.json()["totalResults"].as_i64().unwrap();
    assert!(total > 3);
    assert_eq!(r.json()["Resources"].as_array().unwrap().len(), 3);
    assert_eq!(r.json()["startIndex"], 2);

    // A value with LIKE's own characters in it is found, and only it.
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Users",
        &token,
        Some(json!({"userName": "cy_scim", "emails": [{"value": "c_y%@kommun.se"}]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    for (f, n) in [
        ("emails.value eq \"C_Y%@kommun.se\"", 1),
        ("emails.value eq \"cxy%@kommun.se\"", 0),
    ] {
        let path = format!("/scim/v2/Users?filter={}", urlencode(f));
        assert_eq!(
            scim(router, Method::GET, &path, &token, None).await.json()["totalResults"],
            n,
            "{f}"
        );
    }
    // attributes / excludedAttributes, with sub-attributes and extensions.
    let path = format!("/scim/v2/Users/{id}?attributes=name.givenName,{ENT}:employeeNumber");
    let u = scim(router, Method::GET, &path, &token, None).await.json();
    assert!(
        u["name"].is_object() && u[ENT].is_object() && u.get("emails").is_none(),
        "{u}"
    );
    assert_eq!(u["id"], id);
    let path = format!("/scim/v2/Users/{id}?excludedAttributes=emails");
    let u = scim(router, Method::GET, &path, &token, None).await.json();
    assert!(
        u.get("emails").is_none() && u["userName"].is_string(),
        "{u}"
    );

    // Entra ID's PATCH forms.
    let ops = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Replace", "path": "name.givenName", "value": "Annie"},
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "annie@kommun.se"},
        {"op": "Add", "path": format!("{ENT}:manager"), "value": {"value": bo}},
        {"op": "Add", "value": {"externalId": "ext-1b"}},
    ]});
    let r = scim(
        router,
        Method::PATCH,
        &format!("/scim/v2/Users/{id}"),
        &token,
        Some(ops),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let u = r.json();
    assert_eq!(u["name"]["givenName"], "Annie");
    assert_eq!(u["emails"][0]["value"], "annie@kommun.se");
    assert_eq!(u[ENT]["manager"]["value"], bo);
    assert_eq!(u["externalId"], "ext-1b");
    let rec = store
        .person(id.parse::<Uuid>().unwrap().into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.person.email.as_deref(), Some("annie@kommun.se"));
    assert_eq!(rec.person.given_name, "Annie");

    // A stale If-Match: nothing written.
    let req = Request::builder()
        .method(Method::PUT)
        .uri(format!("/scim/v2/Users/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::IF_MATCH, "W/\"1\"")
        .body(Body::from(anna.to_string()))
        .unwrap();
    assert_eq!(
        send(router, req).await.status,
        StatusCode::PRECONDITION_FAILED
    );

    // Groups grant the mapped role, in the same change.
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Groups",
        &token,
        Some(json!({"displayName": "distans-hr", "members": [{"value": id}]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let hr = r.json()["id"].as_str().unwrap().to_string();
    let roles = |rec: distans_core::org::PersonRecord| rec.person.granted_roles;
    let pid: distans_core::kernel::PersonId = id.parse::<Uuid>().unwrap().into();
    assert_eq!(
        roles(store.person(pid).await.unwrap().unwrap()),
        vec![Role::Hr]
    );
    // HR's own grants and the group's are kept apart: an edit of the
    // person's roles neither copies nor removes the group's.
    let hr_actor = store
        .actor(store.credentials("hr").await.unwrap().unwrap().0)
        .await
        .unwrap()
        .unwrap();
    let edit = |roles: Vec<&str>| distans_core::org::edit::PersonChange {
        roles: Some(roles.into_iter().map(String::from).collect()),
        ..Default::default()
    };
    let version = store.person(pid).await.unwrap().unwrap().person.version;
    core.org
        .update_person(&hr_actor, pid, version, &edit(vec!["auditor", "hr"]))
        .await
        .unwrap();
    let mut both = roles(store.person(pid).await.unwrap().unwrap());
    both.sort();
    assert_eq!(both, vec![Role::Hr, Role::Auditor]);
    core.org
        .update_person(&hr_actor, pid, version + 1, &edit(vec![]))
        .await
        .unwrap();
    assert_eq!(
        roles(store.person(pid).await.unwrap().unwrap()),
        vec![Role::Hr],
        "the group's grant stays"
    );
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Groups",
        &token,
        Some(json!({"displayName": "Fika", "members": [{"value": id}]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let ops =
        json!({"Operations": [{"op": "Remove", "path": format!("members[value eq \"{id}\"]")}]});
    let r = scim(
        router,
        Method::PATCH,
        &format!("/scim/v2/Groups/{hr}"),
        &token,
        Some(ops),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        roles(store.person(pid).await.unwrap().unwrap()).is_empty(),
        "revoked with the membership"
    );
    let ops = json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]});
    scim(
        router,
        Method::PATCH,
        &format!("/scim/v2/Groups/{hr}"),
        &token,
        Some(ops),
    )
    .await;
    assert_eq!(
        roles(store.person(pid).await.unwrap().unwrap()),
        vec![Role::Hr]
    );
    let r = scim(
        router,
        Method::DELETE,
        &format!("/scim/v2/Groups/{hr}"),
        &token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(roles(store.person(pid).await.unwrap().unwrap()).is_empty());

    // Entra ID deactivates with "False", reactivates with true: the departures do it.
    // With a change of name in the same request: one unit of work, the
    // change's audit entry right before the departure's, at one moment.
    let ops = json!({"Operations": [
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "replace", "path": "name.familyName", "value": "Ek-Slutat"}
    ]});
    let r = scim(
        router,
        Method::PATCH,
        &format!("/scim/v2/Users/{bo}"),
        &token,
        Some(ops),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["active"], false);
    assert_eq!(r.json()["name"]["familyName"], "Ek-Slutat");
    let bo_id: distans_core::kernel::PersonId = bo.parse::<Uuid>().unwrap().into();
    assert!(core.departures.departure(bo_id).await.unwrap().is_some());
    let log = store
        .audit(
            &distans_core::audit::AuditFilter {
                entity: Some("person".into()),
                entity_id: Some(bo.clone()),
                from: None,
                ..Default::default()
            },
            distans_core::kernel::Paging::first(2),
        )
        .await
        .unwrap();
    let (last, before) = (&log.items[0], &log.items[1]);
    assert_eq!(
        (before.entry.action.as_str(), last.entry.action.as_str()),
        ("person.update", "person.deactivate")
    );
    assert_eq!(
        (last.seq - before.seq, last.at),
        (1, before.at),
        "one transaction"
    );
    let r = scim(
        router,
        Method::GET,
        &format!("/scim/v2/Users/{bo}"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        r.json()["active"],
        false,
        "a deactivated user still answers"
    );
    let ops = json!({"Operations": [{"op": "replace", "value": {"active": true}}]});
    let r = scim(
        router,
        Method::PATCH,
        &format!("/scim/v2/Users/{bo}"),
        &token,
        Some(ops),
    )
    .await;
    assert_eq!(r.json()["active"], true, "{}", r.text());
    assert!(core.departures.departure(bo_id).await.unwrap().is_none());

    // DELETE deactivates; the user is gone for the client, and comes back
    // as the same person when created again.
    let r = scim(
        router,
        Method::DELETE,
        &format!("/scim/v2/Users/{bo}"),
        &token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert!(core.departures.departure(bo_id).await.unwrap().is_some());
    let r = scim(
        router,
        Method::GET,
        &format!("/scim/v2/Users/{bo}"),
        &token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert_eq!(r.json()["status"], "404");
    let path = format!(
        "/scim/v2/Users?filter={}",
        urlencode("userName eq \"bo.scim\"")
    );
    assert_eq!(
        scim(router, Method::GET, &path, &token, None).await.json()["totalResults"],
        0
    );
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Users",
        &token,
        Some(json!({"userName": "bo.scim", "externalId": "EXT2"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["id"], bo);
    assert_eq!(r.json()["active"], true);
    assert!(core.departures.departure(bo_id).await.unwrap().is_none());

    // A member that is no user is kept as written and grants nothing.
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Groups",
        &token,
        Some(json!({"displayName": "distans-admin", "members": [{"value": "not-a-user"}]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["members"], json!([{"value": "not-a-user"}]));
    let r = scim(
        router,
        Method::POST,
        "/scim/v2/Groups",
        &token,
        Some(json!({"displayName": "distans-admin"})),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a group's name is unique: {}",
        r.text()
    );
    assert_eq!(r.json()["scimType"], "uniqueness");

    // The audit log names the client.
    let filter = distans_core::audit::AuditFilter {
        entity: Some("person".into()),
        entity_id: Some(id.clone()),
        from: None,
        ..Default::default()
    };
    let log = store
        .audit(&filter, distans_core::kernel::Paging::first(50))
        .await
        .unwrap();
    assert!(
        log.items.iter().any(|e| e.entry.actor == "SCIM (entra)"
            && e.entry.action == "person.create"
            && e.entry.actor_id.is_none()),
        "{:?}",
        log.items
    );

    // A revoked token is refused.
    core.scim.revoke_token("entra").await.unwrap();
    let r = scim(router, Method::GET, "/scim/v2/Users", &token, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scim_provisioning_on_sqlite() {
    let app = spawn_app().await;
    scenario(&app.router, &app.core, &app.store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scim_provisioning_on_postgres() {
    let Some((url, admin, name)) = super::fresh_postgres("distans_scim").await else {
        return;
    };
    {
        let store = store_at(&url).await;
        let core = core_on(store.clone()).await;
        core.demo.load_demo(60).await.unwrap();
        let r = router(core.clone(), None);
        scenario(&r, &core, &store).await;
    }
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await;
}
