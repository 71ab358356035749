"""Stints and moves of the career histories (evidence ``profile`` and ``openalex``).

The careers step projects the ingested ``career_entries`` into ``stints``; rows of other
evidence are never touched. Their moves are read off consecutive stints by the indicators
(:mod:`talentflow.careers.moves`), never stored, so none is counted twice. Organisations
come from the organisations step's ``entry_orgs`` decisions; a stated country wins over
the organisation's.

Person linkage: a profile's ``~ids`` are the strong key that
``authorships.profile_id`` carries; a stint's person is the ``slot_people`` person of
an author slot with one of those ids, else the ``people`` row whose ``strong_id`` is
one of them, else the profile id itself. An OpenAlex author links to an OpenReview
profile through a shared ORCID, else keeps ``openalex:<id>``.
"""

from __future__ import annotations

from talentflow.careers.moves import HISTORY_EVIDENCE
from talentflow.careers.store import replace_rows
from talentflow.graph.store import Store

# One person per live record: the strongest link available (see the module docstring).
_PERSON_OF_RECORD = """
WITH or_aliases AS (
    SELECT record_id, id_value AS profile_id
    FROM live_ids WHERE source = 'openreview' AND id_kind = 'openreview'
),
alias_slot AS (
    SELECT a.profile_id, a.paper_key, a.author_index
    FROM authorships a WHERE a.profile_kind = 'openreview' AND a.profile_id IS NOT NULL
    UNION
    SELECT l.id_value, l.paper_key, l.author_index
    FROM live_slot_links l WHERE l.source = 'openreview'
),
slot_person AS (
    -- the person an indicator sees for the slot (resolved, else the same fallbacks)
    SELECT s.profile_id,
           min(sp.person_id) AS resolved,
           min(CASE WHEN a.profile_kind = 'openreview' AND a.profile_id IS NOT NULL
                    THEN 'openreview:' || a.profile_id END) AS by_slot_id,
           min('name:' || a.name) AS by_name
    FROM alias_slot s
    JOIN authorships a ON a.paper_key = s.paper_key AND a.author_index = s.author_index
    LEFT JOIN slot_people sp
      ON sp.paper_key = s.paper_key AND sp.author_index = s.author_index
    GROUP BY s.profile_id
),
or_person AS (
    SELECT o.record_id,
           coalesce(min(sp.resolved), min(p.person_id), min(sp.by_slot_id), min(sp.by_name),
                    'openreview:' || o.record_id) AS person_id
    FROM or_aliases o
    LEFT JOIN slot_person sp ON sp.profile_id = o.profile_id
    LEFT JOIN people p ON list_contains(string_split(p.strong_id, ' '), o.profile_id)
    GROUP BY o.record_id
),
oa_person AS (
    SELECT oa.record_id,
           coalesce(min(orp.person_id), 'openalex:' || oa.record_id) AS person_id
    FROM (SELECT DISTINCT record_id FROM live_ids WHERE source = 'openalex') oa
    LEFT JOIN live_ids oa_orcid
        ON oa_orcid.source = 'openalex' AND oa_orcid.record_id = oa.record_id
       AND oa_orcid.id_kind = 'orcid'
    LEFT JOIN live_ids or_orcid
        ON or_orcid.source = 'openreview' AND or_orcid.id_kind = 'orcid'
       AND or_orcid.id_value = oa_orcid.id_value
    LEFT JOIN or_person orp ON orp.record_id = or_orcid.record_id
    GROUP BY oa.record_id
)
SELECT 'openreview' AS source, record_id, person_id FROM or_person
UNION ALL
SELECT 'openalex' AS source, record_id, person_id FROM oa_person
"""


_LIVE_STINTS = f"""
SELECT rp.person_id, o.org_id,
       CASE WHEN e.country_basis = 'stated' THEN e.country
            ELSE coalesce(o.org_country, e.country) END AS country,
       e.stage, e.first_year, e.last_year, e.evidence
FROM career_entries e
JOIN ({_PERSON_OF_RECORD}) rp
  ON rp.source = e.source AND rp.record_id = e.record_id
LEFT JOIN entry_orgs o
  ON o.institution IS NOT DISTINCT FROM e.institution
 AND o.domain IS NOT DISTINCT FROM e.domain
ORDER BY rp.person_id, e.source, e.entry_index
"""


def project_live_stints(store: Store) -> int:
    """Rebuild the ``profile``/``openalex`` stints from ``career_entries``; returns the
    number of stints. One transaction; safe to rerun (it reads only what is stored:
    entries, their organisation decisions, and the people just resolved). Their moves are
    not stored: the indicators read them off these stints (:mod:`talentflow.careers.moves`),
    so a move is never in ``moves`` and derived again on top of it."""
    stints = store.con.sql(_LIVE_STINTS).to_arrow_table()
    replace_rows(store, "evidence IN (?, ?)", list(HISTORY_EVIDENCE), stints)
    return int(stints.num_rows)
