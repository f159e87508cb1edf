//! SVG charts drawn with plotters at build time. Each chart carries a title, a one-sentence
//! description and its numbers as a table, so it is readable without seeing it.
//!
//! Colours are the Okabe–Ito palette (safe for colour-blind readers). Black in plotters' output
//! becomes `currentColor`, so the charts follow the page's text colour in dark mode.

use std::fmt::Write as _;

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
pub use plotters::style::RGBColor;
use serde::Serialize;

use super::format::{escape, push_escaped};
use super::svg::Svg;

pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
pub(super) const INK: RGBColor = RGBColor(0, 0, 0);

/// A finished chart for a template.
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Inline SVG markup (trusted: generated here, with text escaped).
    pub svg: String,
    pub table: Table,
    /// Where on the same page the chart's numbers already are (the score's computation, for
    /// the criteria and health bars): linked instead of repeated.
    pub numbers_at: Option<NumbersAt>,
}

/// The element showing a chart's numbers, and how a link to it reads ("in the scorecard").
#[derive(Clone, Debug, Serialize)]
pub struct NumbersAt {
    pub id: String,
    pub place: &'static str,
}

/// The chart's numbers, already formatted.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Names the chart for assistive technology: its accessible name and description are the
/// figure's caption (`{id}-t`, `{id}-d` in the chart partial), said once on the page rather
/// than again inside the SVG.
pub(super) fn finish(id: &str, title: &str, description: &str, svg: String, table: Table) -> Chart {
    // The accessible name goes just inside the opening tag.
    let head_end = svg.find('>').unwrap_or(0);
    let (head, rest) = svg.split_at(head_end);
    let mut out = String::with_capacity(svg.len() + 100);
    out.push_str(head);
    let _ = write!(
        out,
        " role=\"img\" aria-labelledby=\"{id}-t\" aria-describedby=\"{id}-d\" class=\"chart\">"
    );
    out.push_str(rest.get(1..).unwrap_or(""));
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        svg: out,
        table,
        numbers_at: None,
    }
}

/// Draws into an SVG string; plotters errors (which cannot happen with a string backend and
/// finite coordinates) yield an empty chart rather than a failed build.
pub(super) fn draw(
    size: (u32, u32),
    f: impl FnOnce(
        &DrawingArea<Svg<'_>, plotters::coord::Shift>,
    ) -> Result<(), Box<dyn std::error::Error>>,
) -> String {
    let mut buf = String::new();
    {
        let root = Svg::new(&mut buf, size).into_drawing_area();
        let _ = f(&root).and_then(|_| root.present().map_err(Into::into));
    }
    buf
}

fn font(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&INK)
}

pub(super) type Plot<'a, 'b> =
    ChartContext<'a, Svg<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axis lines, grid lines and tick labels, drawn directly: plotters' mesh computes and lays out
/// far more than these charts show, and was 14 % of a whole build (docs/performance.md).
/// `vertical_grid`: grid lines across x (bar charts); otherwise across y (line charts).
pub(super) fn axes(
    chart: &Plot<'_, '_>,
    root: &DrawingArea<Svg<'_>, plotters::coord::Shift>,
    x_ticks: &[(f64, String)],
    y_ticks: &[(f64, String)],
    vertical_grid: bool,
    overlay: &mut String,
) -> Result<(), Box<dyn std::error::Error>> {
    let coord = chart.as_coord_spec();
    let (x0, x1) = (coord.get_x_range().start, coord.get_x_range().end);
    let (y0, y1) = (coord.get_y_range().start, coord.get_y_range().end);
    let px = |x: f64, y: f64| coord.translate(&(x, y));
    let grid = GREY.mix(0.3).stroke_width(1);
    let ink = INK.stroke_width(1);
    // All grid lines, then all tick marks: each becomes one path in the SVG.
    for (x, _) in x_ticks.iter().filter(|_| vertical_grid) {
        root.draw(&PathElement::new(vec![px(*x, y0), px(*x, y1)], grid))?;
    }
    for (y, _) in y_ticks.iter().filter(|_| !vertical_grid) {
        root.draw(&PathElement::new(vec![px(x0, *y), px(x1, *y)], grid))?;
    }
    let mut x_labels = Vec::with_capacity(x_ticks.len());
    for (x, label) in x_ticks {
        let bottom = px(*x, y0);
        root.draw(&PathElement::new(
            vec![bottom, (bottom.0, bottom.1 + 5)],
            ink,
        ))?;
        x_labels.push((bottom.0, bottom.1 + 20, label.as_str()));
    }
    let mut y_labels = Vec::with_capacity(y_ticks.len());
    for (y, label) in y_ticks {
        let left = px(x0, *y);
        root.draw(&PathElement::new(vec![(left.0 - 5, left.1), left], ink))?;
        y_labels.push((left.0 - 8, left.1 + 5, label.as_str()));
    }
    label_group(overlay, "text-anchor=\"middle\"", &x_labels);
    label_group(overlay, "text-anchor=\"end\"", &y_labels);
    root.draw(&PathElement::new(
        vec![px(x0, y1), px(x0, y0), px(x1, y0)],
        ink,
    ))?;
    Ok(())
}

/// Appends a plain SVG `<text>` (baseline at `y`): plotters' text drawing estimates layout and
/// formats every attribute as a float, which made labels the most expensive part of a chart.
/// The chart's defaults ([`Svg`]: font size 15, the text colour, anchored at the start) are
/// not repeated.
pub(super) fn text(out: &mut String, x: i32, y: i32, anchor: &str, size: u32, label: &str) {
    let _ = write!(out, "<text x=\"{x}\" y=\"{y}\"");
    if anchor != "start" {
        let _ = write!(out, " text-anchor=\"{anchor}\"");
    }
    if size != super::svg::FONT_SIZE {
        let _ = write!(out, " font-size=\"{size}\"");
    }
    out.push('>');
    push_escaped(out, label);
    out.push_str("</text>\n");
}

/// Labels sharing their attributes (an axis' tick labels, a bar chart's names), in one group
/// that says them once (`attributes` empty: the chart's defaults, no group).
fn label_group<S: AsRef<str>>(out: &mut String, attributes: &str, labels: &[(i32, i32, S)]) {
    if labels.is_empty() {
        return;
    }
    if !attributes.is_empty() {
        let _ = write!(out, "<g {attributes}>");
    }
    let mut n = itoa::Buffer::new();
    for (x, y, label) in labels {
        out.push_str("<text x=\"");
        out.push_str(n.format(*x));
        out.push_str("\" y=\"");
        out.push_str(n.format(*y));
        out.push_str("\">");
        push_escaped(out, label.as_ref());
        out.push_str("</text>");
    }
    if !attributes.is_empty() {
        out.push_str("</g>");
    }
    out.push('\n');
}

/// Inserts `overlay` just before the closing `</svg>`.
pub(super) fn with_overlay(mut svg: String, overlay: &str) -> String {
    if let Some(end) = svg.rfind("</svg>") {
        svg.insert_str(end, overlay);
    }
    svg
}

/// About `count` round values spanning [lo, hi] (1, 2 or 5 times a power of ten apart).
pub(super) fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
    if !span.is_finite() {
        return Vec::new(); // values near f64::MAX: no sensible ticks, and no unbounded loop
    }
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    // The 1-2-5 step whose number of ticks is closest to `count`.
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .min_by(|a, b| {
            ((span / a) - count as f64)
                .abs()
                .total_cmp(&((span / b) - count as f64).abs())
        })
        .unwrap_or(raw);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    if last.saturating_sub(first) > 4 * count as i64 + 4 {
        return Vec::new();
    }
    (first..=last).map(|i| i as f64 * step).collect()
}

/// One bubble of the key account matrix.
pub struct MatrixPoint {
    /// The account's name (cut with "…" when long).
    pub label: String,
    /// The account page, relative to the page the chart is on.
    pub href: String,
    /// The bubble's tooltip: name, scores, health and revenue.
    pub title: String,
    pub attractiveness: f64,
    pub strength: f64,
    pub revenue_ttm: f64,
    pub colour: RGBColor,
    /// Health is partial: the bubble is drawn lighter with a dashed outline (the legend says so).
    pub partial: bool,
    /// (attractiveness, strength) at the baseline, when there is one and it differs.
    pub from: Option<(f64, f64)>,
}

/// The key account matrix: strength across, attractiveness up, bubble area ∝ revenue.
/// `labelled` largest accounts get a label where one fits; the `always` largest get one
/// even if it must stand away from the bubble with a leader line.
pub fn matrix(
    id: &str,
    points: &[MatrixPoint],
    split: (f64, f64),
    (labelled, always): (usize, usize),
    table: Table,
) -> Chart {
    let max = points.iter().map(|p| p.revenue_ttm).fold(0.0, f64::max);
    let radius = |r: f64| {
        if max > 0.0 {
            4.0 + 18.0 * (r / max).sqrt()
        } else {
            6.0
        }
    };
    // Label the biggest accounts only, so labels stay readable.
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[b]
            .revenue_ttm
            .total_cmp(&points[a].revenue_ttm)
            .then(a.cmp(&b))
    });
    let labelled: Vec<usize> = order.iter().copied().take(labelled).collect();
    let (mut bubbles, mut labels) = (String::new(), String::new());
    let svg = draw((720, 560), |root| {
        // Room above and to the right for the largest bubble at 100 (never clipped).
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .margin_top(28)
            .margin_right(28)
            .x_label_area_size(44)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..100f64, 0f64..100f64)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("Our strength (how the customer rates us)")
            .y_desc("Account attractiveness")
            .axis_desc_style(font(15.0))
            .label_style(font(14.0))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;
        let (sa, ss) = split;
        let line = ShapeStyle::from(&GREY).stroke_width(1);
        chart.draw_series(LineSeries::new([(ss, 0.0), (ss, 100.0)], line))?;
        chart.draw_series(LineSeries::new([(0.0, sa), (100.0, sa)], line))?;
        let q = font(15.0).color(&GREY);
        for (text, x, y, h) in [
            ("Star", 2.0, 97.0, HPos::Left),
            ("Strategic", 98.0, 97.0, HPos::Right),
            ("Streamline", 2.0, 3.0, HPos::Left),
            ("Status", 98.0, 3.0, HPos::Right),
        ] {
            let v = if y > 50.0 { VPos::Top } else { VPos::Bottom };
            chart.draw_series([Text::new(text, (x, y), q.clone().pos(Pos::new(h, v)))])?;
        }
        // Where each account came from: a thin line from its baseline position.
        for p in points {
            if let Some((a0, s0)) = p.from {
                let style = GREY.stroke_width(2);
                chart.draw_series(LineSeries::new(
                    [(s0, a0), (p.strength, p.attractiveness)],
                    style,
                ))?;
                chart.draw_series([Circle::new((s0, a0), 3, GREY.filled())])?;
            }
        }
        // Largest first, so small bubbles stay visible on top. Each bubble is a link to its
        // account with a tooltip; drawn as SVG directly (plotters has no links).
        let coord = chart.as_coord_spec().clone();
        let px = |x: f64, y: f64| coord.translate(&(x, y));
        // Accounts on the same point of the rating lattice would hide each other: each further
        // one is drawn a little around the first (in pixels; the numbers are unchanged).
        let mut at: Vec<(i32, i32)> = vec![(0, 0); points.len()];
        {
            let mut seen: std::collections::HashMap<(i32, i32), i32> =
                std::collections::HashMap::new();
            for &i in &order {
                let p = &points[i];
                let (x, y) = px(p.strength, p.attractiveness);
                let k = seen.entry((x, y)).or_insert(0);
                let angle = f64::from(*k) * std::f64::consts::FRAC_PI_3;
                let d = if *k == 0 {
                    0.0
                } else {
                    9.0 + 3.0 * f64::from(*k / 6)
                };
                at[i] = (x + (d * angle.cos()) as i32, y - (d * angle.sin()) as i32);
                *k += 1;
            }
        }
        for &i in &order {
            let p = &points[i];
            let (cx, cy) = at[i];
            let RGBColor(r, g, b) = p.colour;
            let _ = writeln!(
                bubbles,
                "<a href=\"{}\" class=\"bubble\"><circle cx=\"{cx}\" cy=\"{cy}\" r=\"{:.1}\" fill=\"#{r:02X}{g:02X}{b:02X}\" fill-opacity=\"{}\" stroke=\"#{r:02X}{g:02X}{b:02X}\" stroke-width=\"{}\"{}><title>{}</title></circle></a>",
                escape(&p.href),
                radius(p.revenue_ttm),
                if p.partial { "0.2" } else { "0.55" },
                // Partial health: lighter and dashed, so it shows in greyscale print too.
                if p.partial { "1.5" } else { "1" },
                if p.partial { " stroke-dasharray=\"3 2\"" } else { "" },
                escape(&p.title),
            );
        }
        // Greedy label placement in pixels: biggest accounts first, each label tries beside,
        // above and below its bubble; the `always` largest then try farther out with a leader
        // line, and the rest are skipped (the table and the tooltips have them).
        // Labels stay inside the plotting area (not over the axes).
        let (left, bottom) = px(0.0, 0.0);
        let (right, top) = px(100.0, 100.0);
        let mut taken: Vec<(i32, i32, i32, i32)> = order
            .iter()
            .map(|&i| {
                let p = &points[i];
                let (cx, cy) = at[i];
                let r = radius(p.revenue_ttm) as i32;
                (cx - r, cy - r, cx + r, cy + r)
            })
            .collect();
        // The quadrant captions in the corners are not covered by labels either.
        let caption = |chars: i32| chars * 9 + 6;
        taken.push((left, top, left + caption(4), top + 22));
        taken.push((right - caption(9), top, right, top + 22));
        taken.push((left, bottom - 22, left + caption(10), bottom));
        taken.push((right - caption(6), bottom - 22, right, bottom));
        let overlaps = |a: &(i32, i32, i32, i32), b: &(i32, i32, i32, i32)| {
            a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
        };
        for (rank, &i) in labelled.iter().enumerate() {
            let p = &points[i];
            let (cx, cy) = at[i];
            let r = radius(p.revenue_ttm) as i32;
            let label = truncate(&p.label, LABEL_CHARS);
            let tw = (label.chars().count() as f64 * 7.0) as i32;
            let th = 14;
            let own = (cx - r, cy - r, cx + r, cy + r);
            let fits = |b: &(i32, i32, i32, i32), taken: &[(i32, i32, i32, i32)]| {
                b.0 >= left + 2
                    && b.1 >= top + 2
                    && b.2 <= right - 2
                    && b.3 <= bottom - 2
                    && !taken.iter().any(|t| *t != own && overlaps(b, t))
            };
            // Right, left, centred above and below, then above and below aligned to either
            // side (for bubbles near the plot's edges).
            let near = [
                (cx + r + 4, cy - th / 2),
                (cx - r - 4 - tw, cy - th / 2),
                (cx - tw / 2, cy - r - 4 - th),
                (cx - tw / 2, cy + r + 4),
                (cx + r - tw, cy - r - 4 - th),
                (cx + r - tw, cy + r + 4),
                (cx - r, cy - r - 4 - th),
                (cx - r, cy + r + 4),
            ];
            let mut spot = near
                .into_iter()
                .map(|(x, y)| (x, y, x + tw, y + th))
                .find(|b| fits(b, &taken))
                .map(|b| (b, false));
            if spot.is_none() && rank < always {
                // Farther out in eight directions, with a leader line back to the bubble.
                'out: for step in 1..=8 {
                    let d = r + 10 + 14 * step;
                    for (dx, dy) in [
                        (1, 0),
                        (-1, 0),
                        (0, -1),
                        (0, 1),
                        (1, -1),
                        (-1, -1),
                        (1, 1),
                        (-1, 1),
                    ] {
                        let (ax, ay) = (cx + dx * d, cy + dy * d);
                        let x = if dx < 0 {
                            ax - tw
                        } else if dx == 0 {
                            ax - tw / 2
                        } else {
                            ax
                        };
                        let b = (x, ay - th / 2, x + tw, ay - th / 2 + th);
                        if fits(&b, &taken) {
                            spot = Some((b, true));
                            break 'out;
                        }
                    }
                }
            }
            if let Some((b, leader)) = spot {
                taken.push(b);
                if leader {
                    let (lx, ly) = ((b.0 + b.2) / 2, (b.1 + b.3) / 2);
                    let _ = writeln!(
                        labels,
                        "<line x1=\"{cx}\" y1=\"{cy}\" x2=\"{lx}\" y2=\"{ly}\" stroke=\"currentColor\" stroke-opacity=\"0.5\" stroke-width=\"1\"/>"
                    );
                }
                let _ = writeln!(
                    labels,
                    "<text class=\"label\" x=\"{}\" y=\"{}\" font-size=\"13\">{}</text>",
                    b.0,
                    b.1 + 11,
                    escape(&label)
                );
            }
        }
        Ok(())
    });
    let description = format!(
        "{} placed by strength (across) and attractiveness (up); bubble size is revenue over the last twelve months, colour is the health band; each bubble links to its account; the lines are the matrix splits at {:.0} and {:.0}.",
        if points.len() == 1 { "1 account".to_string() } else { format!("{} accounts", points.len()) }, split.1, split.0
    );
    let svg = with_overlay(svg, &(bubbles + &labels));
    let mut chart = finish(id, "Key account matrix", &description, svg, table);
    // It holds links, so it is a group of them rather than one image.
    chart.svg = chart.svg.replacen("role=\"img\"", "role=\"group\"", 1);
    chart
}

/// Longest account name a matrix label shows before it is cut with "…".
const LABEL_CHARS: usize = 22;

/// `s` cut to `max` characters, ending with "…" when it was longer.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

/// A line chart over categories (quarters), one series per (name, colour, values).
pub fn lines(
    id: &str,
    title: &str,
    description: &str,
    categories: &[String],
    series: &[(String, RGBColor, Vec<Option<f64>>)],
    y_label: impl Fn(f64) -> String,
    table: Table,
) -> Chart {
    let values = series.iter().flat_map(|s| s.2.iter().flatten().copied());
    // Without a single value the axes are drawn bare: no made-up scale, no empty legend.
    let empty = values.clone().next().is_none();
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let hi = if hi <= lo {
        lo + 1.0
    } else {
        hi + (hi - lo) * 0.08
    };
    let n = categories.len().max(1);
    let mut overlay = String::new();
    let svg = draw((720, 340), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(34)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), lo..hi)?;
        let y_ticks: Vec<(f64, String)> = if empty {
            vec![(0.0, y_label(0.0))]
        } else {
            nice_ticks(lo, hi, 5)
                .into_iter()
                .map(|v| (v, y_label(v)))
                .collect()
        };
        let x_ticks: Vec<(f64, String)> = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (i as f64, c.clone()))
            .collect();
        axes(&chart, root, &x_ticks, &y_ticks, false, &mut overlay)?;
        for (name, colour, values) in series {
            // Gaps in the data break the line rather than being drawn as zero.
            let mut run: Vec<(f64, f64)> = Vec::new();
            let mut runs = Vec::new();
            for (i, v) in values.iter().enumerate() {
                match v {
                    Some(v) => run.push((i as f64, *v)),
                    None => runs.push(std::mem::take(&mut run)),
                }
            }
            runs.push(run);
            let mut first = true;
            for run in runs.into_iter().filter(|r| !r.is_empty()) {
                let s = chart.draw_series(LineSeries::new(run.clone(), colour.stroke_width(3)))?;
                if first {
                    s.label(name.clone()).legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(3))
                    });
                    first = false;
                }
                chart.draw_series(run.into_iter().map(|p| Circle::new(p, 3, colour.filled())))?;
            }
        }
        if series.len() > 1 && !empty {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::MiddleRight)
                .label_font(font(15.0))
                .background_style(WHITE.mix(0.0))
                .border_style(GREY.mix(0.4))
                .draw()?;
        }
        Ok(())
    });
    finish(id, title, description, with_overlay(svg, &overlay), table)
}

/// Horizontal bars 0–100, one per (label, value, colour); missing values are named, not drawn.
pub fn bars(
    id: &str,
    title: &str,
    description: &str,
    items: &[(String, Option<f64>, RGBColor)],
    table: Table,
) -> Chart {
    let n = items.len().max(1);
    let height = 44 + 34 * n as u32;
    let mut overlay = String::new();
    let svg = draw((720, height), |root| {
        let chart = ChartBuilder::on(root)
            .margin(10)
            // Room right of 100 for a value's label: a label inside a full bar had too little
            // contrast against it.
            .margin_right(40)
            .x_label_area_size(26)
            .y_label_area_size(230)
            .build_cartesian_2d(0f64..100f64, 0f64..n as f64)?;
        let x_ticks: Vec<(f64, String)> = (0..=5)
            .map(|i| (20.0 * i as f64, format!("{}", 20 * i)))
            .collect();
        axes(&chart, root, &x_ticks, &[], true, &mut overlay)?;
        let coord = chart.as_coord_spec();
        let (mut names, mut values) = (Vec::new(), Vec::new());
        for (i, (label, value, colour)) in items.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let (left, middle) = coord.translate(&(0.0, y + 0.5));
            names.push((left - 8, middle + 5, label.clone()));
            match value {
                Some(v) => {
                    let v = v.clamp(0.0, 100.0);
                    let (x0, y0) = coord.translate(&(0.0, y + 0.82));
                    let (x1, y1) = coord.translate(&(v, y + 0.18));
                    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], colour.filled()))?;
                    let (at, _) = coord.translate(&(v + 1.0, y));
                    values.push((at, middle + 5, crate::numfmt::fixed(v, 0)));
                }
                None => {
                    let (at, _) = coord.translate(&(1.0, y));
                    values.push((at, middle + 5, "not given".to_string()));
                }
            }
        }
        label_group(&mut overlay, "text-anchor=\"end\" font-size=\"16\"", &names);
        label_group(&mut overlay, "", &values);
        Ok(())
    });
    finish(id, title, description, with_overlay(svg, &overlay), table)
}

/// The concentration (Pareto) curve with the 80/20 reference. `top20` is the analysis' share
/// of revenue held by the top 20 % of accounts (SPEC §8), named in the description.
pub fn pareto(id: &str, shares_desc: &[f64], top20: Option<f64>, table: Table) -> Chart {
    let n = shares_desc.len();
    let mut points = vec![(0.0, 0.0)];
    let mut cum = 0.0;
    for (i, s) in shares_desc.iter().enumerate() {
        cum += s;
        points.push((100.0 * (i + 1) as f64 / n.max(1) as f64, cum.min(100.0)));
    }
    let svg = draw((720, 360), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..100f64, 0f64..100f64)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .bold_line_style(GREY.mix(0.3))
            .x_desc("Share of accounts, largest first (%)")
            .y_desc("Share of revenue (%)")
            .axis_desc_style(font(15.0))
            .label_style(font(15.0))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;
        let reference = GREY.stroke_width(1);
        chart.draw_series(LineSeries::new([(20.0, 0.0), (20.0, 100.0)], reference))?;
        chart.draw_series(LineSeries::new([(0.0, 80.0), (100.0, 80.0)], reference))?;
        chart.draw_series([Text::new(
            "80/20",
            (21.0, 82.0),
            font(15.0)
                .color(&GREY)
                .pos(Pos::new(HPos::Left, VPos::Bottom)),
        )])?;
        chart.draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(3)))?;
        Ok(())
    });
    let description = match top20 {
        Some(at20) => format!("Cumulative share of revenue over the last twelve months against the share of accounts, largest first: the top 20 % of accounts hold {at20:.0} % of revenue."),
        None => "Cumulative share of revenue over the last twelve months against the share of accounts, largest first: no account reports revenue over the last twelve months.".to_string(),
    };
    finish(id, "Revenue concentration", &description, svg, table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_are_round() {
        assert_eq!(
            nice_ticks(0.0, 1_080_000.0, 5),
            [0.0, 200_000.0, 400_000.0, 600_000.0, 800_000.0, 1_000_000.0]
        );
        assert_eq!(nice_ticks(0.0, 27.0, 5), [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]);
        assert_eq!(
            nice_ticks(-40.0, 90.0, 5),
            [-40.0, -20.0, 0.0, 20.0, 40.0, 60.0, 80.0]
        );
    }

    #[test]
    fn charts_are_accessible_and_theme_aware() {
        let c = pareto("p", &[60.0, 30.0, 10.0], Some(60.0), Table::default());
        assert!(c.svg.starts_with("<svg"), "{}", &c.svg[..80]);
        assert!(c
            .svg
            .contains("role=\"img\" aria-labelledby=\"p-t\" aria-describedby=\"p-d\""));
        assert_eq!(c.title, "Revenue concentration");
        assert!(!c.svg.contains("#000000"));
        assert!(c.description.contains("hold 60 %"), "{}", c.description);
    }
}
