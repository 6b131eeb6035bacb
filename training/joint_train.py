"""Joint fine-tuning of the shared encoder (issue 23): NER on CoNLL-2003 and the parse on
UD EWT through one MiniLM, so that one encoder pass feeds both heads and the parse head no
longer reads states tuned for NER alone.

Start: the shipped NER model's weights, read back from its ONNX export
(`onnx_weights.py`; the int8 weights dequantised), and a parse head trained on its frozen
states (`parse_head.py`, the first steps of `run_minilm.sh`). Each step takes one NER batch
(CoNLL train+dev windows, as `train.py` builds them) and one parse batch (EWT train, each
document's sentences packed into windows as `extract` packs them, or each sentence alone, one
of the two drawn per document and epoch, as `encoder_states.py` writes both). The NER loss is
the gold labels' cross-entropy plus a distillation term towards the starting model's
logits (computed once, before training), which keeps the entities newsgraph finds close to
today's; the parse loss is `parse_head.py`'s. The encoder and NER classifier learn at
`--lr`, the parse head at `--head-lr`.

Model choice on EWT dev only (LAS with each word's best head, each sentence alone, as
`parse_head.py` reports it); the NER scores printed on CoNLL dev watch for loss of NER
accuracy (dev was part of the NER model's training data: a watch, not a selection).

Resumable: `--out/state.pt` is written every `--save-every` steps and after each epoch;
rerun the same command to continue. Writes `--out/best/weights.pt` (the NER model, for
`export.py --run`) and `--out/best/head.pt` (for `export_minilm.py --head`).

Usage: python joint_train.py --ner-onnx runs/ner-model/model.int8.onnx \
    --head runs/parse-head/lstm/best.pt --out runs/joint
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

import numpy as np
import torch
from torch import nn
from tokenizers import Tokenizer
from transformers import AutoTokenizer

from conll import LABELS, document_windows, encode_window, read_conll, score as ner_score
from encoder_states import first_pieces, pieces, read_treebank
from model import CasedTokenClassifier, encoder_dir, pad_batch
from onnx_weights import onnx_state_dict
from parse_head import ParseHead

BUDGET = 126  # pieces per window besides [CLS] and [SEP], as `text::pack`


def load_ner(onnx_path: str) -> CasedTokenClassifier:
    model = CasedTokenClassifier.from_encoder(encoder_dir())
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in onnx_state_dict(onnx_path).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    # The pooler is not used (no output reads it), so the export has none.
    missing = [k for k in missing if not k.endswith("position_ids") and ".pooler." not in k]
    if missing or unexpected:
        raise SystemExit(f"{onnx_path}: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return model


def encode(model: CasedTokenClassifier, ids, mask, types, case, hidden: bool):
    """NER logits and (with `hidden`) the 7 layer outputs stacked as [b, t, 7, 384]."""
    embeds = model.encoder.get_input_embeddings()(ids) + model.case_embeddings(case)
    out = model.encoder(inputs_embeds=embeds, attention_mask=mask, token_type_ids=types,
                        output_hidden_states=hidden)
    logits = model.classifier(model.dropout(out.last_hidden_state))
    layers = torch.stack(out.hidden_states, 2) if hidden else None
    return logits, layers


# --- parse data ---------------------------------------------------------------------------


def parse_windows(path: str, tok: Tokenizer, rel_ids: dict, packing: str):
    """Windows of EWT sentences: (ids, case, [(word piece positions, upos, heads, rels)]).
    `doc`: a document's sentences packed greedily; `alone`: one sentence a window. A sentence
    over the budget is left out (training only; 0.2% of EWT train)."""
    sentences = read_treebank(path)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    out, current, current_doc, dropped = [], None, None, 0
    for s in sentences:
        ids, case, offsets = pieces(tok, s["text"])
        if not ids or len(ids) > BUDGET:
            dropped += 1
            continue
        gold = (np.array(s["upos"]), np.array(s["heads"]), np.array([rel_ids.get(d, 0) for d in s["deprels"]]))
        fits = current is not None and packing == "doc" and current_doc == s["doc"] and len(current[0]) + len(ids) <= BUDGET
        if not fits:
            if current is not None:
                out.append((current, current_doc))
            current, current_doc = ([], [], []), s["doc"]
        base = 1 + len(current[0])  # [CLS] first
        current[0].extend(ids)
        current[1].extend(case)
        current[2].append((np.array([base + p for p in first_pieces(offsets, s["starts"])]), *gold))
    if current is not None:
        out.append((current, current_doc))
    windows = [([cls_id] + a + [sep_id], [0] + c + [0], sents, doc) for (a, c, sents), doc in out]
    return windows, dropped


def parse_batch(windows, pad_id: int):
    ids, mask, types, case, _ = pad_batch([(w[0], w[1], [0] * len(w[0])) for w in windows], pad_id)
    sents = [(row, s) for row, w in enumerate(windows) for s in w[2]]
    n = max(len(s[0]) for _, s in sents)
    b = len(sents)
    rows = torch.tensor([row for row, _ in sents])
    pos = torch.zeros((b, n), dtype=torch.long)
    lengths = torch.zeros(b, dtype=torch.long)
    upos = torch.full((b, n + 1), -100, dtype=torch.long)
    heads = torch.full((b, n + 1), -100, dtype=torch.long)
    rels = torch.full((b, n + 1), -100, dtype=torch.long)
    for i, (_, (p, u, h, r)) in enumerate(sents):
        k = len(p)
        lengths[i] = k
        pos[i, :k] = torch.from_numpy(p)
        upos[i, 1:k + 1] = torch.from_numpy(u)
        heads[i, 1:k + 1] = torch.from_numpy(h)
        rels[i, 1:k + 1] = torch.from_numpy(r)
    return (ids, mask, types, case), (rows, pos, lengths, upos, heads, rels)


def word_states(head: ParseHead, layers, rows, pos):
    """The mixed states at each sentence's word pieces: [sentences, words, 384]."""
    mixed = head.mix(layers)  # [b, t, 384]
    picked = mixed[rows]  # [s, t, 384]
    return torch.gather(picked, 1, pos.unsqueeze(-1).expand(-1, -1, mixed.shape[-1]))


def parse_loss(head: ParseHead, states, lengths, upos, heads, rels):
    u, a, rg = head.scores_at(states, lengths, heads)
    n1 = a.shape[1]
    a = a.masked_fill(torch.arange(n1).view(1, 1, -1) > lengths.view(-1, 1, 1), -1e9)
    ce = nn.functional.cross_entropy
    return (ce(u.reshape(-1, u.shape[-1]), upos.reshape(-1), ignore_index=-100)
            + ce(a.reshape(-1, n1), heads.reshape(-1), ignore_index=-100)
            + ce(rg.reshape(-1, rg.shape[-1]), rels.reshape(-1), ignore_index=-100))


@torch.no_grad()
def parse_eval(model, head, windows, pad_id: int, deprels: list[str]):
    """UPOS, UAS and LAS with each word's best head (the proxy `parse_head.py` selects on)."""
    model.eval()
    head.eval()
    words = upos_ok = uas = las = 0
    for start in range(0, len(windows), 32):
        inputs, (rows, pos, lengths, upos, heads, rels) = parse_batch(windows[start:start + 32], pad_id)
        _, layers = encode(model, *inputs, hidden=True)
        states = word_states(head, layers, rows, pos)
        h = head.context_of(states, lengths)
        a = head.arc(head.arc_dep(h), head.arc_head(h)).squeeze(-1)
        n1 = a.shape[1]
        a = a.masked_fill(torch.arange(n1).view(1, 1, -1) > lengths.view(-1, 1, 1), -1e9)
        best = a.argmax(-1)
        u, _, rr = head.scores_at(states, lengths, best)
        mask = upos >= 0
        words += int(mask.sum())
        upos_ok += int(((u.argmax(-1) == upos) & mask).sum())
        arc_ok = (best == heads) & mask
        uas += int(arc_ok.sum())
        pred_rel = [[deprels[k].split(":")[0] for k in row] for row in rr.argmax(-1).tolist()]
        gold_rel = rels.tolist()
        for i in range(len(pred_rel)):
            for k in range(1, int(lengths[i]) + 1):
                if arc_ok[i, k] and pred_rel[i][k] == deprels[gold_rel[i][k]].split(":")[0]:
                    las += 1
    model.train()
    head.train()
    pct = lambda x: round(100 * x / max(words, 1), 2)  # noqa: E731
    return {"words": words, "upos": pct(upos_ok), "uas": pct(uas), "las": pct(las)}


# --- NER data -----------------------------------------------------------------------------


@torch.no_grad()
def teacher_logits(model, rows, pad_id: int):
    """The starting model's logits for every NER window, fp16, computed once."""
    model.eval()
    out = [None] * len(rows)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    for start in range(0, len(order), 64):
        idx = order[start:start + 64]
        ids, mask, types, case, _ = pad_batch([rows[i] for i in idx], pad_id)
        logits, _ = encode(model, ids, mask, types, case, hidden=False)
        for r, i in enumerate(idx):
            out[i] = logits[r, :len(rows[i][0])].numpy().astype(np.float16)
    model.train()
    return out


@torch.no_grad()
def ner_eval(model, tokenizer, docs, max_tokens: int):
    from train import predict_tags

    gold, pred = predict_tags(model, tokenizer, docs, max_tokens)
    return round(ner_score(gold, pred)["overall"]["f1"], 2)


def ner_loss(model, batch_rows, teacher, pad_id: int, kd: float, temperature: float):
    ids, mask, types, case, labels = pad_batch([(r[0], r[1], r[2]) for r in batch_rows], pad_id)
    logits, _ = encode(model, ids, mask, types, case, hidden=False)
    ce = nn.functional.cross_entropy(logits.reshape(-1, len(LABELS)), labels.reshape(-1), ignore_index=-100)
    if kd <= 0:
        return ce
    t = torch.zeros_like(logits)
    for r, tl in enumerate(teacher):
        t[r, :tl.shape[0]] = torch.from_numpy(tl.astype(np.float32))
    keep = mask.bool()
    s_log = nn.functional.log_softmax(logits[keep] / temperature, -1)
    t_prob = nn.functional.softmax(t[keep] / temperature, -1)
    distil = nn.functional.kl_div(s_log, t_prob, reduction="batchmean") * temperature ** 2
    return (1 - kd) * ce + kd * distil


# --- training -----------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ner-onnx", default="runs/ner-model/model.int8.onnx")
    ap.add_argument("--tokenizer", default="runs/ner-model/tokenizer.json")
    ap.add_argument("--head", required=True, help="best.pt of parse_head.py (the head on frozen states)")
    ap.add_argument("--conll", default="../../shared/data/conll2003")
    ap.add_argument("--ud", default="../../shared/data/ud")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--head-lr", type=float, default=5e-4)
    ap.add_argument("--ner-batch", type=int, default=16)
    ap.add_argument("--parse-pieces", type=int, default=2048, help="padded pieces per parse batch")
    ap.add_argument("--kd", type=float, default=0.5, help="weight of the distillation term in the NER loss")
    ap.add_argument("--temperature", type=float, default=2.0)
    ap.add_argument("--save-every", type=int, default=200)
    ap.add_argument("--limit", type=int, default=0, help="smoke test: this many windows of each set")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()

    model = load_ner(args.ner_onnx)
    start = torch.load(args.head, weights_only=False)
    deprels = start["deprels"]
    rel_ids = {d: i for i, d in enumerate(deprels)}
    head = ParseHead(deprels, **start["config"])
    head.load_state_dict(start["model"])

    hf_tok = AutoTokenizer.from_pretrained(encoder_dir())
    tok = Tokenizer.from_file(args.tokenizer)
    tok.no_truncation()
    tok.no_padding()
    pad_id = hf_tok.pad_token_id
    ner_docs = read_conll(f"{args.conll}/train.txt") + read_conll(f"{args.conll}/valid.txt")
    ner_rows = [encode_window(hf_tok, w, 128)[:3] for w in document_windows(ner_docs, hf_tok, 128)]
    dev_docs = read_conll(f"{args.conll}/valid.txt")
    ewt = f"{args.ud}/en_ewt-ud-train.conllu"
    packings = {p: parse_windows(ewt, tok, rel_ids, p) for p in ("doc", "alone")}
    dev_windows, _ = parse_windows(f"{args.ud}/en_ewt-ud-dev.conllu", tok, rel_ids, "alone")
    if args.limit:
        ner_rows = ner_rows[:args.limit]
        packings = {p: (w[:args.limit], d) for p, (w, d) in packings.items()}
        dev_windows = dev_windows[:args.limit]
        dev_docs = dev_docs[:max(1, args.limit // 10)]
    print(f"{len(ner_rows)} NER windows; EWT windows: doc {len(packings['doc'][0])}, alone "
          f"{len(packings['alone'][0])} ({packings['alone'][1]} sentences over the window left out); "
          f"dev {len(dev_windows)}; {time.time() - t0:.0f}s", flush=True)

    teacher_path = os.path.join(args.out, "teacher.npz")
    if os.path.exists(teacher_path):
        z = np.load(teacher_path)
        teacher = [z[f"w{i}"] for i in range(len(ner_rows))]
    else:
        tt = time.time()
        teacher = teacher_logits(model, ner_rows, pad_id)
        np.savez(teacher_path, **{f"w{i}": t for i, t in enumerate(teacher)})
        print(f"teacher logits in {time.time() - tt:.0f}s", flush=True)

    def plan_for(epoch_: int):
        """The parse batches of an epoch, a function of (seed, epoch), so that a resumed run
        takes the same ones: each EWT document in one packing drawn at random, windows of
        similar size together, at most --parse-pieces padded pieces a batch."""
        rng_ = random.Random(args.seed * 1000 + epoch_)
        docs = sorted({w[3] for w in packings["doc"][0]})
        pick = {d: rng_.choice(("doc", "alone")) for d in docs}
        chosen = [w for p, (windows, _) in sorted(packings.items()) for w in windows if pick.get(w[3], "doc") == p]
        rng_.shuffle(chosen)
        plan_ = []
        for g in range(0, len(chosen), 800):
            part = sorted(chosen[g:g + 800], key=lambda w: len(w[0]))
            batch = []
            for w in part:
                if batch and (len(batch) + 1) * len(w[0]) > args.parse_pieces:
                    plan_.append(batch)
                    batch = []
                batch.append(w)
            if batch:
                plan_.append(batch)
        rng_.shuffle(plan_)
        return plan_

    # Steps: one parse batch and one NER batch each; an epoch is one pass over EWT train,
    # while the NER windows cycle.
    total = sum(len(plan_for(e)) for e in range(args.epochs))
    warmup = max(1, total // 20)
    no_decay = ("bias", "LayerNorm.weight", "case_embeddings")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01, "lr": args.lr},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0, "lr": args.lr},
        {"params": list(head.parameters()), "weight_decay": 0.01, "lr": args.head_lr},
    ]
    opt = torch.optim.AdamW(groups, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))

    state_path = os.path.join(args.out, "state.pt")
    log = {"args": vars(args), "epochs": [], "best": None, "start": None}
    epoch, step = 0, 0
    if os.path.exists(state_path):
        st = torch.load(state_path, weights_only=False)
        model.load_state_dict(st["model"])
        head.load_state_dict(st["head"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        torch.set_rng_state(st["torch_rng"])
        log, epoch, step = st["log"], st["epoch"], st["step"]
        print(f"resumed at epoch {epoch + 1}, step {step}", flush=True)
    else:
        log["start"] = {"dev": parse_eval(model, head, dev_windows, pad_id, deprels),
                        "ner_dev_f1": ner_eval(model, hf_tok, dev_docs, 128)}
        print("start:", json.dumps(log["start"]), flush=True)

    def save(epoch_, step_):
        torch.save({"model": model.state_dict(), "head": head.state_dict(), "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "torch_rng": torch.get_rng_state(), "log": log,
                    "epoch": epoch_, "step": step_}, state_path + ".tmp")
        os.replace(state_path + ".tmp", state_path)

    model.train()
    head.train()
    while epoch < args.epochs:
        # The epoch's plan is a function of (seed, epoch): a resumed run takes the same batches.
        plan = plan_for(epoch)
        rng = random.Random(args.seed * 1000 + epoch)
        ner_order = list(range(len(ner_rows)))
        rng.shuffle(ner_order)
        te = time.time()
        running = [0.0, 0.0]
        while step < len(plan):
            inputs, (rows, pos, lengths, upos, heads, rels) = parse_batch(plan[step], pad_id)
            _, layers = encode(model, *inputs, hidden=True)
            lp = parse_loss(head, word_states(head, layers, rows, pos), lengths, upos, heads, rels)
            at = (step * args.ner_batch) % len(ner_order)
            idx = [ner_order[(at + k) % len(ner_order)] for k in range(args.ner_batch)]
            ln = ner_loss(model, [ner_rows[i] for i in idx], [teacher[i] for i in idx], pad_id, args.kd, args.temperature)
            opt.zero_grad()
            (lp + ln).backward()
            nn.utils.clip_grad_norm_(list(model.parameters()) + list(head.parameters()), 1.0)
            opt.step()
            sched.step()
            running[0] += lp.item()
            running[1] += ln.item()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch + 1} step {step}/{len(plan)}: parse {running[0] / 50:.3f} ner {running[1] / 50:.3f} "
                      f"{(time.time() - te) / step:.2f}s/step", flush=True)
                running = [0.0, 0.0]
            if step % args.save_every == 0:
                save(epoch, step)
        entry = {"epoch": epoch + 1, "seconds": round(time.time() - te, 1),
                 "dev": parse_eval(model, head, dev_windows, pad_id, deprels),
                 "ner_dev_f1": ner_eval(model, hf_tok, dev_docs, 128)}
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        if log["best"] is None or entry["dev"]["las"] > log["best"]["dev"]["las"]:
            log["best"] = entry
            best = os.path.join(args.out, "best")
            os.makedirs(best, exist_ok=True)
            torch.save(model.state_dict(), os.path.join(best, "weights.pt"))
            torch.save({"model": head.state_dict(), "config": head.config, "deprels": deprels}, os.path.join(best, "head.pt"))
            hf_tok.save_pretrained(best)
        epoch, step = epoch + 1, 0
        save(epoch, step)
        with open(os.path.join(args.out, "log.json"), "w") as f:
            json.dump(log, f, indent=1)
    print(f"done in {time.time() - t0:.0f}s; start {log['start']}; best {log['best']}", flush=True)


if __name__ == "__main__":
    main()
