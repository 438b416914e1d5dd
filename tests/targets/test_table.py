"""The targets table is derived data: refresh re-extracts changed documents only and drops removed ones."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import targets.table as table_module
from ingest.metadata import DocMeta
from ingest.store import DocumentStore, StoredDocument
from targets.extract import NATIONAL, TargetCell
from targets.table import FILE_NAME, refresh

NAMES = [
    "2019-03-05_gwr-2019.txt",
    "2025-03-05_gwr-2025.txt",
    "2026-01-14_prov-gwr-2026-zhejiang.txt",
    "2019-01-11_xi-ccdi-3rd-plenum.txt",
]


def _commit(store: DocumentStore, doc: StoredDocument) -> None:
    meta = DocMeta(doc.title, doc.speaker, doc.date, doc.year, doc.genre, doc.source)
    store.commit_document(Path(doc.path), meta, doc.text, doc.content_hash, [])


def _count_extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents extracted from now on, in order."""
    extracted: list[str] = []
    real_extract = table_module.extract

    def counting(doc: StoredDocument) -> list[TargetCell]:
        extracted.append(doc.doc_id)
        return real_extract(doc)

    monkeypatch.setattr(table_module, "extract", counting)
    return extracted


@pytest.fixture
def store(tmp_path: Path, corpus: dict[str, StoredDocument]) -> DocumentStore:
    store = DocumentStore(tmp_path / "documents.sqlite")
    for name in NAMES:
        _commit(store, corpus[name])
    return store


def test_refresh_fills_the_table_beside_the_store(tmp_path: Path, store: DocumentStore) -> None:
    table = refresh(store, tmp_path)
    assert (tmp_path / FILE_NAME).exists()
    assert table.scopes() == [NATIONAL, "浙江"]
    gdp = table.cells("gdp_growth", NATIONAL)
    assert [(c.year, c.kind, c.value) for c in gdp if c.kind == "target"] == [
        (2019, "target", "6%－6.5%"),
        (2025, "target", "5%左右"),
    ]
    assert table.source("2019-03-05_gwr-2019.txt").title == "2019年国务院政府工作报告"
    assert {c.doc for c in table.cells()} == set(NAMES[:3])  # the speech has no cells


def test_refresh_extracts_only_changed_documents(
    tmp_path: Path, store: DocumentStore, corpus: dict[str, StoredDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    refresh(store, tmp_path).close()
    extracted = _count_extractions(monkeypatch)
    refresh(store, tmp_path).close()
    assert extracted == []
    changed = replace(corpus[NAMES[0]], content_hash="changed")
    _commit(store, changed)
    table = refresh(store, tmp_path)
    assert extracted == [NAMES[0]]
    assert table.versions()[NAMES[0]] == "changed"


def test_refresh_drops_removed_documents(tmp_path: Path, store: DocumentStore) -> None:
    refresh(store, tmp_path).close()
    store.remove("2026-01-14_prov-gwr-2026-zhejiang.txt")
    table = refresh(store, tmp_path)
    assert table.scopes() == [NATIONAL]
    assert "2026-01-14_prov-gwr-2026-zhejiang.txt" not in table.doc_ids()
    assert table.cells(scope="浙江") == []


def test_a_new_extractor_version_extracts_again(
    tmp_path: Path, store: DocumentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    refresh(store, tmp_path).close()
    monkeypatch.setattr(table_module, "EXTRACTOR_VERSION", table_module.EXTRACTOR_VERSION + 1)
    extracted = _count_extractions(monkeypatch)
    refresh(store, tmp_path).close()
    assert sorted(extracted) == sorted(NAMES)
