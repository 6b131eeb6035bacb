//! How a run reports its progress: a small trait the caller implements (the CLI draws a bar or writes log lines); the library prints nothing.

use super::Summary;

/// Where a run stands, after a batch.
#[derive(Clone, Copy, Debug)]
pub struct Position<'a> {
    /// Input items consumed (all shards'), resumed ones included.
    pub items_done: usize,
    pub summary: &'a Summary,
}

/// Told where the run stands after each batch, and once at the end.
pub trait Progress {
    /// Called once before the first batch, with where a resumed run starts from (the
    /// items it skips and the counts it restored).
    fn start(&mut self, _at: Position) {}
    fn update(&mut self, at: Position);
    fn finish(&mut self, at: Position);
}

/// No progress reports.
pub struct Silent;

impl Progress for Silent {
    fn update(&mut self, _at: Position) {}
    fn finish(&mut self, _at: Position) {}
}
