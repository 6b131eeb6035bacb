//! The input readers on a torture corpus (every format, every kind of bad input) and on
//! the real Reuters-21578 collection in ../shared.

mod common;

use std::collections::HashSet;
use std::path::PathBuf;

use common::torture;
use newsgraph::input::{self, Item, ReadOptions};

fn counts(items: &[Item]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for item in items {
        match item {
            Item::Document(_) => c.0 += 1,
            Item::Skipped(_) => c.1 += 1,
            Item::Failed(_) => c.2 += 1,
        }
    }
    c
}

#[test]
fn the_torture_corpus_gives_an_item_with_a_reason_for_everything() {
    let dir = tempfile::tempdir().unwrap();
    let expected = torture::build(dir.path());
    let options = ReadOptions::default();
    let items: Vec<Item> = input::read(std::slice::from_ref(&expected.root), &options).collect();
    assert_eq!(
        counts(&items),
        (expected.documents, expected.skipped, expected.failed),
        "(documents, skipped, failed) differ from what was written:\n{items:#?}"
    );
    let mut ids = HashSet::new();
    for item in &items {
        match item {
            Item::Document(d) => {
                assert!(!d.id.contains(".."), "id {} climbs out", d.id);
                assert!(ids.insert(d.id.clone()), "id {} twice", d.id);
                assert!(!d.text.trim().is_empty());
                let source = &d.meta["source"];
                assert!(source.starts_with(&expected.root.display().to_string()));
                assert!(!d.text.contains("Never read"), "{source} came from outside");
            }
            Item::Skipped(f) | Item::Failed(f) => {
                assert!(!f.reason.trim().is_empty(), "no reason: {f:?}");
                assert!(!f.source.trim().is_empty(), "no source: {f:?}");
            }
        }
    }
    let failed = |needle: &str| {
        items
            .iter()
            .any(|i| matches!(i, Item::Failed(f) if f.reason.contains(needle)))
    };
    assert!(
        failed("--max-doc-bytes"),
        "the 20 MB document is not over the limit"
    );
    assert!(failed("unsafe member path"));
    assert!(failed("binary content"));
    assert!(failed("gzip"));
    assert!(ids.contains("dup/a") && ids.contains("dup/a#2"));
    assert!(ids.contains("bundle/docs/good") && ids.contains("bundle/good"));

    let again: Vec<Item> = input::read(std::slice::from_ref(&expected.root), &options).collect();
    assert_eq!(items, again, "reading twice gives different items");

    // load() collects the same items.
    let loaded = input::load(std::slice::from_ref(&expected.root));
    assert_eq!(
        (
            loaded.documents.len(),
            loaded.skipped.len(),
            loaded.failures.len()
        ),
        (expected.documents, expected.skipped, expected.failed)
    );
}

/// The Reuters-21578 .sgm files in ../shared, sorted; None (with a printed reason) when absent.
fn reuters_files() -> Option<Vec<PathBuf>> {
    let dir = common::shared("data/reuters21578")?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sgm"))
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn reuters_has_21578_articles_and_19043_with_a_body() {
    let Some(files) = reuters_files() else {
        return;
    };
    assert_eq!(files.len(), 22);
    let mut documents = 0;
    let mut no_body = 0;
    let mut latin1 = 0;
    let mut raw_dates = 0;
    let mut ids = HashSet::new();
    for item in input::read(&files, &ReadOptions::default()) {
        match item {
            Item::Document(d) => {
                documents += 1;
                assert!(
                    d.id.starts_with("reuters-") && !d.id.contains('#'),
                    "{}",
                    d.id
                );
                assert!(ids.insert(d.id.clone()));
                // A handful of DATEs are malformed ("31-MAR-1987 605:12:19.12"): kept raw.
                if !d.meta.contains_key("date") {
                    assert!(d.meta.contains_key("date_raw"), "{} has no date", d.id);
                    raw_dates += 1;
                }
                if d.meta.get("encoding").is_some_and(|e| e == "latin-1") {
                    latin1 += 1;
                }
                if d.id == "reuters-1" {
                    assert!(d
                        .text
                        .starts_with("BAHIA COCOA REVIEW\n\nShowers continued"));
                    assert_eq!(d.meta["date"], "1987-02-26T15:01:01");
                    assert_eq!(d.meta["dateline"], "SALVADOR, Feb 26");
                }
            }
            Item::Skipped(f) => {
                assert!(f.reason.ends_with("no BODY"), "{f:?}");
                no_body += 1;
            }
            Item::Failed(f) => panic!("a Reuters article failed: {f:?}"),
        }
    }
    assert_eq!(documents, 19_043);
    assert_eq!(documents + no_body, 21_578);
    assert!(raw_dates < 10, "{raw_dates} dates did not parse");
    assert_eq!(latin1, 1, "one article (in reut2-017.sgm) is not UTF-8");
}

/// Issue 27, item 2: a CSV row whose quote is never closed took every row after it into
/// one document, with no word in problems.jsonl. The file now fails with its reason at
/// that row; the rows before it stay documents.
#[test]
fn a_csv_row_with_an_unbalanced_quote_does_not_swallow_the_rows_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wire.csv");
    std::fs::write(
        &path,
        "id,text\na,Joe Biden spoke.\nb,\"He said he would go\nc,Olaf Scholz replied.\nd,Emmanuel Macron left.\n",
    )
    .unwrap();
    let items: Vec<Item> = input::read(&[path], &ReadOptions::default()).collect();
    assert_eq!(counts(&items), (1, 0, 1), "{items:#?}");
    assert!(matches!(&items[0], Item::Document(d) if d.id == "a"));
    let Item::Failed(f) = &items[1] else {
        panic!("{items:#?}")
    };
    assert!(f.source.ends_with("wire.csv:3"), "{f:?}");
    assert!(
        f.reason.contains("line 3") && f.reason.contains("never closed"),
        "{f:?}"
    );
    // A quote closed on a later line is a multi-line field, as before.
    let path = dir.path().join("multi.csv");
    std::fs::write(&path, "id,text\na,\"One line\nand the next\"\nb,third\n").unwrap();
    let items: Vec<Item> = input::read(&[path], &ReadOptions::default()).collect();
    assert_eq!(counts(&items), (2, 0, 0), "{items:#?}");
}

/// Issue 27, item 3: an earlier run's output folder inside the input folder was read as
/// input (report.html became a document). A folder that holds a newsgraph run, finished
/// (summary.json) or running (checkpoint.json), is never input: skipped with its reason,
/// and left out of the run's list of input files.
#[test]
fn a_newsgraph_runs_folder_inside_an_input_folder_is_never_input() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    for run in ["run1", "run2", "plain"] {
        std::fs::create_dir_all(root.join(run)).unwrap();
    }
    std::fs::write(root.join("a.txt"), "Joe Biden spoke.").unwrap();
    std::fs::write(root.join("run1/summary.json"), "{}").unwrap();
    std::fs::write(root.join("run1/report.html"), "<p>Olaf Scholz</p>").unwrap();
    std::fs::write(root.join("run1/graph.json"), "{}").unwrap();
    std::fs::write(root.join("run2/checkpoint.json"), "{}").unwrap();
    std::fs::write(root.join("run2/mentions.jsonl"), "{\"text\": \"x\"}\n").unwrap();
    std::fs::write(root.join("plain/b.txt"), "Emmanuel Macron left.").unwrap();
    let items: Vec<Item> =
        input::read(std::slice::from_ref(&root), &ReadOptions::default()).collect();
    assert_eq!(counts(&items), (2, 2, 0), "{items:#?}");
    for run in ["run1", "run2"] {
        assert!(
            items.iter().any(|i| matches!(i, Item::Skipped(f)
                if f.source == root.join(run).display().to_string()
                    && f.reason.contains("newsgraph run"))),
            "{run}: {items:#?}"
        );
    }
    let files = input::files(std::slice::from_ref(&root), &[]);
    let names: Vec<String> = files
        .iter()
        .map(|(p, _)| p.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["a.txt", "plain/b.txt"]);
}

/// Issue 27, item 6: overlapping inputs were read twice (`in in` gave every document
/// twice, as `reuters-1#2`). The same file named twice, or a path inside a folder also
/// named, is one input; each one left out comes with a note.
#[test]
fn the_same_file_named_twice_or_inside_a_named_folder_is_one_input() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("a.txt"), "Joe Biden spoke.").unwrap();
    std::fs::write(root.join("notes.log"), "Read only when named.").unwrap();
    std::fs::write(root.join("sub/b.txt"), "Olaf Scholz replied.").unwrap();
    let once: Vec<Item> =
        input::read(std::slice::from_ref(&root), &ReadOptions::default()).collect();
    assert_eq!(counts(&once), (2, 1, 0));
    let spelled = |s: &str| PathBuf::from(format!("{}/{s}", dir.path().display()));
    let inputs = vec![
        spelled("in"),
        spelled("in/a.txt"),
        spelled("./in/"),
        spelled("in/sub"),
        spelled("in"),
    ];
    let items: Vec<Item> = input::read(&inputs, &ReadOptions::default()).collect();
    assert_eq!(items, once, "overlapping inputs read more than once");
    let (kept, notes) = input::distinct(&inputs);
    assert_eq!(kept, [spelled("in")]);
    assert_eq!(notes.len(), 4, "{notes:?}");
    assert!(
        notes[0].ends_with(&format!(
            "is inside {}: read once, as part of it",
            spelled("in").display()
        )),
        "{notes:?}"
    );
    assert!(notes[1].contains("is the same as"), "{notes:?}");
    // A file the folder's walk does not read (an unknown extension) stays an input.
    let (kept, notes) = input::distinct(&[spelled("in"), spelled("in/notes.log")]);
    assert_eq!(kept.len(), 2);
    assert!(notes.is_empty());
    // The list of input files (resume, progress) takes each file once too.
    assert_eq!(input::files(&inputs, &[]).len(), 2);
}
