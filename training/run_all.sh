#!/usr/bin/env bash
# The whole model pipeline, in order: dev run (fixes epochs and learning rate),
# final run on train+dev, export to ONNX + int8, Python evaluation on test.
# Usage: bash training/run_all.sh   (from the repo root; ../shared beside it)
set -euo pipefail
cd "$(dirname "$0")"
DATA=../../shared/data/conll2003
MODEL=runs/ner-model   # the NER model alone; run_minilm.sh adds the parse head into ../models/newsgraph-minilm
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q -r requirements.txt
fi
mkdir -p runs results
# 1. Hyper-parameters on dev (dev F1 printed after each epoch).
$PY train.py --train $DATA/train.txt --dev $DATA/valid.txt --epochs 8 --lr 1e-4 --batch 16 --out runs/dev | tee runs/dev.log
# 2. The final model on train+dev, same recipe.
$PY train.py --train $DATA/train.txt $DATA/valid.txt --epochs 8 --lr 1e-4 --batch 16 --out runs/final | tee runs/final.log
# 3. ONNX export (fp32 and int8) with tokenizer.json and config.json.
$PY export.py --run runs/final --out $MODEL
# 4. Test F1 of both, once, and their throughput.
$PY evaluate.py --model $MODEL --onnx model.onnx --conll $DATA/test.txt --json results/test-fp32.json
$PY evaluate.py --model $MODEL --onnx model.int8.onnx --conll $DATA/test.txt --json results/test-int8.json
