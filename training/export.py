"""Export a trained run to a newsgraph model directory: ONNX (fp32 and int8), tokenizer, config.

    python export.py --run runs/final --out runs/ner-model
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

from conll import LABELS, NUM_CASE_CLASSES
from model import CasedTokenClassifier, encoder_dir


class Exported(torch.nn.Module):
    def __init__(self, model: CasedTokenClassifier):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids, case_ids):
        return self.model(input_ids, attention_mask, token_type_ids, case_ids)


def export_onnx(model: CasedTokenClassifier, path: str, max_tokens: int) -> None:
    model.eval()
    batch, seq = 2, 16
    dummy = (
        torch.randint(1000, 2000, (batch, seq)),
        torch.ones(batch, seq, dtype=torch.long),
        torch.zeros(batch, seq, dtype=torch.long),
        torch.randint(0, NUM_CASE_CLASSES, (batch, seq)),
    )
    names = ["input_ids", "attention_mask", "token_type_ids", "case_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["logits"] = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        Exported(model),
        dummy,
        path,
        input_names=names,
        output_names=["logits"],
        dynamic_axes=axes,
        opset_version=17,
        dynamo=False,
    )


def quantize(fp32: str, int8: str) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    pre = int8 + ".pre.onnx"
    quant_pre_process(fp32, pre, skip_symbolic_shape=True)
    quantize_dynamic(pre, int8, per_channel=True, weight_type=QuantType.QInt8)
    os.remove(pre)
    # Keep the int8 weights but compute in fp32: the same labels on every x86-64 CPU.
    fp32_compute(int8, int8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True, help="a train.py output directory")
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--default-onnx", default=None, help="model.onnx or model.int8.onnx")
    ap.add_argument("--skip-int8", action="store_true")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    base = encoder_dir()
    model = CasedTokenClassifier.from_encoder(base)
    model.load_state_dict(torch.load(os.path.join(args.run, "weights.pt"), map_location="cpu"))
    fp32 = os.path.join(args.out, "model.onnx")
    export_onnx(model, fp32, args.max_tokens)
    if not args.skip_int8:
        quantize(fp32, os.path.join(args.out, "model.int8.onnx"))

    config = AutoConfig.from_pretrained(base).to_dict()
    config.update(
        {
            "architectures": ["CasedTokenClassifier"],
            "id2label": {str(i): l for i, l in enumerate(LABELS)},
            "label2id": {l: i for i, l in enumerate(LABELS)},
            "newsgraph": {
                "max_tokens": args.max_tokens,
                "case_feature": "shape7 (src/ner/case.rs, training/conll.py)",
                "label_scheme": "IOB2",
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
