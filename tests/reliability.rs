//! Small holes found by a hostile user, each closed: concurrent store creation, inputs
//! that were read wrong or not counted, and command lines that were accepted silently.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::bin;
use newsgraph::input::{self, Item, ReadOptions};
use newsgraph::store::Store;

fn read(path: &Path) -> Vec<Item> {
    input::read(&[path.to_path_buf()], &ReadOptions::default()).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A one-document input file in `dir`.
fn one_doc(dir: &Path) -> PathBuf {
    let input = dir.join("a.txt");
    std::fs::write(&input, "Olaf Scholz met Emmanuel Macron in Paris.\n").unwrap();
    input
}

// --- The store -------------------------------------------------------------------

/// Set in the environment of the processes [`several_processes_create_one_store_at_once`]
/// starts: the store each one opens, and when (milliseconds since the epoch), so that
/// they all start together.
const OPEN_STORE: &str = "NEWSGRAPH_TEST_OPEN_STORE";
const OPEN_AT: &str = "NEWSGRAPH_TEST_OPEN_AT";

fn now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// Not a test of its own: run as a child process by
/// [`several_processes_create_one_store_at_once`], it opens the store named in its
/// environment and fails if that does not work.
#[test]
fn store_opener_child() {
    if let Some(path) = std::env::var_os(OPEN_STORE) {
        let at: u128 = std::env::var(OPEN_AT).unwrap().parse().unwrap();
        while now_ms() < at {
            std::hint::spin_loop();
        }
        if let Err(e) = Store::open(Path::new(&path)) {
            panic!("cannot open the store: {e}");
        }
    }
}

#[test]
fn several_processes_create_one_store_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let me = std::env::current_exe().unwrap();
    for round in 0..20 {
        let path = dir.path().join(format!("store-{round}.sqlite"));
        let at = (now_ms() + 300).to_string();
        let children: Vec<_> = (0..6)
            .map(|_| {
                Command::new(&me)
                    .args(["--exact", "store_opener_child", "--nocapture"])
                    .env(OPEN_STORE, &path)
                    .env(OPEN_AT, &at)
                    .output_spawn()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: a creator failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                stderr(&out)
            );
        }
        Store::open_read_only(&path).expect("a store");
    }
}

trait SpawnPiped {
    fn output_spawn(&mut self) -> std::process::Child;
}

impl SpawnPiped for Command {
    fn output_spawn(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}

// --- Inputs ------------------------------------------------------------------------

/// One line per item: `D id text`, `S source-file reason` or `F source-file reason`.
fn summary(items: &[Item]) -> Vec<String> {
    let file = |source: &str| source.rsplit('/').next().unwrap().to_string();
    items
        .iter()
        .map(|i| match i {
            Item::Document(d) => format!("D {} {}", d.id, d.text),
            Item::Skipped(f) => format!("S {} {}", file(&f.source), f.reason),
            Item::Failed(f) => format!("F {} {}", file(&f.source), f.reason),
        })
        .collect()
}

#[test]
fn a_csv_row_over_the_limit_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.csv");
    let options = ReadOptions {
        max_document_bytes: 1000,
        ..ReadOptions::default()
    };
    let mut data = b"id,text\nr1,first\nr2,\"".to_vec();
    data.extend(std::iter::repeat_n(b'x', 200_000));
    data.extend(b"\"\nr3,third\nr4,fourth\nr5,fifth\n");
    std::fs::write(&path, data).unwrap();
    let items: Vec<Item> = input::read(&[path], &options).collect();
    assert_eq!(
        summary(&items),
        [
            "D r1 first",
            "F rows.csv:3 line 3: document is larger than the limit of 1000 bytes (raise it with --max-doc-bytes)",
            "D r3 third",
            "D r4 fourth",
            "D r5 fifth",
        ]
    );
}

#[test]
fn zip_members_of_the_same_name_are_both_counted() {
    let dir = tempfile::tempdir().unwrap();
    let expected = common::torture::build(dir.path());
    let items = read(&expected.root.join("twice.zip"));
    assert_eq!(
        summary(&items),
        [
            "F twice.zip!same.txt member 1 of 2 with this name in the zip archive: only the last one is read",
            "D twice/same Read: the last one.",
        ]
    );
}

#[test]
fn byte_order_marks_are_not_text_and_utf16_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Olaf Scholz met Zełenski in Kyiv.";
    let (le, be) = common::utf16_with_bom(text);
    let utf8 = format!("\u{feff}{text}").into_bytes();
    for (name, bytes) in [("le.txt", le), ("be.txt", be), ("utf8.txt", utf8)] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let stem = name.trim_end_matches(".txt");
        assert_eq!(
            summary(&read(&path)),
            [format!("D {stem} {text}")],
            "{name}"
        );
    }
}

#[test]
fn offsets_count_from_after_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Olaf Scholz met Emmanuel Macron in Paris.";
    let path = dir.path().join("bom.txt");
    std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    let out_dir = dir.path().join("out");
    let out = bin()
        .args(["extract", "--no-progress", "-o"])
        .arg(&out_dir)
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mentions = std::fs::read_to_string(out_dir.join("mentions.jsonl")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(mentions.lines().next().unwrap()).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let mentions = doc["mentions"].as_array().unwrap();
    assert!(!mentions.is_empty());
    for m in mentions {
        let (start, end) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        let slice: String = chars[start..end].iter().collect();
        assert_eq!(slice, m["text"].as_str().unwrap());
    }
}

#[test]
fn containers_without_records_are_counted_as_empty_documents() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, Vec<u8>, &str); 4] = [
        ("empty.jsonl", Vec::new(), "empty document (no JSON lines)"),
        (
            "blank.jsonl",
            b"\n \n\r\n\t\n".repeat(1000),
            "empty document (no JSON lines)",
        ),
        (
            "bom.jsonl",
            b"\xEF\xBB\xBF\n".to_vec(),
            "empty document (no JSON lines)",
        ),
        (
            "header.csv",
            b"id,text\n".to_vec(),
            "empty document (a header row and no rows)",
        ),
    ];
    for (name, bytes, reason) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(summary(&read(&path)), [format!("S {name} {reason}")]);
    }
}

#[test]
fn a_jsonl_byte_order_mark_does_not_spoil_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.jsonl");
    std::fs::write(
        &path,
        b"\xEF\xBB\xBF{\"id\": \"a\", \"text\": \"first\"}\n\n\n{\"text\": \"fourth\"}\n",
    )
    .unwrap();
    assert_eq!(summary(&read(&path)), ["D a first", "D feed:4 fourth"]);
}

// --- Command lines -------------------------------------------------------------------

#[test]
fn a_missing_onnx_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_doc(dir.path());
    for flag in ["--onnx", "--parser-onnx"] {
        let out = bin()
            .args(["extract", "--no-progress", flag, "missing.onnx", "-o"])
            .arg(dir.path().join("out"))
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{flag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("missing.onnx"),
            "{flag}: {}",
            stderr(&out)
        );
        assert!(!dir.path().join("out/graph.json").exists());
    }
}

#[test]
fn a_missing_input_is_a_bad_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_doc(dir.path());
    let missing = dir.path().join("no-such-file.txt");
    let out = bin()
        .args(["extract", "--no-progress", "-o"])
        .arg(dir.path().join("out"))
        .arg(&input)
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("input not found: {}", missing.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn counts_of_zero_and_tiny_windows_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_doc(dir.path());
    for (flag, value, says) in [
        ("--threads", "0", "at least 1"),
        ("--batch-size", "0", "at least 1"),
        ("--docs-per-batch", "0", "at least 1"),
        ("--max-tokens", "3", "too small"),
        ("--max-tokens", "0", "too small"),
    ] {
        let out = bin()
            .args(["extract", "--no-progress", flag, value, "-o"])
            .arg(dir.path().join("out"))
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{flag} {value}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains(flag) && stderr(&out).contains(says),
            "{flag} {value}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn an_error_chain_names_its_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_doc(dir.path());
    let input = input.to_str().unwrap();
    let out_dir = dir.path().join("out");
    let out_dir = out_dir.to_str().unwrap();
    let cases: [(Vec<&str>, &str); 3] = [
        (
            vec![
                "extract",
                "--rules",
                "/no/such/rules.toml",
                "-o",
                out_dir,
                input,
            ],
            "(os error 2)",
        ),
        (
            vec![
                "extract",
                "--store",
                "/no/such/dir/s.sqlite",
                "-o",
                out_dir,
                input,
            ],
            "unable to open database file",
        ),
        (vec!["eval", "ud", "/no/such/file.conllu"], "(os error 2)"),
    ];
    for (args, cause) in cases {
        let out = bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out).matches(cause).count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
    }
}
