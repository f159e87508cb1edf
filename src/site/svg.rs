//! The SVG every chart is drawn into: a plotters backend that writes compact markup directly.
//!
//! plotters' own SVG backend spells every attribute out on every element: `opacity="1"`, the
//! font family on every label, one `<polyline>` per tick mark, one `<circle>` per data point with
//! its colour repeated — about 60 KB per account page at 10,000 accounts, mostly markup. This
//! backend draws the same shapes at the same coordinates with far fewer bytes, and without a
//! second pass over the text: the font, its size and colour are said once on `<svg>`, defaults (an opacity of 1, a stroke
//! width of 1) are left out,
//! consecutive lines of one style become one `<path>`, and so do consecutive points of one style
//! (each the round cap of a line of no length) and consecutive filled rectangles, and black is written as `currentColor` (so charts follow the page's text colour
//! in dark mode).

use std::fmt::Write as _;

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};

/// The font size of a label unless it says otherwise.
pub const FONT_SIZE: u32 = 15;

/// A plotters backend writing compact SVG into a string, for inline use in HTML (which needs
/// no `xmlns`).
pub struct Svg<'a> {
    out: &'a mut String,
    size: (u32, u32),
    /// The run of same-style shapes not yet written: merging needs to see the next shape.
    run: Run,
    /// The style attributes of the shape being drawn (reused to avoid an allocation per shape).
    style: String,
    presented: bool,
}

#[derive(PartialEq)]
enum Kind {
    /// Lines: `M…L…` segments of one `<path>`.
    Lines,
    /// Filled points: round caps of zero-length lines in one `<path>`.
    Dots,
    /// Filled rectangles (bars): closed subpaths of one `<path>`.
    Boxes,
}

struct Run {
    kind: Option<Kind>,
    style: String,
    body: String,
}

impl<'a> Svg<'a> {
    /// Starts an SVG of `size` pixels in `out`. The font and colour of every label are said
    /// here, once: text is filled with the text colour by default, and every shape this backend
    /// draws names its own fill.
    pub fn new(out: &'a mut String, size: (u32, u32)) -> Self {
        let _ = writeln!(
            out,
            "<svg font-family=\"sans-serif\" font-size=\"{FONT_SIZE}\" fill=\"currentColor\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">",
            w = size.0,
            h = size.1
        );
        Svg {
            out,
            size,
            run: Run {
                kind: None,
                style: String::new(),
                body: String::new(),
            },
            style: String::new(),
            presented: false,
        }
    }

    /// Writes the pending run as one `<path>`.
    fn flush(&mut self) {
        let run = &mut self.run;
        if run.kind.take().is_some() {
            let _ = writeln!(self.out, "<path{} d=\"{}\"/>", run.style, run.body);
        }
        run.body.clear();
    }

    /// Continues the run when `kind` and the style in `self.style` match it, else starts a new
    /// one; returns its body to append the shape's own part to.
    fn join(&mut self, kind: Kind) -> &mut String {
        if self.run.kind.as_ref() != Some(&kind) || self.run.style != self.style {
            self.flush();
            self.run.kind = Some(kind);
            std::mem::swap(&mut self.run.style, &mut self.style);
        }
        &mut self.run.body
    }

    /// Writes a single element (not merged with its neighbours).
    fn element(&mut self, text: std::fmt::Arguments<'_>) {
        self.flush();
        let _ = self.out.write_fmt(text);
        self.out.push('\n');
    }
}

/// How a shape is painted with its colour.
enum Paint {
    Fill,
    /// Outlined, with this stroke width.
    Stroke(u32),
}

/// The paint attributes of a shape, the defaults left out: ` opacity="a"` unless opaque, then
/// ` fill="C"`, or ` fill="none" stroke="C"` and ` stroke-width="w"` unless 1. `C` is
/// `#RRGGBB`, or `currentColor` for black.
fn paint(out: &mut String, c: BackendColor, how: Paint) {
    if c.alpha != 1.0 {
        let _ = write!(out, " opacity=\"{}\"", c.alpha);
    }
    out.push_str(match how {
        Paint::Fill => " fill=\"",
        Paint::Stroke(_) => " fill=\"none\" stroke=\"",
    });
    match c.rgb {
        (0, 0, 0) => out.push_str("currentColor"),
        (r, g, b) => {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('#');
            for v in [r, g, b] {
                out.push(char::from(HEX[usize::from(v >> 4)]));
                out.push(char::from(HEX[usize::from(v & 15)]));
            }
        }
    }
    out.push('"');
    if let Paint::Stroke(width) = how {
        if width != 1 {
            let _ = write!(out, " stroke-width=\"{width}\"");
        }
    }
}

/// `{command}{v}` in a path's data. Paths are most of a chart's bytes, and `write!` of an
/// integer was a tenth of drawing one.
fn number(d: &mut String, command: char, v: i32) {
    d.push(command);
    d.push_str(itoa::Buffer::new().format(v));
}

/// `{command}{x},{y}` in a path's data.
fn point(d: &mut String, command: char, x: i32, y: i32) {
    number(d, command, x);
    number(d, ',', y);
}

/// The points of a polyline or polygon: `x,y x,y`.
fn points(path: impl IntoIterator<Item = BackendCoord>) -> String {
    let mut s = String::new();
    for (i, (x, y)) in path.into_iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{x},{y}");
    }
    s
}

type Drawn = Result<(), DrawingErrorKind<std::io::Error>>;

impl DrawingBackend for Svg<'_> {
    type ErrorType = std::io::Error;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Drawn {
        Ok(())
    }

    fn present(&mut self) -> Drawn {
        if !self.presented {
            self.flush();
            self.out.push_str("</svg>\n");
            self.presented = true;
        }
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, c: BackendColor) -> Drawn {
        if c.alpha == 0.0 {
            return Ok(());
        }
        let mut style = String::new();
        paint(&mut style, c, Paint::Fill);
        self.element(format_args!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"1\" height=\"1\"{style}/>"
        ));
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, s: &S) -> Drawn {
        self.draw_path([from, to], s)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Drawn {
        let c = s.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        self.style.clear();
        paint(&mut self.style, c, Paint::Stroke(s.stroke_width()));
        let d = self.join(Kind::Lines);
        let mut last: Option<BackendCoord> = None;
        for (x, y) in path {
            // Axis-parallel segments (grid lines, ticks, axes) say only the coordinate that moves.
            match last {
                None => point(d, 'M', x, y),
                Some((lx, _)) if lx == x => number(d, 'V', y),
                Some((_, ly)) if ly == y => number(d, 'H', x),
                Some(_) => point(d, 'L', x, y),
            }
            last = Some((x, y));
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x0, y0): BackendCoord,
        (x1, y1): BackendCoord,
        s: &S,
        fill: bool,
    ) -> Drawn {
        let c = s.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        if fill {
            self.style.clear();
            paint(&mut self.style, c, Paint::Fill);
            let d = self.join(Kind::Boxes);
            let (w, h) = (x1 - x0, y1 - y0);
            point(d, 'M', x0, y0);
            number(d, 'h', w);
            number(d, 'v', h);
            number(d, 'h', -w);
            d.push('z');
            return Ok(());
        }
        let mut style = String::new();
        paint(&mut style, c, Paint::Stroke(s.stroke_width()));
        self.element(format_args!(
            "<rect x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\"{style}/>",
            x1 - x0,
            y1 - y0
        ));
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (x, y): BackendCoord,
        r: u32,
        s: &S,
        fill: bool,
    ) -> Drawn {
        let c = s.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        if !fill {
            let mut style = String::new();
            paint(&mut style, c, Paint::Stroke(s.stroke_width()));
            self.element(format_args!(
                "<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\"{style}/>"
            ));
            return Ok(());
        }
        // A filled dot is the round cap of a line of no length, as wide as the dot: a run of
        // them is one path of a few bytes per point.
        self.style.clear();
        paint(&mut self.style, c, Paint::Stroke(2 * r));
        self.style.push_str(" stroke-linecap=\"round\"");
        let d = self.join(Kind::Dots);
        point(d, 'M', x, y);
        d.push_str("h0");
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Drawn {
        let c = s.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let mut style = String::new();
        paint(&mut style, c, Paint::Fill);
        let points = points(path);
        self.element(format_args!("<polygon{style} points=\"{points}\"/>"));
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, s: &T, (x, y): BackendCoord) -> Drawn {
        let c = s.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let anchor = match s.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "middle",
        };
        let dy = match s.anchor().v_pos {
            VPos::Top => "0.76em",
            VPos::Center => "0.5ex",
            VPos::Bottom => "-0.5ex",
        };
        // plotters' font sizes are in its own units (1.24 per pixel); a tenth is enough.
        let size = crate::numfmt::short((s.size() / 1.24 * 10.0).round() / 10.0);
        let mut attrs = format!("<text x=\"{x}\" y=\"{y}\" dy=\"{dy}\"");
        if anchor != "start" {
            let _ = write!(attrs, " text-anchor=\"{anchor}\"");
        }
        if size != FONT_SIZE.to_string() {
            let _ = write!(attrs, " font-size=\"{size}\"");
        }
        let family = s.family();
        if family.as_str() != "sans-serif" {
            attrs.push_str(" font-family=\"");
            super::format::push_escaped(&mut attrs, family.as_str());
            attrs.push('"');
        }
        // Black at full opacity is the text colour the whole SVG already has.
        if c.rgb != (0, 0, 0) || c.alpha != 1.0 {
            paint(&mut attrs, c, Paint::Fill);
        }
        match s.style() {
            FontStyle::Normal => {}
            FontStyle::Bold => attrs.push_str(" font-weight=\"bold\""),
            other => {
                let _ = write!(attrs, " font-style=\"{}\"", other.as_str());
            }
        }
        let turn = match s.transform() {
            FontTransform::Rotate90 => 90,
            FontTransform::Rotate180 => 180,
            FontTransform::Rotate270 => 270,
            _ => 0,
        };
        if turn != 0 {
            let _ = write!(attrs, " transform=\"rotate({turn}, {x}, {y})\"");
        }
        attrs.push('>');
        super::format::push_escaped(&mut attrs, text);
        self.element(format_args!("{attrs}</text>"));
        Ok(())
    }
}

impl Drop for Svg<'_> {
    fn drop(&mut self) {
        let _ = self.present();
    }
}

#[cfg(test)]
mod tests {
    use super::Svg;
    use plotters::prelude::*;

    #[test]
    fn runs_of_one_style_become_one_element_and_defaults_go() {
        let mut out = String::new();
        {
            let root = Svg::new(&mut out, (10, 10)).into_drawing_area();
            let grey = RGBColor(0x99, 0x99, 0x99).stroke_width(1);
            root.draw(&PathElement::new(vec![(1, 2), (3, 4)], grey))
                .unwrap();
            root.draw(&PathElement::new(vec![(5, 6), (7, 8)], grey))
                .unwrap();
            let blue = RGBColor(0, 0, 0xFF).filled();
            root.draw(&Circle::new((1, 2), 3, blue)).unwrap();
            root.draw(&Circle::new((4, 5), 3, blue)).unwrap();
            root.draw(&Circle::new((6, 6), 2, BLACK.mix(0.5).filled()))
                .unwrap();
            root.present().unwrap();
        }
        assert_eq!(
            out,
            "<svg font-family=\"sans-serif\" font-size=\"15\" fill=\"currentColor\" width=\"10\" height=\"10\" viewBox=\"0 0 10 10\">\n\
             <path fill=\"none\" stroke=\"#999999\" d=\"M1,2L3,4M5,6L7,8\"/>\n\
             <path fill=\"none\" stroke=\"#0000FF\" stroke-width=\"6\" stroke-linecap=\"round\" d=\"M1,2h0M4,5h0\"/>\n\
             <path opacity=\"0.5\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"4\" stroke-linecap=\"round\" d=\"M6,6h0\"/>\n\
             </svg>\n"
        );
    }
}
