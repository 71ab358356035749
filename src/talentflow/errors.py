"""Errors users see: each names the file or record at fault and why."""

from __future__ import annotations


class TalentflowError(Exception):
    """Base class of every error talentflow reports to a user as one line."""


class BadInputError(TalentflowError):
    """An input file or record could not be read; names where and why."""

    def __init__(self, path: str, reason: str, record: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.record = record
        where = path if record is None else f"{path} (record {record})"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[type[BadInputError], tuple[str, str, int | None]]:
        return (BadInputError, (self.path, self.reason, self.record))


class FetchError(TalentflowError):
    """A download failed after its retries, or arrived truncated."""


class MissingExtraError(TalentflowError):
    """An optional engine or library is needed but not installed."""

    def __init__(self, what: str, extra: str) -> None:
        super().__init__(
            f"{what} is not installed; install it with: pip install 'talentflow[{extra}]'"
        )


def refuse_shrinking(what: str, stored: int, new: int, replace: bool) -> None:
    """A load that would replace ``stored`` rows of a dataset with fewer needs ``--replace``;
    a load of nothing is refused."""
    if new == 0:
        raise TalentflowError(f"{what}: the input holds no rows; nothing was loaded")
    if new < stored and not replace:
        raise TalentflowError(
            f"{what} holds {stored:,} rows and this load has {new:,}: "
            "pass --replace to replace it with fewer"
        )


def require(module: str, extra: str) -> object:
    """Import an optional dependency, or say exactly which extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(module, extra) from exc
