//! A parser model's scores to a parse: UPOS by argmax, the tree by Chu-Liu/Edmonds, each
//! word's relation at its head; and the parts of a sentence too long for one run, joined.

use std::path::Path;

use ndarray::{ArrayView2, ArrayView3, ArrayViewD, Axis, Ix2, Ix3};

use super::parse::{ParseError, ParsedSentence};
use super::tree::mst_heads;
use super::UPOS;

/// A parser's label sets, in the order of its outputs.
pub struct ParseLabels {
    pub upos: Vec<&'static str>,
    pub deprels: Vec<String>,
    root_rel: usize,
}

impl ParseLabels {
    /// The label lists of a model's config.json; an unknown UPOS tag or a relation list
    /// without `root` is an error naming `dir`.
    pub fn new(dir: &Path, upos: &[String], deprels: Vec<String>) -> Result<Self, ParseError> {
        let error = |what: String| ParseError::Model(format!("{}: {what}", dir.display()));
        let upos = upos
            .iter()
            .map(|t| {
                UPOS.iter()
                    .copied()
                    .find(|u| u == t)
                    .ok_or_else(|| error(format!("unknown UPOS tag {t:?} in config.json")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let root_rel = deprels
            .iter()
            .position(|r| r == "root")
            .ok_or_else(|| error("config.json deprels has no \"root\"".into()))?;
        Ok(Self {
            upos,
            deprels,
            root_rel,
        })
    }

    /// Whether the output shapes fit `n` words and these labels: `upos [n+1, U]`,
    /// `arcs [n+1, n+1]` (row: dependent, column: head), `rels [n+1, n+1, R]`.
    pub fn fits(
        &self,
        n: usize,
        upos: ArrayView2<f32>,
        arcs: ArrayView2<f32>,
        rels: ArrayView3<f32>,
    ) -> bool {
        let w = n + 1;
        upos.shape() == [w, self.upos.len()]
            && arcs.shape() == [w, w]
            && rels.shape() == [w, w, self.deprels.len()]
    }

    /// The parse of `n` words from a parser run's outputs (`upos_logits`, `arc_scores`,
    /// `rel_logits`, a batch of one); an error names `model`, the file that ran.
    pub fn decode_outputs(
        &self,
        n: usize,
        outputs: &ort::session::SessionOutputs,
        model: &Path,
    ) -> Result<ParsedSentence, ParseError> {
        let error = |what: String| ParseError::Model(format!("{}: {what}", model.display()));
        let get = |name: &str| {
            outputs[name]
                .try_extract_array::<f32>()
                .map_err(|e| error(e.to_string()))
        };
        let (upos, arcs, rels) = (get("upos_logits")?, get("arc_scores")?, get("rel_logits")?);
        self.decode_run(n, upos.view(), arcs.view(), rels.view())
            .ok_or_else(|| {
                error(format!(
                    "unexpected output shapes {:?} {:?} {:?}",
                    upos.shape(),
                    arcs.shape(),
                    rels.shape()
                ))
            })
    }

    /// The parse of `n` words from a model run on one sentence (outputs with a batch axis
    /// of 1), or `None` if the outputs do not have the shapes `n` words need.
    pub fn decode_run(
        &self,
        n: usize,
        upos: ArrayViewD<f32>,
        arcs: ArrayViewD<f32>,
        rels: ArrayViewD<f32>,
    ) -> Option<ParsedSentence> {
        let one = |a: &ArrayViewD<f32>| a.shape().first() == Some(&1);
        if !(one(&upos) && one(&arcs) && one(&rels)) {
            return None;
        }
        let upos = upos
            .index_axis(Axis(0), 0)
            .into_dimensionality::<Ix2>()
            .ok()?;
        let arcs = arcs
            .index_axis(Axis(0), 0)
            .into_dimensionality::<Ix2>()
            .ok()?;
        let rels = rels
            .index_axis(Axis(0), 0)
            .into_dimensionality::<Ix3>()
            .ok()?;
        self.fits(n, upos, arcs, rels)
            .then(|| self.decode(n, upos, arcs, rels))
    }

    /// The parse of `n` words from scores whose shapes [`ParseLabels::fits`].
    pub fn decode(
        &self,
        n: usize,
        upos: ArrayView2<f32>,
        arcs: ArrayView2<f32>,
        rels: ArrayView3<f32>,
    ) -> ParsedSentence {
        let tags = (1..=n)
            .map(|d| {
                let best = first_max((0..self.upos.len()).map(|u| f64::from(upos[[d, u]])));
                self.upos[best]
            })
            .collect();
        // Log-softmax over each dependent's candidate heads, in f64 as the Python decoder.
        let mut scores = vec![0.0f64; (n + 1) * (n + 1)];
        for d in 0..=n {
            let row: Vec<f64> = (0..=n).map(|h| f64::from(arcs[[d, h]])).collect();
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let log_sum = row.iter().map(|x| (x - max).exp()).sum::<f64>().ln();
            for (h, x) in row.iter().enumerate() {
                scores[d * (n + 1) + h] = x - max - log_sum;
            }
        }
        let heads = mst_heads(&scores, n);
        let deprels = heads
            .iter()
            .enumerate()
            .map(|(i, &h)| {
                if h == 0 {
                    return "root".to_string();
                }
                let d = i + 1;
                let best = first_max((0..self.deprels.len()).map(|l| {
                    if l == self.root_rel {
                        f64::NEG_INFINITY
                    } else {
                        f64::from(rels[[d, h, l]])
                    }
                }));
                self.deprels[best].clone()
            })
            .collect();
        ParsedSentence {
            upos: tags,
            heads,
            deprels,
        }
    }
}

/// Index of the first maximum.
fn first_max(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

/// One sentence from the parses of its consecutive parts: heads move to sentence
/// indices, and the root of every later part attaches to the first part's root as
/// `parataxis`.
pub fn join_parts(parts: Vec<ParsedSentence>) -> ParsedSentence {
    let mut out = ParsedSentence {
        upos: Vec::new(),
        heads: Vec::new(),
        deprels: Vec::new(),
    };
    let mut first_root = 0;
    for parsed in parts {
        let offset = out.heads.len();
        for (i, (h, rel)) in parsed.heads.iter().zip(parsed.deprels).enumerate() {
            if *h == 0 {
                if first_root == 0 {
                    first_root = offset + i + 1;
                    out.heads.push(0);
                    out.deprels.push(rel);
                } else {
                    out.heads.push(first_root);
                    out.deprels.push("parataxis".into());
                }
            } else {
                out.heads.push(h + offset);
                out.deprels.push(rel);
            }
        }
        out.upos.extend(parsed.upos);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_parts_attach_to_the_first_root_as_parataxis() {
        let part = |heads: Vec<usize>| ParsedSentence {
            upos: vec!["X"; heads.len()],
            deprels: heads
                .iter()
                .map(|&h| if h == 0 { "root" } else { "dep" }.to_string())
                .collect(),
            heads,
        };
        let joined = join_parts(vec![part(vec![2, 0]), part(vec![0, 1])]);
        assert_eq!(joined.heads, [2, 0, 2, 3]);
        assert_eq!(joined.deprels, ["dep", "root", "parataxis", "dep"]);
    }
}
