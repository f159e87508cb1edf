//! Checks whose failure would make the site unsafe or lose a page, not merely wrong: URLs from
//! kamsite.yaml that become links on every page, and names that would share one output file.
//! Kept apart from `validate/mod.rs` (value ranges and names) and called from it in one place.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::load::positions::{position, Locus, Problem, Target, YamlPath};
use crate::load::{Loaded, Root, CONFIG_FILE};
use crate::model::Severity;

/// Every problem of this kind, positioned.
pub fn check(root: &Root, loaded: &Loaded) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Some(config) = loaded.config_read() {
        problems.extend(urls(config));
    }
    problems.extend(manager_pages(loaded));
    position(root, &loaded.portfolio.config, problems)
}

/// An absolute web address: `http://` or `https://`, a host, and no spaces or control
/// characters. Anything else (`javascript:`, `data:`, `//host`) would be a link that runs
/// code or leaves the site unexpectedly, on every page that shows it.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with(['/', '?', '#']) && !url.contains(char::is_whitespace)
    }) && !url.contains(char::is_control)
}

fn urls(config: &crate::model::Config) -> Vec<Problem> {
    let mut bad = Vec::new();
    if let Some(repo) = &config.repo_url {
        if !is_web_url(repo) {
            bad.push((
                "repo_url",
                format!("repo_url `{repo}` is not a web address"),
                "expected an http:// or https:// URL (the \"edit this file\" links start with it)",
            ));
        }
    }
    if !config.base_url.is_empty() && !is_web_url(&config.base_url) {
        bad.push((
            "base_url",
            format!("base_url `{}` is not a web address", config.base_url),
            "expected \"\" or an absolute http:// or https:// URL",
        ));
    }
    bad.into_iter()
        .map(|(key, message, label)| Problem {
            file: CONFIG_FILE.into(),
            severity: Severity::Error,
            locus: Locus::Yaml(YamlPath::root().key(key), Target::Value),
            message,
            label: Some(label.into()),
            help: None,
            kind: "invalid value",
        })
        .collect()
}

/// Owners (and managers in kamsite.yaml) whose names differ but whose pages would be the same
/// `managers/<slug>/`: one page would overwrite the other. Reported at the owner of each
/// account after the first name.
fn manager_pages(loaded: &Loaded) -> Vec<Problem> {
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for m in &loaded.portfolio.config.managers {
        first
            .entry(crate::slug::manager_slug(&m.name))
            .or_insert_with(|| m.name.clone());
    }
    let mut out = Vec::new();
    for a in &loaded.portfolio.accounts {
        let Some(owner) = a.front.owner.as_deref() else {
            continue;
        };
        let slug = crate::slug::manager_slug(owner);
        let other = first
            .entry(slug.clone())
            .or_insert_with(|| owner.to_string());
        if other == owner {
            continue;
        }
        out.push(Problem {
            file: a.source.clone(),
            severity: Severity::Error,
            locus: Locus::Yaml(YamlPath::root().key("owner"), Target::Value),
            message: format!(
                "owner `{owner}` and `{other}` would share one manager page, managers/{slug}/"
            ),
            label: Some("spelled differently from another owner".into()),
            help: Some(format!(
                "if they are one person, write the name the same way everywhere (`{other}`)"
            )),
            kind: "duplicate",
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_web_url;

    #[test]
    fn only_web_urls() {
        for ok in [
            "https://git.example.com/p/blob/main",
            "http://x",
            "HTTPS://X.example",
        ] {
            assert!(is_web_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)//",
            "data:text/html,x",
            "//evil.example",
            "https://",
            "https:///x",
            "ftp://x",
            "https://x y",
            "https://x\u{1b}",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
