#!/usr/bin/env bash
# The parser pipeline, in order: train on EWT train with dev scored after every epoch
# (the best dev LAS is kept), export to ONNX fp32 + int8, then the test scores, once:
# EWT test (fp32 and int8), GUM test (int8; GUM is not trained on), spaCy's small
# model on both with the same scorer.
# Usage: bash training/run_parser.sh   (from the repo root; ../shared beside it)
set -euo pipefail
cd "$(dirname "$0")"
UD=../../shared/data/ud
MODEL=../models/newsgraph-parser-minilm
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q -r requirements.txt
fi
mkdir -p runs results
# 1. Train; choices (the epoch kept) on dev only.
$PY train_parser.py --train $UD/en_ewt-ud-train.conllu --dev $UD/en_ewt-ud-dev.conllu \
  --epochs 6 --lr 1e-4 --head-lr 1e-3 --batch 32 --batch-pieces 1600 --out runs/parser | tee runs/parser.log
# 2. ONNX export (fp32 and int8) with tokenizer.json and config.json.
$PY export_parser.py --run runs/parser --out $MODEL
# 3. Test scores, once; the Python check of `newsgraph eval ud`.
$PY evaluate_parser.py --model $MODEL --onnx model.onnx --conllu $UD/en_ewt-ud-test.conllu --json results/parser-ewt-test-fp32.json
$PY evaluate_parser.py --model $MODEL --onnx model.int8.onnx --conllu $UD/en_ewt-ud-test.conllu --json results/parser-ewt-test-int8.json
$PY evaluate_parser.py --model $MODEL --onnx model.int8.onnx --conllu $UD/en_gum-ud-test.conllu --json results/parser-gum-test-int8.json
$PY spacy_ud.py --conllu $UD/en_ewt-ud-test.conllu --json results/spacy-ewt-test.json
$PY spacy_ud.py --conllu $UD/en_gum-ud-test.conllu --json results/spacy-gum-test.json
