//! What the benches share: the news text they run on.

use std::path::PathBuf;

/// The .txt files of the NBC live blog from ../shared when present, else of the repo's
/// own examples, in name order.
pub fn news_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/fixtures/news");
    let dir = if shared.is_dir() {
        shared
    } else {
        root.join("examples")
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("bench text directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}
