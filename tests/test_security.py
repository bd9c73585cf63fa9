"""Production settings, login throttling, session expiry and the content security policy."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import time_machine
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent


def test_the_production_settings_pass_the_deployment_checks():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "admin_site.production",
        "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-random-production-secret-key",
        "DJANGO_ALLOWED_HOSTS": "jingzhun.example.gov.cn",
        "JINGZHUN_AUDIT_KEY": "production-audit-key",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_secrets():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "admin_site.production"}
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "JINGZHUN_AUDIT_KEY"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "must be set in production" in result.stderr


def login(client, username, password):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )


def test_five_failed_logins_lock_the_account_from_that_address(client, people):
    for _ in range(4):
        assert login(client, "cadre", "wrong").status_code == 200
    assert login(client, "cadre", "wrong").status_code == 429
    assert login(client, "cadre", "pw").status_code == 429  # even with the right password
    assert "_auth_user_id" not in client.session


def test_someone_without_a_role_cannot_sign_in(client, db):
    from tests.factories import UserFactory

    UserFactory(username="former", password="pw")
    page = login(client, "former", "pw").content.decode()
    assert "您目前没有有效的角色任命" in page


def test_a_right_password_signs_in(client, people):
    response = login(client, "cadre", "pw")
    assert response.status_code == 302


def test_a_session_ends_after_half_an_hour_without_a_request(client, people):
    client.force_login(people.cadre)
    assert client.get(reverse("admin:queue")).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=20)):
        assert client.get(reverse("admin:queue")).status_code == 200  # and that renews it
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=51)):
        response = client.get(reverse("admin:queue"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_pages_carry_a_content_security_policy(client, people):
    client.force_login(people.cadre)
    policy = client.get(reverse("admin:queue"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
