"""CoNLL-U reading, the parser's input encoding, tree decoding and UD scoring.

Shared by train_parser.py, export_parser.py and evaluate_parser.py, so that
training, the Python evaluation and the Rust path (src/analysis/) build the
parser's inputs and decode its trees the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from conll import case_class

# Universal POS tags (UD v2), in the order of the model's `upos_logits`.
UPOS = [
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
    "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
]
UPOS2ID = {t: i for i, t in enumerate(UPOS)}

# Sentences whose pieces exceed this are left out of training (a handful in EWT)
# and split into windows at inference.
MAX_PIECES = 256


@dataclass
class Sentence:
    sent_id: str
    text: str
    forms: list[str] = field(default_factory=list)
    upos: list[str] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    deprels: list[str] = field(default_factory=list)


def read_conllu(path: str) -> list[Sentence]:
    """Syntactic words of each sentence; multiword-token ranges and empty nodes skipped."""
    out: list[Sentence] = []
    cur = Sentence("", "")
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if cur.forms:
                    out.append(cur)
                cur = Sentence("", "")
                continue
            if line.startswith("#"):
                if line.startswith("# sent_id"):
                    cur.sent_id = line.split("=", 1)[1].strip()
                elif line.startswith("# text ="):
                    cur.text = line.split("=", 1)[1].strip()
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            cur.forms.append(cols[1])
            cur.upos.append(cols[3])
            cur.heads.append(int(cols[6]))
            cur.deprels.append(cols[7])
    if cur.forms:
        out.append(cur)
    return out


def encode_words(tokenizer, forms: list[str]):
    """Pieces of [CLS] w1 .. wn [SEP], the case class of each piece (its word's shape),
    and word_starts: index 0 is [CLS] (the root), then each word's first piece.

    Each word is its own pre-token, so a word never merges with its neighbours;
    the Rust side encodes the same pre-tokenised input.
    """
    enc = tokenizer(forms, is_split_into_words=True, add_special_tokens=True)
    ids = enc["input_ids"]
    word_ids = enc.word_ids()
    case = []
    starts = [0]
    prev = None
    for pos, w in enumerate(word_ids):
        if w is None:
            case.append(0)
            continue
        case.append(case_class(forms[w]))
        if w != prev:
            starts.append(pos)
        prev = w
    # A word the tokenizer drops entirely (e.g. a lone control character)
    # gets the position of the [SEP] so that the word count still matches.
    if len(starts) != len(forms) + 1:
        seen = {w for w in word_ids if w is not None}
        starts = [0]
        first = {}
        for pos, w in enumerate(word_ids):
            if w is not None and w not in first:
                first[w] = pos
        for w in range(len(forms)):
            starts.append(first.get(w, len(ids) - 1))
        del seen
    return ids, case, starts


# --- decoding -----------------------------------------------------------------

# Added to every arc from the root: large enough that a tree with two root
# children always scores below any tree with one, small enough for f64.
ROOT_PENALTY = 1.0e7
FLOOR = -1.0e4


def mst_heads(scores: np.ndarray) -> list[int]:
    """Maximum spanning arborescence (Chu-Liu/Edmonds) with exactly one root child.

    scores[d, h]: score of word d (1-based; row 0 is the root) taking head h.
    Returns heads[1..n] (0 = root). Scores are clipped below at FLOOR, and
    every root arc pays ROOT_PENALTY, so the optimum has one root child.
    """
    s = np.maximum(np.asarray(scores, dtype=np.float64), FLOOR)
    s[:, 0] -= ROOT_PENALTY
    heads = _chu_liu_edmonds(s)
    return [int(h) for h in heads[1:]]


def _chu_liu_edmonds(s: np.ndarray) -> np.ndarray:
    n = s.shape[0]
    s = s.copy()
    np.fill_diagonal(s, -np.inf)
    s[0, :] = -np.inf
    heads = np.full(n, -1, dtype=np.int64)
    # Ties go to the lowest head index (np.argmax and the Rust loop agree).
    heads[1:] = s[1:].argmax(1)
    cycle = _find_cycle(heads)
    if cycle is None:
        return heads
    in_cycle = np.zeros(n, dtype=bool)
    in_cycle[cycle] = True
    rest = [i for i in range(n) if not in_cycle[i]]
    m = len(rest) + 1
    c = m - 1
    ns = np.full((m, m), -np.inf)
    enter_from = {}  # rest index h' -> dependent in the cycle that takes head rest[h']
    leave_to = {}  # rest index d' -> head in the cycle that word rest[d'] takes
    cyc = np.array(cycle)
    cyc_scores = s[cyc, heads[cyc]]
    for a, d in enumerate(rest):
        for b, h in enumerate(rest):
            ns[a, b] = s[d, h]
        col = s[d, cyc]
        k = int(col.argmax())
        ns[a, c] = col[k]
        leave_to[a] = int(cyc[k])
    for b, h in enumerate(rest):
        gain = s[cyc, h] - cyc_scores
        k = int(gain.argmax())
        ns[c, b] = gain[k]
        enter_from[b] = int(cyc[k])
    sub = _chu_liu_edmonds(ns)
    out = heads.copy()
    for a, d in enumerate(rest):
        if d == 0:
            continue
        hb = sub[a]
        out[d] = leave_to[a] if hb == c else rest[hb]
    hb = sub[c]
    out[enter_from[hb]] = rest[hb]
    return out


def _find_cycle(heads: np.ndarray):
    n = len(heads)
    color = [0] * n  # 0 new, 1 on the current path, 2 done
    for start in range(1, n):
        if color[start]:
            continue
        path = []
        v = start
        while v > 0 and color[v] == 0:
            color[v] = 1
            path.append(v)
            v = int(heads[v])
        if v > 0 and color[v] == 1:
            return path[path.index(v):]
        for u in path:
            color[u] = 2
    return None


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    m = x.max(axis=axis, keepdims=True)
    z = x - m
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def decode(upos_logits, arc_scores, rel_logits, n: int, deprels: list[str]):
    """One sentence of n words: UPOS by argmax, heads by MST over log-softmax arc
    scores, each word's relation by argmax at its chosen head (root only for the
    root's child)."""
    upos = [UPOS[i] for i in upos_logits[1 : n + 1].argmax(-1)]
    arcs = log_softmax(arc_scores[: n + 1, : n + 1].astype(np.float64), axis=1)
    heads = mst_heads(arcs)
    root_id = deprels.index("root")
    rels = []
    for d, h in enumerate(heads, start=1):
        row = rel_logits[d, h].copy()
        if h == 0:
            rels.append("root")
            continue
        row[root_id] = -np.inf
        rels.append(deprels[int(row.argmax())])
    return upos, heads, rels


# --- scoring (CoNLL 2018 shared task conventions, gold tokenisation) ----------


def universal(rel: str) -> str:
    return rel.split(":")[0]


def score(gold: list[Sentence], pred: list[tuple[list[str], list[int], list[str]]]) -> dict:
    """UPOS accuracy, UAS, LAS (universal relation, subtypes ignored) and LAS with
    full labels, over all words, punctuation included, as percentages."""
    words = upos = uas = las = las_full = 0
    for g, (pu, ph, pr) in zip(gold, pred):
        for i in range(len(g.forms)):
            words += 1
            upos += g.upos[i] == pu[i]
            if g.heads[i] == ph[i]:
                uas += 1
                if universal(g.deprels[i]) == universal(pr[i]):
                    las += 1
                if g.deprels[i] == pr[i]:
                    las_full += 1
    pct = lambda x: round(100.0 * x / max(1, words), 2)  # noqa: E731
    return {
        "words": words,
        "upos": pct(upos),
        "uas": pct(uas),
        "las": pct(las),
        "las_full_labels": pct(las_full),
        "sentences": len(gold),
    }
