"""Sentences addressed to an assistant, judged by meaning: a linear probe on the embedder's sentence vectors.

The patterns of zhtext/instructions.py catch the wordings someone wrote down; a planted document can say the same
thing in words no pattern lists ("致读取本文的智能系统…", "<<SYS>>…", "Note to the AI reading this…"). The probe
is a logistic regression trained by eval/train_instruction_probe.py on planted sentences against corpus sentences;
it runs at search time on the sentences of the passages about to reach the model, so its cost is a few short
embeddings a question (cached), not a second embedding of every sentence at ingest. Its threshold and what it
catches are measured in eval/README.md ("Documents that command the model").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.embeddings import Embeddings

from zhtext.instructions import judged, sentence_spans

PROBE_FILE = Path(__file__).with_name("instruction_probe.json")
_CACHE_SIZE = 20_000  # sentences; a passage's sentences recur across questions


@dataclass
class InstructionProbe:
    """score(sentence) = w·v + b on the embedder's normalised passage vector v; flagged at or above `threshold`."""

    embedder: str  # the embedding model the weights were trained on (Settings.embedding_model)
    weights: list[float]
    bias: float
    threshold: float
    _cache: dict[str, float] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path = PROBE_FILE) -> InstructionProbe:
        data = json.loads(path.read_text("utf-8"))
        return cls(data["embedder"], data["weights"], data["bias"], data["threshold"])

    def scores(self, sentences: list[str], embeddings: Embeddings) -> list[float]:
        """The probe's score of each sentence (embedding only those not seen before)."""
        new = sorted({s for s in sentences if s not in self._cache})
        if new:
            if len(self._cache) + len(new) > _CACHE_SIZE:
                self._cache.clear()
            for sentence, vector in zip(new, embeddings.embed_documents(new), strict=True):
                self._cache[sentence] = self._score(vector)
        return [self._cache[s] for s in sentences]

    def _score(self, vector: list[float]) -> float:
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return sum(w * x for w, x in zip(self.weights, vector, strict=True)) / norm + self.bias

    def flagged(self, texts: list[str], embeddings: Embeddings) -> list[list[tuple[int, int]]]:
        """For each text, (start, end) of each sentence the probe takes for one addressed to an assistant; the
        sentences of all texts are embedded in one batch."""
        spans = [[(a, b) for a, b in sentence_spans(text) if judged(text[a:b])] for text in texts]
        scores = iter(self.scores([t[a:b].strip() for t, ss in zip(texts, spans) for a, b in ss], embeddings))
        return [[span for span in ss if next(scores) >= self.threshold] for ss in spans]
