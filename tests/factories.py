"""Factories for every model. Cases are made through the engine, so their audit trails are real."""

import datetime
from decimal import Decimal

import factory
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from admin_site.api.models import ApiToken
from admin_site.api.models import digest as api_digest
from admin_site.models import FormSubmission, QueueFilter
from approvals import checkpoints, claims, create_case, edits, perform, policy_versions
from approvals.models import (
    AuditEntry,
    Checkpoint,
    Claim,
    NoticePeriod,
    Objection,
    Policy,
    SecurityEvent,
)
from approvals.notices import file_objection, running_notice
from notifications.models import Delivery, Kind, Notification, Preference
from roles.models import (
    AccountOwner,
    Level,
    Region,
    RegionGroupObjectPermission,
    RegionUserObjectPermission,
    RoleAssignment,
    Standin,
    Unit,
    UnitKind,
)
from tests.toy.models import ToyCase
from workflows.household import idnumber
from workflows.household.cases import apply_for_identification, propose_exit
from workflows.household.models import (
    ExitCase,
    GuaranteeCheck,
    Household,
    IdentificationCase,
    IncomeAssessment,
    Member,
    PovertyLine,
    VillagePopulation,
)
from workflows.monitoring.cases import propose_elimination, register_clue
from workflows.monitoring.models import (
    AssistanceMeasure,
    AssistancePlan,
    EliminationCase,
    MonitoringCase,
)
from workflows.project_library.attachments import attach
from workflows.project_library.models import (
    PerformanceTarget,
    ProjectApplication,
    ProjectAttachment,
)
from workflows.rectification import process as rectification
from workflows.rectification.choices import Source, Tier
from workflows.rectification.models import (
    Campaign,
    Evidence,
    Problem,
    RectificationRound,
    UnitTask,
)
from workflows.registers.models import ImportJob


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


class UnitFactory(factory.django.DjangoModelFactory):
    """A county department of a county (give ``region``: a county or a township)."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = UnitKind.COUNTY_DEPARTMENT
    region = factory.SubFactory(RegionFactory, level=Level.COUNTY)


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


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"组{n}")


class RegionPermissionFactory(factory.django.DjangoModelFactory):
    """A django-guardian grant of seeing one region (to a user or a group: see below)."""

    class Meta:
        abstract = True

    content_object = factory.SubFactory(RegionFactory)
    permission = factory.LazyFunction(lambda: Permission.objects.get(codename="view_region"))


class RegionUserObjectPermissionFactory(RegionPermissionFactory):
    class Meta:
        model = RegionUserObjectPermission

    user = factory.SubFactory(UserFactory)


class RegionGroupObjectPermissionFactory(RegionPermissionFactory):
    class Meta:
        model = RegionGroupObjectPermission

    group = factory.SubFactory(GroupFactory)


class AccountOwnerFactory(factory.django.DjangoModelFactory):
    """The county an account belongs to (accounts made outside the admin have none)."""

    class Meta:
        model = AccountOwner

    user = factory.SubFactory(UserFactory)
    county = factory.SubFactory(RegionFactory, level=Level.COUNTY)


class CheckpointFactory(factory.Factory):
    """A checkpoint of every chain now, signed, as ``manage.py audit_checkpoint`` takes it."""

    class Meta:
        model = Checkpoint

    @classmethod
    def _create(cls, model_class, **fields):
        return model_class.objects.get(signature=checkpoints.take().signature)


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    workflow = "toy"
    version = factory.Sequence(lambda n: f"v{n}")
    region_prefix = ""
    effective_from = datetime.date(2014, 1, 1)
    values = factory.LazyFunction(lambda: {"notice_days": 5})

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Made through the engine: each version begins its own audit chain."""
        policy = model_class(*args, **kwargs)
        policy_versions.load(policy)
        return policy


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


class AuditEntryFactory(factory.Factory):
    """The opening entry of a new toy case, as the engine wrote it (the trail is append-only)."""

    class Meta:
        model = AuditEntry

    case = factory.SubFactory(ToyCaseFactory)

    @classmethod
    def _create(cls, model_class, *, case):
        return model_class.objects.for_object(case).get(seq=1)


class NoticePeriodFactory(factory.Factory):
    """The public notice of a toy case its township has just approved through the engine."""

    class Meta:
        model = NoticePeriod

    region = factory.SubFactory(RegionFactory)

    @classmethod
    def _create(cls, model_class, *, region):
        case = ToyCaseFactory(region=region)
        perform(case, "submit", AuditEntry.objects.for_object(case).get(seq=1).actor)
        reviewer = RoleAssignmentFactory(role="township_reviewer", region=region).user
        perform(case, "approve", reviewer)
        return running_notice(case)


class ObjectionFactory(factory.Factory):
    """An objection from the public, filed through ``file_objection`` on a running notice."""

    class Meta:
        model = Objection

    notice = factory.SubFactory(NoticePeriodFactory)
    name = "王某"
    contact = "13900005678"
    text = "该户家中有人在县城经商，收入超过标准。"

    @classmethod
    def _create(cls, model_class, *, notice, **fields):
        return file_objection(ToyCase.objects.get(pk=notice.object_id), **fields)


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
    content = b"%PDF-1.4 minutes of the villagers' meeting"
    name = "会议记录.pdf"
    uploader = None

    @classmethod
    def _create(cls, model_class, *, project, kind, content, name, uploader=None):
        if uploader is None:
            uploader = RoleAssignmentFactory(role="village_committee", region=project.region).user
        attach(project, uploader, ContentFile(content, name=name), kind)
        return project.attachments.latest("uploaded_at")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    region = factory.SubFactory(RegionFactory)
    number = factory.Sequence(lambda n: f"H{n:06d}")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    phone = "13900001234"
    poverty_attribute = "general"
    main_cause = "illness"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A household as if entered before it kept a chain: its chain starts as found."""
        household = super()._create(model_class, *args, **kwargs)
        edits.start_chain(household)
        return household


class MemberFactory(factory.django.DjangoModelFactory):
    """A member with a valid ID number that no other member has."""

    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    id_number = factory.Sequence(
        lambda n: idnumber.compose(
            "620102", datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000), n % 1000
        )
    )
    relation = "head"


class IncomeAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeAssessment

    household = factory.SubFactory(HouseholdFactory)
    year = 2019
    wage_income = Decimal("6000")
    business_income = Decimal("2000")


class GuaranteeCheckFactory(factory.django.DjangoModelFactory):
    """A check with every guarantee met."""

    class Meta:
        model = GuaranteeCheck

    household = factory.SubFactory(HouseholdFactory)
    year = 2019
    food_clothing = True
    compulsory_education = True
    medical_insurance = True
    safe_housing = True
    safe_water = True


class PovertyLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PovertyLine
        django_get_or_create = ("year", "region_prefix")

    year = 2018
    region_prefix = ""
    amount = Decimal("3000")


class VillagePopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillagePopulation

    region = factory.SubFactory(RegionFactory)
    year = 2020
    rural_population = 1000


class IdentificationCaseFactory(factory.Factory):
    """An application opened by the village committee through ``apply_for_identification``."""

    class Meta:
        model = IdentificationCase

    household = factory.SubFactory(HouseholdFactory)
    year = 2019
    opener = None

    @classmethod
    def _create(cls, model_class, *, household, year, opener=None):
        if opener is None:
            opener = RoleAssignmentFactory(role="village_committee", region=household.region).user
        return apply_for_identification(household, opener, year)


class ExitCaseFactory(factory.Factory):
    """A proposal opened by the village committee through ``propose_exit``."""

    class Meta:
        model = ExitCase

    household = factory.SubFactory(HouseholdFactory, register_status="registered")
    year = 2020
    opener = None

    @classmethod
    def _create(cls, model_class, *, household, year, opener=None):
        if opener is None:
            opener = RoleAssignmentFactory(role="village_committee", region=household.region).user
        return propose_exit(household, opener, year)


class MonitoringCaseFactory(factory.Factory):
    """A clue registered by the village committee through ``register_clue``."""

    class Meta:
        model = MonitoringCase

    household = factory.SubFactory(HouseholdFactory)
    year = 2020
    clue_source = "cadre_visit"
    monitoring_type = "marginal"
    risk_causes = factory.LazyFunction(lambda: ["illness"])
    opener = None

    @classmethod
    def _create(cls, model_class, *, household, year, opener=None, **recorded):
        if opener is None:
            opener = RoleAssignmentFactory(role="village_committee", region=household.region).user
        return register_clue(household, opener, year, **recorded)


class AssistancePlanFactory(factory.django.DjangoModelFactory):
    """A plan for the household of a registered clue (a county's decision makes the real ones)."""

    class Meta:
        model = AssistancePlan

    monitoring_case = factory.SubFactory(MonitoringCaseFactory)
    household = factory.SelfAttribute("monitoring_case.household")
    drawn_up_on = datetime.date(2021, 6, 1)
    goal = "稳定务工收入，化解因病返贫风险"


class AssistanceMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistanceMeasure

    plan = factory.SubFactory(AssistancePlanFactory)
    household = factory.SelfAttribute("plan.household")
    kind = "employment"
    content = "推荐到县城产业园务工"
    responsible = factory.SubFactory(UserFactory)
    planned_on = datetime.date(2021, 9, 30)


class EliminationCaseFactory(factory.Factory):
    """A proposal through ``propose_elimination`` for a household marked as monitored since
    ``monitored_since``."""

    class Meta:
        model = EliminationCase

    household = factory.SubFactory(HouseholdFactory)
    year = 2021
    monitored_since = datetime.date(2021, 1, 4)
    opener = None

    @classmethod
    def _create(cls, model_class, *, household, year, monitored_since, opener=None):
        Household.objects.filter(pk=household.pk).update(
            monitoring_status="monitored", monitored_since=monitored_since
        )
        household.refresh_from_db()
        if opener is None:
            opener = RoleAssignmentFactory(role="village_committee", region=household.region).user
        return propose_elimination(household, opener, year)


class AccessAttemptFactory(factory.django.DjangoModelFactory):
    """A failed sign-in django-axes is counting."""

    class Meta:
        model = AccessAttempt

    username = "cadre"
    ip_address = "127.0.0.1"
    user_agent = "test"
    http_accept = "text/html"
    path_info = "/admin/login/"
    get_data = ""
    post_data = "username=cadre"
    failures_since_start = 1


class AccessLogFactory(factory.django.DjangoModelFactory):
    """A sign-in django-axes logged."""

    class Meta:
        model = AccessLog

    username = "cadre"
    ip_address = "127.0.0.1"
    user_agent = "test"
    http_accept = "text/html"
    path_info = "/admin/login/"


class AccessFailureLogFactory(factory.django.DjangoModelFactory):
    """A failed sign-in django-axes logged."""

    class Meta:
        model = AccessFailureLog

    username = "cadre"
    ip_address = "127.0.0.1"
    user_agent = "test"
    http_accept = "text/html"
    path_info = "/admin/login/"


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign of a county, under that county's rectification office."""

    class Meta:
        model = Campaign

    source = Source.CENTRAL_INSPECTION
    title = factory.Sequence(lambda n: f"巡视反馈问题整改{n}")
    county = factory.SubFactory(RegionFactory, level=Level.COUNTY)
    office = factory.LazyAttribute(
        lambda o: UnitFactory(name="整改办", kind=UnitKind.OFFICE, region=o.county)
    )
    opened_on = datetime.date(2020, 3, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A campaign as if made before it kept a chain: its chain starts as found."""
        campaign = super()._create(model_class, *args, **kwargs)
        edits.start_chain(campaign)
        return campaign


class ProblemFactory(factory.Factory):
    """A problem registered through the rectification service by its campaign's office (a
    clerk of the office is made if none is given) and fanned out to its units (one county
    department by default)."""

    class Meta:
        model = Problem

    campaign = factory.SubFactory(CampaignFactory)
    number = factory.Sequence(lambda n: n + 1)
    area = "产业扶贫"
    description = "扶贫产业带贫机制不健全"
    tier = Tier.BY_DATE
    deadline_working_days = 20
    actor = None
    units = None

    @classmethod
    def _create(cls, model_class, *, campaign, actor=None, units=None, **fields):
        if actor is None:
            actor = RoleAssignmentFactory(
                role="county_office", region=campaign.county, unit=campaign.office
            ).user
        units = units or [UnitFactory(region=campaign.county)]
        fields.setdefault("lead_unit", units[0])
        return rectification.open_problem(campaign, actor=actor, units=units, **fields)

    @classmethod
    def _build(cls, model_class, *, actor=None, units=None, **fields):
        campaign = fields["campaign"]
        return model_class(region=campaign.county, **fields)


class RectificationRoundFactory(factory.Factory):
    """A problem's first round, started on viewflow by registering the problem."""

    class Meta:
        model = RectificationRound

    problem = factory.SubFactory(ProblemFactory)

    @classmethod
    def _create(cls, model_class, *, problem):
        return problem.rounds.get(number=1)


class UnitTaskFactory(factory.Factory):
    """A responsible unit's task of a problem's first round."""

    class Meta:
        model = UnitTask

    problem = factory.SubFactory(ProblemFactory)

    @classmethod
    def _create(cls, model_class, *, problem):
        return problem.unit_tasks.first()


class EvidenceFactory(factory.Factory):
    """A file a unit reported with, through the service (its plan submitted first)."""

    class Meta:
        model = Evidence

    unit_task = factory.SubFactory(UnitTaskFactory)
    content = b"%PDF-1.4 rectification ledger"
    name = "整改台账.pdf"
    reporter = None

    @classmethod
    def _create(cls, model_class, *, unit_task, content, name, reporter=None):
        if reporter is None:
            reporter = RoleAssignmentFactory(
                role="sector_department", region=unit_task.unit.region, unit=unit_task.unit
            ).user
        rectification.submit_plan(unit_task, actor=reporter, plan="按期整改")
        rectification.submit_report(
            unit_task,
            actor=reporter,
            measures_taken="已完成整改",
            progress="完成",
            files=[ContentFile(content, name=name)],
        )
        return unit_task.evidence.latest("pk")


class NotificationFactory(factory.django.DjangoModelFactory):
    """A new task in a village cadre's inbox about a toy case of their village."""

    class Meta:
        model = Notification

    case = factory.SubFactory(ToyCaseFactory)
    user = factory.SubFactory(UserFactory)
    kind = Kind.TASK
    key = factory.Sequence(lambda n: f"factory:{n}")

    @classmethod
    def _create(cls, model_class, *, case, **fields):
        return model_class.objects.create(
            content_type=ContentType.objects.get_for_model(case),
            object_id=case.pk,
            workflow=case.workflow.name,
            state=case.state,
            case_label=str(case),
            **fields,
        )


class DeliveryFactory(factory.django.DjangoModelFactory):
    """A notification sent by email."""

    class Meta:
        model = Delivery

    notification = factory.SubFactory(NotificationFactory)
    channel = "email"


class PreferenceFactory(factory.django.DjangoModelFactory):
    """Someone who wants every notification at once, by email and by the SMS/WeChat channel."""

    class Meta:
        model = Preference

    user = factory.SubFactory(UserFactory)
    by_message = True
    message_address = "13900001234"
    immediate = True


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token as ``ApiToken.issue`` keeps it: its key is ``key-<n>``, stored as its hash."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "手机"
    prefix = factory.LazyAttribute(lambda t: t.key[:8])
    key_hash = factory.LazyAttribute(lambda t: api_digest(t.key))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))

    class Params:
        key = factory.Sequence(lambda n: f"key-{n}")


class ClaimFactory(factory.Factory):
    """A toy case sent for review, claimed by a reviewer over its region (through
    ``approvals.claims``, so the claim is on the case's chain)."""

    class Meta:
        model = Claim

    case = factory.SubFactory(ToyCaseFactory)

    @classmethod
    def _create(cls, model_class, *, case):
        cadre = RoleAssignmentFactory(role="village_committee", region=case.region).user
        perform(case, "submit", cadre)
        reviewer = RoleAssignmentFactory(role="township_reviewer", region=case.region).user
        return claims.claim(case, reviewer)


class StandinFactory(factory.django.DjangoModelFactory):
    """Someone standing in for another person this week."""

    class Meta:
        model = Standin

    person = factory.SubFactory(UserFactory)
    standin = factory.SubFactory(UserFactory)
    starts = factory.LazyFunction(timezone.localdate)
    ends = factory.LazyAttribute(lambda s: s.starts + datetime.timedelta(days=6))


class QueueFilterFactory(factory.django.DjangoModelFactory):
    """A reviewer's saved filter: the toy procedure's cases waiting in review."""

    class Meta:
        model = QueueFilter

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"常用{n}")
    query = "workflow=toy&state=review"


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A register file checked and waiting for its importer to confirm it."""

    class Meta:
        model = ImportJob

    kind = ImportJob.Kind.HOUSEHOLDS
    status = ImportJob.Status.CHECKED
    created_by = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory, level=Level.COUNTY)
    file = factory.LazyFunction(lambda: ContentFile(b"\xef\xbb\xbf", name="register.csv"))
    file_name = "register.csv"
    sha256 = "0" * 64


class FormSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormSubmission

    token = factory.Faker("uuid4", cast_to=None)
    user = factory.SubFactory(UserFactory)
    path = "/admin/queue/"
