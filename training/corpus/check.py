#!/usr/bin/env python3
"""Checks labelled fixtures against their texts, as tests/labelled.rs does, and a little more:

    python3 training/corpus/check.py FIXTURE.json [...] --texts DIR

DIR holds <id>.txt (written by examples/labelled_texts.rs). Prints one line per problem and
exits 1 when there is any. Checks: the fields, entity types, unique entity ids, every alias
in the text as whole words (case and whitespace normalised), relation endpoints that name
listed entities, claims with a numeric figure, every evidence verbatim in the text, and
modality / non_relations values from docs/ANNOTATION-NOTES.md.
"""
import argparse
import json
import re
import sys
from pathlib import Path

TYPES = {"person", "state", "organisation"}
RELATIONS = {"sanctions", "meets", "claims"}
MODALITIES = {"asserted", "planned"}
REASONS = {"negated", "hypothetical", "demanded", "refused", "threatened", "planned-only",
           "unnamed-source", "lifted", "other-sense", "same-side", "not-a-figure"}


def norm(s):
    return " ".join(s.lower().replace("\u2019", "'").split())


def has_words(hay, needle):
    h, n = norm(hay), norm(needle)
    for m in re.finditer(re.escape(n), h):
        before = h[m.start() - 1] if m.start() > 0 else " "
        after = h[m.end()] if m.end() < len(h) else " "
        if not before.isalnum() and not after.isalnum():
            return True
    return False


def ids(v):
    return [v] if isinstance(v, str) else list(v) if isinstance(v, list) else None


def check(path: Path, texts: Path):
    problems = []
    say = problems.append
    try:
        f = json.loads(path.read_text(encoding="utf-8"))
    except Exception as e:  # noqa: BLE001
        return [f"not JSON: {e}"]
    fid = f.get("id")
    if path.name != f"{fid}.json":
        say(f"file name is not <id>.json ({fid})")
    if f.get("text_file") != f"{fid}.txt":
        say("text_file is not <id>.txt")
    src = f.get("source", {})
    if not (isinstance(src.get("file"), str) and isinstance(src.get("document"), int) and src.get("rebuild")):
        say("source needs file, document and rebuild")
    tp = texts / f"{fid}.txt"
    text = tp.read_text(encoding="utf-8") if tp.exists() else None
    if text is None:
        say(f"no text {tp}")
    ents = {}
    for e in f.get("entities", []):
        eid = e.get("id")
        if eid in ents:
            say(f"entity {eid} twice")
        ents[eid] = e
        if e.get("type") not in TYPES:
            say(f"entity {eid}: type {e.get('type')!r}")
        if not isinstance(e.get("name"), str) or not e.get("aliases"):
            say(f"entity {eid}: needs a name and at least one alias")
        for a in e.get("aliases", []):
            if text is not None and not has_words(text, a):
                say(f"entity {eid}: alias {a!r} is not in the text as whole words")
    for i, r in enumerate(f.get("relations", [])):
        t = r.get("type")
        where = f"relation {i} ({t})"
        if t not in RELATIONS:
            say(f"{where}: unknown type")
        for x in ids(r.get("source")) or [None]:
            if x not in ents:
                say(f"{where}: source {x!r} is not a listed entity")
        if t in ("sanctions", "meets"):
            for x in ids(r.get("target")) or [None]:
                if x not in ents:
                    say(f"{where}: target {x!r} is not a listed entity")
        if t == "claims" and not isinstance(r.get("figure"), (int, float)):
            say(f"{where}: figure must be a number")
        if r.get("modality", "asserted") not in MODALITIES:
            say(f"{where}: modality {r.get('modality')!r}")
        ev = r.get("evidence") or ""
        if not ev or (text is not None and ev not in text):
            say(f"{where}: evidence is not verbatim in the text: {ev[:80]!r}")
    for i, r in enumerate(f.get("non_relations", [])):
        where = f"non_relation {i} ({r.get('type')})"
        if r.get("type") not in RELATIONS:
            say(f"{where}: unknown type")
        if r.get("reason") not in REASONS:
            say(f"{where}: reason {r.get('reason')!r} (one of {sorted(REASONS)})")
        for key in ("source", "target"):
            for x in ids(r.get(key)) or []:
                if x not in ents:
                    say(f"{where}: {key} {x!r} is not a listed entity")
        ev = r.get("evidence") or ""
        if not ev or (text is not None and ev not in text):
            say(f"{where}: evidence is not verbatim in the text: {ev[:80]!r}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fixtures", nargs="+")
    ap.add_argument("--texts", required=True)
    a = ap.parse_args()
    bad = 0
    for p in map(Path, a.fixtures):
        for prob in check(p, Path(a.texts)):
            print(f"{p.name}: {prob}")
            bad += 1
    print(f"{len(a.fixtures)} fixtures checked, {bad} problems")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
