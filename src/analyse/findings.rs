//! The 19 finding rules (SPEC §7). Each rule is independent; each message says what was found,
//! the numbers behind it, and why it matters (from the rule registry).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::rules::{RuleInfo, RULES};
use super::AccountAnalysis;
use crate::model::{
    Config, Designation, InitiativeStatus, RetentionRisk, RuleOverride, Severity, Stage,
};
use crate::numfmt::{short as num, thousands};

/// One diagnosis of an account, a manager or the portfolio.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// `None` for portfolio-level findings.
    pub account: Option<String>,
    /// Set on `manager-over-capacity` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    pub message: String,
}

/// A rule's effective settings: registry defaults overlaid with kamsite.yaml, resolved once per
/// run rather than once per account.
#[derive(Clone, Copy)]
struct Settings<'a> {
    info: &'static RuleInfo,
    over: Option<&'a RuleOverride>,
}

impl Settings<'_> {
    fn enabled(&self) -> bool {
        self.over.and_then(|o| o.enabled).unwrap_or(true)
    }

    /// The configured severity, else `default` (rules with two default severities pass theirs).
    fn severity(&self, default: Severity) -> Severity {
        self.over.and_then(|o| o.severity).unwrap_or(default)
    }

    fn threshold(&self, key: &str) -> f64 {
        let configured = self.over.and_then(|o| o.thresholds.get(key).copied());
        configured
            .or_else(|| {
                self.info
                    .thresholds
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| *v)
            })
            .unwrap_or(0.0)
    }
}

/// Collects findings, applying enablement and severity overrides in one place.
struct Collector<'a> {
    config: &'a Config,
    /// Enabled rules' settings, by rule id.
    enabled: HashMap<&'static str, Settings<'a>>,
    out: Vec<Finding>,
}

impl<'a> Collector<'a> {
    fn new(config: &'a Config) -> Self {
        let enabled = RULES
            .iter()
            .map(|info| {
                let over = config.findings.get(info.id);
                (info.id, Settings { info, over })
            })
            .filter(|(_, s)| s.enabled())
            .collect();
        Collector {
            config,
            enabled,
            out: Vec::new(),
        }
    }

    /// The settings of an enabled rule; `None` when it is switched off.
    fn settings(&self, id: &str) -> Option<Settings<'a>> {
        self.enabled.get(id).copied()
    }

    fn push(
        &mut self,
        s: &Settings<'_>,
        severity: Severity,
        account: Option<&str>,
        manager: Option<&str>,
        found: String,
    ) {
        self.out.push(Finding {
            rule: s.info.id,
            severity: s.severity(severity),
            account: account.map(str::to_string),
            manager: manager.map(str::to_string),
            message: format!("{found} — {}", s.info.why),
        });
    }

    /// Runs an account rule: `check` returns the "what was found" text when it fires.
    fn account(
        &mut self,
        id: &str,
        a: &AccountAnalysis<'_>,
        check: impl FnOnce(&Settings<'_>) -> Option<String>,
    ) {
        let Some(s) = self.settings(id) else { return };
        if let Some(found) = check(&s) {
            self.push(&s, s.info.severity, Some(&a.account.id), None, found);
        }
    }
}

pub fn findings(
    config: &Config,
    accounts: &[AccountAnalysis<'_>],
    period: Option<crate::model::Quarter>,
) -> Vec<Finding> {
    let mut c = Collector::new(config);
    portfolio_rules(&mut c, accounts);
    let n_accounts = accounts.len() as f64;
    let split = &config.scoring.matrix_split;
    let p = period.map_or_else(|| "the review period".to_string(), |q| q.to_string());
    // Portfolio findings (account null) come first, by rule then manager.
    c.out
        .sort_by(|a, b| (a.rule, &a.manager).cmp(&(b.rule, &b.manager)));
    for a in accounts {
        let first = c.out.len();
        let f = &a.account.front;
        let m = &a.metrics;
        let key = f.designation == Designation::Key;
        let att = a.attractiveness.value;
        c.account("unrecognised-potential", a, |s| {
            let (att, min) = (att?, s.threshold("min_attractiveness"));
            (!key && att >= min).then(|| {
                format!(
                    "designated {} but attractiveness is {} (≥ {})",
                    f.designation,
                    num(att),
                    num(min)
                )
            })
        });
        c.account("transactional-relationship", a, |_| {
            let stage = f.relationship.stage?;
            (key && matches!(stage, Stage::Exploratory | Stage::Basic))
                .then(|| format!("key account whose relationship is still {stage}"))
        });
        c.account("single-threaded", a, |s| {
            let ours: BTreeSet<&str> = f.contacts.iter().filter_map(|c| c.our_contact.as_deref()).filter(|n| !n.trim().is_empty()).collect();
            let (min_c, min_o) = (s.threshold("min_contacts"), s.threshold("min_our_contacts"));
            (key && ((f.contacts.len() as f64) < min_c || (ours.len() as f64) < min_o)).then(|| {
                format!("{} contact{} at the customer, held by {} person{} on our side (need {} and {})",
                    f.contacts.len(), if f.contacts.len() == 1 { "" } else { "s" }, ours.len(), if ours.len() == 1 { "" } else { "s" }, num(min_c), num(min_o))
            })
        });
        c.account("discount-without-joint-value", a, |s| {
            let d = m.discount_pct?;
            let min = s.threshold("min_discount_pct");
            let joint = f.joint_initiatives.iter().any(|j| {
                matches!(
                    j.status,
                    InitiativeStatus::Active | InitiativeStatus::Completed
                )
            });
            (d >= min && !joint).then(|| {
                format!(
                    "discount of {} % in {p} with no active or completed joint initiative",
                    num(d)
                )
            })
        });
        c.account("volume-only-selection", a, |_| {
            let (share, att) = (m.revenue_share_pct?, att?);
            let average = 100.0 / n_accounts;
            (key && att < split.attractiveness && share >= average).then(|| {
                format!("key account with attractiveness {} (below the split of {}) but {} % of revenue (average account: {} %)", num(att), num(split.attractiveness), num(share), num(average))
            })
        });
        c.account("concentration-risk", a, |s| {
            let share = m.revenue_share_pct?;
            let max = s.threshold("max_share_pct");
            (share >= max).then(|| {
                format!(
                    "{} % of portfolio revenue over the last twelve months (≥ {} %)",
                    num(share),
                    num(max)
                )
            })
        });
        c.account("unprofitable", a, |_| {
            let profit = m.profit?;
            (profit < 0.0).then(|| {
                format!(
                    "profit of {} in {p}: the cost to serve exceeds the gross margin",
                    thousands(profit)
                )
            })
        });
        c.account("profitability-unmeasured", a, |_| {
            let q = period.and_then(|q| super::metrics::quarter(a.account, q));
            let missing: Vec<&str> = [
                ("gross_margin", q.and_then(|q| q.gross_margin)),
                ("cost_to_serve", q.and_then(|q| q.cost_to_serve)),
            ]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k)
            .collect();
            (key && !missing.is_empty()).then(|| format!("no {} for {p}", missing.join(" or ")))
        });
        c.account("perception-gap", a, |s| {
            let r = f.relationship.rating?;
            let gap = (r.ours - r.theirs).abs() as f64;
            let min = s.threshold("min_gap");
            (gap >= min).then(|| {
                format!(
                    "we rate the relationship {} of 5, the customer {} of 5",
                    r.ours, r.theirs
                )
            })
        });
        c.account("short-horizon", a, |s| {
            let min = s.threshold("min_months");
            match f.plan.horizon_months {
                None if key => Some("the plan has no horizon_months".to_string()),
                Some(h) if key && (h as f64) < min => {
                    Some(format!("the plan looks {h} months ahead (< {})", num(min)))
                }
                _ => None,
            }
        });
        c.account("no-sponsor", a, |_| {
            (key && f.sponsor.as_deref().is_none_or(|s| s.trim().is_empty()))
                .then(|| "key account without an executive sponsor".to_string())
        });
        c.account("no-account-team", a, |_| {
            (key && f.team.is_empty()).then(|| "key account without an account team".to_string())
        });
        c.account("stale-plan", a, |s| {
            let max = s.threshold("max_age_days");
            match (f.plan.last_reviewed, m.plan_age_days) {
                (None, _) if key => Some("the plan has no plan.last_reviewed date".to_string()),
                (Some(d), Some(age)) if key && (age as f64) > max => Some(format!(
                    "last reviewed on {d}, {age} days ago (> {})",
                    num(max)
                )),
                _ => None,
            }
        });
        c.account("overdue-actions", a, |_| {
            let n = m.overdue_actions;
            (n > 0).then(|| {
                format!(
                    "{n} open or blocked action{} past due",
                    if n == 1 { "" } else { "s" }
                )
            })
        });
        c.account("declining-revenue", a, |s| {
            let g = m.growth_yoy_pct?;
            let max = s.threshold("max_decline_pct");
            (g <= -max).then(|| {
                format!(
                    "revenue {} % against the same quarter a year before",
                    num(g)
                )
            })
        });
        c.account("retention-risk", a, |_| {
            let high = f.health.retention_risk == Some(RetentionRisk::High);
            let dis = f.relationship.stage == Some(Stage::Disintegrating);
            match (high, dis) {
                (true, true) => Some(
                    "retention risk is high and the relationship is disintegrating".to_string(),
                ),
                (true, false) => Some("retention risk is high".to_string()),
                (false, true) => Some("the relationship is disintegrating".to_string()),
                _ => None,
            }
        });
        c.account("missing-data", a, |_| {
            let mut gaps = Vec::new();
            if period
                .and_then(|q| super::metrics::quarter(a.account, q))
                .is_none()
            {
                gaps.push(format!("no financials for {p}"));
            }
            if att.is_none() {
                gaps.push("no attractiveness criteria".to_string());
            }
            if a.strength.value.is_none() {
                gaps.push("no strength criteria".to_string());
            }
            (!gaps.is_empty()).then(|| gaps.join(", "))
        });
        // Accounts arrive sorted by id, so sorting each account's few findings by rule gives
        // the (account, rule) order of SPEC §11 without a global sort over all findings.
        c.out[first..].sort_by_key(|f| f.rule);
    }
    c.out
}

fn portfolio_rules(c: &mut Collector<'_>, accounts: &[AccountAnalysis<'_>]) {
    let config = c.config;
    if let Some(s) = c.settings("key-account-count") {
        let n = accounts
            .iter()
            .filter(|a| a.account.front.designation == Designation::Key)
            .count() as i64;
        let g = &config.guidelines.key_accounts;
        let (severity, bounds) = if n < g.hard_min || n > g.hard_max {
            (Severity::Error, (g.hard_min, g.hard_max))
        } else {
            (Severity::Warning, (g.min, g.max))
        };
        if n < bounds.0 || n > bounds.1 {
            let side = if n < bounds.0 { "below" } else { "above" };
            c.push(
                &s,
                severity,
                None,
                None,
                format!(
                    "{n} key accounts, {side} the range of {} to {}",
                    bounds.0, bounds.1
                ),
            );
        }
    }
    if let Some(s) = c.settings("manager-over-capacity") {
        let mut load: BTreeMap<&str, i64> = BTreeMap::new();
        for a in accounts {
            if let (Designation::Key, Some(owner)) = (
                a.account.front.designation,
                a.account.front.owner.as_deref(),
            ) {
                *load.entry(owner).or_default() += 1;
            }
        }
        for (manager, n) in load {
            let cap = config.capacity_of(manager);
            if n > cap {
                c.push(
                    &s,
                    Severity::Warning,
                    None,
                    Some(manager),
                    format!("{manager} owns {n} key accounts, capacity {cap}"),
                );
            }
        }
    }
}
