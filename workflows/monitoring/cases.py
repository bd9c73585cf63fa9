"""Registering a clue (线索登记): a monitoring case opened for a household, or why not."""

from approvals import create_case
from approvals.exceptions import TransitionNotAllowed

from .models import MonitoringCase, opening_refusals


def register_clue(household, user, year: int, *, clue_source, monitoring_type, risk_causes):
    """Open an inclusion case on a clue, assessed on the household's data of ``year``."""
    refusals = opening_refusals(household)
    if refusals:
        raise TransitionNotAllowed(refusals)
    return create_case(
        MonitoringCase,
        user,
        region=household.region,
        household=household,
        year=year,
        clue_source=clue_source,
        monitoring_type=monitoring_type,
        risk_causes=list(risk_causes),
    )
