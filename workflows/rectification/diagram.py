"""A round's flow as viewflow draws it (its own layout of the flow's nodes), with the nodes
labelled in the reader's language and coloured by the round's tasks: done, waiting, assigned.

The picture is an inline SVG with no script and no outside reference, so the site's content
security policy needs nothing more; every label is escaped by the template that renders it.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import chart

from .flows import RectificationFlow

NODE_LABELS = {
    "start": _("登记问题"),
    "fan_out": _("分解到责任单位"),
    "plan": _("制定整改方案"),
    "report": _("报送整改情况"),
    "join": _("全部报送"),
    "verify": _("牵头单位核查"),
    "verified": _("核查结果"),
    "close": _("整改办销号"),
    "closed": _("销号结果"),
    "send_back": _("退回整改"),
    "end": _("已销号"),
}


def _label(cell) -> None:
    label = NODE_LABELS.get(cell.node.name)
    if label is None:
        return
    if cell.shape.text:
        _text, css, size, x, y = cell.shape.text[0]
        cell.shape.text = [(str(label), css, size, x, y)]
    cell.title = str(label)


def flow_svg(rectification) -> str:
    """The SVG of the flow, with ``rectification``'s tasks marked (none marked if None)."""
    grid = chart.calc_layout_data(RectificationFlow)
    for cell in grid.cells:
        _label(cell)
    if rectification is not None:
        chart.calc_cell_status(RectificationFlow, grid, rectification.pk)
    return render_to_string(
        "rectification/flow.svg",
        {"grid": grid, "cells": grid.cells, "edges": grid.edges, "title": _("整改流程图")},
    )
