#!/usr/bin/env bash
# The shared encoder (models/newsgraph-minilm): the NER model (run_all.sh writes it to
# runs/ner-model) plus a parse head trained on its frozen states, in order:
# 1. the encoder's layer outputs at each word's first piece for EWT train/dev/test, in both
#    packings newsgraph uses (document windows as `extract` packs them; each sentence alone
#    as `eval ud` runs it);
# 2. the head, 12 epochs, the epoch kept by dev LAS (resumable: rerun to continue);
# 3. export: the NER graph with the `parse_states` output, the head as parse_head.onnx;
# 4. the test scores, once, with `newsgraph eval ud` (the Rust path) on EWT and GUM test.
# Wall times on the 2-core machine: 1 about 4 min, 2 about 40 min, 3 under a minute.
# Usage: bash training/run_minilm.sh   (from the repo root; ../shared beside it)
set -euo pipefail
cd "$(dirname "$0")"
UD=../../shared/data/ud
NER=runs/ner-model
OUT=runs/parse-head
MODEL=../models/newsgraph-minilm
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q -r requirements.txt
fi
if [ ! -f "$NER/model.int8.onnx" ]; then
  echo "no NER model in training/$NER: run training/run_all.sh first (or copy the NER files there)" >&2
  exit 1
fi
mkdir -p "$OUT" results
for split in train dev test; do
  for packing in doc alone; do
    f="$OUT/ewt-$split-$packing.npz"
    [ -f "$f" ] || $PY encoder_states.py --model "$NER" --conllu "$UD/en_ewt-ud-$split.conllu" --packing "$packing" --out "$f"
  done
done
$PY parse_head.py --train "$OUT/ewt-train-doc.npz" "$OUT/ewt-train-alone.npz" --dev "$OUT/ewt-dev-alone.npz" \
  --deprels ../models/newsgraph-parser-minilm/config.json --out "$OUT/lstm" --epochs 12 | tee -a "$OUT/lstm.log"
$PY export_minilm.py --ner "$NER" --head "$OUT/lstm/best.pt" --out "$MODEL"
cd ..
cargo build --release -q
for t in ewt gum; do
  target/release/newsgraph eval ud "../shared/data/ud/en_$t-ud-test.conllu" --parser models/newsgraph-minilm --json - \
    > "training/results/minilm-$t-test.json"
done
