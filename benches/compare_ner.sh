#!/usr/bin/env bash
# Side-by-side NER speed: newsgraph vs the Hugging Face pipeline (PyTorch) vs spaCy, on the
# same Reuters-21578 documents, with newsgraph's NER alone on ORT int8, ORT fp32 and rust-bert
# (that row needs scripts/test-rust-bert.sh run first, else it is skipped with the reason).
# Safe to run again. Options go to benches/compare_ner.py:
#   bash benches/compare_ner.sh --docs 1000 --json out/compare_ner.json
# - benches/.venv (git-ignored): a venv that also sees training/.venv's packages when that
#   exists (torch from PyPI is ~2.8 GB), with benches/requirements-compare.txt installed;
# - target/release/newsgraph and ONNX Runtime: scripts/setup.sh, only if either is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=benches/.venv
TRAIN_VENV=training/.venv
if [ ! -x "$VENV/bin/python" ]; then
  base=python3
  [ -x "$TRAIN_VENV/bin/python" ] && base="$TRAIN_VENV/bin/python"
  echo "compare_ner: creating $VENV" >&2
  "$base" -m venv "$VENV"
fi
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
pth="$site/newsgraph-training-venv.pth"
train_site=""
if [ -x "$TRAIN_VENV/bin/python" ]; then
  train_site=$("$TRAIN_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
fi
# Reuse training/.venv's packages only when both venvs run the same Python X.Y.
if [ -n "$train_site" ] && [ "$(basename "$(dirname "$train_site")")" = "$(basename "$(dirname "$site")")" ]; then
  (cd "$train_site" && pwd -P) > "$pth"
else
  rm -f "$pth"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r benches/requirements-compare.txt

if [ ! -x target/release/newsgraph ] || ! ls .ort/site/onnxruntime/capi/libonnxruntime.so.* >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
exec "$VENV/bin/python" benches/compare_ner.py "$@"
