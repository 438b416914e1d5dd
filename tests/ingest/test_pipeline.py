"""Ingest end to end with fake embeddings: formats, bad input, idempotency, updates, removal, crash safety."""

from pathlib import Path

import pytest

from config import Settings
from ingest.index import SpeechIndex
from ingest.pipeline import ingest
from tests.conftest import SEED

SPEECH = (
    "---\ntitle: 测试讲话\nspeaker: 张三\ndate: 2024-05-01\n---\n\n一、总体要求\n\n"
    "今年国内生产总值增长5%左右。城镇新增就业1200万人以上。\n"
)


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_bad_files_are_reported_by_name_and_the_rest_ingest(
    tmp_path: Path, settings: Settings, fake_index: SpeechIndex
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "good.txt", SPEECH)
    _write(folder, "empty.txt", b"")
    _write(folder, "binary.txt", b"\x00\x01\x02PK\x03\x04" * 100)
    _write(folder, "notes.xlsx", b"PK\x03\x04")
    _write(folder, "bad.txt", b"\x80\xff" * 40)
    _write(folder, "broken.docx", b"this is not a zip")
    big = folder / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(50 * 2**20)
    report = ingest([folder, tmp_path / "nope.txt"], settings, fake_index)
    reasons = dict(report.failed)
    assert report.added == ["good.txt"]
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "unsupported file type '.xlsx'" in reasons["notes.xlsx"]
    assert "bad.txt" in reasons
    assert "not a readable .docx" in reasons["broken.docx"]
    assert "too large (50.0 MB" in reasons["huge.txt"]
    assert reasons["nope.txt"] == "no such file"
    assert not report.ok
    assert [d.doc_id for d in fake_index.store.documents()] == ["good.txt"]


def test_encodings_and_formats(tmp_path: Path, settings: Settings, fake_index: SpeechIndex) -> None:
    import docx
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    folder = tmp_path / "in"
    folder.mkdir()
    body = "在全省工作会议上的讲话\n\n一、总体要求\n\n今年国内生产总值增长5%左右。"
    _write(folder, "gbk.txt", body.encode("gb18030"))
    _write(folder, "utf16.md", body.encode("utf-16"))
    _write(
        folder,
        "page.html",
        "<html><head><title>网页标题</title></head><body><article><h1>网页标题</h1>"
        "<p>今年国内生产总值增长5%左右。城镇新增就业1200万人以上，调查失业率5.5%左右。</p>"
        "<p>居民消费价格涨幅2%左右。粮食产量1.3万亿斤以上。</p></article></body></html>",
    )
    document = docx.Document()
    for para in body.split("\n\n"):
        document.add_paragraph(para)
    document.save(folder / "word.docx")
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(folder / "report.pdf"))
    pdf.setFont("STSong-Light", 12)
    for n, line in enumerate(body.split("\n\n")):
        pdf.drawString(50, 800 - 20 * n, line)
    pdf.save()
    report = ingest([folder], settings, fake_index)
    assert report.failed == []
    texts = {d.doc_id: d.text for d in fake_index.store.documents()}
    for name in ("gbk.txt", "utf16.md", "word.docx", "report.pdf"):
        assert "今年国内生产总值增长5%左右。" in texts[name], name
        assert fake_index.store.document(name).title == "在全省工作会议上的讲话"
    assert "城镇新增就业1200万人以上" in texts["page.html"]


def test_reingest_is_idempotent_and_changes_replace_chunks(
    tmp_path: Path, settings: Settings, fake_index: SpeechIndex
) -> None:
    path = _write(tmp_path, "speech.txt", SPEECH)
    first = ingest([path], settings, fake_index)
    assert first.added == ["speech.txt"] and first.chunks > 0
    again = ingest([path], settings, fake_index)
    assert again.unchanged == ["speech.txt"] and again.chunks == 0
    _write(tmp_path, "speech.txt", SPEECH.replace("5%左右", "6%以上"))
    changed = ingest([path], settings, fake_index)
    assert changed.updated == ["speech.txt"]
    stored = fake_index.store.all_chunks()
    assert any("6%以上" in c.text for c in stored) and not any("5%左右" in c.text for c in stored)
    assert sorted(fake_index.vectors.get(include=[])["ids"]) == sorted(c.id for c in stored)
    hits = fake_index.keyword().search("6%以上", 5)
    assert hits and hits[0][0] in {c.id for c in stored}


def test_a_second_file_of_the_same_name_is_a_conflict_not_a_replacement(
    tmp_path: Path, settings: Settings, fake_index: SpeechIndex
) -> None:
    (tmp_path / "corpus").mkdir()
    real = _write(tmp_path / "corpus", "2019-03-05_gwr-2019.txt", SPEECH)
    assert ingest([real], settings, fake_index).added == [real.name]
    (tmp_path / "uploads").mkdir()
    tampered = _write(tmp_path / "uploads", real.name, SPEECH.replace("5%左右", "99%"))
    report = ingest([tampered], settings, fake_index)
    assert not report.ok and report.failed[0][0] == real.name and report.failed[0][1].startswith("name conflict")
    assert not any("99%" in c.text for c in fake_index.store.all_chunks())  # the real text stays
    real.unlink()  # the original moved away: the file of that name now updates its document as before
    assert ingest([tampered], settings, fake_index).updated == [real.name]


def test_remove_drops_vectors_keywords_and_text(tmp_path: Path, settings: Settings, fake_index: SpeechIndex) -> None:
    path = _write(tmp_path, "speech.txt", SPEECH)
    ingest([path], settings, fake_index)
    assert fake_index.remove_document("speech.txt")
    assert fake_index.store.documents() == []
    assert fake_index.vectors.get(include=[])["ids"] == []
    assert fake_index.keyword().search("国内生产总值", 5) == []


def test_interrupted_ingest_leaves_no_half_document(
    tmp_path: Path, settings: Settings, fake_index: SpeechIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "speech.txt", SPEECH)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fake_index.store, "commit_document", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest([path], settings, fake_index)
    monkeypatch.undo()
    assert fake_index.vectors.get(include=[])["ids"]  # vectors were written before the crash …
    from langchain_core.embeddings import DeterministicFakeEmbedding

    reopened = SpeechIndex.open(settings, DeterministicFakeEmbedding(size=32))
    assert reopened.store.documents() == []
    assert reopened.vectors.get(include=[])["ids"] == []  # … and are gone once the index is reopened
    assert ingest([path], settings, reopened).added == ["speech.txt"]


def test_missing_source_files_are_reported(tmp_path: Path, settings: Settings, fake_index: SpeechIndex) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = _write(folder, "speech.txt", SPEECH)
    ingest([folder], settings, fake_index)
    path.unlink()
    assert ingest([folder], settings, fake_index).missing == ["speech.txt"]


def test_whole_seed_speech_ingests(settings: Settings, fake_index: SpeechIndex, corpus_dir: Path) -> None:
    report = ingest([corpus_dir / SEED], settings, fake_index)
    assert report.added == [SEED] and report.chunks > 20
    chunk = fake_index.store.all_chunks()[0]
    assert chunk.doc_id == SEED and chunk.start == 0


def test_odd_encodings_pages_and_links_are_read_or_refused_with_a_reason(
    tmp_path: Path, settings: Settings, fake_index: SpeechIndex
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    traditional = "在全省工作會議上的講話\n\n今年國內生產總值增長5%左右。"
    body = "在全省工作会议上的讲话\n\n今年国内生产总值增长5%左右。"
    _write(folder, "big5.txt", traditional.encode("big5"))  # GB18030 would accept these bytes as mojibake
    _write(folder, "utf16.txt", body.encode("utf-16-le"))  # no BOM
    damaged = body.encode("utf-8")
    _write(folder, "damaged.txt", damaged[:9] + b"\xff\xfe\x80" + damaged[9:])
    _write(folder, "shell.html", '<html><body><div id="app"></div><script>render()</script><p>请启用JavaScript</p>')
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    report = ingest([folder], settings, fake_index)
    texts = {d.doc_id: d.text for d in fake_index.store.documents()}
    assert "今年國內生產總值增長5%左右。" in texts["big5.txt"]
    assert "今年国内生产总值增长5%左右。" in texts["utf16.txt"]
    reasons = dict(report.failed)
    assert reasons["damaged.txt"].startswith("damaged UTF-8: bad byte at offset 9 (line 1) and 2 more")
    assert reasons["shell.html"].startswith("the page's text is drawn by JavaScript")
    assert reasons["loop"].startswith("symbolic link to the folder")
    assert reasons["self.txt"].startswith("symbolic link loop")
    assert reasons["gone.txt"].startswith("broken symbolic link")
    assert sorted(texts) == ["big5.txt", "utf16.txt"]
