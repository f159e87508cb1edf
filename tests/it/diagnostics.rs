//! One test per class of bad input: the message, the help and the exact file:line:column a
//! plan author would be sent to.
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

use crate::common;
use common::{located, Fixture, GOOD};
use serde_json::Value;

/// Checks a single-account portfolio and returns its only diagnostic.
fn only(content: &str) -> Value {
    let f = Fixture::new().account("acme.md", content);
    let diags = f.diagnostics();
    assert_eq!(diags.len(), 1, "expected one diagnostic, got {:#?}", diags);
    diags.into_iter().next().unwrap_or_default()
}

fn assert_at(d: &Value, file: &str, line: u64, column: u64, message: &str) {
    assert_eq!(d["file"], file, "{d:#}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line), Some(column)),
        "{d:#}"
    );
    assert!(
        d["message"].as_str().unwrap_or("").contains(message),
        "{d:#}"
    );
    assert_eq!(d["severity"], "error");
}

#[test]
fn unknown_key_suggests_the_right_name() {
    let d = only("---\nname: Acme\ndesgnation: key\n---\n");
    assert_at(&d, "accounts/acme.md", 3, 1, "unknown key `desgnation`");
    assert_eq!(d["help"], "did you mean `designation`?");
}

#[test]
fn unknown_nested_key_is_located_inside_flow_mappings() {
    let d =
        only("---\nname: Acme\ndesignation: other\nteam:\n  - { name: Lee, rol: Finance }\n---\n");
    assert_at(&d, "accounts/acme.md", 5, 18, "unknown key `rol`");
    assert_eq!(d["help"], "did you mean `role`?");
}

#[test]
fn unknown_enum_value_lists_choices_and_suggests() {
    let d = only("---\nname: Acme\ndesignation: keyy\n---\n");
    assert_at(&d, "accounts/acme.md", 3, 14, "`keyy` is not a valid value");
    assert_eq!(d["label"], "expected one of: key, candidate, other");
    assert_eq!(d["help"], "did you mean `key`?");
}

#[test]
fn text_where_a_number_belongs() {
    let d = only("---\nname: Acme\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: lots }\n---\n");
    assert_at(&d, "accounts/acme.md", 5, 33, "expected a number");
}

#[test]
fn malformed_date() {
    let d = only("---\nname: Acme\ndesignation: other\ncustomer_since: 2017-13-01\n---\n");
    assert_at(&d, "accounts/acme.md", 4, 17, "not a real calendar date");
}

#[test]
fn malformed_quarter() {
    let d =
        only("---\nname: Acme\ndesignation: other\nfinancials:\n  - { period: 2026-Q5 }\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        5,
        15,
        "expected a quarter like `2026-Q3`",
    );
}

#[test]
fn missing_name_and_missing_designation() {
    // At the front matter's opening `---`, not at some key that is not the problem.
    let d = only("---\ndesignation: other\n---\n");
    assert_at(&d, "accounts/acme.md", 1, 1, "missing required key `name`");
    assert_eq!(d["label"], "this front matter needs `name`");
    assert_eq!(d["help"], "add `name: <text>`");
    let d = only("---\nname: Acme\nowner: Dana\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        1,
        1,
        "missing required key `designation`",
    );
    assert_eq!(
        d["help"],
        "add `designation: <one of: key, candidate, other>`"
    );
}

#[test]
fn rating_needs_both_sides() {
    let d =
        only("---\nname: Acme\ndesignation: other\nrelationship:\n  rating: { ours: 4 }\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        5,
        11,
        "missing required key `theirs`",
    );
    assert_eq!(d["label"], "this mapping needs `theirs`");
}

#[test]
fn duplicate_yaml_key() {
    let d = only("---\nname: Acme\nname: Acme 2\ndesignation: other\n---\n");
    assert_at(&d, "accounts/acme.md", 3, 1, "duplicate key `name`");
}

#[test]
fn yaml_syntax_error() {
    let d = only("---\nname: 'Acme\ndesignation: other\n---\n");
    assert_at(&d, "accounts/acme.md", 2, 7, "quote");
}

#[test]
fn criterion_out_of_range() {
    let d = only("---\nname: Acme\ndesignation: other\nattractiveness:\n  size: 7\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        5,
        9,
        "`attractiveness.size` is out of range: 7",
    );
    assert_eq!(d["label"], "expected a rating from 1 to 5");
}

#[test]
fn probability_satisfaction_and_nps_out_of_range() {
    let f = Fixture::new().account(
        "acme.md",
        "---\nname: Acme\ndesignation: other\nhealth: { satisfaction: 11, nps: -101 }\nopportunities:\n  - { name: X, value: 5, stage: proposal, probability: 140 }\n---\n",
    );
    assert_eq!(
        located(&f.diagnostics()),
        [
            "accounts/acme.md:4:25 `health.satisfaction` is out of range: 11",
            "accounts/acme.md:4:34 `health.nps` is out of range: -101",
            "accounts/acme.md:6:56 `opportunities[0].probability` is out of range: 140",
        ]
    );
}

#[test]
fn negative_money_but_not_negative_margin() {
    let f = Fixture::new().account(
        "acme.md",
        "---\nname: Acme\ndesignation: other\nfinancials:\n  - period: 2026-Q3\n    revenue: 100\n    gross_margin: -20\n    cost_to_serve: -1\n---\n",
    );
    assert_eq!(
        located(&f.diagnostics()),
        ["accounts/acme.md:8:20 `financials[0].cost_to_serve` is out of range: -1"]
    );
}

#[test]
fn discount_is_a_percentage() {
    let d = only("---\nname: Acme\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, discount_pct: 120 }\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        5,
        38,
        "discount_pct` is out of range: 120",
    );
}

#[test]
fn id_must_be_a_slug() {
    let d = only("---\nname: Acme\nid: Acme_Industrial\ndesignation: other\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        3,
        5,
        "`Acme_Industrial` is not a valid account id",
    );
    let f = Fixture::new().account("Acme Corp.md", "---\nname: Acme\ndesignation: other\n---\n");
    assert_eq!(
        located(&f.diagnostics()),
        ["accounts/Acme Corp.md:1:1 the file name `Acme Corp` is not a valid account id"]
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let f = Fixture::new()
        .account("a/acme.md", "---\nname: Acme\ndesignation: other\n---\n")
        .account(
            "b/other.md",
            "---\nname: Acme again\nid: acme\ndesignation: other\n---\n",
        );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        ["accounts/b/other.md:3:5 duplicate account id `acme`"]
    );
    assert_eq!(d[0]["label"], "also the id of accounts/a/acme.md");
}

#[test]
fn duplicate_periods() {
    let d = only("---\nname: Acme\ndesignation: other\nfinancials:\n  - { period: 2026-Q2 }\n  - { period: 2026-Q3 }\n  - { period: 2026-Q2 }\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        7,
        15,
        "2026-Q2 appears twice in financials",
    );
    assert_eq!(d["label"], "already given in entry 1 of financials");
}

#[test]
fn key_account_without_owner() {
    let d = only("---\nname: Acme\ndesignation: key\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        3,
        14,
        "a key account needs an `owner`",
    );
}

#[test]
fn criteria_are_defined_by_the_config() {
    let f = Fixture::new()
        .file("kamsite.yaml", "scoring:\n  attractiveness: { margin: 1, reach: 2 }\n")
        .account("acme.md", "---\nname: Acme\ndesignation: other\nattractiveness:\n  margn: 3\n  profitability: 3\n---\n");
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "accounts/acme.md:5:3 unknown attractiveness criterion `margn`",
            "accounts/acme.md:6:3 unknown attractiveness criterion `profitability`",
        ]
    );
    assert_eq!(d[0]["help"], "did you mean `margin`?");
}

#[test]
fn offerings_are_defined_by_the_config() {
    let f = Fixture::new()
        .file("kamsite.yaml", "offerings: [Spare parts, Training]\n")
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: other\nwhitespace:\n  Spare part: owned\n---\n",
        );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        ["accounts/acme.md:5:3 unknown offering `Spare part`"]
    );
    assert_eq!(d[0]["help"], "did you mean `Spare parts`?");
}

#[test]
fn config_errors_are_located_in_kamsite_yaml() {
    let f = Fixture::new().file(
        "kamsite.yaml",
        "title: T\nscoring:\n  strength: { offer_fit: -1 }\nfindings:\n  stale-plan: { max_age_dayz: 9 }\n  stale-plans: { enabled: false }\n",
    );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "kamsite.yaml:3:26 `scoring.strength.offer_fit` is out of range: -1",
            "kamsite.yaml:5:17 unknown setting `max_age_dayz`",
            "kamsite.yaml:6:3 unknown finding rule `stale-plans`",
        ]
    );
    assert_eq!(d[1]["help"], "did you mean `max_age_days`?");
    assert_eq!(d[2]["help"], "did you mean `stale-plan`?");
}

#[test]
fn unknown_config_key() {
    let f = Fixture::new().file("kamsite.yaml", "title: T\ncurrncy: EUR\n");
    let d = f.diagnostics();
    assert_eq!(located(&d), ["kamsite.yaml:2:1 unknown key `currncy`"]);
    assert_eq!(d[0]["help"], "did you mean `currency`?");
}

#[test]
fn empty_config_file_means_defaults() {
    let f = Fixture::new()
        .file("kamsite.yaml", "")
        .account("acme.md", GOOD);
    assert!(f.diagnostics().is_empty());
}

#[test]
fn empty_file() {
    let d = only("");
    assert_eq!(d["message"], "empty file");
}

#[test]
fn empty_front_matter() {
    let d = only("---\n---\nbody\n");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("front matter is empty"),
        "{d:#}"
    );
}

#[test]
fn not_utf8() {
    let f = Fixture::new().account("acme.md", b"---\nname: Caf\xe9\n---\n".as_slice());
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        ["accounts/acme.md:2:10 file is not valid UTF-8"]
    );
}

#[test]
fn missing_and_unclosed_front_matter() {
    let f = Fixture::new()
        .account("a.md", "# Acme\n\nno front matter\n")
        .account("b.md", "---\nname: Acme\ndesignation: other\n");
    assert_eq!(
        located(&f.diagnostics()),
        [
            "accounts/a.md:1:1 missing front matter",
            "accounts/b.md:1:1 unclosed front matter"
        ]
    );
}

#[test]
fn bom_and_crlf_are_accepted() {
    let f = Fixture::new().account(
        "acme.md",
        "\u{feff}---\r\nname: Acme\r\ndesignation: key\r\nowner: Dana\r\n---\r\nBody\r\n",
    );
    assert!(f.diagnostics().is_empty());
}

#[test]
fn drafts_are_skipped_and_other_files_are_reported() {
    let f = Fixture::new()
        .account("_draft.md", "not even front matter")
        .account(".hidden/x.md", "nope")
        .account("_wip/x.md", "nope")
        .account("notes.txt", "x")
        .account("acme.md", GOOD);
    let d = f.diagnostics();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0]["severity"], "warning");
    assert_eq!(d[0]["file"], "accounts/notes.txt");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let f = Fixture::new().account("emea/acme.md", GOOD);
    std::os::unix::fs::symlink("..", f.path().join("accounts/emea/loop")).expect("symlink");
    let d = f.diagnostics();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("symbolic link loop"));
}

#[test]
fn every_problem_of_every_file_in_one_run_sorted() {
    let f = Fixture::new()
        .file("kamsite.yaml", "currency: euro\n")
        .account(
            "b.md",
            "---\nname: B\ndesignation: key\nhealth: { nps: 300 }\n---\n",
        )
        .account("a.md", "---\nname: A\ndesignation: nope\n---\n")
        .account("c/c.md", "");
    assert_eq!(
        located(&f.diagnostics()),
        [
            "accounts/a.md:3:14 `nope` is not a valid value here",
            "accounts/b.md:3:14 a key account needs an `owner`",
            "accounts/b.md:4:16 `health.nps` is out of range: 300",
            "accounts/c/c.md:0:0 empty file",
            "kamsite.yaml:1:11 `euro` is not an ISO 4217 currency code",
        ]
    );
}

#[test]
fn empty_sections_mean_empty() {
    let f = Fixture::new().account(
        "acme.md",
        "---\nname: Acme\ndesignation: other\ncontacts:\nopportunities:\nhealth:\nplan:\nwhitespace:\n---\n",
    );
    assert!(f.diagnostics().is_empty(), "{:#?}", f.diagnostics());
}

#[test]
fn a_scalar_where_a_list_belongs() {
    let d = only("---\nname: Acme\ndesignation: other\ntags: automotive\n---\n");
    assert_at(&d, "accounts/acme.md", 4, 7, "expected a list");
}

/// The example: ten ordinary mistakes in one account file took ten runs to see. All of
/// them now come in one run, each at its own line:column with its hint.
#[test]
fn every_mistake_of_an_account_file_in_one_run() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            "managers:\n  - { name: Dana Whitfield }\nofferings: [Spare parts, Training]\n",
        )
        .account(
            "acme.md",
            "---
name: Acme
desgnation: key
owner: Dana Whitfield
relationship:
  stage: cooperativ
whitespace:
    Training: ownd
    Spare part: owned
opportunities:
  - { name: Retrofit, value: 5000, stage: proposl, close: 2026-13-01 }
actions:
  - { action: Call, due: 2026-02-30, status: opn }
financials:
  - { period: 2026-Q3, revenue: lots, discount_pct: 130 }
---
Body
",
        );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "accounts/acme.md:3:1 unknown key `desgnation`",
            "accounts/acme.md:6:10 `cooperativ` is not a valid value here",
            "accounts/acme.md:8:15 `ownd` is not a valid value here",
            "accounts/acme.md:9:5 unknown offering `Spare part`",
            "accounts/acme.md:11:43 `proposl` is not a valid value here",
            "accounts/acme.md:11:59 `2026-13-01` is not a real calendar date",
            "accounts/acme.md:13:26 `2026-02-30` is not a real calendar date",
            "accounts/acme.md:13:46 `opn` is not a valid value here",
            "accounts/acme.md:15:33 expected a number, found `lots`",
            "accounts/acme.md:15:53 `financials[0].discount_pct` is out of range: 130",
        ]
    );
    let helps: Vec<&str> = d.iter().map(|d| d["help"].as_str().unwrap_or("")).collect();
    assert_eq!(
        helps,
        [
            "did you mean `designation`?",
            "did you mean `cooperative`?",
            "did you mean `owned`?",
            "did you mean `Spare parts`?",
            "did you mean `proposal`?",
            "",
            "",
            "did you mean `open`?",
            "",
            "",
        ]
    );
    assert!(d.iter().all(|d| d["severity"] == "error"));
    // The file is rejected as a whole: no account is checked.
    let out = f.kamsite(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checked 1 account file (0 valid)"));
}

/// `period: 2026-Q7` no longer hides the other mistakes of kamsite.yaml.
#[test]
fn every_mistake_of_kamsite_yaml_in_one_run() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            "title: Review
period: 2026-Q7
currncy: EUR
fiscal_year_start: 13
managers:
  - { name: Dana, capacity: lots }
scoring:
  attractiveness: { size: 1e308 }
",
        )
        .account("acme.md", GOOD);
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "kamsite.yaml:2:9 expected a quarter like `2026-Q3`, found `2026-Q7`: a year has quarters Q1 to Q4",
            "kamsite.yaml:3:1 unknown key `currncy`",
            "kamsite.yaml:4:20 fiscal_year_start must be a month",
            "kamsite.yaml:6:29 expected a whole number, found `lots`",
            "kamsite.yaml:8:27 `scoring.attractiveness.size` is out of range: 1e308",
        ]
    );
    assert_eq!(d[1]["help"], "did you mean `currency`?");
    assert_eq!(d[4]["label"], "expected a weight from 0 to 10^6");
}

#[test]
fn an_unlisted_owner_is_a_warning_with_the_nearest_name() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            "managers:\n  - { name: Alex Example }\n  - { name: Dana Whitfield }\n",
        )
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: key\nowner: Alex Exmaple\n---\n",
        )
        .account(
            "bolt.md",
            "---\nname: Bolt\ndesignation: other\nowner: Zed\n---\n",
        )
        .account(
            "cato.md",
            "---\nname: Cato\ndesignation: key\nowner: Dana Whitfield\n---\n",
        );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "accounts/acme.md:4:8 owner `Alex Exmaple` is not a listed manager",
            "accounts/bolt.md:4:8 owner `Zed` is not a listed manager",
        ]
    );
    assert!(d.iter().all(|d| d["severity"] == "warning"));
    assert_eq!(d[0]["help"], "did you mean `Alex Example`?");
    assert_eq!(
        d[1]["help"],
        "the nearest listed manager is `Alex Example`; a new manager goes under `managers:` in kamsite.yaml"
    );
    // Without a managers list, any owner is fine.
    let f = Fixture::new().account(
        "acme.md",
        "---\nname: Acme\ndesignation: key\nowner: Alex Exmaple\n---\n",
    );
    assert!(f.diagnostics().is_empty());
}

#[test]
fn a_quoted_key_is_marked_without_its_quotes() {
    let d = only("---\nname: Acme\n\"desgnation\": key\n---\n");
    assert_at(&d, "accounts/acme.md", 3, 2, "unknown key `desgnation`");
    let out = Fixture::new()
        .account("acme.md", "---\nname: Acme\n\"desgnation\": key\n---\n")
        .kamsite(&["check"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        text.contains("3 | \"desgnation\": key\n  |  ^^^^^^^^^^ not a key"),
        "{text}"
    );
    // The same for a name checked against kamsite.yaml (a valid file, located afterwards).
    let f = Fixture::new()
        .file("kamsite.yaml", "offerings: [Spare parts]\n")
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: other\nwhitespace:\n  'Spare part': owned\n---\n",
        );
    assert_eq!(
        located(&f.diagnostics()),
        ["accounts/acme.md:5:4 unknown offering `Spare part`"]
    );
}

#[test]
fn crlf_and_bom_files_keep_exact_columns() {
    let f = Fixture::new()
        .account(
            "a.md",
            "\u{feff}---\r\nname: Acme\r\ndesignation: other\r\nteam:\r\n  - { name: Lee, rol: Finance }\r\nhealth: { nps: 300 }\r\n---\r\n",
        )
        .account(
            "b.md",
            "\u{feff}---\r\nname: B\r\ndesignation: other\r\nhealth: { nps: 300 }\r\n---\r\n",
        );
    assert_eq!(
        located(&f.diagnostics()),
        [
            "accounts/a.md:5:18 unknown key `rol`",
            "accounts/a.md:6:16 `health.nps` is out of range: 300",
            "accounts/b.md:4:16 `health.nps` is out of range: 300",
        ]
    );
}

#[test]
fn github_annotations_have_a_title() {
    let f = Fixture::new()
        .file("kamsite.yaml", "managers: [{ name: Dana }]\n")
        .account("acme.md", "---\nname: Acme\ndesgnation: key\n---\n")
        .account(
            "bolt.md",
            "---\nname: Bolt\ndesignation: key\nowner: Dan\nhealth: { nps: 300 }\n---\n",
        );
    let out = f
        .kamsite(&["check", "--format", "github"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("::error file=accounts/acme.md,line=3,col=1,title=unknown key::unknown key `desgnation`"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("::warning file=accounts/bolt.md,line=4,col=8,title=unlisted owner::owner `Dan` is not a listed manager"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("::error file=accounts/bolt.md,line=5,col=16,title=out of range::"),
        "{text}"
    );
    // JSON: still one object per problem.
    assert_eq!(f.diagnostics().len(), 3);
}

/// No value that would make a NaN or an infinity in the analysis gets through.
#[test]
fn numbers_beyond_the_documented_ranges_are_rejected() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            "scoring:\n  strength: { offer_fit: 1e308, service: .inf }\n",
        )
        .account(
            "acme.md",
            "---
name: Acme
designation: other
financials:
  - { period: 2026-Q2, revenue: 5e-324 }
  - { period: 2026-Q3, revenue: 1e29, gross_margin: -1.7e308 }
health: { satisfaction: .nan }
---
",
        );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "accounts/acme.md:5:33 `financials[0].revenue` is out of range: 5e-324",
            "accounts/acme.md:6:33 `financials[1].revenue` is out of range: 1e29",
            "accounts/acme.md:6:53 `financials[1].gross_margin` is out of range: -1.7e308",
            "accounts/acme.md:7:25 `health.satisfaction` is out of range: NaN",
            "kamsite.yaml:2:26 `scoring.strength.offer_fit` is out of range: 1e308",
            "kamsite.yaml:2:42 `scoring.strength.service` is out of range: inf",
        ]
    );
    assert_eq!(d[0]["label"], "expected 0 or an amount of at least 0.01");
    assert_eq!(d[1]["label"], "expected an amount from 0 to 10^15");
    assert_eq!(d[4]["label"], "expected a weight from 0 to 10^6");
}

#[test]
fn yaml_limits_and_shapes_in_the_users_words() {
    let d = only("---\nname: Acme\ndesignation: [key]\n---\n");
    assert_at(
        &d,
        "accounts/acme.md",
        3,
        14,
        "expected one of: key, candidate, other, found a list",
    );
    let deep = format!(
        "---\nname: Acme\ndesignation: other\nextra: {}{}\n---\n",
        "[".repeat(70),
        "]".repeat(70)
    );
    let d = only(&deep);
    let message = d["message"].as_str().unwrap_or("");
    assert!(
        message.contains("nested too deeply: at most 64 levels"),
        "{d:#}"
    );
    let f = Fixture::new()
        .file("kamsite.yaml", "title: A\n---\ntitle: B\n")
        .account("acme.md", GOOD);
    let all = f.diagnostics();
    // What could not be checked without it is said, not hidden.
    assert!(all.iter().any(|d| d["severity"] == "info"
        && d["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("1 account file was not checked against kamsite.yaml")));
    let d: Vec<_> = all.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("a second YAML document: kamsite reads one per file"),
        "{d:#?}"
    );
}

#[test]
fn a_file_given_as_the_portfolio_is_named_as_a_file() {
    let f = Fixture::new().account("acme.md", GOOD);
    let out = assert_cmd::Command::cargo_bin("kamsite")
        .unwrap()
        .current_dir(f.path())
        .args(["check", "accounts/acme.md"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("is a file, not a portfolio folder"), "{text}");
}
