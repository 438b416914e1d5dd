import itertools
from pathlib import Path

import pytest

from ingest.chunking import chunk_text
from ingest.cleaning import clean_body, split_front_matter
from ingest.loaders import read_raw_text
from tests.conftest import SEED
from zhtext.sentences import heading_of, sentence_spans


def _text(path: Path) -> str:
    return clean_body(split_front_matter(read_raw_text(path, 2**25))[1])[0]


@pytest.mark.parametrize("name", [SEED, "2022-10-16_cpc-congress-20.txt"])
def test_offsets_are_exact_and_sizes_bounded(corpus_dir: Path, name: str) -> None:
    text = _text(corpus_dir / name)
    chunks = chunk_text(text, 300, 60)
    assert len(chunks) > 20
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert len(c.text) <= 300
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_section_paths_on_seed_speech(corpus_dir: Path) -> None:
    text = _text(corpus_dir / SEED)
    chunk = next(c for c in chunk_text(text) if "4万多名县处级以上领导干部" in c.text)
    assert chunk.section == "一、实事求是总结2014年组织工作 > (一)以高度政治自觉抓好中央省委重大决策部署的学习"


def test_section_paths_on_congress_report(corpus_dir: Path) -> None:
    text = _text(corpus_dir / "2022-10-16_cpc-congress-20.txt")
    chunks = chunk_text(text)
    chunk = next(c for c in chunks if "人口规模巨大的现代化" in c.text)
    assert chunk.section.startswith("三、新时代新征程中国共产党的使命任务")
    chunk = next(c for c in chunks if c.text.startswith("（二）建设现代化产业体系"))
    assert chunk.section == "四、加快构建新发展格局，着力推动高质量发展 > （二）建设现代化产业体系"


def test_major_heading_starts_a_chunk(corpus_dir: Path) -> None:
    text = _text(corpus_dir / "2022-10-16_cpc-congress-20.txt")
    starts = {c.text.split("\n")[0] for c in chunk_text(text)}
    assert "五、实施科教兴国战略，强化现代化建设人才支撑" in starts


def test_headings_of_all_numbering_styles() -> None:
    assert heading_of("一、实事求是总结2014年组织工作") == (1, "一、实事求是总结2014年组织工作")
    assert heading_of("（三）全面推进乡村振兴。全面建设……") == (2, "（三）全面推进乡村振兴")
    assert heading_of("第一，坚持党的领导。这是根本。") == (3, "第一，坚持党的领导")
    assert heading_of("一是要坚持") is None


def test_sentences_not_split_inside_quotes_or_decimals() -> None:
    text = "增长6.5%左右。他说：“要干。要快干！”大家同意。"
    spans = [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
    assert spans == ["增长6.5%左右。", "他说：“要干。要快干！”", "大家同意。"]


def test_overlap_repeats_whole_sentences() -> None:
    text = "".join(f"第{i}句话说的是一件相当具体的事情。" for i in range(40))
    chunks = chunk_text(text, 100, 40)
    assert len(chunks) > 3
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end  # overlapping
        assert text[b.start - 1] == "。"  # starts on a sentence boundary
