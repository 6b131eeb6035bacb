#!/usr/bin/env python3
"""Turns labelled fixtures plus their texts into relation-model candidates (JSON Lines).

    python3 training/corpus/pairs.py FIXTURE_DIR TEXT_DIR --out OUT.jsonl [--report] [--demonyms]

FIXTURE_DIR holds <id>.json fixtures (docs/ANNOTATION.md format, searched recursively, so
`tests/fixtures/labelled` with its `dev/` and `unseen/` folders works too); TEXT_DIR holds
<id>.txt. Standard library only.

Pipeline, per document
----------------------
1. Sentences (`split_sentences`). The text is first cut into blocks:
   - line mode (no blank line and no indented line, as in the CoNLL-derived texts): every
     line is a block;
   - paragraph mode (Reuters: hard-wrapped lines, paragraphs indented, a blank line after
     the title): a block ends at a blank line and before an indented line; the line breaks
     inside a block are plain spaces.
   Inside a block a sentence ends after `.`, `!` or `?` (plus closing quotes/brackets) when
   whitespace and an upper-case letter or an opening quote follow, except after a common
   abbreviation (`ABBREVIATIONS`: Mr., Corp., Inc., Jan., Gen., No., ...) or a run of
   single letters with dots (U.S., U.K., D.C., initials "F."). So "in the U.S. The ..."
   is not split: a known limit, on purpose (Reuters writes "U.S. Officials").
2. Mentions (`find_mentions`): every occurrence of every alias and the name of every gold
   entity, as whole words, case-insensitive, any whitespace run matching any whitespace run
   (line breaks included), straight and curly apostrophes equal. Overlaps are resolved
   longest match first (then leftmost, then fixture order). One deviation: an acronym alias
   (all capitals, at most 5 letters: US, UN, WHO, IT) does not match an all lower-case
   occurrence ("us", "who", "it"). Opt-in `--demonyms`: nationality adjectives ("Japanese",
   "Canadians") count as mentions of a listed state with that country name (`DEMONYMS`),
   flagged "demonym": true.
3. Numbers (`find_numbers`): digits with thousands commas and decimals, "1-1/2", number
   words ("two", "twenty-five"; "one" only with a scale or unit or after
   "at least", "just", "about" ...), an attached or following scale
   (m/mn/mln/million, b/bn/bln/billion, trillion, k/thousand, hundred), a currency sign
   ($, US$, HK$, C$, A$, NZ$, £, €) and a unit word (pct/percent/per cent/%, dlrs/dollars,
   cents/cts). The value is as in the fixtures: "300 mln dlrs" -> 300000000, "5.8 pct" ->
   5.8, "51 cents" -> 0.51 (`alt` 51 also matches a claim: fixtures differ here). Not numbers: ISO dates (1996-12-06), clock times (7:51),
   fiscal years (1986/87), digits glued to letters (3rd, 1980s, G7), "F-16"-like names,
   and anything inside an entity mention.
4. Candidates, per sentence:
   (a) `kind: "pair"`: every unordered pair of mentions of two different entities,
       ordered by position (a before b). Label "none", "sanctions:a->b", "sanctions:b->a"
       or "meets".
   (b) `kind: "claim"`: every (entity mention, number) pair. Label "claims" or "none".
5. Gold matching. Each relation's `evidence` is located with str.find (every occurrence is
   tried, first that works wins; a whitespace-insensitive search is the fallback). The
   candidates of the sentences that overlap the evidence span get the label when their
   entities fit the relation: source/target id lists (either order for meets), or for
   claims a source id and a number whose value equals `figure` within 1e-6 relative. All
   fitting mention pairs of the sentence are labelled (entity level); `in_evidence` tells
   whether both arguments lie inside the evidence span.
   Evidence over two or more sentences is `cross_sentence`: fitting candidates inside any of
   those sentences are labelled and flagged; when no single sentence holds both arguments, one
   extra window candidate is emitted (the closest fitting pair over the sentences; `sent` ..
   `sent_end` give the range, `text` is the whole window), flagged too. Nothing is dropped
   silently: `--report` counts them.
   `non_relations` are matched the same way (a missing source/target fits anything) and give
   label "none" with `trap` = reason (hard negatives). A gold label wins over a trap.

Output line fields
------------------
doc, part ("train"/"dev"/"unseen" from the fixture's folder name, else null), sent,
sent_end, sent_start (char offset of the sentence / window in the text), text, kind,
a {id, type, span, text, optional}, b (same for an entity; {span, text, value, unit} for a
number), label, modality ("asserted"/"planned" of the matched gold relation, else null),
optional (matched gold relation is optional), trap (reason or null), cross_sentence,
in_evidence, other_labels (labels of further gold relations that hit the same candidate).
Spans are [start, end) Python string offsets into the whole text; subtract sent_start for a
sentence-relative span.
"""
import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

PARTS = {"train", "dev", "unseen"}
PAIR_TYPES = ("sanctions", "meets")
REL_TYPES = ("sanctions", "meets", "claims")

# ---------------------------------------------------------------------------------------
# Sentences

ABBREVIATIONS = {
    "mr.", "mrs.", "ms.", "dr.", "st.", "no.", "nos.", "gen.", "sen.", "rep.", "gov.", "lt.",
    "col.", "capt.", "sgt.", "maj.", "adm.", "cmdr.", "prof.", "rev.", "hon.", "jr.", "sr.",
    "corp.", "inc.", "co.", "ltd.", "cos.", "bros.", "plc.", "dept.", "assn.", "govt.",
    "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.",
    "dec.", "mt.", "ft.", "vs.", "v.", "etc.", "e.g.", "i.e.", "approx.", "est.", "fig.",
    "sens.", "reps.", "govs.", "messrs.", "pres.", "supt.", "bhd.", "pty.", "ave.",
    # US states as Reuters abbreviates them ("Dallas, Tex.")
    "ala.", "ariz.", "ark.", "calif.", "colo.", "conn.", "fla.", "ga.", "ill.", "ind.",
    "kan.", "ky.", "md.", "mass.", "mich.", "minn.", "miss.", "mo.", "mont.", "neb.", "nev.",
    "okla.", "ore.", "pa.", "tenn.", "tex.", "va.", "vt.", "wash.", "wis.", "wyo.",
}
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_SENT_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z])|"
                       r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018])")


def _blocks(text):
    """(start, end) of the hard blocks: lines (line mode) or paragraphs (paragraph mode)."""
    lines = []
    pos = 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, pos + len(line.rstrip("\r\n")), line))
        pos += len(line)
    paragraph_mode = any(not l.strip() for _, _, l in lines[:-1]) or any(
        l[:1] in (" ", "\t") and l.strip() for _, _, l in lines)
    blocks = []
    if not paragraph_mode:
        return [(s, e) for s, e, l in lines if l.strip()]
    cur = None
    for s, e, l in lines:
        if not l.strip():
            if cur:
                blocks.append(cur)
            cur = None
        elif l[:1] in (" ", "\t"):
            if cur:
                blocks.append(cur)
            cur = [s, e]
        elif cur is None:
            cur = [s, e]
        else:
            cur[1] = e
    if cur:
        blocks.append(cur)
    return [tuple(b) for b in blocks]


def _is_abbreviation(text, block_start, dot):
    """True when the '.' at `dot` ends an abbreviation (the word before it)."""
    i = dot
    while i > block_start and not text[i - 1].isspace():
        i -= 1
    word = text[i:dot + 1].lstrip("\"'(\u201c\u2018[")
    return word.lower() in ABBREVIATIONS or bool(_INITIALS.fullmatch(word))


def split_sentences(text):
    """Sentence spans [(start, end)], whitespace-trimmed, in text order."""
    out = []
    for bs, be in _blocks(text):
        start = bs
        for m in _SENT_END.finditer(text, bs, be):
            if m.group().rstrip("\"'\u201d\u2019)]") == "." and \
                    _is_abbreviation(text, bs, m.start()):
                continue
            out.append((start, m.end()))
            start = m.end()
        out.append((start, be))
    spans = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


# ---------------------------------------------------------------------------------------
# Mentions

def _alias_pattern(alias):
    toks = alias.replace("\u2019", "'").split()
    if not toks:
        return None
    parts = [re.escape(t).replace("'", "['\u2019]") for t in toks]
    return re.compile(r"(?<![^\W_])" + r"\s+".join(parts) + r"(?![^\W_])", re.I)


def _is_acronym(alias):
    letters = [c for c in alias if c.isalpha()]
    return 0 < len(letters) <= 5 and all(c.isupper() for c in letters)


# Opt-in (--demonyms): nationality adjectives as extra mentions of a gold *state* whose name
# or an alias is one of the listed country names. ANNOTATION.md does not make them aliases,
# but the labelled evidence often names the target only so ("tariffs on Japanese goods").
DEMONYMS = {
    "american": ["united states", "u.s.", "usa", "america"], "japanese": ["japan"],
    "chinese": ["china"], "canadian": ["canada"], "british": ["united kingdom", "britain", "uk"],
    "french": ["france"], "german": ["germany", "west germany"],
    "west german": ["west germany", "germany"], "east german": ["east germany"],
    "soviet": ["soviet union", "ussr"], "russian": ["russia"], "italian": ["italy"],
    "south korean": ["south korea", "korea"], "korean": ["south korea", "korea"],
    "north korean": ["north korea"], "taiwanese": ["taiwan"], "brazilian": ["brazil"],
    "mexican": ["mexico"], "indian": ["india"], "australian": ["australia"],
    "dutch": ["netherlands", "holland"], "belgian": ["belgium"], "swiss": ["switzerland"],
    "swedish": ["sweden"], "norwegian": ["norway"], "danish": ["denmark"], "spanish": ["spain"],
    "israeli": ["israel"], "iranian": ["iran"], "iraqi": ["iraq"], "saudi": ["saudi arabia"],
    "egyptian": ["egypt"], "turkish": ["turkey"], "polish": ["poland"], "ukrainian": ["ukraine"],
    "philippine": ["philippines"], "filipino": ["philippines"], "indonesian": ["indonesia"],
    "malaysian": ["malaysia"], "thai": ["thailand"], "vietnamese": ["vietnam"],
    "argentine": ["argentina"], "chilean": ["chile"], "nigerian": ["nigeria"],
    "south african": ["south africa"], "pakistani": ["pakistan"], "greek": ["greece"],
    "portuguese": ["portugal"], "austrian": ["austria"], "finnish": ["finland"],
    "irish": ["ireland"], "yugoslav": ["yugoslavia"], "cuban": ["cuba"], "libyan": ["libya"],
    "syrian": ["syria"], "lebanese": ["lebanon"], "kuwaiti": ["kuwait"],
    "venezuelan": ["venezuela"], "colombian": ["colombia"], "peruvian": ["peru"],
    "sudanese": ["sudan"], "hungarian": ["hungary"], "czech": ["czech republic"],
    "romanian": ["romania"], "bulgarian": ["bulgaria"], "afghan": ["afghanistan"],
}


def find_mentions(text, entities, demonyms=False):
    """Mentions [{id, type, span, text, optional}] sorted by start; no overlaps.

    With demonyms=True, nationality adjectives of listed states are mentions too (flagged
    "demonym": true); an alias match of the same length wins over them."""
    found = []
    for order, ent in enumerate(entities):
        forms = list(dict.fromkeys(list(ent.get("aliases") or []) + [ent.get("name") or ""]))
        for alias in forms:
            pat = _alias_pattern(alias)
            if pat is None:
                continue
            acronym = _is_acronym(alias)
            for m in pat.finditer(text):
                letters = [c for c in m.group() if c.isalpha()]
                if acronym and letters and all(c.islower() for c in letters):
                    continue
                found.append((m.start(), m.end(), 0, order, ent))
        if demonyms and ent.get("type") == "state":
            names = {" ".join(f.lower().split()) for f in forms}
            for dem, countries in DEMONYMS.items():
                if names & set(countries):
                    core = r"\s+".join(re.escape(t) for t in dem.split())
                    for m in re.finditer(r"(?<![^\W_])" + core + r"s?(?![^\W_])", text, re.I):
                        found.append((m.start(), m.end(), 1, order, ent))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0], f[3]))
    taken, out = [], []
    for s, e, dem, _, ent in found:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        m = {"id": ent["id"], "type": ent.get("type"), "span": [s, e],
             "text": text[s:e], "optional": bool(ent.get("optional"))}
        if dem:
            m["demonym"] = True
        out.append(m)
    out.sort(key=lambda m: m["span"][0])
    return out


# ---------------------------------------------------------------------------------------
# Numbers

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
               "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 10**3, "k": 10**3, "m": 10**6, "mn": 10**6,
           "mln": 10**6, "million": 10**6, "b": 10**9, "bn": 10**9, "bln": 10**9,
           "billion": 10**9, "trillion": 10**12, "tn": 10**12}
_ONE_TO_NINE = "one|two|three|four|five|six|seven|eight|nine"
_WORD_NUM = (r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:"
             + _ONE_TO_NINE + r")(?![^\W_]))?"
             r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
             r"|zero|two|three|four|five|six|seven|eight|nine|ten"
             r"|one")
_SCALE_WORD = r"(?:mln|million|millions|bln|billion|billions|trillion|trillions|thousand|thousands|hundred)"
_NUMBER = re.compile(
    r"(?P<cur>(?:US|U\.S\.|HK|C|A|NZ)?\$|\u00a3|\u20ac)?\s?"
    r"(?<![^\W_])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+|" + _WORD_NUM + r")"
    r"(?P<frac>-\d/\d{1,2}|\s\d/\d{1,2}(?![\d/]))?"
    r"(?P<suf>mln|bln|mn|bn|tn|m|b|k)?"
    r"(?P<scale>(?:\s+" + _SCALE_WORD + r"){0,2})"
    r"(?:\s*(?P<unit>%|pct|percent|per\s+cent|percentage\s+points?|cents?|cts|dlrs?|dls|dollars?)"
    r"(?![^\W_]))?"
    r"(?![^\W_])",
    re.I)
_ONE_AFTER = {"least", "only", "just", "about", "nearly", "almost", "some", "than", "over",
              "under", "exactly"}
_RANGE_GAP = re.compile(r"\s*(?:-|to|and|or)\s*", re.I)
_NOT_NUMBERS = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?|\d{4}/\d{2,4}")


def parse_number(num, frac=None, scales=(), unit=None, currency=None):
    """Value of one number (as in the fixtures) and its unit hint."""
    w = num.lower().replace(",", "")
    if w[:1].isdigit() or w[:1] == ".":
        val = Decimal(w)
    else:
        parts = re.split(r"[- ]", w)
        val = Decimal(sum(_TENS_WORDS.get(p, _UNITS_WORDS.get(p, 0)) for p in parts))
    if frac:
        n, d = frac.strip(" -").split("/")
        if int(d):
            val += Decimal(n) / Decimal(d)
    for s in scales:
        s = s.lower()
        s = s[:-1] if s.endswith("s") and s[:-1] in _SCALES else s
        val *= _SCALES[s]
    u = (unit or "").lower()
    hint = None
    if u in ("%", "pct", "percent") or u.startswith("per") :
        hint = "percent"
    elif u in ("cent", "cents", "cts"):
        val /= 100
        hint = "USD"
    elif u.startswith("dlr") or u.startswith("dollar") or currency:
        hint = {"\u00a3": "GBP", "\u20ac": "EUR", "HK$": "HKD", "C$": "CAD", "A$": "AUD",
                "NZ$": "NZD"}.get(currency or "", "USD")
    value = int(val) if val == val.to_integral_value() else float(val)
    return value, hint


def find_numbers(text, start=0, end=None, exclude=()):
    """Numbers [{span, text, value, unit}] in text[start:end], skipping spans in `exclude`."""
    end = len(text) if end is None else end
    blocked = [m.span() for m in _NOT_NUMBERS.finditer(text, start, end)] + \
        [tuple(x) for x in exclude]
    out, raw = [], []
    for m in _NUMBER.finditer(text, start, end):
        s, e = m.span()
        if m.group("cur") is None and text[s].isspace():
            s += 1
        ns = m.start("num")
        if ns >= 2 and text[ns - 1] == "-" and text[ns - 2].isalpha():
            continue  # F-16, CAC-40: part of a name
        if ns >= 2 and text[ns - 1] in ".,/" and text[ns - 2].isdigit():
            continue
        if any(s < be and bs < e for bs, be in blocked):
            continue
        scales = m.group("scale").split() if m.group("scale") else []
        if m.group("suf"):
            scales = [m.group("suf")] + scales
        if m.group("num").lower() == "one" and not scales and not m.group("unit"):
            before = text[max(0, ns - 12):ns].split()
            if not before or before[-1].lower() not in _ONE_AFTER:
                continue  # "one of them": only "at least one", "just one", "one billion"
        value, unit = parse_number(m.group("num"), m.group("frac"), scales,
                                   m.group("unit"), m.group("cur"))
        n = {"span": [s, e], "text": text[s:e], "value": value, "unit": unit}
        if (m.group("unit") or "").lower() in ("cent", "cents", "cts"):
            n["alt"] = parse_number(m.group("num"), m.group("frac"), scales)[0]
        out.append(n)
        raw.append((m, scales))
    # Ranges share the scale and unit of their second end: "14 to 16.7 billion dlrs",
    # "9-10 mln", "10 to 12 pct" -> the first end is 14000000000, 9000000, 10 (percent).
    for i in range(len(out) - 1):
        (m1, sc1), (m2, sc2) = raw[i], raw[i + 1]
        gap = text[out[i]["span"][1]:out[i + 1]["span"][0]]
        if sc1 or m1.group("unit") or not _RANGE_GAP.fullmatch(gap):
            continue
        if not (sc2 or m2.group("unit")):
            continue
        out[i]["value"], out[i]["unit"] = parse_number(
            m1.group("num"), m1.group("frac"), sc2, m2.group("unit"),
            m1.group("cur") or m2.group("cur"))
    return out


def same_value(a, b):
    a, b = float(a), float(b)
    return a == b or abs(a - b) <= 1e-6 * max(abs(a), abs(b))


# ---------------------------------------------------------------------------------------
# Candidates and gold matching

def _ids(v):
    if v is None:
        return None
    return {v} if isinstance(v, str) else set(v)


def _find_all(text, needle):
    spans, i = [], text.find(needle)
    while i >= 0 and needle:
        spans.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    if not spans and needle.strip():
        pat = r"\s+".join(re.escape(t) for t in needle.split())
        spans = [m.span() for m in re.finditer(pat, text)]
    return spans


def _pair_label(rel, a_id, b_id):
    """Label a gold/trap relation gives the pair (a, b), or None when it does not fit."""
    src, tgt = _ids(rel.get("source")), _ids(rel.get("target"))
    fits_ab = (src is None or a_id in src) and (tgt is None or b_id in tgt)
    fits_ba = (src is None or b_id in src) and (tgt is None or a_id in tgt)
    if rel["type"] == "meets":
        return "meets" if fits_ab or fits_ba else None
    if fits_ab:
        return "sanctions:a->b"
    if fits_ba:
        return "sanctions:b->a"
    return None


def _claim_fits(rel, ent_id, number):
    src = _ids(rel.get("source"))
    if src is not None and ent_id not in src:
        return False
    fig = rel.get("figure")
    if not isinstance(fig, (int, float)) or isinstance(fig, bool):
        return False
    return same_value(fig, number["value"]) or ("alt" in number and same_value(fig, number["alt"]))


class Doc:
    def __init__(self, fixture, text, part, demonyms=False):
        self.f, self.text, self.part = fixture, text, part
        self.id = fixture["id"]
        self.sents = split_sentences(text)
        self.mentions = find_mentions(text, fixture.get("entities") or [], demonyms)
        spans = [m["span"] for m in self.mentions]
        self.numbers = find_numbers(text, exclude=spans)
        self.cands = []            # candidate dicts, in output order
        self.by_sent = defaultdict(list)
        for i, (s, e) in enumerate(self.sents):
            ms = [m for m in self.mentions if s <= m["span"][0] and m["span"][1] <= e]
            ns = [n for n in self.numbers if s <= n["span"][0] and n["span"][1] <= e]
            for x in range(len(ms)):
                for y in range(x + 1, len(ms)):
                    if ms[x]["id"] != ms[y]["id"]:
                        self._add(i, i, "pair", ms[x], ms[y])
            for m in ms:
                for n in ns:
                    self._add(i, i, "claim", m, n)

    def _add(self, si, sj, kind, a, b):
        s, e = self.sents[si][0], self.sents[sj][1]
        if kind == "pair" and a["span"][0] > b["span"][0]:
            a, b = b, a
        c = {"doc": self.id, "part": self.part, "sent": si, "sent_end": sj, "sent_start": s,
             "text": self.text[s:e], "kind": kind, "a": a, "b": b, "label": "none",
             "modality": None, "optional": False, "trap": None, "cross_sentence": si != sj,
             "in_evidence": False, "other_labels": []}
        self.cands.append(c)
        for k in range(si, sj + 1):
            self.by_sent[k].append(c)
        return c

    def sents_over(self, s, e):
        return [i for i, (ss, se) in enumerate(self.sents) if ss < e and s < se]

    def _fit(self, rel, c):
        """Label `rel` gives candidate c, or None."""
        if rel["type"] == "claims":
            if c["kind"] == "claim" and _claim_fits(rel, c["a"]["id"], c["b"]):
                return "claims"
            return None
        if c["kind"] == "pair":
            return _pair_label(rel, c["a"]["id"], c["b"]["id"])
        return None

    def match(self, rel, trap):
        """Apply one gold relation (trap=False) or non_relation (trap=True).

        Returns (status, n_labelled, cross) with status "matched" or the reason it is not."""
        if rel.get("type") not in REL_TYPES:
            return "bad type", 0, False
        occ = _find_all(self.text, rel.get("evidence") or "")
        if not occ:
            return "evidence not found", 0, False
        worst = None
        for es, ee in occ:
            idx = self.sents_over(es, ee)
            cross = len(idx) > 1
            hits = []
            for i in idx:
                for c in self.by_sent[i]:
                    if c["sent"] != c["sent_end"]:
                        continue
                    lab = self._fit(rel, c)
                    if lab:
                        hits.append((c, lab))
            if not hits and cross:
                w = self._window(rel, idx)
                if w:
                    hits.append(w)
            if hits:
                for c, lab in hits:
                    self._label(c, lab, rel, trap, cross, es, ee)
                return "matched", len(hits), cross
            worst = worst or self._why(rel, idx)
        return worst, 0, False

    def _why(self, rel, idx):
        lo, hi = self.sents[idx[0]][0], self.sents[idx[-1]][1]
        ids_in = {m["id"] for m in self.mentions if lo <= m["span"][0] < hi}
        if rel["type"] == "claims":
            if not any(lo <= n["span"][0] < hi and _claim_fits({"figure": rel.get("figure")},
                                                               None, n)
                       for n in self.numbers):
                return "figure not found"
            return "entity not mentioned in the evidence sentence"
        for side in ("source", "target"):
            want = _ids(rel.get(side))
            if want is not None and not (want & ids_in):
                return "entity not mentioned in the evidence sentence"
        return "entity not mentioned in the evidence sentence"

    def _window(self, rel, idx):
        """Closest fitting argument pair over the sentences idx (cross-sentence evidence)."""
        lo, hi = self.sents[idx[0]][0], self.sents[idx[-1]][1]
        ms = [m for m in self.mentions if lo <= m["span"][0] and m["span"][1] <= hi]
        best = None
        if rel["type"] == "claims":
            ns = [n for n in self.numbers if lo <= n["span"][0] and n["span"][1] <= hi]
            pairs = [(m, n, "claim") for m in ms for n in ns]
        else:
            pairs = [(x, y, "pair") for i, x in enumerate(ms) for y in ms[i + 1:]
                     if x["id"] != y["id"]]
        for a, b, kind in pairs:
            probe = {"kind": kind, "a": a, "b": b}
            lab = self._fit(rel, probe)
            if not lab:
                continue
            d = abs(a["span"][0] - b["span"][0])
            if best is None or d < best[0]:
                best = (d, a, b, kind, lab)
        if best is None:
            return None
        _, a, b, kind, lab = best
        si = self.sents_over(*a["span"])[0]
        sj = self.sents_over(*b["span"])[0]
        c = self._add(min(si, sj), max(si, sj), kind, a, b)
        return c, self._fit(rel, c)

    def _label(self, c, lab, rel, trap, cross, es, ee):
        inside = all(es <= x["span"][0] and x["span"][1] <= ee for x in (c["a"], c["b"]))
        c["cross_sentence"] = c["cross_sentence"] or cross
        if trap:
            if c["label"] == "none" and c["trap"] is None:
                c["trap"] = rel.get("reason") or "unknown"
                c["in_evidence"] = inside
            return
        if c["label"] == "none":
            c["label"] = lab
            c["trap"] = None
            c["modality"] = rel.get("modality") or "asserted"
            c["optional"] = bool(rel.get("optional"))
            c["in_evidence"] = inside
        elif c["label"] != lab and lab not in c["other_labels"]:
            c["other_labels"].append(lab)
        elif c["label"] == lab and c["optional"] and not rel.get("optional"):
            c["optional"] = False   # a required relation wins over an optional one
            c["modality"] = rel.get("modality") or "asserted"
            c["in_evidence"] = c["in_evidence"] or inside


# ---------------------------------------------------------------------------------------
# Driver

def part_of(path):
    name = path.parent.name
    return name if name in PARTS else None


def run(fixture_dir, text_dir, out_path, report=False, log=sys.stdout, demonyms=False):
    fixture_dir, text_dir = Path(fixture_dir), Path(text_dir)
    stats = {"docs": 0, "skipped": []}
    gold = {t: Counter() for t in REL_TYPES}
    traps = {t: Counter() for t in REL_TYPES}
    labels, opt_labels = Counter(), Counter()
    n = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for path in sorted(fixture_dir.rglob("*.json")):
            try:
                f = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                stats["skipped"].append(f"{path}: {e}")
                continue
            if not isinstance(f, dict) or "entities" not in f or "id" not in f:
                continue
            tpath = text_dir / f"{f['id']}.txt"
            if not tpath.exists() and f.get("text_file"):
                tpath = text_dir / f["text_file"]
            if not tpath.exists():
                stats["skipped"].append(f"{path}: no text {tpath}")
                continue
            doc = Doc(f, tpath.read_text(encoding="utf-8"), part_of(path), demonyms)
            stats["docs"] += 1
            for rel in f.get("relations") or []:
                st, k, cross = doc.match(rel, trap=False)
                t = rel.get("type")
                if t not in gold:
                    continue
                g = gold[t]
                g["gold"] += 1
                g["gold optional"] += bool(rel.get("optional"))
                if st == "matched":
                    g["matched"] += 1
                    g["matched required"] += not rel.get("optional")
                    g["candidates labelled"] += k
                    g["cross_sentence"] += cross
                else:
                    g["unmatched"] += 1
                    g["unmatched: " + st] += 1
                    if report and log:
                        ev = (rel.get("evidence") or "").replace("\n", " ")
                        print(f"  unmatched {doc.id} {t} {rel.get('source')}->"
                              f"{rel.get('target', rel.get('figure'))}: {st}: {ev[:110]!r}",
                              file=sys.stderr)
            for rel in f.get("non_relations") or []:
                st, k, cross = doc.match(rel, trap=True)
                t = rel.get("type")
                if t not in traps:
                    continue
                traps[t]["traps"] += 1
                traps[t]["matched" if st == "matched" else "unmatched: " + st] += 1
                traps[t]["cross_sentence"] += cross
            for c in doc.cands:
                out.write(json.dumps(c, ensure_ascii=False) + "\n")
                n += 1
                key = c["label"] if c["kind"] == "pair" or c["label"] != "none" else "none (claim)"
                if c["label"] == "none" and c["kind"] == "pair":
                    key = "none (pair)"
                if c["trap"]:
                    key += " trap"
                labels[key] += 1
                if c["optional"]:
                    opt_labels[c["label"]] += 1
                if c["cross_sentence"]:
                    labels["(cross_sentence flag)"] += 1
                if c["other_labels"]:
                    labels["(other_labels conflict)"] += 1
    if report and log:
        print(f"documents {stats['docs']}, candidates {n}, written to {out_path}", file=log)
        for s in stats["skipped"]:
            print(f"  skipped {s}", file=log)
        for t in REL_TYPES:
            g = gold[t]
            print(f"{t}: gold {g['gold']} (optional {g['gold optional']}), matched "
                  f"{g['matched']} (required {g['matched required']}/"
                  f"{g['gold'] - g['gold optional']}; {g['candidates labelled']} candidates), "
                  f"unmatched "
                  f"{g['unmatched']}, cross_sentence {g['cross_sentence']}", file=log)
            for k in sorted(g):
                if k.startswith("unmatched: "):
                    print(f"    {k[11:]}: {g[k]}", file=log)
            tr = traps[t]
            if tr["traps"]:
                print(f"  non_relations {tr['traps']}: matched {tr['matched']}, cross_sentence "
                      f"{tr['cross_sentence']}, " + ", ".join(
                          f"{k}: {v}" for k, v in sorted(tr.items()) if k.startswith("unm")),
                      file=log)
        print("candidate labels:", file=log)
        for k, v in sorted(labels.items()):
            print(f"    {k}: {v}", file=log)
        print("  of them optional: " + ", ".join(f"{k} {v}" for k, v in sorted(opt_labels.items())),
              file=log)
    return {"docs": stats["docs"], "candidates": n, "gold": gold, "traps": traps,
            "labels": labels}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fixture_dir")
    ap.add_argument("text_dir")
    ap.add_argument("--out", required=True)
    ap.add_argument("--report", action="store_true",
                    help="print per-type counts (stdout) and each unmatched relation (stderr)")
    ap.add_argument("--demonyms", action="store_true",
                    help="also take nationality adjectives (Japanese, Canadian) as mentions "
                         "of a listed state")
    a = ap.parse_args(argv)
    run(a.fixture_dir, a.text_dir, a.out, a.report, demonyms=a.demonyms)


if __name__ == "__main__":
    main()
