"""Production settings, login throttling, session expiry and the content security policy."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from admin_site import published_keys
from admin_site.checks import audit_key_is_strong
from admin_site.client_address import client_ip

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "JINGZHUN_AUDIT_KEY")
STRONG_AUDIT_KEY = "k7Qm2vXz9pLr4tWn8sYb3cFh6jDg1aEe5uRi0oTy"


def manage(*args, settings_module="admin_site.production", **environ):
    """Run manage.py in a fresh process, as an operator would, with only the given secrets."""
    env = {k: v for k, v in os.environ.items() if k not in (*SECRETS, "DJANGO_SETTINGS_MODULE")}
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**env, **environ}, capture_output=True,
        text=True, check=False,
    )  # fmt: skip


PRODUCTION_SECRETS = {
    "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-random-production-secret-key",
    "DJANGO_ALLOWED_HOSTS": "jingzhun.example.gov.cn",
    "JINGZHUN_AUDIT_KEY": STRONG_AUDIT_KEY,
}


def test_the_production_settings_pass_the_deployment_checks():
    result = manage(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_SECRETS
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_secrets():
    result = manage("manage.py", "check")
    assert result.returncode != 0
    assert "must be set in production" in result.stderr


@pytest.mark.parametrize(
    "command",
    [("manage.py", "check"), ("-c", "import admin_site.wsgi")],
    ids=["manage.py", "wsgi"],
)
def test_without_a_choice_of_settings_the_site_starts_only_as_production(command):
    result = manage(*command, settings_module=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_the_development_settings_run_only_when_chosen():
    result = manage("manage.py", "check", settings_module="admin_site.development")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "key",
    [published_keys.AUDIT_KEY, "k", STRONG_AUDIT_KEY[:31], "密钥" * 5],
    ids=["published", "one-character", "31-bytes", "ten-characters-30-bytes"],
)
def test_a_weak_audit_key_fails_the_deployment_check(key):
    with override_settings(AUDIT_HMAC_KEY=key):
        errors = audit_key_is_strong()
        with pytest.raises(SystemCheckError, match=r"admin_site\.E001"):
            call_command("check", deploy=True)
    assert [error.id for error in errors] == ["admin_site.E001"]
    assert "JINGZHUN_AUDIT_KEY" in errors[0].msg


def test_a_long_random_audit_key_passes_the_deployment_check():
    with override_settings(AUDIT_HMAC_KEY=STRONG_AUDIT_KEY[:32]):
        assert audit_key_is_strong() == []


def test_production_with_the_published_audit_key_fails_check_deploy():
    secrets = {**PRODUCTION_SECRETS, "JINGZHUN_AUDIT_KEY": published_keys.AUDIT_KEY}
    result = manage("manage.py", "check", "--deploy", **secrets)
    assert result.returncode != 0
    assert "admin_site.E001" in result.stderr
    assert "published in the repository" in result.stderr


def test_seed_demo_refuses_a_site_that_is_not_a_demo_and_writes_nothing(db, settings):
    settings.DEMO_SITE = False
    with pytest.raises(CommandError, match="admin/demo"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_seed_demo_refuses_the_production_settings(tmp_path):
    database = tmp_path / "production.sqlite3"
    result = manage(
        "manage.py", "seed_demo", DATABASE_URL=f"sqlite:///{database}", **PRODUCTION_SECRETS
    )
    assert result.returncode != 0
    assert "--allow-known-passwords" in result.stderr
    assert not database.exists() or database.stat().st_size == 0


def test_seed_demo_plants_its_accounts_on_a_staging_site_that_asks_for_them(db, settings):
    settings.DEMO_SITE = False
    call_command("seed_demo", "--allow-known-passwords", stdout=io.StringIO())
    assert get_user_model().objects.get(username="admin").check_password("demo")


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


# Behind the proxy every request comes from the proxy's own address; the client's is in a header.
PROXY = {"REMOTE_ADDR": "10.0.0.1"}
BEHIND_PROXY = {"CLIENT_IP_HEADER": "HTTP_X_REAL_IP"}


def login_from(client, address, password):
    return client.post(
        reverse("admin:login"),
        {"username": "approver", "password": password, "next": "/admin/"},
        HTTP_X_REAL_IP=address,
        **PROXY,
    )


@override_settings(**BEHIND_PROXY)
def test_behind_the_proxy_failures_from_one_address_do_not_lock_the_person_out_elsewhere(
    client, people
):
    for _ in range(5):
        login_from(client, "203.0.113.5", "wrong")
    assert login_from(client, "203.0.113.5", "pw").status_code == 429
    assert login_from(client, "198.51.100.7", "pw").status_code == 302


def test_without_the_proxy_setting_the_header_does_not_escape_a_lockout(client, people):
    for _ in range(5):
        login_from(client, "203.0.113.5", "wrong")
    assert login_from(client, "198.51.100.7", "pw").status_code == 429


@pytest.mark.parametrize(
    ("proxy", "header", "address"),
    [
        (None, "203.0.113.5", "10.0.0.1"),
        ("HTTP_X_REAL_IP", "203.0.113.5", "203.0.113.5"),
        ("HTTP_X_REAL_IP", "not an address", "10.0.0.1"),
        ("HTTP_X_FORWARDED_FOR", "1.2.3.4, 203.0.113.5", "203.0.113.5"),
    ],
    ids=["no-proxy-ignores-the-header", "proxy", "proxy-garbage", "proxy-appended-list"],
)
def test_the_client_address_comes_from_the_header_only_behind_the_proxy(proxy, header, address):
    request = RequestFactory().get("/", HTTP_X_REAL_IP=header, HTTP_X_FORWARDED_FOR=header, **PROXY)
    with override_settings(CLIENT_IP_HEADER=proxy):
        assert client_ip(request) == address
