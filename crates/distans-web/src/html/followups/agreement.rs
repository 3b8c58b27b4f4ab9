//! The agreement page's part: its follow-ups, and the form that sets a
//! development talk.

use axum::extract::Path;
use axum::Form;
use distans_core::agreements::Agreement;
use distans_core::followup::{FollowUp, FollowUpQuery};
use distans_core::kernel::dates::parse_date;
use distans_core::kernel::Actor;
use serde::Deserialize;
use uuid::Uuid;

use super::{kind_key, state_key};
use crate::html::form::act;
use crate::html::{first, Ctx, Reply};

/// What the agreement page shows of its follow-ups.
pub struct AgreementFollowUps {
    pub items: Vec<(FollowUp, String, String)>,
    pub may_talk: bool,
    pub today: String,
}

/// The agreement's follow-ups (kind and state in words) and whether the
/// actor may set a development talk.
pub async fn for_agreement(c: &Ctx, actor: &Actor, g: &Agreement) -> AgreementFollowUps {
    let query = FollowUpQuery {
        agreement: Some(g.id),
        ..Default::default()
    };
    let items = c.core().followup.followups(actor, &query, first(50)).await;
    let items = items.map(|p| p.items).unwrap_or_default().into_iter();
    AgreementFollowUps {
        items: items
            .map(|f| {
                let (k, s) = (c.t(&kind_key(&f.kind)), c.t(&state_key(&f.state)));
                (f, k, s)
            })
            .collect(),
        may_talk: c.core().agreements.may_schedule_talk_for(actor, g).await,
        today: c.core().today().to_string(),
    }
}

#[derive(Deserialize)]
pub struct TalkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
}

pub async fn development_talk(c: Ctx, Path(id): Path<String>, Form(f): Form<TalkForm>) -> Reply {
    let agreements = &c.core().agreements;
    let talk = |actor: Actor, id: Uuid| async move {
        agreements.check_development_talk(&actor, id.into()).await?;
        let date = parse_date("date", &f.date)?;
        agreements
            .schedule_development_talk(&actor, id.into(), date)
            .await
    };
    let to = |_, t: FollowUp| format!("/uppfoljningar/{}", t.id);
    act(&c, &f.csrf, &id, "agreement", talk, to).await
}
