//! Where newsgraph's files are: an installed tree (`PREFIX/bin` beside `PREFIX/share/newsgraph`) or else the checkout it was built in.
//!
//! `scripts/install.sh PREFIX` (and the container image, which runs it) lays out
//! ```text
//! PREFIX/bin/newsgraph
//! PREFIX/share/newsgraph/models/<every model directory of models/>
//! PREFIX/share/newsgraph/lib/libonnxruntime.so.<version>
//! ```
//! A binary with such a tree beside it uses that tree only, so an installation never
//! depends on the checkout it came from, nor on any environment variable. Any other
//! binary (`target/release/newsgraph`, a test binary) uses its checkout: `models/`
//! and `.ort/` (scripts/setup.sh) under the executable's ancestors or the crate
//! directory it was built from. Relation rules, gazetteers and word lists are compiled
//! into the binary and need no files.

use std::path::{Path, PathBuf};

/// The installed tree's place relative to the prefix.
pub const SHARE_DIR: &str = "share/newsgraph";
/// Model directories, under the share directory or a checkout.
pub const MODELS_DIR: &str = "models";
/// ONNX Runtime's library, under the share directory.
pub const LIB_DIR: &str = "lib";
/// ONNX Runtime's library in a checkout, as scripts/setup.sh installs it.
pub const CHECKOUT_LIB_DIR: &str = ".ort/site/onnxruntime/capi";

/// How this binary finds its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `PREFIX/bin/newsgraph` with `PREFIX/share/newsgraph/` beside it.
    Installed { share: PathBuf },
    /// A binary in (or built from) a checkout: the candidate checkout roots, in order.
    Checkout { roots: Vec<PathBuf> },
}

/// The layout of the running executable.
pub fn layout() -> Layout {
    let exe = std::env::current_exe().ok();
    match exe.as_deref().and_then(installed_share) {
        Some(share) => Layout::Installed { share },
        None => Layout::Checkout {
            roots: checkout_roots(exe.as_deref()),
        },
    }
}

/// `<exe>/../../share/newsgraph` when that directory exists. `current_exe` has
/// already resolved symbolic links, so a link in `/usr/local/bin` finds the tree.
pub fn installed_share(exe: &Path) -> Option<PathBuf> {
    let share = exe.parent()?.parent()?.join(SHARE_DIR);
    share.is_dir().then_some(share)
}

/// The executable's ancestors (`target/{release,debug}/newsgraph`, or
/// `target/*/deps/<test binary>`), then the crate's own directory.
fn checkout_roots(exe: Option<&Path>) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = exe
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

impl Layout {
    /// Directories that may hold `models/`: the share directory alone when
    /// installed, else the checkout roots.
    pub fn roots(&self) -> Vec<PathBuf> {
        match self {
            Layout::Installed { share } => vec![share.clone()],
            Layout::Checkout { roots } => roots.clone(),
        }
    }

    /// Directories searched for `libonnxruntime.so*`, in order.
    pub fn library_dirs(&self) -> Vec<PathBuf> {
        match self {
            Layout::Installed { share } => vec![share.join(LIB_DIR)],
            Layout::Checkout { roots } => {
                let mut dirs: Vec<PathBuf> =
                    roots.iter().map(|r| r.join(CHECKOUT_LIB_DIR)).collect();
                // A library copied beside the executable.
                if let Some(dir) = std::env::current_exe()
                    .ok()
                    .and_then(|e| e.parent().map(Path::to_path_buf))
                {
                    dirs.push(dir);
                }
                dirs
            }
        }
    }

    /// The model directory `name` (such as `newsgraph-minilm`): the first
    /// existing `<root>/models/<name>`, else where it should be.
    pub fn model_dir(&self, name: &str) -> PathBuf {
        let candidates: Vec<PathBuf> = self
            .roots()
            .iter()
            .map(|r| r.join(MODELS_DIR).join(name))
            .collect();
        candidates
            .iter()
            .find(|p| p.is_dir())
            .cloned()
            .unwrap_or_else(|| match self {
                Layout::Installed { .. } => candidates[0].clone(),
                // The crate's own models/, the last root.
                Layout::Checkout { .. } => candidates[candidates.len() - 1].clone(),
            })
    }

    /// Every model directory found, by name (the first root holding a name wins).
    pub fn model_dirs(&self) -> Vec<PathBuf> {
        let mut seen = std::collections::BTreeMap::new();
        for root in self.roots() {
            let Ok(entries) = std::fs::read_dir(root.join(MODELS_DIR)) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.is_dir() {
                    seen.entry(e.file_name()).or_insert(path);
                }
            }
        }
        seen.into_values().collect()
    }

    /// One line: which layout, and where.
    pub fn describe(&self) -> String {
        match self {
            Layout::Installed { share } => format!("installed, files in {}", share.display()),
            Layout::Checkout { roots } => format!(
                "checkout (looks in {})",
                roots
                    .iter()
                    .map(|r| r.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The newest `libonnxruntime.so*` in `dir`.
pub fn library_in(dir: &Path) -> Option<PathBuf> {
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

/// The name of the parser model shipped in `models/`.
pub const DEFAULT_PARSER: &str = "newsgraph-parser-minilm";

/// The name of the model shipped in `models/`.
pub const DEFAULT_MODEL: &str = "newsgraph-minilm";

/// The name of the learned relation model shipped in `models/`.
pub const DEFAULT_RELATION_MODEL: &str = "newsgraph-relations";

/// The environment variable naming the model directory used without `--model`.
pub const MODEL_ENV: &str = "NEWSGRAPH_MODEL";

/// The model used without `--model`: `$NEWSGRAPH_MODEL` if set, else the
/// shipped model of the installed tree or the checkout ([`crate::locate`]).
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(MODEL_ENV) {
        return PathBuf::from(dir);
    }
    layout().model_dir(DEFAULT_MODEL)
}

/// The parser used without `--parser`: `$NEWSGRAPH_PARSER` if set, else the shipped
/// parser of the installed tree (and nowhere else: an installed binary never looks
/// outside its prefix) or the checkout ([`crate::locate`]).
pub fn default_parser_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NEWSGRAPH_PARSER") {
        return PathBuf::from(dir);
    }
    layout().model_dir(DEFAULT_PARSER)
}

/// The relation model used without `--relation-model`: `$NEWSGRAPH_RELATION_MODEL` if
/// set, else the shipped one of the installed tree or the checkout.
pub fn default_relation_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NEWSGRAPH_RELATION_MODEL") {
        return PathBuf::from(dir);
    }
    layout().model_dir(DEFAULT_RELATION_MODEL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installed_tree_is_found_beside_bin_and_used_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let exe = tmp.path().join("bin/newsgraph");
        assert_eq!(installed_share(&exe), None, "no share/ yet");
        let share = tmp.path().join(SHARE_DIR);
        std::fs::create_dir_all(share.join("models/ner-a")).unwrap();
        std::fs::create_dir_all(share.join("models/parser-b")).unwrap();
        std::fs::create_dir_all(share.join(LIB_DIR)).unwrap();
        std::fs::write(share.join("lib/libonnxruntime.so.1.2.3"), "").unwrap();
        std::fs::write(share.join("lib/libonnxruntime_providers_shared.so"), "").unwrap();
        assert_eq!(installed_share(&exe), Some(share.clone()));
        let layout = Layout::Installed {
            share: share.clone(),
        };
        assert_eq!(layout.model_dir("ner-a"), share.join("models/ner-a"));
        assert_eq!(layout.model_dir("missing"), share.join("models/missing"));
        assert_eq!(
            layout.model_dirs(),
            [share.join("models/ner-a"), share.join("models/parser-b")]
        );
        assert_eq!(layout.library_dirs(), [share.join("lib")]);
        assert_eq!(
            library_in(&share.join("lib")),
            Some(share.join("lib/libonnxruntime.so.1.2.3"))
        );
    }

    #[test]
    fn a_checkout_binary_finds_the_shipped_model() {
        let layout = Layout::Checkout {
            roots: checkout_roots(None),
        };
        let dir = layout.model_dir("newsgraph-minilm");
        assert!(dir.join("config.json").is_file(), "{}", dir.display());
    }
}
