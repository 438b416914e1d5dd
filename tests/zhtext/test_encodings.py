"""Text or mojibake: the common-character rule that picks a file's decoding."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CORPUS
from zhtext.encodings import MIN_COMMON_SHARE, common_count, reads_as_chinese

# The opening of the 2019 government work report (corpus), and the same in traditional characters.
OPENING = "现在，我代表国务院，向大会报告政府工作，请予审议，并请全国政协委员提出意见。"
TRADITIONAL = "現在，我代表國務院，向大會報告政府工作，請予審議，並請全國政協委員提出意見。"


def test_simplified_and_traditional_text_read_as_chinese() -> None:
    assert OPENING in Path(CORPUS, "2019-03-05_gwr-2019.txt").read_text("utf-8")
    assert reads_as_chinese(OPENING) and reads_as_chinese(TRADITIONAL) and reads_as_chinese("GDP 6%-6.5%")
    assert common_count(OPENING) == (len(OPENING), len(OPENING))


def test_big5_and_utf8_read_as_gb18030_are_mojibake() -> None:
    big5_as_gb = TRADITIONAL.encode("big5").decode("gb18030", errors="replace")
    utf16_as_gb = OPENING.encode("utf-16-le").decode("gb18030", errors="replace")
    for garbled in (big5_as_gb, utf16_as_gb):
        common, wide = common_count(garbled)
        assert common < MIN_COMMON_SHARE * wide and not reads_as_chinese(garbled), garbled
