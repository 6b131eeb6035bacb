//! The `newsgraph` command line: extract, merge, export, doctor, eval conll, eval ud, eval sentences, eval fixtures.
//!
//! Argument definitions and dispatch only: the argument types are in `cli::args`, each
//! command in its own `cli` module over the library.

mod cli;

use anyhow::Result;
use clap::{Parser, Subcommand};

use cli::args::{ExportArgs, ExtractArgs, MergeArgs};
use cli::eval::EvalCommand;
use cli::{Finished, EXIT_ERROR, EXIT_LOST_DOCUMENTS};

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
    /// Learn the relation model from the labelled corpus (its train part), with
    /// thresholds chosen on its dev part; writes DIR/model.json.
    TrainRelations(cli::train::TrainArgs),
    /// Show where the model, rules, gazetteer and ONNX Runtime were found (loading the
    /// model and the library), and the command that fixes whatever is missing.
    Doctor,
}

fn main() {
    // Before any thread starts: setting the environment is only sound while single-threaded.
    newsgraph::onnx::runtime::disable_telemetry();
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
        Command::Extract(args) => cli::extract::extract(args),
        Command::Merge(args) => cli::merge::merge(args),
        Command::Export(args) => done(cli::export::export_graph(args)),
        Command::Eval(command) => done(cli::eval::eval(command)),
        Command::TrainRelations(args) => done(cli::train::train(args)),
        Command::Doctor => doctor(),
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
