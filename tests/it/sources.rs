//! CSV sources (SPEC §13): ERP financials and CRM opportunities merged into the accounts, every
//! problem of a CSV file at its cell in one run.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{located, Fixture, NO_COUNT};

/// kamsite.yaml reading a German ERP export (`;`, decimal comma, matched by `ids.erp`) and a
/// Salesforce report (`,`, matched by account id, CRM stage names mapped).
fn config() -> String {
    format!(
        "{NO_COUNT}as_of: 2026-10-05
sources:
  financials:
    file: data/erp.csv
    account: Customer No
    match: ids.erp
    delimiter: \";\"
    decimal: \",\"
    columns: {{ period: Quarter, revenue: Net sales, gross_margin: Gross margin,
               discount_pct: Discount % }}
  opportunities:
    file: data/crm.csv
    account: Account ID
    columns: {{ name: Opportunity Name, value: Amount, stage: Stage,
               probability: Probability (%), close: Close Date }}
    stages: {{ Prospecting: identified, Proposal/Price Quote: proposal, Closed Won: won }}
"
    )
}

/// Acme (ERP key 100457) with 2026-Q2 in its front matter; Beta (ERP key 200).
fn accounts(f: Fixture) -> Fixture {
    f.account(
        "acme.md",
        "---\nname: Acme\ndesignation: key\nowner: Dana\nids: { erp: 100457 }\nfinancials:\n  - { period: 2026-Q2, revenue: 100 }\n---\nBody\n",
    )
    .account(
        "beta.md",
        "---\nname: Beta\ndesignation: other\nids: { erp: \"200\" }\n---\nBody\n",
    )
}

const ERP_HEADER: &str = "Customer No;Quarter;Net sales;Gross margin;Discount %\n";
const CRM_HEADER: &str = "Account ID,Opportunity Name,Amount,Stage,Probability (%),Close Date\n";

fn portfolio(erp_rows: &str, crm_rows: &str) -> Fixture {
    accounts(Fixture::new())
        .file("kamsite.yaml", config())
        .file("data/erp.csv", format!("{ERP_HEADER}{erp_rows}"))
        .file("data/crm.csv", format!("{CRM_HEADER}{crm_rows}"))
}

fn export(f: &Fixture) -> serde_json::Value {
    let out = f
        .kamsite(&["export", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn account<'a>(export: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    export["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()
}

#[test]
fn every_problem_of_a_financials_file_at_its_cell_in_one_run() {
    let f = portfolio(
        "100457;2026-Q5;1.234,5;-5;4\n\
         100457;Q3 2026;x;1;150\n\
         100457;2026 Q2;1;2;3\n\
         100457;Q4/2026;90;2;3\n\
         100457;2026-Q4;1;2;3\n\
         999;2026-Q3;1;2;3\n",
        "",
    );
    assert_eq!(
        located(&f.diagnostics()),
        [
            "data/erp.csv:2:8 `Quarter` is not a quarter",
            "data/erp.csv:3:16 `Net sales` is not a number",
            "data/erp.csv:3:20 `Discount %` is out of range: 150",
            "data/erp.csv:4:8 2026-Q2 of account `acme` is given twice",
            "data/erp.csv:6:8 2026-Q4 of account `acme` is given twice",
            "data/erp.csv:7:1 no account has the `ids.erp` `999`; this row is not used",
        ]
    );
    let d = f.diagnostics();
    assert_eq!(
        d[3]["label"],
        "also in the front matter of accounts/acme.md:7"
    );
    assert_eq!(d[4]["label"], "also in data/erp.csv:5");
    assert_eq!(d[5]["severity"], "warning");
    assert_eq!(
        d[0]["label"],
        "expected a quarter like `2026-Q3`, `2026 Q3`, `Q3 2026` or `Q3/2026`, found `2026-Q5`: quarters are Q1 to Q4, years 1000 to 9999"
    );
}

#[test]
fn a_missing_header_is_an_error_at_the_header_line_with_the_nearest_name() {
    let f = accounts(Fixture::new())
        .file("kamsite.yaml", config().replace("Net sales", "Net Sales"))
        .file(
            "data/erp.csv",
            format!("{ERP_HEADER}100457;2026-Q9;1;2;3\n"),
        )
        .file("data/crm.csv", CRM_HEADER);
    let d = f.diagnostics();
    // The other columns are still checked, so one run shows every problem of the file.
    assert_eq!(
        located(&d),
        [
            "data/erp.csv:1:1 the header has no column `Net Sales`",
            "data/erp.csv:2:8 `Quarter` is not a quarter",
        ]
    );
    assert_eq!(d[0]["help"], "did you mean `Net sales`?");
}

#[test]
fn opportunities_map_stages_default_probabilities_and_check_every_cell() {
    let f = portfolio(
        "",
        "acme,\"Rollout, phase 2\",1000,Proposal/Price Quote,,Q1 2027\n\
         acme,Spares,\"2,000\",Prospecting,,2026-12-31\n\
         acme,Won,\"1,000.50\",Closed Won,,\n",
    );
    let e = export(&f);
    let acme = account(&e, "acme");
    // Open only: 1000 × 50 % (proposal's default) + 2000 × 10 % (identified's).
    assert_eq!(acme["metrics"]["pipeline"], 3000.0);
    assert_eq!(acme["metrics"]["weighted_pipeline"], 700.0);

    let f = portfolio(
        "",
        "acme,Bad stage,10,Closed Wonn,,\n\
         acme,Bad probability,10,Prospecting,101,\n\
         acme,,10,Prospecting,,2027-13-01\n",
    );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "data/crm.csv:2:19 unknown stage `Closed Wonn`",
            "data/crm.csv:3:37 `Probability (%)` is out of range: 101",
            "data/crm.csv:4:6 `Opportunity Name` is empty",
            "data/crm.csv:4:23 `Close Date` is not a quarter or a date",
        ]
    );
    assert_eq!(d[0]["help"], "did you mean `Closed Won`?");
}

#[test]
fn a_stage_without_a_stages_map_must_be_a_kamsite_stage() {
    let f = accounts(Fixture::new())
        .file(
            "kamsite.yaml",
            config().replace(
                "    stages: { Prospecting: identified, Proposal/Price Quote: proposal, Closed Won: won }\n",
                "",
            ),
        )
        .file("data/erp.csv", ERP_HEADER)
        .file("data/crm.csv", format!("{CRM_HEADER}acme,Deal,10,qualifed,,\n"));
    let d = f.diagnostics();
    assert_eq!(located(&d), ["data/crm.csv:2:14 unknown stage `qualifed`"]);
    assert_eq!(d[0]["help"], "did you mean `qualified`?");
}

#[test]
fn quoted_delimiters_doubled_quotes_bom_and_crlf_are_read() {
    let f = accounts(Fixture::new())
        .file("kamsite.yaml", config())
        .file(
            "data/erp.csv",
            "\u{feff}Customer No;Quarter;Net sales;Gross margin;Discount %\r\n\
             \"100457\";2026 Q3;\"1.234,50\";\"-5\";\"4,5\"\r\n\
             200;Q3 2026;;;\r\n",
        )
        .file(
            "data/crm.csv",
            format!("{CRM_HEADER}acme,\"The \"\"big\"\" one; a, b\",10,Prospecting,,\n"),
        );
    let e = export(&f);
    let acme = account(&e, "acme");
    assert_eq!(acme["metrics"]["revenue"], 1234.5);
    assert_eq!(acme["metrics"]["margin_pct"], -5.0 / 1234.5 * 100.0);
    let f = f.file(
        "data/erp.csv",
        "\u{feff}Customer No;Quarter;Net sales;Gross margin;Discount %\r\n100457;2026 Q3;1;2;x\r\n",
    );
    // The BOM is not a character of the line, and CRLF lines count like LF ones.
    assert_eq!(
        located(&f.diagnostics()),
        ["data/erp.csv:2:20 `Discount %` is not a number"]
    );
}

#[test]
fn the_same_erp_key_on_two_accounts_names_both_files() {
    let f = portfolio("", "").account(
        "gamma.md",
        "---\nname: Gamma\ndesignation: other\nids: { erp: 100457 }\n---\n",
    );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        ["accounts/gamma.md:4:13 duplicate `ids.erp` key `100457`"]
    );
    assert_eq!(d[0]["label"], "also the erp key of accounts/acme.md");
}

#[test]
fn a_missing_file_and_bad_settings_point_at_kamsite_yaml() {
    let f = accounts(Fixture::new()).file(
        "kamsite.yaml",
        config()
            .replace("match: ids.erp", "match: erp")
            .replace("data/crm.csv", "data/nope.csv"),
    );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "kamsite.yaml:8:12 `match: erp` is not a way to match accounts",
            "kamsite.yaml:14:11 the opportunities source `data/nope.csv` does not exist",
        ]
    );
}

#[test]
fn csv_problems_show_in_all_three_formats() {
    let f = portfolio("100457;2026-Q3;1,2,3;2;3\n", "");
    let human = f.kamsite(&["check"]).output().unwrap();
    let human = String::from_utf8_lossy(&human.stderr).to_string()
        + &String::from_utf8_lossy(&human.stdout);
    assert!(human.contains("--> data/erp.csv:2:16"), "{human}");
    assert!(human.contains("2 | 100457;2026-Q3;1,2,3;2;3"), "{human}");
    let github = f
        .kamsite(&["check", "--format", "github"])
        .output()
        .unwrap();
    let github = String::from_utf8_lossy(&github.stdout);
    assert!(
        github.contains("::error file=data/erp.csv,line=2,col=16"),
        "{github}"
    );
    assert_eq!(
        located(&f.diagnostics()),
        ["data/erp.csv:2:16 `Net sales` is not a number"]
    );
}

/// Every file of a built site, the account pages without their "Source:" line (the one thing
/// that must differ: it says where the figures come from).
fn site(f: &Fixture) -> BTreeMap<String, String> {
    f.kamsite(&["build", "-q", "-o", "site"])
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .assert()
        .success();
    let mut out = BTreeMap::new();
    let root = f.path().join("site");
    for e in walk(&root) {
        let rel = e.strip_prefix(&root).unwrap().to_string_lossy().to_string();
        let mut text = String::from_utf8_lossy(&std::fs::read(&e).unwrap()).to_string();
        if let Some(start) = text.find("<p class=\"figure-sources\">") {
            let end = start + text[start..].find("</p>").unwrap() + 4;
            text.replace_range(start..end, "");
        }
        out.insert(rel, text);
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn data_in_csv_and_the_same_data_inline_give_identical_exports_and_sites() {
    let inline = Fixture::new()
        .file("kamsite.yaml", format!("{NO_COUNT}as_of: 2026-10-05\n"))
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: key\nowner: Dana\nfinancials:\n  - { period: 2026-Q2, revenue: 100 }\n  - { period: 2026-Q3, revenue: 1234.5, gross_margin: -5, discount_pct: 4.5 }\nopportunities:\n  - { name: Own, value: 7, stage: qualified }\n  - { name: \"Rollout, phase 2\", value: 1000, stage: proposal, close: 2027-Q1 }\n---\nBody\n",
        )
        .account(
            "beta.md",
            "---\nname: Beta\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 10 }\n---\nBody\n",
        );
    let csv = accounts(Fixture::new())
        .file("kamsite.yaml", config())
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: key\nowner: Dana\nids: { erp: 100457 }\nfinancials:\n  - { period: 2026-Q2, revenue: 100 }\nopportunities:\n  - { name: Own, value: 7, stage: qualified }\n---\nBody\n",
        )
        .file(
            "data/erp.csv",
            format!("{ERP_HEADER}100457;2026-Q3;1.234,50;-5;4,5\n200;Q3 2026;10;;\n"),
        )
        .file(
            "data/crm.csv",
            format!("{CRM_HEADER}acme,\"Rollout, phase 2\",1000,Proposal/Price Quote,,Q1 2027\n"),
        );
    assert_eq!(export(&inline), export(&csv));
    let (a, b) = (site(&inline), site(&csv));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs");
    }
    // The account page says where its figures come from.
    let page = std::fs::read_to_string(csv.path().join("site/accounts/acme/index.html")).unwrap();
    assert!(
        page.contains("2026-Q3: data/erp.csv, line 2 · 2026-Q2: accounts/acme.md · 1 opportunity: accounts/acme.md · 1 opportunity: data/crm.csv, line 2"),
        "{page}"
    );
}

#[test]
fn a_git_baseline_reads_the_csv_files_of_that_revision() {
    let f = portfolio("100457;2026-Q3;1.000;2;3\n", "acme,Deal,10,Prospecting,,\n");
    let dir = f.path().to_path_buf();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .current_dir(&dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "good"]);
    // The working tree's CSV changes; the revision's is what the baseline reads.
    let f = f.file(
        "data/erp.csv",
        format!("{ERP_HEADER}100457;2026-Q3;2.000;2;3\n"),
    );
    f.kamsite(&["build", "-q", "--baseline", "HEAD"])
        .assert()
        .success();
    // A revision whose CSV is broken is refused, though today's is fine.
    let f = f.file(
        "data/erp.csv",
        format!("{ERP_HEADER}100457;2026-Q3;x;2;3\n"),
    );
    git(&["commit", "-qam", "broken"]);
    let f = f.file(
        "data/erp.csv",
        format!("{ERP_HEADER}100457;2026-Q3;2.000;2;3\n"),
    );
    let out = f
        .kamsite(&["build", "-q", "--baseline", "HEAD"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("at `HEAD (") && err.contains("1 error"),
        "{err}"
    );
}

/// `kamsite init` writes a commented `sources:` example; uncommented, it reads real exports.
#[test]
fn the_init_example_of_sources_works_once_uncommented() {
    let scaffold = include_str!("../../src/cli/scaffold/kamsite.yaml");
    let at = scaffold.find("# sources:").unwrap();
    let uncommented: String = scaffold[at..]
        .lines()
        .map(|l| format!("{}\n", &l[2..]))
        .collect();
    let f = Fixture::new()
        .file("kamsite.yaml", format!("{NO_COUNT}{uncommented}"))
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: other\nids: { erp: 0000100457, crm: 0015g00000AbCdE }\n---\n",
        )
        .file(
            "data/sap-umsatz.csv",
            encoding_rs::WINDOWS_1252
                .encode(
                    "Umsatzstatistik;;;;;;\nBuchungskreis 1000, Währung EUR;;;;;;\n\
                     Kundennr;Quartal;Umsatz netto;Rohertrag;Cost to serve;Category spend;Rabatt %\n\
                     0000100457;Q3/2026;1.250.000,00;410.000,00;120.000,00;4.800.000,00;6,5\n\
                     0000900001;Q3/2026;10.000,00;2.000,00-;1.000,00;;\n\
                     Summe;;1.260.000,00;408.000,00;121.000,00;;\n",
                )
                .0,
        )
        .file(
            "data/salesforce-opportunities.csv",
            "\"Account ID\",\"Opportunity Name\",\"Product\",\"Amount\",\"Stage\",\"Probability (%)\",\"Close Date\"\n\
             \"0015g00000AbCdE\",\"Rollout, phase 2\",\"Spare parts\",\"600,000.00\",\"Proposal/Price Quote\",\"40\",\"3/31/2027\"\n\
             \n\
             \"Grand Totals (1 record)\",,,\"600,000.00\",,,\n\
             \"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n",
        );
    let d = f.diagnostics();
    assert!(
        d.iter().all(|d| d["severity"] == "info"),
        "{:?}",
        located(&d)
    );
    let e = export(&f);
    let acme = account(&e, "acme");
    assert_eq!(acme["metrics"]["revenue"], 1_250_000.0);
    assert_eq!(acme["metrics"]["weighted_pipeline"], 240_000.0);
}

#[test]
fn a_source_outside_the_portfolio_is_refused() {
    for file in ["../erp.csv", "/etc/passwd", "data/../../erp.csv"] {
        let f = accounts(Fixture::new())
            .file("kamsite.yaml", config().replace("data/erp.csv", file))
            .file("data/crm.csv", CRM_HEADER);
        std::fs::write(f.path().join("../erp.csv"), ERP_HEADER).unwrap();
        let d = f.diagnostics();
        assert_eq!(
            located(&d),
            [format!(
                "kamsite.yaml:6:11 `file: {file}` is not a file inside the portfolio"
            )]
        );
    }
}

#[test]
fn stages_under_financials_are_refused_not_ignored() {
    let f = portfolio("", "").file(
        "kamsite.yaml",
        config().replace(
            "    decimal: \",\"\n",
            "    decimal: \",\"\n    stages: { Won: won }\n",
        ),
    );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        ["kamsite.yaml:11:5 `stages` maps opportunity stages; financials have none"]
    );
    assert_eq!(d[0]["help"], "move `stages:` under `opportunities:`");
}
