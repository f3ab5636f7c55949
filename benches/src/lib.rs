//! Ember's benchmarks: the `d4rl-bench` grid runner ([`d4rl`]); the criterion benches live in
//! `benches/` and `ember bench` in the command-line crate.

pub mod d4rl;
