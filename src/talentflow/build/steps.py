"""The derive steps of every build, as a declared sequence, and the derived-store marker.

Each step rebuilds its own tables from what the store holds (so the result depends only on
what is stored) and is the single writer of them:

==================  ======================================================  =====================
step                writes                                                  module
==================  ======================================================  =====================
organisations       organisations, slot_orgs, entry_orgs                    resolve.derive
people              people, slot_people, person_links                       resolve.people
affiliation sets    slot_orgs rows of the inferred bases (+ their orgs)     resolve.affiliation_sets
careers             stints and moves of evidence ``paper``                  careers.derive
live stints         stints of evidence ``profile`` and ``openalex``         careers.live
stint stages        stint_stages                                            careers.stint_stages
==================  ======================================================  =====================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from talentflow.graph.store import Store
from talentflow.progress import SILENT, Reporter


class DeriveStep(NamedTuple):
    """One named step of the derive sequence: ``run(store, reporter)``."""

    name: str
    run: Callable[[Store, Reporter], object]


def _organisations(store: Store, reporter: Reporter = SILENT) -> object:
    from talentflow.resolve.derive import derive_orgs

    return derive_orgs(store, reporter=reporter)


def _people(store: Store, reporter: Reporter = SILENT) -> object:
    from talentflow.resolve.people import derive_people

    return derive_people(store, reporter=reporter)


def _affiliation_sets(store: Store, reporter: Reporter = SILENT) -> object:
    from talentflow.resolve.affiliation_sets import derive_affiliation_sets

    return derive_affiliation_sets(store, reporter=reporter)


def _careers(store: Store, reporter: Reporter = SILENT) -> object:
    from talentflow.careers.derive import derive_careers

    return derive_careers(store)


def _live_stints(store: Store, reporter: Reporter = SILENT) -> object:
    from talentflow.careers.live import project_live_stints

    return project_live_stints(store)


def _stint_stages(store: Store, reporter: Reporter = SILENT) -> object:
    from talentflow.careers.stint_stages import derive_stint_stages

    return derive_stint_stages(store, reporter=reporter)


DERIVE_STEPS: tuple[DeriveStep, ...] = (
    # First: every later step reads the organisation and country decisions.
    DeriveStep("organisations", _organisations),
    # People read the organisation decisions.
    DeriveStep("people", _people),
    # Organisations inferred from unaligned affiliation sets (issue 10) read people's slots;
    # before 'careers' so stints and moves use them. People resolution does not see them.
    DeriveStep("affiliation sets", _affiliation_sets),
    # Careers read the organisation and person decisions of the steps before.
    DeriveStep("careers", _careers),
    # Profile/OpenAlex stints attached to the people just resolved.
    DeriveStep("live stints", _live_stints),
    # Last: a stage distribution for every stint of every evidence (issue 19).
    DeriveStep("stint stages", _stint_stages),
)

_DERIVED_KEY = "derived_after_run"


def _latest_run(store: Store) -> str:
    return str(
        store.scalar("SELECT run_id FROM ingest_runs ORDER BY finished_at DESC, run_id LIMIT 1")
    )


def derived_is_current(store: Store) -> bool:
    """Whether every derive step completed after the latest ingest run.

    A build whose derivation failed part-way (or was killed) leaves the marker stale, so the
    next build derives again even when no source file changed.
    """
    marker = store.scalar("SELECT value FROM store_meta WHERE key = ?", [_DERIVED_KEY])
    return marker is not None and marker == _latest_run(store)


def derive_all(store: Store, reporter: Reporter = SILENT) -> None:
    """Run every derive step in order, then mark the store as derived."""
    store.con.execute("DELETE FROM store_meta WHERE key = ?", [_DERIVED_KEY])
    for name, run in DERIVE_STEPS:
        reporter.note(f"deriving {name} ...")
        run(store, reporter)
    store.con.execute("INSERT INTO store_meta VALUES (?, ?)", [_DERIVED_KEY, _latest_run(store)])


def derive_downstream(store: Store, after: str, reporter: Reporter = SILENT) -> list[str]:
    """Run the derive steps that follow ``after``, whose inputs it changed, and return their
    names. ``people resolve/link/unlink/forget`` call it with ``"people"``: affiliation sets,
    careers and live stints are derived again, so a merge undone is undone everywhere (its
    fabricated move disappears from ``moves`` and every indicator)."""
    names = [step.name for step in DERIVE_STEPS]
    if after not in names:
        raise ValueError(f"no derive step named {after!r}; steps: {', '.join(names)}")
    done = []
    for name, run in DERIVE_STEPS[names.index(after) + 1 :]:
        reporter.note(f"deriving {name} ...")
        run(store, reporter)
        done.append(name)
    return done
