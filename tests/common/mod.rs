//! Helpers shared by the integration tests: run the real binary, find ../shared.
#![allow(dead_code)]

pub mod torture;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsgraph"));
    if let Some(model) = std::env::var_os("NEWSGRAPH_TEST_MODEL") {
        cmd.env("NEWSGRAPH_MODEL", model);
    }
    cmd
}

/// `text` as UTF-16 with its byte-order mark: (little-endian, big-endian).
pub fn utf16_with_bom(text: &str) -> (Vec<u8>, Vec<u8>) {
    let le = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    (le, be)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary and returns its output, failing the test with stderr if it fails.
pub fn run_ok(args: &[&str], threads: Option<usize>) -> Output {
    let mut cmd = bin();
    cmd.args(args).current_dir(repo());
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n.to_string());
    }
    let out = cmd.output().expect("the newsgraph binary runs");
    assert!(
        out.status.success(),
        "newsgraph {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `../shared/<rel>` beside the checkout, or None with a printed reason.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = repo().join("..").join("shared").join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (it lives beside the checkout)",
            path.display()
        );
        None
    }
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("output exists"))
        .expect("valid JSON")
}

/// The model the tests run: `$NEWSGRAPH_TEST_MODEL`, else the shipped one.
pub fn model_dir() -> PathBuf {
    std::env::var_os("NEWSGRAPH_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(newsgraph::pipeline::default_model_dir)
}

/// The NER pipeline of [`model_dir`] with default options, loaded in this process; `None`
/// (saying so) where there is no model.
pub fn model_pipeline() -> Option<newsgraph::pipeline::Pipeline> {
    let model = model_dir();
    if !model.is_dir() {
        eprintln!("skipped: no model at {}", model.display());
        return None;
    }
    let pipeline = newsgraph::pipeline::Pipeline::load(
        &model,
        &newsgraph::ner::LoadOptions::default(),
        newsgraph::ner::NerOptions::default(),
        newsgraph::resolve::Gazetteer::builtin(),
    )
    .expect("the model loads");
    Some(pipeline)
}
