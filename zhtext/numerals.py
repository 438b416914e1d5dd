"""Chinese numerals: 十九 → 19, 一千二百万 → 12000000, 二〇一九 → 2019 (digit by digit), and back."""

from __future__ import annotations

import re

DIGITS = "一二三四五六七八九"
# Characters a Chinese numeral is written with (两 = 2 before a measure word; 〇/零 = 0; 壹… are not in the corpus).
NUMERAL_CHARS = "零〇一二三四五六七八九十百千万亿两"
_VALUE = {c: i for i, c in enumerate(DIGITS, 1)} | {"两": 2, "零": 0, "〇": 0}
_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_BIG_UNIT = {"万": 10_000, "亿": 100_000_000}
# Years are written digit by digit (二〇一九年, 一九九三年; some congress reports write 二0二0年 with an ASCII zero).
_DIGIT_BY_DIGIT = str.maketrans("〇零○O一二三四五六七八九", "0000123456789")
_DIGIT_RUN = re.compile(r"[〇零○O一二三四五六七八九0-9]{2,}")


def cn_int(text: str) -> int | None:
    """The value of a Chinese numeral written with units: 十 → 10, 十九 → 19, 二十 → 20, 一百零五 → 105,
    一千二百万 → 12000000, 三亿五千万 → 350000000. None for anything else (二〇一九 is digit by digit: see digits)."""
    if not text or any(c not in NUMERAL_CHARS for c in text):
        return None
    if not any(c in _SMALL_UNIT or c in _BIG_UNIT for c in text):
        return _VALUE[text] if len(text) == 1 else None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _VALUE:
            if digit is not None and _VALUE[ch] != 0:
                return None  # two digits in a row without a unit: not this form
            digit = _VALUE[ch] if _VALUE[ch] else None
        elif ch in _SMALL_UNIT:
            section += (1 if digit is None else digit) * _SMALL_UNIT[ch]
            digit = None
        else:
            section += digit or 0
            total = (total + section) * _BIG_UNIT[ch] if ch == "亿" else total + section * _BIG_UNIT[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def digits(text: str) -> str:
    """Digit-by-digit Chinese numerals as Arabic digits: 二〇一九 → 2019, 二0二0 → 2020 (other text unchanged)."""
    return _DIGIT_RUN.sub(lambda m: m.group().translate(_DIGIT_BY_DIGIT), text)


def to_cn(n: int) -> str:
    """1–99 as written in ordinals: 19 → 十九, 20 → 二十, 10 → 十 (inverse of cn_int there)."""
    if not 0 < n < 100:
        raise ValueError(f"ordinal out of range: {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens - 1] + "十")
    return head + (DIGITS[ones - 1] if ones else "")


# A run of Chinese numerals with units (二十一, 一千一百万) or digit by digit (二〇一九): read as one number.
_NUMERAL_RUN = re.compile(f"[{NUMERAL_CHARS}]+")


def arabic_numerals(text: str) -> str:
    """Chinese numerals read as Arabic numbers (二十一个 → 21个, 一千一百万 → 1100万, 十个 → 10个, 二〇一九 → 2019),
    so a figure matches however it is written; a single digit character stays (一是, 三大 are words, not amounts)."""

    def value(m: re.Match[str]) -> str:
        run = m.group()
        if len(run) < 2 and run != "十":
            return run
        inner_big = any(c in _BIG_UNIT for c in run[:-1])
        head, unit = (run[:-1], run[-1]) if run[-1] in _BIG_UNIT and len(run) >= 2 and not inner_big else (run, "")
        n = cn_int(head)  # 一千一百万 → 1100万: the big unit stays, as reports and users write it
        return f"{n}{unit}" if n is not None else digits(run)

    return _NUMERAL_RUN.sub(value, text)
