//! Formulas of SPEC §5–§8 against hand-computed expectations, and every finding rule just at and
//! just below its threshold.
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

use kamsite::analyse::{analyse, latest_period, Analysis, Band, Quadrant};
use kamsite::load::parse_account;
use kamsite::model::{Config, Date, Portfolio};

const AS_OF: &str = "2026-10-05";

fn portfolio(config: &str, fronts: &[&str]) -> Portfolio {
    let config: Config = if config.is_empty() {
        Config::default()
    } else {
        serde_saphyr::from_str(config).expect("config")
    };
    let accounts = fronts
        .iter()
        .enumerate()
        .map(|(i, fm)| {
            let rel = format!("accounts/a{i}.md");
            parse_account(&rel, &rel, format!("---\n{fm}\n---\n").into_bytes()).expect("account")
        })
        .collect();
    Portfolio {
        config,
        accounts,
        overview: None,
    }
}

fn run(p: &Portfolio) -> Analysis<'_> {
    analyse(
        p,
        latest_period(p, None),
        AS_OF.parse::<Date>().expect("date"),
    )
}

fn close(a: Option<f64>, b: f64) {
    let a = a.unwrap_or(f64::NAN);
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

const FIN: &str = "name: A\ndesignation: other\nfinancials:
  - { period: 2025-Q3, revenue: 1000 }
  - { period: 2026-Q2, revenue: 1000 }
  - { period: 2026-Q3, revenue: 1100, gross_margin: 440, cost_to_serve: 110, category_spend: 4400, discount_pct: 6 }";

#[test]
fn period_metrics_by_hand() {
    let p = portfolio("", &[FIN]);
    let a = run(&p);
    let m = &a.accounts[0].metrics;
    assert_eq!(a.period.unwrap().to_string(), "2026-Q3");
    close(m.revenue, 1100.0);
    close(m.revenue_ttm, 2100.0); // 2025-Q4..2026-Q3 present: Q2 + Q3; 2025-Q3 is outside
    close(m.growth_qoq_pct, 10.0);
    close(m.growth_yoy_pct, 10.0);
    close(m.margin_pct, 40.0);
    close(m.profit, 330.0);
    close(m.profit_pct, 30.0);
    close(m.cost_to_serve_pct, 10.0);
    close(m.share_of_wallet_pct, 25.0);
    close(m.discount_pct, 6.0);
    close(m.revenue_share_pct, 100.0);
}

#[test]
fn missing_inputs_and_zero_denominators_are_null() {
    let p = portfolio("", &["name: A\ndesignation: other\nfinancials:\n  - { period: 2026-Q2, revenue: 0 }\n  - { period: 2026-Q3, revenue: 0, category_spend: 0 }"]);
    let a = run(&p);
    let m = &a.accounts[0].metrics;
    assert_eq!(m.revenue, Some(0.0));
    for v in [
        m.growth_qoq_pct,
        m.growth_yoy_pct,
        m.margin_pct,
        m.profit,
        m.profit_pct,
        m.cost_to_serve_pct,
        m.share_of_wallet_pct,
        m.discount_pct,
        m.revenue_share_pct,
    ] {
        assert_eq!(v, None);
    }
}

#[test]
fn a_quarter_missing_in_the_middle_and_year_boundaries() {
    // P = 2026-Q1; P−1 = 2025-Q4 is missing, P−2 present, P−4 = 2025-Q1 present.
    let p = portfolio("", &["name: A\ndesignation: other\nfinancials:\n  - { period: 2025-Q1, revenue: 200 }\n  - { period: 2025-Q3, revenue: 100 }\n  - { period: 2026-Q1, revenue: 300 }"]);
    let a = run(&p);
    let m = &a.accounts[0].metrics;
    assert_eq!(m.growth_qoq_pct, None);
    close(m.growth_yoy_pct, 50.0);
    close(m.revenue_ttm, 400.0); // 2025-Q2..2026-Q1 present: Q3 + Q1
    let p = portfolio("", &["name: A\ndesignation: other\nfinancials:\n  - { period: 2025-Q4, revenue: 100 }\n  - { period: 2026-Q1, revenue: 125 }"]);
    close(run(&p).accounts[0].metrics.growth_qoq_pct, 25.0);
}

#[test]
fn no_financials_for_the_period() {
    let p = portfolio("period: 2026-Q4", &[FIN]);
    let a = analyse(&p, p.config.period, AS_OF.parse().unwrap());
    let m = &a.accounts[0].metrics;
    assert_eq!((m.revenue, m.profit), (None, None));
    close(m.revenue_ttm, 2100.0); // 2026-Q1..Q4: Q2 and Q3 present
}

#[test]
fn pipeline_overdue_actions_and_plan_age() {
    let p = portfolio(
        "",
        &[
            "name: A\ndesignation: other\nplan: { last_reviewed: 2026-09-30 }
opportunities:
  - { name: a, value: 1000, stage: proposal }
  - { name: b, value: 100, stage: qualified, probability: 10 }
  - { name: c, value: 500, stage: won }
  - { name: d, value: 200, stage: lost }
actions:
  - { action: a, due: 2026-10-04 }
  - { action: b, due: 2026-01-01, status: blocked }
  - { action: c, due: 2026-01-01, status: done }
  - { action: d, due: 2026-10-05 }
  - { action: e }",
        ],
    );
    let a = run(&p);
    let m = &a.accounts[0].metrics;
    assert_eq!(m.pipeline, 1100.0);
    assert_eq!(m.weighted_pipeline, 510.0); // 1000·50% (proposal default) + 100·10%
    assert_eq!(m.overdue_actions, 2); // due before as_of, open or blocked; due == as_of is not late
    assert_eq!(m.plan_age_days, Some(5));
}

#[test]
fn revenue_share_over_the_portfolio() {
    let p = portfolio(
        "",
        &[
            "name: A\ndesignation: other\nfinancials: [{ period: 2026-Q3, revenue: 300 }]",
            "name: B\ndesignation: other\nfinancials: [{ period: 2026-Q3, revenue: 100 }]",
            "name: C\ndesignation: other",
        ],
    );
    let a = run(&p);
    close(a.accounts[0].metrics.revenue_share_pct, 75.0);
    close(a.accounts[1].metrics.revenue_share_pct, 25.0);
    assert_eq!(a.accounts[2].metrics.revenue_share_pct, None);
    close(a.portfolio.hhi, 75.0 * 75.0 + 25.0 * 25.0);
    close(a.portfolio.top20_share_pct, 75.0); // ⌈0.2·3⌉ = 1 account
}

#[test]
fn attractiveness_is_a_weighted_mean_over_present_criteria() {
    // default weights: profitability 2, revenue_potential 3 → 100·(2·1 + 3·0)/5 = 40
    let p = portfolio("", &["name: A\ndesignation: other\nattractiveness: { profitability: 5, revenue_potential: 1 }"]);
    close(run(&p).accounts[0].attractiveness.value, 40.0);
}

#[test]
fn custom_criteria_and_zero_weights() {
    let p = portfolio(
        "scoring:\n  attractiveness: { reach: 1, fit: 0 }\n  strength: { speed: 2 }",
        &["name: A\ndesignation: other\nattractiveness: { reach: 3, fit: 5 }\nstrength: { speed: 4.5 }"],
    );
    let a = run(&p);
    close(a.accounts[0].attractiveness.value, 50.0); // fit has weight 0 and is dropped
    close(a.accounts[0].strength.value, 87.5);
}

#[test]
fn no_criteria_no_score_no_quadrant() {
    let p = portfolio(
        "",
        &["name: A\ndesignation: other\nstrength: { service: 5 }"],
    );
    let a = run(&p);
    assert_eq!(a.accounts[0].attractiveness.value, None);
    assert_eq!(a.accounts[0].quadrant, None);
}

#[test]
fn a_score_equal_to_the_split_counts_as_high() {
    let q = |att: &str, st: &str| {
        let p = portfolio("", &[&format!("name: A\ndesignation: other\nattractiveness: {{ profitability: {att} }}\nstrength: {{ offer_fit: {st} }}")]);
        run(&p).accounts[0].quadrant
    };
    assert_eq!(q("3", "3"), Some(Quadrant::Strategic)); // 50 and 50
    assert_eq!(q("3", "2.99"), Some(Quadrant::Star));
    assert_eq!(q("2.99", "3"), Some(Quadrant::Status));
    assert_eq!(q("2.99", "2.99"), Some(Quadrant::Streamline));
}

#[test]
fn health_components_by_hand() {
    let p = portfolio("", &[&format!("{FIN}\nhealth: {{ satisfaction: 7.5, nps: 32, retention_risk: low }}\nrelationship: {{ stage: cooperative }}")]);
    let a = run(&p);
    let h = &a.accounts[0].health;
    let scores: Vec<Option<f64>> = h.components.iter().map(|c| c.score).collect();
    // growth 10 → 75; profit_pct 30 → 100; share of wallet 25; CSAT 7.5 → 75; NPS 32 → 66;
    // low risk → 100; cooperative → 60
    assert_eq!(
        scores,
        [
            Some(75.0),
            Some(100.0),
            Some(25.0),
            Some(75.0),
            Some(66.0),
            Some(100.0),
            Some(60.0)
        ]
    );
    close(h.value, 501.0 / 7.0);
    assert_eq!(a.accounts[0].band, Some(Band::Amber));
}

#[test]
fn health_clamps_and_weights() {
    let p = portfolio(
        "scoring:\n  health: { nps: 0, satisfaction: 3 }",
        &["name: A\ndesignation: other\nfinancials:\n  - { period: 2025-Q3, revenue: 1000 }\n  - { period: 2026-Q3, revenue: 100, gross_margin: 90, cost_to_serve: 0 }\nhealth: { satisfaction: 10, nps: -100 }"],
    );
    let h = &run(&p).accounts[0].health;
    // growth −90 % clamps to 0; profit 90 % clamps to 100; SoW missing; CSAT 100 (weight 3); NPS weight 0
    close(h.value, (0.0 + 100.0 + 3.0 * 100.0) / 5.0);
}

#[test]
fn bands() {
    assert_eq!(Band::of(49.999), Band::Red);
    assert_eq!(Band::of(50.0), Band::Amber);
    assert_eq!(Band::of(74.999), Band::Amber);
    assert_eq!(Band::of(75.0), Band::Green);
}

#[test]
fn aggregates_growth_and_margin_use_accounts_that_report_both() {
    let p = portfolio("", &[
        "name: A\ndesignation: key\nowner: X\nfinancials:\n  - { period: 2025-Q3, revenue: 100 }\n  - { period: 2026-Q3, revenue: 150, gross_margin: 30 }",
        "name: B\ndesignation: candidate\nfinancials:\n  - { period: 2026-Q3, revenue: 50 }",
    ]);
    let a = run(&p);
    let g = &a.portfolio;
    assert_eq!((g.accounts, g.key_accounts, g.candidates), (2, 1, 1));
    close(g.revenue, 200.0);
    close(g.growth_yoy_pct, 50.0); // only A has both P and P−4
    close(g.margin_pct, 20.0); // only A reports gross margin: 30 / 150
    close(g.key_revenue_share_pct, 75.0);
    assert_eq!(g.managers[0].name, "X");
    assert_eq!(g.managers[0].capacity, 5);
}

/// Whether `rule` fired for the single account of a portfolio built from `front`.
fn fires(config: &str, front: &str, rule: &str) -> bool {
    let p = portfolio(config, &[front]);
    let fired = run(&p)
        .findings
        .iter()
        .any(|f| f.rule == rule && f.account.as_deref() == Some("a0"));
    fired
}

const KEY: &str = "name: A\ndesignation: key\nowner: Dana";

#[test]
fn every_account_rule_fires_at_its_threshold_and_not_below() {
    let fin = |extra: &str| {
        format!("{KEY}\nfinancials:\n  - {{ period: 2025-Q3, revenue: 100 }}\n  - {{ period: 2026-Q3, {extra} }}")
    };
    #[rustfmt::skip]
    let cases: Vec<(&str, String, String)> = vec![
        // unrecognised-potential: A = 70 exactly (criterion 3.8 → 70) vs 3.79
        ("unrecognised-potential", "name: A\ndesignation: candidate\nattractiveness: { profitability: 3.8 }".into(),
                                   "name: A\ndesignation: candidate\nattractiveness: { profitability: 3.79 }".into()),
        ("transactional-relationship", format!("{KEY}\nrelationship: {{ stage: basic }}"), format!("{KEY}\nrelationship: {{ stage: cooperative }}")),
        ("single-threaded",
            format!("{KEY}\ncontacts:\n  - {{ name: a, our_contact: X }}\n  - {{ name: b, our_contact: Y }}"),
            format!("{KEY}\ncontacts:\n  - {{ name: a, our_contact: X }}\n  - {{ name: b, our_contact: Y }}\n  - {{ name: c, our_contact: X }}")),
        ("discount-without-joint-value", fin("revenue: 100, discount_pct: 5"), fin("revenue: 100, discount_pct: 4.99")),
        ("concentration-risk", fin("revenue: 100"), "name: A\ndesignation: other".into()),
        ("unprofitable", fin("revenue: 100, gross_margin: 10, cost_to_serve: 10.01"), fin("revenue: 100, gross_margin: 10, cost_to_serve: 10")),
        ("profitability-unmeasured", fin("revenue: 100, gross_margin: 10"), fin("revenue: 100, gross_margin: 10, cost_to_serve: 1")),
        ("perception-gap", format!("{KEY}\nrelationship: {{ rating: {{ ours: 5, theirs: 3 }} }}"), format!("{KEY}\nrelationship: {{ rating: {{ ours: 5, theirs: 4 }} }}")),
        ("short-horizon", format!("{KEY}\nplan: {{ horizon_months: 11 }}"), format!("{KEY}\nplan: {{ horizon_months: 12 }}")),
        ("no-sponsor", KEY.into(), format!("{KEY}\nsponsor: Maria")),
        ("no-account-team", KEY.into(), format!("{KEY}\nteam: [{{ name: Lee }}]")),
        ("stale-plan", format!("{KEY}\nplan: {{ last_reviewed: 2026-06-06 }}"), format!("{KEY}\nplan: {{ last_reviewed: 2026-06-07 }}")), // 121 vs 120 days
        ("overdue-actions", format!("{KEY}\nactions: [{{ action: a, due: 2026-10-04 }}]"), format!("{KEY}\nactions: [{{ action: a, due: 2026-10-05 }}]")),
        ("declining-revenue", fin("revenue: 90"), fin("revenue: 90.01")),
        ("retention-risk", format!("{KEY}\nhealth: {{ retention_risk: high }}"), format!("{KEY}\nhealth: {{ retention_risk: medium }}")),
        ("missing-data", KEY.into(), format!("{}\nattractiveness: {{ size: 3 }}\nstrength: {{ price: 3 }}\nhealth: {{ satisfaction: 7, nps: 10, retention_risk: low }}\nrelationship: {{ stage: basic }}", fin("revenue: 100"))),
        // v1.1: health with 3 of 7 components (43 % < 50 %) is null, and missing-data says so;
        // with 4 of 7 (57 %) it is scored.
        // (growth, satisfaction and nps present: 3 of 7; with the stage: 4 of 7)
        ("missing-data", format!("{}\nattractiveness: {{ size: 3 }}\nstrength: {{ price: 3 }}\nhealth: {{ satisfaction: 7, nps: 10 }}", fin("revenue: 100")),
                         format!("{}\nattractiveness: {{ size: 3 }}\nstrength: {{ price: 3 }}\nhealth: {{ satisfaction: 7, nps: 10 }}\nrelationship: {{ stage: basic }}", fin("revenue: 100"))),
    ];
    for (rule, yes, no) in cases {
        assert!(fires("", &yes, rule), "{rule} should fire on:\n{yes}");
        assert!(!fires("", &no, rule), "{rule} should not fire on:\n{no}");
    }
}

#[test]
fn retention_risk_also_fires_on_a_disintegrating_relationship() {
    assert!(fires(
        "",
        &format!("{KEY}\nrelationship: {{ stage: disintegrating }}"),
        "retention-risk"
    ));
}

#[test]
fn volume_only_selection_at_the_average_share() {
    let acct = |des: &str, att: &str, rev: u32| {
        format!("name: A\ndesignation: {des}\nowner: D\nattractiveness: {{ profitability: {att} }}\nfinancials: [{{ period: 2026-Q3, revenue: {rev} }}]")
    };
    // Two accounts: average share 50 %. a0 holds exactly 50 % with A = 25 (< split 50).
    let p = portfolio("", &[&acct("key", "2", 100), &acct("other", "2", 100)]);
    assert!(run(&p)
        .findings
        .iter()
        .any(|f| f.rule == "volume-only-selection" && f.account.as_deref() == Some("a0")));
    let p = portfolio("", &[&acct("key", "3", 100), &acct("other", "2", 100)]); // A = 50: at the split
    assert!(!run(&p)
        .findings
        .iter()
        .any(|f| f.rule == "volume-only-selection"));
    let p = portfolio("", &[&acct("key", "2", 99), &acct("other", "2", 101)]); // below average share
    assert!(!run(&p)
        .findings
        .iter()
        .any(|f| f.rule == "volume-only-selection"));
}

#[test]
fn key_account_count_warning_and_error_bands() {
    let keys = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("name: K{i}\ndesignation: key\nowner: O{i}"))
            .collect()
    };
    let severity = |config: &str, n: usize| {
        let k = keys(n);
        let refs: Vec<&str> = k.iter().map(String::as_str).collect();
        let p = portfolio(config, &refs);
        run(&p)
            .findings
            .iter()
            .find(|f| f.rule == "key-account-count")
            .map(|f| f.severity.as_str())
    };
    let g = "guidelines:\n  key_accounts: { min: 3, max: 4, hard_min: 2, hard_max: 5 }";
    assert_eq!(severity(g, 1), Some("error"));
    assert_eq!(severity(g, 2), Some("warning"));
    assert_eq!(severity(g, 3), None);
    assert_eq!(severity(g, 4), None);
    assert_eq!(severity(g, 5), Some("warning"));
    assert_eq!(severity(g, 6), Some("error"));
    // A severity override replaces both defaults.
    let info = format!("{g}\nfindings:\n  key-account-count: {{ severity: info }}");
    assert_eq!(severity(&info, 1), Some("info"));
}

#[test]
fn manager_over_capacity_names_the_manager() {
    let p = portfolio(
        "managers: [{ name: Dana, capacity: 1 }]\nfindings: { key-account-count: { enabled: false } }",
        &["name: A\ndesignation: key\nowner: Dana", "name: B\ndesignation: key\nowner: Dana", "name: C\ndesignation: key\nowner: Lee"],
    );
    let a = run(&p);
    let f: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.rule == "manager-over-capacity")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].manager.as_deref(), f[0].account.as_deref()),
        (Some("Dana"), None)
    );
    assert!(f[0]
        .message
        .starts_with("Dana owns 2 key accounts, capacity 1"));
}

#[test]
fn rules_can_be_disabled_regraded_and_retuned() {
    let front = format!("{KEY}\nplan: {{ last_reviewed: 2026-08-01 }}"); // 65 days old
    assert!(!fires("", &front, "stale-plan"));
    assert!(fires(
        "findings: { stale-plan: { max_age_days: 60 } }",
        &front,
        "stale-plan"
    ));
    assert!(!fires(
        "findings: { no-sponsor: { enabled: false } }",
        KEY,
        "no-sponsor"
    ));
    let p = portfolio("findings: { no-sponsor: { severity: error } }", &[KEY]);
    let a = run(&p);
    assert_eq!(
        a.findings
            .iter()
            .find(|f| f.rule == "no-sponsor")
            .map(|f| f.severity.as_str()),
        Some("error")
    );
}

#[test]
fn findings_are_sorted_portfolio_first_then_by_account_and_rule() {
    let p = portfolio("", &[KEY, KEY]);
    let a = run(&p);
    let keys: Vec<(Option<&str>, &str)> = a
        .findings
        .iter()
        .map(|f| (f.account.as_deref(), f.rule))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys[0], (None, "key-account-count"));
}

#[test]
fn docs_list_every_rule_with_its_thresholds() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scoring.md"))
        .expect("docs/scoring.md");
    for rule in kamsite::analyse::rules::RULES {
        assert!(
            doc.contains(&format!("| `{}` |", rule.id)),
            "{} missing from docs/scoring.md",
            rule.id
        );
        for (key, default) in rule.thresholds {
            assert!(
                doc.contains(&format!("`{key}`: {default}")),
                "{key} of {} missing",
                rule.id
            );
        }
    }
}

/// The relationship map and the single-threaded rule read one shape from the same thresholds:
/// with `min_contacts: 4`, three contacts held by two people is a bow tie for both.
#[test]
fn relationship_shape_follows_the_configured_single_threaded_thresholds() {
    const THREE: &str = "name: A\ndesignation: key\nowner: Dana\ncontacts:
  - { name: a, our_contact: X }
  - { name: b, our_contact: Y }
  - { name: c, our_contact: X }";
    let default = portfolio("", &[THREE]);
    let a = run(&default);
    assert_eq!(
        a.accounts[0].relationship.shape,
        kamsite::analyse::Shape::Diamond
    );
    assert!(!a.findings.iter().any(|f| f.rule == "single-threaded"));

    let strict = portfolio(
        "findings:\n  single-threaded: { min_contacts: 4 }",
        &[THREE],
    );
    let a = run(&strict);
    let r = &a.accounts[0].relationship;
    assert_eq!(
        (r.contacts, r.our_people, r.shape),
        (3, 2, kamsite::analyse::Shape::BowTie)
    );
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "single-threaded")
        .unwrap();
    assert!(
        f.message.starts_with(
            "3 contacts at the customer, held by 2 persons on our side (need 4 and 2)"
        ),
        "{}",
        f.message
    );
}

/// SPEC §8 v1.1: changes against P−1 compare the same accounts. A has 100 → 110, B has 50 in
/// P−1 only, C has 200 in P only: like-for-like growth is over A alone, +10 %, not
/// (310 − 150) / 150; two accounts are left out and one has no data for P.
#[test]
fn like_for_like_changes_leave_out_accounts_without_both_quarters() {
    let p = portfolio(
        "",
        &[
            "name: A\ndesignation: other\nfinancials:\n  - { period: 2026-Q2, revenue: 100, gross_margin: 40 }\n  - { period: 2026-Q3, revenue: 110, gross_margin: 33 }",
            "name: B\ndesignation: other\nfinancials:\n  - { period: 2026-Q2, revenue: 50, gross_margin: 10 }",
            "name: C\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 200, gross_margin: 100 }",
        ],
    );
    let a = run(&p);
    close(a.portfolio.growth_qoq_pct, 10.0);
    assert_eq!(a.portfolio.accounts_without_period_data, 1);
    let prev = a.vs_previous.as_ref().unwrap();
    assert_eq!(prev.period.to_string(), "2026-Q2");
    close(prev.revenue.change, 10.0);
    assert_eq!((prev.revenue.compared, prev.revenue.left_out), (1, 2));
    // Margin over A only: 33/110 = 30 % now, 40/100 = 40 % before: −10 points.
    close(prev.margin_pct.now, 30.0);
    close(prev.margin_pct.before, 40.0);
    close(prev.margin_pct.change, -10.0);
    // No account has P−4: no year-on-year change at all, rather than a sum of nothing.
    let year = a.vs_year_ago.as_ref().unwrap();
    assert_eq!(year.revenue.change, None);
    assert_eq!(year.revenue.left_out, 3);
    assert_eq!(a.portfolio.growth_yoy_pct, None);
}

/// SPEC §6 v1.1: coverage is the share of the health weights with inputs; below
/// `health_min_coverage_pct` health is null, at or above it a partial score names what is missing.
#[test]
fn health_coverage_by_hand() {
    // satisfaction 8 → 80, nps 20 → 60, retention low → 100, stage cooperative → 60:
    // 4 of 7 equal weights = 57.14 %, health = 300 / 4 = 75.
    let four = "name: A\ndesignation: other\nhealth: { satisfaction: 8, nps: 20, retention_risk: low }\nrelationship: { stage: cooperative }";
    let p = portfolio("", &[four]);
    let a = run(&p);
    let acc = &a.accounts[0];
    close(Some(acc.health_coverage_pct), 400.0 / 7.0);
    close(acc.health.value, 75.0);
    assert!(acc.health.is_partial());
    assert_eq!(
        acc.health.missing().collect::<Vec<_>>(),
        ["growth", "profitability", "share_of_wallet"]
    );

    // A minimum of 60 % rejects 57 %: health is null and missing-data says why.
    let p = portfolio("scoring: { health_min_coverage_pct: 60 }", &[four]);
    let a = run(&p);
    assert_eq!(a.accounts[0].health.value, None);
    assert_eq!(a.accounts[0].band, None);
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "missing-data")
        .unwrap();
    assert!(f.message.contains("health cannot be scored (57.1 % of its weights have inputs, below the minimum of 60 %)"), "{}", f.message);

    // Weights can make the same inputs complete: zero weight on the missing components.
    let p = portfolio(
        "scoring: { health: { growth: 0, profitability: 0, share_of_wallet: 0 } }",
        &[four],
    );
    let a = run(&p);
    close(Some(a.accounts[0].health_coverage_pct), 100.0);
    assert!(!a.accounts[0].health.is_partial());
}

/// SPEC §12 by hand. Key accounts K1, K2; others O1 (and O2 without P−4 data).
///   revenue P / P−4: K1 110 / 100, K2 220 / 200 → Σ 330 / 300 → +10 %
///   gross margin:    K1 44 / 35,   K2 66 / 55   → 110/330 = 33.33 % − 90/300 = 30 % → +3.33 pt
///   cost to serve:   K1 11 / 12,   K2 22 / 24   → (33/330) / (36/300) − 1 = 0.1/0.12 − 1 → −16.67 %
///   category spend:  K1 440 / 500 (K2 none)      → 25 % − 20 % → +5 pt, over 1 account
///   others: O1 90 / 100 → −10 %; O2 has no P−4 row and is left out of every ratio.
#[test]
fn effectiveness_by_hand() {
    let fin = |now: &str, then: &str| {
        format!("financials:\n  - {{ period: 2026-Q3, {now} }}\n  - {{ period: 2025-Q3, {then} }}")
    };
    let p = portfolio(
        "",
        &[
            &format!("name: K1\ndesignation: key\nowner: D\n{}\nhealth: {{ satisfaction: 8, nps: 40, referenceable: true }}\nrelationship: {{ stage: integrated }}\njoint_initiatives:\n  - {{ name: j, status: active, investment: 1000 }}\n  - {{ name: k, status: planned, investment: 5000 }}",
                fin("revenue: 110, gross_margin: 44, cost_to_serve: 11, category_spend: 440", "revenue: 100, gross_margin: 35, cost_to_serve: 12, category_spend: 500")),
            &format!("name: K2\ndesignation: key\nowner: D\n{}\nhealth: {{ satisfaction: 6, referenceable: false, retention_risk: high }}\nrelationship: {{ stage: cooperative }}",
                fin("revenue: 220, gross_margin: 66, cost_to_serve: 22", "revenue: 200, gross_margin: 55, cost_to_serve: 24")),
            &format!("name: O1\ndesignation: other\n{}", fin("revenue: 90", "revenue: 100")),
            "name: O2\ndesignation: candidate\nfinancials:\n  - { period: 2026-Q3, revenue: 50 }",
        ],
    );
    let a = run(&p);
    let e = &a.effectiveness;
    let k = &e.key;
    assert_eq!(k.accounts, 2);
    close(k.revenue_growth_pct, 10.0);
    close(k.margin_change_pts, 100.0 / 3.0 - 30.0);
    close(k.cost_to_serve_change_pct, (0.1 / 0.12 - 1.0) * 100.0);
    close(k.share_of_wallet_change_pts, 5.0);
    assert_eq!(k.coverage.share_of_wallet_change_pts, 1);
    close(k.satisfaction_mean, 7.0);
    close(k.nps_mean, 40.0);
    assert_eq!(k.coverage.nps_mean, 1);
    assert_eq!(k.high_retention_risk, 1);
    close(k.referenceable_pct, 50.0);
    close(k.relationship_mean, 80.0); // integrated 100, cooperative 60
    close(Some(k.joint_investment), 1000.0); // the planned initiative does not count
    let o = &e.others;
    assert_eq!(o.accounts, 2);
    close(o.revenue_growth_pct, -10.0);
    assert_eq!(o.coverage.revenue_growth_pct, 1);
    assert_eq!(o.margin_change_pts, None); // no gross margin anywhere
    assert_eq!(o.satisfaction_mean, None);
    assert_eq!(o.referenceable_pct, None);
    assert_eq!(e.benchmark.revenue_growth_pct, [5.0, 10.0]);
}

/// Twelve months' revenue is compared like-for-like too: an account missing a quarter in
/// either window (here B has no 2026-Q3) is left out, rather than its shorter sum reading as a
/// decline. A: 100 a quarter, then 120 in 2026-Q3 → 420 against 400, +5 %.
#[test]
fn twelve_months_revenue_is_compared_over_complete_windows() {
    let quarters = |last: u32, with_q3: bool| {
        let mut q: Vec<String> = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
            .iter()
            .map(|p| format!("  - {{ period: {p}, revenue: 100 }}"))
            .collect();
        if with_q3 {
            q.push(format!("  - {{ period: 2026-Q3, revenue: {last} }}"));
        }
        q.join("\n")
    };
    let p = portfolio(
        "",
        &[
            &format!(
                "name: A\ndesignation: other\nfinancials:\n{}",
                quarters(120, true)
            ),
            &format!(
                "name: B\ndesignation: other\nfinancials:\n{}",
                quarters(0, false)
            ),
        ],
    );
    let a = run(&p);
    let ttm = &a.vs_previous.as_ref().unwrap().revenue_ttm;
    assert_eq!((ttm.compared, ttm.left_out), (1, 1));
    close(ttm.now, 420.0);
    close(ttm.before, 400.0);
    close(ttm.change, 5.0);
}
