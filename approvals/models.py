"""The engine's tables: the case base class, policies, the audit trail, notices and objections,
and the security log of refused attempts."""

import dataclasses
import functools
import operator
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Exists, OuterRef, ProtectedError, Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from roles.catalogue import READ_ONLY_ROLES
from roles.jurisdiction import jurisdiction_of, region_filter
from roles.models import Region
from roles.standins import standing_in_for

from . import binding, calendar, clock, transitions
from .exceptions import Reason
from .spec import SYSTEM_ROLE, Workflow


@dataclasses.dataclass(frozen=True)
class EditRule:
    """Who may edit a record now: someone holding one of ``roles`` over the record's region.

    ``refusal`` is what anyone else is told (no roles at all: nobody may edit it now).
    """

    roles: tuple[str, ...]
    refusal: Reason | str


class ChainedRecord(models.Model):
    """A record with an audit chain of its own: cases, and the data decisions rest on.

    The head of the chain (entry count, last hash and a seal over both) lives on the row, outside
    the entry table, so a cut-off tail shows. A subclass has a ``region`` (the entries' region;
    None for a record that belongs to no region, which ``under_region`` then places) and may
    name its chain with ``chain_name()`` (the entries' ``workflow``); ``verify_audit`` checks
    every concrete subclass.

    Edits go through ``approvals.edits``, which asks the record two questions: ``edit_rule()``
    (who may edit it now) and ``fixed_figures()`` (approved figures nobody edits in place).
    """

    # Fields an edit never writes: they place the record, and the chain is the engine's.
    engine_fields = ("region",)

    audit_count = models.PositiveIntegerField(default=0, editable=False)
    audit_head = models.CharField(max_length=64, blank=True, editable=False)
    audit_seal = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def chain_name(cls) -> str:
        """What this record's entries carry as their ``workflow``."""
        return cls._meta.label_lower

    @classmethod
    def chain_verbose_name(cls):
        """What people call this record's trail: the kind of record it is."""
        return cls._meta.verbose_name

    @classmethod
    def chain_bindings(cls) -> list[binding.Binding]:
        """The fields of the row that its chain also says, which verification compares."""
        return [binding.REGION]

    @classmethod
    def under_region(cls, prefix: str) -> Q:
        """The records a verification under a region code prefix covers ('' covers all)."""
        return Q(region__code__startswith=prefix)

    def edit_rule(self) -> EditRule:
        raise NotImplementedError(f"{type(self).__name__} must say who may edit it")

    def fixed_figures(self):
        """The ``approvals.spec.Fixed`` figures of this record now, or None."""
        return None


class PolicyInUse(ValidationError):
    """A policy version that cases are pinned to cannot change: make a new version instead."""


class PolicyLevel(models.TextChoices):
    """Where a policy value comes from, so that a local default is never read as national."""

    NATIONAL = "national", _("国家规定")
    PROVINCIAL = "provincial", _("省级规定")
    COUNTY_DEFAULT = "county_default", _("县级默认值（可由县调整）")


class Policy(ChainedRecord):
    """Policy data a case runs under: notice lengths, thresholds, optional steps.

    The most specific region prefix wins ('' is national, '34' a province, '341122' a county), then
    the newest ``effective_from``. A case keeps the policy it started under, so a version in use
    is immutable (``save`` refuses to change it): a change is a new version, naming the document
    it comes from, who made it and when (``approvals.policy_versions``).

    Each version keeps an audit chain of its own, with every value it was made with and each
    correction, old and new. A version belongs to no one region (a national one has no region at
    all), so its entries carry none, and its chain is verified with the whole trail.
    """

    # What a version in use may never change: the rules a case ran under, and its name, which the
    # trail of every case pinned to it records. Where each value comes from is a label a
    # correction may fix, old and new kept in its chain.
    RULES = ("workflow", "version", "region_prefix", "effective_from", "values")
    # What its chain binds: the rules and the documents they come from.
    BOUND = (*RULES, "source", "value_sources")

    region = None  # the entries' region: none
    engine_fields = ()

    workflow = models.CharField(_("流程"), max_length=64)
    version = models.CharField(_("版本"), max_length=32)
    region_prefix = models.CharField(_("适用区划代码前缀"), max_length=12, blank=True)
    effective_from = models.DateField(_("生效日期"))
    values = models.JSONField(_("参数"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    source = models.TextField(_("依据文件"), blank=True, help_text=_("文件名称和文号"))
    value_sources = models.JSONField(
        _("各参数的来源"),
        default=dict,
        blank=True,
        help_text=_(
            '每个参数一项：{"参数名": {"level": "national|provincial|county_default", '
            '"source": "文件名称和文号"}}'
        ),
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("取代的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        constraints = [
            models.UniqueConstraint(fields=["workflow", "version"], name="policy_version_unique")
        ]

    def __str__(self):
        return self.version

    def save(self, *args, **kwargs):
        if self.pk is not None and self.in_use():
            stored = type(self)._base_manager.filter(pk=self.pk).values(*self.RULES).first()
            if stored and any(stored[name] != getattr(self, name) for name in self.RULES):
                raise PolicyInUse(
                    _("政策版本“%(version)s”已有案件按其办理，不能修改；请另存为新版本")
                    % {"version": stored["version"]}
                )
        super().save(*args, **kwargs)

    def clean(self):
        """A holiday schedule's values must be dates the calendar can read."""
        super().clean()
        if self.workflow == calendar.WORKFLOW:
            errors = calendar.schedule_errors(self.values)
            if errors:
                raise ValidationError({"values": [str(error) for error in errors]})

    def in_use(self) -> bool:
        """Whether any case is pinned to this version."""
        if self.pk is None:
            return False
        return any(
            model._base_manager.filter(policy=self).exists()
            for model in apps.get_models()
            if issubclass(model, WorkflowCase)
        )

    @classmethod
    def chain_bindings(cls) -> list[binding.Binding]:
        return [binding.recorded(cls._meta.get_field(name)) for name in cls.BOUND]

    @classmethod
    def under_region(cls, prefix: str) -> Q:
        return Q() if not prefix else Q(pk__in=[])

    def value(self, key: str, default=None):
        return self.values.get(key, default)

    def provenance(self) -> list[dict]:
        """Each value with its level and source as an auditor reads them; a value no source is
        given for says so."""
        rows = []
        for key, value in self.values.items():
            given = self.value_sources.get(key, {}) if isinstance(self.value_sources, dict) else {}
            level = given.get("level", "")
            rows.append(
                {
                    "key": key,
                    "value": value,
                    "level": PolicyLevel(level).label if level in PolicyLevel.values else "",
                    "source": given.get("source", ""),
                }
            )
        return rows

    @classmethod
    def current(cls, workflow: str, region_code: str, day=None):
        day = day or timezone.localdate()
        prefixes = [region_code[:n] for n in (0, 2, 4, 6, 9, 12)]
        return (
            cls.objects.filter(
                workflow=workflow, region_prefix__in=prefixes, effective_from__lte=day
            )
            .order_by(Length("region_prefix").desc(), "-effective_from")
            .first()
        )


class CaseQuerySet(models.QuerySet):
    """The cases of one procedure (``WorkflowCase.objects``)."""

    def awaiting(self, user, jurisdiction=None):
        """The cases waiting for an action ``user`` may take, in their jurisdiction.

        ``jurisdiction`` (``roles.jurisdiction.jurisdiction_of(user)``) saves the query when the
        caller has it already. One clause per role, each a state list within the role's regions,
        so that PostgreSQL answers it from the (region, state) index region by region; a notice
        state waits for its resolving level only while an objection is open.
        """
        jurisdiction = jurisdiction_of(user) if jurisdiction is None else jurisdiction
        clauses, everything = [], set()
        for role, prefixes in jurisdiction.items():
            if role in READ_ONLY_ROLES or role == SYSTEM_ROLE:
                continue
            steps, objections = self.model.workflow.states_awaiting(role)
            if not steps and not objections:
                continue
            clause = Q(state__in=sorted(steps | objections)) & region_filter(prefixes)
            if objections:
                clause &= Q(state__in=sorted(steps)) | _has_open_objection(self.model)
            clauses.append(clause)
            everything |= steps | objections
        if not clauses:
            return self.none()
        if len(clauses) == 1:
            return self.filter(clauses[0])
        return self.filter(functools.reduce(operator.or_, clauses), state__in=sorted(everything))

    def queue(self, user, jurisdiction=None, standing_in=None):
        """我的待办: the cases awaiting ``user`` and, only while a stand-in is in force, those
        awaiting each absent person ``user`` stands in for (``standing_in``:
        ``roles.standins.standing_in_for(user)``, read here when not given)."""
        queue = self.awaiting(user, jurisdiction)
        absent = standing_in_for(user) if standing_in is None else standing_in
        for person, theirs in absent:
            queue |= self.awaiting(person, theirs)
        return queue


def _has_open_objection(model) -> Exists:
    """A condition on cases of ``model``: their running notice has an objection open."""
    return Exists(
        NoticePeriod.objects.for_model(model)
        .running()
        .filter(object_id=OuterRef("pk"), objections__status=Objection.Status.OPEN)
    )


class AuditTrail(GenericRelation):
    """A record's audit entries, as a relation (``case.audit_entries``).

    Django deletes the rows of a generic relation with its object; an audit trail is never
    deleted, so deleting a record that has entries is refused as a PROTECT foreign key would
    refuse it (``ProtectedError``, which the admin shows as protected rows).
    """

    def bulk_related_objects(self, objs, using=DEFAULT_DB_ALIAS):
        entries = super().bulk_related_objects(objs, using)
        if entries.exists():
            raise ProtectedError("An audit trail is never deleted", entries)
        return entries


class WorkflowCase(FSMModelMixin, ChainedRecord):
    """Base of every record that moves through a procedure.

    A subclass sets ``workflow = <Workflow>`` and ``state = workflow.state_field()``, and gets
    the workflow's transition methods as it is created (``approvals.transitions``). The state
    changes only through ``approvals.perform``, whose UPDATE is conditioned on the state it read.
    Its manager (``objects``) is a ``CaseQuerySet``, which the queues are built on; a subclass
    that declares its own builds it from that.
    """

    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    state_since = models.DateTimeField(_("进入当前状态时间"), default=clock.now, db_index=True)
    policy = models.ForeignKey(
        Policy, verbose_name=_("政策版本"), null=True, blank=True, on_delete=models.PROTECT
    )
    audit_entries = AuditTrail("approvals.AuditEntry")

    engine_fields = ("region", "state", "state_since", "policy")

    objects = CaseQuerySet.as_manager()

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        workflow = cls.__dict__.get("workflow")
        if isinstance(workflow, Workflow):
            transitions.install(cls, workflow)

    def save(self, *args, **kwargs):
        if self._state.adding and self.policy_id is None:
            self.policy = Policy.current(self.workflow.name, self.region.code)
        super().save(*args, **kwargs)

    @classmethod
    def chain_name(cls) -> str:
        return cls.workflow.name

    @classmethod
    def chain_verbose_name(cls):
        return cls.workflow.label

    @classmethod
    def chain_bindings(cls) -> list[binding.Binding]:
        return [binding.REGION, binding.STATE, binding.STATE_SINCE, binding.POLICY]

    @property
    def state_label(self):
        return self.workflow.state_label(self.state)

    def edit_rule(self) -> EditRule:
        """A case's record is corrected while it waits for you: by a role with a step of its own
        in the current state, not behind the back of the level reviewing it."""
        return EditRule(
            self.workflow.editors(self.state),
            Reason(
                "not_your_step",
                _("当前环节“%(state)s”不由您办理，不能修改记录"),
                state=self.state_label,
            ),
        )

    def fixed_figures(self):
        return self.workflow.states[self.state].fixed

    @property
    def due_date(self):
        """The date by which the current step should be done, in working days; None if untimed."""
        days = self.workflow.states[self.state].due_working_days
        if days is None:
            return None
        return calendar.add_working_days(timezone.localdate(self.state_since), days)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only")

    def delete(self):
        raise TypeError("The audit trail is append-only")


class AppendOnly(models.Model):
    """A row of the audit record: written once, never changed or removed."""

    # The site's runtime database role may only insert and read (manage.py grant_runtime_role).
    append_only = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only")


def content_type_of(model_or_obj) -> ContentType:
    """The content type that rows about a record point at (its concrete model's), from Django's
    cache: the one place a content type is looked up for a record."""
    return ContentType.objects.get_for_model(model_or_obj)


class AboutObjectQuerySet(models.QuerySet):
    """Rows about an object through (``content_type``, ``object_id``), reached from the row by
    ``object_path`` (empty: the row's own pair)."""

    object_path = ""

    def for_model(self, model):
        """The rows about any object of ``model``."""
        return self.filter(**{f"{self.object_path}content_type": content_type_of(model)})

    def for_object(self, obj):
        """The rows about ``obj``."""
        return self.filter(
            **{
                f"{self.object_path}content_type": content_type_of(obj),
                f"{self.object_path}object_id": obj.pk,
            }
        )


class AuditEntryQuerySet(AboutObjectQuerySet, AppendOnlyQuerySet):
    def for_object(self, obj):
        """The entries of ``obj``'s chain, in order."""
        return super().for_object(obj).order_by("seq")

    def with_region_code(self):
        """Each entry with its region's code, which its hash covers, without a query per entry."""
        return self.annotate(region_code=models.F("region__code"))


class AuditEntry(AppendOnly):
    """One step in an object's history, chained to the previous one by an HMAC.

    ``hash`` = HMAC-SHA256(key, prev_hash ‖ canonical form of the other fields): editing,
    deleting or reordering an entry breaks the chain, and ``verify_audit`` says where.
    ``key_id`` names the key (``approvals.keys``) that signed it, so keys can be rotated.
    """

    # Entries are found by (content_type, object_id, seq), the chain's unique key; no other index
    # on these, and none on the hash, so an append updates as few indexes as it can.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey()
    seq = models.PositiveIntegerField(_("序号"))
    workflow = models.CharField(_("流程"), max_length=64)
    action = models.CharField(_("操作"), max_length=64)
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("角色"), max_length=32)
    # Found by region through the (region, workflow) index below, which also answers the
    # inspector's counts from the index alone; no index of its own.
    # None for a record in no region (a policy version); its hash covers the code as "".
    region = models.ForeignKey(
        Region,
        verbose_name=_("区划"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("时间"))
    # The absent person a stand-in (roles.Standin) acted for, under whose roles the step was
    # allowed; in the canonical form only when set, so entries written before it verify as before.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被代办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # Not in the canonical form: it picks the key the hash is checked with, so a changed id can
    # only make the entry fail to verify or be reported as signed with a key not configured.
    key_id = models.CharField(_("密钥标识"), max_length=16)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["content_type_id", "object_id", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "seq"], name="audit_entry_chain_position"
            )
        ]
        indexes = [
            models.Index(fields=["workflow", "created_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["region", "workflow"]),
        ]

    def __str__(self):
        return f"{self.workflow}#{self.object_id}/{self.seq} {self.action}"


class Checkpoint(AppendOnly):
    """A signed statement of every chain at one moment: how many chains and entries, and a digest
    over each chain's (record, entry count, head). Its file, kept outside the system, shows later
    whether a whole chain went missing or lost entries (``approvals.checkpoints``)."""

    created_at = models.DateTimeField(_("时间"), db_index=True)
    key_id = models.CharField(_("密钥标识"), max_length=16)
    chains = models.PositiveIntegerField(_("链条数"))
    entries = models.PositiveBigIntegerField(_("记录数"))
    digest = models.CharField(_("摘要"), max_length=64)
    signature = models.CharField(_("签名"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.chains}/{self.entries}"


class SecurityEvent(models.Model):
    """A refused attempt: who tried what on which object, and why it was refused."""

    class Kind(models.TextChoices):
        PERMISSION = "permission", _("无权限")
        NOT_ALLOWED = "not_allowed", _("条件不满足")
        CONFLICT = "conflict", _("并发冲突")

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    workflow = models.CharField(_("流程"), max_length=64)
    action = models.CharField(_("操作"), max_length=64)
    content_type = models.ForeignKey(ContentType, null=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True)
    record = GenericForeignKey()
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The reasons as the refused person read them, in their language.
    reasons = models.JSONField(_("原因"), default=list)
    # The same reasons as codes with parameters (``Reason.as_record``), to be read in any
    # language; empty on events logged before reasons had codes.
    reason_records = models.JSONField(_("原因代码"), default=list, blank=True)

    objects = AboutObjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("拒绝记录")
        verbose_name_plural = _("拒绝记录")
        ordering = ["-created_at"]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.action}: {self.get_kind_display()}"
        )

    @property
    def reason_codes(self) -> list[str]:
        return [record.get("code", "") for record in self.reason_records]

    def reasons_as_read(self) -> list[str]:
        """The reasons in the reader's (active) language; an event logged before reasons had
        codes keeps the words it was logged with."""
        if not self.reason_records:
            return [str(r) for r in self.reasons]
        return [str(Reason.from_record(record)) for record in self.reason_records]


class ClaimQuerySet(AboutObjectQuerySet):
    def in_force_on(self, case):
        """The claim that holds ``case`` now: made in its state since it entered it."""
        return self.for_object(case).filter(state=case.state, at__gte=case.state_since)


class Claim(models.Model):
    """Who handles a case at its current level (认领/指派): one holder per case, while the case
    stays in the state it was claimed in. Once the case moves, the claim holds nothing (even if
    the case comes back to that state later): it is free until someone claims it again."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    case = GenericForeignKey()
    state = models.CharField(_("认领时状态"), max_length=64)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认领或指派人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("认领时间"), default=clock.now)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("认领")
        verbose_name_plural = _("认领")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_claim_a_case")
        ]

    def __str__(self):
        return f"{self.content_type_id}#{self.object_id} → {self.holder_id}"


class NoticePeriodQuerySet(AboutObjectQuerySet):
    def running(self):
        """The notices not closed yet, running or suspended by an objection."""
        return self.filter(closed_at__isnull=True)


class NoticePeriod(models.Model):
    """A running public notice (公示) on a case. Open objections suspend it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    case = GenericForeignKey()
    workflow = models.CharField(_("流程"), max_length=64)
    state = models.CharField(_("公示环节"), max_length=64)
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("截止时间"))
    suspended_at = models.DateTimeField(_("中止时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = NoticePeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        indexes = [
            models.Index(
                fields=["ends_at"], condition=Q(closed_at__isnull=True), name="notice_running"
            ),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.workflow}#{self.object_id} {self.state}"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def remaining(self, now=None):
        """Time left in the period; while suspended, the time that was left when it stopped."""
        now = now or clock.now()
        return self.ends_at - (self.suspended_at or now)

    def days_left(self, now=None) -> int:
        """Days left as a person counts them on a calendar: the days from today to the day the
        period ends, so a 7-day notice reads 7 all its first day, 6 the next, and 0 on the day
        it ends (while suspended, counted to the end the time left would give)."""
        now = now or clock.now()
        end = timezone.localdate(now + self.remaining(now))
        return max(0, (end - timezone.localdate(now)).days)


class ObjectionQuerySet(AboutObjectQuerySet):
    object_path = "notice__"

    def open(self):
        """The objections nobody has resolved yet."""
        return self.filter(status=Objection.Status.OPEN)


# Letters and digits nobody misreads on paper or over the phone (no 0/O, 1/I/L).
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12


def receipt_number() -> str:
    """A new objection's receipt number: 12 random characters (about 59 bits), which nobody can
    guess from another one."""
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _position in range(RECEIPT_LENGTH))


class Objection(models.Model):
    """An objection (异议) filed by anyone during a notice."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    notice = models.ForeignKey(
        NoticePeriod, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    filed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    # What the objector is given to look the objection up by: random, so not guessable.
    receipt = models.CharField(
        _("回执编号"), max_length=12, unique=True, editable=False, default=receipt_number
    )
    name = models.CharField(_("姓名"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    text = models.TextField(_("异议内容"), validators=[MaxLengthValidator(2000)])
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default="open")
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["filed_at"]

    def __str__(self):
        return f"{self.name}: {self.text[:20]}"

    @property
    def masked_contact(self) -> str:
        return mask_contact(self.contact)


def mask_contact(contact: str) -> str:
    """A contact as people other than the resolving staff see it: at least four characters, and
    at least half of them, hidden (13800001234 → 13******234)."""
    hidden = min(len(contact), max(4, (len(contact) + 1) // 2, len(contact) - 7))
    shown = len(contact) - hidden
    tail = min(4, (shown + 1) // 2)
    head = shown - tail
    return contact[:head] + "*" * hidden + (contact[-tail:] if tail else "")
