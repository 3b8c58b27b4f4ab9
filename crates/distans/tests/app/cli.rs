//! The command line as an administrator uses it: the real binary on real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Dir(PathBuf);
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dir() -> Dir {
    let p = std::env::temp_dir().join(format!(
        "distans-cli-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&p).unwrap();
    Dir(p)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn distans(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_distans"))
        .env("DATABASE_URL", db)
        .env_remove("DISTANS_LOG")
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const GOOD: &str = "employee_number;given_name;family_name;email;unit_code;unit_name;parent_unit_code;manages;site_name;site_address;site_desks;skills;commute_km;commute_mode;username\n\
1;Karin;Berg;karin@k.se;K;Kommunen;;K;Stadshuset;Storgatan 1;100;;3,5;cykel;karin\n\
2;Åsa;Öberg;asa@k.se;KC;Kontaktcenter;K;;Stadshuset;;;reception|myndighetsutövning;12;bil;\n\
3;Chef;Holm;;KC;Kontaktcenter;K;KC;Stadshuset;;;reception;;;\n";

#[test]
fn import_is_idempotent_and_all_or_nothing() {
    let d = dir();
    let db = d.0.join("d.db");
    let csv = d.0.join("people.csv");
    std::fs::write(&csv, GOOD).unwrap();
    let o = distans(&db, &["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = distans(&db, &["import", "people", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("people 3 new, 0 updated, 0 unchanged"),
        "{}",
        text(&o)
    );
    let o = distans(&db, &["import", "people", csv.to_str().unwrap()]);
    assert!(
        text(&o).contains("people 0 new, 0 updated, 3 unchanged"),
        "re-import never duplicates: {}",
        text(&o)
    );

    // Every bad row, with its line and reason; nothing imported.
    let bad = format!(
        "{GOOD}4;Dan;;dan@;KC;Kontaktcenter;K;;;;;;abc;raket;\n5;Eva;Ek;;X;Ny;SAKNAS;;;;;;;;\n1;Karin;Dubblett;;K;Kommunen;;;;;;;;;\n"
    );
    let badf = d.0.join("bad.csv");
    std::fs::write(&badf, bad).unwrap();
    let o = distans(&db, &["import", "people", badf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    // One pass: the rows that cannot be read and what the import finds
    // (an unknown parent unit), each with its line and column.
    for needle in [
        "nothing was imported",
        "line 5, column 3 (family_name)",
        "line 5, column 4 (email)",
        "line 5, column 13 (commute_km)",
        "line 5, column 14 (commute_mode)",
        "line 6, column 7 (parent_unit_code): unit SAKNAS is neither in the file nor in the organisation",
        "line 7, column 1 (employee_number): 1 already appears on line 2",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
    }
    assert!(!t.contains("line 0"), "{t}");
    // A cycle is reported once, on a line of the file.
    let cyclic = GOOD.replace("K;Kommunen;;K", "K;Kommunen;KC;K");
    std::fs::write(&badf, cyclic).unwrap();
    let o = distans(&db, &["import", "people", badf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    assert_eq!(t.matches("below themselves").count(), 1, "{t}");
    assert!(t.contains("column 7 (parent_unit_code)"), "{t}");
    assert!(!t.contains("line 0"), "{t}");
    let o = distans(&db, &["import", "people", csv.to_str().unwrap()]);
    assert!(
        text(&o).contains("people 0 new, 0 updated, 3 unchanged"),
        "{}",
        text(&o)
    );

    // Someone left: the next export lacks them, and the import deactivates
    // them (once); --allow-many only goes with --deactivate-missing.
    let without_asa: String = GOOD
        .lines()
        .filter(|l| !l.starts_with("2;"))
        .map(|l| format!("{l}\n"))
        .collect();
    let leftf = d.0.join("left.csv");
    std::fs::write(&leftf, without_asa).unwrap();
    let o = distans(
        &db,
        &["import", "people", leftf.to_str().unwrap(), "--allow-many"],
    );
    assert!(!o.status.success(), "{}", text(&o));
    let o = distans(
        &db,
        &[
            "import",
            "people",
            leftf.to_str().unwrap(),
            "--deactivate-missing",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Deactivated 1 people"), "{}", text(&o));
    let o = distans(
        &db,
        &[
            "import",
            "people",
            leftf.to_str().unwrap(),
            "--deactivate-missing",
        ],
    );
    assert!(text(&o).contains("Deactivated 0 people"), "{}", text(&o));

    // Password, audit chain and a backup.
    let o = Command::new(env!("CARGO_BIN_EXE_distans"))
        .env("DATABASE_URL", &db)
        .env("PW", "ett-lösenord")
        .args(["passwd", "karin", "--from-env", "PW"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = distans(&db, &["verify-audit"]);
    assert!(
        o.status.success() && text(&o).contains("intact"),
        "{}",
        text(&o)
    );
    let copy = d.0.join("copy.db");
    let o = distans(&db, &["backup", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = distans(&copy, &["verify-audit"]);
    assert!(
        o.status.success(),
        "the copy is a working database: {}",
        text(&o)
    );
    let o = distans(&db, &["backup", copy.to_str().unwrap()]);
    assert!(!o.status.success(), "a backup never overwrites a file");
}

#[test]
fn plan_on_a_file() {
    let d = dir();
    let input = d.0.join("in.json");
    let output = d.0.join("out.json");
    std::fs::write(
        &input,
        r#"{"horizon": {"start": "2026-01-05", "weeks": 1, "holidays": ["2026-01-06"]},
            "employees": [
              {"id": "e1", "unit": "reception", "skills": ["reception"], "remote_target_per_week": 2},
              {"id": "e2", "unit": "reception", "skills": ["reception"], "remote_target_per_week": 2}
            ],
            "rules": {"coverage": [{"unit": "reception", "skill": "reception", "min_onsite": 1, "weekdays": null}]}}"#,
    )
    .unwrap();
    let db = d.0.join("unused.db");
    let o = distans(
        &db,
        &[
            "plan",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--time-limit",
            "5",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let out: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    assert_eq!(out["status"], "optimal");
    assert_eq!(out["cost"], 0);
    assert_eq!(
        out["plan"]["e1"].as_object().unwrap().len(),
        4,
        "four workdays (Tuesday is a holiday)"
    );

    // A start that is not a Monday, or a far date, is refused naming the
    // field, and nothing is written.
    std::fs::remove_file(&output).unwrap();
    for (start, field) in [
        ("2026-01-06", "horizon.start"),
        ("9999-12-27", "horizon.start"),
        ("2199-12-30", "horizon.weeks"),
    ] {
        std::fs::write(
            &input,
            format!(r#"{{"horizon": {{"start": "{start}", "weeks": 1}}, "employees": []}}"#),
        )
        .unwrap();
        let o = distans(
            &db,
            &[
                "plan",
                "--input",
                input.to_str().unwrap(),
                "--output",
                output.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{start}: {}", text(&o));
        assert!(text(&o).contains(field), "{start}: {}", text(&o));
        assert!(!output.exists(), "{start}");
    }
}

#[test]
fn absences_import_is_idempotent_and_all_or_nothing() {
    let d = dir();
    let db = d.0.join("d.db");
    let people = d.0.join("people.csv");
    std::fs::write(&people, GOOD).unwrap();
    let o = distans(&db, &["import", "people", people.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let csv = d.0.join("absences.csv");
    std::fs::write(
        &csv,
        "employee_number;first_day;last_day\n1;2026-12-01;2026-12-04\n2;2026-12-07;2026-12-07\n",
    )
    .unwrap();
    let o = distans(&db, &["import", "absences", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("absences 2 new, 0 updated, 0 unchanged"),
        "{}",
        text(&o)
    );
    let o = distans(&db, &["import", "absences", csv.to_str().unwrap()]);
    assert!(
        text(&o).contains("absences 0 new, 0 updated, 2 unchanged"),
        "re-import never duplicates: {}",
        text(&o)
    );
    // A longer period from the same first day updates it.
    std::fs::write(
        &csv,
        "employee_number,first_day,last_day\n1,2026-12-01,2026-12-11\n",
    )
    .unwrap();
    let o = distans(&db, &["import", "absences", csv.to_str().unwrap()]);
    assert!(
        text(&o).contains("absences 0 new, 1 updated, 0 unchanged"),
        "{}",
        text(&o)
    );

    // Every bad row with line, column and reason; nothing imported (exit 2).
    std::fs::write(
        &csv,
        "employee_number,first_day,last_day\n3,2026-12-01,2026-12-02\n99,2026-12-01,2026-12-02\n2,2026-13-01,2026-12-02\n1,2026-12-01,10000-01-01\n",
    )
    .unwrap();
    let o = distans(&db, &["import", "absences", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    // One pass: the rows that cannot be read and the unknown person.
    assert!(t.contains("line 4, column 2 (first_day)"), "{t}");
    assert!(
        t.contains("line 5, column 3 (last_day): \"10000-01-01\" is outside the years accepted (1900–2199)"),
        "{t}"
    );
    assert!(
        t.contains("line 3, column 1 (employee_number): nobody has the employee number 99"),
        "{t}"
    );
    assert!(
        t.contains("Columns: employee_number*, first_day*, last_day*"),
        "{t}"
    );
    std::fs::write(
        &csv,
        "employee_number,first_day,last_day\n3,2026-12-01,2026-12-02\n",
    )
    .unwrap();
    let o = distans(&db, &["import", "absences", csv.to_str().unwrap()]);
    assert!(
        text(&o).contains("absences 1 new, 0 updated, 0 unchanged"),
        "the good row of the bad file was not written: {}",
        text(&o)
    );
}

/// A request to a running server with curl: (status, body).
fn curl(args: &[&str]) -> (u16, String) {
    let o = Command::new("curl")
        .args(["-s", "-o", "-", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl is needed for this test");
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let (body, status) = out.rsplit_once('\n').unwrap_or(("", "0"));
    (status.trim().parse().unwrap_or(0), body.to_string())
}

/// The disk fills up under a running server (its files may not grow: the
/// write of a commit fails), then gets room again: writes work again
/// without a restart, on the very connection that failed, and readiness
/// says so throughout.
#[test]
fn a_full_disk_heals_without_a_restart() {
    let d = dir();
    let db = d.0.join("full.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    // One connection, so that the one that failed is the one used after;
    // a file that may not grow is an error to the writer, not a signal.
    let mut server = Command::new("bash")
        .args([
            "-c",
            "trap '' XFSZ; exec \"$0\" serve --demo --demo-size 30 --db-connections 1 --bind \"$1\"",
            env!("CARGO_BIN_EXE_distans"),
            &format!("127.0.0.1:{port}"),
        ])
        .env("DATABASE_URL", &db)
        .env_remove("DISTANS_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let ready = || curl(&[&format!("{base}/readyz")]).0;
    for _ in 0..200 {
        if ready() == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(ready(), 200, "the server did not start");
    let cookies = d.0.join("cookies");
    let cookies = cookies.to_str().unwrap();
    let json = ["-H", "content-type: application/json"];
    let (status, _) = curl(
        &[
            &json[..],
            &[
                "-c",
                cookies,
                "-d",
                r#"{"username":"hr","password":"demo"}"#,
                &format!("{base}/api/v1/login"),
            ],
        ]
        .concat(),
    );
    assert_eq!(status, 200);
    let (_, token) = curl(
        &[
            &json[..],
            &[
                "-b",
                cookies,
                "-d",
                r#"{"name":"disk"}"#,
                &format!("{base}/api/v1/me/tokens"),
            ],
        ]
        .concat(),
    );
    let token: serde_json::Value = serde_json::from_str(&token).unwrap();
    let auth = format!(
        "Authorization: Bearer {}",
        token["secret"].as_str().unwrap()
    );
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let report = || {
        let body = format!(r#"{{"kind": "other", "description": "Disken", "date": "{today}"}}"#);
        curl(
            &[
                &json[..],
                &[
                    "-H",
                    &auth,
                    "-d",
                    &body,
                    &format!("{base}/api/v1/deviations"),
                ],
            ]
            .concat(),
        )
    };
    assert_eq!(report().0, 201);
    let limit = |fsize: &str| {
        let o = Command::new("prlimit")
            .args([
                "--pid",
                &server.id().to_string(),
                &format!("--fsize={fsize}"),
            ])
            .output()
            .expect("prlimit (util-linux) is needed for this test");
        assert!(o.status.success(), "{}", text(&o));
    };

    limit("1:");
    let (status, body) = report();
    assert_eq!(status, 503, "a full disk: {body}");
    assert!(body.contains("\"unavailable\""), "{body}");
    assert_eq!(ready(), 503);

    limit("unlimited:");
    for _ in 0..3 {
        let (status, body) = report();
        assert_eq!(status, 201, "room again: {body}");
    }
    assert_eq!(ready(), 200);
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn scim_tokens_are_made_listed_and_revoked() {
    let d = dir();
    let db = d.0.join("d.db");
    let o = distans(&db, &["scim-token", "create", "--name", "entra"]);
    assert!(o.status.success(), "{}", text(&o));
    let secret = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(
        secret.starts_with("dscim_") && secret.len() > 40,
        "{secret}"
    );
    let o = distans(&db, &["scim-token", "create", "--name", "entra"]);
    assert!(!o.status.success(), "one live token per name: {}", text(&o));
    let o = distans(&db, &["scim-token", "create", "--name", "bad name"]);
    assert!(!o.status.success());
    let o = distans(&db, &["scim-token", "list"]);
    assert!(text(&o).contains("entra"), "{}", text(&o));
    assert!(!text(&o).contains(&secret), "the secret is shown once only");
    let o = distans(&db, &["scim-token", "revoke", "entra"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = distans(&db, &["scim-token", "revoke", "entra"]);
    assert!(!o.status.success(), "revoked already: {}", text(&o));
    let o = distans(&db, &["scim-token", "list"]);
    assert!(!text(&o).contains("entra"));
    let o = distans(&db, &["scim-token", "create", "--name", "entra"]);
    assert!(
        o.status.success(),
        "a new token after revoking: {}",
        text(&o)
    );
    let o = distans(&db, &["verify-audit"]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Sign-in through an identity provider that is configured wrong stops the
/// server at start, naming the variable, and never shows the secret.
#[test]
fn a_wrong_identity_provider_setting_is_named_at_start() {
    let dir = std::env::temp_dir().join(format!("distans-oidc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.db");
    for (env, named) in [
        (
            vec![("DISTANS_OIDC_ISSUER", "https://login.example.org")],
            "DISTANS_OIDC_CLIENT_ID",
        ),
        (
            vec![
                ("DISTANS_OIDC_CLIENT_ID", "distans"),
                ("DISTANS_OIDC_CLIENT_SECRET", "hemlig-nyckel"),
            ],
            "DISTANS_OIDC_ISSUER",
        ),
        (
            vec![
                ("DISTANS_OIDC_ISSUER", "login.example.org"),
                ("DISTANS_OIDC_CLIENT_ID", "distans"),
                ("DISTANS_OIDC_CLIENT_SECRET", "hemlig-nyckel"),
            ],
            "DISTANS_OIDC_ISSUER",
        ),
        (
            vec![("DISTANS_LOCAL_LOGIN", "false")],
            "DISTANS_LOCAL_LOGIN",
        ),
        (
            vec![("DISTANS_LOCAL_LOGIN", "kanske")],
            "DISTANS_LOCAL_LOGIN",
        ),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_distans"));
        cmd.env("DATABASE_URL", &db)
            .env("RUST_BACKTRACE", "0")
            .args(["serve", "--bind", "127.0.0.1:0"]);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let o = cmd.output().unwrap();
        let t = text(&o);
        assert!(!o.status.success(), "{env:?}: {t}");
        assert!(t.contains(named), "{env:?}: {t}");
        assert!(!t.contains("hemlig-nyckel"), "{t}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A SQLite file with the demo organisation (a year of plan data, signed
/// agreements), made through the library as `serve --demo` makes it.
fn demo_db(db: &Path) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = distans_store::SqlStore::open(&distans_store::StoreConfig {
            url: db.to_string_lossy().into(),
            max_connections: 2,
        })
        .await
        .unwrap();
        let core = distans_core::Core::new(
            std::sync::Arc::new(store.clone()),
            std::sync::Arc::new(distans_core::kernel::clock::SystemClock),
        );
        core.ensure_defaults().await.unwrap();
        core.demo.load_demo(60).await.unwrap();
        store.db().close().await;
    });
}

#[test]
fn retention_runs_and_the_archive_export_verifies() {
    let d = dir();
    let db = d.0.join("d.db");
    demo_db(&db);

    // A dry run shows and changes nothing; a run is recorded; the chain holds.
    let o = distans(
        &db,
        &["retention", "run", "--dry-run", "--as-of", "2040-01-01"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let shown = text(&o);
    assert!(
        shown.contains("nothing was changed") && shown.contains("absences"),
        "{shown}"
    );
    let o = distans(&db, &["retention", "run", "--as-of", "2040-13-01"]);
    assert!(
        !o.status.success() && text(&o).contains("--as-of"),
        "{}",
        text(&o)
    );
    let o = distans(&db, &["retention", "run", "--as-of", "2040-01-01"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("Recorded as disposal run"),
        "{}",
        text(&o)
    );
    let o = distans(&db, &["verify-audit"]);
    assert!(o.status.success(), "{}", text(&o));

    // The archive: a PDF/A and a metadata file per signed agreement, and
    // a manifest whose sums verify.
    let out = d.0.join("arkiv");
    let args = [
        "archive",
        "export",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
    ];
    let o = distans(&db, &[&args[..], &[out.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", text(&o));
    let manifest = std::fs::read_to_string(out.join("manifest-sha256.txt")).unwrap();
    let lines: Vec<&str> = manifest.lines().collect();
    assert!(
        lines.len() >= 2 && lines.len().is_multiple_of(2),
        "{manifest}"
    );
    let check = Command::new("sha256sum")
        .args(["-c", "manifest-sha256.txt"])
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));
    let pdfs: Vec<_> = lines
        .iter()
        .filter_map(|l| l.split_once("  ").map(|(_, f)| f))
        .filter(|f| f.ends_with(".pdf"))
        .collect();
    assert!(!pdfs.is_empty());
    for f in &pdfs {
        let bytes = std::fs::read(out.join(f)).unwrap();
        let s = String::from_utf8_lossy(&bytes);
        assert!(
            s.contains("pdfaid:part") && s.contains("pdfaid:conformance"),
            "{f} carries the PDF/A identification in its XMP metadata"
        );
        let meta: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(f.replace(".pdf", ".json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(meta["conformance"], "PDF/A-2a");
        assert_eq!(meta["disposal"]["action"], "keep");
        assert!(meta["employee_signed_at"].is_string());
    }
    // An edited file no longer verifies.
    std::fs::write(out.join(pdfs[0]), b"edited").unwrap();
    let check = Command::new("sha256sum")
        .args(["-c", "--quiet", "manifest-sha256.txt"])
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(!check.status.success());
    // The same directory again is refused.
    let o = distans(&db, &[&args[..], &[out.to_str().unwrap()]].concat());
    assert!(
        !o.status.success() && text(&o).contains("already"),
        "{}",
        text(&o)
    );
}
