//! `kamsite build --reviews` (SPEC §14): a git repository with three tagged reviews — accounts
//! added, removed, re-designated and moved across the matrix — gives an archive of every review,
//! a trends page and `data/trends.json` equal to `kamsite export` at each tag; a tag whose
//! portfolio does not load is named with its problems and nothing is written.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command as Std;

use assert_cmd::Command;
use serde_json::{json, Value};

/// A key or candidate account: profitability 5 is attractive (strategic with offer_fit 4),
/// profitability 1 is not (status).
fn account(name: &str, designation: &str, profitability: u8, periods: &[(&str, u32)]) -> String {
    let fin: Vec<String> = periods
        .iter()
        .map(|(p, r)| format!("{{ period: {p}, revenue: {r} }}"))
        .collect();
    format!(
        "---\nname: {name}\ndesignation: {designation}\nowner: Dana\nattractiveness: {{ profitability: {profitability} }}\nstrength: {{ offer_fit: 4 }}\nfinancials: [{}]\n---\n",
        fin.join(", ")
    )
}

const CONFIG: &str = "findings:\n  key-account-count: { enabled: false }\n";

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str], date: &str) -> String {
        let out = Std::new("git")
            .current_dir(self.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Commits everything and tags it (annotated when `annotated`).
    fn review(&self, tag: &str, date: &str, annotated: bool) {
        self.git(&["add", "-A"], date);
        self.git(&["commit", "-q", "-m", tag], date);
        if annotated {
            self.git(&["tag", "-a", "-m", tag, tag], date);
        } else {
            self.git(&["tag", tag], date);
        }
    }
}

/// The current portfolio's date (it sets no `as_of`).
const NOW: &str = "1793836800"; // 2026-11-05

fn kamsite(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("kamsite")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", NOW)
        .assert()
}

/// Q1: Acme (key, strategic) and Beta (key). Q2 (annotated tag): Acme moves to status, Beta
/// leaves, Gamma arrives as a candidate. Q3 (no `as_of`: the commit date counts): Gamma
/// becomes key, Delta arrives. Now: as Q3, with Delta gone.
fn three_reviews() -> Repo {
    let r = Repo {
        dir: tempfile::tempdir().unwrap(),
    };
    r.git(&["init", "-q"], "2026-04-01T00:00:00Z");
    r.write("kamsite.yaml", &format!("as_of: 2026-04-05\n{CONFIG}"));
    let q1 = [("2026-Q1", 100)];
    r.write("accounts/acme.md", &account("Acme", "key", 5, &q1));
    r.write("accounts/beta.md", &account("Beta", "key", 4, &q1));
    r.review("review/2026-Q1", "2026-04-05T10:00:00Z", false);

    r.write("kamsite.yaml", &format!("as_of: 2026-07-05\n{CONFIG}"));
    let q2 = [("2026-Q1", 100), ("2026-Q2", 200)];
    r.write("accounts/acme.md", &account("Acme", "key", 1, &q2));
    std::fs::remove_file(r.path().join("accounts/beta.md")).unwrap();
    r.write("accounts/gamma.md", &account("Gamma", "candidate", 5, &q2));
    r.review("review/2026-Q2", "2026-07-05T10:00:00Z", true);

    r.write("kamsite.yaml", CONFIG);
    let q3 = [("2026-Q2", 200), ("2026-Q3", 300)];
    r.write("accounts/gamma.md", &account("Gamma", "key", 5, &q3));
    r.write("accounts/delta.md", &account("Delta", "candidate", 3, &q3));
    r.review("review/2026-Q3", "2026-10-05T10:00:00Z", false);
    // A tag that does not match the pattern is not a review.
    r.git(&["tag", "release-1"], "2026-10-06T10:00:00Z");

    std::fs::remove_file(r.path().join("accounts/delta.md")).unwrap();
    r
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Every relative `href`/`src` of every page resolves to a file, as a browser opening the
/// pages from `file://` would need.
fn links_resolve(site: &Path) {
    for (rel, bytes) in tree(site) {
        if rel.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let page = String::from_utf8(bytes).unwrap();
        let links = page
            .split("href=\"")
            .skip(1)
            .chain(page.split("src=\"").skip(1))
            .filter_map(|s| s.split('"').next())
            .map(|l| l.split('#').next().unwrap_or(""))
            .filter(|l| !l.is_empty() && !l.contains(':'));
        for link in links {
            let target = site.join(&rel).parent().unwrap().join(link);
            assert!(
                target.is_file(),
                "{}: link {link} goes nowhere",
                rel.display()
            );
        }
    }
}

/// What trends.json keeps of one export.
fn projected(export: &Value, tag: Option<&str>, commit: Option<&str>) -> Value {
    let accounts: Vec<Value> = export["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            // The scores without their components (the export's v1.2 detail).
            let mut scores = a["scores"].clone();
            scores.as_object_mut().unwrap().remove("components");
            json!({
                "id": a["id"], "designation": a["designation"], "quadrant": a["quadrant"],
                "scores": scores, "revenue_ttm": a["metrics"]["revenue_ttm"],
            })
        })
        .collect();
    json!({
        "tag": tag, "commit": commit, "period": export["period"], "as_of": export["as_of"],
        "portfolio": export["portfolio"], "accounts": accounts,
    })
}

/// `kamsite export --format json` on a checkout of `tag` (its commit date as the date, as
/// SPEC §14 says when its kamsite.yaml sets none).
fn export_at(r: &Repo, tag: &str) -> Value {
    let checkout = tempfile::tempdir().unwrap();
    let dest = checkout.path().to_str().unwrap().to_string();
    r.git(
        &["worktree", "add", "-q", "--detach", &dest, tag],
        "2026-11-05T00:00:00Z",
    );
    let seconds = r.git(&["show", "-s", "--format=%ct", tag], "2026-11-05T00:00:00Z");
    let out = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "json", &dest])
        .env("SOURCE_DATE_EPOCH", seconds)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    r.git(
        &["worktree", "remove", "--force", &dest],
        "2026-11-05T00:00:00Z",
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn three_reviews_give_an_archive_trends_and_the_exports_of_each_tag() {
    let r = three_reviews();
    kamsite(r.path(), &["build", ".", "-q", "--reviews", "review/*"]).success();
    let site = r.path().join("public");

    // The archive: each review as it was, against the one before it.
    for slug in ["review-2026-q1", "review-2026-q2", "review-2026-q3"] {
        assert!(site.join(format!("reviews/{slug}/index.html")).is_file());
    }
    assert!(!site.join("reviews/review-2026-q1/changes").exists());
    let q2_changes = read(&site.join("reviews/review-2026-q2/changes/index.html"));
    assert!(
        q2_changes.contains("Changes since review/2026-Q1 ("),
        "{q2_changes}"
    );
    assert!(q2_changes.contains("<strong>strategic → status</strong>"));
    assert!(q2_changes.contains("Beta (<code>beta</code>)"));
    assert!(site
        .join("reviews/review-2026-q1/accounts/beta/index.html")
        .is_file());
    assert!(!site.join("reviews/review-2026-q2/accounts/beta").exists());
    let q3 = read(&site.join("reviews/review-2026-q3/index.html"));
    // Q3 sets no as_of: its commit date is its date.
    assert!(
        q3.contains("as of <strong><span class=\"date\">2026-10-05</span></strong>"),
        "{q3}"
    );
    assert!(q3.contains("<strong>Archived review review/2026-Q3</strong>"));
    assert!(!read(&site.join("index.html")).contains("Archived review"));
    // The current site compares with the newest review.
    let now = read(&site.join("changes/index.html"));
    assert!(now.contains("Changes since review/2026-Q3 ("), "{now}");
    assert!(now.contains("Delta (<code>delta</code>)"), "{now}");

    // The reviews index, newest first, linked from every page's navigation.
    let index = read(&site.join("reviews/index.html"));
    let rows: Vec<&str> = index.split("<tr><th scope=\"row\">").skip(1).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].starts_with("<a href=\"../reviews/review-2026-q3/index.html\">review/2026-Q3</a></th><td>2026-Q3</td><td>2026-10-05</td><td>3</td><td>2</td><td>600</td>"), "{}", rows[0]);
    assert!(rows[2].starts_with("<a href=\"../reviews/review-2026-q1/index.html\">review/2026-Q1</a></th><td>2026-Q1</td><td>2026-04-05</td><td>2</td><td>2</td><td>200</td>"), "{}", rows[2]);
    for page in [
        "index.html",
        "accounts/acme/index.html",
        "reviews/review-2026-q1/index.html",
        "reviews/review-2026-q1/accounts/acme/index.html",
    ] {
        let html = read(&site.join(page));
        assert!(html.contains(">Reviews</a>"), "{page}");
        assert!(html.contains(">Trends</a>"), "{page}");
    }
    links_resolve(&site);

    // Trends: appeared, left, re-designated, moved.
    let trends = read(&site.join("trends/index.html"));
    for expected in [
        "<strong>review/2026-Q1 → review/2026-Q2</strong>: appeared: Gamma (gamma); left: Beta (beta)",
        "<strong>review/2026-Q2 → review/2026-Q3</strong>: appeared: Delta (delta); left: none",
        "<strong>review/2026-Q3 → current</strong>: appeared: none; left: Delta (delta)",
        "Gamma (gamma): candidate → <strong>key</strong> at review/2026-Q3",
        "<td>key · strategic</td><td>key · status</td><td>key · status</td><td>key · status</td>",
        "aria-label=\"Attractiveness: 100 → 0 → 0 → 0\"",
    ] {
        assert!(trends.contains(expected), "{expected}\n{trends}");
    }
    assert!(trends.contains("id=\"fig-trend-revenue\""));

    // data/trends.json is each tag's export, then the current state's.
    let doc: Value = serde_json::from_str(&read(&site.join("data/trends.json"))).unwrap();
    assert_eq!(doc["schema"], "kamsite/trends/v1");
    let reviews = doc["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 4);
    for (i, tag) in ["review/2026-Q1", "review/2026-Q2", "review/2026-Q3"]
        .into_iter()
        .enumerate()
    {
        let commit = r.git(&["rev-parse", &format!("{tag}^{{commit}}")], "");
        assert_eq!(
            reviews[i],
            projected(&export_at(&r, tag), Some(tag), Some(&commit)),
            "{tag}"
        );
    }
    let current = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "json", "."])
        .current_dir(r.path())
        .env("SOURCE_DATE_EPOCH", NOW)
        .output()
        .unwrap();
    let current: Value = serde_json::from_slice(&current.stdout).unwrap();
    assert_eq!(reviews[3], projected(&current, None, None));
    assert_eq!(reviews[2]["as_of"], "2026-10-05");
    assert_eq!(reviews[0]["portfolio"]["revenue"], 200);

    // Same inputs, same bytes.
    let first = tree(&site);
    kamsite(r.path(), &["build", ".", "-q", "--reviews", "review/*"]).success();
    assert_eq!(first, tree(&site));
}

#[test]
fn an_explicit_baseline_wins_over_the_newest_review() {
    let r = three_reviews();
    kamsite(
        r.path(),
        &[
            "build",
            ".",
            "-q",
            "--reviews",
            "review/*",
            "--baseline",
            "review/2026-Q1",
        ],
    )
    .success();
    let now = read(&r.path().join("public/changes/index.html"));
    assert!(now.contains("Changes since review/2026-Q1 ("), "{now}");
}

#[test]
fn a_tag_that_does_not_load_is_named_with_its_problems_and_nothing_is_written() {
    let r = three_reviews();
    r.write(
        "accounts/bad.md",
        "---\nname: Bad\ndesignation: sometimes\n---\n",
    );
    r.review("review/2026-Q4", "2026-11-01T10:00:00Z", false);
    std::fs::remove_file(r.path().join("accounts/bad.md")).unwrap();
    let out = kamsite(r.path(), &["build", ".", "--reviews", "review/*"]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("the portfolio at tag `review/2026-Q4` does not load: 1 problem"),
        "{stderr}"
    );
    assert!(
        stderr.contains("review/2026-Q4/accounts/bad.md:3:14"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!r.path().join("public").exists());
}

#[test]
fn without_matching_tags_the_build_says_so_and_has_no_archive() {
    let r = three_reviews();
    kamsite(r.path(), &["build", ".", "--reviews", "quarterly/*"])
        .success()
        .stderr(predicates::str::contains(
            "warning: no tag matches `quarterly/*`",
        ));
    assert!(!r.path().join("public/reviews").exists());
    let page = read(&r.path().join("public/index.html"));
    assert!(!page.contains(">Reviews</a>"));
}

#[test]
fn reviews_are_ordered_by_commit_date_not_by_name() {
    let r = Repo {
        dir: tempfile::tempdir().unwrap(),
    };
    r.git(&["init", "-q"], "2026-01-01T00:00:00Z");
    r.write("kamsite.yaml", CONFIG);
    r.write(
        "accounts/acme.md",
        &account("Acme", "key", 5, &[("2026-Q1", 100)]),
    );
    r.review("review/zulu", "2026-04-05T10:00:00Z", false);
    r.write(
        "accounts/acme.md",
        &account("Acme", "key", 5, &[("2026-Q2", 100)]),
    );
    r.review("review/alpha", "2026-07-05T10:00:00Z", false);
    kamsite(r.path(), &["build", ".", "-q", "--reviews", "review/*"]).success();
    let doc: Value =
        serde_json::from_str(&read(&r.path().join("public/data/trends.json"))).unwrap();
    let tags: Vec<&Value> = doc["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["tag"])
        .collect();
    assert_eq!(
        tags,
        [&json!("review/zulu"), &json!("review/alpha"), &Value::Null]
    );
    // The zulu review has no as_of: its commit's date is its date.
    assert_eq!(doc["reviews"][0]["as_of"], "2026-04-05");
    let alpha = read(
        &r.path()
            .join("public/reviews/review-alpha/changes/index.html"),
    );
    assert!(alpha.contains("Changes since review/zulu ("), "{alpha}");
}

#[test]
fn reviews_need_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kamsite.yaml"), CONFIG).unwrap();
    std::fs::create_dir(dir.path().join("accounts")).unwrap();
    kamsite(dir.path(), &["build", ".", "--reviews", "review/*"])
        .code(1)
        .stderr(predicates::str::contains(
            "--reviews needs the portfolio to be in a git repository",
        ))
        .stderr(predicates::str::contains("nothing was written"));
    assert!(!dir.path().join("public").exists());
}

#[test]
fn incognito_reviews_mask_amounts_and_leave_out_the_trends_file() {
    let r = three_reviews();
    kamsite(
        r.path(),
        &["build", ".", "-q", "--incognito", "--reviews", "review/*"],
    )
    .success();
    let site = r.path().join("public");
    assert!(!site.join("data/trends.json").exists());
    let index = read(&site.join("reviews/index.html"));
    assert!(index.contains("<td>•••</td>"), "{index}");
    assert!(!index.contains("<td>600</td>"), "{index}");
    links_resolve(&site);
}

#[test]
fn a_portfolio_in_a_folder_of_the_repository_and_tags_that_would_share_a_folder() {
    let r = Repo {
        dir: tempfile::tempdir().unwrap(),
    };
    r.git(&["init", "-q"], "2026-01-01T00:00:00Z");
    r.write("plans/kamsite.yaml", CONFIG);
    r.write(
        "plans/accounts/acme.md",
        &account("Acme", "key", 5, &[("2026-Q1", 100)]),
    );
    r.write("README.md", "not a plan\n");
    r.review("review/Q1", "2026-04-05T10:00:00Z", false);
    let plans = r.path().join("plans");
    kamsite(&plans, &["build", ".", "-q", "--reviews", "review/*"]).success();
    let doc: Value = serde_json::from_str(&read(&plans.join("public/data/trends.json"))).unwrap();
    assert_eq!(doc["reviews"][0]["accounts"][0]["id"], "acme");
    assert_eq!(doc["reviews"][0]["portfolio"]["revenue"], 100);

    // `review/q1` would be published in the same folder as `review/Q1`.
    r.git(&["tag", "review/q1"], "2026-04-05T10:00:00Z");
    kamsite(&plans, &["build", ".", "--reviews", "review/*"])
        .code(1)
        .stderr(predicates::str::contains(
            "the tags `review/Q1` and `review/q1` would both be published as reviews/review-q1/; rename one",
        ));
}

/// Each review reads the CSV sources its own kamsite.yaml names, as they were at its tag: the
/// first review takes its revenue from `data/erp.csv`, the second from a renamed file.
#[test]
fn each_review_reads_its_own_csv_sources() {
    let r = Repo {
        dir: tempfile::tempdir().unwrap(),
    };
    let sources = |file: &str| {
        format!("as_of: 2026-10-05\n{CONFIG}sources:\n  financials:\n    file: {file}\n    account: Account\n    columns: {{ period: Quarter, revenue: Revenue }}\n")
    };
    r.git(&["init", "-q"], "2026-04-01T00:00:00Z");
    r.write("kamsite.yaml", &sources("data/erp.csv"));
    r.write("accounts/acme.md", &account("Acme", "key", 5, &[]));
    r.write(
        "data/erp.csv",
        "Account,Quarter,Revenue\nacme,2026-Q3,100\n",
    );
    r.review("review/2026-Q3a", "2026-10-05T10:00:00Z", false);
    std::fs::remove_file(r.path().join("data/erp.csv")).unwrap();
    r.write("kamsite.yaml", &sources("data/erp-new.csv"));
    r.write(
        "data/erp-new.csv",
        "Account,Quarter,Revenue\nacme,2026-Q3,250\n",
    );
    r.review("review/2026-Q3b", "2026-10-06T10:00:00Z", false);
    kamsite(r.path(), &["build", ".", "-q", "--reviews", "review/*"]).success();
    let trends: Value =
        serde_json::from_str(&read(&r.path().join("public/data/trends.json"))).unwrap();
    let revenue: Vec<Value> = trends["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rv| rv["portfolio"]["revenue"].clone())
        .collect();
    assert_eq!(revenue, vec![json!(100), json!(250), json!(250)]);
}

/// A build into the folder of the last one keeps each review's site whose inputs did not
/// change (issue 23), and it is the site rendering would make, byte for byte. What a review's
/// site depends on renders it anew: a new review before it, a template, an option, a page
/// missing from the folder.
#[test]
fn unchanged_reviews_are_kept_from_the_last_build_as_rendering_would_make_them() {
    let r = three_reviews();
    let out = tempfile::tempdir().unwrap();
    let (kept, fresh) = (out.path().join("again"), out.path().join("fresh"));
    let build = |site: &Path, extra: &[&str]| -> String {
        let mut args = vec!["build", ".", "--reviews", "review/*", "-o"];
        args.push(site.to_str().unwrap());
        args.extend(extra);
        let said = kamsite(r.path(), &args)
            .success()
            .get_output()
            .stderr
            .clone();
        String::from_utf8(said).unwrap()
    };
    let same_as_fresh = |extra: &[&str]| {
        let _ = std::fs::remove_dir_all(&fresh);
        build(&fresh, extra);
        assert_eq!(tree(&kept), tree(&fresh));
    };
    let said = build(&kept, &[]);
    assert!(!said.contains("kept"), "{said}");

    // The current portfolio changes, the reviews do not.
    r.write(
        "accounts/acme.md",
        &account("Acme", "key", 3, &[("2026-Q3", 350)]),
    );
    let said = build(&kept, &[]);
    assert!(
        said.contains(" and 3 reviews (3 unchanged since the last build: kept)"),
        "{said}"
    );
    same_as_fresh(&[]);

    // A new review: the three before it are kept.
    r.review("review/2026-Q3b", "2026-10-20T10:00:00Z", false);
    let said = build(&kept, &[]);
    assert!(said.contains(" and 4 reviews (3 unchanged"), "{said}");
    same_as_fresh(&[]);

    // A page gone from the folder, a page edited by hand, a page with other permissions, a
    // folder that became a link to a copy elsewhere: each time that review renders again.
    let page = kept.join("reviews/review-2026-q2/accounts/acme/index.html");
    let elsewhere = out.path().join("elsewhere");
    let damage: [&dyn Fn(); 4] = [
        &|| std::fs::remove_file(&page).unwrap(),
        &|| std::fs::write(&page, read(&page).replace("Acme", "Acne")).unwrap(),
        &|| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&page, std::fs::Permissions::from_mode(0o4755)).unwrap();
        },
        &|| {
            let folder = page.parent().unwrap();
            let _ = std::fs::remove_dir_all(&elsewhere);
            crate::common::copy_dir(folder, &elsewhere);
            std::fs::remove_dir_all(folder).unwrap();
            std::os::unix::fs::symlink(&elsewhere, folder).unwrap();
        },
    ];
    for (n, damage) in damage.iter().enumerate() {
        damage();
        let said = build(&kept, &[]);
        assert!(said.contains(" and 4 reviews (3 unchanged"), "{n}: {said}");
        same_as_fresh(&[]);
    }

    // git gives other contents for a tagged commit (`git replace`): that review renders again,
    // and so does the next, which compares with it.
    let q2 = r.git(&["rev-parse", "review/2026-Q2^{commit}"], "");
    let date = "2026-07-05T10:00:00Z";
    r.git(&["checkout", "-q", &q2], date);
    let q2_files = [("2026-Q1", 100), ("2026-Q2", 200)];
    r.write("accounts/acme.md", &account("Acme", "key", 2, &q2_files));
    r.git(&["commit", "-q", "--amend", "-am", "corrected"], date);
    let corrected = r.git(&["rev-parse", "HEAD"], date);
    r.git(&["replace", &q2, &corrected], date);
    r.git(&["checkout", "-q", "-"], date);
    let said = build(&kept, &[]);
    assert!(said.contains(" and 4 reviews (2 unchanged"), "{said}");
    same_as_fresh(&[]);

    // Masked amounts, then the portfolio's own template: every review renders anew.
    let said = build(&kept, &["--incognito"]);
    assert!(!said.contains("kept"), "{said}");
    same_as_fresh(&["--incognito"]);
    r.write(
        "templates/account.html",
        "<p>{{ page_title }}, own template</p>",
    );
    let said = build(&kept, &[]);
    assert!(!said.contains("kept"), "{said}");
    assert_eq!(
        read(&kept.join("reviews/review-2026-q1/accounts/acme/index.html")),
        "<p>Acme, own template</p>"
    );
    same_as_fresh(&[]);
}

/// A kept review's file is linked from the last site only while no one else links to it: a
/// backup made with hard links (`cp -al`, `rsync --link-dest`) must not change the published
/// page when it is edited.
#[test]
fn a_kept_page_shares_nothing_with_a_backup_made_of_links() {
    let r = three_reviews();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let build = || {
        let said = kamsite(
            r.path(),
            &[
                "build",
                ".",
                "--reviews",
                "review/*",
                "-o",
                site.to_str().unwrap(),
            ],
        )
        .success()
        .get_output()
        .stderr
        .clone();
        String::from_utf8(said).unwrap()
    };
    build();
    let page = site.join("reviews/review-2026-q1/index.html");
    let backup = out.path().join("backup.html");
    std::fs::hard_link(&page, &backup).unwrap();
    let before = std::fs::read(&page).unwrap();
    let said = build();
    assert!(
        said.contains("(3 unchanged since the last build: kept)"),
        "{said}"
    );
    std::fs::write(&backup, "edited in the backup").unwrap();
    assert_eq!(std::fs::read(&page).unwrap(), before);
}
