"""The encoding rule of zhtext/encodings.py on the corpus (issue 12): every corpus file re-encoded as GBK, Big5 and
UTF-16 without BOM (characters an encoding lacks are dropped), whole and cut to its first 150 bytes, must decode to
the same text; the common-character share of real text and of mojibake (Big5 read as GB18030, UTF-8 read as
GB18030) shows the gap MIN_COMMON_SHARE sits in; a damaged UTF-8 file must be named as such.

    python eval/encodings.py [--out eval/results/encodings.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from config import Settings
from ingest.loaders import IngestError, bad_utf8_bytes, decode_bytes
from zhtext.encodings import common_count

ENCODINGS = ("gbk", "big5", "utf-16-le", "utf-16-be")


def share(text: str) -> float:
    common, wide = common_count(text)
    return common / wide if wide else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("eval/results/encodings.json"))
    args = parser.parse_args()
    files = sorted(Settings().corpus_dir.glob("*.txt"))
    right = {f"{e} {size}": 0 for e in ENCODINGS for size in ("whole", "150 bytes")}
    wrong: list[str] = []
    real, mojibake, bad_share = [], [], []
    damaged = 0
    for path in files:
        text = path.read_text("utf-8")
        real.append(share(text))
        mojibake.append(share(text.encode("big5", errors="ignore").decode("gb18030", errors="replace")))
        for encoding in ENCODINGS:
            data = text.encode(encoding, errors="ignore")
            if encoding in ("gbk", "big5"):
                bad_share.append(len(bad_utf8_bytes(data)) / len(data))
            for size, cut in (("whole", data), ("150 bytes", data[:150])):
                expected = cut.decode(encoding, errors="ignore")
                try:
                    ok = decode_bytes(cut.decode(encoding, errors="ignore").encode(encoding)) == expected
                except IngestError:
                    ok = False
                right[f"{encoding} {size}"] += ok
                if not ok:
                    wrong.append(f"{path.name} {encoding} {size}")
        data = text.encode("utf-8")
        at = len(text[:400].encode("utf-8"))  # a character boundary
        broken = data[:at] + b"\xff\xfe\x80" + data[at:]
        try:
            decode_bytes(broken)
        except IngestError as exc:
            damaged += str(exc).startswith(f"damaged UTF-8: bad byte at offset {at} ")
    result = {
        "files": len(files),
        "decoded_right": right,
        "wrong": wrong,
        "real_text_min_share": round(min(real), 4),
        "big5_read_as_gb18030_max_share": round(max(mojibake), 4),
        "gbk_big5_read_as_utf8_min_bad_byte_share": round(min(bad_share), 4),
        "damaged_utf8_named_with_offset": damaged,
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
