//! Grid layouts for [`PointMaze`](super::PointMaze) and collision geometry against their walls.

use crate::EnvError;

/// D4RL's `maze2d-open` layout: 5 × 7 with walls only on the border (start `S`, goal `G`).
pub const OPEN: &str = "\
#######
#SOOOO#
#OOGOO#
#OOOOO#
#######";

/// D4RL's `maze2d-umaze` layout: 5 × 5 with a U-shaped corridor from the start `S` around the
/// inner wall to the goal `G`.
pub const UMAZE: &str = "\
#####
#GOO#
###O#
#SOO#
#####";

/// A rectangular grid of wall and free cells with a start and a goal cell.
///
/// Cell `(row, col)` is the square `[row - 0.5, row + 0.5] × [col - 0.5, col + 0.5]` of the
/// maze's continuous coordinates (D4RL's convention: the first coordinate follows the rows).
#[derive(Debug, Clone, PartialEq)]
pub struct MazeLayout {
    rows: usize,
    cols: usize,
    walls: Vec<bool>,
    start: (usize, usize),
    goal: (usize, usize),
}

impl MazeLayout {
    /// Parses a layout: one line per row, `#` a wall, `O` or `.` free, `S` the (free) start cell,
    /// `G` the (free) goal cell. Blank lines and surrounding spaces are ignored. Rows must have
    /// equal lengths, `S` and `G` must occur exactly once, and the border must be all walls.
    pub fn parse(spec: &str) -> Result<Self, EnvError> {
        let lines: Vec<&str> = spec
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let bad = |msg: String| Err(EnvError::InvalidLayout(msg));
        let rows = lines.len();
        let cols = lines.first().map_or(0, |l| l.chars().count());
        if rows < 3 || cols < 3 {
            return bad(format!("need at least 3x3 cells, got {rows}x{cols}"));
        }
        let (mut walls, mut starts, mut goals) = (Vec::with_capacity(rows * cols), vec![], vec![]);
        for (row, line) in lines.iter().enumerate() {
            if line.chars().count() != cols {
                let len = line.chars().count();
                return bad(format!("row {row} has length {len}, expected {cols}"));
            }
            for (col, ch) in line.chars().enumerate() {
                let wall = match ch {
                    '#' => true,
                    'O' | '.' => false,
                    'S' => {
                        starts.push((row, col));
                        false
                    }
                    'G' => {
                        goals.push((row, col));
                        false
                    }
                    other => return bad(format!("unexpected character {other:?} in row {row}")),
                };
                walls.push(wall);
            }
        }
        let (&[start], &[goal]) = (starts.as_slice(), goals.as_slice()) else {
            return bad(format!(
                "need exactly one S and one G, found {} and {}",
                starts.len(),
                goals.len()
            ));
        };
        let layout = Self {
            rows,
            cols,
            walls,
            start,
            goal,
        };
        let open_border = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter(|&(r, c)| r == 0 || c == 0 || r == rows - 1 || c == cols - 1)
            .find(|&(r, c)| !layout.is_wall(r as i64, c as i64));
        match open_border {
            Some(cell) => bad(format!("border cell {cell:?} is not a wall")),
            None => Ok(layout),
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The start cell `(row, col)`.
    pub fn start(&self) -> (usize, usize) {
        self.start
    }

    /// The goal cell `(row, col)`.
    pub fn goal(&self) -> (usize, usize) {
        self.goal
    }

    /// Whether cell `(row, col)` is a wall; cells outside the grid count as walls.
    pub fn is_wall(&self, row: i64, col: i64) -> bool {
        match (usize::try_from(row), usize::try_from(col)) {
            (Ok(r), Ok(c)) if r < self.rows && c < self.cols => self.walls[r * self.cols + c],
            _ => true,
        }
    }

    /// The continuous coordinates of a cell's centre.
    pub fn cell_center(cell: (usize, usize)) -> [f64; 2] {
        [cell.0 as f64, cell.1 as f64]
    }

    /// Whether the square of half-width `half` centred at `pos` overlaps the interior of a wall
    /// cell (touching a wall's edge is not an overlap).
    pub fn overlaps_wall(&self, pos: [f64; 2], half: f64) -> bool {
        // Cell k overlaps the open interval (lo, hi) iff k - 0.5 < hi and k + 0.5 > lo.
        let cells = |centre: f64| {
            let first = (centre - half - 0.5).floor() as i64 + 1;
            let last = (centre + half + 0.5).ceil() as i64 - 1;
            first..=last
        };
        cells(pos[0]).any(|r| cells(pos[1]).any(|c| self.is_wall(r, c)))
    }

    /// Moves the square of half-width `half` at `pos` by `delta` along `axis` (0 or 1), stopping
    /// flush against the first wall in the way. `|delta|` must be below `1 - 2·half` so that no
    /// wall can be skipped. Returns whether a wall stopped the motion.
    pub(crate) fn slide(&self, pos: &mut [f64; 2], axis: usize, delta: f64, half: f64) -> bool {
        let mut target = *pos;
        target[axis] += delta;
        if !self.overlaps_wall(target, half) {
            *pos = target;
            return false;
        }
        // The wall hit is the cell the leading edge moved into.
        let edge = target[axis] + half.copysign(delta);
        let cell = edge.round();
        pos[axis] = if delta > 0.0 {
            cell - 0.5 - half
        } else {
            cell + 0.5 + half
        };
        true
    }
}
