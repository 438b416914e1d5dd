"""The `speechqa` command line parses what a user types: a question may begin with "-"."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import cli
from answer import chain


class Asked(Exception):
    """Stops a command once it has the question it was given."""


def _record(question: str, *args: object) -> None:
    raise Asked(question)


@pytest.mark.parametrize("command", ["ask", "search"])
def test_a_question_starting_with_a_dash_is_the_question(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    searcher = type("Searcher", (), {"search": lambda self, q, *a: _record(q)})()
    monkeypatch.setattr(cli, "_searcher", lambda: searcher)
    asking = type("Chain", (), {"__init__": lambda self, *a: None, "stream": lambda self, q: _record(q)})
    monkeypatch.setattr(chain, "AnswerChain", asking)
    result = CliRunner().invoke(cli.app, [command, "-5%的赤字率是哪年提出的？"])
    assert isinstance(result.exception, Asked) and str(result.exception) == "-5%的赤字率是哪年提出的？"
