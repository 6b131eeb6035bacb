//! NER throughput (non-pad tokens/s) of the shipped model on a fixed batch of news text,
//! for both session layouts (one single-threaded session per worker, or one shared session)
//! and for one chunk per run (the default) against batches of 32 chunks.
//! `NEWSGRAPH_BACKEND=rust-bert` (a build with `--features rust-bert`) runs the rust-bert
//! backend instead of ONNX Runtime.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsgraph::ner::{Backend, LoadOptions, Model, Ner, NerOptions, SessionLayout};

/// The NBC live blog from ../shared when present, else the repo's own examples.
fn news_texts() -> Vec<String> {
    let files = common::news_files();
    let text: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("readable text"))
        .collect::<Vec<_>>()
        .join("\n");
    // Split the paragraphs into documents so that the batch holds many chunks.
    text.split("\n\n")
        .flat_map(|p| p.lines())
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn bench(c: &mut Criterion) {
    let paragraphs = news_texts();
    // The same text as long documents: chunks fill the 128-token window.
    let whole = paragraphs.join(" ");
    let long_docs: Vec<String> = (0..4).map(|_| whole.clone()).collect();
    let workloads = [("paragraphs", &paragraphs), ("full-windows", &long_docs)];
    let dir = newsgraph::pipeline::default_model_dir();
    let threads = rayon::current_num_threads();
    let backend = match std::env::var("NEWSGRAPH_BACKEND").as_deref() {
        Ok("rust-bert") => Backend::RustBert,
        Ok("onnx") | Err(_) => Backend::Onnx,
        Ok(other) => panic!("NEWSGRAPH_BACKEND={other}: onnx or rust-bert"),
    };
    let mut group = c.benchmark_group("ner");
    group.sample_size(10);
    for (layout, batch_size) in [
        (SessionLayout::PerWorker, 1),
        (SessionLayout::Shared, 1),
        (SessionLayout::PerWorker, 32),
        (SessionLayout::Shared, 32),
    ] {
        let model = Model::load(
            &dir,
            &LoadOptions {
                backend,
                layout,
                threads,
                ..LoadOptions::default()
            },
        )
        .expect("the shipped model loads (run scripts/setup.sh first)");
        let ner = Ner::new(
            model,
            NerOptions {
                batch_size,
                ..NerOptions::default()
            },
        );
        for (name, texts) in workloads {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let (_, stats) = ner.recognise(&refs).expect("inference runs");
            group.throughput(Throughput::Elements(stats.tokens as u64));
            let id = format!(
                "{}{layout:?}/batch{batch_size}/{threads}threads/{name}/{}chunks/{}tokens",
                // ONNX ids stay as they were; other backends get their name in front.
                match backend {
                    Backend::Onnx => String::new(),
                    other => format!("{}/", other.as_str()),
                },
                stats.chunks,
                stats.tokens
            );
            group.bench_function(id, |b| {
                b.iter(|| ner.recognise(&refs).expect("inference runs"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
