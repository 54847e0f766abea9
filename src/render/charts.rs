//! Charts drawn at build time as inline SVG: no script, no request to another host, styled by
//! the theme's stylesheet through class names (`.chart` in style.css), each with a text
//! alternative (`<title>` and `<desc>`) that says what the picture shows. The pages keep the
//! table or list with every number below each chart; a chart only makes the shape visible.
//!
//! Pure functions from numbers to markup: they know nothing of the model or of templates.

use std::fmt::Write;

use jiff::civil::Date;

use crate::lang::Lang;

/// One series of a time chart (a programme): its name and its points (date, value).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub points: Vec<(Date, Option<u32>)>,
}

/// The words a chart shows, in the page's language.
#[derive(Debug, Clone)]
pub struct TimeChartText {
    /// The chart's accessible name.
    pub title: String,
    /// The text alternative: what the chart shows, in a sentence or two.
    pub desc: String,
    /// Shown where a point's value is not known (`?`).
    pub unknown: String,
    /// Formats an axis date (a month and year).
    pub month: fn(Date, Lang) -> String,
    pub lang: Lang,
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// Escapes text for SVG/XML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A "nice" step for an axis running to `max` with about `ticks` ticks (1, 2 or 5 times a power
/// of ten).
fn nice_step(max: f64, ticks: f64) -> f64 {
    let raw = (max / ticks).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    step * mag
}

/// Days from the chart's first date: the x axis is linear in time, so gaps between draws show.
fn day(d: Date) -> f64 {
    // jiff's civil dates count days without time zones; the span is exact.
    d.since(Date::constant(2000, 1, 1))
        .map(|s| f64::from(s.get_days()))
        .unwrap_or(0.0)
}

/// Draws a time chart: bars (`bars = true`, e.g. invitations per draw) or points joined by a line
/// per series (e.g. the lowest score invited). Series are told apart by class (`series-0`,
/// `series-1`, ...) and named in a legend the page shows beside the chart. Points whose value is
/// not known are marked with `text.unknown` at the axis rather than left out.
pub fn time_chart(series: &[Series], bars: bool, from_zero: bool, text: &TimeChartText) -> String {
    let dates: Vec<Date> = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
    let values: Vec<u32> = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .collect();
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
        return String::new();
    };
    let (x0, x1) = (day(*first), day(*last).max(day(*first) + 1.0));
    let vmax = f64::from(values.iter().copied().max().unwrap_or(1));
    let vmin = if from_zero {
        0.0
    } else {
        f64::from(values.iter().copied().min().unwrap_or(0))
    };
    let step = nice_step((vmax - vmin).max(1.0), 4.0);
    let lo = if from_zero {
        0.0
    } else {
        (vmin / step).floor() * step
    };
    let hi = ((vmax / step).ceil() * step).max(lo + step);
    let pad = if bars { 12.0 } else { 6.0 };
    let x = |d: Date| LEFT + pad + (day(d) - x0) / (x1 - x0) * (W - LEFT - RIGHT - 2.0 * pad);
    let y = |v: f64| TOP + (hi - v) / (hi - lo) * (H - TOP - BOTTOM);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
<title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{desc}</desc>",
        id = if bars { "chart-bars" } else { "chart-points" },
        title = esc(&text.title),
        desc = esc(&text.desc),
    );
    // Horizontal grid lines and value labels.
    let mut v = lo;
    while v <= hi + step / 2.0 {
        let yy = y(v);
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/>\
<text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{label}</text>",
            x2 = W - RIGHT,
            tx = LEFT - 6.0,
            ty = yy + 4.0,
            label = esc(&group(v as u64, text.lang)),
        );
        v += step;
    }
    // The time axis: the first day of each half year in range.
    let base = H - BOTTOM;
    let _ = write!(
        svg,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{base}\" y2=\"{base}\"/>",
        x2 = W - RIGHT
    );
    let mut tick = Date::constant(first.year(), if first.month() <= 6 { 1 } else { 7 }, 1);
    while tick <= *last {
        if tick >= *first {
            let tx = x(tick);
            let _ = write!(
                svg,
                "<line class=\"axis\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{base}\" y2=\"{y2}\"/>\
<text x=\"{tx:.1}\" y=\"{ty}\" text-anchor=\"middle\">{label}</text>",
                y2 = base + 5.0,
                ty = base + 20.0,
                label = esc(&(text.month)(tick, text.lang)),
            );
        }
        tick = match tick.checked_add(jiff::Span::new().months(6)) {
            Ok(t) => t,
            Err(_) => break,
        };
    }
    // The data.
    let n = series.len().max(1) as f64;
    for (i, s) in series.iter().enumerate() {
        let class = format!("series-{i}");
        if bars {
            let w = 9.0;
            for (d, val) in &s.points {
                let cx = x(*d) + (i as f64 - (n - 1.0) / 2.0) * (w + 1.0);
                match val {
                    Some(val) => {
                        let top = y(f64::from(*val));
                        let _ = write!(
                            svg,
                            "<rect class=\"bar {class}\" x=\"{rx:.1}\" y=\"{top:.1}\" width=\"{w}\" height=\"{h:.1}\"/>",
                            rx = cx - w / 2.0,
                            h = (base - top).max(1.0),
                        );
                    }
                    None => {
                        let _ = write!(
                            svg,
                            "<text class=\"unknown {class}\" x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">{u}</text>",
                            ty = base - 4.0,
                            u = esc(&text.unknown),
                        );
                    }
                }
            }
        } else {
            let known: Vec<(f64, f64)> = s
                .points
                .iter()
                .filter_map(|(d, v)| v.map(|v| (x(*d), y(f64::from(v)))))
                .collect();
            if known.len() > 1 {
                let pts: Vec<String> = known.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
                let _ = write!(
                    svg,
                    "<polyline class=\"line {class}\" points=\"{}\"/>",
                    pts.join(" ")
                );
            }
            for (px, py) in known {
                let _ = write!(
                    svg,
                    "<circle class=\"point {class}\" cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"4\"/>"
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal bar chart of counts by name (e.g. resources per province): one row a name.
pub fn bar_rows(rows: &[(String, usize)], title: &str, desc: &str, lang: Lang) -> String {
    let row_h = 24.0;
    let label_w = 190.0;
    let h = TOP + row_h * rows.len() as f64 + 8.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let span = W - label_w - RIGHT - 40.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg viewBox=\"0 0 {W} {h}\" role=\"img\" aria-labelledby=\"chart-rows-t chart-rows-d\">\
<title id=\"chart-rows-t\">{}</title><desc id=\"chart-rows-d\">{}</desc>",
        esc(title),
        esc(desc)
    );
    for (i, (name, n)) in rows.iter().enumerate() {
        let top = TOP + row_h * i as f64;
        let w = (*n as f64) / max * span;
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty:.1}\" text-anchor=\"end\">{name}</text>\
<rect class=\"bar series-0\" x=\"{label_w}\" y=\"{ry:.1}\" width=\"{w:.1}\" height=\"{bh}\"/>\
<text x=\"{cx:.1}\" y=\"{ty:.1}\">{count}</text>",
            lx = label_w - 8.0,
            ty = top + 15.0,
            name = esc(name),
            ry = top + 3.0,
            bh = row_h - 8.0,
            cx = label_w + w + 6.0,
            count = esc(&group(*n as u64, lang)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// 2104 -> "2,104" (English) or "2 104" (French, with a no-break space).
pub fn group(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::En => ',',
        Lang::Fr => '\u{a0}',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn text() -> TimeChartText {
        TimeChartText {
            title: "Invitations <per> draw".into(),
            desc: "Two programmes & their draws.".into(),
            unknown: "?".into(),
            month: |d, _| format!("{}-{:02}", d.year(), d.month()),
            lang: Lang::En,
        }
    }

    #[test]
    fn digits_are_grouped_the_way_each_language_writes_them() {
        assert_eq!(group(2104, Lang::En), "2,104");
        assert_eq!(group(2104, Lang::Fr), "2\u{a0}104");
        assert_eq!(group(500, Lang::En), "500");
    }

    #[test]
    fn steps_are_round_numbers() {
        assert_eq!(nice_step(4000.0, 4.0), 1000.0);
        assert_eq!(nice_step(88.0, 4.0), 50.0);
        assert_eq!(nice_step(3.0, 4.0), 1.0);
    }

    #[test]
    fn bars_stand_on_the_axis_in_date_order_and_unknowns_are_marked() {
        let s = vec![Series {
            name: "A".into(),
            points: vec![
                (d("2023-06-01"), Some(500)),
                (d("2024-06-01"), Some(4000)),
                (d("2025-06-01"), None),
            ],
        }];
        let svg = time_chart(&s, true, true, &text());
        assert!(svg.starts_with("<svg viewBox=\"0 0 640 240\" role=\"img\""));
        assert!(svg.contains("<title id=\"chart-bars-t\">Invitations &lt;per&gt; draw</title>"));
        assert!(svg.contains("<desc id=\"chart-bars-d\">Two programmes &amp; their draws.</desc>"));
        assert_eq!(svg.matches("<rect class=\"bar series-0\"").count(), 2);
        assert_eq!(svg.matches("class=\"unknown series-0\"").count(), 1);
        // The taller bar is the 4,000 one, later in time (further right).
        let rects: Vec<(f64, f64)> = svg
            .split("<rect ")
            .skip(1)
            .map(|r| {
                let num = |k: &str| -> f64 {
                    let at = r.find(k).unwrap() + k.len();
                    r[at..].split('"').next().unwrap().parse().unwrap()
                };
                (num("x=\""), num("height=\""))
            })
            .collect();
        assert!(rects[0].0 < rects[1].0 && rects[0].1 < rects[1].1);
        assert!(svg.contains(">4,000</text>"), "a grid label at the top value");
        assert!(!svg.contains("style="), "styled by the stylesheet only");
    }

    #[test]
    fn points_are_joined_per_series() {
        let s = vec![
            Series {
                name: "A".into(),
                points: vec![(d("2023-06-01"), Some(476)), (d("2024-06-01"), Some(422))],
            },
            Series {
                name: "B".into(),
                points: vec![(d("2023-09-01"), Some(350))],
            },
        ];
        let svg = time_chart(&s, false, false, &text());
        assert_eq!(svg.matches("<polyline class=\"line series-0\"").count(), 1);
        assert_eq!(svg.matches("<polyline").count(), 1, "one point draws no line");
        assert_eq!(svg.matches("<circle").count(), 3);
    }

    #[test]
    fn no_data_no_chart() {
        assert_eq!(time_chart(&[], true, true, &text()), "");
    }

    #[test]
    fn rows_scale_to_the_largest() {
        let svg = bar_rows(
            &[("Ontario".into(), 10), ("Yukon".into(), 5)],
            "Resources",
            "Ontario has 10, Yukon 5.",
            Lang::Fr,
        );
        assert!(svg.contains(">Ontario</text>") && svg.contains(">10</text>"));
        let widths: Vec<f64> = svg
            .split("width=\"")
            .skip(1)
            .map(|r| r.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.2);
    }
}
