"""Evaluate an exported model directory on a CoNLL file with onnxruntime (the Python check
of `newsgraph eval conll`), and measure its throughput.

    python evaluate.py --model runs/ner-model --onnx model.int8.onnx \
        --conll ../../shared/data/conll2003/test.txt --json results/test-int8.json
"""

from __future__ import annotations

import argparse
import json
import time

import no_telemetry  # noqa: F401  (before onnxruntime)
import numpy as np
import onnxruntime as ort
from transformers import PreTrainedTokenizerFast

from conll import LABELS, case_class, document_windows, newsgraph_windows, read_conll, score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--onnx", default="model.onnx")
    ap.add_argument("--conll", required=True)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--packing", choices=["newsgraph", "conll"], default="newsgraph",
                    help="newsgraph: sentences split and packed as the Rust chunker does; conll: the file's sentences, as in training")
    ap.add_argument("--json")
    args = ap.parse_args()

    tokenizer = PreTrainedTokenizerFast(tokenizer_file=f"{args.model}/tokenizer.json")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    # As newsgraph does (src/ner/runtime.rs): keep the int8 weights' MatMuls in fp32.
    opts.add_session_config_entry("session.disable_quant_qdq", "1")
    session = ort.InferenceSession(f"{args.model}/{args.onnx}", opts, providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}
    cls_id, sep_id = tokenizer.convert_tokens_to_ids(["[CLS]", "[SEP]"])
    pad_id = tokenizer.convert_tokens_to_ids("[PAD]")

    docs = read_conll(args.conll)
    pack = newsgraph_windows if args.packing == "newsgraph" else document_windows
    windows = pack(docs, tokenizer, args.max_tokens)
    encoded = []
    for w in windows:
        enc = tokenizer(w.text, add_special_tokens=False, return_offsets_mapping=True)
        # Every sentence fits the window in CoNLL test; truncate defensively like training.
        ids = enc["input_ids"][: args.max_tokens - 2]
        offs = enc["offset_mapping"][: args.max_tokens - 2]
        encoded.append((ids, offs))
    order = sorted(range(len(windows)), key=lambda i: len(encoded[i][0]))
    pred_words = {}
    window_tags = [None] * len(windows)
    tokens = 0
    started = time.time()
    for b in range(0, len(order), args.batch):
        idx = order[b : b + args.batch]
        width = max(len(encoded[i][0]) for i in idx) + 2
        ids = np.full((len(idx), width), pad_id, dtype=np.int64)
        mask = np.zeros_like(ids)
        case = np.zeros_like(ids)
        for r, i in enumerate(idx):
            tok, offs = encoded[i]
            row = [cls_id] + tok + [sep_id]
            ids[r, : len(row)] = row
            mask[r, : len(row)] = 1
            text = windows[i].text
            for t, (s, e) in enumerate(offs):
                case[r, t + 1] = case_class(text[s:e].strip())
            tokens += len(row)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        if "case_ids" in inputs:
            feed["case_ids"] = case
        logits = session.run(None, feed)[0]
        for r, i in enumerate(idx):
            w = windows[i]
            _, offs = encoded[i]
            best = logits[r].argmax(-1)
            # A word's label is its first token's: the token whose start is the word start.
            starts = {}
            for t, (s, _e) in enumerate(offs):
                starts.setdefault(s, t)
            tags = []
            for ws, _we in w.word_spans:
                t = starts.get(ws)
                tags.append(LABELS[best[t + 1]] if t is not None else "O")
            window_tags[i] = tags
    seconds = time.time() - started
    # Windows come in document order; a sentence split across two windows keeps its word order.
    for w, tags in zip(windows, window_tags):
        for (d, s), tag in zip(w.sentence_index, tags):
            pred_words.setdefault((d, s), []).append(tag)
    gold, pred = [], []
    for d, doc in enumerate(docs):
        for s, sent in enumerate(doc.sentences):
            gold.append(sent.tags)
            pred.append(pred_words[(d, s)])
    result = score(gold, pred)
    result_out = {
        "model": args.model,
        "onnx": args.onnx,
        "conll": args.conll,
        "scores": result,
        "tokens": tokens,
        "seconds": round(seconds, 2),
        "tokens_per_second": round(tokens / seconds, 1),
    }
    for kind, s in result.items():
        print(f"{kind:8s} P {s['precision']:.2f} R {s['recall']:.2f} F1 {s['f1']:.2f}")
    print(f"{tokens} tokens in {seconds:.1f} s: {tokens / seconds:.0f} tokens/s ({args.threads} threads)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result_out, f, indent=1)


if __name__ == "__main__":
    main()
