//! Loading Gymnasium's MuJoCo models and driving one simulation ([`Sim`]).

use std::path::{Path, PathBuf};

use mujoco_rs::prelude::*;

use crate::EnvError;

/// Environment variable naming a directory that holds Gymnasium's model files (`hopper.xml`, ...);
/// overrides the default, the `gymnasium==1.4.0` wheel in the repository's `.venv-mujoco/`.
pub const ASSETS_VAR: &str = "EMBER_GYMNASIUM_ASSETS";

/// The directory holding Gymnasium's MuJoCo model files: `$EMBER_GYMNASIUM_ASSETS` if set, else
/// `gymnasium/envs/mujoco/assets` inside the virtual environment that `scripts/setup-mujoco.sh`
/// creates at the repository root.
pub fn assets_dir() -> Result<PathBuf, EnvError> {
    if let Some(dir) = std::env::var_os(ASSETS_VAR) {
        let dir = PathBuf::from(dir);
        return if dir.is_dir() {
            Ok(dir)
        } else {
            Err(EnvError::Simulator(format!(
                "{ASSETS_VAR}={} is not a directory",
                dir.display()
            )))
        };
    }
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv-mujoco/lib");
    std::fs::read_dir(&lib)
        .into_iter()
        .flatten()
        .flatten()
        .map(|python| {
            python
                .path()
                .join("site-packages/gymnasium/envs/mujoco/assets")
        })
        .find(|dir| dir.is_dir())
        .ok_or_else(|| {
            EnvError::Simulator(format!(
                "Gymnasium's MuJoCo model files were not found under {}/python*/site-packages/\
                 gymnasium/envs/mujoco/assets; run scripts/setup-mujoco.sh or set {ASSETS_VAR}",
                lib.display()
            ))
        })
}

/// One MuJoCo simulation: a model and its data, stepped the way Gymnasium's `MujocoEnv` does.
pub struct Sim {
    data: MjData<Box<MjModel>>,
}

impl Sim {
    /// Loads `file` (e.g. `"hopper.xml"`) from [`assets_dir`].
    pub(crate) fn load(file: &str) -> Result<Self, EnvError> {
        let path = assets_dir()?.join(file);
        let model = MjModel::from_xml(&path)
            .map_err(|e| EnvError::Simulator(format!("loading {}: {e}", path.display())))?;
        Ok(Self {
            data: MjData::new(Box::new(model)),
        })
    }

    /// Generalised positions.
    pub fn qpos(&self) -> &[f64] {
        self.data.qpos()
    }

    /// Generalised velocities.
    pub fn qvel(&self) -> &[f64] {
        self.data.qvel()
    }

    /// The model's default positions (`qpos0`), around which episodes start.
    pub fn init_qpos(&self) -> &[f64] {
        self.data.model().qpos0()
    }

    /// The physics time step in seconds.
    pub fn timestep(&self) -> f64 {
        self.data.model().opt().timestep
    }

    /// `(low, high)` control range of each actuator.
    pub fn ctrl_range(&self) -> &[[f64; 2]] {
        self.data.model().actuator_ctrlrange()
    }

    /// Cartesian position of the frame of the body called `name`, if there is one.
    pub fn body_xpos(&self, name: &str) -> Option<[f64; 3]> {
        let id = self.data.model().name_to_id(MjtObjBase::mjOBJ_BODY, name)?;
        Some(self.data.xpos()[id])
    }

    /// External (contact) forces on every body as 6-vectors (torque, force), as computed by
    /// `mj_rnePostConstraint` after the last step.
    pub fn cfrc_ext(&self) -> &[[f64; 6]] {
        self.data.cfrc_ext()
    }

    /// Starts from `(qpos, qvel)` exactly as Gymnasium's `reset` does: `mj_resetData`, set the
    /// state, `mj_forward`.
    pub(crate) fn restart(&mut self, qpos: &[f64], qvel: &[f64]) -> Result<(), EnvError> {
        for (values, expected) in [(qpos, self.qpos().len()), (qvel, self.qvel().len())] {
            if values.len() != expected {
                return Err(EnvError::StateLength {
                    expected,
                    got: values.len(),
                });
            }
        }
        self.data.reset();
        self.data.qpos_mut().copy_from_slice(qpos);
        self.data.qvel_mut().copy_from_slice(qvel);
        self.data.forward();
        Ok(())
    }

    /// Applies `ctrl` for `frames` physics steps, then computes the contact forces
    /// (`mj_rnePostConstraint`), like Gymnasium's `do_simulation`.
    pub(crate) fn advance(&mut self, ctrl: &[f64], frames: usize) {
        self.data.ctrl_mut().copy_from_slice(ctrl);
        for _ in 0..frames {
            self.data.step();
        }
        self.data.rne_post_constraint();
    }
}
