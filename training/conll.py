"""CoNLL-2003 reading, document windows, case features and conlleval scoring.

Shared by train.py, evaluate.py and export.py so that training, the Python
evaluation and the Rust inference path build model inputs the same way.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
LABEL2ID = {label: i for i, label in enumerate(LABELS)}

# Word-shape classes of a token's own characters in the original text. The
# Rust crate computes the same classes (src/ner/case.rs); keep them in step.
CASE_NONE, CASE_LOWER, CASE_TITLE, CASE_UPPER, CASE_MIXED, CASE_DIGIT, CASE_OTHER = range(7)
NUM_CASE_CLASSES = 7


def case_class(piece: str) -> int:
    """Shape class of a token's surface text (uncased encoders lose this)."""
    letters = [c for c in piece if c.isalpha()]
    if not letters:
        if any(c.isdigit() for c in piece):
            return CASE_DIGIT
        return CASE_OTHER if piece else CASE_NONE
    uppers = sum(1 for c in letters if c.isupper())
    if uppers == 0:
        return CASE_LOWER
    if uppers == len(letters):
        return CASE_UPPER if len(letters) > 1 else CASE_TITLE
    if letters[0].isupper() and uppers == 1:
        return CASE_TITLE
    return CASE_MIXED


@dataclass
class Sentence:
    words: list[str]
    tags: list[str]  # IOB2


@dataclass
class Document:
    sentences: list[Sentence] = field(default_factory=list)


def iob1_to_iob2(tags: list[str]) -> list[str]:
    out = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-"):
            kind = tag[2:]
            if prev == "O" or prev[2:] != kind:
                tag = "B-" + kind
        out.append(tag)
        prev = tag
    return out


def read_conll(path: str) -> list[Document]:
    """Documents of sentences; tags converted to IOB2 (IOB1 and IOB2 both read)."""
    docs: list[Document] = []
    doc = Document()
    words: list[str] = []
    tags: list[str] = []

    def flush_sentence():
        nonlocal words, tags
        if words:
            doc.sentences.append(Sentence(words, iob1_to_iob2(tags)))
        words, tags = [], []

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush_sentence()
                continue
            cols = line.split()
            if cols[0] == "-DOCSTART-":
                flush_sentence()
                if doc.sentences:
                    docs.append(doc)
                doc = Document()
                continue
            words.append(cols[0])
            tags.append(cols[-1])
    flush_sentence()
    if doc.sentences:
        docs.append(doc)
    return docs


def sentence_text(sentence: Sentence) -> tuple[str, list[tuple[int, int]]]:
    """Words joined by single spaces, and each word's character span."""
    spans = []
    pos = 0
    for w in sentence.words:
        spans.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(sentence.words), spans


@dataclass
class Window:
    """Consecutive sentences of one document, joined by newlines, that fit the model."""

    text: str
    word_spans: list[tuple[int, int]]
    word_tags: list[str]
    sentence_index: list[tuple[int, int]]  # (document index, sentence index) per word


def count_tokens(tokenizer, text: str) -> int:
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def document_windows(docs: list[Document], tokenizer, max_tokens: int) -> list[Window]:
    """Greedy packing of whole sentences into windows of at most max_tokens
    (special tokens included), the same packing as the Rust chunker. A sentence
    longer than the window gets a window of its own and is truncated here
    (training only; CoNLL has a handful)."""
    budget = max_tokens - 2
    windows = []
    for d, doc in enumerate(docs):
        current: list[tuple[int, Sentence]] = []
        used = 0
        for s, sent in enumerate(doc.sentences):
            text, _ = sentence_text(sent)
            n = count_tokens(tokenizer, text)
            # Joining with "\n" adds no token: BERT-style pre-tokenisers drop whitespace.
            if current and used + n > budget:
                windows.append(_window(d, current))
                current, used = [], 0
            current.append((s, sent))
            used += n
        if current:
            windows.append(_window(d, current))
    return windows


def _window(d: int, sentences: list[tuple[int, Sentence]]) -> Window:
    parts = []
    spans = []
    tags = []
    index = []
    pos = 0
    for s, sent in sentences:
        text, word_spans = sentence_text(sent)
        parts.append(text)
        spans.extend((a + pos, b + pos) for a, b in word_spans)
        tags.extend(sent.tags)
        index.extend((d, s) for _ in sent.words)
        pos += len(text) + 1
    return Window("\n".join(parts), spans, tags, index)


def encode_window(tokenizer, window: Window, max_tokens: int):
    """input ids, case ids and per-token label ids (-100 except on a word's first token)."""
    enc = tokenizer(
        window.text,
        return_offsets_mapping=True,
        truncation=True,
        max_length=max_tokens,
    )
    offsets = enc["offset_mapping"]
    case_ids = []
    labels = []
    word_starts = {start: i for i, (start, _) in enumerate(window.word_spans)}
    seen_words = set()
    for start, end in offsets:
        if start == end:
            case_ids.append(CASE_NONE)
            labels.append(-100)
            continue
        case_ids.append(case_class(window.text[start:end]))
        word = _word_at(window.word_spans, start)
        if word is not None and word not in seen_words:
            seen_words.add(word)
            labels.append(LABEL2ID[window.word_tags[word]])
        else:
            labels.append(-100)
    del word_starts
    return enc["input_ids"], case_ids, labels, offsets


def _word_at(spans: list[tuple[int, int]], pos: int):
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][1] <= pos:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(spans) and spans[lo][0] <= pos < spans[lo][1]:
        return lo
    return None


def chunks(tags: list[str]) -> set[tuple[int, int, str]]:
    """Entity spans (start, end exclusive, type) of an IOB2 tag sequence, conlleval style."""
    out = set()
    start = None
    kind = None
    for i, tag in enumerate(tags + ["O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != kind):
            if start is not None:
                out.add((start, i, kind))
                start, kind = None, None
            if tag != "O":
                start, kind = i, tag[2:]
    return out


def score(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Strict span precision / recall / F1 per type and overall (micro)."""
    counts: dict[str, list[int]] = {}
    for g, p in zip(gold, pred):
        gs, ps = chunks(g), chunks(p)
        for kind in {c[2] for c in gs | ps}:
            gk = {c for c in gs if c[2] == kind}
            pk = {c for c in ps if c[2] == kind}
            row = counts.setdefault(kind, [0, 0, 0])
            row[0] += len(gk & pk)
            row[1] += len(pk)
            row[2] += len(gk)
    result = {}
    total = [0, 0, 0]
    for kind in sorted(counts):
        tp, npred, ngold = counts[kind]
        total = [total[0] + tp, total[1] + npred, total[2] + ngold]
        result[kind] = _prf(tp, npred, ngold)
    result["overall"] = _prf(*total)
    return result


def _prf(tp: int, npred: int, ngold: int) -> dict:
    p = 100.0 * tp / npred if npred else 0.0
    r = 100.0 * tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "predicted": npred, "gold": ngold}


def _abbreviations() -> set[str]:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "abbreviations.txt")
    with open(path, encoding="utf-8") as f:
        return {l.strip() for l in f if l.strip() and not l.startswith("#")}


_ABBREVIATIONS = None


def split_line(line: str) -> list[tuple[int, int]]:
    """Sentence spans inside one line: the rules of src/text.rs::split_line."""
    global _ABBREVIATIONS
    if _ABBREVIATIONS is None:
        _ABBREVIATIONS = _abbreviations()
    out = []
    start = 0
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if c in ".!?…":
            j = i + 1
            while j < n and line[j] in "\"'”’)]":
                j += 1
            spaced = j < n and line[j].isspace()
            k = j
            while k < n and line[k].isspace():
                k += 1
            nxt = line[k] if k < n else None
            starts = nxt is not None and (nxt.isupper() or nxt.isnumeric() or nxt in "\"“‘'(")
            if spaced and starts and not (c == "." and _ends_abbreviation(line[:i])):
                _push(line, start, j, out)
                start = j
            i = max(j, i + 1)
            continue
        i += 1
    _push(line, start, n, out)
    return out


def _ends_abbreviation(before: str) -> bool:
    word = re.split(r"[\s(\"“]", before)[-1]
    if not word:
        return False
    single_initial = len(word) == 1 and word.isupper()
    return single_initial or "." in word or word in _ABBREVIATIONS


def _push(line, s, e, out):
    piece = line[s:e]
    stripped = piece.strip()
    if stripped:
        s2 = s + (len(piece) - len(piece.lstrip()))
        out.append((s2, s2 + len(stripped)))


def document_text(doc: Document):
    """The text `newsgraph eval conll` builds: words joined by spaces, sentences by newlines.
    Returns the text, each word's span and (sentence index) per word."""
    parts, spans, index = [], [], []
    pos = 0
    for s, sent in enumerate(doc.sentences):
        text, word_spans = sentence_text(sent)
        parts.append(text)
        spans.extend((a + pos, b + pos) for a, b in word_spans)
        index.extend(s for _ in sent.words)
        pos += len(text) + 1
    return "\n".join(parts), spans, index


def newsgraph_windows(docs: list[Document], tokenizer, max_tokens: int) -> list[Window]:
    """Windows exactly as newsgraph's chunker builds them: the document text split into
    sentences by src/text.rs's rules (lines, then sentence punctuation), whole sentences
    packed greedily into max_tokens (special tokens included)."""
    budget = max_tokens - 2
    windows = []
    for d, doc in enumerate(docs):
        text, spans, index = document_text(doc)
        tags = [t for sent in doc.sentences for t in sent.tags]
        units = []
        pos = 0
        for line in text.split("\n"):
            for a, b in split_line(line):
                units.append((pos + a, pos + b, count_tokens(tokenizer, line[a:b])))
            pos += len(line) + 1
        groups, current, used = [], [], 0
        for unit in units:
            if current and used + unit[2] > budget:
                groups.append(current)
                current, used = [], 0
            current.append(unit)
            used += unit[2]
        if current:
            groups.append(current)
        for group in groups:
            start, end = group[0][0], group[-1][1]
            words = [i for i, (a, b) in enumerate(spans) if a >= start and b <= end]
            windows.append(
                Window(
                    text[start:end],
                    [(spans[i][0] - start, spans[i][1] - start) for i in words],
                    [tags[i] for i in words],
                    [(d, index[i]) for i in words],
                )
            )
    return windows
