import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

import ingest.keyword as keyword
from config import Settings
from ingest.index import SpeechIndex
from ingest.keyword import CURRENT, KEEP_PREVIOUS, VERSIONS, KeywordIndex, bigram_tokens, doc_of, jieba_tokens
from ingest.pipeline import ingest

IDS = ["a.txt#v1#0", "b.txt#v1#0", "c#1.txt#v1#0"]
TEXTS = ["赤字率拟按2.6%安排", "赤字率拟按2.8%安排", "城镇新增就业"]


def _index(stamp: str) -> KeywordIndex:
    return KeywordIndex.build(IDS, TEXTS, "bigram", stamp)


def _versions(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / VERSIONS).iterdir())


def test_bigram_tokens_cover_han_runs_numbers_and_latin() -> None:
    assert bigram_tokens("国内生产总值增长6.5%，GDP") == [
        "国内",
        "内生",
        "生产",
        "产总",
        "总值",
        "值增",
        "增长",
        "6.5%",
        "gdp",
    ]
    assert bigram_tokens("党") == ["党"]


def test_jieba_tokens_drop_punctuation() -> None:
    tokens = jieba_tokens("国内生产总值增长6.5%。")
    assert "国内生产总值" in tokens or "生产总值" in tokens
    assert "。" not in tokens


def test_search_respects_allowed_ids_and_survives_save_load(tmp_path: Path) -> None:
    index = _index("s1")
    assert {i for i, _ in index.search("赤字率", 3)} == {"a.txt#v1#0", "b.txt#v1#0"}
    assert [i for i, _ in index.search("赤字率", 3, docs={"b.txt", "c#1.txt"})] == ["b.txt#v1#0"]
    assert index.search("赤字率", 3, docs={"unknown.txt"}) == []
    assert KeywordIndex.load(tmp_path / "bm25") is None  # nothing published yet
    version = index.save(tmp_path / "bm25")
    loaded = KeywordIndex.load(tmp_path / "bm25")
    assert loaded is not None and loaded.stamp == "s1" and loaded.version == version
    assert loaded.search("城镇就业", 1, docs={"c#1.txt"})[0][0] == "c#1.txt#v1#0"
    assert loaded.search("。。", 3) == []


def test_a_published_version_is_memory_mapped_and_searches_as_built(tmp_path: Path) -> None:
    index = _index("s1")
    index.save(tmp_path / "bm25")
    mapped, in_memory = KeywordIndex.load(tmp_path / "bm25"), KeywordIndex.load(tmp_path / "bm25", mmap=False)
    assert mapped is not None and in_memory is not None
    assert all(isinstance(mapped.bm25.scores[k], np.memmap) for k in ("data", "indices", "indptr"))
    assert not isinstance(in_memory.bm25.scores["data"], np.memmap)
    for query in ("赤字率", "2.8%", "新增就业"):
        assert mapped.search(query, 3) == in_memory.search(query, 3) == index.search(query, 3)
    empty = KeywordIndex.build([], [], "bigram", "s0")
    empty.save(tmp_path / "bm25")
    assert KeywordIndex.load(tmp_path / "bm25").search("赤字率", 3) == []  # type: ignore[union-attr]


def test_a_reader_keeps_its_version_after_newer_publishes_removed_it(tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    _index("s1").save(folder)
    reader = KeywordIndex.load(folder)
    assert reader is not None and reader.version is not None
    before = reader.search("赤字率", 3)
    newer = [_index(f"s{n}").save(folder) for n in range(2, 3 + KEEP_PREVIOUS)]
    assert _versions(folder) == sorted(newer)  # the published one and KEEP_PREVIOUS others; the reader's is gone
    assert not (folder / VERSIONS / reader.version).exists()
    assert reader.search("赤字率", 3) == before  # its mapped files live on while it maps them
    assert KeywordIndex.load(folder).stamp == f"s{2 + KEEP_PREVIOUS}"  # type: ignore[union-attr]


def test_a_version_removed_before_it_was_opened_is_looked_up_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bm25"
    _index("s1").save(folder)
    load_version = KeywordIndex._load_version
    calls: list[str] = []

    def raced(path: Path, mmap: bool) -> KeywordIndex:  # another writer publishes and removes it meanwhile
        calls.append(path.name)
        if len(calls) == 1:
            _index("s2").save(folder)
            raise FileNotFoundError(path)
        return load_version(path, mmap)

    monkeypatch.setattr(KeywordIndex, "_load_version", raced)
    loaded = KeywordIndex.load(folder)
    assert loaded is not None and loaded.stamp == "s2" and len(calls) == 2
    (folder / CURRENT).write_text("0-gone-00000000\n", encoding="utf-8")  # names a version that is not there
    assert KeywordIndex.load(folder) is None  # derived data: the caller builds it again


def test_publishers_at_once_leave_a_loadable_current(tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    stamps = [f"s{n}" for n in range(8)]
    start = threading.Barrier(len(stamps))
    errors: list[BaseException] = []

    def publish(stamp: str) -> None:
        index = _index(stamp)
        start.wait()
        try:
            for _ in range(3):
                index.save(folder)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(s,)) for s in stamps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    loaded = KeywordIndex.load(folder)
    assert loaded is not None and loaded.stamp in stamps and len(loaded.search("赤字率", 3)) == 2
    assert not [p for p in folder.rglob("*") if p.name.startswith(".tmp-")]  # every publisher finished its files
    assert len(_versions(folder)) == 1 + KEEP_PREVIOUS


def test_the_old_layout_reads_as_nothing_published_and_is_cleaned_at_the_first_publish(tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    old = _index("s1")
    old.bm25.save(str(folder), show_progress=False)  # the layout before versions: one folder swapped in whole
    (folder / "speechqa.json").write_text('{"ids": [], "tokenizer": "bigram", "stamp": "s1"}', encoding="utf-8")
    for leftover in ("bm25.tmp-12-34-abcd", "bm25.old-12-34-abcd"):  # a process killed mid-swap
        (tmp_path / leftover).mkdir()
        (tmp_path / leftover / "speechqa.json").write_text("{}", encoding="utf-8")
    assert KeywordIndex.load(folder) is None
    version = _index("s2").save(folder)
    assert sorted(p.name for p in folder.iterdir()) == [CURRENT, VERSIONS]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bm25", "bm25.lock"]  # the publishers' lock
    assert KeywordIndex.load(folder).version == version  # type: ignore[union-attr]


def test_what_killed_writers_left_is_removed_once_old(tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    _index("s1").save(folder)
    dead_version, dead_pointer = folder / VERSIONS / ".tmp-1-2-dead", folder / ".tmp-CURRENT-dead"
    live_version = folder / VERSIONS / ".tmp-3-4-live"
    for path in (dead_version, live_version):
        path.mkdir()
        (path / "data.csc.index.npy").write_bytes(b"half")
    dead_pointer.write_text("1-s-x\n", encoding="utf-8")
    long_ago = time.time() - keyword.GARBAGE_AGE_S - 1
    for path in (dead_version / "data.csc.index.npy", dead_version, dead_pointer):
        os.utime(path, (long_ago, long_ago))
    _index("s2").save(folder)
    assert not dead_version.exists() and not dead_pointer.exists()
    assert live_version.exists()  # a writer may still be writing it


def test_a_reader_loads_what_the_writer_published_after_each_change(
    settings: Settings, fake_index: SpeechIndex, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another app process (a replica) finds the keyword index the writer published, memory-mapped, and picks up
    the next version when the store's stamp changes; it builds nothing itself."""
    files = sorted(corpus_dir.glob("20*_gwr-*.txt"))[:2]
    reader = SpeechIndex.open(settings, DeterministicFakeEmbedding(size=32))
    build = KeywordIndex.build

    def no_build(*args: object, **kwargs: object) -> KeywordIndex:
        raise AssertionError("the reader built a keyword index the writer had published")

    def reader_sees(docs: set[str]) -> KeywordIndex:
        monkeypatch.setattr(KeywordIndex, "build", no_build)
        found = reader.keyword()
        monkeypatch.setattr(KeywordIndex, "build", build)
        assert found.stamp == reader.store.stamp() and {doc_of(i) for i in found.ids} == docs
        assert not docs or isinstance(found.bm25.scores["data"], np.memmap)
        return found

    first = reader_sees(set())  # the writer's open published the empty index
    ingest(files[:1], settings, fake_index)
    second = reader_sees({files[0].name})
    assert reader.keyword() is second  # unchanged stamp: the index in memory
    ingest(files[1:], settings, fake_index)
    third = reader_sees({f.name for f in files})
    fake_index.remove_document(files[0].name)
    fake_index.keyword()  # what the app and `speechqa remove` do after a removal
    fourth = reader_sees({files[1].name})
    assert len({first.version, second.version, third.version, fourth.version}) == 4
