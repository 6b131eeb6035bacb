"""Prints what an extract output folder found: documents, nodes and edges by type, the most
mentioned entities, the edges with the most evidence, and the report to open.

Usage: python3 scripts/example_summary.py OUT_DIR   (standard library only)
"""

import json
import os
import sys
from collections import Counter

out = sys.argv[1]
with open(os.path.join(out, "graph.json"), encoding="utf-8") as f:
    graph = json.load(f)
with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
    summary = json.load(f)
nodes = {n["id"]: n for n in graph["nodes"]}
edges = graph["links"]


def counts(counter):
    return ", ".join(f"{n} {k}" for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


print()
print(
    f"newsgraph found, in {summary['documents_processed']} documents "
    f"({summary['documents_skipped']} skipped, {summary['documents_failed']} failed):"
)
print(f"  {len(nodes)} nodes: {counts(Counter(n['type'] for n in nodes.values()))}")
print(
    f"  {len(edges)} edges: "
    f"{counts(Counter(e['relation'] + ('' if e['modality'] == 'asserted' else ' (' + e['modality'] + ')') for e in edges))}"
)
print("  most mentioned:")
entities = [n for n in nodes.values() if n["type"] != "claim"]
for n in sorted(entities, key=lambda n: (-n["documents"], -n["mentions"], n["id"]))[:8]:
    print(f"    {n['label']:<36} {n['type']:<13} {n['mentions']:>4} mentions in {n['documents']} documents")
between = [e for e in edges if nodes[e["target"]]["type"] != "claim"]
claims = [e for e in edges if nodes[e["target"]]["type"] == "claim"]
for title, some in (("relations between entities", between), ("claims with the most evidence", claims)):
    if some:
        print(f"  {title}:")
    for e in sorted(some, key=lambda e: (-e["evidence_count"], e["source"], e["target"]))[:5]:
        source, target = nodes[e["source"]]["label"], nodes[e["target"]]["label"]
        sentence = " ".join(e["evidence"][0]["sentence"].split())
        if len(sentence) > 90:
            sentence = sentence[:87] + "..."
        print(f"    {source} -{e['relation']}-> {target}  ({e['evidence_count']}x: \"{sentence}\")")
report = os.path.join(out, "report.html")
if os.path.exists(report):
    print(f"open the report: {os.path.abspath(report)}")
