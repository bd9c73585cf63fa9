"""Generated input posted to every POST URL the access matrix knows, as each role.

Each example takes the forms on every page as a browser would send them and replaces a few of the
values with hostile ones: NUL and other control characters, full-width digits, numbers past any
column, very long strings, JSON-ish values, non-ASCII text. Whatever arrives, the site answers
below 500, and a request it refuses changes nothing but the security log.
"""

import pytest
from django.apps import apps
from django.contrib.messages import SUCCESS, get_messages
from django.contrib.sessions.models import Session
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin_site.models import FormSubmission
from admin_site.queue import BULK_RESULT
from approvals.models import SecurityEvent
from tests import test_access_matrix as matrix
from tests.factories import RoleAssignmentFactory
from tests.page_forms import form_values, submit_values

world = matrix.world  # the matrix's objects, one inside and one outside the jurisdiction

# What every form handler here reads besides a page's own fields.
COMMON_FIELDS = ["action", "comment", "selected", "_selected_action", "index", "objection", "post"]

HOSTILE = [
    "\x00",
    "同意\x00",
    "村道\x0b硬化",
    "\x1b[2J\x7f\x85",
    "６２０１０２１９８００１０１００５ｘ",
    "٦٢٠١",
    "9" * 20,
    "9" * 25,
    "-1",
    "1e400",
    "NaN",
    "null",
    "5",
    "[]",
    "{}",
    '["illness", 1]',
    '{"a": [null]}',
    "x" * 5000,
    "提交" * 1000,
    "𝕏🙂\u202e",
]
# Characters random text is made of: controls, ASCII, full-width, Arabic-Indic digits, CJK, emoji.
ALPHABET = "".join(map(chr, [*range(0, 0x80), *range(0xFF10, 0xFF5B), *range(0x660, 0x66A)]))
ALPHABET += "提交同意村户元年𝕏🙂\u202e\u200b"

# Tables a request may write without changing anything a person relies on: the security log
# (that is where refusals go) and the session, saved on every request (SESSION_SAVE_EVERY_REQUEST).
# Content types and permissions are written by migrations only. axes' tables are watched: only a
# sign-in writes them, and nobody signs in here.
# The log of refusals, sessions, and the one-time tokens of forms posted (used even when refused).
UNWATCHED = {SecurityEvent, Session, FormSubmission}
UNWATCHED_APPS = {"contenttypes"}
# Each example posts to every URL (about 70 per role): one example per role keeps the whole test
# within a minute on SQLite; the examples are derandomized, so CI posts the same data every run.
# Hypothesis makes its first example the simplest one (no field changed at all), so the example
# draws a seeded random generator and every post's hostile values come from it.
EXAMPLES = 1


def snapshot():
    """Every row of every other table."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model not in UNWATCHED
        and model._meta.app_label not in UNWATCHED_APPS
        and model._meta.model_name != "permission"
    }


def targets(client, world):
    """Each POST URL with the fields a browser would send to it (an act URL's come from the
    case's page, where its forms are, with every action its buttons offer)."""
    found = []
    for name in matrix.site_urls():
        for inside in (True, False):
            url = matrix.url_for(name, world, inside)
            if url is None:
                continue
            page = url.removesuffix("act/") + "change/" if name.endswith("_act") else url
            response = client.get(page)
            html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
            body = b"".join(response).decode() if html else ""
            fields = form_values(body)
            for button, values in submit_values(body).items():
                fields[button] = [*fields.get(button, []), *values]
            for field in COMMON_FIELDS:
                fields.setdefault(field, [])
            found.append((url, fields))
    return found


def succeeded(client, response) -> bool:
    """Whether the site said it did what was asked (anything else must have changed nothing)."""
    if response.status_code != 302:
        return False
    if response["Location"] == reverse("admin:queue_bulk_result"):
        return bool(client.session.get(BULK_RESULT, {}).get("done"))
    return any(m.level >= SUCCESS - 5 for m in get_messages(response.wsgi_request))


def hostile_value(rnd) -> str:
    """One of the known troublemakers, a number of up to 30 digits, or random text."""
    roll = rnd.random()
    if roll < 0.6:
        return rnd.choice(HOSTILE)
    if roll < 0.8:
        return str(rnd.randint(-(10**30), 10**30))
    return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 40)))


def payload(rnd, fields):
    """The page's own values (one of its actions), with one to three fields given hostile ones."""
    names = sorted(fields)
    hostile = set(rnd.sample(names, rnd.randint(1, 3)))
    sent = {}
    for name in names:
        if name in hostile:
            sent[name] = [hostile_value(rnd) for _ in range(rnd.randint(1, 2))]
        elif fields[name]:
            sent[name] = [rnd.choice(fields[name])] if name == "action" else fields[name]
    return sent


@pytest.mark.parametrize(("role", "where"), matrix.ROLES)
def test_generated_posts_never_fail_and_refusals_change_nothing(
    client, county, people, world, role, where
):
    client.force_login(RoleAssignmentFactory(role=role, region=getattr(county, where)).user)
    posts = targets(client, world)
    assert len(posts) > 40

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.randoms(use_true_random=True))
    def post_everywhere(rnd):
        for url, fields in posts:
            sent = payload(rnd, fields)
            before = snapshot()
            response = client.post(url, sent)
            assert response.status_code < 500, (url, sent)
            if not succeeded(client, response):
                assert snapshot() == before, (url, sent, response.status_code)

    post_everywhere()
