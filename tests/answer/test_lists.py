"""Lists in full: an enumeration a verified clause begins is completed from its document (answer/lists.py)."""

from __future__ import annotations

from answer.attribution import AttributedClause, Support, attribute
from answer.lists import asked_in_view, completed
from answer.render import render
from retrieval.types import Passage

# 2012 congress report: a lead-in, then one paragraph a requirement (shortened); the chunks hold two paragraphs each,
# so the list runs over three passages and retrieval found only the first.
DOC = (
    "在新的历史条件下夺取中国特色社会主义新胜利，必须牢牢把握以下基本要求，并使之成为全党全国各族人民的共同信念。\n\n"
    "——必须坚持人民主体地位。中国特色社会主义是亿万人民自己的事业。\n\n"
    "——必须坚持解放和发展社会生产力。解放和发展社会生产力是中国特色社会主义的根本任务。\n\n"
    "——必须坚持推进改革开放。改革开放是坚持和发展中国特色社会主义的必由之路。\n\n"
    "——必须坚持维护社会公平正义。公平正义是中国特色社会主义的内在要求。\n\n"
    "实现这些要求，需要全党共同努力。"
)


def _chunks() -> list[tuple[int, int]]:
    """Two paragraphs a chunk, as the chunker's offsets."""
    starts = [0] + [i + 2 for i in range(len(DOC)) if DOC.startswith("\n\n", i)]
    ends = [s - 2 for s in starts[1:]] + [len(DOC)]
    return [(starts[i], ends[min(i + 1, len(starts) - 1)]) for i in range(0, len(starts), 2)]


def _passage(start: int, end: int) -> Passage:
    return Passage(f"c{start}", "2012.txt", "十八大报告", "", "2012-11-08", "报告", "", start, end, DOC[start:end], 0.0)


class Source:
    """The index as list completion sees it: the document and its stored chunks."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, int]] = []

    def document_text(self, doc_id: str) -> tuple[str, str] | None:
        return ("v1", DOC) if doc_id == "2012.txt" else None

    def passage_at(self, doc_id: str, start: int, end: int) -> Passage | None:
        self.asked.append((start, end))
        return next((_passage(s, e) for s, e in _chunks() if s <= start and end <= e), None)


QUESTION = "十八大报告提出，夺取中国特色社会主义新胜利必须牢牢把握哪些基本要求？"


def _first_requirement() -> tuple[list[AttributedClause], list[Passage]]:
    retrieved = [_passage(*_chunks()[0])]
    return attribute("必须坚持人民主体地位。", QUESTION, retrieved), retrieved


def test_a_list_the_answer_begins_is_completed_from_passages_it_was_not_given() -> None:
    kept, retrieved = _first_requirement()
    clauses, cited = completed(QUESTION, kept, retrieved, Source(), lambda text: True)
    text, citations = render(clauses, cited)
    items = ["人民主体地位", "解放和发展社会生产力", "推进改革开放", "维护社会公平正义"]
    assert [text.index(f"必须坚持{item}") for item in items] == sorted(text.index(f"必须坚持{i}") for i in items)
    assert len(citations) == 3 and cited[0] is retrieved[0]  # the given passage, then two stored ones
    assert all(c.quote in DOC and DOC[c.quote_start : c.quote_end] == c.quote for c in citations)
    assert "实现这些要求" not in text  # the paragraph after the list is not an item


def test_lists_are_completed_only_when_they_are_what_is_asked() -> None:
    kept, retrieved = _first_requirement()

    def unchanged(question: str, addresses: bool) -> bool:
        clauses, cited = completed(question, kept, retrieved, Source(), lambda text: addresses)
        return clauses == kept and cited == retrieved

    assert unchanged("十八大报告把什么放在首位？", True)  # asks for one thing
    assert unchanged("必须牢牢把握哪三项基本要求？", True)  # the count asked is not the list's (4)
    assert unchanged("报告提出了哪些要求？", False)  # the list's words are not the question's
    assert not unchanged("必须牢牢把握哪四项基本要求？", False)  # a count that matches says it is this list


def test_a_detail_inside_one_item_does_not_pull_in_the_list() -> None:
    retrieved = [_passage(*_chunks()[0])]
    detail = attribute("中国特色社会主义是亿万人民自己的事业。", QUESTION, retrieved)
    assert completed(QUESTION, detail, retrieved, Source(), lambda text: True)[0] == detail


def test_an_item_already_shown_is_not_added_twice() -> None:
    retrieved = [_passage(0, len(DOC))]  # one passage holds the whole list
    at = DOC.index("必须坚持推进改革开放")
    kept = attribute("必须坚持人民主体地位。", QUESTION, retrieved) + [
        AttributedClause("必须坚持推进改革开放", [Support(0, 1.0, at, at + 10)])
    ]
    source = Source()
    clauses, cited = completed(QUESTION, kept, retrieved, source, lambda text: True)
    text, citations = render(clauses, cited)
    assert text.count("推进改革开放") == 1 and len(citations) == 1 and not source.asked


def _answered_after_the_list() -> tuple[list[Passage], list[AttributedClause]]:
    """The three chunks, and an answer quoting the sentence after the list (in the third)."""
    retrieved = [_passage(*c) for c in _chunks()]
    at = retrieved[2].text.index("实现这些要求")
    return retrieved, [AttributedClause("实现这些要求", [Support(2, 1.0, at, at + 6)])]


def test_the_list_asked_for_replaces_a_draft_that_answered_from_elsewhere() -> None:
    # dev2 (1988 report): asked 深化企业改革's 一要…四要, the model answered with the section's opening sentence
    retrieved, elsewhere = _answered_after_the_list()
    lead = asked_in_view(QUESTION, elsewhere, retrieved, [0, 2], Source(), lambda text: True)
    assert lead is not None and len(lead) == 1 and lead[0].text.startswith("在新的历史条件下")
    clauses, cited = completed(QUESTION, lead, retrieved, Source(), lambda text: True)
    text, _ = render(clauses, cited)
    assert all(f"必须坚持{item}" in text for item in ("人民主体地位", "推进改革开放", "维护社会公平正义"))


def test_no_list_replaces_the_draft_unless_it_is_the_one_asked_for_in_view() -> None:
    retrieved, elsewhere = _answered_after_the_list()
    begun, _ = _first_requirement()

    def asked(question: str, kept: list[AttributedClause], view: list[int], addresses: bool) -> bool:
        return asked_in_view(question, kept, retrieved, view, Source(), lambda text: addresses) is not None

    assert asked(QUESTION, elsewhere, [0], True)
    assert not asked("十八大报告把什么放在首位？", elsewhere, [0], True)  # asks for one thing
    assert not asked("必须牢牢把握哪三项基本要求？", elsewhere, [0], True)  # the list has four
    assert not asked(QUESTION, elsewhere, [0], False)  # the list's words are not the question's
    assert not asked(QUESTION, elsewhere, [1, 2], True)  # its lead-in was not in the prompt
    assert not asked(QUESTION, begun, [0], True)  # the answer begins it already: completion finishes it
