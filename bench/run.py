"""Benchmark: ``approvals.perform`` against bare django-fsm-2 + django-fsm-log, on SQLite and
PostgreSQL, in one run.

Django can be set up only once per process and the engine works on the ``default`` database, so
this script runs itself once per database as a worker (``--worker``) and prints the tables from
the workers' results. SQLite uses a temporary file. PostgreSQL uses ``DATABASE_URL`` when it names
a PostgreSQL database (else ``postgres://postgres@127.0.0.1:5432/jingzhun_bench``), a database this
script drops and creates, so its name must end in ``_bench``; when the server is unreachable only
SQLite is measured.

Each worker migrates, creates ``--cases`` toy cases through ``approvals.create_case`` and as many
peer cases, then for each contender: one counted cycle (every case ``submit`` then
``return_for_revision``, queries captured per transition, which also warms the caches), one
captured representative ``submit``, and ``--cycles`` timed cycles, the two contenders' timed
cycles interleaved so that drift in the machine's speed hits both alike.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/jingzhun_bench"
COMMENT = "请补充村民代表会议记录"
# Left out of the counts: savepoints come and go with how deeply a caller nests atomic blocks.
# BEGIN and COMMIT, which Django logs on every database, are counted: each is a round trip.
SAVEPOINT_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


# --- worker: runs inside Django, against the database named by DATABASE_URL -------------------


def _set_up(cases: int):
    """A region tree and people as in tests/conftest.py, a policy, and ``cases`` of each kind."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from approvals import create_case, policy_versions
    from approvals.models import Policy
    from bench.peer.models import PeerCase
    from roles.models import Level, Region, RoleAssignment
    from tests.toy.models import ToyCase

    def region(code, name, level, parent=None):
        return Region.objects.create(code=code, name=name, level=level, parent=parent)

    def person(username, role, where):
        user = get_user_model().objects.create_user(username, password="pw")
        RoleAssignment.objects.create(
            user=user, role=role, region=where, valid_from=datetime.date(2020, 1, 1)
        )
        return user

    with transaction.atomic():
        province = region("620000000000", "甘肃省", Level.PROVINCE)
        prefecture = region("620100000000", "兰州市", Level.PREFECTURE, province)
        county = region("620102000000", "城关区", Level.COUNTY, prefecture)
        t1 = region("620102001000", "东岗镇", Level.TOWNSHIP, county)
        t2 = region("620102002000", "西湖镇", Level.TOWNSHIP, county)
        v11 = region("620102001001", "一村", Level.VILLAGE, t1)
        v12 = region("620102001002", "二村", Level.VILLAGE, t1)
        v21 = region("620102002001", "三村", Level.VILLAGE, t2)
        policy_versions.load(
            Policy(
                workflow="toy",
                version="toy-2024",
                effective_from=datetime.date(2014, 1, 1),
                values={"notice_days": 5},
            )
        )
        cadre = person("cadre", "village_committee", v11)
        reviewer = person("reviewer", "township_reviewer", t1)
        person("team", "work_team", v11)
        person("cadre2", "village_committee", v12)
        person("cadre3", "village_committee", v21)
        person("reviewer2", "township_reviewer", t2)
        person("approver", "county_approver", county)
        person("auditor", "auditor", county)
        for i in range(cases):
            create_case(ToyCase, cadre, region=v11, title=f"项目{i}", amount=100)
        PeerCase.objects.bulk_create(
            PeerCase(region=v11, title=f"项目{i}", amount=100) for i in range(cases)
        )
    steps = [("submit", cadre, ""), ("return_for_revision", reviewer, COMMENT)]
    toys = list(ToyCase.objects.select_related("region").order_by("pk"))
    peers = list(PeerCase.objects.select_related("region").order_by("pk"))
    return steps, toys, peers


def _engine_step(case, action, user, comment):
    from approvals import perform

    perform(case, action, user, comment=comment)


def _peer_step(case, action, user, comment):
    from django.db import transaction

    with transaction.atomic():
        getattr(case, action)(by=user, description=comment)
        case.save()


def _loop_bulk(cases, action, user, comment):
    """What ``perform_bulk`` was before its batch path: ``perform`` on each case in turn."""
    from approvals.bulk import _one

    for case in cases:
        _one(case, action, user, comment, None)


def _batch_bulk(cases, action, user, comment):
    from approvals import perform_bulk

    result = perform_bulk(cases, action, user, comment=comment)
    if result.refused:
        raise RuntimeError(f"the batch refused {len(result.refused)} cases: {result.refused[:1]}")


def _bulk_race(toys, steps, size: int, cycles: int) -> dict:
    """One action on ``size`` cases: the loop of ``perform`` against the batch path, each on its
    own ``size`` cases, their rounds interleaved; transitions per second of each."""
    contenders = {"loop": (_loop_bulk, toys[:size]), "batch": (_batch_bulk, toys[size : 2 * size])}
    seconds = dict.fromkeys(contenders, 0.0)
    for cycle in range(cycles + 1):  # the first cycle warms the caches and is not counted
        for name, (bulk, cases) in contenders.items():
            start = time.perf_counter()
            for action, user, comment in steps:
                bulk(cases, action, user, comment)
            if cycle:
                seconds[name] += time.perf_counter() - start
    transitions = len(steps) * size * cycles
    return {"cases": size, **{name: transitions / s for name, s in seconds.items()}}


def _counted(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].startswith(SAVEPOINT_CONTROL)]


def _counted_cycle(step, objs, steps) -> float:
    """Average queries per transition over a whole cycle.

    Each transition is captured on its own, from an emptied log: a connection keeps only its last
    9000 queries, fewer than a round of thousands of engine transitions makes, and a full log
    makes ``CaptureQueriesContext`` see nothing.
    """
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    total = 0
    for action, user, comment in steps:
        for obj in objs:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                step(obj, action, user, comment)
            total += len(_counted(captured.captured_queries))
    return total / (len(objs) * len(steps))


def _representative(step, obj, steps) -> list[str]:
    """The statements of one warm ``submit`` (the case is then returned, ready for the next)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    submit, back = steps
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        step(obj, *submit)
    step(obj, *back)
    return _counted(captured.captured_queries)


def _timed_cycle(step, objs, steps) -> float:
    start = time.perf_counter()
    for action, user, comment in steps:
        for obj in objs:
            step(obj, action, user, comment)
    return time.perf_counter() - start


def _database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def _check_logs(cases: int, cycles: int, bulk_transitions: int) -> None:
    """Both contenders must have written one log row per transition, or the race was unfair."""
    from django_fsm_log.models import StateLog

    from approvals.models import AuditEntry
    from tests.toy.models import ToyCase

    transitions = 2 * cases * (1 + cycles) + 2
    # The toy cases' entries only: the policy versions the migrations load keep chains too.
    toy_entries = AuditEntry.objects.for_model(ToyCase).exclude(action="create")
    audit = toy_entries.count() - bulk_transitions
    statelog = StateLog.objects.count()
    if audit != transitions or statelog != transitions:
        raise RuntimeError(f"expected {transitions} log rows each, got {audit} and {statelog}")


def worker(cases: int, cycles: int, bulk_cases: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    steps, toys, peers = _set_up(cases)
    contenders = {"engine": (_engine_step, toys), "peer": (_peer_step, peers)}
    results = {}
    for name, (step, objs) in contenders.items():
        results[name] = {
            "average": _counted_cycle(step, objs, steps),
            "sample": _representative(step, objs[0], steps),
            "seconds": 0.0,
        }
    for _ in range(cycles):
        for name, (step, objs) in contenders.items():
            results[name]["seconds"] += _timed_cycle(step, objs, steps)
    bulk_cases = min(bulk_cases, cases // 2)
    bulk = _bulk_race(toys, steps, bulk_cases, cycles)
    _check_logs(cases, cycles, 2 * len(steps) * bulk_cases * (cycles + 1))
    transitions = len(steps) * cases * cycles
    for result in results.values():
        result["per_second"] = transitions / result["seconds"]
    return {"database": _database_version(connection), **results, "bulk": bulk}


# --- driver: prepares each database, runs a worker on it and prints the tables ----------------


def _postgres_database(url: str):
    """(Re)create the benchmark database; return a function that drops it, None if unreachable."""
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if not name.endswith("_bench"):
        raise SystemExit(f"Refusing to drop and recreate {name!r}: name it *_bench in DATABASE_URL")
    server = {
        "dbname": "postgres",
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "autocommit": True,
        "connect_timeout": 5,
    }
    statement = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
    try:
        with psycopg.connect(**server) as conn:
            conn.execute(statement)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL is not reachable ({str(exc).strip()}); benching SQLite only.\n")
        return None

    def drop():
        with psycopg.connect(**server) as conn:
            conn.execute(statement)

    return drop


def run_worker(module: str, label: str, url: str, options: list[str], workload: str) -> dict:
    """Run ``python -m module --worker *options`` on the database at ``url``; its JSON result."""
    print(f"{label}: {workload}…", file=sys.stderr)
    command = [sys.executable, "-m", module, "--worker", *options]
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"The {label} benchmark failed (exit status {done.returncode})")
    return json.loads(done.stdout)


def on_each_database(run) -> list[dict]:
    """``run(label, url)`` on a temporary SQLite file, then on the PostgreSQL bench database
    (dropped and created around it) when the server can be reached."""
    results = []
    with tempfile.TemporaryDirectory(prefix="jingzhun-bench-") as tmp:
        results.append(run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"))
    postgres_url = os.environ.get("DATABASE_URL", "")
    if not postgres_url.startswith(("postgres://", "postgresql://")):
        postgres_url = DEFAULT_POSTGRES_URL
    drop = _postgres_database(postgres_url)
    if drop is not None:
        try:
            results.append(run("PostgreSQL", postgres_url))
        finally:
            drop()
    return results


def _nproc() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _revision() -> str:
    """The commit measured, so a result can be traced to the code that produced it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True)
    except FileNotFoundError:
        return "unknown (no git)"
    return f"{head or 'unknown'}{' with uncommitted changes' if dirty.stdout else ''}"


def _report(results: list[dict], args) -> None:
    print(f"Date: {datetime.date.today().isoformat()}, revision {_revision()}")
    print(
        f"Python {platform.python_version()}, Django {version('django')}, "
        f"django-fsm-2 {version('django-fsm-2')}, django-fsm-log {version('django-fsm-log')}"
    )
    print(f"Machine: {platform.platform()}, nproc {_nproc()}")
    print(
        f"Workload: {args.cases} cases; each timed cycle is `submit` then `return_for_revision` "
        f"on every case, {args.cycles} cycles per implementation, interleaved"
    )
    print(
        "queries/transition: one warm `submit`; the cycle average covers both actions. "
        "BEGIN and COMMIT are counted, savepoints are not.\n"
    )
    names = {
        "engine": "engine: approvals.perform",
        "peer": "peer: django-fsm-2 + django-fsm-log",
    }
    for result in results:
        print(f"### {result['database']}\n")
        print(
            "| database | implementation | transitions/s | queries/transition "
            "| queries/transition (cycle average) |"
        )
        print("|---|---|---:|---:|---:|")
        for key, name in names.items():
            row = result[key]
            print(
                f"| {result['database']} | {name} | {row['per_second']:,.0f} "
                f"| {len(row['sample'])} | {row['average']:.2f} |"
            )
        ratio = result["engine"]["per_second"] / result["peer"]["per_second"]
        print(f"\nengine/peer throughput: {ratio:.2f}\n")
        bulk = result["bulk"]
        print(
            f"perform_bulk on {bulk['cases']} cases (each action of the cycle on all of them): "
            f"loop of perform {bulk['loop']:,.0f} transitions/s, batch path "
            f"{bulk['batch']:,.0f} transitions/s, batch/loop {bulk['batch'] / bulk['loop']:.2f}\n"
        )
        for key, name in names.items():
            print(f"Statements of one `submit`, {name}:")
            for statement in result[key]["sample"]:
                print(f"    {statement[:150]}{'…' if len(statement) > 150 else ''}")
        print()


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=_positive, default=2000, help="cases per implementation")
    parser.add_argument(
        "--cycles", type=_positive, default=3, help="timed cycles per implementation"
    )
    parser.add_argument(
        "--bulk-cases", type=_positive, default=500, help="cases per perform_bulk call"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        json.dump(worker(args.cases, args.cycles, args.bulk_cases), sys.stdout)
        return
    options = ["--cases", str(args.cases), "--cycles", str(args.cycles)]
    options += ["--bulk-cases", str(args.bulk_cases)]
    results = on_each_database(
        lambda label, url: run_worker("bench.run", label, url, options, f"{args.cases} cases")
    )
    _report(results, args)


if __name__ == "__main__":
    main()
