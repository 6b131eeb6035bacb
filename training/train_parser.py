"""Fine-tune the biaffine dependency parser on UD English EWT.

    python train_parser.py --train ../../shared/data/ud/en_ewt-ud-train.conllu \
        --dev ../../shared/data/ud/en_ewt-ud-dev.conllu --epochs 10 --out runs/parser

Scores dev after every epoch (UPOS, UAS, LAS with the tree decoder) and keeps
the weights of the best dev LAS in --out/weights.pt; the choice of epoch is
made on dev only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
from transformers import AutoTokenizer

from model import encoder_dir
from parser_model import BiaffineParser
from ud import MAX_PIECES, UPOS, UPOS2ID, decode, encode_words, read_conllu, score


def encode(tokenizer, sents, rel2id):
    rows = []
    for s in sents:
        ids, case, starts = encode_words(tokenizer, s.forms)
        if len(ids) > MAX_PIECES:
            rows.append(None)
            continue
        upos = [UPOS2ID.get(t, UPOS2ID["X"]) for t in s.upos]
        rels = [rel2id.get(r, -100) for r in s.deprels]
        rows.append((ids, case, starts, upos, s.heads, rels))
    return rows


def pad(rows, pad_id):
    b = len(rows)
    t = max(len(r[0]) for r in rows)
    w = max(len(r[2]) for r in rows)
    ids = torch.full((b, t), pad_id, dtype=torch.long)
    mask = torch.zeros((b, t), dtype=torch.long)
    case = torch.zeros((b, t), dtype=torch.long)
    starts = torch.zeros((b, w), dtype=torch.long)
    upos = torch.full((b, w), -100, dtype=torch.long)
    heads = torch.full((b, w), -100, dtype=torch.long)
    rels = torch.full((b, w), -100, dtype=torch.long)
    wmask = torch.zeros((b, w), dtype=torch.bool)
    for i, r in enumerate(rows):
        n = len(r[0])
        ids[i, :n] = torch.tensor(r[0])
        mask[i, :n] = 1
        case[i, :n] = torch.tensor(r[1])
        k = len(r[2])
        starts[i, :k] = torch.tensor(r[2])
        wmask[i, :k] = True
        if len(r) > 3:
            upos[i, 1:k] = torch.tensor(r[3])
            heads[i, 1:k] = torch.tensor(r[4])
            rels[i, 1:k] = torch.tensor(r[5])
    return ids, mask, torch.zeros_like(ids), case, starts, wmask, upos, heads, rels


def batches(rows, max_sents, max_pieces, rng):
    order = sorted((i for i, r in enumerate(rows) if r), key=lambda i: (len(rows[i][0]), rng.random()))
    groups, cur = [], []
    for i in order:
        width = len(rows[i][0])
        if cur and (len(cur) >= max_sents or width * (len(cur) + 1) > max_pieces):
            groups.append(cur)
            cur = []
        cur.append(i)
    if cur:
        groups.append(cur)
    rng.shuffle(groups)
    return groups


@torch.no_grad()
def parse(model, tokenizer, sents, deprels, batch=64):
    model.eval()
    rows = []
    for s in sents:
        ids, case, starts = encode_words(tokenizer, s.forms)
        rows.append((ids, case, starts))
    out = [None] * len(sents)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    for k in range(0, len(order), batch):
        idx = order[k : k + batch]
        ids, mask, types, case, starts, wmask, *_ = pad([rows[i] for i in idx], tokenizer.pad_token_id)
        upos, arc, rel = model(ids, mask, types, case, starts)
        upos, arc, rel = upos.numpy(), arc.numpy(), rel.numpy()
        for j, i in enumerate(idx):
            out[i] = decode(upos[j], arc[j], rel[j], len(sents[i].forms), deprels)
    model.train()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--lr", type=float, default=1e-4, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32, help="sentences per batch at most")
    ap.add_argument("--batch-pieces", type=int, default=1600, help="padded pieces per batch at most")
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N sentences (smoke test)")
    ap.add_argument("--init", help="start from these weights (a weights.pt of an earlier run with the same relations)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    base = encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(base)
    train = read_conllu(args.train)
    if args.limit:
        train = train[: args.limit]
    dev = read_conllu(args.dev)
    deprels = sorted({r for s in train for r in s.deprels})
    rel2id = {r: i for i, r in enumerate(deprels)}
    rows = encode(tokenizer, train, rel2id)
    skipped = sum(r is None for r in rows)
    print(f"{len(train)} sentences ({skipped} over {MAX_PIECES} pieces left out), {len(deprels)} relations", flush=True)

    model = BiaffineParser.from_encoder(base, len(deprels), len(UPOS))
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu"))
        print(f"starting from {args.init}", flush=True)
    enc_params = [p for n, p in model.named_parameters() if n.startswith("encoder.")]
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if n.startswith("encoder.") and not any(k in n for k in no_decay)], "lr": args.lr, "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if n.startswith("encoder.") and any(k in n for k in no_decay)], "lr": args.lr, "weight_decay": 0.0},
        {"params": head_params, "lr": args.head_lr, "weight_decay": 0.0},
    ]
    assert sum(len(g["params"]) for g in groups) == len(enc_params) + len(head_params)
    opt = torch.optim.AdamW(groups, betas=(0.9, 0.98))
    per_epoch = len(batches(rows, args.batch, args.batch_pieces, random.Random(0)))
    steps = args.epochs * per_epoch
    warmup = int(args.warmup * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / max(1, warmup), max(0.0, (steps - s) / max(1, steps - warmup)))
    )
    ce = torch.nn.CrossEntropyLoss(ignore_index=-100)

    log = {"args": vars(args), "encoder": base, "deprels": deprels, "epochs": []}
    best = -1.0
    started = time.time()
    model.train()
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        total = 0.0
        for step, group in enumerate(batches(rows, args.batch, args.batch_pieces, rng)):
            ids, mask, types, case, starts, wmask, upos, heads, rels = pad([rows[i] for i in group], tokenizer.pad_token_id)
            p_upos, p_arc, p_rel = model(ids, mask, types, case, starts)
            # Heads outside the sentence (padding) can never be chosen.
            p_arc = p_arc.masked_fill(~wmask.unsqueeze(1), float("-inf"))
            loss_upos = ce(p_upos.reshape(-1, p_upos.shape[-1]), upos.reshape(-1))
            loss_arc = ce(p_arc.reshape(-1, p_arc.shape[-1]), heads.reshape(-1))
            gold_heads = heads.clamp(min=0)
            idx = gold_heads.unsqueeze(-1).unsqueeze(-1).expand(-1, -1, 1, p_rel.shape[-1])
            at_gold = torch.gather(p_rel, 2, idx).squeeze(2)
            loss_rel = ce(at_gold.reshape(-1, at_gold.shape[-1]), rels.reshape(-1))
            loss = loss_upos + loss_arc + loss_rel
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += loss.item()
            if step % 50 == 0:
                print(f"  epoch {epoch} step {step}/{per_epoch} loss {loss.item():.3f} {time.time() - t0:.0f}s", flush=True)
        train_s = time.time() - t0
        pred = parse(model, tokenizer, dev, deprels)
        dev_score = score(dev, pred)
        entry = {"epoch": epoch, "loss": round(total, 2), "train_seconds": round(train_s, 1), "dev": dev_score}
        log["epochs"].append(entry)
        print(f"epoch {epoch}: loss {total:.1f} {train_s:.0f}s dev {dev_score}", flush=True)
        if dev_score["las"] > best:
            best = dev_score["las"]
            log["best_epoch"] = epoch
            torch.save(model.state_dict(), os.path.join(args.out, "weights.pt"))
        log["train_seconds"] = round(time.time() - started, 1)
        with open(os.path.join(args.out, "train_log.json"), "w") as f:
            json.dump(log, f, indent=1)
    tokenizer.save_pretrained(args.out)
    print(f"done in {log['train_seconds']} s; best dev LAS {best} at epoch {log['best_epoch']}", flush=True)


if __name__ == "__main__":
    main()
