"""The line for the model: first come first served, each waiting question told its place and an estimate, a full
line says busy at once, and a stopped question gives its place up."""

from __future__ import annotations

import threading

from retrieval.types import SearchFilters
from ui.chat import answer_turn
from ui.context import Services
from ui.line import ModelLine


def test_first_come_first_served_with_places_and_estimates() -> None:
    line = ModelLine(slots=1, max_waiting=2, typical_s=10.0)
    first, second, third = line.join(), line.join(), line.join()
    assert first and second and third
    assert line.wait(first, 0) and not line.wait(second, 0)
    assert (line.ahead(second), line.ahead(third)) == (0, 1)
    assert (line.estimate_s(second), line.estimate_s(third)) == (10, 20)  # one and two answers of 10 s
    assert line.join() is None  # two waiting and the slot taken: busy, said at once
    line.leave(first)
    assert line.wait(second, 0) and line.ahead(third) == 0
    line.leave(third)  # stopped while waiting: gives its place up
    line.leave(second)
    assert line.waiting() == 0 and line.join() is not None


def test_two_slots_serve_two_at_once() -> None:
    line = ModelLine(slots=2, max_waiting=1, typical_s=6.0)
    a, b, c = line.join(), line.join(), line.join()
    assert a and b and c and line.wait(a, 0) and line.wait(b, 0) and not line.wait(c, 0)
    assert line.estimate_s(c) == 6


def test_a_waiting_question_sees_its_place_then_its_answer(services: Services) -> None:
    line = ModelLine(slots=1, max_waiting=1, typical_s=12.0)
    holder = line.join()  # someone else's answer is being written
    assert holder is not None
    turn = answer_turn(services.chain, "国内生产总值增长目标是多少？", [], [], SearchFilters(), line=line)
    waiting = next(turn).chat[-1]["content"]
    assert waiting == "排队中：前面还有0个问题，预计约12秒后开始回答……"
    full = answer_turn(services.chain, "另一个问题？", [], [], SearchFilters(), line=line)
    busy = next(full)
    assert busy.chat[-1]["content"].startswith("⚠️ 现在提问的人太多（1个问题正在排队）")
    threading.Timer(0.5, line.leave, [holder]).start()
    views = list(turn)
    assert "6%－6.5%" in views[-1].chat[-1]["content"] and line.waiting() == 0
    assert line.join() is not None  # the answered question left the line


def test_a_stopped_question_leaves_the_line(services: Services) -> None:
    line = ModelLine(slots=1, max_waiting=1, typical_s=12.0)
    turn = answer_turn(services.chain, "国内生产总值增长目标是多少？", [], [], SearchFilters(), line=line)
    next(turn)  # 正在检索资料: it holds the model's slot
    turn.close()  # 停止 (Gradio closes the generator)
    nxt = line.join()
    assert nxt is not None and line.wait(nxt, 0)
