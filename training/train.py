"""Fine-tune the case-aware MiniLM token classifier on CoNLL-2003.

    python train.py --train ../../shared/data/conll2003/train.txt \
        --dev ../../shared/data/conll2003/valid.txt --epochs 8 --out runs/dev

Prints dev F1 after every epoch (when --dev is given) and writes the final
weights and a log to --out.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time

import torch
from transformers import AutoTokenizer

from conll import LABELS, document_windows, encode_window, read_conll, score
from model import CasedTokenClassifier, encoder_dir, pad_batch


def batches(rows, batch_size: int, rng: random.Random):
    """Length-bucketed batches in random order: little padding, still shuffled."""
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i][0]), rng.random()))
    groups = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(groups)
    return groups


@torch.no_grad()
def predict_tags(model, tokenizer, docs, max_tokens: int, batch_size: int = 64):
    """IOB2 tags per sentence, from the first token of each word."""
    model.eval()
    windows = document_windows(docs, tokenizer, max_tokens)
    encoded = [encode_window(tokenizer, w, max_tokens) for w in windows]
    pred = {}
    order = sorted(range(len(windows)), key=lambda i: len(encoded[i][0]))
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        rows = [(encoded[i][0], encoded[i][1], encoded[i][2]) for i in idx]
        ids, mask, types, case, labels = pad_batch(rows, tokenizer.pad_token_id)
        logits = model(ids, mask, types, case)
        best = logits.argmax(-1)
        for row, i in enumerate(idx):
            w = windows[i]
            word = 0
            tags = []
            for pos, lab in enumerate(labels[row].tolist()):
                if lab != -100:
                    tags.append(LABELS[best[row, pos].item()])
                    word += 1
            # Words lost to truncation (sentences over the window) are tagged O.
            tags += ["O"] * (len(w.word_tags) - len(tags))
            for (d, s), tag in zip(w.sentence_index, tags):
                pred.setdefault((d, s), []).append(tag)
    gold, out = [], []
    for d, doc in enumerate(docs):
        for s, sent in enumerate(doc.sentences):
            gold.append(sent.tags)
            out.append(pred[(d, s)])
    model.train()
    return gold, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--dev")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    base = encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = CasedTokenClassifier.from_encoder(base)

    docs = [d for path in args.train for d in read_conll(path)]
    windows = document_windows(docs, tokenizer, args.max_tokens)
    rows = [encode_window(tokenizer, w, args.max_tokens)[:3] for w in windows]
    dev_docs = read_conll(args.dev) if args.dev else None
    print(f"{len(docs)} documents, {len(windows)} windows of <= {args.max_tokens} tokens", flush=True)

    steps = args.epochs * math.ceil(len(rows) / args.batch)
    warmup = int(args.warmup * steps)
    no_decay = ("bias", "LayerNorm.weight", "case_embeddings")
    params = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(params, lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / max(1, warmup), max(0.0, (steps - s) / max(1, steps - warmup)))
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)

    log = {"args": vars(args), "encoder": base, "epochs": []}
    model.train()
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        total = 0.0
        for group in batches(rows, args.batch, rng):
            ids, mask, types, case, labels = pad_batch([rows[i] for i in group], tokenizer.pad_token_id)
            logits = model(ids, mask, types, case)
            loss = loss_fn(logits.view(-1, len(LABELS)), labels.view(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += loss.item()
        entry = {"epoch": epoch, "loss": total, "seconds": round(time.time() - t0, 1)}
        if dev_docs:
            gold, pred = predict_tags(model, tokenizer, dev_docs, args.max_tokens)
            entry["dev"] = score(gold, pred)
            per = {k: round(v["f1"], 2) for k, v in entry["dev"].items()}
            print(f"epoch {epoch}: loss {total:.1f} {entry['seconds']}s dev F1 {per}", flush=True)
        else:
            print(f"epoch {epoch}: loss {total:.1f} {entry['seconds']}s", flush=True)
        log["epochs"].append(entry)
        torch.save(model.state_dict(), os.path.join(args.out, "weights.pt"))
    log["train_seconds"] = round(time.time() - started, 1)
    with open(os.path.join(args.out, "train_log.json"), "w") as f:
        json.dump(log, f, indent=1)
    tokenizer.save_pretrained(args.out)
    print(f"done in {log['train_seconds']} s", flush=True)


if __name__ == "__main__":
    main()
