//! The relation stage alone, against the parse it reads: per batch of news documents, the
//! time to match the built-in rules (surface and syntax) and, for scale, the time to parse
//! the same documents. NER, resolution and parsing run once, outside the timed loop.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use newsgraph::analysis::{self, ParseScope, ParserModel};
use newsgraph::input::Document;
use newsgraph::ner::{LoadOptions, Mention, NerOptions};
use newsgraph::pipeline::{self, ParseMode, Pipeline};
use newsgraph::relations::{self, RuleSet};
use newsgraph::resolve::Gazetteer;

/// The NBC live blog from ../shared when present, else the repo's own examples.
fn news_documents() -> Vec<Document> {
    let files = common::news_files();
    files
        .iter()
        .map(|f| {
            let id = f.file_stem().unwrap().to_string_lossy().into_owned();
            Document::new(id, std::fs::read_to_string(f).expect("readable text"))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = news_documents();
    let parser =
        || ParserModel::load(&pipeline::default_parser_dir(), None, 1).expect("the shipped parser");
    let pipeline = Pipeline::load(
        &pipeline::default_model_dir(),
        &LoadOptions::default(),
        NerOptions::default(),
        Gazetteer::builtin(),
    )
    .expect("the shipped NER model")
    .with_parser(parser(), ParseMode::Relevant)
    .expect("the parser loads");
    let (results, _) = pipeline.process(&docs).expect("the documents process");
    let rules = RuleSet::builtin();
    let mut group = c.benchmark_group("relations");
    group.sample_size(10);
    group.bench_function("rules over parsed documents", |b| {
        b.iter(|| {
            results
                .iter()
                .zip(&docs)
                .map(|(r, d)| relations::extract(&rules, &d.text, &r.analysis, &r.resolved).len())
                .sum::<usize>()
        })
    });
    let model = parser();
    let relevant = |doc: &analysis::Doc, sentence: &analysis::Sentence| {
        relations::scope::worth_parsing(&rules, doc, sentence)
    };
    group.bench_function("parse of the relevant sentences", |b| {
        b.iter(|| {
            docs.iter()
                .zip(&results)
                .map(|(d, r)| {
                    let mentions: Vec<Mention> = r
                        .analysis
                        .mentions
                        .iter()
                        .map(|m| Mention {
                            span: m.span,
                            label: m.label.clone(),
                            score: 1.0,
                        })
                        .collect();
                    analysis::analyse_with(
                        &d.text,
                        &mentions,
                        Some(&model),
                        ParseScope::Only(&relevant),
                    )
                    .expect("parses")
                    .tokens
                    .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
