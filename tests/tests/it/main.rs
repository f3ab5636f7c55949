//! Ember's integration tests, one binary (each test binary links burn, which is slow on 2 cores):
//! the same update on several devices, GFlowNet and offline learning, online SAC, dataset suites.

mod cdsa;
mod devices;
mod gail;
mod gfn;
mod learning;
mod sac;
mod subpo;
mod suite;
mod trajdiff;
