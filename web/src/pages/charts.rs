//! Server-rendered SVG charts for the insights and progress pages: stacked bars per
//! year (with a y-axis label saying what is counted), horizontal stacked bars for long
//! labels, plain horizontal bars narrow enough for a phone, and a heatmap, each an `role="img"` with a title and a description, coloured with SVG
//! presentation attributes (the CSP allows no inline style), with an HTML legend. Every
//! colour is at least 3:1 against white, and text drawn on a colour at least 4.5:1.
//! The figures are always also given in a table by the page.

use maud::{html, Markup};

/// Colours of the bands of a stacked bar chart, in order.
const BAND_COLOURS: [&str; 8] = [
    "#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b35900", "#28a197", "#912b88", "#85994b",
];
/// Heatmap levels, lightest first: cell fill and the text colour drawn on it.
const HEAT_LEVELS: [(&str, &str); 5] = [
    ("#d2e2f1", "#0b0c0c"),
    ("#9dc3e6", "#0b0c0c"),
    ("#5694ca", "#0b0c0c"),
    ("#1d70b8", "#ffffff"),
    ("#003078", "#ffffff"),
];
const EMPTY_CELL: &str = "#f3f2f1";
const TEXT: &str = "#0b0c0c";
const GRID: &str = "#b1b4b6";

/// One band of a stacked bar chart.
pub struct Band {
    pub label: String,
    pub colour: &'static str,
}

impl Band {
    /// The `n`-th band (0-based) of at most eight.
    pub fn nth(n: usize, label: String) -> Band {
        Band {
            label,
            colour: BAND_COLOURS[n % BAND_COLOURS.len()],
        }
    }
}

/// One bar: its label on the x axis and a count per band.
pub struct Bar {
    pub label: String,
    pub counts: Vec<u64>,
}

/// The text that names a chart: a short title and a longer description.
pub struct Caption<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
}

/// A colour legend as an HTML list.
pub fn legend(bands: &[Band]) -> Markup {
    html! {
        ul.legend {
            @for band in bands {
                li { (swatch(band.colour)) (band.label) }
            }
        }
    }
}

fn swatch(colour: &str) -> Markup {
    html! {
        svg.swatch width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false" {
            rect width="14" height="14" fill=(colour) stroke=(TEXT) stroke-width="1" {}
        }
    }
}

/// Stacked bars, one per [`Bar`], bands stacked from the bottom in legend order;
/// `y_label` says what the bars count ("Number of reviews").
pub fn stacked_bars(caption: &Caption, bands: &[Band], bars: &[Bar], y_label: &str) -> Markup {
    const GAP: u64 = 10;
    // Bars share about 640 pixels, each 28 to 56 wide.
    let slot = (640 / bars.len().max(1) as u64).clamp(28 + GAP, 56 + GAP);
    let bar_width = slot - GAP;
    const LEFT: u64 = 62;
    const TOP: u64 = 20;
    const PLOT: u64 = 240;
    const BOTTOM: u64 = 30;
    let max = bars
        .iter()
        .map(|b| b.counts.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let top = nice_ceiling(max);
    let width = LEFT + bars.len() as u64 * slot + GAP;
    let height = TOP + PLOT + BOTTOM;
    let y = |value: u64| TOP + PLOT - value * PLOT / top;
    html! {
        svg role="img" aria-labelledby={(caption.id) "-title " (caption.id) "-desc"} viewBox={"0 0 " (width) " " (height)} width=(width) height=(height) {
            title id={(caption.id) "-title"} { (caption.title) }
            desc id={(caption.id) "-desc"} { (caption.description) }
            text.y-label x=(-((TOP + PLOT / 2) as i64)) y="14" transform="rotate(-90)" text-anchor="middle" font-size="12" fill=(TEXT) { (y_label) }
            @for tick in ticks(top) {
                line x1=(LEFT - 4) x2=(width) y1=(y(tick)) y2=(y(tick)) stroke=(GRID) stroke-width="1" {}
                text x=(LEFT - 6) y=(y(tick) + 4) text-anchor="end" font-size="11" fill=(TEXT) { (tick) }
            }
            @for (i, bar) in bars.iter().enumerate() {
                @let x = LEFT + GAP + i as u64 * slot;
                (stack(x, bar_width, bar, bands, &y))
                text x=(x + bar_width / 2) y=(TOP + PLOT + 16) text-anchor="middle" font-size="10" fill=(TEXT) { (bar.label) }
            }
        }
    }
}

/// Horizontal bars, one per (label, count), the count written after each bar: a chart
/// that stays readable at a phone's width.
pub fn plain_bars(caption: &Caption, bars: &[(String, u64)], colour_index: usize) -> Markup {
    const WIDTH: u64 = 320;
    const LEFT: u64 = 64;
    const ROW: u64 = 24;
    const BAR: u64 = 16;
    // Room after the longest bar for its count.
    const ROOM: u64 = 44;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let length = |count: u64| count * (WIDTH - LEFT - ROOM) / max;
    let height = bars.len() as u64 * ROW + 8;
    let colour = BAND_COLOURS[colour_index % BAND_COLOURS.len()];
    html! {
        svg role="img" aria-labelledby={(caption.id) "-title " (caption.id) "-desc"} viewBox={"0 0 " (WIDTH) " " (height)} width=(WIDTH) height=(height) {
            title id={(caption.id) "-title"} { (caption.title) }
            desc id={(caption.id) "-desc"} { (caption.description) }
            line x1=(LEFT) x2=(LEFT) y1="0" y2=(height - 4) stroke=(GRID) stroke-width="1" {}
            @for (i, (label, count)) in bars.iter().enumerate() {
                @let y = 4 + i as u64 * ROW;
                text x=(LEFT - 6) y=(y + BAR - 3) text-anchor="end" font-size="13" fill=(TEXT) { (label) }
                @if *count > 0 { rect x=(LEFT) y=(y) width=(length(*count)) height=(BAR) fill=(colour) {} }
                text x=(LEFT + length(*count) + 6) y=(y + BAR - 3) font-size="13" fill=(TEXT) { (count) }
            }
        }
    }
}

/// Horizontal stacked bars, one row per [`Bar`] (its label on the left, its total after
/// it), bands left to right in legend order: for many long labels, such as agencies.
pub fn stacked_rows(caption: &Caption, bands: &[Band], bars: &[Bar]) -> Markup {
    const WIDTH: u64 = 640;
    const LEFT: u64 = 200;
    const ROW: u64 = 26;
    const BAR: u64 = 18;
    const ROOM: u64 = 48;
    let max = bars
        .iter()
        .map(|b| b.counts.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let length = |count: u64| count * (WIDTH - LEFT - ROOM) / max;
    let height = bars.len() as u64 * ROW + 8;
    html! {
        svg role="img" aria-labelledby={(caption.id) "-title " (caption.id) "-desc"} viewBox={"0 0 " (WIDTH) " " (height)} width=(WIDTH) height=(height) {
            title id={(caption.id) "-title"} { (caption.title) }
            desc id={(caption.id) "-desc"} { (caption.description) }
            line x1=(LEFT) x2=(LEFT) y1="0" y2=(height - 4) stroke=(GRID) stroke-width="1" {}
            @for (i, bar) in bars.iter().enumerate() {
                @let y = 4 + i as u64 * ROW;
                @let total: u64 = bar.counts.iter().sum();
                text x=(LEFT - 6) y=(y + BAR - 4) text-anchor="end" font-size="12" fill=(TEXT) { (short(&bar.label, 30)) }
                @for (band, count, start) in row_segments(bar, bands) {
                    rect x=(LEFT + length(start)) y=(y) width=(length(count).max(1)) height=(BAR) fill=(band.colour) stroke="#ffffff" stroke-width="1" {
                        title { (bar.label) ", " (band.label) ": " (count) }
                    }
                }
                text x=(LEFT + length(total) + 6) y=(y + BAR - 4) font-size="12" fill=(TEXT) { (total) }
            }
        }
    }
}

/// A row's non-empty segments with where each starts (in counts from the left).
fn row_segments<'a>(bar: &Bar, bands: &'a [Band]) -> Vec<(&'a Band, u64, u64)> {
    let mut start = 0;
    let mut segments = Vec::new();
    for (band, count) in bands.iter().zip(&bar.counts) {
        if *count > 0 {
            segments.push((band, *count, start));
        }
        start += count;
    }
    segments
}

/// `text` cut to `max` characters with an ellipsis.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// One bar's segments, bottom up, each with a tooltip.
fn stack(x: u64, width: u64, bar: &Bar, bands: &[Band], y: &impl Fn(u64) -> u64) -> Markup {
    let mut below = 0;
    let mut segments = Vec::new();
    for (band, count) in bands.iter().zip(&bar.counts) {
        if *count > 0 {
            segments.push((band, *count, y(below), y(below + count)));
        }
        below += count;
    }
    html! {
        @for (band, count, low, high) in segments {
            rect x=(x) y=(high) width=(width) height=(low - high) fill=(band.colour) stroke="#ffffff" stroke-width="1" {
                title { (bar.label) ", " (band.label) ": " (count) }
            }
        }
    }
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `max`, or a
/// multiple of it, so that ticks fall on round numbers.
fn nice_ceiling(max: u64) -> u64 {
    let step = tick_step(max);
    max.div_ceil(step) * step
}

fn tick_step(max: u64) -> u64 {
    let rough = max.div_ceil(4).max(1);
    let mut power = 1;
    while power * 10 <= rough {
        power *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= rough)
        .unwrap_or(power * 10)
}

fn ticks(top: u64) -> Vec<u64> {
    let step = tick_step(top);
    (0..=top / step).map(|n| n * step).collect()
}

/// A heatmap of `counts[row][col]`, darker for more, with each count written in its
/// cell. Empty cells are one patterned background, so that a large sparse grid stays small.
pub fn heatmap(caption: &Caption, rows: &[String], cols: &[String], counts: &[Vec<u64>]) -> Markup {
    const CELL: u64 = 26;
    const INNER: u64 = CELL - 2;
    const CHAR: u64 = 6;
    let left = 12 + longest(rows) * CHAR;
    // Column labels are drawn at 45 degrees: as high and as wide as 0.71 of their length.
    let slant = longest(cols) * CHAR * 3 / 4;
    let head = 16 + slant;
    let width = left + cols.len() as u64 * CELL + slant;
    let height = head + rows.len() as u64 * CELL + 8;
    let max = counts.iter().flatten().copied().max().unwrap_or(0);
    let empty = format!("{}-empty", caption.id);
    html! {
        svg role="img" aria-labelledby={(caption.id) "-title " (caption.id) "-desc"} viewBox={"0 0 " (width) " " (height)} width=(width) height=(height) {
            title id={(caption.id) "-title"} { (caption.title) }
            desc id={(caption.id) "-desc"} { (caption.description) }
            defs {
                pattern #(empty) x=(left) y=(head) width=(CELL) height=(CELL) patternUnits="userSpaceOnUse" {
                    rect width=(INNER) height=(INNER) fill=(EMPTY_CELL) {}
                }
            }
            rect x=(left) y=(head) width=(cols.len() as u64 * CELL) height=(rows.len() as u64 * CELL) fill={"url(#" (empty) ")"} {}
            g font-size="11" fill=(TEXT) {
                @for (j, col) in cols.iter().enumerate() {
                    @let x = left + j as u64 * CELL + CELL / 2;
                    text x=(x) y=(head - 6) transform={"rotate(-45 " (x) " " (head - 6) ")"} { (col) }
                }
            }
            g font-size="11" fill=(TEXT) text-anchor="end" {
                @for (i, row) in rows.iter().enumerate() {
                    text x=(left - 6) y=(head + i as u64 * CELL + CELL / 2 + 4) { (row) }
                }
            }
            @for (i, row_counts) in counts.iter().enumerate() {
                g transform={"translate(" (left) " " (head + i as u64 * CELL) ")"} font-size="10" text-anchor="middle" {
                    @for (j, count) in row_counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                        @let (fill, ink) = heat(*count, max);
                        @let x = j as u64 * CELL;
                        rect x=(x) width=(INNER) height=(INNER) fill=(fill) {}
                        text x=(x + INNER / 2) y=(INNER / 2 + 4) fill=(ink) { (count) }
                    }
                }
            }
        }
    }
}

/// The fill and text colours of a cell counting `count` (not 0) of at most `max`.
fn heat(count: u64, max: u64) -> (&'static str, &'static str) {
    HEAT_LEVELS[heat_level(count, max).unwrap_or(0)]
}

/// Which of the five levels `count` falls in: level `l` holds counts up to
/// `(l + 1) * max / 5`. `None` for zero.
fn heat_level(count: u64, max: u64) -> Option<usize> {
    if count == 0 || max == 0 {
        return None;
    }
    let levels = HEAT_LEVELS.len() as u64;
    Some(((count * levels).div_ceil(max).clamp(1, levels) - 1) as usize)
}

/// The heatmap's legend: each level with the counts it stands for.
pub fn heat_legend(max: u64) -> Markup {
    let levels = HEAT_LEVELS.len() as u64;
    let ranges: Vec<(u64, u64, &str)> = (0..levels)
        .map(|l| {
            (
                l * max / levels + 1,
                (l + 1) * max / levels,
                HEAT_LEVELS[l as usize].0,
            )
        })
        .filter(|(low, high, _)| low <= high)
        .collect();
    html! {
        ul.legend {
            li { (swatch(EMPTY_CELL)) "none" }
            @for (low, high, fill) in ranges {
                li {
                    (swatch(fill))
                    @if low == high { (low) } @else { (low) "–" (high) }
                }
            }
        }
    }
}

/// Characters in the longest label (at least 1).
fn longest(labels: &[String]) -> u64 {
    labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1)
        .max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_round_numbers() {
        assert_eq!(ticks(nice_ceiling(1)), [0, 1]);
        assert_eq!(ticks(nice_ceiling(7)), [0, 2, 4, 6, 8]);
        assert_eq!(ticks(nice_ceiling(37)), [0, 10, 20, 30, 40]);
        assert_eq!(nice_ceiling(130), 150);
    }

    #[test]
    fn heat_levels_cover_every_count_once() {
        let max = 12;
        let levels: Vec<Option<usize>> = (0..=max).map(|c| heat_level(c, max)).collect();
        assert_eq!(levels[0], None);
        assert_eq!(levels[1], Some(0));
        assert_eq!(levels[12], Some(4));
        assert!(levels.windows(2).all(|w| w[0] <= w[1]));
        // The legend's ranges agree with the levels.
        let legend = heat_legend(max).into_string();
        assert!(
            legend.contains("1–2") && legend.contains("10–12"),
            "{legend}"
        );
    }
}
