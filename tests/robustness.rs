//! No input, however broken, may panic: arbitrary bytes, and YAML-shaped text built from the real
//! keys with arbitrary values, go through the parser; random valid portfolios with extreme
//! numbers go through the whole pipeline.
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not
use kamsite::load::parse_account;
use proptest::prelude::*;

const KEYS: &[&str] = &[
    "name",
    "id",
    "designation",
    "owner",
    "team",
    "relationship",
    "stage",
    "rating",
    "ours",
    "theirs",
    "plan",
    "horizon_months",
    "attractiveness",
    "strength",
    "financials",
    "period",
    "revenue",
    "gross_margin",
    "health",
    "nps",
    "contacts",
    "role",
    "opportunities",
    "value",
    "probability",
    "close",
    "whitespace",
    "actions",
    "due",
    "status",
    "extra",
    "<<",
    "&a",
    "*a",
];

fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        proptest::sample::select(KEYS).prop_map(str::to_string),
        "[-:{}\\[\\],'\" #&*!|>0-9a-zQ.\n]{0,8}",
        Just("\n  - ".to_string()),
        Just(": ".to_string()),
        Just("2026-Q3".to_string()),
        Just("1e309".to_string()),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|t| format!("---\n{}\n---\nbody", t.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_account("accounts/x.md", "accounts/x.md", bytes);
    }

    #[test]
    fn arbitrary_front_matter_never_panics(text in yamlish()) {
        let _ = parse_account("accounts/x.md", "accounts/x.md", text.into_bytes());
    }

    /// A rejected file always says why, at a line inside the file (the schema walk must never
    /// come back empty-handed or point past the end).
    #[test]
    fn a_rejected_file_always_has_a_located_problem(text in yamlish()) {
        let lines = text.lines().count().max(1);
        if let Err(r) = parse_account("accounts/x.md", "accounts/x.md", text.into_bytes()) {
            prop_assert!(!r.diagnostics.is_empty());
            for d in &r.diagnostics {
                prop_assert!(d.line <= lines, "{d:?}");
                prop_assert!(!d.message.is_empty());
            }
        }
    }
}

/// A valid account with numbers drawn from the whole range users could type.
fn account_yaml() -> impl Strategy<Value = String> {
    let money = prop_oneof![
        Just(0.0),
        0.0..1e6f64,
        1e6..1e12f64,
        Just(1e300),
        Just(1.7e308)
    ];
    let margin = prop_oneof![-1e6..1e6f64, Just(-1e300), Just(0.0)];
    let rating = prop_oneof![Just(1.0), Just(5.0), 1.0..5.0f64];
    (
        proptest::collection::vec((money.clone(), margin, money.clone(), money), 0..8),
        proptest::collection::vec(rating.clone(), 0..4),
        rating,
        proptest::sample::select(vec!["key", "candidate", "other"]),
        0.0..100.0f64,
    )
        .prop_map(|(quarters, criteria, strength, designation, discount)| {
            let mut s = format!("name: Acme\ndesignation: {designation}\nowner: Dana\nstrength: {{ offer_fit: {strength} }}\n");
            let names = ["profitability", "revenue_potential", "strategic_value", "size"];
            s.push_str("attractiveness: {");
            for (i, c) in criteria.iter().enumerate() {
                s.push_str(&format!(" {}: {c},", names[i]));
            }
            s.push_str(" }\nfinancials:\n");
            for (i, (rev, gm, cts, spend)) in quarters.iter().enumerate() {
                s.push_str(&format!(
                    "  - {{ period: 2025-Q{}, revenue: {rev:e}, gross_margin: {gm:e}, cost_to_serve: {cts:e}, category_spend: {spend:e}, discount_pct: {discount} }}\n",
                    i % 4 + 1
                ));
                if i >= 3 {
                    break; // four distinct quarters of 2025
                }
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Load, validate, analyse, export and build a whole site from random valid portfolios:
    /// never a panic, never a hang, whatever the numbers.
    #[test]
    fn whole_pipeline_never_panics(fronts in proptest::collection::vec(account_yaml(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("accounts")).unwrap();
        for (i, front) in fronts.iter().enumerate() {
            std::fs::write(dir.path().join(format!("accounts/a{i}.md")), format!("---\n{front}---\nBody\n")).unwrap();
        }
        let root = kamsite::load::Root::new(dir.path());
        let (loaded, diagnostics) = kamsite::validate::load_and_validate(&root);
        if diagnostics.iter().any(|d| d.is_error()) {
            return Ok(()); // extreme values may be rejected; rejection is a fine outcome
        }
        let p = &loaded.portfolio;
        let analysis = kamsite::analyse::analyse(p, kamsite::analyse::latest_period(p), "2026-10-05".parse().unwrap());
        let _ = kamsite::export::json(&analysis, &p.config);
        let _ = kamsite::export::csv(&analysis, &p.config);
        let out = dir.path().join("site");
        kamsite::site::build(&root, p, &analysis, &out, kamsite::site::Options::default()).unwrap();
        prop_assert!(out.join("index.html").is_file());
    }
}
