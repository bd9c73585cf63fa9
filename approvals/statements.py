"""The few statements of a step, written once per model instead of compiled by the ORM each time.

A step's cost is dominated by building ORM queries, not by the database: reading the case under
its lock together with the actor's roles, moving it with a state-conditioned UPDATE, and inserting
its audit entry are the same three statements for every step of a model, so their SQL is built
once and reused. Values still go through each field's own conversion for the database.
"""

import functools

from django.db import connections

from roles.models import Region, RoleAssignment, ancestor_codes


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _lock_sql(model, vendor: str, role_count: int, alias: str) -> tuple[str, list]:
    connection = connections[alias]
    q = functools.partial(_quote, connection)
    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(f"c.{q(f.column)}" for f in fields)
    assignment, region = RoleAssignment._meta, Region._meta
    holds = "".join(
        f", EXISTS (SELECT 1 FROM {q(assignment.db_table)} a"
        f" JOIN {q(region.db_table)} r ON r.{q('id')} = a.{q('region_id')}"
        f" WHERE a.{q('user_id')} = %s AND a.{q('role')} = %s"
        f" AND r.{q('code')} IN (%s, %s, %s, %s, %s)"
        f" AND a.{q('valid_from')} <= %s"
        f" AND (a.{q('valid_to')} IS NULL OR a.{q('valid_to')} >= %s))"
        for _ in range(role_count)
    )
    lock = " FOR UPDATE OF c" if connection.features.has_select_for_update_of else ""
    if not connection.features.has_select_for_update:
        lock = ""
    sql = (
        f"SELECT {columns}{holds} FROM {q(model._meta.db_table)} c"
        f" WHERE c.{q(model._meta.pk.column)} = %s{lock}"
    )
    cols = [field.get_col(model._meta.db_table) for field in fields]
    converters = [
        connection.ops.get_db_converters(col) + col.get_db_converters(connection) for col in cols
    ]
    return sql, [f.attname for f in fields], cols, converters


def read_locked(case, user, roles, day, alias="default"):
    """The case re-read under its row lock, and which of ``roles`` ``user`` holds over its region.

    The region and policy of the caller's copy are kept: a case never changes either.
    """
    model = type(case)
    connection = connections[alias]
    sql, attnames, cols, converters = _lock_sql(model, connection.vendor, len(roles), alias)
    codes = (ancestor_codes(case.region.code) * 5)[:5]  # a province repeats its own code
    params = []
    for role in roles:
        params += [getattr(user, "pk", None), role, *codes, day, day]
    params.append(case.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist
    values = list(row[: len(attnames)])
    for i, col in enumerate(cols):
        for converter in converters[i]:
            values[i] = converter(values[i], col, connection)
    fresh = model.from_db(alias, attnames, values)
    fresh.region = case.region
    if fresh.policy_id == case.policy_id and "policy" in case._state.fields_cache:
        fresh.policy = case.policy
    held = [role for role, yes in zip(roles, row[len(attnames) :], strict=True) if yes]
    return fresh, held


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
