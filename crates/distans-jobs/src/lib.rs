//! Background work: sending the e-mail outbox over SMTP.
//!
//! Mails are written to the outbox by the same transaction as the change
//! they tell about, so none is lost. A worker claims a few mails under a
//! lease of its own (an atomic `UPDATE … RETURNING`), renews its hold on
//! each right before sending it, and marks it sent or failed only while it
//! still holds it: two app servers never send the same mail, however slow
//! the SMTP server. A mail whose sending failed is retried later with backoff.
//! Each mail carries a Message-ID made from its outbox id, so that if a
//! worker dies between the SMTP server's "OK" and marking it sent, the
//! resent copy is recognisably the same message.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod mailer;

pub use mailer::{JobError, Mailer, SmtpSecurity, SmtpSettings};

use std::sync::Arc;
use std::time::Duration;

use distans_core::Core;

/// How long to wait before the next try: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i64) -> time::Duration {
    let minutes = 1i64 << attempts.clamp(1, 10).saturating_sub(1);
    time::Duration::minutes(minutes.min(360))
}

/// How the outbox is worked: a few mails at a time, each held for a while.
#[derive(Debug, Clone, Copy)]
pub struct OutboxPace {
    /// Mails claimed at once.
    pub batch: i64,
    /// How long a claim holds a mail, renewed right before it is sent. It
    /// must be longer than one send may take (the SMTP timeout, 20 s).
    pub lease_secs: i64,
}

impl Default for OutboxPace {
    fn default() -> Self {
        OutboxPace {
            batch: 10,
            lease_secs: 60,
        }
    }
}

/// Sends what is due now; returns (sent, failed).
pub async fn send_outbox_once(core: &Core, mailer: &Mailer) -> (usize, usize) {
    send_outbox_at(core, mailer, OutboxPace::default()).await
}

/// Sends what is due now at `pace`; returns (sent, failed). Each mail's
/// hold is renewed right before it is sent, and one this worker no longer
/// holds (another claimed it after the hold ran out) is left to the other.
pub async fn send_outbox_at(core: &Core, mailer: &Mailer, pace: OutboxPace) -> (usize, usize) {
    let claim = match core.notify.claim_mails(pace.lease_secs, pace.batch).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the outbox");
            return (0, 0);
        }
    };
    let (mut sent, mut failed) = (0, 0);
    for m in &claim.mails {
        match core.notify.mail_sending(&claim, m.id).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(mail = %m.id, "another worker holds this mail now; left to it");
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e, mail = %m.id, "could not renew the hold; not sending");
                continue;
            }
        }
        match mailer.send(m).await {
            Ok(()) => {
                sent += 1;
                match core.notify.mail_sent(&claim, m.id).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(mail = %m.id, "sent, but the hold had been lost"),
                    Err(e) => {
                        tracing::error!(error = %e, mail = %m.id, "sent, but could not mark it sent")
                    }
                }
            }
            Err(e) => {
                failed += 1;
                tracing::warn!(error = %e, mail = %m.id, attempts = m.attempts, "sending failed; will retry");
                let _ = core
                    .notify
                    .mail_failed(&claim, m.id, &e, core.now() + backoff(m.attempts))
                    .await;
            }
        }
    }
    (sent, failed)
}

/// Runs the outbox every `every` until the runtime stops.
pub fn spawn_worker(
    core: Arc<Core>,
    mailer: Mailer,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let (sent, failed) = send_outbox_once(&core, &mailer).await;
            if sent + failed > 0 {
                tracing::info!(sent, failed, "outbox");
            }
        }
    })
}

/// Days ahead that the parties are told an agreement is ending.
pub const ENDING_NOTICE_DAYS: i64 = 14;

/// Reminds the parties of agreements that end soon, and tells new managers
/// of agreements to confirm after their person moved, every `every`. Safe
/// on several servers: each agreement is marked by the first to tell.
pub fn spawn_reminders(core: Arc<Core>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match core
                .agreements
                .remind_ending_agreements(ENDING_NOTICE_DAYS)
                .await
            {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(agreements = n, "told the parties their agreements end soon")
                }
                Err(e) => tracing::warn!(error = %e, "could not send ending reminders"),
            }
            match core.agreements.tell_of_moved_agreements().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(
                    agreements = n,
                    "told new managers of agreements to confirm after a move"
                ),
                Err(e) => tracing::warn!(error = %e, "could not tell of moved agreements"),
            }
        }
    })
}

// Follow-ups.
/// Reminds employees and managers of follow-ups due within a week and,
/// once more, of overdue ones, and owners of overdue actions, every
/// `every`. Safe on several servers: each reminder is marked by the first
/// to send it.
pub fn spawn_followup_reminders(core: Arc<Core>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match core.followup.remind_followups().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "reminded of follow-ups and actions"),
                Err(e) => tracing::warn!(error = %e, "could not send follow-up reminders"),
            }
        }
    })
}

/// Applies the disposal rules once a day (checked every `every`): each
/// type's records whose keeping period is over are disposed of as its
/// rule says, except what a legal hold keeps, and the run is recorded. A
/// second server finds the day's run made and does nothing.
pub fn spawn_disposal(core: Arc<Core>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match core.privacy.run_daily().await {
                Ok(Some(run)) => tracing::info!(
                    disposed = run.counts.iter().map(|c| c.count).sum::<u64>(),
                    "applied the disposal rules"
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not apply the disposal rules"),
            }
        }
    })
}

#[cfg(test)]
mod tests;
