//! One secret per person; renewing it replaces it, revoking it removes it,
//! and the old URL then answers 404.

use std::sync::Arc;

use crate::access::{self, Action, Kind};
use crate::feed::model::*;
use crate::feed::port::FeedPort;
use crate::feed::rules::well_formed;
use crate::identity::rules::token;
use crate::kernel::dates::{plus_days_clamped, DateRange};
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreResult, NewAuditEntry};
use crate::org::service::OrgService;
use crate::plan::service::PlanService;

fn feed_audit(actor: &Actor, action: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: Some(actor.person_id),
        actor: actor.name.clone(),
        action: action.into(),
        entity: "person".into(),
        entity_id: actor.person_id.to_string(),
        // Never the secret itself.
        before: None,
        after: None,
    }
}

/// Each person's plan as a secret calendar feed.
#[derive(Clone)]
pub struct FeedService {
    port: Arc<dyn FeedPort>,
    env: Env,
    org: OrgService,
    plan: PlanService,
}

impl FeedService {
    pub(crate) fn new(
        port: Arc<dyn FeedPort>,
        env: Env,
        org: OrgService,
        plan: PlanService,
    ) -> Self {
        FeedService {
            port,
            env,
            org,
            plan,
        }
    }
}

impl FeedService {
    /// The actor's feed secret, if they have one (does not create it).
    #[tracing::instrument(skip_all)]
    pub async fn my_calendar_secret(&self, actor: &Actor) -> CoreResult<Option<String>> {
        access::authorize(actor, Action::Plain(Kind::ManageOwnCalendarFeed))?;
        self.port.calendar_feed_secret(actor.person_id).await
    }

    /// The actor's feed secret, created on first use.
    #[tracing::instrument(skip_all)]
    pub async fn calendar_secret(&self, actor: &Actor) -> CoreResult<String> {
        access::authorize(actor, Action::Plain(Kind::ManageOwnCalendarFeed))?;
        if let Some(s) = self.port.calendar_feed_secret(actor.person_id).await? {
            return Ok(s);
        }
        self.port
            .create_calendar_feed(
                actor.person_id,
                &token::random_secret(),
                &Work::new(self.env.now(), feed_audit(actor, "calendar.create")),
            )
            .await
    }

    /// Replaces the actor's secret with a new one: the old URL stops working.
    #[tracing::instrument(skip_all)]
    pub async fn reset_calendar_secret(&self, actor: &Actor) -> CoreResult<String> {
        access::authorize(actor, Action::Plain(Kind::ManageOwnCalendarFeed))?;
        let secret = token::random_secret();
        self.port
            .replace_calendar_feed(
                actor.person_id,
                &secret,
                &Work::new(self.env.now(), feed_audit(actor, "calendar.reset")),
            )
            .await?;
        Ok(secret)
    }

    /// Removes the actor's feed; true if there was one.
    #[tracing::instrument(skip_all)]
    pub async fn revoke_calendar_secret(&self, actor: &Actor) -> CoreResult<bool> {
        access::authorize(actor, Action::Plain(Kind::ManageOwnCalendarFeed))?;
        self.port
            .delete_calendar_feed(
                actor.person_id,
                &Work::new(self.env.now(), feed_audit(actor, "calendar.revoke")),
            )
            .await
    }

    /// The feed behind a secret, from 4 weeks back to 13 weeks ahead; `None`
    /// for an unknown or revoked secret. No one is signed in: the secret is
    /// the permission.
    #[tracing::instrument(skip_all)]
    pub async fn calendar_feed(&self, secret: &str) -> CoreResult<Option<CalendarFeed>> {
        if !well_formed(secret) {
            return Ok(None);
        }
        let Some(person) = self.port.person_by_calendar_secret(secret).await? else {
            return Ok(None);
        };
        let Some(rec) = self.org.find_record(person).await? else {
            return Ok(None);
        };
        let today = self.env.today();
        let period = DateRange::new(
            ("from", "to"),
            plus_days_clamped(today, -FEED_DAYS_BACK),
            plus_days_clamped(today, FEED_DAYS_AHEAD),
        )?;
        let days = self.plan.plan_of(person, period).await?;
        Ok(Some(CalendarFeed {
            person,
            name: rec.person.name(),
            site: rec.site,
            days,
            generated: self.env.now(),
        }))
    }
}
