"""A household's monitoring status (未纳入/监测中/已消除), kept by the procedures' last steps:
the county's decision to include puts it under monitoring with an assistance plan (一户一策) to
fill in, the decision that its risk is eliminated takes it out. Eliminated households and their
plans stay on record."""

from django.utils import timezone

from workflows.household.choices import MonitoringStatus


def start_monitoring(case, ctx):
    """审定纳入: the household is monitored from today and gets its plan."""
    household = case.household
    household.monitoring_status = MonitoringStatus.MONITORED
    household.monitored_since = timezone.localdate(ctx.now)
    household.save(update_fields=["monitoring_status", "monitored_since"])
    household.assistance_plans.create(monitoring_case=case, drawn_up_on=household.monitored_since)


def eliminate_risk(case, ctx):
    """审定消除: the household's risk is marked eliminated (风险消除)."""
    household = case.household
    household.monitoring_status = MonitoringStatus.ELIMINATED
    household.save(update_fields=["monitoring_status"])
