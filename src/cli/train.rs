//! `newsgraph train-relations`: the relation model learned from the labelled corpus (train part), thresholds chosen on its dev part.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::json;

use newsgraph::eval::fixtures;
use newsgraph::eval::learn::{self, Analysed};

use newsgraph::fsio::write_atomically;
use newsgraph::input::Document;
use newsgraph::relations::model::{TrainOptions, FORMAT, MODEL_FILE};
use newsgraph::relations::{Learned, RelationModel, RelationSource};

use super::args::{ModelArgs, RelationsArg, RulesArgs};
use super::load::load_pipeline_with_rules;

#[derive(Args)]
pub struct TrainArgs {
    /// The labelled corpus: a folder with `train/` and `dev/` folders of fixtures
    /// (ANNOTATION.md format). `unseen/` is never read.
    #[arg(default_value = "tests/fixtures/labelled")]
    pub labelled: PathBuf,
    /// Where to write model.json.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Passes over the training data; several values are tried, the best on dev kept.
    #[arg(long, num_args = 1.., default_values_t = [24, 48])]
    pub epochs: Vec<usize>,
    /// L2 penalties tried (with each epoch count).
    #[arg(long, num_args = 1.., default_values_t = [0.003, 0.01, 0.03, 0.1])]
    pub l2: Vec<f64>,
    #[arg(long, default_value_t = TrainOptions::default().learning_rate)]
    pub learning_rate: f64,
    /// Thresholds are chosen per type for the best F-beta on dev with this beta: below 1
    /// precision weighs more.
    #[arg(long, default_value_t = 0.5)]
    pub beta: f64,
    /// No type's threshold is chosen below this. Dev is news of politics and trade; on
    /// the whole of Reuters-21578 (judged by hand, training/results/wild/) the model's own
    /// edges below 0.75 were mostly company deals read as meetings.
    #[arg(long, default_value_t = 0.75)]
    pub least_threshold: f64,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

/// Analyses every fixture of `dir` with the pipeline (NER, parser, resolution).
fn analyse(
    pipeline: &newsgraph::pipeline::Pipeline,
    dir: &std::path::Path,
) -> Result<Vec<Analysed>> {
    let loaded = fixtures::load_dir(dir)?;
    if loaded.is_empty() {
        bail!("no fixtures in {}", dir.display());
    }
    let docs: Vec<Document> = loaded
        .iter()
        .map(|f| Document::new(f.fixture.id.clone(), f.text.clone()))
        .collect();
    let mut out = Vec::with_capacity(docs.len());
    for (chunk, fixtures) in docs.chunks(16).zip(loaded.chunks(16)) {
        let (results, _) = pipeline.process(chunk)?;
        for ((doc, result), f) in chunk.iter().zip(results).zip(fixtures) {
            out.push(Analysed {
                fixture: f.fixture.clone(),
                doc: doc.clone(),
                result,
            });
        }
    }
    Ok(out)
}

type Chosen = (
    std::collections::BTreeMap<String, (f64, f64)>,
    std::collections::BTreeMap<String, Vec<serde_json::Value>>,
);

pub fn train(args: TrainArgs) -> Result<()> {
    let started = Instant::now();
    // The rules alone while analysing: the model is what is being made.
    let rules_only = RulesArgs {
        relations: RelationsArg::Rules,
        ..args.rules.clone()
    };
    let pipeline = load_pipeline_with_rules(&args.model, &rules_only)?;
    let train_dir = args.labelled.join("train");
    let dev_dir = args.labelled.join("dev");
    let train = analyse(&pipeline, &train_dir)?;
    let dev = analyse(&pipeline, &dev_dir)?;
    let analysed_s = started.elapsed().as_secs_f64();
    eprintln!(
        "analysed {} train and {} dev documents in {analysed_s:.0} s",
        train.len(),
        dev.len()
    );
    // Model selection on dev: each setting trained, its thresholds chosen, the best kept
    // by overall F1 of model and rules together.
    let rules = &pipeline.rules;
    let mut best: Option<(f64, TrainOptions, RelationModel, Chosen)> = None;
    for &epochs in &args.epochs {
        for &l2 in &args.l2 {
            let options = TrainOptions {
                epochs,
                l2,
                learning_rate: args.learning_rate,
                ..TrainOptions::default()
            };
            let (pair, figure) = learn::train(rules, &train, &options);
            let mut model = RelationModel {
                format: FORMAT.to_string(),
                pair,
                figure,
                thresholds: Default::default(),
                trained: json!(null),
            };
            let (chosen, curve) =
                learn::choose_thresholds(rules, &model, &dev, args.beta, args.least_threshold);
            model.thresholds = chosen.iter().map(|(k, (t, _))| (k.clone(), *t)).collect();
            let learned = Learned {
                model: Some(&model),
                source: RelationSource::Both,
                threshold: None,
            };
            let counts = learn::score(rules, learned, &dev);
            let mut all = newsgraph::eval::Counts::default();
            for c in counts.relations.values() {
                all.add(*c);
            }
            let (p, r) = (all.precision(), all.recall());
            let b2 = args.beta * args.beta;
            let fbeta = if p + r == 0.0 {
                0.0
            } else {
                (1.0 + b2) * p * r / (b2 * p + r)
            };
            eprintln!(
                "epochs {epochs}, l2 {l2}: dev relation P {p:.4} R {r:.4} F1 {:.4} F-beta {fbeta:.4} (model and rules)",
                all.f1()
            );
            if best.as_ref().is_none_or(|b| fbeta > b.0) {
                best = Some((fbeta, options, model, (chosen, curve)));
            }
        }
    }
    let (_, options, mut model, (chosen, curve)) = best.context("no training setting given")?;
    let scores = |source: RelationSource, docs: &[Analysed]| {
        let learned = Learned {
            model: Some(&model),
            source,
            threshold: None,
        };
        learn::table_json(&learn::score(rules, learned, docs))
    };
    let dev_scores = json!({
        "rules": scores(RelationSource::Rules, &dev),
        "model": scores(RelationSource::Model, &dev),
        "both": scores(RelationSource::Both, &dev),
    });
    let train_scores = json!({
        "rules": scores(RelationSource::Rules, &train),
        "both": scores(RelationSource::Both, &train),
    });
    let row_counts = |docs: &[Analysed]| {
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for a in docs {
            for (kind, _, label) in learn::rows(rules, a) {
                let label = label.unwrap_or_else(|| "optional".into());
                *counts.entry(format!("{kind} {label}")).or_default() += 1;
            }
        }
        counts
    };
    model.trained = json!({
        "command": "bash training/relations/train.sh",
        "data": {"train": {"part": "train", "documents": train.len(),
                           "candidates": row_counts(&train)},
                 "dev": {"part": "dev", "documents": dev.len()}},
        "options": {"epochs": options.epochs, "l2": options.l2,
                    "learning_rate": options.learning_rate, "min_count": options.min_count,
                    "seed": options.seed},
        "features": {"pair": model.pair.weights.len(), "figure": model.figure.weights.len()},
        "thresholds_chosen_by": format!("F-beta on dev, beta {}, none below {}", args.beta, args.least_threshold),
        "threshold_dev_fbeta": chosen.iter().map(|(k, (t, f))| (k.clone(), json!({"threshold": t, "fbeta": (f * 1e4).round() / 1e4}))).collect::<serde_json::Map<_, _>>(),
        "threshold_dev_curve": curve,
        "dev": dev_scores,
        "train": train_scores,
    });
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let text = model.to_text();
    write_atomically(&args.out.join(MODEL_FILE), |w| w.write_all(text.as_bytes()))?;
    println!("{}", serde_json::to_string_pretty(&model.trained)?);
    eprintln!(
        "trained in {:.0} s ({analysed_s:.0} s of it analysing the documents)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
