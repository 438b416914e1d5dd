"""Finding passages: query understanding (which documents a question names) and hybrid search."""
