"""Writes are held to where the acting role may write: a form refuses a region (or a row with
one) outside it with a form error and saves nothing, and a read-only role held over a wider area
never widens it."""

import pytest
from django.urls import reverse

from approvals.models import SecurityEvent
from tests.factories import RoleAssignmentFactory, VillagePopulationFactory
from tests.household_setup import family
from workflows.household.models import Household, IdentificationCase, VillagePopulation

OUTSIDE = "所选项不在您有权办理的辖区内"


@pytest.fixture
def auditor_and_cadre(county):
    """Auditor of the whole county, village committee of one village only."""
    user = RoleAssignmentFactory(role="auditor", region=county.county).user
    RoleAssignmentFactory(user=user, role="village_committee", region=county.v11)
    return user


def add_household(client, region, number="H-1"):
    return client.post(
        reverse("admin:household_household_add"),
        {"region": region.pk, "number": number, "head_name": "张三", **inline_management(client)},
    )


def inline_management(client):
    """The management forms of the household page's inlines, as the page renders them."""
    page = client.get(reverse("admin:household_household_add"))
    return {
        f"{inline.formset.prefix}-{key}": "0"
        for inline in page.context["inline_admin_formsets"]
        for key in ("TOTAL_FORMS", "INITIAL_FORMS")
    }


@pytest.mark.parametrize("who", ["cadre", "auditor_and_cadre"])
def test_a_household_is_not_created_outside_the_write_scope(client, county, people, who, request):
    user = people.cadre if who == "cadre" else request.getfixturevalue("auditor_and_cadre")
    client.force_login(user)
    for region in (county.v12, county.other_village):
        response = add_household(client, region)
        assert response.status_code == 200
        assert OUTSIDE in response.content.decode()
    assert not Household.objects.exists()
    assert add_household(client, county.v11).status_code == 302
    assert Household.objects.get().region == county.v11


def test_village_figures_are_not_entered_outside_the_write_scope(client, county, auditor_and_cadre):
    client.force_login(auditor_and_cadre)
    url = reverse("admin:household_villagepopulation_add")
    response = client.post(url, {"region": county.v21.pk, "year": 2024, "rural_population": 900})
    assert response.status_code == 200
    assert OUTSIDE in response.content.decode()
    assert not VillagePopulation.objects.exists()


def test_a_read_only_role_does_not_widen_where_one_may_change(client, county, auditor_and_cadre):
    elsewhere, home = family(county.v21, None), family(county.v11, None)
    figures = VillagePopulationFactory(region=county.v21, rural_population=900)
    client.force_login(auditor_and_cadre)

    page = client.get(reverse("admin:household_household_change", args=[elsewhere.pk]))
    assert page.status_code == 200  # the auditor reads it
    assert 'name="head_name"' not in page.content.decode()  # but may not change it
    url = reverse("admin:household_household_change", args=[elsewhere.pk])
    assert client.post(url, {"head_name": "改名"}).status_code == 403
    elsewhere.refresh_from_db()
    assert elsewhere.head_name != "改名"

    url = reverse("admin:household_villagepopulation_change", args=[figures.pk])
    response = client.post(url, {"region": county.v21.pk, "year": 2024, "rural_population": 1})
    assert response.status_code == 403
    figures.refresh_from_db()
    assert figures.rural_population == 900

    page = client.get(reverse("admin:household_household_change", args=[home.pk]))
    assert 'name="head_name"' in page.content.decode()  # at home, the village committee edits


def test_a_households_helper_is_chosen_among_people_holding_a_role_in_the_write_scope(
    client, county, people
):
    client.force_login(people.cadre)
    page = client.get(reverse("admin:household_household_add"))
    offered = set(page.context["adminform"].form.fields["helper"].queryset)
    assert offered == {people.cadre, people.team}  # the village's own; not the township, not away
    html = page.content.decode()
    assert f'<option value="{people.team.pk}">' in html  # a list to choose from, not a search
    assert f'<option value="{people.outsider.pk}">' not in html
    response = client.post(
        reverse("admin:household_household_add"),
        {
            "region": county.v11.pk,
            "number": "H-1",
            "head_name": "张三",
            "helper": people.outsider.pk,
            **inline_management(client),
        },
    )
    assert response.status_code == 200 and OUTSIDE in response.content.decode()
    assert not Household.objects.exists()


def test_a_list_action_offers_and_acts_on_only_the_rows_one_may_write(
    client, county, auditor_and_cadre
):
    elsewhere, home = family(county.v21, None), family(county.v11, None)
    client.force_login(auditor_and_cadre)
    url = reverse("admin:household_household_changelist")
    page = client.get(url).content.decode()
    assert f'name="_selected_action" value="{home.pk}"' in page  # both are listed, one may be
    assert f'name="_selected_action" value="{elsewhere.pk}"' not in page  # selected
    response = client.post(
        url,
        {"action": "open_identification", "_selected_action": [home.pk, elsewhere.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [f"{home}：已立案", "所选的1项不在您有权办理的辖区内，未予处理"]
    assert [c.household for c in IdentificationCase.objects.all()] == [home]
    assert not SecurityEvent.objects.exists()  # the row outside was never put to the engine
