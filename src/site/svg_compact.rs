//! Compact SVG (issue: account pages at 10,000 accounts). plotters writes one element per line
//! with every attribute spelled out: `opacity="1"`, the font family on every label, a
//! `<polyline>` per tick mark, a `<circle>` per data point with its colour repeated. The
//! same drawing needs far fewer bytes: defaults left out, the font family said once on the
//! `<svg>`, runs of lines with one style drawn as one `<path>`, runs of points with one style
//! grouped under one `<g>`. Coordinates and styles are kept exactly, so the chart looks the
//! same.

/// The compacted SVG of `svg` (one element per line, as plotters and the overlays write it).
pub fn compact(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() / 2);
    // Lines of a run: (attributes, points) of polylines, or (attributes, centre and radius)
    // of circles, with the same attributes.
    let mut lines: Option<(String, Vec<String>)> = None;
    let mut dots: Option<(String, Vec<String>)> = None;
    let flush_lines = |out: &mut String, lines: &mut Option<(String, Vec<String>)>| {
        if let Some((attrs, runs)) = lines.take() {
            out.push_str("<path");
            out.push_str(&attrs);
            out.push_str(" d=\"");
            for points in runs {
                for (i, p) in points.split_whitespace().enumerate() {
                    out.push(if i == 0 { 'M' } else { 'L' });
                    out.push_str(p);
                }
            }
            out.push_str("\"/>\n");
        }
    };
    let flush_dots = |out: &mut String, dots: &mut Option<(String, Vec<String>)>| {
        if let Some((attrs, each)) = dots.take() {
            if each.len() == 1 {
                out.push_str(&format!("<circle{attrs}{}/>\n", each[0]));
            } else {
                out.push_str(&format!("<g{attrs}>"));
                for c in each {
                    out.push_str(&format!("<circle{c}/>"));
                }
                out.push_str("</g>\n");
            }
        }
    };
    let mut pending_text: Option<String> = None;
    for raw in svg.lines() {
        // A plotters label spans three lines: `<text …>`, the text, `</text>`.
        if let Some(open) = pending_text.as_mut() {
            if raw == "</text>" {
                let done = pending_text.take().unwrap_or_default();
                out.push_str(&done);
                out.push_str("</text>\n");
            } else {
                open.push_str(raw.trim());
            }
            continue;
        }
        let line = tidy(raw);
        if let Some((attrs, points)) = polyline(&line) {
            flush_dots(&mut out, &mut dots);
            match &mut lines {
                Some((a, runs)) if *a == attrs => runs.push(points),
                _ => {
                    flush_lines(&mut out, &mut lines);
                    lines = Some((attrs, vec![points]));
                }
            }
            continue;
        }
        if let Some((attrs, own)) = circle(&line) {
            flush_lines(&mut out, &mut lines);
            match &mut dots {
                Some((a, each)) if *a == attrs => each.push(own),
                _ => {
                    flush_dots(&mut out, &mut dots);
                    dots = Some((attrs, vec![own]));
                }
            }
            continue;
        }
        flush_lines(&mut out, &mut lines);
        flush_dots(&mut out, &mut dots);
        if line.starts_with("<text") && line.ends_with('>') && !line.contains("</text>") {
            pending_text = Some(line);
            continue;
        }
        if line.starts_with("<svg") {
            // The one font of every chart, said once.
            out.push_str(&line.replacen("<svg", "<svg font-family=\"sans-serif\"", 1));
        } else {
            out.push_str(&line);
        }
        out.push('\n');
    }
    flush_lines(&mut out, &mut lines);
    flush_dots(&mut out, &mut dots);
    out
}

/// One element without its default attributes and with its font size rounded.
fn tidy(line: &str) -> String {
    let mut l = line
        .replace(" opacity=\"1\"", "")
        .replace(" font-family=\"sans-serif\"", "");
    if let Some(at) = l.find("font-size=\"") {
        let start = at + "font-size=\"".len();
        if let Some(len) = l[start..].find('"') {
            if let Ok(v) = l[start..start + len].parse::<f64>() {
                let r = (v * 10.0).round() / 10.0;
                l.replace_range(start..start + len, &crate::numfmt::short(r));
            }
        }
    }
    l
}

/// `<polyline ATTRS points="P"/>` → (ATTRS, P).
fn polyline(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("<polyline")?.strip_suffix("/>")?;
    let at = rest.find(" points=\"")?;
    let points = rest[at + 9..].strip_suffix('"')?.trim().to_string();
    Some((rest[..at].to_string(), points))
}

/// `<circle cx="…" cy="…" r="…" ATTRS/>` → (ATTRS, ` cx="…" cy="…" r="…"`), the default
/// stroke left out.
fn circle(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("<circle")?.strip_suffix("/>")?;
    let rest = rest.replace(" stroke=\"none\" stroke-width=\"1\"", "");
    let mut own = String::new();
    let mut attrs = String::new();
    for part in rest.split_inclusive('"').collect::<Vec<_>>().chunks(2) {
        let a = part.concat();
        let name = a.trim_start().split('=').next().unwrap_or("");
        if matches!(name, "cx" | "cy" | "r") {
            own.push_str(&a);
        } else {
            attrs.push_str(&a);
        }
    }
    Some((attrs, own))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_one_style_become_one_element_and_defaults_go() {
        let svg = "<svg width=\"10\" height=\"10\">\n<polyline fill=\"none\" opacity=\"1\" stroke=\"#999\" stroke-width=\"1\" points=\"1,2 3,4 \"/>\n<polyline fill=\"none\" opacity=\"1\" stroke=\"#999\" stroke-width=\"1\" points=\"5,6 7,8 \"/>\n<circle cx=\"1\" cy=\"2\" r=\"3\" opacity=\"1\" fill=\"#00F\" stroke=\"none\" stroke-width=\"1\"/>\n<circle cx=\"4\" cy=\"5\" r=\"3\" opacity=\"1\" fill=\"#00F\" stroke=\"none\" stroke-width=\"1\"/>\n<text x=\"1\" y=\"2\" font-family=\"sans-serif\" font-size=\"12.096774193548388\" opacity=\"1\" fill=\"currentColor\">\nRevenue\n</text>\n</svg>\n";
        assert_eq!(
            compact(svg),
            "<svg font-family=\"sans-serif\" width=\"10\" height=\"10\">\n<path fill=\"none\" stroke=\"#999\" stroke-width=\"1\" d=\"M1,2L3,4M5,6L7,8\"/>\n<g fill=\"#00F\"><circle cx=\"1\" cy=\"2\" r=\"3\"/><circle cx=\"4\" cy=\"5\" r=\"3\"/></g>\n<text x=\"1\" y=\"2\" font-size=\"12.1\" fill=\"currentColor\">Revenue</text>\n</svg>\n"
        );
    }
}
