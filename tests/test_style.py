"""House rules that a linter does not check: short functions, and one home for the Chinese-text patterns."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRODUCT = [
    "app.py",
    "cli.py",
    "config.py",
    "ingest",
    "retrieval",
    "answer",
    "models",
    "prompts",
    "eval",
    "zhtext",
    "ui",
    "quiz",
    "targets",
]
MAX_FUNCTION_LINES = 60


def _product_files() -> list[Path]:
    files: list[Path] = []
    for name in PRODUCT:
        path = REPO / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
    return files


def test_no_function_is_longer_than_60_lines() -> None:
    long = []
    for path in _product_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "functions over 60 lines:\n" + "\n".join(long)


# Patterns that must be written only in zhtext/: a year, a run of Chinese numerals, the Han range, NFKC.
_ONE_HOME = {
    "year pattern": re.compile(r"\(\?:19\|20\)|\(19\|20\)"),
    "Chinese digit run": re.compile(r"一二三四五六七八九"),
    "Han range": re.compile(r"\\u4e00|\\u3400"),
    "NFKC": re.compile(r"normalize\(\"NFKC\""),
}


def test_chinese_text_patterns_live_only_in_zhtext() -> None:
    outside = []
    for path in _product_files():
        if path.is_relative_to(REPO / "zhtext"):
            continue
        text = path.read_text(encoding="utf-8")
        outside += [f"{path.relative_to(REPO)}: {name}" for name, rx in _ONE_HOME.items() if rx.search(text)]
    assert not outside, "Chinese-text patterns outside zhtext/:\n" + "\n".join(outside)
