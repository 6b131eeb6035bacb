#!/usr/bin/env bash
# Installs what newsgraph needs to run and builds it; safe to run again.
# - ONNX Runtime's shared library, from the onnxruntime wheel on PyPI, into .ort/ (git-ignored);
#   the binary finds it there by itself.
# - the release binary, target/release/newsgraph.
set -euo pipefail
cd "$(dirname "$0")/.."

ORT_VERSION=1.31.1
if ! ls .ort/site/onnxruntime/capi/libonnxruntime.so.* >/dev/null 2>&1; then
  echo "setup: installing ONNX Runtime $ORT_VERSION (PyPI wheel) into .ort/" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
    --target .ort/site "onnxruntime==$ORT_VERSION"
fi
cargo build --release --locked --quiet
