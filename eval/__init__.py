"""Metrics of ../shared/eval/FORMAT.md, evaluation runs, re-verification of stored drafts, and benchmarks."""
