#!/usr/bin/env bash
# The rust-bert backend (cargo feature `rust-bert`), end to end. Safe to run again:
# 1. .torch/venv (git-ignored): torch 2.4.0, numpy, onnx from PyPI
#    (training/requirements-rust-bert.txt; about 5 GB with torch's CUDA libraries);
# 2. builds newsgraph with the feature against that torch (scripts/rust-bert-env.sh:
#    LIBTORCH_USE_PYTORCH=1, nothing downloaded at build time) into target/rust-bert;
# 3. converts the shipped model to models/newsgraph-minilm/rust_model.ot
#    (training/convert_rust_bert.py) unless it is already there;
# 4. runs the feature's tests (tests/rust_bert.rs, and the library's unit tests);
# 5. CoNLL-2003 test F1 through --backend rust-bert, which must be within 0.3 of the fp32
#    ONNX model's (training/results/test-model.json), when ../shared has the data.
# Versions that work together: rust-bert 0.23.0, tch 0.17.0, torch-sys 0.17.0, torch 2.4.0
# (PyPI, Python 3.11). ONNX Runtime stays in use for the parser: scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.torch/venv
if ! "$VENV/bin/python" -c 'import torch, numpy, onnx; assert torch.__version__.startswith("2.4.0")' 2>/dev/null; then
  echo "test-rust-bert: installing training/requirements-rust-bert.txt into $VENV" >&2
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r training/requirements-rust-bert.txt
fi
if ! ls .ort/site/onnxruntime/capi/libonnxruntime.so.* >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
# shellcheck source=scripts/rust-bert-env.sh
source scripts/rust-bert-env.sh

cargo build --release --locked --features rust-bert --bin newsgraph --example convert_tensor
MODEL=models/newsgraph-minilm
if [ ! -f "$MODEL/rust_model.ot" ] || [ "$MODEL/model.int8.onnx" -nt "$MODEL/rust_model.ot" ]; then
  python training/convert_rust_bert.py --model "$MODEL"
fi
cargo test --release --locked --features rust-bert --lib ner
cargo test --release --locked --features rust-bert --test rust_bert -- --nocapture

CONLL=../shared/data/conll2003/test.txt
if [ -f "$CONLL" ]; then
  mkdir -p out
  "$CARGO_TARGET_DIR/release/newsgraph" eval conll "$CONLL" --backend rust-bert --json out/conll-rust-bert.json
  python - <<'PY'
import json
# newsgraph writes F1 as a fraction, training/evaluate.py as a percentage.
got = 100 * json.load(open("out/conll-rust-bert.json"))["scores"]["overall"]["f1"]
want = json.load(open("training/results/test-model.json"))["scores"]["overall"]["f1"]
print(f"CoNLL-2003 test F1: rust-bert {got:.2f}, fp32 ONNX {want:.2f} (training/results/test-model.json), difference {got - want:+.2f}")
if abs(got - want) > 0.3:
    raise SystemExit("rust-bert F1 is not within 0.3 of the fp32 ONNX model")
PY
else
  echo "skipped: CoNLL-2003 F1 check ($CONLL is absent)"
fi
