"""The index under several writers and readers: one writer at a time, readers never repair a live ingest's work."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from config import Settings
from ingest.chunking import chunk_text
from ingest.index import SpeechIndex
from ingest.pipeline import ingest, prepare

GWR_2018, GWR_2019 = "2018-03-05_gwr-2018.txt", "2019-03-05_gwr-2019.txt"


def _vector_ids(index: SpeechIndex) -> set[str]:
    return set(index.vectors.get(include=[])["ids"])


def test_opening_the_index_during_an_ingest_never_drops_its_vectors(
    settings: Settings, fake_index: SpeechIndex, corpus_dir: Path
) -> None:
    doc = prepare(corpus_dir / GWR_2019, settings)
    chunks = chunk_text(doc.text)
    embedded, go_on = threading.Event(), threading.Event()
    commit = fake_index.store.commit_document

    def slow_commit(*args, **kwargs):  # the vectors are written; the commit waits while others open the index
        embedded.set()
        assert go_on.wait(30)
        return commit(*args, **kwargs)

    fake_index.store.commit_document = slow_commit  # type: ignore[method-assign]
    writer = threading.Thread(
        target=fake_index.add_document, args=(doc.path, doc.meta, doc.text, doc.content_hash, chunks)
    )
    writer.start()
    assert embedded.wait(30)
    reader = SpeechIndex.open(settings, DeterministicFakeEmbedding(size=32))  # as `list`, `search` or the app do
    assert len(_vector_ids(reader)) == len(chunks)  # the live ingest's vectors were not taken for orphans
    go_on.set()
    writer.join(30)
    assert {c.id for c in reader.store.all_chunks()} == _vector_ids(reader)


def test_a_repair_drops_a_dead_writers_vectors_and_embeds_chunks_without_vectors(
    settings: Settings, fake_index: SpeechIndex, corpus_dir: Path
) -> None:
    ingest([corpus_dir / GWR_2018, corpus_dir / GWR_2019], settings, fake_index)
    lost = sorted(c.id for c in fake_index.store.all_chunks() if c.doc_id == GWR_2018)[:5]
    fake_index.vectors.delete(ids=lost)  # committed chunks whose vectors went missing
    fake_index.vectors.add_texts(["一个死掉的进程留下的向量"], ids=["dead-writer-0"])
    reopened = SpeechIndex.open(settings, DeterministicFakeEmbedding(size=32))
    assert _vector_ids(reopened) == {c.id for c in reopened.store.all_chunks()}
    found = reopened.vectors.get(ids=lost[:1], include=["metadatas"])["metadatas"][0]
    assert found["doc_id"] == GWR_2018 and found["year"] == 2018  # embedded again with its metadata


@pytest.mark.slow
def test_seven_parallel_removals_all_happen_and_leave_a_fresh_keyword_index(
    settings: Settings, fake_index: SpeechIndex, corpus_dir: Path
) -> None:
    names = sorted(p.name for p in corpus_dir.glob("20*_gwr-*.txt"))[:7]
    report = ingest([corpus_dir / n for n in names], settings, fake_index)
    assert report.ok and len(names) == 7

    def remove(name: str) -> bool:
        removed = fake_index.remove_document(name)
        fake_index.keyword()  # every removal refreshes the keyword index, as the app does
        return removed

    with ThreadPoolExecutor(7) as pool:
        assert list(pool.map(remove, names)) == [True] * 7
    assert fake_index.store.documents() == [] and _vector_ids(fake_index) == set()
    assert fake_index.keyword().stamp == fake_index.store.stamp()
    fresh = SpeechIndex.open(settings, DeterministicFakeEmbedding(size=32))
    assert fresh.keyword().ids == []  # what is on disk is the last state, not a stale one


@pytest.mark.slow
def test_a_chroma_server_holds_the_vectors_of_each_index_apart(tmp_path: Path, corpus_dir: Path) -> None:
    import chromadb

    from ingest.chroma_server import chroma_server
    from ingest.index import IndexUnavailable

    with chroma_server(tmp_path / "chroma") as url:
        settings = [_settings(tmp_path / name, url) for name in ("a", "b")]
        indexes = [SpeechIndex.open(s, DeterministicFakeEmbedding(size=32)) for s in settings]
        report = ingest([corpus_dir / GWR_2019], settings[0], indexes[0])
        server = chromadb.HttpClient(host="127.0.0.1", port=int(url.rsplit(":", 1)[1]))
        counts = {c.name: c.count() for c in server.list_collections()}
        assert sorted(counts.values()) == [0, report.chunks] and report.chunks > 0  # one collection per index
        assert _vector_ids(indexes[0]) == {c.id for c in indexes[0].store.all_chunks()}
    with pytest.raises(IndexUnavailable, match="does not answer"):
        SpeechIndex.open(_settings(tmp_path / "c", url), DeterministicFakeEmbedding(size=32))  # the server stopped


def _settings(data_dir: Path, chroma_url: str) -> Settings:
    return Settings(data_dir=data_dir, embedding_model="fake-test-embedding", chroma_url=chroma_url)
