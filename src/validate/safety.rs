//! Checks whose failure would make the site unsafe or lose a page, not merely wrong: URLs from
//! kamsite.yaml that become links on every page, and names that would share one output file.
//! Kept apart from `validate.rs` (value ranges and names) and called from it in one place.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::load::positions::{locate, Target, YamlPath};
use crate::load::{self, Loaded, Root, CONFIG_FILE};

/// Every problem of this kind, positioned.
pub fn check(root: &Root, loaded: &Loaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if loaded.config_ok {
        out.extend(urls(root, &loaded.portfolio.config));
    }
    out.extend(manager_pages(root, loaded));
    out
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

fn urls(root: &Root, config: &crate::model::Config) -> Vec<Diagnostic> {
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
    if bad.is_empty() {
        return Vec::new();
    }
    let text = load::read_text(root, CONFIG_FILE)
        .and_then(Result::ok)
        .unwrap_or_default();
    bad.into_iter()
        .map(|(key, message, label)| {
            let at = locate(&text, &YamlPath::root().key(key), Target::Value);
            Diagnostic::error(root.display(CONFIG_FILE), message)
                .at(&text, at.line, at.column, at.width)
                .with_label(label)
        })
        .collect()
}

/// Owners (and managers in kamsite.yaml) whose names differ but whose pages would be the same
/// `managers/<slug>/`: one page would overwrite the other. Reported at the owner of each
/// account after the first name.
fn manager_pages(root: &Root, loaded: &Loaded) -> Vec<Diagnostic> {
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
        let text = load::read_text(root, &a.source)
            .and_then(Result::ok)
            .unwrap_or_default();
        let yaml = load::split(&text).map_or("", |s| s.yaml);
        let at = locate(yaml, &YamlPath::root().key("owner"), Target::Value);
        out.push(
            Diagnostic::error(
                root.display(&a.source),
                format!(
                    "owner `{owner}` and `{other}` would share one manager page, managers/{slug}/"
                ),
            )
            .at(&text, at.line + 1, at.column, at.width)
            .with_label("spelled differently from another owner")
            .with_help(Some(format!(
                "if they are one person, write the name the same way everywhere (`{other}`)"
            ))),
        );
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
