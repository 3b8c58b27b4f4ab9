//! Redeployment: people found by skill, unit and availability.

use std::sync::Arc;

use distans_core::store::*;
use distans_core::CoreError;
use distans_store::Db;

use super::{core, fresh_dbs, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redeployment_finds_people_by_skill_unit_and_availability() {
    use distans_core::redeployment::RedeployQuery;
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(300).await.unwrap();
        let actor = |u: &'static str| {
            let store = &store;
            async move {
                store
                    .actor(username_person(store, u).await)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let (anna, hr, director, chef) = (
            actor("anna").await,
            actor("hr").await,
            actor("direktor").await,
            actor("chef").await,
        );
        let anna_rec = store.person(anna.person_id).await.unwrap().unwrap();
        let skill = anna_rec.person.skills[0].clone();
        // A week with anna absent all of it.
        let mut monday = c.today() + time::Duration::days(21);
        while monday.weekday() != time::Weekday::Monday {
            monday += time::Duration::days(1);
        }
        let friday = monday + time::Duration::days(4);
        c.absences
            .add_absence(&hr, anna.person_id, monday, friday)
            .await
            .unwrap();
        let q = RedeployQuery {
            period: super::span(monday, friday),
            skill: Some(skill.clone()),
            unit: None,
            available_days_min: None,
            limit: 200,
            after: None,
        };
        let page = c.redeployment.redeployment(&hr, &q).await.unwrap();
        assert!(!page.items.is_empty());
        assert!(
            page.items.iter().all(|r| r.skills.contains(&skill)),
            "{label}: only people with the skill"
        );
        let a = page
            .items
            .iter()
            .find(|r| r.person.id == anna.person_id)
            .unwrap_or_else(|| panic!("{label}: anna has {skill}"));
        assert!(a.workdays > 0);
        assert_eq!(a.absent_days, a.workdays, "{label}");
        assert_eq!(a.available_days, 0);
        assert_eq!(a.days.len() as i64, a.workdays);
        // Everyone with the skill, counted in SQL.
        let direct = t.open().await;
        let n: i64 = match direct.db() {
            Db::Sqlite(p) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM person_skills WHERE skill = $1")
                    .bind(&skill)
                    .fetch_one(p)
                    .await
                    .unwrap()
            }
            Db::Postgres(p) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM person_skills WHERE skill = $1")
                    .bind(&skill)
                    .fetch_one(p)
                    .await
                    .unwrap()
            }
        };
        direct.db().close().await;
        assert_eq!(page.items.len() as i64, n, "{label}");
        // A minimum of available days leaves anna out.
        let page = c
            .redeployment
            .redeployment(
                &director,
                &RedeployQuery {
                    available_days_min: Some(1),
                    ..q.clone()
                },
            )
            .await
            .unwrap();
        assert!(page.items.iter().all(|r| r.person.id != anna.person_id));
        assert!(page.items.iter().all(|r| r.available_days >= 1));
        // By unit: only people of anna's unit (and below).
        let page = c
            .redeployment
            .redeployment(
                &hr,
                &RedeployQuery {
                    skill: None,
                    unit: Some(anna_rec.unit.id),
                    ..q.clone()
                },
            )
            .await
            .unwrap();
        assert!(page.items.iter().any(|r| r.person.id == anna.person_id));
        for r in &page.items {
            let rec = store.person(r.person.id).await.unwrap().unwrap();
            assert!(rec.unit_path.starts_with(&anna_rec.unit_path), "{label}");
        }
        // Paging with a cursor: no one twice, no one left out.
        let mut seen = vec![];
        let mut after = None;
        loop {
            let p = c
                .redeployment
                .redeployment(
                    &hr,
                    &RedeployQuery {
                        limit: 7,
                        after,
                        ..q.clone()
                    },
                )
                .await
                .unwrap();
            seen.extend(p.items.iter().map(|r| r.person.id));
            match p.next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        let mut dedup = seen.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), seen.len());
        assert_eq!(seen.len() as i64, n, "{label}");
        // HR and directors only; bounded period and page.
        assert!(matches!(
            c.redeployment.redeployment(&chef, &q).await,
            Err(CoreError::Forbidden(_))
        ));
        assert!(matches!(
            c.redeployment.redeployment(&anna, &q).await,
            Err(CoreError::Forbidden(_))
        ));
        assert!(matches!(
            c.redeployment
                .redeployment(
                    &hr,
                    &RedeployQuery {
                        period: super::span(monday, monday + time::Duration::days(60)),
                        ..q.clone()
                    }
                )
                .await,
            Err(CoreError::Invalid { .. })
        ));
        assert!(matches!(
            c.redeployment
                .redeployment(
                    &hr,
                    &RedeployQuery {
                        limit: 201,
                        ..q.clone()
                    }
                )
                .await,
            Err(CoreError::Invalid { .. })
        ));
        assert!(c
            .redeployment
            .known_skills(&hr)
            .await
            .unwrap()
            .contains(&skill));
        t.drop_db().await;
    }
}
