//! The findings engine (SPEC §7): runs every enabled rule of the registry and applies the
//! configured severities. The rules themselves live in [`super::rules`].

use serde::Serialize;

use super::rules::{Check, Context, RuleSettings};
use super::AccountAnalysis;
use crate::model::Severity;

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

fn finding(
    s: &RuleSettings,
    severity: Severity,
    account: Option<&str>,
    manager: Option<String>,
    found: &str,
) -> Finding {
    Finding {
        rule: s.rule.id,
        severity: s.severity_for(severity),
        account: account.map(str::to_string),
        manager,
        message: format!("{found} — {}", s.rule.why),
    }
}

/// Every finding, portfolio findings (by rule, manager) first, then by (account, rule).
pub fn findings(
    ctx: &Context<'_>,
    rules: &[RuleSettings],
    accounts: &[AccountAnalysis<'_>],
) -> Vec<Finding> {
    let enabled: Vec<&RuleSettings> = rules.iter().filter(|s| s.enabled).collect();
    let mut out = Vec::new();
    for s in &enabled {
        if let Check::Portfolio(check) = s.rule.check {
            for fired in check(ctx, accounts, s) {
                out.push(finding(
                    s,
                    fired.severity,
                    None,
                    fired.manager,
                    &fired.found,
                ));
            }
        }
    }
    out.sort_by(|a, b| (a.rule, &a.manager).cmp(&(b.rule, &b.manager)));
    for a in accounts {
        let first = out.len();
        for s in &enabled {
            if let Check::Account(check) = s.rule.check {
                if let Some(found) = check(ctx, a, s) {
                    out.push(finding(
                        s,
                        s.rule.severity,
                        Some(&a.account.id),
                        None,
                        &found,
                    ));
                }
            }
        }
        // Accounts arrive sorted by id, so sorting each account's few findings by rule gives
        // the (account, rule) order of SPEC §11 without a global sort over all findings.
        out[first..].sort_by_key(|f| f.rule);
    }
    out
}
