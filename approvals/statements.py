"""The few statements of a step, written once per model instead of compiled by the ORM each time.

A step's cost is dominated by building ORM queries, not by the database: reading the case under
its lock together with the actor's roles, moving it with a state-conditioned UPDATE, and inserting
its audit entry are the same three statements for every step of a model, so their SQL is built
once and reused. Values still go through each field's own conversion for the database.
"""

import functools

from django.db import connections

from roles.models import Region, RoleAssignment, ancestor_codes

from .models import Claim, content_type_of


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _holds(connection, role_count: int, codes: list[str]) -> str:
    """One ``EXISTS`` per candidate role: does the user hold it over a region whose code is one
    of ``codes`` (five SQL expressions: the case's region and those above it), today."""
    q = functools.partial(_quote, connection)
    assignment, region = RoleAssignment._meta, Region._meta
    return "".join(
        f", EXISTS (SELECT 1 FROM {q(assignment.db_table)} a"
        f" JOIN {q(region.db_table)} r ON r.{q('id')} = a.{q('region_id')}"
        f" WHERE a.{q('user_id')} = %s AND a.{q('role')} = %s"
        f" AND r.{q('code')} IN ({', '.join(codes)})"
        f" AND a.{q('valid_from')} <= %s"
        f" AND (a.{q('valid_to')} IS NULL OR a.{q('valid_to')} >= %s))"
        for _ in range(role_count)
    )


def _stateful(model) -> bool:
    return {"state", "state_since"} <= {f.name for f in model._meta.concrete_fields}


def _claimed(model, connection) -> str:
    """The holder of the case's claim in force (``approvals.claims``), read with the lock: a
    claim counts only while the case stays in the state it was made in. Empty for a record with
    no state."""
    if not _stateful(model):
        return ""
    q = functools.partial(_quote, connection)
    pk, state = model._meta.pk.column, model._meta.get_field("state").column
    since = model._meta.get_field("state_since").column
    return (
        f", (SELECT k.{q('holder_id')} FROM {q(Claim._meta.db_table)} k"
        f" WHERE k.{q('content_type_id')} = %s AND k.{q('object_id')} = c.{q(pk)}"
        f" AND k.{q('state')} = c.{q(state)} AND k.{q('at')} >= c.{q(since)})"
    )


def _claim_params(model) -> list:
    return [content_type_of(model).pk] if _stateful(model) else []


def _lock_clause(connection) -> str:
    if not connection.features.has_select_for_update:
        return ""
    return " FOR UPDATE OF c" if connection.features.has_select_for_update_of else " FOR UPDATE"


def _row_reading(model, connection):
    """The case's columns as ``c.…``, their attnames, and how to convert each value read."""
    q = functools.partial(_quote, connection)
    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(f"c.{q(f.column)}" for f in fields)
    cols = [field.get_col(model._meta.db_table) for field in fields]
    converters = [
        connection.ops.get_db_converters(col) + col.get_db_converters(connection) for col in cols
    ]
    return columns, [f.attname for f in fields], cols, converters


@functools.cache
def _lock_sql(model, vendor: str, role_count: int, alias: str) -> tuple[str, list]:
    connection = connections[alias]
    q = functools.partial(_quote, connection)
    columns, attnames, cols, converters = _row_reading(model, connection)
    holds = _holds(connection, role_count, ["%s"] * 5) + _claimed(model, connection)
    sql = (
        f"SELECT {columns}{holds} FROM {q(model._meta.db_table)} c"
        f" WHERE c.{q(model._meta.pk.column)} = %s{_lock_clause(connection)}"
    )
    return sql, attnames, cols, converters


def _role_params(user, roles, codes, day) -> list:
    params = []
    for role in roles:
        params += [getattr(user, "pk", None), role, *codes, day, day]
    return params


def _region_codes(case) -> list[str]:
    return (ancestor_codes(case.region.code) * 5)[:5]  # a province repeats its own code


def _fresh(case, row, reading, roles, alias):
    """The case built from its locked ``row``, and the roles among ``roles`` the row says held.

    A case's ``claimed_by_id`` is set to the holder of its claim in force (None when free)."""
    model = type(case)
    connection = connections[alias]
    attnames, cols, converters = reading
    values = list(row[: len(attnames)])
    for i, col in enumerate(cols):
        for converter in converters[i]:
            values[i] = converter(values[i], col, connection)
    fresh = model.from_db(alias, attnames, values)
    fresh.region = case.region
    if fresh.policy_id == case.policy_id and "policy" in case._state.fields_cache:
        fresh.policy = case.policy
    extra = row[len(attnames) :]
    held = [role for role, yes in zip(roles, extra[: len(roles)], strict=True) if yes]
    if len(extra) > len(roles):
        fresh.claimed_by_id = extra[len(roles)]
    return fresh, held


def read_locked(case, user, roles, day, alias="default"):
    """The case re-read under its row lock, and which of ``roles`` ``user`` holds over its region.

    The region and policy of the caller's copy are kept: a case never changes either.
    """
    model = type(case)
    connection = connections[alias]
    sql, attnames, cols, converters = _lock_sql(model, connection.vendor, len(roles), alias)
    params = _role_params(user, roles, _region_codes(case), day) + _claim_params(model)
    params.append(case.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist
    return _fresh(case, row, (attnames, cols, converters), roles, alias)


@functools.cache
def _batch_lock_parts(model, role_count: int, alias: str):
    connection = connections[alias]
    q = functools.partial(_quote, connection)
    columns, attnames, cols, converters = _row_reading(model, connection)
    holds = _holds(connection, role_count, [f"w.{q(f'c{i}')}" for i in range(5)])
    holds += _claimed(model, connection)
    names = ", ".join(q(n) for n in ["id", "c0", "c1", "c2", "c3", "c4"])
    head = f"WITH wanted ({names}) AS (VALUES "
    tail = (
        f") SELECT {columns}{holds} FROM {q(model._meta.db_table)} c"
        f" JOIN wanted w ON w.{q('id')} = c.{q(model._meta.pk.column)}"
        f" ORDER BY c.{q(model._meta.pk.column)}{_lock_clause(connection)}"
    )
    return head, tail, (attnames, cols, converters)


def read_locked_batch(cases, user, roles, day, alias="default") -> dict:
    """Every case of one model re-read under its row lock in one statement, with the roles among
    ``roles`` that ``user`` holds over that case's region: ``{pk: (fresh, held)}``; a case no
    longer in the table is left out. Rows are locked in id order, so two batches over the same
    cases wait for each other rather than deadlock."""
    model = type(cases[0])
    connection = connections[alias]
    head, tail, reading = _batch_lock_parts(model, len(roles), alias)
    values, params = [], []
    for case in cases:
        values.append("(%s, %s, %s, %s, %s, %s)")
        params += [case.pk, *_region_codes(case)]
    sql = head + ", ".join(values) + tail
    with connection.cursor() as cursor:
        cursor.execute(sql, params + _role_params(user, roles, [], day) + _claim_params(model))
        rows = cursor.fetchall()
    by_pk = {case.pk: case for case in cases}
    pk_at = reading[0].index(model._meta.pk.attname)
    return {row[pk_at]: _fresh(by_pk[row[pk_at]], row, reading, roles, alias) for row in rows}


@functools.cache
def _update_sql(model, names: tuple[str, ...], alias: str):
    connection = connections[alias]
    q = functools.partial(_quote, connection)
    fields = [model._meta.get_field(name) for name in names]
    state = model._meta.get_field("state")
    sets = ", ".join(f"{q(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {q(model._meta.db_table)} SET {sets}"
        f" WHERE {q(model._meta.pk.column)} = %s AND {q(state.column)} = %s"
    )
    return sql, fields


def move_and_record(case, from_state: str, names, entry, alias="default") -> bool:
    """UPDATE the case's ``names`` fields, only if its state is still ``from_state``, and INSERT
    its audit entry; False (and nothing written) if the state had moved.

    On PostgreSQL both go in one statement, one round trip; elsewhere in two.
    """
    connection = connections[alias]
    update, fields = _update_sql(type(case), tuple(names), alias)
    params = [f.get_db_prep_save(getattr(case, f.attname), connection) for f in fields]
    params += [case.pk, from_state]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(update, params)
            if cursor.rowcount != 1:
                return False
        insert(entry, alias)
        return True
    insert_sql, entry_params = _insert_parts(entry, alias)
    head, _, values = insert_sql.partition(" VALUES (")
    placeholders, _, returning = values.partition(")")
    sql = f"WITH moved AS ({update} RETURNING 1) {head} SELECT {placeholders} FROM moved{returning}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params + entry_params)
        row = cursor.fetchone()
    if row is None:
        return False
    _inserted(entry, row[0], alias)
    return True


@functools.cache
def _insert_sql(model, alias: str):
    connection = connections[alias]
    q = functools.partial(_quote, connection)
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    columns = ", ".join(q(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    returning = connection.features.can_return_columns_from_insert
    sql = f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    if returning:
        sql += f" RETURNING {q(model._meta.pk.column)}"
    return sql, fields, returning


def _insert_parts(obj, alias):
    connection = connections[alias]
    sql, fields, _returning = _insert_sql(type(obj), alias)
    params = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    return sql, params


def _inserted(obj, pk, alias):
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = alias


def insert(obj, alias="default"):
    """INSERT a row for ``obj`` and set its pk (no signals: the audit trail has no receivers)."""
    connection = connections[alias]
    sql, params = _insert_parts(obj, alias)
    returning = _insert_sql(type(obj), alias)[2]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        _inserted(obj, cursor.fetchone()[0] if returning else cursor.lastrowid, alias)
    return obj


@functools.cache
def _batch_update_parts(model, names: tuple[str, ...], alias: str):
    connection = connections[alias]
    q = functools.partial(_quote, connection)
    fields = [model._meta.get_field(name) for name in names]
    pk, state = model._meta.pk, model._meta.get_field("state")
    typed = [pk, state, *fields]
    if connection.vendor == "postgresql":  # VALUES would otherwise guess each column's type
        row = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in typed)
    else:
        row = ", ".join(["%s"] * len(typed))
    aliases = ", ".join(q(f"v{i}") for i in range(len(typed)))
    sets = ", ".join(f"{q(f.column)} = v.{q(f'v{i + 2}')}" for i, f in enumerate(fields))
    table = q(model._meta.db_table)
    head = f"WITH v ({aliases}) AS (VALUES "
    tail = (
        f") UPDATE {table} SET {sets} FROM v WHERE {table}.{q(pk.column)} = v.{q('v0')}"
        f" AND {table}.{q(state.column)} = v.{q('v1')} RETURNING {table}.{q(pk.column)}"
    )
    return head, f"({row})", tail, fields


def move_batch(moves, names, alias="default") -> set:
    """UPDATE the ``names`` fields of each case of ``moves`` (``(case, from_state)`` pairs of one
    model), each only if its state is still its ``from_state``; return the pks updated.

    One statement (``UPDATE … FROM`` a list of values) where the database can return the rows
    it updated, else one per case.
    """
    connection = connections[alias]
    model = type(moves[0][0])
    if not connection.features.can_return_rows_from_bulk_insert:
        update, fields = _update_sql(model, tuple(names), alias)
        moved = set()
        with connection.cursor() as cursor:
            for case, from_state in moves:
                values = [f.get_db_prep_save(getattr(case, f.attname), connection) for f in fields]
                cursor.execute(update, [*values, case.pk, from_state])
                if cursor.rowcount == 1:
                    moved.add(case.pk)
        return moved
    head, row, tail, fields = _batch_update_parts(model, tuple(names), alias)
    params = []
    for case, from_state in moves:
        params += [case.pk, from_state]
        params += [f.get_db_prep_save(getattr(case, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(head + ", ".join([row] * len(moves)) + tail, params)
        return {pk for (pk,) in cursor.fetchall()}


def insert_batch(objs, alias="default"):
    """INSERT rows for ``objs`` (of one model) in as few multi-row statements as the database
    takes, setting their pks; one at a time where it cannot return the pks of a bulk insert."""
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        for obj in objs:
            insert(obj, alias)
        return objs
    sql, fields, _returning = _insert_sql(type(objs[0]), alias)
    head, _, rest = sql.partition(" VALUES (")
    placeholders, _, returning = rest.partition(")")
    size = connection.ops.bulk_batch_size(fields, objs)
    for start in range(0, len(objs), size):
        chunk = objs[start : start + size]
        params = []
        for obj in chunk:
            params += _insert_parts(obj, alias)[1]
        rows = ", ".join([f"({placeholders})"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(f"{head} VALUES {rows}{returning}", params)
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                _inserted(obj, pk, alias)
    return objs
