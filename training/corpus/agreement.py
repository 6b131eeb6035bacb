#!/usr/bin/env python3
"""Inter-annotator agreement: scores annotator B's fixtures against annotator A's, taking A
as gold, the way `newsgraph eval fixtures` scores the tool (ANNOTATION.md, "Scores"):

    python3 training/corpus/agreement.py A_DIR B_DIR [--json OUT]

- Entities: a B entity matches an A entity when the types agree and a name or alias of one
  equals an alias of the other (case-insensitive, whitespace and apostrophes normalised).
  Optional A entities are neutral: matching one is neither a hit nor a false positive.
  Optional B entities are left out (B marks them doubtful).
- Relations: same type; for sanctions and meets, each side's ids map to the other
  annotator's entities and one accepted id must match (meets in either direction); for claims
  the source must match and the figures be equal (to 1e-6 relative). Optional handled as for
  entities.
Prints P/R/F1 per type and overall, and the disagreements by document.
"""
import argparse
import json
from pathlib import Path


def norm(s):
    return " ".join(s.lower().replace("\u2019", "'").replace("`", "'").split())


def ids(v):
    return [v] if isinstance(v, str) else list(v or [])


def surfaces(e):
    return {norm(e["name"])} | {norm(a) for a in e.get("aliases", [])}


def entity_map(a, b):
    """For each B entity id, the A entity ids it matches."""
    out = {}
    for eb in b["entities"]:
        out[eb["id"]] = {
            ea["id"] for ea in a["entities"]
            if ea["type"] == eb["type"] and surfaces(ea) & surfaces(eb)
        }
    return out


def rel_matches(ra, rb, emap):
    if ra["type"] != rb["type"]:
        return False
    def side(bids, aids):
        return any(x in aids for bid in bids for x in emap.get(bid, ()))
    sa, sb = ids(ra.get("source")), ids(rb.get("source"))
    if ra["type"] == "claims":
        fa, fb = ra.get("figure"), rb.get("figure")
        if fa is None or fb is None or abs(fa - fb) > 1e-6 * max(1.0, abs(fa)):
            return False
        return side(sb, sa)
    ta, tb = ids(ra.get("target")), ids(rb.get("target"))
    direct = side(sb, sa) and side(tb, ta)
    if ra["type"] == "meets":
        return direct or (side(sb, ta) and side(tb, sa))
    return direct


def score(a, b, table, diffs, doc):
    emap = entity_map(a, b)
    # entities
    hit_a = set()
    for eb in b["entities"]:
        if eb.get("optional"):
            continue
        m = emap[eb["id"]]
        t = table.setdefault(("entities", eb["type"]), [0, 0, 0])
        req = [x for x in m if not next(e for e in a["entities"] if e["id"] == x).get("optional")]
        if req:
            fresh = [x for x in req if x not in hit_a]
            if fresh:
                t[0] += 1
                hit_a.add(fresh[0])
            t[1] += 1
        elif m:
            pass  # matches an optional A entity: neutral
        else:
            t[1] += 1
            diffs.append(f"{doc}: entity only in B: {eb['type']} {eb['name']}")
    for ea in a["entities"]:
        if ea.get("optional"):
            continue
        table.setdefault(("entities", ea["type"]), [0, 0, 0])[2] += 1
        if ea["id"] not in hit_a:
            diffs.append(f"{doc}: entity only in A: {ea['type']} {ea['name']}")
    # relations
    hit = set()
    for rb in b["relations"]:
        if rb.get("optional"):
            continue
        t = table.setdefault(("relations", rb["type"]), [0, 0, 0])
        cands = [i for i, ra in enumerate(a["relations"]) if rel_matches(ra, rb, emap)]
        req = [i for i in cands if not a["relations"][i].get("optional")]
        if req:
            fresh = [i for i in req if i not in hit]
            if fresh:
                t[0] += 1
                hit.add(fresh[0])
            t[1] += 1
        elif cands:
            pass
        else:
            t[1] += 1
            diffs.append(f"{doc}: relation only in B: {rb['type']} {rb.get('source')} -> "
                         f"{rb.get('target', rb.get('figure'))} | {rb['evidence'][:90]!r}")
    for i, ra in enumerate(a["relations"]):
        if ra.get("optional"):
            continue
        table.setdefault(("relations", ra["type"]), [0, 0, 0])[2] += 1
        if i not in hit:
            diffs.append(f"{doc}: relation only in A: {ra['type']} {ra.get('source')} -> "
                         f"{ra.get('target', ra.get('figure'))} | {ra['evidence'][:90]!r}")


def prf(tp, pred, gold):
    p = tp / pred if pred else 1.0
    r = tp / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--json")
    args = ap.parse_args()
    table, diffs, docs = {}, [], 0
    for fb in sorted(Path(args.b).glob("*.json")):
        fa = Path(args.a) / fb.name
        if not fa.exists():
            continue
        docs += 1
        score(json.loads(fa.read_text()), json.loads(fb.read_text()), table, diffs, fb.stem)
    result = {"documents": docs}
    for group in ("entities", "relations"):
        print(f"{group:<22} {'precision':>9} {'recall':>9} {'F1':>9} {'tp':>7} {'pred':>7} {'gold':>7}")
        tot = [0, 0, 0]
        rows = {}
        for (g, kind), t in sorted(table.items()):
            if g != group:
                continue
            p, r, f = prf(*t)
            rows[kind] = {"precision": p, "recall": r, "f1": f, "tp": t[0], "pred": t[1], "gold": t[2]}
            print(f"{kind:<22} {p*100:9.2f} {r*100:9.2f} {f*100:9.2f} {t[0]:7} {t[1]:7} {t[2]:7}")
            tot = [x + y for x, y in zip(tot, t)]
        p, r, f = prf(*tot)
        rows["overall"] = {"precision": p, "recall": r, "f1": f, "tp": tot[0], "pred": tot[1], "gold": tot[2]}
        print(f"{'overall':<22} {p*100:9.2f} {r*100:9.2f} {f*100:9.2f} {tot[0]:7} {tot[1]:7} {tot[2]:7}\n")
        result[group] = rows
    print(f"{docs} documents; {len(diffs)} disagreements:")
    for d in diffs:
        print("  " + d)
    if args.json:
        result["disagreements"] = diffs
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
