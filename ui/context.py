"""What every panel is built from: the services (index, searcher, chain) and the shared document view."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from answer.chain import AnswerChain
from config import Settings
from ingest.index import SpeechIndex
from retrieval.hybrid import HybridSearcher
from ui.access import Access
from ui.line import ModelLine
from ui.render import document_html

log = logging.getLogger("speechqa.app")
WARM_UP_QUESTION = "国内生产总值增长的预期目标是多少？"


@dataclass
class Services:
    """Everything the app serves from, created once per process."""

    settings: Settings
    index: SpeechIndex
    searcher: HybridSearcher
    chain: AnswerChain

    @classmethod
    def create(cls, settings: Settings) -> Services:
        searcher = HybridSearcher.open(settings)
        return cls(settings, searcher.index, searcher, AnswerChain(searcher, settings))

    def warm_up(self) -> threading.Thread:
        """Load the embedder and the LLM in the background, so the first question does not pay for loading."""

        def load() -> None:
            try:
                self.index.targets()
                # One real question through the whole chain: loads the embedder, reads the LLM's weights in and
                # runs a full-length prompt once (the first real prompt ran 1.6× slower than later ones).
                self.chain.answer(WARM_UP_QUESTION)
                log.info("models loaded")
            except Exception:  # a missing model shows up again, with its message, on the first question
                log.exception("warm-up failed")

        thread = threading.Thread(target=load, name="speechqa-warm-up", daemon=True)
        thread.start()
        return thread

    def changed(self) -> None:
        """After an ingest or a removal: corpus statistics are recomputed on next use."""
        self.index.keyword()
        self.index.targets()
        self.chain.focus.refresh()


@dataclass
class AppContext:
    """Handed to each panel's build(): the services and the views panels share."""

    services: Services
    access: Access = field(default_factory=lambda: Access({}))  # no users: the single local administrator
    listeners: list = field(default_factory=list)  # callables run after the library changes (refresh dropdowns)
    line: ModelLine = field(init=False)  # who the model answers next (ui/line.py), one per app

    def __post_init__(self) -> None:
        self.line = ModelLine.for_settings(self.services.settings)

    def line_capacity(self) -> int:
        """Events that may run at once through the line: those served and those waiting (who see their place)."""
        return self.line.slots + self.line.max_waiting + 1  # +1: the one told it is busy

    def document_html(self, doc_id: str, start: int | None = None, end: int | None = None) -> str:
        """The document as HTML, the span start:end highlighted (offsets into the stored text)."""
        quote = (start, end) if start is not None and end is not None else None
        return document_html(self.services.index.store, doc_id, quote)[1]
