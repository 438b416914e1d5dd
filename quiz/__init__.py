"""Trainees' self-quiz: items from the documents' own structure, graded in code, scheduled with FSRS."""
