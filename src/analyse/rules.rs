//! The 22 finding rules (SPEC §7), each one value: id, default severity, tunable thresholds,
//! when it fires, why it matters — and its check. Configuration validation, the findings
//! engine, the findings page and `docs/scoring.md` all read this one table, so adding a rule
//! touches this file and the docs, and a rule id can never be misspelt in two places.

use std::collections::BTreeMap;

use super::shape::Shape;
use super::AccountAnalysis;
use crate::model::financial_field as field;
use crate::model::{
    Config, Date, Designation, InitiativeStatus, Quarter, RetentionRisk, Role, RuleOverride,
    Severity, Stage, YamlPath,
};
use crate::numfmt::{short as num, thousands};

/// What a rule looks at: one account, or the whole portfolio.
pub enum Check {
    /// Returns "what was found" when the rule fires for the account; `at` is the value the
    /// finding is about.
    Account {
        at: At,
        check: fn(&Context<'_>, &AccountAnalysis<'_>, &RuleSettings) -> Option<String>,
    },
    /// Returns every firing (a rule such as manager-over-capacity fires once per manager).
    Portfolio(fn(&Context<'_>, &[AccountAnalysis<'_>], &RuleSettings) -> Vec<Fired>),
}

/// One finding rule.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// Threshold names and their defaults, as set under `findings.<rule>` in kamsite.yaml.
    pub thresholds: &'static [(&'static str, f64)],
    /// When the rule fires, in words.
    pub trigger: &'static str,
    /// Why it matters, in one clause (appended to every message of the rule).
    pub why: &'static str,
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// Which value of an account file an account rule's finding is about (SPEC §19): where CI
/// annotates it, so a pull request shows the finding on the line that causes it.
#[derive(Clone, Copy)]
pub enum At {
    /// A value of the front matter, by its keys (its nearest ancestor when not written).
    Value(&'static [&'static str]),
    /// A key of the front matter: a list as a whole (`contacts:`).
    Key(&'static str),
    /// A field ([`field`]) of the review period's financials entry — its cell when the entry
    /// came from a source; `financials:` when the period has no entry.
    Period(usize),
    /// A value of an entry of a front-matter list: (list, index, key).
    Item(&'static str, usize, &'static str),
    /// An entry of a list deeper in the front matter: (the list's keys, index).
    Entry(&'static [&'static str], usize),
    /// Decided by the account (the first overdue action, say).
    By(fn(&Context<'_>, &AccountAnalysis<'_>) -> At),
}

/// A portfolio rule's firing, before the configured severity is applied.
pub struct Fired {
    /// The rule's default severity for this firing (key-account-count has two).
    pub severity: Severity,
    pub manager: Option<String>,
    pub found: String,
    /// The value of kamsite.yaml the firing is about; `findings.<rule>` when `None`.
    pub at: Option<YamlPath>,
}

/// What every check may read besides the account.
pub struct Context<'a> {
    pub config: &'a Config,
    pub period: Option<Quarter>,
    pub as_of: Date,
    /// The number of accounts in the portfolio.
    pub accounts: usize,
}

impl Context<'_> {
    /// The review period as messages name it.
    fn p(&self) -> String {
        self.period
            .map_or_else(|| "the review period".to_string(), |q| q.to_string())
    }
}

/// A rule's effective settings: the registry's defaults overlaid with kamsite.yaml, resolved
/// once per run. The findings page shows exactly these.
#[derive(Clone, Debug)]
pub struct RuleSettings {
    pub rule: &'static Rule,
    pub enabled: bool,
    /// The configured severity, replacing every default severity of the rule.
    pub severity: Option<Severity>,
    /// Every threshold of the rule with its effective value, in registry order.
    pub thresholds: Vec<(&'static str, f64)>,
}

impl RuleSettings {
    /// Resolves every rule against `findings:` of kamsite.yaml, in registry order.
    pub fn resolve(overrides: &BTreeMap<String, RuleOverride>) -> Vec<RuleSettings> {
        RULES
            .iter()
            .map(|rule| {
                let over = overrides.get(rule.id);
                RuleSettings {
                    rule,
                    enabled: over.and_then(|o| o.enabled).unwrap_or(true),
                    severity: over.and_then(|o| o.severity),
                    thresholds: rule
                        .thresholds
                        .iter()
                        .map(|&(k, v)| {
                            (
                                k,
                                over.and_then(|o| o.thresholds.get(k).copied()).unwrap_or(v),
                            )
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The effective value of threshold `key` (validation guarantees it exists).
    pub fn threshold(&self, key: &str) -> f64 {
        self.thresholds
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0.0, |(_, v)| *v)
    }

    /// The severity a firing gets: the configured one, else the firing's default.
    pub fn severity_for(&self, default: Severity) -> Severity {
        self.severity.unwrap_or(default)
    }

    /// How the findings page names the severity ("warning / error" for two defaults).
    pub fn severity_label(&self) -> &'static str {
        match self.severity {
            Some(s) => s.as_str(),
            None if self.rule.id == "key-account-count" => "warning / error",
            None => self.rule.severity.as_str(),
        }
    }
}

/// The settings of `id` among resolved settings.
pub fn settings<'s>(all: &'s [RuleSettings], id: &str) -> Option<&'s RuleSettings> {
    all.iter().find(|s| s.rule.id == id)
}

/// Around an amount of money in a rule's message (private-use characters no text holds), so
/// that a masked (`--incognito`) copy of the message can hide it; see `Finding::masked`.
pub const MONEY_START: char = '\u{E000}';
pub const MONEY_END: char = '\u{E001}';

/// An amount of money in a message, marked.
fn money(v: f64) -> String {
    format!("{MONEY_START}{}{MONEY_END}", thousands(v))
}

fn key(a: &AccountAnalysis<'_>) -> bool {
    a.account.front.designation == Designation::Key
}

fn is_senior(c: &crate::model::Contact) -> bool {
    matches!(c.role, Some(Role::DecisionMaker | Role::Sponsor))
}

/// The decision maker or sponsor met most recently up to as_of: (index, days before as_of).
fn latest_senior(ctx: &Context<'_>, a: &AccountAnalysis<'_>) -> Option<(usize, i64)> {
    a.account
        .front
        .contacts
        .iter()
        .enumerate()
        .filter(|(_, c)| is_senior(c))
        .filter_map(|(i, c)| {
            let d = c.last_contact.filter(|d| *d <= ctx.as_of)?;
            Some((i, ctx.as_of.days_since(d)))
        })
        .min_by_key(|(i, days)| (*days, *i))
}

fn plural(n: usize, word: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { word } else { many })
}

pub static RULES: &[Rule] = &[
    Rule {
        id: "unrecognised-potential",
        severity: Severity::Warning,
        thresholds: &[("min_attractiveness", 70.0)],
        trigger: "the account is not designated key and its attractiveness is at least `min_attractiveness`",
        why: "the accounts with the highest upside are often not the ones designated key",
        check: Check::Account {
            at: At::Value(&["designation"]),
            check: |_, a, s| {
                let (att, min) = (a.attractiveness.value?, s.threshold("min_attractiveness"));
                (!key(a) && att >= min).then(|| {
                    format!("designated {} but attractiveness is {} (≥ {})", a.account.front.designation, num(att), num(min))
                })
            },
        },
    },
    Rule {
        id: "key-account-count",
        severity: Severity::Warning,
        thresholds: &[],
        trigger: "the number of key accounts is outside guidelines.key_accounts [min, max] (warning) or [hard_min, hard_max] (error)",
        why: "too few key accounts concentrate risk, too many spread the KAM resources thin",
        check: Check::Portfolio(|ctx, accounts, _| {
            let n = accounts.iter().filter(|a| key(a)).count() as i64;
            let g = &ctx.config.guidelines.key_accounts;
            let (severity, (lo, hi)) = if n < g.hard_min || n > g.hard_max {
                (Severity::Error, (g.hard_min, g.hard_max))
            } else {
                (Severity::Warning, (g.min, g.max))
            };
            if (lo..=hi).contains(&n) {
                return Vec::new();
            }
            let side = if n < lo { "below" } else { "above" };
            vec![Fired { severity, manager: None, found: format!("{}, {side} the range of {lo} to {hi}", plural(n as usize, "key account", "key accounts")), at: None }]
        }),
    },
    Rule {
        id: "manager-over-capacity",
        severity: Severity::Warning,
        thresholds: &[],
        trigger: "a manager owns more key accounts than their capacity",
        why: "too many key accounts for the resources means none of them is managed well",
        check: Check::Portfolio(|ctx, accounts, _| {
            let mut load: BTreeMap<&str, i64> = BTreeMap::new();
            for a in accounts.iter().filter(|a| key(a)) {
                if let Some(owner) = a.account.front.owner.as_deref() {
                    *load.entry(owner).or_default() += 1;
                }
            }
            load.into_iter()
                .filter_map(|(manager, n)| {
                    let cap = ctx.config.capacity_of(manager);
                    (n > cap).then(|| Fired {
                        severity: Severity::Warning,
                        manager: Some(manager.to_string()),
                        found: format!("{manager} owns {}, capacity {cap}", plural(n as usize, "key account", "key accounts")),
                        // The manager's entry in kamsite.yaml, when they are listed.
                        at: ctx.config.managers.iter().position(|m| m.name == manager).map(|i| {
                            YamlPath::root().key("managers").index(i).key("capacity")
                        }),
                    })
                })
                .collect()
        }),
    },
    Rule {
        id: "transactional-relationship",
        severity: Severity::Warning,
        thresholds: &[],
        trigger: "a key account's relationship stage is exploratory or basic",
        why: "key relationships that stay transactional never become strategic partnerships",
        check: Check::Account {
            at: At::Value(&["relationship", "stage"]),
            check: |_, a, _| {
                let stage = a.account.front.relationship.stage?;
                (key(a) && matches!(stage, Stage::Exploratory | Stage::Basic))
                    .then(|| format!("key account whose relationship is still {stage}"))
            },
        },
    },
    Rule {
        id: "single-threaded",
        severity: Severity::Warning,
        thresholds: &[("min_contacts", 3.0), ("min_our_contacts", 2.0)],
        trigger: "a key account has fewer than `min_contacts` contacts, or fewer than `min_our_contacts` distinct people on our side holding them (the bow tie)",
        why: "a relationship that runs through one pair of people is lost when either of them leaves",
        // The shape is computed once, from these same thresholds, for the page's relationship map.
        check: Check::Account {
            at: At::Key("contacts"),
            check: |_, a, s| {
                let r = &a.relationship;
                (key(a) && r.shape == Shape::BowTie).then(|| {
                    format!(
                        "{} at the customer, held by {} on our side (need {} and {})",
                        plural(r.contacts, "contact", "contacts"),
                        plural(r.our_people, "person", "persons"),
                        num(s.threshold("min_contacts")),
                        num(s.threshold("min_our_contacts"))
                    )
                })
            },
        },
    },
    Rule {
        id: "discount-without-joint-value",
        severity: Severity::Warning,
        thresholds: &[("min_discount_pct", 5.0)],
        trigger: "the discount in the review period is at least `min_discount_pct` and no joint initiative is active or completed",
        why: "discounts given while joint value creation is missing buy volume, not partnership",
        check: Check::Account {
            at: At::Period(field::DISCOUNT_PCT),
            check: |ctx, a, s| {
                let d = a.metrics.discount_pct?;
                let joint = a.account.front.joint_initiatives.iter().any(|j| {
                    matches!(j.status, InitiativeStatus::Active | InitiativeStatus::Completed)
                });
                (d >= s.threshold("min_discount_pct") && !joint).then(|| {
                    format!("discount of {} % in {} with no active or completed joint initiative", num(d), ctx.p())
                })
            },
        },
    },
    Rule {
        id: "volume-only-selection",
        severity: Severity::Info,
        thresholds: &[],
        trigger: "a key account's attractiveness is below the matrix split while its revenue share is at least an average account's (100 / number of accounts)",
        why: "key accounts chosen on current volume alone miss the customers with future potential",
        check: Check::Account {
            at: At::Value(&["designation"]),
            check: |ctx, a, _| {
                let (share, att) = (a.metrics.revenue_share_pct?, a.attractiveness.value?);
                let split = ctx.config.scoring.matrix_split.attractiveness;
                let average = 100.0 / ctx.accounts as f64;
                (key(a) && att < split && share >= average).then(|| {
                    format!("key account with attractiveness {} (below the split of {}) but {} % of revenue (average account: {} %)", num(att), num(split), num(share), num(average))
                })
            },
        },
    },
    Rule {
        id: "concentration-risk",
        severity: Severity::Warning,
        thresholds: &[("max_share_pct", 10.0)],
        trigger: "the account holds at least `max_share_pct` percent of portfolio revenue (trailing twelve months)",
        why: "one customer with that much of the revenue is a major-customer risk",
        check: Check::Account {
            at: At::Period(field::REVENUE),
            check: |_, a, s| {
                let (share, max) = (a.metrics.revenue_share_pct?, s.threshold("max_share_pct"));
                (share >= max).then(|| {
                    format!("{} % of portfolio revenue over the last twelve months (≥ {} %)", num(share), num(max))
                })
            },
        },
    },
    Rule {
        id: "unprofitable",
        severity: Severity::Error,
        thresholds: &[],
        trigger: "profit (gross margin − cost to serve) in the review period is below zero",
        why: "key accounts can generate the greatest losses when the cost to serve is not managed",
        check: Check::Account {
            at: At::Period(field::PERIOD),
            check: |ctx, a, _| {
                let profit = a.metrics.profit?;
                (profit < 0.0).then(|| {
                    format!("profit of {} in {}: the cost to serve exceeds the gross margin", money(profit), ctx.p())
                })
            },
        },
    },
    Rule {
        id: "profitability-unmeasured",
        severity: Severity::Info,
        thresholds: &[],
        trigger: "a key account has no gross_margin or no cost_to_serve for the review period",
        why: "customer profitability is rarely measured, so losses stay hidden",
        check: Check::Account {
            at: At::Period(field::PERIOD),
            check: |ctx, a, _| {
                let q = ctx.period.and_then(|q| super::metrics::quarter(a.account, q));
                let missing: Vec<&str> = [
                    ("gross_margin", q.and_then(|q| q.gross_margin)),
                    ("cost_to_serve", q.and_then(|q| q.cost_to_serve)),
                ]
                .into_iter()
                .filter(|(_, v)| v.is_none())
                .map(|(k, _)| k)
                .collect();
                (key(a) && !missing.is_empty()).then(|| format!("no {} for {}", missing.join(" or "), ctx.p()))
            },
        },
    },
    Rule {
        id: "perception-gap",
        severity: Severity::Warning,
        thresholds: &[("min_gap", 2.0)],
        trigger: "our rating and the customer's rating of the relationship differ by at least `min_gap` points",
        why: "suppliers and customers often perceive the relationship differently",
        check: Check::Account {
            at: At::Value(&["relationship", "rating"]),
            check: |_, a, s| {
                let r = a.account.front.relationship.rating?;
                ((r.ours - r.theirs).abs() as f64 >= s.threshold("min_gap")).then(|| {
                    format!("we rate the relationship {} of 5, the customer {} of 5", r.ours, r.theirs)
                })
            },
        },
    },
    Rule {
        id: "short-horizon",
        severity: Severity::Warning,
        thresholds: &[("min_months", 12.0)],
        trigger: "a key account plan has no horizon_months or one shorter than `min_months`",
        why: "key account plans look one to three years ahead; shorter plans are sales plans",
        check: Check::Account {
            at: At::Value(&["plan", "horizon_months"]),
            check: |_, a, s| {
                let min = s.threshold("min_months");
                match a.account.front.plan.horizon_months {
                    None if key(a) => Some("the plan has no horizon_months".to_string()),
                    Some(h) if key(a) && (h as f64) < min => {
                        Some(format!("the plan looks {h} months ahead (< {})", num(min)))
                    }
                    _ => None,
                }
            },
        },
    },
    Rule {
        id: "no-sponsor",
        severity: Severity::Info,
        thresholds: &[],
        trigger: "a key account has no executive sponsor",
        why: "key account management needs visible leadership support",
        check: Check::Account {
            at: At::Value(&["sponsor"]),
            check: |_, a, _| {
                (key(a) && a.account.front.sponsor.as_deref().is_none_or(|s| s.trim().is_empty()))
                    .then(|| "key account without an executive sponsor".to_string())
            },
        },
    },
    Rule {
        id: "no-account-team",
        severity: Severity::Info,
        thresholds: &[],
        trigger: "a key account has no cross-functional team",
        why: "key accounts are served by a cross-functional team, not by a salesperson alone",
        check: Check::Account {
            at: At::Value(&["team"]),
            check: |_, a, _| {
                (key(a) && a.account.front.team.is_empty())
                    .then(|| "key account without an account team".to_string())
            },
        },
    },
    Rule {
        id: "stale-plan",
        severity: Severity::Warning,
        thresholds: &[("max_age_days", 120.0)],
        trigger: "a key account plan has no plan.last_reviewed, or was last reviewed more than `max_age_days` days before as_of",
        why: "a plan that nobody reviews no longer steers the account",
        check: Check::Account {
            at: At::Value(&["plan", "last_reviewed"]),
            check: |_, a, s| {
                let max = s.threshold("max_age_days");
                match (a.account.front.plan.last_reviewed, a.metrics.plan_age_days) {
                    (None, _) if key(a) => Some("the plan has no plan.last_reviewed date".to_string()),
                    (Some(d), Some(age)) if key(a) && (age as f64) > max => {
                        Some(format!("last reviewed on {d}, {age} days ago (> {})", num(max)))
                    }
                    _ => None,
                }
            },
        },
    },
    Rule {
        id: "overdue-actions",
        severity: Severity::Warning,
        thresholds: &[],
        trigger: "the account has open or blocked actions whose due date is before as_of",
        why: "overdue actions show the plan is not being executed",
        check: Check::Account {
            at: At::By(|_, a| {
                let first = a.overdue.iter().position(|o| *o).unwrap_or(0);
                At::Item("actions", first, "due")
            }),
            check: |_, a, _| {
                let n = a.metrics.overdue_actions as usize;
                (n > 0).then(|| format!("{} past due", plural(n, "open or blocked action", "open or blocked actions")))
            },
        },
    },
    Rule {
        id: "declining-revenue",
        severity: Severity::Warning,
        thresholds: &[("max_decline_pct", 10.0)],
        trigger: "revenue fell by `max_decline_pct` percent or more against the same quarter a year before",
        why: "falling revenue at a key customer is the first sign of a retention problem",
        check: Check::Account {
            at: At::Period(field::REVENUE),
            check: |_, a, s| {
                let g = a.metrics.growth_yoy_pct?;
                (g <= -s.threshold("max_decline_pct"))
                    .then(|| format!("revenue {} % against the same quarter a year before", num(g)))
            },
        },
    },
    Rule {
        id: "retention-risk",
        severity: Severity::Error,
        thresholds: &[],
        trigger: "health.retention_risk is high, or the relationship stage is disintegrating",
        why: "losing a key customer has a disproportionate impact on the business",
        check: Check::Account {
            at: At::By(|_, a| match a.account.front.health.retention_risk {
                Some(RetentionRisk::High) => At::Value(&["health", "retention_risk"]),
                _ => At::Value(&["relationship", "stage"]),
            }),
            check: |_, a, _| {
                let f = &a.account.front;
                let high = f.health.retention_risk == Some(RetentionRisk::High);
                let dis = f.relationship.stage == Some(Stage::Disintegrating);
                match (high, dis) {
                    (true, true) => Some("retention risk is high and the relationship is disintegrating".to_string()),
                    (true, false) => Some("retention risk is high".to_string()),
                    (false, true) => Some("the relationship is disintegrating".to_string()),
                    _ => None,
                }
            },
        },
    },
    Rule {
        id: "objective-off-track",
        severity: Severity::Warning,
        thresholds: &[],
        trigger: "a measured objective is `behind` (its progress trails the time elapsed by more than `objectives.tolerance_pts`) or `missed` (its date has passed)",
        why: "key account plans run over one to three years and are judged by whether they deliver",
        check: Check::Account {
            at: At::By(|_, a| {
                let first = a
                    .objectives
                    .iter()
                    .position(|o| o.measured.as_ref().is_some_and(|m| m.status.is_off_track()))
                    .unwrap_or(0);
                At::Entry(&["plan", "objectives"], first)
            }),
            check: |_, a, _| {
                let off: Vec<String> = a
                    .objectives
                    .iter()
                    .filter_map(|o| {
                        let m = o.measured.as_ref()?;
                        m.status.is_off_track().then(|| {
                            format!(
                                "“{}” is {} ({} of the way, {} of the time gone)",
                                o.name,
                                m.status.as_str().replace('_', " "),
                                m.progress_pct.map_or_else(|| "—".to_string(), crate::numfmt::whole_pct),
                                crate::numfmt::whole_pct(m.elapsed_pct)
                            )
                        })
                    })
                    .collect();
                (!off.is_empty()).then(|| off.join("; "))
            },
        },
    },
    Rule {
        id: "no-measured-objective",
        severity: Severity::Info,
        thresholds: &[],
        trigger: "a key account plan has no objective with a `measure`",
        why: "a plan is judged by what it achieves, and only a measured objective shows it",
        check: Check::Account {
            at: At::Value(&["plan", "objectives"]),
            check: |_, a, _| {
                let measured = a.objectives.iter().any(|o| o.measured.is_some());
                (key(a) && !measured).then(|| "the plan has no measured objective".to_string())
            },
        },
    },
    Rule {
        id: "stale-contact",
        severity: Severity::Warning,
        thresholds: &[("max_days", 90.0)],
        trigger: "a key account has no decision maker or sponsor at the customer whose `last_contact` is within `max_days` days of as_of (including none listed)",
        why: "relationships that are not nurtured become transactional, and a key account is lost with its decision makers",
        check: Check::Account {
            // The latest meeting with a decision maker or sponsor, else the list.
            at: At::By(|ctx, a| match latest_senior(ctx, a) {
                Some((i, _)) => At::Item("contacts", i, "last_contact"),
                None => At::Key("contacts"),
            }),
            check: |ctx, a, s| {
                if !key(a) {
                    return None;
                }
                let max = s.threshold("max_days");
                let senior = a
                    .account
                    .front
                    .contacts
                    .iter()
                    .filter(|c| is_senior(c))
                    .count();
                match latest_senior(ctx, a) {
                    Some((_, days)) if days as f64 <= max => None,
                    Some((i, days)) => {
                        let c = &a.account.front.contacts[i];
                        Some(format!(
                            "the latest meeting with a decision maker or sponsor was with {} ({}) on {}, {days} days before as_of (> {})",
                            c.name,
                            c.role.map_or("", |r| r.as_str()).replace('_', " "),
                            c.last_contact.map(|d| d.to_string()).unwrap_or_default(),
                            num(max)
                        ))
                    }
                    None if senior == 0 => {
                        Some("no decision maker or sponsor at the customer is listed".to_string())
                    }
                    None if senior == 1 => {
                        let c = a.account.front.contacts.iter().find(|c| is_senior(c))?;
                        Some(format!(
                            "{} ({}) has no last_contact on or before as_of",
                            c.name,
                            c.role.map_or("", |r| r.as_str()).replace('_', " ")
                        ))
                    }
                    None => Some(format!(
                        "none of the {senior} decision makers and sponsors has a last_contact on or before as_of"
                    )),
                }
            },
        },
    },
    Rule {
        id: "missing-data",
        severity: Severity::Info,
        thresholds: &[],
        trigger: "the account has no financials for the review period, or its attractiveness, strength or health cannot be scored",
        why: "without the numbers the account cannot be placed or compared",
        check: Check::Account {
            // The first gap the message names.
            at: At::By(|ctx, a| {
                if ctx.period.and_then(|q| super::metrics::quarter(a.account, q)).is_none() {
                    At::Key("financials")
                } else if a.attractiveness.value.is_none() {
                    At::Key("attractiveness")
                } else if a.strength.value.is_none() {
                    At::Key("strength")
                } else {
                    At::Key("health")
                }
            }),
            check: |ctx, a, _| {
                let mut gaps = Vec::new();
                if ctx.period.and_then(|q| super::metrics::quarter(a.account, q)).is_none() {
                    gaps.push(format!("no financials for {}", ctx.p()));
                }
                if a.attractiveness.value.is_none() {
                    gaps.push("no attractiveness criteria".to_string());
                }
                if a.strength.value.is_none() {
                    gaps.push("no strength criteria".to_string());
                }
                if a.health.value.is_none() {
                    gaps.push(format!(
                        "health cannot be scored ({} % of its weights have inputs, below the minimum of {} %)",
                        num(a.health_coverage_pct),
                        num(ctx.config.scoring.health_min_coverage_pct)
                    ));
                }
                (!gaps.is_empty()).then(|| gaps.join(", "))
            },
        },
    },
];

/// Every rule's id and thresholds, for validating `findings:` in kamsite.yaml.
pub fn catalogue() -> Vec<crate::model::RuleName> {
    RULES
        .iter()
        .map(|r| crate::model::RuleName {
            id: r.id,
            thresholds: r.thresholds,
        })
        .collect()
}

/// The registry entry of `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_two_distinct_rules() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 22);
    }

    #[test]
    fn overrides_replace_defaults_and_keep_the_rest() {
        let mut over = BTreeMap::new();
        over.insert(
            "single-threaded".to_string(),
            RuleOverride {
                enabled: None,
                severity: Some(Severity::Error),
                thresholds: [("min_contacts".to_string(), 4.0)].into_iter().collect(),
            },
        );
        let all = RuleSettings::resolve(&over);
        let s = settings(&all, "single-threaded").expect("rule exists");
        assert_eq!(
            s.thresholds,
            vec![("min_contacts", 4.0), ("min_our_contacts", 2.0)]
        );
        assert_eq!(s.severity_for(Severity::Warning), Severity::Error);
        assert_eq!(
            settings(&all, "key-account-count").map(RuleSettings::severity_label),
            Some("warning / error")
        );
    }
}
