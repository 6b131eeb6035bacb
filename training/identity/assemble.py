#!/usr/bin/env python3
"""Joins the labellers' files into the identity fixture and measures their agreement.

    python3 training/identity/assemble.py PAIRS LABELS_DIR OUT_DIR

PAIRS is `sample.py pairs`'s output; LABELS_DIR holds `batch-N.jsonl` (one labeller each:
{id, label, a_refers, b_refers, reason}); `batch-N.jsonl` beside PAIRS lists each batch's
pairs, and a pair marked `overlap` there was labelled a second time, independently, by
that batch's labeller. The owner's label is the label; the second one goes to
`agreement-b.jsonl`. Prints raw agreement and Cohen's kappa over the doubly labelled pairs
(four labels) and over same/different alone. Standard library only.
"""
import json
import sys
from collections import Counter
from pathlib import Path

pairs_path, labels_dir, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
pairs = {json.loads(l)["id"]: json.loads(l) for l in pairs_path.open(encoding="utf-8")}
owner, second = {}, {}
for batch in sorted(pairs_path.parent.glob("batch-*.jsonl")):
    members = [json.loads(l) for l in batch.open(encoding="utf-8")]
    labels = {}
    for l in (labels_dir / batch.name).open(encoding="utf-8"):
        r = json.loads(l)
        labels[r["id"]] = r
    missing = [m["id"] for m in members if m["id"] not in labels]
    if missing:
        sys.exit(f"{batch.name}: {len(missing)} pairs unlabelled")
    for m in members:
        (second if m.get("overlap") else owner)[m["id"]] = labels[m["id"]]
assert set(owner) == set(pairs), "every pair has one owner label"
out.mkdir(parents=True, exist_ok=True)
FIELDS = ("label", "a_refers", "b_refers", "reason")
with (out / "pairs.jsonl").open("w", encoding="utf-8") as f:
    for pid in sorted(pairs):
        row = {k: v for k, v in pairs[pid].items() if k not in FIELDS}
        row.update({k: owner[pid][k] for k in FIELDS})
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
with (out / "agreement-b.jsonl").open("w", encoding="utf-8") as f:
    for pid in sorted(second):
        f.write(json.dumps({"id": pid, **{k: second[pid][k] for k in FIELDS}}, ensure_ascii=False) + "\n")


def kappa(rows):
    n = len(rows)
    po = sum(a == b for a, b in rows) / n
    ca, cb = Counter(a for a, _ in rows), Counter(b for _, b in rows)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return po, (po - pe) / (1 - pe) if pe < 1 else 1.0


both = [(owner[p]["label"], second[p]["label"]) for p in sorted(second)]
po, k = kappa(both)
print(f"{len(pairs)} pairs: {dict(Counter(owner[p]['label'] for p in pairs))}")
print(f"doubly labelled: {len(both)}; agreement {100 * po:.1f}%, Cohen's kappa {k:.3f} (four labels)")
sd = [(a, b) for a, b in both if a in ("same", "different") and b in ("same", "different")]
if sd:
    po, k = kappa(sd)
    print(f"  where both said same or different ({len(sd)}): agreement {100 * po:.1f}%, kappa {k:.3f}")
print("  confusions:", dict(Counter(f"{a}/{b}" for a, b in both if a != b)))
