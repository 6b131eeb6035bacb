//! The SQLite store through its public API: pipeline results in, the same graph out;
//! reading while a batch writes; a crash in the middle of a batch.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use newsgraph::graph::{Evidence, Graph};
use newsgraph::pipeline::{
    add_to_graph, document_graph, ClaimRecord, DocResult, MentionRecord, RelationRecord,
};
use newsgraph::resolve::{Entity, EntityType, Resolved};
use newsgraph::store::{Store, StoredDocument};
use newsgraph::text::Span;

/// A pipeline result and its document, as the CLI would have them.
struct Doc {
    text: String,
    meta: BTreeMap<String, String>,
    result: DocResult,
    graph: Graph,
}

impl Doc {
    fn stored(&self) -> StoredDocument<'_> {
        StoredDocument {
            id: &self.result.id,
            text: &self.text,
            meta: &self.meta,
            mentions: &self.result.mentions,
            graph: &self.graph,
        }
    }
}

fn entity(id: &str, name: &str, kind: EntityType, n: usize, country: Option<&str>) -> Entity {
    Entity {
        id: id.into(),
        name: name.into(),
        kind,
        aliases: BTreeSet::from([name.to_string()]),
        mentions: vec![Span { start: 0, end: 1 }; n],
        tokens: Vec::new(),
        country: country.map(str::to_string),
    }
}

/// Document `i`: Putin (under one of two names) meets Xi or sanctions a state, and every
/// third document claims a figure. `padding` makes the text long.
fn doc(i: usize, padding: usize) -> Doc {
    let id = format!("news/{i:04}.txt");
    let putin = ["Putin", "Vladimir Putin"][i % 2];
    let text = format!(
        "{putin} met Xi Jinping on day {i}. {}",
        "More text. ".repeat(padding)
    );
    let date = (!i.is_multiple_of(4)).then(|| format!("2024-03-{:02}", 1 + i % 28));
    let entities = vec![
        entity(
            "person:vladimir-putin",
            putin,
            EntityType::Person,
            1 + i % 3,
            Some("RU"),
        ),
        entity(
            "person:xi-jinping",
            "Xi Jinping",
            EntityType::Person,
            1,
            Some("CN"),
        ),
        entity("state:UA", "Ukraine", EntityType::State, 1, Some("UA")),
    ];
    let evidence = |rule: &str| Evidence {
        doc: id.clone(),
        start: 0,
        end: 20,
        sentence: format!("{putin} met Xi Jinping on day {i}."),
        rule: rule.into(),
        date: date.clone(),
        path: None,
        parse: None,
    };
    let mut relations = vec![RelationRecord {
        relation: if i.is_multiple_of(2) {
            "meets"
        } else {
            "sanctions"
        }
        .into(),
        source: "person:vladimir-putin".into(),
        target: if i.is_multiple_of(2) {
            "person:xi-jinping"
        } else {
            "state:UA"
        }
        .into(),
        modality: if i.is_multiple_of(5) {
            "planned"
        } else {
            "asserted"
        }
        .parse()
        .unwrap(),
        evidence: vec![evidence("verb")],
        claim: None,
    }];
    if i.is_multiple_of(3) {
        relations.push(RelationRecord {
            relation: "claims".into(),
            source: "state:UA".into(),
            target: format!("claim:{id}:31"),
            modality: "asserted".parse().unwrap(),
            evidence: vec![evidence("claims.figure")],
            claim: Some(ClaimRecord {
                label: format!("{i} drones"),
                value: i as f64,
                unit: Some("drones".into()),
                qualifier: None,
                about: Some("drones".into()),
            }),
        });
    }
    let mentions = entities
        .iter()
        .map(|e| MentionRecord {
            start: 0,
            end: e.name.chars().count(),
            text: e.name.clone(),
            label: "PER".into(),
            score: 0.99,
            entity: Some(e.id.clone()),
        })
        .collect();
    let result = DocResult {
        id,
        mentions,
        resolved: Resolved {
            mention_entity: (0..entities.len()).map(Some).collect(),
            entities,
            ..Default::default()
        },
        relations,
        analysis: Default::default(),
    };
    Doc {
        graph: document_graph(&result),
        meta: date.map(|d| ("date".to_string(), d)).into_iter().collect(),
        text,
        result,
    }
}

fn json(g: &Graph) -> String {
    serde_json::to_string_pretty(&g.to_node_link(&BTreeMap::new())).unwrap()
}

/// The graph one run over all these results would write.
fn one_run(docs: &[Doc]) -> String {
    let results: Vec<DocResult> = docs.iter().map(|d| d.result.clone()).collect();
    let mut graph = Graph::default();
    add_to_graph(&mut graph, &results);
    json(&graph)
}

fn add(store: &mut Store, docs: &[Doc]) {
    let stored: Vec<StoredDocument> = docs.iter().map(Doc::stored).collect();
    let outcome = store.add_batch(&stored).unwrap();
    assert_eq!(outcome.added.len(), docs.len(), "{outcome:?}");
}

#[test]
fn runs_into_a_store_export_what_one_run_would() {
    let docs: Vec<Doc> = (0..30).map(|i| doc(i, 0)).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    for (run, chunk) in docs.chunks(8).enumerate() {
        let mut store = Store::open(&path).unwrap();
        add(&mut store, chunk);
        // Every run's documents again: all skipped.
        let seen = ((run + 1) * 8).min(docs.len());
        let again: Vec<StoredDocument> = docs[..seen].iter().map(Doc::stored).collect();
        let again = store.add_batch(&again).unwrap();
        assert!(again.added.is_empty());
        assert_eq!(again.skipped.len(), seen);
    }
    let store = Store::open_read_only(&path).unwrap();
    assert_eq!(json(&store.graph().unwrap()), one_run(&docs));
    let putin = &store.graph().unwrap().nodes["person:vladimir-putin"];
    assert_eq!(putin.docs.len(), 30);
    assert_eq!(
        store.documents().unwrap()[7].mentions,
        docs[7].result.mentions
    );
}

#[test]
fn readers_query_while_a_batch_writes() {
    let docs: Vec<Doc> = (0..10).map(|i| doc(i, 0)).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    let mut writer = Store::open(&path).unwrap();
    add(&mut writer, &docs[..4]);
    let reader = Store::open_read_only(&path).unwrap();
    let before = reader.stats().unwrap();
    assert_eq!(before.documents, 4);

    let mut batch = writer.begin().unwrap();
    for d in &docs[4..] {
        batch.add(&d.stored()).unwrap();
    }
    // The writer holds its transaction open: the reader neither waits nor sees the batch.
    let started = Instant::now();
    assert_eq!(reader.stats().unwrap(), before);
    assert_eq!(json(&reader.graph().unwrap()), one_run(&docs[..4]));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the reader waited"
    );
    // Another reader can open meanwhile too.
    let late = Store::open_read_only(&path).unwrap();
    assert_eq!(late.stats().unwrap(), before);

    batch.commit().unwrap();
    assert_eq!(reader.stats().unwrap().documents, 10);
    assert_eq!(json(&reader.graph().unwrap()), one_run(&docs));
}

const CRASH_ENV: &str = "NEWSGRAPH_STORE_CRASH_DB";

/// Run by `a_crash_mid_batch_leaves_the_committed_batches`, in a child process: writes a
/// large batch (more than SQLite's page cache, so pages reach the WAL) and aborts before
/// committing. Without the variable it does nothing.
#[test]
fn crash_child() {
    let Some(path) = std::env::var_os(CRASH_ENV) else {
        return;
    };
    let docs: Vec<Doc> = (10..400).map(|i| doc(i, 1000)).collect();
    let mut store = Store::open(Path::new(&path)).unwrap();
    let mut batch = store.begin().unwrap();
    for d in &docs {
        batch.add(&d.stored()).unwrap();
    }
    std::process::abort();
}

#[test]
fn a_crash_mid_batch_leaves_the_committed_batches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    let committed: Vec<Doc> = (0..10).map(|i| doc(i, 1000)).collect();
    add(&mut Store::open(&path).unwrap(), &committed);

    let status = Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--test-threads=1", "--nocapture"])
        .env(CRASH_ENV, &path)
        .status()
        .unwrap();
    assert!(!status.success(), "the child aborted");
    let wal = std::fs::metadata(dir.path().join("graph.db-wal"))
        .map(|m| m.len())
        .unwrap_or(0);
    assert!(
        wal > 1 << 20,
        "the aborted batch reached the WAL ({wal} bytes)"
    );

    let mut store = Store::open(&path).unwrap();
    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.batches), (10, 1));
    assert_eq!(json(&store.graph().unwrap()), one_run(&committed));

    // The lost batch can be added again.
    let lost: Vec<Doc> = (10..400).map(|i| doc(i, 1000)).collect();
    add(&mut store, &lost);
    let all: Vec<Doc> = committed.into_iter().chain(lost).collect();
    assert_eq!(store.stats().unwrap().documents, 400);
    assert_eq!(json(&store.graph().unwrap()), one_run(&all));
}

/// A sink that, when the run offers it `trigger`, stores `text` under `id` through its
/// own connection: another process writing to the shared store between this run's
/// look (`skip`) and its write.
struct OtherProcess {
    store: std::path::PathBuf,
    trigger: &'static str,
    id: &'static str,
    text: &'static str,
}

impl newsgraph::run::BatchSink for OtherProcess {
    fn name(&self) -> &'static str {
        "other-process"
    }

    fn skip(
        &mut self,
        doc: &newsgraph::input::Document,
        _text_hash: &str,
    ) -> Result<Option<String>, newsgraph::run::SinkError> {
        if doc.id == self.trigger {
            let graph = Graph::default();
            let meta = BTreeMap::new();
            Store::open(&self.store)
                .unwrap()
                .add_batch(&[StoredDocument {
                    id: self.id,
                    text: self.text,
                    meta: &meta,
                    mentions: &[],
                    graph: &graph,
                }])
                .unwrap();
        }
        Ok(None)
    }

    fn batch(&mut self, _: &newsgraph::run::Batch) -> Result<(), newsgraph::run::SinkError> {
        Ok(())
    }
}

/// Two runs share one store: a text the other run stores after this run looked is
/// skipped when the batch is written, as a duplicate of the id the store holds it under,
/// and left out of this run's graph: the two summaries add up to the store.
#[test]
fn a_text_another_run_stored_meanwhile_is_skipped_and_named() {
    let Some(pipeline) = common::model_pipeline() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let mut store = newsgraph::store::StoreSink::new(Store::open(&path).unwrap());
    let shared = "Angela Merkel met Emmanuel Macron in Paris.";
    let mut other = OtherProcess {
        store: path.clone(),
        trigger: "a2",
        id: "b1",
        text: shared,
    };
    let mut graph = newsgraph::run::GraphSink::new(dir.path().join("graph.log"));
    let mut problems = newsgraph::run::LinesFile::new(
        newsgraph::run::Lines::Problems,
        dir.path().join("problems.jsonl"),
    );
    let items: Vec<newsgraph::input::Item> = [
        ("a1", "Japan's Finance Ministry said exports rose."),
        ("a2", shared),
    ]
    .into_iter()
    .map(|(id, text)| newsgraph::input::Item::Document(newsgraph::input::Document::new(id, text)))
    .collect();
    let outcome = newsgraph::run::Run::new(&pipeline, Default::default())
        .sink(&mut store)
        .sink(&mut other)
        .sink(&mut graph)
        .sink(&mut problems)
        .run(items.into_iter())
        .unwrap();
    let newsgraph::run::Outcome::Complete { summary, .. } = outcome else {
        panic!("the run completes");
    };
    assert_eq!(summary.documents_processed, 1, "{summary:?}");
    assert_eq!(summary.documents_skipped, 1, "{summary:?}");
    assert_eq!(
        summary.skip_reasons.keys().collect::<Vec<_>>(),
        ["already in the store as bN"]
    );
    let problems = std::fs::read_to_string(dir.path().join("problems.jsonl")).unwrap();
    assert!(
        problems.contains(r#""id":"a2""#) && problems.contains("already in the store as b1"),
        "problems.jsonl names the stored id: {problems}"
    );
    let stored: Vec<String> = store
        .store()
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| d.info.id)
        .collect();
    assert_eq!(stored, ["b1", "a1"]);
    let graph = graph.into_graph();
    assert!(
        graph.nodes.values().all(|n| !n.docs.contains("a2")),
        "a skipped document is not in the run's graph"
    );
}

/// Issue 27, item 13: a bit-flipped store gave rusqlite's "invalid utf-8 sequence of 1
/// bytes from index 10 at index 2", and reading a store (as `export` does) left SQLite's
/// -wal and -shm files beside it. Now the error says the store is damaged and what to
/// do, and a reader leaves the folder as it found it, damaged store or not.
#[test]
fn a_damaged_store_is_named_and_readers_leave_no_side_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    let docs: Vec<Doc> = (0..6).map(|i| doc(i, 0)).collect();
    add(&mut Store::open(&path).unwrap(), &docs);
    let side_files = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(side_files(), ["graph.db"]);
    let store = Store::open_read_only(&path).unwrap();
    store.graph().unwrap();
    drop(store);
    assert_eq!(
        side_files(),
        ["graph.db"],
        "a reader leaves no -wal or -shm"
    );

    let mut bytes = std::fs::read(&path).unwrap();
    let name = b"Xi Jinping";
    let mut flipped = 0;
    for i in 0..bytes.len() - name.len() {
        if &bytes[i..i + name.len()] == name {
            bytes[i + 3] = 0xff;
            flipped += 1;
        }
    }
    assert!(flipped > 0);
    std::fs::write(&path, &bytes).unwrap();
    let store = Store::open_read_only(&path).unwrap();
    let err = store.graph().unwrap_err().to_string();
    drop(store);
    assert!(err.contains("the store is damaged"), "{err}");
    assert!(err.contains("PRAGMA integrity_check"), "{err}");
    assert!(!err.contains("at index"), "{err}");
    assert_eq!(side_files(), ["graph.db"], "{err}");
}

/// Runs the binary, failing the test with its stderr.
fn newsgraph(args: &[&str]) {
    common::run_ok(args, Some(2));
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(at) = todo.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// `newsgraph export --format all` of a graph.json (`--graph`) or a store (`--store`),
/// report.html aside (the store's lists the stored documents).
fn exported(source: &str, path: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let (format, path_arg) = ("all", path.to_str().unwrap());
    let mut args = vec![
        "export",
        source,
        path_arg,
        "--format",
        format,
        "-o",
        out.to_str().unwrap(),
    ];
    // The store joins its acronym table when asked, as the run that wrote graph.json did.
    if source == "--store" {
        args.push("--join-acronyms");
    }
    newsgraph(&args);
    let mut files = files_of(out);
    files.remove("report.html");
    files
}

#[test]
fn a_store_exports_the_joined_graph_a_run_writes_to_graph_json() {
    let tmp = tempfile::tempdir().unwrap();
    let texts = [
        (
            "defines",
            "The Energy Information Administration (EIA) said crude oil stocks rose 2.1 mln \
             barrels last week.",
        ),
        (
            "uses",
            "Oil stocks rose last week, the EIA said in Washington on Tuesday.",
        ),
    ];
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let mut one_each = Vec::new();
    for (id, text) in texts {
        std::fs::write(input.join(format!("{id}.txt")), text).unwrap();
        let own = tmp.path().join(format!("in-{id}"));
        std::fs::create_dir(&own).unwrap();
        std::fs::write(own.join(format!("{id}.txt")), text).unwrap();
        one_each.push(own);
    }
    let path = |name: &str| tmp.path().join(name);
    let arg = |name: &str| path(name).to_str().unwrap().to_string();
    // One run into a store.
    newsgraph(&[
        "extract",
        &arg("in"),
        "-o",
        &arg("run"),
        "--store",
        &arg("one.db"),
        "--join-acronyms",
    ]);
    let graph = common::read_json(&path("run/graph.json"));
    let long = "organisation:energy-information-administration";
    assert_eq!(graph["graph"]["acronyms_joined"]["organisation:eia"], long);

    // The store keeps graphs, not a run's metadata (the model's name): graph.json's is
    // left out, so that what is compared is the graph.
    let mut bare = graph.clone();
    bare["graph"]
        .as_object_mut()
        .unwrap()
        .retain(|key, _| newsgraph::graph::OWN_GRAPH_KEYS.contains(&key.as_str()));
    std::fs::write(path("bare.json"), serde_json::to_vec_pretty(&bare).unwrap()).unwrap();
    let from_graph = exported("--graph", &path("bare.json"), &path("export-graph"));
    assert!(
        from_graph.contains_key("graph.json"),
        "{:?}",
        from_graph.keys()
    );
    let from_store = exported("--store", &path("one.db"), &path("export-store"));
    assert_eq!(
        from_graph.keys().collect::<Vec<_>>(),
        from_store.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &from_graph {
        assert!(
            from_store[name] == *bytes,
            "{name}: the store's export differs from graph.json's:\n{}\n---\n{}",
            String::from_utf8_lossy(&from_store[name]),
            String::from_utf8_lossy(bytes)
        );
    }

    // Two runs into one store, the definition in the second: the same export.
    for (k, own) in one_each.iter().rev().enumerate() {
        newsgraph(&[
            "extract",
            own.to_str().unwrap(),
            "-o",
            &arg(&format!("run-{k}")),
            "--store",
            &arg("two.db"),
            "--join-acronyms",
        ]);
    }
    let from_two = exported("--store", &path("two.db"), &path("export-two"));
    assert!(
        from_two == from_store,
        "two runs into one store export otherwise than one run"
    );
}
