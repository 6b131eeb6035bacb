#!/usr/bin/env python3
"""Writes the Reuters-21578 articles a set of identity pairs needs as one .sgm file (issue 25).

    python3 training/identity/reuters_subset.py tests/fixtures/identity/pairs.jsonl \\
        ../shared/data/reuters21578 OUT_DIR [--part train --part dev] [--acronym-definers]

OUT_DIR/reut2-900.sgm holds, unchanged, every article one of the pairs (of the parts given)
names, so `newsgraph extract OUT_DIR` gives their mentions as a whole run does: a
document's mentions do not depend on the others. What does depend on the others is the
run-wide acronym table (docs/IDENTITY.md); `--acronym-definers` adds every article that
writes, in brackets, an acronym these articles' mention texts use ("(EPA)"), that is every
article that can define or contradict a definition of one of them, so the table's entries
for the pairs' acronyms are the whole archive's. Standard library only.
"""
import argparse
import json
import re
from pathlib import Path

ARTICLE = re.compile(r'<REUTERS[^>]*NEWID="(\d+)"[^>]*>.*?</REUTERS>\n?', re.S)
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,6}\b")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pairs", type=Path)
    ap.add_argument("reuters", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--part", action="append", help="train, dev or unseen (repeatable); default all")
    ap.add_argument("--acronym-definers", action="store_true")
    a = ap.parse_args()
    wanted = set()
    for line in a.pairs.open(encoding="utf-8"):
        r = json.loads(line)
        if a.part and r["part"] not in a.part:
            continue
        for side in ("a", "b"):
            if r[side]["doc"].startswith("reuters-"):
                wanted.add(r[side]["doc"])
    articles = []
    for sgm in sorted(a.reuters.glob("reut2-*.sgm")):
        text = sgm.read_text(encoding="latin-1")
        articles.extend(("reuters-" + m.group(1), m.group(0)) for m in ARTICLE.finditer(text))
    keep = {doc for doc, _ in articles if doc in wanted}
    if a.acronym_definers:
        acronyms = set()
        for doc, body in articles:
            if doc in keep:
                acronyms.update(ACRONYM.findall(body.replace(".", "")))
        bracketed = re.compile(r"\((%s)\)" % "|".join(map(re.escape, sorted(acronyms))))
        keep.update(doc for doc, body in articles if bracketed.search(body))
    a.out.mkdir(parents=True, exist_ok=True)
    with (a.out / "reut2-900.sgm").open("w", encoding="latin-1") as f:
        f.write('<!DOCTYPE lewis SYSTEM "lewis.dtd">\n')
        for doc, body in articles:
            if doc in keep:
                f.write(body)
    print(f"{len(keep)} articles ({len(wanted)} named by the pairs) in {a.out / 'reut2-900.sgm'}")


if __name__ == "__main__":
    main()
