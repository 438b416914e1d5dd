"""Files → cleaned documents → chunks → the index (document store, Chroma vectors, BM25 keywords)."""
