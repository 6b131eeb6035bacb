//! Issue 27, round two of "nothing lost, nothing mixed": what a hostile user tried, at the
//! command line. Each test failed before its fix.

mod common;

use std::path::Path;

use common::{bin, read_json, repo};

/// Runs the binary in the checkout: (exit status, stderr).
fn status_of(args: &[&str]) -> (Option<i32>, String) {
    let out = bin()
        .args(args)
        .current_dir(repo())
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("the newsgraph binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn small_input(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("a.txt"), "Joe Biden met Olaf Scholz in Berlin.").unwrap();
    std::fs::write(input.join("b.txt"), "Emmanuel Macron visited Warsaw.").unwrap();
    input
}

/// Item 6: `extract in in` read every document twice (ids like `a#2`). The same file
/// named twice, or inside a folder also named, is one input, and stderr says so.
#[test]
fn overlapping_inputs_are_read_once_and_stderr_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small_input(tmp.path());
    let out = tmp.path().join("out");
    let i = input.to_str().unwrap();
    let a = input.join("a.txt");
    let dot = format!("{}/./in/", tmp.path().display());
    let (code, stderr) = status_of(&[
        "extract",
        i,
        a.to_str().unwrap(),
        &dot,
        i,
        "-o",
        out.to_str().unwrap(),
        "--parse",
        "none",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["documents_read"], 2, "{summary}");
    assert!(
        stderr.contains(&format!("{} is inside {i}: read once", a.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{dot} is the same as {i}: read once")),
        "{stderr}"
    );
    let mentions = std::fs::read_to_string(out.join("mentions.jsonl")).unwrap();
    assert!(!mentions.contains("#2"), "{mentions}");
}

/// Item 12: a window over the model's position table was accepted, and longer documents
/// then failed with a raw ONNX Runtime broadcast error. Zero limits were accepted too.
#[test]
fn impossible_limits_are_a_bad_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small_input(tmp.path());
    let i = input.to_str().unwrap();
    for (n, bad) in [
        ["--max-tokens", "100000"],
        ["--max-doc-bytes", "0"],
        ["--docs-per-node", "0"],
        ["--evidence-per-edge", "0"],
    ]
    .iter()
    .enumerate()
    {
        let out = tmp.path().join(format!("out{n}"));
        let (code, stderr) =
            status_of(&["extract", i, "-o", out.to_str().unwrap(), bad[0], bad[1]]);
        assert_eq!(code, Some(2), "{bad:?}: {stderr}");
        assert!(!out.join("summary.json").exists(), "{bad:?}");
        if bad[0] == "--max-tokens" {
            assert!(stderr.contains("at most 512 tokens"), "{stderr}");
        } else {
            assert!(stderr.contains("must be at least 1"), "{bad:?}: {stderr}");
        }
    }
    // The model's own limit is taken.
    let out = tmp.path().join("ok");
    let (code, stderr) = status_of(&[
        "extract",
        i,
        "-o",
        out.to_str().unwrap(),
        "--max-tokens",
        "512",
        "--parse",
        "none",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// `extract INPUT -o OUT --parse none`: (exit status, stderr).
fn extract_status(input: &Path, out: &Path) -> (Option<i32>, String) {
    status_of(&[
        "extract",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--parse",
        "none",
    ])
}

fn extract_ok(input: &Path, out: &Path) {
    let (code, stderr) = extract_status(input, out);
    assert_eq!(code, Some(0), "{stderr}");
}

/// Item 8: `export -o` overwrote a finished run's graph.json (and merge then refused the
/// folder). export follows extract's output-folder rule: a run's folder only with --force.
#[test]
fn export_refuses_a_runs_folder_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small_input(tmp.path());
    let run = tmp.path().join("run");
    extract_ok(&input, &run);
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("a.txt"), "Vladimir Putin spoke in Moscow.").unwrap();
    let run2 = tmp.path().join("run2");
    extract_ok(&other, &run2);
    let before = std::fs::read(run.join("graph.json")).unwrap();
    let graph2 = run2.join("graph.json");
    let (code, stderr) = status_of(&[
        "export",
        "--graph",
        graph2.to_str().unwrap(),
        "--format",
        "all",
        "-o",
        run.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("holds a finished run"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read(run.join("graph.json")).unwrap(), before);
    assert!(!run.join("graph.graphml").exists(), "nothing written");
    let (code, stderr) = status_of(&[
        "export",
        "--graph",
        graph2.to_str().unwrap(),
        "--format",
        "all",
        "-o",
        run.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        std::fs::read(run.join("graph.json")).unwrap(),
        std::fs::read(&graph2).unwrap()
    );
    assert!(
        !run.join("summary.json").exists(),
        "the old run was replaced"
    );
    // Exporting into a plain folder, again and again, is as before.
    let plain = tmp.path().join("plain");
    for _ in 0..2 {
        let (code, stderr) = status_of(&[
            "export",
            "--graph",
            graph2.to_str().unwrap(),
            "--format",
            "graphml",
            "-o",
            plain.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(0), "{stderr}");
    }
}

/// Item 13: `-o` an existing file said "cannot read afile: Not a directory"; `merge`
/// with a folder that does not exist exited 1 where `extract` exits 2.
#[test]
fn an_output_that_is_a_file_and_a_missing_shard_folder_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small_input(tmp.path());
    let afile = tmp.path().join("afile");
    std::fs::write(&afile, "x").unwrap();
    let (code, stderr) = extract_status(&input, &afile);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("is a file, not a folder"), "{stderr}");
    assert!(!stderr.contains("Not a directory"), "{stderr}");
    // A file on the way to the folder: the folder cannot be created, and the OS says why.
    let under = afile.join("out");
    let (code, stderr) = extract_status(&input, &under);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot create {}: Not a directory",
            under.display()
        )),
        "{stderr}"
    );
    let nope = tmp.path().join("nope");
    let out = tmp.path().join("m");
    let (code, stderr) = status_of(&["merge", nope.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not found"), "{stderr}");
    assert!(!out.exists());
}

/// Item 13: a bad `ORT_DYLIB_PATH` was blamed on the model, and "dlopen failed" replaced
/// the loader's real reason.
#[test]
fn a_bad_ort_dylib_path_is_blamed_on_the_library_with_the_loaders_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small_input(tmp.path());
    let junk = tmp.path().join("libjunk.so");
    std::fs::write(&junk, "not a library").unwrap();
    let missing = tmp.path().join("libmissing.so");
    for (lib, reason) in [(&junk, "file too short"), (&missing, "No such file")] {
        let out = bin()
            .args(["extract", input.to_str().unwrap(), "-o"])
            .arg(tmp.path().join("out"))
            .env("ORT_DYLIB_PATH", lib)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "cannot load the ONNX Runtime library {} (ORT_DYLIB_PATH)",
                lib.display()
            )),
            "{stderr}"
        );
        assert!(stderr.contains(reason), "{stderr}");
        assert!(!stderr.contains("dlopen failed"), "{stderr}");
        assert!(!stderr.contains("cannot load the model"), "{stderr}");
    }
}

/// An input that keeps the model busy for seconds: `n` documents of news sentences.
fn busy_input(dir: &Path, n: usize) -> std::path::PathBuf {
    let input = dir.join("busy");
    std::fs::create_dir_all(&input).unwrap();
    let paragraph = "Chancellor Olaf Scholz met President Emmanuel Macron in Berlin on Monday, \
                     and the European Union said it would impose sanctions on Russia. ";
    for i in 0..n {
        std::fs::write(
            input.join(format!("d{i:04}.txt")),
            paragraph.repeat(12 + i % 5),
        )
        .unwrap();
    }
    input
}

/// Starts `extract INPUT -o OUT EXTRA` with stderr in a file; returns the child.
fn spawn_extract(input: &Path, out: &Path, extra: &[&str]) -> std::process::Child {
    bin()
        .args([
            "extract",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(["--no-progress"])
        .args(extra)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(out.with_extension("stderr")).unwrap())
        .spawn()
        .unwrap()
}

fn kill(signal: &str, child: &std::process::Child) {
    let sent = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Item 13: SIGTERM was announced as Ctrl-C; and a second Ctrl-C while the model ran
/// printed ONNX Runtime's red error (exit handlers tore the runtime down under the run).
#[test]
fn signals_are_named_and_a_second_one_stops_without_a_runtime_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = busy_input(tmp.path(), 200);
    let out = tmp.path().join("term");
    let mut child = spawn_extract(&input, &out, &["--docs-per-batch", "4"]);
    let started = std::time::Instant::now();
    while !out.join("checkpoint.json").exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "ended before a checkpoint"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(120));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    kill("-TERM", &child);
    let status = child.wait().unwrap();
    let said = std::fs::read_to_string(out.with_extension("stderr")).unwrap();
    assert_eq!(status.code(), Some(130), "{said}");
    assert!(
        said.contains("SIGTERM: finishing this batch, then writing a checkpoint"),
        "{said}"
    );
    assert!(!said.contains("Ctrl-C"), "{said}");

    // One big batch: the model is running when the second Ctrl-C comes.
    let out = tmp.path().join("twice");
    let mut child = spawn_extract(&input, &out, &[]);
    std::thread::sleep(std::time::Duration::from_secs(3));
    kill("-INT", &child);
    std::thread::sleep(std::time::Duration::from_millis(300));
    kill("-INT", &child);
    let status = child.wait().unwrap();
    let said = std::fs::read_to_string(out.with_extension("stderr")).unwrap();
    assert!(!status.success(), "{said}");
    assert!(said.contains("Ctrl-C: finishing this batch"), "{said}");
    assert!(!said.contains("onnxruntime"), "{said}");
    assert!(!said.contains('\u{1b}'), "no colour codes: {said}");
}

/// Item 13: a read-only output folder repeated its path and gave no OS reason. Run as
/// root, permissions do not stop a write, so the test says so and checks nothing.
#[test]
fn a_read_only_output_folder_gives_the_os_reason() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let input = small_input(tmp.path());
    let out = tmp.path().join("ro");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(out.join("probe"), b"").is_ok() {
        eprintln!("skipped: this user writes into a read-only folder (root); nothing to check");
        return;
    }
    let (code, stderr) = extract_status(&input, &out);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert_eq!(
        stderr.matches(out.to_str().unwrap()).count(),
        1,
        "the path once: {stderr}"
    );
}
