"""The shared encoder's states for the parse head: the NER model's 7 layer outputs at each
word's first piece, computed the way newsgraph computes them at run time.

newsgraph runs one encoder pass per chunk (the NER model, `src/ner/mod.rs`): a document's
sentences are tokenised from the raw text, packed greedily into windows of at most 126
pieces plus [CLS] and [SEP] (`text::pack`, a sentence longer than that cut into windows
overlapping by 32 pieces, each piece owned by one window), and each window is one ONNX run.
The parse head (`parse_head.py`) reads, for each UD word, the state of the first piece that
ends after the word's start (`src/analysis/states.rs` maps words to pieces the same way).

Two packings are written, so that the head sees both at training time:
- `doc`: the sentences of one treebank document packed together, as in `extract`;
- `alone`: each sentence its own windows, as `newsgraph eval ud` runs them.

Usage: python encoder_states.py --conllu FILE --model DIR --out FILE.npz [--packing doc|alone]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import onnx
import onnxruntime as ort
from tokenizers import Tokenizer

from conll import case_class
from ud import UPOS2ID

LAYER_OUTPUTS = ["/model/encoder/embeddings/LayerNorm/LayerNormalization_output_0"] + [
    f"/model/encoder/encoder/layer.{k}/output/LayerNorm/LayerNormalization_output_0" for k in range(6)
]
WINDOW = 128
OVERLAP = 32


def session_with_layers(onnx_path: str, threads: int) -> ort.InferenceSession:
    """The model with each layer's output as an extra graph output."""
    model = onnx.load(onnx_path)
    names = {o for n in model.graph.node for o in n.output}
    for name in LAYER_OUTPUTS:
        if name not in names:
            raise SystemExit(f"{onnx_path}: no tensor {name}")
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.disable_quant_qdq", "1")
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def read_treebank(path: str):
    """Sentences as dicts: doc, text, the syntactic words with their character start in
    the text, and the gold annotation. A multiword token's words split its span when their
    forms spell it ("Arafat's" = "Arafat" "'s"), as `UdSentence::word_spans` and the UD
    tokenizer of `extract` give them; otherwise each starts where the token does."""
    sentences = []
    doc = ""
    with open(path, encoding="utf-8") as f:
        blocks = f.read().split("\n\n")
    for block in blocks:
        lines = [ln for ln in block.split("\n") if ln]
        if not lines:
            continue
        cur = {"doc": doc, "sent_id": "", "text": "", "forms": [], "starts": [], "upos": [], "heads": [], "deprels": []}
        rows = []
        for line in lines:
            if line.startswith("#"):
                if line.startswith("# newdoc"):
                    doc = line.split("=", 1)[1].strip() if "=" in line else line
                    cur["doc"] = doc
                elif line.startswith("# sent_id"):
                    cur["sent_id"] = line.split("=", 1)[1].strip()
                elif line.startswith("# text ="):
                    cur["text"] = line.split("=", 1)[1].strip()
                continue
            cols = line.split("\t")
            if "." not in cols[0]:
                rows.append(cols)
        text = cur["text"]
        cursor = 0
        k = 0
        while k < len(rows):
            cols = rows[k]
            if "-" in cols[0]:
                a, b = (int(x) for x in cols[0].split("-"))
                words = [r for r in rows[k + 1:] if "-" not in r[0] and a <= int(r[0]) <= b]
                at = find(text, cols[1], cursor)
                cursor = at + len(cols[1])
                spelled = "".join(w[1] for w in words) == cols[1]
                offset = at
                for w in words:
                    add_word(cur, w, offset)
                    if spelled:
                        offset += len(w[1])
                k += 1 + len(words)
                continue
            start = find(text, cols[1], cursor)
            cursor = start + len(cols[1])
            add_word(cur, cols, start)
            k += 1
        if cur["forms"]:
            sentences.append(cur)
    return sentences


def add_word(cur, cols, start):
    cur["forms"].append(cols[1])
    cur["starts"].append(start)
    cur["upos"].append(UPOS2ID[cols[3]])
    cur["heads"].append(int(cols[6]))
    cur["deprels"].append(cols[7])


def find(text: str, form: str, cursor: int) -> int:
    """Where `form` starts in `text` at or after `cursor`; failing that, the next
    non-space character (a form the text spells differently)."""
    at = text.find(form, cursor)
    if at >= 0 and text[cursor:at].strip() == "":
        return at
    while cursor < len(text) and text[cursor].isspace():
        cursor += 1
    return min(cursor, max(len(text) - 1, 0))


def pieces(tokenizer: Tokenizer, text: str):
    enc = tokenizer.encode(text, add_special_tokens=False)
    case = [case_class(text[s:e].strip()) for s, e in enc.offsets]
    return list(enc.ids), case, list(enc.offsets)


def pack(ranges, budget: int, overlap: int):
    """`text::pack`: (tokens, owned) ranges over a document's pieces."""
    out = []
    current = None
    for s, e in ranges:
        if e == s:
            continue
        if e - s > budget:
            if current:
                out.append((current, current))
                current = None
            step = budget - overlap
            start = s
            while True:
                end = min(start + budget, e)
                os_ = start if start == s else start + overlap // 2
                oe = end if end == e else end - (overlap - overlap // 2)
                out.append(((start, end), (os_, oe)))
                if end == e:
                    break
                start += step
            continue
        if current and e - current[0] <= budget and current[1] == s:
            current = (current[0], e)
        else:
            if current:
                out.append((current, current))
            current = (s, e)
    if current:
        out.append((current, current))
    return out


def first_pieces(offsets, starts):
    """For each word start, the first piece ending after it (the last piece if none)."""
    out = []
    p = 0
    for w in starts:
        while p < len(offsets) and offsets[p][1] <= w:
            p += 1
        out.append(min(p, len(offsets) - 1))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--conllu", required=True)
    ap.add_argument("--model", default="runs/ner-model")
    ap.add_argument("--onnx", default="model.int8.onnx")
    ap.add_argument("--out", required=True)
    ap.add_argument("--packing", choices=["doc", "alone"], default="doc")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--text", choices=["original", "spaced"], default="original",
                    help="spaced: each sentence's words one space apart, as `newsgraph eval ud` "
                         "gives words without their text")
    args = ap.parse_args()

    t0 = time.time()
    tok = Tokenizer.from_file(f"{args.model}/tokenizer.json")
    tok.no_truncation()
    tok.no_padding()
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    sess = session_with_layers(f"{args.model}/{args.onnx}", args.threads)
    sentences = read_treebank(args.conllu)
    if args.text == "spaced":
        for s in sentences:
            s["starts"] = list(np.cumsum([0] + [len(f) + 1 for f in s["forms"][:-1]]))
            s["text"] = " ".join(s["forms"])
    groups: list[list[int]] = []
    for i, s in enumerate(sentences):
        if args.packing == "doc" and groups and sentences[groups[-1][-1]]["doc"] == s["doc"]:
            groups[-1].append(i)
        else:
            groups.append([i])

    feats = [None] * len(sentences)
    for g in groups:
        ids, case, sent_ranges, word_pieces = [], [], [], []
        for i in g:
            s = sentences[i]
            pid, pcase, poff = pieces(tok, s["text"])
            base = len(ids)
            ids += pid
            case += pcase
            sent_ranges.append((base, base + len(pid)))
            word_pieces.append([base + p for p in first_pieces(poff, s["starts"])] if pid else [])
        states = np.zeros((len(ids), len(LAYER_OUTPUTS), 384), dtype=np.float32)
        for (ts, te), (os_, oe) in pack(sent_ranges, WINDOW - 2, OVERLAP):
            row = [cls_id] + ids[ts:te] + [sep_id]
            crow = [0] + case[ts:te] + [0]
            n = len(row)
            out = sess.run(LAYER_OUTPUTS, {
                "input_ids": np.array([row], dtype=np.int64),
                "attention_mask": np.ones((1, n), dtype=np.int64),
                "token_type_ids": np.zeros((1, n), dtype=np.int64),
                "case_ids": np.array([crow], dtype=np.int64),
            })
            layers = np.stack([o[0] for o in out], 1)  # [n, 7, 384]
            states[os_:oe] = layers[1 + os_ - ts : 1 + oe - ts]
        for i, wp in zip(g, word_pieces):
            if wp:
                feats[i] = states[wp].astype(np.float16)
            else:
                feats[i] = np.zeros((len(sentences[i]["forms"]), len(LAYER_OUTPUTS), 384), dtype=np.float16)

    lengths = np.array([len(s["forms"]) for s in sentences], dtype=np.int64)
    np.savez(
        args.out,
        states=np.concatenate(feats, 0),
        lengths=lengths,
        upos=np.array([u for s in sentences for u in s["upos"]], dtype=np.int64),
        heads=np.array([h for s in sentences for h in s["heads"]], dtype=np.int64),
        deprels=np.array([d for s in sentences for d in s["deprels"]]),
        sent_ids=np.array([s["sent_id"] for s in sentences]),
    )
    print(f"{args.conllu}: {len(sentences)} sentences, {lengths.sum()} words, {len(groups)} groups, {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
