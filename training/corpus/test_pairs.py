"""Unit tests for pairs.py: `python3 -m pytest training/corpus/test_pairs.py` or
`python3 training/corpus/test_pairs.py`."""
import io
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pairs  # noqa: E402


def sentences(text):
    return [text[s:e] for s, e in pairs.split_sentences(text)]


def doc(text, entities, relations=(), non_relations=(), part=None):
    f = {"id": "t", "entities": entities, "relations": list(relations),
         "non_relations": list(non_relations)}
    d = pairs.Doc(f, text, part)
    results = [d.match(r, trap=False) for r in relations]
    results += [d.match(r, trap=True) for r in non_relations]
    return d, results


def ent(eid, typ, *aliases, **kw):
    return dict({"id": eid, "type": typ, "name": aliases[0], "aliases": list(aliases)}, **kw)


def pair_labels(d):
    return {(c["a"]["id"], c["b"]["id"]): c for c in d.cands if c["kind"] == "pair"}


def test_sentence_split_reuters_paragraphs_and_abbreviations():
    text = ("U.S. SAYS IT WILL ACT\n\n"
            "The U.S. Commerce Department said Mr. Baldrige met\n"
            "officials of Toshiba Corp. In Tokyo. He left on\n"
            "Jan. 5 for Seoul! \"We agree,\" he said.\n"
            "    A second paragraph starts here\n"
            "without a full stop\n"
            " REUTER\n")
    got = sentences(text)
    assert got == [
        "U.S. SAYS IT WILL ACT",
        "The U.S. Commerce Department said Mr. Baldrige met\nofficials of Toshiba Corp. In Tokyo.",
        "He left on\nJan. 5 for Seoul!",
        "\"We agree,\" he said.",
        "A second paragraph starts here\nwithout a full stop",
        "REUTER",
    ], got


def test_sentence_split_conll_lines():
    text = "Italian President urges separatists.\nMANTUA, Italy 1996-12-06\nHe said so. Then he left.\n"
    assert sentences(text) == ["Italian President urges separatists.", "MANTUA, Italy 1996-12-06",
                               "He said so.", "Then he left."]


def test_alias_mentions_whole_words_longest_first_normalised():
    text = ("Vladimir Putin met the UK's envoy.\nPutin, not Putinism, and us; the US and "
            "Russia\u2019s Putin. Britain\nsaid.")
    ents = [ent("putin", "person", "Vladimir Putin", "Putin", "Russia's Putin"),
            ent("russia", "state", "Russia"),
            ent("uk", "state", "United Kingdom", "UK", "Britain"),
            ent("us", "state", "United States", "US")]
    ms = pairs.find_mentions(text, ents)
    got = [(m["id"], m["text"]) for m in ms]
    assert got == [("putin", "Vladimir Putin"), ("uk", "UK"), ("putin", "Putin"),
                   ("us", "US"), ("putin", "Russia\u2019s Putin"), ("uk", "Britain")], got
    for m in ms:
        assert text[m["span"][0]:m["span"][1]] == m["text"]
    # whitespace runs (line breaks) match any whitespace
    ms = pairs.find_mentions("the Economic Policy\nCouncil met", [ent("epc", "organisation",
                                                                      "Economic Policy Council")])
    assert [m["span"] for m in ms] == [[4, 27]]



def test_demonyms_are_opt_in():
    ents = [ent("japan", "state", "Japan"), ent("united-states", "state", "United States", "U.S.")]
    text = "The U.S. imposed tariffs on Japanese goods and Americans cheered."
    assert [m["id"] for m in pairs.find_mentions(text, ents)] == ["united-states"]
    ms = pairs.find_mentions(text, ents, demonyms=True)
    assert [(m["id"], m["text"], m.get("demonym", False)) for m in ms] == [
        ("united-states", "U.S.", False), ("japan", "Japanese", True),
        ("united-states", "Americans", True)]


def test_number_parsing():
    def vals(t):
        return [(n["text"], n["value"]) for n in pairs.find_numbers(t)]
    assert vals("tariffs on 300 mln dlrs of goods") == [("300 mln dlrs", 300000000)]
    assert vals("rose 5.8 pct to 1,520 billion yen") == [("5.8 pct", 5.8),
                                                        ("1,520 billion", 1520000000000)]
    assert vals("$600m and 51 cents, twenty-five men") == [("$600m", 600000000), ("51 cents", 0.51),
                                                          ("twenty-five", 25)]
    assert vals("at least one woman, one of them, two billion dlrs") == [
        ("one", 1), ("two billion dlrs", 2000000000)]
    assert vals("by 14 to 16.7 billion dlrs a year") == [("14", 14000000000),
                                                         ("16.7 billion dlrs", 16700000000)]
    assert vals("off 1-1/2 at 10.30 on 1996-12-06, the 3rd in the 1980s, F-16, 1986/87") == [
        ("1-1/2", 1.5), ("10.30", 10.3)]
    assert [n["unit"] for n in pairs.find_numbers("70 percent, 3 dlrs, 51 cents")] == [
        "percent", "USD", "USD"]


ENTS = [ent("united-states", "state", "United States", "U.S."),
        ent("japan", "state", "Japan"),
        ent("reagan", "person", "Ronald Reagan", "Reagan"),
        ent("nakasone", "person", "Yasuhiro Nakasone", "Nakasone")]


def test_directed_sanctions_label():
    text = "Japan protested. The U.S. imposed sanctions on Japan on Friday, officials said."
    rel = {"type": "sanctions", "source": "united-states", "target": "japan",
           "modality": "asserted", "evidence": "The U.S. imposed sanctions on Japan"}
    d, res = doc(text, ENTS, [rel])
    assert res == [("matched", 1, False)]
    c = pair_labels(d)[("united-states", "japan")]
    assert c["label"] == "sanctions:a->b" and c["modality"] == "asserted"
    assert c["in_evidence"] and not c["cross_sentence"] and c["sent"] == 1
    # reversed order of mentions: b->a
    text2 = "Japan was hit by sanctions from the U.S. on Friday."
    rel2 = dict(rel, evidence="Japan was hit by sanctions from the U.S.")
    d, _ = doc(text2, ENTS, [rel2])
    assert pair_labels(d)[("japan", "united-states")]["label"] == "sanctions:b->a"


def test_undirected_meets_label_optional_and_trap():
    text = ("Nakasone will meet Reagan on Monday. Reagan met Nakasone in 1986. "
            "The U.S. refused to meet Japan.")
    rels = [{"type": "meets", "source": "reagan", "target": ["nakasone"], "modality": "asserted",
             "evidence": "Reagan met Nakasone"},
            {"type": "meets", "source": "nakasone", "target": "reagan", "modality": "planned",
             "optional": True, "evidence": "Nakasone will meet Reagan on Monday"}]
    traps = [{"type": "meets", "source": "united-states", "target": "japan", "reason": "refused",
              "evidence": "The U.S. refused to meet Japan"}]
    d, res = doc(text, ENTS, rels, traps)
    assert [r[0] for r in res] == ["matched"] * 3
    by_sent = {c["sent"]: c for c in d.cands if c["kind"] == "pair"}
    assert by_sent[0]["label"] == "meets" and by_sent[0]["optional"] is True
    assert by_sent[0]["modality"] == "planned"
    assert by_sent[1]["label"] == "meets" and by_sent[1]["optional"] is False
    assert by_sent[2]["label"] == "none" and by_sent[2]["trap"] == "refused"


def test_claims_label():
    text = "Reagan said the U.S. deficit fell 12 pct to 300 mln dlrs in 1986."
    rel = {"type": "claims", "source": ["reagan"], "figure": 300000000, "unit": "USD",
           "qualifier": None, "about": "deficit", "modality": "asserted",
           "evidence": "Reagan said the U.S. deficit fell 12 pct to 300 mln dlrs"}
    d, res = doc(text, ENTS, [rel])
    assert res[0][0] == "matched"
    claims = [c for c in d.cands if c["kind"] == "claim"]
    labelled = {(c["a"]["id"], c["b"]["text"]): c["label"] for c in claims}
    assert labelled[("reagan", "300 mln dlrs")] == "claims"
    assert labelled[("reagan", "12 pct")] == "none"
    assert labelled[("united-states", "300 mln dlrs")] == "none"
    assert ("reagan", "1986") in labelled   # years are candidates (negatives), not claims


def test_cross_sentence_relation_is_flagged_and_reported():
    text = "Reagan held talks on Monday. The talks with Nakasone were frank.\n"
    rel = {"type": "meets", "source": "reagan", "target": "nakasone", "modality": "asserted",
           "evidence": "Reagan held talks on Monday. The talks with Nakasone"}
    d, res = doc(text, ENTS, [rel])
    assert res == [("matched", 1, True)]
    win = [c for c in d.cands if c["label"] == "meets"]
    assert len(win) == 1 and win[0]["cross_sentence"]
    assert (win[0]["sent"], win[0]["sent_end"]) == (0, 1)
    assert win[0]["text"] == text.strip()
    # the driver counts it
    with tempfile.TemporaryDirectory() as tmp:
        fx, tx = Path(tmp, "dev"), Path(tmp, "texts")
        fx.mkdir()
        tx.mkdir()
        (tx / "t.txt").write_text(text, encoding="utf-8")
        (fx / "t.json").write_text(json.dumps({"id": "t", "entities": ENTS, "relations": [rel],
                                               "non_relations": []}), encoding="utf-8")
        out, log = Path(tmp, "o.jsonl"), io.StringIO()
        st = pairs.run(fx, tx, out, report=True, log=log)
        assert st["gold"]["meets"]["cross_sentence"] == 1
        assert st["gold"]["meets"]["matched"] == 1
        assert "cross_sentence 1" in log.getvalue()
        rows = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
        assert rows and all(r["part"] == "dev" for r in rows)
        assert sum(r["cross_sentence"] for r in rows) == 1


def test_unmatched_reasons():
    text = "He imposed sanctions on Japan. Reagan said 5 pct."
    rels = [{"type": "sanctions", "source": "reagan", "target": "japan",
             "evidence": "He imposed sanctions on Japan"},
            {"type": "claims", "source": "reagan", "figure": 7, "evidence": "Reagan said 5 pct"},
            {"type": "meets", "source": "reagan", "target": "japan", "evidence": "not there"}]
    _, res = doc(text, ENTS, rels)
    assert [r[0] for r in res] == ["entity not mentioned in the evidence sentence",
                                   "figure not found", "evidence not found"]


if __name__ == "__main__":
    failed = 0
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            try:
                fn()
                print("ok  ", name)
            except AssertionError as e:  # noqa: PERF203
                failed += 1
                print("FAIL", name, e)
    sys.exit(1 if failed else 0)
