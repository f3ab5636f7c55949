//! One trajectory representation shared by every loss: [`Trajectory`] on the host, and
//! [`FlowTerms`], its per-node flow potentials on the device.
//!
//! Notation. A trajectory `s_0 → … → s_n = x → s_f` has `n + 2` nodes: the states
//! `s_0..s_n` and the sink. Its `n + 1` edges are the `n` moves plus the exit `x → s_f`. With
//! `L_t = log F(s_t)` for `t ≤ n`, `L_{n+1} = log R(x)` (the flow into the sink through `x`), and
//! `C_t = Σ_{k<t} [log P_F(edge k) − log P_B(edge k)]` (the exit edge has no backward term),
//! the balance residual of the sub-trajectory from node `i` to node `j > i` is
//! `L_i + C_j − C_i − L_j = A_i − A_j` with the potential `A_t = L_t − C_t`. DB uses the pairs
//! `(t, t+1)`, SubTB every pair, TB the pair `(0, n+1)` with `L_0 = log Z`; forward-looking
//! losses only change how `L_t` is parametrised. The order-preserving losses use the learned
//! reward predicted from node `i`: `log R̂(x) = A_i + C_{n+1}` (with `L_{n+1}` unused).

use super::Score;
use ember_engine::burn::tensor::{Device, Int, Tensor, TensorData};

/// A complete trajectory `s_0 → … → s_n = x` (the exit edge is implicit).
#[derive(Clone, Debug)]
pub struct Trajectory<S> {
    /// `s_0..s_n`.
    pub states: Vec<S>,
    /// For each move `t < n`, every forward action from `s_t` to `s_{t+1}` (several when
    /// distinct actions reach the same canonical state; their probabilities are summed).
    pub forward: Vec<Vec<usize>>,
    /// For each move `t < n`, every backward action from `s_{t+1}` to `s_t`.
    pub backward: Vec<Vec<usize>>,
    /// The score of `x = s_n`.
    pub score: Score,
    /// The scores of `s_0..s_n` as partial objects (forward-looking losses only; else empty).
    pub partial: Vec<Score>,
}

impl<S> Trajectory<S> {
    /// Number of moves `n` (the exit not counted).
    pub fn n_moves(&self) -> usize {
        self.forward.len()
    }

    /// The sampled object `x = s_n`.
    pub fn object(&self) -> &S {
        self.states.last().expect("a trajectory has at least s_0")
    }
}

/// Per-state quantities of a batch of trajectories, flattened row by row (`s_0..s_{n_b}` of
/// trajectory 0, then trajectory 1, ...), each `[rows]`.
#[derive(Clone, Debug)]
pub struct RowTerms {
    /// Row `t`: `log P_F(s_{t+1} | s_t)`, and at `t = n` the exit log-probability.
    pub log_pf: Tensor<1>,
    /// Row `t ≥ 1`: `log P_B(s_{t-1} | s_t)`; row 0 is ignored.
    pub log_pb: Tensor<1>,
    /// Row `t`: the node log-flow `L_t` (`log F(s_t)`, or the forward-looking
    /// `log F̃(s_t) + log R(s_t)`; TB never reads it).
    pub log_flow: Tensor<1>,
}

/// The padded potentials `A` and cumulative log-ratios `C` of a batch (`[B, K]`,
/// `K = max n + 2`), plus the lengths needed to pick valid entries.
#[derive(Clone, Debug)]
pub struct FlowTerms {
    /// `A_t = L_t − C_t`; padding entries are meaningless (every loss masks them).
    pub potential: Tensor<2>,
    /// `C_t`; padding entries repeat `C_{n+1}`.
    pub cumulative: Tensor<2>,
    /// Moves `n_b` per trajectory.
    pub lengths: Vec<usize>,
    device: Device,
}

impl FlowTerms {
    /// Lays `rows` out per trajectory (`lengths[b] + 1` rows each). `terminal` is `log R(x)`
    /// per trajectory (node `n+1`), or `None` for the order-preserving losses, whose
    /// terminal node is never read.
    pub fn new(
        rows: &RowTerms,
        lengths: &[usize],
        terminal: Option<&[f32]>,
        device: &Device,
    ) -> Self {
        let b = lengths.len();
        let k = lengths.iter().max().map_or(2, |n| n + 2);
        // Host index maps from padded (b, t) positions to flat rows; 0 marks padding.
        let mut node_row = vec![0i64; b * k];
        let mut node_ok = vec![0.0f32; b * k];
        let mut pb_row = vec![0i64; b * k];
        let mut pb_ok = vec![0.0f32; b * k];
        let mut sink = vec![0.0f32; b * k];
        let mut start = 0;
        for (i, &n) in lengths.iter().enumerate() {
            for t in 0..=n {
                node_row[i * k + t] = (start + t) as i64;
                node_ok[i * k + t] = 1.0;
                if t < n {
                    // Edge t's backward term lives on row t + 1.
                    pb_row[i * k + t] = (start + t + 1) as i64;
                    pb_ok[i * k + t] = 1.0;
                }
            }
            if let Some(log_r) = terminal {
                sink[i * k + n + 1] = log_r[i];
            }
            start += n + 1;
        }
        let index = |v: Vec<i64>| Tensor::<1, Int>::from_data(TensorData::new(v, [b * k]), device);
        let matrix = |v: Vec<f32>| Tensor::<2>::from_data(TensorData::new(v, [b, k]), device);
        let node_ok = matrix(node_ok);
        let gather =
            |rows: &Tensor<1>, idx: Vec<i64>| rows.clone().select(0, index(idx)).reshape([b, k]);
        // Edge values e_t in columns 0..=n (the exit edge t = n has no backward term).
        let log_pf = gather(&rows.log_pf, node_row.clone()) * node_ok.clone();
        let log_pb = gather(&rows.log_pb, pb_row) * matrix(pb_ok);
        let edge = log_pf - log_pb;
        // C_0 = 0, C_t = Σ_{k<t} e_k: shift the inclusive cumulative sum right by one.
        let inclusive = edge.cumsum(1);
        let cumulative = Tensor::cat(
            vec![
                Tensor::zeros([b, 1], device),
                inclusive.slice([0..b, 0..k - 1]),
            ],
            1,
        );
        let log_flow = gather(&rows.log_flow, node_row) * node_ok + matrix(sink);
        Self {
            potential: log_flow - cumulative.clone(),
            cumulative,
            lengths: lengths.to_vec(),
            device: device.clone(),
        }
    }

    /// Number of trajectories.
    pub fn batch(&self) -> usize {
        self.lengths.len()
    }

    /// Padded width `K`.
    pub fn width(&self) -> usize {
        self.potential.dims()[1]
    }

    /// The device of the terms.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// `[B, G]` entries of `m` at the columns `cols` (row-major `B × G`).
    pub fn pick(&self, m: &Tensor<2>, cols: Vec<i64>, g: usize) -> Tensor<2> {
        let idx =
            Tensor::<2, Int>::from_data(TensorData::new(cols, [self.batch(), g]), &self.device);
        m.clone().gather(1, idx)
    }

    /// `C_{n+1}` per trajectory, `[B, 1]`: the summed log-ratio of the whole trajectory.
    pub fn total_log_ratio(&self) -> Tensor<2> {
        let cols = self.lengths.iter().map(|&n| (n + 1) as i64).collect();
        self.pick(&self.cumulative, cols, 1)
    }

    /// The learned `log R̂(x) = A_i + C_{n+1}` predicted from node `i = starts[b·G + g]`,
    /// `[B, G]`.
    pub fn predicted_log_reward(&self, starts: Vec<i64>, g: usize) -> Tensor<2> {
        self.pick(&self.potential, starts, g) + self.total_log_ratio()
    }

    /// A host `[B, G]` matrix on the device.
    pub fn host(&self, values: Vec<f32>, g: usize) -> Tensor<2> {
        Tensor::<2>::from_data(TensorData::new(values, [self.batch(), g]), &self.device)
    }
}
