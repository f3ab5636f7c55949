//! Device selection from a user string, with a probe so that a missing GPU is an error and not a
//! panic from inside burn.

use burn::tensor::{Device, Tensor};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why a device string could not be turned into a usable device.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The name is not a device this engine knows.
    #[error("unknown device `{name}`; this build supports: {supported}")]
    Unknown {
        /// The device string as given.
        name: String,
        /// The devices this build supports.
        supported: String,
    },
    /// The device is known but its backend was not compiled into this build.
    #[error(
        "device `{name}` needs the cargo feature `{feature}`, which this build lacks; \
         this build supports: {supported}"
    )]
    NotBuilt {
        /// The device string as given.
        name: String,
        /// The cargo feature that would add it.
        feature: &'static str,
        /// The devices this build supports.
        supported: String,
    },
    /// The backend exists but no such device could be opened on this machine.
    #[error("device `{name}` is not available on this machine: {reason}")]
    Unavailable {
        /// The device string as given.
        name: String,
        /// Why it could not be opened.
        reason: String,
    },
}

/// The device names this build understands, for help texts and error messages.
pub fn supported_devices() -> Vec<&'static str> {
    let mut names = vec!["cpu (burn-flex, default)"];
    if cfg!(feature = "ndarray") {
        names.push("ndarray");
    }
    if cfg!(feature = "wgpu") {
        names.extend(["wgpu", "wgpu:N", "wgpu:cpu"]);
    }
    if cfg!(feature = "tch") {
        names.extend(["tch-cpu", "tch-cuda", "tch-cuda:N"]);
    }
    names
}

fn supported_list() -> String {
    supported_devices().join(", ")
}

/// Parses `cpu` | `flex` | `ndarray` | `wgpu[:N|:cpu]` | `tch-cpu` | `tch-cuda[:N]` into a
/// probed, ready device (without autodiff; call `.autodiff()` for training).
pub fn parse_device(spec: &str) -> Result<Device, DeviceError> {
    let spec = spec.trim().to_ascii_lowercase();
    let (kind, index) = match spec.split_once(':') {
        Some((kind, index)) => (kind, Some(index)),
        None => (spec.as_str(), None),
    };
    let device = match (kind, index) {
        ("cpu" | "flex", None) => Device::flex(),
        ("ndarray", None) => ndarray(&spec)?,
        ("wgpu", index) => wgpu(&spec, index)?,
        ("tch-cpu", None) => tch(&spec, None)?,
        ("tch-cuda" | "cuda", index) => tch(&spec, Some(parse_index(&spec, index)?))?,
        _ => {
            return Err(DeviceError::Unknown {
                name: spec.clone(),
                supported: supported_list(),
            });
        }
    };
    probe(&spec, &device)?;
    Ok(device)
}

fn parse_index(spec: &str, index: Option<&str>) -> Result<usize, DeviceError> {
    match index {
        None => Ok(0),
        Some(text) => text.parse().map_err(|_| DeviceError::Unknown {
            name: spec.to_string(),
            supported: supported_list(),
        }),
    }
}

#[cfg(feature = "ndarray")]
#[allow(deprecated)] // burn marks ndarray deprecated; users still ask for it as a reference backend.
fn ndarray(_spec: &str) -> Result<Device, DeviceError> {
    Ok(Device::ndarray())
}

#[cfg(not(feature = "ndarray"))]
fn ndarray(spec: &str) -> Result<Device, DeviceError> {
    Err(not_built(spec, "ndarray"))
}

#[cfg(feature = "wgpu")]
fn wgpu(spec: &str, index: Option<&str>) -> Result<Device, DeviceError> {
    use burn::tensor::{DeviceKind, DeviceType};
    match index {
        None => Ok(Device::wgpu(DeviceKind::DefaultDevice)),
        Some("cpu") => Ok(Device::wgpu(DeviceKind::Cpu)),
        Some(_) => {
            let wanted = parse_index(spec, index)?;
            let found = quiet_catch(|| Device::enumerate(DeviceType::Wgpu).into_vec())
                .map_err(|reason| unavailable(spec, reason))?;
            let count = found.len();
            found.into_iter().nth(wanted).ok_or_else(|| {
                unavailable(
                    spec,
                    format!("this machine has {count} wgpu device(s), numbered from 0"),
                )
            })
        }
    }
}

#[cfg(not(feature = "wgpu"))]
fn wgpu(spec: &str, _index: Option<&str>) -> Result<Device, DeviceError> {
    Err(not_built(spec, "wgpu"))
}

#[cfg(feature = "tch")]
#[allow(deprecated)] // burn-tch is the verified NVIDIA data-centre path (no Vulkan there).
fn tch(spec: &str, cuda: Option<usize>) -> Result<Device, DeviceError> {
    let Some(index) = cuda else {
        return Ok(Device::libtorch());
    };
    // Asked before opening the device: without a driver, libtorch's first CUDA kernel throws a
    // C++ exception whose message is a whole backtrace.
    let (has_cuda, count) = quiet_catch(|| {
        (
            tch::utils::has_cudart(),
            usize::try_from(tch::Cuda::device_count()).unwrap_or(0),
        )
    })
    .map_err(|reason| unavailable(spec, reason))?;
    cuda_index(spec, index, has_cuda, count)?;
    Ok(Device::libtorch_cuda(index))
}

/// Checks CUDA device `index` against what libtorch reports: `has_cuda` (libtorch_cuda is
/// loaded: the libtorch linked is a CUDA build) and `count` (the CUDA devices it sees).
#[cfg(any(feature = "tch", test))]
fn cuda_index(spec: &str, index: usize, has_cuda: bool, count: usize) -> Result<(), DeviceError> {
    let reason = if !has_cuda {
        "the libtorch this build links has no CUDA support (a CPU-only torch); \
         build against a CUDA torch (scripts/setup-libtorch.sh)"
            .to_string()
    } else if count == 0 {
        "libtorch finds no CUDA device (no NVIDIA driver or GPU on this machine, or \
         CUDA_VISIBLE_DEVICES hides them; `nvidia-smi` shows what the driver sees)"
            .to_string()
    } else if index >= count {
        format!("libtorch finds {count} CUDA device(s), numbered from 0")
    } else {
        return Ok(());
    };
    Err(unavailable(spec, reason))
}

#[cfg(not(feature = "tch"))]
fn tch(spec: &str, _cuda: Option<usize>) -> Result<Device, DeviceError> {
    Err(not_built(spec, "tch"))
}

#[allow(dead_code)] // unused when every optional backend is compiled in
fn not_built(spec: &str, feature: &'static str) -> DeviceError {
    DeviceError::NotBuilt {
        name: spec.to_string(),
        feature,
        supported: supported_list(),
    }
}

fn unavailable(spec: &str, reason: String) -> DeviceError {
    DeviceError::Unavailable {
        name: spec.to_string(),
        reason,
    }
}

/// Runs one tiny kernel on the device; burn panics (for instance on a missing wgpu adapter)
/// instead of returning an error, so the panic is caught and reported.
fn probe(spec: &str, device: &Device) -> Result<(), DeviceError> {
    let value = quiet_catch(|| Tensor::<1>::ones([2], device).sum().into_scalar::<f32>())
        .map_err(|reason| unavailable(spec, reason))?;
    if value == 2.0 {
        Ok(())
    } else {
        Err(unavailable(
            spec,
            format!("probe kernel returned {value}, expected 2"),
        ))
    }
}

/// Calls `f`, turning a panic into its message without printing the default panic report.
fn quiet_catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the backend panicked while opening the device".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_default_and_works() {
        assert!(parse_device("cpu").is_ok());
        assert!(parse_device(" CPU ").is_ok());
    }

    #[test]
    fn unknown_device_lists_supported_ones() {
        let err = parse_device("tpu:3").unwrap_err().to_string();
        assert!(err.contains("unknown device `tpu:3`"), "{err}");
        assert!(err.contains("cpu (burn-flex, default)"), "{err}");
    }

    #[test]
    fn cuda_index_names_the_reason_in_one_line() {
        assert!(cuda_index("tch-cuda:1", 1, true, 2).is_ok());
        let cases = [
            (0, false, 0, "no CUDA support"),
            (0, true, 0, "finds no CUDA device"),
            (2, true, 2, "finds 2 CUDA device(s), numbered from 0"),
        ];
        for (index, has_cuda, count, reason) in cases {
            let spec = format!("tch-cuda:{index}");
            let err = cuda_index(&spec, index, has_cuda, count)
                .unwrap_err()
                .to_string();
            let expected = format!("device `{spec}` is not available on this machine: ");
            assert!(err.starts_with(&expected), "{err}");
            assert!(err.contains(reason), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[cfg(not(feature = "tch"))]
    #[test]
    fn missing_feature_is_named() {
        let err = parse_device("tch-cuda:0").unwrap_err().to_string();
        assert!(err.contains("feature `tch`"), "{err}");
    }
}
