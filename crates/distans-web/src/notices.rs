//! Notices as people read them: the core stores a message and its values;
//! here it is written out in the reader's language, with the link to its
//! page.

use distans_core::notify::{NoticeContent, Notification};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::i18n::Lang;

/// A notice in the reader's language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShownNotice {
    pub id: Uuid,
    /// The stable category: `request_received`, `request_decided`, …
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// The page it leads to.
    pub link: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub read: bool,
}

fn lang_of(l: Lang) -> distans_messages::Lang {
    match l {
        Lang::Sv => distans_messages::Lang::Sv,
        Lang::En => distans_messages::Lang::En,
    }
}

/// A stored notice written out in `lang`.
pub fn shown(n: &Notification, lang: Lang) -> ShownNotice {
    let (subject, body, link) = match &n.content {
        NoticeContent::Message(m) => {
            let t = distans_messages::render(lang_of(lang), m);
            (t.subject, t.body, distans_messages::path(&m.link))
        }
        NoticeContent::Written {
            subject,
            body,
            link,
        } => (subject.clone(), body.clone(), link.clone()),
    };
    ShownNotice {
        id: n.id.into(),
        kind: n.kind.clone(),
        subject,
        body,
        link,
        created_at: n.created_at,
        read: n.read,
    }
}
