"""Convert the shipped NER model to rust-bert's format: rust_model.ot beside config.json,
vocab.txt and tokenizer.json, for `newsgraph --backend rust-bert` (cargo feature rust-bert).

    python training/convert_rust_bert.py                     # into models/newsgraph-minilm
    python training/convert_rust_bert.py --out DIR --weights runs/final/weights.pt

rust-bert's own convention (its utils/convert_model.py): the PyTorch state dict is written
as numpy arrays to model.npz, then tch's tensor converter turns the npz into rust_model.ot,
a libtorch archive of named tensors. Here the converter is examples/convert_tensor.rs, run
with `cargo run --release --features rust-bert`; building it needs libtorch, found through
the Python running this script (LIBTORCH_USE_PYTORCH=1; scripts/test-rust-bert.sh sets up
both). --npz-only stops after model.npz.

Where the weights come from, first that exists: --weights (a train.py weights.pt; needs
torch), model.onnx (fp32) in the model folder, model.int8.onnx dequantised (the shipped
file; weights are int8 * scale, activations then run in fp32). onnx_weights.py reads ONNX.

Names: CasedTokenClassifier (model.py) is `encoder` (a BertModel), `case_embeddings` and
`classifier`. rust-bert's BertForTokenClassification names its BertModel `bert`, so
`encoder.*` becomes `bert.*`; `classifier.*` keeps its name. The word-shape input carries
over as its own tensor, `case_embeddings.weight` ([7 classes, hidden]): rust-bert's model
has no case_ids input, so src/ner/rust_bert.rs adds case_embeddings[case_ids] to
word_embeddings[input_ids] itself and passes the sum as rust-bert's `input_embeds`, which
is what model.py's forward does before BERT's embedding layer (positions, token types,
LayerNorm). The pooler, unused by token classification, is not written.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODEL_DIR = os.path.join(ROOT, "models", "newsgraph-minilm")


def rust_bert_names(state: dict) -> dict:
    """CasedTokenClassifier names -> BertForTokenClassification names (pooler dropped)."""
    out = {}
    for name, value in state.items():
        if name.startswith("encoder.pooler."):
            continue
        if name.startswith("encoder."):
            name = "bert." + name[len("encoder.") :]
        elif not name.startswith(("case_embeddings.", "classifier.")):
            raise SystemExit(f"unexpected tensor {name}: not part of CasedTokenClassifier")
        out[name] = np.ascontiguousarray(value, dtype=np.float32)
    return out


def load_state(args) -> tuple[dict, str]:
    if args.weights:
        import torch

        state = torch.load(args.weights, map_location="cpu")
        return {k: v.numpy() for k, v in state.items()}, f"PyTorch weights {args.weights}"
    sys.path.insert(0, HERE)
    from onnx_weights import onnx_state_dict

    for name, kind in (("model.onnx", "fp32 ONNX"), ("model.int8.onnx", "int8 ONNX, dequantised")):
        path = os.path.join(args.model, name)
        if os.path.exists(path):
            return onnx_state_dict(path), f"{kind} {path}"
    raise SystemExit(f"{args.model}: no model.onnx or model.int8.onnx (or pass --weights)")


def write_vocab(tokenizer_json: str, out: str) -> None:
    """vocab.txt (one token a line, by id) from tokenizer.json's WordPiece vocabulary:
    what rust-bert's BertTokenizer reads. newsgraph itself reads tokenizer.json."""
    with open(tokenizer_json, encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    tokens = sorted(vocab, key=vocab.get)
    if [vocab[t] for t in tokens] != list(range(len(tokens))):
        raise SystemExit(f"{tokenizer_json}: vocabulary ids are not 0..{len(tokens) - 1}")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(tokens) + "\n")


def convert_npz(npz: str, ot: str) -> None:
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", os.path.join(ROOT, "target", "rust-bert"))
    if "LIBTORCH" not in env:
        # torch-sys finds libtorch through `python` on PATH (a venv's when VIRTUAL_ENV is set).
        env["LIBTORCH_USE_PYTORCH"] = "1"
        bindir = os.path.dirname(sys.executable)
        env["VIRTUAL_ENV"] = os.path.dirname(bindir)
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        # The binary links libtorch without an rpath: the loader finds it through this.
        lib = subprocess.run(
            [sys.executable, "-c", "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        env["LD_LIBRARY_PATH"] = lib + (os.pathsep + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    cmd = ["cargo", "run", "--release", "--quiet", "--features", "rust-bert", "--example", "convert_tensor", "--", npz, ot]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=MODEL_DIR, help="the newsgraph model folder to convert")
    ap.add_argument("--out", help="where to write (default: the model folder itself)")
    ap.add_argument("--weights", help="a train.py weights.pt instead of the folder's ONNX")
    ap.add_argument("--npz-only", action="store_true", help="write model.npz, skip the .ot step")
    args = ap.parse_args()
    out = args.out or args.model
    os.makedirs(out, exist_ok=True)

    state, source = load_state(args)
    tensors = rust_bert_names(state)
    npz = os.path.join(out, "model.npz")
    np.savez(npz, **tensors)
    print(f"{len(tensors)} tensors from {source} -> {npz}")
    for name in ("config.json", "tokenizer.json"):
        if os.path.abspath(out) != os.path.abspath(args.model):
            shutil.copy(os.path.join(args.model, name), os.path.join(out, name))
    write_vocab(os.path.join(args.model, "tokenizer.json"), os.path.join(out, "vocab.txt"))
    if args.npz_only:
        return
    ot = os.path.join(out, "rust_model.ot")
    convert_npz(npz, ot)
    os.remove(npz)
    print(f"rust-bert model: {ot} with config.json, vocab.txt, tokenizer.json in {out}")


if __name__ == "__main__":
    main()
