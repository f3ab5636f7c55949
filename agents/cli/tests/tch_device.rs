//! The libtorch devices of a `tch` build (`scripts/setup-libtorch.sh`), through the `ember`
//! binary as a user runs it: `tch-cpu` opens and trains, and a CUDA device libtorch cannot open
//! is one line on stderr naming the device and the reason, not libtorch's C++ backtrace. The
//! binary finds libtorch through its RUNPATH (build/native_rpath.rs): no `LD_LIBRARY_PATH`.
//! Without the `tch` feature, the existing error ("needs the cargo feature `tch`") is tested
//! in `ember-engine`'s device module.
#![cfg(feature = "tch")]

use std::process::{Command, Output};

fn ember(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ember"))
        .args(args)
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .expect("cannot run the ember binary")
}

#[test]
fn unavailable_cuda_device_is_one_line() {
    // Past the device count of any machine; on one without a driver (CI, the development
    // machine) libtorch finds no device at all.
    for device in ["tch-cuda:64", "cuda:64"] {
        let output = ember(&["--quiet", "bench", "--devices", device, "--steps", "1"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let expected = format!("error: device `{device}` is not available on this machine: ");
        assert!(stderr.starts_with(&expected), "{stderr}");
        assert!(stderr.contains("CUDA"), "{stderr}");
    }
}

#[test]
fn tch_cpu_updates() {
    let output = ember(&[
        "--quiet",
        "bench",
        "--devices",
        "tch-cpu",
        "--shapes",
        "pendulum",
        "--algos",
        "bc",
        "--steps",
        "5",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("tch-cpu"), "{stdout}");
}
