"""Labour market (issue 10): posting sources, roles, demand/supply and founders' pedigree.

Small inputs are written by the tests; real-data checks read ../shared/data through the
conftest fixtures and skip on a clone without it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from conftest import require_shared
from paperlist_files import record, write_list
from talentflow.cli import app
from talentflow.engines import DuckDBEngine
from talentflow.errors import BadInputError, TalentflowError
from talentflow.graph.build import build_paperlists
from talentflow.graph.jobs_ingest import load_postings
from talentflow.graph.schema import ORGANISATIONS, PEOPLE, SLOT_PEOPLE, STINTS
from talentflow.graph.store import Store, open_store
from talentflow.indicators.demand import compute_demand, parse_months, ratio_interval
from talentflow.indicators.founders import match_founders, read_founders, store_cohort_pedigree
from talentflow.normalise.places import countries_in
from talentflow.resolve.jobs_evaluate import parse_check, read_labels, role_scores, split_roles
from talentflow.resolve.roles import role_ids, taxonomy
from talentflow.sources.jobs_files import read_postings
from talentflow.sources.jobs_hn import parse_first_line, read_hn_collection
from talentflow.sources.paperlists import mirror_files

FIXTURES = Path(__file__).parent / "fixtures" / "labour"
runner = CliRunner()


# --- HN collection -----------------------------------------------------------------


def _hn_run(root: Path, date: str, jobs: list[dict[str, Any]], labels: bool = True) -> None:
    run = root / "runs" / date
    run.mkdir(parents=True, exist_ok=True)
    (run / "raw.json").write_text(json.dumps({"date": date, "jobs": jobs}))
    if labels:
        cls = [{"id": j["id"], "role": "Software Engineer", "technologies": ["Go"]} for j in jobs]
        (run / "classified.json").write_text(json.dumps({"jobs": cls}))


def _job(item: int, text: str, time: int = 1767268800) -> dict[str, Any]:
    return {"id": item, "source": "who_is_hiring", "by": "someone", "time": time, "text": text}


@pytest.fixture()
def hn_dir(tmp_path: Path) -> Path:
    root = tmp_path / "hn"
    _hn_run(
        root,
        "2026-01-01",
        [
            _job(1, "Acme | Senior ML Engineer | Berlin, Germany | Full-time<p>We train models."),
            _job(2, "Beta Corp | Backend Engineer | Remote (US)<p>Go and Postgres."),
        ],
    )
    _hn_run(
        root,
        "2026-02-01",
        [
            # item 2 again (edited text): one posting, newest text kept
            _job(2, "Beta Corp | Backend Engineer | Remote (US)<p>Go, Postgres, Kafka."),
            _job(
                3, "Gamma | Data Engineer, Product Designer | London, UK<p>Pipelines.", 1769947200
            ),
        ],
    )
    return root


def test_first_line_fields() -> None:
    p = parse_first_line("Hatchet | Founding Engineer | NYC or REMOTE (US and EU) | Full-time")
    assert (p.company, p.role, p.location, p.remote) == (
        "Hatchet",
        "Founding Engineer",
        "NYC or REMOTE (US and EU)",
        True,
    )
    p = parse_first_line("Fold | Remote (US Only) | Senior Back End Engineer | Full-time")
    assert (p.company, p.role, p.location) == (
        "Fold",
        "Senior Back End Engineer",
        "Remote (US Only)",
    )
    p = parse_first_line("Acme (https://acme.io) | $150k | Staff SRE | Oslo, Norway")
    assert (p.company, p.role, p.location) == ("Acme", "Staff SRE", "Oslo, Norway")
    p = parse_first_line("Acme is hiring a Security Engineer in Paris, France")
    assert (p.company, p.role, p.location) == ("Acme", "Security Engineer", "Paris, France")
    # no role on the first line: the body's role heading is used
    p = parse_first_line(
        "Acme | Toronto, Canada | ONSITE", "About us.\nFounding AI Engineer - build it"
    )
    assert p.role == "Founding AI Engineer"


def test_first_line_layouts_beyond_the_pipe_convention() -> None:
    # a greeting before "X is hiring"; the role then comes from the body
    p = parse_first_line("Hey HN! Acme Robotics (https://acme.dev) is hiring.", "Role: QA Lead")
    assert (p.company, p.role) == ("Acme Robotics", "QA Lead")
    # a header broken over lines: company alone, then the field lines
    p = parse_first_line("Acme", "Partnerships Manager | Content Lead\nRemote | Full-time\nWe do.")
    assert (p.company, p.role, p.location) == (
        "Acme",
        "Partnerships Manager / Content Lead",
        "Remote",
    )
    # " / " inside a segment separating a role from a place; brackets do not split
    p = parse_first_line("Acme | Data Engineer / Berlin | Full-time")
    assert (p.role, p.location) == ("Data Engineer", "Berlin")
    p = parse_first_line("Acme - Senior Developer (Node.js / React / AI) - Remote - $80k")
    assert (p.company, p.role, p.location) == (
        "Acme",
        "Senior Developer (Node.js / React / AI)",
        "Remote",
    )
    # a sentence for a first line: the name before the verb is the company
    p = parse_first_line("Glimmer is building the AI agent for advertising", "We need Engineers.")
    assert (p.company, p.role) == ("Glimmer", "Engineers")
    # the place in brackets at the end of a hiring sentence, or where the company is based
    p = parse_first_line("Acme (YC S23) Is Hiring a Platform Engineer (NYC, Onsite)")
    assert (p.role, p.location) == ("Platform Engineer (NYC, Onsite)", "NYC, Onsite")
    p = parse_first_line(
        "Acme | Senior Software Engineer | 90k€", "Acme is a Munich-based startup."
    )
    assert p.location == "Munich"
    # "U.S." keeps its final stop; a generic "Multiple roles" is not the role
    p = parse_first_line("We are hiring at Acme! Payments.", "Anywhere in the U.S.\nMore text.")
    assert (p.company, p.location) == ("Acme", "Anywhere in the U.S.")
    p = parse_first_line(
        "Acme | Munich | Full-time", "Hiring: Multiple roles; backend developer, QA"
    )
    assert p.role == "backend developer"
    # not a company: "Hiring", "Who is hiring"
    assert (
        parse_first_line("Hiring – REMOTE LATAM - We build AI tools for law firms").company is None
    )


def test_first_line_layouts_second_round() -> None:
    # a header continued on a line that starts with "|"
    p = parse_first_line("Acme | https://acme.com", "| Remote (US) | Senior Software Engineer\nWe.")
    assert (p.company, p.role, p.location) == ("Acme", "Senior Software Engineer", "Remote (US)")
    # "Engineers @Acme in NYC"; a "Company:" line further down
    p = parse_first_line("Staff Backend Engineers @Acme in NYC")
    assert (p.company, p.role, p.location) == ("Acme", "Staff Backend Engineers", "NYC")
    p = parse_first_line("Location: Seattle, WA", "Title: Data Engineer II\nCompany: Acme(ACM)")
    assert (p.company, p.role) == ("Acme(ACM)", "Data Engineer II")
    # a first line that is only the place, then the header
    p = parse_first_line("Remote or Netherlands", "Acme - Founding Engineer - Remote - $80k\nWe.")
    assert (p.company, p.role, p.location) == ("Acme", "Founding Engineer", "Remote or Netherlands")
    # a YC job-board page pasted as the body gives the place
    p = parse_first_line(
        "Acme (YC W24) Is Hiring a Founding Engineer",
        "Founding Engineer at Acme | Y Combinator Open menu ... $150K • New York, NY, US • 1%",
    )
    assert (p.role, p.location) == ("Founding Engineer", "New York, NY, US")
    # openings named collectively; a requirement line and a bullet's stack are not the role
    p = parse_first_line(
        "Acme | Paris | ONSITE", "Send SMS.\nHiring across Engineering (Go, Rust)."
    )
    assert p.role == "Engineering"
    p = parse_first_line("Acme | India", "1. Liaison :\n3+ Years of Experience as Infra Engineer")
    assert p.role is None
    p = parse_first_line("Acme | Oslo", "Roles:\n++ Lead iOS Engineer [Tech Stack: Swift]")
    assert p.role == "Lead iOS Engineer"
    # a dash clause of a hiring sentence that names no place is not the location
    p = parse_first_line("Acme is hiring Staff Engineers (Remote, Global) — AI-First Systems")
    assert p.location == "Remote, Global"
    p = parse_first_line("Acme is hiring across design [on-site Berlin] - https://acme.com/jobs")
    assert p.location == "on-site Berlin"


def test_first_line_layouts_third_round() -> None:
    # a leading dot is part of the word; the company after a leading place
    assert (
        parse_first_line("Acme | .NET Engineer Roles | Remote (US)").role == ".NET Engineer Roles"
    )
    p = parse_first_line("Cologne, Germany | Acme | Product Engineer | Full-time")
    assert (p.company, p.role, p.location) == ("Acme", "Product Engineer", "Cologne, Germany")
    # a status line or a prose line before the real header
    p = parse_first_line(
        "CLOSED - thanks, folks!", "Acme | Remote (US) | Technical Co-Founder\nWe."
    )
    assert (p.company, p.role, p.location) == ("Acme", "Technical Co-Founder", "Remote (US)")
    p = parse_first_line("I adapted our pitch to the format.", "Acme | Boston | Founding Engineer")
    assert (p.company, p.role) == ("Acme", "Founding Engineer")
    # "Hiring X and Y – ..." states roles, not a company; a poster names the company
    p = parse_first_line(
        "Hiring Tech Lead and SRE – REMOTE LATAM - We build AI tools for law firms"
    )
    assert (p.company, p.role) == (None, "Tech Lead and SRE")
    assert parse_first_line("Hey HN, this is Lou, co-founder at Acmeline.").company == "Acmeline"
    assert parse_first_line("Acme Inc, Remote (62 positions available)").company == "Acme Inc"
    p = parse_first_line("Acme - https://acme.io/ - we are hiring for multiple roles 100% remote.")
    assert p.company == "Acme"
    # a role after the place's bracket; a list under a bare heading; "label: roles" bullets
    p = parse_first_line("Acme | Kirkland, WA (In Person) Founding Engineer | We build.")
    assert (p.role, p.location) == ("Founding Engineer", "Kirkland, WA (In Person)")
    p = parse_first_line("Acme | San Francisco, CA", "We build trusts.\nOpen Roles\n- Sales\n- Ops")
    assert p.role == "Sales"
    p = parse_first_line("Acme | SF | HYBRID", "Hiring:\n- All Levels: AI Platform Engineers\n- PM")
    assert p.role == "AI Platform Engineers"
    p = parse_first_line(
        "Acme | Toronto | Remote", "Cars.\nLooking for: iOS/Mobile, Data Engineers"
    )
    assert p.role == "iOS/Mobile, Data Engineers"


# fourth round: (first line, body, field, what a reader finds there)
FOURTH_ROUND_CASES = [
    # a first-line segment that names no opening gives way to the body's role statement
    (
        "Acme | Full-time | Remote (CET) | B2B SaaS / AI for AEC",
        "Acme automates admin.\nWe're looking for product engineers that ship.",
        "role",
        "product engineers",
    ),
    (
        "Acme | Dev Shop | Remote (US or Europe)",
        "We're looking for senior data engineers.",
        "role",
        "senior data engineers",
    ),
    (
        "Acme | EU REMOTE | https://acme.dev/ Acme is a company for developers",
        "We raised money.\nRust Engineer - https://acme.dev/jobs/rust",
        "role",
        "Rust Engineer",
    ),
    # "[A | B] Engineer" is one title; " - " inside a bracket does not split the company
    (
        "Acme | SF | [Platform | Security | Frontend] Engineer",
        "",
        "role",
        "Platform/Security/Frontend Engineer",
    ),
    (
        "Acme (YC-backed - Imagine F'14) | REMOTE (US) | Data Engineer",
        "",
        "company",
        "Acme (YC-backed - Imagine F'14)",
    ),
    # a company named with its legal or usual suffix is not a role; "Acme (YC W23): Role"
    (
        "Architect Financial Technologies | Chicago",
        "",
        "company",
        "Architect Financial Technologies",
    ),
    ("Acme (YC W23): Founding Reliability Engineer – $200K", "", "company", "Acme (YC W23)"),
    (
        "Acme (YC W23): Founding Reliability Engineer – $200K",
        "",
        "role",
        "Founding Reliability Engineer – $200K",
    ),
    # roles in the body: numbered lists under "hiring for many roles:", a question heading
    # that names none, "want", "roles in ...", "looking to fill ... roles", run-on titles
    (
        "Acme | SF",
        "Acme builds tools.\nWe're hiring for many roles:\n1/ Engineers for our product team.",
        "role",
        "Engineers",
    ),
    (
        "Acme is a lender rethinking mortgages for everyone in the country today.",
        "What makes it interesting for an engineer: the systems.\n"
        "We’re currently hiring Senior II and Staff Engineers with Haskell.",
        "role",
        "Senior II and Staff Engineers",
    ),
    ("Acme | Remote", "We want engineers for our research.", "role", "engineers"),
    (
        "Acme | Paris",
        "Series C with tremendous momentum.\nHigh-priority technical roles in Engineering "
        "Leadership, Senior Cybersecurity Analyst, Head of Product, and several more roles.",
        "role",
        "Engineering Leadership, Senior Cybersecurity Analyst, Head of Product",
    ),
    (
        "Acme | Chicago",
        "Acme is looking to fill a number of software engineering roles.",
        "role",
        "software engineering roles",
    ),
    (
        "I'm hiring for a senior developer content advocate at my company.",
        "",
        "role",
        "senior developer content advocate",
    ),
    # a pasted YC job-board page lists the opening before its place
    (
        "Acme (YC P26) Is Hiring",
        "Jobs at Acme | Y Combinator Open menu About Apply Acme Brand OS. Company Jobs 2 "
        "Jobs at Acme Founding Growth / Marketing San Francisco, CA, US $120K - $180K",
        "role",
        "Founding Growth / Marketing",
    ),
    # places in the body: on a listed role's line, or in a bracket after it
    (
        "Acme | https://acme.io",
        "Tech Lead (CI & Test Data) - San Francisco HQ and open to Relo",
        "location",
        "San Francisco HQ and open to Relo",
    ),
    (
        "Acme | Product & Engineering | Full-Time",
        "Acme is the billing platform for teams.\nOpen Roles:\n// Backend Engineer (Remote EU)",
        "location",
        "Remote EU",
    ),
    # a sentence that places the work; a line opening with the work mode; a remote offer
    (
        "Roles: Forward Deployed Engineer and Platform Engineer",
        "Both roles full-time ONSITE in London, £100k.",
        "location",
        "London",
    ),
    ("Acme", "REMOTE mostly, but I travel.\nWe make software.", "location", "REMOTE"),
    ("Acme | Engineer", "Hi.\nThese positions are REMOTE but US only.", "location", "Remote"),
    ("Acme | Engineer", "We use remote sensing data.", "location", None),
    # "LOCATION:" beats "REMOTE: Yes"; "REMOTE: Yes" alone is remote work
    (
        "GTM Engineer | Acme",
        "LOCATION: Remote - Spain, UK via EOR\nREMOTE: Yes",
        "location",
        "Remote - Spain, UK via EOR",
    ),
    ("Acme | Engineer", "REMOTE: Yes\nVISA: No", "location", "Remote"),
    # companies: "join X", "founder of xCamel", "hiring ... at X", "We are hiring at X, makers"
    (
        "Senior Python Engineer | REMOTE",
        "Like it? Join Reef Works and hack.",
        "company",
        "Reef Works",
    ),
    ("Hey HN - I'm Ann, founder of xFigura. We build.", "", "company", "xFigura"),
    ("Hey! We're hiring for a GTM Lead at Skyfall AI.", "", "company", "Skyfall AI"),
    (
        "We are hiring at deepset, makers of Haystack | FDEs | Remote (EU)",
        "",
        "company",
        "deepset",
    ),
]


FIFTH_ROUND_CASES: list[tuple[str, str, str, str | None]] = [
    # a tagline after the name (dash or comma), and not the name
    ("Acme – The future of pet care | Remote (UK) | https://acme.com", "", "company", "Acme"),
    (
        "Senior Data Analyst at Acme.org, the largest staking provider | Remote | Full-time",
        "",
        "company",
        "Acme.org",
    ),
    # a description of an unnamed employer names no one (a "stealth" one keeps its words)
    ("AI x Healthcare Startup | Boston, MA Onsite | Early Engineer", "", "company", None),
    ("Small prop-trading firm | Quant Developer | Paris, France", "", "company", None),
    ("Stealth AI Startup | Backend Engineer | REMOTE", "", "company", "Stealth AI Startup"),
    # a question or an exclamation is not a name; a name followed by a remark is
    ("Do you want to work on distributed systems?", "We build things.", "company", None),
    ("Crypto bros needed!", "[Acme] - (REMOTE) Frontend developer", "company", None),
    ("Acme Labs back in the house | Go Engineers | Remote", "", "company", "Acme Labs"),
    # unpaid / volunteer work is a kind of employment: the site in the first line names it
    (
        "Volunteer (unpaid) | remote anywhere | Infrastructure Engineer | https://acmeprep.com",
        "",
        "company",
        "acmeprep",
    ),
    # a link as the whole first segment: the site's name
    ("https://www.acmestack.com/engineering", "", "company", "acmestack"),
    ("[flagged]", "", "company", None),
    # a seeking statement is a role, not a company; "I'm building X, an ..." names it
    (
        "SEEKING GROWTH PARTNER | Growth | Remote",
        "I’m building Acmedo, an AI work assistant.",
        "company",
        "Acmedo",
    ),
    # names in a prose opening: "... roles Acme is hiring, ...", a later sentence's subject
    (
        "Full Time and Part Time roles Acmely is hiring, an edutainment brand building "
        "learning videos for kids.",
        "",
        "company",
        "Acmely",
    ),
    (
        "The job of a developer is becoming an orchestrator of AI agents. Acmerank is "
        "helping 2500+ companies change how they hire.",
        "",
        "company",
        "Acmerank",
    ),
    # a prose opening that starts with the place does not name the company by it
    (
        "Redmond, WA US onsite/hybrid. We're hiring on my team: Technical Program Manager II "
        "for the Research Health Futures group in our lab.",
        "",
        "company",
        None,
    ),
    # an introductory phrase before the name
    (
        "Backed by Big Capital, Acme is the operational AI platform powering decision making "
        "and operations for the largest teams | In-office 4 days | $130,000 - $275,000",
        "",
        "company",
        "Acme",
    ),
    # the employer after "As a <role> at", "We are <name> GmbH, an ..."
    (
        "Senior Machine Learning Engineer – LLM (m/f/d)",
        "As a Senior Machine Learning Engineer at acmewind your work will drive our models.",
        "company",
        "acmewind",
    ),
    (
        "AI engineer and Fullstack Engineer",
        "We are acmr GmbH, an early-stage startup on a mission.",
        "company",
        "acmr GmbH",
    ),
    # "join X" in the first line
    ("We are looking for a full-stack ninja to join Acmesea full-time.", "", "company", "Acmesea"),
    # a site cited in a prose line does not name the employer; an applicant-tracking link does
    (
        "Cybersecurity seed startup | Founding AI Engineer | Bay Area",
        "We are seed-staged, see Simon's definition: https://simonwillison.net/2025/agents/",
        "company",
        None,
    ),
    (
        "Do you want to work on distributed systems?",
        "Apply:\nhttps://job-boards.greenhouse.io/acmeorkes/jobs/4998231008",
        "company",
        "acmeorkes",
    ),
    # a location word inside a name ("Global Partners") is not a place
    (
        "Global Acme — Senior Director, Data Engineering",
        "Location: Waltham, MA",
        "company",
        "Global Acme",
    ),
    # roles: "The role of the FDE will be ...", "a new role open on my team: X", "to join"
    (
        "The job of a developer is changing fast, and so is the way everyone who writes "
        "code for a living works today.",
        "Role\nThe role of the FDE will be to help our customers.",
        "role",
        "FDE",
    ),
    (
        "I have a new role open on my team: Staff Engineer – GenAI. We build a platform that "
        "helps teams build GenAI solutions quickly.",
        "",
        "role",
        "Staff Engineer",
    ),
    (
        "We are looking for a full-stack ninja to join Acme full-time.",
        "",
        "role",
        "full-stack ninja",
    ),
    # places: a place-and-work-mode line after a role list; a sentence describing the
    # company says what it does, not where the job is
    (
        "Acme Bio | Full time | https://acme.bio/careers",
        "Acme Bio has developed a platform.\n- Senior Backend Engineer (python)\n"
        "Please apply here: https://acme.bio/jobs\nSan Francisco (SF), Hybrid/Onsite 3 days/week",
        "location",
        "San Francisco (SF), Hybrid/Onsite 3 days/week",
    ),
    (
        "Acme is a fintech company rethinking how people buy homes in the U.S. with a fully "
        "digital lending platform.",
        "These positions are REMOTE but we hire in some states only.",
        "location",
        "Remote",
    ),
]


@pytest.mark.parametrize(
    ("line", "body", "field", "expected"), FOURTH_ROUND_CASES + FIFTH_ROUND_CASES
)
def test_first_line_layouts_fourth_and_fifth_rounds(
    line: str, body: str, field: str, expected: str | None
) -> None:
    assert getattr(parse_first_line(line, body), field) == expected


def test_a_long_location_line_keeps_its_opening() -> None:
    p = parse_first_line(
        "GTM Engineer | Acme",
        "LOCATION: Remote - Spain, UK via EOR, the rest between UTC +2 and UTC +5:30 in our "
        "hiring countries via contract and more words to make it long\nREMOTE: Yes",
    )
    assert p.location is not None and p.location.startswith("Remote - Spain, UK")
    assert len(p.location) <= 120


def test_other_countries_from_iso_list() -> None:
    assert countries_in("ONSITE - Madagascar") == ["MG"]
    assert countries_in("Skopje (North Macedonia)") == ["MK"]
    # names that are also words or US states stay out
    assert countries_in("Atlanta, Georgia") == ["US"]
    assert countries_in("New Jersey") == ["US"]


def test_parse_check_accepts_listed_alternatives() -> None:
    parsed = {"1": {"company": "Acme", "title": "Data Engineer", "location": "Berlin"}}
    ok = {"posting_id": "1", "split": "x", "is_posting": "1", "company": "Acme"}
    right = parse_check(
        parsed, [{**ok, "role": "ML Engineer || Data Engineer", "location": "Berlin"}]
    )
    assert right.all_ok == 1
    wrong = parse_check(parsed, [{**ok, "role": "ML Engineer || SRE", "location": "Berlin"}])
    assert (wrong.role_ok, wrong.all_ok) == (0, 0)
    # "-" among the alternatives: an empty field is right too, a wrong one is not
    empty = {"1": {"company": "Acme", "title": None, "location": "Berlin"}}
    lab = {**ok, "role": "SW/EE || -", "location": "Berlin"}
    assert parse_check(empty, [lab]).all_ok == 1
    assert parse_check(parsed, [lab]).role_ok == 0


def test_hn_collection_deduplicates_by_item(hn_dir: Path) -> None:
    parsed = read_hn_collection(hn_dir)
    assert [p.posting_id for p in parsed.postings] == ["1", "2", "3"]
    assert parsed.duplicates_dropped == 1
    beta = parsed.postings[1]
    assert "Kafka" in beta.text  # the newest run's text
    assert (beta.first_seen, beta.last_seen) == ("2026-01-01", "2026-02-01")
    assert beta.file_key.endswith("runs/2026-02-01/raw.json") and beta.record_index == 0
    assert parsed.postings[0].row()["countries"] == ["DE"]
    assert parsed.postings[2].month == "2026-02"
    assert json.loads(beta.source_labels or "{}")["llm_labels"]["role"] == "Software Engineer"


def test_hn_bad_record_names_file_and_record(hn_dir: Path) -> None:
    _hn_run(
        hn_dir,
        "2026-03-01",
        [_job(4, "Ok | Engineer | Remote"), {"id": "x", "text": "?"}],
        labels=False,
    )
    with pytest.raises(BadInputError) as err:
        read_hn_collection(hn_dir)
    assert "runs/2026-03-01/raw.json" in str(err.value) and "record 2" in str(err.value)


# --- user files ------------------------------------------------------------------------


def _postings_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    cols = ["id", "title", "company", "location", "date", "text", "skills"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})
    return path


def test_csv_and_json_postings(tmp_path: Path) -> None:
    rows = [
        {
            "id": "a",
            "title": "计算机视觉算法工程师",
            "company": "某公司",
            "location": "北京",
            "date": "2025-03-02",
            "text": "",
            "skills": "PyTorch;OpenCV",
        },
        {
            "id": "b",
            "title": "Data Engineer",
            "company": "X",
            "location": "Austin, TX",
            "date": "2025-03",
            "text": "Spark",
        },
    ]
    parsed = read_postings(_postings_csv(tmp_path / "jobs.csv", rows))
    assert parsed.dataset == "jobs"
    a, b = parsed.postings
    assert (a.month, a.skills, a.row()["countries"]) == ("2025-03", ["PyTorch", "OpenCV"], ["CN"])
    assert b.row()["countries"] == ["US"]
    (tmp_path / "jobs2.json").write_text(json.dumps(rows), encoding="utf-8")
    assert [p.title for p in read_postings(tmp_path / "jobs2.json").postings] == [a.title, b.title]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"id": "a", "title": "ML Engineer", "date": "March 2025"}, "date 'March 2025'"),
        ({"id": "a", "title": "", "text": "", "date": "2025-03"}, "neither a title nor a text"),
        ({"id": "a", "title": "x", "date": "2025-13"}, "not YYYY-MM"),
    ],
)
def test_bad_posting_rows_are_named(tmp_path: Path, row: dict[str, str], reason: str) -> None:
    good = {"id": "ok", "title": "Engineer", "date": "2025-01"}
    path = _postings_csv(tmp_path / "bad.csv", [good, row])
    with pytest.raises(BadInputError) as err:
        read_postings(path)
    assert str(path) in str(err.value) and "record 2" in str(err.value) and reason in str(err.value)


def test_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("title,date\nEngineer,2025-01\n")
    with pytest.raises(BadInputError, match="missing column"):
        read_postings(path)


# --- store: atomic, idempotent --------------------------------------------------------


def _counts(store: Store) -> tuple[int, int, int, int]:
    return (
        store.scalar("SELECT count(*) FROM job_postings"),
        store.scalar("SELECT count(*) FROM posting_roles"),
        store.scalar("SELECT count(*) FROM job_files"),
        store.scalar("SELECT count(*) FROM ingest_runs"),
    )


def test_load_is_idempotent_and_keeps_provenance(tmp_path: Path, hn_dir: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        first = load_postings(store, [hn_dir])[0]
        assert (first.postings, first.unchanged) == (3, False)
        before = _counts(store)
        again = load_postings(store, [hn_dir])[0]
        assert again.unchanged and _counts(store) == before
        rows = store.query(
            "SELECT posting_id, file_key, record_index, source FROM job_postings ORDER BY 1"
        )
        assert rows[1]["file_key"] == "hn-jobs-gantryops/runs/2026-02-01/raw.json"
        roles = {
            (r["posting_id"], r["role"])
            for r in store.query(
                "SELECT p.posting_id, r.role FROM posting_roles r JOIN job_postings p USING "
                "(posting_key)"
            )
        }
        assert ("1", "ml_engineering") in roles and ("3", "data_engineering") in roles
        assert ("3", "other") in roles  # Product Designer


def test_bad_input_leaves_store_unchanged(tmp_path: Path, hn_dir: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        load_postings(store, [hn_dir])
        before = _counts(store)
        _hn_run(hn_dir, "2026-03-01", [{"id": 9, "time": 1, "text": ""}])
        with pytest.raises(BadInputError, match="record 1"):
            load_postings(store, [hn_dir])
        assert _counts(store) == before


def test_failure_inside_the_transaction_rolls_back(
    tmp_path: Path, hn_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        load_postings(store, [hn_dir])
        before = _counts(store)
        _hn_run(hn_dir, "2026-03-01", [_job(7, "New | Engineer | Remote")])
        real = Store.append_arrow

        def failing(self: Store, target: Any, data: pa.Table) -> None:
            if target.name == "posting_roles":
                raise RuntimeError("disk full")
            real(self, target, data)

        monkeypatch.setattr(Store, "append_arrow", failing)
        with pytest.raises(RuntimeError):
            load_postings(store, [hn_dir])
        monkeypatch.undo()
        assert _counts(store) == before


# --- roles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Senior Machine Learning Engineer", {"ml_engineering"}),
        ("Staff Site Reliability Engineer", {"cloud_infra"}),
        ("Senior Software Engineer", {"software_engineering"}),
        ("Growth Marketer", {"other"}),
        ("推荐算法工程师", {"search_recsys"}),
        ("风控算法工程师", {"ml_engineering"}),
        ("大模型算法工程师", {"llm_research"}),
        ("前端开发工程师 / 大数据开发工程师", {"software_engineering", "data_engineering"}),
        ("SLAM工程师", {"computer_vision", "robotics"}),
        ("语音算法工程师", {"nlp_speech"}),
        ("UI设计师", {"other"}),
    ],
)
def test_roles_from_titles(title: str, expected: set[str]) -> None:
    assert role_ids(title, "") == expected


def test_ai_product_needs_an_ai_context() -> None:
    assert role_ids("Product Manager", "We build accounting software.") == {"other"}
    assert role_ids("Product Manager", "We build LLM agents for lawyers.") == {"ai_product"}


def test_taxonomy_names_every_role_in_both_languages() -> None:
    tax = taxonomy()
    assert len(tax.ids) == len(set(tax.ids)) >= 10
    for r in tax.roles:
        assert r.en and r.zh and any("\u4e00" <= ch <= "\u9fff" for ch in r.zh)


def test_role_scores_counts() -> None:
    gold = {"a": {"x"}, "b": {"x", "y"}, "c": set()}
    pred = {"a": {"x"}, "b": {"y"}, "c": {"x"}}
    s = role_scores(pred, gold, ["x", "y"])
    assert (s["x"]["tp"], s["x"]["fp"], s["x"]["fn"]) == (1, 1, 1)
    assert s["y"]["precision"] == 1.0 and s["y"]["recall"] == 1.0


def test_places() -> None:
    assert countries_in("Remote (US) or Pittsburgh, PA") == ["US"]
    assert countries_in("London, Budapest (ONSITE)") == ["GB", "HU"]
    assert countries_in("Latin America") == []
    assert countries_in("北京市海淀区 / 新加坡") == ["CN", "SG"]


# --- demand and supply on a small graph with a known answer ---------------------------------


@pytest.fixture()
def small_graph(tmp_path: Path) -> Path:
    """Papers 2022-2024 (supply for 2025 postings) and three postings."""
    mirror = tmp_path / "mirror"
    write_list(
        mirror,
        "iclr",
        2023,
        [
            record(
                id="p1",
                title="Scaling laws for language model pretraining",
                author="Ann Lee;Bo Chen",
                aff_country_unique="United States;China",
                aff_country_unique_index="0;1",
                status="Poster",
            ),
            record(
                id="p2",
                title="Semantic segmentation of street scenes",
                author="Cy Dee",
                aff_country_unique="United States",
                aff_country_unique_index="0",
                status="Poster",
            ),
            record(id="p3", title="Rejected idea", author="Ann Lee", status="Reject"),
        ],
    )
    write_list(
        mirror,
        "iclr",
        2020,  # outside the 3-year window of 2025
        [
            record(
                id="p9",
                title="Vision transformers",
                author="Old Timer",
                aff_country_unique="United States",
                aff_country_unique_index="0",
            )
        ],
    )
    path = tmp_path / "g.duckdb"
    with open_store(path) as store:
        build_paperlists(store, mirror_files(mirror))
        postings = _postings_csv(
            tmp_path / "p.csv",
            [
                {
                    "id": "1",
                    "title": "Computer Vision Engineer",
                    "location": "Boston, MA",
                    "date": "2025-02",
                },
                {
                    "id": "2",
                    "title": "Computer Vision Engineer",
                    "location": "Shanghai, China",
                    "date": "2025-02",
                },
                {"id": "3", "title": "Perception Engineer", "location": "NYC", "date": "2025-03"},
                {"id": "4", "title": "Backend Engineer", "location": "NYC", "date": "2025-03"},
            ],
        )
        load_postings(store, [postings])
    return path


def test_demand_supply_known_answer(small_graph: Path) -> None:
    with open_store(small_graph, read_only=True) as store:
        result = compute_demand(store=store, window=3)
    cells = {(r["role"], r["region"], r["period"]): r for r in result.rows}
    cv_us = cells[("computer_vision", "US", "all")]
    # demand: postings 1 and 3 (US); supply: Cy Dee only (2023, US; 2020 is outside the window)
    assert (cv_us["demand"], cv_us["supply"]) == (2, 1)
    assert cv_us["ratio"] == 0.5 and cv_us["low"] < 0.5 < cv_us["high"]
    assert cells[("computer_vision", "CN", "2025-02")]["supply"] == 0
    assert cells[("computer_vision", "ALL", "2025-02")]["demand"] == 2
    # software engineering has no paper-based supply: stated as null, never 0
    assert cells[("software_engineering", "US", "all")]["supply"] is None
    assert result.method["people"]["slots"] == 3  # accepted slots in 2022-2024
    with open_store(small_graph, read_only=True) as store:
        yearly = compute_demand(store=store, period="year", regions={"US"}).rows
    cells = {(r["role"], r["period"]): r for r in yearly}
    assert (
        cells[("computer_vision", "2025")]["demand"],
        cells[("computer_vision", "2025")]["supply"],
    ) == (2, 1)
    assert not any(r["period"].count("-") for r in yearly)  # no month rows


def test_demand_with_a_candidate_pool(small_graph: Path, tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_text(
        "person,title,location\nA,CV Engineer,Boston\nB,Perception Engineer,NYC\n"
        "C,Backend Engineer,Berlin\nA,Computer Vision Engineer,Boston\n"
    )
    with open_store(small_graph, read_only=True) as store:
        result = compute_demand(store=store, candidates=pool, regions={"US"})
    cells = {(r["role"], r["period"]): r for r in result.rows}
    assert cells[("computer_vision", "all")]["supply"] == 2  # A counted once
    assert cells[("software_engineering", "all")]["supply"] == 0  # C is in Germany


def test_demand_cli_json_and_errors(small_graph: Path) -> None:
    res = runner.invoke(
        app,
        [
            "demand",
            "--db",
            str(small_graph),
            "--region",
            "US",
            "--months",
            "2025-02..2025-03",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {"demand", "supply", "ratio_interval"} <= set(data["method"])
    # each counted collection says what one of its postings is
    notes = data["method"]["dataset_notes"]
    assert list(notes) == data["method"]["datasets"] and "user postings file" in notes["p"]
    assert all(r["region"] == "US" for r in data["rows"])
    res = runner.invoke(app, ["demand", "--db", str(small_graph), "--dataset", "nope"])
    assert res.exit_code == 1 and "no postings loaded" in res.output


def test_months_and_ratio_helpers() -> None:
    assert parse_months("2026-01..2026-03") == ("2026-01", "2026-03")
    assert parse_months("2021") == {f"2021-{m:02d}" for m in range(1, 13)}
    with pytest.raises(TalentflowError):
        parse_months("Jan 2026")
    ratio, low, high = ratio_interval(0, 10)
    assert ratio == 0 and low == 0 and high is not None and high > 0
    assert ratio_interval(5, 0) == (None, None, None)


# --- founders ----------------------------------------------------------------------------


def test_founders_csv_and_matching(tmp_path: Path, small_graph: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "person,company,founded\nCy Dee,Acme,2024\nZed Unknown,Beta,2023\nAnn Lee,Gamma,2024\n"
    )
    founders = read_founders(path)
    assert [f.founded for f in founders] == [2024, 2023, 2024]
    bad = tmp_path / "bad.csv"
    bad.write_text("person,company,founded\nCy Dee,Acme,soon\n")
    with pytest.raises(BadInputError, match="record 1"):
        read_founders(bad)
    with open_store(small_graph) as store:
        store.append_arrow(
            PEOPLE,
            pa.Table.from_pylist(
                [
                    {
                        "person_id": "p:cy",
                        "display_name": "Cy Dee",
                        "strong_id": None,
                        "n_slots": 1,
                    },
                    {
                        "person_id": "p:ann1",
                        "display_name": "Ann Lee",
                        "strong_id": None,
                        "n_slots": 1,
                    },
                    {
                        "person_id": "p:ann2",
                        "display_name": "Ann  LEE",
                        "strong_id": None,
                        "n_slots": 1,
                    },
                ],
                schema=PEOPLE.arrow_schema(),
            ),
        )
        store.append_arrow(SLOT_PEOPLE, pa.Table.from_pylist([], schema=SLOT_PEOPLE.arrow_schema()))
        m = match_founders(DuckDBEngine(store), founders)
    assert m.cohort == [("p:cy", 2024)]
    assert m.unmatched == ["Zed Unknown"] and m.ambiguous == ["Ann Lee"]


def _org(org_id: str, name: str, kind: str = "industry") -> dict[str, Any]:
    return {"org_id": org_id, "name": name, "kind": kind, "country": "CN", "hq_country": "CN"}


def _stint(person: str, org: str, first: int, last: int) -> dict[str, Any]:
    return {
        "person_id": person,
        "org_id": org,
        "first_year": first,
        "last_year": last,
        "evidence": "paper",
        "country": "CN",
        "stage": None,
    }


def test_store_cohort_pedigree(small_graph: Path) -> None:
    with open_store(small_graph) as store:
        orgs = [
            _org("tf:moonshot", "Moonshot AI"),
            _org("tf:baichuan", "Baichuan AI"),
            _org("uni:tsinghua", "Tsinghua University", "academia"),
            _org("tf:microsoft", "Microsoft"),
        ]
        store.append_arrow(
            ORGANISATIONS, pa.Table.from_pylist(orgs, schema=ORGANISATIONS.arrow_schema())
        )
        stints = [
            _stint("p1", "uni:tsinghua", 2018, 2020),  # earlier Tsinghua, then Moonshot
            _stint("p1", "tf:moonshot", 2023, 2024),
            _stint("p2", "tf:baichuan", 2024, 2024),  # no history
            _stint("p3", "tf:microsoft", 2019, 2019),  # Microsoft before Baichuan (2023)
            _stint("p3", "tf:baichuan", 2023, 2023),
            _stint("p3", "tf:moonshot", 2025, 2025),
            _stint("p4", "tf:moonshot", 2022, 2022),  # Tsinghua only afterwards: not earlier
            _stint("p4", "uni:tsinghua", 2024, 2024),
            _stint("p5", "uni:tsinghua", 2020, 2024),  # never at a start-up: not in the cohort
        ]
        store.append_arrow(STINTS, pa.Table.from_pylist(stints, schema=STINTS.arrow_schema()))
        engine = DuckDBEngine(store)
        out = store_cohort_pedigree(
            engine, ["Moonshot", "Baichuan", "DeepSeek"], ["Tsinghua", "Microsoft"]
        )
        with pytest.raises(TalentflowError, match="none of DeepSeek"):
            store_cohort_pedigree(engine, ["DeepSeek"], ["Tsinghua"])
    cohort = out["cohort"]
    assert cohort["people"] == 4 and out["n"] == 4
    assert cohort["people_by_org"] == {"Baichuan AI": 2, "Moonshot AI": 3}
    assert cohort["not_found"] == ["DeepSeek"]
    assert cohort["first_year_there"] == {2022: 1, 2023: 2, 2024: 1}
    assert out["coverage"]["with_history"] == 2
    assert out["share"]["n"] == 2 and out["share"]["share"] == pytest.approx(0.5)
    assert {r["org"]: r["n"] for r in out["by_org"]} == {"Microsoft": 1, "Tsinghua University": 1}
    res = runner.invoke(
        app, ["founders", "pedigree", "--db", str(small_graph), "--earlier", "Tsinghua"]
    )
    assert res.exit_code == 1 and "exactly one of --founders" in res.output
    res = runner.invoke(
        app,
        [
            "founders",
            "pedigree",
            "--db",
            str(small_graph),
            "--earlier",
            "Microsoft",
            "--cohort-orgs",
            "Moonshot,Baichuan",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["cohort"]["people"] == 4


# --- real data ------------------------------------------------------------------------


@pytest.mark.shared_data
def test_hn_parse_check_on_hand_labels() -> None:
    hn = read_hn_collection(require_shared("hn-jobs-gantryops"))
    assert len(hn.postings) == 1720 and hn.duplicates_dropped == 581
    parsed = {
        p.posting_id: {"company": p.company, "title": p.title, "location": p.location}
        for p in hn.postings
    }
    labels = read_labels(FIXTURES / "hn_handcheck.csv")
    result = parse_check(parsed, labels).as_dict()
    assert result["checked_postings"] >= 1074
    # regression guards below the measured rates (benchmarks/RESULTS.md): all hand-checked
    # postings, and the samples labelled before the parser was run on them
    assert result["all_three_rate"] >= 0.95, result["failures"]
    fresh_splits = (
        ("holdout4", 45),
        *((f"holdout{k}", 156) for k in (5, 6, 7, 8)),
        ("holdout9", 154),
        ("holdout10", 291),
        ("holdout11", 278),
    )
    for split, n in fresh_splits:
        fresh = parse_check(parsed, [lab for lab in labels if lab["split"] == split])
        assert fresh.checked == n
        assert fresh.as_dict()["all_three_rate"] >= 0.85, fresh.failures
        assert min(fresh.company_ok, fresh.role_ok, fresh.location_ok) / fresh.checked >= 0.91
    # the fresh samples are the recorded draws
    for split, name in (
        ("holdout5", "hn_parse_sample5_ids.txt"),
        ("holdout6", "hn_parse_sample6_ids.txt"),
        ("holdout7", "hn_parse_sample7_ids.txt"),
        ("holdout8", "hn_parse_sample8_ids.txt"),
        ("holdout9", "hn_parse_sample9_ids.txt"),
        ("holdout10", "hn_parse_sample10_ids.txt"),
        ("holdout11", "hn_parse_sample11_ids.txt"),
    ):
        ids = (Path(__file__).parents[1] / "benchmarks" / "data" / name).read_text()
        assert sorted(x for x in ids.splitlines() if x and not x.startswith("#")) == sorted(
            lab["posting_id"] for lab in labels if lab["split"] == split
        )


@pytest.mark.slow
@pytest.mark.shared_data
def test_chinese_start_up_cohort_on_the_mirror(mirror_store: Store) -> None:
    startups = ["Moonshot AI", "Zhipu AI", "MiniMax", "Baichuan", "01.AI", "DeepSeek"]
    out = store_cohort_pedigree(DuckDBEngine(mirror_store), startups, ["Tsinghua"])
    # the people the store attributes to the start-ups, counted independently from the slots
    at_startups = mirror_store.query(
        "SELECT o.name, count(DISTINCT sp.person_id) AS n FROM slot_orgs s "
        "JOIN organisations o ON o.org_id = s.org_id "
        "JOIN slot_people sp ON sp.paper_key = s.paper_key AND sp.author_index = s.author_index "
        "JOIN authorships a ON a.paper_key = s.paper_key AND a.author_index = s.author_index "
        "WHERE s.org_id IN ('tf:moonshot', 'tf:zhipu', 'tf:minimax', 'tf:baichuan', "
        "'tf:01ai', 'tf:deepseek') AND a.accepted GROUP BY o.name"
    )
    assert out["cohort"]["people_by_org"] == {r["name"]: r["n"] for r in at_startups}
    assert out["cohort"]["people"] == out["n"] >= 1
    # the mirror names Moonshot, Zhipu, 01.AI and DeepSeek only in affiliation lists that
    # do not line up with the authors: none of them resolves to a person
    assert set(out["cohort"]["not_found"]) == set(startups) - {"Baichuan"}
    # a Baichuan author who published from Tsinghua years before
    assert out["coverage"]["with_history"] >= 1
    assert any(r["org"] == "Tsinghua University" for r in out["by_org"])


@pytest.mark.shared_data
def test_roles_against_hand_labels() -> None:
    from talentflow.sources.jobs_cn import read_cn_collection

    hn = {p.posting_id: p for p in read_hn_collection(require_shared("hn-jobs-gantryops")).postings}
    cn = {
        p.posting_id: p
        for p in read_cn_collection(require_shared("ruanyf-whoishiring-cn")).postings
    }
    gold: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    for lab in read_labels(FIXTURES / "role_labels.csv"):
        p = (hn if lab["dataset"].startswith("hn") else cn)[lab["posting_id"]]
        key = f"{lab['dataset']}#{lab['posting_id']}"
        gold[key] = split_roles(lab["roles"])
        pred[key] = role_ids(p.title, p.text)
    assert len(gold) >= 150
    scores = role_scores(pred, gold, taxonomy().ids)
    tp = sum(s["tp"] for s in scores.values())
    fp = sum(s["fp"] for s in scores.values())
    fn = sum(s["fn"] for s in scores.values())
    micro_f1 = 2 * tp / (2 * tp + fp + fn)
    assert micro_f1 >= 0.85, scores
    for role in ("software_engineering", "ml_engineering", "cloud_infra", "data_engineering"):
        assert scores[role]["precision"] >= 0.75 and scores[role]["recall"] >= 0.75, role


def test_a_new_parser_version_reparses_unchanged_files(
    tmp_path: Path, hn_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import talentflow.graph.jobs_ingest as labour_store

    with open_store(tmp_path / "s.duckdb") as store:
        load_postings(store, [hn_dir])
        assert load_postings(store, [hn_dir])[0].unchanged
        monkeypatch.setattr(labour_store, "PARSER_VERSION", "test-next")
        again = load_postings(store, [hn_dir])[0]
        assert not again.unchanged and again.postings == 3
        assert store.scalar("SELECT count(*) FROM job_postings") == 3
