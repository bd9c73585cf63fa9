"""The rules a project must meet at each step, each refusal in words a village cadre understands."""

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import Reason

REQUIRED_FIELDS = [
    "name",
    "category",
    "construction_nature",
    "location",
    "planned_start",
    "planned_end",
    "responsible_unit",
    "tasks_and_scale",
    "benefit_mechanism",
]


def record_complete(project, ctx):
    """The record is complete: required fields, funds adding up, at least one performance target."""
    for field in REQUIRED_FIELDS:
        value = getattr(project, field)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            label = type(project)._meta.get_field(field).verbose_name
            yield Reason("field_missing", _("请填写%(field)s"), field=label)
    if project.total_funds <= 0:
        yield Reason("total_funds_missing", _("请填写总投资"))
    elif mismatch := project.funds_mismatch():
        yield mismatch
    if project.beneficiary_households <= 0 or project.beneficiary_people <= 0:
        yield Reason("beneficiaries_missing", _("请填写受益户数和受益人数"))
    if (
        project.planned_start
        and project.planned_end
        and project.planned_end < project.planned_start
    ):
        yield Reason("ends_before_start", _("计划完工时间不能早于计划开工时间"))
    if not project.performance_targets.exists():
        yield Reason("no_performance_target", _("至少填写一项绩效目标，否则项目不能入库"))
