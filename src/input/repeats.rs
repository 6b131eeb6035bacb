//! Numbering of repeated document ids (`a`, `a#2`, `a#3`) without keeping the ids: a 128-bit hash of each.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

/// The ids read so far, as the first 128 bits of their SHA-256: 16 bytes per distinct
/// id whatever its length, where the ids themselves (source paths and line numbers,
/// often 50 bytes and more) would make the reader's memory grow with the archive.
/// Two ids of a billion sharing a hash has a probability about 10^-21 (n^2 / 2^129),
/// and would only number the second one as a repeat, so it is ignored.
#[derive(Default)]
pub(crate) struct RepeatNumbers {
    /// Ids seen once: nearly all of them.
    once: HashSet<u128>,
    /// Ids seen more than once, with how often.
    repeated: HashMap<u128, u32>,
}

impl RepeatNumbers {
    /// How often `id` has come so far, this time included (1 the first time).
    pub fn next(&mut self, id: &str) -> u32 {
        let digest = Sha256::digest(id.as_bytes());
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        let key = u128::from_le_bytes(first);
        if self.once.insert(key) {
            return 1;
        }
        let n = self.repeated.entry(key).or_insert(1);
        *n += 1;
        *n
    }

    /// Bytes the tables hold (their capacity, with hashbrown's control byte per slot).
    #[cfg(test)]
    pub fn heap_bytes(&self) -> usize {
        self.once.capacity() * (std::mem::size_of::<u128>() + 1)
            + self.repeated.capacity() * (std::mem::size_of::<(u128, u32)>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_numbered_in_order() {
        let mut r = RepeatNumbers::default();
        let got: Vec<u32> = ["a", "b", "a", "a", "b", "c"]
            .iter()
            .map(|id| r.next(id))
            .collect();
        assert_eq!(got, [1, 1, 2, 3, 2, 1]);
    }

    /// The memory per id does not depend on the id's length: long ids (archive paths
    /// with line numbers) cost what short ones do.
    #[test]
    fn memory_per_id_does_not_hold_the_id() {
        let mut r = RepeatNumbers::default();
        let prefix = "archives/2024/reuters-world-news-part-0017.jsonl.gz:".repeat(4);
        let n = 50_000;
        for i in 0..n {
            assert_eq!(r.next(&format!("{prefix}{i}")), 1);
        }
        let per_id = r.heap_bytes() / n;
        assert!(per_id <= 48, "{per_id} bytes per id");
    }
}
