//! Ember's integration tests, one binary (each test binary links burn, which is slow on 2 cores):
//! the same update on several devices, GFlowNet and offline learning, online SAC, dataset suites.

mod devices;
mod gfn;
mod learning;
mod sac;
mod suite;
mod trajdiff;
