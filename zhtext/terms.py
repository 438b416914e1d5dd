"""Terms a question or an answer names as one unit: quoted formulations and numbered abbreviations (六稳)."""

from __future__ import annotations

import re

from zhtext.numerals import cn_int

# A quoted formulation is one term: “四个意识”, “绿水青山就是金山银山”. Longer quotations are sentences, not terms.
QUOTED = re.compile(r"“([^”]{2,20})”|「([^」]{2,20})」")
# A numbered abbreviation: 六稳 = 稳就业、稳金融…; 四个心中有 = 心中有党、心中有民…; 两个确立.
_COUNTED = re.compile(r"([一二三四五六七八九十两])个?(.+)")


def quoted_terms(text: str) -> list[str]:
    """The quoted formulations of a text, in order."""
    return [a or b for a, b in QUOTED.findall(text)]


def holds(text: str, term: str) -> bool:
    """Whether the text says the term; a numbered abbreviation ("六稳", "四个心中有") is said by its N expansions
    ("稳就业、稳金融…" holds 稳 six times)."""
    if term in text:
        return True
    counted = _COUNTED.fullmatch(term)
    if counted is None:
        return False
    return text.count(counted.group(2)) >= (cn_int(counted.group(1)) or 99)
