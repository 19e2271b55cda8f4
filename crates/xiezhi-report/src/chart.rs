//! Charts as SVG drawn by our own code: one source for the HTML (inline) and for the DOCX
//! (rasterised by [`crate::raster`]). Line charts for trends, grouped columns for comparisons.

use std::fmt::Write;

use crate::bulletin::{ChartData, ChartKind};

/// Chart width and height in SVG user units (pixels at scale 1).
pub const WIDTH: f64 = 760.0;
pub const HEIGHT: f64 = 380.0;

const COLORS: [&str; 4] = ["#c0392b", "#1f5fa8", "#d68910", "#1e8449"];
const LEFT: f64 = 64.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 76.0;
const BOTTOM: f64 = 64.0;

/// XML text escaping.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A "nice" axis maximum and step (1, 2 or 5 × 10^k) for values up to `max`. With `whole`
/// (counts of cases) the step is at least 1: there is no half a case.
fn axis(max: f64, whole: bool) -> (f64, f64) {
    let max = if max > 0.0 { max } else { 1.0 };
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|f| f * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let step = if whole { step.max(1.0) } else { step };
    ((max / step).ceil() * step, step)
}

fn tick_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// The chart as an SVG document. `with_namespace` adds the SVG namespace (needed by a standalone
/// file or a rasteriser; inline SVG in HTML does without it). `font_family` is the CSS list.
pub fn svg(chart: &ChartData, font_family: &str, with_namespace: bool) -> String {
    let mut s = String::new();
    let ns = if with_namespace { " xmlns=\"http://www.w3.org/2000/svg\"" } else { "" };
    let _ = write!(
        s,
        "<svg{ns} viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-label=\"{}\" font-family=\"{}\" font-size=\"13\">",
        escape(&chart.title),
        escape(font_family)
    );
    let _ = write!(s, "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>");
    // No title when a caption under the chart names it.
    if !chart.title.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\" fill=\"#222\">{}</text>",
            WIDTH / 2.0,
            escape(&chart.title)
        );
    }
    // Legend.
    let reference_width =
        if chart.reference.is_empty() { 0.0 } else { 40.0 + 14.0 * chart.reference_label.chars().count() as f64 };
    let legend_width: f64 =
        chart.series.iter().map(|(name, _)| 30.0 + 14.0 * name.chars().count() as f64).sum::<f64>() + reference_width;
    let mut x = (WIDTH - legend_width) / 2.0;
    for (i, (name, _)) in chart.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"36\" width=\"14\" height=\"10\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"46\" fill=\"#333\">{}</text>",
            x + 18.0,
            escape(name)
        );
        x += 30.0 + 14.0 * name.chars().count() as f64;
    }
    if !chart.reference.is_empty() {
        // The reference lines are explained once in the legend: dashed = the scope's value.
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"41\" x2=\"{:.1}\" y2=\"41\" stroke=\"#555\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/><text x=\"{:.1}\" y=\"46\" fill=\"#333\">{}</text>",
            x + 22.0,
            x + 26.0,
            escape(&chart.reference_label)
        );
    }
    let values = || chart.series.iter().flat_map(|(_, v)| v.iter().flatten()).chain(chart.reference.iter().flatten());
    let max = values().fold(0.0f64, |a, b| a.max(*b));
    // Rates are not forced to start at 0 (bars of 92 % and 96 % would look alike): the axis
    // starts at a round number below the lowest value.
    let min = values().fold(f64::INFINITY, |a, b| a.min(*b));
    let (bottom, top_value, step) = if chart.unit == "%" && min.is_finite() && min > 20.0 {
        let (span, step) = axis((max - min) * 1.3 + 1.0, false);
        let bottom = ((min - span * 0.15) / step).floor() * step;
        let bottom = bottom.max(0.0);
        let (_, step) = axis(max * 1.04 - bottom, false);
        let top = bottom + ((max * 1.04 - bottom) / step).ceil() * step;
        (bottom, top, step)
    } else {
        // Headroom above the highest point for its label.
        let (top, step) = axis(max * 1.08, chart.unit == "件");
        (0.0, top, step)
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y_of = |v: f64| TOP + plot_h - (v - bottom) / (top_value - bottom) * plot_h;
    // Grid and y labels.
    let mut v = bottom;
    while v <= top_value + step / 2.0 {
        let y = y_of(v);
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#dddddd\" stroke-width=\"1\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            LEFT + plot_w,
            LEFT - 6.0,
            y + 4.0,
            tick_label(v)
        );
        v += step;
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\" fill=\"#555\">单位：{}</text>",
        8.0,
        TOP - 22.0,
        escape(&chart.unit)
    );
    let n = chart.categories.len().max(1);
    let band = plot_w / n as f64;
    // Category labels: at most 6 characters per line, two lines.
    let label_every = (n as f64 / 14.0).ceil().max(1.0) as usize;
    for (i, label) in chart.categories.iter().enumerate() {
        if i % label_every != 0 {
            continue;
        }
        let cx = LEFT + band * (i as f64 + 0.5);
        let chars: Vec<char> = label.chars().collect();
        let lines: Vec<String> = if chars.len() > 6 && chart.kind == ChartKind::Columns {
            chars.chunks(chars.len().div_ceil(2)).map(|c| c.iter().collect()).collect()
        } else {
            vec![label.clone()]
        };
        for (j, line) in lines.iter().enumerate() {
            let _ = write!(
                s,
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\" font-size=\"12\">{}</text>",
                TOP + plot_h + 18.0 + 15.0 * j as f64,
                escape(line)
            );
        }
    }
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\" stroke-width=\"1\"/>",
        TOP + plot_h,
        LEFT + plot_w,
        TOP + plot_h
    );
    match chart.kind {
        ChartKind::Line => {
            for (si, (_, values)) in chart.series.iter().enumerate() {
                let color = COLORS[si % COLORS.len()];
                let mut path = String::new();
                let mut pen_down = false;
                for (i, v) in values.iter().enumerate() {
                    let Some(v) = v else {
                        pen_down = false;
                        continue;
                    };
                    let (px, py) = (LEFT + band * (i as f64 + 0.5), y_of(*v));
                    let _ = write!(path, "{}{px:.1},{py:.1} ", if pen_down { "L" } else { "M" });
                    pen_down = true;
                }
                let _ = write!(
                    s,
                    "<path d=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"/>",
                    path.trim_end()
                );
                for (i, v) in values.iter().enumerate() {
                    let Some(v) = v else { continue };
                    let (px, py) = (LEFT + band * (i as f64 + 0.5), y_of(*v));
                    let _ = write!(s, "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3.5\" fill=\"{color}\"/>");
                    if n <= 12 {
                        // Two series close together at this month: the lower point's label goes
                        // under it, so that the figures do not print over each other.
                        let crowded_from_above = chart.series.iter().enumerate().any(|(sj, (_, other))| {
                            sj != si
                                && other.get(i).copied().flatten().is_some_and(|w| {
                                    let pw = y_of(w);
                                    (pw - py).abs() < 14.0 && (pw < py || (pw == py && sj < si))
                                })
                        });
                        let label_y = if crowded_from_above { py + 16.0 } else { py - 7.0 };
                        let _ = write!(
                            s,
                            "<text x=\"{px:.1}\" y=\"{label_y:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{color}\">{}</text>",
                            tick_label(*v)
                        );
                    }
                }
            }
        }
        ChartKind::Columns => {
            let k = chart.series.len().max(1) as f64;
            let bar = (band * 0.8 / k).min(28.0);
            for (si, (_, values)) in chart.series.iter().enumerate() {
                let color = COLORS[si % COLORS.len()];
                for (i, v) in values.iter().enumerate() {
                    let x0 = LEFT + band * (i as f64 + 0.5) - bar * k / 2.0 + bar * si as f64;
                    match v {
                        Some(v) => {
                            let y = y_of(*v);
                            let _ = write!(
                                s,
                                "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"/>",
                                bar - 1.0,
                                (TOP + plot_h - y).max(0.0)
                            );
                            // Data labels while they fit above the bars.
                            if bar >= 14.0 {
                                let _ = write!(
                                    s,
                                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\" fill=\"#333\">{:.1}</text>",
                                    x0 + bar / 2.0,
                                    y - 3.0,
                                    v
                                );
                            }
                        }
                        None => {
                            let _ = write!(
                                s,
                                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#888\">—</text>",
                                x0 + bar / 2.0,
                                TOP + plot_h - 4.0
                            );
                        }
                    }
                }
            }
        }
    }
    // The scope's own value per series: a dashed line across the plot, labelled at the right.
    for (si, value) in chart.reference.iter().enumerate() {
        let Some(value) = value else { continue };
        let color = COLORS[si % COLORS.len()];
        let y = y_of(*value);
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"><title>{} {value:.2}</title></line>",
            LEFT + plot_w,
            escape(&chart.reference_label),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_steps_are_nice() {
        assert_eq!(axis(100.0, false), (100.0, 20.0));
        assert_eq!(axis(37.0, false), (40.0, 10.0));
        assert_eq!(axis(0.0, false), (1.0, 0.2));
        // Counts: 3.2 cases at most → steps of 1 (not 0.5), up to 4.
        assert_eq!(axis(3.2, true), (4.0, 1.0));
        assert_eq!(axis(0.0, true), (1.0, 1.0));
    }
}
