"""Moving toy cases along for the tests, entering the policy data they run on, and running the
background tasks they queue."""

import datetime
import threading

import time_machine
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from approvals import calendar, perform, policy_versions
from approvals.models import Policy
from approvals.timers import close_due_notices
from workflows.household.models import IncomeAssessment


def to_review(case, people):
    perform(case, "submit", people.cadre)
    return case


def to_notice(case, people):
    to_review(case, people)
    perform(case, "approve", people.reviewer)
    return case


def after_notice(days=6, hours=0):
    """Travel past a notice period and let the timer close what is due."""
    with time_machine.travel(timezone.now() + datetime.timedelta(days=days, hours=hours)):
        return close_due_notices()


def race(work, count):
    """Run ``work(i)`` in ``count`` threads released at once; return each result or exception."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def resolve(case, user, objection, upheld=False, comment="已核实"):
    """Uphold or dismiss ``objection`` on ``case`` as ``user``, with a reason."""
    action = "uphold_objection" if upheld else "dismiss_objection"
    return perform(case, action, user, comment=comment, data={"objection": objection.pk})


def objections_table(page: str) -> str:
    """The table of a case's objections on a page (empty if there is none)."""
    start = page.find('<table id="objections">')
    return page[start : page.index("</table>", start)] if start >= 0 else ""


def admin_form_data(response) -> dict:
    """What an admin change page would post back unchanged: the record's form and every inline
    formset's existing rows (no blank extra rows), with their management forms."""

    def values(form) -> dict:
        data = {}
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or field.disabled:
                continue
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = value
        return data

    data = values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(values(formset.management_form))
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()
        for form in formset.initial_forms:
            data.update(values(form))
    return data


def income_prefix(response, year) -> str:
    """The form prefix of the household's income of ``year`` on its admin change page."""
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is IncomeAssessment
    )
    return next(f.prefix for f in formset.initial_forms if f.instance.year == year)


def enter_schedule(year, holidays=None, workdays=None):
    """The State Council's schedule for ``year`` as a county admin enters it: a new version."""
    schedule = Policy(
        workflow=calendar.WORKFLOW,
        version=f"state-council-{year}",
        effective_from=datetime.date(year, 1, 1),
        values={"holidays": holidays or {}, "workdays": workdays or {}},
        source=f"国务院办公厅关于{year}年部分节假日安排的通知",
    )
    schedule.full_clean()
    policy_versions.load(schedule)
    return schedule


def run_worker():
    """Run the queued tasks that are due, one at a time, as ``manage.py db_worker`` does (its
    loop also recycles the database connection, which would end the test's transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    while (queued := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        queued.claim(worker.worker_id)
        worker.run_task(queued)
