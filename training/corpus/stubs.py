#!/usr/bin/env python3
"""Writes an empty fixture (id, text_file, source; no labels) for every document of the
selection, so that `cargo run --release --example labelled_texts -- STUBS OUT` rebuilds the
texts to label:

    python3 training/corpus/stubs.py tests/fixtures/labelled/selection.tsv /tmp/stubs
    cargo run --release --example labelled_texts -- /tmp/stubs /tmp/to-label
"""
import json
import sys
from pathlib import Path

sel, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
rows = sel.read_text(encoding="utf-8").splitlines()
head = rows[0].split("\t")
for line in rows[1:]:
    r = dict(zip(head, line.split("\t")))
    fixture = {
        "id": r["id"],
        "text_file": r["id"] + ".txt",
        "source": {"file": r["file"], "document": int(r["document"]), "rebuild": r["rebuild"]},
        "entities": [],
        "relations": [],
    }
    (out / (r["id"] + ".json")).write_text(json.dumps(fixture, indent=1) + "\n", encoding="utf-8")
print(f"{len(rows) - 1} stubs in {out}")
