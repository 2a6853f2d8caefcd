//! Charts as inline SVG, built as text so a report needs no font files, no scripts and no
//! network, and the same numbers always give the same bytes.
//!
//! Coordinates are `f64` (pixels only); the numbers a reader copies come from the data
//! tables printed beside each chart, which use the exact decimals. Every piece of text put
//! into the SVG is escaped here.

use std::fmt::Write as _;

/// Series colours, chosen to stay apart for common colour-vision deficiencies.
const PALETTE: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
];

const WIDTH: f64 = 720.0;

/// One bar of a bar chart.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Drawn in the accent colour (the recommended route).
    pub highlight: bool,
}

/// One line of a line chart; `None` leaves a gap.
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A vertical marker on a line chart, such as a crossover.
pub struct Marker {
    pub x: f64,
    pub label: String,
}

/// Horizontal bars, one per label, with the value printed at the end of each bar.
pub fn bar_chart(
    title: &str,
    axis_label: &str,
    bars: &[Bar],
    value_text: &dyn Fn(f64) -> String,
) -> String {
    let left = 260.0;
    let right = 90.0;
    let top = 40.0;
    let row = 28.0;
    let plot_width = WIDTH - left - right;
    let height = top + row * bars.len() as f64 + 50.0;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let scale = if max > 0.0 { plot_width / max } else { 0.0 };
    let mut svg = open(title, height);
    for (i, bar) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let w = (bar.value * scale).max(1.0);
        let colour = if bar.highlight { PALETTE[0] } else { "#9aa5b1" };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>\
             <rect x=\"{left}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"><title>{}: {}</title></rect>\
             <text x=\"{}\" y=\"{}\" class=\"value\">{}</text>",
            num(left - 8.0),
            num(y + row * 0.62),
            esc(&shorten(&bar.label, 38)),
            num(y + 4.0),
            num(w),
            num(row - 8.0),
            esc(&bar.label),
            esc(&value_text(bar.value)),
            num(left + w + 6.0),
            num(y + row * 0.62),
            esc(&value_text(bar.value)),
        );
    }
    let axis_y = top + row * bars.len() as f64 + 4.0;
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{left}\" y2=\"{}\" class=\"axis\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis-label\">{}</text>",
        num(top - 4.0),
        num(axis_y),
        num(left + plot_width / 2.0),
        num(axis_y + 30.0),
        esc(axis_label)
    );
    svg.push_str("</svg>");
    svg
}

/// One bar of a stacked bar chart: a label and one value per part (`None` is not drawn).
pub struct Stack {
    pub label: String,
    pub parts: Vec<Option<f64>>,
}

/// Horizontal bars split into coloured parts (such as cost by model), with a legend of the
/// part names and each bar's total printed at its end.
pub fn stacked_bar_chart(
    title: &str,
    axis_label: &str,
    part_names: &[String],
    stacks: &[Stack],
    value_text: &dyn Fn(f64) -> String,
) -> String {
    let (left, right, top, row) = (260.0, 90.0, 40.0, 28.0);
    let plot_width = WIDTH - left - right;
    let legend_rows = part_names.len().div_ceil(2) as f64;
    let axis_y = top + row * stacks.len() as f64 + 4.0;
    let height = axis_y + 44.0 + legend_rows * 20.0;
    let total = |s: &Stack| s.parts.iter().flatten().sum::<f64>();
    let max = stacks.iter().map(total).fold(0.0, f64::max);
    let scale = if max > 0.0 { plot_width / max } else { 0.0 };
    let mut svg = open(title, height);
    for (i, stack) in stacks.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>",
            num(left - 8.0),
            num(y + row * 0.62),
            esc(&shorten(&stack.label, 38)),
        );
        let mut x = left;
        for (j, part) in stack.parts.iter().enumerate() {
            let Some(value) = part else { continue };
            let w = value * scale;
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} / {}: {}</title></rect>",
                num(x),
                num(y + 4.0),
                num(w),
                num(row - 8.0),
                PALETTE[j % PALETTE.len()],
                esc(&stack.label),
                esc(part_names.get(j).map_or("", String::as_str)),
                esc(&value_text(*value)),
            );
            x += w;
        }
        // A bar with a part that cannot be priced has no total: saying $0 would be wrong.
        let end = if stack.parts.iter().any(Option::is_none) {
            "cannot price all".to_string()
        } else {
            value_text(total(stack))
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" class=\"value\">{}</text>",
            num(x + 6.0),
            num(y + row * 0.62),
            esc(&end),
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{left}\" y2=\"{}\" class=\"axis\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis-label\">{}</text>",
        num(top - 4.0),
        num(axis_y),
        num(left + plot_width / 2.0),
        num(axis_y + 24.0),
        esc(axis_label)
    );
    for (j, name) in part_names.iter().enumerate() {
        let lx = left + if j % 2 == 0 { 0.0 } else { plot_width / 2.0 };
        let ly = axis_y + 48.0 + (j / 2) as f64 * 20.0;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"legend\">{}</text>",
            num(lx),
            num(ly - 9.0),
            PALETTE[j % PALETTE.len()],
            num(lx + 20.0),
            num(ly),
            esc(&shorten(name, 44)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Lines over a shared x axis, with a legend, gridlines and optional markers. With `log_x`
/// (`log_y`) the x (y) axis is logarithmic, for values spanning orders of magnitude.
pub struct LineChart<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x: &'a [f64],
    pub series: &'a [Series],
    pub markers: &'a [Marker],
    pub log_x: bool,
    pub log_y: bool,
    pub x_text: &'a dyn Fn(f64) -> String,
    pub y_text: &'a dyn Fn(f64) -> String,
}

pub fn line_chart(chart: &LineChart) -> String {
    let (left, right, top) = (80.0, 50.0, 40.0);
    let plot_height = 260.0;
    let legend_rows = chart.series.len().div_ceil(2) as f64;
    let height = top + plot_height + 60.0 + legend_rows * 20.0;
    let plot_width = WIDTH - left - right;
    let tx = |v: f64| {
        if chart.log_x {
            v.max(f64::MIN_POSITIVE).log10()
        } else {
            v
        }
    };
    let (x_min, x_max) = chart
        .x
        .iter()
        .map(|v| tx(*v))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let x_span = if x_max > x_min { x_max - x_min } else { 1.0 };
    let y_max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0, |a: f64, v| a.max(*v));
    let y_min_positive = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .filter(|v| **v > 0.0)
        .fold(f64::INFINITY, |a: f64, v| a.min(*v));
    // The y range: 0 to a round number, or on a log axis whole powers of ten around the data.
    let (y_low, y_high, ticks): (f64, f64, Vec<f64>) = if chart.log_y && y_min_positive.is_finite()
    {
        let low = y_min_positive.log10().floor();
        let high = y_max.log10().ceil().max(low + 1.0);
        let ticks = (low as i32..=high as i32).map(|p| 10f64.powi(p)).collect();
        (low, high, ticks)
    } else {
        let top_value = nice_ceiling(y_max);
        let ticks = (0..=4).map(|i| top_value * f64::from(i) / 4.0).collect();
        (0.0, top_value, ticks)
    };
    let ty = |v: f64| {
        if chart.log_y && y_min_positive.is_finite() {
            v.max(10f64.powf(y_low)).log10()
        } else {
            v
        }
    };
    let px = |v: f64| left + (tx(v) - x_min) / x_span * plot_width;
    let py = |v: f64| top + plot_height - (ty(v) - y_low) / (y_high - y_low) * plot_height;

    let mut svg = open(chart.title, height);
    // Gridlines and y ticks.
    for v in ticks {
        let y = py(v);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" class=\"grid\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"tick\">{}</text>",
            num(left + plot_width),
            num(left - 6.0),
            num(y + 4.0),
            esc(&(chart.y_text)(v)),
            y = num(y),
        );
    }
    // X ticks: at most eight, evenly picked from the data points.
    let n = chart.x.len();
    let every = n.div_ceil(8).max(1);
    for (i, v) in chart.x.iter().enumerate() {
        if i % every != 0 && i + 1 != n {
            continue;
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"tick\">{}</text>",
            num(px(*v)),
            num(top + plot_height + 16.0),
            esc(&(chart.x_text)(*v)),
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" class=\"axis\"/>\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{left}\" y2=\"{bottom}\" class=\"axis\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis-label\">{}</text>\
         <text transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\" class=\"axis-label\">{}</text>",
        num(left + plot_width),
        num(top),
        num(left + plot_width / 2.0),
        num(top + plot_height + 36.0),
        esc(chart.x_label),
        num(top + plot_height / 2.0),
        esc(chart.y_label),
        bottom = num(top + plot_height),
    );
    for marker in chart.markers {
        let x = px(marker.x);
        let _ = write!(
            svg,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" class=\"marker\"/>\
             <text x=\"{}\" y=\"{}\" class=\"marker-label\">{}</text>",
            num(top),
            num(top + plot_height),
            num(px(marker.x) + 4.0),
            num(top + 12.0),
            esc(&marker.label),
            x = num(x),
        );
    }
    for (i, series) in chart.series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let mut path = String::new();
        let mut pen_down = false;
        for (x, y) in chart.x.iter().zip(&series.values) {
            match y {
                Some(y) => {
                    let _ = write!(
                        path,
                        "{}{} {} ",
                        if pen_down { "L" } else { "M" },
                        num(px(*x)),
                        num(py(*y))
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let dash = if i >= PALETTE.len() {
            " stroke-dasharray=\"6 3\""
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}><title>{}</title></path>",
            path.trim_end(),
            esc(&series.name)
        );
        let lx = left + if i % 2 == 0 { 0.0 } else { plot_width / 2.0 };
        let ly = top + plot_height + 58.0 + (i / 2) as f64 * 20.0;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"4\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"legend\">{}</text>",
            num(lx),
            num(ly - 4.0),
            num(lx + 20.0),
            num(ly),
            esc(&shorten(&series.name, 44)),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open(title: &str, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" \
         width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\"><title>{}</title>\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" class=\"chart-title\">{}</text>",
        num(WIDTH),
        num(height),
        num(WIDTH),
        num(height),
        esc(title),
        esc(title),
        num(WIDTH / 2.0),
        esc(title)
    )
}

/// The smallest 1, 2 or 5 times a power of ten at or above `v`, so axes end on round numbers.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(v.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= step * power {
            return step * power;
        }
    }
    10.0 * power
}

/// Pixel numbers with at most one decimal, so the bytes do not depend on float noise.
fn num(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Escapes text for HTML and SVG content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_charts_is_escaped() {
        let svg = bar_chart(
            "<script>",
            "USD",
            &[Bar {
                label: "\"><img onerror=x>".into(),
                value: 1.0,
                highlight: true,
            }],
            &|v| format!("{v}"),
        );
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<img"));
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(1234.0), 2000.0);
        assert_eq!(nice_ceiling(2400.0), 2500.0);
    }

    #[test]
    fn line_charts_leave_gaps_for_missing_values() {
        let series = [Series {
            name: "a".into(),
            values: vec![Some(1.0), None, Some(2.0)],
        }];
        let svg = line_chart(&LineChart {
            title: "t",
            x_label: "x",
            y_label: "y",
            x: &[1.0, 2.0, 3.0],
            series: &series,
            markers: &[],
            log_x: false,
            log_y: false,
            x_text: &|v| format!("{v}"),
            y_text: &|v| format!("{v}"),
        });
        assert_eq!(svg.matches('M').count(), 2, "{svg}");
    }

    #[test]
    fn a_log_axis_has_a_tick_at_every_power_of_ten() {
        let series = [Series {
            name: "a".into(),
            values: vec![Some(3.0), Some(40_000.0)],
        }];
        let svg = line_chart(&LineChart {
            title: "t",
            x_label: "x",
            y_label: "y",
            x: &[1.0, 1000.0],
            series: &series,
            markers: &[],
            log_x: true,
            log_y: true,
            x_text: &|v| format!("{v}"),
            y_text: &|v| format!("y={v}"),
        });
        for tick in [
            "y=1<",
            "y=10<",
            "y=100<",
            "y=1000<",
            "y=10000<",
            "y=100000<",
        ] {
            assert!(svg.contains(tick), "{tick} in {svg}");
        }
    }

    #[test]
    fn stacked_bars_total_their_parts() {
        let svg = stacked_bar_chart(
            "t",
            "USD",
            &["a".into(), "b".into()],
            &[Stack {
                label: "route".into(),
                parts: vec![Some(1.5), Some(2.0)],
            }],
            &|v| format!("={v}"),
        );
        assert!(svg.contains(">=3.5</text>"), "{svg}");
        let partial = stacked_bar_chart(
            "t",
            "USD",
            &["a".into(), "b".into()],
            &[Stack {
                label: "route".into(),
                parts: vec![Some(1.5), None],
            }],
            &|v| format!("={v}"),
        );
        assert!(partial.contains(">cannot price all</text>"), "{partial}");
        assert_eq!(
            svg.matches("<rect").count(),
            4,
            "two parts and two legend keys"
        );
    }

    #[test]
    fn pixels_have_at_most_one_decimal() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(0.1 + 0.2), "0.3");
    }
}
