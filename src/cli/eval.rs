//! `newsgraph eval`: its subcommands' arguments, dispatch, and each measurement (CoNLL, UD, sentences, fixtures) printed as a table or JSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use serde_json::{json, Value};

use newsgraph::eval::{self, fixtures, Table};
use newsgraph::graph::Graph;
use newsgraph::input::Document;
use newsgraph::output::write_json;
use newsgraph::pipeline;
use newsgraph::relations::RuleSet;

use super::args::{ModelArgs, ParserArgs, RulesArgs};
use super::emit_json;
use super::load::{load_pipeline, load_pipeline_with_rules};

#[derive(Subcommand)]
pub enum EvalCommand {
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
        #[arg(long, value_parser = super::args::at_least_one)]
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
        /// the model: scores the relation rules alone. No NER model is loaded; the parser is.
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

/// Runs one eval subcommand.
pub fn eval(command: EvalCommand) -> Result<()> {
    match command {
        EvalCommand::Conll { file, model, json } => eval_conll(&file, &model, json),
        EvalCommand::Ud {
            file,
            parser,
            threads,
            output,
            json,
        } => eval_ud(&file, &parser, threads, output, json),
        EvalCommand::Sentences { file, wrap, json } => eval_sentences(&file, wrap, json),
        EvalCommand::Fixtures {
            dir,
            model,
            rules,
            gold_entities,
            graphs,
            explain,
            json,
        } => eval_fixtures(
            &dir,
            &model,
            &rules,
            FixtureOptions {
                gold_entities,
                graphs,
                explain,
            },
            json,
        ),
    }
}

fn eval_conll(file: &Path, args: &ModelArgs, json_out: Option<PathBuf>) -> Result<()> {
    let docs = eval::conll::read(file)?;
    if docs.is_empty() {
        bail!("{}: no sentences", file.display());
    }
    let pipeline = load_pipeline(args)?;
    let table = eval::conll::evaluate(&pipeline.ner, &docs)?;
    let value = json!({
        "file": file.display().to_string(),
        "model": pipeline.ner.model.dir.display().to_string(),
        "backend": pipeline.ner.model.backend.as_str(),
        "weights": pipeline.ner.model.weights_path.file_name().map(|n| n.to_string_lossy().into_owned()),
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
    let gold = newsgraph::analysis::conllu::read(file)?;
    if gold.is_empty() {
        bail!("{}: no sentences", file.display());
    }
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .ok();
    }
    let parser = pipeline::Parser::load(
        args.parser.as_deref(),
        args.parser_onnx.as_deref(),
        None,
        rayon::current_num_threads(),
    )?;
    let (scores, parsed) = eval::ud::evaluate(parser.as_dyn(), &gold)?;
    if let Some(path) = output {
        let mut out = String::new();
        for (g, p) in gold.iter().zip(&parsed) {
            newsgraph::analysis::conllu::write_parsed(g, p, &mut out);
        }
        std::fs::write(&path, out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let value = json!({
        "file": file.display().to_string(),
        "parser": parser.dir().display().to_string(),
        "onnx": parser.onnx_path().file_name().map(|n| n.to_string_lossy().into_owned()),
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
    let gold = newsgraph::analysis::conllu::read(file)?;
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
    let rules_args = rules;
    let loaded = fixtures::load_dir(dir)?;
    if let Some(g) = &graphs {
        std::fs::create_dir_all(g).with_context(|| format!("cannot create {}", g.display()))?;
    }
    let (pipeline, gold_rules) = if gold_entities {
        let rules = rules
            .rules
            .as_deref()
            .map(pipeline::read_rules)
            .transpose()?;
        // The gold entities replace NER only: the parser still runs, so that syntax rules
        // are measured too.
        let parser = pipeline::Parser::load(
            args.parser.parser.as_deref(),
            args.parser.parser_onnx.as_deref(),
            None,
            1,
        )
        .context("cannot load the parser model (--parser DIR)")?;
        (
            None,
            Some((rules.map_or_else(RuleSet::builtin, |r| r.value), parser)),
        )
    } else {
        (Some(load_pipeline_with_rules(args, rules)?), None)
    };
    // Which relation types are directed and which credit figures: the loaded rules say.
    let rules: &RuleSet = match (&pipeline, &gold_rules) {
        (Some(p), _) => &p.rules,
        (None, Some((rules, _))) => rules,
        (None, None) => unreachable!("one of the two is loaded"),
    };
    let gold_model = if gold_entities {
        super::load::relation_model(rules_args)?
    } else {
        None
    };
    let mut total = fixtures::FixtureCounts::default();
    let mut per_fixture = BTreeMap::new();
    let mut explained = Vec::new();
    for f in &loaded {
        let doc = Document::new(f.fixture.id.clone(), f.text.clone());
        let results = match (&pipeline, &gold_rules) {
            (Some(p), _) => p.process(std::slice::from_ref(&doc))?.0,
            (None, Some((rules, parser))) => {
                let resolved = fixtures::gold_resolved(&f.fixture, &doc.text);
                vec![pipeline::result_with_entities(
                    rules,
                    newsgraph::relations::Learned {
                        model: gold_model.as_ref().map(|m| &m.value),
                        source: rules_args.relations.into(),
                        threshold: rules_args.relation_threshold,
                    },
                    &doc,
                    resolved,
                    Some(parser.as_dyn()),
                )
                .with_context(|| format!("fixture {}", f.fixture.id))?]
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
        let counts = fixtures::score(&f.fixture, &graph, rules);
        if explain {
            let resolved = results.first().map(|r| &r.resolved);
            explained.push(eval::explain::explain(
                &f.fixture, &f.text, &graph, resolved, rules,
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
