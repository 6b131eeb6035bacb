//! Shards: the check that shard outputs make one whole
//! (every `K/N` once, one input, one set of options), and their merge.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::run::Summary;

mod merge;

/// The `K/N` slice a run takes lives with the run.
pub use crate::run::{BadShard, Shard};
pub use merge::{merge, refuse_output_among_shards, MergeError, Merged};

/// Why a set of shard folders cannot be merged; each says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShardSetError {
    #[error(
        "{dir}: summary.json has no input or options fingerprint (made by an older newsgraph): \
         run that shard again with this version"
    )]
    NoFingerprint { dir: PathBuf },
    #[error(
        "{dir} holds a whole run (made without --shard), not a shard: merge shard folders only \
         (its graph.json is already the whole graph)"
    )]
    WholeRun { dir: PathBuf },
    #[error(
        "{dir} holds a partial merge (without {missing}): merge the shard folders themselves, \
         so that what is missing stays on record"
    )]
    PartialMerge { dir: PathBuf, missing: String },
    #[error("{dir}: summary.json names shard {shard:?}, which is not K/N")]
    BadShard { dir: PathBuf, shard: String },
    #[error(
        "{dir} is shard {shard} but {first_dir} is shard {first}: the shards come from splits \
         into different numbers of parts; merge the folders of one split"
    )]
    CountMismatch {
        dir: PathBuf,
        shard: String,
        first_dir: PathBuf,
        first: String,
    },
    #[error("shard {shard} is given twice ({first} and {second}): give each shard's folder once")]
    Repeated {
        shard: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "{dir} read other input than {first_dir} (input fingerprints {theirs} and {ours} differ): \
         every shard must read the same inputs; run the odd shard again on them"
    )]
    InputMismatch {
        dir: PathBuf,
        first_dir: PathBuf,
        theirs: String,
        ours: String,
    },
    #[error(
        "{dir} was made with other settings than {first_dir} (options fingerprints {theirs} and \
         {ours} differ: model, decoding, rules, gazetteer, reading options or version): run the \
         odd shard again with the others' settings"
    )]
    OptionsMismatch {
        dir: PathBuf,
        first_dir: PathBuf,
        theirs: String,
        ours: String,
    },
    #[error(
        "{} of {count} shards missing: {}. Give their output folders, run them \
         (`newsgraph extract ... --shard K/{count}`), or merge without them with --allow-partial \
         (the result then lists them as missing_shards and merge exits with status 3)",
        missing.len(), missing.join(", ")
    )]
    Missing { count: usize, missing: Vec<String> },
    #[error("no shard folders to merge")]
    Empty,
}

/// A checked set: how many shards make the whole, and which of them are missing.
#[derive(Debug, PartialEq, Eq)]
pub struct ShardSet {
    pub count: usize,
    /// `K/N` of each missing shard, in order (only with `allow_partial`).
    pub missing: Vec<String>,
    pub input_fingerprint: String,
    pub options_fingerprint: String,
}

/// Checks the shard folders' summaries: each names its `K/N` and both
/// fingerprints, all share `N` and the fingerprints, no `K` repeats, and every
/// `K` is there unless `allow_partial`. A single folder of a whole run passes as
/// 1 of 1.
pub fn check(
    shards: &[(PathBuf, Summary)],
    allow_partial: bool,
) -> Result<ShardSet, ShardSetError> {
    let Some((first_dir, first)) = shards.first() else {
        return Err(ShardSetError::Empty);
    };
    let mut count = None;
    let mut seen: BTreeMap<usize, &Path> = BTreeMap::new();
    for (dir, s) in shards {
        if s.input_fingerprint.is_empty() || s.options_fingerprint.is_empty() {
            return Err(ShardSetError::NoFingerprint { dir: dir.clone() });
        }
        if !s.missing_shards.is_empty() {
            return Err(ShardSetError::PartialMerge {
                dir: dir.clone(),
                missing: s.missing_shards.join(", "),
            });
        }
        let shard: Shard = match &s.shard {
            None if shards.len() == 1 => Shard { index: 1, count: 1 },
            None => return Err(ShardSetError::WholeRun { dir: dir.clone() }),
            Some(text) => text.parse().map_err(|_| ShardSetError::BadShard {
                dir: dir.clone(),
                shard: text.clone(),
            })?,
        };
        match count {
            None => count = Some(shard.count),
            Some(n) if n != shard.count => {
                return Err(ShardSetError::CountMismatch {
                    dir: dir.clone(),
                    shard: shard.to_string(),
                    first_dir: first_dir.clone(),
                    first: first.shard.clone().unwrap_or_default(),
                })
            }
            Some(_) => {}
        }
        if let Some(before) = seen.insert(shard.index, dir) {
            return Err(ShardSetError::Repeated {
                shard: shard.to_string(),
                first: before.to_path_buf(),
                second: dir.clone(),
            });
        }
        if s.input_fingerprint != first.input_fingerprint {
            return Err(ShardSetError::InputMismatch {
                dir: dir.clone(),
                first_dir: first_dir.clone(),
                theirs: s.input_fingerprint.clone(),
                ours: first.input_fingerprint.clone(),
            });
        }
        if s.options_fingerprint != first.options_fingerprint {
            return Err(ShardSetError::OptionsMismatch {
                dir: dir.clone(),
                first_dir: first_dir.clone(),
                theirs: s.options_fingerprint.clone(),
                ours: first.options_fingerprint.clone(),
            });
        }
    }
    let count = count.expect("at least one shard");
    let missing: Vec<String> = (1..=count)
        .filter(|k| !seen.contains_key(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() && !allow_partial {
        return Err(ShardSetError::Missing { count, missing });
    }
    Ok(ShardSet {
        count,
        missing,
        input_fingerprint: first.input_fingerprint.clone(),
        options_fingerprint: first.options_fingerprint.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(k: usize, n: usize) -> (PathBuf, Summary) {
        (
            PathBuf::from(format!("out/shard-{k}")),
            Summary {
                shard: Some(format!("{k}/{n}")),
                input_fingerprint: "in".into(),
                options_fingerprint: "opt".into(),
                ..Summary::default()
            },
        )
    }

    #[test]
    fn a_complete_set_passes() {
        let set = check(&[shard(2, 3), shard(1, 3), shard(3, 3)], false).unwrap();
        assert_eq!(set.count, 3);
        assert!(set.missing.is_empty());
    }

    #[test]
    fn a_missing_shard_is_named_and_allowed_only_on_request() {
        let shards = [shard(1, 4), shard(2, 4), shard(4, 4)];
        let err = check(&shards, false).unwrap_err();
        assert_eq!(
            err,
            ShardSetError::Missing {
                count: 4,
                missing: vec!["3/4".into()]
            }
        );
        assert!(err.to_string().contains("--allow-partial"), "{err}");
        assert_eq!(check(&shards, true).unwrap().missing, ["3/4"]);
    }

    #[test]
    fn repeats_other_splits_inputs_and_options_are_refused_even_when_partial() {
        let err = check(&[shard(1, 2), shard(1, 2)], true).unwrap_err();
        assert!(matches!(err, ShardSetError::Repeated { .. }), "{err}");
        let err = check(&[shard(1, 2), shard(2, 3)], true).unwrap_err();
        assert!(matches!(err, ShardSetError::CountMismatch { .. }), "{err}");
        let mut other = shard(2, 2);
        other.1.input_fingerprint = "other".into();
        let err = check(&[shard(1, 2), other], true).unwrap_err();
        assert!(matches!(err, ShardSetError::InputMismatch { .. }), "{err}");
        let mut other = shard(2, 2);
        other.1.options_fingerprint = "other".into();
        let err = check(&[shard(1, 2), other], true).unwrap_err();
        assert!(
            matches!(err, ShardSetError::OptionsMismatch { .. }),
            "{err}"
        );
    }

    #[test]
    fn whole_runs_and_old_summaries() {
        let mut whole = shard(1, 1);
        whole.1.shard = None;
        assert_eq!(check(std::slice::from_ref(&whole), false).unwrap().count, 1);
        let err = check(&[whole.clone(), shard(1, 2)], true).unwrap_err();
        assert!(matches!(err, ShardSetError::WholeRun { .. }), "{err}");
        // A partial merge's result cannot pass for a whole run.
        let mut partial = whole.clone();
        partial.1.missing_shards = vec!["2/2".into()];
        let err = check(&[partial], true).unwrap_err();
        assert!(matches!(err, ShardSetError::PartialMerge { .. }), "{err}");
        let mut old = shard(1, 1);
        old.1.input_fingerprint.clear();
        let err = check(&[old], false).unwrap_err();
        assert!(matches!(err, ShardSetError::NoFingerprint { .. }), "{err}");
    }
}
