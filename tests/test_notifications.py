"""Notifications: who is told of which step, the inbox and its header count, email (at once for
returns and objections, a daily digest for the rest), the SMS/WeChat console channel, the
due-date reminders, and sending that can neither block nor undo a step."""

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from approvals import calendar, listeners, perform, perform_bulk
from approvals.notices import file_objection
from notifications.deadlines import remind_of_deadlines
from notifications.models import Delivery, Kind, Notification
from notifications.sending import MAX_ATTEMPTS, deliver
from tests.factories import (
    NotificationFactory,
    PreferenceFactory,
    ToyCaseFactory,
)
from tests.helpers import run_worker

FAILING_EMAIL = "tests.test_notifications.RefusingEmailBackend"


class RefusingEmailBackend:
    """A mail server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def told(kind=None, **filters):
    """Who has been told what: (username, kind) pairs."""
    rows = Notification.objects.filter(**filters)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("user__username", "kind"))


@pytest.fixture
def case(county, people):
    for person in (people.cadre, people.reviewer, people.office, people.sector):
        person.email = f"{person.username}@example.cn"
        person.save()
    case = ToyCaseFactory(region=county.v11, creator=people.cadre, title="村道硬化")
    # The opening queued its own task in the test's transaction: these tests follow the steps.
    DBTaskResult.objects.all().delete()
    return case


@pytest.fixture
def submitted(case, people, committed):
    with committed():
        perform(case, "submit", people.cadre)
    return case


def test_a_case_entering_a_level_is_a_new_task_for_those_who_act_there(
    submitted, people, committed
):
    # Those the queue shows it to: the township's reviewer and the county approver (who may
    # send it back from review too). Not the submitter, of their own step; not the other
    # township's reviewer, the county office or the auditor, who have nothing to do with it.
    assert told() == [("approver", Kind.TASK), ("reviewer", Kind.TASK)]
    note = Notification.objects.get(user=people.reviewer)
    assert note.text == "“村道硬化”到了“审核”，等您办理"
    assert note.url == reverse("admin:toy_toycase_change", args=[submitted.pk])


def test_the_step_only_queues_the_telling_and_the_worker_tells_of_the_step_taken(
    case, people, django_capture_on_commit_callbacks
):
    # The person pressing the button waits for one INSERT, not for finding whom to tell; by the
    # time the worker runs the case may have moved on, and the note still names the step's state.
    with django_capture_on_commit_callbacks(execute=True):
        perform(case, "submit", people.cadre)
    assert told() == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        perform(case, "return_for_revision", people.reviewer, comment="缺少预算明细")
    run_worker()
    assert Notification.objects.get(user=people.reviewer).state == "review"
    assert told(Kind.RETURNED) == [("cadre", Kind.RETURNED), ("team", Kind.RETURNED)]


def test_a_new_case_is_a_task_for_the_others_of_its_level_not_for_who_opened_it(
    county, people, committed
):
    with committed():
        ToyCaseFactory(region=county.v11, creator=people.cadre)
    assert told() == [("team", Kind.TASK)]


def test_nothing_is_told_of_a_step_that_was_rolled_back(case, people, committed):
    with (
        committed(),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        perform(case, "submit", people.cadre)
        raise RuntimeError("the caller's own work failed")
    assert told() == []


def test_a_return_is_told_at_once_to_the_level_it_returns_to(submitted, people, committed):
    with committed():
        perform(submitted, "return_for_revision", people.reviewer, comment="缺少预算明细")
    returned = told(Kind.RETURNED)
    assert returned == [("cadre", Kind.RETURNED), ("team", Kind.RETURNED)]
    assert Notification.objects.get(user=people.cadre, kind=Kind.RETURNED).detail == "缺少预算明细"
    run_worker()
    # The cadre has an address: a message at once, not in tomorrow's digest; the work team
    # member has none and gets the inbox only.
    assert [m.to for m in mail.outbox] == [["cadre@example.cn"]]
    assert "被退回到“草稿”" in mail.outbox[0].body and "缺少预算明细" in mail.outbox[0].body


def test_a_new_task_waits_for_the_daily_digest(submitted, people):
    run_worker()
    assert mail.outbox == []
    call_command("send_digests", verbosity=0)
    run_worker()
    assert [m.to for m in mail.outbox] == [["reviewer@example.cn"]]
    assert "村道硬化" in mail.outbox[0].body
    call_command("send_digests", verbosity=0)
    run_worker()
    assert len(mail.outbox) == 1  # what was sent is not sent again


def test_the_digest_leaves_out_what_was_read_in_the_inbox(submitted, people):
    Notification.objects.update(read_at=timezone.now())
    call_command("send_digests", verbosity=0)
    run_worker()
    assert mail.outbox == []


def test_an_objection_is_told_at_once_to_those_who_resolve_it(submitted, people, committed):
    with committed():
        perform(submitted, "approve", people.reviewer)
    with committed():
        file_objection(submitted, name="王某", text="该项目重复申报。")
    assert told(Kind.OBJECTION) == [("reviewer", Kind.OBJECTION)]
    run_worker()
    assert [m.to for m in mail.outbox] == [["reviewer@example.cn"]]
    assert "收到异议" in mail.outbox[0].subject


def test_a_batch_tells_of_each_case(county, people, committed):
    cases = [ToyCaseFactory(region=county.v11, creator=people.cadre) for _ in range(3)]
    with committed():
        result = perform_bulk(cases, "submit", people.cadre)
    assert len(result.done) == 3
    assert Notification.objects.filter(user=people.reviewer, kind=Kind.TASK).count() == 3


@override_settings(EMAIL_BACKEND=FAILING_EMAIL)
def test_a_failed_send_neither_undoes_the_step_and_is_retried_and_logged(
    submitted, people, committed, caplog
):
    with committed():
        perform(submitted, "return_for_revision", people.reviewer, comment="缺少预算明细")
    with caplog.at_level(logging.WARNING, logger="notifications"):
        run_worker()
    submitted.refresh_from_db()
    assert submitted.state == "draft"
    assert Delivery.objects.count() == 0
    assert "failed (attempt 1 of 4); retrying later" in caplog.text
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.args_kwargs["args"][-1] == 2 and retry.run_after > timezone.now()


@override_settings(EMAIL_BACKEND=FAILING_EMAIL)
def test_retries_stop_after_the_last_attempt(submitted, people, caplog):
    note = Notification.objects.get(user=people.reviewer)
    with caplog.at_level(logging.ERROR, logger="notifications"), pytest.raises(OSError):
        deliver.call(people.reviewer.pk, "email", [note.pk], MAX_ATTEMPTS)
    assert "failed 4 times; giving up" in caplog.text
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_listener_that_fails_does_not_undo_the_step(case, people, committed, monkeypatch, caplog):
    def broken(steps):
        raise RuntimeError("listener broke")

    monkeypatch.setitem(listeners._listeners, "broken", broken)
    with committed():
        perform(case, "submit", people.cadre)
    case.refresh_from_db()
    assert case.state == "review"
    assert "Step listener broken failed" in caplog.text
    assert told(Kind.TASK)  # the other listeners still ran


def test_the_telling_is_queued_with_the_step_so_a_failed_queue_undoes_the_step(
    case, people, monkeypatch
):
    # The task's row is written in the step's transaction: no step stands without its task.
    def queue_down(steps):
        raise RuntimeError("queue table unwritable")

    monkeypatch.setitem(listeners._with_step, "queue_down", queue_down)
    with pytest.raises(RuntimeError):
        perform(case, "submit", people.cadre)
    case.refresh_from_db()
    assert case.state == "draft"
    assert not DBTaskResult.objects.exists()
    assert list(case.audit_entries.values_list("action", flat=True)) == ["create"]


def test_the_message_channel_is_a_console_that_says_it_delivered_nothing(
    submitted, people, committed, caplog
):
    PreferenceFactory(user=people.cadre, by_email=False)
    with committed():
        perform(submitted, "return_for_revision", people.reviewer, comment="缺少预算明细")
    with caplog.at_level(logging.INFO, logger="notifications"):
        run_worker()
    assert mail.outbox == []
    assert "Console message channel" in caplog.text and "nothing was delivered" in caplog.text
    assert "13900001234" in caplog.text
    assert Delivery.objects.filter(channel="message").count() == 1


def test_immediate_preference_sends_a_new_task_at_once(case, people, committed):
    PreferenceFactory(user=people.reviewer, by_message=False)
    with committed():
        perform(case, "submit", people.cadre)
    run_worker()
    assert [m.to for m in mail.outbox] == [["reviewer@example.cn"]]
    with _travel_to(calendar.add_working_days(case.due_date, 1)):
        remind_of_deadlines()
        remind_of_deadlines()  # the next hour's run queues nothing more
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    assert len(mail.outbox) == 2 and "已超过办理期限" in mail.outbox[1].body


def _travel_to(day: datetime.date):
    return time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))), tick=False
    )


def test_reminded_two_working_days_before_and_told_with_the_level_above_when_overdue(
    submitted, people
):
    due = submitted.due_date
    start = timezone.localdate(submitted.state_since)
    with _travel_to(start):
        remind_of_deadlines()
    assert told(Kind.DUE_SOON) == []  # three working days left: nothing yet
    with _travel_to(calendar.add_working_days(start, 1)):
        assert remind_of_deadlines().due_soon == 1
        remind_of_deadlines()  # hourly: nothing told twice
    assert told(Kind.DUE_SOON) == [("approver", Kind.DUE_SOON), ("reviewer", Kind.DUE_SOON)]
    with _travel_to(calendar.add_working_days(due, 1)):
        assert remind_of_deadlines().overdue == 1
        remind_of_deadlines()
    # And the level above the township reviewer in this procedure: the county office and the
    # sector department, who appraise it next.
    assert told(Kind.OVERDUE) == [
        ("approver", Kind.OVERDUE),
        ("office", Kind.OVERDUE),
        ("reviewer", Kind.OVERDUE),
        ("sector", Kind.OVERDUE),
    ]
    note = Notification.objects.get(user=people.reviewer, kind=Kind.OVERDUE)
    assert note.text == f"“村道硬化”已超过办理期限 {due.isoformat()}（“审核”）"


def test_the_hourly_timer_command_runs_the_reminders(submitted):
    with _travel_to(calendar.add_working_days(submitted.due_date, 1)):
        call_command("close_due_notices", verbosity=0)
    assert told(Kind.OVERDUE)


# The inbox and the header count.


def _inbox(client, user):
    client.force_login(user)
    return client.get(reverse("admin:inbox"))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_inbox_and_the_header_count_take_the_same_queries_at_10_and_200(client, county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    NotificationFactory.create_batch(10, user=people.reviewer, case=case)
    client.force_login(people.reviewer)
    pages = [reverse("admin:inbox"), reverse("admin:queue")]
    for url in pages:
        client.get(url)  # what is read once per process (content types) is read
    at_10 = [_queries(client, url) for url in pages]
    NotificationFactory.create_batch(190, user=people.reviewer, case=case)
    at_200 = [_queries(client, url) for url in pages]
    assert at_10 == at_200
    response = client.get(reverse("admin:inbox"))
    assert response.context["inbox_unread"] == 200
    assert len(response.context["page"].object_list) == 50


def test_the_header_shows_the_unread_count(client, county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    NotificationFactory.create_batch(3, user=people.reviewer, case=case)
    NotificationFactory(user=people.reviewer, case=case, read_at=timezone.now())
    NotificationFactory(user=people.office, case=case)  # someone else's
    client.force_login(people.reviewer)
    page = client.get(reverse("admin:queue")).content.decode()
    assert '<span class="inbox-unread" aria-label="未读">3</span>' in page


def test_mark_read_and_mark_all_read_touch_only_ones_own(client, county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    mine = NotificationFactory.create_batch(3, user=people.reviewer, case=case)
    theirs = NotificationFactory(user=people.office, case=case)
    client.force_login(people.reviewer)
    url = reverse("admin:inbox_read")
    response = client.post(url, {"notification": [mine[0].pk, theirs.pk]}, follow=True)
    assert "已将 1 条通知标为已读" in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=False).get() == mine[0]
    client.post(url, {"all": "1"})
    assert Notification.objects.filter(user=people.reviewer, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    response = client.post(url, {"notification": ["１２x", ""]}, follow=True)
    assert "没有需要标为已读的通知" in response.content.decode()


def test_a_notification_followed_from_the_inbox_is_read_and_leads_to_its_case(
    client, county, people
):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    note, other = NotificationFactory.create_batch(2, user=people.reviewer, case=case)
    theirs = NotificationFactory(user=people.office, case=case)
    client.force_login(people.reviewer)
    link = reverse("admin:inbox_open", args=[note.pk])
    assert f'href="{link}"' in _inbox(client, people.reviewer).content.decode()

    response = client.get(link)

    assert response["Location"] == reverse("admin:toy_toycase_change", args=[case.pk])
    assert Notification.objects.filter(read_at__isnull=False).get() == note
    page = client.get(reverse("admin:inbox")).content.decode()
    assert '<span class="inbox-unread" aria-label="未读">1</span>' in page  # the other one
    assert client.get(reverse("admin:inbox_open", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_an_auditor_follows_a_notification_without_writing(client, county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    note = NotificationFactory(user=people.auditor, case=case)
    client.force_login(people.auditor)
    assert client.get(reverse("admin:inbox_open", args=[note.pk])).status_code == 302
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_the_inbox_lists_only_ones_own(client, county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre, title="村道硬化")
    NotificationFactory(user=people.office, case=case)
    assert "没有通知" in _inbox(client, people.reviewer).content.decode()
    NotificationFactory(user=people.reviewer, case=case)
    page = _inbox(client, people.reviewer).content.decode()
    assert "“村道硬化”到了“草稿”，等您办理" in page


def test_an_auditor_reads_the_inbox_but_does_not_write(client, people):
    assert _inbox(client, people.auditor).status_code == 200
    assert client.post(reverse("admin:inbox_read"), {"all": "1"}).status_code == 403


def test_preferences_are_saved_and_the_message_channel_needs_an_address(client, people):
    client.force_login(people.cadre)
    url = reverse("admin:inbox_preferences")
    response = client.post(url, {"by_email": "on", "by_message": "on", "message_address": " "})
    assert "选择短信/微信时请填写接收号" in response.content.decode()
    assert not hasattr(people.cadre, "notification_preference")
    client.post(url, {"by_message": "on", "message_address": "１３９ ０００", "immediate": "on"})
    saved = people.cadre.__class__.objects.get(pk=people.cadre.pk).notification_preference
    assert (saved.by_email, saved.by_message, saved.immediate) == (False, True, True)
    assert saved.message_address == "139 000"
