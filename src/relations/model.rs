//! The learned relation model: a readable table of feature weights (multinomial logistic regression) over the candidates of [`super::candidates`], its thresholds, and its training.
//!
//! Scores are computed with a fixed order of additions and an exponential of our own, so
//! that a score and every decision taken on it are the same bits on any x86-64 CPU.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The format name a model file carries.
pub const FORMAT: &str = "newsgraph-relation-model/1";

/// The file a model directory holds.
pub const MODEL_FILE: &str = "model.json";

/// Why a relation model could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read the relation model {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the relation model {path} is not a {FORMAT} file: {reason}")]
    Format { path: String, reason: String },
}

/// Where an edge may come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RelationSource {
    /// The rules only.
    Rules,
    /// The learned model only (the rules still run: what they find is one of its features).
    Model,
    /// Every edge of the rules, and every edge the model scores at or above its threshold.
    #[default]
    Both,
}

impl RelationSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationSource::Rules => "rules",
            RelationSource::Model => "model",
            RelationSource::Both => "both",
        }
    }
    pub fn uses_rules(self) -> bool {
        self != RelationSource::Model
    }
}

/// One classifier: classes, a bias per class, and per feature a weight per class.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// "none" first, then "sanctions:ab" (source first in the text), "sanctions:ba",
    /// "meets" (undirected), or "claims" for figure candidates.
    pub classes: Vec<String>,
    pub bias: Vec<f64>,
    pub weights: BTreeMap<String, Vec<f64>>,
}

impl Weights {
    /// The probability of each class for a candidate with `features` (sorted).
    pub fn probabilities(&self, features: &[String]) -> Vec<f64> {
        let mut logits = self.bias.clone();
        for f in features {
            if let Some(w) = self.weights.get(f) {
                for (l, w) in logits.iter_mut().zip(w) {
                    *l += w;
                }
            }
        }
        softmax(&logits)
    }
}

/// A trained model: the two classifiers and a threshold per relation type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationModel {
    pub format: String,
    /// Entity-pair candidates.
    pub pair: Weights,
    /// Entity–figure candidates.
    pub figure: Weights,
    /// Per relation type, the least probability that makes an edge (chosen on dev).
    pub thresholds: BTreeMap<String, f64>,
    /// How it was trained: data, options, scores (for people; the code ignores it).
    #[serde(default)]
    pub trained: serde_json::Value,
}

impl RelationModel {
    /// Reads `dir/model.json` (or a file named directly).
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        Self::load_text(path).map(|(model, _)| model)
    }

    /// [`RelationModel::load`], also returning the text read (which a caller hashes).
    pub fn load_text(path: &Path) -> Result<(Self, String), ModelError> {
        let file = if path.is_dir() {
            path.join(MODEL_FILE)
        } else {
            path.to_path_buf()
        };
        let shown = file.display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|source| ModelError::Read {
            path: shown.clone(),
            source,
        })?;
        let model = Self::from_text(&text, &shown)?;
        Ok((model, text))
    }

    /// Parses and checks a model's text; `shown` names it in errors.
    fn from_text(text: &str, shown: &str) -> Result<Self, ModelError> {
        let shown = shown.to_string();
        let model: RelationModel = serde_json::from_str(text).map_err(|e| ModelError::Format {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        if model.format != FORMAT {
            return Err(ModelError::Format {
                path: shown,
                reason: format!("format {:?}", model.format),
            });
        }
        for w in [&model.pair, &model.figure] {
            let k = w.classes.len();
            if w.bias.len() != k || w.weights.values().any(|v| v.len() != k) {
                return Err(ModelError::Format {
                    path: shown,
                    reason: "a weight row does not have one number per class".into(),
                });
            }
        }
        Ok(model)
    }

    /// The model as JSON text, one feature to a line, so that a diff of two models reads.
    pub fn to_text(&self) -> String {
        let weights = |w: &Weights| {
            let rows: Vec<String> = w
                .weights
                .iter()
                .map(|(f, row)| format!("{}: {}", json(f), json(row)))
                .collect();
            format!(
                "{{\"classes\": {}, \"bias\": {}, \"weights\": {{\n{}\n}}}}",
                json(&w.classes),
                json(&w.bias),
                rows.join(",\n")
            )
        };
        format!(
            "{{\"format\": {},\n\"thresholds\": {},\n\"trained\": {},\n\"pair\": {},\n\"figure\": {}}}\n",
            json(&self.format),
            json(&self.thresholds),
            serde_json::to_string_pretty(&self.trained).unwrap_or_default(),
            weights(&self.pair),
            weights(&self.figure)
        )
    }

    /// The threshold of relation type `relation` (0.5 when the model names none).
    pub fn threshold(&self, relation: &str) -> f64 {
        self.thresholds.get(relation).copied().unwrap_or(0.5)
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The relation type a class name stands for ("sanctions:ab" -> "sanctions").
pub fn class_relation(class: &str) -> &str {
    class.split(':').next().unwrap_or(class)
}

fn softmax(logits: &[f64]) -> Vec<f64> {
    let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = logits.iter().map(|&l| exp(l - top)).collect();
    let sum: f64 = e.iter().sum();
    e.into_iter().map(|x| x / sum).collect()
}

/// e^x for x <= 0 by range reduction and a Taylor series: plain additions and
/// multiplications, so the same bits everywhere (libm's exp may take another path on
/// another CPU).
pub fn exp(x: f64) -> f64 {
    if x < -700.0 {
        return 0.0;
    }
    // x = k ln2 + r, |r| <= ln2/2
    let k = (x / std::f64::consts::LN_2).round();
    let r = x - k * std::f64::consts::LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..=16 {
        term = term * r / i as f64;
        sum += term;
    }
    sum * 2f64.powi(k as i32)
}

/// Options of [`train`].
#[derive(Clone, Debug)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f64,
    pub l2: f64,
    /// Features seen fewer times than this in training are dropped.
    pub min_count: usize,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            learning_rate: 0.2,
            l2: 1e-4,
            min_count: 2,
            seed: 17,
        }
    }
}

/// Trains one classifier on `rows` (features, class index) by AdaGrad on the
/// cross-entropy with an L2 penalty; deterministic for given rows and options.
pub fn train(rows: &[(Vec<String>, usize)], classes: Vec<String>, o: &TrainOptions) -> Weights {
    let k = classes.len();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (fs, _) in rows {
        for f in fs {
            *counts.entry(f.as_str()).or_default() += 1;
        }
    }
    let index: BTreeMap<&str, usize> = counts
        .iter()
        .filter(|(_, &c)| c >= o.min_count)
        .enumerate()
        .map(|(i, (f, _))| (*f, i))
        .collect();
    let encoded: Vec<(Vec<usize>, usize)> = rows
        .iter()
        .map(|(fs, y)| {
            (
                fs.iter()
                    .filter_map(|f| index.get(f.as_str()).copied())
                    .collect(),
                *y,
            )
        })
        .collect();
    let n = index.len();
    let mut w = vec![0.0f64; n * k];
    let mut g2 = vec![1e-8f64; n * k];
    let mut b = vec![0.0f64; k];
    let mut gb2 = vec![1e-8f64; k];
    let mut order: Vec<usize> = (0..encoded.len()).collect();
    let mut state = o.seed.max(1);
    for _ in 0..o.epochs {
        // Fisher-Yates with a xorshift generator: the same order on every machine.
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let (fs, y) = &encoded[i];
            let mut logits = b.clone();
            for &f in fs {
                for c in 0..k {
                    logits[c] += w[f * k + c];
                }
            }
            let p = softmax(&logits);
            for c in 0..k {
                let g = p[c] - if c == *y { 1.0 } else { 0.0 };
                gb2[c] += g * g;
                b[c] -= o.learning_rate * g / gb2[c].sqrt();
                for &f in fs {
                    let j = f * k + c;
                    let gj = g + o.l2 * w[j];
                    g2[j] += gj * gj;
                    w[j] -= o.learning_rate * gj / g2[j].sqrt();
                }
            }
        }
    }
    // Rounded and pruned: a smaller, readable file that scores the same to 1e-4.
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let weights = index
        .iter()
        .filter_map(|(f, &i)| {
            let row: Vec<f64> = w[i * k..(i + 1) * k].iter().map(|&x| round(x)).collect();
            row.iter()
                .any(|x| x.abs() >= 1e-3)
                .then(|| (f.to_string(), row))
        })
        .collect();
    Weights {
        classes,
        bias: b.into_iter().map(round).collect(),
        weights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_agrees_with_the_library_to_the_last_digits() {
        for i in 0..2000 {
            let x = -(i as f64) * 0.037;
            let ours = exp(x);
            let std = x.exp();
            assert!(
                (ours - std).abs() <= 1e-14 * std.max(1e-300),
                "{x}: {ours} {std}"
            );
        }
    }

    #[test]
    fn training_learns_a_separable_rule_and_scores_it() {
        let row = |f: &[&str], y| (f.iter().map(|s| s.to_string()).collect(), y);
        let mut rows = Vec::new();
        for _ in 0..20 {
            rows.push(row(&["between=meet", "types=PER-PER"], 1));
            rows.push(row(&["between=say", "types=PER-PER"], 0));
        }
        let w = train(
            &rows,
            vec!["none".into(), "meets".into()],
            &TrainOptions::default(),
        );
        let p = w.probabilities(&["between=meet".into(), "types=PER-PER".into()]);
        assert!(p[1] > 0.9, "{p:?}");
        let p = w.probabilities(&["between=say".into(), "types=PER-PER".into()]);
        assert!(p[1] < 0.1, "{p:?}");
    }
}
