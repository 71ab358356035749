"""Benchmark (issue 9): OpenAlex-sized talent graphs end to end on DuckDB and on Spark.

For each size (author slots) the synthetic generator (:mod:`devtools.synthetic`) draws a
talent graph whose every slot carries a strong id (an OpenReview-style ``~Person_N``), and
writes it as the Parquet tables layout (``talentflow export tables``) without any people,
stints or moves. Then, each in its own process so that peak memory is its own:

- ``duckdb``: load the Parquet into a fresh store, resolve people by strong id, derive
  careers (stints and moves), run every indicator (pipeline, migration, orgflows, pedigree,
  country profile);
- ``spark``: the same steps with the same SQL on Spark (``--master``, default local[2]),
  reading the same Parquet.

Prints one JSON line per phase and a summary table; ``--results`` appends the table to
benchmarks/RESULTS.md. The indicator answers of both engines are compared (``--compare``).

    python benchmarks/scale.py run --slots 1000000 --engines duckdb,spark --compare
    python benchmarks/scale.py run --slots 1000000,10000000 --engines duckdb --results
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Scale (issue 9)"
VENUE_YEAR = 2020

# Strong-id resolution: every slot with an OpenReview id is that person (portable SQL).
STRONG_ID_SLOT_PEOPLE_SQL = """
SELECT paper_key, author_index, 'openreview:' || profile_id AS person_id,
       'strong_id' AS evidence, CAST(NULL AS DOUBLE) AS score
FROM authorships
WHERE profile_kind = 'openreview' AND profile_id IS NOT NULL
"""
STRONG_ID_PEOPLE_SQL = """
SELECT sp.person_id, min(a.name) AS display_name,
       min(a.profile_id) AS strong_id, CAST(count(*) AS INTEGER) AS n_slots
FROM slot_people sp
JOIN authorships a ON a.paper_key = sp.paper_key AND a.author_index = sp.author_index
GROUP BY sp.person_id
"""
# The generator's organisation names (indicators take names, as users type them).
EARLIER_ORG = "Synthetic University 3"
COHORT_ORG = "Synthetic Labs 30"


def log(**fields: Any) -> None:
    fields.setdefault("cpu_s", round(cpu_seconds(), 1))
    fields.setdefault("at", datetime.now(UTC).strftime("%H:%M:%S"))
    fields.setdefault("load", load_average())
    print(json.dumps(fields), flush=True)


def load_average() -> str:
    """The machine's 1/5/15-minute load averages (``uptime``): how shared the 2 cores were."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_seconds() -> float:
    """User + system CPU time of this process and its waited-for children so far (under
    contention from other work, CPU time is a steadier measure than wall time)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def people_for(slots: int) -> int:
    """People to ask the generator for, so that it draws about ``slots`` author slots."""
    from devtools.synthetic import SyntheticSpec, generate

    probe = generate(SyntheticSpec(people=20_000, seed=99))
    return max(100, round(20_000 * slots / probe.authorships.num_rows))


CHUNK_SLOTS = 1_500_000


def _chunk_tables(graph: Any, chunk: int) -> dict[str, Any]:
    """The store tables of one chunk, with ids made unique across chunks and every slot
    carrying its person's strong id (slot_people is aligned with authorships); the person
    decisions themselves are left for the engines to make."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def sub(table: Any, column: str, old: str, new: str) -> Any:
        i = table.schema.get_field_index(column)
        return table.set_column(i, column, pc.replace_substring(table.column(column), old, new))

    tag = f"c{chunk}-"
    person = graph.slot_people.column("person_id")
    strong = pc.replace_substring(person, "syn-p", f"~Person_{tag}")
    a = graph.authorships
    a = a.set_column(a.schema.get_field_index("profile_id"), "profile_id", strong)
    kind = pa.array(["openreview"] * a.num_rows, pa.string())
    a = a.set_column(a.schema.get_field_index("profile_kind"), "profile_kind", kind)
    tables = {
        "papers": graph.papers,
        "authorships": a,
        "slot_orgs": graph.slot_orgs,
        "organisations": graph.organisations,
        "source_files": graph.source_files,
    }
    if chunk == 0:
        return tables
    # Later chunks: their own papers and files, and their own organisations (the generator
    # draws an organisation's country per seed), named apart from chunk 0's.
    for name in ("papers", "authorships", "slot_orgs", "source_files"):
        t = tables[name]
        for column in ("paper_key", "file_key", "paper_id"):
            if column in t.column_names:
                t = sub(t, column, "/", f"/{tag}")
        tables[name] = t
    tables["authorships"] = sub(
        tables["authorships"], "affiliation", "Synthetic ", f"Synthetic {tag}"
    )
    tables["slot_orgs"] = sub(tables["slot_orgs"], "org_id", "syn-org", f"syn-org{tag}")
    orgs = sub(tables["organisations"], "org_id", "syn-org", f"syn-org{tag}")
    tables["organisations"] = sub(orgs, "name", "Synthetic ", f"Synthetic {tag}")
    return tables


def generate_tables(slots: int, out: Path, seed: int = 1) -> dict[str, Any]:
    """Draw a graph of about ``slots`` author slots, in chunks of at most CHUNK_SLOTS (so
    memory stays bounded), and write its Parquet tables layout (``talentflow export
    tables``) without people, stints or moves."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from devtools.synthetic import SyntheticSpec, generate
    from talentflow.graph.parquet import MANIFEST, PARTITION_BY
    from talentflow.graph.schema import SCHEMA_VERSION, TABLES

    start = time.perf_counter()
    chunks = max(1, -(-slots // CHUNK_SLOTS))
    n_people = people_for(slots // chunks)
    rows = {t.name: 0 for t in TABLES}
    totals = {"accepted_slots": 0, "people": 0, "true_moves": 0, "true_stints": 0}
    drawn = 0.0
    for chunk in range(chunks):
        t0 = time.perf_counter()
        graph = generate(SyntheticSpec(people=n_people, orgs=400, seed=seed + chunk))
        drawn += time.perf_counter() - t0
        tables = _chunk_tables(graph, chunk)
        for name, data in tables.items():
            target = out / name
            if PARTITION_BY.get(name):
                pq.write_to_dataset(
                    data,
                    str(target),
                    partition_cols=list(PARTITION_BY[name]),
                    basename_template=f"chunk{chunk}-{{i}}.parquet",
                )
            else:
                target.mkdir(parents=True, exist_ok=True)
                pq.write_table(data, target / f"chunk{chunk}.parquet")
            rows[name] += data.num_rows
        totals["accepted_slots"] += int(pc.sum(tables["authorships"].column("accepted")).as_py())
        totals["people"] += n_people
        totals["true_moves"] += graph.true_moves.num_rows
        totals["true_stints"] += graph.true_stints.num_rows
        del graph, tables
    for t in TABLES:
        (out / t.name).mkdir(parents=True, exist_ok=True)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "rows": rows,
        "partition_by": {t.name: list(PARTITION_BY.get(t.name, ())) for t in TABLES},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return {
        "phase": "generate",
        "slots": rows["authorships"],
        "chunks": chunks,
        **totals,
        "papers": rows["papers"],
        "seconds_draw": round(drawn, 1),
        "seconds": round(time.perf_counter() - start, 1),
        "parquet_mb": round(sum(f.stat().st_size for f in out.rglob("*.parquet")) / 2**20, 1),
        "rows": rows,
    }


def all_indicators(engine: Any) -> tuple[dict[str, Any], dict[str, float]]:
    """Every indicator of issue 5 once, as JSON (names as a user would type them), and the
    seconds each took. Each person's best-evidence stints and moves are computed once, up
    front (``best_evidence``), and read by every indicator."""
    from talentflow.indicators.common import best_evidence
    from talentflow.indicators.country import country_profile
    from talentflow.indicators.migration import migration
    from talentflow.indicators.orgflows import orgflows
    from talentflow.indicators.pedigree import pedigree
    from talentflow.indicators.pipeline import pipeline

    calls: dict[str, Callable[[], Any]] = {
        "pipeline": lambda: pipeline(engine, "synth", VENUE_YEAR),
        "pipeline_hq": lambda: pipeline(engine, "synth", VENUE_YEAR, basis="hq"),
        "migration": lambda: migration(engine, 2013, 2025),
        "orgflows": lambda: orgflows(engine, 2013, 2025, k=3),
        "pedigree": lambda: pedigree(
            engine, earlier=[EARLIER_ORG], orgs=[COHORT_ORG], year=VENUE_YEAR
        ),
        "country_us": lambda: country_profile(engine, "US"),
        "country_kr": lambda: country_profile(engine, "KR"),
    }
    out: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    with best_evidence(engine):
        seconds["best_evidence"] = round(time.perf_counter() - start, 2)
        log(phase="indicator best_evidence", seconds=seconds["best_evidence"])
        for name, call in calls.items():
            start = time.perf_counter()
            out[name] = call().as_json()
            seconds[name] = round(time.perf_counter() - start, 2)
            log(phase=f"indicator {name}", seconds=seconds[name])
    return out, seconds


def run_duckdb(tables: Path, work: Path, memory_limit: str) -> dict[str, Any]:
    from talentflow.careers.derive import careers_from_papers
    from talentflow.engines import DuckDBEngine
    from talentflow.graph.parquet import parquet_files
    from talentflow.graph.schema import MOVES, PEOPLE, SLOT_PEOPLE, STINTS, TABLES
    from talentflow.graph.store import open_store

    phases: dict[str, float] = {}
    total = time.perf_counter()
    with open_store(work / "scale.duckdb") as store:
        store.con.execute("SET threads = 2")
        store.con.execute(f"SET memory_limit = '{memory_limit}'")
        store.con.execute(f"SET temp_directory = '{work / 'duckdb-tmp'}'")
        start = time.perf_counter()
        with store.transaction() as con:
            for t in TABLES:
                files = parquet_files(tables, t.name)
                if t.name == "store_meta" or not files:
                    continue
                listed = ", ".join(f"'{f}'" for f in files)
                cols = ", ".join(t.column_names)
                con.execute(
                    f"INSERT INTO {t.name} ({cols}) SELECT {cols} "
                    f"FROM read_parquet([{listed}], hive_partitioning = true)"
                )
        phases["load"] = time.perf_counter() - start
        log(phase="duckdb load", seconds=round(phases["load"], 1), rss_gb=round(peak_rss_gb(), 2))

        engine = DuckDBEngine(store)
        start = time.perf_counter()
        with store.transaction() as con:
            con.execute(
                f"INSERT INTO slot_people ({', '.join(SLOT_PEOPLE.column_names)}) "
                f"{STRONG_ID_SLOT_PEOPLE_SQL}"
            )
            con.execute(
                f"INSERT INTO people ({', '.join(PEOPLE.column_names)}) {STRONG_ID_PEOPLE_SQL}"
            )
        phases["resolve"] = time.perf_counter() - start
        log(phase="duckdb resolve", seconds=round(phases["resolve"], 1))

        start = time.perf_counter()
        stints, moves = careers_from_papers(engine)
        with store.transaction():
            store.append_arrow(STINTS, stints)
            store.append_arrow(MOVES, moves)
        phases["careers"] = time.perf_counter() - start
        log(
            phase="duckdb careers",
            seconds=round(phases["careers"], 1),
            stints=stints.num_rows,
            moves=moves.num_rows,
        )

        start = time.perf_counter()
        answers, per_indicator = all_indicators(engine)
        phases["indicators"] = time.perf_counter() - start
    phases["total"] = time.perf_counter() - total
    return {
        "engine": "duckdb",
        "per_indicator": per_indicator,
        "cpu_s": round(cpu_seconds(), 1),
        "phases": {k: round(v, 1) for k, v in phases.items()},
        "peak_rss_gb": round(peak_rss_gb(), 2),
        "stints": stints.num_rows,
        "moves": moves.num_rows,
        "answers": answers,
    }


def _jvm_peak_gb(session: Any) -> float | None:
    try:
        pid = session.sparkContext._gateway.proc.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024 / 1024, 2)
    except Exception:
        return None
    return None


def _jvm_max_heap_gb(session: Any) -> float | None:
    """The JVM's maximum heap (shows that spark.driver.memory reached it)."""
    try:
        runtime = session.sparkContext._jvm.java.lang.Runtime.getRuntime()
        return round(runtime.maxMemory() / 2**30, 2)
    except Exception:
        return None


def _jvm_cpu_s(session: Any) -> float | None:
    try:
        pid = session.sparkContext._gateway.proc.pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 1)
    except Exception:
        return None


def run_spark(tables: Path, master: str, conf: dict[str, str]) -> dict[str, Any]:
    from talentflow.careers.derive import CAREERS_SQL, EVIDENCE
    from talentflow.engines.spark import SparkEngine, spark_session

    phases: dict[str, float] = {}
    total = time.perf_counter()
    start = time.perf_counter()
    session = spark_session(master, conf)
    phases["start"] = time.perf_counter() - start
    heap = _jvm_max_heap_gb(session)
    log(phase="spark start", seconds=round(phases["start"], 1), jvm_max_heap_gb=heap)
    engine_session = session

    def spark_log(**fields: Any) -> None:
        log(jvm_cpu_s=_jvm_cpu_s(engine_session), **fields)

    start = time.perf_counter()
    engine = SparkEngine(session, tables)
    for name in ("authorships", "papers", "slot_orgs", "organisations"):
        engine.register_query(name, f"SELECT * FROM {name}", cache=True)
    n_slots = engine.sql("SELECT count(*) AS n FROM authorships").column("n")[0].as_py()
    engine.sql("SELECT count(*) AS n FROM slot_orgs")
    phases["load"] = time.perf_counter() - start
    spark_log(phase="spark load", seconds=round(phases["load"], 1), slots=n_slots)

    start = time.perf_counter()
    engine.register_query("slot_people", STRONG_ID_SLOT_PEOPLE_SQL, cache=True)
    engine.register_query("people", STRONG_ID_PEOPLE_SQL, cache=True)
    people = engine.sql("SELECT count(*) AS n FROM people").column("n")[0].as_py()
    phases["resolve"] = time.perf_counter() - start
    spark_log(phase="spark resolve", seconds=round(phases["resolve"], 1), people=people)

    start = time.perf_counter()
    # The same careers query as careers_from_papers, kept distributed as two cached views
    # shaped like the stints and moves tables (rather than collected to the driver).
    engine.register_query("careers_both", CAREERS_SQL, cache=True)
    engine.register_query(
        "stints",
        "SELECT person_id, org_id, country, stage, CAST(first_year AS INTEGER) AS first_year, "
        "CAST(last_year AS INTEGER) AS last_year, :ev AS evidence "
        "FROM careers_both WHERE row_kind = 'stint'",
        {"ev": EVIDENCE},
        cache=True,
    )
    engine.register_query(
        "moves",
        "SELECT person_id, from_org_id, org_id AS to_org_id, from_country, "
        "country AS to_country, CAST(first_year AS INTEGER) AS year, :ev AS evidence "
        "FROM careers_both WHERE row_kind <> 'stint'",
        {"ev": EVIDENCE},
        cache=True,
    )
    stints = engine.sql("SELECT count(*) AS n FROM stints").column("n")[0].as_py()
    moves = engine.sql("SELECT count(*) AS n FROM moves").column("n")[0].as_py()
    phases["careers"] = time.perf_counter() - start
    spark_log(
        phase="spark careers", seconds=round(phases["careers"], 1), stints=stints, moves=moves
    )

    start = time.perf_counter()
    answers, per_indicator = all_indicators(engine)
    phases["indicators"] = time.perf_counter() - start
    phases["total"] = time.perf_counter() - total
    jvm = _jvm_peak_gb(session)
    jvm_cpu = _jvm_cpu_s(session)
    session.stop()
    return {
        "engine": f"spark {master}",
        "per_indicator": per_indicator,
        "jvm_max_heap_gb": heap,
        "cpu_s_driver": round(cpu_seconds(), 1),
        "phases": {k: round(v, 1) for k, v in phases.items()},
        "peak_rss_gb": round(peak_rss_gb(), 2),
        "jvm_peak_rss_gb": jvm,
        "cpu_s_jvm": jvm_cpu,
        "stints": stints,
        "moves": moves,
        "answers": answers,
    }


def _child(args: argparse.Namespace) -> None:
    tables = Path(args.tables)
    if args.engine == "duckdb":
        work = Path(args.work)
        result = run_duckdb(tables, work, args.memory_limit)
    else:
        conf = dict(kv.split("=", 1) for kv in args.spark_conf or [])
        result = run_spark(tables, args.master, conf)
    Path(args.result).write_text(json.dumps(result))


def _spawn(cmd: list[str]) -> None:
    subprocess.run([sys.executable, __file__, *cmd], check=True)


def _size_label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


def run(args: argparse.Namespace) -> None:
    from talentflow.engines.compare import json_differences

    sizes = [int(float(s)) for s in args.slots.split(",")]
    engines = args.engines.split(",")
    base = Path(args.work or tempfile.mkdtemp(prefix="talentflow-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    try:
        for size in sizes:
            tables = base / f"tables-{size}"
            gen_result = base / f"gen-{size}.json"
            _spawn(
                [
                    "generate",
                    "--slots",
                    str(size),
                    "--out",
                    str(tables),
                    "--result",
                    str(gen_result),
                ]
            )
            gen = json.loads(gen_result.read_text())
            log(**{k: v for k, v in gen.items() if k != "rows"})
            results: dict[str, dict[str, Any]] = {}
            for engine in engines:
                result_path = base / f"{engine}-{size}.json"
                cmd = ["child", "--engine", engine, "--tables", str(tables)]
                cmd += ["--result", str(result_path)]
                if engine == "duckdb":
                    work = base / f"duckdb-{size}"
                    shutil.rmtree(work, ignore_errors=True)
                    work.mkdir()
                    cmd += ["--work", str(work), "--memory-limit", args.memory_limit]
                else:
                    cmd += ["--master", args.master]
                    for kv in args.spark_conf or []:
                        cmd += ["--spark-conf", kv]
                load_before = load_average()
                start = time.perf_counter()
                _spawn(cmd)
                wall = time.perf_counter() - start
                result = json.loads(result_path.read_text())
                result["wall"] = round(wall, 1)
                result["load"] = f"{load_before} -> {load_average()}"
                results[engine] = result
                log(**{k: v for k, v in result.items() if k != "answers"})
                if engine == "duckdb":
                    shutil.rmtree(base / f"duckdb-{size}", ignore_errors=True)
            same: str = "-"
            if args.compare and len(results) == 2:
                a, b = (results[e]["answers"] for e in engines)
                diffs = {k: json_differences(a[k], b[k]) for k in a}
                bad = {k: v[:3] for k, v in diffs.items() if v}
                same = "identical" if not bad else f"DIFFER: {bad}"
                log(phase="compare", result=same)
            for engine, result in results.items():
                rows.append(
                    {"size": size, "gen": gen, "engine": engine, "result": result, "same": same}
                )
            shutil.rmtree(tables, ignore_errors=True)
    finally:
        if not args.work and not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    table = render_table(rows)
    print(table)
    if args.results:
        append_results(table, args)


def render_table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| author slots | engine | load | resolve | careers | indicators | total (wall) "
        "| CPU | peak memory | stints / moves (truth) | engines agree | load average "
        "(1/5/15 min, before -> after) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        res, ph = r["result"], r["result"]["phases"]
        mem = f"{res['peak_rss_gb']} GB"
        if res.get("jvm_peak_rss_gb") is not None:
            mem = f"driver {res['peak_rss_gb']} GB + JVM {res['jvm_peak_rss_gb']} GB"
        start = f" (+{ph['start']} s start)" if "start" in ph else ""
        if "cpu_s" in res:
            cpu = f"{res['cpu_s']} s"
        else:
            cpu = f"driver {res.get('cpu_s_driver')} s + JVM {res.get('cpu_s_jvm')} s"
        truth = f"{r['gen']['true_stints']:,} / {r['gen']['true_moves']:,}"
        lines.append(
            f"| {r['gen']['slots']:,} | {r['engine']} | {ph['load']} s{start} | {ph['resolve']} s "
            f"| {ph['careers']} s | {ph['indicators']} s | {ph['total']} s ({res['wall']} s) "
            f"| {cpu} | {mem} | {res['stints']:,} / {res['moves']:,} ({truth}) | {r['same']} "
            f"| {res.get('load', '-')} |"
        )
    names = [n for r in rows for n in r["result"].get("per_indicator", {})]
    names = list(dict.fromkeys(names))
    if names:
        lines += [
            "",
            "Seconds per indicator (``best_evidence``: each person's best-evidence stints "
            "and moves, computed once and read by every indicator):",
            "",
            "| author slots | engine | " + " | ".join(names) + " |",
            "|---|---|" + "---|" * len(names),
        ]
        for r in rows:
            per = r["result"].get("per_indicator", {})
            cells = " | ".join(f"{per[n]} s" if n in per else "-" for n in names)
            lines.append(f"| {r['gen']['slots']:,} | {r['engine']} | {cells} |")
    return "\n".join(lines)


def append_results(table: str, args: argparse.Namespace) -> None:
    import duckdb

    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark and evaluation results\n"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    conf = f" ({', '.join(args.spark_conf)})" if args.spark_conf else ""
    block = (
        f"\n### `benchmarks/scale.py run --slots {args.slots} --engines {args.engines}`"
        f" ({stamp})\n\n"
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__} (threads 2, memory_limit {args.memory_limit}); Spark "
        f"master {args.master}{conf}. The 2 cores were shared with other sessions' work while "
        "this ran, so times are upper bounds. Peak memory: the engine process's RSS "
        "high-water mark (Spark: Python driver and JVM separately).\n\n"
        f"{table}\n"
    )
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n"
    # Appended at the end of our section (others' sections may follow it).
    head, _, tail = text.partition(SECTION)
    next_section = tail.find("\n## ")
    if next_section == -1:
        text = head + SECTION + tail.rstrip("\n") + "\n" + block
    else:
        text = (
            head + SECTION + tail[:next_section].rstrip("\n") + "\n" + block + tail[next_section:]
        )
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="generate, then run each engine in its own process")
    r.add_argument("--slots", default="1000000", help="comma-separated sizes, e.g. 1e6,1e7")
    r.add_argument("--engines", default="duckdb,spark")
    r.add_argument("--master", default="local[2]")
    r.add_argument("--spark-conf", action="append")
    r.add_argument("--memory-limit", default="6GB", help="DuckDB memory_limit")
    r.add_argument("--compare", action="store_true", help="compare the engines' answers")
    r.add_argument("--results", action="store_true", help="append to benchmarks/RESULTS.md")
    r.add_argument("--work", help="work directory (default: a temporary one)")
    r.add_argument("--keep", action="store_true")
    g = sub.add_parser("generate")
    g.add_argument("--slots", type=int, required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--result", required=True)
    c = sub.add_parser("child")
    c.add_argument("--engine", required=True)
    c.add_argument("--tables", required=True)
    c.add_argument("--result", required=True)
    c.add_argument("--work")
    c.add_argument("--memory-limit", default="6GB")
    c.add_argument("--master", default="local[2]")
    c.add_argument("--spark-conf", action="append")
    args = parser.parse_args()
    if args.command == "run":
        run(args)
    elif args.command == "generate":
        info = generate_tables(args.slots, Path(args.out))
        info["peak_rss_gb"] = round(peak_rss_gb(), 2)
        Path(args.result).write_text(json.dumps(info))
    else:
        _child(args)


if __name__ == "__main__":
    main()
