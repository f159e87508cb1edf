//! The registry of finding rules (SPEC §7): ids, default severities, tunable thresholds and the
//! one-line reason each rule exists. Configuration validation, the findings engine, the site's
//! rule explanations and `docs/scoring.md` all read this one table.

use crate::model::Severity;

/// Static description of one finding rule.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    /// Threshold names and their defaults, as set under `findings.<rule>` in kamsite.yaml.
    pub thresholds: &'static [(&'static str, f64)],
    /// When the rule fires, in words.
    pub trigger: &'static str,
    /// Why it matters, in one clause (appended to every message of the rule).
    pub why: &'static str,
}

macro_rules! rule {
    ($id:literal, $sev:ident, [$($k:literal = $v:expr),*], $trigger:literal, $why:literal) => {
        RuleInfo {
            id: $id,
            severity: Severity::$sev,
            thresholds: &[$(($k, $v)),*],
            trigger: $trigger,
            why: $why,
        }
    };
}

pub const RULES: &[RuleInfo] = &[
    rule!("unrecognised-potential", Warning, ["min_attractiveness" = 70.0],
        "the account is not designated key and its attractiveness is at least `min_attractiveness`",
        "the accounts with the highest upside are often not the ones designated key"),
    rule!("key-account-count", Warning, [],
        "the number of key accounts is outside guidelines.key_accounts [min, max] (warning) or [hard_min, hard_max] (error)",
        "too few key accounts concentrate risk, too many spread the KAM resources thin"),
    rule!("manager-over-capacity", Warning, [],
        "a manager owns more key accounts than their capacity",
        "too many key accounts for the resources means none of them is managed well"),
    rule!("transactional-relationship", Warning, [],
        "a key account's relationship stage is exploratory or basic",
        "key relationships that stay transactional never become strategic partnerships"),
    rule!("single-threaded", Warning, ["min_contacts" = 3.0, "min_our_contacts" = 2.0],
        "a key account has fewer than `min_contacts` contacts, or fewer than `min_our_contacts` distinct people on our side holding them (the bow tie)",
        "a relationship that runs through one pair of people is lost when either of them leaves"),
    rule!("discount-without-joint-value", Warning, ["min_discount_pct" = 5.0],
        "the discount in the review period is at least `min_discount_pct` and no joint initiative is active or completed",
        "discounts given while joint value creation is missing buy volume, not partnership"),
    rule!("volume-only-selection", Info, [],
        "a key account's attractiveness is below the matrix split while its revenue share is at least an average account's (100 / number of accounts)",
        "key accounts chosen on current volume alone miss the customers with future potential"),
    rule!("concentration-risk", Warning, ["max_share_pct" = 10.0],
        "the account holds at least `max_share_pct` percent of portfolio revenue (trailing twelve months)",
        "one customer with that much of the revenue is a major-customer risk"),
    rule!("unprofitable", Error, [],
        "profit (gross margin − cost to serve) in the review period is below zero",
        "key accounts can generate the greatest losses when the cost to serve is not managed"),
    rule!("profitability-unmeasured", Info, [],
        "a key account has no gross_margin or no cost_to_serve for the review period",
        "customer profitability is rarely measured, so losses stay hidden"),
    rule!("perception-gap", Warning, ["min_gap" = 2.0],
        "our rating and the customer's rating of the relationship differ by at least `min_gap` points",
        "suppliers and customers often perceive the relationship differently"),
    rule!("short-horizon", Warning, ["min_months" = 12.0],
        "a key account plan has no horizon_months or one shorter than `min_months`",
        "key account plans look one to three years ahead; shorter plans are sales plans"),
    rule!("no-sponsor", Info, [],
        "a key account has no executive sponsor",
        "key account management needs visible leadership support"),
    rule!("no-account-team", Info, [],
        "a key account has no cross-functional team",
        "key accounts are served by a cross-functional team, not by a salesperson alone"),
    rule!("stale-plan", Warning, ["max_age_days" = 120.0],
        "a key account plan has no plan.last_reviewed, or was last reviewed more than `max_age_days` days before as_of",
        "a plan that nobody reviews no longer steers the account"),
    rule!("overdue-actions", Warning, [],
        "the account has open or blocked actions whose due date is before as_of",
        "overdue actions show the plan is not being executed"),
    rule!("declining-revenue", Warning, ["max_decline_pct" = 10.0],
        "revenue fell by `max_decline_pct` percent or more against the same quarter a year before",
        "falling revenue at a key customer is the first sign of a retention problem"),
    rule!("retention-risk", Error, [],
        "health.retention_risk is high, or the relationship stage is disintegrating",
        "losing a key customer has a disproportionate impact on the business"),
    rule!("missing-data", Info, [],
        "the account has no financials for the review period, or its attractiveness or strength cannot be scored",
        "without the numbers the account cannot be placed or compared"),
];

/// The registry entry of `id`.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nineteen_distinct_rules() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 19);
    }
}
