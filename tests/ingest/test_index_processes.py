"""The index under several real processes killed with -9 at random points: a hypothesis state machine (issue 12).

Rules ingest, change (rewrite one part of a document, then ingest it), remove and open, each in a process of its
own, sometimes two at once; a drawn kill ends a process with SIGKILL after a drawn delay or when it reaches a named
point (vectors written but not committed, committed but the old vectors not dropped, inside repair, a keyword
index version written but not yet published). The machine keeps what each document may hold: a finished operation
decides it, a killed one leaves the before or the after. After every step, with no process alive, a fresh process
reads a copy of the index:

- as the last process left it: each document holds exactly one version the model allows (never a mixture of two),
  every committed chunk has its vector and is found first by a dense search of its own text, a keyword index whose
  stamp is current holds exactly the committed chunks, and no lock is still held;
- after a finished operation that ran alone: vectors and keyword index hold exactly the committed chunks;
- after the repair an open runs: store, vectors and keyword index hold the same chunks, none twice, and every
  chunk is found by a dense search of its own text.

Processes come from a multiprocessing fork server that imported the index code once (a fresh interpreter spends
~4 s importing Chroma and LangChain); each is still a process of its own that opens the index from disk. The
checks run in such a process too: Chroma caches its HNSW index per process, so a process that opened the index
before another wrote did not see those vectors in a search. That was a finding of its own, kept below as two
regression tests (a long-lived reader missed them; a long-lived writer could make them unfindable for everyone; the
index now reloads embedded Chroma when its vectors moved on disk), beside the regressions for two bugs found while
writing it (two processes creating an index at once, which the machine hit; a keyword index labelled with a state
it was not built from, found reading the code).
`eval/index_processes.py` runs the machine longer.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from itertools import count, permutations, product
from pathlib import Path
from typing import Any

import pytest
from chromadb.api.client import SharedSystemClient
from filelock import FileLock, Timeout
from hypothesis import HealthCheck, Phase, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ingest.chunking import chunk_text
from ingest.index import SpeechIndex, index_folder
from ingest.pipeline import ingest, prepare
from tests.ingest import worker

NAMES = ("甲市", "乙市", "丙市")
DOCS = tuple(f"202{n + 1}-03-05_report-{n}.txt" for n in range(len(NAMES)))
HEADINGS = ("一、过去一年的工作", "二、今年的主要任务", "三、加强政府自身建设")
SENTENCES = (
    "各地认真落实各项部署，经济运行总体平稳。",
    "全年新建小型水库三十六座，改造灌区渠道一千二百公里。",
    "城乡居民收入稳步增长，就业形势保持稳定。",
    "坚持把科技创新摆在发展全局的核心位置。",
    "持续推进生态环境保护，空气质量明显改善。",
    "深化重点领域改革，营商环境不断优化。",
    "加快建设现代化产业体系，培育壮大新兴产业。",
    "切实保障和改善民生，办好群众关心的实事。",
)
MAX_KILL_DELAY_MS = 500  # a worker lives ~0.2–0.4 s on this machine (~0.7 s beside another)
PROCESS_TIMEOUT_S = 120.0

# Counted over every run of the machine in this process (eval/index_processes.py reports them).
STATS: Counter[str] = Counter()

# Python 3.11's fork server imports these from its working directory, the repository root as `make test` runs
# pytest; from elsewhere each worker imports the index code itself (correct, ~4 s a process slower).
_FORKSERVER = multiprocessing.get_context("forkserver")
_FORKSERVER.set_forkserver_preload(["tests.ingest.worker"])


def document_text(doc: int, revisions: tuple[int, ...]) -> str:
    """A small report (four chunks: the title, one per part) whose part p is in its revisions[p]-th draft."""
    name = NAMES[doc]
    lines = [f"{name}政府工作报告", ""]
    for part, revision in enumerate(revisions):
        body = f"{name}报告第{part + 1}部分第{revision}稿。" + "".join(
            SENTENCES[(3 * doc + part + revision + i) % len(SENTENCES)] for i in range(4)
        )
        lines += [HEADINGS[part], "", body, ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Kill:
    """SIGKILL after `after_ms` from the process's start, or when it reaches pause point `at`."""

    after_ms: int | None = None
    at: str = ""

    def __repr__(self) -> str:
        return f"Kill(after_ms={self.after_ms})" if self.at == "" else f"Kill(at={self.at!r})"


@dataclass(frozen=True)
class Op:
    kind: str  # ingest | change | remove | open
    doc: int = 0
    part: int = 0  # for change: the part rewritten
    kill: Kill | None = None


@pytest.fixture(autouse=True)
def _embedded_chroma_only(request: pytest.FixtureRequest) -> None:
    """These tests are about embedded Chroma opened by several processes; with --chroma-server (vectors on a
    server) the workers would still use embedded Chroma and only repeat the same run."""
    if request.config.getoption("--chroma-server", default=False):
        pytest.skip("embedded Chroma across processes: run without --chroma-server")


kills = st.one_of(
    st.none(),
    st.builds(Kill, after_ms=st.integers(0, MAX_KILL_DELAY_MS)),
    st.sampled_from(worker.POINTS).map(lambda point: Kill(at=point)),
)
docs = st.integers(0, len(DOCS) - 1)
parts = st.integers(0, len(HEADINGS) - 1)
ops = st.one_of(
    st.builds(Op, kind=st.just("ingest"), doc=docs, kill=kills),
    st.builds(Op, kind=st.just("change"), doc=docs, part=parts, kill=kills),
    st.builds(Op, kind=st.just("remove"), doc=docs, kill=kills),
    st.builds(Op, kind=st.just("open"), kill=kills),
)


@dataclass
class _Running:
    op: Op
    process: Any  # multiprocessing's Process of the fork-server context
    marker: Path
    out: Path
    started: float
    killed: bool = False


class IndexProcesses(RuleBasedStateMachine):
    """Random ingest / change / remove / open by real processes, some killed with -9."""

    def __init__(self) -> None:
        super().__init__()
        STATS["runs"] += 1
        self.root = Path(tempfile.mkdtemp(prefix="speechqa-processes-"))
        self.data_dir, self.docs_dir = self.root / "data", self.root / "docs"
        self.docs_dir.mkdir()
        self.settings = worker.worker_settings(self.data_dir)
        self.folder = index_folder(self.settings)
        self.numbers = count()
        self.revisions = {doc: (0,) * len(HEADINGS) for doc in range(len(DOCS))}
        self.versions: dict[str, tuple[str, ...]] = {}  # content hash → the chunk ids of that version
        self.on_disk: dict[int, str] = {}  # the content hash of each document's file as it is now
        self.possible: dict[int, set[str | None]] = {doc: {None} for doc in range(len(DOCS))}
        self.vectors_clean = True  # no vector without a committed chunk is expected
        self.keyword_fresh = False  # the saved keyword index is expected to carry the store's stamp
        for doc in range(len(DOCS)):
            self._write(doc)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # --- rules ---

    @rule(doc=docs, kill=kills)
    def ingest(self, doc: int, kill: Kill | None) -> None:
        self._step([Op("ingest", doc, kill=kill)])

    @rule(doc=docs, part=parts, kill=kills)
    def change(self, doc: int, part: int, kill: Kill | None) -> None:
        self._step([Op("change", doc, part, kill)])

    @rule(doc=docs, kill=kills)
    def remove(self, doc: int, kill: Kill | None) -> None:
        self._step([Op("remove", doc, kill=kill)])

    @rule(kill=kills)
    def open(self, kill: Kill | None) -> None:
        self._step([Op("open", kill=kill)])

    @rule(first=ops, second=ops)
    def two_at_once(self, first: Op, second: Op) -> None:
        assume(not (first.kind == second.kind == "change" and first.doc == second.doc))  # one file, two writers
        self._step([first, second])

    @rule(a=docs, b=docs, part=parts, kill_a=kills, kill_b=kills)
    def two_changes_at_once(self, a: int, b: int, part: int, kill_a: Kill | None, kill_b: Kill | None) -> None:
        """Two writers at once: two documents changed, or one document changed and ingested twice."""
        self._step([Op("change", a, part, kill_a), Op("change" if b != a else "ingest", b, part, kill_b)])

    # --- the invariants, read from a copy by a fresh process ---

    @invariant()
    def consistent(self) -> None:
        if not self.folder.exists():
            return
        for name in ("write.lock", "bm25.lock"):  # a killed holder's flock died with it, though the file stays
            if (self.folder / name).exists():
                with FileLock(self.folder / name, timeout=0):
                    pass
        found = self._state()
        raw, repaired = found["raw"], found["repaired"]
        STATS["checks"] += 1
        STATS["orphan_states"] += bool(set(raw["vectors"]) - {c[0] for c in raw["chunks"]})
        STATS["stale_keyword_states"] += raw["keyword"] is None or raw["keyword"]["stamp"] != raw["stamp"]
        STATS["keyword_versions_beside_current_max"] = max(
            STATS["keyword_versions_beside_current_max"], len(raw["leftovers"])
        )

        # As the last process left it.
        chunk_ids = [c[0] for c in raw["chunks"]]
        assert len(chunk_ids) == len(set(chunk_ids)), "a chunk id twice in the store"
        assert len(raw["vectors"]) == len(set(raw["vectors"])), "a vector id twice"
        stored_docs = [d[0] for d in raw["docs"]]
        assert len(stored_docs) == len(set(stored_docs)) and set(stored_docs) <= set(DOCS), stored_docs
        for doc, name in enumerate(DOCS):
            version, n_chunks = next(((h, n) for d, h, n in raw["docs"] if d == name), (None, 0))
            assert version in self.possible[doc], f"{name} holds {version}, expected one of {self.possible[doc]}"
            ids = tuple(c[0] for c in raw["chunks"] if c[1] == name)
            assert ids == (self.versions[version] if version else ()), f"{name}: {ids} are not version {version}"
            assert n_chunks == len(ids)
            self.possible[doc] = {version}
        assert not set(chunk_ids) - set(raw["vectors"]), "committed chunks without a vector"
        assert raw["dense_misses"] == [], "committed chunks a dense search of their own text does not find"
        keyword = raw["keyword"]
        if keyword is not None and keyword["stamp"] == raw["stamp"]:
            assert sorted(keyword["ids"]) == sorted(chunk_ids), "a current keyword index of other chunks"
        if self.vectors_clean:
            assert set(raw["vectors"]) == set(chunk_ids), "vectors no chunk owns, with no process killed"
        if self.keyword_fresh:
            assert keyword is not None and keyword["stamp"] == raw["stamp"], "a stale keyword index after an op"

        # After the repair an open runs.
        assert repaired["repair_ran"], "repair found the write lock held with no process alive"
        assert repaired["docs"] == raw["docs"] and repaired["chunks"] == raw["chunks"], "repair changed the store"
        assert sorted(repaired["vectors"]) == sorted(chunk_ids), "vectors ≠ chunks after a repair"
        assert repaired["keyword"]["stamp"] == raw["stamp"] == repaired["keyword_on_disk_stamp"]
        assert sorted(repaired["keyword"]["ids"]) == sorted(chunk_ids), "keyword index ≠ chunks after a repair"
        assert repaired["dense_misses"] == [], "chunks a dense search of their own text does not find"

    # --- plumbing ---

    def _write(self, doc: int) -> None:
        """Write the document's file as its revisions say and note that version's chunk ids."""
        path = self.docs_dir / DOCS[doc]
        path.write_text(document_text(doc, self.revisions[doc]), encoding="utf-8")
        prepared = prepare(path, self.settings)
        chunks = chunk_text(prepared.text, self.settings.chunk_size, self.settings.chunk_overlap)
        ids = tuple(f"{DOCS[doc]}#{prepared.content_hash[:12]}#{c.index}" for c in chunks)
        self.versions[prepared.content_hash] = ids
        self.on_disk[doc] = prepared.content_hash

    def _step(self, ops: list[Op]) -> None:
        STATS["steps"] += 1
        for op in ops:
            if op.kind == "change":
                revisions = list(self.revisions[op.doc])
                revisions[op.part] += 1
                self.revisions[op.doc] = tuple(revisions)
                self._write(op.doc)
        running = [self._start(op) for op in ops]
        self._supervise(running)
        finished: list[bool] = []
        STATS["steps_with_two_processes" if len(ops) == 2 else "steps_with_one_process"] += 1
        for run in running:
            STATS["processes"] += 1
            STATS["ops_" + run.op.kind] += 1
            if run.process.exitcode == -signal.SIGKILL:
                STATS["kills"] += 1
                STATS["kills_at_" + run.op.kill.at if run.op.kill and run.op.kill.at else "kills_after_delay"] += 1
                finished.append(False)
                continue
            result = json.loads(run.out.read_text(encoding="utf-8")) if run.out.exists() else {}
            assert run.process.exitcode == 0, f"{run.op} failed (exit {run.process.exitcode}): {result.get('error')}"
            assert not result["ok"].get("failed"), f"{run.op} reported failures: {result['ok']['failed']}"
            finished.append(True)
        self._update_model(ops, finished)
        if not all(finished):
            self.vectors_clean = self.keyword_fresh = False
        elif len(ops) == 1:  # it repaired at its open (no one held the lock), then refreshed the keyword index
            self.vectors_clean = self.keyword_fresh = True
        else:  # two writers may save their keyword indexes in either order: the last save can be the older
            self.keyword_fresh = False

    def _start(self, op: Op) -> _Running:
        n = next(self.numbers)
        marker, out = self.root / f"marker-{n}", self.root / f"out-{n}.json"
        if op.kind in ("ingest", "change"):
            name, args = "ingest", [str(self.docs_dir / DOCS[op.doc])]
        elif op.kind == "remove":
            name, args = "remove", [DOCS[op.doc]]
        else:
            name, args = "open", []
        pause = op.kill.at if op.kill else ""
        process = _FORKSERVER.Process(
            target=worker.child, args=(self.data_dir, name, args, pause, marker, out), daemon=True
        )
        process.start()
        return _Running(op, process, marker, out, time.monotonic())

    def _supervise(self, running: list[_Running]) -> None:
        """Wait for every process, killing each as its Kill says."""
        deadline = time.monotonic() + PROCESS_TIMEOUT_S
        while any(r.process.is_alive() for r in running):
            now = time.monotonic()
            for r in running:
                kill = r.op.kill
                if kill is None or r.killed or not r.process.is_alive():
                    continue
                due = (now - r.started) * 1000 >= kill.after_ms if kill.after_ms is not None else r.marker.exists()
                if due:
                    r.process.kill()  # os.kill(pid, SIGKILL)
                    r.killed = True
            if now > deadline:
                for r in running:
                    r.process.kill()
                raise AssertionError(f"processes still running after {PROCESS_TIMEOUT_S} s: {[r.op for r in running]}")
            time.sleep(0.005)
        for r in running:
            r.process.join()

    def _update_model(self, ops: list[Op], finished: list[bool]) -> None:
        """Each document may now hold what any order of the operations gives, a killed one done or not."""
        for doc in range(len(DOCS)):
            effects: list[tuple[str | None, bool]] = []
            for op, done in zip(ops, finished):
                if op.kind != "open" and op.doc == doc:
                    effects.append((None if op.kind == "remove" else self.on_disk[doc], done))
            if not effects:
                continue
            outcomes: set[str | None] = set()
            for start in self.possible[doc]:
                for order in permutations(effects):
                    for included in product((True, False), repeat=len(order)):
                        if any(done and not inc for (_, done), inc in zip(order, included)):
                            continue
                        state = start
                        for (effect, _), inc in zip(order, included):
                            state = effect if inc else state
                        outcomes.add(state)
            self.possible[doc] = outcomes

    def _state(self) -> dict[str, Any]:
        """The raw and repaired state of a copy of the data folder, read by a fresh process."""
        n = next(self.numbers)
        copy, out = self.root / f"check-{n}", self.root / f"out-{n}.json"
        shutil.copytree(self.data_dir, copy)
        try:
            process = _FORKSERVER.Process(target=worker.child, args=(copy, "state", [], "", None, out), daemon=True)
            process.start()
            process.join(PROCESS_TIMEOUT_S)
            result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
            assert process.exitcode == 0, f"reading the state failed ({process.exitcode}): {result.get('error')}"
            return result["ok"]
        finally:
            shutil.rmtree(copy, ignore_errors=True)


def machine_settings(max_examples: int, steps: int) -> settings:
    """No example database and no shrinking: a failure hangs on timing as much as on the steps, so a replay may
    not fail again (hypothesis then reports "Inconsistent data generation" instead of the failure)."""
    return settings(
        max_examples=max_examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )


@pytest.mark.slow
def test_the_index_holds_together_under_processes_killed_at_random_points() -> None:
    run_state_machine_as_test(IndexProcesses, settings=machine_settings(max_examples=4, steps=10))


@pytest.mark.slow
def test_a_worker_killed_holding_the_write_lock_leaves_the_file_not_the_lock(tmp_path: Path) -> None:
    """The worker as a command, killed after its vectors were written and before its commit, holding the lock."""
    doc = tmp_path / DOCS[0]
    doc.write_text(document_text(0, (0, 0, 0)), encoding="utf-8")
    data, marker = tmp_path / "data", tmp_path / "paused"
    lock = index_folder(worker.worker_settings(data)) / "write.lock"
    command = [sys.executable, worker.__file__, str(data), "ingest", str(doc), "--pause", "embedded"]
    process = subprocess.Popen([*command, "--marker", str(marker)])
    try:
        for _ in range(1200):
            if marker.exists() or process.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), "the worker never reached its pause"
        with pytest.raises(Timeout):
            FileLock(lock, timeout=0.1).acquire()  # the paused worker holds it
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL and lock.exists()
    with FileLock(lock, timeout=0):  # the lock died with its holder; the file stays
        pass
    found = worker.state(worker.worker_settings(data))  # this process has not opened that index before
    assert found["raw"]["docs"] == [] and len(found["raw"]["vectors"]) == 4  # an uncommitted ingest's vectors
    assert found["repaired"]["repair_ran"] and found["repaired"]["vectors"] == []


@pytest.mark.slow
def test_processes_opening_a_new_index_at_once_all_open(tmp_path: Path) -> None:
    """Chroma's first open creates its tables; two processes doing it at once failed 1 time in 4."""
    for trial in range(6):
        data = tmp_path / f"data-{trial}"
        outs = [tmp_path / f"out-{trial}-{n}.json" for n in range(2)]
        processes = [_FORKSERVER.Process(target=worker.child, args=(data, "open", [], "", None, o)) for o in outs]
        for process in processes:
            process.start()
        for process in processes:
            process.join(PROCESS_TIMEOUT_S)
        errors = [json.loads(out.read_text(encoding="utf-8")).get("error") for out in outs]
        assert errors == [None, None], errors


def test_a_keyword_index_is_labelled_with_the_state_it_was_built_from(tmp_path: Path) -> None:
    """A long-lived process rebuilds its keyword index while another removes a document, which is then ingested
    again unchanged: the index must not carry the stamp of a state whose chunks it lacks."""
    settings = worker.worker_settings(tmp_path / "data")
    files = [tmp_path / name for name in DOCS[:2]]
    for doc, path in enumerate(files):
        path.write_text(document_text(doc, (0, 0, 0)), encoding="utf-8")
    app = SpeechIndex.open(settings, worker.embeddings())
    ingest(files, settings, app)
    other = SpeechIndex.open(settings, worker.embeddings())  # another process's store connection
    files[0].write_text(document_text(0, (1, 0, 0)), encoding="utf-8")
    changed = prepare(files[0], settings)
    other.add_document(files[0], changed.meta, changed.text, changed.content_hash, chunk_text(changed.text))
    stamp = app.store.stamp

    def stamp_then_removal() -> str:  # the other process removes a document just after the app read the stamp
        app.store.stamp = stamp  # type: ignore[method-assign]
        read = stamp()
        other.remove_document(DOCS[1])
        return read

    app.store.stamp = stamp_then_removal  # type: ignore[method-assign]
    app.keyword()
    ingest([files[1]], settings, other)  # the same content again: the committed state is the one before removal
    committed = sorted(c.id for c in app.store.all_chunks())
    assert sorted(app.keyword().ids) == committed
    assert sorted(SpeechIndex.open(settings, worker.embeddings()).keyword().ids) == committed


def _dense_finds(index: SpeechIndex, chunk_ids: list[str]) -> list[str]:
    """The given committed chunks that a dense search of their own text does not rank first."""
    chunks = index.store.chunks(chunk_ids)
    misses = []
    for cid in chunk_ids:
        hits = index.vectors.similarity_search_by_vector(worker.embeddings().embed_query(chunks[cid].text), k=1)
        if not hits or hits[0].id != cid:
            misses.append(cid)
    return misses


def _run_worker(data_dir: Path, op: str, args: list[str], out: Path) -> dict[str, Any]:
    process = _FORKSERVER.Process(target=worker.child, args=(data_dir, op, args, "", None, out), daemon=True)
    process.start()
    process.join(PROCESS_TIMEOUT_S)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert process.exitcode == 0, result.get("error")
    return result["ok"]


def test_a_long_lived_process_finds_chunks_another_process_committed(tmp_path: Path) -> None:
    """Chroma caches its HNSW index per process (chroma-core/chroma#3792): a long-lived process (the app) did not
    see vectors another process (`speechqa ingest`) added until it wrote itself."""
    settings = worker.worker_settings(tmp_path / "data")
    files = [tmp_path / name for name in DOCS[:2]]
    for doc, path in enumerate(files):
        path.write_text(document_text(doc, (0, 0, 0)), encoding="utf-8")
    app = SpeechIndex.open(settings, worker.embeddings())
    ingest(files[:1], settings, app)  # the app has searched and written before
    twin = SpeechIndex.open(settings, worker.embeddings())  # a second index object: the same Chroma System
    assert _dense_finds(app, [c.id for c in app.store.all_chunks()]) == []
    assert _dense_finds(twin, [c.id for c in app.store.all_chunks()]) == []
    _run_worker(settings.data_dir, "ingest", [str(files[1])], tmp_path / "out.json")
    theirs = [c.id for c in app.store.all_chunks() if c.doc_id == DOCS[1]]
    assert len(theirs) == 4  # the store and Chroma's `get` see them ...
    assert set(theirs) <= set(app.vectors.get(include=[])["ids"])
    assert _dense_finds(app, theirs) == []  # ... and so does its dense search
    assert _dense_finds(twin, theirs) == []


def _long_document(name: str, paragraphs: int) -> str:
    return f"{name}工作报告\n\n" + "\n\n".join(
        f"{name}第{i}段：" + "".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(4)) for i in range(paragraphs)
    )


@pytest.mark.slow
def test_a_long_lived_writer_keeps_the_vectors_another_process_wrote(tmp_path: Path) -> None:
    """A long-lived process writing on a stale HNSW index saved it over the one another process saved, once Chroma
    had purged the other's log entries (1000 a time): their vectors stayed in `get`, not in search."""
    settings = worker.worker_settings(tmp_path / "data")
    small, theirs, ours = tmp_path / DOCS[0], tmp_path / "2024-01-01_long-1.txt", tmp_path / "2024-01-02_long-2.txt"
    small.write_text(document_text(0, (0, 0, 0)), encoding="utf-8")
    theirs.write_text(_long_document("丁市", 4000), encoding="utf-8")  # ~1,500 chunks
    ours.write_text(_long_document("戊市", 3000), encoding="utf-8")  # ~1,100 chunks
    app = SpeechIndex.open(settings, worker.embeddings())
    ingest([small], settings, app)
    _run_worker(settings.data_dir, "ingest", [str(theirs)], tmp_path / "out.json")  # `speechqa ingest` meanwhile
    ingest([ours], settings, app)  # an upload in the app
    their_ids = [c.id for c in app.store.all_chunks() if c.doc_id == theirs.name][::25]
    SharedSystemClient.clear_system_cache()  # as a process started now sees the index
    fresh = SpeechIndex.open(settings, worker.embeddings())
    assert set(their_ids) <= set(fresh.vectors.get(include=[])["ids"])  # every vector is there for `get` ...
    assert _dense_finds(fresh, their_ids) == []  # ... and for a dense search
