//! The organisation: the demo organisation, browsing units and people, and
//! imports of people that update, audit and are all or nothing.

use distans_core::kernel::PersonId;
use std::sync::Arc;

use distans_core::audit::AuditFilter;
use distans_core::kernel::csv::ImportError;
use distans_core::kernel::{Paging, Role};
use distans_core::org::csv::parse_people_csv;
use distans_core::org::PeopleFilter;
use distans_core::store::*;
use distans_core::Core;
use distans_store::SqlStore;

use super::{core, fresh_dbs, username_person, CSV};

async fn everyone_ids(store: &SqlStore) -> Vec<PersonId> {
    store
        .people(
            &PeopleFilter::All,
            None,
            Paging {
                limit: 500,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.id)
        .collect()
}

/// Agreements, occasional days and absences of these people around today.
async fn plan_totals(c: &Core, store: &SqlStore, ids: Vec<PersonId>) -> (usize, usize, usize) {
    let (from, to) = (
        c.today() - time::Duration::days(200),
        c.today() + time::Duration::days(200),
    );
    let rules = store.plan_rules(&ids, from, to).await.unwrap();
    rules.values().fold((0, 0, 0), |(a, o, b), r| {
        (
            a + r.agreements.len(),
            o + r.occasional.len(),
            b + r.absences.len(),
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_import_browse_and_reimport() {
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let c = core(&store);
        let label = t.label;
        let r = c.demo.load_demo(300).await.unwrap();
        assert_eq!(r.people_created, 300, "{label}");
        let counts = store.counts().await.unwrap();
        assert_eq!(counts.people, 300);
        assert_eq!(
            counts.accounts as usize,
            distans_core::demo::DEMO_ACCOUNTS.len()
        );
        assert!(counts.desks > 0);

        // Sign-in data and the actor.
        let chef = username_person(&store, "chef").await;
        let anna = username_person(&store, "anna").await;
        let bo = username_person(&store, "bo").await;
        let actor = store.actor(chef).await.unwrap().unwrap();
        assert!(actor.roles.contains(&Role::Manager), "{label}");
        assert_eq!(actor.manages.len(), 1);
        let hr = store
            .actor(username_person(&store, "hr").await)
            .await
            .unwrap()
            .unwrap();
        assert!(hr.roles.contains(&Role::Hr));
        assert!(!hr.roles.contains(&Role::Manager));
        let (_, hash) = store.credentials("ANNA").await.unwrap().unwrap();
        assert!(hash.unwrap().starts_with("$argon2id$"));

        // The unit tree.
        let kc = actor.manages[0].id;
        let unit = store.unit(kc).await.unwrap().unwrap();
        assert_eq!(
            unit.unit.manager.as_ref().map(|m| m.id),
            Some(Into::into(chef))
        );
        assert_eq!(
            unit.ancestors.len(),
            3,
            "{label}: kommun, förvaltning, avdelning"
        );
        assert_eq!(unit.ancestors[0].name, "Sjöviks kommun");
        let top = store.units(None, Some(0), Paging::default()).await.unwrap();
        assert_eq!(top.total, 1);
        let all = store
            .units(
                None,
                None,
                Paging {
                    limit: 10,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        assert_eq!(all.items.len(), 10);
        assert_eq!(all.next, Some(10));
        let under = store
            .units(
                Some(unit.ancestors[1].id),
                None,
                Paging {
                    limit: 500,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        assert!(under.items.iter().any(|u| u.id == kc));
        assert!(under.items.iter().all(|u| u.depth >= 1));

        // People: of a unit, below a unit, everyone, search.
        let in_kc = store
            .people(
                &PeopleFilter::Unit(kc),
                None,
                Paging {
                    limit: 500,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        assert!(in_kc.items.iter().any(|p| p.id == anna));
        assert!(in_kc.items.iter().all(|p| p.id != bo));
        let everyone = store
            .people(
                &PeopleFilter::All,
                None,
                Paging {
                    limit: 7,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        assert_eq!(everyone.total, 300);
        assert_eq!(everyone.items.len(), 7);
        let below_root = store
            .people(
                &PeopleFilter::Under(vec![
                    store
                        .unit(unit.ancestors[0].id)
                        .await
                        .unwrap()
                        .unwrap()
                        .path,
                ]),
                None,
                Paging {
                    limit: 1,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        assert_eq!(below_root.total, 300);
        let found = store
            .people(&PeopleFilter::All, Some("lindqvist"), Paging::default())
            .await
            .unwrap();
        assert!(
            found.items.iter().any(|p| p.id == anna),
            "{label}: search is case-insensitive"
        );
        let found = store
            .people(&PeopleFilter::All, Some("Åberg"), Paging::default())
            .await
            .unwrap();
        assert!(found.total >= 1, "{label}: search handles å");
        let none = store
            .people(&PeopleFilter::All, Some("%"), Paging::default())
            .await
            .unwrap();
        assert_eq!(none.total, 0, "{label}: % is not a wildcard");

        // A person and their manager.
        let rec = store.person(anna).await.unwrap().unwrap();
        assert_eq!(rec.manager.as_ref().map(|m| m.id), Some(Into::into(chef)));
        let chef_rec = store.person(chef).await.unwrap().unwrap();
        assert!(chef_rec.manager.is_some());
        assert_ne!(chef_rec.manager.as_ref().map(|m| m.id), Some(chef));
        assert_eq!(chef_rec.manages.len(), 1);
        assert!(!rec.person.skills.is_empty());

        // A year of plan data: agreements, occasional days, absences.
        let ids: Vec<PersonId> = everyone_ids(&store).await;
        let before = plan_totals(&c, &store, ids.clone()).await;
        assert!(
            before.0 > 60 && before.1 > 1000 && before.2 > 15,
            "{label}: {before:?}"
        );

        // The same organisation again changes nothing.
        let again = c.demo.load_demo(300).await.unwrap();
        assert_eq!(again.people_created + again.people_updated, 0, "{label}");
        assert_eq!(again.people_unchanged, 300);
        assert_eq!(store.counts().await.unwrap().people, 300);
        assert_eq!(
            plan_totals(&c, &store, ids).await,
            before,
            "{label}: plan data once"
        );

        let chain = c.audit.verify_audit(None).await.unwrap();
        assert!(chain.ok, "{label}: {chain:?}");
        assert!(chain.entries > 300);

        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_import_updates_and_audits_and_is_all_or_nothing() {
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let c = core(&store);
        let label = t.label;
        let data = parse_people_csv(CSV.as_bytes()).unwrap();
        let r = c.org.import(None, &data).await.unwrap();
        assert_eq!((r.people_created, r.units_created), (3, 2), "{label}");

        // Change one person and move the unit; the audit log has before/after.
        let changed = CSV.replace("2,Anna,Lind,anna@k.se", "2,Anna,Lindgren,anna@k.se");
        let r = c
            .org
            .import(None, &parse_people_csv(changed.as_bytes()).unwrap())
            .await
            .unwrap();
        assert_eq!(
            (r.people_updated, r.people_unchanged, r.people_created),
            (1, 2, 0),
            "{label}"
        );
        let anna = store
            .people(&PeopleFilter::All, Some("lindgren"), Paging::default())
            .await
            .unwrap()
            .items
            .remove(0);
        let log = store
            .audit(
                &AuditFilter {
                    entity: Some("person".into()),
                    entity_id: Some(anna.id.to_string()),
                    from: None,
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert_eq!(log.total, 2, "{label}: created, then updated");
        let upd = &log.items[0];
        assert_eq!(upd.entry.action, "person.update");
        assert_eq!(upd.entry.before.as_ref().unwrap()["name"], "Anna Lind");
        assert_eq!(upd.entry.after.as_ref().unwrap()["name"], "Anna Lindgren");
        let karin = username_person(&store, "karin").await;
        assert!(store
            .actor(karin)
            .await
            .unwrap()
            .unwrap()
            .roles
            .contains(&Role::Hr));

        // A file with a bad row imports nothing.
        let before = store.counts().await.unwrap();
        let bad = format!(
            "{changed}4,Ny,Person,,X,Ny enhet,NOPE,,,,\n5,Två,Person,,KC,Kontaktcenter,K,,,,\n"
        );
        let data = parse_people_csv(bad.as_bytes()).unwrap();
        match c.org.import(None, &data).await {
            Err(ImportError::Rows(rows)) => {
                assert!(
                    rows.iter()
                        .any(|r| r.line == 5 && r.field == "parent_unit_code"),
                    "{label}: {rows:?}"
                )
            }
            other => panic!("{label}: expected bad rows, got {other:?}"),
        }
        let after = store.counts().await.unwrap();
        assert_eq!(before, after, "{label}: nothing half-written");

        // A unit moved under another: paths of the subtree follow.
        let moved = format!("{changed}9,Ny,Chef,,N,Nämnden,,N,,,\n")
            .replace("KC,Kontaktcenter,K,", "KC,Kontaktcenter,N,");
        c.org
            .import(None, &parse_people_csv(moved.as_bytes()).unwrap())
            .await
            .unwrap();
        let kc = store.unit(anna.unit.id).await.unwrap().unwrap();
        assert_eq!(
            kc.ancestors
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            vec!["Nämnden"],
            "{label}"
        );
        assert!(c.audit.verify_audit(None).await.unwrap().ok);

        t.drop_db().await;
    }
}

/// SQLite: every connection keeps the planner's statistics it read when it
/// loaded the schema. After a bulk load the statistics are gathered again
/// and the schema changes, so that a connection opened before the load
/// reads the new ones before its next statement (without it, the first
/// statistics of a freshly loaded organisation took minutes, planned as if
/// its tables were empty).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_load_makes_every_connection_read_the_new_statistics() {
    use sqlx::Connection;
    let t = fresh_dbs().await.remove(0);
    assert_eq!(t.label, "sqlite");
    let store = Arc::new(t.open().await);
    let mut before = sqlx::SqliteConnection::connect(&t.url).await.unwrap();
    let mut schema_version = async || -> i64 {
        let (v,): (i64,) = sqlx::query_as("PRAGMA schema_version")
            .fetch_one(&mut before)
            .await
            .unwrap();
        v
    };
    let schema = schema_version().await;
    core(&store).demo.load_demo(60).await.unwrap();
    let after = schema_version().await;
    assert!(after > schema, "the schema changed: {schema} → {after}");
    // Gathering them again changes it again (the table of statistics
    // exists now, so ANALYZE alone would not).
    OrgImportPort::analyze(&*store).await.unwrap();
    let again = schema_version().await;
    assert!(
        again > after,
        "a second load changes it again: {after} → {again}"
    );
    let (stats,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'people'")
        .fetch_one(&mut before)
        .await
        .unwrap();
    assert!(stats > 0, "the load gathered statistics");
    before.close().await.unwrap();
}
