"""What the product knows about Chinese text, one home per rule.

Every pattern that reads Chinese (characters, normalisation, years, numerals and ordinals, number expressions,
provinces, sentences, question frames) is defined here once, with its reason and a test on a real example from
the corpus (tests/zhtext/). Everything else imports from here. Standard library only, so ingest, retrieval,
answer, quiz and targets can all depend on it.
"""
