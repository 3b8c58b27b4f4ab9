//! One-time links to set a local password. The secret goes only into the
//! e-mail; the database keeps its hash. Asking for one never tells whether
//! an account exists.

use std::sync::Arc;

use crate::access::{self, Action, Kind};
use crate::identity::rules::{password, token};
use crate::kernel::{
    Actor, CoreError, CoreResult, Env, Link, Message, MessageKey, NewAuditEntry, PersonId, Work,
};
use crate::org::service::OrgService;
use crate::passwords::model::*;
use crate::passwords::port::PasswordsPort;
use crate::passwords::rules::{expires, login_key};

/// Password links.
#[derive(Clone)]
pub struct PasswordsService {
    port: Arc<dyn PasswordsPort>,
    env: Env,
    org: OrgService,
}

impl PasswordsService {
    pub(crate) fn new(port: Arc<dyn PasswordsPort>, env: Env, org: OrgService) -> Self {
        PasswordsService { port, env, org }
    }

    /// An administrator sends a person a link to set their password (a
    /// first one, or a new one). `Rule` when the person has no local
    /// account or no e-mail address.
    #[tracing::instrument(skip_all)]
    pub async fn send_link(&self, actor: &Actor, person: PersonId) -> CoreResult<()> {
        access::authorize(actor, Action::Plain(Kind::SendPasswordLink))?;
        self.org.record(person).await?;
        let account = self
            .port
            .account_of(person)
            .await?
            .ok_or_else(|| rule("the person has no account to sign in with a password"))?;
        let audit = NewAuditEntry::by(actor, "account.password_link", "person", person);
        self.send(&account, LinkPurpose::Welcome, audit)
            .await?
            .ok_or_else(|| rule("the person has no e-mail address to send the link to"))
    }

    /// "Glömt lösenord?": sends a link when the username or address names
    /// exactly one active account with an e-mail address; otherwise does
    /// nothing. Either way the answer is the same.
    #[tracing::instrument(skip_all)]
    pub async fn forgot(&self, typed: &str) -> CoreResult<()> {
        let Some(key) = login_key(typed) else {
            return Ok(());
        };
        let Some(account) = self.port.account_by_login(&key).await? else {
            return Ok(());
        };
        let mut audit = NewAuditEntry::system("account.password_link", "person", account.person);
        audit.actor = "glömt lösenord".into();
        self.send(&account, LinkPurpose::Reset, audit).await?;
        Ok(())
    }

    /// Who a link is for, while it works (for the form's heading).
    #[tracing::instrument(skip_all)]
    pub async fn link_account(&self, secret: &str) -> CoreResult<Account> {
        self.port
            .link_account(&token::hash(secret), self.env.now())
            .await?
            .ok_or(CoreError::NotFound("link"))
    }

    /// Sets the password through the link; the link (and any other of the
    /// person's) stops working. 404 for a used or expired link.
    #[tracing::instrument(skip_all)]
    pub async fn set_password(&self, secret: &str, new_password: &str) -> CoreResult<()> {
        password::check_new(new_password)?;
        let hash = token::hash(secret);
        let account = self
            .port
            .link_account(&hash, self.env.now())
            .await?
            .ok_or(CoreError::NotFound("link"))?;
        let pw = new_password.to_string();
        let password_hash = tokio::task::spawn_blocking(move || password::hash(&pw))
            .await
            .map_err(CoreError::internal)??;
        let mut audit = NewAuditEntry::system("account.password", "person", account.person);
        audit.actor = account.name.clone();
        audit.actor_id = Some(account.person);
        let used = self
            .port
            .use_link(&hash, &password_hash, &Work::new(self.env.now(), audit))
            .await?;
        if used {
            Ok(())
        } else {
            Err(CoreError::NotFound("link"))
        }
    }

    /// Makes and mails a link; `None` when there is no address.
    async fn send(
        &self,
        account: &Account,
        purpose: LinkPurpose,
        audit: NewAuditEntry,
    ) -> CoreResult<Option<()>> {
        let Some(to) = &account.email else {
            return Ok(None);
        };
        let (secret, token_hash) = token::generate();
        let expires_at = expires(purpose, self.env.now());
        let link = NewLink {
            person: account.person,
            token_hash,
            purpose,
            expires_at,
        };
        let key = match purpose {
            LinkPurpose::Reset => MessageKey::PasswordReset,
            LinkPurpose::Welcome => MessageKey::PasswordWelcome,
        };
        let mail = Message::new(key, Link::SetPassword(secret))
            .arg("name", &account.name)
            .arg("username", &account.username);
        let work = Work::new(self.env.now(), audit);
        self.port.create_link(&link, to, &mail, &work).await?;
        Ok(Some(()))
    }
}

fn rule(message: &str) -> CoreError {
    CoreError::Rule {
        field: None,
        message: message.into(),
    }
}
