//! `newsgraph extract`: the pipeline over the inputs into an output folder (and a store), through the library's run.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::json;

use newsgraph::export;
use newsgraph::graph::{AcronymJoins, Limits, RelationKinds};
use newsgraph::input;
use newsgraph::output::{Claim, OutputDir, RunInfo, CONLLU_FILE};
use newsgraph::pipeline::{ParseMode, Pipeline};
use newsgraph::report::ReportSink;
use newsgraph::run::{ConlluSink, Outcome, Run, RunFiles, RunOptions};
use newsgraph::store::{Store, StoreSink};

use super::args::{ExtractArgs, OutputFormat, ParseArg};
use super::export::write_html;
use super::load::load_pipeline_with_rules;
use super::progress::Terminal;
use super::{Finished, EXIT_INTERRUPTED, EXIT_LOST_DOCUMENTS};

pub fn extract(mut args: ExtractArgs) -> Result<Finished> {
    let started = Instant::now();
    if let Err(e) = args.check_inputs() {
        e.exit();
    }
    // The same file named twice, or a path inside a folder also named, is one input.
    let (inputs, notes) = input::distinct(&args.inputs);
    for note in notes {
        eprintln!("{note}");
    }
    args.inputs = inputs;
    if OutputFormat::wants_conllu(&args.format) {
        if args.model.parse == ParseArg::None {
            bail!("--format conllu writes the parses: it cannot run with --parse none");
        }
        // A CoNLL-U file with sentences left unparsed would be of little use.
        args.model.parse = ParseArg::All;
    }
    let pipeline = load_pipeline_with_rules(&args.model, &args.rules)?;
    let read_options = args.read.options();
    let claim = match (args.force, args.resume) {
        (true, _) => Claim::Replace,
        (false, true) => Claim::Resume,
        (false, false) => Claim::New,
    };
    // Taken once the model has loaded: a bad option must not cost the folder's old run.
    let (out, resume) = OutputDir::claim(&args.out, claim)?;
    let limits = Limits {
        docs_per_node: args.docs_per_node,
        evidence_per_edge: args.evidence_per_edge,
    };
    let options_fingerprint = pipeline.options_fingerprint(&read_options, limits);
    let not_input: Vec<std::path::PathBuf> =
        args.store.as_deref().map(Store::files).unwrap_or_default();
    let options = RunOptions {
        docs_per_batch: args.docs_per_batch,
        shard: args.shard,
        resume,
        checkpoint_every: Duration::from_secs(args.checkpoint_secs),
        fingerprint: resume_fingerprint(
            &args,
            &pipeline,
            pipeline.options_settings(&read_options, limits),
        ),
        options_fingerprint,
        // Canonical: a resume does not depend on how an input is spelled.
        inputs: args.inputs.iter().map(|p| canonical(p)).collect(),
        not_input: not_input.clone(),
        ..RunOptions::default()
    };
    if args.resume && !resume {
        eprintln!(
            "no checkpoint in {}: starting from the beginning",
            out.path().display()
        );
    }
    let mut files = RunFiles::new(&out);
    files.graph.set_limits(limits);
    if let Some(path) = args.store.as_deref().filter(|p| resume && !p.exists()) {
        bail!(
            "{}: no such store, and the run to resume wrote to it: put it back and resume, \
             or start again with --force",
            path.display()
        );
    }
    let mut store = args
        .store
        .as_deref()
        .map(Store::open)
        .transpose()?
        .map(StoreSink::new);
    let mut report =
        OutputFormat::wants_html(&args.format).then(|| ReportSink::new(args.report.report_docs));
    let mut conllu =
        OutputFormat::wants_conllu(&args.format).then(|| ConlluSink::new(out.file(CONLLU_FILE)));
    // The output folder may lie inside an input folder: it is no input.
    // So may the store and its side files: they are no input either.
    let mut items = input::read(&args.inputs, &read_options).skipping(out.path());
    for file in &not_input {
        items = items.skipping(file);
    }
    // The ETA compares bytes read with the files' sizes: no second read to count.
    let mut progress = Terminal::new(
        !args.no_progress && std::io::stderr().is_terminal(),
        items.bytes_read(),
        input::total_bytes(&args.inputs),
    );
    let stop = interrupt_flag(progress.bar())?;
    let mut run = Run::new(&pipeline, options)
        .checkpoint_in(&out)
        .progress(&mut progress)
        .stop_on(stop)
        .sink(&mut files.mentions)
        .sink(&mut files.graph);
    if let Some(s) = &mut store {
        run = run.sink(s);
    }
    if let Some(c) = &mut conllu {
        run = run.sink(c);
    }
    if let Some(r) = &mut report {
        run = run.sink(r);
    }
    let outcome = run.sink(&mut files.problems).run(items)?;
    let (summary, resumed, this_process) = match outcome {
        Outcome::Complete {
            summary,
            resumed,
            this_process,
        } => (summary, resumed, this_process),
        Outcome::Interrupted { items_done } => {
            eprintln!(
                "interrupted after {items_done} inputs; the checkpoint is in {}. \
                 Run the same command with --resume to continue.",
                out.path().display()
            );
            std::process::exit(EXIT_INTERRUPTED);
        }
    };
    // Every final file is written whole or not at all, summary.json last: it marks the run
    // finished, and the checkpoint goes only after it.
    // Asked for, a whole run's graph joins the run-wide acronym table. A shard's stays
    // unjoined, for `merge` to join from every shard's definitions (docs/IDENTITY.md).
    let mut graph = files.graph.into_graph();
    if args.join_acronyms && args.shard.is_none() {
        report_joins(graph.join_acronyms());
    }
    let meta = pipeline.graph_meta();
    let kinds = RelationKinds::from_rules(&pipeline.rules);
    let graph_path = out.write_graph(&graph, &meta)?;
    for format in OutputFormat::exports(&args.format) {
        if format != export::Format::NodeLink {
            for f in export::write(&graph, &meta, &kinds, format, out.path())? {
                println!("{} written to {}", format.name(), f.display());
            }
        }
    }
    if let Some(r) = &report {
        write_html(
            &args.report,
            &graph,
            &meta,
            &kinds,
            r.documents(),
            r.left_out(),
            out.path(),
        )?;
    }
    if let Some(s) = &store {
        let stats = s.store().stats()?;
        println!(
            "store {}: {} documents, {} nodes, {} edges",
            s.store().path().display(),
            stats.documents,
            stats.nodes,
            stats.edges
        );
    }
    let seconds = started.elapsed().as_secs_f64();
    out.write_run_info(&RunInfo {
        seconds: (seconds * 1000.0).round() / 1000.0,
        threads: rayon::current_num_threads(),
        documents_per_second: this_process.documents_processed as f64 / seconds,
        model_tokens_per_second: this_process.model_tokens as f64 / seconds,
        peak_rss_bytes: peak_rss_bytes(),
        resumed,
        documents_processed: this_process.documents_processed,
        newsgraph: env!("CARGO_PKG_VERSION"),
    })?;
    out.write_summary(&summary.to_json(&graph))?;
    out.finish_run()?;
    eprintln!(
        "{} inputs: {} processed, {} skipped, {} failed (reasons in {}); {} mentions, {} nodes, {} links; {} model tokens in {:.1} s",
        summary.documents_read,
        summary.documents_processed,
        summary.documents_skipped,
        summary.documents_failed,
        out.problems_path().display(),
        summary.mentions,
        graph.nodes.len(),
        graph.edges.len(),
        summary.model_tokens,
        seconds
    );
    println!("graph written to {}", graph_path.display());
    println!("mentions written to {}", out.mentions_path().display());
    Ok(if summary.lost_documents() {
        eprintln!(
            "{} documents failed and are not in the graph (reasons in {}): exit status {EXIT_LOST_DOCUMENTS}",
            summary.documents_failed,
            out.problems_path().display()
        );
        Finished::LostDocuments
    } else {
        Finished::Done
    })
}

/// What a checkpoint must match to be continued: the inputs (where they are), the
/// shard, the outputs that keep state in it, and everything the pipeline's options
/// fingerprint names (the contents of what it loaded, decoding, reading).
fn resume_fingerprint(
    args: &ExtractArgs,
    pipeline: &Pipeline,
    options: serde_json::Value,
) -> String {
    let inputs: Vec<String> = args
        .inputs
        .iter()
        .map(|p| canonical(p).display().to_string())
        .collect();
    json!({
        "inputs": inputs,
        "shard": args.shard.map(|s| s.to_string()),
        "options": options,
        "parse": format!("{:?}", pipeline.parse),
        "store": args.store.as_ref().map(|p| canonical(p).display().to_string()),
        "report": OutputFormat::wants_html(&args.format).then_some(args.report.report_docs),
        "conllu": pipeline.parse == ParseMode::All && OutputFormat::wants_conllu(&args.format),
    })
    .to_string()
}

/// `path` with its spelling undone (`dir`, `dir/`, `./dir`, an absolute path are one):
/// canonical where it exists, else its canonical folder joined with its name.
fn canonical(path: &std::path::Path) -> std::path::PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        match (
            parent.unwrap_or(std::path::Path::new(".")).canonicalize(),
            path.file_name(),
        ) {
            (Ok(dir), Some(name)) => dir.join(name),
            _ => path.to_path_buf(),
        }
    })
}

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP asks the run to stop after the current batch and
/// checkpoint, and says so, naming the signal, through the bar if one is drawn (which
/// would draw over a plain line). A second signal ends the process as that signal's
/// default action does (the last checkpoint still holds): no exit handlers run, so ONNX
/// Runtime is not torn down under a model run that is still going. The handlers only set
/// flags (signal-hook's `flag`: no pipe, no socket); a thread says which signal came.
fn interrupt_flag(bar: Option<indicatif::ProgressBar>) -> Result<&'static AtomicBool> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use std::sync::Arc;
    let stop: &'static Arc<AtomicBool> = Box::leak(Box::new(Arc::new(AtomicBool::new(false))));
    let mut named = Vec::new();
    for (signal, name) in [(SIGINT, "Ctrl-C"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
        let came = Arc::new(AtomicBool::new(false));
        // The conditional default first: it sees the flag as it was before this signal.
        signal_hook::flag::register_conditional_default(signal, Arc::clone(stop))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(stop)))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&came)))
            .context("cannot install the Ctrl-C handler")?;
        named.push((came, name));
    }
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let name = named
            .iter()
            .find(|(came, _)| came.load(Ordering::SeqCst))
            .map_or("Ctrl-C", |(_, name)| *name);
        let message = format!(
            "{name}: finishing this batch, then writing a checkpoint to continue from with \
             --resume ({name} again to stop at once; the last checkpoint still holds)"
        );
        match &bar {
            Some(bar) => bar.println(message),
            None => eprintln!("\n{message}"),
        }
    });
    Ok(stop)
}

/// Peak resident memory of this process in bytes (Linux), for run.json.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Says on stderr what the run-wide acronym table joined, and what it left for conflicts.
pub(crate) fn report_joins(joins: AcronymJoins) {
    if joins.joined + joins.conflicting > 0 {
        eprintln!(
            "acronyms: {} joined to the long form another document defines; {} left apart, \
             defined as two long forms (graph.json: acronyms)",
            joins.joined, joins.conflicting
        );
    }
}
