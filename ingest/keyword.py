"""Keyword search with bm25s over Chinese tokens (character bigrams or jieba words), persisted beside Chroma as
versions that a writer publishes by atomic rename and every reader memory-maps."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
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
log = logging.getLogger("speechqa.keyword")
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


CURRENT = "CURRENT"  # the published version's name, one line; replaced by an atomic rename
VERSIONS = "versions"  # one folder per version: bm25s's files and speechqa.json
KEEP_PREVIOUS = 2  # versions kept besides the published one, for a reader that read CURRENT just before a publish
GARBAGE_AGE_S = 600.0  # an in-progress (".tmp-") entry untouched this long was left by a writer that died
_TMP = ".tmp-"
_META = "speechqa.json"


class KeywordIndex:
    """A BM25 index whose rows are chunk ids, with the committed-state stamp it was built from.

    On disk a folder holds versions (`versions/<time>-<stamp>-<id>/`) and `CURRENT`, the name of the published
    one. A writer writes a version in full, fsyncs it and then publishes it by renaming a new CURRENT over the old,
    so a reader sees one version or the next, never part of one, and takes no lock (writers take one to publish).
    Readers memory-map its arrays: replicas share them through the page cache, and a version removed while mapped
    stays readable (Linux)."""

    def __init__(
        self, bm25: bm25s.BM25, ids: list[str], tokenizer: TokenizerName, stamp: str, version: str | None = None
    ) -> None:
        self.bm25 = bm25
        self.ids = ids
        self.tokenizer = tokenizer
        self.stamp = stamp
        self.version = version  # the version folder's name once saved or loaded
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

    def save(self, folder: Path) -> str:
        """Write this index as a new version of `folder` and publish it, then remove what no reader needs (see
        remove_garbage). Any process may: the writing runs side by side, the short rest one writer at a time (so
        that no cleanup removes a version finished but not yet published); the last to publish wins. Returns the
        version's name."""
        tmp = self._write_version(folder / VERSIONS)
        with _publish_lock(folder):
            self.version = f"{time.time_ns()}-{self.stamp[:16]}-{uuid.uuid4().hex[:8]}"  # names sort by publish
            tmp.rename(folder / VERSIONS / self.version)
            _fsync(folder / VERSIONS)
            publish(folder, self.version)
            remove_garbage(folder)
        return self.version

    def _write_version(self, versions: Path) -> Path:
        """Write the version into an in-progress folder of this writer's own and make it durable."""
        tmp = versions / f"{_TMP}{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir(parents=True)
        if self.ids:
            self.bm25.save(str(tmp), show_progress=False)
        meta = {"ids": self.ids, "tokenizer": self.tokenizer, "stamp": self.stamp}
        (tmp / _META).write_text(json.dumps(meta), encoding="utf-8")
        for file in tmp.iterdir():
            _fsync(file)
        _fsync(tmp)
        return tmp

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> KeywordIndex | None:
        """The published version, its arrays memory-mapped unless `mmap` is False; None if none is published (an
        empty folder, or the old layout of one swapped folder). The version CURRENT names can be removed by another
        writer's cleanup before it is opened (a reader stalled past newer publishes): CURRENT is then read again, once.
        """
        for _ in range(2):
            version = published(folder)
            if version is None:
                return None
            try:
                return cls._load_version(folder / VERSIONS / version, mmap)
            except FileNotFoundError:
                log.info("keyword index version %s was removed before it was opened", version)
        return None

    @classmethod
    def _load_version(cls, path: Path, mmap: bool) -> KeywordIndex:
        meta = json.loads((path / _META).read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(path), mmap=mmap, show_progress=False) if meta["ids"] else bm25s.BM25()
        return cls(bm25, meta["ids"], meta["tokenizer"], meta["stamp"], path.name)

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


def _publish_lock(folder: Path) -> FileLock:
    """Held by a writer from naming its finished version to cleaning up; readers take no lock."""
    return FileLock(folder.with_name(folder.name + ".lock"))


def published(folder: Path) -> str | None:
    """The name of the published version, None if nothing is published."""
    try:
        return (folder / CURRENT).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def publish(folder: Path, version: str) -> None:
    """Name `version` in CURRENT: a new file, made durable, renamed over the old one (atomic on POSIX)."""
    tmp = folder / f"{_TMP}{CURRENT}-{uuid.uuid4().hex[:8]}"
    with open(tmp, "w", encoding="utf-8") as file:
        file.write(version + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, folder / CURRENT)
    _fsync(folder)


def remove_garbage(folder: Path) -> None:
    """What a writer removes after publishing, holding the publish lock: old versions, what writers that died left,
    the old layout."""
    _remove_old_versions(folder)
    _remove_dead_writers_files(folder)
    _remove_old_layout(folder)


def _remove_old_versions(folder: Path) -> None:
    """Finished versions but the published one and the KEEP_PREVIOUS newest others (hold the publish lock). A
    reader that already mapped a removed version keeps reading it: its files live on while mapped."""
    current = published(folder)
    finished = sorted((p for p in (folder / VERSIONS).iterdir() if not p.name.startswith(_TMP)), reverse=True)
    others = [p for p in finished if p.name != current]
    for path in others[KEEP_PREVIOUS:]:
        shutil.rmtree(path, ignore_errors=True)


def _remove_dead_writers_files(folder: Path) -> None:
    """In-progress versions and CURRENT files untouched for GARBAGE_AGE_S: their writer died (a live writer
    creates a version's files one after another, and publishes within moments)."""
    for path in [*folder.glob(f"{_TMP}*"), *(folder / VERSIONS).glob(f"{_TMP}*")]:
        try:
            if time.time() - _last_touched(path) < GARBAGE_AGE_S:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except FileNotFoundError:  # another writer removed it first
            continue


def _last_touched(path: Path) -> float:
    """The newest modification time of `path` and, for a folder, of its files."""
    children = list(path.iterdir()) if path.is_dir() else []
    return max([path.stat().st_mtime] + [c.stat().st_mtime for c in children])


def _remove_old_layout(folder: Path) -> None:
    """The layout before versions: bm25s's files and speechqa.json in the folder itself, swapped in whole, with
    `<folder>.tmp-*` / `<folder>.old-*` folders beside it where a process died mid-swap."""
    for path in folder.iterdir():
        if path.is_file() and path.name != CURRENT and not path.name.startswith(_TMP):
            path.unlink(missing_ok=True)
    for path in [*folder.parent.glob(f"{folder.name}.tmp-*"), *folder.parent.glob(f"{folder.name}.old-*")]:
        shutil.rmtree(path, ignore_errors=True)


def _fsync(path: Path) -> None:
    """Flush a file's or a folder's entries to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
