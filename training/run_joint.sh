#!/usr/bin/env bash
# One encoder, jointly fine-tuned (issue 23): the shipped NER model's encoder trained on NER
# and the parse together, with the parse head first trained on its frozen states.
# 1. the parse head on the frozen encoder (run_minilm.sh's steps 1-2; 6 epochs here);
# 2. joint fine-tuning (joint_train.py, 2 epochs; resumable: rerun to continue);
# 3. export: the NER graph (int8 weights, fp32 compute) with `parse_states`, and the head,
#    into runs/joint-model (a model directory; copy it to ../models/newsgraph-minilm when
#    it is measured better);
# 4. the test scores, once: CoNLL-2003 test F1, EWT and GUM test UPOS/UAS/LAS, with newsgraph.
# Usage: bash training/run_joint.sh   (from the repo root; ../shared beside it; the shipped
# model's files are its start: training/runs/ner-model is made from models/newsgraph-minilm)
set -euo pipefail
cd "$(dirname "$0")"
UD=../../shared/data/ud
PY=.venv/bin/python
OUT=runs/parse-head
if [ ! -x "$PY" ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q -r requirements.txt
fi
mkdir -p runs/ner-model "$OUT" results
for f in model.int8.onnx tokenizer.json config.json; do
  [ -f runs/ner-model/$f ] || cp ../models/newsgraph-minilm/$f runs/ner-model/
done
for sp in "train doc" "train alone" "dev alone"; do
  set -- $sp
  f="$OUT/ewt-$1-$2.npz"
  [ -f "$f" ] || $PY encoder_states.py --model runs/ner-model --conllu "$UD/en_ewt-ud-$1.conllu" --packing "$2" --out "$f"
done
[ -f "$OUT/lstm/best.pt" ] && [ -f "$OUT/lstm.done" ] || {
  $PY parse_head.py --train "$OUT/ewt-train-doc.npz" "$OUT/ewt-train-alone.npz" --dev "$OUT/ewt-dev-alone.npz" \
    --deprels ../models/newsgraph-parser-minilm/config.json --out "$OUT/lstm" --epochs 6 | tee -a "$OUT/lstm.log"
  touch "$OUT/lstm.done"
}
$PY joint_train.py --ner-onnx runs/ner-model/model.int8.onnx --tokenizer runs/ner-model/tokenizer.json \
  --head "$OUT/lstm/best.pt" --out runs/joint --epochs 2 | tee -a runs/joint.log
$PY export.py --run runs/joint/best --out runs/joint-ner
$PY export_minilm.py --ner runs/joint-ner --head runs/joint/best/head.pt --out runs/joint-model
cd ..
cargo build --release -q
M=training/runs/joint-model
target/release/newsgraph eval conll ../shared/data/conll2003/test.txt --model $M --json training/results/joint-conll-test.json
for t in ewt gum; do
  target/release/newsgraph eval ud "../shared/data/ud/en_$t-ud-test.conllu" --parser $M --json - \
    > "training/results/joint-$t-test.json"
done
