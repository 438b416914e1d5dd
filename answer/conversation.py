"""Follow-up questions: which stand on their own, and how one that leans on the conversation is asked and searched.

No model call: a 1.5B model asked to rewrite a follow-up often answered it, or pulled an unrelated next question
into the previous topic. A question that stands on its own is searched as it is; one that leans on the previous
turn (那近期目标呢？, 其中中央财政赤字是多少？) is searched together with the previous question, within the
documents that turn was about, and the model reads it after the previous question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from answer.types import Turn
from zhtext.frames import FOLLOW_UP


@dataclass(frozen=True)
class Resolved:
    """A question made ready for retrieval and the model."""

    question: str  # what the model is asked
    search: str  # what is searched
    about: str  # what the cited text must address (the focus check)
    documents: tuple[str, ...] = ()  # documents carried over from the previous turn (a filter); () = none


def depends_on_conversation(question: str) -> bool:
    """Whether the question points back to the conversation rather than standing on its own."""
    return bool(FOLLOW_UP.search(question.strip()))


def resolve(question: str, history: Sequence[Turn], names_documents: bool) -> Resolved:
    """The question as asked when it stands alone (or there is no conversation); otherwise joined to the previous
    turn. A follow-up that names no document keeps the documents the previous turn was about."""
    if not history or not depends_on_conversation(question):
        return Resolved(question, question, question)
    previous = history[-1]
    earlier = previous.standalone_question or previous.question
    carried = () if names_documents else previous.named_documents or previous.cited_documents
    return Resolved(f"（接着上一个问题：{previous.question}）{question}", f"{earlier} {question}", question, carried)
