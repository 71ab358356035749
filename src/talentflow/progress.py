"""How a long step reports progress without knowing who shows it.

Lower layers (resolution, careers, ingest) take a :class:`Reporter` and call it; only the
build orchestration and the CLI turn it into rich progress bars on standard error (see
``talentflow.build.progress``). The default, :data:`SILENT`, shows nothing, so a library
caller or a test gets no output unless it asks for some.

>>> with SILENT.bar("resolving", total=3) as advance:
...     advance(3)
>>> SILENT.note("done")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

Advance = Callable[[int], None]
"""Moves a bar on by the given number of items."""


class Reporter(Protocol):
    """Where a step sends its progress and its one-line notes."""

    def bar(self, description: str, total: int | None) -> AbstractContextManager[Advance]:
        """A context manager whose value advances a bar of ``total`` items."""
        ...

    def note(self, text: str) -> None:
        """A line for the user (what was read, what was found)."""
        ...


class _Silent:
    """A reporter that shows nothing."""

    @contextmanager
    def _bar(self) -> Iterator[Advance]:
        yield lambda _k: None

    def bar(self, description: str, total: int | None) -> AbstractContextManager[Advance]:
        return self._bar()

    def note(self, text: str) -> None:
        return None


SILENT: Reporter = _Silent()
