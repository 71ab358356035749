"""Normalising values of one kind (countries, ...) in one place, below every other layer.

Nothing here imports the rest of talentflow, so sources, careers, resolution and labour
can all use it without an import loop.
"""
