"""Rewrites a dynamically quantized ONNX model (onnxruntime `quantize_dynamic`: int8 weights,
activations quantized at run time) so that it keeps the same int8 weights but computes in
fp32: each `DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul` becomes
`DequantizeLinear(weight) -> MatMul`.

Why: the activation rounding of dynamic quantization turns the last-bit differences between
CPUs' float kernels (AVX-512, AVX2, SSE) into whole quantisation steps, so one model gave
different labels on different x86-64 CPUs (issue 27; tests/cpu_paths.rs). In fp32 the same
model agrees across every kernel path to about 3e-5 in its logits. The file stays int8-sized;
newsgraph's sessions set `session.disable_quant_qdq` so that ONNX Runtime does not fuse the
pattern back into int8 kernels.

    python fp32_compute.py IN.onnx OUT.onnx      (export.py and export_parser.py call it)
"""

from __future__ import annotations

import sys

import onnx
from onnx import helper


def fp32_compute(src: str, dst: str) -> int:
    """Rewrites `src` into `dst`; returns the number of matrix products rewritten."""
    model = onnx.load(src)
    graph = model.graph
    initializers = {i.name for i in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    producer = {out: node for node in graph.node for out in node.output}
    replaced: dict[int, list] = {}
    dropped: set[int] = set()
    for node in graph.node:
        if node.op_type != "MatMulInteger" or node.input[1] not in initializers:
            continue
        quantize = producer[node.input[0]]
        if quantize.op_type != "DynamicQuantizeLinear":
            raise ValueError(f"{node.name}: input is not DynamicQuantizeLinear")
        (cast,) = consumers[node.output[0]]
        (scale,) = consumers[cast.output[0]]
        if cast.op_type != "Cast" or scale.op_type != "Mul":
            raise ValueError(f"{node.name}: not followed by Cast and Mul")
        weight, weight_zero = node.input[1], node.input[3]
        weight_scale = weight.removesuffix("_quantized") + "_scale"
        if weight_scale not in initializers:
            raise ValueError(f"{node.name}: no weight scale {weight_scale}")
        dequantized = weight + "_dequantized"
        # DequantizeLinear's default axis (1) is the output column of a [K, N] weight:
        # per-channel scales apply as quantize_dynamic computed them.
        replaced[id(node)] = [
            helper.make_node(
                "DequantizeLinear", [weight, weight_scale, weight_zero], [dequantized], name=dequantized
            ),
            helper.make_node("MatMul", [quantize.input[0], dequantized], [scale.output[0]], name=node.name + "_fp32"),
        ]
        dropped |= {id(cast), id(scale)}
    nodes = []
    for node in graph.node:
        if id(node) in replaced:
            nodes += replaced[id(node)]
        elif id(node) not in dropped:
            nodes.append(node)
    # Drop what nothing reads any more: the activation quantizers and their scale products.
    outputs = {o.name for o in graph.output}
    while True:
        used = {name for node in nodes for name in node.input} | outputs
        kept = [node for node in nodes if any(out in used for out in node.output)]
        if len(kept) == len(nodes):
            break
        nodes = kept
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for node in nodes for name in node.input}
    live = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(live)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return len(replaced)


if __name__ == "__main__":
    n = fp32_compute(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[2]}: {n} matrix products now fp32 over int8 weights")
