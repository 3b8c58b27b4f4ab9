//! A gap in on-site coverage: the warning a change gets when it would leave
//! a unit with too few people on site, or a site with too few desks. Shared
//! by every slice that changes who is where (cases, the plan, rotations).

use crate::kernel::refs::UnitRef;
use crate::kernel::CoverageRuleId;

use serde::{Deserialize, Serialize};
use time::Date;

/// What a rule asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// At least `min_onsite` of the unit's people (with `skill`, if given) on site.
    MinOnsite,
    /// At most the desks of the unit's site taken, by everyone sitting there.
    MaxDesks,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::MinOnsite => "min_onsite",
            RuleKind::MaxDesks => "max_desks",
        }
    }

    pub fn parse(s: &str) -> Result<RuleKind, String> {
        match s {
            "min_onsite" => Ok(RuleKind::MinOnsite),
            "max_desks" => Ok(RuleKind::MaxDesks),
            other => Err(format!("\"{other}\" is not min_onsite or max_desks")),
        }
    }
}

/// A change that would open (or widen) a gap: the rule, its unit and the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapWarning {
    pub rule: CoverageRuleId,
    pub kind: RuleKind,
    pub unit: UnitRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    pub date: Date,
    pub required: i64,
    /// On site after the change.
    pub planned: i64,
}

impl GapWarning {
    /// "Kontaktcenter Norr, 2026-11-24: at least 3 on site with skill x, 2 would be"
    pub fn describe(&self) -> String {
        let w = self.date.iso_week();
        match self.kind {
            RuleKind::MinOnsite => format!(
                "{}, {} (v. {w}): at least {} on site{}, {} would be",
                self.unit.name,
                self.date,
                self.required,
                self.skill
                    .as_ref()
                    .map(|s| format!(" with the skill \"{s}\""))
                    .unwrap_or_default(),
                self.planned
            ),
            RuleKind::MaxDesks => format!(
                "{}, {} (v. {w}): the site has {} desks, {} would be on site",
                self.unit.name, self.date, self.required, self.planned
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use uuid::Uuid;

    fn warning(kind: RuleKind, skill: Option<&str>) -> GapWarning {
        GapWarning {
            rule: CoverageRuleId::nil(),
            kind,
            unit: UnitRef {
                id: Uuid::nil().into(),
                name: "Kontaktcenter Norr".into(),
            },
            skill: skill.map(String::from),
            date: date!(2026 - 11 - 24),
            required: 3,
            planned: 2,
        }
    }

    #[test]
    fn a_gap_is_described_with_unit_day_week_and_numbers() {
        assert_eq!(
            warning(RuleKind::MinOnsite, Some("reception")).describe(),
            "Kontaktcenter Norr, 2026-11-24 (v. 48): at least 3 on site with the skill \"reception\", 2 would be"
        );
        assert_eq!(
            warning(RuleKind::MinOnsite, None).describe(),
            "Kontaktcenter Norr, 2026-11-24 (v. 48): at least 3 on site, 2 would be"
        );
        assert_eq!(
            warning(RuleKind::MaxDesks, None).describe(),
            "Kontaktcenter Norr, 2026-11-24 (v. 48): the site has 3 desks, 2 would be on site"
        );
    }

    #[test]
    fn rule_kinds_parse_as_they_are_written() {
        for k in [RuleKind::MinOnsite, RuleKind::MaxDesks] {
            assert_eq!(RuleKind::parse(k.as_str()), Ok(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::json!(k.as_str())
            );
        }
        assert!(RuleKind::parse("Min_Onsite").is_err());
    }
}
