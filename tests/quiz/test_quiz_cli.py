"""`speechqa quiz make --json` and `quiz grade ID ANSWER --json` print the issue's JSON contract."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import config
from config import Settings
from quiz.cli import quiz_app
from quiz.model import QuizItem
from quiz.service import QuizService


@pytest.fixture
def runner(
    quiz_settings: Settings, service: QuizService, bank: list[QuizItem], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    """The CLI on the session's data folder, whose bank is already cached."""
    monkeypatch.setenv("SPEECHQA_DATA_DIR", str(quiz_settings.data_dir))
    monkeypatch.setenv("SPEECHQA_CORPUS_DIR", str(quiz_settings.corpus_dir))
    config.get_settings.cache_clear()
    yield CliRunner()
    config.get_settings.cache_clear()


@pytest.mark.slow
def test_make_and_grade_json(runner: CliRunner) -> None:
    made = runner.invoke(quiz_app, ["make", "--n", "6", "--doc", "2019-03-05_gwr-2019.txt", "--seed", "3", "--json"])
    assert made.exit_code == 0, made.output
    items = [json.loads(line) for line in made.stdout.splitlines()]
    asked_about = [it.get("context", it["source"])["doc"] for it in items]  # which-is-not: the list's document
    assert len(items) == 6 and set(asked_about) == {"2019-03-05_gwr-2019.txt"}
    for item in items:
        assert {"id", "kind", "question", "answer", "source"} <= set(item)
        answer = item["answer"]
        args = answer if isinstance(answer, list) else [answer]
        graded = runner.invoke(quiz_app, ["grade", item["id"], *args, "--json"])
        assert graded.exit_code == 0, graded.output
        result = json.loads(graded.stdout)
        assert {"correct", "score", "right", "missed", "extra", "expected", "source"} <= set(result)
        assert result["correct"] is True and result["expected"] == answer and result["source"] == item["source"]
    wrong = json.loads(runner.invoke(quiz_app, ["grade", items[0]["id"], "不知道", "--json"]).stdout)
    assert wrong["correct"] is False and wrong["missed"]


def test_unknown_ids_and_kinds_are_refused(runner: CliRunner) -> None:
    assert runner.invoke(quiz_app, ["grade", "000000000000", "x", "--json"]).exit_code == 2
    assert runner.invoke(quiz_app, ["make", "--kind", "essay", "--json"]).exit_code != 0
