//! What a run owns and what it must never mix up (issue 27): the store a run writes to and
//! its checkpoint agree from the first document on; a resume refuses another store; the
//! store and its side files are never input; an input's spelling does not matter to
//! `--resume`; one run at a time in an output folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, read_json, repo};

/// The entity and relation fixture texts, one document each (29 distinct texts).
fn texts(dir: &Path) -> usize {
    std::fs::create_dir_all(dir).unwrap();
    let mut n = 0;
    for sub in ["tests/fixtures/entities", "tests/fixtures/relations"] {
        for e in std::fs::read_dir(repo().join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                let name = format!(
                    "{sub_name}-{}",
                    p.file_name().unwrap().to_string_lossy(),
                    sub_name = sub.rsplit('/').next().unwrap()
                );
                std::fs::copy(&p, dir.join(name)).unwrap();
                n += 1;
            }
        }
    }
    n
}

/// Sends `SIGname` to `child` with kill(1).
fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name}");
}

fn start(input: &str, out: &Path, extra: &[&str]) -> Child {
    bin()
        .args(["extract", input, "-o", out.to_str().unwrap()])
        .args(extra)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs extract to its end: (exit code, stderr).
fn extract(input: &str, out: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let o = bin()
        .args(["extract", input, "-o", out.to_str().unwrap()])
        .args(extra)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(input: &str, out: &Path, extra: &[&str]) {
    let (code, err) = extract(input, out, extra);
    assert_eq!(code, Some(0), "extract {input} -o {}: {err}", out.display());
}

/// Waits until `ready` holds (the child still running), then kills the child with -9.
fn kill_when(child: &mut Child, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(180));
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

/// The checkpoint counts at least one document done.
fn checkpoint_with_work(out: &Path) -> bool {
    std::fs::read_to_string(out.join("checkpoint.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|c| c["items_done"].as_u64().unwrap_or(0) > 0)
}

fn export_store(db: &Path, dir: &Path) -> serde_json::Value {
    let o = bin()
        .args(["export", "--store", db.to_str().unwrap()])
        .args(["--format", "node-link", "-o", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    read_json(&dir.join("graph.json"))
}

fn same_file(a: &Path, b: &Path, name: &str) {
    assert!(
        std::fs::read(a.join(name)).unwrap() == std::fs::read(b.join(name)).unwrap(),
        "{name} differs between {} and {}",
        a.display(),
        b.display()
    );
}

/// Item 1: a run with `--store` killed before its first timed checkpoint, resumed, ends
/// as an uninterrupted run: the store and the checkpoint agree on what is done.
#[test]
fn a_store_run_killed_before_its_first_checkpoint_resumes_to_the_whole_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    texts(&input);
    let input = input.to_str().unwrap().to_string();
    let full = tmp.path().join("full");
    let full_db = tmp.path().join("full.db");
    ok(&input, &full, &["--store", full_db.to_str().unwrap()]);
    let cut = tmp.path().join("cut");
    let cut_db = tmp.path().join("cut.db");
    let settings = ["--store", cut_db.to_str().unwrap(), "--docs-per-batch", "1"];
    let mut child = start(&input, &cut, &settings);
    // Two batches stored, long before the first checkpoint (30 s).
    kill_when(&mut child, || {
        lines(&cut.join("mentions.jsonl")) >= 1 && {
            std::thread::sleep(Duration::from_millis(300));
            true
        }
    });
    ok(&input, &cut, &[&settings[..], &["--resume"]].concat());
    let summary = read_json(&cut.join("summary.json"));
    let whole = read_json(&full.join("summary.json"));
    assert_eq!(summary["documents_processed"], whole["documents_processed"]);
    for name in [
        "graph.json",
        "mentions.jsonl",
        "summary.json",
        "problems.jsonl",
    ] {
        same_file(&full, &cut, name);
    }
    assert_eq!(
        export_store(&full_db, &tmp.path().join("x-full")),
        export_store(&cut_db, &tmp.path().join("x-cut"))
    );
}

/// Stops a store run (one document a batch, a checkpoint after each) once its checkpoint
/// counts a document.
fn killed_store_run(input: &str, out: &Path, db: &Path) -> Vec<String> {
    let settings: Vec<String> = [
        "--store",
        db.to_str().unwrap(),
        "--docs-per-batch",
        "1",
        "--checkpoint-secs",
        "0",
    ]
    .map(str::to_string)
    .to_vec();
    let args: Vec<&str> = settings.iter().map(String::as_str).collect();
    let mut child = start(input, out, &args);
    kill_when(&mut child, || checkpoint_with_work(out));
    settings
}

fn side_files(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .collect()
}

fn move_store(from: &Path, to: &Path) {
    for (a, b) in side_files(from).iter().zip(side_files(to)) {
        if a.exists() {
            std::fs::rename(a, b).unwrap();
        }
    }
}

/// Item 5: the checkpoint records its store; a resume with the store gone, or with
/// another store in its place, is refused and says so; with the store back it finishes.
#[test]
fn a_resume_refuses_a_store_that_is_not_the_one_the_run_wrote_to() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    texts(&input);
    let input = input.to_str().unwrap().to_string();
    let db = tmp.path().join("graph.db");
    let out = tmp.path().join("out");
    let settings = killed_store_run(&input, &out, &db);
    let resume: Vec<&str> = settings
        .iter()
        .map(String::as_str)
        .chain(["--resume"])
        .collect();
    let away = tmp.path().join("away.db");
    move_store(&db, &away);
    let (code, err) = extract(&input, &out, &resume);
    assert_ne!(code, Some(0), "resumed without its store: {err}");
    assert!(err.contains("store"), "{err}");
    // Another store in its place.
    let other_out = tmp.path().join("other");
    ok(&input, &other_out, &["--store", db.to_str().unwrap()]);
    let (code, err) = extract(&input, &out, &resume);
    assert_ne!(code, Some(0), "resumed into another store: {err}");
    assert!(err.contains("store"), "{err}");
    for f in side_files(&db) {
        let _ = std::fs::remove_file(f);
    }
    move_store(&away, &db);
    ok(&input, &out, &resume);
    let full = tmp.path().join("full");
    ok(
        &input,
        &full,
        &["--store", tmp.path().join("full.db").to_str().unwrap()],
    );
    same_file(&full, &out, "graph.json");
}

/// Item 10: a store inside the input folder, and its -wal, -shm and -journal files, are
/// never input: not read, not listed, and no reason to refuse a resume.
#[test]
fn the_store_and_its_side_files_are_never_input() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let docs = texts(&input);
    let input_s = input.to_str().unwrap().to_string();
    let db = input.join("graph.db");
    let full = tmp.path().join("full");
    ok(&input_s, &full, &["--store", db.to_str().unwrap()]);
    let summary = read_json(&full.join("summary.json"));
    assert_eq!(summary["documents_read"], docs as u64, "{summary}");
    assert_eq!(summary["documents_skipped"], 0, "{summary}");
    let problems = std::fs::read_to_string(full.join("problems.jsonl")).unwrap();
    assert!(!problems.contains("graph.db"), "{problems}");
    // Interrupted and resumed while the store's side files come and go.
    std::fs::remove_file(&db).unwrap();
    let out = tmp.path().join("out");
    let settings = killed_store_run(&input_s, &out, &db);
    std::fs::write(format!("{}-journal", db.display()), "changed").unwrap();
    let resume: Vec<&str> = settings
        .iter()
        .map(String::as_str)
        .chain(["--resume"])
        .collect();
    ok(&input_s, &out, &resume);
    same_file(&full, &out, "graph.json");
}

/// Item 11: `dir`, `dir/` and `dir/./` are one input to `--resume`.
#[test]
fn a_resume_does_not_depend_on_how_an_input_is_spelled() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    texts(&input);
    let spelled = input.to_str().unwrap().to_string();
    let full = tmp.path().join("full");
    ok(&spelled, &full, &[]);
    for (i, other) in [format!("{spelled}/"), format!("{spelled}/./")]
        .iter()
        .enumerate()
    {
        let out = tmp.path().join(format!("out{i}"));
        let every = ["--docs-per-batch", "1", "--checkpoint-secs", "0"];
        let mut child = start(&spelled, &out, &every);
        kill_when(&mut child, || checkpoint_with_work(&out));
        ok(other, &out, &[&every[..], &["--resume"]].concat());
        same_file(&full, &out, "graph.json");
    }
}

/// Item 4: one run at a time in an output folder: a second run, even with `--force`, is
/// refused while the first holds it, and the first ends whole; a lock left by a killed
/// run does not stand in the way.
#[test]
fn an_output_folder_belongs_to_one_run_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    texts(&input);
    let input = input.to_str().unwrap().to_string();
    let out = tmp.path().join("out");
    let every = ["--docs-per-batch", "1", "--checkpoint-secs", "0"];
    let mut first = start(&input, &out, &every);
    let started = Instant::now();
    while !checkpoint_with_work(&out) {
        assert!(started.elapsed() < Duration::from_secs(180));
        std::thread::sleep(Duration::from_millis(2));
    }
    // Paused while the others try: 13 short documents can end before a second run has
    // loaded its model, and then there is nothing in use to refuse.
    signal(&first, "STOP");
    let (code, err) = extract(&input, &out, &["--force"]);
    let (resume_code, resume_err) = extract(&input, &out, &["--resume"]);
    signal(&first, "CONT");
    assert_eq!(code, Some(1), "a second run into a folder in use: {err}");
    assert!(err.contains("in use"), "{err}");
    assert_eq!(
        resume_code,
        Some(1),
        "a resume of a run still going: {resume_err}"
    );
    assert!(first.wait().unwrap().success());
    let full = tmp.path().join("full");
    ok(&input, &full, &[]);
    for name in ["graph.json", "mentions.jsonl", "summary.json"] {
        same_file(&full, &out, name);
    }
    // A run killed with -9 leaves its lock behind, unheld: it is no obstacle.
    let killed = tmp.path().join("killed");
    let mut child = start(&input, &killed, &every);
    kill_when(&mut child, || checkpoint_with_work(&killed));
    ok(&input, &killed, &[&every[..], &["--resume"]].concat());
    same_file(&full, &killed, "graph.json");
    let mut child = start(&input, &killed, &[&every[..], &["--force"]].concat());
    let started = Instant::now();
    while !checkpoint_with_work(&killed) {
        assert!(started.elapsed() < Duration::from_secs(180));
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    ok(&input, &killed, &["--force"]);
    same_file(&full, &killed, "graph.json");
}
