//! Finding and loading the ONNX Runtime shared library (`ort` load-dynamic).

use std::path::PathBuf;
use std::sync::OnceLock;

use ort::environment::Environment;

/// Why ONNX Runtime could not start: the message names the library and the fix.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct RuntimeError(pub String);

/// What to run when the library is missing; the setup script installs the
/// `onnxruntime` PyPI wheel into `.ort/` beside the crate.
pub const SETUP_HINT: &str = "run `bash scripts/setup.sh` in the newsgraph checkout \
(it installs the onnxruntime wheel from PyPI into .ort/), or `bash scripts/install.sh PREFIX` \
to install newsgraph with its library; or set ORT_DYLIB_PATH to a libonnxruntime.so";

/// ONNX Runtime's own switch (1.2x official builds on Linux and macOS) that keeps its
/// telemetry from starting: no device id and no event queue under
/// `~/.cache/Microsoft/DeveloperTools/.onnxruntime`, no upload to Microsoft. The runtime
/// reads it once, when the library initialises, so it must be set before loading; the
/// C API's `DisableTelemetryEvents` (ort's `with_telemetry(false)`) alone comes too late.
pub const TELEMETRY_SWITCH: &str = "ORT_DISABLE_TELEMETRY";

/// Turns ONNX Runtime's telemetry off for this process by setting [`TELEMETRY_SWITCH`].
/// The binary calls it first thing, while it has one thread; [`environment`] calls it
/// again before loading the library, for programs that use newsgraph as a library.
pub fn disable_telemetry() {
    if std::env::var_os(TELEMETRY_SWITCH).is_none_or(|v| v != "1") {
        std::env::set_var(TELEMETRY_SWITCH, "1");
    }
}

static ENVIRONMENT: OnceLock<Result<Environment, String>> = OnceLock::new();

/// The process-wide ONNX Runtime environment, loading the library on first use.
pub fn environment() -> Result<&'static Environment, RuntimeError> {
    ENVIRONMENT
        .get_or_init(|| {
            disable_telemetry();
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
            let builder = ort::init_from(&path).map_err(|e| {
                let from = if std::env::var_os("ORT_DYLIB_PATH").is_some() {
                    " (ORT_DYLIB_PATH)"
                } else {
                    ""
                };
                format!(
                    "cannot load the ONNX Runtime library {}{from}: {}; {SETUP_HINT}",
                    path.display(),
                    load_failure(&path).unwrap_or_else(|| e.to_string())
                )
            })?;
            builder
                .with_name("newsgraph")
                .with_telemetry(false)
                .build()
                .map_err(|e| format!("cannot start ONNX Runtime from {}: {e}", path.display()))
        })
        .as_ref()
        .map_err(|e| RuntimeError(e.clone()))
}

/// Why the system's loader refuses `path` (dlerror's message: no such file, not an ELF
/// file, a missing dependency), which ort's own error reduces to "dlopen failed"; None
/// when it loads.
fn load_failure(path: &std::path::Path) -> Option<String> {
    use std::error::Error;
    // SAFETY: a library that loads runs its initialisers, as ort's own load of the same
    // file just did; it is unloaded again at once.
    match unsafe { libloading::Library::new(path) } {
        Ok(_) => None,
        Err(e) => Some(e.source().map_or_else(|| e.to_string(), |s| s.to_string())),
    }
}

/// Where `models/` may be: the installed share directory, or the checkout
/// roots (see [`crate::locate`]). Other models (a parser beside the NER model)
/// are looked up as `<root>/models/<name>` alike.
pub fn checkout_roots() -> Vec<PathBuf> {
    crate::locate::layout().roots()
}

/// Directories searched for `libonnxruntime.so*`, in order.
pub fn search_dirs() -> Vec<PathBuf> {
    crate::locate::layout().library_dirs()
}

/// Where the library comes from: `ORT_DYLIB_PATH`, else the first search
/// directory holding one.
pub fn find_library() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH") {
        return Some(PathBuf::from(path));
    }
    search_dirs()
        .into_iter()
        .find_map(|dir| crate::locate::library_in(&dir))
}

/// Why an ONNX Runtime session could not be made; the caller names the file.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The runtime library could not be loaded.
    #[error("{0}")]
    Environment(RuntimeError),
    #[error("{0}")]
    Ort(ort::Error),
}

/// The session setting that keeps ONNX Runtime from turning `DequantizeLinear` weights
/// and `MatMul` back into int8 kernels (`session.disable_quant_qdq`).
pub const FP32_COMPUTE: (&str, &str) = ("session.disable_quant_qdq", "1");

/// One ONNX Runtime session on `path` with `intra` intra-op threads and full graph
/// optimisation; the error says what failed, for the caller to name the file.
pub fn session(
    path: &std::path::Path,
    intra: usize,
) -> Result<ort::session::Session, SessionError> {
    use ort::session::builder::GraphOptimizationLevel;
    let env = environment().map_err(SessionError::Environment)?;
    let ort = SessionError::Ort;
    ort::session::Session::builder(env)
        .map_err(ort)?
        // The models keep their weights as int8 behind DequantizeLinear, and compute in
        // fp32: ONNX Runtime would otherwise rewrite them back into dynamically quantized
        // matrix products, whose activation rounding turns the last-bit differences between
        // CPUs' kernels into different labels (tests/cpu_paths.rs, models' MODEL_CARD.md).
        .with_config_entry(FP32_COMPUTE.0, FP32_COMPUTE.1)
        .map_err(|e| ort(e.into()))?
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| ort(e.into()))?
        .with_intra_threads(intra)
        .map_err(|e| ort(e.into()))?
        .commit_from_file(path)
        .map_err(ort)
}
