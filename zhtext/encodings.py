"""Which decoding of a file's bytes reads as Chinese: the rule that tells text from mojibake.

GB18030 decodes almost any byte string, Big5 and UTF-16 text included, so "it decoded" proves nothing. Real Chinese
text uses common characters: in every corpus file ≥ 99.9% of the non-ASCII characters are in GB2312 (simplified) or
Big5 (traditional). Mojibake does not: Big5 read as GB18030 has at most 52% such characters over the 81 corpus
files (eval/README "Encodings"). So a decoding counts as text when at least MIN_COMMON_SHARE of its non-ASCII
characters are common ones.
"""

from __future__ import annotations

from functools import lru_cache

# Chosen from the gap between real text (≥ 0.999 in all 81 corpus files) and mojibake (≤ 0.52): eval/README.
MIN_COMMON_SHARE = 0.9


@lru_cache(maxsize=65536)
def is_common_character(char: str) -> bool:
    """A character of the common simplified (GB2312) or traditional (Big5) sets, punctuation included."""
    for encoding in ("gb2312", "big5"):
        try:
            char.encode(encoding)
        except UnicodeEncodeError:
            continue
        return True
    return False


def common_count(text: str) -> tuple[int, int]:
    """(common, all) non-ASCII, non-space characters of the text."""
    wide = [c for c in text if ord(c) > 0x7F and not c.isspace()]
    return sum(map(is_common_character, wide)), len(wide)


def reads_as_chinese(text: str) -> bool:
    """Whether a decoding is text rather than mojibake; plain ASCII text passes."""
    common, wide = common_count(text)
    return wide == 0 or common >= MIN_COMMON_SHARE * wide
