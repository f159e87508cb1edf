//! The findings engine (SPEC §7): runs every enabled rule of the registry and applies the
//! configured severities. The rules themselves live in [`super::rules`].

use rayon::prelude::*;
use serde::Serialize;

use super::rules::{At, Check, Context, RuleSettings, MONEY_END, MONEY_START};
use super::AccountAnalysis;
use crate::model::{financial_field, Severity, Target, YamlPath};

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
    /// The message with its money amounts masked, when it has any (`--incognito` shows this).
    #[serde(skip)]
    pub masked: Option<String>,
    /// The value the finding is about (SPEC §19), where `check` annotates it.
    #[serde(skip)]
    pub at: Place,
}

/// Where a finding is: the value that triggers it. The model carries no positions, so the
/// value is named here and found in its file only when `check` prints findings.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    /// A value, or a key, of the account file's front matter.
    Front(YamlPath, Target),
    /// A cell of a source: a CSV file's line and column, or a sheet's row and column.
    Source {
        file: String,
        sheet: Option<String>,
        line: usize,
        column: usize,
    },
    /// A value, or a key, of kamsite.yaml (no file at all when there is none).
    Config(YamlPath, Target),
}

impl Place {
    fn of(at: At, ctx: &Context<'_>, a: &AccountAnalysis<'_>) -> Place {
        let path = |keys: &[&str]| keys.iter().fold(YamlPath::root(), |p, k| p.key(*k));
        match at {
            At::Value(keys) => Place::Front(path(keys), Target::Value),
            At::Key(key) => Place::Front(path(&[key]), Target::Key),
            At::Item(list, i, key) => {
                Place::Front(YamlPath::root().key(list).index(i).key(key), Target::Value)
            }
            At::By(decide) => Place::of(decide(ctx, a), ctx, a),
            At::Entry(keys, i) => Place::Front(path(keys).index(i), Target::Value),
            At::Period(field) => {
                let financials = &a.account.front.financials;
                let Some(i) = ctx
                    .period
                    .and_then(|p| financials.iter().position(|f| f.period == p))
                else {
                    return Place::Front(path(&["financials"]), Target::Key);
                };
                match a
                    .account
                    .origins
                    .financials
                    .get(i)
                    .and_then(|o| o.cell(field))
                {
                    Some(cell) => Place::Source {
                        file: cell.file.to_string(),
                        sheet: cell.sheet.map(str::to_string),
                        line: cell.line,
                        column: cell.column,
                    },
                    // Entries of the front matter come first: `i` is their index there.
                    None => Place::Front(
                        YamlPath::root()
                            .key("financials")
                            .index(i)
                            .key(financial_field::KEYS[field]),
                        Target::Value,
                    ),
                }
            }
        }
    }
}

/// The message without the markers, and with each marked amount masked when it has any.
fn unmark(found: &str) -> (String, Option<String>) {
    if !found.contains(MONEY_START) {
        return (found.to_string(), None);
    }
    let plain: String = found
        .chars()
        .filter(|c| *c != MONEY_START && *c != MONEY_END)
        .collect();
    let mut masked = String::with_capacity(found.len());
    let mut inside = false;
    for c in found.chars() {
        match c {
            MONEY_START => {
                inside = true;
                masked.push_str("•••");
            }
            MONEY_END => inside = false,
            c if !inside => masked.push(c),
            _ => {}
        }
    }
    (plain, Some(masked))
}

fn finding(
    s: &RuleSettings,
    severity: Severity,
    account: Option<&str>,
    manager: Option<String>,
    found: &str,
    at: Place,
) -> Finding {
    let (found, masked) = unmark(found);
    Finding {
        rule: s.rule.id,
        severity: s.severity_for(severity),
        account: account.map(str::to_string),
        manager,
        message: format!("{found} — {}", s.rule.why),
        masked: masked.map(|m| format!("{m} — {}", s.rule.why)),
        at,
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
                let at = match fired.at {
                    Some(path) => Place::Config(path, Target::Value),
                    None => {
                        Place::Config(YamlPath::root().key("findings").key(s.rule.id), Target::Key)
                    }
                };
                out.push(finding(
                    s,
                    fired.severity,
                    None,
                    fired.manager,
                    &fired.found,
                    at,
                ));
            }
        }
    }
    out.sort_by(|a, b| (a.rule, &a.manager).cmp(&(b.rule, &b.manager)));
    // Each account's findings in parallel, then in account order.
    let per_account: Vec<Vec<Finding>> = accounts
        .par_iter()
        .map(|a| {
            let mut own = Vec::new();
            for s in &enabled {
                if let Check::Account { at, check } = s.rule.check {
                    if let Some(found) = check(ctx, a, s) {
                        own.push(finding(
                            s,
                            s.rule.severity,
                            Some(&a.account.id),
                            None,
                            &found,
                            Place::of(at, ctx, a),
                        ));
                    }
                }
            }
            // Accounts arrive sorted by id, so sorting each account's few findings by rule
            // gives the (account, rule) order of SPEC §11 without a global sort.
            own.sort_by_key(|f| f.rule);
            own
        })
        .collect();
    out.extend(per_account.into_iter().flatten());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_messages_can_be_masked() {
        let (plain, masked) = unmark("profit of \u{E000}-38,000\u{E001} in 2026-Q3");
        assert_eq!(plain, "profit of -38,000 in 2026-Q3");
        assert_eq!(masked.as_deref(), Some("profit of ••• in 2026-Q3"));
        assert_eq!(unmark("no money").1, None);
    }
}
