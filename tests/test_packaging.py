"""The product's top-level packages (answer, config, eval, models, …) are generic names: the project installs
them into its own virtual environment (.venv, made by the Makefile), where nothing else may provide them."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOP_LEVEL = [
    "answer",
    "app",
    "cli",
    "config",
    "eval",
    "ingest",
    "models",
    "prompts",
    "quiz",
    "retrieval",
    "targets",
    "ui",
    "zhtext",
]


def test_each_top_level_name_is_this_repository() -> None:
    for name in TOP_LEVEL:
        spec = importlib.util.find_spec(name)
        if spec is None:  # a package not written yet
            continue
        origin = Path(spec.origin or next(iter(spec.submodule_search_locations or [])))
        assert origin.resolve().is_relative_to(REPO), f"{name} resolves to {origin}, not this repository"


def test_no_installed_distribution_provides_the_same_names() -> None:
    providers = importlib.metadata.packages_distributions()
    clashes = {name: dists for name in TOP_LEVEL if (dists := [d for d in providers.get(name, []) if d != "speechqa"])}
    assert not clashes, f"other distributions in this environment provide {clashes}: use the project's own .venv"
