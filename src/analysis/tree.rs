//! Decoding a dependency tree from arc scores: a maximum spanning arborescence
//! (Chu-Liu/Edmonds) with exactly one word attached to the root.
//!
//! `training/ud.py` (`mst_heads`) is the same algorithm, step for step and with the
//! same tie-breaking, so the Python evaluation and `newsgraph eval ud` agree.

/// Added to every arc from the root: a tree with two root children always scores
/// below any tree with one, and f64 keeps the rest of the score exact enough.
const ROOT_PENALTY: f64 = 1.0e7;
/// Arc scores are clipped below here, so the penalty dominates any real difference.
const FLOOR: f64 = -1.0e4;

/// Heads of words 1..=n (0 = root) maximising the summed `scores[d][h]` (word `d`
/// takes head `h`; row and column 0 are the root), over trees with one root child.
///
/// `scores` is `(n + 1) x (n + 1)`, row-major, typically log-probabilities.
pub fn mst_heads(scores: &[f64], n: usize) -> Vec<usize> {
    let size = n + 1;
    assert_eq!(scores.len(), size * size, "scores must be (n+1) x (n+1)");
    if n == 0 {
        return Vec::new();
    }
    let mut s: Vec<f64> = scores.iter().map(|&x| x.max(FLOOR)).collect();
    for d in 0..size {
        s[d * size] -= ROOT_PENALTY;
    }
    let heads = chu_liu_edmonds(&s, size);
    heads[1..].iter().map(|&h| h as usize).collect()
}

/// Chu-Liu/Edmonds on a dense `size x size` matrix; node 0 is the root. Returns a
/// head per node (`-1` for the root).
fn chu_liu_edmonds(scores: &[f64], size: usize) -> Vec<i64> {
    let at = |d: usize, h: usize| -> f64 {
        if d == h || d == 0 {
            f64::NEG_INFINITY
        } else {
            scores[d * size + h]
        }
    };
    let mut heads = vec![-1i64; size];
    for (d, head) in heads.iter_mut().enumerate().skip(1) {
        *head = argmax((0..size).map(|h| at(d, h))).0 as i64;
    }
    let Some(cycle) = find_cycle(&heads) else {
        return heads;
    };
    let mut in_cycle = vec![false; size];
    for &c in &cycle {
        in_cycle[c] = true;
    }
    let rest: Vec<usize> = (0..size).filter(|&i| !in_cycle[i]).collect();
    let m = rest.len() + 1;
    let c = m - 1;
    let mut ns = vec![f64::NEG_INFINITY; m * m];
    let mut leave_to = vec![0usize; rest.len()];
    let mut enter_from = vec![0usize; rest.len()];
    let cyc_scores: Vec<f64> = cycle.iter().map(|&d| at(d, heads[d] as usize)).collect();
    for (a, &d) in rest.iter().enumerate() {
        for (b, &h) in rest.iter().enumerate() {
            ns[a * m + b] = at(d, h);
        }
        let (k, best) = argmax(cycle.iter().map(|&h| at(d, h)));
        ns[a * m + c] = best;
        leave_to[a] = cycle[k];
    }
    for (b, &h) in rest.iter().enumerate() {
        let (k, best) = argmax(
            cycle
                .iter()
                .zip(&cyc_scores)
                .map(|(&d, &inside)| at(d, h) - inside),
        );
        ns[c * m + b] = best;
        enter_from[b] = cycle[k];
    }
    // The contracted problem keeps the root at index 0 (it is never in a cycle).
    let sub = chu_liu_edmonds(&ns, m);
    let mut out = heads.clone();
    for (a, &d) in rest.iter().enumerate() {
        if d == 0 {
            continue;
        }
        let hb = sub[a] as usize;
        out[d] = if hb == c { leave_to[a] } else { rest[hb] } as i64;
    }
    let hb = sub[c] as usize;
    out[enter_from[hb]] = rest[hb] as i64;
    out
}

/// Index and value of the first maximum (numpy's argmax; -inf when all are -inf).
fn argmax(values: impl Iterator<Item = f64>) -> (usize, f64) {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best
}

/// A cycle among the heads (nodes in path order from where it was entered), if any.
fn find_cycle(heads: &[i64]) -> Option<Vec<usize>> {
    let n = heads.len();
    // 0 new, 1 on the current path, 2 done.
    let mut color = vec![0u8; n];
    for start in 1..n {
        if color[start] != 0 {
            continue;
        }
        let mut path = Vec::new();
        let mut v = start as i64;
        while v > 0 && color[v as usize] == 0 {
            color[v as usize] = 1;
            path.push(v as usize);
            v = heads[v as usize];
        }
        if v > 0 && color[v as usize] == 1 {
            let from = path.iter().position(|&u| u == v as usize).expect("on path");
            return Some(path[from..].to_vec());
        }
        for u in path {
            color[u] = 2;
        }
    }
    None
}

/// Whether `heads` (1-based, 0 = root) is a tree: one root child, no cycles, heads in range.
pub fn is_tree(heads: &[usize]) -> bool {
    let n = heads.len();
    if heads.iter().filter(|&&h| h == 0).count() != 1 || heads.iter().any(|&h| h > n) {
        return false;
    }
    (1..=n).all(|start| {
        let mut v = start;
        for _ in 0..=n {
            if v == 0 {
                return true;
            }
            v = heads[v - 1];
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(n: usize, arcs: &[(usize, usize, f64)]) -> Vec<f64> {
        let mut s = vec![-10.0; (n + 1) * (n + 1)];
        for &(d, h, v) in arcs {
            s[d * (n + 1) + h] = v;
        }
        s
    }

    /// Every tree over n words, by brute force (n small).
    fn best_by_brute_force(s: &[f64], n: usize) -> (Vec<usize>, f64) {
        let mut best = (Vec::new(), f64::NEG_INFINITY);
        let mut heads = vec![0usize; n];
        loop {
            if is_tree(&heads) {
                let total: f64 = heads
                    .iter()
                    .enumerate()
                    .map(|(i, &h)| s[(i + 1) * (n + 1) + h])
                    .sum();
                if total > best.1 + 1e-9 {
                    best = (heads.clone(), total);
                }
            }
            let mut i = 0;
            loop {
                if i == n {
                    return best;
                }
                heads[i] += 1;
                if heads[i] <= n {
                    break;
                }
                heads[i] = 0;
                i += 1;
            }
        }
    }

    #[test]
    fn a_chain_without_cycles_is_kept() {
        // 1 <- 2 (root), 3 <- 2
        let s = matrix(3, &[(1, 2, 0.0), (2, 0, 0.0), (3, 2, 0.0)]);
        assert_eq!(mst_heads(&s, 3), vec![2, 0, 2]);
    }

    #[test]
    fn a_cycle_is_broken_at_its_cheapest_entry() {
        // 1 and 2 prefer each other; 2 is the better one to hang from the root.
        let s = matrix(3, &[(1, 2, 0.0), (2, 1, 0.0), (2, 0, -1.0), (1, 0, -3.0), (3, 1, 0.0)]);
        assert_eq!(mst_heads(&s, 3), vec![2, 0, 1]);
    }

    #[test]
    fn two_root_children_become_one() {
        let s = matrix(3, &[(1, 0, 0.0), (2, 0, 0.0), (3, 0, 0.0), (2, 1, -2.0), (3, 1, -2.5)]);
        let heads = mst_heads(&s, 3);
        assert!(is_tree(&heads));
        assert_eq!(heads, vec![0, 1, 1]);
    }

    #[test]
    fn matches_brute_force_on_pseudo_random_scores() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 10_000) as f64 / 1000.0 - 5.0
        };
        for n in 1..=6 {
            for _ in 0..40 {
                let s: Vec<f64> = (0..(n + 1) * (n + 1)).map(|_| next()).collect();
                let heads = mst_heads(&s, n);
                assert!(is_tree(&heads), "not a tree: {heads:?}");
                let total: f64 = heads
                    .iter()
                    .enumerate()
                    .map(|(i, &h)| s[(i + 1) * (n + 1) + h])
                    .sum();
                let (_, best) = best_by_brute_force(&s, n);
                assert!((total - best).abs() < 1e-6, "n={n}: {total} < {best}");
            }
        }
    }

    #[test]
    fn is_tree_rejects_cycles_and_two_roots() {
        assert!(is_tree(&[2, 0]));
        assert!(!is_tree(&[0, 0]));
        assert!(!is_tree(&[2, 1]));
        assert!(!is_tree(&[0, 3, 2]));
        assert!(!is_tree(&[0, 5]));
    }
}
