"""Property: a draft that copies a stretch of a passage verbatim is never dropped by attribution.

Whatever the answer mode, a model that copies the source must not be refused for it (issue 15). Hypothesis draws
real sentences and sentence runs from corpus documents (any document, any position) and checks that attribution
cites the passage they were copied from.
"""

from __future__ import annotations

import re
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answer.attribution import attribute, clauses
from config import Settings
from ingest.chunking import chunk_text
from ingest.pipeline import prepare
from retrieval.types import Passage
from tests.conftest import CORPUS

DOCS = [
    "2019-03-05_gwr-2019.txt",
    "2022-10-16_cpc-congress-20.txt",
    "000_aed499d8bb92d2d1.txt",
    "1959-04-18_gwr-1959.txt",
    "2026-02-03_prov-gwr-2026-sichuan.txt",
]


@cache
def _chunks(name: str) -> list[str]:
    text = prepare(CORPUS.resolve() / name, Settings()).text
    return [c.text for c in chunk_text(text)]


@st.composite
def copied(draw: st.DrawFn) -> tuple[str, str]:
    """(a passage, a stretch of one to three of its sentences as a draft)."""
    chunk = draw(st.sampled_from(_chunks(draw(st.sampled_from(DOCS)))))
    sentences = [s for s in re.findall(r"[^。！？；\n]+[。！？；]?", chunk) if s.strip()]
    starts = [i for i, s in enumerate(sentences) if len(s.strip()) >= 8]
    if not starts:
        return chunk, chunk
    first = draw(st.sampled_from(starts))
    count = draw(st.integers(1, 3))
    # consecutive sentences, short ones included: skipping one (a 揭榜 on its own line) is not a verbatim copy
    return chunk, "".join(sentences[first : first + count]).strip()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(copied())
def test_a_verbatim_copy_is_always_cited_to_its_passage(case: tuple[str, str]) -> None:
    chunk, draft = case
    other = Passage("o", "o.txt", "其他", "", "", "讲话", "", 0, 10, "完全无关的一段话，讲的是别的事情。", 1.0)
    passage = Passage("p", "p.txt", "标题", "", "", "讲话", "", 0, len(chunk), chunk, 1.0)
    found = attribute(draft, "这段话说了什么？", [other, passage])
    cited = [c for c in found if c.passages]
    # A bare lead-in (主要有：, 包括：) claims nothing; the sentence after it is what gets cited. Nor do fewer than
    # three word characters: the number of the next list item a copy ends on ("…惠民生。10."), a closing "等等。".
    claims = [
        c for c in clauses(draft) if not (c.endswith(("：", ":")) and len(c) <= 5) and len(re.sub(r"\W", "", c)) >= 3
    ]
    assert len(cited) >= len(claims), f"part of a verbatim copy dropped: {draft!r}"
    assert all(s.passage == 1 for c in cited for s in c.passages)
