"""Several model servers behind one chat model (models/servers.py): turns, slots, the busy message, down servers, a
stream closed early. Fast tests run against tiny fake OpenAI-compatible servers; the `model` tests start
llama-cpp-python's real server on the bundled GGUF."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from answer.chain import UNAVAILABLE, AnswerChain
from answer.types import DraftEvent, FinalEvent
from config import Settings
from ingest.chroma_server import free_port
from ingest.index import SpeechIndex
from ingest.pipeline import ingest
from models.llm import get_chat_model
from models.servers import ServerPool, ServersBusy, unreachable
from retrieval.hybrid import HybridSearcher
from tests.conftest import REPO

GDP_QUESTION = "2019年政府工作报告提出的国内生产总值增长预期目标是多少？"
GWR_2019 = "2019-03-05_gwr-2019.txt"


class FakeServer:
    """An OpenAI-compatible /v1/chat/completions that streams its name, then `pieces` more chunks `every` seconds
    apart; it notes each request's body and when a client hung up before the end."""

    def __init__(self, name: str, pieces: int = 2, every: float = 0.0, status: int = 200) -> None:
        self.name, self.pieces, self.every, self.status = name, pieces, every, status
        self.requests: list[dict] = []
        self.hung_up = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake.requests.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                if fake.status != 200:
                    self.send_error(fake.status)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                try:
                    for i, piece in enumerate([fake.name] + [f" {n}" for n in range(fake.pieces)]):
                        if i > 1:
                            time.sleep(fake.every)
                        self._event({"role": "assistant", "content": piece} if i == 0 else {"content": piece}, None)
                    self._event({}, "stop")
                    self.wfile.write(b"data: [DONE]\n\n")
                except OSError:  # the client closed the stream
                    fake.hung_up.set()

            def _event(self, delta: dict, finish: str | None) -> None:
                choice = {"index": 0, "delta": delta, "finish_reason": finish}
                chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": [choice]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.http.server_port}/v1"
        threading.Thread(target=self.http.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def servers() -> Iterator[list[FakeServer]]:
    made = [FakeServer("A"), FakeServer("B"), FakeServer("slow", pieces=1000, every=0.02)]
    yield made
    for server in made:
        server.close()


def _pool(urls: list[str], slots: int = 1, wait_s: float = 0.3, **settings: object) -> ServerPool:
    model = get_chat_model(Settings(llm_base_urls=urls, llm_server_slots=slots, llm_wait_s=wait_s, **settings))
    assert isinstance(model, ServerPool)
    return model


def _who(pool: ServerPool) -> str:
    """The name of the server that answers the next request (the stream is closed after its first chunk)."""
    stream = pool.stream("你好")
    try:
        return next(stream).text
    finally:
        stream.close()


def test_requests_go_to_the_servers_in_turn(servers: list[FakeServer]) -> None:
    a, b, _ = servers
    pool = _pool([a.url, b.url])
    assert [pool.invoke("你好").text for _ in range(4)] == ["A 0 1", "B 0 1", "A 0 1", "B 0 1"]
    assert len(a.requests) == len(b.requests) == 2 and pool.in_flight == [0, 0]


def test_a_busy_server_is_skipped_and_a_full_pool_says_so_after_the_wait(servers: list[FakeServer]) -> None:
    a, b, slow = servers
    pool = _pool([slow.url, a.url, b.url], wait_s=0.3)
    open_streams = [pool.stream("你好")]
    assert next(open_streams[0]).text == "slow"  # its slot stays taken while the stream is open
    assert [pool.invoke("你好").text[0] for _ in range(3)] == ["A", "B", "A"]  # the slow server's turn passes on
    for expected in ("B", "A"):  # the last two slots taken
        open_streams.append(pool.stream("你好"))
        assert next(open_streams[-1]).text == expected
    started = time.monotonic()
    with pytest.raises(ServersBusy) as busy:
        pool.invoke("你好")
    assert 0.3 <= time.monotonic() - started < 2
    assert str(busy.value) == "模型服务器都在忙（3台，每台1个并发），请稍后再试。"
    for stream in open_streams:
        stream.close()
    assert pool.in_flight == [0, 0, 0]


def test_each_server_takes_as_many_requests_as_it_has_slots(servers: list[FakeServer]) -> None:
    slow = FakeServer("slow2", pieces=1000, every=0.02)
    try:
        pool = _pool([servers[2].url, slow.url], slots=2, wait_s=0.1)
        streams = [pool.stream("你好") for _ in range(4)]
        assert [next(s).text for s in streams] == ["slow", "slow2", "slow", "slow2"]
        with pytest.raises(ServersBusy, match="（2台，每台2个并发）"):
            pool.invoke("你好")
        for stream in streams:
            stream.close()
        assert pool.in_flight == [0, 0]
    finally:
        slow.close()


def test_a_request_waits_for_a_slot_to_come_free(servers: list[FakeServer]) -> None:
    pool = _pool([servers[2].url], wait_s=10)
    holding = pool.stream("你好")
    next(holding)
    threading.Timer(0.3, holding.close).start()  # the reader of the first answer stops it
    started = time.monotonic()
    assert _who(pool) == "slow"
    assert 0.2 < time.monotonic() - started < 5


def test_a_stream_closed_early_frees_its_slot_and_hangs_up(servers: list[FakeServer]) -> None:
    slow = servers[2]
    pool = _pool([slow.url])
    stream = pool.stream("你好")
    assert [next(stream).text for _ in range(3)] == ["slow", " 0", " 1"]
    assert pool.in_flight == [1]
    stream.close()  # what the chain does when a draft limit cuts it or the reader stops
    assert pool.in_flight == [0]
    assert slow.hung_up.wait(5)  # the server saw the client go: it stops generating


def test_an_unreachable_server_is_skipped_for_a_while(servers: list[FakeServer]) -> None:
    a = servers[0]
    dead = f"http://127.0.0.1:{free_port()}/v1"
    pool = _pool([dead, a.url])
    assert [_who(pool) for _ in range(3)] == ["A", "A", "A"]
    assert pool.in_flight == [0, 0]
    with pytest.raises(ServersBusy, match="模型服务器都连不上（1台）"):
        _pool([dead], wait_s=0.2).invoke("你好")


def test_a_connect_timeout_counts_as_unreachable_a_slow_answer_does_not() -> None:
    class ConnectTimeout(Exception):  # httpx's and httpx2's name
        pass

    def wrapped(error: Exception) -> Exception:
        try:
            try:
                raise error
            except Exception as inner:
                raise TimeoutError("Request timed out.") from inner
        except TimeoutError as outer:
            return outer

    assert unreachable(wrapped(ConnectTimeout()))
    assert not unreachable(wrapped(TimeoutError("read")))


def test_a_server_error_is_raised_not_retried_elsewhere(servers: list[FakeServer]) -> None:
    broken = FakeServer("broken", status=500)
    try:
        pool = _pool([broken.url, servers[0].url])
        with pytest.raises(Exception, match="500"):
            pool.invoke("你好")
        assert pool.in_flight == [0, 0] and _who(pool) == "A" and len(broken.requests) == 1
    finally:
        broken.close()


def test_the_token_cap_reaches_the_server_under_both_names(servers: list[FakeServer]) -> None:
    a = servers[0]
    pool = get_chat_model(Settings(llm_base_urls=[a.url], llm_max_tokens=99))
    pool.invoke("你好")
    (plain,) = a.requests
    assert plain["max_tokens"] == plain["max_completion_tokens"] == 99  # llama-cpp-python's server reads max_tokens


def test_one_base_url_still_works_and_base_urls_win(servers: list[FakeServer]) -> None:
    a, b, _ = servers
    assert _who(_pool_of(Settings(llm_base_url=a.url))) == "A"
    assert _who(_pool_of(Settings(llm_base_url=a.url, llm_base_urls=[b.url]))) == "B"


def _pool_of(settings: Settings) -> ServerPool:
    model = get_chat_model(settings)
    assert isinstance(model, ServerPool)
    return model


def test_busy_servers_reach_the_reader_as_a_refusal_with_the_reason(
    settings: Settings, fake_index: SpeechIndex, corpus_dir: Path, servers: list[FakeServer]
) -> None:
    slow = servers[2]
    ingest([corpus_dir / GWR_2019], settings, fake_index)
    pool = _pool([slow.url], wait_s=0.1)
    keyword_only = settings.model_copy(update={"fusion_dense_weight": 0.0})  # fake vectors would only add noise
    chain = AnswerChain(HybridSearcher(fake_index, fake_index.vectors.embeddings, keyword_only), keyword_only, pool)
    holding = pool.stream("你好")  # another reader's answer holds the only slot
    next(holding)
    try:
        final = [e for e in chain.stream(GDP_QUESTION) if isinstance(e, FinalEvent)]
    finally:
        holding.close()
    (event,) = final
    assert event.answer.abstained and event.answer.answer == UNAVAILABLE
    assert event.answer.reason == "模型服务器都在忙（1台，每台1个并发），请稍后再试"


# The real server: llama-cpp-python's, on the bundled GGUF (one server: RAM and CPU; turns are tested above).


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from models.llm_file import build_llm_file
    from models.llm_server import llama_server

    gguf = build_llm_file(REPO / "data" / "models")
    with llama_server(gguf, tmp_path_factory.mktemp("llama_server") / "log", threads=1, wait_s=120) as url:
        yield url


@pytest.mark.model
def test_real_server_streams_and_keeps_the_token_cap(real_server: str) -> None:
    pool = _pool([real_server], llm_max_tokens=12)
    stream = pool.stream("从1数到100，用逗号隔开。")
    pieces = [chunk.text for chunk in stream]
    assert len([p for p in pieces if p]) >= 5  # streamed, not one block
    assert len([p for p in pieces if p]) <= 12  # the cap held (the server ignores max_completion_tokens alone)
    assert pool.in_flight == [0]


@pytest.mark.model
def test_the_answer_chain_drafts_through_the_real_server(
    real_server: str, settings: Settings, fake_index: SpeechIndex, corpus_dir: Path
) -> None:
    ingest([corpus_dir / GWR_2019], settings, fake_index)
    settings = settings.model_copy(
        update={"llm_base_urls": [real_server], "answer_passages": 2, "fusion_dense_weight": 0.0}
    )
    chain = AnswerChain(HybridSearcher(fake_index, fake_index.vectors.embeddings, settings), settings)
    events = list(chain.stream(GDP_QUESTION))
    final = events[-1]
    assert isinstance(final, FinalEvent) and sum(isinstance(e, DraftEvent) for e in events) >= 3
    assert not final.answer.abstained, final.answer.reason
    assert "6%－6.5%" in final.answer.answer and {c.doc for c in final.answer.citations} == {GWR_2019}
