//! Disposal: what each record type's rule applies to, and a run as one
//! transaction. Every statement is written once for both engines; the
//! only parameter is the cut-off (`$1`, a date or the start of that day).
//!
//! A record is held when a legal hold in force names its person (the
//! `person` columns) or the record itself (its kind and id).

use serde_json::json;
use sqlx::types::Json;
use time::Date;
use uuid::Uuid;

use distans_core::kernel::Work;
use distans_core::privacy::{DisposalAction, DisposalCount, DisposalRule, DisposalRun, RecordType};
use distans_core::CoreResult;

use crate::db::on_db;
use crate::store::SqlStore;

/// Where a record type's records are and when they are due.
pub(super) struct Target {
    pub table: &'static str,
    /// Conditions of a due record, on `table`'s columns (qualified by the
    /// table's name), with the cut-off `$1`.
    pub due: &'static str,
    /// Whether `$1` is a timestamp (the start of the cut-off day) rather
    /// than a date.
    pub ts: bool,
    /// The condition that no legal hold in force keeps the record.
    pub free: &'static str,
    /// Records that are a part of a row kept for other reasons (a
    /// person's commute) are disposed of by clearing these columns
    /// (`SET` clause) instead of deleting the row.
    pub clear: Option<&'static str>,
    /// What goes first with the records (their trails), each a statement
    /// using `{ids}`, the query of the due and free records' ids.
    pub first: &'static [&'static str],
    /// What goes after (requests left without their agreement).
    pub after: &'static [&'static str],
}

/// Holds in force.
macro_rules! not_held {
    ($cond:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.lifted_at IS NULL AND (",
            $cond,
            "))"
        )
    };
}

/// The tables a type's rule applies to.
pub(super) fn targets(t: RecordType) -> &'static [Target] {
    match t {
        RecordType::DeclinedRequest => &[Target {
            table: "requests",
            due: "requests.state = 'declined' AND requests.updated_at < $1",
            ts: true,
            free: not_held!("h.person_id = requests.person_id OR (h.record_kind = 'request' AND h.record_id = requests.id)"),
            clear: None,
            first: &["DELETE FROM request_events WHERE request_id IN ({ids})"],
            after: &[],
        }],
        RecordType::EndedAgreement => &[Target {
            table: "agreements",
            due: "agreements.state IN ('ended', 'expired') AND COALESCE(agreements.ends_on, agreements.end_date, agreements.start_date) < $1",
            ts: false,
            free: not_held!("h.person_id = agreements.person_id OR (h.record_kind = 'agreement' AND h.record_id = agreements.id) OR (h.record_kind = 'request' AND h.record_id = agreements.request_id)"),
            clear: None,
            first: &[
                "DELETE FROM followup_actions WHERE followup_id IN (SELECT id FROM followups WHERE agreement_id IN ({ids}))",
                "DELETE FROM followups WHERE agreement_id IN ({ids})",
                "UPDATE equipment_loans SET agreement_id = NULL WHERE agreement_id IN ({ids})",
                "DELETE FROM request_events WHERE request_id IN (SELECT request_id FROM agreements WHERE id IN ({ids}))",
            ],
            after: &["DELETE FROM requests WHERE state = 'approved' AND agreement_id IS NOT NULL \
                      AND NOT EXISTS (SELECT 1 FROM agreements a WHERE a.request_id = requests.id) \
                      AND NOT EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = requests.id)"],
        }],
        RecordType::PlanDays => &[
            Target {
                table: "occasional_days",
                due: "occasional_days.day < $1",
                ts: false,
                free: not_held!("h.person_id = occasional_days.person_id"),
                clear: None,
                first: &[],
                after: &[],
            },
            Target {
                table: "rotation_days",
                due: "rotation_days.day < $1",
                ts: false,
                free: not_held!("h.person_id = rotation_days.person_id"),
                clear: None,
                first: &[],
                after: &[],
            },
        ],
        RecordType::Absences => &[Target {
            table: "absences",
            due: "absences.last_day < $1",
            ts: false,
            free: not_held!("h.person_id = absences.person_id OR (h.record_kind = 'absence' AND h.record_id = absences.id)"),
            clear: None,
            first: &[],
            after: &[],
        }],
        RecordType::FollowUps => &[Target {
            table: "followups",
            due: "followups.kind <> 'risk_assessment' AND followups.state IN ('done', 'cancelled') AND COALESCE(followups.completed_at, followups.updated_at) < $1",
            ts: true,
            free: not_held!("h.person_id = followups.person_id OR (h.record_kind = 'followup' AND h.record_id = followups.id) OR (h.record_kind = 'agreement' AND h.record_id = followups.agreement_id)"),
            clear: None,
            first: &["DELETE FROM followup_actions WHERE followup_id IN ({ids})"],
            after: &[],
        }],
        RecordType::RiskAssessments => &[Target {
            table: "followups",
            due: "followups.kind = 'risk_assessment' AND followups.state IN ('done', 'cancelled') AND COALESCE(followups.completed_at, followups.updated_at) < $1",
            ts: true,
            free: not_held!("h.person_id = followups.person_id OR (h.record_kind = 'followup' AND h.record_id = followups.id) OR (h.record_kind = 'agreement' AND h.record_id = followups.agreement_id)"),
            clear: None,
            first: &["DELETE FROM followup_actions WHERE followup_id IN ({ids})"],
            after: &[],
        }],
        RecordType::Deviations => &[Target {
            table: "deviations",
            due: "deviations.state = 'closed' AND deviations.updated_at < $1",
            ts: true,
            free: not_held!("h.person_id = deviations.person_id OR h.person_id = deviations.reporter_id OR (h.record_kind = 'deviation' AND h.record_id = deviations.id)"),
            clear: None,
            first: &["DELETE FROM deviation_events WHERE deviation_id IN ({ids})"],
            after: &[],
        }],
        RecordType::Notifications => &[
            Target {
                table: "notifications",
                due: "notifications.created_at < $1",
                ts: true,
                free: not_held!("h.person_id = notifications.person_id"),
                clear: None,
                first: &[],
                after: &[],
            },
            Target {
                table: "outbox",
                due: "outbox.sent_at IS NOT NULL AND outbox.sent_at < $1",
                ts: true,
                free: "NOT EXISTS (SELECT 1 FROM legal_holds h JOIN people hp ON hp.id = h.person_id \
                       WHERE h.lifted_at IS NULL AND hp.email IS NOT NULL AND LOWER(hp.email) = LOWER(outbox.recipient))",
                clear: None,
                first: &[],
                after: &[],
            },
        ],
        RecordType::Sessions => &[Target {
            table: "sessions",
            due: "sessions.expiry_date < $1",
            ts: true,
            // A web session is no record of anyone's matter.
            free: "1 = 1",
            clear: None,
            first: &[],
            after: &[],
        }],
        RecordType::DeactivatedPeople => &[Target {
            table: "people",
            due: "people.deactivated_at IS NOT NULL AND people.anonymised_at IS NULL AND people.last_day < $1",
            ts: false,
            free: not_held!("h.person_id = people.id"),
            clear: None,
            first: &[],
            after: &[],
        }],
        RecordType::Commute => &[Target {
            table: "people",
            due: "people.deactivated_at IS NOT NULL AND people.last_day < $1 \
                  AND (people.commute_km IS NOT NULL OR people.commute_mode IS NOT NULL)",
            ts: false,
            free: not_held!("h.person_id = people.id"),
            clear: Some("commute_km = NULL, commute_mode = NULL"),
            first: &[],
            after: &[],
        }],
        RecordType::AuditPayloads => &[Target {
            table: "audit_payloads",
            // The seal of the entries written before payloads holds no
            // personal data, and the chain needs it.
            due: "audit_payloads.entry_seq IN (SELECT seq FROM audit_log WHERE at < $1 AND action <> 'audit.seal')",
            ts: true,
            free: "NOT EXISTS (SELECT 1 FROM legal_holds h JOIN audit_log l ON l.entity = h.held_entity AND l.entity_id = h.held_entity_id \
                   WHERE h.lifted_at IS NULL AND l.seq = audit_payloads.entry_seq)",
            clear: None,
            first: &[],
            after: &[],
        }],
    }
}

/// The key column a target's `{ids}` query selects.
pub(super) fn key(table: &str) -> &'static str {
    match table {
        "audit_payloads" => "entry_seq",
        _ => "id",
    }
}

/// What the rule does with a due record of a type (`Keep`: nothing).
pub(super) fn acts(action: DisposalAction) -> bool {
    !matches!(action, DisposalAction::Keep)
}

/// How many a run anonymises at most (the rest at the next run).
pub(super) const ANONYMISE_BATCH: i64 = 10_000;

/// Binds the cut-off to a query as the target takes it.
macro_rules! bind_cut {
    ($q:expr, $t:expr, $day:expr) => {
        if $t.ts {
            $q.bind($day.midnight().assume_utc())
        } else {
            $q.bind($day)
        }
    };
}

impl SqlStore {
    /// A disposal run in one transaction: counts, and unless it is a dry
    /// run, disposes and writes the run's record and audit entry.
    pub(super) async fn dispose_in_one(
        &self,
        rules: &[(DisposalRule, Date)],
        run: &DisposalRun,
        work: &Work,
    ) -> CoreResult<Vec<DisposalCount>> {
        on_db!(self.db(), pool => {
            let mut tx = crate::db::BeginWrite::begin_write(pool).await?;
            let mut counts = vec![];
            for (rule, day) in rules {
                let mut count = 0u64;
                let mut held = 0u64;
                if acts(rule.action) {
                    for t in targets(rule.record_type) {
                        let all_sql = format!("SELECT COUNT(*) FROM {} WHERE {}", t.table, t.due);
                        let q = sqlx::query_as::<_, (i64,)>(&all_sql);
                        let (all,) = bind_cut!(q, t, *day).fetch_one(&mut *tx).await?;
                        let where_free = format!("{} AND {}", t.due, t.free);
                        let free_sql = format!("SELECT COUNT(*) FROM {} WHERE {where_free}", t.table);
                        let q = sqlx::query_as::<_, (i64,)>(&free_sql);
                        let (free,) = bind_cut!(q, t, *day).fetch_one(&mut *tx).await?;
                        held += (all - free).max(0) as u64;
                        if run.dry_run {
                            count += free as u64;
                            continue;
                        }
                        let ids = format!("SELECT {} FROM {} WHERE {where_free}", key(t.table), t.table);
                        for stmt in t.first {
                            let sql = stmt.replace("{ids}", &ids);
                            let q = sqlx::query(&sql);
                            bind_cut!(q, t, *day).execute(&mut *tx).await?;
                        }
                        match rule.action {
                            DisposalAction::Anonymise => {
                                let sql = format!("{ids} LIMIT {ANONYMISE_BATCH}");
                                let q = sqlx::query_as::<_, (Uuid,)>(&sql);
                                let people: Vec<(Uuid,)> = bind_cut!(q, t, *day).fetch_all(&mut *tx).await?;
                                for (id,) in &people {
                                    anonymise_person!(tx, *id, work.at);
                                }
                                count += people.len() as u64;
                            }
                            _ => {
                                let sql = match t.clear {
                                    Some(set) => format!("UPDATE {} SET {set} WHERE {where_free}", t.table),
                                    None => format!("DELETE FROM {} WHERE {where_free}", t.table),
                                };
                                let q = sqlx::query(&sql);
                                count += bind_cut!(q, t, *day).execute(&mut *tx).await?.rows_affected();
                            }
                        }
                        for stmt in t.after {
                            sqlx::query(stmt).execute(&mut *tx).await?;
                        }
                    }
                }
                counts.push(DisposalCount {
                    record_type: rule.record_type,
                    action: rule.action,
                    before: *day,
                    count,
                    held,
                    rule_version: rule.version,
                    decision_ref: rule.decision_ref.clone(),
                });
            }
            if run.dry_run {
                tx.rollback().await?;
                return Ok(counts);
            }
            sqlx::query("INSERT INTO disposal_runs (id, at, as_of, by_name, counts) VALUES ($1, $2, $3, $4, $5)")
                .bind(run.id)
                .bind(run.at)
                .bind(run.as_of)
                .bind(&run.by)
                .bind(Json(&counts))
                .execute(&mut *tx)
                .await?;
            let mut audit = work.audit.clone();
            for e in &mut audit {
                e.after = Some(json!({ "as_of": run.as_of.to_string(), "counts": counts }));
            }
            crate::store::append_audit_rows!(tx, work.at, &audit);
            tx.commit().await?;
            Ok(counts)
        })
    }
}

/// Anonymises a deactivated person in the transaction `$tx`: what says
/// who they were goes (name, e-mail, title, commute, employee number,
/// sign-in, tokens, skills, roles, calendar feed); the records of their
/// matters stay, under "Anonymiserad".
macro_rules! anonymise_person {
    ($tx:expr, $id:expr, $at:expr) => {{
        let id: Uuid = $id;
        for stmt in [
            "DELETE FROM accounts WHERE person_id = $1",
            "DELETE FROM api_tokens WHERE person_id = $1",
            "DELETE FROM person_skills WHERE person_id = $1",
            "DELETE FROM person_roles WHERE person_id = $1",
            "DELETE FROM calendar_feeds WHERE person_id = $1",
            "DELETE FROM password_links WHERE person_id = $1",
            "DELETE FROM scim_group_members WHERE person_id = $1",
        ] {
            sqlx::query(stmt).bind(id).execute(&mut *$tx).await?;
        }
        sqlx::query(
            "UPDATE people SET given_name = 'Anonymiserad', family_name = '', email = NULL, title = NULL,
                    commute_km = NULL, commute_mode = NULL, external_id = NULL, departure_reason = NULL,
                    employee_number = $1, sort_name = 'anonymiserad', anonymised_at = $2, version = version + 1
             WHERE id = $3",
        )
        .bind(format!("anonymiserad-{}", id.simple()))
        .bind($at)
        .bind(id)
        .execute(&mut *$tx)
        .await?;
    }};
}
use anonymise_person;
