//! Stage 2: checks beyond what the types enforce (SPEC §1–§3): value ranges, ids, duplicates,
//! names that must match the configuration, and the configuration's own consistency.
//!
//! Checks name the offending value by its YAML path; positions are looked up afterwards, only
//! for the files that have problems.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::analyse::rules::{self, RULES};
use crate::diagnostics::{suggestion, Diagnostic};
use crate::load::positions::{locate, Target, YamlPath};
use crate::load::{self, Loaded, Root, CONFIG_FILE};
use crate::model::{Account, Config, Designation};

/// A problem found by a check, before it is given a position.
#[derive(Debug)]
struct Problem {
    /// Relative path of the file (kamsite.yaml or an account file).
    file: String,
    path: YamlPath,
    target: Target,
    message: String,
    label: Option<String>,
    help: Option<String>,
}

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
        path: YamlPath,
        target: Target,
        message: String,
        label: Option<String>,
        help: Option<String>,
    ) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            path,
            target,
            message,
            label,
            help,
        });
    }

    fn value(&mut self, path: YamlPath, message: impl Into<String>, label: impl Into<String>) {
        self.report(
            path,
            Target::Value,
            message.into(),
            Some(label.into()),
            None,
        );
    }

    /// A number that must lie in `lo..=hi` (and be finite).
    fn range(&mut self, path: YamlPath, v: f64, lo: f64, hi: f64, what: &str) {
        if !(v.is_finite() && v >= lo && v <= hi) {
            let label = if hi == f64::INFINITY {
                format!("expected {what} of at least {lo}")
            } else {
                format!("expected {what} from {lo} to {hi}")
            };
            self.value(
                path.clone(),
                format!("`{path}` is out of range: {v}"),
                label,
            );
        }
    }

    fn opt_range(&mut self, path: YamlPath, v: Option<f64>, lo: f64, hi: f64, what: &str) {
        if let Some(v) = v {
            self.range(path, v, lo, hi, what);
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
                path,
                Target::Key,
                format!("unknown {what} `{name}`"),
                Some("not defined in kamsite.yaml".into()),
                help,
            );
        }
    }
}

const MONEY: &str = "an amount";
const PCT: &str = "a percentage";

/// Loads the portfolio and runs every check: the loader's and the checks' diagnostics
/// together, sorted. What every command (and a git baseline) starts from.
pub fn load_and_validate(root: &Root) -> (Loaded, Vec<Diagnostic>) {
    load_and_validate_with(root, None)
}

/// [`load_and_validate`], reusing the parsed account files `cache` holds when their bytes are
/// unchanged (the live preview re-parses only the files that changed).
pub fn load_and_validate_with(
    root: &Root,
    cache: Option<&load::ParseCache>,
) -> (Loaded, Vec<Diagnostic>) {
    let mut t = crate::timings::Timings::start();
    let loaded = load::load_with(root, cache);
    t.mark("load");
    let mut all = loaded.diagnostics.clone();
    all.extend(validate(root, &loaded));
    t.mark("validate");
    crate::diagnostics::sort(&mut all);
    (loaded, all)
}

/// Runs every check and returns positioned diagnostics, sorted.
pub fn validate(root: &Root, loaded: &Loaded) -> Vec<Diagnostic> {
    let config = &loaded.portfolio.config;
    let mut problems = Vec::new();
    if loaded.config_ok {
        problems.extend(check_config(config));
    }
    for account in &loaded.portfolio.accounts {
        problems.extend(check_account(config, loaded.config_ok, account));
    }
    problems.extend(check_duplicate_ids(&loaded.portfolio.accounts));
    let mut out = position(root, problems);
    out.extend(crate::validate_safety::check(root, loaded));
    out
}

fn check_config(config: &Config) -> Vec<Problem> {
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
    let scoring = root.key("scoring");
    for (set, weights) in [
        ("attractiveness", &config.scoring.attractiveness),
        ("strength", &config.scoring.strength),
    ] {
        for (name, w) in weights {
            c.range(
                scoring.key(set).key(name),
                *w,
                0.0,
                f64::INFINITY,
                "a weight",
            );
        }
    }
    for (name, w) in config.scoring.health.pairs() {
        c.range(
            scoring.key("health").key(name),
            w,
            0.0,
            f64::INFINITY,
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

    let g = &config.guidelines.key_accounts;
    if !(0 <= g.hard_min && g.hard_min <= g.min && g.min <= g.max && g.max <= g.hard_max) {
        c.value(
            root.key("guidelines").key("key_accounts"),
            "inconsistent key account guidelines",
            "expected 0 ≤ hard_min ≤ min ≤ max ≤ hard_max",
        );
    }
    if config.guidelines.manager_capacity < 0 {
        c.value(
            root.key("guidelines").key("manager_capacity"),
            "manager_capacity cannot be negative",
            "expected a number of key accounts, 0 or more",
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
        if m.capacity.is_some_and(|cap| cap < 0) {
            c.value(
                at.key("capacity"),
                "capacity cannot be negative",
                "expected a number of key accounts, 0 or more",
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
        let Some(rule) = rules::rule(id) else {
            c.known_name(
                at,
                id,
                RULES.iter().map(|r| r.id),
                "finding rule",
                "see docs/scoring.md for the rule ids",
            );
            continue;
        };
        for (key, v) in &over.thresholds {
            let names = rule.thresholds.iter().map(|(k, _)| *k);
            if rule.thresholds.iter().any(|(k, _)| k == key) {
                c.range(at.key(key), *v, 0.0, f64::INFINITY, "a threshold");
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

fn check_account(config: &Config, config_ok: bool, a: &Account) -> Vec<Problem> {
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
            root.key("designation"),
            Target::Value,
            "a key account needs an `owner`".into(),
            Some("designated key here".into()),
            Some("add `owner: <key account manager>`".into()),
        );
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
            if config_ok {
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
    for (i, q) in f.financials.iter().enumerate() {
        let at = root.key("financials").index(i);
        if let Some(first) = periods.insert(q.period, i) {
            c.report(
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
        c.opt_range(at.key("revenue"), q.revenue, 0.0, f64::INFINITY, MONEY);
        c.opt_range(
            at.key("cost_to_serve"),
            q.cost_to_serve,
            0.0,
            f64::INFINITY,
            MONEY,
        );
        c.opt_range(
            at.key("category_spend"),
            q.category_spend,
            0.0,
            f64::INFINITY,
            MONEY,
        );
        c.opt_range(
            at.key("gross_margin"),
            q.gross_margin,
            f64::MIN,
            f64::MAX,
            MONEY,
        );
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
    for (i, o) in f.opportunities.iter().enumerate() {
        let at = root.key("opportunities").index(i);
        c.range(at.key("value"), o.value, 0.0, f64::INFINITY, MONEY);
        c.opt_range(at.key("probability"), o.probability, 0.0, 100.0, PCT);
    }
    for (i, j) in f.joint_initiatives.iter().enumerate() {
        c.opt_range(
            root.key("joint_initiatives").index(i).key("investment"),
            j.investment,
            0.0,
            f64::INFINITY,
            MONEY,
        );
    }
    if config_ok {
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
    c.problems
}

fn check_duplicate_ids(accounts: &[Account]) -> Vec<Problem> {
    let mut first: HashMap<&str, &Account> = HashMap::new();
    let mut problems = Vec::new();
    for a in accounts {
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
            path,
            target: Target::Value,
            message: format!("duplicate account id `{}`", a.id),
            label: Some(format!("also the id of {}", other.source)),
            help: Some(
                "every account needs its own id: set a different `id:` or rename one file".into(),
            ),
        });
    }
    problems
}

/// Gives each problem a position, reading each affected file once.
fn position(root: &Root, problems: Vec<Problem>) -> Vec<Diagnostic> {
    let mut by_file: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
    for p in problems {
        by_file.entry(p.file.clone()).or_default().push(p);
    }
    let mut out = Vec::new();
    for (rel, problems) in by_file {
        let text = load::read_text(root, &rel)
            .and_then(Result::ok)
            .unwrap_or_default();
        let (yaml, first_line) = if rel == CONFIG_FILE {
            (text.as_str(), 1)
        } else {
            (load::split(&text).map_or("", |s| s.yaml), 2)
        };
        for p in problems {
            let at = if p.path.0.is_empty() {
                None
            } else {
                Some(locate(yaml, &p.path, p.target))
            };
            let d = Diagnostic::error(root.display(&rel), p.message).with_help(p.help);
            let d = match at {
                Some(pos) => d.at(&text, pos.line + first_line - 1, pos.column, pos.width),
                None => d.at(&text, 1, 1, 3),
            };
            out.push(match p.label {
                Some(l) => d.with_label(l),
                None => d,
            });
        }
    }
    out
}
