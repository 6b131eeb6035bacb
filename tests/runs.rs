//! Whole runs: shards merge into one run's graph; an interrupted run, resumed, ends as an uninterrupted one.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{bin, read_json, repo, run_ok};

/// One document per paragraph of the repository's own fixture texts, three
/// times over (under other ids): enough batches to interrupt a run.
fn corpus(dir: &Path) -> usize {
    let mut texts = Vec::new();
    for sub in [
        "tests/fixtures/entities",
        "tests/fixtures/relations",
        "examples",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(f).unwrap();
            texts.extend(
                text.split("\n\n")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            );
        }
    }
    let mut n = 0;
    for round in 0..3 {
        for t in &texts {
            std::fs::write(dir.join(format!("{round}-{n:04}.txt")), t).unwrap();
            n += 1;
        }
    }
    n
}

fn extract(input: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "extract",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_ok(&args, Some(2));
}

/// The folder's checkpoint counts at least one input done (a run checkpoints before its
/// first batch too).
fn checkpoint_with_work(out: &Path) -> bool {
    std::fs::read_to_string(out.join("checkpoint.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|c| c["items_done"].as_u64().unwrap_or(0) > 0)
}

fn file(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

#[test]
fn shards_merge_into_the_single_run_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let docs = corpus(&input);
    let full = tmp.path().join("full");
    extract(&input, &full, &[]);
    let whole = read_json(&full.join("summary.json"));
    assert!(whole.get("shard").is_none(), "a whole run is no shard");
    let mut shard_dirs = Vec::new();
    let mut processed = 0;
    for k in 1..=3 {
        let dir = tmp.path().join(format!("shard-{k}"));
        extract(&input, &dir, &["--shard", &format!("{k}/3")]);
        let summary = read_json(&dir.join("summary.json"));
        assert_eq!(summary["shard"], format!("{k}/3"));
        for key in ["input_fingerprint", "options_fingerprint"] {
            assert_eq!(summary[key], whole[key], "{key} of shard {k}");
            assert_eq!(summary[key].as_str().map(str::len), Some(64), "{key}");
        }
        let n = summary["documents_processed"].as_u64().unwrap();
        assert!(n > 0 && (n as usize) < docs, "shard {k} has {n} of {docs}");
        processed += n as usize;
        shard_dirs.push(dir);
    }
    assert_eq!(processed, docs, "the shards cover every document once");
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shard_dirs.iter().map(|d| d.to_str().unwrap()));
    args.extend(["-o", merged.to_str().unwrap()]);
    run_ok(&args, None);
    assert!(
        file(&full, "graph.json") == file(&merged, "graph.json"),
        "merged graph differs from the single run's"
    );
    assert_eq!(
        read_json(&full.join("summary.json")),
        read_json(&merged.join("summary.json"))
    );
    let lines = |d: &Path| {
        let mut l: Vec<String> = String::from_utf8(file(d, "mentions.jsonl"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        l.sort();
        l
    };
    assert_eq!(lines(&full), lines(&merged));
}

#[test]
fn merge_refuses_an_unfinished_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let shard = tmp.path().join("shard");
    std::fs::create_dir(&shard).unwrap();
    std::fs::write(shard.join("checkpoint.json"), "{}").unwrap();
    let out = bin()
        .args(["merge", shard.to_str().unwrap(), "-o"])
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume"));
}

/// Starts a run that checkpoints after every batch of two documents, kills
/// it once a checkpoint exists (with `signal`), then resumes it.
fn interrupt_and_resume(signal: &str, with_store: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    corpus(&input);
    let full = tmp.path().join("full");
    let full_db = tmp.path().join("full.db");
    let cut_db = tmp.path().join("cut.db");
    let with = |db: &Path| -> Vec<String> {
        let mut s: Vec<String> = ["--docs-per-batch", "2", "--checkpoint-secs", "0"]
            .map(str::to_string)
            .to_vec();
        if with_store {
            s.extend(["--store".to_string(), db.to_str().unwrap().to_string()]);
        }
        s
    };
    let full_settings = with(&full_db);
    let settings: Vec<&str> = full_settings.iter().map(String::as_str).collect();
    extract(&input, &full, &settings);
    let cut_settings = with(&cut_db);
    let settings: Vec<&str> = cut_settings.iter().map(String::as_str).collect();

    let cut = tmp.path().join("cut");
    let mut child = bin()
        .args([
            "extract",
            input.to_str().unwrap(),
            "-o",
            cut.to_str().unwrap(),
        ])
        .args(&settings)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(tmp.path().join("cut.stderr")).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !checkpoint_with_work(&cut) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before its first checkpoint"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run was interrupted, not finished");
    assert!(cut.join("checkpoint.json").exists());
    assert!(!cut.join("graph.json").exists());
    if signal == "-INT" {
        let said = std::fs::read_to_string(tmp.path().join("cut.stderr")).unwrap();
        assert!(
            said.contains("Ctrl-C: finishing this batch, then writing a checkpoint"),
            "the first Ctrl-C says that the run is checkpointing: {said}"
        );
    }

    extract(&input, &cut, &[&settings[..], &["--resume"]].concat());
    assert!(
        !cut.join("checkpoint.json").exists(),
        "a finished run leaves no checkpoint"
    );
    assert_eq!(read_json(&cut.join("run.json"))["resumed"], true);
    assert_eq!(read_json(&full.join("run.json"))["resumed"], false);
    // A resumed run's rate counts only what it processed itself.
    let processed = read_json(&full.join("summary.json"))["documents_processed"].as_u64();
    assert_eq!(
        read_json(&full.join("run.json"))["documents_processed"].as_u64(),
        processed
    );
    let run = read_json(&cut.join("run.json"));
    let here = run["documents_processed"]
        .as_u64()
        .expect("run.json counts this process's");
    assert!(
        Some(here) < processed,
        "{here} of {processed:?} counted as this run's"
    );
    let rate = run["documents_per_second"].as_f64().unwrap() * run["seconds"].as_f64().unwrap();
    assert!(
        (rate - here as f64).abs() <= 0.01 * here as f64 + 0.5,
        "{rate} vs {here}"
    );
    for name in [
        "graph.json",
        "mentions.jsonl",
        "summary.json",
        "problems.jsonl",
    ] {
        assert!(
            file(&full, name) == file(&cut, name),
            "{name} differs after --resume ({signal})"
        );
    }
    if with_store {
        let export = |db: &Path, dir: &Path| {
            run_ok(
                &[
                    "export",
                    "--store",
                    db.to_str().unwrap(),
                    "--format",
                    "node-link",
                    "-o",
                    dir.to_str().unwrap(),
                ],
                None,
            );
            read_json(&dir.join("graph.json"))
        };
        let stored_full = export(&full_db, &tmp.path().join("x-full"));
        let stored_cut = export(&cut_db, &tmp.path().join("x-cut"));
        assert_eq!(stored_full, stored_cut, "the stores differ after --resume");
        assert!(stored_full["nodes"].as_array().unwrap().len() > 10);
    }
}

#[test]
fn a_killed_run_resumes_to_the_same_outputs() {
    interrupt_and_resume("-KILL", false);
}

#[test]
fn an_interrupted_run_resumes_to_the_same_outputs() {
    interrupt_and_resume("-INT", false);
}

#[test]
fn a_killed_run_with_a_store_resumes_to_the_same_outputs_and_store() {
    interrupt_and_resume("-KILL", true);
}

#[test]
fn a_second_run_into_a_store_skips_what_it_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let docs = corpus(&input);
    let db = tmp.path().join("graph.db");
    let db_arg = db.to_str().unwrap().to_string();
    let first = tmp.path().join("first");
    extract(&input, &first, &["--store", &db_arg]);
    let first_summary = read_json(&first.join("summary.json"));
    assert_eq!(first_summary["documents_read"], docs as u64);
    // The corpus holds every text three times: the copies are skipped, wherever
    // the batch boundaries fall.
    assert_eq!(first_summary["documents_processed"], docs as u64 / 3);
    let small_batches = tmp.path().join("small-batches");
    extract(
        &input,
        &small_batches,
        &[
            "--store",
            tmp.path().join("other.db").to_str().unwrap(),
            "--docs-per-batch",
            "2",
        ],
    );
    for name in [
        "graph.json",
        "mentions.jsonl",
        "summary.json",
        "problems.jsonl",
    ] {
        assert!(
            file(&first, name) == file(&small_batches, name),
            "{name} depends on the batch size"
        );
    }
    let second = tmp.path().join("second");
    extract(&input, &second, &["--store", &db_arg]);
    let summary = read_json(&second.join("summary.json"));
    assert_eq!(summary["documents_processed"], 0);
    assert_eq!(summary["documents_skipped"], docs as u64);
    let problems = String::from_utf8(file(&second, "problems.jsonl")).unwrap();
    assert!(problems
        .lines()
        .all(|l| l.contains("already in the store as")));
    // The store's graph is the first run's texts, each once: the corpus
    // repeats every text three times under other ids.
    let exported = tmp.path().join("exported");
    run_ok(
        &[
            "export",
            "--store",
            &db_arg,
            "--format",
            "node-link,graphml",
            "-o",
            exported.to_str().unwrap(),
        ],
        None,
    );
    assert!(exported.join("graph.graphml").exists());
    let stored = read_json(&exported.join("graph.json"));
    assert_eq!(stored["graph"]["documents"], docs as u64 / 3);
}

#[test]
fn a_checkpoint_of_other_inputs_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(
        out.join("checkpoint.json"),
        r#"{"version":1,"fingerprint":"other","items_done":1,"mentions_bytes":0,
            "problems_bytes":0,"summary":{},"graph":{}}"#,
    )
    .unwrap();
    let input = repo().join("examples");
    let result = bin()
        .args([
            "extract",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--resume",
        ])
        .output()
        .unwrap();
    assert!(!result.status.success());
    assert!(
        String::from_utf8_lossy(&result.stderr)
            .contains("was written by another version of newsgraph (checkpoint format 1"),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn extract_and_export_write_every_format_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = repo().join("tests/fixtures/relations");
    extract(&input, &out, &["--format", "all"]);
    let files = [
        "graph.json",
        "graph.graphml",
        "graph.gexf",
        "graph.cypher",
        "graph.dot",
        "graph.cyjs",
        "neo4j/nodes.csv",
        "neo4j/relationships.csv",
        "neo4j/import.sh",
        "report.html",
    ];
    for f in files {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let html = String::from_utf8(file(&out, "report.html")).unwrap();
    assert!(
        html.contains("sanctions-in"),
        "the report shows the documents"
    );
    let exported = tmp.path().join("exported");
    run_ok(
        &[
            "export",
            "--graph",
            out.join("graph.json").to_str().unwrap(),
            "--format",
            "all",
            "-o",
            exported.to_str().unwrap(),
        ],
        None,
    );
    for f in files.iter().filter(|f| **f != "report.html") {
        assert!(
            file(&out, f) == file(&exported, f),
            "{f} from graph.json differs from extract's"
        );
    }
    assert!(exported.join("report.html").is_file());
}

/// Every file under `dir` with its length, except those under `skip`.
fn tree(dir: &Path, skip: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if p.starts_with(skip) {
                continue;
            }
            if meta.is_dir() {
                stack.push(p.clone());
            }
            out.push((p, meta.len()));
        }
    }
    out.sort();
    out
}

#[test]
fn the_torture_corpus_is_accounted_for_and_nothing_escapes_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = common::torture::build(tmp.path());
    let out = tmp.path().join("out");
    let before = tree(tmp.path(), &out);
    // The corpus holds documents that fail: the run finishes, writes everything, and
    // exits with status 3 ("documents were lost"), so that a script notices.
    let (code, stderr) = status_of(&[
        "extract",
        expected.root.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--docs-per-batch",
        "3",
    ]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("documents failed"), "{stderr}");
    assert_eq!(
        before,
        tree(tmp.path(), &out),
        "something outside out/ changed"
    );
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["documents_processed"], expected.documents as u64);
    assert_eq!(summary["documents_skipped"], expected.skipped as u64);
    assert_eq!(summary["documents_failed"], expected.failed as u64);
    assert_eq!(
        summary["documents_read"],
        (expected.documents + expected.skipped + expected.failed) as u64
    );
    let problems: Vec<serde_json::Value> = String::from_utf8(file(&out, "problems.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(problems.len(), expected.skipped + expected.failed);
    for p in &problems {
        assert!(!p["reason"].as_str().unwrap().is_empty(), "{p}");
        assert!(!p["source"].as_str().unwrap().is_empty(), "{p}");
    }
    let mentions = String::from_utf8(file(&out, "mentions.jsonl")).unwrap();
    assert_eq!(mentions.lines().count(), expected.documents);
    assert!(
        problems
            .iter()
            .any(|p| p["reason"].as_str().unwrap().contains("--max-doc-bytes")),
        "the 20 MB document fails with the limit named"
    );
}

#[test]
fn a_stored_id_with_another_text_is_skipped_with_its_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("graph.db");
    let db_arg = db.to_str().unwrap().to_string();
    for (run, text) in [
        ("one", "Joe Biden met Olaf Scholz in Berlin."),
        ("two", "Emmanuel Macron met Xi Jinping in Paris."),
    ] {
        let input = tmp.path().join(run);
        std::fs::create_dir(&input).unwrap();
        std::fs::write(input.join("story.txt"), text).unwrap();
        extract(
            &input,
            &tmp.path().join(format!("out-{run}")),
            &["--store", &db_arg],
        );
    }
    let out = tmp.path().join("out-two");
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["documents_processed"], 0);
    assert_eq!(summary["documents_skipped"], 1);
    let problems = String::from_utf8(file(&out, "problems.jsonl")).unwrap();
    assert!(
        problems.contains("another text under the id story"),
        "{problems}"
    );
}

#[test]
fn a_document_date_rides_on_its_edges() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("wire.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a1\",\"published\":\"2022-02-25\",\"text\":\"The European Union imposed sanctions on Russia on Friday.\"}\n\
         {\"id\":\"a2\",\"text\":\"Joe Biden met Olaf Scholz in Berlin.\"}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    extract(&input, &out, &["--date-field", "published"]);
    let graph = read_json(&out.join("graph.json"));
    let evidence: Vec<(String, serde_json::Value)> = graph["links"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["evidence"].as_array().unwrap().clone())
        .map(|e| (e["doc"].as_str().unwrap().to_string(), e["date"].clone()))
        .collect();
    assert!(
        evidence.contains(&("a1".to_string(), "2022-02-25".into())),
        "{evidence:?}"
    );
    assert!(
        evidence.contains(&("a2".to_string(), serde_json::Value::Null)),
        "{evidence:?}"
    );
}

/// Runs `newsgraph ARGS` (2 threads); its exit code and stderr.
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

/// The relation fixture texts, one document each: a small input.
fn small_corpus(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(repo().join("tests/fixtures/relations")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn merge_status(dirs: &[&Path], out: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["merge"];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    args.extend(["-o", out.to_str().unwrap()]);
    args.extend_from_slice(extra);
    status_of(&args)
}

#[test]
fn merge_refuses_missing_repeated_and_foreign_shards_and_names_them() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    small_corpus(&input);
    let shard = |name: &str, k: usize, input: &Path, extra: &[&str]| {
        let dir = tmp.path().join(name);
        let spec = format!("{k}/3");
        extract(input, &dir, &[&["--shard", spec.as_str()], extra].concat());
        dir
    };
    let (s1, s2, s3) = (
        shard("shard-1", 1, &input, &[]),
        shard("shard-2", 2, &input, &[]),
        shard("shard-3", 3, &input, &[]),
    );

    let out = tmp.path().join("m-missing");
    let (code, err) = merge_status(&[&s1, &s2], &out, &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("3/3") && err.contains("--allow-partial"),
        "{err}"
    );
    assert!(!out.join("graph.json").exists(), "nothing merged");

    let out = tmp.path().join("m-partial");
    let (code, err) = merge_status(&[&s1, &s2], &out, &["--allow-partial"]);
    assert_eq!(code, Some(3), "a partial merge loses documents: {err}");
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["missing_shards"], serde_json::json!(["3/3"]));
    assert!(out.join("graph.json").exists());

    let (code, err) = merge_status(&[&s1, &s2, &s1, &s3], &tmp.path().join("m-repeat"), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("given twice"), "{err}");

    // Shard 3 of another input: one document more.
    let other_input = tmp.path().join("in-other");
    small_corpus(&other_input);
    std::fs::write(other_input.join("extra.txt"), "Ukraine met Poland in Kyiv.").unwrap();
    let foreign = shard("foreign-3", 3, &other_input, &[]);
    let (code, err) = merge_status(&[&s1, &s2, &foreign], &tmp.path().join("m-input"), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("read other input"), "{err}");

    // Shard 3 with other settings.
    let odd = shard("odd-3", 3, &input, &["--aggregation", "max"]);
    let (code, err) = merge_status(&[&s1, &s2, &odd], &tmp.path().join("m-options"), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("other settings"), "{err}");

    // Another split.
    let other_split = tmp.path().join("split-2");
    extract(&input, &other_split, &["--shard", "2/2"]);
    let (code, err) = merge_status(&[&s1, &other_split], &tmp.path().join("m-split"), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("different numbers of parts"), "{err}");

    // An unfinished shard is left out only with --allow-partial, and counted missing.
    let crashed = tmp.path().join("crashed");
    std::fs::create_dir(&crashed).unwrap();
    let out = tmp.path().join("m-crashed");
    let (code, err) = merge_status(&[&s1, &s2, &crashed], &out, &["--allow-partial"]);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("left out"), "{err}");
    assert_eq!(
        read_json(&out.join("summary.json"))["missing_shards"],
        serde_json::json!(["3/3"])
    );

    let out = tmp.path().join("m-complete");
    let (code, err) = merge_status(&[&s3, &s1, &s2], &out, &[]);
    assert_eq!(code, Some(0), "{err}");
    let summary = read_json(&out.join("summary.json"));
    assert!(summary.get("missing_shards").is_none() && summary.get("shard").is_none());
}

#[test]
fn a_resume_without_a_checkpoint_is_no_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    small_corpus(&input);
    let out = tmp.path().join("out");
    extract(&input, &out, &["--resume"]);
    assert_eq!(read_json(&out.join("run.json"))["resumed"], false);
}

/// The relation fixture texts three times over (18 documents under other names): a
/// run of one document per batch lasts long enough to be stopped.
fn three_rounds(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for round in 0..3 {
        for e in std::fs::read_dir(repo().join("tests/fixtures/relations")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                let name = format!("{round}-{}", p.file_name().unwrap().to_string_lossy());
                std::fs::copy(&p, dir.join(name)).unwrap();
            }
        }
    }
}

/// Checkpoints after every document.
const EVERY_DOCUMENT: [&str; 4] = ["--docs-per-batch", "1", "--checkpoint-secs", "0"];

/// Starts `extract INPUT -o OUT EXTRA`, sends it `signal` once its first checkpoint
/// exists, and returns its exit code and stderr.
fn stop_after_first_checkpoint(
    input: &Path,
    out: &Path,
    extra: &[&str],
    signal: &str,
) -> (Option<i32>, String) {
    let err_path = out.with_extension("stderr");
    let mut child = bin()
        .args([
            "extract",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !checkpoint_with_work(out) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before its first checkpoint"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(2));
    }
    let sent = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    (status.code(), std::fs::read_to_string(&err_path).unwrap())
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_used_output_folder_is_refused_untouched_and_replaced_only_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    small_corpus(&input);
    let out = tmp.path().join("out");
    extract(&input, &out, &[]);
    let finished = snapshot(&out);
    let (code, err) = status_of(&[
        "extract",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("holds a finished run") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(snapshot(&out), finished, "a refused run touched the folder");

    // A stale export of the old run goes with --force; a file that is not newsgraph's stays.
    std::fs::write(out.join("graph.gexf"), "stale").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    extract(&input, &out, &["--force"]);
    assert!(
        !out.join("graph.gexf").exists(),
        "the old run's export is gone"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(file(&out, "graph.json") == finished.iter().find(|f| f.0 == "graph.json").unwrap().1);

    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let (code, err) = status_of(&[
        "extract",
        input.to_str().unwrap(),
        "-o",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("is not empty") && err.contains("notes.txt"),
        "{err}"
    );
}

/// The sequence that mixed two runs: a run on A is stopped, a run on B into the same
/// folder is killed, then A is resumed.
#[test]
fn a_run_on_other_input_into_a_stopped_runs_folder_never_mixes_the_two() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    three_rounds(&a);
    let b = repo().join("tests/fixtures/entities");
    let clean = tmp.path().join("clean");
    extract(&a, &clean, &[]);
    let out = tmp.path().join("out");
    let (code, err) = stop_after_first_checkpoint(&a, &out, &EVERY_DOCUMENT, "-INT");
    assert_eq!(code, Some(130), "{err}");
    let stopped = snapshot(&out);

    let (code, err) = status_of(&["extract", b.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("unfinished run") && err.contains("--resume"),
        "{err}"
    );
    assert_eq!(snapshot(&out), stopped, "a refused run touched the folder");

    // B replaces A with --force and is killed before its first checkpoint.
    let mut b_run = bin()
        .args([
            "extract",
            b.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--force",
        ])
        .args(["--docs-per-batch", "1", "--checkpoint-secs", "3600"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // B's own checkpoint (a run checkpoints before its first batch): B has begun.
    while !std::fs::read_to_string(out.join("checkpoint.json"))
        .is_ok_and(|c| c.contains("fixtures/entities"))
    {
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(300));
    let _ = b_run.kill();
    b_run.wait().unwrap();

    let (code, err) = status_of(&[
        "extract",
        a.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--resume",
        "--docs-per-batch",
        "1",
    ]);
    match code {
        // Nothing of A's was left to continue: the run starts again, on A alone.
        Some(0) => {
            for name in [
                "mentions.jsonl",
                "graph.json",
                "summary.json",
                "problems.jsonl",
            ] {
                assert!(
                    file(&out, name) == file(&clean, name),
                    "{name} mixes two runs"
                );
            }
        }
        // B got as far as a checkpoint (or finished): A's resume is refused.
        _ => assert!(
            err.contains("another run") || err.contains("finished run"),
            "{code:?}: {err}"
        ),
    }
}

#[test]
fn a_refused_resume_leaves_the_folder_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    three_rounds(&input);
    let out = tmp.path().join("out");
    stop_after_first_checkpoint(&input, &out, &EVERY_DOCUMENT, "-KILL");
    // Lines written after the checkpoint, and a graph log that lost its end.
    let mut mentions = file(&out, "mentions.jsonl");
    mentions.extend_from_slice(b"{\"doc\":\"after the checkpoint\",\"mentions\":[]}\n");
    std::fs::write(out.join("mentions.jsonl"), &mentions).unwrap();
    std::fs::write(out.join("checkpoint-graph.jsonl"), "").unwrap();
    let before = snapshot(&out);
    let mut args = vec![
        "extract",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--resume",
    ];
    args.extend(EVERY_DOCUMENT);
    let (code, err) = status_of(&args);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("checkpoint-graph.jsonl"), "{err}");
    assert_eq!(
        snapshot(&out),
        before,
        "the refused resume changed the folder"
    );
}

#[test]
fn resume_refuses_an_input_changed_since_the_run_began_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    three_rounds(&input);
    let clean = tmp.path().join("clean");
    extract(&input, &clean, &[]);
    let out = tmp.path().join("out");
    let (code, err) = stop_after_first_checkpoint(&input, &out, &EVERY_DOCUMENT, "-INT");
    assert_eq!(code, Some(130), "{err}");
    let stopped = snapshot(&out);
    let mut resume = vec![
        "extract",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--resume",
    ];
    resume.extend(EVERY_DOCUMENT);

    // The first document, read before the checkpoint, is replaced.
    let first = input.join("0-claims-in.txt");
    let original = std::fs::read(&first).unwrap();
    let modified = std::fs::metadata(&first).unwrap().modified().unwrap();
    std::fs::write(&first, b"Olaf Scholz met Joe Biden in Berlin.").unwrap();
    let (code, err) = status_of(&resume);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("0-claims-in.txt changed since the run began"),
        "{err}"
    );
    assert_eq!(
        snapshot(&out),
        stopped,
        "the refused resume changed the folder"
    );

    // Same size, same time, other contents: still refused.
    let mut same_size = original.clone();
    let at = same_size.iter().position(u8::is_ascii_lowercase).unwrap();
    same_size[at] = if same_size[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&first, &same_size).unwrap();
    let set_time = |t| {
        std::fs::File::options()
            .write(true)
            .open(&first)
            .unwrap()
            .set_modified(t)
            .unwrap()
    };
    set_time(modified);
    let (code, err) = status_of(&resume);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("contents changed"), "{err}");
    assert_eq!(
        snapshot(&out),
        stopped,
        "the refused resume changed the folder"
    );

    // The old file back: the resume ends as the uninterrupted run.
    std::fs::write(&first, &original).unwrap();
    set_time(modified);
    let (code, err) = status_of(&resume);
    assert_eq!(code, Some(0), "{err}");
    for name in [
        "mentions.jsonl",
        "graph.json",
        "summary.json",
        "problems.jsonl",
    ] {
        assert!(
            file(&out, name) == file(&clean, name),
            "{name} differs after --resume"
        );
    }
}

#[test]
fn an_output_folder_inside_an_input_folder_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    small_corpus(&input);
    let elsewhere = tmp.path().join("elsewhere");
    extract(&input, &elsewhere, &[]);
    let inside = input.join("out");
    extract(&input, &inside, &["--format", "html"]);
    assert!(inside.join("report.html").exists());
    extract(&input, &inside, &["--format", "html", "--force"]);
    for name in [
        "graph.json",
        "mentions.jsonl",
        "summary.json",
        "problems.jsonl",
    ] {
        assert!(
            file(&inside, name) == file(&elsewhere, name),
            "{name}: the output folder was read"
        );
    }
}

#[test]
fn a_write_failure_names_the_file_leaves_no_part_of_it_and_resume_finishes_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    small_corpus(&input);
    let clean = tmp.path().join("clean");
    extract(&input, &clean, &["--format", "gexf"]);
    let size = |name: &str| std::fs::metadata(clean.join(name)).unwrap().len();
    let (json, gexf) = (size("graph.json"), size("graph.gexf"));
    // A file size limit between graph.json's and graph.gexf's (in the 512-byte blocks
    // of `ulimit -f`), as a full disk would stop the larger file.
    let blocks = (json.min(gexf) / 512 + 1, json.max(gexf) / 512);
    if blocks.0 > blocks.1 {
        eprintln!("skipped: graph.json ({json}) and graph.gexf ({gexf}) too close in size");
        return;
    }
    let (larger, smaller) = if gexf > json {
        ("graph.gexf", "graph.json")
    } else {
        ("graph.json", "graph.gexf")
    };
    let out = tmp.path().join("out");
    let failed = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {}; exec \"$0\" \"$@\"",
            blocks.0
        ))
        .arg(env!("CARGO_BIN_EXE_newsgraph"))
        .args([
            "extract",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(["--format", "gexf", "--no-progress"])
        .current_dir(repo())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&out.join(larger).display().to_string()),
        "the error names the file: {err}"
    );
    assert!(!out.join(larger).exists(), "{larger} is left in part");
    assert!(out.join(smaller).exists() || larger == "graph.json");
    assert!(
        !out.join("summary.json").exists(),
        "the folder looks finished"
    );
    assert!(out.join("checkpoint.json").exists());
    let leftovers: Vec<String> = snapshot(&out)
        .into_iter()
        .map(|f| f.0)
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // With room again, --resume writes the final files without processing anything again.
    extract(&input, &out, &["--format", "gexf", "--resume"]);
    assert_eq!(read_json(&out.join("run.json"))["documents_processed"], 0);
    for name in [
        "graph.json",
        "graph.gexf",
        "mentions.jsonl",
        "summary.json",
        "problems.jsonl",
    ] {
        assert!(
            file(&out, name) == file(&clean, name),
            "{name} differs after --resume"
        );
    }
    assert!(!out.join("checkpoint.json").exists());
}

#[test]
fn merge_refuses_a_shard_whose_files_do_not_match_its_summary_and_a_used_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    small_corpus(&input);
    let (s1, s2) = (tmp.path().join("s1"), tmp.path().join("s2"));
    extract(&input, &s1, &["--shard", "1/2"]);
    extract(&input, &s2, &["--shard", "2/2"]);
    let merged = tmp.path().join("merged");
    let (code, err) = merge_status(&[&s1, &s2], &merged, &[]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = merge_status(&[&s1, &s2], &merged, &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("--force"), "{err}");
    let (code, err) = merge_status(&[&s1, &s2], &s1, &["--force"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        s1.join("summary.json").exists(),
        "a shard given as the output folder was emptied"
    );

    let mut mentions = file(&s2, "mentions.jsonl");
    mentions.extend_from_slice(b"{\"doc\":\"from another run\",\"mentions\":[]}\n");
    std::fs::write(s2.join("mentions.jsonl"), mentions).unwrap();
    let (code, err) = merge_status(&[&s1, &s2], &merged, &["--force"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("do not match its summary.json"), "{err}");
    assert!(
        !merged.join("summary.json").exists(),
        "the failed merge looks finished"
    );
}

/// The shard (1-based, of `count`) that `--shard` gives a document id: FNV-1a, as
/// `src/run/shard.rs` computes it.
fn shard_of(id: &str, count: u64) -> u64 {
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    h % count + 1
}

/// Writes `text` as a document whose id (`{stem}-{n}`, the first such) falls in `shard` of 2.
fn document_in_shard(dir: &Path, stem: &str, shard: u64, text: &str) -> String {
    let id = (0..)
        .map(|n| format!("{stem}-{n}"))
        .find(|id| shard_of(id, 2) == shard)
        .unwrap();
    std::fs::write(dir.join(format!("{id}.txt")), text).unwrap();
    id
}

/// The ids of the documents a run's mentions.jsonl holds.
fn documents_of(out: &Path) -> Vec<String> {
    String::from_utf8(file(out, "mentions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["doc"].to_string())
        .map(|d| d.trim_matches('"').to_string())
        .collect()
}

/// Runs `input` whole and as two shards merged; checks that the shards hold the documents
/// `in_shard` says and that the merge is byte for byte the whole run. Returns the whole
/// run's folder.
fn whole_and_merged(tmp: &Path, input: &Path, in_shard: &[(&str, u64)]) -> PathBuf {
    let full = tmp.join("full");
    extract(input, &full, &["--join-acronyms"]);
    let shards: Vec<PathBuf> = (1..=2).map(|k| tmp.join(format!("shard-{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        extract(input, dir, &["--shard", &format!("{}/2", k + 1)]);
    }
    for (id, k) in in_shard {
        let docs = documents_of(&shards[*k as usize - 1]);
        assert!(
            docs.iter().any(|d| d == id),
            "{id} not in shard {k}: {docs:?}"
        );
    }
    let merged = tmp.join("merged");
    let dirs: Vec<&Path> = shards.iter().map(PathBuf::as_path).collect();
    let (status, err) = merge_status(&dirs, &merged, &["--join-acronyms"]);
    assert_eq!(status, Some(0), "{err}");
    assert!(
        file(&full, "graph.json") == file(&merged, "graph.json"),
        "the merged graph differs from the whole run's"
    );
    assert_eq!(
        read_json(&full.join("summary.json")),
        read_json(&merged.join("summary.json"))
    );
    full
}

fn node_ids(graph: &serde_json::Value) -> Vec<&str> {
    graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect()
}

#[test]
fn an_acronym_one_shard_defines_joins_another_shards_document_and_resumes_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    three_rounds(&input);
    let defines = document_in_shard(
        &input,
        "defines",
        1,
        "The Energy Information Administration (EIA) said crude oil stocks rose 2.1 mln \
         barrels last week.",
    );
    let uses = document_in_shard(
        &input,
        "uses",
        2,
        "Oil stocks rose last week, the EIA said in Washington on Tuesday.",
    );
    let full = whole_and_merged(tmp.path(), &input, &[(&defines, 1), (&uses, 2)]);
    let long = "organisation:energy-information-administration";
    // The shard that only uses the acronym keeps it apart, unjoined, for the merge.
    let shard = read_json(&tmp.path().join("shard-2/graph.json"));
    assert!(node_ids(&shard).contains(&"organisation:eia"));
    assert!(shard["graph"].get("acronyms_joined").is_none());
    // The whole run (and so the merge) joins it to the long form the other document gives.
    let graph = read_json(&full.join("graph.json"));
    let ids = node_ids(&graph);
    assert!(!ids.contains(&"organisation:eia"), "{ids:?}");
    assert_eq!(graph["graph"]["acronyms_joined"]["organisation:eia"], long);
    let node = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == long)
        .unwrap();
    assert_eq!(node["documents"], 2, "{node}");
    assert!(node["names"].get("EIA").is_some(), "{node}");
    assert_eq!(read_json(&full.join("summary.json"))["acronyms_joined"], 1);

    // Without --join-acronyms (the default) the whole run keeps the acronym apart.
    let plain = tmp.path().join("plain");
    extract(&input, &plain, &[]);
    let plain_graph = read_json(&plain.join("graph.json"));
    assert!(node_ids(&plain_graph).contains(&"organisation:eia"));
    assert!(plain_graph["graph"].get("acronyms_joined").is_none());

    // A run stopped after its first checkpoint and resumed gives the same files.
    let cut = tmp.path().join("cut");
    let every: Vec<&str> = [&EVERY_DOCUMENT[..], &["--join-acronyms"]].concat();
    let (status, err) = stop_after_first_checkpoint(&input, &cut, &every, "-KILL");
    assert_ne!(status, Some(0), "{err}");
    extract(&input, &cut, &[&every[..], &["--resume"]].concat());
    let whole = tmp.path().join("whole-every-document");
    extract(&input, &whole, &every);
    for name in ["graph.json", "summary.json"] {
        assert!(
            file(&whole, name) == file(&cut, name),
            "{name} differs after --resume"
        );
        assert!(
            file(&whole, name) == file(&full, name),
            "{name} depends on the batch size"
        );
    }
}

#[test]
fn an_acronym_defined_as_two_long_forms_in_two_shards_joins_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    // Shard 1 alone defines ADB once and would join its use; the run defines it twice.
    let asian = document_in_shard(
        &input,
        "asian",
        1,
        "The Asian Development Bank (ADB) said it would lend 200 mln dlrs to Indonesia.",
    );
    let uses = document_in_shard(
        &input,
        "uses",
        1,
        "The ADB said on Tuesday that its lending rose 10 pct last year.",
    );
    let african = document_in_shard(
        &input,
        "african",
        2,
        "The African Development Bank (ADB) said it approved loans to Kenya.",
    );
    let full = whole_and_merged(
        tmp.path(),
        &input,
        &[(&asian, 1), (&uses, 1), (&african, 2)],
    );
    let graph = read_json(&full.join("graph.json"));
    assert!(node_ids(&graph).contains(&"organisation:adb"));
    let defined = &graph["graph"]["acronyms"]["organisation:adb"];
    assert_eq!(
        defined["organisation:asian-development-bank"], 1,
        "{defined}"
    );
    assert_eq!(
        defined["organisation:african-development-bank"], 1,
        "{defined}"
    );
    assert!(graph["graph"].get("acronyms_joined").is_none());
    let summary = read_json(&full.join("summary.json"));
    assert_eq!(summary["acronyms_conflicting"], 1);
    assert_eq!(summary["acronyms_joined"], 0);
}
