#!/usr/bin/env python3
"""Scores cross-document merges against the labelled identity pairs (issue 25).

    python3 training/identity/score.py tests/fixtures/identity/pairs.jsonl OUT... [--part dev]
        [--json FILE] [--show] [--no-joins]

Each OUT is the output folder of a `newsgraph extract` run (its `mentions.jsonl`) over the
pairs' documents: a run over the whole of Reuters-21578 (`../shared/data/reuters21578`,
read from the .sgm files, datelines included) and one over the CoNLL-2003 documents'
rebuilt texts (`tests/fixtures/identity/README.md`). Each run's mentions are read with
its own graph's joins. A
mention of a pair is the run's mention that overlaps it most (ties: the earlier); its node
is that mention's `entity`, none when the run made no node of it, read through the run's
acronym joins (graph.json's `acronyms_joined`: mentions.jsonl keeps each document's own
ids, the graph joins an acronym another document defines). A pair is *merged* when
both mentions have the same node. Scored on the pairs labelled `same` or `different`
(`not-entity` and `unclear` are left out):

- precision: merged pairs that are `same`;
- recall: `same` pairs that were merged;
- and, apart, `same` pairs where a mention became no node (counted in recall's misses).

`--show` prints every miss and false merge. Standard library only.
"""
import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path


def load_joins(out: Path):
    """The run's acronym joins (acronym id -> long form id) from its graph.json."""
    graph = out / "graph.json"
    if not graph.exists():
        return {}
    with graph.open(encoding="utf-8") as f:
        return json.load(f)["graph"].get("acronyms_joined", {})


def load_mentions(out: Path, no_joins: bool = False):
    joins = {} if no_joins else load_joins(out)
    by_doc = {}
    with (out / "mentions.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            for m in d["mentions"]:
                if m.get("entity") in joins:
                    m["entity"] = joins[m["entity"]]
            by_doc[d["doc"]] = d["mentions"]
    return by_doc


def node_of(mentions, start: int, end: int):
    best, best_overlap = None, 0
    for m in mentions:
        overlap = min(end, m["end"]) - max(start, m["start"])
        if overlap > best_overlap:
            best, best_overlap = m, overlap
    if best is None:
        return None, None
    return best.get("entity"), best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pairs", type=Path)
    ap.add_argument("out", type=Path, nargs="+", help="one or more run folders (a Reuters-21578 run and a CoNLL run, say)")
    ap.add_argument("--part", action="append", help="train, dev or unseen (repeatable); default all")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--no-joins", action="store_true", help="read mentions.jsonl's ids alone, without the graph's acronym joins")
    a = ap.parse_args()
    mentions = {}
    for out in a.out:
        mentions.update(load_mentions(out, a.no_joins))
    rows = [json.loads(line) for line in a.pairs.open(encoding="utf-8")]
    if a.part:
        rows = [r for r in rows if r["part"] in a.part]

    def resolve(m):
        # Both count characters as Python indexes the text (README: mentions.jsonl).
        return node_of(mentions.get(m["doc"], []), m["start"], m["end"])

    counts = Counter()
    by_kind = defaultdict(Counter)
    shown = []
    for r in rows:
        label = r.get("label")
        if label not in ("same", "different"):
            counts["left out (" + str(label) + ")"] += 1
            continue
        na, _ = resolve(r["a"])
        nb, _ = resolve(r["b"])
        merged = na is not None and na == nb
        gold = label == "same"
        key = {(True, True): "tp", (True, False): "fp", (False, True): "fn", (False, False): "tn"}[(merged, gold)]
        counts[key] += 1
        by_kind[r["kind"]][key] += 1
        if gold and (na is None or nb is None):
            counts["same_without_node"] += 1
        if key in ("fp", "fn"):
            shown.append((key, r, na, nb))

    def prf(c):
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(100 * p, 2), "recall": round(100 * r, 2), "f1": round(100 * f, 2),
                "tp": c["tp"], "fp": c["fp"], "fn": c["fn"], "tn": c["tn"]}

    report = {"parts": a.part or ["all"], "overall": prf(counts),
              "kinds": {k: prf(c) for k, c in sorted(by_kind.items())},
              "same_without_node": counts["same_without_node"],
              "left_out": {k: v for k, v in counts.items() if k.startswith("left out")}}
    print(f"parts {report['parts']}: merge precision {report['overall']['precision']}, "
          f"recall {report['overall']['recall']}, F1 {report['overall']['f1']} "
          f"(tp {counts['tp']}, fp {counts['fp']}, fn {counts['fn']}, tn {counts['tn']}; "
          f"same pairs with a mention that became no node: {counts['same_without_node']})")
    for k, v in report["kinds"].items():
        print(f"  {k:13} P {v['precision']:6} R {v['recall']:6} (tp {v['tp']}, fp {v['fp']}, fn {v['fn']}, tn {v['tn']})")
    if a.show:
        for key, r, na, nb in shown:
            print(f"{key} {r['id']} {r['a']['text']!r} -> {na} | {r['b']['text']!r} -> {nb} :: {r.get('a_refers')} / {r.get('b_refers')}")
    if a.json:
        a.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
