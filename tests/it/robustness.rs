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
        let when = kamsite::app::When { as_of: Some("2026-10-05".parse().unwrap()), ..Default::default() };
        let Ok(project) = kamsite::app::Project::open(dir.path(), when) else {
            return Ok(()); // extreme values may be rejected; rejection is a fine outcome
        };
        let analysis = project.analyse(None);
        let _ = kamsite::export::json(&analysis);
        let _ = kamsite::export::csv(&analysis);
        let out = dir.path().join("site");
        build_site(dir.path(), &out);
        prop_assert!(out.join("index.html").is_file());
    }
}

/// Builds the site of the portfolio at `dir` into `out` as `kamsite build --as-of 2026-10-05`.
fn build_site(dir: &std::path::Path, out: &std::path::Path) {
    let plan = kamsite::app::BuildPlan {
        portfolio: dir.to_path_buf(),
        when: kamsite::app::When {
            as_of: Some("2026-10-05".parse().unwrap()),
            ..Default::default()
        },
        ..Default::default()
    };
    let built = kamsite::app::Built::open(&plan, None).unwrap();
    built.write(out, &|| {}).unwrap();
}

/// Whether `html` shows a non-finite or saturated number: `NaN`, `inf` as a word, or i64::MAX.
fn shows_a_broken_number(html: &str) -> Option<String> {
    if let Some(i) = html.find("NaN") {
        return Some(html[i.saturating_sub(60)..(i + 20).min(html.len())].to_string());
    }
    if html.contains("9,223,372,036,854,775,807") || html.contains("9223372036854775807") {
        return Some("i64::MAX".into());
    }
    let bytes = html.as_bytes();
    for (i, _) in html.match_indices("inf") {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 3).copied();
        let word_start = before.is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_');
        let word_end = after.is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_' && b != b'-');
        if word_start && word_end {
            return Some(html[i.saturating_sub(60)..(i + 20).min(html.len())].to_string());
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Issue 8, item 9: what validation accepts never becomes `inf %`, `NaN pt` or a saturated
    /// amount on a page: extreme values are rejected at their line, the rest stays finite.
    #[test]
    fn accepted_numbers_never_show_as_nan_or_infinity(
        revenues in proptest::collection::vec(
            prop_oneof![
                1 => Just(5e-324),
                1 => Just(0.01),
                1 => Just(1e15),
                1 => Just(1e29),
                1 => Just(1.7e308),
                1 => Just(0.0),
                8 => 1.0..1e15f64,
            ],
            2..5,
        ),
        weight in prop_oneof![1 => Just(1e308), 1 => Just(1e6), 1 => Just(0.0), 4 => 0.0..1e6f64],
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("accounts")).unwrap();
        std::fs::write(
            dir.path().join("kamsite.yaml"),
            format!("scoring:\n  attractiveness: {{ size: {weight:e}, growth: 1 }}\n"),
        )
        .unwrap();
        let mut front = String::from("name: Acme\ndesignation: key\nowner: Dana\nattractiveness: { size: 3, growth: 2 }\nfinancials:\n");
        for (i, r) in revenues.iter().enumerate() {
            front.push_str(&format!(
                "  - {{ period: 2025-Q{}, revenue: {r:e}, gross_margin: {:e}, category_spend: {r:e} }}\n",
                i + 1,
                r / 3.0
            ));
        }
        std::fs::write(dir.path().join("accounts/a.md"), format!("---\n{front}---\nBody\n")).unwrap();
        let root = kamsite::load::Root::new(dir.path());
        let (loaded, diagnostics) = kamsite::validate::load_and_validate(&root, &kamsite::analyse::rules::catalogue());
        let amounts = revenues.iter().flat_map(|r| [*r, r / 3.0]);
        let too_big = revenues.iter().any(|r| *r > 1e15) || weight > 1e6;
        let too_small = amounts.clone().any(|a| a != 0.0 && a < 0.01);
        prop_assert_eq!(diagnostics.iter().any(|d| d.is_error()), too_big || too_small);
        if too_big || too_small {
            return Ok(());
        }
        let _ = loaded;
        let out = dir.path().join("site");
        build_site(dir.path(), &out);
        for entry in walkdir::WalkDir::new(&out).into_iter().filter_map(Result::ok) {
            if entry.path().extension().is_some_and(|x| x == "html") {
                let html = std::fs::read_to_string(entry.path()).unwrap();
                prop_assert_eq!(shows_a_broken_number(&html), None, "{}", entry.path().display());
            }
        }
    }
}

#[test]
fn broken_numbers_are_recognised() {
    assert!(shows_a_broken_number("<td>inf %</td>").is_some());
    assert!(shows_a_broken_number("<td>-inf</td>").is_some());
    assert!(shows_a_broken_number("growth NaN pt").is_some());
    assert!(shows_a_broken_number("9,223,372,036,854,775,807 EUR").is_some());
    assert!(shows_a_broken_number("7 info, see the infographic").is_none());
}

/// A portfolio in memory whose two CSV sources hold `csv`: one account matched by id, one by an
/// ERP key, every column read, stages mapped.
fn with_csv_sources(csv: Vec<u8>, delimiter: &str) -> kamsite::load::Root {
    let config = format!(
        "findings: {{ key-account-count: {{ enabled: false }} }}\nsources:\n  financials:\n    file: data/f.csv\n    account: A\n    match: ids.erp\n    delimiter: \"{delimiter}\"\n    decimal: \",\"\n    columns: {{ period: P, revenue: R, gross_margin: G, cost_to_serve: C, category_spend: S, discount_pct: D }}\n  opportunities:\n    file: data/o.csv\n    account: A\n    delimiter: \"{delimiter}\"\n    columns: {{ name: N, offering: O, value: V, stage: S, probability: P, close: C }}\n    stages: {{ Won: won, Open: qualified }}\n"
    );
    let mut files = std::collections::BTreeMap::new();
    files.insert("kamsite.yaml".to_string(), config.into_bytes());
    files.insert(
        "accounts/acme.md".to_string(),
        b"---\nname: Acme\ndesignation: other\nids: { erp: 1 }\nfinancials: [{ period: 2026-Q1, revenue: 5 }]\n---\n".to_vec(),
    );
    files.insert("data/f.csv".to_string(), csv.clone());
    files.insert("data/o.csv".to_string(), csv);
    kamsite::load::Root::in_memory("mem", files)
}

/// CSV-shaped text: the configured headers, delimiters, quotes, line ends and cell values.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        proptest::sample::select(vec![
            "A", "P", "R", "G", "C", "S", "D", "N", "O", "V", "1", "acme", "2026-Q1", "Q2 2026",
            "Won", "Open", "1.234,5", "-7", "101", "\"", "\"\"", ";", ",", "\r\n", "\n", "\r",
            "\u{feff}", "ü", " ", "",
        ])
        .prop_map(str::to_string),
        "[-0-9.,;\"Q \r\n]{0,6}",
    ];
    proptest::collection::vec(token, 0..60).prop_map(|t| t.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No bytes in a CSV source can panic the loader; every problem is located inside the file.
    #[test]
    fn arbitrary_bytes_as_a_csv_source_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        delimiter in proptest::sample::select(vec![",", ";"]),
    ) {
        let root = with_csv_sources(bytes, delimiter);
        let _ = kamsite::app::Project::open_root(root, kamsite::app::When::default(), None);
    }

    #[test]
    fn csv_shaped_text_never_panics_and_problems_point_into_the_file(
        csv in csvish(),
        delimiter in proptest::sample::select(vec![",", ";"]),
    ) {
        let lines = String::from_utf8_lossy(&csv).split('\n').count();
        let root = with_csv_sources(csv, delimiter);
        let (_, diagnostics) = kamsite::validate::load_and_validate(&root, &kamsite::analyse::rules::catalogue());
        for d in diagnostics.iter().filter(|d| d.file.ends_with(".csv")) {
            prop_assert!(d.line <= lines + 1, "{d:?}");
            prop_assert!(!d.message.is_empty());
        }
    }
}
