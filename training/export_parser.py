"""Export a trained parser run to a newsgraph model directory: ONNX (fp32 and int8),
tokenizer.json and config.json.

    python export_parser.py --run runs/parser --out ../models/newsgraph-parser-minilm
"""

from __future__ import annotations

import argparse
import json
import os
import shutil

from fp32_compute import fp32_compute
import no_telemetry  # noqa: F401  (before onnxruntime, which quantisation loads)
import torch
from transformers import AutoConfig

from conll import NUM_CASE_CLASSES
from model import encoder_dir
from parser_model import BiaffineParser
from ud import MAX_PIECES, UPOS

INPUTS = ["input_ids", "attention_mask", "token_type_ids", "case_ids", "word_starts"]
OUTPUTS = ["upos_logits", "arc_scores", "rel_logits"]


def export_onnx(model: BiaffineParser, path: str) -> None:
    model.eval()
    batch, seq, words = 1, 12, 6
    dummy = (
        torch.randint(1000, 2000, (batch, seq)),
        torch.ones(batch, seq, dtype=torch.long),
        torch.zeros(batch, seq, dtype=torch.long),
        torch.randint(0, NUM_CASE_CLASSES, (batch, seq)),
        torch.tensor([[0, 1, 3, 4, 7, 9]]),
    )
    axes = {n: {0: "batch", 1: "sequence"} for n in INPUTS[:4]}
    axes["word_starts"] = {0: "batch", 1: "words"}
    axes["upos_logits"] = {0: "batch", 1: "words"}
    axes["arc_scores"] = {0: "batch", 1: "words", 2: "heads"}
    axes["rel_logits"] = {0: "batch", 1: "words", 2: "heads"}
    torch.onnx.export(
        model, dummy, path, input_names=INPUTS, output_names=OUTPUTS,
        dynamic_axes=axes, opset_version=17, dynamo=False,
    )


def quantize(fp32: str, int8: str) -> None:
    """Dynamic int8 of the encoder and MLPs. The biaffine products stay fp32: their weight
    is a 3-D tensor, which ORT's per-channel integer MatMul does not take, and they are a
    small share of the time."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    pre = int8 + ".pre.onnx"
    quant_pre_process(fp32, pre, skip_symbolic_shape=True)
    graph = onnx.load(pre).graph
    biaffine = [n.name for n in graph.node if n.name.startswith(("/arc/", "/rel/"))]
    quantize_dynamic(pre, int8, per_channel=True, weight_type=QuantType.QInt8, nodes_to_exclude=biaffine)
    os.remove(pre)
    # Keep the int8 weights but compute in fp32: the same parse on every x86-64 CPU.
    fp32_compute(int8, int8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True, help="a train_parser.py output directory")
    ap.add_argument("--out", required=True)
    ap.add_argument("--default-onnx", default=None, help="model.onnx or model.int8.onnx")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.run, "train_log.json")) as f:
        log = json.load(f)
    deprels = log["deprels"]
    base = encoder_dir()
    model = BiaffineParser.from_encoder(base, len(deprels), len(UPOS))
    model.load_state_dict(torch.load(os.path.join(args.run, "weights.pt"), map_location="cpu"))
    fp32 = os.path.join(args.out, "model.onnx")
    export_onnx(model, fp32)
    quantize(fp32, os.path.join(args.out, "model.int8.onnx"))

    config = AutoConfig.from_pretrained(base).to_dict()
    config.update(
        {
            "architectures": ["BiaffineParser"],
            "newsgraph": {
                "task": "dependency-parsing",
                "upos": UPOS,
                "deprels": deprels,
                "max_pieces": MAX_PIECES,
                "case_feature": "shape7 of each piece's word (src/ner/case.rs, training/conll.py)",
                "inputs": INPUTS,
                "outputs": OUTPUTS,
                **({"default_onnx": args.default_onnx} if args.default_onnx else {}),
            },
        }
    )
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    shutil.copy(os.path.join(args.run, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
    print("exported to", args.out)


if __name__ == "__main__":
    main()
