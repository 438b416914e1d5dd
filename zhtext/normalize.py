"""Normalised Chinese text: the form every comparison uses, with a map back to the raw offsets.

FORMAT.md compares evidence after Unicode NFKC with all whitespace removed: full-width and half-width punctuation
and digits are equal (the scraped seed speech mixes them), and line breaks inside a sentence do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Han characters: CJK Unified Ideographs and Extension A (rare characters in names and places are in U+3400–U+4DBF).
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
HAN_RUN = re.compile(f"[{HAN}]+")
HAN_CHAR = re.compile(f"[{HAN}]")
# Quotation marks a model adds or drops freely around a term ("“六稳”" and "六稳" are the same claim).
QUOTE_MARKS = "“”‘’「」『』\"'《》"
_QUOTE_MARK = re.compile(f"[{QUOTE_MARKS}]")
_WHITESPACE = re.compile(r"\s+")


def has_words(text: str) -> bool:
    """Whether the text has a character to search for (Han, a letter or a digit): "？？？" or "……" asks nothing."""
    return bool(HAN_CHAR.search(text) or re.search(r"[^\W_]", text))


def nfkc(text: str) -> str:
    """NFKC only, whitespace kept: for keyword tokens, where a space still separates two words."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Unicode NFKC, all whitespace removed (the contract of ../shared/eval/FORMAT.md)."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Normalized:
    """NFKC text without whitespace, with a map from each normalised character back to its raw offset."""

    text: str
    offsets: tuple[int, ...]

    @classmethod
    @lru_cache(maxsize=4096)  # each passage is normalised once, not once per clause and fact
    def of(cls, raw: str) -> Normalized:
        chars: list[str] = []
        offsets: list[int] = []
        for i, ch in enumerate(raw):
            for n in unicodedata.normalize("NFKC", ch):
                if not n.isspace():
                    chars.append(n)
                    offsets.append(i)
        return cls("".join(chars), tuple(offsets))


def without_quote_marks(text: str) -> str:
    """The text without quotation and title marks."""
    return _QUOTE_MARK.sub("", text)


def han_bigrams(text: str) -> set[str]:
    """The pairs of adjacent Han characters of a text (within runs): Chinese has no spaces, and a word of two or more
    characters is found by its pairs whatever a word list or segmenter would cut (经济增长 → 经济, 济增, 增长)."""
    return {run[i : i + 2] for run in HAN_RUN.findall(text) for i in range(len(run) - 1)}
