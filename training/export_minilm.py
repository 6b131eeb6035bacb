"""Builds the shared-encoder model directory `models/newsgraph-minilm`: the NER model's
ONNX graph with one more output, `parse_states` (the parse head's learned mix of the
encoder's 7 layer outputs, computed inside the graph so that newsgraph reads 384 numbers
per piece), and the parse head as its own small ONNX graph, `parse_head.onnx`, run per
sentence on the states at each word's first piece.

The NER weights, inputs and `logits` output are the NER model's, unchanged: the entities
newsgraph finds do not change.

Usage: python export_minilm.py --ner runs/ner-model --head runs/parse-head/lstm/best.pt \
           --out ../models/newsgraph-minilm
"""

from __future__ import annotations

import argparse
import json
import os
import shutil

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from encoder_states import LAYER_OUTPUTS
from parse_head import HIDDEN, ParseHead
from ud import UPOS

MAX_WORDS = 256


def add_states_output(ner_onnx: str, weights: np.ndarray, out: str):
    """`parse_states` = sum over layers of weight[l] * layer output l."""
    model = onnx.load(ner_onnx)
    g = model.graph
    names = {o for n in g.node for o in n.output}
    terms = []
    for l, name in enumerate(LAYER_OUTPUTS):
        if name not in names:
            raise SystemExit(f"{ner_onnx}: no tensor {name}")
        w = f"parse_mix_weight_{l}"
        g.initializer.append(numpy_helper.from_array(np.array(weights[l], dtype=np.float32), w))
        term = f"parse_mix_term_{l}"
        g.node.append(helper.make_node("Mul", [name, w], [term], name=f"/parse_mix/Mul_{l}"))
        terms.append(term)
    g.node.append(helper.make_node("Sum", terms, ["parse_states"], name="/parse_mix/Sum"))
    g.output.append(helper.make_tensor_value_info("parse_states", TensorProto.FLOAT, ["batch", "sequence", HIDDEN]))
    onnx.checker.check_model(model)
    onnx.save(model, out)


class Exported(torch.nn.Module):
    def __init__(self, head: ParseHead):
        super().__init__()
        self.head = head

    def forward(self, states):
        return self.head(states)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ner", default="runs/ner-model")
    ap.add_argument("--head", required=True, help="best.pt of parse_head.py")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    best = torch.load(args.head, weights_only=False)
    head = ParseHead(best["deprels"], **best["config"])
    head.load_state_dict(best["model"])
    head.eval()
    os.makedirs(args.out, exist_ok=True)

    with torch.no_grad():
        weights = (head.layer_gamma * torch.softmax(head.layer_weights, 0)).numpy()
    print("layer mix:", [round(float(w), 4) for w in weights])
    add_states_output(os.path.join(args.ner, "model.int8.onnx"), weights, os.path.join(args.out, "model.int8.onnx"))

    example = torch.randn(1, 7, HIDDEN)
    torch.onnx.export(
        Exported(head), (example,), os.path.join(args.out, "parse_head.onnx"),
        input_names=["states"], output_names=["upos_logits", "arc_scores", "rel_logits"],
        dynamic_axes={"states": {1: "words"}, "upos_logits": {1: "nodes"}, "arc_scores": {1: "nodes", 2: "nodes"},
                      "rel_logits": {1: "nodes", 2: "nodes"}},
        opset_version=17, dynamo=False,
    )

    for f in ["tokenizer.json"]:
        shutil.copy(os.path.join(args.ner, f), os.path.join(args.out, f))
    config = json.load(open(os.path.join(args.ner, "config.json")))
    config["newsgraph"]["parse"] = {
        "upos": UPOS,
        "deprels": best["deprels"],
        "onnx": "parse_head.onnx",
        "state_width": HIDDEN,
        "max_words": MAX_WORDS,
        "head": best["config"],
    }
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
