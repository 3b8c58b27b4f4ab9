//! Adding and changing one person: the row, their skills, granted roles and
//! account, in one transaction with the audit entry.

use distans_core::kernel::{PersonId, Work};
use distans_core::org::edit::{PersonDraft, PersonUpdate, Provisioned};
use distans_core::CoreResult;

use crate::store::{write_work, SqlStore};

/// The draft's skills, roles and account, written over what the person had.
macro_rules! write_parts {
    ($tx:ident, $id:expr, $draft:expr, $at:expr) => {{
        let id: uuid::Uuid = $id;
        let draft: &distans_core::org::edit::PersonDraft = $draft;
        let at: time::OffsetDateTime = $at;
        // The organisation's own grants; those of identity-provider groups stay.
        for table in ["person_skills", "person_roles"] {
            let only_local = if table == "person_roles" { " AND source = 'local'" } else { "" };
            sqlx::query(&format!("DELETE FROM {table} WHERE person_id = $1{only_local}"))
                .bind(id)
                .execute(&mut *$tx)
                .await?;
        }
        for s in &draft.skills {
            sqlx::query("INSERT INTO person_skills (person_id, skill) VALUES ($1, $2)")
                .bind(id)
                .bind(s.as_str())
                .execute(&mut *$tx)
                .await?;
        }
        for r in &draft.roles {
            sqlx::query(
                "INSERT INTO person_roles (person_id, role, source) SELECT $1, $2, 'local'
                 WHERE NOT EXISTS (SELECT 1 FROM person_roles WHERE person_id = $1 AND role = $2)",
            )
                .bind(id)
                .bind(r.as_str())
                .execute(&mut *$tx)
                .await?;
        }
        match &draft.username {
            Some(u) => {
                sqlx::query(
                    "INSERT INTO accounts (person_id, username, password_hash, updated_at) VALUES ($1, $2, NULL, $3)
                     ON CONFLICT (person_id) DO UPDATE SET username = excluded.username, updated_at = excluded.updated_at",
                )
                .bind(id)
                .bind(u.as_str())
                .bind(at)
                .execute(&mut *$tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM accounts WHERE person_id = $1")
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    }};
}
pub(crate) use write_parts;

/// Binds a draft's own columns to `$query`, in the order the statements
/// that write a person name them: `employee_number`, `given_name`,
/// `family_name`, `email`, `title`, `unit_id`, `site_id`, `sort_name`.
macro_rules! bind_draft {
    ($query:expr, $d:expr) => {{
        let d: &distans_core::org::edit::PersonDraft = $d;
        $query
            .bind(d.employee_number.as_str())
            .bind(&d.given_name)
            .bind(&d.family_name)
            .bind(d.email.as_ref().map(|e| e.as_str()))
            .bind(&d.title)
            .bind(d.unit_id.uuid())
            .bind(d.site_id.map(|s| s.uuid()))
            .bind($crate::store::sort_key(&format!(
                "{} {}",
                d.family_name, d.given_name
            )))
    }};
}
pub(crate) use bind_draft;

pub(crate) fn attributes(p: &Provisioned) -> Option<String> {
    p.attributes.as_ref().map(|a| a.to_string())
}

pub(crate) async fn create_person(
    store: &SqlStore,
    id: PersonId,
    d: &PersonDraft,
    provisioned: Option<&Provisioned>,
    work: &Work,
) -> CoreResult<()> {
    let p = provisioned.cloned().unwrap_or_default();
    write_work!(store, work, |tx| {
        let insert = sqlx::query(
            "INSERT INTO people (id, employee_number, given_name, family_name, email, title, unit_id, site_id,
             sort_name, version, created_at, updated_at, external_id, provisioned)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10, $11, $12)",
        )
        .bind(id.uuid());
        bind_draft!(insert, d)
            .bind(work.at)
            .bind(&p.external_id)
            .bind(attributes(&p))
            .execute(&mut *tx)
            .await?;
        write_parts!(tx, id.uuid(), d, work.at);
    })
}

pub(crate) async fn update_person(
    store: &SqlStore,
    id: PersonId,
    version: i64,
    d: &PersonDraft,
    provisioned: Option<&Provisioned>,
    work: &Work,
) -> CoreResult<i64> {
    let update = PersonUpdate {
        person: id,
        version,
        draft: d.clone(),
        provisioned: provisioned.cloned(),
    };
    write_work!(store, work, |tx| {
        write_update!(tx, &update, work.at);
        version + 1
    })
}

/// Writes the update `$u` (`&PersonUpdate`) at `$at` in the transaction
/// `$tx`: a conflict, and nothing written, unless the person is still at
/// its version.
macro_rules! write_update {
    ($tx:ident, $u:expr, $at:expr) => {{
        let u: &distans_core::org::edit::PersonUpdate = $u;
        let at: time::OffsetDateTime = $at;
        let (id, d) = (u.person, &u.draft);
        $crate::store::must_change!(
            $tx,
            "the person was changed meanwhile",
            at_version(id.uuid(), u.version),
            $crate::people::bind_draft!(
                sqlx::query(
                    "UPDATE people SET employee_number = $1, given_name = $2, family_name = $3, email = $4, title = $5,
                     unit_id = $6, site_id = $7, sort_name = $8, updated_at = $9, version = version + 1
                     WHERE id = $10 AND version = $11",
                ),
                d
            )
            .bind(at)
        );
        if let Some(p) = &u.provisioned {
            sqlx::query("UPDATE people SET external_id = $1, provisioned = $2 WHERE id = $3")
                .bind(&p.external_id)
                .bind($crate::people::attributes(p))
                .bind(id.uuid())
                .execute(&mut *$tx)
                .await?;
        }
        $crate::people::write_parts!($tx, id.uuid(), d, at);
    }};
}
pub(crate) use write_update;
