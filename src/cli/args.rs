//! The command line's argument types (clap), and how they map onto the library's types.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use newsgraph::export;
use newsgraph::input::ReadOptions;
use newsgraph::ner::{Aggregation, Backend, SessionLayout, MIN_WINDOW_TOKENS};
use newsgraph::pipeline::ParseMode;
use newsgraph::report;
use newsgraph::run::Shard;

/// A count of at least 1 (threads, batch sizes): 0 would do nothing, or wait forever.
pub fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// A byte count of at least 1.
fn at_least_one_byte(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// A model window of at least [`MIN_WINDOW_TOKENS`] tokens.
fn window_tokens(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n < MIN_WINDOW_TOKENS => Err(format!(
            "a window of {n} tokens is too small: at least {MIN_WINDOW_TOKENS} \
             (special tokens included)"
        )),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Args, Clone)]
pub struct ModelArgs {
    /// Model directory (config.json, tokenizer.json, model.onnx or model.int8.onnx).
    /// Default: the shipped model in models/.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// ONNX file inside the model directory (default: config's choice, then model.int8.onnx, then model.onnx).
    #[arg(long, value_name = "FILE")]
    pub onnx: Option<String>,
    /// What runs the NER encoder: ONNX Runtime, or rust-bert on libtorch (a build with the
    /// `rust-bert` feature, and the model directory's rust_model.ot).
    #[arg(long, value_enum, default_value_t = BackendArg::Onnx)]
    pub backend: BackendArg,
    /// How subword labels become word labels.
    #[arg(long, value_enum, default_value_t = AggregationArg::First)]
    pub aggregation: AggregationArg,
    /// Chunks per inference run. 1 (the default) makes each chunk's result independent of
    /// the other chunks (the int8 model quantises activations per run), so that shards and
    /// resumed runs give exactly the output of one run; it is also the fastest here.
    #[arg(long, default_value_t = 1, value_parser = at_least_one)]
    pub batch_size: usize,
    /// Model window in tokens, special tokens included (default: the model's, 128 for the shipped one).
    #[arg(long, value_parser = window_tokens)]
    pub max_tokens: Option<usize>,
    /// Worker threads (default: RAYON_NUM_THREADS, else the number of cores).
    #[arg(long, value_parser = at_least_one)]
    pub threads: Option<usize>,
    /// One single-threaded session per worker, or one session shared by all workers.
    #[arg(long, value_enum, default_value_t = SessionsArg::PerWorker)]
    pub sessions: SessionsArg,
    /// Directory with countries.tsv and organisations.tsv replacing the built-in gazetteer.
    #[arg(long, value_name = "DIR")]
    pub gazetteer: Option<PathBuf>,
    #[command(flatten)]
    pub parser: ParserArgs,
    /// Which sentences the dependency parser reads: `relevant` (an entity and a word a
    /// syntax rule of the loaded rules can trigger on, with a number for a figure relation;
    /// the others get tokens and lemmas only), `all`, or `none` (no parser loaded).
    /// `--format conllu` parses all.
    #[arg(long, value_enum, default_value_t = ParseArg::Relevant)]
    pub parse: ParseArg,
}

#[derive(Args, Clone)]
pub struct ParserArgs {
    /// Dependency parser model directory (config.json, tokenizer.json, ONNX weights).
    /// Default: $NEWSGRAPH_PARSER, else the shipped parser in models/. The NER model's own
    /// directory (models/newsgraph-minilm) gives its parse head, which reads the states of
    /// the NER run: one encoder pass for both.
    #[arg(long, value_name = "DIR")]
    pub parser: Option<PathBuf>,
    /// ONNX file inside the parser directory (default: config's choice, then
    /// model.int8.onnx, then model.onnx).
    #[arg(long, value_name = "FILE")]
    pub parser_onnx: Option<String>,
}

#[derive(Args, Clone)]
pub struct RulesArgs {
    /// Relation rules file (TOML: lexicons, patterns, cues; see rules/relations.toml)
    /// replacing the built-in rules.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Where relation edges come from: the rules, the learned relation model, or both
    /// (every rule edge, and every model edge at or above its threshold).
    #[arg(long, value_enum, default_value_t = RelationsArg::Both)]
    pub relations: RelationsArg,
    /// The learned relation model (a directory holding model.json); default: the shipped
    /// models/newsgraph-relations, or $NEWSGRAPH_RELATION_MODEL.
    #[arg(long, value_name = "DIR")]
    pub relation_model: Option<PathBuf>,
    /// The least model score (0 to 1) that makes an edge, for every type, instead of the
    /// model's own thresholds (chosen on the dev part of the labelled corpus). Higher:
    /// fewer, surer edges.
    #[arg(long, value_name = "SCORE", value_parser = score_in_unit)]
    pub relation_threshold: Option<f64>,
}

/// Where relation edges come from ([`newsgraph::relations::RelationSource`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RelationsArg {
    Rules,
    Model,
    Both,
}

impl From<RelationsArg> for newsgraph::relations::RelationSource {
    fn from(a: RelationsArg) -> Self {
        match a {
            RelationsArg::Rules => Self::Rules,
            RelationsArg::Model => Self::Model,
            RelationsArg::Both => Self::Both,
        }
    }
}

fn score_in_unit(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err("a score is between 0 and 1".into())
    }
}

/// How the labels of a word's subword tokens become one label for the word
/// ([`Aggregation`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AggregationArg {
    /// The first subword's label.
    First,
    /// Probabilities averaged over the word's subwords.
    Average,
    /// The subword with the most confident label.
    Max,
}

impl From<AggregationArg> for Aggregation {
    fn from(a: AggregationArg) -> Self {
        match a {
            AggregationArg::First => Aggregation::First,
            AggregationArg::Average => Aggregation::Average,
            AggregationArg::Max => Aggregation::Max,
        }
    }
}

/// What runs the NER encoder ([`Backend`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// ONNX Runtime (the model directory's ONNX weights).
    Onnx,
    /// rust-bert on libtorch (rust_model.ot; needs a build with `--features rust-bert`).
    RustBert,
}

impl From<BackendArg> for Backend {
    fn from(b: BackendArg) -> Self {
        match b {
            BackendArg::Onnx => Backend::Onnx,
            BackendArg::RustBert => Backend::RustBert,
        }
    }
}

/// How sessions are laid out over the worker threads ([`SessionLayout`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SessionsArg {
    /// One single-threaded session per rayon worker.
    PerWorker,
    /// One session shared by all workers, using all threads inside each run.
    Shared,
}

impl From<SessionsArg> for SessionLayout {
    fn from(s: SessionsArg) -> Self {
        match s {
            SessionsArg::PerWorker => SessionLayout::PerWorker,
            SessionsArg::Shared => SessionLayout::Shared,
        }
    }
}

/// Which sentences the analysis stage parses ([`ParseMode`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ParseArg {
    /// Only the sentences that can hold a relation (`analysis::relevant`): an entity and a
    /// trigger word, or an entity, a word of attribution and a number. The others get
    /// tokens and lemmas, no tree.
    Relevant,
    /// Every sentence (what `--format conllu` needs).
    All,
    /// None: no parser is loaded.
    None,
}

impl From<ParseArg> for ParseMode {
    fn from(p: ParseArg) -> Self {
        match p {
            ParseArg::Relevant => ParseMode::Relevant,
            ParseArg::All => ParseMode::All,
            ParseArg::None => ParseMode::None,
        }
    }
}

#[derive(Args)]
pub struct ExtractArgs {
    /// Files, directories (searched recursively) and archives: .txt, .md, .html, .jsonl,
    /// .csv, Reuters .sgm, and .gz, .tar, .tar.gz, .zip holding them.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output directory: mentions.jsonl, graph.json, summary.json, problems.jsonl, run.json.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Documents per batch: bounds memory, not results.
    #[arg(long, default_value_t = 256, value_parser = at_least_one)]
    pub docs_per_batch: usize,
    /// Document ids kept per node in graph.json (its first, by id); `documents` counts
    /// them all, mentions.jsonl and the store list them all.
    #[arg(long, default_value_t = newsgraph::graph::Limits::DEFAULT.docs_per_node, value_name = "N", value_parser = at_least_one)]
    pub docs_per_node: usize,
    /// Pieces of evidence kept per edge in graph.json (its first, in evidence order);
    /// `evidence_count` counts them all, the store keeps them all.
    #[arg(long, default_value_t = newsgraph::graph::Limits::DEFAULT.evidence_per_edge, value_name = "N", value_parser = at_least_one)]
    pub evidence_per_edge: usize,
    /// Process only slice K of N (1-based, such as 2/8), chosen by document id; combine
    /// the shards' output folders with `newsgraph merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Join each acronym node to the long form another document of the run defines
    /// (the run-wide acronym table, docs/IDENTITY.md). Off by default: judged on a full
    /// Reuters-21578 run, too many such joins were wrong (tickers, units, other bodies
    /// with the same letters). A shard never joins; `merge --join-acronyms` does.
    #[arg(long)]
    pub join_acronyms: bool,
    /// Continue an interrupted run from the output folder's checkpoint.json (refused if
    /// an input file changed since the run began).
    #[arg(long)]
    pub resume: bool,
    /// Write into an output folder that holds an earlier run (finished or not): its files
    /// are deleted first. Without it, the folder must be empty or new.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Seconds between checkpoints (0: after every batch).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub checkpoint_secs: u64,
    /// Never draw a progress bar, even on a terminal (log lines instead).
    #[arg(long)]
    pub no_progress: bool,
    /// Also write the graph in these formats (comma-separated) beside graph.json.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMAT")]
    pub format: Vec<OutputFormat>,
    /// Also add the documents to this SQLite store (created if missing): documents already
    /// stored (same text) are skipped before the model, nodes and edges merge with the stored ones.
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
}

impl ExtractArgs {
    /// Every input named on the command line exists (a link counts, even a broken one:
    /// the reader reports it): a mistyped path is a bad command line (exit status 2), not
    /// a lost document found at the end of a run.
    pub fn check_inputs(&self) -> Result<(), clap::Error> {
        let missing = |p: &&PathBuf| matches!(p.symlink_metadata(), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        match self.inputs.iter().find(missing) {
            Some(missing) => Err(clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("input not found: {}\n", missing.display()),
            )),
            None => Ok(()),
        }
    }
}

/// Every format `--format` takes: the graph formats of [`export::Format`] (by their
/// names and descriptions there), and the outputs that are not a graph format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Graph(export::Format),
    /// One self-contained HTML page, report.html.
    Html,
    /// Every graph format and html (not conllu).
    All,
    /// extract only: every document's sentences as CoNLL-U, parses.conllu.
    Conllu,
}

/// The formats in the order `--help` lists them.
static OUTPUT_FORMATS: std::sync::LazyLock<Vec<OutputFormat>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<OutputFormat> = export::Format::all()
        .iter()
        .map(|f| OutputFormat::Graph(*f))
        .collect();
    all.extend([OutputFormat::Html, OutputFormat::All, OutputFormat::Conllu]);
    all
});

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &OUTPUT_FORMATS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let (name, help) = match self {
            OutputFormat::Graph(f) => (f.name(), f.description()),
            OutputFormat::Html => (
                "html",
                "One self-contained HTML page, report.html: the interactive graph, and each \
                 document's text with its entities and evidence (the first --report-docs documents)",
            ),
            OutputFormat::All => ("all", "Every graph format above and html (not conllu)"),
            OutputFormat::Conllu => (
                "conllu",
                "extract only: every document's sentences as CoNLL-U, parses.conllu (tokens, \
                 lemmas, UPOS, dependency trees, character offsets and entities in MISC); parses \
                 every sentence",
            ),
        };
        Some(clap::builder::PossibleValue::new(name).help(help))
    }
}

impl OutputFormat {
    pub fn wants_conllu(formats: &[OutputFormat]) -> bool {
        formats.contains(&OutputFormat::Conllu)
    }

    pub fn wants_html(formats: &[OutputFormat]) -> bool {
        formats
            .iter()
            .any(|f| matches!(f, OutputFormat::Html | OutputFormat::All))
    }

    /// The graph formats asked for, each once, in the order asked.
    pub fn exports(formats: &[OutputFormat]) -> Vec<export::Format> {
        let mut out: Vec<export::Format> = Vec::new();
        for f in formats {
            let add: &[export::Format] = match f {
                OutputFormat::Graph(g) => std::slice::from_ref(g),
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
pub struct ReportArgs {
    /// --format html: documents whose text the report shows (the first ones, in input order).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub report_docs: usize,
    /// --format html: nodes drawn (the most mentioned; the others stay listed in the panel data).
    #[arg(long, default_value_t = report::Options::default().max_nodes, value_name = "N")]
    pub report_nodes: usize,
}

#[derive(Args)]
pub struct ExportArgs {
    /// A graph.json written by extract or merge.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "store",
        required_unless_present = "store"
    )]
    pub graph: Option<PathBuf>,
    /// An SQLite store written by `extract --store`.
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
    /// Formats to write (comma-separated).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "FORMAT",
        required = true
    )]
    pub format: Vec<OutputFormat>,
    /// Output directory.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write into a folder that holds a newsgraph run (extract's rule): its files are
    /// deleted first. Without it, such a folder is refused.
    #[arg(long)]
    pub force: bool,
    /// The relation rules the graph was made with (extract's --rules): how DOT and the
    /// report draw each relation (direction, colour). Default: the built-in rules.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// With --store: join acronym nodes by the store's run-wide acronym table, as
    /// `extract --join-acronyms` does (a graph.json is exported as it was written).
    #[arg(long, requires = "store")]
    pub join_acronyms: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args)]
pub struct MergeArgs {
    /// Output folders of finished shard runs.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Output directory for the merged graph.json, summary.json, mentions.jsonl, problems.jsonl.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Merge even when shards are missing (or a folder holds no finished shard): the
    /// result lists them in summary.json's missing_shards, and merge exits with status 3.
    #[arg(long)]
    pub allow_partial: bool,
    /// Write into an output folder that holds an earlier run or merge: its files are
    /// deleted first. Without it, the folder must be empty or new.
    #[arg(long)]
    pub force: bool,
    /// Join acronym nodes by the shards' run-wide acronym table, as `extract
    /// --join-acronyms` does for a whole run.
    #[arg(long)]
    pub join_acronyms: bool,
}

#[derive(Args, Clone)]
pub struct ReadArgs {
    /// JSONL/CSV field holding the document id (default: file and line).
    #[arg(long, default_value = "id", value_name = "FIELD")]
    pub id_field: String,
    /// JSONL/CSV field holding the text.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    pub text_field: String,
    /// JSONL/CSV field holding the date; dates go onto the edges found in the document.
    #[arg(long, default_value = "date", value_name = "FIELD")]
    pub date_field: String,
    /// JSONL/CSV field holding the title.
    #[arg(long, default_value = "title", value_name = "FIELD")]
    pub title_field: String,
    /// Documents larger than this many bytes fail (with their reason) instead of being read.
    #[arg(long, default_value_t = 8 << 20, value_name = "BYTES", value_parser = at_least_one_byte)]
    pub max_doc_bytes: u64,
}

impl ReadArgs {
    pub fn options(&self) -> ReadOptions {
        ReadOptions {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            date_field: self.date_field.clone(),
            title_field: self.title_field.clone(),
            max_document_bytes: self.max_doc_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_graph_format_is_taken_by_its_library_name() {
        for f in export::Format::all() {
            let value = OutputFormat::Graph(*f).to_possible_value().unwrap();
            assert_eq!(value.get_name(), f.name());
            assert_eq!(
                OutputFormat::from_str(f.name(), false),
                Ok(OutputFormat::Graph(*f))
            );
        }
        assert_eq!(
            OutputFormat::exports(&[OutputFormat::Html, OutputFormat::All]),
            export::Format::all()
        );
    }
}
