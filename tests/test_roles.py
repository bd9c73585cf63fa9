import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from roles.jurisdiction import covered_prefixes, may_act, regions_covered, roles_held
from roles.models import Region, RoleAssignment, ancestor_codes
from tests.factories import RegionFactory, RoleAssignmentFactory, UserFactory


def test_ancestors_come_from_the_code():
    assert ancestor_codes("620102001002") == [
        "620000000000",
        "620100000000",
        "620102000000",
        "620102001000",
        "620102001002",
    ]


def test_subtree_is_a_prefix_query(county):
    names = set(county.t1.subtree().values_list("name", flat=True))
    assert names == {"东岗镇", "一村", "二村"}
    assert set(county.county.subtree().values_list("name", flat=True)) == {
        "城关区",
        "东岗镇",
        "西湖镇",
        "一村",
        "二村",
        "三村",
    }
    assert list(county.v12.ancestors().values_list("name", flat=True)) == [
        "甘肃省",
        "兰州市",
        "城关区",
        "东岗镇",
        "二村",
    ]


@pytest.mark.parametrize(
    ("code", "level", "parent", "field"),
    [
        ("62010200100X", 5, "t1", "code"),
        ("620103001001", 5, "t1", "code"),  # not under its parent
        ("620102001001", 4, "t1", "level"),  # a township under a township
        ("620102001000", 4, None, "parent"),  # only provinces stand alone
        ("620102001500", 4, "county", "code"),  # a township's village digits must be zero
    ],
)
def test_bad_regions_are_refused_with_a_message(county, code, level, parent, field):
    region = Region(
        code=code, name="x", level=level, parent=getattr(county, parent) if parent else None
    )
    with pytest.raises(ValidationError) as err:
        region.full_clean()
    assert field in err.value.message_dict


def test_a_county_role_covers_every_township_and_village_under_it(county):
    office = RoleAssignmentFactory(role="county_office", region=county.county).user
    for region in (county.county, county.t1, county.v11, county.v21):
        assert may_act(office, "county_office", region)
    assert not may_act(office, "county_office", county.other_village)
    assert not may_act(office, "county_office", county.province)
    assert not may_act(office, "county_approver", county.v11)


def test_regions_covered_lists_the_whole_subtree_once(county):
    user = RoleAssignmentFactory(role="township_reviewer", region=county.t1).user
    RoleAssignmentFactory(user=user, role="township_reviewer", region=county.v11)  # inside t1
    assert covered_prefixes(user, "township_reviewer") == ["620102001"]
    assert set(regions_covered(user, "township_reviewer").values_list("name", flat=True)) == {
        "东岗镇",
        "一村",
        "二村",
    }
    assert not regions_covered(user, "county_office").exists()


def test_expired_and_future_assignments_grant_nothing(county):
    today = timezone.localdate()
    expired = RoleAssignmentFactory(
        role="township_reviewer",
        region=county.t1,
        valid_from=today - datetime.timedelta(days=400),
        valid_to=today - datetime.timedelta(days=1),
    ).user
    future = RoleAssignmentFactory(
        role="township_reviewer", region=county.t1, valid_from=today + datetime.timedelta(days=1)
    ).user
    for user in (expired, future):
        assert not may_act(user, "township_reviewer", county.v11)
        assert covered_prefixes(user, "township_reviewer") == []
        assert not user.has_perm("roles.act_as_township_reviewer", county.t1)


def test_inactive_users_hold_nothing(county):
    user = RoleAssignmentFactory(role="county_office", region=county.county).user
    user.is_active = False
    user.save()
    assert roles_held(user, county.v11, ["county_office"]) == []


def test_assignment_mirrors_a_guardian_object_permission(county):
    assignment = RoleAssignmentFactory(role="county_approver", region=county.county)
    user = type(assignment.user).objects.get(pk=assignment.user_id)
    assert user.has_perm("roles.act_as_county_approver", county.county)
    assert not user.has_perm("roles.act_as_county_approver", county.other_county)
    assert county.county.regionuserobjectpermission_set.filter(user=user).exists()
    assignment.delete()
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("roles.act_as_county_approver", county.county)


def test_sync_revokes_permissions_of_assignments_that_expired(county):
    assignment = RoleAssignmentFactory(role="county_office", region=county.county)
    RoleAssignment.objects.filter(pk=assignment.pk).update(
        valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    user = UserFactory(username=assignment.user.username)
    assert user.has_perm("roles.act_as_county_office", county.county)  # stale mirror
    call_command("sync_role_permissions", stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("roles.act_as_county_office", county.county)


def test_assignment_dates_must_be_in_order(county):
    assignment = RoleAssignmentFactory.build(
        user=UserFactory(),
        region=county.t1,
        valid_from=datetime.date(2024, 5, 1),
        valid_to=datetime.date(2024, 4, 1),
    )
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_region_factory_makes_valid_provinces(db):
    RegionFactory().full_clean()
