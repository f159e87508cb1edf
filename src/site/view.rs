//! View models: small, purpose-made, pre-formatted data for templates (Zola's lesson: list
//! pages get light summaries shared by reference, never the whole account).

use serde::Serialize;

use super::format::{self, Fmt};
use crate::analyse::{AccountAnalysis, Finding, Score};
use crate::model::Severity;

/// What every page knows.
#[derive(Clone, Debug, Serialize)]
pub struct Common {
    pub title: String,
    pub company: Option<String>,
    pub period: String,
    pub as_of: String,
    pub currency: String,
    pub incognito: bool,
    /// The baseline's name when the site compares against one (shows the Changes page).
    pub baseline: Option<String>,
    /// Printed pages' running header, as a CSS string (see `format::css_string`).
    pub print_header: String,
    /// The navigation: the pages always there, then those this build has (Changes with a
    /// baseline, Reviews and Trends with `--reviews`).
    pub nav: Vec<super::page::NavLink>,
    pub nav_more: Vec<super::page::NavLink>,
    /// In a review's site under `reviews/`, the review's tag: the page says it is an archive.
    pub review: Option<String>,
}

/// One account in a list (dashboard, accounts table, manager pages, whitespace).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub id: String,
    pub name: String,
    /// Relative to the site root.
    pub href: String,
    pub designation: &'static str,
    pub owner: String,
    pub owner_href: Option<String>,
    pub stage: &'static str,
    pub quadrant: &'static str,
    pub region: String,
    pub tags: Vec<String>,
    /// What the accounts table's search looks in: name, owner, region and tags, lower case.
    pub search: String,
    pub band: &'static str,
    /// "partial: no nps, satisfaction" when health lacks some of its components (SPEC §6).
    pub health_note: Option<String>,
    pub attractiveness: String,
    pub strength: String,
    pub health: String,
    pub revenue: String,
    pub revenue_ttm: String,
    pub growth: String,
    pub share: String,
    pub findings: usize,
    /// Worst severity among the account's findings, for the badge colour.
    pub worst: &'static str,
    pub sort: SortKeys,
}

/// Raw numbers for client-side sorting.
#[derive(Clone, Debug, Serialize)]
pub struct SortKeys {
    pub attractiveness: String,
    pub strength: String,
    pub health: String,
    pub revenue: String,
    pub growth: String,
}

pub use crate::slug::manager_slug;

pub fn summary(a: &AccountAnalysis<'_>, findings: &[&Finding], fmt: Fmt) -> Summary {
    let f = &a.account.front;
    let m = &a.metrics;
    let worst = findings.iter().map(|f| f.severity).min_by_key(|s| match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    });
    Summary {
        id: a.account.id.clone(),
        name: f.name.clone(),
        href: format!("accounts/{}/index.html", a.account.id),
        designation: f.designation.as_str(),
        owner: f.owner.clone().unwrap_or_else(|| format::DASH.into()),
        owner_href: f
            .owner
            .as_deref()
            .map(|o| format!("managers/{}/index.html", manager_slug(o))),
        stage: f.relationship.stage.map_or(format::DASH, |s| s.as_str()),
        quadrant: a.quadrant.map_or(format::DASH, |q| q.as_str()),
        region: f.region.clone().unwrap_or_else(|| format::DASH.into()),
        tags: f.tags.clone(),
        search: [
            f.name.as_str(),
            f.owner.as_deref().unwrap_or(""),
            f.region.as_deref().unwrap_or(""),
        ]
        .into_iter()
        .chain(f.tags.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase(),
        band: a.band.map_or("none", |b| b.as_str()),
        health_note: partial_note(&a.health),
        attractiveness: format::score(a.attractiveness.value),
        strength: format::score(a.strength.value),
        health: format::score(a.health.value),
        revenue: fmt.money(m.revenue),
        revenue_ttm: fmt.money(m.revenue_ttm),
        growth: format::signed_pct(m.growth_yoy_pct),
        share: format::pct(m.revenue_share_pct),
        findings: findings.len(),
        worst: worst.map_or("none", |s| s.as_str()),
        sort: SortKeys {
            attractiveness: format::key(a.attractiveness.value),
            strength: format::key(a.strength.value),
            health: format::key(a.health.value),
            revenue: if fmt.incognito {
                String::new()
            } else {
                format::key(m.revenue)
            },
            growth: format::key(m.growth_yoy_pct),
        },
    }
}

/// "partial: no nps, retention" for a partial score; `None` for a complete or unknown one.
pub fn partial_note(score: &Score<'_>) -> Option<String> {
    score.is_partial().then(|| {
        let missing: Vec<String> = score.missing().map(|m| m.replace('_', " ")).collect();
        format!("partial: no {}", missing.join(", "))
    })
}

/// A finding as pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct FindingView {
    pub rule: &'static str,
    pub severity: &'static str,
    pub account: Option<String>,
    pub account_name: Option<String>,
    pub account_href: Option<String>,
    pub manager: Option<String>,
    pub message: String,
    /// Link to the rule's explanation, relative to the site root.
    pub rule_href: String,
}

/// `incognito`: money amounts in the message are masked too.
pub fn finding(f: &Finding, name: Option<&str>, incognito: bool) -> FindingView {
    FindingView {
        rule: f.rule,
        severity: f.severity.as_str(),
        account: f.account.clone(),
        account_name: name.map(str::to_string),
        account_href: f
            .account
            .as_ref()
            .map(|id| format!("accounts/{id}/index.html")),
        manager: f.manager.clone(),
        message: match (&f.masked, incognito) {
            (Some(masked), true) => masked.clone(),
            _ => f.message.clone(),
        },
        rule_href: format!("findings/index.html#rule-{}", f.rule),
    }
}

/// `text` as HTML, escaped, with each `backticked` span as `<code>`: rule explanations name
/// configuration keys that way.
pub fn code_html(text: &str) -> String {
    let escaped = format::escape(text);
    let mut out = String::with_capacity(escaped.len() + 16);
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_become_code_and_text_is_escaped() {
        assert_eq!(
            code_html("at least `min_gap` <points>"),
            "at least <code>min_gap</code> &lt;points&gt;"
        );
    }
}

/// A count of findings of one severity, as a badge says it ("1 warning", "3 errors").
#[derive(Clone, Debug, Serialize)]
pub struct SeverityCount {
    pub severity: &'static str,
    pub text: String,
}

/// Errors, warnings and info, counted in words.
pub fn severity_counts(counts: &indexmap::IndexMap<String, usize>) -> Vec<SeverityCount> {
    [
        ("error", "error", "errors"),
        ("warning", "warning", "warnings"),
        ("info", "info", "info"),
    ]
    .into_iter()
    .map(|(severity, one, many)| {
        let n = counts.get(severity).copied().unwrap_or(0);
        SeverityCount {
            severity,
            text: format!("{n} {}", if n == 1 { one } else { many }),
        }
    })
    .collect()
}
