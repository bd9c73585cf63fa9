"""Profile: where one step's time goes, for the engine and the peer, under cProfile.

``python -m bench.profile`` (re)creates the PostgreSQL benchmark database as ``bench.run`` does
(``DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/jingzhun_bench``, a name ending in
``_bench``), sets up ``--cases`` cases of each kind, warms both up with one cycle, then runs one
cycle of each under cProfile and prints the top entries by own time and by cumulative time.
``--sqlite`` profiles on a temporary SQLite file instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import DEFAULT_POSTGRES_URL, ROOT, _positive, _postgres_database


def worker(cases: int, top: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from bench.run import _engine_step, _peer_step, _set_up, _timed_cycle

    call_command("migrate", verbosity=0)
    steps, toys, peers = _set_up(cases)
    for name, step, objs in (("engine", _engine_step, toys), ("peer", _peer_step, peers)):
        _timed_cycle(step, objs, steps)  # warm
        profile = cProfile.Profile()
        profile.enable()
        seconds = _timed_cycle(step, objs, steps)
        profile.disable()
        transitions = len(steps) * len(objs)
        print(f"## {name}: {transitions} transitions, {1e6 * seconds / transitions:.0f} µs each")
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
            print(f"### by {order}\n")
            print(out.getvalue().split("\n\n", 2)[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=_positive, default=500)
    parser.add_argument("--top", type=_positive, default=25)
    parser.add_argument("--sqlite", action="store_true", help="profile on SQLite")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.cases, args.top)
        return
    command = [sys.executable, "-m", "bench.profile", "--worker"]
    command += ["--cases", str(args.cases), "--top", str(args.top)]
    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="jingzhun-profile-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'profile.sqlite3'}"
            subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_POSTGRES_URL
    drop = _postgres_database(url)
    if drop is None:
        raise SystemExit("PostgreSQL is not reachable")
    try:
        subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True)
    finally:
        drop()


if __name__ == "__main__":
    main()
