#!/usr/bin/env python3
"""Prints the counts table of tests/fixtures/labelled/README.md: documents, entities and
relations per part and type, required (optional in brackets), and traps per part.

    python3 training/corpus/counts.py tests/fixtures/labelled
"""
import collections
import json
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/labelled")
parts = ["train", "dev", "unseen"]
docs = collections.Counter()
req, opt = collections.Counter(), collections.Counter()
src = collections.Counter()
for part in parts:
    for f in sorted((root / part).glob("*.json")):
        j = json.loads(f.read_text(encoding="utf-8"))
        docs[part] += 1
        src[(part, "CoNLL" if j["id"].startswith("conll") else "Reuters")] += 1
        for e in j["entities"]:
            (opt if e.get("optional") else req)[(part, e["type"])] += 1
        for r in j["relations"]:
            (opt if r.get("optional") else req)[(part, r["type"])] += 1
        req[(part, "traps")] += len(j.get("non_relations", []))
types = ["person", "state", "organisation", "sanctions", "meets", "claims"]
print("| part | documents | " + " | ".join(types) + " | traps |")
print("|---" * (len(types) + 3) + "|")
for part in parts + ["all"]:
    ps = parts if part == "all" else [part]
    d = sum(docs[p] for p in ps)
    c = sum(src[(p, "CoNLL")] for p in ps)
    cells = [f"{sum(req[(p, t)] for p in ps)} (+{sum(opt[(p, t)] for p in ps)})" for t in types]
    traps = sum(req[(p, "traps")] for p in ps)
    print(f"| {part} | {d} ({c} CoNLL, {d - c} Reuters-21578) | " + " | ".join(cells) + f" | {traps} |")
