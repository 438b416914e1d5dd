"""The item bank over the whole corpus: keys are exact spans of their sources, options are safe and balanced, ids are
stable, and the goals (items, documents, time) hold."""

from __future__ import annotations

from collections import Counter

from quiz.distractors import OPTIONS, _shares_phrase
from quiz.facts import DocumentFacts
from quiz.grading import plain
from quiz.items import generate
from quiz.labels import document_label
from quiz.model import (
    CHOICE_KINDS,
    NOT_IN_LIST,
    NUMBER,
    NUMBER_CHOICE,
    ORDER,
    TERM,
    WHICH_DOC,
    QuizDocument,
    QuizItem,
)
from quiz.service import QuizService, Scope, item_json
from zhtext.numbers import canonical, parse_quantity, same_quantity
from zhtext.ordinals import congress_ordinals
from zhtext.places import provinces_in
from zhtext.years import years_in


def test_goals_items_documents_and_time(bank: list[QuizItem], generation_seconds: float) -> None:
    assert len(bank) >= 2000
    assert len({item.doc for item in bank}) >= 70
    assert generation_seconds < 60
    assert len({item.id for item in bank}) == len(bank)  # no item made twice


def test_every_key_is_an_exact_span_of_its_quoted_source(bank: list[QuizItem], docs: dict[str, QuizDocument]) -> None:
    for item in bank:
        source = item.source
        assert docs[source.doc].text[source.start : source.end] == source.quote, item.id
        if item.kind == WHICH_DOC:  # the key is the document: its label, and the sentence is in it
            assert item.answer == (document_label(docs[source.doc]),) and source.quote.strip() in item.question
            continue
        assert len(item.answer) == len(item.key_spans) > 0, item.id
        for key, (start, end) in zip(item.answer, item.key_spans):
            assert key in source.quote and docs[source.doc].text[start:end] == key, item.id
            assert source.start <= start and end <= source.end, item.id


def test_choice_options_hold_the_key_once_and_no_distractor_is_also_right(
    bank: list[QuizItem], docs: dict[str, QuizDocument]
) -> None:
    for item in bank:
        if item.kind not in CHOICE_KINDS:
            continue
        assert item.options is not None and len(item.options) == OPTIONS, item.id
        assert item.options.count(item.answer[0]) == 1 and len(set(item.options)) == OPTIONS, item.id
        distractors = [o for o in item.options if o != item.answer[0]]
        if item.kind == NUMBER_CHOICE:
            key = parse_quantity(item.answer[0])
            for d in distractors:
                assert canonical(d) not in canonical(item.source.quote), item.id
                quantity = parse_quantity(d)
                assert key is None or quantity is None or not same_quantity(key, quantity), item.id
        if item.kind == NOT_IN_LIST:  # three members of the list asked about, and the outsider not in it
            assert item.context is not None
            assert all(plain(d) in plain(item.context.quote) for d in distractors), item.id
            assert plain(item.answer[0]) not in plain(item.context.quote), item.id
        if item.kind == WHICH_DOC:  # no other option's document contains the sentence
            others = [d for d in docs.values() if document_label(d) in distractors]
            assert len(others) == OPTIONS - 1
            assert all(plain(item.source.quote) not in plain(d.text) for d in others), item.id


def test_the_right_option_is_in_each_position_20_to_30_percent(bank: list[QuizItem]) -> None:
    four = [item for item in bank if item.kind in CHOICE_KINDS]
    positions = Counter(item.options.index(item.answer[0]) for item in four if item.options)
    assert len(four) > 400
    for position in range(OPTIONS):
        assert 0.20 <= positions[position] / len(four) <= 0.30, positions


def test_order_items_show_every_member_once_out_of_order(bank: list[QuizItem]) -> None:
    for item in bank:
        if item.kind == ORDER:
            assert item.options is not None and sorted(item.options) == sorted(item.answer), item.id
            assert list(item.options) != list(item.answer), item.id


def test_stems_name_their_document(bank: list[QuizItem], docs: dict[str, QuizDocument]) -> None:
    for item in bank:
        if item.kind != WHICH_DOC:
            assert item.question.startswith(document_label(docs[item.doc])), item.id
        else:  # …and a which-document stem gives no year, province or congress away
            assert not (years_in(item.question) or provinces_in(item.question) or congress_ordinals(item.question))
    assert any(it.kind == WHICH_DOC and it.doc.startswith("2026-") for it in bank)  # provincial reports too


def test_generation_is_deterministic(docs: dict[str, QuizDocument]) -> None:
    some = [docs[name] for name in sorted(docs)[40:48]]
    first, second = generate(some), generate(list(reversed(some)))
    assert sorted(first, key=lambda it: it.id) == sorted(second, key=lambda it: it.id)


def test_make_follows_scope_and_seed_and_json_contract(service: QuizService, bank: list[QuizItem]) -> None:
    scope = Scope(docs=("2019-03-05_gwr-2019.txt",))
    quiz = service.make(12, scope, seed=7)
    assert len(quiz) == 12 and all(item.doc == "2019-03-05_gwr-2019.txt" for item in quiz)
    assert [it.id for it in quiz] == [it.id for it in service.make(12, scope, seed=7)]
    assert [it.id for it in quiz] != [it.id for it in service.make(12, scope, seed=8)]
    assert len({it.kind for it in quiz}) >= 4  # kinds take turns
    assert {it.kind for it in service.make(5, Scope(kinds=(ORDER,)))} == {ORDER}
    for item in quiz:
        data = item_json(item)
        assert set(data) >= {"id", "kind", "question", "answer", "source"}
        assert set(data["source"]) == {"doc", "title", "date", "start", "end", "quote"}
        answers = data["answer"] if isinstance(data["answer"], list) else [data["answer"]]
        if item.kind != WHICH_DOC:
            assert all(a in data["source"]["quote"] for a in answers)
        if "options" in data and item.kind in CHOICE_KINDS:
            assert data["options"].count(data["answer"]) == 1


def test_formulation_and_figure_rules_on_real_items(bank: list[QuizItem], docs: dict[str, QuizDocument]) -> None:
    terms = [it for it in bank if it.kind == TERM]
    assert any(it.doc.startswith("2023-03-05") and it.answer == ("四个自信",) for it in terms)
    for item in terms:  # the stem never names the key (a title line), and scare quotes are not formulations
        assert plain(item.answer[0]) not in plain(document_label(docs[item.doc])), item.id
    # 苏修打着“社会主义”、“支持民族解放”、“和平合作”的旗号 (11th congress): scare quotes
    assert not any(it.doc.startswith("1977-08-12") and it.answer == ("社会主义",) for it in terms)
    population = next(
        it for it in bank if it.kind == NUMBER and it.doc.startswith("2003-03-05") and "人口的国家" in it.question
    )
    assert population.answer == ("13亿",) and "近____人口" in population.question  # 人 of 人口 is not a unit


def test_an_outsider_never_shares_a_phrase_with_a_member() -> None:
    assert _shares_phrase("大力深化改革开放", "坚定不移推进改革开放")  # 2017 and 2021 reports: too close to be wrong
    assert not _shares_phrase("完善资金管理", "加强社会管理和公共服务")


def _facts(text: str) -> DocumentFacts:
    return DocumentFacts(QuizDocument("x.txt", "", "", "", 0, "政府工作报告", text))


def test_what_counts_as_a_figure_a_term_and_a_definition() -> None:
    figures = _facts("城镇新增就业1361万人。今后5年要继续努力。").figures  # 2019 report; a duration says little
    assert [f.quantity.text for f in figures] == ["1361万人"] and figures[0].subject == "城镇新增就业"
    assert not _facts("“港车北上”、“澳车北上”、“粤车南下”累计832万辆次。").figures  # Guangdong 2026: 辆次 split
    titled = _facts("印发《四川省耕地林地园地空间治理“一张图”建设总体方案》，推进“一张图”管理。")  # Sichuan 2026
    assert [titled.text[t.start : t.end] for t in titled.terms] == ["一张图"]  # the one outside the title
    defined = _facts("实行“三个高于”，即：用于直接改善农村生产生活条件的投入高于上年，用于西部大开发的投入高于上年。")
    assert [d.term for d in defined.definitions] == ["三个高于"]  # 2007 report
    assert not _facts("“民主派”就是“走资派”的反革命政治纲领。").definitions  # 11th congress: 就是 is no definition
