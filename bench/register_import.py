"""Benchmark: importing a county's household register, in households per second.

A register of ``--households`` households (three or four people each: 15,000 households are
about 50,000 rows, a county's register) is written as the sample workbook
(``workflows.registers.workbooks``) and taken through the three things a county does with it:
the dry run (read and check every row, nothing written), the import as the background job runs
it (checked again, then every household written with its members and its cases, each in its own
transaction), and the same file imported again (checked, nothing to write). Runs on SQLite (a
temporary file) and on PostgreSQL as ``bench/run.py`` does (``DATABASE_URL`` naming a ``*_bench``
database, dropped and created), one worker process per database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from bench.run import _database_version, _nproc, _positive, _revision, on_each_database, run_worker

VILLAGES = 20
PHASES = ("dry run", "import", "unchanged re-import")


def worker(households: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.factories import RegionFactory, RoleAssignmentFactory, child_region
    from workflows.household.models import Household, Member
    from workflows.registers import households as kind
    from workflows.registers import sheets, workbooks

    call_command("migrate", verbosity=0)
    province = RegionFactory(code="640000000000", name="宁夏", level=1)
    county = child_region(child_region(province, 1, "固原市"), 2, "西吉县")
    villages = [
        child_region(child_region(county, t, f"第{t}镇"), v, f"{t}镇{v}村")
        for t in range(1, 5)
        for v in range(1, VILLAGES // 4 + 1)
    ]
    office = RoleAssignmentFactory(role="county_office", region=county).user
    rows = workbooks.sample_households(villages, households)
    content = workbooks.as_bytes(workbooks.register("households", rows))
    source = {"sha256": sheets.sha256_of(content), "name": "bench.xlsx"}

    def timed(write: bool) -> tuple[float, sheets.Plan]:
        start = time.perf_counter()
        plan = sheets.check(kind, content, office)
        if write:
            sheets.apply(kind, plan, office, source, lambda done: None)
        return time.perf_counter() - start, plan

    seconds = {}
    seconds["dry run"], plan = timed(False)
    assert len(plan.new) == households and not plan.errors, plan.errors[:5]
    seconds["import"], _plan = timed(True)
    seconds["unchanged re-import"], plan = timed(True)
    assert len(plan.unchanged) == households
    assert Household.objects.count() == households and Member.objects.count() == len(rows)
    return {
        "database": _database_version(connection),
        "rows": len(rows),
        "bytes": len(content),
        "seconds": seconds,
    }


def _report(results: list[dict], households: int) -> None:
    print(f"Revision {_revision()}, nproc {_nproc()}, {households} households")
    for result in results:
        print(f"\n### {result['database']}: {result['rows']} rows, {result['bytes']} bytes\n")
        print("| phase | seconds | households/s |")
        print("|---|---:|---:|")
        for phase in PHASES:
            seconds = result["seconds"][phase]
            print(f"| {phase} | {seconds:.1f} | {households / seconds:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=_positive, default=15_000)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        json.dump(worker(args.households), sys.stdout)
        return
    results = on_each_database(
        lambda label, url: run_worker(
            "bench.register_import",
            label,
            url,
            ["--households", str(args.households)],
            f"{args.households} households",
        )
    )
    _report(results, args.households)


if __name__ == "__main__":
    main()
