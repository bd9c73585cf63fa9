"""Benchmark: the queue and the audit search on PostgreSQL with 100 000 and 1 000 000 project cases.

For each size the driver (re)creates a PostgreSQL database (``DATABASE_URL`` when it names one,
else ``postgres://postgres@127.0.0.1:5432/jingzhun_scale_bench``; the name must end in ``_bench``,
as for ``bench.run``), runs itself as a worker on it and drops it afterwards.

The worker migrates and loads synthetic data in bulk, in SQL (``INSERT … SELECT`` over
``generate_series``), not through the engine: a province, 5 prefectures, 50 counties, 750
townships and 11 250 villages; the project cases spread evenly over the villages, their states
weighted toward ``in_library`` and ``closed``, created over two years; per case,
``--audit-per-case`` audit entries (all but one on the case itself, the last one the step that
led into its state; one on a household procedure in the same village); a running notice for
every case in a notice state, one in twenty of them with an open objection. The audit chains are
not valid (this is load); the cases' chain-head columns hold values of the right shape. Then
``VACUUM ANALYZE``.

It measures the real views in-process with Django's test ``Client`` (``force_login``), ``DEBUG``
off: a township reviewer's and a county approver's queue, an auditor's audit search over a
county and over one village, first page each; warm-up requests, then ``--requests`` timed
requests per page, the pages interleaved. One more request per page runs under
``CaptureQueriesContext`` for the statement count and timings; the slowest statements of the
slowest page, and of every page over the target, get ``EXPLAIN (ANALYZE, BUFFERS)``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib.metadata import version

from bench.run import ROOT, _nproc, _positive, _postgres_database, _revision

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jingzhun_scale_bench"
SIZES = (100_000, 1_000_000)
TARGET_MS = 100
SPAN_DAYS = 730

PREFECTURES = ["兰州市", "天水市", "定西市", "陇南市", "临夏州"]
COUNTIES_PER_PREFECTURE = 10
TOWNSHIPS_PER_COUNTY = 15
VILLAGES_PER_TOWNSHIP = 15

# The measured people: where each holds their role.
TOWNSHIP_CODE = "620101001000"
COUNTY_CODE = "620101000000"
VILLAGE_CODE = "620101001001"

# Share of cases in each state, as in a library that has been running for a while.
STATE_WEIGHTS = {
    "draft": 5,
    "deliberation": 2,
    "village_notice": 2,
    "township_review": 4,
    "township_notice": 2,
    "county_appraisal": 1,
    "county_review": 3,
    "county_notice": 2,
    "in_library": 30,
    "planned": 8,
    "implementing": 8,
    "completed": 3,
    "township_accepted": 2,
    "accepted": 2,
    "completion_notice": 1,
    "closed": 20,
    "withdrawn": 2,
    "rejected": 2,
    "removed": 1,
}
NOTICE_STATES = ("village_notice", "township_notice", "county_notice", "completion_notice")

# The first steps of every case (action, from, to, role); the last entry of a case is instead
# the step that led into its current state (LAST_STEP).
HAPPY_PATH = [
    ("create", "", "draft", "village_committee"),
    ("submit_for_deliberation", "draft", "deliberation", "village_committee"),
    ("record_deliberation", "deliberation", "village_notice", "village_committee"),
    ("close_notice", "village_notice", "township_review", "system"),
    ("township_approve", "township_review", "township_notice", "township_reviewer"),
    ("close_notice", "township_notice", "county_review", "system"),
    ("county_approve", "county_review", "county_notice", "county_approver"),
    ("close_notice", "county_notice", "in_library", "system"),
]
LAST_STEP = {
    "draft": ("return_for_revision", "township_review", "township_reviewer"),
    "deliberation": ("submit_for_deliberation", "draft", "village_committee"),
    "village_notice": ("record_deliberation", "deliberation", "village_committee"),
    "township_review": ("close_notice", "village_notice", "system"),
    "township_notice": ("township_approve", "township_review", "township_reviewer"),
    "county_appraisal": ("close_notice", "township_notice", "system"),
    "county_review": ("close_notice", "township_notice", "system"),
    "county_notice": ("county_approve", "county_review", "county_approver"),
    "in_library": ("close_notice", "county_notice", "system"),
    "planned": ("include_in_plan", "in_library", "county_office"),
    "implementing": ("start_implementation", "planned", "township_reviewer"),
    "completed": ("report_completion", "implementing", "village_committee"),
    "township_accepted": ("township_accept", "completed", "township_reviewer"),
    "accepted": ("county_accept", "township_accepted", "county_office"),
    "completion_notice": ("publish_completion_notice", "accepted", "village_committee"),
    "closed": ("close_notice", "completion_notice", "system"),
    "withdrawn": ("withdraw", "draft", "village_committee"),
    "rejected": ("township_reject", "township_review", "township_reviewer"),
    "removed": ("remove_from_library", "in_library", "county_office"),
}
ROLE_USERS = {
    "village_committee": "cadre",
    "township_reviewer": "reviewer",
    "county_approver": "approver",
    "county_office": "office",
    "system": "system",
}
PAGES = [
    ("queue", "township reviewer", "reviewer", "/admin/queue/?workflow=project_library"),
    ("queue", "county approver", "approver", "/admin/queue/?workflow=project_library"),
    ("audit search", "auditor, county", "auditor", "/admin/inspector/?workflow=project_library"),
    (
        "audit search",
        "auditor, one village",
        "auditor",
        f"/admin/inspector/?workflow=project_library&region={VILLAGE_CODE}",
    ),
]
# Each page's peer: Django's stock admin changelist of the same model and rows (bench/peer).
PEER = "stock changelist"
PEER_PAGES = [
    (PEER, "township reviewer", "reviewer", "/peer/project_library/projectapplication/"),
    (PEER, "county approver", "approver", "/peer/project_library/projectapplication/"),
    (PEER, "auditor, county", "auditor", "/peer/approvals/auditentry/"),
    (
        PEER,
        "auditor, one village",
        "auditor",
        f"/peer/approvals/auditentry/?region__code__startswith={VILLAGE_CODE}",
    ),
]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- worker: loads the data and measures the pages ---------------------------------------------


class Stopwatch:
    """Times the loading phases by name."""

    def __init__(self):
        self.phases: dict[str, float] = {}

    def run(self, name, function, *args):
        start = time.perf_counter()
        result = function(*args)
        self.phases[name] = time.perf_counter() - start
        _log(f"  {name}: {self.phases[name]:.1f} s")
        return result


def _regions():
    """The tree, level by level; returns the village count."""
    from roles.models import Level, Region

    province = Region.objects.create(code="620000000000", name="甘肃省", level=Level.PROVINCE)
    prefectures = Region.objects.bulk_create(
        Region(code=f"62{p:02d}00000000", name=name, level=Level.PREFECTURE, parent=province)
        for p, name in enumerate(PREFECTURES, 1)
    )
    counties = Region.objects.bulk_create(
        Region(
            code=f"{pref.code[:4]}{c:02d}000000",
            name=f"{pref.name[:2]}{c:02d}县",
            level=Level.COUNTY,
            parent=pref,
        )
        for pref in prefectures
        for c in range(1, COUNTIES_PER_PREFECTURE + 1)
    )
    townships = Region.objects.bulk_create(
        Region(
            code=f"{county.code[:6]}{t:03d}000",
            name=f"{county.name}{t:02d}镇",
            level=Level.TOWNSHIP,
            parent=county,
        )
        for county in counties
        for t in range(1, TOWNSHIPS_PER_COUNTY + 1)
    )
    villages = Region.objects.bulk_create(
        (
            Region(
                code=f"{township.code[:9]}{v:03d}",
                name=f"{township.name[-3:]}{v:02d}村",
                level=Level.VILLAGE,
                parent=township,
            )
            for township in townships
            for v in range(1, VILLAGES_PER_TOWNSHIP + 1)
        ),
        batch_size=2000,
    )
    return len(villages)


def _people() -> dict[str, int]:
    """The measured people with their one assignment each, and the audit entries' actors."""
    from django.contrib.auth import get_user_model

    from approvals.system import system_user
    from roles.models import Region, RoleAssignment

    User = get_user_model()
    people = [name for name in ROLE_USERS.values() if name != "system"]
    users = {name: User.objects.create_user(name, password="pw") for name in people}
    users["system"] = system_user()  # the timer's account, made by the migrations
    users["auditor"] = User.objects.create_user("auditor", password="pw")
    for name, role, code in [
        ("reviewer", "township_reviewer", TOWNSHIP_CODE),
        ("approver", "county_approver", COUNTY_CODE),
        ("auditor", "auditor", COUNTY_CODE),
    ]:
        RoleAssignment.objects.create(
            user=users[name],
            role=role,
            region=Region.objects.get(code=code),
            valid_from=datetime.date(2020, 1, 1),
        )
    return {name: user.pk for name, user in users.items()}


def _cases(cursor, cases: int, audit_per_case: int, now: datetime.datetime) -> None:
    """``cases`` project cases, ids in the order they were created, over SPAN_DAYS days."""
    from approvals.models import Policy

    policy = Policy.objects.filter(workflow="project_library").order_by("effective_from").last()
    total = sum(STATE_WEIGHTS.values())
    bounds, running = [], 0
    for state, weight in STATE_WEIGHTS.items():
        running += weight
        bounds.append((running / total, state))
    state_case = "CASE " + " ".join(f"WHEN r < {b!r} THEN '{s}'" for b, s in bounds[:-1])
    state_case += f" ELSE '{bounds[-1][1]}' END"
    head = audit_per_case - 1
    cursor.execute(
        f"""
        WITH village AS (
            SELECT (row_number() OVER (ORDER BY code) - 1)::int AS idx, id
            FROM roles_region WHERE level = 5
        ), c AS (
            SELECT i, created, created + random() * (%(now)s - created) AS since, r, v, f
            FROM (
                SELECT i,
                       %(start)s + (i - 1 + random()) * %(step)s AS created,
                       random() AS r,
                       floor(random() * (SELECT count(*) FROM village))::int AS v,
                       random() AS f
                FROM generate_series(1, %(cases)s) AS i
            ) raw
        )
        INSERT INTO project_library_projectapplication (
            id, region_id, policy_id, state, state_since, created_at,
            audit_count, audit_head, audit_seal,
            name, category, construction_nature, location, responsible_unit, tasks_and_scale,
            total_funds, funds_central, funds_provincial, funds_prefecture, funds_county,
            funds_self_raised, funds_other,
            beneficiary_households, beneficiary_poor_households, beneficiary_people,
            benefit_mechanism, minutes
        )
        SELECT c.i, village.id, %(policy)s, {state_case}, c.since, c.created,
               %(head)s, md5(c.i || ':' || %(head)s) || md5(%(head)s || ':' || c.i),
               md5(c.i || ':seal') || md5('seal:' || c.i),
               '村级项目' || c.i, 'industry', 'new', '', '', '',
               round((10 + f * 490)::numeric, 2), round((10 + f * 490)::numeric, 2),
               0, 0, 0, 0, 0,
               20 + (f * 200)::int, (f * 20)::int, 60 + (f * 700)::int,
               '', ''
        FROM c JOIN village ON village.idx = c.v
        """,
        {
            "now": now,
            "start": now - datetime.timedelta(days=SPAN_DAYS),
            "step": datetime.timedelta(days=SPAN_DAYS) / cases,
            "cases": cases,
            "policy": policy.pk if policy else None,
            "head": head,
        },
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('project_library_projectapplication', 'id'), %s)",
        [cases],
    )


def _values(rows) -> str:
    """A VALUES list of literals (the data here is the script's own constants)."""

    def literal(value):
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    return ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)


def _audit(cursor, audit_per_case: int, users: dict[str, int], now: datetime.datetime) -> None:
    """Per case, ``audit_per_case - 1`` entries on the case and one on a household procedure,
    inserted in time order as an append-only log grows."""
    from django.contrib.contenttypes.models import ContentType

    from approvals import keys
    from workflows.household.models import ExitCase, IdentificationCase
    from workflows.project_library.models import ProjectApplication

    own = audit_per_case - 1
    path = _values(
        (seq, action, source, target, role)
        for seq, (action, source, target, role) in enumerate(HAPPY_PATH[: own - 1], 1)
    )
    last = _values((state, *step) for state, step in LAST_STEP.items())
    actors = _values((role, users[name]) for role, name in ROLE_USERS.items())
    ct = ContentType.objects.get_for_model
    path_join = (
        f"LEFT JOIN (VALUES {path}) AS path(seq, action, source, target, role) ON path.seq = s.seq"
        if own > 1
        else "LEFT JOIN (SELECT 0 AS seq, '' AS action, '' AS source, '' AS target, '' AS role)"
        " AS path ON false"
    )
    cursor.execute(
        f"""
        WITH e AS (
            SELECT %(project)s AS content_type_id, p.id AS object_id, s.seq,
                   'project_library' AS workflow,
                   CASE WHEN s.seq = %(own)s THEN last.action ELSE path.action END AS action,
                   CASE WHEN s.seq = %(own)s THEN last.source ELSE path.source END AS from_state,
                   CASE WHEN s.seq = %(own)s THEN p.state ELSE path.target END AS to_state,
                   CASE WHEN s.seq = %(own)s THEN last.role ELSE path.role END AS actor_role,
                   p.region_id,
                   CASE WHEN %(own)s = 1 THEN p.state_since
                        ELSE p.created_at + (s.seq - 1) * (p.state_since - p.created_at)
                             / greatest(%(own)s - 1, 1)
                   END AS created_at
            FROM project_library_projectapplication p
            CROSS JOIN generate_series(1, %(own)s) AS s(seq)
            {path_join}
            JOIN (VALUES {last}) AS last(state, action, source, role) ON last.state = p.state
            UNION ALL
            SELECT CASE WHEN p.id %% 3 = 0 THEN %(exit)s ELSE %(identification)s END,
                   p.id, 1,
                   CASE WHEN p.id %% 3 = 0 THEN 'household_exit'
                        ELSE 'household_identification' END,
                   'create', '', 'draft', 'village_committee', p.region_id,
                   %(start)s + random() * %(span)s
            FROM project_library_projectapplication p
        )
        INSERT INTO approvals_auditentry (
            content_type_id, object_id, seq, workflow, action, from_state, to_state,
            actor_id, actor_role, region_id, comment, data, created_at, prev_hash, hash, key_id
        )
        SELECT e.content_type_id, e.object_id, e.seq, e.workflow, e.action, e.from_state,
               e.to_state, actor.id, e.actor_role, e.region_id, '', '{{}}'::jsonb, e.created_at,
               CASE WHEN e.seq = 1 THEN ''
                    ELSE md5(e.object_id || ':' || (e.seq - 1)) || md5((e.seq - 1) || ':'
                         || e.object_id) END,
               md5(e.object_id || ':' || e.seq) || md5(e.seq || ':' || e.object_id),
               %(key_id)s
        FROM e JOIN (VALUES {actors}) AS actor(role, id) ON actor.role = e.actor_role
        ORDER BY e.created_at
        """,
        {
            "project": ct(ProjectApplication).pk,
            "identification": ct(IdentificationCase).pk,
            "exit": ct(ExitCase).pk,
            "own": own,
            "key_id": keys.current_id(),
            "start": now - datetime.timedelta(days=SPAN_DAYS),
            "span": datetime.timedelta(days=SPAN_DAYS),
        },
    )


def _notices(cursor) -> None:
    """A running notice for every case in a notice state; one in twenty has an open objection."""
    from django.contrib.contenttypes.models import ContentType

    from workflows.project_library.models import ProjectApplication

    cursor.execute(
        """
        INSERT INTO approvals_noticeperiod (
            content_type_id, object_id, workflow, state, region_id, opened_at, ends_at
        )
        SELECT %s, id, 'project_library', state, region_id, state_since,
               state_since + interval '10 days'
        FROM project_library_projectapplication WHERE state = ANY(%s) ORDER BY state_since
        """,
        [ContentType.objects.get_for_model(ProjectApplication).pk, list(NOTICE_STATES)],
    )
    cursor.execute(
        """
        INSERT INTO approvals_objection (
            notice_id, filed_at, receipt, name, contact, text, status
        )
        SELECT id, opened_at + interval '2 days', 'B' || lpad(id::text, 11, '0'), '村民', '',
               '公示名单有误', 'open'
        FROM approvals_noticeperiod WHERE id % 20 = 0
        """
    )


def _seal_chains(cursor, last_seq: int) -> None:
    """Make every project case's chain valid, as the engine would have written it: each entry's
    ``prev_hash`` and HMAC computed in order, the last one (``last_seq``) dated when the case
    entered its state, and the case's head and seal set to the chain's end. Runs in the loading
    session (the trail's append-only triggers are off there), reading the entries in chain order
    in batches and copying each batch's hashes into a scratch table."""
    from django.db import connection

    from approvals import audit, keys
    from approvals.models import AuditEntry
    from workflows.project_library.models import ProjectApplication

    label = audit.chain_label(ProjectApplication)
    key_id = keys.current_id()
    columns = [
        "id", "object_id", "seq", "workflow", "action", "from_state", "to_state", "actor_id",
        "actor_role", "comment", "created_at", "key_id",
    ]  # fmt: skip
    cursor.execute(
        "CREATE TEMP TABLE sealed"
        " (id bigint PRIMARY KEY, created_at timestamptz, prev text, h text)"
    )
    cursor.execute("CREATE TEMP TABLE heads (id bigint PRIMARY KEY, n int, head text, seal text)")
    raw = connection.connection
    chain, prev, count = None, "", 0

    def head():
        return (chain, count, prev, audit.head_seal(label, chain, count, prev, key_id))

    with raw.cursor(name="chains", withhold=True) as read:
        read.execute(
            f"SELECT {', '.join('e.' + c for c in columns)}, r.code, p.state_since"
            " FROM approvals_auditentry e JOIN roles_region r ON r.id = e.region_id"
            " JOIN project_library_projectapplication p ON p.id = e.object_id"
            " WHERE e.workflow = 'project_library' ORDER BY e.object_id, e.seq"
        )
        while rows := read.fetchmany(50000):
            sealed, heads = [], []
            for *fields, region_code, since in rows:
                entry = AuditEntry(**dict(zip(columns, fields, strict=True)), data={})
                if entry.object_id != chain:
                    if chain is not None:
                        heads.append(head())
                    chain, prev, count = entry.object_id, "", 0
                if entry.seq == last_seq:
                    entry.created_at = since
                entry.prev_hash = prev
                entry.hash = audit.entry_hash(entry, label, region_code)
                sealed.append((entry.id, entry.created_at, prev, entry.hash))
                prev, count = entry.hash, count + 1
            with raw.cursor() as write:
                for table, batch in (("sealed", sealed), ("heads", heads)):
                    with write.copy(f"COPY {table} FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
    if chain is not None:
        cursor.execute("INSERT INTO heads VALUES (%s, %s, %s, %s)", head())
    cursor.execute("ANALYZE sealed, heads")
    cursor.execute(
        "UPDATE approvals_auditentry e SET created_at = s.created_at, prev_hash = s.prev,"
        " hash = s.h FROM sealed s WHERE e.id = s.id"
    )
    cursor.execute(
        "UPDATE project_library_projectapplication p SET audit_count = h.n, audit_head = h.head,"
        " audit_seal = h.seal FROM heads h WHERE p.id = h.id"
    )
    cursor.execute("DROP TABLE sealed, heads")


def _verify_speed() -> dict:
    """``audit.verify`` over every project case, streaming, as ``verify_audit`` runs it: the
    entries checked per second of wall clock and per second of this process's CPU (which other
    work on the machine hardly moves), and the problems found (none, the chains being valid)."""
    from approvals import audit
    from approvals.models import AuditEntry
    from workflows.project_library.models import ProjectApplication

    entries = AuditEntry.objects.filter(workflow="project_library").count()
    start, cpu = time.perf_counter(), time.process_time()
    problems = sum(1 for _ in audit.verify([ProjectApplication]))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "entries": entries,
        "seconds": seconds,
        "per_second": entries / seconds,
        "per_cpu_second": entries / cpu,
        "problems": problems,
    }


LOADED_TABLES = [
    "roles_region",
    "auth_user",
    "roles_roleassignment",
    "project_library_projectapplication",
    "approvals_auditentry",
    "approvals_noticeperiod",
    "approvals_objection",
]


def _load(cases: int, audit_per_case: int, now: datetime.datetime, valid_chains: bool) -> dict:
    from django.db import connection, transaction

    watch = Stopwatch()
    with transaction.atomic():
        villages = watch.run("regions", _regions)
        users = watch.run("people", _people)
    with connection.cursor() as cursor:
        # Bulk-load settings for this session only. The load breaks no foreign key by
        # construction, so the per-row checks (deferred triggers) are skipped.
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET session_replication_role = replica")
        try:
            watch.run("cases", _cases, cursor, cases, audit_per_case, now)
            watch.run("audit entries", _audit, cursor, audit_per_case, users, now)
            watch.run("notices", _notices, cursor)
            if valid_chains:
                watch.run("sealing the chains", _seal_chains, cursor, audit_per_case - 1)
        finally:
            cursor.execute("RESET session_replication_role")
        cursor.execute("RESET synchronous_commit")
        tables = ", ".join(LOADED_TABLES)
        watch.run("vacuum analyze", cursor.execute, f"VACUUM (ANALYZE) {tables}")
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET work_mem")
        counts, sizes = {}, {}
        for table in LOADED_TABLES[3:]:
            cursor.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")
            counts[table], sizes[table] = cursor.fetchone()
    return {"villages": villages, "phases": watch.phases, "rows": counts, "bytes": sizes}


def _matched() -> dict[str, int]:
    """How many rows each measured page lists in all (its paginator's count)."""
    from django.contrib.auth import get_user_model

    from approvals.models import AuditEntry
    from workflows.project_library.models import ProjectApplication

    users = {u.username: u for u in get_user_model().objects.all()}
    audit = AuditEntry.objects.filter(workflow="project_library")
    return {
        "township reviewer": ProjectApplication.objects.awaiting(users["reviewer"]).count(),
        "county approver": ProjectApplication.objects.awaiting(users["approver"]).count(),
        "auditor, county": audit.filter(region__code__startswith=COUNTY_CODE[:6]).count(),
        "auditor, one village": audit.filter(region__code__startswith=VILLAGE_CODE).count(),
    }


def _percentile(samples: list[float], share: float) -> float:
    """The ``share`` quantile of ``samples``, interpolated linearly."""
    ordered = sorted(samples)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _explain(sql: str) -> str:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of one captured statement."""
    from django.db import connection

    if sql.startswith("DECLARE "):  # a server-side cursor: explain the query it runs
        sql = sql.split(" FOR ", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _measure(requests: int, warmup: int) -> list[dict]:
    """Times each page of PAGES; its statement count, slowest statements and their plans."""
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    pages = PAGES + PEER_PAGES
    for username in {page[2] for page in pages}:
        client = Client(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=username))
        clients[username] = client

    def get(page):
        response = clients[page[2]].get(page[3])
        if response.status_code != 200:
            raise RuntimeError(f"{page[3]} as {page[2]}: HTTP {response.status_code}")
        return response

    results = []
    for page in pages:
        for _ in range(warmup):
            get(page)
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            get(page)
        statements: dict[str, dict] = {}
        for query in captured.captured_queries:
            seen = statements.setdefault(query["sql"], {"ms": 0.0, "runs": 0, "sql": query["sql"]})
            seen["ms"] += float(query["time"]) * 1000
            seen["runs"] += 1
        results.append(
            {
                "view": page[0],
                "who": page[1],
                "url": page[3],
                "queries": len(captured.captured_queries),
                "slowest": sorted(statements.values(), key=lambda q: -q["ms"])[:3],
                "samples": [],
            }
        )
    for _ in range(requests):
        for page, result in zip(pages, results, strict=True):
            start = time.perf_counter()
            get(page)
            result["samples"].append((time.perf_counter() - start) * 1000)
    for result in results:
        result["p50"] = statistics.median(result["samples"])
        result["p95"] = _percentile(result["samples"], 0.95)
    slowest = max(results, key=lambda r: r["p95"])
    for result in results:
        if result is slowest or result["p95"] > TARGET_MS:
            for statement in result["slowest"][:2]:
                if statement["sql"].startswith(("SELECT", "WITH", "DECLARE")):
                    statement["plan"] = _explain(statement["sql"])
    return results


def worker(cases: int, audit_per_case: int, requests: int, warmup: int, verify: bool) -> dict:
    """Migrates, loads ``cases`` cases and measures the pages, on ``DATABASE_URL``."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import warnings

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.run import _database_version

    # The holiday data may not cover the dates shown; the fallback's warning is not news here.
    warnings.filterwarnings("ignore", module="approvals.calendar")
    call_command("migrate", verbosity=0)
    _log(f"Loading {cases:,} cases…")
    loaded = _load(cases, audit_per_case, timezone.now().replace(microsecond=0), verify)
    if verify:
        _log("Verifying the project chains…")
        loaded["verify"] = _verify_speed()
    matched = _matched()
    _log(f"Measuring ({warmup} warm-up and {requests} timed requests per page)…")
    pages = _measure(requests, warmup)
    for page in pages:
        page["matched"] = matched[page["who"]]
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    return {
        "cases": cases,
        "audit_per_case": audit_per_case,
        "database": _database_version(connection),
        "server": f"shared_buffers {buffers}, work_mem {work_mem}",
        **loaded,
        "pages": pages,
    }


# --- driver -------------------------------------------------------------------------------------


def _run_worker(url: str, cases: int, args) -> dict:
    """Runs the worker for one size in a fresh process; its JSON result."""
    command = [sys.executable, "-m", "bench.scale", "--worker", "--sizes", str(cases)]
    command += ["--audit-per-case", str(args.audit_per_case)]
    command += ["--requests", str(args.requests), "--warmup", str(args.warmup)]
    command += ["--verify"] if args.verify else []
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"The {cases:,}-case benchmark failed (exit status {done.returncode})")
    return json.loads(done.stdout)


def _report(results: list[dict], args) -> None:
    """Prints the setting, the load, the results table and the slowest statements."""
    first = results[0]
    print(f"Date: {datetime.date.today().isoformat()}, revision {_revision()}")
    print(f"Python {platform.python_version()}, Django {version('django')}, {first['database']}")
    print(f"Machine: {platform.platform()}, nproc {_nproc()}; server {first['server']}")
    print(
        f"Per page: {args.warmup} warm-up requests, then {args.requests} timed, pages "
        f"interleaved; target p95 <= {TARGET_MS} ms\n"
    )
    for result in results:
        rows = result["rows"]
        print(f"### {result['cases']:,} cases\n")
        print(
            f"Loaded: {result['villages']:,} villages, "
            + ", ".join(
                f"{table} {count:,} rows ({result['bytes'][table] / 2**20:,.0f} MiB)"
                for table, count in rows.items()
            )
        )
        print(
            "Load time: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["phases"].items())
            + "\n"
        )
    for result in results:
        if "verify" in result:
            check = result["verify"]
            print(
                f"verify_audit at {result['cases']:,} cases: {check['entries']:,} project entries "
                f"in {check['seconds']:.1f} s, {check['per_second']:,.0f} entries/s "
                f"({check['per_cpu_second']:,.0f} per CPU-second of the verifying process), "
                f"{check['problems']} problems\n"
            )
    _ratios(results)
    print("| cases | page | rows listed | p50 ms | p95 ms | queries | target |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for result in results:
        for page in result["pages"]:
            verdict = "met" if page["p95"] <= TARGET_MS else "**missed**"
            print(
                f"| {result['cases']:,} | {page['view']}: {page['who']} "
                f"| {page['matched']:,} | {page['p50']:.1f} | {page['p95']:.1f} "
                f"| {page['queries']} | {verdict} |"
            )
    print()
    for result in results:
        for page in result["pages"]:
            print(
                f"{result['cases']:,} cases, {page['view']}: {page['who']} "
                f"({page['url']}); its slowest statements:"
            )
            for statement in page["slowest"]:
                sql = " ".join(statement["sql"].split())
                runs = f" (run {statement['runs']}×)" if statement["runs"] > 1 else ""
                more = "…" if len(sql) > 400 else ""
                print(f"    {statement['ms']:6.1f} ms{runs}  {sql[:400]}{more}")
                if "plan" in statement:
                    print("        EXPLAIN (ANALYZE, BUFFERS):")
                    for line in statement["plan"].splitlines():
                        print(f"        {line}")
            print()


def _ratios(results: list[dict]) -> None:
    """Each page against its peer (p50 over p50, same run) and against itself at the smallest
    size (flat with the data)."""
    print("| cases | page | p50 ms | peer p50 ms | page/peer | p50 / p50 at smallest size |")
    print("|---:|---|---:|---:|---:|---:|")
    smallest = {p["who"]: p["p50"] for p in results[0]["pages"] if p["view"] != PEER}
    for result in results:
        peers = {p["who"]: p["p50"] for p in result["pages"] if p["view"] == PEER}
        for page in result["pages"]:
            if page["view"] == PEER:
                continue
            peer, first = peers[page["who"]], smallest[page["who"]]
            print(
                f"| {result['cases']:,} | {page['view']}: {page['who']} | {page['p50']:.1f} "
                f"| {peer:.1f} | {page['p50'] / peer:.2f} | {page['p50'] / first:.2f} |"
            )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="comma-separated case counts, one fresh database each",
    )
    parser.add_argument(
        "--audit-per-case", type=_positive, default=5, help="audit entries per case (2 to 9)"
    )
    parser.add_argument("--requests", type=_positive, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=_positive, default=5, help="warm-up requests per page")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="make the project chains valid and time verify_audit's streaming check of them",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if not 2 <= args.audit_per_case <= len(HAPPY_PATH) + 1:
        parser.error(f"--audit-per-case must be between 2 and {len(HAPPY_PATH) + 1}")
    if args.worker:
        result = worker(sizes[0], args.audit_per_case, args.requests, args.warmup, args.verify)
        json.dump(result, sys.stdout)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_URL
    results = []
    for cases in sizes:
        drop = _postgres_database(url)
        if drop is None:
            raise SystemExit("This benchmark needs PostgreSQL.")
        try:
            results.append(_run_worker(url, cases, args))
        finally:
            drop()
    _report(results, args)


if __name__ == "__main__":
    main()
