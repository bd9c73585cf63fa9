"""The toy procedure as the site runs it: no admin options, board line or ledger of its own, so
it has the site's generic case page and the defaults of everything else."""

from approvals import create_case
from approvals.procedures import Procedure

from .models import ToyCase


def open_toy(region, user, title="村道硬化"):
    return create_case(ToyCase, user, region=region, title=title, amount=100)


TOY_PROCEDURE = Procedure(model=ToyCase, factory=open_toy)
