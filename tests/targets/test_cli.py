"""`speechqa targets`: one JSON line per cell with the issue's keys, read from the index folder without models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

import targets.cli as cli
from config import Settings
from ingest.index import index_folder
from ingest.metadata import DocMeta
from ingest.store import DocumentStore, StoredDocument
from targets.cli import JSON_KEYS, targets_command


@pytest.fixture
def settings(tmp_path: Path, corpus: dict[str, StoredDocument], monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", embedding_model="fake-test-embedding")
    store = DocumentStore(index_folder(settings) / "documents.sqlite")
    for name in ("2019-03-05_gwr-2019.txt", "2026-01-14_prov-gwr-2026-zhejiang.txt"):
        doc = corpus[name]
        meta = DocMeta(doc.title, doc.speaker, doc.date, doc.year, doc.genre, doc.source)
        store.commit_document(Path(doc.path), meta, doc.text, doc.content_hash, [])
    store.close()
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    return settings


def test_json_lines_have_the_issue_keys(
    settings: Settings, corpus: dict[str, StoredDocument], capsys: pytest.CaptureFixture[str]
) -> None:
    targets_command(indicator="gdp_growth", scope=None, as_json=True)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(tuple(line) == JSON_KEYS for line in lines)
    assert {line["scope"] for line in lines} == {"national", "浙江"}
    first = next(line for line in lines if line["year"] == 2019 and line["kind"] == "target")
    assert (first["value"], first["low"], first["high"], first["unit"]) == ("6%－6.5%", 6.0, 6.5, "%")
    assert corpus[first["doc"]].text[first["start"] : first["end"]] == first["quote"]


def test_scope_filter_and_plain_lines(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    targets_command(indicator=None, scope="浙江", as_json=False)
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.split("\t")[1] == "浙江" for line in lines)
    assert any(line.startswith("gdp_growth\t浙江\t2026\t目标\t5%—5.5%") for line in lines)


def test_an_unknown_indicator_is_refused(settings: Settings) -> None:
    with pytest.raises(typer.BadParameter):
        targets_command(indicator="gdp", scope=None, as_json=True)
