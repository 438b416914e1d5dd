"""The main targets across the years: indicator cells extracted from every government work report (issue 14).

extract (one report → cells), table (cells stored beside the index), answer (several-year questions from the
table), cli (`speechqa targets`); the 历年目标 panel is ui/targets.py.
"""
