//! Which ONNX file of a model directory a model runs.

use std::path::{Path, PathBuf};

/// The ONNX files a model directory may hold, in order of preference.
pub const ONNX_FILES: [&str; 2] = ["model.int8.onnx", "model.onnx"];

/// Why no weights were chosen; the caller words the message for its own option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WeightsError {
    /// The file asked for by name is not in the directory.
    NoSuchFile(String),
    /// Neither the default nor any of [`ONNX_FILES`] is there.
    None,
}

/// The file `asked` names (which must be there: falling back to the default would run
/// another model than the one asked for), else `default` (the directory's config.json
/// choice) when it is there, else the first of [`ONNX_FILES`] in `dir`.
pub fn choose_weights(
    dir: &Path,
    asked: Option<&str>,
    default: Option<&str>,
) -> Result<PathBuf, WeightsError> {
    if let Some(f) = asked.filter(|f| !dir.join(f).is_file()) {
        return Err(WeightsError::NoSuchFile(f.to_string()));
    }
    asked
        .or(default)
        .filter(|f| dir.join(f).is_file())
        .or_else(|| ONNX_FILES.iter().copied().find(|f| dir.join(f).is_file()))
        .map(|f| dir.join(f))
        .ok_or(WeightsError::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asked_then_default_then_the_preferred_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        assert_eq!(choose_weights(dir, None, None), Err(WeightsError::None));
        std::fs::write(dir.join("model.onnx"), "").unwrap();
        assert_eq!(choose_weights(dir, None, None), Ok(dir.join("model.onnx")));
        std::fs::write(dir.join("model.int8.onnx"), "").unwrap();
        assert_eq!(
            choose_weights(dir, None, None),
            Ok(dir.join("model.int8.onnx"))
        );
        assert_eq!(
            choose_weights(dir, None, Some("model.onnx")),
            Ok(dir.join("model.onnx"))
        );
        assert_eq!(
            choose_weights(dir, None, Some("gone.onnx")),
            Ok(dir.join("model.int8.onnx"))
        );
        assert_eq!(
            choose_weights(dir, Some("gone.onnx"), None),
            Err(WeightsError::NoSuchFile("gone.onnx".into()))
        );
        assert_eq!(
            choose_weights(dir, Some("model.onnx"), Some("model.int8.onnx")),
            Ok(dir.join("model.onnx"))
        );
    }
}
