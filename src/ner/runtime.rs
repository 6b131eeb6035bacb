//! Finding and loading the ONNX Runtime shared library (`ort` load-dynamic).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::environment::Environment;

use crate::ner::NerError;

/// What to run when the library is missing; the setup script installs the
/// `onnxruntime` PyPI wheel into `.ort/` beside the crate.
pub const SETUP_HINT: &str = "run `bash scripts/setup.sh` in the newsgraph checkout \
(it installs the onnxruntime wheel from PyPI into .ort/), or set ORT_DYLIB_PATH to a libonnxruntime.so";

static ENVIRONMENT: OnceLock<Result<Environment, String>> = OnceLock::new();

/// The process-wide ONNX Runtime environment, loading the library on first use.
pub fn environment() -> Result<&'static Environment, NerError> {
    ENVIRONMENT
        .get_or_init(|| {
            let path = find_library().ok_or_else(|| {
                format!(
                    "ONNX Runtime library not found (looked in {}); {SETUP_HINT}",
                    search_dirs()
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            let builder = ort::init_from(&path)
                .map_err(|e| format!("cannot load {}: {e}; {SETUP_HINT}", path.display()))?;
            builder
                .with_name("newsgraph")
                .build()
                .map_err(|e| format!("cannot start ONNX Runtime from {}: {e}", path.display()))
        })
        .as_ref()
        .map_err(|e| NerError::Runtime(e.clone()))
}

/// Directories searched for `libonnxruntime.so*`, in order.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        // target/{release,debug}/newsgraph (or target/*/deps/test-binary) inside a checkout.
        for ancestor in exe.ancestors().skip(1).take(4) {
            dirs.push(ancestor.join(".ort/site/onnxruntime/capi"));
        }
        if let Some(dir) = exe.parent() {
            dirs.push(dir.to_path_buf());
        }
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ort/site/onnxruntime/capi"));
    dirs.dedup();
    dirs
}

fn find_library() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH") {
        return Some(PathBuf::from(path));
    }
    search_dirs().into_iter().find_map(|dir| library_in(&dir))
}

fn library_in(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libonnxruntime.so"))
        })
        .collect();
    found.sort();
    found.pop()
}
