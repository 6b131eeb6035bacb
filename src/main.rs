//! The `newsgraph` command line: extract, eval conll, eval fixtures.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};

use newsgraph::eval::{self, fixtures, Table};
use newsgraph::graph::Graph;
use newsgraph::input::{self, Document};
use newsgraph::ner::{Aggregation, LoadOptions, NerOptions, SessionLayout};
use newsgraph::pipeline::{self, Pipeline};
use newsgraph::relations::RuleSet;
use newsgraph::resolve::Gazetteer;
use newsgraph::text::CharOffsets;

#[derive(Parser)]
#[command(
    name = "newsgraph",
    version,
    about = "Turn news text into a graph of people, states and organisations",
    long_about = "Turn news text into a graph of people, states and organisations.\n\n\
        Runs documents through a transformer NER model (ONNX Runtime), resolves the \
        mentions into entities, finds relations between them (sanctions, meets, claims; \
        rules in rules/relations.toml, replaceable with --rules) and writes the graph as \
        NetworkX node-link JSON."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract mentions and a graph from .txt files or directories of them.
    Extract(ExtractArgs),
    /// Measure accuracy: on a CoNLL file or on hand-labelled fixtures.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Per-type and overall precision, recall and F1 on a CoNLL file (conlleval's strict spans).
    Conll {
        /// A CoNLL file: token first, NER tag (IOB1 or IOB2) last, -DOCSTART- between documents.
        file: PathBuf,
        #[command(flatten)]
        model: ModelArgs,
        /// Write the scores as JSON to FILE (or stdout when no FILE is given).
        #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
        json: Option<PathBuf>,
    },
    /// Entity and relation precision, recall and F1 against fixtures (ANNOTATION.md format).
    Fixtures {
        /// A directory of fixture *.json files, each naming its text file.
        dir: PathBuf,
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        rules: RulesArgs,
        /// Take the entities from the fixtures (their aliases found in the text) instead of
        /// the model: scores the relation rules alone. No model is loaded.
        #[arg(long)]
        gold_entities: bool,
        /// Also write each fixture's predicted graph to DIR/<fixture id>.graph.json, to
        /// inspect false positives and misses.
        #[arg(long, value_name = "DIR")]
        graphs: Option<PathBuf>,
        /// Write the scores as JSON to FILE (or stdout when no FILE is given).
        #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
        json: Option<PathBuf>,
    },
}

#[derive(Args, Clone)]
struct ModelArgs {
    /// Model directory (config.json, tokenizer.json, model.onnx or model.int8.onnx).
    /// Default: the shipped model in models/.
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// ONNX file inside the model directory (default: config's choice, then model.int8.onnx, then model.onnx).
    #[arg(long, value_name = "FILE")]
    onnx: Option<String>,
    /// How subword labels become word labels.
    #[arg(long, value_enum, default_value_t = Aggregation::First)]
    aggregation: Aggregation,
    /// Chunks per inference run.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Model window in tokens, special tokens included (default: the model's, 128 for the shipped one).
    #[arg(long)]
    max_tokens: Option<usize>,
    /// Worker threads (default: RAYON_NUM_THREADS, else the number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// One single-threaded session per worker, or one session shared by all workers.
    #[arg(long, value_enum, default_value_t = SessionLayout::Shared)]
    sessions: SessionLayout,
    /// Directory with countries.tsv and organisations.tsv replacing the built-in gazetteer.
    #[arg(long, value_name = "DIR")]
    gazetteer: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct RulesArgs {
    /// Relation rules file (TOML: lexicons, patterns, cues; see rules/relations.toml)
    /// replacing the built-in rules.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
}

impl RulesArgs {
    fn load(&self) -> Result<Option<RuleSet>> {
        self.rules
            .as_deref()
            .map(|path| RuleSet::from_file(path).context("invalid rules file"))
            .transpose()
    }
}

#[derive(Args)]
struct ExtractArgs {
    /// .txt files or directories (searched recursively for .txt files).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output directory for mentions.jsonl, graph.json and summary.json.
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Documents per batch: bounds memory, not results.
    #[arg(long, default_value_t = 256)]
    docs_per_batch: usize,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    rules: RulesArgs,
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Extract(args) => extract(args),
        Command::Eval(EvalCommand::Conll { file, model, json }) => eval_conll(&file, &model, json),
        Command::Eval(EvalCommand::Fixtures {
            dir,
            model,
            rules,
            gold_entities,
            graphs,
            json,
        }) => eval_fixtures(
            &dir,
            &model,
            &rules,
            FixtureOptions {
                gold_entities,
                graphs,
            },
            json,
        ),
    }
}

/// The pipeline with the rules of `rules` (read first, so that a bad file fails fast).
fn load_pipeline_with_rules(args: &ModelArgs, rules: &RulesArgs) -> Result<Pipeline> {
    let rules = rules.load()?;
    let pipeline = load_pipeline(args)?;
    Ok(match rules {
        Some(r) => pipeline.with_rules(r),
        None => pipeline,
    })
}

fn load_pipeline(args: &ModelArgs) -> Result<Pipeline> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot set the thread count")?;
    }
    let gazetteer = match &args.gazetteer {
        Some(dir) => Gazetteer::from_dir(dir).map_err(anyhow::Error::msg)?,
        None => Gazetteer::builtin(),
    };
    let dir = args
        .model
        .clone()
        .unwrap_or_else(pipeline::default_model_dir);
    let load = LoadOptions {
        onnx_file: args.onnx.clone(),
        layout: args.sessions,
        threads: rayon::current_num_threads(),
    };
    let options = NerOptions {
        aggregation: args.aggregation,
        batch_size: args.batch_size,
        max_tokens: args.max_tokens,
        ..NerOptions::default()
    };
    Pipeline::load(&dir, &load, options, gazetteer)
        .with_context(|| format!("cannot load the model from {}", dir.display()))
}

fn extract(args: ExtractArgs) -> Result<()> {
    let started = Instant::now();
    let pipeline = load_pipeline_with_rules(&args.model, &args.rules)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let loaded = input::load(&args.inputs);
    for f in &loaded.failures {
        eprintln!("skipped {}: {}", f.source, f.reason);
    }
    let mentions_path = args.out.join("mentions.jsonl");
    let mut mentions_out = BufWriter::new(
        File::create(&mentions_path)
            .with_context(|| format!("cannot write {}", mentions_path.display()))?,
    );
    let mut graph = Graph::default();
    let mut tokens = 0usize;
    let mut mention_count = 0usize;
    let mut relation_count: BTreeMap<String, usize> = BTreeMap::new();
    for batch in loaded.documents.chunks(args.docs_per_batch.max(1)) {
        let (results, stats) = pipeline.process(batch)?;
        tokens += stats.tokens;
        for r in &results {
            mention_count += r.mentions.len();
            for rel in &r.relations {
                *relation_count.entry(rel.relation.clone()).or_default() += 1;
            }
            serde_json::to_writer(
                &mut mentions_out,
                &json!({"doc": r.id, "mentions": r.mentions}),
            )?;
            mentions_out.write_all(b"\n")?;
        }
        pipeline::add_to_graph(&mut graph, &results);
    }
    mentions_out.flush()?;
    let graph_path = args.out.join("graph.json");
    write_json(&graph_path, &graph.to_node_link(&pipeline.graph_meta()))?;
    let summary = json!({
        "documents_read": loaded.documents.len() + loaded.failures.len(),
        "documents_processed": loaded.documents.len(),
        "documents_failed": loaded.failures.len(),
        "failures": loaded.failures,
        "mentions": mention_count,
        "relations": relation_count,
        "nodes": graph.nodes.len(),
        "links": graph.edges.len(),
    });
    write_json(&args.out.join("summary.json"), &summary)?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{} documents ({} failed), {} mentions, {} nodes, {} links; {} model tokens in {:.1} s",
        loaded.documents.len(),
        loaded.failures.len(),
        mention_count,
        graph.nodes.len(),
        graph.edges.len(),
        tokens,
        seconds
    );
    println!("graph written to {}", graph_path.display());
    println!("mentions written to {}", mentions_path.display());
    Ok(())
}

fn write_json(path: &Path, value: &Value) -> Result<()> {
    let mut out = BufWriter::new(
        File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
    );
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

fn emit_json(target: &Path, value: &Value) -> Result<()> {
    if target == Path::new("-") {
        println!("{}", serde_json::to_string_pretty(value)?);
        Ok(())
    } else {
        write_json(target, value)
    }
}

fn eval_conll(file: &Path, args: &ModelArgs, json_out: Option<PathBuf>) -> Result<()> {
    let docs = eval::conll::read(file).map_err(anyhow::Error::msg)?;
    if docs.is_empty() {
        bail!("{}: no sentences", file.display());
    }
    let pipeline = load_pipeline(args)?;
    let table = eval::conll::evaluate(&pipeline.ner, &docs)?;
    let value = json!({
        "file": file.display().to_string(),
        "model": pipeline.ner.model.dir.display().to_string(),
        "onnx": pipeline.ner.model.onnx_path.file_name().map(|n| n.to_string_lossy().into_owned()),
        "documents": docs.len(),
        "scores": table,
    });
    match json_out {
        Some(target) if target == Path::new("-") => emit_json(&target, &value)?,
        Some(target) => {
            emit_json(&target, &value)?;
            print!("{}", table.render("CoNLL entities"));
        }
        None => print!("{}", table.render("CoNLL entities")),
    }
    Ok(())
}

/// How `eval fixtures` runs, beyond the model and rules.
struct FixtureOptions {
    gold_entities: bool,
    graphs: Option<PathBuf>,
}

fn eval_fixtures(
    dir: &Path,
    args: &ModelArgs,
    rules: &RulesArgs,
    options: FixtureOptions,
    json_out: Option<PathBuf>,
) -> Result<()> {
    let FixtureOptions {
        gold_entities,
        graphs,
    } = options;
    let loaded = fixtures::load_dir(dir).map_err(anyhow::Error::msg)?;
    if let Some(g) = &graphs {
        std::fs::create_dir_all(g).with_context(|| format!("cannot create {}", g.display()))?;
    }
    let (pipeline, gold_rules) = if gold_entities {
        (None, Some(rules.load()?.unwrap_or_else(RuleSet::builtin)))
    } else {
        (Some(load_pipeline_with_rules(args, rules)?), None)
    };
    let mut total = fixtures::FixtureCounts::default();
    let mut per_fixture = BTreeMap::new();
    for f in &loaded {
        let doc = Document::new(f.fixture.id.clone(), f.text.clone());
        let results = match (&pipeline, &gold_rules) {
            (Some(p), _) => p.process(std::slice::from_ref(&doc))?.0,
            (None, Some(rules)) => {
                let resolved = fixtures::gold_resolved(&f.fixture, &doc.text);
                let mut offsets = CharOffsets::new(&doc.text);
                let relations = pipeline::relation_records(rules, &doc, &resolved, &mut offsets);
                vec![pipeline::DocResult {
                    id: doc.id.clone(),
                    mentions: Vec::new(),
                    resolved,
                    relations,
                }]
            }
            (None, None) => unreachable!("one of the two is loaded"),
        };
        let mut graph = Graph::default();
        pipeline::add_to_graph(&mut graph, &results);
        if let Some(g) = &graphs {
            let meta = BTreeMap::from([("fixture".to_string(), json!(f.fixture.id))]);
            write_json(
                &g.join(format!("{}.graph.json", f.fixture.id)),
                &graph.to_node_link(&meta),
            )?;
        }
        let counts = fixtures::score(&f.fixture, &graph);
        let (entities, relations) = counts.tables();
        per_fixture.insert(
            f.fixture.id.clone(),
            json!({"entities": entities, "relations": relations}),
        );
        total.add(&counts);
    }
    let (entities, relations): (Table, Table) = total.tables();
    let value = json!({
        "dir": dir.display().to_string(),
        "fixtures": loaded.len(),
        "entities_from": if gold_entities { "fixtures" } else { "model" },
        "entities": entities,
        "relations": relations,
        "per_fixture": per_fixture,
    });
    let table = format!(
        "{}\n{}",
        entities.render("entities"),
        relations.render("relations")
    );
    match json_out {
        Some(target) if target == Path::new("-") => emit_json(&target, &value)?,
        Some(target) => {
            emit_json(&target, &value)?;
            print!("{table}");
        }
        None => print!("{table}"),
    }
    Ok(())
}
