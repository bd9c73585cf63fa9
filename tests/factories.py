"""Factories for every model. Cases are made through the engine, so their audit trails are real."""

import datetime

import factory
from django.contrib.auth import get_user_model

from approvals import create_case
from approvals.models import Policy, SecurityEvent
from roles.models import Level, Region, RoleAssignment
from tests.toy.models import ToyCase


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n % 80:02d}0000000000")
    name = factory.Sequence(lambda n: f"地区{n}")
    level = Level.PROVINCE
    parent = None


def child_region(parent: Region, number: int, name: str) -> Region:
    """The ``number``-th region directly under ``parent``."""
    level = Level(parent.level + 1)
    width = {Level.PREFECTURE: 2, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 3}[level]
    code = (parent.prefix + f"{number:0{width}d}").ljust(12, "0")
    return RegionFactory(code=code, name=name, level=level, parent=parent)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "village_committee"
    region = factory.SubFactory(RegionFactory)
    valid_from = datetime.date(2020, 1, 1)
    valid_to = None


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    workflow = "toy"
    version = factory.Sequence(lambda n: f"v{n}")
    region_prefix = ""
    effective_from = datetime.date(2014, 1, 1)
    values = factory.LazyFunction(lambda: {"notice_days": 5})


class SecurityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityEvent

    user = factory.SubFactory(UserFactory)
    kind = SecurityEvent.Kind.PERMISSION
    workflow = "toy"
    action = "approve"
    reasons = factory.LazyFunction(lambda: ["无权限"])


class ToyCaseFactory(factory.Factory):
    """A toy case created by a village cadre through ``approvals.create_case``."""

    class Meta:
        model = ToyCase

    title = factory.Sequence(lambda n: f"项目{n}")
    amount = 100
    region = factory.SubFactory(RegionFactory)
    creator = None

    @classmethod
    def _create(cls, model_class, *, region, creator=None, **fields):
        if creator is None:
            creator = RoleAssignmentFactory(role="village_committee", region=region).user
        return create_case(model_class, creator, region=region, **fields)

    @classmethod
    def _build(cls, model_class, *, creator=None, **fields):
        return model_class(**fields)
