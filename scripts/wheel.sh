#!/usr/bin/env bash
# Builds the Python package's wheel, target/wheels/newsgraph-<version>-cp39-abi3-<platform>.whl
# (PyO3, abi3: CPython 3.9 and later), with the shipped models inside; safe to run again.
# `pip install target/wheels/newsgraph-*.whl` then needs nothing else: ONNX Runtime
# comes from the onnxruntime wheel it depends on.
# - maturin (pinned in python/requirements-dev.txt) in .venv-build/ (git-ignored);
# - the models' tracked files copied into python/newsgraph/models/ (git-ignored), which
#   python/pyproject.toml includes as package data.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-build
MATURIN_VERSION=$(sed -n 's/^maturin==//p' python/requirements-dev.txt)
if ! "$VENV/bin/maturin" --version 2>/dev/null | grep -qx "maturin $MATURIN_VERSION"; then
  echo "wheel: installing maturin $MATURIN_VERSION into $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r python/requirements-dev.txt
fi

# Only the files git tracks (not a local rust_model.ot or vocab.txt), fresh each time.
rm -rf python/newsgraph/models
git ls-files -z models | while IFS= read -r -d '' f; do
  mkdir -p "python/newsgraph/$(dirname "$f")"
  cp "$f" "python/newsgraph/$f"
done

TARGET="${CARGO_TARGET_DIR:-target}"
rm -f "$TARGET"/wheels/newsgraph-*.whl
# The workspace's target folder and release profile: the library built for the command line
# is reused, and only PyO3 and the module compile.
"$VENV/bin/maturin" build --release --locked --quiet -m python/Cargo.toml -o "$TARGET/wheels" >&2
ls "$TARGET"/wheels/newsgraph-*.whl
