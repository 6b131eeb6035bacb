"""The Python check of `newsgraph eval ud`: the exported ONNX parser through
onnxruntime, the same input encoding and tree decoder (ud.py), scored two ways:
ud.score (the Rust scorer's conventions) and UD's official CoNLL 2018 scorer
(udtools), on a system file that keeps the gold multiword-token lines.

    python evaluate_parser.py --model ../models/newsgraph-parser-minilm \
        --onnx model.int8.onnx --conllu ../../shared/data/ud/en_ewt-ud-test.conllu \
        --json results/parser-ewt-test-int8.json
"""

from __future__ import annotations

import argparse
import json
import os
import time

import no_telemetry  # noqa: F401  (before onnxruntime)
import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from ud import decode, read_conllu, score


class HfLikeTokenizer:
    """`tokenizers` with the call signature ud.encode_words uses."""

    def __init__(self, path: str):
        self.tok = Tokenizer.from_file(path)
        self.tok.no_truncation()
        self.tok.no_padding()

    def __call__(self, forms, is_split_into_words=True, add_special_tokens=True):
        enc = self.tok.encode(forms, is_pretokenized=True, add_special_tokens=add_special_tokens)
        return _Enc(enc)


class _Enc(dict):
    def __init__(self, enc):
        super().__init__(input_ids=enc.ids)
        self._word_ids = enc.word_ids

    def word_ids(self):
        return self._word_ids


def system_conllu(gold_path: str, parses) -> str:
    """The gold file with UPOS, HEAD and DEPREL replaced by the parses (LEMMA, XPOS, FEATS
    and DEPS blanked; MISC kept for SpaceAfter)."""
    out = []
    it = iter(parses)
    cur = None
    k = 0
    with open(gold_path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                out.append(line)
                if not line:
                    cur = None
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                out.append(line if "-" in cols[0] else None)
                continue
            if cur is None:
                cur = next(it)
                k = 0
            upos, heads, rels = cur
            cols[2], cols[4], cols[5], cols[8] = "_", "_", "_", "_"
            cols[3], cols[6], cols[7] = upos[k], str(heads[k]), rels[k]
            k += 1
            out.append("\t".join(cols))
    return "\n".join(l for l in out if l is not None) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--onnx", default="model.int8.onnx")
    ap.add_argument("--conllu", required=True)
    ap.add_argument("--json")
    ap.add_argument("--system-out", help="write the system CoNLL-U here")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    with open(os.path.join(args.model, "config.json")) as f:
        deprels = json.load(f)["newsgraph"]["deprels"]
    from ud import encode_words

    tokenizer = HfLikeTokenizer(os.path.join(args.model, "tokenizer.json"))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    # As newsgraph does (src/ner/runtime.rs): keep the int8 weights' MatMuls in fp32.
    opts.add_session_config_entry("session.disable_quant_qdq", "1")
    session = ort.InferenceSession(os.path.join(args.model, args.onnx), opts, providers=["CPUExecutionProvider"])
    gold = read_conllu(args.conllu)
    parses = []
    t0 = time.time()
    words = 0
    for s in gold:
        ids, case, starts = encode_words(tokenizer, s.forms)
        feed = {
            "input_ids": np.array([ids], dtype=np.int64),
            "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
            "token_type_ids": np.zeros((1, len(ids)), dtype=np.int64),
            "case_ids": np.array([case], dtype=np.int64),
            "word_starts": np.array([starts], dtype=np.int64),
        }
        upos, arc, rel = session.run(["upos_logits", "arc_scores", "rel_logits"], feed)
        parses.append(decode(upos[0], arc[0], rel[0], len(s.forms), deprels))
        words += len(s.forms)
    seconds = time.time() - t0
    ours = score(gold, parses)
    system = system_conllu(args.conllu, parses)
    official = None
    try:
        import io

        from udtools import udeval

        g = udeval.load_conllu_file(args.conllu)
        p = udeval.load_conllu(io.StringIO(system), "system", {})
        res = udeval.evaluate(g, p)
        official = {k: round(100 * res[k].f1, 2) for k in ("UPOS", "UAS", "LAS")}
    except Exception as e:  # noqa: BLE001 (report, do not hide)
        official = {"error": repr(e)}
    if args.system_out:
        with open(args.system_out, "w", encoding="utf-8") as f:
            f.write(system)
    result = {
        "conllu": args.conllu,
        "onnx": args.onnx,
        "scores": ours,
        "official_conll18": official,
        "words_per_second": round(words / seconds, 1),
        "threads": args.threads,
    }
    print(json.dumps(result, indent=1))
    if args.json:
        os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
