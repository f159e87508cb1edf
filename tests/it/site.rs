//! `kamsite build`: safe, atomic, deterministic output, and no way to inject HTML.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

use crate::common;
use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use common::{Fixture, NO_COUNT};
use predicates::prelude::*;

/// A small portfolio with one key account carrying numbers, people and a narrative.
fn fixture() -> Fixture {
    Fixture::new()
        .file("kamsite.yaml", format!("title: Test Review\ncompany: Test Co\nas_of: 2026-10-05\nofferings: [Parts, Service]\n{NO_COUNT}"))
        .file("overview.md", "## Summary\n\nAll **good**.\n")
        .account(
            "acme.md",
            "---\nname: Acme GmbH\ndesignation: key\nowner: Dana Whitfield\nsponsor: Maria\nteam: [{ name: Lee, role: Finance }]\nrelationship: { stage: cooperative, target: integrated, rating: { ours: 4, theirs: 4 } }\nplan: { horizon_months: 24, last_reviewed: 2026-09-01, objectives: [Grow] }\nattractiveness: { profitability: 4, revenue_potential: 5 }\nstrength: { offer_fit: 4, service: 3 }\nfinancials:\n  - { period: 2025-Q3, revenue: 1000000, gross_margin: 300000, cost_to_serve: 100000, category_spend: 4000000 }\n  - { period: 2026-Q2, revenue: 1100000, gross_margin: 330000, cost_to_serve: 110000, category_spend: 4000000 }\n  - { period: 2026-Q3, revenue: 1250000, gross_margin: 410000, cost_to_serve: 120000, category_spend: 4800000, discount_pct: 2 }\nhealth: { satisfaction: 8, nps: 30, retention_risk: low }\ncontacts:\n  - { name: Jonas, role: buyer, stance: supporter, our_contact: Dana Whitfield }\n  - { name: Ingrid, role: decision_maker, stance: champion, our_contact: Lee }\n  - { name: Pieter, role: user, stance: neutral, our_contact: Lee }\nopportunities: [{ name: Rollout, offering: Service, value: 600000, stage: proposal, close: 2027-Q1 }]\njoint_initiatives: [{ name: Forecasting, status: active }]\nwhitespace: { Parts: owned, Service: opportunity }\nactions: [{ action: Workshop, owner: Dana Whitfield, due: 2026-12-10 }]\n---\n## The customer's business\n\nMakes machines.\n\n## Risks\n\n- Price pressure\n",
        )
        .account("beta.md", "---\nname: Beta Ltd\ndesignation: other\nfinancials: [{ period: 2026-Q3, revenue: 200000 }]\n---\nSmall.\n")
}

fn build(f: &Fixture, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("kamsite").unwrap();
    cmd.current_dir(f.path())
        .arg("build")
        .arg(".")
        .args(extra)
        .env("NO_COLOR", "1");
    cmd.assert()
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn read(f: &Fixture, rel: &str) -> String {
    std::fs::read_to_string(f.path().join(rel)).unwrap()
}

#[test]
fn builds_every_page_with_relative_links() {
    let f = fixture();
    build(&f, &[])
        .success()
        .stderr(predicate::str::contains("built 2 accounts"));
    let files = tree(&f.path().join("public"));
    for page in [
        "index.html",
        "accounts/index.html",
        "accounts/acme/index.html",
        "accounts/beta/index.html",
        "managers/index.html",
        "managers/dana-whitfield/index.html",
        "findings/index.html",
        "actions/index.html",
        "whitespace/index.html",
        "data/portfolio.json",
        "data/accounts.csv",
        "assets/style.css",
        "assets/site.js",
        ".kamsite-output",
    ] {
        assert!(
            files.contains_key(page),
            "{page} missing: {:?}",
            files.keys()
        );
    }
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("href=\"/") && !text.contains("src=\"/"),
            "{path} has a root-absolute link"
        );
        for remote in ["src=\"http", "href=\"http", "url(http", "@import"] {
            assert!(
                !text.contains(remote),
                "{path} would fetch from the network ({remote})"
            );
        }
    }
    let page = read(&f, "public/accounts/acme/index.html");
    assert!(page.contains("href=\"../../assets/style.css\""));
    assert!(
        page.contains("Review period <strong>2026-Q3</strong> · as of <strong><span class=\"date\">2026-10-05</span></strong>")
    );
}

#[test]
fn output_is_byte_identical_across_builds() {
    let f = fixture();
    build(&f, &[]).success();
    let first = tree(&f.path().join("public"));
    build(&f, &[]).success();
    assert_eq!(first, tree(&f.path().join("public")));
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let f = fixture();
    build(&f, &[]).success();
    let before = tree(&f.path().join("public"));
    let f = f.file("templates/account.html", "{% extends \"base.html\" %}{% block content %}{{ page.nope.deeper }}{% endblock content %}");
    build(&f, &[])
        .code(1)
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(before, tree(&f.path().join("public")));
    // and no staging folder is left behind
    let leftovers: Vec<_> = std::fs::read_dir(f.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("kamsite-new"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn invalid_input_writes_nothing() {
    let f = fixture().account("bad.md", "---\nname: Bad\ndesignation: nope\n---\n");
    build(&f, &[]).code(1);
    assert!(!f.path().join("public").exists());
}

#[test]
fn a_foreign_folder_is_refused_and_kept() {
    let f = fixture().file("site/notes.txt", "mine");
    build(&f, &["-o", "site"])
        .code(1)
        .stderr(predicate::str::contains("was not created by kamsite"));
    assert_eq!(read(&f, "site/notes.txt"), "mine");
    // An empty folder is fine.
    std::fs::create_dir(f.path().join("empty")).unwrap();
    build(&f, &["-o", "empty"]).success();
}

#[test]
fn the_portfolio_itself_is_refused_as_output() {
    let f = fixture();
    for target in [".", "accounts", "accounts/site", ".."] {
        build(&f, &["-o", target])
            .code(1)
            .stderr(predicate::str::contains("portfolio's sources"));
    }
    assert!(f.path().join("accounts/acme.md").is_file());
}

#[test]
fn html_in_names_and_narratives_never_reaches_the_page() {
    let f = fixture().account(
        "evil.md",
        "---\nname: \"<script>alert(1)</script>Evil\"\ndesignation: other\nowner: \"<img src=x onerror=alert(2)>\"\ntags: [\"\\\"><b>x</b>\"]\n---\n<script>alert(3)</script>\n\n<img src=x onerror=\"alert(4)\">\n\n[click](javascript:alert(5))\n\n<a href=\"javascript:alert(6)\">x</a>\n",
    );
    build(&f, &[]).success();
    for (path, bytes) in tree(&f.path().join("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        // Escaped text such as `&lt;img … onerror=…&gt;` is harmless; live tags and URLs are not.
        for bad in [
            "<script>alert",
            "<img src=x onerror",
            "<img src=\"x\" onerror",
            "href=\"javascript:",
            "<b>x</b>",
        ] {
            assert!(!text.contains(bad), "{bad} reached {path}");
        }
    }
    assert!(
        read(&f, "public/accounts/evil/index.html")
            .contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;Evil")
            || read(&f, "public/accounts/evil/index.html")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;Evil")
    );
}

#[test]
fn incognito_masks_money_everywhere() {
    // An unprofitable account: its finding's message names the loss, which must be masked too.
    let f = fixture().account(
        "loss.md",
        "---\nname: Loss Co\ndesignation: other\nfinancials: [{ period: 2026-Q3, revenue: 90000, gross_margin: 10000, cost_to_serve: 48000 }]\n---\n",
    );
    build(&f, &["--incognito"]).success();
    let files = tree(&f.path().join("public"));
    assert!(
        !files.contains_key("data/portfolio.json"),
        "exports carry amounts and are not written"
    );
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        for amount in [
            "1,250,000",
            "1250000",
            "600,000",
            "1.2M",
            "200,000",
            "38,000",
        ] {
            assert!(!text.contains(amount), "{amount} visible in {path}");
        }
    }
    assert!(read(&f, "public/index.html").contains("•••"));
    assert!(read(&f, "public/findings/index.html").contains("profit of ••• in 2026-Q3"));
}

#[test]
fn portfolio_templates_override_built_ins_and_static_is_copied() {
    let f = fixture()
        .file("templates/actions.html", "{% extends \"base.html\" %}{% block content %}<h1>Our actions</h1>{% endblock content %}")
        .file("static/logo.txt", "logo");
    build(&f, &[]).success();
    assert!(read(&f, "public/actions/index.html").contains("<h1>Our actions</h1>"));
    assert_eq!(read(&f, "public/logo.txt"), "logo");
}

/// The page's `<main>`, with each chart's SVG drawing reduced to its title: the snapshot then
/// shows what a reader sees (figures, tables, wording) and not plotters' coordinates.
fn main_without_drawings(html: &str) -> String {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + "</main>".len();
    let mut main = &html[start..end];
    let mut out = String::new();
    while let Some(open) = main.find("<svg") {
        out.push_str(&main[..open]);
        let close = main[open..].find("</svg>").unwrap() + open + "</svg>".len();
        let svg = &main[open..close];
        // A chart is named by its caption: the id it points at stands for the drawing.
        let name = svg
            .split("aria-labelledby=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or("");
        out.push_str(&format!("<svg labelled-by {name}></svg>"));
        main = &main[close..];
    }
    out.push_str(main);
    out
}

#[test]
fn snapshot_dashboard_and_account_page() {
    let f = fixture();
    build(&f, &[]).success();
    insta::assert_snapshot!(
        "dashboard",
        main_without_drawings(&read(&f, "public/index.html"))
    );
    insta::assert_snapshot!(
        "account",
        main_without_drawings(&read(&f, "public/accounts/acme/index.html"))
    );
}

/// The effectiveness page shows the analysis' figures for the fixture, by hand: Acme (key)
/// 1,000,000 → 1,250,000 is +25.0 %; margin 30 % → 32.8 % is +2.8 pt; cost to serve 10 % →
/// 9.6 % of revenue is −4.0 %; Beta (other) has no P−4 and is covered by no ratio.
#[test]
fn effectiveness_page_shows_hand_computed_figures_with_coverage() {
    let f = fixture();
    build(&f, &[]).success();
    let page = read(&f, "public/effectiveness/index.html");
    for expected in [
        "<th scope=\"row\">Revenue growth</th><td class=\"num\">+25.0 %</td><td class=\"num\">1 of 1</td><td class=\"num\">—</td><td class=\"num\">0 of 1</td><td>+5 to +10 %</td>",
        "<th scope=\"row\">Gross margin change</th><td class=\"num\">+2.8 pt</td>",
        "<th scope=\"row\">Cost to serve change (share of revenue)</th><td class=\"num\">-4.0 %</td>",
        "with a time lag",
    ] {
        assert!(page.contains(expected), "missing {expected} in {page}");
    }
    assert!(read(&f, "public/index.html").contains("effectiveness/index.html"));
}

/// Every id on a page is unique, whatever the account ids and headings: a fragment link (the
/// pack's contents, a matrix bubble, a chart's numbers) must land on its own target. Found by
/// a hostile try: accounts `foo` and `foo-h` in the pack, and a `## H` heading in a plan or
/// the overview, produced the same id twice.
#[test]
fn ids_are_unique_on_every_page_whatever_the_names() {
    let key = |name: &str| {
        format!("---\nname: {name}\ndesignation: key\nowner: Dana\ncontacts:\n  - {{ name: Ann, role: buyer }}\n---\n## H\n\n## Rel\n\nText.\n")
    };
    let f = Fixture::new()
        .file("kamsite.yaml", format!("as_of: 2026-10-05\n{NO_COUNT}"))
        .file("overview.md", "## H\n\nThe portfolio.\n")
        .account("foo.md", key("Foo"))
        .account("foo-h.md", key("Foo H"));
    f.kamsite(&["build", "-q"]).assert().success();
    for page in [
        "public/index.html",
        "public/pack/index.html",
        "public/accounts/foo/index.html",
        "public/accounts/foo-h/index.html",
    ] {
        let html = read(&f, page);
        let mut seen = std::collections::BTreeSet::new();
        for id in html
            .split(" id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
        {
            assert!(seen.insert(id.to_string()), "id {id:?} twice in {page}");
        }
    }
}

/// A criterion weighted 0 is left out of the score (docs/format.md), so its chart has no bar
/// for it either; the score's table still lists it, with its weight.
#[test]
fn a_criterion_weighted_zero_has_no_bar() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            format!("as_of: 2026-10-05\n{NO_COUNT}scoring:\n  attractiveness: {{ profitability: 2, strategic_value: 0 }}\n"),
        )
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: key\nowner: Dana\nattractiveness: { profitability: 4, strategic_value: 5 }\n---\n",
        );
    f.kamsite(&["build", "-q"]).assert().success();
    let html = read(&f, "public/accounts/acme/index.html");
    let chart = &html[html.find("id=\"fig-att\"").unwrap()..];
    let svg = &chart[chart.find("<svg").unwrap()..chart.find("</svg>").unwrap()];
    assert!(svg.contains(">profitability<"), "{svg}");
    assert!(!svg.contains("strategic value"), "{svg}");
    let table = &html[html.find("id=\"score-attractiveness\"").unwrap()..];
    assert!(table[..table.find("</table>").unwrap()].contains("strategic value"));
}
