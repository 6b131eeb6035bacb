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

/// Where a checkout's files may be: the ancestors of the executable
/// (`target/{release,debug}/newsgraph`, or `target/*/deps/<test binary>`),
/// then the crate's own directory. The library and the shipped model are
/// looked up under these roots.
pub fn checkout_roots() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = std::env::current_exe()
        .map(|exe| {
            exe.ancestors()
                .skip(1)
                .take(4)
                .map(Path::to_path_buf)
                .collect()
        })
        .unwrap_or_default();
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if !roots.contains(&crate_dir) {
        roots.push(crate_dir);
    }
    roots
}

/// Directories searched for `libonnxruntime.so*`, in order.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = checkout_roots()
        .iter()
        .map(|root| root.join(".ort/site/onnxruntime/capi"))
        .collect();
    // A library copied beside the executable.
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        dirs.push(dir);
    }
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
