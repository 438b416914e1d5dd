"""The draft's limits: a loop is a phrase written again and again at the end of the draft; an enumeration of the
corpus, however long and however often it repeats a word, is not; the time limit; the words a user reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from answer.limits import REPETITION, TIME, cut_reason, cut_words, repeated_tail
from config import Settings
from tests.conftest import REPO

SETTINGS = Settings()
LOOP = "净化党内政治生态、正风肃纪、反腐惩恶等方面取得明显成效。"  # the recorded dev2 draft d2b021 looped on this

# Sentences of the corpus that repeat words or short phrases (file, sentence).
ENUMERATIONS = {
    "坚持 three times": (
        "1993-03-15_gwr-1993.txt",
        "我们认真贯彻执行党的基本路线，坚持以经济建设为中心，坚持四项基本原则，坚持改革开放，认真进行治理整顿",
    ),
    "坚持 with a repeated object": (
        "1977-08-12_cpc-congress-11.txt",
        "必须坚持无产阶级对资产阶级的斗争，坚持无产阶级对资产阶级的专政，坚持无产阶级专政下的继续革命。",
    ),
    "严格 four times": (
        "2019-06-24_xi-self-revolution.txt",
        "既要靠各级党组织严格要求、严格教育、严格管理、严格监督，又要靠广大党员、干部自觉行动",
    ),
    "a doubled word": ("1959-04-18_gwr-1959.txt", "已经一天一天遭到了失败。"),
    "a doubled phrase": (
        "2017-10-25_xi-19th-cc-1st-plenum.txt",
        "凝结着十八届中央委员会、中央政治局、中央政治局常委会的智慧和心血。",
    ),
}


def _paragraph(corpus_dir: Path, name: str, start: str) -> str:
    text = (corpus_dir / name).read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin : text.index("\n", begin)]


def _never_cut(text: str) -> list[str]:
    """The prefixes of text (as it streams, one character at a time) that the rule would cut."""
    return [text[:end] for end in range(1, len(text) + 1) if cut_reason(text[:end], 0.0, SETTINGS)]


def test_a_phrase_written_three_times_in_a_row_is_a_loop() -> None:
    draft = "4. 净化党内政治生态。" + LOOP * 3
    assert repeated_tail(draft, 8, 3) == LOOP
    assert cut_reason(draft, 1.0, SETTINGS) == REPETITION


def test_two_copies_are_not_yet_a_loop() -> None:
    assert repeated_tail("4. 净化党内政治生态。" + LOOP * 2 + LOOP[:6], 8, 3) == ""


def test_a_loop_is_found_whatever_piece_of_the_phrase_the_draft_stops_at() -> None:
    # a token can carry the next copy's first characters: the tail is still one phrase (rotated) three times
    assert repeated_tail("前文。" + LOOP * 3 + LOOP[:5], 8, 3) == (LOOP[5:] + LOOP[:5])


def test_a_loop_of_a_short_word_is_found_once_it_spans_three_phrases() -> None:
    assert repeated_tail("答：" + "发展" * 12, 8, 3) == "发展" * 4
    assert repeated_tail("答：" + "发展" * 11, 8, 3) == ""


@pytest.mark.parametrize("key", sorted(ENUMERATIONS))
def test_repeated_words_of_the_corpus_are_not_a_loop(corpus_dir: Path, key: str) -> None:
    name, sentence = ENUMERATIONS[key]
    assert sentence in (corpus_dir / name).read_text(encoding="utf-8")
    assert _never_cut(sentence) == []


def test_a_long_ordinal_enumeration_is_not_a_loop(corpus_dir: Path) -> None:
    # 一是要坚持……相统一，……二是要坚持……相统一，…… four members, 600 characters
    paragraph = _paragraph(corpus_dir, "2019-06-24_xi-self-revolution.txt", "一是要坚持加强党的集中统一领导")
    assert paragraph.count("是要坚持") == 4 and len(paragraph) > 400
    assert _never_cut(paragraph) == []


def test_a_paragraph_the_corpus_itself_prints_twice_is_not_a_loop(corpus_dir: Path) -> None:
    # the 2015 report prints one paragraph twice in a row; a model that copies it writes it twice, not three times
    once = _paragraph(corpus_dir, "2015-03-05_gwr-2015.txt", "加大简政放权、放管结合改革力度")
    twice = f"{once}\n\n{once}"
    assert len(once) == 147 and twice in (corpus_dir / "2015-03-05_gwr-2015.txt").read_text(encoding="utf-8")
    assert _never_cut(twice) == []


def test_no_recorded_draft_would_have_been_cut_by_repetition() -> None:
    """The 222 drafts of three live runs, as they streamed: none ends in a loop at any point (d2b021 was a loop
    the 384-token cap stopped at two copies and a third of its phrase)."""
    cut = []
    for path in sorted((REPO / "eval" / "results").glob("drafts_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            cut += [record["id"] for part in record["parts"] if _never_cut(part["draft"])]
    assert cut == []


def test_the_time_limit_counts_from_the_call() -> None:
    limit = SETTINGS.draft_time_limit_s
    assert cut_reason("国内生产总值增长6%－6.5%。", limit, SETTINGS) == ""
    assert cut_reason("国内生产总值增长6%－6.5%。", limit + 0.1, SETTINGS) == TIME


def test_a_cut_in_plain_words() -> None:
    settings = Settings(draft_time_limit_s=120.0)
    assert cut_words(TIME, settings) == "模型写了120秒仍未写完，草稿已被截断"
    assert cut_words(REPETITION, settings) == "模型开始反复重复同一段话，草稿已被截断"
    assert cut_words("", settings) == ""
