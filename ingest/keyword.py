"""Keyword search with bm25s over Chinese tokens (character bigrams or jieba words), persisted beside Chroma."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import bm25s
import numpy as np
from filelock import FileLock

from zhtext.normalize import HAN_RUN, nfkc

_ALNUM_RUN = re.compile(r"[0-9a-z][0-9a-z.%]*")

TokenizerName = Literal["bigram", "jieba"]
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


def bigram_tokens(text: str) -> list[str]:
    """Overlapping Han character bigrams (a lone character stays a unigram) plus whole numbers and Latin words."""
    text = nfkc(text).lower()
    tokens: list[str] = []
    for run in HAN_RUN.findall(text):
        tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    tokens.extend(m.rstrip(".") for m in _ALNUM_RUN.findall(text))
    return tokens


def jieba_tokens(text: str) -> list[str]:
    """jieba's search-mode words, punctuation and spaces dropped."""
    import jieba

    jieba.setLogLevel(60)
    text = nfkc(text).lower()
    return [w for w in jieba.lcut_for_search(text) if HAN_RUN.search(w) or _ALNUM_RUN.fullmatch(w)]


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {"bigram": bigram_tokens, "jieba": jieba_tokens}


def _swap_lock(folder: Path) -> FileLock:
    """Held while the saved index is swapped in and while it is read."""
    return FileLock(folder.with_name(folder.name + ".lock"))


class KeywordIndex:
    """A BM25 index whose rows are chunk ids, with the committed-state stamp it was built from."""

    def __init__(self, bm25: bm25s.BM25, ids: list[str], tokenizer: TokenizerName, stamp: str) -> None:
        self.bm25 = bm25
        self.ids = ids
        self.tokenizer = tokenizer
        self.stamp = stamp
        docs = [doc_of(cid) for cid in ids]
        self._doc_code = {doc: n for n, doc in enumerate(dict.fromkeys(docs))}
        self._row_doc = np.array([self._doc_code[d] for d in docs], dtype=np.int32)

    @classmethod
    def build(cls, ids: list[str], texts: Sequence[str], tokenizer: TokenizerName, stamp: str) -> KeywordIndex:
        tokenize = TOKENIZERS[tokenizer]
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        if texts:
            # Token ids as one small int32 array per chunk, not lists of strings: at 1M chunks the string lists
            # alone would need tens of GB.
            vocab: dict[str, int] = {"": 0}
            token_ids = [
                np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokenize(text) or [""]), dtype=np.int32)
                for text in texts
            ]
            bm25.index((token_ids, vocab), show_progress=False)
        return cls(bm25, list(ids), tokenizer, stamp)

    def save(self, folder: Path) -> None:
        """Write to a temporary folder of this writer's own and swap it in, so readers never see half an index;
        the swap holds a lock, since threads and processes that saw the same change all save."""
        unique = f"{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex[:8]}"
        tmp = folder.with_name(f"{folder.name}.tmp-{unique}")
        tmp.mkdir(parents=True)
        if self.ids:
            self.bm25.save(str(tmp), show_progress=False)
        (tmp / "speechqa.json").write_text(
            json.dumps({"ids": self.ids, "tokenizer": self.tokenizer, "stamp": self.stamp}), encoding="utf-8"
        )
        old = folder.with_name(f"{folder.name}.old-{unique}")
        with _swap_lock(folder):
            if folder.exists():
                folder.rename(old)
            tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The saved index, read under the swap's lock (a save swapping folders mid-read left files missing)."""
        with _swap_lock(folder):
            meta_file = folder / "speechqa.json"
            if not meta_file.exists():
                return None
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            bm25 = bm25s.BM25.load(str(folder), show_progress=False) if meta["ids"] else bm25s.BM25()
        return cls(bm25, meta["ids"], meta["tokenizer"], meta["stamp"])

    def search(self, query: str, k: int, docs: set[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) with a positive score; `docs` restricts the search to those documents."""
        if not self.ids:
            return []
        tokens = TOKENIZERS[self.tokenizer](query)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        if docs is not None:
            codes = [self._doc_code[d] for d in docs if d in self._doc_code]
            scores = np.where(np.isin(self._row_doc, codes), scores, 0.0)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def doc_of(chunk_id: str) -> str:
    """Chunk ids are '<doc>#<version>#<n>' (see ingest.store.chunk_id)."""
    return chunk_id.rsplit("#", 2)[0]
