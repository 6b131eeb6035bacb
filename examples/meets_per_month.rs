//! The library without the CLI: runs the pipeline over a directory into a custom sink
//! that counts `meets` evidence by the month of its document's date.
//!
//! ```text
//! cargo run --release --example meets_per_month -- ../shared/data/reuters21578
//! ```

use std::collections::BTreeMap;

use newsgraph::analysis::ParserModel;
use newsgraph::input::{self, ReadOptions};
use newsgraph::pipeline::{self, ParseMode, Pipeline};
use newsgraph::resolve::Gazetteer;
use newsgraph::run::{Batch, BatchSink, Run, RunOptions, SinkError};

/// `meets` evidence per month (`YYYY-MM`, or `undated`).
#[derive(Default)]
struct MeetsPerMonth(BTreeMap<String, usize>);

impl BatchSink for MeetsPerMonth {
    fn name(&self) -> &'static str {
        "meets-per-month"
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        let meets = batch.results.iter().flat_map(|r| &r.relations);
        for evidence in meets
            .filter(|r| r.relation == "meets")
            .flat_map(|r| &r.evidence)
        {
            let month = evidence.date.as_deref().and_then(|d| d.get(..7));
            *self.0.entry(month.unwrap_or("undated").into()).or_default() += 1;
        }
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: meets_per_month DIR")?;
    let (ner, parser) = (
        pipeline::default_model_dir(),
        pipeline::default_parser_dir(),
    );
    let pipeline = Pipeline::load(
        &ner,
        &Default::default(),
        Default::default(),
        Gazetteer::builtin(),
    )?
    .with_parser(
        ParserModel::load(&parser, None, rayon::current_num_threads())?,
        ParseMode::Relevant,
    )?;
    let mut meets = MeetsPerMonth::default();
    let items = input::read(&[dir.into()], &ReadOptions::default());
    Run::new(&pipeline, RunOptions::default())
        .sink(&mut meets)
        .run(items)?;
    for (month, n) in &meets.0 {
        println!("{month}\t{n}");
    }
    Ok(())
}
