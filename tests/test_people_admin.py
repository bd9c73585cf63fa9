"""A county administrator manages the people of their county and their roles there, nothing
beyond; other roles cannot open these pages; superusers manage everyone."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from roles.models import RoleAssignment
from roles.scope import may_act
from tests.factories import RoleAssignmentFactory, UserFactory

PASSWORD = "Qz7!long-enough-pass"


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
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    newcadre = RoleAssignment._meta.get_field("user").related_model.objects.get(username="newcadre")
    assert not newcadre.is_staff and not newcadre.is_superuser

    response = appoint(as_county_admin, newcadre, county.v21)
    assert response.status_code == 302
    assert may_act(newcadre, "village_committee", county.v21)
    assert newcadre.has_perm("roles.act_as_village_committee", county.v21)


def test_a_county_admin_cannot_appoint_in_another_county(as_county_admin, county):
    person = UserFactory(username="newcomer")
    response = appoint(as_county_admin, person, county.other_village)
    assert response.status_code == 200
    assert "只能在本县范围内任命角色" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_a_county_admin_cannot_appoint_a_county_admin(as_county_admin, county):
    person = UserFactory(username="newcomer")
    response = appoint(as_county_admin, person, county.county, role="county_admin")
    assert response.status_code == 200
    assert "“县级系统管理员”角色只能由上级管理员任命" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_a_county_admin_cannot_grant_themselves(as_county_admin, county, county_admin):
    response = appoint(as_county_admin, county_admin, county.v11)
    assert response.status_code == 200
    assert "不能给自己授权" in response.content.decode()
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
    both = RoleAssignmentFactory(user__username="both", role="work_team", region=county.v11).user
    RoleAssignmentFactory(user=both, role="work_team", region=county.other_village)
    unassigned = UserFactory(username="unassigned")

    listing = as_county_admin.get(reverse("admin:auth_user_changelist"))
    shown = {u.username for u in listing.context["cl"].result_list}
    assert {"cadre", "reviewer", "auditor", "countyadmin", "unassigned"} <= shown
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
