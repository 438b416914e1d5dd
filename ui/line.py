"""The line for the model: it answers `slots` questions at once (one in-process llama.cpp, or the configured model
servers' slots); everyone else waits in line and is told their place and an estimate, and past `max_waiting` a new
question is told at once that the service is busy instead of waiting unseen.

Hand-written because Gradio's own queue shows place and time only in its English status bar and answers a full
queue with an English toast; this line speaks Chinese in the chat bubble and serves the chat and the /ask API alike.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from config import Settings
from models.llm import server_urls

BUSY = "⚠️ 现在提问的人太多（{waiting}个问题正在排队），请稍后再试。"
WAITING = "排队中：前面还有{ahead}个问题，预计约{seconds}秒后开始回答……"


@dataclass(eq=False)
class Ticket:
    """One question's place in line."""

    joined: float = field(default_factory=time.monotonic)


class ModelLine:
    """First come, first served, `slots` at a time."""

    def __init__(self, slots: int, max_waiting: int, typical_s: float) -> None:
        self.slots = max(1, slots)
        self.max_waiting = max_waiting
        self._waiting: deque[Ticket] = deque()
        self._serving: set[Ticket] = set()
        self._durations: deque[float] = deque([typical_s], maxlen=20)  # the recent answers' seconds
        self._changed = threading.Condition()

    @classmethod
    def for_settings(cls, settings: Settings) -> ModelLine:
        return cls(model_slots(settings), settings.queue_max_waiting, settings.typical_answer_s)

    def join(self) -> Ticket | None:
        """A place in line, or None when the line is full (the caller says BUSY)."""
        with self._changed:
            if len(self._waiting) >= self.max_waiting and len(self._serving) >= self.slots:
                return None
            ticket = Ticket()
            self._waiting.append(ticket)
            self._promote()
            return ticket

    def wait(self, ticket: Ticket, timeout: float) -> bool:
        """Wait up to timeout seconds for the ticket's turn; True once it is being served."""
        with self._changed:
            return self._changed.wait_for(lambda: ticket in self._serving, timeout)

    def ahead(self, ticket: Ticket) -> int:
        """Questions before this one: those waiting in front of it (those being served are counted in the time)."""
        with self._changed:
            return self._waiting.index(ticket) if ticket in self._waiting else 0

    def estimate_s(self, ticket: Ticket) -> int:
        """Seconds until its turn: the rounds of `slots` answers in front of it, at the recent answers' mean."""
        mean = sum(self._durations) / len(self._durations)
        return math.ceil((self.ahead(ticket) // self.slots + 1) * mean)

    def leave(self, ticket: Ticket) -> None:
        """Done, stopped or gone: the next in line is served. Safe to call twice."""
        with self._changed:
            if ticket in self._serving:
                self._serving.discard(ticket)
                self._durations.append(time.monotonic() - ticket.joined)
            elif ticket in self._waiting:
                self._waiting.remove(ticket)
            self._promote()

    def waiting(self) -> int:
        with self._changed:
            return len(self._waiting)

    def _promote(self) -> None:
        while self._waiting and len(self._serving) < self.slots:
            ticket = self._waiting.popleft()
            ticket.joined = time.monotonic()  # its answer's duration counts from here
            self._serving.add(ticket)
        self._changed.notify_all()


def model_slots(settings: Settings) -> int:
    """Answers the model side runs at once: one in-process model, or every server's slots."""
    servers = server_urls(settings)
    return len(servers) * settings.llm_server_slots if servers else 1
