"""The dependency parser: the case-aware MiniLM encoder, a scalar mix of its layers,
first-piece word vectors, a UPOS head and biaffine arc and relation scorers
(Dozat and Manning 2017)."""

from __future__ import annotations

import torch
from torch import nn
from transformers import AutoModel

from conll import NUM_CASE_CLASSES


class Mlp(nn.Module):
    def __init__(self, d_in: int, d_out: int, dropout: float):
        super().__init__()
        self.linear = nn.Linear(d_in, d_out)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(nn.functional.gelu(self.linear(x)))


class Biaffine(nn.Module):
    """s[b, i, j, o] = [x_i; 1] U_o [y_j; 1]."""

    def __init__(self, d: int, outputs: int):
        super().__init__()
        self.outputs = outputs
        self.weight = nn.Parameter(torch.zeros(outputs, d + 1, d + 1))

    def forward(self, x, y):
        ones = x.new_ones(x.shape[:-1] + (1,))
        x = torch.cat([x, ones], -1)
        y = torch.cat([y, ones], -1)
        # [b, 1, i, d+1] @ [o, d+1, d+1] -> [b, o, i, d+1]; @ [b, 1, d+1, j] -> [b, o, i, j].
        # Plain MatMuls (rather than an einsum) export to ONNX ops that run fast in ORT.
        xu = torch.matmul(x.unsqueeze(1), self.weight)
        s = torch.matmul(xu, y.transpose(1, 2).unsqueeze(1))
        return s.permute(0, 2, 3, 1)


class BiaffineParser(nn.Module):
    def __init__(self, encoder: nn.Module, n_rels: int, n_upos: int, arc_dim=384, rel_dim=128, dropout=0.2):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        layers = encoder.config.num_hidden_layers + 1
        self.case_embeddings = nn.Embedding(NUM_CASE_CLASSES, hidden)
        nn.init.zeros_(self.case_embeddings.weight)
        self.layer_weights = nn.Parameter(torch.zeros(layers))
        self.layer_gamma = nn.Parameter(torch.ones(1))
        self.dropout = nn.Dropout(dropout)
        self.upos = nn.Linear(hidden, n_upos)
        self.arc_dep = Mlp(hidden, arc_dim, dropout)
        self.arc_head = Mlp(hidden, arc_dim, dropout)
        self.rel_dep = Mlp(hidden, rel_dim, dropout)
        self.rel_head = Mlp(hidden, rel_dim, dropout)
        self.arc = Biaffine(arc_dim, 1)
        self.rel = Biaffine(rel_dim, n_rels)

    @classmethod
    def from_encoder(cls, path: str, n_rels: int, n_upos: int) -> "BiaffineParser":
        return cls(AutoModel.from_pretrained(path), n_rels, n_upos)

    def forward(self, input_ids, attention_mask, token_type_ids, case_ids, word_starts):
        """word_starts[b, w]: piece index of word w (w = 0 is the root, [CLS]).

        Returns upos_logits [b, W, U], arc_scores [b, W, W] (row: dependent,
        column: head) and rel_logits [b, W, W, R].
        """
        embeds = self.encoder.get_input_embeddings()(input_ids) + self.case_embeddings(case_ids)
        out = self.encoder(
            inputs_embeds=embeds,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
            output_hidden_states=True,
        )
        stacked = torch.stack(out.hidden_states, 0)  # [L, b, t, h]
        w = torch.softmax(self.layer_weights, 0).view(-1, 1, 1, 1)
        mixed = self.layer_gamma * (w * stacked).sum(0)
        idx = word_starts.unsqueeze(-1).expand(-1, -1, mixed.shape[-1])
        words = self.dropout(torch.gather(mixed, 1, idx))
        upos = self.upos(words)
        arc = self.arc(self.arc_dep(words), self.arc_head(words)).squeeze(-1)
        rel = self.rel(self.rel_dep(words), self.rel_head(words))
        return upos, arc, rel
