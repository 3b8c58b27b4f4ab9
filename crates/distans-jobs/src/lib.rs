//! Background work: sending the e-mail outbox over SMTP.
//!
//! Mails are written to the outbox by the same transaction as the change
//! they tell about, so none is lost. A worker claims a batch with a lease
//! (an atomic `UPDATE … RETURNING`), so two app servers never send the same
//! mail at once; a mail whose sending failed is retried later with backoff.
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

/// Sends what is due now; returns (sent, failed).
pub async fn send_outbox_once(core: &Core, mailer: &Mailer) -> (usize, usize) {
    let batch = match core.notify.claim_mails(120, 50).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the outbox");
            return (0, 0);
        }
    };
    let (mut sent, mut failed) = (0, 0);
    for m in &batch {
        match mailer.send(m).await {
            Ok(()) => {
                sent += 1;
                if let Err(e) = core.notify.mail_sent(m.id).await {
                    tracing::error!(error = %e, mail = %m.id, "sent, but could not mark it sent");
                }
            }
            Err(e) => {
                failed += 1;
                tracing::warn!(error = %e, mail = %m.id, attempts = m.attempts, "sending failed; will retry");
                let _ = core
                    .notify
                    .mail_failed(m.id, &e, core.now() + backoff(m.attempts))
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

/// Reminds the parties of agreements that end soon, every `every`. Safe on
/// several servers: each agreement is marked by the first to tell.
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

#[cfg(test)]
mod tests;
