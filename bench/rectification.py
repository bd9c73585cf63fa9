"""Benchmark: the rectification service's viewflow task steps beside the engine's ``perform``.

For ``--problems`` problems, each fanned out to two units, every step of one round is taken
through ``workflows.rectification.process`` — open, both plans, the first report, the report that
fires the join, the lead unit's verification, the office's closing — and each step's queries are
captured and its time measured; beside them, the engine's ``perform`` on as many toy cases
(``submit`` then ``return_for_revision``), as ``bench/run.py`` measures it. Runs on SQLite (a
temporary file) and on PostgreSQL as ``bench/run.py`` does (``DATABASE_URL`` naming a ``*_bench``
database, dropped and created), one worker process per database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from bench.run import (
    _counted,
    _database_version,
    _engine_step,
    _nproc,
    _positive,
    _revision,
    _set_up,
    on_each_database,
    run_worker,
)

STEPS = [
    "open_problem",
    "submit_plan",
    "submit_report (first unit)",
    "submit_report (fires the join)",
    "verify (accept)",
    "close",
]


def _rectification_steps(setup, number):
    """The steps of one problem's round, in order, each a (name, callable) pair."""
    from workflows.rectification import process

    units = [setup.health, setup.housing]
    state = {}

    def open_():
        state["problem"] = process.open_problem(
            setup.campaign,
            actor=setup.office_clerk,
            area="教育扶贫",
            number=number,
            description="控辍保学工作不扎实",
            lead_unit=units[0],
            units=units,
            tier="by_date",
            deadline_working_days=20,
        )
        state["tasks"] = list(state["problem"].unit_tasks.select_related("unit").order_by("pk"))

    def plans():
        for task in state["tasks"]:
            process.submit_plan(task, actor=setup.person(task.unit), plan="方案")

    def report(i):
        task = state["tasks"][i]
        process.submit_report(
            task, actor=setup.person(task.unit), measures_taken="已落实", progress="完成"
        )

    return [
        ("open_problem", open_),
        ("submit_plan", plans),  # both units' plans: counted per plan below
        ("submit_report (first unit)", lambda: report(0)),
        ("submit_report (fires the join)", lambda: report(1)),
        ("verify (accept)", lambda: process.verify(state["problem"], actor=setup.person(units[0]))),
        (
            "close",
            lambda: process.close(state["problem"], actor=setup.office_clerk, comment="同意销号"),
        ),
    ]


def _measure(call, per=1) -> tuple[int, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        call()
        seconds = time.perf_counter() - start
    return len(_counted(captured.captured_queries)) / per, seconds / per


def worker(problems: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.rectification_setup import county_with_units

    call_command("migrate", verbosity=0)
    engine_steps, toys, _peers = _set_up(problems)
    setup = county_with_units(prefix="63")
    totals = {name: [0.0, 0.0] for name in STEPS}
    for number in range(1, problems + 1):
        for name, call in _rectification_steps(setup, number):
            queries, seconds = _measure(call, per=2 if name == "submit_plan" else 1)
            totals[name][0] += queries
            totals[name][1] += seconds
    engine = [0.0, 0.0]
    for step in engine_steps:
        for case in toys:
            queries, seconds = _measure(lambda c=case, s=step: _engine_step(c, *s))
            engine[0] += queries
            engine[1] += seconds
    transitions = len(engine_steps) * len(toys)
    return {
        "database": _database_version(connection),
        "steps": {name: [q / problems, s / problems * 1000] for name, (q, s) in totals.items()},
        "engine": [engine[0] / transitions, engine[1] / transitions * 1000],
    }


def _report(results: list[dict], problems: int) -> None:
    print(f"Revision {_revision()}, nproc {_nproc()}, {problems} problems of two units each")
    print("Queries per step (BEGIN and COMMIT counted, savepoints not), milliseconds per step.\n")
    for result in results:
        print(f"### {result['database']}\n")
        print("| step | queries | ms |")
        print("|---|---:|---:|")
        for name in STEPS:
            queries, ms = result["steps"][name]
            print(f"| rectification: {name} | {queries:.1f} | {ms:.1f} |")
        queries, ms = result["engine"]
        print(f"| engine: `perform` (toy submit / return, average) | {queries:.1f} | {ms:.1f} |\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=_positive, default=100, help="problems to run through")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        json.dump(worker(args.problems), sys.stdout)
        return
    results = on_each_database(
        lambda label, url: run_worker(
            "bench.rectification",
            label,
            url,
            ["--problems", str(args.problems)],
            f"{args.problems} problems",
        )
    )
    _report(results, args.problems)


if __name__ == "__main__":
    main()
