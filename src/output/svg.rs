//! SVG charts of stance: lines over time and a source × target heatmap.
//!
//! Drawn with plotters' SVG backend, which writes text as SVG `<text>` in a
//! generic `sans-serif` family: no font files, no system libraries. Each
//! line series is one `<polyline>` (stroke width 2) joining the periods that
//! have data, with a dot on each of them; the zero line, the grid and the
//! axes are drawn thinner. The legend sits beside the plot, never on it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::aggregate::Period;
use crate::error::{Error, Result};
use crate::output::wide::parse_period;

/// Line colours (Tableau 10, with its yellow swapped for a darker gold that
/// reads on white).
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4E, 0x79, 0xA7),
    RGBColor(0xF2, 0x8E, 0x2B),
    RGBColor(0xE1, 0x57, 0x59),
    RGBColor(0x59, 0xA1, 0x4F),
    RGBColor(0xB0, 0x7A, 0xA1),
    RGBColor(0x76, 0xB7, 0xB2),
    RGBColor(0x9C, 0x75, 0x5F),
    RGBColor(0xC9, 0xA2, 0x27),
    RGBColor(0xFF, 0x9D, 0xA7),
    RGBColor(0x6B, 0x6B, 0x6B),
];
const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);

/// The colour of series `i`.
pub fn series_color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// One line: a value (or nothing) per period.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Legend text.
    pub label: String,
    /// One value per period of the chart, `None` where there is no data.
    pub values: Vec<Option<f64>>,
}

/// A line chart of stance over time.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// The title, on top.
    pub title: String,
    /// The y-axis title.
    pub y_label: String,
    /// The x-axis title.
    pub x_label: String,
    /// The period labels, in order: the x axis.
    pub periods: Vec<String>,
    /// The lines.
    pub lines: Vec<Line>,
    /// True for values in [−1, 1] (net stance, mean tone): the y axis runs
    /// from −1 to +1; false for counts (from 0).
    pub signed: bool,
    /// A line of small print under the chart (definitions, source).
    pub caption: String,
    /// Size in pixels.
    pub size: (u32, u32),
}

/// A source × target matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// The title, on top.
    pub title: String,
    /// Row labels (sources).
    pub rows: Vec<String>,
    /// Column labels (targets).
    pub cols: Vec<String>,
    /// `cells[row][col]`: the value and its sentences, `None` without data.
    pub cells: Vec<Vec<Option<(f64, u64)>>>,
    /// True for values in [−1, 1] (a red–white–blue scale); false for
    /// counts (white to blue).
    pub signed: bool,
    /// What the colours mean, above the colour bar.
    pub scale_label: String,
    /// A line of small print under the chart.
    pub caption: String,
}

fn draw_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::Other(format!("drawing the chart: {e}"))
}

/// Text width estimate in pixels at `size` (for layout only; the viewer
/// picks the actual font). About 0.6 em per character for sans-serif.
fn text_px(s: &str, size: f64) -> i32 {
    (s.chars().count() as f64 * size * 0.6).ceil() as i32
}

/// A text style: plotters divides the size by 1.24 in SVG, so this asks
/// for `px` pixels.
fn font(px: f64, color: RGBColor) -> TextStyle<'static> {
    let mut style = TextStyle::from((FONT, px * 1.24).into_font());
    style.color = color.to_backend_color();
    style
}

fn text(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    s: &str,
    at: (i32, i32),
    style: TextStyle<'static>,
    h: HPos,
    v: VPos,
) -> Result<()> {
    area.draw(&Text::new(s.to_string(), at, style.pos(Pos::new(h, v))))
        .map_err(draw_err)
}

/// `+0.50`, `−0.25` (a true minus sign), `0.00`.
pub fn signed2(x: f64) -> String {
    let s = format!("{:+.2}", x);
    match s.as_str() {
        "+0.00" | "-0.00" => "0.00".to_string(),
        _ => s.replace('-', "−"),
    }
}

/// Draws a line chart as an SVG document.
pub fn line_chart(c: &LineChart) -> Result<String> {
    if c.periods.is_empty() {
        return Err(Error::Other("no period to plot".into()));
    }
    let (w, h) = c.size;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        // Title, caption, legend column.
        text(
            &root,
            &c.title,
            (w as i32 / 2, 14),
            font(20.0, INK),
            HPos::Center,
            VPos::Top,
        )?;
        let caption_h = if c.caption.is_empty() { 8 } else { 30 };
        let (main, foot) = root.split_vertically(h as i32 - caption_h);
        if !c.caption.is_empty() {
            text(
                &foot,
                &c.caption,
                (14, 8),
                font(12.0, MUTED),
                HPos::Left,
                VPos::Top,
            )?;
        }
        let legend_w = c
            .lines
            .iter()
            .map(|l| text_px(&l.label, 13.0))
            .max()
            .unwrap_or(0)
            .clamp(60, w as i32 / 3)
            + 56;
        let (plot, legend) = main.split_horizontally(w as i32 - legend_w);
        let plot = plot.margin(44, 6, 8, 12);

        let n = c.periods.len();
        let (y0, y1) = if c.signed {
            (-1.05, 1.05)
        } else {
            let max = c
                .lines
                .iter()
                .flat_map(|l| l.values.iter().flatten())
                .fold(0.0f64, |m, v| m.max(*v));
            (0.0, (max * 1.1).max(1.0))
        };
        let x_range = -0.5..(n as f64 - 0.5);
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(52)
            .y_label_area_size(78)
            .build_cartesian_2d(x_range, y0..y1)
            .map_err(draw_err)?;
        // As many period labels as fit without touching (about 1.6 labels'
        // width apart), on calendar steps: every month, quarter, half-year...
        let label_w = c
            .periods
            .iter()
            .map(|p| text_px(p, 13.0))
            .max()
            .unwrap_or(40);
        let plot_w = chart.plotting_area().dim_in_pixel().0 as i32;
        let fit = (plot_w / (label_w * 16 / 10 + 4)).max(1) as usize;
        let shown = label_plan(&c.periods, fit);
        let y_fmt = |y: &f64| -> String {
            if c.signed {
                signed2(*y).replace(".00", "").replace("0.50", "0.5")
            } else {
                format!("{y:.0}")
            }
        };
        chart
            .configure_mesh()
            .x_labels(0)
            .y_labels(if c.signed { 5 } else { 6 })
            .y_label_formatter(&y_fmt)
            .x_desc(c.x_label.as_str())
            .y_desc(c.y_label.as_str())
            .label_style(font(13.0, INK))
            .axis_desc_style(font(14.0, INK))
            .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD).stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED.stroke_width(1))
            .disable_x_mesh()
            .draw()
            .map_err(draw_err)?;
        // Period ticks (every period while they stay 4 px apart) and labels.
        let every = plot_w >= 4 * n as i32;
        for (i, label) in shown.iter().enumerate() {
            if !(*label || every) {
                continue;
            }
            let (x, y) = chart.backend_coord(&(i as f64, y0));
            let len = if *label { 6 } else { 3 };
            root.draw(&PathElement::new(
                vec![(x, y + 1), (x, y + 1 + len)],
                MUTED.stroke_width(1),
            ))
            .map_err(draw_err)?;
            if *label {
                text(
                    &root,
                    &c.periods[i],
                    (x, y + 10),
                    font(13.0, INK),
                    HPos::Center,
                    VPos::Top,
                )?;
            }
        }
        // The zero line: on a signed axis, what separates hostile from
        // conciliatory.
        if c.signed {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
                    BLACK.stroke_width(1),
                )))
                .map_err(draw_err)?;
        }
        // Bigger dots when there are only a few periods (`--period all`).
        let dot = if n <= 3 { 6 } else { 3 };
        for (i, line) in c.lines.iter().enumerate() {
            let color = series_color(i);
            let pts: Vec<(f64, f64)> = line
                .values
                .iter()
                .enumerate()
                .filter_map(|(x, v)| v.map(|v| (x as f64, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(draw_err)?;
            chart
                .draw_series(pts.iter().map(|p| Circle::new(*p, dot, color.filled())))
                .map_err(draw_err)?;
        }
        // Legend: a swatch and the label per line, top right.
        for (i, line) in c.lines.iter().enumerate() {
            let y = 96 + 24 * i as i32;
            let color = series_color(i);
            legend
                .draw(&Rectangle::new([(8, y - 2), (32, y + 2)], color.filled()))
                .map_err(draw_err)?;
            legend
                .draw(&Circle::new((20, y), 4, color.filled()))
                .map_err(draw_err)?;
            text(
                &legend,
                &line.label,
                (40, y),
                font(13.0, INK),
                HPos::Left,
                VPos::Center,
            )?;
        }
        if c.signed {
            // Which way is which, next to the axis ends.
            let (_, py) = chart.plotting_area().get_pixel_range();
            text(
                &root,
                "conciliatory ↑",
                (w as i32 - legend_w + 8, py.start + 2),
                font(12.0, MUTED),
                HPos::Left,
                VPos::Top,
            )?;
            text(
                &root,
                "hostile ↓",
                (w as i32 - legend_w + 8, py.end - 2),
                font(12.0, MUTED),
                HPos::Left,
                VPos::Bottom,
            )?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// Which periods get a label on the x axis: at most `fit`, on the
/// smallest calendar step that allows it (months: every 1, 2, 3, 6, 12...;
/// quarters: 1, 2, 4...; years: 1, 2, 5, 10...), aligned on the calendar
/// (January, Q1, round years) where the labels say which it is.
fn label_plan(periods: &[String], fit: usize) -> Vec<bool> {
    let n = periods.len();
    let parsed: Vec<Option<Period>> = periods.iter().map(|p| parse_period(p)).collect();
    // A position on the calendar, for alignment.
    let ordinal = |i: usize| -> Option<i64> {
        Some(match parsed[i]? {
            Period::Month(y, m) => y as i64 * 12 + m as i64 - 1,
            Period::Quarter(y, q) => y as i64 * 4 + q as i64 - 1,
            Period::Year(y) => y as i64,
            _ => return None,
        })
    };
    let base: &[usize] = match parsed.first().copied().flatten() {
        Some(Period::Month(..)) => &[1, 2, 3, 6, 12, 24, 60, 120],
        Some(Period::Quarter(..)) => &[1, 2, 4, 8, 20, 40],
        Some(Period::Week(..)) => &[1, 2, 4, 13, 26, 52, 104, 260],
        Some(Period::Day(..)) => &[1, 2, 7, 14, 28, 91, 182, 365, 730],
        _ => &[1, 2, 5, 10, 20, 50, 100],
    };
    let steps = base
        .iter()
        .copied()
        .chain((1..).map(|k| base[base.len() - 1] * 10usize.pow(k)));
    for step in steps {
        let plan: Vec<bool> = (0..n)
            .map(|i| match ordinal(i) {
                Some(o) => o.rem_euclid(step as i64) == 0,
                None => i.is_multiple_of(step),
            })
            .collect();
        let count = plan.iter().filter(|b| **b).count();
        if count <= fit.max(1) && (count > 0 || step >= n) {
            if count == 0 {
                // Too short to reach an aligned period: label the first.
                return (0..n).map(|i| i == 0).collect();
            }
            return plan;
        }
    }
    (0..n).map(|i| i == 0).collect()
}

/// Mixes `a` and `b` (t = 0: a, t = 1: b).
fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

const HOSTILE: RGBColor = RGBColor(0xB2, 0x18, 0x2B);
const NEUTRAL: RGBColor = RGBColor(0xF7, 0xF7, 0xF7);
const CONCILIATORY: RGBColor = RGBColor(0x21, 0x66, 0xAC);
const EMPTY: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

/// The fill of a heatmap cell, and whether its text should be white.
fn heat_color(v: f64, signed: bool, max: f64) -> (RGBColor, bool) {
    if signed {
        let t = v.clamp(-1.0, 1.0);
        if t < 0.0 {
            (mix(NEUTRAL, HOSTILE, -t), -t > 0.55)
        } else {
            (mix(NEUTRAL, CONCILIATORY, t), t > 0.55)
        }
    } else {
        let t = if max > 0.0 { v / max } else { 0.0 };
        (mix(NEUTRAL, CONCILIATORY, t), t > 0.55)
    }
}

/// Draws a source × target heatmap as an SVG document: one cell per pair
/// with its value and sentence count, a colour bar, labelled rows (sources)
/// and columns (targets).
pub fn heatmap(m: &Heatmap) -> Result<String> {
    if m.rows.is_empty() || m.cols.is_empty() {
        return Err(Error::Other("no dyad to plot".into()));
    }
    let (cw, ch) = (64i32, 40i32);
    let row_label_w = m.rows.iter().map(|r| text_px(r, 13.0)).max().unwrap_or(40) + 20;
    let col_label_w = m.cols.iter().map(|c| text_px(c, 13.0)).max().unwrap_or(40);
    // Column labels go upright when they fit the cell, else at 90°.
    let upright = col_label_w <= cw - 6;
    let col_label_h = if upright { 24 } else { col_label_w + 12 };
    let top = 64 + 22 + col_label_h;
    let left = row_label_w + 30;
    let grid_w = cw * m.cols.len() as i32;
    let grid_h = ch * m.rows.len() as i32;
    let bar_w = 180;
    let title_w = text_px(&m.title, 18.0) + 40;
    let caption_w = text_px(&m.caption, 12.0) + 28;
    let w = (left + grid_w + bar_w).max(title_w).max(caption_w).max(480);
    let h = (top + grid_h + 60).max(top + 260);
    let max = m
        .cells
        .iter()
        .flatten()
        .flatten()
        .fold(0.0f64, |a, (v, _)| a.max(*v));
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w as u32, h as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        text(
            &root,
            &m.title,
            (w / 2, 14),
            font(18.0, INK),
            HPos::Center,
            VPos::Top,
        )?;
        // Axis titles.
        text(
            &root,
            "target (columns)",
            (left + grid_w / 2, 64),
            font(14.0, INK),
            HPos::Center,
            VPos::Top,
        )?;
        let style = font(14.0, INK).transform(FontTransform::Rotate270);
        text(
            &root,
            "source (rows)",
            (14, top + grid_h / 2),
            style,
            HPos::Center,
            VPos::Top,
        )?;
        for (j, c) in m.cols.iter().enumerate() {
            let x = left + cw * j as i32 + cw / 2;
            if upright {
                text(
                    &root,
                    c,
                    (x, top - 6),
                    font(13.0, INK),
                    HPos::Center,
                    VPos::Bottom,
                )?;
            } else {
                let style = font(13.0, INK).transform(FontTransform::Rotate270);
                text(&root, c, (x, top - 6), style, HPos::Left, VPos::Center)?;
            }
        }
        for (i, r) in m.rows.iter().enumerate() {
            let y = top + ch * i as i32 + ch / 2;
            text(
                &root,
                r,
                (left - 8, y),
                font(13.0, INK),
                HPos::Right,
                VPos::Center,
            )?;
            for (j, cell) in m.cells[i].iter().enumerate() {
                let x0 = left + cw * j as i32;
                let y0 = top + ch * i as i32;
                let rect = [(x0, y0), (x0 + cw - 2, y0 + ch - 2)];
                match cell {
                    None => {
                        root.draw(&Rectangle::new(rect, EMPTY.filled()))
                            .map_err(draw_err)?;
                    }
                    Some((v, n)) => {
                        let (fill, white) = heat_color(*v, m.signed, max);
                        root.draw(&Rectangle::new(rect, fill.filled()))
                            .map_err(draw_err)?;
                        let ink = if white { WHITE } else { INK };
                        let value = if m.signed {
                            signed2(*v)
                        } else {
                            format!("{v:.0}")
                        };
                        let cx = x0 + (cw - 2) / 2;
                        text(
                            &root,
                            &value,
                            (cx, y0 + ch / 2 - 2),
                            font(13.0, ink),
                            HPos::Center,
                            VPos::Bottom,
                        )?;
                        if m.signed {
                            text(
                                &root,
                                &format!("n={n}"),
                                (cx, y0 + ch / 2),
                                font(10.0, ink),
                                HPos::Center,
                                VPos::Top,
                            )?;
                        }
                    }
                }
            }
        }
        // Colour bar.
        let bx = left + grid_w + 36;
        let (by, bh) = (top, 160);
        text(
            &root,
            &m.scale_label,
            (bx - 6, by - 18),
            font(12.0, INK),
            HPos::Left,
            VPos::Bottom,
        )?;
        let steps = 20;
        for s in 0..steps {
            // Top = highest value.
            let t = 1.0 - (s as f64 + 0.5) / steps as f64;
            let v = if m.signed { t * 2.0 - 1.0 } else { t * max };
            let (fill, _) = heat_color(v, m.signed, max);
            let y0 = by + bh * s / steps;
            let y1 = by + bh * (s + 1) / steps;
            root.draw(&Rectangle::new([(bx, y0), (bx + 18, y1)], fill.filled()))
                .map_err(draw_err)?;
        }
        let ticks: Vec<(f64, String)> = if m.signed {
            vec![
                (0.0, "+1 conciliatory".into()),
                (0.5, "0".into()),
                (1.0, "−1 hostile".into()),
            ]
        } else {
            vec![(0.0, format!("{max:.0}")), (1.0, "0".into())]
        };
        for (f, label) in ticks {
            let y = by + (bh as f64 * f) as i32;
            text(
                &root,
                &label,
                (bx + 24, y),
                font(12.0, INK),
                HPos::Left,
                VPos::Center,
            )?;
        }
        let ey = by + bh + 24;
        root.draw(&Rectangle::new(
            [(bx, ey), (bx + 18, ey + 12)],
            EMPTY.filled(),
        ))
        .map_err(draw_err)?;
        text(
            &root,
            "no sentences",
            (bx + 24, ey + 6),
            font(12.0, INK),
            HPos::Left,
            VPos::Center,
        )?;
        if !m.caption.is_empty() {
            text(
                &root,
                &m.caption,
                (14, h - 10),
                font(12.0, MUTED),
                HPos::Left,
                VPos::Bottom,
            )?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(lines: usize, periods: usize) -> LineChart {
        LineChart {
            title: "Net stance as source".into(),
            y_label: "net stance".into(),
            x_label: "period".into(),
            periods: (0..periods).map(|i| format!("P{i}")).collect(),
            lines: (0..lines)
                .map(|l| Line {
                    label: format!("A{l} & <co>"),
                    values: (0..periods)
                        .map(|p| (p % 3 != 1).then_some((p as f64 / 10.0 - 0.3) * l as f64))
                        .collect(),
                })
                .collect(),
            signed: true,
            caption: "caption".into(),
            size: (900, 480),
        }
    }

    fn polylines(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke-width") == Some("2"))
            .map(|n| n.attribute("stroke").unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn one_polyline_per_line_with_its_own_colour() {
        let svg = line_chart(&chart(3, 12)).unwrap();
        let p = polylines(&svg);
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!(p[0], "#4E79A7");
        assert!(svg.contains("A2 &amp; &lt;co&gt;"));
        assert!(svg.contains(">\nP0\n") || svg.contains(">P0<") || svg.contains("P0"));
    }

    #[test]
    fn labels_fall_on_calendar_steps() {
        let months: Vec<String> = (1..=12)
            .chain(1..=11)
            .enumerate()
            .map(|(i, m)| format!("{}-{m:02}", 2011 + i / 12))
            .collect();
        let shown = |p: &[String], fit| -> Vec<String> {
            let plan = label_plan(p, fit);
            p.iter()
                .zip(plan)
                .filter(|(_, b)| *b)
                .map(|(p, _)| p.clone())
                .collect()
        };
        assert_eq!(shown(&months, 30).len(), 23);
        assert_eq!(
            shown(&months, 8),
            [
                "2011-01", "2011-04", "2011-07", "2011-10", "2012-01", "2012-04", "2012-07",
                "2012-10"
            ]
        );
        assert_eq!(
            shown(&months, 4),
            ["2011-01", "2011-07", "2012-01", "2012-07"]
        );
        assert_eq!(shown(&months, 2), ["2011-01", "2012-01"]);
        let weeks: Vec<String> = (2..=51).map(|w| format!("2024-W{w:02}")).collect();
        assert_eq!(
            shown(&weeks, 5),
            ["2024-W02", "2024-W15", "2024-W28", "2024-W41"]
        );
        let one = vec!["2024-05".to_string()];
        assert_eq!(shown(&one, 0), ["2024-05"]);
        let few = vec!["2024-05".to_string(), "2024-06".to_string()];
        assert_eq!(shown(&few, 1), ["2024-05"]);
        assert_eq!(signed2(-0.004), "0.00");
        assert_eq!(signed2(-0.5), "−0.50");
    }

    #[test]
    fn a_single_period_and_counts_draw() {
        let mut c = chart(2, 1);
        c.signed = false;
        c.lines[1].values = vec![Some(4.0)];
        let svg = line_chart(&c).unwrap();
        assert_eq!(polylines(&svg).len(), 2);
    }

    #[test]
    fn heatmap_has_a_cell_per_pair() {
        let m = Heatmap {
            title: "t".into(),
            rows: vec!["PRK".into(), "KOR".into()],
            cols: vec!["PRK".into(), "KOR".into(), "USA".into()],
            cells: vec![
                vec![None, Some((-0.8, 10)), Some((-1.0, 3))],
                vec![Some((0.25, 4)), None, None],
            ],
            signed: true,
            scale_label: "net stance".into(),
            caption: String::new(),
        };
        let svg = heatmap(&m).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").trim().to_string())
            .collect();
        for t in ["−0.80", "n=10", "+0.25", "−1.00", "USA", "source (rows)"] {
            assert!(texts.iter().any(|x| x == t), "{t} in {texts:?}");
        }
    }
}
