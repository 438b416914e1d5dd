"""Grading in code: an answer against an item's key, saying which parts were right, missed or extra.

Rules, each with its reason:
- Text is compared in plain form (NFKC, no spaces, quotation marks or punctuation): “六稳” and 六稳 are one answer.
- A dropped 的 is no error: 人民的利益 and 人民利益 say the same.
- One changed, missing or added character per 8 (at least 1) is a typo, not a wrong answer, in keys of 4 or more
  characters; never a changed numeral (四个意识 ≠ 三个意识), and never when the answer is itself another formulation
  the corpus uses (精准扶贫 ≠ 精准脱贫).
- Figures are compared as quantities (百分之五 = 5%, 一千二百万人 = 1200万人, full or half width); a missing unit is
  forgiven when the value is right in the key's scale (1361万 for 1361万人), a different unit is not; a range must
  be given whole.
- Lists are compared as sets (order items by position); 和/与/及 joining two members in an answer splits them.
- A choice is the option's text or its letter (A–D) or number (1–4).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection

from quiz.model import CHOICE_KINDS, DEFINITION, NUMBER, ORDER, Grade, QuizItem
from zhtext.normalize import normalize, without_quote_marks
from zhtext.numbers import Quantity, find_quantities, parse_quantity, same_quantity
from zhtext.numerals import NUMERAL_CHARS

_PUNCTUATION = re.compile(r"[\W_]+")  # after NFKC, every non-word character is punctuation or a symbol
_NUMERALS = set("0123456789" + NUMERAL_CHARS)
_SPLIT = re.compile(r"[、，,；;。/|\n]+|\s+")
_JOIN = re.compile(r"以及|和|与|及")
_LETTER = re.compile(r"[A-Da-d1-4]")
TYPO_EVERY = 8  # one typo allowed per this many characters of the key
TYPO_MIN_KEY = 4  # shorter keys (六稳, 放管服) change meaning with one character


def plain(text: str) -> str:
    """The form answers are compared in: NFKC, no whitespace, no quotation marks, no punctuation."""
    return _PUNCTUATION.sub("", without_quote_marks(normalize(text)))


def close_enough(answer: str, key: str, known: Collection[str] = ()) -> bool:
    """The answer says the key, allowing a dropped 的 and a typo (see the module rules)."""
    a, k = plain(answer), plain(key)
    if a == k or a.replace("的", "") == k.replace("的", ""):
        return True
    if not a or a in known:
        return False
    a, k = a.replace("的", ""), k.replace("的", "")
    if len(k) < TYPO_MIN_KEY:
        return False
    diff = (Counter(a) - Counter(k)) + (Counter(k) - Counter(a))
    if any(ch in _NUMERALS for ch in diff):
        return False
    return _edit_distance(a, k, max(1, len(k) // TYPO_EVERY)) <= max(1, len(k) // TYPO_EVERY)


def grade(item: QuizItem, answer: str | list[str], known: Collection[str] = ()) -> Grade:
    """Grade one answer (a string, or a list of strings for a list) against the item's key."""
    parts = answer if isinstance(answer, list) else [answer]
    text = "、".join(parts)
    if item.kind in CHOICE_KINDS:
        return _grade_choice(item, text, known)
    if item.kind == ORDER:
        return _grade_order(item, parts if len(parts) > 1 else _split(text))
    if item.kind == NUMBER:
        return _grade_number(item, text)
    if item.is_list or item.kind == DEFINITION:
        keys = tuple(item.answer) if item.is_list else tuple(p for p in _split(item.answer[0]) if p)
        return _grade_list(item, keys, parts if len(parts) > 1 else _split(text), known)
    ok = close_enough(text, item.answer[0], known)
    return _single(item, ok, text, "" if ok or plain(text) not in known else "这是另一个提法")


def _single(item: QuizItem, ok: bool, given: str, note: str = "") -> Grade:
    right, missed = (item.answer, ()) if ok else ((), item.answer)
    extra = () if ok or not plain(given) else (given.strip(),)
    return Grade(item.id, ok, 1.0 if ok else 0.0, right, missed, extra, item.answer, note)


def _grade_choice(item: QuizItem, given: str, known: Collection[str]) -> Grade:
    """The chosen option (by text, letter or number, or the one option that contains what was typed)."""
    options = item.options or ()
    chosen = given.strip()
    if _LETTER.fullmatch(chosen):
        index = "ABCD".index(chosen.upper()) if chosen.isalpha() else int(chosen) - 1
        chosen = options[index] if index < len(options) else chosen
    elif options and plain(chosen) not in {plain(o) for o in options}:
        containing = [o for o in options if plain(chosen) and plain(chosen) in plain(o)]
        chosen = containing[0] if len(containing) == 1 else chosen
    return _single(item, plain(chosen) == plain(item.answer[0]), chosen)


def _grade_number(item: QuizItem, given: str) -> Grade:
    """Same quantity as the key; see the module rules for units and ranges."""
    key = parse_quantity(item.answer[0])
    said = parse_quantity(given) or _only_quantity(given)
    if key is None or said is None:
        ok = key is None and close_enough(given, item.answer[0])
        return _single(item, ok, given, "" if ok else "没有读出数字")
    if same_quantity(said, key):
        return _single(item, True, given)
    if not (said.base_unit and key.base_unit) and _same_value(said, key):
        return _single(item, True, given, "数值正确，单位省略" if key.base_unit else "数值正确")
    if said.base_unit and key.base_unit and said.base_unit != key.base_unit:
        return _single(item, False, given, f"单位不同：应为{key.base_unit}")
    if key.low != key.high and said.low == said.high:
        return _single(item, False, given, "原文是一个区间")
    return _single(item, False, given, "数值不同")


def _same_value(a: Quantity, b: Quantity) -> bool:
    ra, rb = a.value_range(), b.value_range()
    return ra is not None and rb is not None and all(math.isclose(x, y, rel_tol=1e-9) for x, y in zip(ra, rb))


def _only_quantity(text: str) -> Quantity | None:
    found = find_quantities(text)
    return found[0] if len(found) == 1 else None


def _grade_list(item: QuizItem, keys: tuple[str, ...], parts: list[str], known: Collection[str]) -> Grade:
    """Members as a set: each part matches at most one member; 和 inside an unmatched part splits it."""
    matched: dict[int, str] = {}
    extra: list[str] = []
    for part in _expand(parts, keys):
        index = next((i for i, k in enumerate(keys) if i not in matched and close_enough(part, k, known)), None)
        if index is None:
            extra.append(part)
        else:
            matched[index] = part
    right = tuple(k for i, k in enumerate(keys) if i in matched)
    missed = tuple(k for i, k in enumerate(keys) if i not in matched)
    score = len(right) / (len(keys) + len(extra)) if keys else 0.0
    return Grade(item.id, not missed and not extra, round(score, 3), right, missed, tuple(extra), item.answer)


def _grade_order(item: QuizItem, parts: list[str]) -> Grade:
    """Members by position; an answer may give option letters (BADC) instead of the members' text."""
    options = item.options or item.answer
    letters = "".join(parts).strip().upper()
    if re.fullmatch(r"[A-H]+", letters):
        parts = [options["ABCDEFGH".index(c)] for c in letters if "ABCDEFGH".index(c) < len(options)]
    elif all(p.isdigit() for p in parts) and parts:
        parts = [options[int(p) - 1] for p in parts if 0 < int(p) <= len(options)]
    right = tuple(k for i, k in enumerate(item.answer) if i < len(parts) and close_enough(parts[i], k))
    missed = tuple(k for k in item.answer if k not in right)
    extra = tuple(p for p in parts if not any(close_enough(p, k) for k in item.answer))
    score = len(right) / len(item.answer)
    note = "" if not missed else "位置不对的项见 missed"
    return Grade(item.id, not missed and not extra, round(score, 3), right, missed, extra, item.answer, note)


def _split(text: str) -> list[str]:
    return [p for p in _SPLIT.split(text.strip()) if plain(p)]


def _expand(parts: list[str], keys: tuple[str, ...]) -> list[str]:
    """Split a part at 和/与/及 when it matches no member but its pieces do (阶级斗争、生产斗争和科学实验)."""
    expanded: list[str] = []
    for part in parts:
        pieces = [p for p in _JOIN.split(part) if plain(p)]
        whole_matches = any(close_enough(part, k) for k in keys)
        if len(pieces) > 1 and not whole_matches and all(any(close_enough(p, k) for k in keys) for p in pieces):
            expanded += pieces
        else:
            expanded.append(part)
    return expanded


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
