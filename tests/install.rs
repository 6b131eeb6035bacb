//! The installed tree (scripts/install.sh, which the Dockerfile runs too) works from any
//! directory with an empty environment, as a container or Spark's `RDD.pipe` runs it,
//! and gives the graph of the in-tree binary; `doctor` says where everything is.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{read_json, repo};

/// `bash scripts/install.sh --no-build --bin <this build's binary> PREFIX`.
fn install(prefix: &Path) {
    let out = Command::new("bash")
        .arg(repo().join("scripts/install.sh"))
        .args(["--no-build", "--bin", env!("CARGO_BIN_EXE_newsgraph")])
        .arg(prefix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "install.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the installed binary like `env -i PREFIX/bin/newsgraph ARGS`, in `cwd`.
fn run_bare(prefix: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(prefix.join("bin/newsgraph"))
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn an_installed_newsgraph_runs_anywhere_with_no_environment_and_matches_the_checkout() {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("prefix");
    install(&prefix);
    let share = prefix.join("share/newsgraph");
    // Every model directory travels, not just the NER one.
    let mut shipped: Vec<_> = std::fs::read_dir(repo().join("models"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name())
        .collect();
    shipped.sort();
    let mut installed: Vec<_> = std::fs::read_dir(share.join("models"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    installed.sort();
    assert_eq!(installed, shipped);

    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let doctor = run_bare(&prefix, &elsewhere, &["doctor"]);
    let report = text(&doctor.stdout);
    assert!(doctor.status.success(), "{report}{}", text(&doctor.stderr));
    let share_text = share.canonicalize().unwrap().display().to_string();
    assert!(
        report.contains(&format!("installed, files in {share_text}")),
        "{report}"
    );
    for found in [
        format!("{share_text}/lib/libonnxruntime.so"),
        format!("{share_text}/models/newsgraph-minilm (the shipped model), loads"),
        "relation rules  built into the binary".to_string(),
    ] {
        assert!(
            report.contains(&found),
            "doctor does not say {found:?}:\n{report}"
        );
    }
    assert!(!report.contains("MISSING"), "{report}");

    let input = repo().join("tests/fixtures/relations");
    let installed_out = elsewhere.join("out");
    let run = run_bare(
        &prefix,
        &elsewhere,
        &[
            "extract",
            input.to_str().unwrap(),
            "-o",
            "out",
            "--threads",
            "2",
        ],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    // The in-tree binary, with the shipped model as the installed one has it (not
    // NEWSGRAPH_TEST_MODEL's).
    let in_tree = tmp.path().join("in-tree");
    let run = Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .args(["extract", input.to_str().unwrap(), "-o"])
        .arg(&in_tree)
        .env_remove("NEWSGRAPH_MODEL")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    for name in [
        "graph.json",
        "summary.json",
        "mentions.jsonl",
        "problems.jsonl",
    ] {
        assert!(
            std::fs::read(installed_out.join(name)).unwrap()
                == std::fs::read(in_tree.join(name)).unwrap(),
            "{name}: the installed binary's differs from the checkout's"
        );
    }
    assert!(read_json(&in_tree.join("summary.json"))["documents_processed"].as_u64() > Some(0));
}

#[test]
fn an_installed_newsgraph_without_its_library_says_what_to_run() {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("prefix");
    install(&prefix);
    let lib = prefix.join("share/newsgraph/lib");
    for e in std::fs::read_dir(&lib).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    // It must not fall back to the checkout's .ort/ either.
    let doctor = run_bare(&prefix, tmp.path(), &["doctor"]);
    let report = text(&doctor.stdout);
    assert_eq!(doctor.status.code(), Some(1), "{report}");
    let prefix_text = prefix.canonicalize().unwrap().display().to_string();
    assert!(report.contains("MISSING ONNX Runtime"), "{report}");
    assert!(
        report.contains(&format!("bash scripts/install.sh {prefix_text}")),
        "{report}"
    );
    let run = run_bare(
        &prefix,
        tmp.path(),
        &[
            "extract",
            repo().join("examples").to_str().unwrap(),
            "-o",
            "out",
        ],
    );
    assert_eq!(run.status.code(), Some(1));
    let err = text(&run.stderr);
    assert!(
        err.contains("newsgraph doctor") && err.contains("install.sh"),
        "{err}"
    );
}

#[test]
fn install_refuses_a_prefix_inside_the_checkout_and_needs_one() {
    let out = Command::new("bash")
        .arg(repo().join("scripts/install.sh"))
        .args(["--no-build", "--bin", env!("CARGO_BIN_EXE_newsgraph")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no PREFIX is a usage error");
    let inside: PathBuf = repo().join("target/install-test-prefix");
    let out = Command::new("bash")
        .arg(repo().join("scripts/install.sh"))
        .args(["--no-build", "--bin", env!("CARGO_BIN_EXE_newsgraph")])
        .arg(&inside)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&inside);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("outside the checkout"));
}

/// Issue 27, item 9: with the parser folder removed from an installed tree, `doctor`
/// reported the parser in the source checkout and exited 0 (and `extract` opened it). An
/// installed binary never looks outside its prefix.
#[test]
fn an_installed_newsgraph_never_reads_the_checkout_for_its_parser() {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("prefix");
    install(&prefix);
    let share = prefix.join("share/newsgraph");
    std::fs::remove_dir_all(share.join("models/newsgraph-parser-minilm")).unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let doctor = run_bare(&prefix, &elsewhere, &["doctor"]);
    let report = text(&doctor.stdout);
    assert_eq!(doctor.status.code(), Some(1), "{report}");
    let share_text = share.canonicalize().unwrap().display().to_string();
    assert!(
        report.contains(&format!(
            "{share_text}/models/newsgraph-parser-minilm does not exist"
        )),
        "{report}"
    );
    let checkout = repo().display().to_string();
    assert!(
        !report.contains(&checkout),
        "the checkout is named:\n{report}"
    );
}

/// Issue 27, item 9: install.sh ignored CARGO_TARGET_DIR, so a build there was followed
/// by "no binary at target/release/newsgraph".
#[test]
fn install_takes_the_binary_from_cargo_target_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("elsewhere-target");
    std::fs::create_dir_all(target.join("release")).unwrap();
    let fake = b"#!/bin/sh\necho built in CARGO_TARGET_DIR\n";
    std::fs::write(target.join("release/newsgraph"), fake).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        target.join("release/newsgraph"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let prefix = tmp.path().join("prefix");
    let out = Command::new("bash")
        .arg(repo().join("scripts/install.sh"))
        .args(["--no-build"])
        .arg(&prefix)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(prefix.join("bin/newsgraph")).unwrap(), fake);
}
