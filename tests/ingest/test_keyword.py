from pathlib import Path

from ingest.keyword import KeywordIndex, bigram_tokens, jieba_tokens


def test_bigram_tokens_cover_han_runs_numbers_and_latin() -> None:
    assert bigram_tokens("国内生产总值增长6.5%，GDP") == [
        "国内",
        "内生",
        "生产",
        "产总",
        "总值",
        "值增",
        "增长",
        "6.5%",
        "gdp",
    ]
    assert bigram_tokens("党") == ["党"]


def test_jieba_tokens_drop_punctuation() -> None:
    tokens = jieba_tokens("国内生产总值增长6.5%。")
    assert "国内生产总值" in tokens or "生产总值" in tokens
    assert "。" not in tokens


def test_search_respects_allowed_ids_and_survives_save_load(tmp_path: Path) -> None:
    ids = ["a.txt#v1#0", "b.txt#v1#0", "c#1.txt#v1#0"]
    index = KeywordIndex.build(ids, ["赤字率拟按2.6%安排", "赤字率拟按2.8%安排", "城镇新增就业"], "bigram", "s1")
    assert {i for i, _ in index.search("赤字率", 3)} == {"a.txt#v1#0", "b.txt#v1#0"}
    assert [i for i, _ in index.search("赤字率", 3, docs={"b.txt", "c#1.txt"})] == ["b.txt#v1#0"]
    assert index.search("赤字率", 3, docs={"unknown.txt"}) == []
    index.save(tmp_path / "bm25")
    loaded = KeywordIndex.load(tmp_path / "bm25")
    assert loaded is not None and loaded.stamp == "s1"
    assert loaded.search("城镇就业", 1, docs={"c#1.txt"})[0][0] == "c#1.txt#v1#0"
    assert loaded.search("。。", 3) == []
