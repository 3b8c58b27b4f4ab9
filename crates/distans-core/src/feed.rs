//! Each person's secret calendar feed: an unguessable URL that calendar
//! programs (Outlook, Google Calendar) poll without signing in, showing the
//! person's plan. One secret per person; renewing it replaces it, revoking it
//! removes it, and the old URL then answers 404.

use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::access::{self, Action};
use crate::audit::NewAuditEntry;
use crate::error::CoreResult;
use crate::model::{Actor, Site};
use crate::plan::PlanDay;
use crate::{token, Core};

/// Days back the feed shows (4 weeks).
pub const FEED_DAYS_BACK: i64 = 28;
/// Days ahead the feed shows (13 weeks).
pub const FEED_DAYS_AHEAD: i64 = 91;

/// What a feed shows: whose plan, where they work, and the days.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarFeed {
    pub person: Uuid,
    pub name: String,
    pub site: Option<Site>,
    pub days: Vec<PlanDay>,
    pub generated: OffsetDateTime,
}

/// Could this be a feed secret at all? (Saves a database look-up for junk.)
fn well_formed(secret: &str) -> bool {
    secret.len() == 43
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

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

impl Core {
    /// The actor's feed secret, if they have one (does not create it).
    pub async fn my_calendar_secret(&self, actor: &Actor) -> CoreResult<Option<String>> {
        access::authorize(actor, Action::ManageOwnCalendarFeed)?;
        self.store.calendar_feed_secret(actor.person_id).await
    }

    /// The actor's feed secret, created on first use.
    pub async fn calendar_secret(&self, actor: &Actor) -> CoreResult<String> {
        access::authorize(actor, Action::ManageOwnCalendarFeed)?;
        if let Some(s) = self.store.calendar_feed_secret(actor.person_id).await? {
            return Ok(s);
        }
        self.store
            .create_calendar_feed(
                actor.person_id,
                &token::random_secret(),
                self.now(),
                feed_audit(actor, "calendar.create"),
            )
            .await
    }

    /// Replaces the actor's secret with a new one: the old URL stops working.
    pub async fn reset_calendar_secret(&self, actor: &Actor) -> CoreResult<String> {
        access::authorize(actor, Action::ManageOwnCalendarFeed)?;
        let secret = token::random_secret();
        self.store
            .replace_calendar_feed(
                actor.person_id,
                &secret,
                self.now(),
                feed_audit(actor, "calendar.reset"),
            )
            .await?;
        Ok(secret)
    }

    /// Removes the actor's feed; true if there was one.
    pub async fn revoke_calendar_secret(&self, actor: &Actor) -> CoreResult<bool> {
        access::authorize(actor, Action::ManageOwnCalendarFeed)?;
        self.store
            .delete_calendar_feed(
                actor.person_id,
                self.now(),
                feed_audit(actor, "calendar.revoke"),
            )
            .await
    }

    /// The feed behind a secret, from 4 weeks back to 13 weeks ahead; `None`
    /// for an unknown or revoked secret. No one is signed in: the secret is
    /// the permission.
    pub async fn calendar_feed(&self, secret: &str) -> CoreResult<Option<CalendarFeed>> {
        if !well_formed(secret) {
            return Ok(None);
        }
        let Some(person) = self.store.person_by_calendar_secret(secret).await? else {
            return Ok(None);
        };
        let Some(rec) = self.store.person(person).await? else {
            return Ok(None);
        };
        let today = self.today();
        let (from, to): (Date, Date) = (
            today - Duration::days(FEED_DAYS_BACK),
            today + Duration::days(FEED_DAYS_AHEAD),
        );
        let days = self.plan_of(person, from, to).await?;
        Ok(Some(CalendarFeed {
            person,
            name: rec.person.name(),
            site: rec.site,
            days,
            generated: self.now(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_secrets_are_looked_up() {
        assert!(well_formed(&token::random_secret()));
        assert!(!well_formed(""));
        assert!(!well_formed("../../etc/passwd"));
        assert!(!well_formed(&"a".repeat(44)));
        assert!(!well_formed(&format!("{}=", "a".repeat(42))));
    }
}
