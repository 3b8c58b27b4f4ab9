//! Notifications in the app and the e-mail outbox.

use crate::kernel::{LeaseId, MailId, NotificationId};
use time::OffsetDateTime;

use crate::kernel::Message;

/// What a stored notice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeContent {
    /// A message of the catalogue, rendered in the reader's language.
    Message(Message),
    /// A notice written as text, before notices were messages: shown as it
    /// was written.
    Written {
        subject: String,
        body: String,
        link: String,
    },
}

/// A notice as shown in the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: String,
    pub content: NoticeContent,
    pub created_at: OffsetDateTime,
    pub read: bool,
}

/// An e-mail waiting in the outbox, in the recipient's language (`sv`/`en`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: MailId,
    pub recipient: String,
    pub language: String,
    pub content: NoticeContent,
    pub attempts: i64,
}

/// Mails one worker claimed from the outbox, held under one lease.
#[derive(Debug, Clone)]
pub struct MailClaim {
    pub lease: LeaseId,
    /// How long each renewal holds a mail.
    pub lease_secs: i64,
    pub mails: Vec<OutboxMail>,
}
