"""Auditors read everything in their jurisdiction and write nothing: every POST they make to the
admin is a 403 in Chinese, refused before the view runs, changing nothing but the security log."""

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.models import SecurityEvent
from tests import test_access_matrix as matrix
from tests.factories import RoleAssignmentFactory

world = matrix.world  # the access matrix's objects inside and outside the county

# Whatever a write form, a changelist action, a bulk form or a case action would read.
EVERY_KIND_OF_WRITE = {
    "action": "add_attachment",
    "kind": "plan",
    "comment": "审计意见",
    "_selected_action": ["1", "2", "3"],
    "select_across": "1",
    "index": "0",
    "post": "yes",
    "name": "改名",
    "ids": "1",
}
# Managing one's own API tokens stays open to auditors, as changing one's own password does: they
# read the audit trail through the API too (tests/test_api.py).
OWN_ACCOUNT = {"api_tokens", "api_token_revoke"}
# Rows a request may write whoever makes it: the session and the login throttle's log.
BOOKKEEPING = {"sessions.session", "axes.accesslog", "approvals.securityevent"}


def table_sizes() -> dict:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in BOOKKEEPING
    }


def test_every_post_of_an_auditor_is_refused_and_changes_nothing(client, county, world):
    auditor = RoleAssignmentFactory(role="auditor", region=county.county).user
    client.force_login(auditor)
    before = table_sizes()
    refused = 0
    for name in matrix.site_urls():
        for inside in (True, False):
            url = matrix.url_for(name, world, inside)
            if url is None or name in OWN_ACCOUNT:
                continue
            response = client.post(url, EVERY_KIND_OF_WRITE)
            assert response.status_code == 403, f"{name} {'inside' if inside else 'outside'}"
            assert "无权执行此操作" in response.content.decode()
            refused += 1
    assert refused > 40
    assert table_sizes() == before
    assert SecurityEvent.objects.filter(user=auditor, workflow="admin").count() == refused


def test_someone_who_also_acts_somewhere_is_not_held_to_reading(client, county, people, world):
    """Their writes are limited by where their acting role may write, not refused as a whole."""
    both = RoleAssignmentFactory(role="auditor", region=county.county).user
    RoleAssignmentFactory(user=both, role="village_committee", region=county.v11)
    project = world.objects["project_library_projectapplication"][0]
    client.force_login(both)
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan")
    act = reverse("admin:project_library_projectapplication_act", args=[project.pk])
    response = client.post(act, {"action": "add_attachment", "kind": "plan", "upload": upload})
    assert response.status_code == 302
    assert project.attachments.filter(name="方案.pdf", uploaded_by=both).exists()


def test_an_auditor_still_signs_out(client, county):
    client.force_login(RoleAssignmentFactory(role="auditor", region=county.county).user)
    assert client.post(reverse("admin:logout")).status_code == 200
    assert "_auth_user_id" not in client.session
