"""The procedure contract, and the registry of the procedures this site runs.

Each procedure app registers one ``Procedure`` per case model from its ``AppConfig.ready()``;
the site finds procedures only here, so a procedure is installed by listing its app in
INSTALLED_APPS. The queue, case pages, public board, dashboard, ledgers, inspector, diagrams and
demo data all iterate over ``procedures()``. See docs/adding-a-procedure.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _


def place_subject(case) -> list[tuple[str, str]]:
    """What the board publishes of a case by default: only where it runs."""
    return [(_("所在地"), case.region.name)]


def with_region(queryset):
    """The cases the board shows, with the region ``place_subject`` names."""
    return queryset.select_related("region")


@dataclasses.dataclass(frozen=True)
class Board:
    """How a procedure's cases appear on the public notice board (read by anyone).

    ``subject(case)`` is the (label, value) pairs the public may see; ``fetch(queryset)`` adds to
    the cases' queryset what ``subject`` reads, so a page of notices costs one query per procedure.
    ``details(case)`` is what the notice's own page shows of the case (what is proposed, in
    full; the ``subject`` when not given): never an ID number, a phone number or anything about
    a person's health.
    """

    subject: Callable[[Any], list[tuple[str, str]]] = place_subject
    fetch: Callable[[Any], Any] = with_region
    details: Callable[[Any], list[tuple[str, str]]] | None = None

    def detail(self, case) -> list[tuple[str, str]]:
        """The (label, value) pairs of the notice page of ``case``."""
        return (self.details or self.subject)(case)


@dataclasses.dataclass(frozen=True)
class Ledger:
    """A 台账 workbook, downloaded from ``ledgers/<slug>.xlsx`` (URL name ``ledger_<slug>``).

    Either ``columns``: fields of the procedure's model, one column each after county, township
    and village, on a sheet named ``sheet`` (the model's plural name by default; ``widths`` in
    characters, optional); or ``write(request)`` returning the download, for a ledger of another
    shape.
    """

    slug: str
    title: str
    description: str = ""
    columns: tuple[str, ...] = ()
    sheet: str = ""
    widths: tuple[int, ...] = ()
    write: Callable | None = None


@dataclasses.dataclass(frozen=True)
class Panel:
    """A section a procedure adds to the dashboard (统计): ``template`` rendered with ``context``
    (and the request), below the site's own sections."""

    template: str
    context: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class ValueLabel:
    """What a policy value is called on the policy page, and, for a mapping of switches or
    amounts, what each of its items is called (``approvals.policy_display``)."""

    label: str
    items: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, eq=False)
class Procedure:
    """Everything the site needs to run one procedure, whose cases are ``model``.

    ``admin``: the ModelAdmin options of ``model`` (the site adds its jurisdiction rules and case
    page; Django's defaults without them); ``records``: options of the app's other models
    (households, reference data), each registered once however many procedures name it;
    ``region_paths``: how those reach their region when not through a ``region`` field.
    ``seed(demo)`` plants demo data and returns how many records it made; ``factory(region,
    user)`` opens a case in ``region`` as ``user`` (someone who may open one there), for tests.
    ``dashboard(request, area)`` returns the ``Panel`` the
    procedure adds to the dashboard for ``area``, the part of the jurisdiction looked at (its
    ``code``, ``name``, ``level`` and ``prefix``, all empty or 0 for the whole country, and
    ``filter(queryset, field="region")`` keeping the rows under it), or None to add nothing there.
    ``funds``: the field of ``model`` holding the money a case asks for, in 万元 (empty when the
    procedure moves no money), shown in queues and summed on confirmation pages.
    ``policy_values``: what the policy page calls the procedure's policy values, by key (a
    notice's length read from a key is named from the spec without it).
    """

    model: type
    admin: type | None = None
    records: Mapping[type, type] = dataclasses.field(default_factory=dict)
    board: Board = Board()
    ledger: Ledger | None = None
    seed: Callable[[Any], int] | None = None
    factory: Callable[[Any, Any], Any] | None = None
    dashboard: Callable[[Any, Any], Panel | None] | None = None
    region_path: str = "region"
    region_paths: Mapping[type, str] = dataclasses.field(default_factory=dict)
    funds: str = ""
    policy_values: Mapping[str, ValueLabel] = dataclasses.field(default_factory=dict)

    @property
    def workflow(self):
        return self.model.workflow

    @property
    def name(self) -> str:
        return self.model.workflow.name


_registry: dict[str, Procedure] = {}
_listeners: list[Callable[[Procedure], None]] = []


def register(procedure: Procedure) -> None:
    """Run ``procedure`` on this site; call from the procedure app's ``AppConfig.ready()``."""
    existing = _registry.get(procedure.name)
    if existing is not None and existing.model is not procedure.model:
        raise ImproperlyConfigured(
            f"Workflow {procedure.name} is already run by {existing.model._meta.label}"
        )
    if existing is None:
        _registry[procedure.name] = procedure
        for listener in _listeners:
            listener(procedure)


def on_register(listener: Callable[[Procedure], None]) -> None:
    """Call ``listener`` with every procedure registered so far and each one registered later,
    whatever the order of the apps in INSTALLED_APPS."""
    _listeners.append(listener)
    for procedure in list(_registry.values()):
        listener(procedure)


def procedures() -> list[Procedure]:
    """Every registered procedure, in the order of INSTALLED_APPS."""
    return list(_registry.values())


def procedure_for(workflow) -> Procedure:
    """The procedure of ``workflow``: a name, a ``Workflow``, a case model or a case."""
    if not isinstance(workflow, str):
        workflow = getattr(workflow, "workflow", workflow).name
    try:
        return _registry[workflow]
    except KeyError:
        raise LookupError(f"No procedure runs the workflow {workflow!r}") from None


def region_path(model) -> str | None:
    """How a procedure's record reaches its region, if a procedure says; None otherwise."""
    for procedure in _registry.values():
        if model is procedure.model:
            return procedure.region_path
        if model in procedure.region_paths:
            return procedure.region_paths[model]
    return None


def workflow_models() -> dict[str, type]:
    """Every registered procedure by name, with the model that runs it."""
    return {name: procedure.model for name, procedure in _registry.items()}


def model_for(workflow) -> type:
    """The model running ``workflow``: a name, a ``Workflow`` or the model itself."""
    if isinstance(workflow, type):
        return workflow
    return procedure_for(workflow).model
