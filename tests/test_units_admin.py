"""Units in the people admin: a county administrator sets up their county's units and appoints
people to them, with unit choices only in their county; everyone else reads the units in their
scope; the unit is shown in the lists of role assignments."""

import pytest
from django.urls import reverse

from roles.models import RoleAssignment, Unit, UnitKind
from tests.factories import AccountOwnerFactory, RoleAssignmentFactory, UnitFactory, UserFactory


@pytest.fixture
def county_admin(county):
    return RoleAssignmentFactory(role="county_admin", region=county.county).user


@pytest.fixture
def units(county):
    return {
        "education": UnitFactory(name="县教育局", region=county.county),
        "township": UnitFactory(name="东湖镇人民政府", kind=UnitKind.TOWNSHIP, region=county.t1),
        "elsewhere": UnitFactory(name="外县教育局", region=county.other_county),
    }


def test_a_county_admin_adds_a_unit_of_their_county_only(client, county, county_admin):
    client.force_login(county_admin)
    add = reverse("admin:roles_unit_add")
    offered = client.get(add).context["adminform"].form.fields["region"].queryset
    assert county.county in offered and county.other_county not in offered

    response = client.post(
        add, {"name": "县卫健局", "kind": "county_department", "region": county.county.pk}
    )
    assert response.status_code == 302
    assert Unit.objects.filter(name="县卫健局", region=county.county).exists()

    response = client.post(
        add, {"name": "外县卫健局", "kind": "county_department", "region": county.other_county.pk}
    )
    assert response.status_code == 200
    assert "只能在本县范围内任命角色" in response.content.decode()
    assert not Unit.objects.filter(name="外县卫健局").exists()


def test_others_read_the_units_in_their_scope_and_change_none(client, county, units, people):
    client.force_login(people.office)
    listed = client.get(reverse("admin:roles_unit_changelist")).context["cl"].result_list
    assert set(listed) == {units["education"], units["township"]}
    assert client.get(reverse("admin:roles_unit_add")).status_code == 403
    page = client.get(reverse("admin:roles_unit_change", args=[units["education"].pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    outside = reverse("admin:roles_unit_change", args=[units["elsewhere"].pk])
    assert client.get(outside).status_code == 404


def test_an_appointment_offers_only_the_units_of_the_administrators_county(
    client, county, county_admin, units
):
    person = AccountOwnerFactory(user=UserFactory(), county=county.county).user
    client.force_login(county_admin)
    add = reverse("admin:roles_roleassignment_add")
    offered = client.get(add).context["adminform"].form.fields["unit"].queryset
    assert set(offered) == {units["education"], units["township"]}

    def appoint(unit, region, **extra):
        return client.post(
            add,
            {
                "user": person.pk,
                "role": "sector_department",
                "region": region.pk,
                "unit": unit.pk,
                "valid_from": "2024-01-01",
                **extra,
            },
        )

    refused = appoint(units["elsewhere"], county.county)
    assert "只能在本县范围内任命角色" in refused.content.decode()
    wrong_region = appoint(units["township"], county.county)
    assert "只能在单位所属区划任命该单位的人员" in wrong_region.content.decode()
    assert not RoleAssignment.objects.filter(user=person).exists()

    assert appoint(units["education"], county.county, heads_unit="on").status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert assignment.unit == units["education"] and assignment.heads_unit
    listed = client.get(reverse("admin:roles_roleassignment_changelist")).content.decode()
    assert "县教育局" in listed
    members = client.get(reverse("admin:roles_unit_change", args=[units["education"].pk]))
    assert person.username in members.content.decode()
