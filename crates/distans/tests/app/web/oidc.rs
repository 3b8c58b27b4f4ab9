//! Sign-in through the organisation's identity provider, against a real
//! OpenID Connect provider (the `oidc-provider` package in `e2e/oidc/`,
//! started by each test): the code flow with PKCE, state and nonce, the
//! person matched by e-mail or employee number, refusals (wrong state, a
//! used code, an expired or forged ID token, an unknown or deactivated
//! person), a new signing key, and signing out at the provider too.

use std::process::Stdio;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use distans_web::oidc::OidcSettings;
use distans_web::{AppState, WebConfig};
use serde_json::{json, Value};
use tokio::io::AsyncBufReadExt;

use super::*;

/// distans as the provider knows it: the callback is on this address. The
/// browser's part is played by the test, so nothing listens there.
const SITE: &str = "http://distans.test";
const SECRET: &str = "distans-test-secret";

/// A running provider; stopped when dropped.
struct Op {
    issuer: String,
    _child: tokio::process::Child,
}

fn op_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/oidc")
}

/// Starts the provider with `accounts` and more settings, or `None` (a
/// note, never in CI) when Node.js or its packages are missing.
async fn start_op(accounts: Value, env: &[(&str, String)]) -> Option<Op> {
    let dir = op_dir();
    let missing = if !dir.join("node_modules/oidc-provider").is_dir() {
        Some("run `npm ci` in e2e/oidc")
    } else if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        Some("install Node.js")
    } else {
        None
    };
    if let Some(what) = missing {
        assert!(
            std::env::var("CI").is_err(),
            "the OpenID Connect provider of the tests cannot run: {what}"
        );
        eprintln!("NOTE: skipping a test of sign-in through an identity provider: {what}");
        return None;
    }
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg("provider.js")
        .current_dir(&dir)
        .env("OIDC_REDIRECT_URI", format!("{SITE}/auth/oidc/callback"))
        .env("OIDC_CLIENT_SECRET", SECRET)
        .env("OIDC_ACCOUNTS", accounts.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("node starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the provider is ready within 30 s")
        .unwrap()
        .expect("the provider prints its address");
    // Whatever it prints later is read, so that it never writes to a closed pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let issuer = line
        .strip_prefix("ready ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    Some(Op {
        issuer,
        _child: child,
    })
}

/// An app on the demo organisation that signs in through `op` by `claim`.
fn oidc_router(app: &App, issuer: &str, claim: &str, local_login: bool) -> Router {
    let settings = OidcSettings::from_config(
        Some(issuer),
        Some("distans"),
        Some(SECRET),
        Some(claim),
        Some("Sjöviks konto"),
    )
    .unwrap();
    let state = AppState::try_new(
        app.core.clone(),
        WebConfig {
            public_url: SITE.into(),
            oidc: settings,
            local_login,
            ..WebConfig::default()
        },
    )
    .unwrap();
    distans_web::app(state)
}

async fn get(router: &Router, path: &str, cookie: Option<&str>) -> Resp {
    let mut b = Request::builder().method(Method::GET).uri(path);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    send(router, b.body(Body::empty()).unwrap()).await
}

fn location(r: &Resp) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_string()
}

/// The browser at the provider: cookies kept, redirects followed by hand.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Follows the provider from `url`, signing in as `login` when asked, until
/// it sends the browser back to distans: that address's path and query.
async fn at_provider(browser: &reqwest::Client, url: &str, login: &str) -> String {
    let mut url = reqwest::Url::parse(url).unwrap();
    for _ in 0..10 {
        if url.as_str().starts_with(SITE) {
            return format!("{}?{}", url.path(), url.query().unwrap_or(""));
        }
        let r = browser.get(url.clone()).send().await.unwrap();
        let r = if r.status() == reqwest::StatusCode::OK {
            let html = r.text().await.unwrap();
            if html.contains("name=\"login\"") {
                browser
                    .post(url.clone())
                    .form(&[("login", login), ("password", "demo")])
                    .send()
                    .await
                    .unwrap()
            } else if html.contains("op.logoutForm") {
                let action = html.split("action=\"").nth(1).unwrap().split('"').next();
                let xsrf = html.split("name=\"xsrf\" value=\"").nth(1).unwrap();
                let xsrf = xsrf.split('"').next().unwrap();
                browser
                    .post(action.unwrap())
                    .form(&[("xsrf", xsrf), ("logout", "yes")])
                    .send()
                    .await
                    .unwrap()
            } else {
                panic!("the provider shows a page the test cannot answer: {html}");
            }
        } else {
            r
        };
        assert!(
            r.status().is_redirection(),
            "the provider answered {}: {}",
            r.status(),
            r.text().await.unwrap_or_default()
        );
        let to = r.headers()[reqwest::header::LOCATION].to_str().unwrap();
        url = url.join(to).unwrap();
    }
    panic!("the provider never sent the browser back");
}

/// Begins a sign-in at distans (in the session of `cookie`, or a new one):
/// the session cookie and the callback the provider sends the browser to.
async fn begin(
    router: &Router,
    browser: &reqwest::Client,
    cookie: Option<&str>,
    login: &str,
) -> (String, String) {
    let r = get(router, "/auth/oidc/login?next=/plan", cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let cookie = r
        .cookie()
        .or(cookie.map(str::to_string))
        .expect("a session");
    let callback = at_provider(browser, &location(&r), login).await;
    (cookie, callback)
}

/// The person `/api/v1/me` shows, or the status when there is none.
async fn me(router: &Router, cookie: &str) -> Result<String, StatusCode> {
    let r = get(router, "/api/v1/me", Some(cookie)).await;
    if r.status == StatusCode::OK {
        Ok(r.json()["id"].as_str().unwrap().to_string())
    } else {
        Err(r.status)
    }
}

/// Anna of the demo organisation: her e-mail address and employee number.
async fn anna(app: &App) -> (String, String, String) {
    let id = app.id_of("anna").await;
    let cookie = app.login("hr").await;
    let p = app
        .get(&format!("/api/v1/people/{id}"), Some(&cookie))
        .await
        .json();
    (
        id,
        p["email"].as_str().unwrap().to_string(),
        p["employee_number"].as_str().unwrap().to_string(),
    )
}

fn replace_param(path_and_query: &str, name: &str, value: &str) -> String {
    let (path, query) = path_and_query.split_once('?').unwrap();
    let query: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k == name => format!("{k}={value}"),
            _ => kv.to_string(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

#[tokio::test]
async fn signs_in_through_the_provider_with_a_new_session_and_signs_out_there_too() {
    let app = spawn_app().await;
    let (anna_id, email, number) = anna(&app).await;
    // The provider spells the address in capitals: the case does not matter.
    let accounts = json!([{"login": "anna", "sub": "op-anna", "email": email.to_uppercase(), "employee_number": number}]);
    let Some(op) = start_op(accounts, &[]).await else {
        return;
    };
    let router = oidc_router(&app, &op.issuer, "email", true);

    // The button comes first, and local sign-in stays open.
    let page = get(&router, "/logga-in?next=/plan", None).await.text();
    let button = page.find("Logga in med Sjöviks konto").expect("the button");
    assert!(button < page.find("name=\"password\"").unwrap());
    assert!(page.contains("href=\"/auth/oidc/login?next=%2Fplan\""));

    let b = browser();
    let (before, callback) = begin(&router, &b, None, "anna").await;
    assert!(callback.starts_with("/auth/oidc/callback?code="));
    assert_eq!(me(&router, &before).await, Err(StatusCode::UNAUTHORIZED));
    let r = get(&router, &callback, Some(&before)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let after = r.cookie().expect("a session cookie");
    assert_eq!(
        location(&r),
        "/integritet/forsta?next=%2Fplan",
        "the privacy notice first, at the first sign-in"
    );
    assert_eq!(
        super::past_notice(&router, &after, &location(&r)).await,
        "/plan",
        "on to where the person was going"
    );
    assert_ne!(after, before, "a new session id at sign-in");
    assert_eq!(me(&router, &after).await, Ok(anna_id.clone()));
    assert_eq!(
        me(&router, &before).await,
        Err(StatusCode::UNAUTHORIZED),
        "the session id from before the sign-in is worthless"
    );
    // The same answer again finds nothing to finish.
    let again = get(&router, &callback, Some(&after)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);

    // Signing out ends the session here and sends the browser to end the
    // provider's, with the ID token as the hint; it comes back to sign-in.
    let csrf = csrf_of(&get(&router, "/", Some(&after)).await.text());
    let r = form(&router, "/logga-ut", Some(&after), &[("csrf", &csrf)]).await;
    // A page that goes on at once (the sign-out form may only lead here).
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains("Du är utloggad från distans") && !page.contains("Logga ut</button>"));
    let end = page
        .split("id=\"end-provider-session\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(page.contains("http-equiv=\"refresh\""));
    assert!(
        end.starts_with(&format!("{}/session/end?", op.issuer)),
        "{end}"
    );
    assert!(end.contains("id_token_hint=") && end.contains("post_logout_redirect_uri="));
    assert_eq!(me(&router, &after).await, Err(StatusCode::UNAUTHORIZED));
    let back = at_provider(&b, &end, "anna").await;
    assert_eq!(back, "/logga-in?");
    // The provider's session is over: signing in asks for the password again.
    let r = get(&router, "/auth/oidc/login", None).await;
    let at_op = b.get(location(&r)).send().await.unwrap();
    let to = at_op.headers()[reqwest::header::LOCATION].to_str().unwrap();
    assert!(to.starts_with("/interaction/"), "{to}");
}

#[tokio::test]
async fn a_wrong_state_or_a_used_code_signs_no_one_in() {
    let app = spawn_app().await;
    let (_, email, _) = anna(&app).await;
    let Some(op) = start_op(
        json!([{"login": "anna", "sub": "op-anna", "email": email}]),
        &[],
    )
    .await
    else {
        return;
    };
    let router = oidc_router(&app, &op.issuer, "email", true);
    let b = browser();

    // A state that is not this browser's.
    let (cookie, callback) = begin(&router, &b, None, "anna").await;
    let r = get(
        &router,
        &replace_param(&callback, "state", "not-the-state"),
        Some(&cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Inloggningen gick inte igenom"));
    assert_eq!(me(&router, &cookie).await, Err(StatusCode::UNAUTHORIZED));
    // What was kept for the sign-in is gone: the right answer is too late.
    let r = get(&router, &callback, Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(me(&router, &cookie).await, Err(StatusCode::UNAUTHORIZED));

    // A code used once, sent again with a sign-in begun later.
    let (first, used) = begin(&router, &b, None, "anna").await;
    let r = get(&router, &used, Some(&first)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let code = used
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let (second, fresh) = begin(&router, &b, None, "anna").await;
    let replay = replace_param(&fresh, "code", code);
    let r = get(&router, &replay, Some(&second)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(me(&router, &second).await, Err(StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn an_expired_or_forged_id_token_signs_no_one_in() {
    let app = spawn_app().await;
    let (_, email, _) = anna(&app).await;
    let accounts = json!([{"login": "anna", "sub": "op-anna", "email": email}]);
    // The provider's clock is two hours behind: its ID tokens (valid for
    // an hour) have expired when they arrive.
    let late = [("OIDC_CLOCK_OFFSET_SECONDS", "-7200".to_string())];
    // The provider signs with a key that its published key set does not hold.
    let forged = [("OIDC_FORGE", "1".to_string())];
    for env in [&late[..], &forged[..]] {
        let Some(op) = start_op(accounts.clone(), env).await else {
            return;
        };
        let router = oidc_router(&app, &op.issuer, "email", true);
        let (cookie, callback) = begin(&router, &browser(), None, "anna").await;
        let r = get(&router, &callback, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{env:?}: {}", r.text());
        assert!(r.cookie().is_none_or(|c| c == cookie));
        assert_eq!(me(&router, &cookie).await, Err(StatusCode::UNAUTHORIZED));
    }
}

#[tokio::test]
async fn a_new_signing_key_is_fetched_when_tokens_are_signed_with_it() {
    let app = spawn_app().await;
    let (anna_id, email, _) = anna(&app).await;
    let accounts = json!([{"login": "anna", "sub": "op-anna", "email": email}]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let env = [("OIDC_PORT", port)];
    let Some(op) = start_op(accounts.clone(), &env).await else {
        return;
    };
    let router = oidc_router(&app, &op.issuer, "email", true);
    let (cookie, callback) = begin(&router, &browser(), None, "anna").await;
    let r = get(&router, &callback, Some(&cookie)).await;
    assert_eq!(me(&router, &r.cookie().unwrap()).await, Ok(anna_id.clone()));
    // The provider starts again with a new key (same address, new key id).
    drop(op);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let Some(_op) = start_op(accounts, &env).await else {
        return;
    };
    let (cookie, callback) = begin(&router, &browser(), None, "anna").await;
    let r = get(&router, &callback, Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(me(&router, &r.cookie().unwrap()).await, Ok(anna_id));
}

#[tokio::test]
async fn the_claim_can_be_sub_or_an_employee_number_claim() {
    let app = spawn_app().await;
    let (anna_id, email, number) = anna(&app).await;
    let accounts = json!([
        {"login": "anna", "sub": number, "email": "someone.else@example.org"},
        {"login": "anna2", "sub": "op-anna", "email": email, "employee_number": number},
        {"login": "noclaim", "sub": "op-x", "email": email},
    ]);
    let Some(op) = start_op(accounts, &[]).await else {
        return;
    };
    for (claim, login, who) in [
        ("sub", "anna", Some(&anna_id)),
        ("employee_number", "anna2", Some(&anna_id)),
        // A token without the claim names no one, whatever else it holds.
        ("employee_number", "noclaim", None),
        // `sub` is the provider's id, not an e-mail address.
        ("sub", "anna2", None),
    ] {
        let router = oidc_router(&app, &op.issuer, claim, true);
        let (cookie, callback) = begin(&router, &browser(), None, login).await;
        let r = get(&router, &callback, Some(&cookie)).await;
        match who {
            Some(id) => {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{claim} {login}");
                assert_eq!(me(&router, &r.cookie().unwrap()).await.as_ref(), Ok(id));
            }
            None => {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{claim} {login}");
                assert_eq!(me(&router, &cookie).await, Err(StatusCode::UNAUTHORIZED));
            }
        }
    }
}

#[tokio::test]
async fn an_unknown_or_deactivated_person_gets_a_plain_page_and_no_session() {
    let app = spawn_app().await;
    let (_, email, _) = anna(&app).await;
    let accounts = json!([
        {"login": "stranger", "sub": "op-1", "email": "ny.person@sjovik.se"},
        {"login": "anna", "sub": "op-anna", "email": email},
    ]);
    let Some(op) = start_op(accounts, &[]).await else {
        return;
    };
    let router = oidc_router(&app, &op.issuer, "email", true);
    let unknown = |cookie: Option<String>, lang: &'static str, login: &'static str| {
        let router = router.clone();
        async move {
            let b = browser();
            let (cookie, callback) = begin(&router, &b, cookie.as_deref(), login).await;
            let r = get(&router, &callback, Some(&format!("{cookie}; {lang}"))).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{login}");
            assert_eq!(me(&router, &cookie).await, Err(StatusCode::UNAUTHORIZED));
            r.text()
        }
    };
    let sv = unknown(None, "lang=sv", "stranger").await;
    assert!(sv.contains("Du har inget konto i distans"), "{sv}");
    assert!(sv.contains("Kontakta din chef eller HR"));
    assert!(!sv.contains("op-1") && !sv.contains("ny.person"), "no ids");
    let en = unknown(None, "lang=en", "stranger").await;
    assert!(en.contains("You do not have an account in distans"), "{en}");

    // A person who has left is refused the same way.
    let anna_id = app.id_of("anna").await;
    let hr = app.login("hr").await;
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/people/{anna_id}/deactivate"),
            Some(&hr),
            Some(json!({})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let gone = unknown(None, "lang=sv", "anna").await;
    assert!(gone.contains("Du har inget konto i distans"));
}

#[tokio::test]
async fn with_local_sign_in_off_only_administrators_use_a_password() {
    let app = spawn_app().await;
    // The provider is never asked: the setting is enough.
    let router = oidc_router(&app, "http://127.0.0.1:9", "email", false);
    let login = |user: &'static str| {
        let router = router.clone();
        async move {
            let req = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"username": user, "password": "demo"}).to_string(),
                ))
                .unwrap();
            send(&router, req).await
        }
    };
    assert_eq!(login("anna").await.status, StatusCode::FORBIDDEN);
    assert_eq!(login("hr").await.status, StatusCode::FORBIDDEN);
    let admin = login("admin").await;
    assert_eq!(admin.status, StatusCode::OK, "break glass");

    // The page offers the provider first and the password to administrators.
    let r = get(&router, "/logga-in", None).await;
    let page = r.text();
    assert!(page.find("Logga in med Sjöviks konto").unwrap() < page.find("<details").unwrap());
    assert!(page.contains("Administratör? Logga in med lösenord"));
    let cookie = r.cookie().unwrap();
    let csrf = csrf_of(&page);
    let r = form(
        &router,
        "/logga-in",
        Some(&cookie),
        &[("username", "anna"), ("password", "demo"), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("Inloggning med lösenord är avstängd"));
    // The provider cannot be reached: a plain page, not an error.
    let r = get(&router, "/auth/oidc/login", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().contains("Inloggningen fungerar inte just nu"));
}

#[tokio::test]
async fn without_a_provider_there_is_no_button_and_no_route() {
    let app = spawn_app().await;
    let page = app.get("/logga-in", None).await.text();
    assert!(!page.contains("/auth/oidc/login"));
    assert_eq!(
        app.get("/auth/oidc/login", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/auth/oidc/callback?code=x&state=y", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
