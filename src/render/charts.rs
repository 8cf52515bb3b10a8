//! Charts as inline SVG, made at build time: bars, lines, Pareto and a 5C radar.
//!
//! Every chart is a `<figure>` holding an `<svg role="img">` named by its `<title>`, and a
//! visually hidden table with the same numbers as its text alternative. The SVG carries only
//! class names (`chart-bar`, `series-0`, …); colours come from the theme's CSS. Coordinates are
//! rounded to one decimal, so the same numbers give the same bytes.

use std::fmt::Write;

use super::escape;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 56.0;
/// Above this many categories the axis labels are left out (the table still has them).
const MAX_AXIS_LABELS: usize = 16;

/// What every chart needs besides its data.
pub struct Chart<'a> {
    /// Unique within the page; used for the element ids.
    pub id: &'a str,
    /// The chart's accessible name.
    pub title: &'a str,
    /// Header of the label column of the text-alternative table (e.g. "年份", "Customer").
    pub category: &'a str,
    /// Formats axis tick values for display (money in 万 for zh-CN, percentages, …).
    pub ticks: &'a dyn Fn(f64) -> String,
}

/// One value with its label and its display text.
#[derive(Clone, Debug)]
pub struct Datum {
    pub label: String,
    pub value: f64,
    /// The value as the page shows it, used in the table and tooltips.
    pub display: String,
}

impl Datum {
    pub fn new(label: impl Into<String>, value: f64, display: impl Into<String>) -> Self {
        Datum {
            label: label.into(),
            value,
            display: display.into(),
        }
    }
}

/// One line of a line chart; `None` where the series has no value (the line breaks).
#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub points: Vec<Option<(f64, String)>>,
}

/// A number for SVG coordinates: one decimal, no trailing `.0`, never `-0`.
fn n(x: f64) -> String {
    let tenths = (x * 10.0).round();
    // Integer digits: float formatting with a precision (Grisu, then Dragon) was a tenth of
    // the CPU of a dossier's charts. Same text as `format!("{:.1}", tenths / 10.0)`.
    if tenths.abs() < 1e15 {
        let t = tenths as i64;
        let sign = if t < 0 { "-" } else { "" };
        let (whole, tenth) = (t.unsigned_abs() / 10, t.unsigned_abs() % 10);
        return if tenth == 0 {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{tenth}")
        };
    }
    let r = tenths / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// The smallest tick step, 10^-300: a range narrower than that (subnormal numbers, where
/// `10^k` is no longer exact) is drawn on it, so its bars are flat.
const MIN_STEP_EXPONENT: i32 = -300;

/// Tick values from a rounded-out range that includes 0, with steps of 1, 2 or 5 × 10^k.
///
/// Any finite range gives 2 to 12 increasing, finite ticks, the first at or below `min(lo, 0)`
/// and the last at or above `max(hi, 0)`: ticks beyond the largest float stop at ±`f64::MAX`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let finite_or_zero = |x: f64| if x.is_finite() { x } else { 0.0 };
    let lo = finite_or_zero(lo).min(0.0);
    let mut hi = finite_or_zero(hi).max(0.0);
    if hi == lo {
        hi = lo + 1.0;
    }
    // From −MAX to MAX the span itself overflows; a fifth of each end does not.
    let span = hi - lo;
    let raw = if span.is_finite() {
        span / 5.0
    } else {
        hi / 5.0 - lo / 5.0
    };
    let exponent = (raw.log10().floor() as i32).max(MIN_STEP_EXPONENT);
    let magnitude = power_of_ten(exponent);
    let multiple: i32 = [1, 2, 5, 10]
        .into_iter()
        .find(|m| f64::from(*m) * magnitude >= raw)
        .unwrap_or(10);
    let step = f64::from(multiple) * magnitude;
    // The float nearest to i × multiple × 10^e: 0.2 steps give 0.6, not 0.6000000000000001.
    let value = |i: i64| {
        let v = format!("{}e{exponent}", i * i64::from(multiple))
            .parse::<f64>()
            .unwrap_or(0.0);
        if v == 0.0 {
            0.0
        } else {
            v.clamp(-f64::MAX, f64::MAX)
        }
    };
    let mut first = (lo / step).floor() as i64;
    let mut last = (hi / step).ceil() as i64;
    // A subnormal end divided by a large step rounds to 0: one more step covers it.
    if value(first) > lo {
        first -= 1;
    }
    if value(last) < hi {
        last += 1;
    }
    (first..=last).map(value).collect()
}

/// 10^e as the nearest float (`powi` drifts by a few units in the last place for large `e`).
fn power_of_ten(e: i32) -> f64 {
    format!("1e{e}").parse().unwrap_or(f64::NAN)
}

/// Where `v` lies from `lo` (0) to `hi` (1); halves where the differences overflow.
fn fraction(v: f64, lo: f64, hi: f64) -> f64 {
    let (offset, span) = (v - lo, hi - lo);
    if offset.is_finite() && span.is_finite() {
        offset / span
    } else {
        (v / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0)
    }
}

struct Plot {
    lo: f64,
    hi: f64,
    count: usize,
}

impl Plot {
    fn y(&self, v: f64) -> f64 {
        let h = HEIGHT - TOP - BOTTOM;
        TOP + h - fraction(v, self.lo, self.hi) * h
    }

    fn band(&self) -> f64 {
        (WIDTH - LEFT - RIGHT) / self.count.max(1) as f64
    }

    /// Centre of category `i`.
    fn x(&self, i: usize) -> f64 {
        LEFT + self.band() * (i as f64 + 0.5)
    }
}

fn open(svg: &mut String, chart: &Chart, kind: &str) {
    let _ = write!(
        svg,
        "<figure class=\"chart chart-{kind}\" id=\"{id}\">\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{title}</title>",
        id = escape(chart.id),
        w = n(WIDTH),
        h = n(HEIGHT),
        title = escape(chart.title),
    );
}

/// Horizontal grid lines with tick labels, and the category labels below.
fn axes(svg: &mut String, chart: &Chart, plot: &Plot, tick_values: &[f64], labels: &[&str]) {
    svg.push_str("<g class=\"chart-axis\" aria-hidden=\"true\">");
    for &t in tick_values {
        let y = n(plot.y(t));
        let class = if t == 0.0 {
            "chart-grid chart-zero"
        } else {
            "chart-grid"
        };
        let _ = write!(
            svg,
            "<line class=\"{class}\" x1=\"{l}\" x2=\"{r}\" y1=\"{y}\" y2=\"{y}\"/>\
             <text class=\"chart-tick\" x=\"{tx}\" y=\"{y}\" text-anchor=\"end\" dy=\"0.35em\">{label}</text>",
            l = n(LEFT),
            r = n(WIDTH - RIGHT),
            tx = n(LEFT - 6.0),
            label = escape(&(chart.ticks)(t)),
        );
    }
    if labels.len() <= MAX_AXIS_LABELS {
        let y = n(HEIGHT - BOTTOM + 18.0);
        for (i, label) in labels.iter().enumerate() {
            let _ = write!(
                svg,
                "<text class=\"chart-label\" x=\"{x}\" y=\"{y}\" text-anchor=\"middle\">{label}</text>",
                x = n(plot.x(i)),
                label = escape(&truncate(label, 10)),
            );
        }
    }
    svg.push_str("</g>");
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// The visually hidden table: a header row, then one row per category. It is hidden by a
/// wrapper: a table is never narrower than its content, so on itself the 1 px box of
/// `.visually-hidden` would still widen the page on a phone.
fn table(svg: &mut String, chart: &Chart, headers: &[&str], rows: &[(String, Vec<String>)]) {
    let _ = write!(
        svg,
        "</svg><div class=\"visually-hidden\"><table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>",
        escape(chart.title),
        escape(chart.category)
    );
    for h in headers {
        let _ = write!(svg, "<th scope=\"col\">{}</th>", escape(h));
    }
    svg.push_str("</tr></thead><tbody>");
    for (label, cells) in rows {
        let _ = write!(svg, "<tr><th scope=\"row\">{}</th>", escape(label));
        for c in cells {
            let _ = write!(svg, "<td>{}</td>", escape(c));
        }
        svg.push_str("</tr>");
    }
    svg.push_str("</tbody></table></div></figure>");
}

fn bars(svg: &mut String, plot: &Plot, data: &[Datum]) {
    let width = plot.band() * 0.7;
    let zero = plot.y(0.0);
    // A value that is not a number has no bar; the table still shows its text.
    for (i, d) in data.iter().enumerate().filter(|(_, d)| d.value.is_finite()) {
        let y = plot.y(d.value);
        let (top, height) = if d.value >= 0.0 {
            (y, zero - y)
        } else {
            (zero, y - zero)
        };
        let class = if d.value < 0.0 {
            "chart-bar negative"
        } else {
            "chart-bar"
        };
        let _ = write!(
            svg,
            "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"><title>{label}: {display}</title></rect>",
            x = n(plot.x(i) - width / 2.0),
            y = n(top),
            w = n(width),
            h = n(height),
            label = escape(&d.label),
            display = escape(&d.display),
        );
    }
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((0.0, 0.0), |(lo, hi), v| (f64::min(lo, v), f64::max(hi, v)))
}

/// A bar chart of one value per category; negative values go below the zero line.
pub fn bar_chart(chart: &Chart, value_name: &str, data: &[Datum]) -> String {
    let (lo, hi) = range(data.iter().map(|d| d.value));
    let t = ticks(lo, hi);
    let plot = Plot {
        lo: t[0],
        hi: t[t.len() - 1],
        count: data.len(),
    };
    let mut svg = String::new();
    open(&mut svg, chart, "bar");
    let labels: Vec<&str> = data.iter().map(|d| d.label.as_str()).collect();
    axes(&mut svg, chart, &plot, &t, &labels);
    bars(&mut svg, &plot, data);
    let rows: Vec<(String, Vec<String>)> = data
        .iter()
        .map(|d| (d.label.clone(), vec![d.display.clone()]))
        .collect();
    table(&mut svg, chart, &[value_name], &rows);
    svg
}

/// Lines over shared categories (e.g. years), one per series, with a legend.
pub fn line_chart(chart: &Chart, labels: &[String], series: &[Series]) -> String {
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().flatten().map(|(v, _)| *v));
    let (lo, hi) = range(values);
    let t = ticks(lo, hi);
    let plot = Plot {
        lo: t[0],
        hi: t[t.len() - 1],
        count: labels.len(),
    };
    let mut svg = String::new();
    open(&mut svg, chart, "line");
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    axes(&mut svg, chart, &plot, &t, &label_refs);
    for (k, s) in series.iter().enumerate() {
        let _ = write!(svg, "<g class=\"series-{k}\">");
        // Consecutive present points form one polyline; a gap starts a new one.
        let mut run: Vec<String> = Vec::new();
        let flush = |svg: &mut String, run: &mut Vec<String>| {
            if run.len() > 1 {
                let _ = write!(
                    svg,
                    "<polyline class=\"chart-line\" points=\"{}\"/>",
                    run.join(" ")
                );
            }
            run.clear();
        };
        for (i, point) in s.points.iter().enumerate().take(labels.len()) {
            match point {
                Some((v, display)) if v.is_finite() => {
                    let (x, y) = (n(plot.x(i)), n(plot.y(*v)));
                    run.push(format!("{x},{y}"));
                    let _ = write!(
                        svg,
                        "<circle class=\"chart-point\" cx=\"{x}\" cy=\"{y}\" r=\"3\"><title>{name} {label}: {display}</title></circle>",
                        name = escape(&s.name),
                        label = escape(&labels[i]),
                        display = escape(display),
                    );
                }
                _ => flush(&mut svg, &mut run),
            }
        }
        flush(&mut svg, &mut run);
        svg.push_str("</g>");
    }
    legend(&mut svg, series.iter().map(|s| s.name.as_str()));
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    let rows: Vec<(String, Vec<String>)> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let cells = series
                .iter()
                .map(|s| match s.points.get(i) {
                    Some(Some((_, d))) => d.clone(),
                    _ => "–".to_string(),
                })
                .collect();
            (label.clone(), cells)
        })
        .collect();
    table(&mut svg, chart, &names, &rows);
    svg
}

fn legend<'a>(svg: &mut String, names: impl Iterator<Item = &'a str>) {
    svg.push_str("<g class=\"chart-legend\" aria-hidden=\"true\">");
    let y = HEIGHT - 14.0;
    let mut x = LEFT;
    for (k, name) in names.enumerate() {
        let _ = write!(
            svg,
            "<rect class=\"chart-swatch series-{k}\" x=\"{x}\" y=\"{sy}\" width=\"10\" height=\"10\"/>\
             <text class=\"chart-legend-text\" x=\"{tx}\" y=\"{y}\">{name}</text>",
            x = n(x),
            sy = n(y - 9.0),
            tx = n(x + 14.0),
            y = n(y),
            name = escape(name),
        );
        x += 28.0
            + 7.0
                * name
                    .chars()
                    .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
                    .sum::<f64>();
    }
    svg.push_str("</g>");
}

/// A Pareto chart: bars in the given (descending) order, the cumulative share as a line on a
/// 0–100 % right-hand scale, and a reference line at 80 %.
pub fn pareto(
    chart: &Chart,
    value_name: &str,
    cumulative_name: &str,
    percent: &dyn Fn(f64) -> String,
    data: &[Datum],
) -> String {
    let (lo, hi) = range(data.iter().map(|d| d.value));
    let t = ticks(lo, hi);
    let plot = Plot {
        lo: t[0],
        hi: t[t.len() - 1],
        count: data.len(),
    };
    let cumulative = cumulative_shares(data);
    // The share scale maps 0..1 onto the plot's full height.
    let share_y = |s: f64| {
        let h = HEIGHT - TOP - BOTTOM;
        TOP + h - s * h
    };
    let mut svg = String::new();
    open(&mut svg, chart, "pareto");
    let labels: Vec<&str> = data.iter().map(|d| d.label.as_str()).collect();
    axes(&mut svg, chart, &plot, &t, &labels);
    bars(&mut svg, &plot, data);
    let y80 = n(share_y(0.8));
    let _ = write!(
        svg,
        "<g class=\"chart-axis chart-axis-right\" aria-hidden=\"true\">\
         <line class=\"chart-reference\" x1=\"{l}\" x2=\"{r}\" y1=\"{y80}\" y2=\"{y80}\"/>\
         <text class=\"chart-tick\" x=\"{r}\" y=\"{y80}\" dy=\"-0.35em\" text-anchor=\"end\">{p80}</text>\
         <text class=\"chart-tick\" x=\"{r}\" y=\"{y100}\" dy=\"-0.35em\" text-anchor=\"end\">{p100}</text></g>",
        l = n(LEFT),
        r = n(WIDTH - RIGHT),
        y100 = n(share_y(1.0) + 12.0),
        p80 = escape(&percent(0.8)),
        p100 = escape(&percent(1.0)),
    );
    let points: Vec<String> = cumulative
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{},{}", n(plot.x(i)), n(share_y(*s))))
        .collect();
    if !points.is_empty() {
        let _ = write!(
            svg,
            "<polyline class=\"chart-line chart-cumulative\" points=\"{}\"/>",
            points.join(" ")
        );
    }
    let rows: Vec<(String, Vec<String>)> = data
        .iter()
        .zip(&cumulative)
        .map(|(d, s)| (d.label.clone(), vec![d.display.clone(), percent(*s)]))
        .collect();
    table(&mut svg, chart, &[value_name, cumulative_name], &rows);
    svg
}

/// The running share of the total of the positive values, after each datum.
fn cumulative_shares(data: &[Datum]) -> Vec<f64> {
    let positive = |d: &Datum| {
        if d.value.is_finite() {
            d.value.max(0.0)
        } else {
            0.0
        }
    };
    let mut total: f64 = data.iter().map(positive).sum();
    // Values near the largest float overflow the sum: shares of the largest value do not.
    let mut scale = 1.0;
    if !total.is_finite() {
        scale = data.iter().map(positive).fold(0.0, f64::max);
        total = data.iter().map(|d| positive(d) / scale).sum();
    }
    let mut running = 0.0;
    data.iter()
        .map(|d| {
            running += positive(d) / scale;
            if total > 0.0 { running / total } else { 0.0 }
        })
        .collect()
}

/// A radar (spider) chart of scores from 0 to `max` on evenly spaced axes, first axis at the
/// top, clockwise; grid rings at every whole score.
pub fn radar(chart: &Chart, value_name: &str, axes_data: &[Datum], max: f64) -> String {
    let size = 300.0;
    let (cx, cy, radius) = (size / 2.0, size / 2.0, 100.0);
    let count = axes_data.len().max(3);
    let point = |i: usize, r: f64| {
        let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / count as f64;
        (cx + r * angle.cos(), cy + r * angle.sin())
    };
    let polygon = |r_of: &dyn Fn(usize) -> f64| -> String {
        (0..axes_data.len())
            .map(|i| {
                let (x, y) = point(i, r_of(i));
                format!("{},{}", n(x), n(y))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure class=\"chart chart-radar\" id=\"{id}\">\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {s} {s}\" role=\"img\" \
         aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{title}</title>\
         <g class=\"chart-axis\" aria-hidden=\"true\">",
        id = escape(chart.id),
        s = n(size),
        title = escape(chart.title),
    );
    let rings = max.max(1.0).floor() as usize;
    for ring in 1..=rings {
        let r = radius * ring as f64 / max;
        let _ = write!(
            svg,
            "<polygon class=\"radar-grid\" points=\"{}\"/>",
            polygon(&|_| r)
        );
    }
    for (i, d) in axes_data.iter().enumerate() {
        let (x, y) = point(i, radius);
        let (lx, ly) = point(i, radius + 18.0);
        let anchor = if (lx - cx).abs() < 1.0 {
            "middle"
        } else if lx > cx {
            "start"
        } else {
            "end"
        };
        let _ = write!(
            svg,
            "<line class=\"radar-axis\" x1=\"{cx}\" y1=\"{cy}\" x2=\"{x}\" y2=\"{y}\"/>\
             <text class=\"chart-label\" x=\"{lx}\" y=\"{ly}\" text-anchor=\"{anchor}\" dy=\"0.35em\">{label}</text>",
            cx = n(cx),
            cy = n(cy),
            x = n(x),
            y = n(y),
            lx = n(lx),
            ly = n(ly),
            label = escape(&d.label),
        );
    }
    svg.push_str("</g>");
    let _ = write!(
        svg,
        "<polygon class=\"radar-area\" points=\"{}\"/>",
        polygon(&|i| {
            let share = axes_data[i].value / max;
            radius
                * if share.is_nan() {
                    0.0
                } else {
                    share.clamp(0.0, 1.0)
                }
        })
    );
    let rows: Vec<(String, Vec<String>)> = axes_data
        .iter()
        .map(|d| (d.label.clone(), vec![d.display.clone()]))
        .collect();
    table(&mut svg, chart, &[value_name], &rows);
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(v: f64) -> String {
        format!("{v}")
    }

    fn chart<'a>(id: &'a str, title: &'a str) -> Chart<'a> {
        Chart {
            id,
            title,
            category: "年份",
            ticks: &plain,
        }
    }

    #[test]
    fn numbers_and_ticks_are_deterministic() {
        assert_eq!(n(-0.04), "0");
        assert_eq!(n(-0.05), "-0.1");
        assert_eq!(n(-12.96), "-13");
        // The integer path writes what float formatting wrote before it.
        let by_float = |x: f64| {
            let r = (x * 10.0).round() / 10.0;
            let r = if r == 0.0 { 0.0 } else { r };
            if r.fract() == 0.0 {
                format!("{r:.0}")
            } else {
                format!("{r:.1}")
            }
        };
        for i in -200_000..200_000 {
            let x = f64::from(i) * 0.0137 + 0.00049;
            assert_eq!(n(x), by_float(x), "{x}");
        }
        assert_eq!(n(3.0e15), by_float(3.0e15));
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.345), "12.3");
        assert_eq!(ticks(0.0, 95.0), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(-30.0, 40.0), [-20.0 * 2.0, -20.0, 0.0, 20.0, 40.0]);
        assert_eq!(ticks(0.0, 0.0), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(ticks(0.0, 3_200_000.0).last(), Some(&4_000_000.0));
    }

    #[test]
    fn ticks_of_extreme_ranges() {
        // A subnormal revenue once gave a zero step and a panic ("capacity overflow").
        assert_eq!(ticks(0.0, 1e-323), [0.0, 1e-300]);
        assert_eq!(ticks(-5e-324, 0.0), [-1e-300, 0.0]);
        // 5e-324 / 2e5 rounds to 0: one more step covers the subnormal end.
        assert_eq!(
            ticks(-638_160.0, 5e-324),
            [
                -800_000.0, -600_000.0, -400_000.0, -200_000.0, 0.0, 200_000.0
            ]
        );
        assert_eq!(ticks(7.0, 7.0), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(ticks(-7.0, -7.0), [-8.0, -6.0, -4.0, -2.0, 0.0]);
        assert_eq!(
            ticks(-f64::MAX, f64::MAX),
            [-f64::MAX, -1e308, 0.0, 1e308, f64::MAX]
        );
        assert_eq!(ticks(0.0, 1e300).last(), Some(&1e300));
        assert_eq!(ticks(f64::NAN, f64::INFINITY), ticks(0.0, 0.0));
    }

    /// Finite numbers of every magnitude, with the edges of the float range weighted in.
    fn finite() -> impl proptest::strategy::Strategy<Value = f64> {
        use proptest::prelude::*;
        prop_oneof![
            any::<f64>().prop_filter("finite", |x| x.is_finite()),
            (-1e6f64..1e6),
            prop::sample::select(vec![
                0.0,
                -0.0,
                5e-324,
                -5e-324,
                1e-323,
                f64::MIN_POSITIVE,
                f64::MAX,
                -f64::MAX,
                1e15,
                -1e15,
                f64::EPSILON,
            ]),
        ]
    }

    proptest::proptest! {
        #[test]
        fn ticks_cover_any_finite_range(a in finite(), b in finite()) {
            let (lo, hi) = (a.min(b), a.max(b));
            let t = ticks(lo, hi);
            proptest::prop_assert!((2..=12).contains(&t.len()), "{t:?}");
            proptest::prop_assert!(t.iter().all(|v| v.is_finite()), "{t:?}");
            proptest::prop_assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
            proptest::prop_assert!(t.contains(&0.0), "{t:?}");
            proptest::prop_assert!(t[0] <= lo.min(0.0) && t[t.len() - 1] >= hi.max(0.0), "{t:?}");
        }

        #[test]
        fn charts_of_any_finite_values_have_finite_coordinates(
            values in proptest::collection::vec(finite(), 0..6),
        ) {
            let data: Vec<Datum> = values
                .iter()
                .enumerate()
                .map(|(i, v)| Datum::new(format!("C{i}"), *v, format!("{v}")))
                .collect();
            let pct = |s: f64| format!("{s}");
            let labels: Vec<String> = data.iter().map(|d| d.label.clone()).collect();
            let series = [Series {
                name: "s".into(),
                points: values.iter().map(|v| Some((*v, v.to_string()))).collect(),
            }];
            for svg in [
                bar_chart(&chart("b", "B"), "V", &data),
                pareto(&chart("p", "P"), "V", "C", &pct, &data),
                line_chart(&chart("l", "L"), &labels, &series),
            ] {
                let coordinates = regex_lite::Regex::new(
                    r#" (?:x|y|x1|x2|y1|y2|cx|cy|width|height|points)="([^"]*)""#,
                )
                .expect("regex");
                let numbers = coordinates.captures_iter(&svg).map(|c| c[1].to_string());
                for number in numbers.collect::<Vec<_>>().iter().flat_map(|s| s.split([' ', ','])) {
                    let parsed = number.parse::<f64>();
                    proptest::prop_assert!(
                        parsed.is_ok_and(f64::is_finite),
                        "{number:?} in {svg}"
                    );
                }
            }
        }
    }

    #[test]
    fn bar_chart_svg() {
        let data = [
            Datum::new("2023", 120.0, "120 万"),
            Datum::new("2024", -40.0, "-40 万"),
            Datum::new("<b>", 80.0, "80 万"),
        ];
        let svg = bar_chart(&chart("sales", "销售额 <2024>"), "销售额", &data);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"sales-title\">销售额 &lt;2024&gt;</title>"));
        assert!(svg.contains("chart-bar negative"));
        assert!(svg.contains("<th scope=\"row\">&lt;b&gt;</th><td>80 万</td>"));
        assert!(
            !svg.contains("fill=") && !svg.contains("style="),
            "no inline colours"
        );
        insta::assert_snapshot!(svg);
        assert_eq!(
            svg,
            bar_chart(&chart("sales", "销售额 <2024>"), "销售额", &data)
        );
    }

    #[test]
    fn line_chart_svg_breaks_at_gaps() {
        let labels: Vec<String> = ["2021", "2022", "2023", "2024"].map(String::from).to_vec();
        let series = [
            Series {
                name: "维系率".into(),
                points: vec![
                    Some((0.8, "80%".into())),
                    Some((0.9, "90%".into())),
                    None,
                    Some((0.7, "70%".into())),
                ],
            },
            Series {
                name: "cohort".into(),
                points: vec![
                    None,
                    Some((0.85, "85%".into())),
                    Some((0.75, "75%".into())),
                    None,
                ],
            },
        ];
        let svg = line_chart(&chart("ret", "Retention"), &labels, &series);
        // Series 0 has one two-point run and a lone point (no polyline for it).
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert!(svg.contains("<td>80%</td><td>–</td>"));
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn pareto_svg() {
        let pct = |s: f64| format!("{:.0}%", s * 100.0);
        let data = [
            Datum::new("KH-1", 60.0, "60"),
            Datum::new("KH-2", 25.0, "25"),
            Datum::new("KH-3", 15.0, "15"),
        ];
        let svg = pareto(&chart("abc", "ABC"), "Revenue", "Cumulative", &pct, &data);
        assert!(svg.contains("chart-reference"));
        assert!(svg.contains("<td>60</td><td>60%</td>"));
        assert!(svg.contains("<td>15</td><td>100%</td>"));
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn radar_svg() {
        let data = [
            Datum::new("品质", 4.0, "4"),
            Datum::new("能力", 3.0, "3"),
            Datum::new("资本", 5.0, "5"),
            Datum::new("抵押", 2.0, "2"),
            Datum::new("条件", 4.0, "4"),
        ];
        let svg = radar(&chart("fivec", "5C"), "Score", &data, 5.0);
        assert_eq!(svg.matches("radar-grid").count(), 5);
        // The first axis points straight up: character at 4/5 of the radius above centre.
        assert!(svg.contains("points=\"150,70 "), "{svg}");
        insta::assert_snapshot!(svg);
    }
}
