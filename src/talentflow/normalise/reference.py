"""Reading the curated reference files shipped as package data (word lists, alias tables).

Word lists and alias tables are data, not code: each is a file of the package that uses
it, read once through ``importlib.resources``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from importlib import resources


def data_rows(package: str, name: str) -> Iterator[list[str]]:
    """Rows of a curated CSV file of ``package`` (``#`` comment lines and header skipped)."""
    text = resources.files(package).joinpath(name).read_text("utf-8")
    reader = csv.reader(line for line in text.splitlines() if not line.startswith("#"))
    next(reader)  # header
    for row in reader:
        if row:
            yield row


@cache
def word_list(package: str, name: str) -> tuple[str, ...]:
    """The words of a word-list file of ``package``, one a line, in file order (``#``
    comment lines and blank lines skipped)."""
    text = resources.files(package).joinpath(name).read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))
