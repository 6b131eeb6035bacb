"""CasedTokenClassifier's state dict read back out of an ONNX export (fp32 or int8).

The shipped model folder holds only model.int8.onnx; benches/compare_ner.py (the PyTorch
side of the speed comparison) and convert_rust_bert.py (rust-bert's weights file) rebuild
the PyTorch weights from it. Needs numpy and onnx only.
"""

from __future__ import annotations


def onnx_state_dict(path: str) -> dict:
    """State dict of CasedTokenClassifier (keys without the export wrapper's "model." prefix)
    read out of an ONNX export, fp32 or dynamically quantised (int8 per-channel MatMul
    weights, uint8 per-tensor embeddings). Named initializers map by name; the MatMul
    weights that the exporter renamed (onnx::MatMul_N) map to the Linear whose bias the
    MatMul's output is added to, transposed back to torch's [out, in]."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(path).graph
    init = {t.name: t for t in graph.initializer}

    def array(name):
        return numpy_helper.to_array(init[name])

    def value(name):
        """An initializer as fp32, dequantised if it is NAME_quantized."""
        if name in init:
            return array(name).astype(np.float32)
        q = array(name + "_quantized").astype(np.float32)
        scale = array(name + "_scale").astype(np.float32)
        zero = array(name + "_zero_point").astype(np.float32)
        if scale.ndim == 1 and scale.size > 1:  # per-channel: MatMul B [in, out], axis 1
            assert q.ndim == 2 and q.shape[1] == scale.size, (name, q.shape, scale.shape)
            return (q - zero[None, :]) * scale[None, :]
        return (q - zero) * scale

    consumers: dict[str, list] = {}
    for node in graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)

    def bias_after(node, depth=0):
        """The named bias initializer of the first Add downstream of node."""
        if depth > 4:
            return None
        for out in node.output:
            for nxt in consumers.get(out, []):
                if nxt.op_type == "Add":
                    for i in nxt.input:
                        if i.endswith(".bias") and i in init:
                            return i
                found = bias_after(nxt, depth + 1)
                if found:
                    return found
        return None

    state = {}
    bases = set()
    for name in init:
        base = name[: -len("_quantized")] if name.endswith("_quantized") else name
        if name.endswith(("_scale", "_zero_point")) and base == name:
            continue
        bases.add(base)
    for base in sorted(bases):
        if base.startswith("model."):
            state[base[len("model.") :]] = value(base)
        elif base.startswith("onnx::MatMul"):
            stored = base if base in init else base + "_quantized"
            node = next(n for n in consumers[stored] if n.op_type in ("MatMul", "MatMulInteger", "DequantizeLinear"))
            if node.op_type == "DequantizeLinear":
                # fp32_compute.py's form: the int8 weight dequantised, then a plain MatMul.
                node = next(n for n in consumers[node.output[0]] if n.op_type == "MatMul")
            bias = bias_after(node)
            if bias is None:
                raise SystemExit(f"{path}: cannot tell which Linear {base} belongs to")
            key = bias[len("model.") : -len(".bias")] + ".weight"
            state[key] = value(base).T.copy()
    return state
