//! Ember's engine: devices, neural-network building blocks, optimisation helpers and the
//! training runtime shared by every algorithm.
//!
//! burn 0.22 picks the backend at run time: modules and tensors carry no backend type, and a
//! [`burn::tensor::Device`] decides where they live. [`device::parse_device`] turns a user string
//! (`cpu`, `ndarray`, `wgpu:0`, ...) into such a device, or explains what this build supports.

#![deny(missing_docs)]

pub mod buffer;
pub mod device;
pub mod metrics;
pub mod nn;
pub mod optim;
pub mod replay;
pub mod row_blocks;
pub mod runtime;
pub mod seed;
pub mod segments;
pub mod threads;

pub use buffer::{Batch, TransitionBuffer};
pub use burn;
pub use device::{DeviceError, parse_device, supported_devices};
pub use metrics::{Metrics, MetricsRow};
pub use replay::ReplayBuffer;
pub use segments::{HostSegments, SegmentBatch, SegmentBuffer};
