//! Stage 2: checks beyond what the types enforce (SPEC §1–§3): value ranges, ids, duplicates,
//! names that must match the configuration, and the configuration's own consistency.
//!
//! Checks name the offending value by its YAML path; positions are looked up afterwards, only
//! for the files that have problems.

mod memo;
mod plausibility;
pub mod safety;

pub use memo::Cache;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{suggestion, Diagnostic};
use crate::load::positions::{position, Locus, Problem, Target, YamlPath};
use crate::load::{self, Loaded, Root, CONFIG_FILE};
use crate::model::{Account, Config, Designation, RuleName, Severity};

/// Collects problems of one file.
struct Checker<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl<'a> Checker<'a> {
    fn new(file: &'a str) -> Self {
        Checker {
            file,
            problems: Vec::new(),
        }
    }

    fn report(
        &mut self,
        kind: &'static str,
        path: YamlPath,
        target: Target,
        message: String,
        label: Option<String>,
        help: Option<String>,
    ) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            severity: Severity::Error,
            locus: Locus::Yaml(path, target),
            message,
            label,
            help,
            kind,
        });
    }

    fn value(&mut self, path: YamlPath, message: impl Into<String>, label: impl Into<String>) {
        self.value_of("invalid value", path, message, label);
    }

    fn value_of(
        &mut self,
        kind: &'static str,
        path: YamlPath,
        message: impl Into<String>,
        label: impl Into<String>,
    ) {
        self.report(
            kind,
            path,
            Target::Value,
            message.into(),
            Some(label.into()),
            None,
        );
    }

    /// A number that must lie in `lo..=hi` (and be finite). Every number has an upper bound
    /// (docs/format.md, "Value ranges"), so sums, ratios and weighted means in the analysis
    /// stay finite and exact enough to show.
    fn range(&mut self, path: YamlPath, v: f64, lo: f64, hi: f64, what: &str) {
        if let Err((shown, label)) = check_range(v, lo, hi, what) {
            self.value_of(
                "out of range",
                path.clone(),
                format!("`{path}` is out of range: {shown}"),
                label,
            );
        }
    }

    fn opt_range(&mut self, path: YamlPath, v: Option<f64>, lo: f64, hi: f64, what: &str) {
        if let Some(v) = v {
            self.range(path, v, lo, hi, what);
        }
    }

    /// An amount of money: within ±`MAX_MONEY` (≥ 0 unless `signed`), and 0 or at least a
    /// hundredth. A smaller amount (`5e-324`) is no real amount, and as a denominator it would
    /// turn growth and shares into infinities.
    fn money(&mut self, path: YamlPath, v: Option<f64>, signed: bool) {
        let Some(v) = v else { return };
        if let Err((shown, label)) = check_money(v, signed) {
            self.value_of(
                "out of range",
                path.clone(),
                format!("`{path}` is out of range: {shown}"),
                label,
            );
        }
    }

    /// A name that must be one of `known` (a key, so the caret marks the key).
    fn known_name<'k>(
        &mut self,
        path: YamlPath,
        name: &str,
        known: impl Iterator<Item = &'k str> + Clone,
        what: &str,
        fix: &str,
    ) {
        if !known.clone().any(|k| k == name) {
            let help = suggestion(name, known).or_else(|| Some(fix.to_string()));
            self.report(
                "unknown name",
                path,
                Target::Key,
                format!("unknown {what} `{name}`"),
                Some("not defined in kamsite.yaml".into()),
                help,
            );
        }
    }
}

use crate::model::limits::{check_money, check_range, MAX_COUNT, MAX_THRESHOLD, MAX_WEIGHT, PCT};

/// Loads the portfolio and runs every check: the loader's and the checks' diagnostics
/// together, sorted. What every command (and a git baseline) starts from.
/// `rules` is the catalogue of finding rules that `findings:` in kamsite.yaml may name.
pub fn load_and_validate(root: &Root, rules: &[RuleName]) -> (Loaded, Vec<Diagnostic>) {
    load_and_validate_with(root, None, rules)
}

/// [`load_and_validate`], reusing what `cache` holds: the parsed account files whose bytes are
/// unchanged, and their checks (the live preview re-parses and re-checks only what changed).
pub fn load_and_validate_with(
    root: &Root,
    cache: Option<&Cache>,
    rules: &[RuleName],
) -> (Loaded, Vec<Diagnostic>) {
    let mut t = crate::timings::Timings::start();
    let loaded = load::load_with(root, cache.map(|c| &c.parsed));
    t.mark("load");
    let mut all = loaded.diagnostics.clone();
    all.extend(validate_with(root, &loaded, rules, cache));
    t.mark("validate");
    crate::diagnostics::sort(&mut all);
    (loaded, all)
}

/// The plausibility checks of SPEC §15, which need the review date: positioned diagnostics.
/// `config` is the configuration as far as it could be read; `cache` holds the problems of
/// account files checked before (see [`Cache`]).
pub fn plausibility(
    root: &Root,
    loaded: &Loaded,
    config: &Config,
    as_of: crate::model::Date,
    cache: Option<&Cache>,
) -> Vec<Diagnostic> {
    plausibility::check(root, loaded, config, as_of, cache)
}

/// Runs every check and returns positioned diagnostics, sorted.
pub fn validate(root: &Root, loaded: &Loaded, rules: &[RuleName]) -> Vec<Diagnostic> {
    validate_with(root, loaded, rules, None)
}

/// [`validate`], with the checks of unchanged account files taken from `cache`.
fn validate_with(
    root: &Root,
    loaded: &Loaded,
    rules: &[RuleName],
    cache: Option<&Cache>,
) -> Vec<Diagnostic> {
    // A rejected kamsite.yaml is checked as far as it could be read (its range and
    // consistency problems too), and the account files against it.
    let read = loaded.config_read();
    let config = read.unwrap_or(&loaded.portfolio.config);
    let mut problems = Vec::new();
    if let Some(read) = read {
        problems.extend(check_config(read, rules));
    } else if loaded.account_files > 0 {
        problems.push(unchecked(loaded.account_files));
    }
    let trusted = Trusted {
        managers: loaded.config_trusted("managers"),
        scoring: loaded.config_trusted("scoring"),
        offerings: loaded.config_trusted("offerings"),
    };
    // A rejected account file is checked as far as it could be read, so all of its problems
    // show in one run; it stays out of the portfolio.
    let all_accounts: Vec<&Account> = loaded
        .portfolio
        .accounts
        .iter()
        .chain(&loaded.rejected_accounts)
        .collect();
    let whole = loaded.portfolio.accounts.len();
    // Each account file on its own, in parallel, its problems in file order.
    let fingerprint = cache.map(|_| memo::fingerprint(config));
    let per_account: Vec<Vec<Problem>> = all_accounts
        .par_iter()
        .enumerate()
        .map(|(i, account)| match (cache, &fingerprint) {
            (Some(c), Some(f)) => c.checked.get_or(
                account,
                (account.id.clone(), i < whole, trusted, Arc::clone(f)),
                || check_account(config, trusted, account, i < whole),
            ),
            _ => check_account(config, trusted, account, i < whole),
        })
        .collect();
    problems.extend(per_account.into_iter().flatten());
    problems.extend(check_duplicate_ids(&all_accounts));
    problems.extend(check_duplicate_keys(&all_accounts));
    let mut out = position(root, config, problems);
    out.extend(safety::check(root, loaded));
    out
}

/// What `check` could not check when kamsite.yaml cannot be read at all: said, not hidden.
fn unchecked(account_files: usize) -> Problem {
    let (n, was) = if account_files == 1 {
        ("1 account file".to_string(), "was")
    } else {
        (format!("{account_files} account files"), "were")
    };
    Problem {
        file: CONFIG_FILE.to_string(),
        severity: Severity::Info,
        locus: Locus::Yaml(YamlPath::root(), Target::Value),
        message: format!("{n} {was} not checked against kamsite.yaml, which could not be read"),
        label: None,
        help: Some(
            "owners, criteria, offerings and sources are checked once kamsite.yaml reads".into(),
        ),
        kind: "not checked",
    }
}

fn check_config(config: &Config, rules: &[RuleName]) -> Vec<Problem> {
    let mut c = Checker::new(CONFIG_FILE);
    let root = YamlPath::root();
    let cur = &config.currency;
    if cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase()) {
        c.value(
            root.key("currency"),
            format!("`{cur}` is not an ISO 4217 currency code"),
            "expected three capital letters, like EUR or USD",
        );
    }
    if !(1..=12).contains(&config.fiscal_year_start) {
        c.value(
            root.key("fiscal_year_start"),
            "fiscal_year_start must be a month",
            "expected a month number from 1 to 12",
        );
    }
    let sources = &config.sources;
    let settings = [
        (
            "financials",
            sources
                .financials
                .as_ref()
                .map(load::sources::setting_problems),
        ),
        (
            "opportunities",
            sources
                .opportunities
                .as_ref()
                .map(load::sources::setting_problems),
        ),
    ];
    for (kind, problems) in settings {
        for (key, message, label) in problems.into_iter().flatten() {
            c.value(root.key("sources").key(kind).key(key), message, label);
        }
    }
    if sources
        .financials
        .as_ref()
        .is_some_and(|f| !f.stages.is_empty())
    {
        // Written there, the map would be ignored without a word: it belongs to opportunities.
        c.report(
            "unknown key",
            root.key("sources").key("financials").key("stages"),
            Target::Key,
            "`stages` maps opportunity stages; financials have none".into(),
            Some("only for `sources.opportunities`".into()),
            Some("move `stages:` under `opportunities:`".into()),
        );
    }
    let scoring = root.key("scoring");
    for (set, weights) in [
        ("attractiveness", &config.scoring.attractiveness),
        ("strength", &config.scoring.strength),
    ] {
        for (name, w) in weights {
            c.range(scoring.key(set).key(name), *w, 0.0, MAX_WEIGHT, "a weight");
        }
    }
    for (name, w) in config.scoring.health.pairs() {
        c.range(
            scoring.key("health").key(name),
            w,
            0.0,
            MAX_WEIGHT,
            "a weight",
        );
    }
    let split = &config.scoring.matrix_split;
    c.range(
        scoring.key("matrix_split").key("attractiveness"),
        split.attractiveness,
        0.0,
        100.0,
        "a score",
    );
    c.range(
        scoring.key("matrix_split").key("strength"),
        split.strength,
        0.0,
        100.0,
        "a score",
    );
    c.range(
        scoring.key("health_min_coverage_pct"),
        config.scoring.health_min_coverage_pct,
        0.0,
        100.0,
        "a percentage",
    );
    c.range(
        root.key("changes").key("min_score_delta"),
        config.changes.min_score_delta,
        0.0,
        100.0,
        "points of a 0–100 score",
    );
    c.range(
        root.key("objectives").key("tolerance_pts"),
        config.objectives.tolerance_pts,
        0.0,
        100.0,
        "points of progress",
    );

    let g = &config.guidelines.key_accounts;
    if g.hard_max > MAX_COUNT {
        c.value(
            root.key("guidelines").key("key_accounts").key("hard_max"),
            format!(
                "`guidelines.key_accounts.hard_max` is out of range: {}",
                g.hard_max
            ),
            format!("expected at most {MAX_COUNT} key accounts"),
        );
    }
    if !(0 <= g.hard_min && g.hard_min <= g.min && g.min <= g.max && g.max <= g.hard_max) {
        c.value(
            root.key("guidelines").key("key_accounts"),
            "inconsistent key account guidelines",
            "expected 0 ≤ hard_min ≤ min ≤ max ≤ hard_max",
        );
    }
    if !(0..=MAX_COUNT).contains(&config.guidelines.manager_capacity) {
        c.value(
            root.key("guidelines").key("manager_capacity"),
            format!(
                "`guidelines.manager_capacity` is out of range: {}",
                config.guidelines.manager_capacity
            ),
            format!("expected a number of key accounts from 0 to {MAX_COUNT}"),
        );
    }
    let mut seen = HashSet::new();
    for (i, m) in config.managers.iter().enumerate() {
        let at = root.key("managers").index(i);
        if !seen.insert(m.name.as_str()) {
            c.value(
                at.key("name"),
                format!("manager `{}` is listed twice", m.name),
                "a manager appears once",
            );
        }
        if let Some(cap) = m.capacity.filter(|cap| !(0..=MAX_COUNT).contains(cap)) {
            c.value(
                at.key("capacity"),
                format!("`managers[{i}].capacity` is out of range: {cap}"),
                format!("expected a number of key accounts from 0 to {MAX_COUNT}"),
            );
        }
    }
    let mut seen = HashSet::new();
    for (i, o) in config.offerings.iter().enumerate() {
        if !seen.insert(o.as_str()) {
            c.value(
                root.key("offerings").index(i),
                format!("offering `{o}` is listed twice"),
                "each offering appears once",
            );
        }
    }
    for (id, over) in &config.findings {
        let at = root.key("findings").key(id);
        let Some(rule) = rules.iter().find(|r| r.id == id) else {
            c.known_name(
                at,
                id,
                rules.iter().map(|r| r.id),
                "finding rule",
                "see docs/scoring.md for the rule ids",
            );
            continue;
        };
        for (key, v) in &over.thresholds {
            let names = rule.thresholds.iter().map(|(k, _)| *k);
            if rule.thresholds.iter().any(|(k, _)| k == key) {
                c.range(at.key(key), *v, 0.0, MAX_THRESHOLD, "a threshold");
            } else {
                let fix = if rule.thresholds.is_empty() {
                    format!("`{id}` has no thresholds; it takes only `enabled` and `severity`")
                } else {
                    format!(
                        "`{id}` takes: enabled, severity, {}",
                        names.clone().collect::<Vec<_>>().join(", ")
                    )
                };
                c.known_name(
                    at.key(key),
                    key,
                    names.chain(["enabled", "severity"]),
                    "setting",
                    &fix,
                );
            }
        }
    }
    c.problems
}

fn is_slug(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Which parts of kamsite.yaml the account files can be checked against (SPEC §19).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Trusted {
    managers: bool,
    scoring: bool,
    offerings: bool,
}

/// `whole`: the file decoded (not a rejected file checked as far as it could be read).
fn check_account(config: &Config, trusted: Trusted, a: &Account, whole: bool) -> Vec<Problem> {
    let mut c = Checker::new(&a.source);
    let f = &a.front;
    let root = YamlPath::root();
    if f.name.trim().is_empty() {
        c.value(
            root.key("name"),
            "the account name is empty",
            "expected the customer's name",
        );
    }
    if !is_slug(&a.id) {
        let label = "ids use lowercase letters, digits and `-`, start with a letter or digit, at most 64 characters";
        if f.id.is_some() {
            c.value(
                root.key("id"),
                format!("`{}` is not a valid account id", a.id),
                label,
            );
        } else {
            c.report(
                "invalid value",
                root.clone(),
                Target::Value,
                format!("the file name `{}` is not a valid account id", a.id),
                Some(label.into()),
                Some("rename the file, or set `id:` in the front matter".into()),
            );
        }
    }
    if f.designation == Designation::Key && f.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
        c.report(
            "missing key",
            root.key("designation"),
            Target::Value,
            "a key account needs an `owner`".into(),
            Some("designated key here".into()),
            Some("add `owner: <key account manager>`".into()),
        );
    }
    if let Some(owner) = &f.owner {
        check_owner(&mut c, config, trusted.managers, owner);
    }
    if let Some(r) = &f.relationship.rating {
        let at = root.key("relationship").key("rating");
        c.range(at.key("ours"), r.ours as f64, 1.0, 5.0, "a rating");
        c.range(at.key("theirs"), r.theirs as f64, 1.0, 5.0, "a rating");
    }
    if let Some(h) = f.plan.horizon_months {
        c.range(
            root.key("plan").key("horizon_months"),
            h as f64,
            1.0,
            120.0,
            "a number of months",
        );
    }
    for (set, values, weights) in [
        (
            "attractiveness",
            &f.attractiveness,
            &config.scoring.attractiveness,
        ),
        ("strength", &f.strength, &config.scoring.strength),
    ] {
        for (name, v) in values {
            let at = root.key(set).key(name);
            if trusted.scoring {
                c.known_name(
                    at.clone(),
                    name,
                    weights.keys().map(String::as_str),
                    &format!("{set} criterion"),
                    &format!("criteria are defined by `scoring.{set}` in kamsite.yaml"),
                );
            }
            c.range(at, *v, 1.0, 5.0, "a rating");
        }
    }
    let mut periods = HashMap::new();
    // Rows merged from CSV sources were checked where they stand, in the CSV file.
    let own = |o: &crate::model::Origin| *o == crate::model::Origin::Account;
    let own_financials = a.origins.financials.iter().take_while(|o| own(o)).count();
    let own_opportunities = a
        .origins
        .opportunities
        .iter()
        .take_while(|o| own(o))
        .count();
    for (i, q) in f.financials.iter().take(own_financials).enumerate() {
        let at = root.key("financials").index(i);
        if let Some(first) = periods.insert(q.period, i) {
            c.report(
                "duplicate",
                at.key("period"),
                Target::Value,
                format!("{} appears twice in financials", q.period),
                Some(format!(
                    "already given in entry {} of financials",
                    first + 1
                )),
                Some("merge the two entries".into()),
            );
        }
        c.money(at.key("revenue"), q.revenue, false);
        c.money(at.key("cost_to_serve"), q.cost_to_serve, false);
        c.money(at.key("category_spend"), q.category_spend, false);
        c.money(at.key("gross_margin"), q.gross_margin, true);
        c.opt_range(at.key("discount_pct"), q.discount_pct, 0.0, 100.0, PCT);
    }
    let h = root.key("health");
    c.opt_range(
        h.key("satisfaction"),
        f.health.satisfaction,
        0.0,
        10.0,
        "a CSAT score",
    );
    c.opt_range(
        h.key("nps"),
        f.health.nps,
        -100.0,
        100.0,
        "a net promoter score",
    );
    for (i, o) in f.opportunities.iter().take(own_opportunities).enumerate() {
        let at = root.key("opportunities").index(i);
        c.money(at.key("value"), Some(o.value), false);
        c.opt_range(at.key("probability"), o.probability, 0.0, 100.0, PCT);
    }
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, o) in f.plan.objectives.iter().enumerate() {
        let at = root.key("plan").key("objectives").index(i);
        check_objective(&mut c, at.clone(), o, whole);
        // Objectives are followed across reviews by name: two of one name would be mixed up.
        let name = o.name.trim();
        if let Some(first) = names.insert(name, i) {
            if !name.is_empty() {
                let at = at.key("name");
                c.problems.push(Problem {
                    file: a.source.clone(),
                    severity: Severity::Warning,
                    locus: Locus::Yaml(at, Target::Value),
                    message: format!("two objectives are named “{name}”"),
                    label: Some(format!("also objective {} of the plan", first + 1)),
                    help: Some("name each objective differently: the trends page and the changes follow them by name".into()),
                    kind: "duplicate",
                });
            }
        }
    }
    for (i, j) in f.joint_initiatives.iter().enumerate() {
        c.money(
            root.key("joint_initiatives").index(i).key("investment"),
            j.investment,
            false,
        );
    }
    if trusted.offerings {
        for name in f.whitespace.keys() {
            c.known_name(
                root.key("whitespace").key(name),
                name,
                config.offerings.iter().map(String::as_str),
                "offering",
                "offerings are listed under `offerings:` in kamsite.yaml",
            );
        }
    }
    if !config.allow_raw_html {
        if let Some((offset, column)) = too_deep(&a.body) {
            c.problems.push(Problem {
                file: a.source.clone(),
                severity: Severity::Error,
                locus: Locus::Line {
                    line: a.body_line + offset,
                    column,
                    width: 1,
                },
                message: format!(
                    "the narrative nests HTML tags more than {MAX_HTML_DEPTH} levels deep"
                ),
                label: Some("nested too deeply from here on".into()),
                help: Some(
                    "raw HTML in a narrative is cleaned before it is published, which takes too long on such nesting: remove the nesting, or write the plan in Markdown".into(),
                ),
                kind: "too complex",
            });
        }
    }
    c.problems
}

/// The deepest nesting of raw HTML tags a narrative may have: far beyond any plan (tables
/// in lists in quotes are a dozen levels), and small enough that cleaning the HTML, whose
/// cost grows with the square of the depth, stays fast.
pub const MAX_HTML_DEPTH: usize = 512;

/// Where the raw HTML of `body` first nests deeper than [`MAX_HTML_DEPTH`]: (line offset in the
/// body, 1-based column). A linear scan of tags, an upper bound of the real depth: `<name`
/// opens unless it is a void element (`<br>`, `<img>`), `</name` closes. `<div/>` opens too —
/// HTML ignores the slash on other elements — except inside `<svg>` and `<math>`, where it
/// does close the element.
fn too_deep(body: &str) -> Option<(usize, usize)> {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    if !body.contains('<') {
        return None;
    }
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    // How many `<svg>`/`<math>` elements are open: foreign content, where `/>` closes.
    let mut foreign = 0usize;
    let name_at = |from: &[u8]| -> String {
        from.iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .map(|b| b.to_ascii_lowercase() as char)
            .collect()
    };
    for (i, _) in body.match_indices('<') {
        let rest = &bytes[i + 1..];
        if rest.first() == Some(&b'/') {
            if matches!(name_at(&rest[1..]).as_str(), "svg" | "math") {
                foreign = foreign.saturating_sub(1);
            }
            depth = depth.saturating_sub(1);
            continue;
        }
        let name = name_at(rest);
        if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
            continue;
        }
        let end = rest.iter().position(|b| *b == b'>').unwrap_or(rest.len());
        let self_closed = rest[..end].ends_with(b"/");
        if VOID.contains(&name.as_str()) || self_closed && foreign > 0 {
            continue;
        }
        if matches!(name.as_str(), "svg" | "math") && !self_closed {
            foreign += 1;
        }
        depth += 1;
        if depth > MAX_HTML_DEPTH {
            let before = &body[..i];
            let line = before.matches('\n').count();
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            return Some((line, column));
        }
    }
    None
}

/// SPEC §2 (v1.1): with `managers` listed, an unlisted owner is most likely a typo, which would
/// otherwise create a second manager with the default capacity and bypass the capacity check.
/// A measured objective (SPEC §16) needs `from`, `target` and `by`, with `from` before `by`;
/// its target lies in the measure's range. A mapping without `measure` is a text objective,
/// but `from`, `target` or `by` written there were meant to measure something.
fn check_objective(c: &mut Checker<'_>, at: YamlPath, o: &crate::model::Objective, whole: bool) {
    use crate::model::Measure;
    if o.name.trim().is_empty() {
        c.value(
            // A text objective has no `name` key: the path falls back to the entry.
            at.key("name"),
            "the objective has no name",
            "expected what the objective is, in words",
        );
    }
    let Some(measure) = o.measure else {
        // In a rejected file the measure may be the value that was wrong (already reported).
        if whole && (o.from.is_some() || o.target.is_some() || o.by.is_some()) {
            c.report(
                "missing key",
                at,
                Target::Value,
                "this objective has `from`, `target` or `by` but no `measure`".into(),
                Some("a measured objective says what it measures".into()),
                Some(format!(
                    "add `measure:` with one of: {}",
                    Measure::NAMES.join(", ")
                )),
            );
        }
        return;
    };
    let missing: Vec<&str> = [
        ("from", o.from.is_none()),
        ("target", o.target.is_none()),
        ("by", o.by.is_none()),
    ]
    .into_iter()
    .filter(|(_, m)| *m)
    .map(|(k, _)| k)
    .collect();
    // In a rejected file a value may be missing because it was wrong (already reported).
    if whole && !missing.is_empty() {
        c.report(
            "missing key",
            at.clone(),
            Target::Value,
            format!(
                "a measured objective needs `{}`",
                missing.join("`, `")
            ),
            Some("measured from a quarter, to a target, by a quarter".into()),
            Some("e.g. `{ name: Grow revenue, measure: revenue_ttm, from: 2026-Q1, target: 5200000, by: 2027-Q4 }`".into()),
        );
    }
    if let (Some(from), Some(by)) = (o.from, o.by) {
        if from >= by {
            c.value(
                at.key("by"),
                format!("`by` ({by}) is not after `from` ({from})"),
                "expected a quarter after `from`",
            );
        }
    }
    // The range each measure can take (docs/format.md).
    if let Some(t) = o.target {
        let at = at.key("target");
        match measure {
            Measure::Revenue | Measure::RevenueTtm => c.money(at, Some(t), false),
            Measure::GrossMargin | Measure::Profit => c.money(at, Some(t), true),
            Measure::ShareOfWalletPct | Measure::DiscountPct => c.range(at, t, 0.0, 100.0, PCT),
            Measure::CostToServePct => c.range(at, t, 0.0, 1000.0, "a percentage of revenue"),
            Measure::MarginPct | Measure::ProfitPct => {
                c.range(at, t, -1000.0, 100.0, "a percentage of revenue")
            }
        }
    }
}

fn check_owner(c: &mut Checker<'_>, config: &Config, config_ok: bool, owner: &str) {
    let listed = || config.managers.iter().map(|m| m.name.as_str());
    if !config_ok || config.managers.is_empty() || owner.trim().is_empty() {
        return;
    }
    if listed().any(|m| m == owner) {
        return;
    }
    let help = match (suggestion(owner, listed()), nearest(owner, listed())) {
        (Some(typo), _) => typo,
        (None, Some(m)) => format!(
            "the nearest listed manager is `{m}`; a new manager goes under `managers:` in kamsite.yaml"
        ),
        (None, None) => "list them under `managers:` in kamsite.yaml".into(),
    };
    c.problems.push(Problem {
        file: c.file.to_string(),
        severity: Severity::Warning,
        locus: Locus::Yaml(YamlPath::root().key("owner"), Target::Value),
        message: format!("owner `{owner}` is not a listed manager"),
        label: Some("not under `managers:` in kamsite.yaml".into()),
        help: Some(help),
        kind: "unlisted owner",
    });
}

/// The listed name closest to `name` (case-insensitive edit distance), however far: the
/// spec asks for the nearest name as a hint, not only for close typos.
fn nearest<'a>(name: &str, listed: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    listed.min_by_key(|m| strsim::damerau_levenshtein(&lower, &m.to_lowercase()))
}

fn check_duplicate_ids(accounts: &[&Account]) -> Vec<Problem> {
    let mut first: HashMap<&str, &Account> = HashMap::new();
    let mut problems = Vec::new();
    for &a in accounts {
        let other = match first.entry(&a.id) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(a);
                continue;
            }
            std::collections::hash_map::Entry::Occupied(o) => *o.get(),
        };
        let path = if a.front.id.is_some() {
            YamlPath::root().key("id")
        } else {
            YamlPath::root()
        };
        problems.push(Problem {
            file: a.source.clone(),
            severity: Severity::Error,
            locus: Locus::Yaml(path, Target::Value),
            message: format!("duplicate account id `{}`", a.id),
            label: Some(format!("also the id of {}", other.source)),
            help: Some(
                "every account needs its own id: set a different `id:` or rename one file".into(),
            ),
            kind: "duplicate",
        });
    }
    problems
}

/// SPEC §13: a key under `ids:` names one account in its system, or CSV rows would go to
/// whichever account happens to come first.
fn check_duplicate_keys(accounts: &[&Account]) -> Vec<Problem> {
    let mut first: HashMap<(&str, &str), &Account> = HashMap::new();
    let mut problems = Vec::new();
    for &a in accounts {
        let keys = a
            .front
            .ids
            .iter()
            .flat_map(|(system, keys)| keys.iter().map(move |k| (system, k)));
        for (system, key) in keys {
            match first.entry((system, key)) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(a);
                }
                std::collections::hash_map::Entry::Occupied(o) => problems.push(Problem {
                    file: a.source.clone(),
                    severity: Severity::Error,
                    locus: Locus::Yaml(
                        YamlPath::root().key("ids").key(system.as_str()),
                        Target::Value,
                    ),
                    message: format!("duplicate `ids.{system}` key `{key}`"),
                    label: Some(format!("also the {system} key of {}", o.get().source)),
                    help: Some(format!(
                        "each account needs its own key in {system}: correct one of the two files"
                    )),
                    kind: "duplicate",
                }),
            }
        }
    }
    problems
}
