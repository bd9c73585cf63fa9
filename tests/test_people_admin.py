"""A county administrator manages the people of their county with less authority than their
own, and their roles there, nothing beyond; other roles cannot open these pages; superusers
manage everyone; nobody takes the timers' name."""

import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals.system import is_system_user, system_user
from roles.jurisdiction import may_act
from roles.models import AccountOwner, RoleAssignment
from tests.factories import AccountOwnerFactory, RoleAssignmentFactory, UserFactory

PASSWORD = "Qz7!long-enough-pass"
CJK = r"[\u4e00-\u9fff]"


@pytest.fixture
def county_admin(county):
    return RoleAssignmentFactory(
        user__username="countyadmin", role="county_admin", region=county.county
    ).user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def as_county_admin(client, county_admin):
    client.force_login(county_admin)
    return client


@pytest.fixture
def people(people, county):
    """The county's people, their accounts made by its administrator."""
    for user in vars(people).values():
        AccountOwnerFactory(
            user=user, county=county.other_county if user.username == "outsider" else county.county
        )
    return people


def owned(county, **kwargs):
    return AccountOwnerFactory(user=UserFactory(**kwargs), county=county).user


def appoint(client, user, region, role="village_committee"):
    return client.post(
        reverse("admin:roles_roleassignment_add"),
        {"user": user.pk, "role": role, "region": region.pk, "valid_from": "2024-01-01"},
    )


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_county_admin_creates_a_user_and_appoints_them_in_a_village(as_county_admin, county):
    response = as_county_admin.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcadre",
            "county": county.county.pk,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    newcadre = RoleAssignment._meta.get_field("user").related_model.objects.get(username="newcadre")
    assert not newcadre.is_staff and not newcadre.is_superuser
    assert AccountOwner.objects.get(user=newcadre).county == county.county

    response = appoint(as_county_admin, newcadre, county.v21)
    assert response.status_code == 302
    assert may_act(newcadre, "village_committee", county.v21)
    assert newcadre.has_perm("roles.act_as_village_committee", county.v21)


def test_a_county_admin_cannot_appoint_in_another_county(as_county_admin, county):
    person = owned(county.county, username="newcomer")
    response = appoint(as_county_admin, person, county.other_village)
    assert response.status_code == 200
    assert "只能在本县范围内任命角色" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    ("role", "label"),
    [
        ("county_admin", "县级系统管理员"),
        ("county_approver", "县级审批人"),
        ("auditor", "审计监督"),
    ],
)
def test_a_county_admin_cannot_appoint_at_their_own_authority(as_county_admin, county, role, label):
    person = owned(county.county, username="newcomer")
    response = appoint(as_county_admin, person, county.county, role=role)
    assert response.status_code == 200
    assert f"“{label}”角色只能由上级管理员任命" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_a_county_admin_cannot_grant_themselves(as_county_admin, county, county_admin):
    response = appoint(as_county_admin, county_admin, county.v11)
    assert response.status_code == 200
    assert "只能为您管理的人员任命角色" in response.content.decode()
    assert list(
        RoleAssignment.objects.filter(user=county_admin).values_list("role", flat=True)
    ) == ["county_admin"]


def test_a_county_admin_cannot_change_their_own_assignment(as_county_admin, county_admin):
    own = county_admin.role_assignments.get()
    page = as_county_admin.get(change_url(own))
    assert page.status_code == 200
    assert 'name="region"' not in page.content.decode()  # read-only
    response = as_county_admin.post(
        change_url(own),
        {"role": "county_admin", "region": own.region_id, "valid_from": "2020-01-01"},
    )
    assert response.status_code == 403


def test_a_county_admin_manages_their_county_s_assignments_only(as_county_admin, people):
    cadre_role = people.cadre.role_assignments.get()
    outsider_role = people.outsider.role_assignments.get()
    listing = as_county_admin.get(reverse("admin:roles_roleassignment_changelist"))
    assert listing.status_code == 200
    assert (
        listing.context["cl"].result_count
        == RoleAssignment.objects.exclude(pk=outsider_role.pk).count()
    )
    assert as_county_admin.get(change_url(outsider_role)).status_code == 404
    delete_url = reverse("admin:roles_roleassignment_delete", args=[outsider_role.pk])
    assert as_county_admin.post(delete_url, {"post": "yes"}).status_code == 404
    assert RoleAssignment.objects.filter(pk=outsider_role.pk).exists()

    response = as_county_admin.post(
        reverse("admin:roles_roleassignment_changelist"),
        {"action": "delete_selected", "_selected_action": [cadre_role.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=cadre_role.pk).exists()
    cadre = get_user_model().objects.get(pk=people.cadre.pk)
    assert not cadre.has_perm("roles.act_as_village_committee", cadre_role.region)


def test_a_county_admin_does_not_see_people_of_another_county_nor_superusers(
    as_county_admin, people, superuser, county
):
    both = owned(county.county, username="both")
    RoleAssignmentFactory(user=both, role="work_team", region=county.v11)
    RoleAssignmentFactory(user=both, role="work_team", region=county.other_village)
    unassigned = owned(county.county, username="unassigned")

    listing = as_county_admin.get(reverse("admin:auth_user_changelist"))
    shown = {u.username for u in listing.context["cl"].result_list}
    assert {"cadre", "reviewer", "office", "sector", "unassigned"} <= shown
    assert not {"outsider", "root", "both"} & shown

    for hidden in (people.outsider, superuser, both):
        assert as_county_admin.get(change_url(hidden)).status_code == 404
        password_url = reverse("admin:auth_user_password_change", args=[hidden.pk])
        assert as_county_admin.get(password_url).status_code == 404
    assert as_county_admin.get(change_url(unassigned)).status_code == 200


def test_a_county_admin_cannot_see_or_set_powers_beyond_roles(as_county_admin, people):
    page = as_county_admin.get(change_url(people.cadre)).content.decode()
    assert 'name="username"' in page
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in page
    response = as_county_admin.post(
        change_url(people.cadre),
        {
            "username": "cadre",
            "is_active": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "08:00:00",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    people.cadre.refresh_from_db()
    assert not people.cadre.is_superuser and not people.cadre.is_staff


def test_a_county_admin_does_not_delete_accounts(as_county_admin, people):
    url = reverse("admin:auth_user_delete", args=[people.cadre.pk])
    assert as_county_admin.post(url, {"post": "yes"}).status_code == 403
    assert get_user_model().objects.filter(pk=people.cadre.pk).exists()


def test_autocompletion_is_limited_to_the_county(as_county_admin, people, superuser, county):
    def autocomplete(field):
        response = as_county_admin.get(
            reverse("admin:autocomplete"),
            {"app_label": "roles", "model_name": "roleassignment", "field_name": field},
        )
        assert response.status_code == 200
        return {r["text"] for r in response.json()["results"]}

    users = autocomplete("user")
    assert "cadre" in users
    assert not {"outsider", "root"} & users
    regions = autocomplete("region")
    assert {"城关区", "一村", "三村"} <= regions
    assert not {"七里河区", "外村", "甘肃省"} & regions


@pytest.mark.parametrize(
    "url", ["admin:auth_user_changelist", "admin:roles_roleassignment_changelist"]
)
def test_other_roles_cannot_open_people_admin(client, people, url):
    for person in (people.cadre, people.auditor, people.approver):
        client.force_login(person)
        assert client.get(reverse(url)).status_code == 403
        assert client.get(reverse(url.replace("changelist", "add"))).status_code == 403


def test_everyone_with_a_role_looks_up_regions_in_scope_only_superusers_change_them(
    client, people, county
):
    client.force_login(people.cadre)
    listing = client.get(reverse("admin:roles_region_changelist"))
    assert listing.status_code == 200
    assert {r.name for r in listing.context["cl"].result_list} == {"一村"}
    assert client.get(change_url(county.other_village)).status_code == 404
    response = client.post(change_url(county.v11), {"name": "改名", "code": county.v11.code})
    assert response.status_code == 403
    assert client.get(reverse("admin:roles_region_add")).status_code == 403


def test_a_superuser_sees_and_manages_everything(client, people, superuser, county):
    client.force_login(superuser)
    users = client.get(reverse("admin:auth_user_changelist")).context["cl"].result_list
    assert {"outsider", "root", "cadre"} <= {u.username for u in users}
    page = client.get(change_url(people.outsider)).content.decode()
    assert 'name="is_superuser"' in page
    assert client.get(change_url(people.outsider.role_assignments.get())).status_code == 200
    assert client.get(change_url(county.other_village)).status_code == 200
    response = appoint(client, people.outsider, county.county, role="county_admin")
    assert response.status_code == 302
    assert may_act(people.outsider, "county_admin", county.v11)


def test_a_page_cannot_be_looked_up_by_a_secret_field(as_county_admin, people):
    url = change_url(people.cadre).replace(str(people.cadre.pk), people.cadre.password)
    response = as_county_admin.get(url, {"_to_field": "password"})
    assert response.status_code == 400


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def test_a_county_admin_cannot_take_over_anyone_at_or_above_their_authority(
    as_county_admin, people, county
):
    peer = RoleAssignmentFactory(role="county_admin", region=county.county).user
    AccountOwnerFactory(user=peer, county=county.county)
    listing = as_county_admin.get(reverse("admin:auth_user_changelist"))
    shown = {u.username for u in listing.context["cl"].result_list}
    for senior in (peer, people.approver, people.auditor):
        assert senior.username not in shown
        assert as_county_admin.get(change_url(senior)).status_code == 404
        assert as_county_admin.get(password_url(senior)).status_code == 404
        response = as_county_admin.post(
            password_url(senior), {"password1": PASSWORD, "password2": PASSWORD}
        )
        assert response.status_code == 404
        senior.refresh_from_db()
        assert not senior.check_password(PASSWORD)
    # Their role assignments stay listed for the record, but are not theirs to end.
    approver_role = people.approver.role_assignments.get()
    assert as_county_admin.get(change_url(approver_role)).status_code == 200
    url = reverse("admin:roles_roleassignment_delete", args=[approver_role.pk])
    assert as_county_admin.post(url, {"post": "yes"}).status_code == 403
    response = as_county_admin.post(
        reverse("admin:roles_roleassignment_changelist"),
        {"action": "delete_selected", "_selected_action": [approver_role.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=approver_role.pk).exists()


def test_a_county_admin_resets_the_password_of_someone_they_manage(as_county_admin, people):
    response = as_county_admin.post(
        password_url(people.cadre), {"password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    people.cadre.refresh_from_db()
    assert people.cadre.check_password(PASSWORD)


def test_an_account_belongs_to_the_county_that_created_it(client, as_county_admin, county):
    elsewhere = owned(county.other_county, username="theirs")  # no role yet
    unowned = UserFactory(username="nobodys")  # made outside the admin, by no county
    listing = as_county_admin.get(reverse("admin:auth_user_changelist"))
    assert not {"theirs", "nobodys"} & {u.username for u in listing.context["cl"].result_list}
    for user in (elsewhere, unowned):
        assert as_county_admin.get(change_url(user)).status_code == 404
        assert as_county_admin.get(password_url(user)).status_code == 404

    other_admin = RoleAssignmentFactory(role="county_admin", region=county.other_county).user
    client.force_login(other_admin)
    assert client.get(change_url(elsewhere)).status_code == 200


@pytest.mark.parametrize("username", ["system", "System", "ｓｙｓｔｅｍ", " system ", "SYSTEM\t"])
@pytest.mark.parametrize("who", ["county_admin", "superuser"])
def test_nobody_creates_an_account_named_like_the_timer(
    client, county, county_admin, superuser, username, who
):
    client.force_login(county_admin if who == "county_admin" else superuser)
    before = get_user_model().objects.count()
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "county": county.county.pk,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "该用户名为系统保留，请换一个" in response.content.decode()
    assert get_user_model().objects.count() == before


def test_nobody_renames_an_account_to_the_timer_s_name(client, people, superuser):
    client.force_login(superuser)
    response = client.post(
        change_url(people.cadre),
        {
            "username": "Ｓystem",
            "is_active": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 200
    assert "该用户名为系统保留，请换一个" in response.content.decode()
    people.cadre.refresh_from_db()
    assert people.cadre.username == "cadre"


@pytest.mark.parametrize("username", ["System", "ｓｙｓｔｅｍ", " system "])
def test_no_code_path_saves_an_account_named_like_the_timer(db, username):
    with pytest.raises(ValidationError):
        get_user_model().objects.create_user(username=username, password=PASSWORD)
    person = UserFactory(username="someone")
    person.username = username
    with pytest.raises(ValidationError):
        person.save()


def test_the_timer_account_exists_from_the_migrations_and_cannot_sign_in(db):
    timer = get_user_model().objects.get(username="system")
    assert is_system_user(timer)
    assert not timer.is_active and not timer.has_usable_password()
    assert not timer.is_staff and not timer.is_superuser


def test_only_the_powerless_timer_account_counts_as_the_timer(db):
    timer = system_user()
    timer.is_active = True
    assert not is_system_user(timer)
    timer.is_active = False
    timer.set_password(PASSWORD)
    assert not is_system_user(timer)


def test_superusers_see_the_timer_account_but_cannot_change_or_delete_it(client, superuser):
    client.force_login(superuser)
    timer = system_user()
    assert client.get(change_url(timer)).status_code == 200
    response = client.post(change_url(timer), {"username": "timer", "is_active": "on"})
    assert response.status_code == 403
    url = reverse("admin:auth_user_delete", args=[timer.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert (
        client.post(password_url(timer), {"password1": PASSWORD, "password2": PASSWORD}).status_code
        == 403
    )
    timer.refresh_from_db()
    assert is_system_user(timer)


def test_existing_accounts_belong_to_the_county_their_assignments_lie_in(county):
    migration = importlib.import_module("roles.migrations.0003_account_owners_from_assignments")
    at_home = RoleAssignmentFactory(role="work_team", region=county.v11).user
    RoleAssignmentFactory(user=at_home, role="township_reviewer", region=county.t2)
    two_counties = RoleAssignmentFactory(role="work_team", region=county.v11).user
    RoleAssignmentFactory(user=two_counties, role="work_team", region=county.other_village)
    RoleAssignmentFactory(role="auditor", region=county.province)  # above any county
    UserFactory(username="no-roles")

    migration.own_accounts_by_assignments(apps, None)

    assert dict(AccountOwner.objects.values_list("user__username", "county")) == {
        at_home.username: county.county.pk
    }


def test_the_timer_migration_strips_an_account_that_took_the_name_before_it(db):
    migration = importlib.import_module("approvals.migrations.0005_timer_account")
    User = get_user_model()
    User.objects.filter(username="system").update(
        password=make_password(PASSWORD), is_active=True, is_staff=True, is_superuser=True
    )

    migration.create_timer_account(apps, None)

    timer = User.objects.get(username="system")
    assert is_system_user(timer)
    assert not timer.check_password(PASSWORD)


@pytest.mark.parametrize("bad_id", ["1e400", "9" * 25, "１２"])
def test_a_person_chosen_by_a_value_that_cannot_be_an_id_is_a_form_error(
    as_county_admin, county, bad_id
):
    response = as_county_admin.post(
        reverse("admin:roles_roleassignment_add"),
        {
            "user": bad_id,
            "role": "village_committee",
            "region": county.v11.pk,
            "valid_from": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not RoleAssignment.objects.filter(region=county.v11, role="village_committee").exists()


def _words_in_content(html: str) -> list[str]:
    """The text a person reads in the page's content area (not its menus or scripts), the
    choices of a list left out (they are data: region names)."""
    content = html[html.index('id="content"') :]
    content = re.sub(r"<(script|select).*?</\1>", "", content, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", "\n", content.partition(">")[2]))
    values = re.findall(r'type="submit" value="([^"]*)"', content)
    return [line.strip() for line in [*text.splitlines(), *values] if line.strip()]


def test_the_user_add_page_is_chinese_by_default_and_english_when_chosen(as_county_admin, county):
    url = reverse("admin:auth_user_add")
    page = as_county_admin.get(url).content.decode()
    chinese = _words_in_content(page)
    assert "创建用户后，可以继续编辑该用户的其他信息。" in chinese
    # The menu's table headings, read out by screen readers, are Chinese too.
    assert "Model name" not in page and "模型名称" in page
    assert [w for w in chinese if re.search(r"[A-Za-z]{3,}", w) and not re.search(CJK, w)] == []
    as_county_admin.cookies.load({"django_language": "en"})
    english = _words_in_content(as_county_admin.get(url).content.decode())
    assert "After you’ve created a user, you’ll be able to edit more user options." in english
    assert "County:" in english
    assert [w for w in english if re.search(CJK, w)] == []
