//! Agreements: read, send for signatures, sign, end, remind before the end.

use uuid::Uuid;

use crate::access::{self, Action};
use crate::agreements::model::{Agreement, AgreementState};
use crate::agreements::rules as agreement;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry, Notice, Role};
use crate::org::model::notice;
use crate::Core;

impl Core {
    // Agreements.

    pub async fn agreement(&self, actor: &Actor, id: Uuid) -> CoreResult<Agreement> {
        let mut g = self
            .store
            .agreement(id)
            .await?
            .ok_or(CoreError::NotFound("agreement"))?;
        let rec = self.org.record(g.person_id).await?;
        let is_party = actor.person_id == g.decider_id;
        if !is_party
            && access::authorize(
                actor,
                Action::ReadCase {
                    person_id: g.person_id,
                    unit_path: &rec.unit_path,
                },
            )
            .is_err()
        {
            return Err(CoreError::NotFound("agreement"));
        }
        g.state = g.state_on(self.today());
        Ok(g)
    }

    pub async fn agreements_of(&self, actor: &Actor, person: Uuid) -> CoreResult<Vec<Agreement>> {
        let rec = self.org.record(person).await?;
        if access::authorize(
            actor,
            Action::ReadCase {
                person_id: person,
                unit_path: &rec.unit_path,
            },
        )
        .is_err()
        {
            return Err(CoreError::NotFound("person"));
        }
        let today = self.today();
        Ok(self
            .store
            .agreements_of(person)
            .await?
            .into_iter()
            .map(|mut g| {
                g.state = g.state_on(today);
                g
            })
            .collect())
    }

    pub async fn agreements_to_sign(&self, actor: &Actor) -> CoreResult<Vec<Agreement>> {
        let mut out = self
            .store
            .agreements_to_sign_as_decider(actor.person_id)
            .await?;
        out.extend(
            self.store
                .agreements_of(actor.person_id)
                .await?
                .into_iter()
                .filter(|g| {
                    g.state == AgreementState::AwaitingSignatures && g.employee_signed_at.is_none()
                }),
        );
        // Drafts this actor decided wait for them to be sent.
        out.extend(self.store.agreements_drafted_by(actor.person_id).await?);
        Ok(out)
    }

    /// The decider (or HR) sends a draft for signatures, optionally with the
    /// text adjusted for this case. Both parties are then asked to sign.
    pub async fn send_agreement(
        &self,
        actor: &Actor,
        id: Uuid,
        text: Option<&str>,
    ) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        if actor.person_id != g.decider_id && !actor.has(Role::Hr) {
            return Err(CoreError::forbidden(
                "only the one who decided (or HR) sends the agreement for signatures",
            ));
        }
        if actor.person_id == g.person_id {
            return Err(CoreError::forbidden("nobody sends their own agreement"));
        }
        if g.state != AgreementState::Draft {
            return Err(CoreError::Conflict(format!(
                "the agreement is {} and cannot be sent again",
                g.state.as_str()
            )));
        }
        let mut next = g.clone();
        if let Some(t) = text {
            let t = t.replace("\r\n", "\n");
            if t.trim().is_empty() || t.len() > 50_000 {
                return Err(CoreError::invalid("text", "must be 1 to 50,000 characters"));
            }
            if agreement::sections(&t).iter().all(|s| s.0.is_empty()) {
                return Err(CoreError::invalid(
                    "text",
                    "needs at least one section heading (a line starting with \"## \")",
                ));
            }
            next.text = t;
        }
        next.state = AgreementState::AwaitingSignatures;
        let employee = self.org.record(g.person_id).await?;
        let decider = self.org.record(g.decider_id).await?;
        let link = format!("/overenskommelser/{}", g.id);
        let notices = vec![
            notice(
                &employee,
                "agreement_to_sign",
                "Din överenskommelse om distansarbete är klar att signera".into(),
                format!("Överenskommelsen väntar på din signatur: {link}"),
                link.clone(),
            ),
            notice(
                &decider,
                "agreement_to_sign",
                format!("Överenskommelse att signera: {}", g.person_name),
                format!(
                    "Överenskommelsen med {} väntar på din signatur: {link}",
                    g.person_name
                ),
                link,
            ),
        ];
        let mut a = NewAuditEntry::by(actor, "agreement.send", "agreement", g.id);
        a.after = Some(
            serde_json::json!({"text_changed": next.text != g.text, "text_sha256": agreement::sha256_hex(&next.text)}),
        );
        self.store
            .update_agreement(&next, g.version, &notices, a)
            .await?;
        self.agreement(actor, id).await
    }

    /// The employee or the decider signs. When both have, the text is
    /// frozen: its SHA-256 is recorded and the agreement is active.
    pub async fn sign_agreement(&self, actor: &Actor, id: Uuid) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        if g.state != AgreementState::AwaitingSignatures {
            return Err(CoreError::Conflict(format!(
                "the agreement is {} and cannot be signed",
                g.state.as_str()
            )));
        }
        let now = self.now();
        let mut next = g.clone();
        let who = if actor.person_id == g.person_id && g.employee_signed_at.is_none() {
            next.employee_signed_at = Some(now);
            "employee"
        } else if actor.person_id == g.decider_id && g.decider_signed_at.is_none() {
            next.decider_signed_at = Some(now);
            "decider"
        } else if actor.person_id == g.person_id || actor.person_id == g.decider_id {
            return Err(CoreError::Conflict("you have already signed".into()));
        } else {
            return Err(CoreError::forbidden(
                "only the employee and the one who decided sign the agreement",
            ));
        };
        let employee = self.org.record(g.person_id).await?;
        let decider = self.org.record(g.decider_id).await?;
        let link = format!("/overenskommelser/{}", g.id);
        let mut notices = vec![];
        if next.employee_signed_at.is_some() && next.decider_signed_at.is_some() {
            next.state = AgreementState::Active;
            next.text_sha256 = Some(agreement::sha256_hex(&next.text));
            for p in [&employee, &decider] {
                notices.push(notice(p, "agreement_signed", "Överenskommelsen om distansarbete är signerad".into(),
                    format!("Båda parter har signerat överenskommelsen för {}. Den gäller från {}. {link}", g.person_name, g.start), link.clone()));
            }
        } else {
            let other = if who == "employee" {
                &decider
            } else {
                &employee
            };
            notices.push(notice(
                other,
                "agreement_signed",
                format!("{} har signerat överenskommelsen", actor.name),
                format!(
                    "{} har signerat. Överenskommelsen väntar på din signatur: {link}",
                    actor.name
                ),
                link.clone(),
            ));
        }
        // Follow-ups: scheduled by the same transaction that activates it.
        let schedule = if next.state == AgreementState::Active {
            self.schedule_for_activation(&next).await?
        } else {
            Default::default()
        };
        let mut a = NewAuditEntry::by(actor, "agreement.sign", "agreement", g.id);
        a.after = Some(
            serde_json::json!({"signed_by": who, "state": next.state, "text_sha256": next.text_sha256, "policy_version": g.policy_version,
                "followups": schedule.add.iter().map(|f| serde_json::json!({"id": f.id, "kind": f.kind, "due": f.due.to_string()})).collect::<Vec<_>>()}),
        );
        self.store
            .update_agreement_scheduling(&next, g.version, &notices, a, &schedule)
            .await?;
        self.agreement(actor, id).await
    }

    /// Either party (or HR) ends an active agreement with the notice period.
    pub async fn end_agreement(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: Option<&str>,
    ) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        let party = actor.person_id == g.person_id
            || actor.person_id == g.decider_id
            || actor.has(Role::Hr);
        if !party {
            return Err(CoreError::forbidden(
                "only the parties (or HR) may end the agreement",
            ));
        }
        let today = self.today();
        let mut next = g.clone();
        match g.state {
            AgreementState::Active if g.ends_on.is_none() => {
                let by_notice = today + time::Duration::days(g.notice_days);
                next.ends_on = Some(match g.end {
                    Some(e) if e < by_notice => e,
                    _ => by_notice,
                });
            }
            AgreementState::Active => {
                return Err(CoreError::Conflict("notice has already been given".into()))
            }
            AgreementState::AwaitingSignatures | AgreementState::Draft => {
                // Not yet in force: it simply ends now.
                next.state = AgreementState::Ended;
                next.ends_on = Some(today);
            }
            s => {
                return Err(CoreError::Conflict(format!(
                    "the agreement is already {}",
                    s.as_str()
                )))
            }
        }
        next.ended_by = Some(actor.name.clone());
        next.end_reason = reason
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let employee = self.org.record(g.person_id).await?;
        let decider = self.org.record(g.decider_id).await?;
        let link = format!("/overenskommelser/{}", g.id);
        let last = next.ends_on.map(|d| d.to_string()).unwrap_or_default();
        let notices: Vec<Notice> = [&employee, &decider]
            .into_iter()
            .filter(|p| p.person.id != actor.person_id)
            .map(|p| {
                notice(
                    p,
                    "agreement_ending",
                    "Överenskommelsen om distansarbete upphör".into(),
                    format!(
                        "{} har sagt upp överenskommelsen för {}. Sista dag: {last}. {link}",
                        actor.name, g.person_name
                    ),
                    link.clone(),
                )
            })
            .collect();
        // Equipment: the manager collects what was lent under it.
        let mut notices = notices;
        notices.extend(
            self.loan_collect_notices(actor, &g, &employee, &last)
                .await?,
        );
        let mut a = NewAuditEntry::by(actor, "agreement.end", "agreement", g.id);
        a.after = Some(serde_json::json!({"ends_on": last, "reason": next.end_reason}));
        // Follow-ups: those due after the last day are cancelled.
        let schedule = crate::followup::model::FollowUpSchedule {
            add: vec![],
            cancel_after: next.ends_on.map(|d| (g.id, d)),
        };
        if let Some(after) = a.after.as_mut() {
            after["followups_cancelled_after"] = serde_json::json!(last);
        }
        self.store
            .update_agreement_scheduling(&next, g.version, &notices, a, &schedule)
            .await?;
        self.agreement(actor, id).await
    }

    /// Tells both parties of every live agreement whose last day is within
    /// `days_ahead` days that it is ending (once per agreement). Driven by the
    /// job worker; time comes from the core's clock.
    pub async fn remind_ending_agreements(&self, days_ahead: i64) -> CoreResult<usize> {
        let today = self.today();
        let mut told = 0;
        for g in self
            .store
            .agreements_ending(today + time::Duration::days(days_ahead), 200)
            .await?
        {
            let Some(last) = g.last_day() else { continue };
            if last < today {
                continue;
            }
            let link = format!("/overenskommelser/{}", g.id);
            let mut notices = vec![];
            for id in [g.person_id, g.decider_id] {
                if let Some(p) = self.store.person(id).await? {
                    notices.push(notice(&p, "agreement_ending", "Överenskommelsen om distansarbete upphör snart".into(),
                        format!("Överenskommelsen för {} gäller till och med {last}. Vill ni fortsätta behövs en ny ansökan. {link}", g.person_name), link.clone()));
                }
            }
            let mut a = NewAuditEntry::system("agreement.ending_reminder", "agreement", g.id);
            a.after = Some(serde_json::json!({"last_day": last.to_string()}));
            if self
                .store
                .mark_agreement_ending_notified(g.id, self.now(), &notices, a)
                .await?
            {
                told += 1;
            }
        }
        Ok(told)
    }

    /// Makes sure an agreement template exists (first start).
    pub(crate) async fn ensure_agreement_template(&self) -> CoreResult<()> {
        if self.store.agreement_template().await?.is_none() {
            self.store
                .set_agreement_template(
                    agreement::DEFAULT_TEMPLATE,
                    0,
                    "system",
                    self.now(),
                    NewAuditEntry::system("template.update", "agreement_template", 1),
                )
                .await?;
        }
        Ok(())
    }

    pub async fn agreement_template(&self, actor: &Actor) -> CoreResult<(i64, String)> {
        access::authorize(actor, Action::EditPolicy)?;
        Ok(self
            .store
            .agreement_template()
            .await?
            .unwrap_or((0, agreement::DEFAULT_TEMPLATE.to_string())))
    }

    pub async fn set_agreement_template(
        &self,
        actor: &Actor,
        text: &str,
        expected: i64,
    ) -> CoreResult<i64> {
        access::authorize(actor, Action::EditPolicy)?;
        let text = text.replace("\r\n", "\n");
        agreement::validate_template(&text)?;
        let mut a = NewAuditEntry::by(actor, "template.update", "agreement_template", "");
        a.after = Some(serde_json::json!({ "sha256": agreement::sha256_hex(&text) }));
        self.store
            .set_agreement_template(&text, expected, &actor.name, self.now(), a)
            .await
    }
}
