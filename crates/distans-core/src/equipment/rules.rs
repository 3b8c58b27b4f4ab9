//! The policy's equipment rule: basic IT equipment (laptop, phone with its
//! accessories) may always be used elsewhere; extra aids (screen, keyboard,
//! mouse, headset, docking station, laptop stand, anything else) may be
//! borrowed home only by people with an agreement of more than
//! `extra_aids_above_days` remote days a week. Furniture is the employee's
//! own and is never in the inventory.

use time::Date;

use crate::agreements::model::{Agreement, AgreementState};
use crate::equipment::model::*;
use crate::kernel::{CoreError, CoreResult};

/// The longest identifier and description.
pub const MAX_IDENTIFIER: usize = 100;
pub const MAX_DESCRIPTION: usize = 500;

/// Checks an identifier: trimmed, 1–100 characters.
pub(crate) fn identifier(s: &str) -> CoreResult<String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(CoreError::invalid("identifier", "is required"));
    }
    if s.chars().count() > MAX_IDENTIFIER {
        return Err(CoreError::invalid(
            "identifier",
            format!("must be at most {MAX_IDENTIFIER} characters"),
        ));
    }
    Ok(s.to_string())
}

pub(crate) fn description(s: &str) -> CoreResult<String> {
    let s = s.trim();
    if s.chars().count() > MAX_DESCRIPTION {
        return Err(CoreError::invalid(
            "description",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(s.to_string())
}

/// Is an agreement one a loan may be made under on `today`: awaiting
/// signatures, or active and not past its last day?
pub fn agreement_is_live(g: &Agreement, today: Date) -> bool {
    matches!(
        g.state_on(today),
        AgreementState::Active | AgreementState::AwaitingSignatures
    )
}

/// The policy's equipment rule (pure): an extra aid needs an agreement of
/// more than `above_days` days a week; basic IT equipment needs nothing.
pub fn check_lending_rule(
    kind: ItemKind,
    agreement_days: Option<u8>,
    above_days: u8,
) -> CoreResult<()> {
    if kind.category() == Category::Basic {
        return Ok(());
    }
    match agreement_days {
        Some(d) if d > above_days => Ok(()),
        Some(d) => Err(CoreError::Rule {
            field: Some("item".into()),
            message: format!(
                "extra aids ({}) may only be borrowed home with an agreement of more than {above_days} remote days a week (the policy's extra_aids_above_days); this agreement has {d}",
                kind.as_str()
            ),
        }),
        None => Err(CoreError::Rule {
            field: Some("item".into()),
            message: format!(
                "extra aids ({}) may only be borrowed home with an agreement of more than {above_days} remote days a week (the policy's extra_aids_above_days); the person has no current agreement",
                kind.as_str()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::terms::Terms;

    #[test]
    fn categories_and_the_rule() {
        assert_eq!(ItemKind::Laptop.category(), Category::Basic);
        assert_eq!(ItemKind::Phone.category(), Category::Basic);
        assert_eq!(ItemKind::Screen.category(), Category::ExtraAid);
        assert_eq!(
            ItemKind::parse("docking_station").unwrap(),
            ItemKind::DockingStation
        );
        assert_eq!(ItemKind::parse("desk").unwrap_err().field(), Some("kind"));
        assert!(check_lending_rule(ItemKind::Laptop, None, 2).is_ok());
        assert!(check_lending_rule(ItemKind::Screen, Some(3), 2).is_ok());
        let e = check_lending_rule(ItemKind::Screen, Some(2), 2).unwrap_err();
        assert!(matches!(e, CoreError::Rule { .. }));
        assert!(e.to_string().contains("extra_aids_above_days"), "{e}");
        assert!(check_lending_rule(ItemKind::Mouse, None, 2).is_err());
        assert!(ItemState::settable("state", "on_loan").is_err());
        assert_eq!(
            ItemState::settable("state", "in_repair").unwrap(),
            ItemState::InRepair
        );
    }

    #[test]
    fn identifiers_and_descriptions_are_trimmed_and_bounded() {
        assert_eq!(identifier("  INV-0042 "), Ok("INV-0042".to_string()));
        assert_eq!(identifier("  ").unwrap_err().field(), Some("identifier"));
        assert!(identifier(&"å".repeat(MAX_IDENTIFIER)).is_ok());
        assert!(identifier(&"å".repeat(MAX_IDENTIFIER + 1)).is_err());
        assert_eq!(
            description("  "),
            Ok(String::new()),
            "a description may be empty"
        );
        assert_eq!(
            description(&"å".repeat(MAX_DESCRIPTION + 1))
                .unwrap_err()
                .field(),
            Some("description")
        );
        for k in ItemKind::ALL {
            assert_eq!(ItemKind::parse(k.as_str()).unwrap(), k);
        }
        for s in ItemState::ALL {
            assert_eq!(ItemState::parse("return_state", s.as_str()).unwrap(), s);
        }
        assert_eq!(
            ItemState::parse("return_state", "lost")
                .unwrap_err()
                .field(),
            Some("return_state")
        );
    }

    #[test]
    fn a_loan_is_made_under_an_agreement_awaiting_signatures_or_in_force() {
        use crate::policy::model::Place;
        use time::macros::date;
        let g = |state, end, ends_on| {
            let nobody = crate::kernel::PersonRef {
                id: uuid::Uuid::nil().into(),
                name: String::new(),
            };
            let parties = crate::agreements::Parties {
                request_id: uuid::Uuid::nil().into(),
                person: nobody.clone(),
                decider: nobody,
            };
            let terms = Terms::loose(3, &[], (date!(2026 - 01 - 01), end), Place::Home, None);
            Agreement {
                state,
                ends_on,
                ..Agreement::draft(
                    uuid::Uuid::nil().into(),
                    parties,
                    terms,
                    (1, 30),
                    String::new(),
                )
            }
        };
        let today = date!(2026 - 06 - 01);
        assert!(agreement_is_live(
            &g(AgreementState::Active, None, None),
            today
        ));
        assert!(agreement_is_live(
            &g(AgreementState::AwaitingSignatures, None, None),
            today
        ));
        assert!(!agreement_is_live(
            &g(AgreementState::Draft, None, None),
            today
        ));
        assert!(!agreement_is_live(
            &g(AgreementState::Ended, None, None),
            today
        ));
        assert!(!agreement_is_live(
            &g(AgreementState::Active, Some(date!(2026 - 05 - 31)), None),
            today
        ));
        assert!(
            agreement_is_live(&g(AgreementState::Active, Some(today), None), today),
            "its last day"
        );
        assert!(!agreement_is_live(
            &g(AgreementState::Active, None, Some(date!(2026 - 05 - 31))),
            today
        ));
    }

    proptest::proptest! {
        /// Basic equipment is always lent; an extra aid only under an
        /// agreement of more than the policy's days, else refused naming the item.
        #[test]
        fn extra_aids_need_more_days_than_the_policy_says(
            k in proptest::sample::select(ItemKind::ALL.to_vec()),
            days in proptest::option::of(0u8..=5),
            above in 0u8..=5,
        ) {
            let r = check_lending_rule(k, days, above);
            let basic = matches!(k, ItemKind::Laptop | ItemKind::Phone);
            proptest::prop_assert_eq!(r.is_ok(), basic || days.is_some_and(|d| d > above));
            if let Err(e) = r {
                proptest::prop_assert_eq!((e.field(), e.code()), (Some("item"), "rule_broken"));
            }
        }
    }
}
