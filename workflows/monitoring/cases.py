"""Opening the monitoring procedures' cases: a clue registered (线索登记) for a household, or its
risk proposed for elimination (拟消除), or why not."""

from django.db import transaction

from approvals import create_case
from approvals.exceptions import TransitionNotAllowed
from workflows.household.models import Household

from .models import EliminationCase, MonitoringCase, elimination_refusals, opening_refusals


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


def propose_elimination(household, user, year: int):
    """Propose marking the risk of a monitored household eliminated, on its data of ``year``.
    The household's row is locked meanwhile, so of two proposals made at once one is refused."""
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).first()
        refusals = elimination_refusals(household)
        if refusals:
            raise TransitionNotAllowed(refusals)
        return create_case(
            EliminationCase, user, region=household.region, household=household, year=year
        )
