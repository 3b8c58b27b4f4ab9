//! Absences: entered, imported, and in the plan.

use std::sync::Arc;

use distans_core::kernel::csv::ImportError;
use distans_core::store::*;
use distans_core::CoreError;

use super::{core, fresh_dbs, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absences_entered_imported_and_in_the_plan() {
    use distans_core::absences::rules::parse_absences_csv;
    use distans_core::plan::{DayState, Source};
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(300).await.unwrap();
        c.ensure_defaults().await.unwrap();
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
        let (anna, chef, bo, revisor) = (
            actor("anna").await,
            actor("chef").await,
            actor("bo").await,
            actor("revisor").await,
        );
        let day = |i: i64| c.today() + time::Duration::days(i);
        // Anna enters her own; her manager enters another; bo and the auditor may not.
        let a = c
            .absences
            .add_absence(&anna, anna.person_id, day(10), day(12))
            .await
            .unwrap();
        assert_eq!(a.source, "manual");
        c.absences
            .add_absence(&chef, anna.person_id, day(20), day(20))
            .await
            .unwrap();
        assert!(matches!(
            c.absences
                .add_absence(&bo, anna.person_id, day(30), day(30))
                .await,
            Err(CoreError::NotFound(_))
        ));
        assert!(matches!(
            c.absences
                .add_absence(&revisor, anna.person_id, day(30), day(30))
                .await,
            Err(CoreError::Forbidden(_))
        ));
        // Overlaps, backwards and too long periods.
        assert!(
            matches!(
                c.absences
                    .add_absence(&anna, anna.person_id, day(12), day(14))
                    .await,
                Err(CoreError::Conflict(_))
            ),
            "{label}"
        );
        assert_eq!(
            c.absences
                .add_absence(&anna, anna.person_id, day(40), day(39))
                .await
                .unwrap_err()
                .field(),
            Some("last_day")
        );
        assert!(matches!(
            c.absences
                .add_absence(&anna, anna.person_id, day(40), day(40 + 366))
                .await,
            Err(CoreError::Rule { .. })
        ));

        // The plan: absent, source absence, on the workdays of the period.
        let plan = c
            .plan
            .plan(&anna, None, None, super::span(day(10), day(12)))
            .await
            .unwrap();
        assert!(
            !plan.is_empty()
                || (10..=12)
                    .all(|i| !distans_core::kernel::calendar::WorkCalendar::default()
                        .is_workday(day(i)))
        );
        assert!(
            plan.iter()
                .all(|d| d.day.state == DayState::Absent && d.day.source == Source::Absence),
            "{label}: {plan:?}"
        );
        let list = c
            .absences
            .absences(&chef, Some(anna.person_id), None, None)
            .await
            .unwrap();
        assert_eq!(list.len(), 2, "{label}");
        assert!(c
            .absences
            .absences(&bo, Some(anna.person_id), None, None)
            .await
            .is_err());
        assert_eq!(
            c.absences
                .absences(&anna, None, Some(day(0)), Some(day(900)))
                .await
                .unwrap_err()
                .field(),
            Some("to")
        );
        // Removing.
        assert!(matches!(
            c.absences.delete_absence(&bo, a.id).await,
            Err(CoreError::NotFound(_))
        ));
        c.absences.delete_absence(&anna, a.id).await.unwrap();
        assert!(matches!(
            c.absences.delete_absence(&anna, a.id).await,
            Err(CoreError::NotFound(_))
        ));
        assert_eq!(
            c.absences
                .absences(&anna, None, None, None)
                .await
                .unwrap()
                .len(),
            1
        );

        // The import: all or nothing, idempotent, keyed by person and first day.
        let number = |p: uuid::Uuid| {
            let store = &store;
            async move {
                store
                    .person(p.into())
                    .await
                    .unwrap()
                    .unwrap()
                    .person
                    .employee_number
                    .as_str()
                    .to_string()
            }
        };
        let (na, nb) = (
            number(anna.person_id.into()).await,
            number(bo.person_id.into()).await,
        );
        let csv = format!(
            "employee_number,first_day,last_day\n{na},{},{}\n{nb},{},{}\n",
            day(50),
            day(54),
            day(50),
            day(50)
        );
        let rows = parse_absences_csv(csv.as_bytes()).unwrap();
        let r = c
            .absences
            .import_absences(None, &rows.clone().into())
            .await
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (2, 0, 0), "{label}");
        let r = c
            .absences
            .import_absences(None, &rows.clone().into())
            .await
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 2), "{label}");
        let longer = parse_absences_csv(
            format!(
                "employee_number,first_day,last_day\n{na},{},{}\n",
                day(50),
                day(60)
            )
            .as_bytes(),
        )
        .unwrap();
        let r = c
            .absences
            .import_absences(None, &longer.into())
            .await
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (0, 1, 0));
        let bad = parse_absences_csv(
            format!(
                "employee_number,first_day,last_day\n{nb},{},{}\nfinns-inte,{},{}\n",
                day(70),
                day(71),
                day(70),
                day(71)
            )
            .as_bytes(),
        )
        .unwrap();
        match c.absences.import_absences(None, &bad.into()).await {
            Err(ImportError::Rows(e)) => {
                assert_eq!(e.len(), 1);
                assert_eq!((e[0].line, e[0].field.as_str()), (3, "employee_number"));
            }
            other => panic!("{label}: {other:?}"),
        }
        assert_eq!(
            c.absences
                .absences(&bo, None, None, None)
                .await
                .unwrap()
                .len(),
            1,
            "{label}: bo's good row of the bad file was not written"
        );
        let anna_abs = c.absences.absences(&anna, None, None, None).await.unwrap();
        assert_eq!(anna_abs.len(), 2);
        assert_eq!(anna_abs[1].last_day, day(60));
        assert_eq!(anna_abs[1].source, "import");
        assert!(c.audit.verify_audit(None).await.unwrap().ok);
        t.drop_db().await;
    }
}
