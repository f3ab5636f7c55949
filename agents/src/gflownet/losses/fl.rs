//! Forward-looking GFlowNets (Pan et al. 2023).

use ember_engine::burn::tensor::Tensor;

/// The forward-looking node flow `log F(s) = log F̃(s) + log R(s)`, from the network's
/// `log F̃` and the energy term `log R(s)` of each (partial) state, both `[rows]`.
///
/// Detailed balance on these flows has the residual
/// `log F̃(s) + log P_F − log F̃(s') − log P_B − [log R(s') − log R(s)]`: each edge is credited
/// with the local reward difference, which is what makes FL learn faster and from partial
/// trajectories. At the exit edge it matches `log F̃(x) + log P_F(exit|x)` to 0.
pub fn forward_looking_flow(log_f_tilde: Tensor<1>, log_r: Tensor<1>) -> Tensor<1> {
    log_f_tilde + log_r
}
