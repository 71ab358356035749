"""Progress on standard error: the rich bars every long build step shows.

Only ``build/`` and ``cli/`` touch rich; the layers below get a
:class:`talentflow.progress.Reporter` (this module's :data:`RICH`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from talentflow.progress import Advance, Reporter

stderr = Console(stderr=True)


def progress_bar() -> Progress:
    """The progress bar every long step uses (on standard error)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=False,
    )


class RichReporter:
    """A :class:`Reporter` that draws one rich bar per step and prints notes on stderr."""

    @contextmanager
    def _bar(self, description: str, total: int | None) -> Iterator[Advance]:
        with progress_bar() as progress:
            task = progress.add_task(description, total=total)
            yield lambda k: progress.advance(task, k)

    def bar(self, description: str, total: int | None) -> AbstractContextManager[Advance]:
        return self._bar(description, total)

    def note(self, text: str) -> None:
        stderr.print(text, highlight=False, soft_wrap=True)


RICH: Reporter = RichReporter()
