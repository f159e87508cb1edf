//! Narratives: CommonMark with GFM tables, task lists, strikethrough and footnotes, headings
//! given ids for the table of contents, raw HTML sanitised unless the portfolio allows it.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// One entry of a narrative's table of contents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Rendered narrative: sanitised HTML and its headings.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Narrative {
    pub html: String,
    pub toc: Vec<Heading>,
}

/// `Our strategy (2027)` → `our-strategy-2027`.
pub fn slug(text: &str) -> String {
    let s = crate::slug::slug(text);
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

/// Renders `markdown`. Heading ids are prefixed with `id_prefix` so they cannot collide with
/// the page's own anchors; Markdown headings are shifted down one level (the page has the `h1`).
pub fn render(markdown: &str, allow_raw_html: bool, id_prefix: &str) -> Narrative {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    // pulldown-cmark escapes all text; what it passes through unchanged is raw HTML and URLs.
    // Without raw HTML, checking URL schemes here is enough and the (costly) HTML sanitiser
    // is skipped.
    let has_raw_html = events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    for e in &mut events {
        // A task's box is a state to read, not a form control to fill in: a check mark with an
        // accessible name (a disabled checkbox without a label is an accessibility error).
        if let Event::TaskListMarker(done) = e {
            *e = Event::InlineHtml(CowStr::from(if *done {
                "<span class=\"task done\" role=\"img\" aria-label=\"done\">☑</span> "
            } else {
                "<span class=\"task\" role=\"img\" aria-label=\"to do\">☐</span> "
            }));
            continue;
        }
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = e {
            if !allow_raw_html && !safe_url(dest_url) {
                *dest_url = CowStr::from("#");
            }
        }
    }
    let mut toc = Vec::new();
    let mut used = HashSet::new();
    // The next number to try for each base id: a plan with 20,000 `## Risks` headings must not
    // count from 2 for each of them (that was quadratic).
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[i] {
            let level = *level;
            let text: String = events[i + 1..]
                .iter()
                .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            let base = format!("{id_prefix}{}", slug(&text));
            let mut id = base.clone();
            if !used.insert(id.clone()) {
                let n = next.entry(base.clone()).or_insert(2);
                loop {
                    id = format!("{base}-{n}");
                    *n += 1;
                    if used.insert(id.clone()) {
                        break;
                    }
                }
            }
            let shifted = shift(level);
            toc.push(Heading {
                level: shifted as u8,
                id: id.clone(),
                text,
            });
            events[i] = Event::Start(Tag::Heading {
                level: shifted,
                id: Some(CowStr::from(id)),
                classes: Vec::new(),
                attrs: Vec::new(),
            });
        } else if let Event::End(TagEnd::Heading(level)) = &events[i] {
            events[i] = Event::End(TagEnd::Heading(shift(*level)));
        }
        i += 1;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if !allow_raw_html && has_raw_html {
        html = sanitise(&html);
    }
    // Wide tables (a SWOT) scroll inside their own box on a phone instead of the page.
    if memchr::memmem::find(html.as_bytes(), b"<table>").is_some() {
        html = box_tables(&html);
    }
    Narrative { html, toc }
}

/// `html` with each `<table>…</table>` inside `<div class="table-box">…</div>`, in one pass
/// (two `replace`s of the whole narrative were 1.4 % of a build).
fn box_tables(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let bytes = html.as_bytes();
    let mut start = 0;
    for at in memchr::memmem::find_iter(bytes, b"table>") {
        if at >= 1 && bytes[at - 1] == b'<' {
            out.push_str(&html[start..at - 1]);
            out.push_str("<div class=\"table-box\"><table>");
            start = at + "table>".len();
        } else if at >= 2 && &bytes[at - 2..at] == b"</" {
            out.push_str(&html[start..at + "table>".len()]);
            out.push_str("</div>");
            start = at + "table>".len();
        }
    }
    out.push_str(&html[start..]);
    out
}

/// Relative links, fragments and the web and mail schemes; never `javascript:`, `data:`,
/// `vbscript:` or anything else a browser might execute.
fn safe_url(url: &str) -> bool {
    let lower: String = url
        .trim_start()
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            // A colon after a `/`, `?` or `#` is part of a path or query, not a scheme.
            let before = &lower[..colon];
            before.contains(['/', '?', '#']) || ["http", "https", "mailto", "tel"].contains(&before)
        }
    }
}

fn shift(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Removes scripts, event handlers, `javascript:` URLs and anything else not in ammonia's
/// allow-list, keeping what the Markdown features produce (ids, task-list checkboxes, footnotes).
fn sanitise(html: &str) -> String {
    thread_local! {
        static CLEANER: ammonia::Builder<'static> = {
            let mut b = ammonia::Builder::default();
            b.add_generic_attributes(["id", "class"])
                .add_tags(["input"])
                .add_tag_attributes("input", ["type", "checked", "disabled"])
                .add_tag_attributes("th", ["style"])
                .add_tag_attributes("td", ["style"])
                .filter_style_properties(["text-align"].into_iter().collect())
                .id_prefix(None)
                .link_rel(Some("noopener noreferrer"));
            b
        };
    }
    CLEANER.with(|c| c.clean(html).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table, and only tables, scroll in their own box: the same as replacing each
    /// `<table>` and `</table>`, whatever else stands around them.
    #[test]
    fn tables_are_boxed_as_replacing_would() {
        for html in [
            "<p>no table</p>",
            "<table><tr><td>a</td></tr></table>\n",
            "<p>x</p><table>1</table><p>y</p><table>2</table>",
            "table> </table> <table <table>table></table>",
            "<p>&lt;table&gt; is escaped</p>",
        ] {
            let replaced = html
                .replace("<table>", "<div class=\"table-box\"><table>")
                .replace("</table>", "</table></div>");
            assert_eq!(box_tables(html), replaced, "{html}");
        }
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let n = render(
            "# Risks\n\ntext\n\n## Risks\n\n### Our *strategy*\n",
            false,
            "n-",
        );
        assert!(
            n.html.contains("<h2 id=\"n-risks\">Risks</h2>"),
            "{}",
            n.html
        );
        assert!(n.html.contains("<h3 id=\"n-risks-2\">"), "{}", n.html);
        let ids: Vec<&str> = n.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["n-risks", "n-risks-2", "n-our-strategy"]);
    }

    #[test]
    fn gfm_features() {
        let n = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n~~old~~ new[^1]\n\n[^1]: note\n", false, "");
        for needle in [
            "<div class=\"table-box\"><table>",
            "aria-label=\"done\">☑",
            "aria-label=\"to do\">☐",
            "<del>old</del>",
            "footnote",
        ] {
            assert!(n.html.contains(needle), "{needle} missing in {}", n.html);
        }
    }

    #[test]
    fn raw_html_is_sanitised_unless_allowed() {
        let md = "<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3))\n";
        let clean = render(md, false, "").html;
        for bad in ["<script", "onerror", "javascript:"] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        assert!(render(md, true, "").html.contains("<script>"));
    }

    #[test]
    fn dangerous_link_schemes_are_dropped_without_raw_html_too() {
        for md in [
            "[a](javascript:alert(1))",
            "[a]( JaVaScRiPt:alert(1))",
            "[a](data:text/html,x)",
            "![i](vbscript:x)",
            "[a](java\u{0}script:x)",
        ] {
            let html = render(md, false, "").html;
            let lower = html.to_lowercase();
            assert!(
                !lower.contains("href=\"javascript")
                    && !lower.contains("href=\"java")
                    && !lower.contains("src=\"vbscript")
                    && !lower.contains("href=\"data:"),
                "{md} → {html}"
            );
        }
        for ok in [
            "[a](https://x.org/a:b)",
            "[a](../b/index.html#c)",
            "[a](mailto:x@y.org)",
            "[a](docs/a:b.html)",
        ] {
            let html = render(ok, false, "").html;
            assert!(!html.contains("href=\"#\""), "{ok} was dropped: {html}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("The customer's business"), "the-customer-s-business");
        assert_eq!(slug("SWOT"), "swot");
        assert_eq!(slug("—"), "section");
    }
}
