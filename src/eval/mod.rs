//! Scoring: CoNLL files (conlleval semantics) and hand-labelled graph fixtures (ANNOTATION.md).

pub mod conll;
/// The CoNLL-U reader lives with the writer, in the analysis layer.
pub use crate::analysis::conllu;
pub mod explain;
pub mod fixtures;
pub mod learn;
pub mod sentences;
pub mod ud;

use std::collections::BTreeMap;

use serde::Serialize;

/// True positives, predictions and gold items of one type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }

    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.gold)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    pub fn score(&self) -> Score {
        Score {
            precision: round(self.precision()),
            recall: round(self.recall()),
            f1: round(self.f1()),
            tp: self.tp,
            predicted: self.predicted,
            gold: self.gold,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Precision, recall and F1 (0..1) with the counts behind them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub tp: usize,
    pub predicted: usize,
    pub gold: usize,
}

/// Scores per type plus the micro-averaged overall score.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Table {
    pub types: BTreeMap<String, Score>,
    pub overall: Option<Score>,
}

impl Table {
    pub fn from_counts(counts: &BTreeMap<String, Counts>) -> Self {
        let mut total = Counts::default();
        let mut types = BTreeMap::new();
        for (kind, c) in counts {
            total.add(*c);
            types.insert(kind.clone(), c.score());
        }
        Self {
            types,
            overall: Some(total.score()),
        }
    }

    /// A plain-text table, percentages with two decimals.
    pub fn render(&self, title: &str) -> String {
        let mut out = format!(
            "{title:<22} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}\n",
            "precision", "recall", "F1", "tp", "pred", "gold"
        );
        let rows = self
            .types
            .iter()
            .map(|(k, s)| (k.as_str(), s))
            .chain(self.overall.iter().map(|s| ("overall", s)));
        for (name, s) in rows {
            out.push_str(&format!(
                "{name:<22} {:>9.2} {:>9.2} {:>9.2} {:>7} {:>7} {:>7}\n",
                100.0 * s.precision,
                100.0 * s.recall,
                100.0 * s.f1,
                s.tp,
                s.predicted,
                s.gold
            ));
        }
        out
    }
}
