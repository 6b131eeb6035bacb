"""The parse head over the shared encoder: UPOS, biaffine arcs and relations, trained on
frozen encoder states (`encoder_states.py`), so that one encoder pass (the NER model's)
feeds NER and the parse.

Architecture: a learned scalar mix of the encoder's 7 layer outputs at each word's first
piece (baked into the encoder graph at export: its `parse_states` output), a learned root
vector before the words, a context layer over the sentence (a BiLSTM by default), and the
heads of the fine-tuned parser (`parser_model.py`): a UPOS classifier and biaffine arc and
relation scorers (Dozat and Manning 2017).

Training is resumable: the state after each epoch is kept in `--out` (outside git), and
`--resume` continues from it. Model choice (the epoch kept) on EWT dev only.

Usage: python parse_head.py --train A.npz [B.npz ...] --dev D.npz --out runs/parse-head/run
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
from torch import nn

from parser_model import Biaffine, Mlp
from ud import UPOS, decode, read_conllu  # noqa: F401  (read_conllu: the label list)

LAYERS = 7
HIDDEN = 384


class ParseHead(nn.Module):
    def __init__(self, deprels: list[str], context: str = "lstm", width: int = 256, depth: int = 2,
                 arc_dim: int = 384, rel_dim: int = 128, dropout: float = 0.33):
        super().__init__()
        self.deprels = deprels
        self.config = dict(context=context, width=width, depth=depth, arc_dim=arc_dim, rel_dim=rel_dim, dropout=dropout)
        self.layer_weights = nn.Parameter(torch.zeros(LAYERS))
        self.layer_gamma = nn.Parameter(torch.ones(1))
        self.root = nn.Parameter(torch.randn(HIDDEN) * 0.1)
        self.dropout = nn.Dropout(dropout)
        self.context = context
        if context == "lstm":
            self.lstm = nn.LSTM(HIDDEN, width, num_layers=depth, bidirectional=True, batch_first=True,
                                dropout=dropout if depth > 1 else 0.0)
            d = 2 * width
        elif context == "attn":
            layer = nn.TransformerEncoderLayer(HIDDEN, 6, width * 2, dropout, batch_first=True, activation="gelu")
            self.attn = nn.TransformerEncoder(layer, depth)
            d = HIDDEN
        else:
            d = HIDDEN
        self.upos = nn.Linear(d, len(UPOS))
        self.arc_dep = Mlp(d, arc_dim, dropout)
        self.arc_head = Mlp(d, arc_dim, dropout)
        self.rel_dep = Mlp(d, rel_dim, dropout)
        self.rel_head = Mlp(d, rel_dim, dropout)
        self.arc = Biaffine(arc_dim, 1)
        self.rel = Biaffine(rel_dim, len(deprels))

    def mix(self, layers):
        """[b, n, 7, 384] layer outputs -> [b, n, 384], the encoder's `parse_states`."""
        w = torch.softmax(self.layer_weights, 0).view(1, 1, -1, 1)
        return self.layer_gamma * (w * layers).sum(2)

    def context_of(self, states, lengths=None):
        """The sentence context layer over the root and the words: [b, n+1, d]."""
        b = states.shape[0]
        x = torch.cat([self.root.view(1, 1, -1).expand(b, 1, -1), states], 1)
        x = self.dropout(x)
        if self.context == "lstm":
            if lengths is not None:
                packed = nn.utils.rnn.pack_padded_sequence(x, (lengths + 1).cpu(), batch_first=True, enforce_sorted=False)
                h, _ = self.lstm(packed)
                h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
            else:
                h, _ = self.lstm(x)
            h = self.dropout(h)
        elif self.context == "attn":
            pad = None
            if lengths is not None:
                pad = torch.arange(x.shape[1]).unsqueeze(0) > lengths.unsqueeze(1)
            h = self.attn(x, src_key_padding_mask=pad)
        else:
            h = x
        return h

    def forward(self, states, lengths=None):
        """states [b, n, 384] (mixed); lengths: words per row (None: all n).
        Returns upos [b, n+1, U], arcs [b, n+1, n+1], rels [b, n+1, n+1, R]."""
        h = self.context_of(states, lengths)
        upos = self.upos(h)
        arc = self.arc(self.arc_dep(h), self.arc_head(h)).squeeze(-1)
        rel = self.rel(self.rel_dep(h), self.rel_head(h))
        return upos, arc, rel

    def scores_at(self, states, lengths, heads):
        """Training's cheaper form: UPOS, all arcs, and relations only at `heads` [b, n+1]
        (one GEMM instead of a score for every pair)."""
        h = self.context_of(states, lengths)
        upos = self.upos(h)
        arc = self.arc(self.arc_dep(h), self.arc_head(h)).squeeze(-1)
        dep = self.rel_dep(h)
        head = self.rel_head(h)
        idx = heads.clamp(min=0).unsqueeze(-1).expand(-1, -1, head.shape[-1])
        head = torch.gather(head, 1, idx)
        ones = dep.new_ones(dep.shape[:-1] + (1,))
        dep = torch.cat([dep, ones], -1)
        head = torch.cat([head, ones], -1)
        w = self.rel.weight  # [o, d+1, d+1]
        o, d1, _ = w.shape
        du = dep.reshape(-1, d1) @ w.permute(1, 0, 2).reshape(d1, o * d1)  # [b*n, o*(d+1)]
        rel = (du.view(-1, o, d1) * head.reshape(-1, 1, d1)).sum(-1).view(dep.shape[0], dep.shape[1], o)
        return upos, arc, rel


def load(paths):
    """Sentences from `encoder_states.py` files: (states [n, 7, 384] f16, upos, heads, deprels)."""
    out = []
    for p in paths:
        z = np.load(p)
        states, lengths = z["states"], z["lengths"]
        upos, heads, deprels = z["upos"], z["heads"], z["deprels"]
        at = 0
        for n in lengths:
            out.append((states[at:at + n], upos[at:at + n], heads[at:at + n], deprels[at:at + n]))
            at += n
    return out


def batches(data, size, shuffle, rng):
    order = list(range(len(data)))
    if shuffle:
        rng.shuffle(order)
        # Similar lengths together, in shuffled groups of 50 batches.
        groups = [order[i:i + size * 50] for i in range(0, len(order), size * 50)]
        order = [i for g in groups for i in sorted(g, key=lambda i: len(data[i][1]))]
        chunks = [order[i:i + size] for i in range(0, len(order), size)]
        rng.shuffle(chunks)
        return chunks
    return [order[i:i + size] for i in range(0, len(order), size)]


def collate(data, idx, rel_ids):
    n = max(len(data[i][1]) for i in idx)
    b = len(idx)
    states = np.zeros((b, n, LAYERS, HIDDEN), dtype=np.float32)
    upos = np.full((b, n + 1), -100, dtype=np.int64)
    heads = np.full((b, n + 1), -100, dtype=np.int64)
    rels = np.full((b, n + 1), -100, dtype=np.int64)
    lengths = np.zeros(b, dtype=np.int64)
    for r, i in enumerate(idx):
        s, u, h, d = data[i]
        k = len(u)
        lengths[r] = k
        states[r, :k] = s
        upos[r, 1:k + 1] = u
        heads[r, 1:k + 1] = h
        rels[r, 1:k + 1] = [rel_ids.get(x, 0) for x in d]
    return (torch.from_numpy(states), torch.from_numpy(lengths), torch.from_numpy(upos),
            torch.from_numpy(heads), torch.from_numpy(rels))


def loss_of(model, batch):
    states, lengths, upos, heads, rels = batch
    u, a, rg = model.scores_at(model.mix(states), lengths, heads)
    n1 = a.shape[1]
    col = torch.arange(n1).view(1, 1, -1)
    a = a.masked_fill(col > lengths.view(-1, 1, 1), -1e9)
    ce = nn.functional.cross_entropy
    lu = ce(u.reshape(-1, u.shape[-1]), upos.reshape(-1), ignore_index=-100)
    la = ce(a.reshape(-1, n1), heads.reshape(-1), ignore_index=-100)
    lr = ce(rg.reshape(-1, rg.shape[-1]), rels.reshape(-1), ignore_index=-100)
    return lu + la + lr


def universal(rel):
    return rel.split(":")[0]


@torch.no_grad()
def evaluate(model, data, rel_ids, mst=False):
    """Dev scores; without `mst`, each word's best head (a quick proxy for the tree)."""
    model.eval()
    words = upos_ok = uas = las = 0
    for idx in batches(data, 64, False, None):
        states, lengths, upos, heads, rels = collate(data, idx, rel_ids)
        if mst:
            u, a, r = model(model.mix(states), lengths)
        else:
            mixed = model.mix(states)
            h = model.context_of(mixed, lengths)
            a = model.arc(model.arc_dep(h), model.arc_head(h)).squeeze(-1)
            n1 = a.shape[1]
            a = a.masked_fill(torch.arange(n1).view(1, 1, -1) > lengths.view(-1, 1, 1), -1e9)
            best = a.argmax(-1)
            u, _, rr = model.scores_at(mixed, lengths, best)
        for row, i in enumerate(idx):
            n = int(lengths[row])
            if mst:
                tags, hs, ds = decode(u[row].numpy(), a[row].numpy(), r[row].numpy(), n, model.deprels)
            else:
                tags = [UPOS[k] for k in u[row, 1:n + 1].argmax(-1).tolist()]
                hs = best[row, 1:n + 1].tolist()
                ds = [model.deprels[k] for k in rr[row, 1:n + 1].argmax(-1).tolist()]
            _, gu, gh, gd = data[i]
            for k in range(n):
                words += 1
                upos_ok += tags[k] == UPOS[gu[k]]
                if hs[k] == gh[k]:
                    uas += 1
                    las += universal(ds[k]) == universal(gd[k])
    model.train()
    pct = lambda x: round(100 * x / max(words, 1), 2)  # noqa: E731
    return {"words": words, "upos": pct(upos_ok), "uas": pct(uas), "las": pct(las)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--extra", nargs="*", default=[],
                    help="more training sentences, all of them every epoch (news text parsed by "
                         "the parser model: the head learns its parses, a distillation)")
    ap.add_argument("--init", help="start from this best.pt (the head trained on EWT alone)")
    ap.add_argument("--dev", required=True)
    ap.add_argument("--deprels", required=True, help="the label list: a parser config.json")
    ap.add_argument("--out", required=True)
    ap.add_argument("--context", default="lstm", choices=["lstm", "attn", "none"])
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--dropout", type=float, default=0.33)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    deprels = json.load(open(args.deprels))["newsgraph"]["deprels"]
    rel_ids = {d: i for i, d in enumerate(deprels)}
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    # Each training file is one packing of the same sentences (encoder_states.py); each
    # epoch takes every sentence once, from a packing drawn at random.
    variants = [load([p]) for p in args.train]
    if any(len(v) != len(variants[0]) for v in variants):
        raise SystemExit("the --train files must hold the same sentences")
    train = variants[0]
    dev = load([args.dev])
    extra = load(args.extra) if args.extra else []
    if extra:
        print(f"{len(extra)} extra sentences each epoch", flush=True)
    print(f"loaded {len(train)} train, {len(dev)} dev sentences in {time.time() - t0:.0f}s", flush=True)

    model = ParseHead(deprels, args.context, args.width, args.depth, dropout=args.dropout)
    if args.init:
        start = torch.load(args.init, weights_only=False)
        if start["deprels"] != deprels:
            raise SystemExit(f"{args.init}: another relation list")
        model.load_state_dict(start["model"])
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.9), weight_decay=0.01)
    steps_per_epoch = math.ceil((len(train) + len(extra)) / args.batch)
    if len(args.train) > 1:
        print(f"{len(variants)} packings; each epoch draws one per sentence", flush=True)
    total = steps_per_epoch * args.epochs
    warmup = 0 if args.init else 500
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / warmup if warmup else 1.0) * max(0.0, 1 - s / total))
    state_path = os.path.join(args.out, "state.pt")
    log_path = os.path.join(args.out, "log.json")
    log = {"args": vars(args), "epochs": [], "best": None}
    start_epoch = 0
    if os.path.exists(state_path):
        st = torch.load(state_path, weights_only=False)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        rng.setstate(st["rng"])
        torch.set_rng_state(st["torch_rng"])
        log = st["log"]
        start_epoch = st["epoch"] + 1
        print(f"resumed after epoch {st['epoch'] + 1}", flush=True)
    for epoch in range(start_epoch, args.epochs):
        te = time.time()
        total_loss = 0.0
        train = [variants[rng.randrange(len(variants))][i] for i in range(len(variants[0]))] + extra
        for step, idx in enumerate(batches(train, args.batch, True, rng)):
            loss = loss_of(model, collate(train, idx, rel_ids))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            sched.step()
            total_loss += loss.item()
        scores = evaluate(model, dev, rel_ids)
        entry = {"epoch": epoch + 1, "loss": round(total_loss, 1), "seconds": round(time.time() - te, 1), "dev": scores}
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        if log["best"] is None or scores["las"] > log["best"]["dev"]["las"]:
            log["best"] = entry
            torch.save({"model": model.state_dict(), "config": model.config, "deprels": deprels},
                       os.path.join(args.out, "best.pt"))
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "rng": rng.getstate(), "torch_rng": torch.get_rng_state(), "log": log, "epoch": epoch},
                   state_path + ".tmp")
        os.replace(state_path + ".tmp", state_path)
        with open(log_path, "w") as f:
            json.dump(log, f, indent=1)
    best = torch.load(os.path.join(args.out, "best.pt"), weights_only=False)
    model.load_state_dict(best["model"])
    log["best_mst"] = evaluate(model, dev, rel_ids, mst=True)
    with open(log_path, "w") as f:
        json.dump(log, f, indent=1)
    print(f"done in {time.time() - t0:.0f}s; best dev {log['best']}; with MST decoding {log['best_mst']}", flush=True)


if __name__ == "__main__":
    main()
