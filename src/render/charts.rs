//! Charts as inline SVG, made at build time: bars, lines, Pareto and a 5C radar.
//!
//! Every chart is a `<figure>` holding an `<svg role="img">` named by its `<title>`, and a
//! visually hidden table with the same numbers as its text alternative ([`beside_its_table`]
//! drops it where the page shows those numbers anyway). The SVG carries only class names
//! (`chart-bar`, `series-0`, …); colours and text anchors come from the theme's CSS. Coordinates
//! are rounded to one decimal, so the same numbers give the same bytes.

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
    let step = Step::at_least(raw);
    let value = |i: i64| step.tick(i);
    let step = step.size();
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

/// A tick step of 1, 2 or 5 × 10^`exponent`.
#[derive(Clone, Copy)]
struct Step {
    multiple: i32,
    exponent: i32,
}

impl Step {
    /// The smallest step of 1, 2 or 5 × 10^k that is at least `raw`.
    fn at_least(raw: f64) -> Step {
        let exponent = (raw.log10().floor() as i32).max(MIN_STEP_EXPONENT);
        let magnitude = power_of_ten(exponent);
        let multiple: i32 = [1, 2, 5, 10]
            .into_iter()
            .find(|m| f64::from(*m) * magnitude >= raw)
            .unwrap_or(10);
        Step { multiple, exponent }
    }

    fn size(self) -> f64 {
        f64::from(self.multiple) * power_of_ten(self.exponent)
    }

    /// The float nearest to i × step: 0.2 steps give 0.6, not 0.6000000000000001.
    fn tick(self, i: i64) -> f64 {
        let v = format!("{}e{}", i * i64::from(self.multiple), self.exponent)
            .parse::<f64>()
            .unwrap_or(0.0);
        if v == 0.0 {
            0.0
        } else {
            v.clamp(-f64::MAX, f64::MAX)
        }
    }
}

/// Where a line chart's value axis starts and ends.
#[derive(Clone, Copy, Debug)]
pub enum Axis {
    /// From zero (or below, for negative values) to the largest value: amounts, counts.
    FromZero,
    /// Around the values, padded by a tenth of their range, within `bounds`, with steps of at
    /// least `min_step`: rates of 88–96 % on 86–98 %, not on a flat 0–100 %.
    Fitted { bounds: (f64, f64), min_step: f64 },
}

/// Ticks around `lo..=hi`: padded by a tenth of the range (a twentieth of the value when all
/// values are equal), kept within `bounds`, four to eight steps of 1, 2 or 5 × 10^k.
fn fitted_ticks(lo: f64, hi: f64, bounds: (f64, f64), min_step: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
        return ticks(0.0, 0.0);
    }
    let pad = if hi > lo {
        (hi - lo) / 10.0
    } else if hi != 0.0 {
        hi.abs() / 20.0
    } else {
        min_step.max(f64::MIN_POSITIVE)
    };
    let (from, to) = ((lo - pad).max(bounds.0), (hi + pad).min(bounds.1));
    let step = Step::at_least(((to - from) / 5.0).max(min_step));
    let size = step.size();
    let first = (from / size).floor() as i64;
    let last = ((to / size).ceil() as i64).max(first + 1);
    (first..=last).map(|i| step.tick(i)).collect()
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
    /// The right margin: wider when a right-hand axis has labels.
    right: f64,
}

impl Plot {
    fn y(&self, v: f64) -> f64 {
        let h = HEIGHT - TOP - BOTTOM;
        TOP + h - fraction(v, self.lo, self.hi) * h
    }

    fn new(ticks: &[f64], count: usize) -> Plot {
        Plot {
            lo: ticks[0],
            hi: ticks[ticks.len() - 1],
            count,
            right: RIGHT,
        }
    }

    fn band(&self) -> f64 {
        (WIDTH - LEFT - self.right) / self.count.max(1) as f64
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
         <svg viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{title}</title>",
        id = escape(chart.id),
        w = n(WIDTH),
        h = n(HEIGHT),
        title = escape(chart.title),
    );
}

/// Axis text is 13 px (style.css); a tick label is centred on its line by moving it down this
/// much, as `dy="0.35em"` would.
const TICK_BASELINE: f64 = 0.35 * 13.0;

/// Horizontal grid lines (one path; the zero line its own) with tick labels, and the category
/// labels below. Each kind of text is one group (`chart-ticks`, `chart-labels`) that carries
/// the class, and its anchor in style.css, for every text in it: a class per text was a fifth of
/// a dossier's SVG.
fn axes(svg: &mut String, chart: &Chart, plot: &Plot, tick_values: &[f64], labels: &[&str]) {
    svg.push_str("<g class=\"chart-axis\" aria-hidden=\"true\">");
    let (l, r) = (n(LEFT), n(WIDTH - plot.right));
    let mut grid = String::new();
    for &t in tick_values.iter().filter(|&&t| t != 0.0) {
        let _ = write!(grid, "M{l} {y}H{r}", y = n(plot.y(t)));
    }
    if !grid.is_empty() {
        let _ = write!(svg, "<path class=\"chart-grid\" d=\"{grid}\"/>");
    }
    if tick_values.contains(&0.0) {
        let _ = write!(
            svg,
            "<path class=\"chart-grid chart-zero\" d=\"M{l} {y}H{r}\"/>",
            y = n(plot.y(0.0))
        );
    }
    if !tick_values.is_empty() {
        svg.push_str("<g class=\"chart-ticks\">");
        for &t in tick_values {
            let _ = write!(
                svg,
                "<text x=\"{tx}\" y=\"{y}\">{label}</text>",
                tx = n(LEFT - 6.0),
                y = n(plot.y(t) + TICK_BASELINE),
                label = escape(&(chart.ticks)(t)),
            );
        }
        svg.push_str("</g>");
    }
    if !labels.is_empty() && labels.len() <= MAX_AXIS_LABELS {
        let y = n(HEIGHT - BOTTOM + 18.0);
        svg.push_str("<g class=\"chart-labels\">");
        for (i, label) in labels.iter().enumerate() {
            let _ = write!(
                svg,
                "<text x=\"{x}\" y=\"{y}\">{label}</text>",
                x = n(plot.x(i)),
                label = escape(&truncate(label, 10)),
            );
        }
        svg.push_str("</g>");
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
        "{HIDDEN_TABLE}<caption>{}</caption><thead><tr><th scope=\"col\">{}</th>",
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

const HIDDEN_TABLE: &str = "</svg><div class=\"visually-hidden\"><table>";

/// A chart whose numbers the page shows in a visible table right beside it: the figure without
/// its hidden table, which a screen reader would otherwise read out a second time (and which
/// would be sent once more with every dossier).
pub fn beside_its_table(mut figure: String) -> String {
    if let Some(at) = figure.rfind(HIDDEN_TABLE) {
        figure.truncate(at);
        figure.push_str("</svg></figure>");
    }
    figure
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

/// The smallest and largest finite value, `None` when there is none (unlike [`range`], zero
/// is not included).
fn span(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
        })
}

/// Value labels are drawn this large on a phone (style.css), so they must fit at this size.
const VALUE_FONT: f64 = 15.0;

/// The width of `text` at `font` pixels: about 0.6 em a Latin character, 1 em a Chinese one.
fn text_width(text: &str, font: f64) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * font
}

/// Each bar's value above it (below a negative one), when every label fits its bar's band.
fn bar_values(svg: &mut String, plot: &Plot, data: &[Datum]) {
    let fits = |d: &Datum| text_width(&d.display, VALUE_FONT) <= plot.band() * 0.95;
    if data.is_empty() || !data.iter().all(fits) {
        return;
    }
    svg.push_str("<g class=\"chart-values\" aria-hidden=\"true\">");
    for (i, d) in data.iter().enumerate().filter(|(_, d)| d.value.is_finite()) {
        // Below a negative bar the text hangs from its y (the value's font size varies).
        let (y, dy) = if d.value >= 0.0 {
            (plot.y(d.value) - 4.0, "")
        } else {
            (plot.y(d.value) + 4.0, " dy=\"0.8em\"")
        };
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"{y}\"{dy}>{text}</text>",
            x = n(plot.x(i)),
            y = n(y),
            text = escape(&d.display),
        );
    }
    svg.push_str("</g>");
}

/// A bar chart of one value per category; negative values go below the zero line. Each bar
/// carries its value when the labels fit.
pub fn bar_chart(chart: &Chart, value_name: &str, data: &[Datum]) -> String {
    let (lo, hi) = range(data.iter().map(|d| d.value));
    bars_on(chart, value_name, data, &ticks(lo, hi))
}

/// A bar chart of counts (customers per grade, per churn reason): whole-number ticks, so a
/// largest count of 1 is drawn on 0–5, not on 0, 0.2, … 1 written as 0, 0, 0, 1, 1, 1.
pub fn count_chart(chart: &Chart, value_name: &str, data: &[Datum]) -> String {
    let (lo, hi) = range(data.iter().map(|d| d.value));
    // Five steps of at least 1.
    bars_on(chart, value_name, data, &ticks(lo, hi.max(lo + 5.0)))
}

fn bars_on(chart: &Chart, value_name: &str, data: &[Datum], t: &[f64]) -> String {
    let plot = Plot::new(t, data.len());
    let mut svg = String::new();
    open(&mut svg, chart, "bar");
    let labels: Vec<&str> = data.iter().map(|d| d.label.as_str()).collect();
    axes(&mut svg, chart, &plot, t, &labels);
    bars(&mut svg, &plot, data);
    bar_values(&mut svg, &plot, data);
    let rows: Vec<(String, Vec<String>)> = data
        .iter()
        .map(|d| (d.label.clone(), vec![d.display.clone()]))
        .collect();
    table(&mut svg, chart, &[value_name], &rows);
    svg
}

/// How a line chart is drawn besides its data.
#[derive(Clone, Copy, Debug)]
pub struct LineOptions<'a> {
    pub axis: Axis,
    /// Said where all lines meet (e.g. "两率相等"), so that one line hiding the other reads as
    /// equal values, not as a missing line.
    pub equal: Option<&'a str>,
}

impl LineOptions<'_> {
    pub const FROM_ZERO: LineOptions<'static> = LineOptions {
        axis: Axis::FromZero,
        equal: None,
    };
}

fn value_at(s: &Series, i: usize) -> Option<f64> {
    match s.points.get(i) {
        Some(Some((v, _))) if v.is_finite() => Some(*v),
        _ => None,
    }
}

/// Per category: whether two or more series have a value there and all of them are equal.
fn coinciding(labels: &[String], series: &[Series]) -> Vec<bool> {
    (0..labels.len())
        .map(|i| {
            let values: Vec<f64> = series.iter().filter_map(|s| value_at(s, i)).collect();
            values.len() > 1 && values.iter().all(|v| (v - values[0]).abs() <= 1e-12)
        })
        .collect()
}

/// Lines over shared categories (e.g. years), one per series, with a legend and the value of
/// each line's last point.
pub fn line_chart(
    chart: &Chart,
    labels: &[String],
    series: &[Series],
    options: &LineOptions,
) -> String {
    let values = || {
        series
            .iter()
            .flat_map(|s| s.points.iter().flatten().map(|(v, _)| *v))
    };
    let t = match options.axis {
        Axis::FromZero => {
            let (lo, hi) = range(values());
            ticks(lo, hi)
        }
        Axis::Fitted { bounds, min_step } => match span(values()) {
            Some((lo, hi)) => fitted_ticks(lo, hi, bounds, min_step),
            None => ticks(0.0, 0.0),
        },
    };
    let plot = Plot::new(&t, labels.len());
    let equal = coinciding(labels, series);
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
                    // Where the lines meet, the later series rings the first one's point.
                    let (class, r) = if k > 0 && equal[i] {
                        ("chart-point chart-point-equal", 6)
                    } else {
                        ("chart-point", 3)
                    };
                    let _ = write!(
                        svg,
                        "<circle class=\"{class}\" cx=\"{x}\" cy=\"{y}\" r=\"{r}\"><title>{name} {label}: {display}</title></circle>",
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
    last_values(&mut svg, &plot, labels.len(), series, &equal, options.equal);
    let equal_note = options.equal.filter(|_| equal.iter().any(|e| *e));
    legend(&mut svg, series.iter().map(|s| s.name.as_str()), equal_note);
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

/// The value of each line's last point beside it: above when it is the highest value there
/// (and there is room), below otherwise; one label (with the `equal` note) where the lines meet.
fn last_values(
    svg: &mut String,
    plot: &Plot,
    count: usize,
    series: &[Series],
    equal: &[bool],
    equal_note: Option<&str>,
) {
    svg.push_str("<g class=\"chart-values\" aria-hidden=\"true\">");
    for (k, s) in series.iter().enumerate() {
        let Some((i, v, display)) =
            (0..count.min(s.points.len()))
                .rev()
                .find_map(|i| match &s.points[i] {
                    Some((v, d)) if v.is_finite() => Some((i, *v, d)),
                    _ => None,
                })
        else {
            continue;
        };
        let first_of_equal = equal[i] && series[..k].iter().all(|o| value_at(o, i).is_none());
        if equal[i] && !first_of_equal {
            continue;
        }
        let highest = series.iter().filter_map(|o| value_at(o, i)).all(|o| o <= v);
        // A point at the top of the plot has no room above it for a line of text.
        let room_above = plot.y(v) - 8.0 >= TOP;
        let (y, dy) = if highest && room_above {
            (plot.y(v) - 8.0, "")
        } else {
            (plot.y(v) + 8.0, " dy=\"0.8em\"")
        };
        let text = match equal_note {
            Some(note) if equal[i] => format!("{display} · {note}"),
            _ => display.clone(),
        };
        // Centred (style.css), but the last category's value ends at its point.
        let anchor = if i + 1 == count && count > 1 {
            " anchor-end"
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<text class=\"series-{k}{anchor}\" x=\"{x}\" y=\"{y}\"{dy}>{text}</text>",
            x = n(plot.x(i)),
            y = n(y),
            text = escape(&text),
        );
    }
    svg.push_str("</g>");
}

/// The legend: a swatch and name per series, then the ring that marks equal values, if any.
fn legend<'a>(svg: &mut String, names: impl Iterator<Item = &'a str>, equal: Option<&str>) {
    svg.push_str("<g class=\"chart-legend\" aria-hidden=\"true\">");
    let y = HEIGHT - 14.0;
    let mut x = LEFT;
    let advance = |name: &str| 28.0 + text_width(name, 12.0);
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
        x += advance(name);
    }
    if let Some(note) = equal {
        let _ = write!(
            svg,
            "<circle class=\"chart-point-equal series-1\" cx=\"{cx}\" cy=\"{cy}\" r=\"5\"/>\
             <text class=\"chart-legend-text\" x=\"{tx}\" y=\"{y}\">{note}</text>",
            cx = n(x + 5.0),
            cy = n(y - 4.0),
            tx = n(x + 14.0),
            y = n(y),
            note = escape(note),
        );
    }
    svg.push_str("</g>");
}

/// Room for the share axis's labels (`100%`) right of a Pareto chart.
const PARETO_RIGHT: f64 = 48.0;

/// A Pareto chart: bars in the given (descending) order, the cumulative share as a line on a
/// 0–100 % right-hand axis, and a dashed reference line at 80 %.
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
        right: PARETO_RIGHT,
        ..Plot::new(&t, data.len())
    };
    let cumulative = cumulative_shares(data);
    let mut svg = String::new();
    open(&mut svg, chart, "pareto");
    let labels: Vec<&str> = data.iter().map(|d| d.label.as_str()).collect();
    axes(&mut svg, chart, &plot, &t, &labels);
    bars(&mut svg, &plot, data);
    bar_values(&mut svg, &plot, data);
    share_axis(&mut svg, &plot);
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

/// Where a share of 0..1 lies on the Pareto chart's right-hand axis (the plot's full height).
fn share_y(share: f64) -> f64 {
    let h = HEIGHT - TOP - BOTTOM;
    TOP + h - share * h
}

/// The right-hand axis of shares, 0 to 100 % in steps of 20, and the dashed 80 % line.
fn share_axis(svg: &mut String, plot: &Plot) {
    let right = WIDTH - plot.right;
    let y80 = n(share_y(0.8));
    let _ = write!(
        svg,
        "<g class=\"chart-axis chart-axis-right\" aria-hidden=\"true\">\
         <line class=\"chart-axis-line\" x1=\"{r}\" x2=\"{r}\" y1=\"{top}\" y2=\"{bottom}\"/>\
         <line class=\"chart-reference\" x1=\"{l}\" x2=\"{r}\" y1=\"{y80}\" y2=\"{y80}\"/>",
        l = n(LEFT),
        r = n(right),
        top = n(share_y(1.0)),
        bottom = n(share_y(0.0)),
    );
    svg.push_str("<g class=\"chart-ticks\">");
    for step in 0..=5 {
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"{y}\">{percent}%</text>",
            x = n(right + 6.0),
            y = n(share_y(f64::from(step) / 5.0) + TICK_BASELINE),
            percent = step * 20,
        );
    }
    svg.push_str("</g></g>");
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

/// The radar's figure up to its values: title, then rings, spokes and axis labels. These last
/// are the same for every dossier of a site (the 5C axes, the same scale), so each rendering
/// thread keeps the last ones it drew and draws them again only when their inputs differ.
fn radar_frame(chart: &Chart, axes_data: &[Datum], max: f64) -> String {
    let mut svg = String::with_capacity(2048);
    let _ = write!(
        svg,
        "<figure class=\"chart chart-radar\" id=\"{id}\">\
         <svg viewBox=\"0 0 {s} {s}\" role=\"img\" \
         aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{title}</title>\
         <g class=\"chart-axis\" aria-hidden=\"true\">",
        id = escape(chart.id),
        s = n(RADAR_SIZE),
        title = escape(chart.title),
    );
    svg.push_str(&radar_axes(axes_data, max));
    svg
}

/// The side of the radar's square view box.
const RADAR_SIZE: f64 = 300.0;

/// The radar's rings, spokes and axis labels (see [`radar_frame`]).
fn radar_axes(axes_data: &[Datum], max: f64) -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(String, String)> = const {
            std::cell::RefCell::new((String::new(), String::new()))
        };
    }
    let mut key = max.to_bits().to_string();
    for d in axes_data {
        key.push('\0');
        key.push_str(&d.label);
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != key {
            *last = (key, draw_radar_axes(axes_data, max));
        }
        last.1.clone()
    })
}

/// The centre of the radar and the radius of its outer ring.
const RADAR_CENTRE: f64 = RADAR_SIZE / 2.0;
const RADAR_RADIUS: f64 = 100.0;

/// The point at distance `r` from the centre on axis `i` of `axes` (at least three), the
/// first at the top, clockwise.
fn radar_point(i: usize, axes: usize, r: f64) -> (f64, f64) {
    let angle =
        -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / axes.max(3) as f64;
    (
        RADAR_CENTRE + r * angle.cos(),
        RADAR_CENTRE + r * angle.sin(),
    )
}

/// The points `x,y x,y …` of a polygon with a corner on each of `axes` axes, at the distance
/// `r_of(axis)` from the centre.
fn radar_polygon(axes: usize, r_of: &dyn Fn(usize) -> f64) -> String {
    (0..axes)
        .map(|i| {
            let (x, y) = radar_point(i, axes, r_of(i));
            format!("{},{}", n(x), n(y))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn draw_radar_axes(axes_data: &[Datum], max: f64) -> String {
    let (cx, cy, radius) = (RADAR_CENTRE, RADAR_CENTRE, RADAR_RADIUS);
    let point = |i: usize, r: f64| radar_point(i, axes_data.len(), r);
    let polygon = |r: f64| radar_polygon(axes_data.len(), &|_| r);
    let mut svg = String::new();
    // The rings and the spokes, each as one path.
    let rings = max.max(1.0).floor() as usize;
    let mut grid = String::new();
    for ring in 1..=rings {
        let r = radius * ring as f64 / max;
        let _ = write!(grid, "M{}Z", polygon(r).replacen(' ', "L", 1));
    }
    if !axes_data.is_empty() {
        let _ = write!(svg, "<path class=\"radar-grid\" d=\"{grid}\"/>");
    }
    let mut spokes = String::new();
    for i in 0..axes_data.len() {
        let (x, y) = point(i, radius);
        let _ = write!(spokes, "M{} {}L{} {}", n(cx), n(cy), n(x), n(y));
    }
    if !spokes.is_empty() {
        let _ = write!(svg, "<path class=\"radar-axis\" d=\"{spokes}\"/>");
    }
    svg.push_str("<g class=\"chart-labels\">");
    for (i, d) in axes_data.iter().enumerate() {
        let (lx, ly) = point(i, radius + 18.0);
        // Centred (style.css) at the top and bottom, else away from the centre.
        let anchor = if (lx - cx).abs() < 1.0 {
            ""
        } else if lx > cx {
            " class=\"anchor-start\""
        } else {
            " class=\"anchor-end\""
        };
        let _ = write!(
            svg,
            "<text{anchor} x=\"{lx}\" y=\"{ly}\">{label}</text>",
            lx = n(lx),
            ly = n(ly + TICK_BASELINE),
            label = escape(&d.label),
        );
    }
    svg.push_str("</g></g>");
    svg
}

/// A radar (spider) chart of scores from 0 to `max` on evenly spaced axes, first axis at the
/// top, clockwise; grid rings at every whole score.
pub fn radar(chart: &Chart, value_name: &str, axes_data: &[Datum], max: f64) -> String {
    let mut svg = radar_frame(chart, axes_data, max);
    let _ = write!(
        svg,
        "<polygon class=\"radar-area\" points=\"{}\"/>",
        radar_polygon(axes_data.len(), &|i| {
            let share = axes_data[i].value / max;
            RADAR_RADIUS
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
                line_chart(&chart("l", "L"), &labels, &series, &LineOptions::FROM_ZERO),
                line_chart(&chart("f", "F"), &labels, &series, &LineOptions {
                    axis: Axis::Fitted { bounds: (-f64::MAX, f64::MAX), min_step: 0.0 },
                    equal: Some("="),
                }),
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
        let svg = line_chart(
            &chart("ret", "Retention"),
            &labels,
            &series,
            &LineOptions::FROM_ZERO,
        );
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
    fn fitted_axes_span_the_values_not_zero_to_the_top() {
        let bounds = (0.0, 1.0);
        // 88–96 %: padded by 0.8 points to 87.2–96.8 %, steps of 2 points (a fifth of 9.6
        // points is 1.92), widened to whole steps: 86–98 %.
        assert_eq!(
            fitted_ticks(0.88, 0.96, bounds, 0.01),
            [0.86, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98]
        );
        // One value, 90 %: padded by a twentieth of it (4.5 points) to 85.5–94.5 %.
        assert_eq!(
            fitted_ticks(0.9, 0.9, bounds, 0.01),
            [0.84, 0.86, 0.88, 0.9, 0.92, 0.94, 0.96]
        );
        // Never past 100 %: 95–100 % padded to 94.5–100 %.
        assert_eq!(
            fitted_ticks(0.95, 1.0, bounds, 0.01),
            [0.94, 0.96, 0.98, 1.0]
        );
        // Nearly equal rates: steps of at least one point, not 0.05 points.
        assert_eq!(fitted_ticks(0.9, 0.902, bounds, 0.01), [0.89, 0.9, 0.91]);
        assert_eq!(fitted_ticks(0.0, 0.0, bounds, 0.01), [0.0, 0.01]);
    }

    fn two_rates(first: [f64; 3], second: [f64; 3]) -> Vec<Series> {
        let points = |values: [f64; 3]| {
            values
                .iter()
                .map(|v| Some((*v, format!("{:.1}%", v * 100.0))))
                .collect()
        };
        vec![
            Series {
                name: "rate".into(),
                points: points(first),
            },
            Series {
                name: "cohort".into(),
                points: points(second),
            },
        ]
    }

    fn fitted<'a>(equal: Option<&'a str>) -> LineOptions<'a> {
        LineOptions {
            axis: Axis::Fitted {
                bounds: (0.0, 1.0),
                min_step: 0.01,
            },
            equal,
        }
    }

    #[test]
    fn retention_lines_use_the_fitted_axis_and_label_their_last_points() {
        let labels: Vec<String> = ["2022", "2023", "2024"].map(String::from).to_vec();
        let series = two_rates([0.88, 0.9, 0.96], [0.9, 0.92, 0.94]);
        let svg = line_chart(&chart("r", "R"), &labels, &series, &fitted(Some("equal")));
        // Ticks 86–98 %: 90 % is a third of the way up the 228 px plot, at y = 244 − 76.
        assert!(
            svg.contains("cy=\"168\" r=\"3\"><title>rate 2023: 90.0%"),
            "{svg}"
        );
        assert!(!svg.contains(">0</text>"), "no zero tick: {svg}");
        // Last points at x = 64 + 560 × 5/6 = 530.7: the higher above, the lower below.
        let above = format!(
            "anchor-end\" x=\"530.7\" y=\"{}\">96.0%",
            n(244.0 - 228.0 * 10.0 / 12.0 - 8.0)
        );
        let below = format!(
            "anchor-end\" x=\"530.7\" y=\"{}\" dy=\"0.8em\">94.0%",
            n(244.0 - 228.0 * 8.0 / 12.0 + 8.0)
        );
        assert!(svg.contains(&above), "{above} in {svg}");
        assert!(svg.contains(&below), "{below} in {svg}");
        // No values meet: no rings and no note.
        assert!(!svg.contains("chart-point-equal") && !svg.contains("equal</text>"));
    }

    #[test]
    fn a_last_point_at_the_top_is_labelled_below_it() {
        let labels: Vec<String> = ["2024", "2025"].map(String::from).to_vec();
        let series = [Series {
            name: "rate".into(),
            points: vec![Some((0.9, "90.0%".into())), Some((1.0, "100.0%".into()))],
        }];
        let svg = line_chart(&chart("t", "T"), &labels, &series, &fitted(None));
        // Ticks 85–100 % (steps of 5 points): 100 % is at the top (y = 16), so its label hangs 8 px below it.
        assert!(svg.contains("y=\"24\" dy=\"0.8em\">100.0%</text>"), "{svg}");
    }

    #[test]
    fn equal_lines_say_so_instead_of_one_hiding_the_other() {
        let labels: Vec<String> = ["2022", "2023", "2024"].map(String::from).to_vec();
        let series = two_rates([0.88, 0.9, 0.95], [0.9, 0.9, 0.95]);
        let svg = line_chart(
            &chart("r", "R"),
            &labels,
            &series,
            &fitted(Some("rates equal")),
        );
        // 2023 and 2024 meet: the cohort line rings the rate's points there.
        assert_eq!(
            svg.matches("class=\"chart-point chart-point-equal\"")
                .count(),
            2,
            "{svg}"
        );
        // One last-point label for both lines, with the note; and the note in the legend.
        assert_eq!(
            svg.matches(">95.0% · rates equal</text>").count(),
            1,
            "{svg}"
        );
        assert!(!svg.contains(">95.0%</text>"), "{svg}");
        assert!(svg.contains(">rates equal</text>"), "{svg}");
        // The hidden table still has both values of every year.
        assert!(svg.contains("<th scope=\"row\">2024</th><td>95.0%</td><td>95.0%</td>"));
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn bars_carry_their_values_only_when_the_labels_fit() {
        let data = [
            Datum::new("2023", 120.0, "120 万"),
            Datum::new("2024", -40.0, "-40 万"),
        ];
        let svg = bar_chart(&chart("b", "B"), "V", &data);
        // Ticks −50…150 over 228 px: 120 at y = 244 − 228 × 170/200 = 50.2, label 4 px above;
        // −40 at 232.6, label 4 px below, hanging.
        assert!(
            svg.contains("<g class=\"chart-values\" aria-hidden=\"true\"><text x=\"204\" y=\"46.2\">120 万</text>"),
            "{svg}"
        );
        assert!(
            svg.contains("y=\"236.6\" dy=\"0.8em\">-40 万</text>"),
            "{svg}"
        );
        // Twenty bars of 28 px: "1,280万" needs 5 × 9 + 15 = 60 px at 15 px, so no labels.
        let crowded: Vec<Datum> = (0..20)
            .map(|i| Datum::new(format!("{i}"), 1.28e6, "1,280万"))
            .collect();
        assert!(!bar_chart(&chart("c", "C"), "V", &crowded).contains("chart-values"));
    }

    #[test]
    fn counts_are_drawn_on_whole_number_ticks() {
        let data = [Datum::new("价格", 1.0, "1"), Datum::new("产品", 0.0, "0")];
        let svg = count_chart(&chart("c", "C"), "N", &data);
        let group = svg
            .split("<g class=\"chart-ticks\">")
            .nth(1)
            .and_then(|g| g.split("</g>").next())
            .unwrap_or_default();
        let ticks: Vec<&str> = group
            .split("<text ")
            .skip(1)
            .filter_map(|t| t.split(['>', '<']).nth(1))
            .collect();
        assert_eq!(ticks, ["0", "1", "2", "3", "4", "5"]);
        let many = [Datum::new("A", 37.0, "37")];
        assert!(count_chart(&chart("m", "M"), "N", &many).contains(">40</text>"));
    }

    #[test]
    fn pareto_has_a_share_axis_and_a_dashed_80_percent_line() {
        let pct = |s: f64| format!("{:.1}%", s * 100.0);
        let data = [
            Datum::new("KH-1", 60.0, "60"),
            Datum::new("KH-2", 40.0, "40"),
        ];
        let svg = pareto(&chart("p", "P"), "Revenue", "Cumulative", &pct, &data);
        // 80 % of the 228 px plot from its bottom at 244: y = 244 − 182.4 = 61.6.
        assert!(
            svg.contains(
                "<line class=\"chart-reference\" x1=\"64\" x2=\"592\" y1=\"61.6\" y2=\"61.6\"/>"
            ),
            "{svg}"
        );
        // Six labels right of the plot (640 − 48 + 6 = 598), 0 % at the bottom, 100 % at the top.
        // Each moved down by a third of a line (4.55 px) to centre it on its height.
        for (share, y) in [(0, "248.6"), (20, "203"), (80, "66.1"), (100, "20.6")] {
            let tick = format!("x=\"598\" y=\"{y}\">{share}%</text>");
            assert!(svg.contains(&tick), "{tick} in {svg}");
        }
        // The cumulative line ends at 100 % over the last bar.
        assert!(svg.contains("points=\"196,107.2 460,16\""), "{svg}");
    }

    #[test]
    fn a_chart_beside_its_table_has_no_hidden_copy() {
        let data = [Datum::new("2024", 1.0, "1"), Datum::new("2025", 2.0, "2")];
        let figure = bar_chart(&chart("s", "S"), "V", &data);
        let beside = beside_its_table(figure.clone());
        assert!(figure.contains("visually-hidden"));
        assert!(!beside.contains("visually-hidden") && !beside.contains("<table"));
        assert!(beside.ends_with("</g></svg></figure>"), "{beside}");
        assert_eq!(
            beside,
            figure[..beside.len() - 15].to_string() + "</svg></figure>"
        );
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
        // Five rings in one path.
        assert_eq!(svg.matches("radar-grid").count(), 1);
        assert_eq!(svg.matches("Z").count(), 5, "{svg}");
        // The first axis points straight up: character at 4/5 of the radius above centre.
        assert!(svg.contains("points=\"150,70 "), "{svg}");
        insta::assert_snapshot!(svg);
    }
}
