#!/usr/bin/env python3
"""Draws the precision-in-the-wild sample of issue 22 from a graph.json of a full run.

    python3 training/relations/wild_sample.py GRAPH.json OUT.jsonl [--per-type 100] [--seed 22]
        [--exclude JUDGED.jsonl ...]

Per relation type, `--per-type` edges drawn uniformly at random (all of them when the type
has fewer), each with one evidence item drawn at random from the edge's evidence, the
edge's provenance ("rules", "model" or "both": which of the two found any of its
evidence), and an empty verdict for a person to fill in against ANNOTATION.md
("correct" or "wrong", with a short reason). Also prints the number of edges of each
type, in all and by provenance (the rules alone give the edges with a rule's evidence).
`--exclude` leaves out the edges (relation, source, target) of earlier judged samples, so
that a new sample measures edges nobody has read while changing the rules.
Standard library only; the same graph, seed and exclusions give the same sample.
"""
import argparse
import json
import random
from collections import Counter


def provenance(edge):
    rules = any(not ev["rule"].startswith("model@") for ev in edge["evidence"])
    model = any(ev["rule"].startswith("model@") for ev in edge["evidence"])
    return "both" if rules and model else "rules" if rules else "model"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("graph")
    ap.add_argument("out")
    ap.add_argument("--per-type", type=int, default=100)
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--exclude", nargs="*", default=[], help="judged samples whose edges to leave out")
    a = ap.parse_args()
    judged = set()
    for path in a.exclude:
        for line in open(path):
            r = json.loads(line)
            judged.add((r["relation"], r["source"], r["target"]))
    g = json.load(open(a.graph))
    nodes = {n["id"]: n for n in g["nodes"]}
    by_type = {}
    counts = Counter()
    for e in g["links"]:
        by_type.setdefault(e["relation"], []).append(e)
        counts[(e["relation"], provenance(e))] += 1
    rng = random.Random(a.seed)
    rows = []
    for kind in sorted(by_type):
        edges = sorted(
            (e for e in by_type[kind] if (kind, e["source"], e["target"]) not in judged),
            key=lambda e: (e["source"], e["target"], e.get("modality", "")),
        )
        chosen = rng.sample(edges, min(a.per_type, len(edges)))
        for e in chosen:
            ev = rng.choice(e["evidence"])
            target = nodes.get(e["target"], {})
            rows.append({
                "relation": kind,
                "source": e["source"],
                "target": e["target"],
                "target_label": target.get("label"),
                "modality": e.get("modality"),
                "provenance": provenance(e),
                "doc": ev["doc"],
                "rule": ev["rule"],
                "sentence": ev["sentence"],
                "verdict": None,
                "reason": None,
            })
    with open(a.out, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for kind in sorted(by_type):
        parts = {p: counts[(kind, p)] for p in ("rules", "both", "model")}
        print(f"{kind}: {len(by_type[kind])} edges; rules only {parts['rules']}, "
              f"rules and model {parts['both']}, model only {parts['model']}; "
              f"the rules alone give {parts['rules'] + parts['both']}")


if __name__ == "__main__":
    main()
