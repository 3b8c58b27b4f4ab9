//! Sign-in and sign-out: errors, the rate limit, CSRF, personal tokens, and
//! sessions that outlive a server and are shared by several servers.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use distans_core::identity::rules::backoff;
use distans_web::client::TrustedProxies;
use distans_web::{AppState, WebConfig};
use serde_json::{json, Value};

use super::{core_at, csrf_of, form, router, send, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_errors_and_rate_limit() {
    let app = spawn_app().await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/login",
            None,
            Some(json!({"username": "anna", "password": "fel"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "bad_credentials");
    assert!(r.cookie().is_none());
    let r = app
        .call(
            Method::POST,
            "/api/v1/login",
            None,
            Some(json!({"username": "okänd", "password": "demo"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .call(
            Method::POST,
            "/api/v1/login",
            None,
            Some(json!({"username": "anna"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "password", "{}", r.text());
    let req = Request::post("/api/v1/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{nej"))
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "body");

    // Failed attempts slow that username from that client: the client is
    // the one a trusted proxy names, and a forged header names nobody.
    let state = AppState::new(
        app.core.clone(),
        WebConfig {
            trusted_proxies: TrustedProxies::parse("10.0.0.0/8").unwrap(),
            ..WebConfig::default()
        },
    );
    let behind_lb = distans_web::app(state);
    let attempt = |peer: &str, forwarded: Option<&str>, password: &str| {
        let mut req =
            Request::post("/api/v1/login").header(header::CONTENT_TYPE, "application/json");
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        let mut req = req
            .body(Body::from(
                json!({"username": "hr", "password": password}).to_string(),
            ))
            .unwrap();
        let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(peer));
        let router = behind_lb.clone();
        async move { send(&router, req).await }
    };
    let mut statuses = vec![];
    for _ in 0..=backoff::FREE_FAILURES {
        let r = attempt("10.0.0.2", Some("203.0.113.5"), "gissning").await;
        statuses.push(r.status.as_u16());
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(r.headers[header::RETRY_AFTER], "1");
            assert_eq!(r.json()["error"]["code"], "rate_limited");
        }
    }
    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429]);
    // The same client through another proxy of ours is still slowed.
    let r = attempt("10.0.0.3", Some("203.0.113.5"), "demo").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // hr from another client signs in: the guesses did not lock hr out.
    let r = attempt("10.0.0.2", Some("198.51.100.9"), "demo").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A client that is not a proxy cannot borrow the slowed address, nor
    // escape its own count by naming another.
    let r = attempt("192.0.2.44", Some("203.0.113.5"), "demo").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for _ in 0..backoff::FREE_FAILURES {
        attempt("192.0.2.66", None, "gissning").await;
    }
    let r = attempt("192.0.2.66", Some("203.0.113.99"), "gissning").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_sign_in_with_csrf_and_out() {
    let app = spawn_app().await;
    let r = app.get("/", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/logga-in?next=%2F");
    let r = app.get("/logga-in?next=/organisation", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("<html lang=\"sv\">") && html.contains("Logga in"));
    let cookie = r
        .cookie()
        .expect("the form starts a session for its CSRF token");
    let csrf = csrf_of(&html);
    assert!(r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("HttpOnly"));
    assert!(r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("SameSite=Lax"));

    // Without the token: refused. With a wrong password: the form again, with an error summary.
    let r = form(
        &app.router,
        "/logga-in",
        Some(&cookie),
        &[("username", "chef"), ("password", "demo")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = form(
        &app.router,
        "/logga-in",
        Some(&cookie),
        &[
            ("username", "chef"),
            ("password", "x"),
            ("csrf", &csrf),
            ("next", "/organisation"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.text().contains("error-summary") && r.text().contains("Fel användarnamn eller lösenord")
    );
    let r = form(
        &app.router,
        "/logga-in",
        Some(&cookie),
        &[
            ("username", "chef"),
            ("password", "demo"),
            ("csrf", &csrf),
            ("next", "//evil.example"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let signed_in = r.cookie().expect("a new session id on sign-in");
    let to = r.headers[header::LOCATION].to_str().unwrap();
    assert_eq!(
        super::past_notice(&app.router, &signed_in, to).await,
        "/",
        "never redirects off-site"
    );
    assert_ne!(signed_in, cookie, "the session id changes at sign-in");
    let start = app.get("/", Some(&signed_in)).await.text();
    assert!(start.contains("id=\"start-manager\"") && start.contains("Hej Karin!"));
    assert!(!start.contains("id=\"start-hr\""));
    // The old (pre-sign-in) session id is worthless.
    assert_eq!(
        app.get("/", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );

    // Sign out needs the token too.
    let csrf = csrf_of(&start);
    let r = form(&app.router, "/logga-ut", Some(&signed_in), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = form(
        &app.router,
        "/logga-ut",
        Some(&signed_in),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/", Some(&signed_in)).await.status,
        StatusCode::SEE_OTHER
    );

    // English on request.
    let r = app.get("/sprak/en?next=/logga-in", None).await;
    assert_eq!(r.headers[header::LOCATION], "/logga-in");
    let en = app.get("/logga-in", Some("lang=en")).await.text();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Sign in"));

    // Security headers on every response.
    let r = app.get("/logga-in", None).await;
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(r.headers[header::REFERRER_POLICY], "same-origin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_csrf_guard_tokens_and_logout() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    // A cookie-authenticated change must be JSON (a cross-site form cannot send that).
    let req = Request::post("/api/v1/me/tokens")
        .header(header::COOKIE, &anna)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=x"))
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = app
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&anna),
            Some(json!({"name": "mitt skript", "days": 10})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let v = r.json();
    let secret = v["secret"].as_str().unwrap().to_string();
    let bearer = format!("Bearer {secret}");
    let me = app.get("/api/v1/me", Some(&bearer)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["name"], "Anna Lindqvist");
    // A token changes things without the JSON rule (no cookie, no CSRF).
    let list = app.get("/api/v1/me/tokens", Some(&bearer)).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(list["items"][0].get("secret").is_none());
    let r = app
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&anna),
            Some(json!({"name": ""})),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "name");
    let id = v["id"].as_str().unwrap();
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/me/tokens/{id}"),
            Some(&bearer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&bearer)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/me", Some("Bearer dst_nope")).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Token creation and revocation are audited.
    let hr = app.login("hr").await;
    let log = app
        .get(
            &format!("/api/v1/audit?entity=token&entity_id={id}"),
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
    assert_eq!(actions, vec!["token.revoke", "token.create"]);

    // A page on another site can send a text/plain POST with the cookie:
    // it does not sign anyone out.
    let cross_site = Request::post("/api/v1/logout")
        .header(header::COOKIE, &anna)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("x"))
        .unwrap();
    let r = send(&app.router, cross_site).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/v1/me", Some(&anna)).await.status,
        StatusCode::OK
    );
    let r = app
        .call(Method::POST, "/api/v1/logout", Some(&anna), Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&anna)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_survive_a_restart() {
    let app = spawn_app().await;
    let cookie = app.login("hr").await;
    // A second server process on the same database file.
    let again = router(core_at(&app.url).await, None);
    let req = Request::get("/api/v1/me")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let r = send(&again, req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["name"], "Helena Ahlgren");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_sessions_on_postgres() {
    let Some((url, admin, name)) = super::fresh_postgres("distans_w").await else {
        return;
    };
    {
        let one = core_at(&url).await;
        one.demo.load_demo(60).await.unwrap();
        let two = core_at(&url).await;
        let (a, b) = (router(one.clone(), None), router(two.clone(), None));
        let req = Request::post("/api/v1/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"username": "chef", "password": "demo"}).to_string(),
            ))
            .unwrap();
        let cookie = send(&a, req).await.cookie().unwrap();
        let req = Request::get("/api/v1/me")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        let r = send(&b, req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["name"], "Karin Holm");
        assert_eq!(
            send(&b, Request::get("/healthz").body(Body::empty()).unwrap())
                .await
                .json()["database"],
            "postgres"
        );
    }
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_reads_the_product_in_their_own_language() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let me = app.get("/api/v1/me", Some(&anna)).await;
    assert_eq!(me.json()["language"], "sv", "Swedish unless chosen");

    // A language the product does not have is refused, naming the field.
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"language": "de"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.json()["error"]["field"], "language");

    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"language": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["language"], "en");
    assert_eq!(r.json()["name"], "Anna Lindqvist");
    let me = app.get("/api/v1/me", Some(&anna)).await.json();
    assert_eq!(me["language"], "en", "kept");

    // Pages follow the person's choice wherever they sign in; a browser's
    // own switch (the cookie) still wins in that browser.
    let start = app.get("/", Some(&anna)).await.text();
    assert!(start.contains("<html lang=\"en\">"), "{start}");
    let swedish = format!("{anna}; lang=sv");
    let start = app.get("/", Some(&swedish)).await.text();
    assert!(start.contains("<html lang=\"sv\">"));

    // On one's own page, as a form (with the CSRF token).
    let own = app
        .get(
            &format!("/personer/{}", me["id"].as_str().unwrap()),
            Some(&anna),
        )
        .await;
    let html = own.text();
    assert!(
        html.contains("action=\"/mitt-sprak\"")
            && html.contains("id=\"lang-en\" name=\"language\" value=\"en\" checked")
    );
    let r = form(
        &app.router,
        "/mitt-sprak",
        Some(&anna),
        &[("language", "sv")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "needs the CSRF token");
    let r = form(
        &app.router,
        "/mitt-sprak",
        Some(&anna),
        &[("language", "sv"), ("csrf", &csrf_of(&html))],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("lang=sv"));
    let me = app.get("/api/v1/me", Some(&anna)).await.json();
    assert_eq!(me["language"], "sv");

    // Someone else's page has no such form.
    let other = app.id_of("chef").await;
    let html = app
        .get(&format!("/personer/{other}"), Some(&anna))
        .await
        .text();
    assert!(!html.contains("/mitt-sprak"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_from_a_request_stay_on_this_site() {
    let app = spawn_app().await;
    for (bad, encoded) in [
        ("//evil.example", "%2F%2Fevil.example"),
        ("/\\evil.example", "%2F%5Cevil.example"),
        ("/\t/evil.example", "%2F%09%2Fevil.example"),
        ("/\n/evil.example", "%2F%0A%2Fevil.example"),
        ("/x\r\nSet-Cookie: a=b", "%2Fx%0D%0ASet-Cookie%3A%20a%3Db"),
        ("https://evil.example", "https%3A%2F%2Fevil.example"),
        ("javascript:alert(1)", "javascript%3Aalert(1)"),
        ("/.//evil.example", "%2F.%2F%2Fevil.example"),
    ] {
        let r = app.get(&format!("/sprak/en?next={encoded}"), None).await;
        if bad.chars().any(char::is_control) {
            // Refused before any page sees it.
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}");
            continue;
        }
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bad:?}");
        assert_eq!(r.headers[header::LOCATION], "/", "{bad:?}");
    }
    let r = app
        .get("/sprak/en?next=%2Fplan%3Fvecka%3D2026-W10", None)
        .await;
    assert_eq!(r.headers[header::LOCATION], "/plan?vecka=2026-W10");

    // Signing in with a tab-smuggled target lands on the start page.
    let page = app.get("/logga-in", None).await;
    let cookie = page.cookie().unwrap();
    let r = form(
        &app.router,
        "/logga-in",
        Some(&cookie),
        &[
            ("username", "anna"),
            ("password", "demo"),
            ("csrf", &csrf_of(&page.text())),
            ("next", "/\t/evil.example"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = r.headers[header::LOCATION].to_str().unwrap();
    assert_eq!(
        super::past_notice(&app.router, &r.cookie().unwrap(), to).await,
        "/"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_about_someone_are_not_cached_and_cookies_follow_https() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    for path in ["/api/v1/me", "/", "/plan", "/logga-in"] {
        let r = app.get(path, Some(&anna)).await;
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    let css = app.get("/static/distans.css", None).await;
    assert_eq!(css.headers[header::CACHE_CONTROL], "public, max-age=3600");

    // Behind HTTPS the language cookie is Secure like the session's.
    let secure = distans_web::app(distans_web::AppState::new(
        app.core.clone(),
        distans_web::WebConfig {
            secure_cookies: true,
            ..Default::default()
        },
    ));
    let req = Request::get("/sprak/en?next=%2F")
        .body(Body::empty())
        .unwrap();
    let r = send(&secure, req).await;
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=en") && cookie.contains("; Secure"),
        "{cookie}"
    );
    let r = app.get("/sprak/en?next=%2F", None).await;
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP in development: {cookie}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_json_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let token_named = |name: Value| json!({ "name": name, "days": 30 });
    // A NUL or another control character in any text is refused, naming
    // the field, before it reaches the database (PostgreSQL cannot keep a NUL).
    for (body, field) in [
        (token_named(json!("a\u{0}b")), "name"),
        (token_named(json!("a\u{1b}[31m")), "name"),
        (
            json!({"username": "anna\u{0}", "password": "demo"}),
            "username",
        ),
    ] {
        let path = if field == "username" {
            "/api/v1/login"
        } else {
            "/api/v1/me/tokens"
        };
        let r = app.call(Method::POST, path, Some(&anna), Some(body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], field, "{}", r.text());
    }
    // A value of the wrong type names its field, not a word of the message.
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"language": 5})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "language", "{}", r.text());
    let r = app
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&anna),
            Some(json!({"name": "x", "days": "many"})),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "days", "{}", r.text());
    // A line break in a text is not a control character people cannot type.
    let r = app
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&anna),
            Some(token_named(json!("two\nlines"))),
        )
        .await;
    assert_ne!(r.json()["error"]["field"], "name", "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_in_forms_and_query_strings_are_refused() {
    let app = spawn_app().await;
    let page = app.get("/logga-in", None).await;
    let cookie = page.cookie().unwrap();
    let csrf = csrf_of(&page.text());
    // A NUL in the sign-in name: a clear page, not a server error.
    let r = form(
        &app.router,
        "/logga-in",
        Some(&cookie),
        &[
            ("username", "anna\0"),
            ("password", "demo"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Otillåtna tecken"), "{}", r.text());
    // A line break smuggled into a query string.
    let r = app
        .get("/logga-in?next=%2F%0D%0ASet-Cookie:%20x", None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let anna = app.login("anna").await;
    let r = app.get("/api/v1/people?q=%00", Some(&anna)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "q");
    // Text areas keep their line breaks.
    let r = form(
        &app.router,
        "/logga-in",
        Some(&cookie),
        &[
            ("username", "anna\nx"),
            ("password", "demo"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "a wrong name, not refused input"
    );
}
