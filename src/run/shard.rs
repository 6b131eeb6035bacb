//! `--shard K/N`: the deterministic slice of the input a run takes.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A deterministic slice of the input, `K/N` on the command line: the
/// documents whose id hashes to K-1 modulo N (inputs that gave no document
/// go by their source instead). Every machine reads the same inputs and keeps
/// its slice, so N shards cover every document exactly once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based, as typed.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub fn owns(&self, key: &str) -> bool {
        fnv1a64(key) % self.count as u64 == (self.index - 1) as u64
    }
}

/// A `K/N` that is not one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("--shard wants K/N with 1 <= K <= N, such as 2/8; got {0:?}")]
pub struct BadShard(pub String);

impl FromStr for Shard {
    type Err = BadShard;

    fn from_str(s: &str) -> Result<Self, BadShard> {
        let err = || BadShard(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(err)?;
        let index: usize = k.trim().parse().map_err(|_| err())?;
        let count: usize = n.trim().parse().map_err(|_| err())?;
        if index == 0 || count == 0 || index > count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// FNV-1a: stable across platforms and versions, unlike std's hasher.
fn fnv1a64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_key_once() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..500 {
            let key = format!("doc-{i}");
            assert_eq!(shards.iter().filter(|s| s.owns(&key)).count(), 1);
        }
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!(
            "2/8".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 8 }
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
