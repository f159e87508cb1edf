//! Issue 21: the review meeting's two questions (SPEC §16, §17, §7) — is the plan working
//! (measured objectives), what moved and why (score moves decomposed, who changed it), and
//! relationships gone stale. Every expectation below is computed by hand in its comment.

use std::path::Path;
use std::process::Command as Std;

use serde_json::{json, Value};

use crate::common::{located, Fixture, NO_COUNT};

const CONFIG: &str =
    "findings:\n  key-account-count: { enabled: false }\nas_of: 2026-10-05\nperiod: 2026-Q3\n";

/// Revenue 100 in 2026-Q1 and 160 in 2026-Q3; cost to serve 20 (20 %) then 24 (15 %).
const FINANCIALS: &str = "financials:\n  - { period: 2026-Q1, revenue: 100, gross_margin: 50, cost_to_serve: 20 }\n  - { period: 2026-Q3, revenue: 160, gross_margin: 80, cost_to_serve: 24 }\n";

fn export(f: &Fixture) -> Value {
    let out = f.kamsite(&["export", "--format", "json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn account(objectives: &str) -> String {
    format!(
        "---\nname: Acme\ndesignation: other\n{FINANCIALS}plan:\n  objectives:\n{objectives}---\n"
    )
}

/// P = 2026-Q3, tolerance 10. Every status, by hand:
/// - A: revenue 100 → target 150 by 2026-Q4: progress 100·60/50 = 120 → achieved.
/// - B: target 200 by 2026-Q4: progress 100·60/100 = 60; elapsed 100·2/3 = 66.67;
///   60 ≥ 56.67 → on track.
/// - C: target 300 by 2026-Q4: progress 100·60/200 = 30 < 56.67 → behind.
/// - D: target 200 by 2026-Q3: P ≥ by, progress 60 → missed; elapsed 100·2/2 = 100.
/// - E: lower is better — cost to serve 20 % → target 12 % by 2026-Q4; now 15 %:
///   progress 100·(15 − 20)/(12 − 20) = 62.5 ≥ 56.67 → on track.
/// - F: share of wallet without category spend: no start → unmeasured.
/// - G: text.
#[test]
fn measured_objectives_have_every_status_computed_by_hand() {
    let objectives = "    - { name: A, measure: revenue, from: 2026-Q1, target: 150, by: 2026-Q4 }\n    - { name: B, measure: revenue, from: 2026-Q1, target: 200, by: 2026-Q4 }\n    - { name: C, measure: revenue, from: 2026-Q1, target: 300, by: 2026-Q4 }\n    - { name: D, measure: revenue, from: 2026-Q1, target: 200, by: 2026-Q3 }\n    - { name: E, measure: cost_to_serve_pct, from: 2026-Q1, target: 12, by: 2026-Q4 }\n    - { name: F, measure: share_of_wallet_pct, from: 2026-Q1, target: 50, by: 2026-Q4 }\n    - Win the Ulm plant\n";
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", account(objectives));
    let doc = export(&f);
    let o = &doc["accounts"][0]["objectives"];
    let status: Vec<&str> = (0..6).map(|i| o[i]["status"].as_str().unwrap()).collect();
    assert_eq!(
        status,
        [
            "achieved",
            "on_track",
            "behind",
            "missed",
            "on_track",
            "unmeasured"
        ]
    );
    assert_eq!(o[0]["progress_pct"].as_f64(), Some(120.0));
    assert_eq!(o[1]["progress_pct"].as_f64(), Some(60.0));
    let elapsed = o[1]["elapsed_pct"].as_f64().unwrap();
    assert!((elapsed - 200.0 / 3.0).abs() < 1e-9, "{elapsed}");
    assert_eq!(o[3]["elapsed_pct"].as_f64(), Some(100.0));
    assert_eq!(
        (o[4]["start"].as_f64(), o[4]["actual"].as_f64()),
        (Some(20.0), Some(15.0))
    );
    assert_eq!(o[4]["progress_pct"].as_f64(), Some(62.5));
    assert_eq!(o[5]["start"], Value::Null);
    assert_eq!(o[6], json!({ "name": "Win the Ulm plant" }));
    assert_eq!(
        doc["portfolio"]["objectives"],
        json!({ "achieved": 1, "on_track": 2, "behind": 1, "missed": 1, "unmeasured": 1 })
    );
    // The finding names the off-track ones, at the first of them.
    let finding = f
        .json_lines()
        .into_iter()
        .find(|d| d["rule"] == "objective-off-track")
        .unwrap();
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(11), Some(7))
    );
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("“C” is behind (30 % of the way, 67 % of the time gone)"),
        "{message}"
    );
    assert!(message.contains("“D” is missed"), "{message}");
}

#[test]
fn a_wrong_measured_objective_is_an_error_at_its_line() {
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account(
            "acme.md",
            account("    - { name: A, measure: revenu, from: 2026-Q1, target: 150, by: 2026-Q4 }\n    - { name: C, measure: revenue, from: 2026-Q4, target: 1, by: 2026-Q1 }\n    - { name: D, measure: discount_pct, from: 2026-Q1, target: 150, by: 2026-Q4 }\n"),
        )
        .account(
            "beta.md",
            account("    - { name: B, measure: revenue, from: 2026-Q1, by: 2026-Q4 }\n    - { name: B, measure: revenue, from: 2026-Q1, target: 1, by: 2026-Q4 }\n    - { name: \"\" }\n").replace("Acme", "Beta"),
        );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "accounts/acme.md:9:27 `revenu` is not a valid value here",
            "accounts/acme.md:10:66 `by` (2026-Q1) is not after `from` (2026-Q4)",
            "accounts/acme.md:11:64 `plan.objectives[2].target` is out of range: 150",
            "accounts/beta.md:9:7 a measured objective needs `target`",
            "accounts/beta.md:10:15 two objectives are named “B”",
            "accounts/beta.md:11:16 the objective has no name",
        ]
    );
    assert_eq!(d[0]["help"], "did you mean `revenue`?");
}

/// A key account whose decision makers nobody has met for months is flagged, and the map
/// marks the stale contacts.
#[test]
fn stale_contacts_of_a_key_account_are_a_finding() {
    let acme = |last: &str| {
        format!("---\nname: Acme\ndesignation: key\nowner: Dana\ncontacts:\n  - {{ name: Ann, role: decision_maker, our_contact: Dana, last_contact: {last} }}\n  - {{ name: Bo, role: buyer, our_contact: Lee, last_contact: 2026-10-01 }}\n---\n")
    };
    // 2026-10-05 − 2026-07-07 = 90 days: fresh. 2026-07-06: 91 days, stale.
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", acme("2026-07-07"));
    let rules = |f: &Fixture| -> Vec<String> {
        f.json_lines()
            .into_iter()
            .filter_map(|d| d["rule"].as_str().map(String::from))
            .collect()
    };
    assert!(!rules(&f).contains(&"stale-contact".to_string()));
    let f = f.account("acme.md", acme("2026-07-06"));
    let found = f
        .json_lines()
        .into_iter()
        .find(|d| d["rule"] == "stale-contact")
        .unwrap();
    // At Ann's last_contact, with the date and how long ago.
    assert_eq!(
        (found["line"].as_u64(), found["column"].as_u64()),
        (Some(6), Some(73))
    );
    assert!(found["message"].as_str().unwrap().contains(
        "the latest meeting with a decision maker or sponsor was with Ann (decision maker) on 2026-07-06, 91 days before as_of (> 90)"
    ));
    f.kamsite(&["build", "-q"]).assert().success();
    let page = std::fs::read_to_string(f.path().join("public/accounts/acme/index.html")).unwrap();
    assert!(page.contains("not met for 91 days"), "{page}");
    // None listed is stale too; a non-key account is not judged.
    let f = f.account(
        "acme.md",
        "---\nname: Acme\ndesignation: key\nowner: Dana\n---\n",
    );
    assert!(rules(&f).contains(&"stale-contact".to_string()));
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", "---\nname: Acme\ndesignation: other\n---\n");
    assert!(!rules(&f).contains(&"stale-contact".to_string()));
}

/// Health moves between P−1 and P only through its figures, decomposed exactly.
/// Q2: revenue 100, gm 40, cts 10 → profit 30 %: profitability (30 + 10) / 40 · 100 = 100.
/// Q3: revenue 100, gm 20, cts 10 → 10 %: (10 + 10) / 40 · 100 = 50. Satisfaction 8 → 80 on
/// both sides. Health then (100 + 80) / 2 = 90, now (50 + 80) / 2 = 65: −25, all of it
/// profitability (50/2 − 100/2 = −25), satisfaction 0.
#[test]
fn a_score_move_is_decomposed_exactly_against_the_previous_quarter() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            format!("{CONFIG}scoring:\n  health: {{ growth: 0, share_of_wallet: 0, nps: 0, retention: 0, relationship: 0 }}\n"),
        )
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: other\nhealth: { satisfaction: 8 }\nfinancials:\n  - { period: 2026-Q2, revenue: 100, gross_margin: 40, cost_to_serve: 10 }\n  - { period: 2026-Q3, revenue: 100, gross_margin: 20, cost_to_serve: 10 }\n---\n",
        );
    let doc = export(&f);
    let moves = &doc["accounts"][0]["moves"];
    assert_eq!(moves["against"], "2026-Q2");
    let h = &moves["scores"]["health"];
    assert_eq!(
        (h["then"].as_f64(), h["now"].as_f64()),
        (Some(90.0), Some(65.0))
    );
    assert_eq!(
        h["components"]["profitability"]["contribution"].as_f64(),
        Some(-25.0)
    );
    assert_eq!(
        h["components"]["satisfaction"]["contribution"].as_f64(),
        Some(0.0)
    );
    assert_eq!(
        doc["accounts"][0]["scores"]["components"]["health"]["profitability"],
        json!({ "score": 50, "weight": 1 })
    );
    f.kamsite(&["build", "-q"]).assert().success();
    let page = std::fs::read_to_string(f.path().join("public/accounts/acme/index.html")).unwrap();
    assert!(page.contains("What moved since 2026-Q2"), "{page}");
    assert!(
        page.contains("Health 90 → 65 (−25): profitability 100 → 50 −25"),
        "{page}"
    );
}

fn git(dir: &Path, args: &[&str], who: &str, date: &str) {
    let out = Std::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", who)
        .env(
            "GIT_AUTHOR_EMAIL",
            format!("{}@example.com", who.to_lowercase().replace(' ', ".")),
        )
        .env("GIT_COMMITTER_NAME", who)
        .env("GIT_COMMITTER_EMAIL", "ci@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// Acme's plan with its service rating.
fn acme_with_service(service: u8) -> String {
    format!("---\nname: Acme\ndesignation: other\nstrength: {{ offer_fit: 4, service: {service} }}\n---\nBody\n")
}

/// A repository of the fixture as it is, with `settings` (git config), tagged `review/2026-Q2`.
fn q2_review(dir: &Path, settings: &[(&str, &str)]) {
    let (who, when) = ("Setup", "2026-07-01T10:00:00");
    git(dir, &["init", "-q"], who, when);
    for (key, value) in settings {
        git(dir, &["config", key, value], who, when);
    }
    git(dir, &["add", "-A"], who, when);
    git(dir, &["commit", "-qm", "Q2 plans"], who, when);
    git(dir, &["tag", "review/2026-Q2"], who, when);
}

/// Dana commits what changed in the fixture: Acme's service slipped.
fn service_slipped(dir: &Path) {
    git(
        dir,
        &["commit", "-qam", "Service slipped at Acme"],
        "Dana Whitfield",
        "2026-08-10T09:00:00",
    );
}

/// Two tagged reviews; between them one account's service rating and one cell of its ERP
/// export change in separate commits by different authors: the account page names both
/// commits, authors and values.
#[test]
fn who_changed_it_names_the_commits_authors_and_values() {
    let config = "findings:\n  key-account-count: { enabled: false }\nsources:\n  financials: { file: data/erp.csv, account: acc, columns: { period: q, revenue: rev, gross_margin: gm, cost_to_serve: cts } }\n";
    let f = Fixture::new()
        .file("kamsite.yaml", config)
        .account("acme.md", acme_with_service(4))
        .account("beta.md", "---\nname: Beta\ndesignation: other\n---\n")
        .file(
            "data/erp.csv",
            "acc,q,rev,gm,cts\nacme,2026-Q2,100,40,10\nbeta,2026-Q2,50,20,5\n",
        );
    q2_review(f.path(), &[]);
    let f = f.account("acme.md", acme_with_service(2));
    service_slipped(f.path());
    let f = f.file(
        "data/erp.csv",
        "acc,q,rev,gm,cts\nacme,2026-Q2,100,40,10\nacme,2026-Q3,120,30,15\nbeta,2026-Q2,50,20,5\n",
    );
    git(
        f.path(),
        &["commit", "-qam", "ERP export for Q3"],
        "Finance Bot",
        "2026-10-02T08:00:00",
    );
    git(
        f.path(),
        &["tag", "review/2026-Q3"],
        "Finance Bot",
        "2026-10-02T08:00:00",
    );
    f.kamsite(&["build", "--reviews", "review/*", "-q"])
        .assert()
        .success();
    let page = std::fs::read_to_string(f.path().join("public/accounts/acme/index.html")).unwrap();
    for expected in [
        "Service slipped at Acme",
        "Dana Whitfield",
        "2026-08-10",
        "ERP export for Q3",
        "Finance Bot",
        "strength.service",
        "4 → 2",
    ] {
        assert!(
            page.contains(expected),
            "{expected} in the account page:\n{page}"
        );
    }
    // Beta's file and rows did not change: no commit is named on its page.
    let beta = std::fs::read_to_string(f.path().join("public/accounts/beta/index.html")).unwrap();
    assert!(!beta.contains("Service slipped"));
    assert!(!beta.contains("ERP export for Q3"));
}

/// "Who changed it" reads `git log -p`: an account file under a folder with a non-ASCII name
/// (git quotes such paths by default) and a user's `diff.noprefix` (no `a/` and `b/`) must
/// not hide the commits.
#[test]
fn who_changed_it_holds_for_non_ascii_folders_and_any_diff_settings() {
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("müller/acme.md", acme_with_service(4));
    q2_review(f.path(), &[("diff.noprefix", "true")]);
    let f = f.account("müller/acme.md", acme_with_service(2));
    service_slipped(f.path());
    f.kamsite(&["build", "--reviews", "review/*", "-q"])
        .assert()
        .success();
    let page = std::fs::read_to_string(f.path().join("public/accounts/acme/index.html")).unwrap();
    for expected in ["Service slipped at Acme", "Dana Whitfield", "4 → 2"] {
        assert!(page.contains(expected), "{expected}:\n{page}");
    }
}
