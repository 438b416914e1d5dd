"""Grading real items of the bank: width, numerals, units, ranges, list order, partial lists, a changed character, a
dropped 的, choices by letter, and the time per answer."""

from __future__ import annotations

import time

import pytest

from quiz.grading import close_enough, grade
from quiz.model import LIST, NUMBER, ORDER, TERM, WHICH_DOC, QuizItem
from quiz.service import QuizService


def find(bank: list[QuizItem], kind: str, doc: str, answer: tuple[str, ...] | str) -> QuizItem:
    """The bank's item of this kind and document whose key is `answer`."""
    wanted = (answer,) if isinstance(answer, str) else answer
    return next(it for it in bank if it.kind == kind and it.doc.startswith(doc) and it.answer == wanted)


@pytest.mark.parametrize(
    "answer, correct",
    [
        ("6%－6.5%", True),
        ("6%-6.5%", True),
        ("６％－６.５％", True),
        ("6-6.5%", True),  # width, a shared unit
        ("百分之六到六点五", True),  # Chinese numerals
        ("6.5%", False),
        ("6%", False),
        ("6%－7%", False),
        ("6-6.5个百分点", False),  # half a range, other values, units
    ],
)
def test_numbers_width_numerals_ranges_units(bank: list[QuizItem], answer: str, correct: bool) -> None:
    item = find(bank, NUMBER, "2019-03-05", "6%－6.5%")  # 2019 report: 国内生产总值增长6%－6.5%
    result = grade(item, answer)
    assert result.correct is correct, (answer, result)
    if answer == "6.5%":
        assert result.note == "原文是一个区间"


@pytest.mark.parametrize(
    "answer, correct, note",
    [
        ("1361万人", True, ""),
        ("一千三百六十一万人", True, ""),
        ("13610000人", True, ""),
        ("1361万", True, "数值正确，单位省略"),
        ("1361万元", False, "单位不同：应为人"),
        ("1361", False, "数值不同"),
    ],
)
def test_number_units(bank: list[QuizItem], answer: str, correct: bool, note: str) -> None:
    item = find(bank, NUMBER, "2019-03-05", "1361万人")  # 2019 report: 城镇新增就业1361万人
    result = grade(item, answer)
    assert (result.correct, result.note) == (correct, note)


def test_chinese_numeral_keys(bank: list[QuizItem]) -> None:
    item = find(bank, NUMBER, "1959-04-18", "百分之六十")
    assert grade(item, "60%").correct and grade(item, "百分之六十").correct and not grade(item, "6%").correct


def test_lists_are_sets_with_right_missed_extra(bank: list[QuizItem]) -> None:
    item = next(it for it in bank if it.kind == LIST and it.answer == ("阶级斗争", "生产斗争", "科学实验"))
    assert grade(item, "科学实验、阶级斗争、生产斗争").correct  # any order
    assert grade(item, "阶级斗争、生产斗争和科学实验").correct  # 和 joining the last two
    assert grade(item, ["阶级斗争", "生产斗争", "科学实验"]).correct
    partial = grade(item, "阶级斗争，路线斗争")
    assert not partial.correct and partial.right == ("阶级斗争",) and partial.missed == ("生产斗争", "科学实验")
    assert partial.extra == ("路线斗争",) and partial.score == pytest.approx(1 / 4)


def test_a_dropped_de_and_a_changed_character(bank: list[QuizItem]) -> None:
    four = find(
        bank,
        LIST,
        "1987-10-25",
        ("坚持社会主义道路", "坚持人民民主专政", "坚持中国共产党的领导", "坚持马克思列宁主义毛泽东思想"),
    )
    answer = "坚持社会主义道路、坚持人民民主专政、坚持中国共产党领导、坚持马克思列宁主义毛泽东思想"
    assert grade(four, answer).correct  # 的 dropped
    assert grade(four, answer.replace("专政", "专治")).correct  # one changed character in 8
    assert not grade(four, answer.replace("人民民主专政", "人民民主集中")).correct  # two in 8
    term = find(bank, TERM, "2017-10-18", "四个意识")
    assert grade(term, "“四个意识”").correct and grade(term, "四个意思").correct
    assert not grade(term, "三个意识").correct  # a changed numeral is another formulation
    assert not grade(term, "四个自信").correct


def test_a_typo_never_turns_one_formulation_into_another() -> None:
    assert close_enough("精准扶贫", "精准脱贫")  # a typo, when nothing else is known
    assert not close_enough("精准扶贫", "精准脱贫", known={"精准扶贫"})  # the corpus uses both
    assert not close_enough("六保", "六稳")  # two characters: no typo allowed


def test_choices_by_text_letter_or_what_the_option_contains(bank: list[QuizItem]) -> None:
    item = next(it for it in bank if it.kind == WHICH_DOC and it.doc.startswith("2019-03-05"))
    assert item.options is not None
    letter = "ABCD"[item.options.index(item.answer[0])]
    wrong = "ABCD"[(item.options.index(item.answer[0]) + 1) % 4]
    assert grade(item, letter).correct and grade(item, letter.lower()).correct and not grade(item, wrong).correct
    assert grade(item, item.answer[0]).correct and grade(item, "2019年").correct  # only one option says 2019年


def test_order_items_by_letters_or_text(bank: list[QuizItem]) -> None:
    item = next(it for it in bank if it.kind == ORDER and it.options and len(it.options) >= 3)
    assert item.options is not None
    letters = "".join("ABCDEFG"[item.options.index(member)] for member in item.answer)
    assert grade(item, letters).correct and grade(item, " ".join(letters)).correct
    assert grade(item, list(item.answer)).correct
    swapped = [item.answer[1], item.answer[0], *item.answer[2:]]
    result = grade(item, swapped)
    assert not result.correct and set(result.missed) == {item.answer[0], item.answer[1]}


def test_grading_takes_under_50_ms_per_answer(service: QuizService, bank: list[QuizItem]) -> None:
    sample = bank[::7]
    started = time.perf_counter()
    for item in sample:
        assert service.grade(item.id, item.public_answer).grade.correct, item.id
        service.grade(item.id, "不知道")
    per_answer = (time.perf_counter() - started) / (2 * len(sample))
    assert per_answer < 0.050
