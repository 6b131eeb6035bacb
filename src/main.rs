//! The `newsgraph` command line: extract, merge, export, doctor, eval conll, eval ud, eval sentences, eval fixtures.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};

use newsgraph::analysis::conllu::{self, ConlluFile};
use newsgraph::analysis::ParserModel;
use newsgraph::eval::{self, fixtures, Table};
use newsgraph::export;
use newsgraph::graph::Graph;
use newsgraph::input::{self, Document, ReadOptions};
use newsgraph::ner::{Aggregation, LoadOptions, NerOptions, SessionLayout};
use newsgraph::pipeline::DocResult;

/// The parses of `extract --format conllu`.
const CONLLU_FILE: &str = "parses.conllu";
use newsgraph::pipeline::{self, ParseMode, Pipeline};
use newsgraph::relations::RuleSet;
use newsgraph::report::{self, ReportDocument};
use newsgraph::resolve::Gazetteer;
use newsgraph::runner::{self, BatchSink, Outcome, RunOptions, Shard};
use newsgraph::store::{self, Store, StoredDocument};
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
        NetworkX node-link JSON, plus GraphML, GEXF, Neo4j CSV, Cypher, DOT, Cytoscape.js or \
        an HTML report on request. Runs stream, resume after interruption, split into \
        shards and accumulate in an SQLite store."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract mentions and a graph from files, directories and archives, streamed in batches.
    Extract(ExtractArgs),
    /// Write a graph (graph.json or a store) in other tools' formats.
    Export(ExportArgs),
    /// Combine the output folders of `extract --shard K/N` runs into one: the graph a
    /// single run would give, summed summaries, concatenated mentions and problems.
    Merge(MergeArgs),
    /// Measure accuracy: on a CoNLL file or on hand-labelled fixtures.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Show where the model, rules, gazetteer and ONNX Runtime were found (loading the
    /// model and the library), and the command that fixes whatever is missing.
    Doctor,
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
    /// UPOS accuracy, UAS and LAS of the dependency parser on a CoNLL-U treebank, with its
    /// gold words (CoNLL 2018 shared task conventions: every word counts, punctuation
    /// included; LAS compares universal relations).
    Ud {
        /// A CoNLL-U file (e.g. ../shared/data/ud/en_ewt-ud-test.conllu).
        file: PathBuf,
        #[command(flatten)]
        parser: ParserArgs,
        /// Worker threads (default: RAYON_NUM_THREADS, else the number of cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Also write the parses as CoNLL-U to FILE (gold words, predicted tags and trees).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Write the scores as JSON to FILE (or stdout when no FILE is given).
        #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
        json: Option<PathBuf>,
    },
    /// Sentence-boundary precision, recall and F1 on a CoNLL-U file: each document's text is
    /// rebuilt from its `# text` lines (a space between sentences, a blank line between
    /// paragraphs) and split by the sentence splitter. No model is loaded.
    Sentences {
        /// A CoNLL-U file with `# text`, `# newdoc` and `# newpar` comments (UD EWT, GUM).
        file: PathBuf,
        /// Re-wrap every paragraph at N columns first, as plain-text archives are.
        #[arg(long, value_name = "N")]
        wrap: Option<usize>,
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
        /// Also list, per document, every missed gold entity and relation and every false
        /// predicted one (and the correct relations), with the sentence, the rule and its
        /// dependency path, and near misses. With --json the list is under "explain".
        #[arg(long)]
        explain: bool,
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
    /// Chunks per inference run. 1 (the default) makes each chunk's result independent of
    /// the other chunks (the int8 model quantises activations per run), so that shards and
    /// resumed runs give exactly the output of one run; it is also the fastest here.
    #[arg(long, default_value_t = 1)]
    batch_size: usize,
    /// Model window in tokens, special tokens included (default: the model's, 128 for the shipped one).
    #[arg(long)]
    max_tokens: Option<usize>,
    /// Worker threads (default: RAYON_NUM_THREADS, else the number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// One single-threaded session per worker, or one session shared by all workers.
    #[arg(long, value_enum, default_value_t = SessionLayout::PerWorker)]
    sessions: SessionLayout,
    /// Directory with countries.tsv and organisations.tsv replacing the built-in gazetteer.
    #[arg(long, value_name = "DIR")]
    gazetteer: Option<PathBuf>,
    #[command(flatten)]
    parser: ParserArgs,
    /// Which sentences the dependency parser reads: `relevant` (an entity and a word from
    /// data/analysis/parse_triggers.txt, or an entity, a word of attribution and a number;
    /// the others get tokens and lemmas only), `all`, or `none` (no parser loaded).
    /// `--format conllu` parses all.
    #[arg(long, value_enum, default_value_t = ParseMode::Relevant)]
    parse: ParseMode,
}

#[derive(Args, Clone)]
struct ParserArgs {
    /// Dependency parser model directory (config.json, tokenizer.json, ONNX weights).
    /// Default: the shipped parser in models/.
    #[arg(long, value_name = "DIR")]
    parser: Option<PathBuf>,
    /// ONNX file inside the parser directory (default: config's choice, then
    /// model.int8.onnx, then model.onnx).
    #[arg(long, value_name = "FILE")]
    parser_onnx: Option<String>,
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
    /// Files, directories (searched recursively) and archives: .txt, .md, .html, .jsonl,
    /// .csv, Reuters .sgm, and .gz, .tar, .tar.gz, .zip holding them.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output directory: mentions.jsonl, graph.json, summary.json, problems.jsonl, run.json.
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Documents per batch: bounds memory, not results.
    #[arg(long, default_value_t = 256)]
    docs_per_batch: usize,
    /// Process only slice K of N (1-based, such as 2/8), chosen by document id; combine
    /// the shards' output folders with `newsgraph merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Continue an interrupted run from the output folder's checkpoint.json.
    #[arg(long)]
    resume: bool,
    /// Seconds between checkpoints (0: after every batch).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    checkpoint_secs: u64,
    /// Never draw a progress bar, even on a terminal (log lines instead).
    #[arg(long)]
    no_progress: bool,
    /// Also write the graph in these formats (comma-separated) beside graph.json.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMAT")]
    format: Vec<OutputFormat>,
    /// Also add the documents to this SQLite store (created if missing): documents already
    /// stored (same text) are skipped before the model, nodes and edges merge with the stored ones.
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    rules: RulesArgs,
}

/// Every format `--format` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// NetworkX node-link JSON, graph.json (always written by extract).
    NodeLink,
    /// GraphML, graph.graphml (NetworkX, igraph, Gephi, yEd, Cytoscape).
    Graphml,
    /// GEXF 1.3, graph.gexf (Gephi, NetworkX).
    Gexf,
    /// Neo4j admin-import CSV: neo4j/nodes.csv, neo4j/relationships.csv, neo4j/import.sh.
    Neo4j,
    /// Cypher script for cypher-shell, graph.cypher.
    Cypher,
    /// Graphviz DOT, graph.dot.
    Dot,
    /// Cytoscape.js JSON, graph.cyjs.
    Cytoscape,
    /// One self-contained HTML page, report.html: the interactive graph, and each
    /// document's text with its entities and evidence (the first --report-docs documents).
    Html,
    /// Every graph format above and html (not conllu).
    All,
    /// extract only: every document's sentences as CoNLL-U, parses.conllu (tokens, lemmas,
    /// UPOS, dependency trees, character offsets and entities in MISC); parses every sentence.
    Conllu,
}

impl OutputFormat {
    fn wants_conllu(formats: &[OutputFormat]) -> bool {
        formats.contains(&OutputFormat::Conllu)
    }

    fn wants_html(formats: &[OutputFormat]) -> bool {
        formats
            .iter()
            .any(|f| matches!(f, OutputFormat::Html | OutputFormat::All))
    }

    fn exports(formats: &[OutputFormat]) -> Vec<export::Format> {
        let mut out: Vec<export::Format> = Vec::new();
        for f in formats {
            let add: &[export::Format] = match f {
                OutputFormat::NodeLink => &[export::Format::NodeLink],
                OutputFormat::Graphml => &[export::Format::Graphml],
                OutputFormat::Gexf => &[export::Format::Gexf],
                OutputFormat::Neo4j => &[export::Format::Neo4j],
                OutputFormat::Cypher => &[export::Format::Cypher],
                OutputFormat::Dot => &[export::Format::Dot],
                OutputFormat::Cytoscape => &[export::Format::Cytoscape],
                OutputFormat::All => export::Format::all(),
                OutputFormat::Html | OutputFormat::Conllu => &[],
            };
            for a in add {
                if !out.contains(a) {
                    out.push(*a);
                }
            }
        }
        out
    }
}

#[derive(Args, Clone)]
struct ReportArgs {
    /// --format html: documents whose text the report shows (the first ones, in input order).
    #[arg(long, default_value_t = 200, value_name = "N")]
    report_docs: usize,
    /// --format html: nodes drawn (the most mentioned; the others stay listed in the panel data).
    #[arg(long, default_value_t = report::Options::default().max_nodes, value_name = "N")]
    report_nodes: usize,
}

impl ReportArgs {
    fn write(
        &self,
        graph: &Graph,
        meta: &BTreeMap<String, Value>,
        documents: &[ReportDocument],
        left_out: usize,
        dir: &Path,
    ) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join("report.html");
        let page = report::Report {
            graph,
            meta,
            documents,
            documents_left_out: left_out,
        };
        let options = report::Options {
            max_nodes: self.report_nodes,
            ..report::Options::default()
        };
        report::write_with(&page, &options, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("html written to {}", path.display());
        Ok(())
    }
}

#[derive(Args)]
struct ExportArgs {
    /// A graph.json written by extract or merge.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "store",
        required_unless_present = "store"
    )]
    graph: Option<PathBuf>,
    /// An SQLite store written by `extract --store`.
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    /// Formats to write (comma-separated).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "FORMAT",
        required = true
    )]
    format: Vec<OutputFormat>,
    /// Output directory.
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Args)]
struct MergeArgs {
    /// Output folders of finished shard runs.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Output directory for the merged graph.json, summary.json, mentions.jsonl, problems.jsonl.
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Merge even when shards are missing (or a folder holds no finished shard): the
    /// result lists them in summary.json's missing_shards, and merge exits with status 3.
    #[arg(long)]
    allow_partial: bool,
}

#[derive(Args, Clone)]
struct ReadArgs {
    /// JSONL/CSV field holding the document id (default: file and line).
    #[arg(long, default_value = "id", value_name = "FIELD")]
    id_field: String,
    /// JSONL/CSV field holding the text.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    text_field: String,
    /// JSONL/CSV field holding the date; dates go onto the edges found in the document.
    #[arg(long, default_value = "date", value_name = "FIELD")]
    date_field: String,
    /// JSONL/CSV field holding the title.
    #[arg(long, default_value = "title", value_name = "FIELD")]
    title_field: String,
    /// Documents larger than this many bytes fail (with their reason) instead of being read.
    #[arg(long, default_value_t = 8 << 20, value_name = "BYTES")]
    max_doc_bytes: u64,
}

impl ReadArgs {
    fn options(&self) -> ReadOptions {
        ReadOptions {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            date_field: self.date_field.clone(),
            title_field: self.title_field.clone(),
            max_document_bytes: self.max_doc_bytes,
        }
    }
}

/// Exit statuses (README, "Exit status"): 0 done; 1 an error, the outputs are not
/// complete; 2 a bad command line (clap's); 3 done, but documents were lost (failed
/// inputs, or shards missing from a merge), listed in problems.jsonl / summary.json;
/// 130 interrupted, the checkpoint holds (`--resume`).
const EXIT_ERROR: i32 = 1;
const EXIT_LOST_DOCUMENTS: i32 = 3;
const EXIT_INTERRUPTED: i32 = 130;

/// How a command that finished ended.
enum Finished {
    Done,
    /// Outputs written, but without some documents (exit status 3).
    LostDocuments,
}

fn main() {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Finished::Done) => {}
        Ok(Finished::LostDocuments) => std::process::exit(EXIT_LOST_DOCUMENTS),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(EXIT_ERROR);
        }
    }
}

fn run(cli: Cli) -> Result<Finished> {
    let done = |r: Result<()>| r.map(|()| Finished::Done);
    match cli.command {
        Command::Extract(args) => extract(args),
        Command::Merge(args) => merge(args),
        Command::Export(args) => done(export_graph(args)),
        Command::Doctor => doctor(),
        Command::Eval(EvalCommand::Conll { file, model, json }) => {
            done(eval_conll(&file, &model, json))
        }
        Command::Eval(EvalCommand::Ud {
            file,
            parser,
            threads,
            output,
            json,
        }) => done(eval_ud(&file, &parser, threads, output, json)),
        Command::Eval(EvalCommand::Sentences { file, wrap, json }) => {
            done(eval_sentences(&file, wrap, json))
        }
        Command::Eval(EvalCommand::Fixtures {
            dir,
            model,
            rules,
            gold_entities,
            graphs,
            explain,
            json,
        }) => done(eval_fixtures(
            &dir,
            &model,
            &rules,
            FixtureOptions {
                gold_entities,
                graphs,
                explain,
            },
            json,
        )),
    }
}

fn doctor() -> Result<Finished> {
    let report = newsgraph::doctor::run();
    print!("{}", report.render());
    if !report.ok() {
        std::process::exit(EXIT_ERROR);
    }
    Ok(Finished::Done)
}

/// The pipeline with the rules of `rules` (read first, so that a bad file fails fast).
fn load_pipeline_with_rules(args: &ModelArgs, rules: &RulesArgs) -> Result<Pipeline> {
    let rules = rules.load()?;
    let pipeline = load_pipeline(args)?;
    let pipeline = match args.parse {
        ParseMode::None => pipeline,
        mode => {
            let dir = args
                .parser
                .parser
                .clone()
                .unwrap_or_else(pipeline::default_parser_dir);
            let parser = ParserModel::load(
                &dir,
                args.parser.parser_onnx.as_deref(),
                rayon::current_num_threads(),
            )
            .with_context(|| {
                format!(
                    "cannot load the parser from {} (`newsgraph doctor` shows where newsgraph \
                     looks and what to do; `--parse none` runs without it)",
                    dir.display()
                )
            })?;
            pipeline.with_parser(parser, mode)
        }
    };
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
    Pipeline::load(&dir, &load, options, gazetteer).with_context(|| {
        format!(
            "cannot load the model from {} (`newsgraph doctor` shows where newsgraph looks \
             and what to do)",
            dir.display()
        )
    })
}

fn extract(mut args: ExtractArgs) -> Result<Finished> {
    let started = Instant::now();
    if OutputFormat::wants_conllu(&args.format) {
        if args.model.parse == ParseMode::None {
            bail!("--format conllu writes the parses: it cannot run with --parse none");
        }
        // A CoNLL-U file with sentences left unparsed would be of little use.
        args.model.parse = ParseMode::All;
    }
    let pipeline = load_pipeline_with_rules(&args.model, &args.rules)?;
    let read_options = args.read.options();
    let options = RunOptions {
        docs_per_batch: args.docs_per_batch,
        shard: args.shard,
        resume: args.resume,
        checkpoint_every: Duration::from_secs(args.checkpoint_secs),
        fingerprint: fingerprint(&args, &pipeline)?,
        options_fingerprint: options_fingerprint(&args, &pipeline)?,
        progress_bar: !args.no_progress && std::io::stderr().is_terminal(),
        ..RunOptions::default()
    };
    // The bar's length and ETA come from a second, counting read of the inputs:
    // cheap next to the model, but not free, so only when a bar is drawn.
    let total_rx = options.progress_bar.then(|| {
        let (total_tx, total_rx) = std::sync::mpsc::channel();
        let inputs = args.inputs.clone();
        let read_options = read_options.clone();
        std::thread::spawn(move || total_tx.send(input::read(&inputs, &read_options).count()));
        total_rx
    });
    let mut sinks = Sinks {
        store: match &args.store {
            Some(path) => {
                let store = Store::open(path)?;
                let run_start = store.last_batch()?;
                Some(StoreSink {
                    store,
                    run_start,
                    taken: Default::default(),
                })
            }
            None => None,
        },
        report: OutputFormat::wants_html(&args.format).then(|| ReportSink {
            cap: args.report.report_docs,
            documents: Vec::new(),
            left_out: 0,
        }),
        conllu: if OutputFormat::wants_conllu(&args.format) {
            // Created empty here; a resumed run reopens it at its checkpoint's length.
            let path = args.out.join(CONLLU_FILE);
            std::fs::create_dir_all(&args.out)
                .with_context(|| format!("cannot create {}", args.out.display()))?;
            let resuming = args.resume && args.out.join(runner::CHECKPOINT_FILE).exists();
            let file = if resuming {
                // Kept whole until restore() cuts it back to the checkpoint's length.
                let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                ConlluFile::resume(&path, len)
            } else {
                ConlluFile::create(&path)
            }
            .with_context(|| format!("cannot write {}", path.display()))?;
            Some(ConlluSink { path, file })
        } else {
            None
        },
    };
    let stop = interrupt_flag()?;
    let items = input::read(&args.inputs, &read_options);
    let outcome = runner::run(
        &pipeline, items, total_rx, &args.out, &options, &mut sinks, stop,
    )?;
    let (graph, summary, resumed) = match outcome {
        Outcome::Complete {
            graph,
            summary,
            resumed,
        } => (graph, summary, resumed),
        Outcome::Interrupted { items_done } => {
            eprintln!(
                "interrupted after {items_done} inputs; the checkpoint is in {}. \
                 Run the same command with --resume to continue.",
                args.out.display()
            );
            std::process::exit(EXIT_INTERRUPTED);
        }
    };
    let graph_path = args.out.join("graph.json");
    let meta = pipeline.graph_meta();
    write_json(&graph_path, &graph.to_node_link(&meta))?;
    for format in OutputFormat::exports(&args.format) {
        if format != export::Format::NodeLink {
            for f in export::write(&graph, &meta, format, &args.out)? {
                println!("{} written to {}", format.name(), f.display());
            }
        }
    }
    if let Some(r) = &sinks.report {
        args.report
            .write(&graph, &meta, &r.documents, r.left_out, &args.out)?;
    }
    write_json(&args.out.join("summary.json"), &summary.to_json(&graph))?;
    if let Some(s) = &sinks.store {
        let stats = s.store.stats()?;
        println!(
            "store {}: {} documents, {} nodes, {} edges",
            s.store.path().display(),
            stats.documents,
            stats.nodes,
            stats.edges
        );
    }
    let seconds = started.elapsed().as_secs_f64();
    let run_info = json!({
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "threads": rayon::current_num_threads(),
        "documents_per_second": summary.documents_processed as f64 / seconds,
        "model_tokens_per_second": summary.model_tokens as f64 / seconds,
        "peak_rss_bytes": runner::peak_rss_bytes(),
        "resumed": resumed,
        "newsgraph": env!("CARGO_PKG_VERSION"),
    });
    write_json(&args.out.join("run.json"), &run_info)?;
    eprintln!(
        "{} inputs: {} processed, {} skipped, {} failed (reasons in {}); {} mentions, {} nodes, {} links; {} model tokens in {:.1} s",
        summary.documents_read,
        summary.documents_processed,
        summary.documents_skipped,
        summary.documents_failed,
        args.out.join(runner::PROBLEMS_FILE).display(),
        summary.mentions,
        graph.nodes.len(),
        graph.edges.len(),
        summary.model_tokens,
        seconds
    );
    println!("graph written to {}", graph_path.display());
    println!(
        "mentions written to {}",
        args.out.join(runner::MENTIONS_FILE).display()
    );
    Ok(if summary.lost_documents() {
        eprintln!(
            "{} documents failed and are not in the graph (reasons in {}): exit status {EXIT_LOST_DOCUMENTS}",
            summary.documents_failed,
            args.out.join(runner::PROBLEMS_FILE).display()
        );
        Finished::LostDocuments
    } else {
        Finished::Done
    })
}

/// Where batches go besides the output folder.
struct Sinks {
    store: Option<StoreSink>,
    report: Option<ReportSink>,
    conllu: Option<ConlluSink>,
}

/// `--format conllu`: parses.conllu, appended batch by batch.
struct ConlluSink {
    path: PathBuf,
    file: ConlluFile,
}

/// The documents the HTML report shows: the first `cap`, and how many more there were.
struct ReportSink {
    cap: usize,
    documents: Vec<ReportDocument>,
    left_out: usize,
}

/// The store a run adds to, and the last batch stored before the run began
/// (kept across --resume): documents stored by earlier runs are skipped,
/// documents this run stored after its last checkpoint are processed again
/// (for the output folder) and not stored twice.
struct StoreSink {
    store: Store,
    run_start: u64,
    /// Texts (by hash) this run has taken so far, and the id that took each: a
    /// later copy is skipped wherever the batch boundaries fall.
    taken: std::collections::HashMap<String, String>,
}

impl BatchSink for Sinks {
    fn skip(&mut self, doc: &Document) -> Result<Option<String>> {
        let Some(s) = &mut self.store else {
            return Ok(None);
        };
        let hash = Store::content_hash(&doc.text);
        if let Some(first) = s.taken.get(&hash) {
            return Ok(
                (*first != doc.id).then(|| format!("same text as {first}, earlier in this run"))
            );
        }
        if let Some((id, _)) = s.store.holder(&hash)? {
            // Stored by an earlier run (this run's documents are all in `taken`).
            return Ok(Some(format!("already in the store as {id}")));
        }
        if s.store.hash_of_id(&doc.id)?.is_some() {
            return Ok(Some(format!(
                "the store already holds another text under the id {}",
                doc.id
            )));
        }
        s.taken.insert(hash, doc.id.clone());
        Ok(None)
    }

    fn batch(&mut self, docs: &[Document], results: &[DocResult]) -> Result<()> {
        if let Some(s) = &mut self.store {
            let graphs: Vec<_> = results.iter().map(store::document_graph).collect();
            let stored: Vec<StoredDocument> = docs
                .iter()
                .zip(results)
                .zip(&graphs)
                .map(|((d, r), g)| StoredDocument {
                    id: &d.id,
                    text: &d.text,
                    meta: &d.meta,
                    mentions: &r.mentions,
                    graph: g,
                })
                .collect();
            s.store.add_batch(&stored)?;
        }
        if let Some(c) = &mut self.conllu {
            let mut text = String::new();
            for (d, res) in docs.iter().zip(results) {
                conllu::write_doc(&d.id, &d.text, &res.analysis, &mut text);
            }
            c.file
                .append(&text)
                .with_context(|| format!("cannot write {}", c.path.display()))?;
        }
        if let Some(r) = &mut self.report {
            for (d, res) in docs.iter().zip(results) {
                if r.documents.len() < r.cap {
                    r.documents.push(ReportDocument {
                        id: d.id.clone(),
                        text: d.text.clone(),
                        date: d.meta.get("date").cloned(),
                        mentions: res.mentions.clone(),
                    });
                } else {
                    r.left_out += 1;
                }
            }
        }
        Ok(())
    }

    fn state(&self) -> Value {
        json!({
            "store_run_start": self.store.as_ref().map(|s| s.run_start),
            "report": self.report.as_ref().map(|r| json!({"documents": r.documents, "left_out": r.left_out})),
            "conllu_bytes": self.conllu.as_ref().map(|c| c.file.len()),
        })
    }

    fn restore(&mut self, state: &Value) -> Result<()> {
        if let Some(s) = &mut self.store {
            s.run_start = state["store_run_start"].as_u64().context(
                "the checkpoint was made without --store; resume without it or start again",
            )?;
            s.taken = s.store.stored_after(s.run_start)?.into_iter().collect();
        }
        if let Some(r) = &mut self.report {
            let saved = &state["report"];
            r.documents = serde_json::from_value(saved["documents"].clone()).context(
                "the checkpoint was made without --format html; resume without it or start again",
            )?;
            r.left_out = saved["left_out"].as_u64().unwrap_or(0) as usize;
        }
        if let Some(c) = &mut self.conllu {
            let len = state["conllu_bytes"].as_u64().context(
                "the checkpoint was made without --format conllu; resume without it or start again",
            )?;
            c.file = ConlluFile::resume(&c.path, len)
                .with_context(|| format!("cannot reopen {}", c.path.display()))?;
        }
        Ok(())
    }
}

fn export_graph(args: ExportArgs) -> Result<()> {
    if OutputFormat::wants_conllu(&args.format) {
        bail!(
            "--format conllu needs the documents' parses, which a graph does not keep: \
             run `newsgraph extract INPUT... -o OUT --format conllu`"
        );
    }
    let mut documents = Vec::new();
    let mut left_out = 0;
    let (graph, meta) = match (&args.graph, &args.store) {
        (Some(path), _) => {
            let value = read_json_file(path)?;
            let graph = Graph::from_node_link(&value)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let mut meta: BTreeMap<String, Value> = value["graph"]
                .as_object()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .collect();
            meta.remove("name");
            meta.remove("documents");
            (graph, meta)
        }
        (None, Some(path)) => {
            if !path.exists() {
                bail!("no store at {}", path.display());
            }
            let store = Store::open_read_only(path)?;
            if OutputFormat::wants_html(&args.format) {
                let list = store.document_list()?;
                left_out = list.len().saturating_sub(args.report.report_docs);
                for info in list.into_iter().take(args.report.report_docs) {
                    if let Some(row) = store.document(&info.id)? {
                        documents.push(ReportDocument {
                            date: row.info.meta.get("date").cloned(),
                            id: row.info.id,
                            text: row.text,
                            mentions: row.mentions,
                        });
                    }
                }
            }
            (store.graph()?, BTreeMap::new())
        }
        (None, None) => bail!("give --graph FILE or --store FILE"),
    };
    for format in OutputFormat::exports(&args.format) {
        for f in export::write(&graph, &meta, format, &args.out)
            .with_context(|| format!("cannot write {}", args.out.display()))?
        {
            println!("{} written to {}", format.name(), f.display());
        }
    }
    if OutputFormat::wants_html(&args.format) {
        args.report
            .write(&graph, &meta, &documents, left_out, &args.out)?;
    }
    Ok(())
}

/// What a checkpoint must match to be continued: inputs, reading, shard, and
/// every setting that changes results (model, decoding, rules and gazetteer
/// contents).
fn fingerprint(args: &ExtractArgs, pipeline: &Pipeline) -> Result<String> {
    let inputs: Vec<String> = args
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let file_hash = |path: &Path| -> Result<String> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Store::content_hash(&String::from_utf8_lossy(&bytes)))
    };
    let rules = args.rules.rules.as_deref().map(file_hash).transpose()?;
    let gazetteer = match &args.model.gazetteer {
        Some(dir) => Some(
            ["countries.tsv", "organisations.tsv"]
                .iter()
                .map(|f| file_hash(&dir.join(f)))
                .collect::<Result<Vec<_>>>()?,
        ),
        None => None,
    };
    let m = &args.model;
    Ok(json!({
        "inputs": inputs,
        "read": [&args.read.id_field, &args.read.text_field, &args.read.date_field,
                 &args.read.title_field, &args.read.max_doc_bytes.to_string()],
        "shard": args.shard.map(|s| s.to_string()),
        "model": pipeline.ner.model.onnx_path.display().to_string(),
        "parser": pipeline.parser.as_ref().map(|p| p.onnx_path.display().to_string()),
        "parse": format!("{:?}", pipeline.parse),
        "decoding": [format!("{:?}", m.aggregation), m.batch_size.to_string(),
                     format!("{:?}", m.max_tokens)],
        "rules": rules,
        "gazetteer": gazetteer,
        "store": args.store.as_ref().map(|p| p.display().to_string()),
        "report": OutputFormat::wants_html(&args.format).then_some(args.report.report_docs),
        "newsgraph": env!("CARGO_PKG_VERSION"),
    })
    .to_string())
}

/// What shards must share to be merged (summary.json's `options_fingerprint`):
/// every setting that changes results, by content, not by where files are, so
/// that machines with the model in other places agree.
fn options_fingerprint(args: &ExtractArgs, pipeline: &Pipeline) -> Result<String> {
    let file_hash = |path: &Path| -> Result<String> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(runner::sha256_hex(&bytes))
    };
    let model = &pipeline.ner.model;
    let model_files = [
        model.onnx_path.clone(),
        model.dir.join("config.json"),
        model.dir.join("tokenizer.json"),
    ]
    .iter()
    .map(|p| file_hash(p))
    .collect::<Result<Vec<_>>>()?;
    let parser_files = match &pipeline.parser {
        Some(p) => [
            p.onnx_path.clone(),
            p.dir.join("config.json"),
            p.dir.join("tokenizer.json"),
        ]
        .iter()
        .map(|f| file_hash(f))
        .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let rules = match args.rules.rules.as_deref() {
        // The list files its lexicons read count too; a file without any hashes as before.
        Some(path) => pipeline.rules.list_texts.iter().try_fold(
            file_hash(path)?,
            |hash, text| -> Result<String> {
                Ok(runner::sha256_hex(
                    format!("{hash}{}", runner::sha256_hex(text.as_bytes())).as_bytes(),
                ))
            },
        )?,
        None => runner::sha256_hex(newsgraph::relations::rules::BUILTIN.as_bytes()),
    };
    let gazetteer = match &args.model.gazetteer {
        Some(dir) => ["countries.tsv", "organisations.tsv"]
            .iter()
            .map(|f| file_hash(&dir.join(f)))
            .collect::<Result<Vec<_>>>()?,
        None => vec!["built-in".to_string()],
    };
    let m = &args.model;
    let r = &args.read;
    let text = json!({
        "read": [&r.id_field, &r.text_field, &r.date_field, &r.title_field, r.max_doc_bytes.to_string()],
        "model": model_files,
        "parser": parser_files,
        "parse": format!("{:?}", pipeline.parse),
        "decoding": [format!("{:?}", m.aggregation), m.batch_size.to_string(), format!("{:?}", m.max_tokens)],
        "rules": rules,
        "gazetteer": gazetteer,
        "newsgraph": env!("CARGO_PKG_VERSION"),
    })
    .to_string();
    Ok(runner::sha256_hex(text.as_bytes()))
}

/// Ctrl-C asks the run to stop after the current batch and checkpoint; a
/// second Ctrl-C stops at once (the last checkpoint still holds).
fn interrupt_flag() -> Result<&'static AtomicBool> {
    static STOP: AtomicBool = AtomicBool::new(false);
    ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nstopping after this batch (Ctrl-C again to stop now)");
    })
    .context("cannot install the Ctrl-C handler")?;
    Ok(&STOP)
}

fn merge(args: MergeArgs) -> Result<Finished> {
    let out_canonical = std::fs::create_dir_all(&args.out)
        .and_then(|_| args.out.canonicalize())
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    // Every folder's summary first: the set is checked before anything is written.
    let mut shards: Vec<(PathBuf, runner::Summary)> = Vec::new();
    for dir in &args.shards {
        if dir.canonicalize().ok().as_ref() == Some(&out_canonical) {
            bail!(
                "{}: the output folder cannot also be a shard",
                dir.display()
            );
        }
        let [_, summary_path, _, _] = runner::shard_files(dir);
        let problem = if dir.join(runner::CHECKPOINT_FILE).exists() {
            Some(format!(
                "{} holds an unfinished run (checkpoint.json): finish it with --resume first",
                dir.display()
            ))
        } else {
            match read_json_file(&summary_path).and_then(|v| {
                serde_json::from_value::<runner::Summary>(v)
                    .with_context(|| format!("{}: not a newsgraph summary", summary_path.display()))
            }) {
                Ok(summary) => {
                    shards.push((dir.clone(), summary));
                    None
                }
                Err(e) => Some(format!(
                    "{} holds no finished shard ({e:#}); run it again",
                    dir.display()
                )),
            }
        };
        if let Some(problem) = problem {
            if args.allow_partial {
                eprintln!("warning: left out: {problem}");
            } else {
                bail!("{problem} (or merge without it: --allow-partial)");
            }
        }
    }
    let set = newsgraph::shards::check(&shards, args.allow_partial)?;
    let mut graph = Graph::default();
    let mut summary = runner::Summary::default();
    let mut meta: Option<serde_json::Map<String, Value>> = None;
    let mut mentions = BufWriter::new(File::create(args.out.join(runner::MENTIONS_FILE))?);
    let mut problems = BufWriter::new(File::create(args.out.join(runner::PROBLEMS_FILE))?);
    for (dir, shard_summary) in &shards {
        let [graph_path, _, mentions_path, problems_path] = runner::shard_files(dir);
        let value = read_json_file(&graph_path)?;
        let mut shard_meta = value
            .get("graph")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        shard_meta.remove("documents");
        match &meta {
            None => meta = Some(shard_meta),
            Some(m) if *m != shard_meta => bail!(
                "{} was made with another model than {} ({} vs {})",
                graph_path.display(),
                shards[0].0.display(),
                Value::Object(shard_meta),
                Value::Object(m.clone())
            ),
            Some(_) => {}
        }
        graph.merge(
            Graph::from_node_link(&value)
                .map_err(|e| anyhow::anyhow!("{}: {e}", graph_path.display()))?,
        );
        summary.add(shard_summary);
        for (from, to) in [
            (&mentions_path, &mut mentions),
            (&problems_path, &mut problems),
        ] {
            let mut f =
                File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
            std::io::copy(&mut f, to)?;
        }
    }
    mentions.flush()?;
    problems.flush()?;
    summary.input_fingerprint = set.input_fingerprint;
    summary.options_fingerprint = set.options_fingerprint;
    summary.missing_shards = set.missing;
    let mut meta: BTreeMap<String, Value> = meta.unwrap_or_default().into_iter().collect();
    meta.remove("name");
    let graph_path = args.out.join("graph.json");
    write_json(&graph_path, &graph.to_node_link(&meta))?;
    write_json(&args.out.join("summary.json"), &summary.to_json(&graph))?;
    eprintln!(
        "{} of {} shards: {} documents processed, {} skipped, {} failed; {} nodes, {} links",
        shards.len(),
        set.count,
        summary.documents_processed,
        summary.documents_skipped,
        summary.documents_failed,
        graph.nodes.len(),
        graph.edges.len()
    );
    println!("graph written to {}", graph_path.display());
    if !summary.missing_shards.is_empty() {
        eprintln!(
            "shards missing, their documents are not in the graph: {} (exit status {EXIT_LOST_DOCUMENTS})",
            summary.missing_shards.join(", ")
        );
    }
    if summary.documents_failed > 0 {
        eprintln!(
            "{} documents failed in the shards (reasons in {}): exit status {EXIT_LOST_DOCUMENTS}",
            summary.documents_failed,
            args.out.join(runner::PROBLEMS_FILE).display()
        );
    }
    Ok(if summary.lost_documents() {
        Finished::LostDocuments
    } else {
        Finished::Done
    })
}

fn read_json_file(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))
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
    print_scores(json_out, &value, &table.render("CoNLL entities"))
}

fn eval_ud(
    file: &Path,
    args: &ParserArgs,
    threads: Option<usize>,
    output: Option<PathBuf>,
    json_out: Option<PathBuf>,
) -> Result<()> {
    let gold = eval::conllu::read(file)?;
    if gold.is_empty() {
        bail!("{}: no sentences", file.display());
    }
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .ok();
    }
    let dir = args
        .parser
        .clone()
        .unwrap_or_else(newsgraph::pipeline::default_parser_dir);
    let parser = newsgraph::analysis::ParserModel::load(
        &dir,
        args.parser_onnx.as_deref(),
        rayon::current_num_threads(),
    )?;
    let (scores, parsed) = eval::ud::evaluate(&parser, &gold)?;
    if let Some(path) = output {
        let mut out = String::new();
        for (g, p) in gold.iter().zip(&parsed) {
            newsgraph::analysis::conllu::write_parsed(g, p, &mut out);
        }
        std::fs::write(&path, out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let value = json!({
        "file": file.display().to_string(),
        "parser": parser.dir.display().to_string(),
        "onnx": parser.onnx_path.file_name().map(|n| n.to_string_lossy().into_owned()),
        "scores": scores,
    });
    let table = format!(
        "UD parse of {} ({} sentences, {} words, gold tokenisation)\n  UPOS {:.2}  UAS {:.2}  LAS {:.2}  (LAS with full labels {:.2})\n",
        file.display(),
        scores.sentences,
        scores.words,
        scores.upos,
        scores.uas,
        scores.las,
        scores.las_full_labels
    );
    print_scores(json_out, &value, &table)
}

fn eval_sentences(file: &Path, wrap: Option<usize>, json_out: Option<PathBuf>) -> Result<()> {
    if wrap == Some(0) {
        bail!("--wrap needs at least one column");
    }
    let gold = eval::conllu::read(file)?;
    if gold.is_empty() {
        bail!("{}: no sentences", file.display());
    }
    let scores = eval::sentences::evaluate(&gold, wrap);
    let title = match wrap {
        Some(n) => format!("sentences, wrap {n}"),
        None => "sentences".to_string(),
    };
    let value = json!({
        "file": file.display().to_string(),
        "scores": scores,
    });
    print_scores(json_out, &value, &scores.table().render(&title))
}

/// Writes an eval command's scores: the JSON to `json_out` (`-` is stdout, and then the
/// table is left out so that stdout stays JSON), and the table to stdout otherwise.
fn print_scores(json_out: Option<PathBuf>, value: &Value, table: &str) -> Result<()> {
    match json_out {
        Some(target) if target == Path::new("-") => emit_json(&target, value)?,
        Some(target) => {
            emit_json(&target, value)?;
            print!("{table}");
        }
        None => print!("{table}"),
    }
    Ok(())
}

/// How `eval fixtures` runs, beyond the model and rules.
struct FixtureOptions {
    gold_entities: bool,
    graphs: Option<PathBuf>,
    explain: bool,
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
        explain,
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
    let mut explained = Vec::new();
    for f in &loaded {
        let doc = Document::new(f.fixture.id.clone(), f.text.clone());
        let results = match (&pipeline, &gold_rules) {
            (Some(p), _) => p.process(std::slice::from_ref(&doc))?.0,
            (None, Some(rules)) => {
                let resolved = fixtures::gold_resolved(&f.fixture, &doc.text);
                // The gold mentions stand in for NER's in the analysis.
                let gold: Vec<newsgraph::ner::Mention> = resolved
                    .entities
                    .iter()
                    .flat_map(|e| e.mentions.iter())
                    .map(|&span| newsgraph::ner::Mention {
                        span,
                        label: "GOLD".into(),
                        score: 1.0,
                    })
                    .collect();
                let analysis = newsgraph::analysis::analyse(&doc.text, &gold, None)
                    .with_context(|| format!("fixture {}", f.fixture.id))?;
                let mut offsets = CharOffsets::new(&doc.text);
                let relations =
                    pipeline::relation_records(rules, &doc, &analysis, &resolved, &mut offsets);
                vec![pipeline::DocResult {
                    id: doc.id.clone(),
                    mentions: Vec::new(),
                    resolved,
                    relations,
                    analysis,
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
        if explain {
            let resolved = results.first().map(|r| &r.resolved);
            explained.push(newsgraph::eval::explain::explain(
                &f.fixture, &f.text, &graph, resolved,
            ));
        }
        let (entities, relations) = counts.tables();
        per_fixture.insert(
            f.fixture.id.clone(),
            json!({"entities": entities, "relations": relations}),
        );
        total.add(&counts);
    }
    let (entities, relations): (Table, Table) = total.tables();
    let mut value = json!({
        "dir": dir.display().to_string(),
        "fixtures": loaded.len(),
        "entities_from": if gold_entities { "fixtures" } else { "model" },
        "entities": entities,
        "relations": relations,
        "per_fixture": per_fixture,
    });
    let mut table = format!(
        "{}\n{}",
        entities.render("entities"),
        relations.render("relations")
    );
    if explain {
        value["explain"] = serde_json::to_value(&explained)?;
        // The explanation first and the scores last, where a long listing ends.
        let text: String = explained.iter().map(|x| x.render() + "\n").collect();
        table = text + &table;
    }
    print_scores(json_out, &value, &table)
}
