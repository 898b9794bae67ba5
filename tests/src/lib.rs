//! Workspace integration tests: the shared scenarios of `tests/scenarios/` run against the
//! embedded sandbox, plus the helpers the other integration tests share.

pub mod net;
pub mod scenario;
pub mod values;

use std::path::PathBuf;

/// `tests/scenarios/` of this repository.
pub fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}
