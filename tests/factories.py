"""Factories for every model. Cases are made through the engine, so their audit trails are real."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from approvals import create_case
from approvals.models import Policy, SecurityEvent
from roles.models import Level, Region, RoleAssignment
from tests.toy.models import ToyCase
from workflows.project_library.attachments import attach
from workflows.project_library.models import (
    PerformanceTarget,
    ProjectApplication,
    ProjectAttachment,
)


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


class ProjectApplicationFactory(factory.Factory):
    """A complete project record, created by a village cadre through the engine, with one target."""

    class Meta:
        model = ProjectApplication

    region = factory.SubFactory(RegionFactory)
    creator = None
    name = factory.Sequence(lambda n: f"村组道路硬化工程{n}")
    category = "industry"
    construction_nature = "new"
    location = "一组至三组"
    planned_start = datetime.date(2025, 4, 1)
    planned_end = datetime.date(2025, 10, 31)
    responsible_unit = "县交通运输局"
    tasks_and_scale = "硬化道路3公里，宽4.5米"
    total_funds = Decimal("120.00")
    funds_central = Decimal("80.00")
    funds_provincial = Decimal("30.00")
    funds_county = Decimal("10.00")
    beneficiary_households = 120
    beneficiary_poor_households = 35
    beneficiary_people = 480
    benefit_mechanism = "优先吸纳贫困户务工，改善出行条件"
    targets = 1

    @classmethod
    def _create(cls, model_class, *, region, creator=None, targets=1, **fields):
        if creator is None:
            creator = RoleAssignmentFactory(role="village_committee", region=region).user
        project = create_case(model_class, creator, region=region, **fields)
        PerformanceTargetFactory.create_batch(targets, project=project)
        return project

    @classmethod
    def _build(cls, model_class, *, creator=None, targets=1, **fields):
        return model_class(**fields)


class PerformanceTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceTarget

    project = factory.SubFactory(ProjectApplicationFactory, targets=0)
    indicator = "受益贫困户数"
    target_value = "35"
    unit = "户"


class ProjectAttachmentFactory(factory.Factory):
    """An attachment added through the engine's ``add_attachment`` step."""

    class Meta:
        model = ProjectAttachment

    project = factory.SubFactory(ProjectApplicationFactory)
    kind = "minutes"
    content = b"minutes of the villagers' meeting"
    name = "会议记录.pdf"
    uploader = None

    @classmethod
    def _create(cls, model_class, *, project, kind, content, name, uploader=None):
        if uploader is None:
            uploader = RoleAssignmentFactory(role="village_committee", region=project.region).user
        attach(project, uploader, ContentFile(content, name=name), kind)
        return project.attachments.latest("uploaded_at")
