//! PNG charts for run directories and benchmark reports: learning curves with a spread band,
//! histograms and scatter plots. Text uses the embedded DejaVu Sans, so no system fonts are
//! needed.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::ops::Range;
use std::path::Path;
use std::sync::Once;

/// One line of a chart: `(x, mean, spread)` points, drawn as the mean with a ±spread band.
#[derive(Clone, Debug)]
pub struct Curve {
    /// Legend entry.
    pub label: String,
    /// Points in increasing x.
    pub points: Vec<(f64, f64, f64)>,
}

/// Titles of a chart.
#[derive(Clone, Copy, Debug)]
pub struct Labels<'a> {
    /// Caption above the chart.
    pub title: &'a str,
    /// Horizontal axis.
    pub x: &'a str,
    /// Vertical axis.
    pub y: &'a str,
}

/// Drawing failed (file not writable, font, empty data).
#[derive(Debug, thiserror::Error)]
#[error("cannot draw {path}: {message}")]
pub struct PlotError {
    path: String,
    message: String,
}

const SIZE: (u32, u32) = (900, 560);

/// The chart area of every plot: a white PNG at `path` with a caption, axis descriptions and a
/// mesh over `x` x `y`. `body` draws the data, then the series legend goes at `legend` (none
/// when `None`) and the file is written.
fn draw<'p>(
    path: &'p Path,
    labels: Labels<'_>,
    x: Range<f64>,
    y: Range<f64>,
    legend: Option<SeriesLabelPosition>,
    body: impl FnOnce(&mut Chart<'_, 'p>) -> Result<(), PlotError>,
) -> Result<(), PlotError> {
    register_font();
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| error(path, e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(labels.title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x, y)
        .map_err(|e| error(path, e))?;
    chart
        .configure_mesh()
        .x_desc(labels.x)
        .y_desc(labels.y)
        .draw()
        .map_err(|e| error(path, e))?;
    body(&mut chart)?;
    if let Some(position) = legend {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(position)
            .draw()
            .map_err(|e| error(path, e))?;
    }
    root.present().map_err(|e| error(path, e))
}

/// A chart with f64 axes drawn into a PNG.
type Chart<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .unwrap_or_else(|_| panic!("the embedded DejaVu Sans font is valid"));
    });
}

fn error(path: &Path, e: impl std::fmt::Display) -> PlotError {
    PlotError {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Range covering `values` with 5% margins (a unit range around a single value).
fn padded(values: impl Iterator<Item = f64>) -> Option<Range<f64>> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 };
    Some(lo - pad..hi + pad)
}

/// Writes a PNG of `curves` (mean lines with ±spread bands and a legend) to `path`.
pub fn line_chart(path: &Path, labels: Labels<'_>, curves: &[Curve]) -> Result<(), PlotError> {
    let all = || curves.iter().flat_map(|c| c.points.iter());
    let x = padded(all().map(|p| p.0)).ok_or_else(|| error(path, "no finite points"))?;
    let y = padded(all().flat_map(|p| [p.1 - p.2, p.1 + p.2]))
        .ok_or_else(|| error(path, "no finite points"))?;
    draw(
        path,
        labels,
        x,
        y,
        Some(SeriesLabelPosition::LowerRight),
        |chart| {
            for (i, curve) in curves.iter().enumerate() {
                let color = Palette99::pick(i).to_rgba();
                let band: Vec<(f64, f64)> = curve
                    .points
                    .iter()
                    .map(|p| (p.0, p.1 + p.2))
                    .chain(curve.points.iter().rev().map(|p| (p.0, p.1 - p.2)))
                    .collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(band, color.mix(0.2).filled())))
                    .map_err(|e| error(path, e))?;
                chart
                    .draw_series(LineSeries::new(
                        curve.points.iter().map(|p| (p.0, p.1)),
                        color.stroke_width(2),
                    ))
                    .map_err(|e| error(path, e))?
                    .label(curve.label.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                    });
            }
            Ok(())
        },
    )
}

/// Writes a PNG histogram of `values` with `bins` equal-width bins to `path`.
pub fn histogram(
    path: &Path,
    labels: Labels<'_>,
    values: &[f64],
    bins: usize,
) -> Result<(), PlotError> {
    let range = padded(values.iter().copied()).ok_or_else(|| error(path, "no finite values"))?;
    let bins = bins.max(1);
    let width = (range.end - range.start) / bins as f64;
    let mut counts = vec![0usize; bins];
    for v in values.iter().filter(|v| v.is_finite()) {
        let i = (((v - range.start) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.05;
    draw(path, labels, range.clone(), 0.0..top, None, |chart| {
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let x0 = range.start + i as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, c as f64)], BLUE.mix(0.6).filled())
            }))
            .map_err(|e| error(path, e))?;
        Ok(())
    })
}

/// Writes a PNG scatter plot of `series` (legend label, points) to `path`.
pub fn scatter(
    path: &Path,
    labels: Labels<'_>,
    series: &[(String, Vec<(f64, f64)>)],
) -> Result<(), PlotError> {
    let all = || series.iter().flat_map(|s| s.1.iter());
    let x = padded(all().map(|p| p.0)).ok_or_else(|| error(path, "no finite points"))?;
    let y = padded(all().map(|p| p.1)).ok_or_else(|| error(path, "no finite points"))?;
    draw(
        path,
        labels,
        x,
        y,
        Some(SeriesLabelPosition::MiddleRight),
        |chart| {
            for (i, (label, points)) in series.iter().enumerate() {
                let color = Palette99::pick(i).to_rgba();
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(|e| error(path, e))?
                    .label(label.as_str())
                    .legend(move |(x, y)| Circle::new((x + 9, y), 4, color.filled()));
            }
            Ok(())
        },
    )
}

/// A grid to draw with [`grid_paths`]: a value per cell, walls, and paths of cells.
#[derive(Clone, Copy, Debug)]
pub struct GridPicture<'a> {
    /// Rows of the grid.
    pub rows: usize,
    /// Columns of the grid.
    pub cols: usize,
    /// A value per cell, row-major (shaded light to dark).
    pub map: &'a [f64],
    /// Walls, row-major (drawn black).
    pub blocked: &'a [bool],
    /// Paths as cell indices; the first is drawn bold.
    pub paths: &'a [Vec<usize>],
}

/// Writes a PNG of a grid to `path`: each cell shaded by its map value (white to dark green),
/// walls black, paths as lines through the cell centres (slightly offset from each other so
/// overlapping ones stay visible) starting at a dot. Row 0 is at the top.
pub fn grid_paths(
    path: &Path,
    labels: Labels<'_>,
    grid: &GridPicture<'_>,
) -> Result<(), PlotError> {
    let (rows, cols) = (grid.rows as f64, grid.cols as f64);
    if grid.map.len() != grid.rows * grid.cols || grid.blocked.len() != grid.map.len() {
        return Err(error(path, "map or walls do not match the grid size"));
    }
    register_font();
    let side = 760u32;
    let height = ((side as f64 * rows / cols) as u32 + 90).clamp(240, 1000);
    let root = BitMapBackend::new(path, (side + 80, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| error(path, e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(labels.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(35)
        .y_label_area_size(45)
        .build_cartesian_2d(0.0..cols, 0.0..rows)
        .map_err(|e| error(path, e))?;
    let flip = move |y: &f64| format!("{}", (rows - y).round());
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(labels.x)
        .y_desc(labels.y)
        .y_label_formatter(&flip)
        .draw()
        .map_err(|e| error(path, e))?;
    let (lo, hi) = grid
        .map
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let shade = |v: f64| {
        let t = if hi > lo {
            ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
        } else {
            0.2
        };
        let mix = |a: f64, b: f64| (a + (b - a) * t) as u8;
        RGBColor(mix(255.0, 0.0), mix(255.0, 109.0), mix(255.0, 44.0))
    };
    let cells = (0..grid.map.len()).map(|n| {
        let (r, c) = ((n / grid.cols) as f64, (n % grid.cols) as f64);
        let color = if grid.blocked[n] {
            BLACK
        } else {
            shade(grid.map[n])
        };
        Rectangle::new([(c, rows - r - 1.0), (c + 1.0, rows - r)], color.filled())
    });
    chart.draw_series(cells).map_err(|e| error(path, e))?;
    let k = grid.paths.len().max(1) as f64;
    for (i, p) in grid.paths.iter().enumerate().rev() {
        let color = Palette99::pick(i).to_rgba();
        let offset = if i == 0 {
            0.0
        } else {
            0.3 * (i as f64 / k - 0.5)
        };
        let centre = |n: usize| {
            let (r, c) = ((n / grid.cols) as f64, (n % grid.cols) as f64);
            (c + 0.5 + offset, rows - r - 0.5 + offset)
        };
        let width = if i == 0 { 4 } else { 1 };
        chart
            .draw_series(LineSeries::new(
                p.iter().map(|&n| centre(n)),
                color.stroke_width(width),
            ))
            .map_err(|e| error(path, e))?;
        if let Some(&start) = p.first() {
            chart
                .draw_series(std::iter::once(Circle::new(
                    centre(start),
                    5,
                    color.filled(),
                )))
                .map_err(|e| error(path, e))?;
        }
    }
    root.present().map_err(|e| error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_written_as_png() {
        let dir = tempfile::tempdir().unwrap();
        let labels = Labels {
            title: "test",
            x: "step",
            y: "score",
        };
        let curves = [Curve {
            label: "a".into(),
            points: vec![(0.0, 1.0, 0.5), (1.0, 2.0, 0.1), (2.0, 4.0, 0.0)],
        }];
        let png = |name: &str| {
            let bytes = std::fs::read(dir.path().join(name)).unwrap();
            assert_eq!(&bytes[1..4], b"PNG", "{name} is not a PNG");
        };
        line_chart(&dir.path().join("l.png"), labels, &curves).unwrap();
        png("l.png");
        histogram(&dir.path().join("h.png"), labels, &[1.0, 2.0, 2.5, 3.0], 3).unwrap();
        png("h.png");
        scatter(
            &dir.path().join("s.png"),
            labels,
            &[("p".into(), vec![(0.0, 1.0), (1.0, 0.0)])],
        )
        .unwrap();
        png("s.png");
        let grid = GridPicture {
            rows: 2,
            cols: 3,
            map: &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            blocked: &[false, false, true, false, false, false],
            paths: &[vec![0, 1, 4], vec![3, 4, 5]],
        };
        grid_paths(&dir.path().join("g.png"), labels, &grid).unwrap();
        png("g.png");
        let empty = line_chart(&dir.path().join("e.png"), labels, &[]).unwrap_err();
        assert!(empty.to_string().contains("no finite points"), "{empty}");
    }
}
