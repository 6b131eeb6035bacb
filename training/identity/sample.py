#!/usr/bin/env python3
"""Draws cross-document identity pairs to label (issue 25): two mentions in two different
documents of Reuters-21578 and CoNLL-2003, to be judged the same real entity or not.

    python3 training/identity/sample.py stubs --shared ../shared /tmp/id-stubs
    cargo run --release --example labelled_texts -- /tmp/id-stubs /tmp/id-texts
    python3 training/identity/sample.py pairs /tmp/id-texts --out tests/fixtures/identity
    python3 training/identity/sample.py docs tests/fixtures/identity/pairs.jsonl /tmp/id-texts /tmp/id-conll

`stubs` writes an empty fixture for every document of the two corpora (CoNLL-2003 train,
valid, test; every Reuters-21578 article), so that `labelled_texts` rebuilds their texts by
the corpus's documented rules (tests/common/labelled.rs); the offsets below are offsets in
those texts, the texts `newsgraph extract` reads.

`pairs` never runs newsgraph: mentions are found by a surface rule, so the labels are made
from the text alone, before the tool has seen these documents. Standard library only;
deterministic (every choice is by a keyed FNV-1a hash, no random state).

Mentions: maximal runs of capitalised or upper-case words (plus the connectors "of", "and",
"for", "de", "&" inside), not the first word of a line or sentence alone, one to six words.
Each mention gets a key: lower case, a leading "the", a trailing possessive and trailing
legal suffixes (Inc, Corp, Co, Ltd, ...) removed. Three kinds of pair:

- `same-looking`: the same key in two documents ("Finance Ministry" and "Finance Ministry",
  "Shell Canada Ltd" and "SHELL CANADA"): the pooling errors, generic bodies first;
- `acronym`: an acronym a document introduces ("Agriculture Department (USDA)") and the
  acronym alone or the long form in another document;
- `variant`: keys that differ but share their first word or one is the other's last word
  ("Shell" / "Shell Canada", "Baker" / "James Baker", "Ministry of Finance" / "Finance
  Ministry"): the splits.

Each pair goes to a part by hash of its id: a third `unseen` (opened only at the end), a
third `dev`, a third `train`. Output: `pairs.jsonl` in OUT (one pair per line, label fields
empty) and `contexts/` is not written: labellers read the whole texts.
"""
import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path


def fnv1a(s: str) -> int:
    h = 0xCBF29CE484222325
    for b in s.encode():
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


CONLL_FILES = ["conll2003/train.txt", "conll2003/valid.txt", "conll2003/test.txt"]


def stubs(shared: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    data = shared / "data"
    for rel in CONLL_FILES:
        part = rel.split("/")[1].split(".")[0]
        count = sum(1 for line in (data / rel).open(encoding="utf-8") if line.startswith("-DOCSTART-"))
        for i in range(count):
            write_stub(out, f"conll-{part}-{i:03d}", rel, i, "conll-detok-v1")
            n += 1
    for sgm in sorted((data / "reuters21578").glob("reut2-*.sgm")):
        raw = sgm.read_bytes().decode("latin-1")
        for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)"', raw):
            newid = int(m.group(1))
            body = raw.find("<BODY>", m.end(), raw.find("</REUTERS>", m.end()))
            if body < 0:
                continue
            write_stub(out, f"reuters-{newid}", f"reuters21578/{sgm.name}", newid, "reuters-title-body-v1")
            n += 1
    print(f"{n} stubs in {out}")


def write_stub(out: Path, id_: str, file: str, document: int, rule: str) -> None:
    fixture = {
        "id": id_,
        "text_file": id_ + ".txt",
        "source": {"file": file, "document": document, "rebuild": rule},
        "entities": [],
        "relations": [],
    }
    (out / (id_ + ".json")).write_text(json.dumps(fixture) + "\n", encoding="utf-8")


WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'.\-/]*")
CONNECTORS = {"of", "and", "for", "de", "&", "du", "la"}
LEGAL = {"inc", "corp", "co", "ltd", "plc", "corporation", "company", "incorporated", "limited",
         "ag", "sa", "nv", "bv", "spa", "gmbh", "llc", "lp", "cos", "l.p", "n.v", "s.a", "pty", "bhd"}
# Capitalised words that are rarely names: sentence furniture, months, days, titles.
NOT_NAMES = set("""a an the in on at for to of by with from as but and or if it its this that
these those he she they we i you his her their our there here when while after before
mr mrs ms dr president minister chairman secretary says said reuter reuters
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
saturday sunday new also however meanwhile under other some no not all one two three""".split())
GENERIC = ["finance ministry", "ministry of finance", "central bank", "foreign ministry",
           "agriculture ministry", "trade ministry", "supreme court", "congress", "parliament",
           "national assembly", "treasury", "senate", "house", "cabinet", "government",
           "economy ministry", "agriculture department", "commerce department", "state department",
           "energy ministry", "oil ministry", "industry ministry", "labour party", "labor party"]
ACRONYM_DEF = re.compile(r"([A-Z][A-Za-z.&'\- ]{3,80}?)\s*\(\s*([A-Z][A-Z&.]{1,9})\s*\)")


def words_at(text: str):
    """(start, end, word) for each word of the text, with whether it starts a sentence."""
    out = []
    prev_end = 0
    for m in WORD.finditer(text):
        gap = text[prev_end:m.start()]
        # Sentence start: text start, a line start, or after . ! ? and whitespace.
        before = text[:m.start()].rstrip(" \t")
        starts = (not before) or before.endswith("\n") or (before[-1:] in ".!?\"" and not before.endswith(("Mr.", "Dr.", "U.S.", "Inc.", "Co.", "Corp.")))
        out.append((m.start(), m.end(), m.group(0).rstrip(".") if not re.fullmatch(r"(?:[A-Z]\.)+", m.group(0)) else m.group(0), starts))
        prev_end = m.end()
        del gap
    return out


def is_cap(w: str) -> bool:
    return w[:1].isupper()


def mentions(text: str):
    """Maximal capitalised runs: (start, end, surface)."""
    ws = words_at(text)
    out = []
    i = 0
    while i < len(ws):
        s, e, w, starts = ws[i]
        if not is_cap(w) or w.lower() in NOT_NAMES:
            i += 1
            continue
        j = i + 1
        while j < len(ws):
            gap = text[ws[j - 1][1]:ws[j][0]]
            if gap not in (" ", "\n", " & "):
                break
            prev = text[ws[j - 1][0]:ws[j - 1][1]]
            # A full stop ends the name unless it ends an initial or an abbreviation.
            if prev.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|St\.|Co\.|Corp\.|Inc\.|Bros\.|Mt\.|Ft\.", prev):
                break
            w2 = ws[j][2]
            if is_cap(w2) and w2.lower() not in NOT_NAMES - {"new"}:
                j += 1
            elif w2 in CONNECTORS and j + 1 < len(ws) and is_cap(ws[j + 1][2]):
                j += 2
            else:
                break
        run = ws[i:j]
        # A single capitalised word starting a sentence is too often not a name.
        if len(run) == 1 and starts and not run[0][2].isupper():
            i = j
            continue
        end = run[-1][1]
        # A sentence's full stop is not part of the name; an initialism's is ("U.S.").
        if text[end - 1] == "." and not re.search(r"(?:^|[\s.])[A-Z]\.$", text[run[0][0]:end]):
            end -= 1
        surface = text[run[0][0]:end]
        if len(run) <= 6 and not re.search(r"\d", surface) and len(surface) >= 2:
            out.append((run[0][0], end, surface))
        i = j
    return out


def key(surface: str) -> str:
    ws = surface.replace("\n", " ").split()
    ws = [w.strip(",").rstrip(".") for w in ws]
    if ws and ws[0].lower() == "the":
        ws = ws[1:]
    if ws and ws[-1].lower().endswith("'s"):
        ws[-1] = ws[-1][:-2]
    while len(ws) > 1 and ws[-1].lower().strip(".") in LEGAL:
        ws = ws[:-1]
    return " ".join(w.lower() for w in ws)


def headline_only(text: str, start: int) -> bool:
    return "\n\n" in text and start < text.index("\n\n")


def pairs(texts: Path, out: Path, per_kind: dict) -> None:
    docs = sorted(p.stem for p in texts.glob("*.txt"))
    by_key = defaultdict(list)  # key -> [(doc, start, end, surface)]
    acronyms = defaultdict(set)  # acronym -> {(doc, long key)}
    for d in docs:
        text = (texts / f"{d}.txt").read_text(encoding="utf-8")
        seen = set()
        found = mentions(text)
        body_keys = {key(m[2]) for m in found if not headline_only(text, m[0])}
        for s, e, surface in found:
            k = key(surface)
            if not k or len(k) < 2 or k in seen:
                continue
            # An upper-case headline is cut into runs of capitals that are mostly not
            # names; a run there counts when the body names the same thing.
            if headline_only(text, s) and k not in body_keys:
                continue
            seen.add(k)
            by_key[k].append((d, s, e, surface))
        for m in ACRONYM_DEF.finditer(text):
            long = key(m.group(1).split(",")[-1].strip())
            acr = m.group(2).replace(".", "")
            if len(long.split()) >= 2:
                acronyms[acr].add((d, long))
    rows = []

    def pick(cands, salt, n):
        return sorted(cands, key=lambda c: fnv1a(salt + repr(c)))[:n]

    def mention(m):
        d, s, e, surface = m
        return {"doc": d, "start": s, "end": e, "text": surface}

    def add(kind, a, b):
        if a[0] == b[0]:
            return False
        ida, idb = sorted([f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}"])
        pid = f"{kind}-{fnv1a(ida + '|' + idb):016x}"[:24]
        rows.append({"id": pid, "kind": kind, "a": mention(a), "b": mention(b)})
        return True

    # same-looking: generic bodies, then frequent keys of other kinds.
    generic = [k for k in GENERIC if len({m[0] for m in by_key.get(k, [])}) >= 2]
    frequent = [k for k, ms in by_key.items() if len({m[0] for m in ms}) >= 3 and k not in GENERIC]
    frequent = pick(frequent, "frequent", per_kind["same-looking"])
    chosen = generic + frequent
    n = 0
    for k in chosen:
        if n >= per_kind["same-looking"]:
            break
        ms = pick(by_key[k], "same:" + k, 6)
        reps = 2 if k in GENERIC else 1
        for r in range(reps):
            if 2 * r + 1 < len(ms) and add("same-looking", ms[2 * r], ms[2 * r + 1]):
                n += 1
    # acronym: the long form introduced with it in one document, the acronym alone (or the
    # long form) in another.
    n = 0
    for acr in pick([a for a in acronyms if a.lower() in by_key], "acr", 10 ** 6):
        if n >= per_kind["acronym"]:
            break
        d, long = pick(sorted(acronyms[acr]), "acrdef:" + acr, 1)[0]
        intro = [m for m in by_key.get(long, []) if m[0] == d]
        alone = [m for m in by_key[acr.lower()] if m[0] != d]
        if intro and alone and add("acronym", intro[0], pick(alone, "alone:" + acr, 1)[0]):
            n += 1
    # variant: keys sharing the first word, or one the last word of the other.
    n = 0
    keys = sorted(k for k, ms in by_key.items() if len(k.split()) >= 2 and len({m[0] for m in ms}) >= 1)
    for k in pick(keys, "variant", 10 ** 6):
        if n >= per_kind["variant"]:
            break
        first, last = k.split()[0], k.split()[-1]
        others = [o for o in (first, last) if o in by_key and o not in NOT_NAMES and len(o) > 2]
        shares = [o for o in by_key if o != k and o.split()[0] == first and len(o.split()) >= 2]
        options = sorted(set(others + shares[:20]))
        if not options:
            continue
        o = pick(options, "variant-of:" + k, 1)[0]
        a = pick(by_key[k], "va:" + k, 1)[0]
        bs = [m for m in by_key[o] if m[0] != a[0]]
        if bs and add("variant", a, pick(bs, "vb:" + o, 1)[0]):
            n += 1
    seen, unique = set(), []
    for r in rows:
        if r["id"] not in seen:
            seen.add(r["id"])
            unique.append(r)
    for r in unique:
        h = fnv1a("newsgraph-identity-split:" + r["id"]) % 3
        r["part"] = ["unseen", "dev", "train"][h]
        r["label"] = None
        r["reason"] = ""
    unique.sort(key=lambda r: r["id"])
    out.mkdir(parents=True, exist_ok=True)
    with (out / "pairs.jsonl").open("w", encoding="utf-8") as f:
        for r in unique:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = defaultdict(int)
    for r in unique:
        counts[(r["kind"], r["part"])] += 1
    print(f"{len(unique)} pairs in {out / 'pairs.jsonl'}: {dict(counts)}")


def docs(pairs_file: Path, texts: Path, out: Path, prefix: str) -> None:
    """Copies the texts of the pairs' documents whose id starts with `prefix` to OUT."""
    out.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for line in pairs_file.open(encoding="utf-8"):
        r = json.loads(line)
        wanted.update(m["doc"] for m in (r["a"], r["b"]) if m["doc"].startswith(prefix))
    for d in sorted(wanted):
        (out / f"{d}.txt").write_bytes((texts / f"{d}.txt").read_bytes())
    print(f"{len(wanted)} texts in {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stubs")
    s.add_argument("out", type=Path)
    s.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "../shared")
    p = sub.add_parser("pairs")
    p.add_argument("texts", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--same-looking", type=int, default=180)
    p.add_argument("--acronym", type=int, default=60)
    p.add_argument("--variant", type=int, default=150)
    d = sub.add_parser("docs", help="copy the texts of the pairs' documents (by id prefix) to a folder")
    d.add_argument("pairs", type=Path)
    d.add_argument("texts", type=Path)
    d.add_argument("out", type=Path)
    d.add_argument("--prefix", default="conll-")
    a = ap.parse_args()
    if a.cmd == "docs":
        docs(a.pairs, a.texts, a.out, a.prefix)
    elif a.cmd == "stubs":
        stubs(a.shared, a.out)
    else:
        pairs(a.texts, a.out, {"same-looking": a.same_looking, "acronym": a.acronym, "variant": a.variant})


if __name__ == "__main__":
    sys.exit(main())
