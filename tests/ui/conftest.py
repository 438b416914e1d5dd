"""The panels' services: one report, keyword search only, a fake model that answers its GDP target."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from answer.chain import AnswerChain
from config import Settings
from ingest.index import SpeechIndex
from ingest.pipeline import ingest
from retrieval.hybrid import HybridSearcher
from ui.context import Services

GWR_2019 = "2019-03-05_gwr-2019.txt"


@pytest.fixture
def services(settings: Settings, fake_index: SpeechIndex, corpus_dir: Path) -> Services:
    ingest([corpus_dir / GWR_2019], settings, fake_index)
    keyword_only = settings.model_copy(update={"fusion_dense_weight": 0.0})
    searcher = HybridSearcher(fake_index, fake_index.vectors.embeddings, keyword_only)
    chain = AnswerChain(searcher, keyword_only, FakeListChatModel(responses=["国内生产总值增长6%－6.5%。"]))
    return Services(keyword_only, fake_index, searcher, chain)
