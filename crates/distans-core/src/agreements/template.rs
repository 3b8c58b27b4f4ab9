//! The organisation's agreement template: HR edits it; every agreement is
//! written from the version in force when it is decided.

use serde_json::json;

use crate::access::{self, Action, Kind};
use crate::agreements::rules::{
    example_facts, render, sections, sha256_hex, validate_template, DEFAULT_TEMPLATE,
};
use crate::agreements::service::AgreementsService;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry};

impl AgreementsService {
    /// Makes sure an agreement template exists (first start).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn ensure_template(&self) -> CoreResult<()> {
        if self.port.agreement_template().await?.is_some() {
            return Ok(());
        }
        let work = Work::new(
            self.env.now(),
            NewAuditEntry::system("template.update", "agreement_template", 1),
        );
        match self
            .port
            .set_agreement_template(DEFAULT_TEMPLATE, 0, "system", &work)
            .await
        {
            // Another server starting at the same time wrote it first.
            Ok(_) | Err(CoreError::Conflict(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The current template: (version, text).
    #[tracing::instrument(skip_all)]
    pub async fn agreement_template(&self, actor: &Actor) -> CoreResult<(i64, String)> {
        access::authorize(actor, Action::Plain(Kind::EditPolicy))?;
        self.template().await
    }

    /// The template agreements are written from now.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn template(&self) -> CoreResult<(i64, String)> {
        Ok(self
            .port
            .agreement_template()
            .await?
            .unwrap_or((0, DEFAULT_TEMPLATE.to_string())))
    }

    /// Saves a new version of the template; `expected` is the version the
    /// editor saw (someone faster wins, the other gets a conflict).
    #[tracing::instrument(skip_all)]
    pub async fn set_agreement_template(
        &self,
        actor: &Actor,
        text: &str,
        expected: i64,
    ) -> CoreResult<i64> {
        access::authorize(actor, Action::Plain(Kind::EditPolicy))?;
        let text = text.replace("\r\n", "\n");
        validate_template(&text)?;
        let a = NewAuditEntry::by(actor, "template.update", "agreement_template", "")
            .after(json!({ "sha256": sha256_hex(&text) }));
        self.port
            .set_agreement_template(&text, expected, &actor.name, &Work::new(self.env.now(), a))
            .await
    }

    /// A template as an employee would read their agreement written from
    /// it: rendered with an example person, decided by `actor` under the
    /// policy in force, in sections (heading, paragraphs). Nothing is
    /// saved; a template that could not be saved is refused the same way.
    #[tracing::instrument(skip_all)]
    pub async fn preview_template(
        &self,
        actor: &Actor,
        text: &str,
    ) -> CoreResult<Vec<(String, Vec<String>)>> {
        access::authorize(actor, Action::Plain(Kind::EditPolicy))?;
        let text = text.replace("\r\n", "\n");
        validate_template(&text)?;
        let organisation = self.org.organisation_name().await?;
        let policy_version = self.policy.in_force(self.env.today()).await?.version;
        let facts = example_facts(&organisation, &actor.name, policy_version, self.env.today())?;
        Ok(sections(&render(&text, &facts)))
    }
}
