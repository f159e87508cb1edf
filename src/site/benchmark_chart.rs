//! The effectiveness chart: each measure's change for key accounts and for all others, as
//! horizontal bars from zero, over the range effective KAM achieves (a shaded band).

use plotters::prelude::*;

use super::charts::{axes, draw, finish, text, with_overlay, Chart, Table, BLUE, GREEN, ORANGE};

/// One measure: its label, the benchmark range and the two groups' values.
pub struct Row {
    pub label: String,
    pub range: [f64; 2],
    pub key: Option<f64>,
    pub others: Option<f64>,
}

/// Bars for key accounts (blue) and others (orange) per measure, on one axis of change
/// (percent or points, as each label says), with the benchmark band shaded green.
pub fn benchmark(id: &str, title: &str, description: &str, rows: &[Row], table: Table) -> Chart {
    let values = rows
        .iter()
        .flat_map(|r| [r.key, r.others, Some(r.range[0]), Some(r.range[1])])
        .flatten()
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // Round outwards to tens so the axis reads easily; keep zero inside.
    let lo = (lo / 10.0).floor() * 10.0 - 5.0;
    let hi = (hi / 10.0).ceil() * 10.0 + 5.0;
    let n = rows.len().max(1);
    let height = 60 + 70 * n as u32;
    let mut overlay = String::new();
    let svg = draw((720, height), |root| {
        let chart = ChartBuilder::on(root)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(26)
            .y_label_area_size(230)
            .build_cartesian_2d(lo..hi, 0f64..n as f64)?;
        let step = if hi - lo > 60.0 { 20.0 } else { 10.0 };
        let first = (lo / step).ceil() as i64;
        let last = (hi / step).floor() as i64;
        let x_ticks: Vec<(f64, String)> = (first..=last)
            .map(|i| {
                (
                    i as f64 * step,
                    format!("{:+}", i as f64 * step).replace("+0", "0"),
                )
            })
            .collect();
        axes(&chart, root, &x_ticks, &[], true, &mut overlay)?;
        let coord = chart.as_coord_spec();
        let (zero_top, zero_bottom) = (
            coord.translate(&(0.0, n as f64)),
            coord.translate(&(0.0, 0.0)),
        );
        root.draw(&PathElement::new(
            vec![zero_top, zero_bottom],
            BLACK.stroke_width(1),
        ))?;
        for (i, r) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let band = [
                coord.translate(&(r.range[0], y + 0.95)),
                coord.translate(&(r.range[1], y + 0.05)),
            ];
            root.draw(&Rectangle::new(band, GREEN.mix(0.18).filled()))?;
            let (left, middle) = coord.translate(&(lo, y + 0.5));
            text(&mut overlay, left - 8, middle + 5, "end", 15, &r.label);
            for (value, top, colour, who) in [
                (r.key, 0.88, BLUE, "key"),
                (r.others, 0.48, ORANGE, "others"),
            ] {
                let (_, label_y) = coord.translate(&(0.0, y + top - 0.2));
                match value {
                    Some(v) => {
                        let v = v.clamp(lo, hi);
                        let bar = [
                            coord.translate(&(0.0, y + top)),
                            coord.translate(&(v, y + top - 0.32)),
                        ];
                        root.draw(&Rectangle::new(bar, colour.filled()))?;
                        let (end, _) = coord.translate(&(v, y));
                        let (x, anchor) = if v >= 0.0 {
                            (end + 6, "start")
                        } else {
                            (end - 6, "end")
                        };
                        text(
                            &mut overlay,
                            x,
                            label_y + 5,
                            anchor,
                            13,
                            &format!("{who} {v:+.1}"),
                        );
                    }
                    None => {
                        let (x, _) = coord.translate(&(0.0, y));
                        text(
                            &mut overlay,
                            x + 6,
                            label_y + 5,
                            "start",
                            13,
                            &format!("{who}: no data"),
                        );
                    }
                }
            }
        }
        Ok(())
    });
    finish(id, title, description, with_overlay(svg, &overlay), table)
}
