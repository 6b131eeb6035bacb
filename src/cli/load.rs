//! Loading the pipeline the command line asks for: model, gazetteer, rules and parser, each failing with what to do.

use anyhow::{Context, Result};

use newsgraph::ner::{LoadOptions, NerOptions};
use newsgraph::pipeline::{self, Hashed, ParseMode, Parser, Pipeline};
use newsgraph::relations::{RelationModel, RelationSource};
use newsgraph::resolve::Gazetteer;

use super::args::{ModelArgs, RulesArgs};

/// The pipeline with the rules of `rules` (read first, so that a bad file fails fast).
pub fn load_pipeline_with_rules(args: &ModelArgs, rules: &RulesArgs) -> Result<Pipeline> {
    let args_rules = rules;
    let rules = rules
        .rules
        .as_deref()
        .map(pipeline::read_rules)
        .transpose()?;
    let pipeline = load_pipeline(args)?;
    let pipeline = match ParseMode::from(args.parse) {
        ParseMode::None => pipeline,
        mode => {
            let parser = Parser::load(
                args.parser.parser.as_deref(),
                args.parser.parser_onnx.as_deref(),
                Some(&pipeline.ner),
                rayon::current_num_threads(),
            )
            .with_context(|| {
                format!(
                    "cannot load the parser{} (`newsgraph doctor` shows where newsgraph \
                     looks and what to do; `--parse none` runs without it)",
                    args.parser
                        .parser
                        .as_ref()
                        .map(|d| format!(" from {}", d.display()))
                        .unwrap_or_default()
                )
            })?;
            pipeline.with_parser(parser, mode)?
        }
    };
    let pipeline = match rules {
        Some(r) => pipeline.with_rules_file(r),
        None => pipeline,
    };
    with_relation_model(pipeline, args_rules)
}

/// The NER pipeline (no parser) with the model and gazetteer of `args`.
pub fn load_pipeline(args: &ModelArgs) -> Result<Pipeline> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot set the thread count")?;
    }
    let gazetteer = args
        .gazetteer
        .as_deref()
        .map(pipeline::read_gazetteer)
        .transpose()?;
    let dir = args
        .model
        .clone()
        .unwrap_or_else(pipeline::default_model_dir);
    let load = LoadOptions {
        backend: args.backend.into(),
        onnx_file: args.onnx.clone(),
        layout: args.sessions.into(),
        threads: rayon::current_num_threads(),
    };
    let options = NerOptions {
        aggregation: args.aggregation.into(),
        batch_size: args.batch_size,
        max_tokens: args.max_tokens,
        ..NerOptions::default()
    };
    // The runtime first: a library that does not load is not the model's fault.
    if matches!(load.backend, newsgraph::ner::Backend::Onnx) {
        newsgraph::onnx::runtime::environment().map_err(|e| {
            anyhow::anyhow!("{e} (`newsgraph doctor` shows where newsgraph looks for it)")
        })?;
    }
    let pipeline =
        Pipeline::load(&dir, &load, options, Gazetteer::builtin()).with_context(|| {
            format!(
                "cannot load the model from {} (`newsgraph doctor` shows where newsgraph looks \
             and what to do)",
                dir.display()
            )
        })?;
    // A window past the model's position table fails every long document inside ONNX
    // Runtime: a bad command line, refused before any input is read.
    if let (Some(asked), Some(most)) = (args.max_tokens, pipeline.ner.model.max_positions) {
        if asked > most {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "--max-tokens {asked}: the model in {} takes at most {most} tokens \
                     (max_position_embeddings in its config.json)\n",
                    dir.display()
                ),
            )
            .exit();
        }
    }
    Ok(match gazetteer {
        Some(g) => pipeline.with_gazetteer(g),
        None => pipeline,
    })
}

/// The learned relation model of `rules`, unless edges come from the rules alone.
pub fn with_relation_model(pipeline: Pipeline, rules: &RulesArgs) -> Result<Pipeline> {
    Ok(match relation_model(rules)? {
        Some(model) => {
            pipeline.with_relation_model(model, rules.relations.into(), rules.relation_threshold)
        }
        None => pipeline,
    })
}

/// Reads the relation model `rules` asks for (None with `--relations rules`).
pub fn relation_model(rules: &RulesArgs) -> Result<Option<Hashed<RelationModel>>> {
    if RelationSource::from(rules.relations) == RelationSource::Rules {
        return Ok(None);
    }
    let dir = rules
        .relation_model
        .clone()
        .unwrap_or_else(pipeline::default_relation_model_dir);
    let model = pipeline::read_relation_model(&dir).with_context(|| {
        format!(
            "cannot load the relation model from {} (`--relations rules` runs without it)",
            dir.display()
        )
    })?;
    Ok(Some(model))
}
