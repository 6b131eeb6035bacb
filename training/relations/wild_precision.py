#!/usr/bin/env python3
"""Precision with a 95% Wilson interval from a judged sample (wild_sample.py's rows with
their verdicts filled in), per relation type and per provenance.

    python3 training/relations/wild_precision.py SAMPLE.jsonl [SAMPLE2.jsonl ...]
"""
import json
import math
import sys
from collections import defaultdict


def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((c - h) / d, (c + h) / d)


def main():
    groups = defaultdict(lambda: [0, 0])
    unjudged = 0
    for path in sys.argv[1:]:
        for line in open(path):
            r = json.loads(line)
            if r.get("verdict") not in ("correct", "wrong"):
                unjudged += 1
                continue
            ok = r["verdict"] == "correct"
            for key in ((r["relation"], "all"), (r["relation"], r["provenance"])):
                groups[key][0] += ok
                groups[key][1] += 1
    for (kind, prov), (k, n) in sorted(groups.items()):
        lo, hi = wilson(k, n)
        print(f"{kind:10} {prov:6} precision {k / n:.2f} ({k}/{n}), 95% interval {lo:.2f}-{hi:.2f}")
    if unjudged:
        print(f"{unjudged} rows without a verdict")


if __name__ == "__main__":
    main()
