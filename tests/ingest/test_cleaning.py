from pathlib import Path

from ingest.cleaning import clean_body, split_front_matter
from ingest.loaders import read_raw_text
from ingest.metadata import infer_metadata
from tests.conftest import SEED


def _prepare(path: Path):
    front, body = split_front_matter(read_raw_text(path, 2**25))
    text, page_title = clean_body(body)
    return front, text, infer_metadata(path, front, text, page_title)


def test_seed_web_page_boilerplate_is_removed_and_speech_kept(corpus_dir: Path) -> None:
    _, text, meta = _prepare(corpus_dir / SEED)
    assert "小编" not in text and "推荐访问" not in text and "猜你喜欢" not in text
    assert "浏览次数" not in text and "(全文完整)" not in text
    assert text.startswith("把全面从严治党要求贯彻落实到组织工作各个方面")
    assert "对4万多名县处级以上领导干部进行全覆盖培训" in text
    assert text.rstrip().endswith("作出组织系统新的更大贡献!")
    assert meta.title == "把全面从严治党要求贯彻落实到组织工作各个方面——在全省组织部长会议上讲话"
    assert meta.genre == "讲话"


def test_front_matter_fields_with_colons_in_values(corpus_dir: Path) -> None:
    front, text, meta = _prepare(corpus_dir / "2019-03-05_gwr-2019.txt")
    assert front["source"].startswith("aldohemsn/chinese-political-corpora:government_work_reports.jsonl (Wikisource:")
    assert meta.title == "2019年国务院政府工作报告" and meta.speaker == "李克强"
    assert meta.date == "2019-03-05" and meta.year == 2019 and meta.genre == "政府工作报告"
    assert not text.startswith("---") and "title:" not in text[:200]


def test_metadata_without_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "2021-07-01_speech.txt"
    path.write_text("在庆祝大会上的讲话\n\n（2021年7月1日）\n\n习近平\n\n同志们：今天是个好日子。", encoding="utf-8")
    _, _, meta = _prepare(path)
    assert meta.title == "在庆祝大会上的讲话"
    assert meta.date == "2021-07-01" and meta.year == 2021 and meta.speaker == "习近平"


def test_genre_from_title(corpus_dir: Path) -> None:
    assert _prepare(corpus_dir / "2026-01-25_prov-gwr-2026-beijing.txt")[2].genre == "省级政府工作报告"
    assert _prepare(corpus_dir / "2017-10-18_cpc-congress-19.txt")[2].genre == "党代会报告"
