"""A procedure's spec is checked when the site starts (``manage.py check``): unknown roles, a
string where a tuple belongs, unreachable states, a notice that closes nowhere, missing labels."""

import types

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from approvals import checks as spec_checks
from approvals.spec import Fixed, Input, Notice, State, Transition, Workflow


def workflow(states=None, transitions=None, label="测试流程"):
    states = states or [State("draft", "草稿"), State("done", "完成")]
    transitions = transitions or [
        Transition("finish", "完成", ("draft",), "done", ("village_committee",))
    ]
    return Workflow("bad", label, states, transitions)


def ids(spec) -> list[str]:
    return [error.id for error in spec_checks.workflow_errors(spec)]


def test_a_sound_spec_has_no_errors_nor_have_the_registered_procedures():
    assert ids(workflow()) == []
    assert spec_checks.check_workflows() == []


def test_a_string_where_a_tuple_belongs_is_refused_when_built():
    with pytest.raises(ImproperlyConfigured, match="roles must be a tuple"):
        Transition("approve", "审批", ("review",), "done", roles="county_office")
    with pytest.raises(ImproperlyConfigured, match="source must be a tuple"):
        Transition("approve", "审批", "review", "done", ("county_office",))
    with pytest.raises(ImproperlyConfigured, match="resolver_roles must be a tuple"):
        Notice(close_to="done", resolver_roles="township_reviewer", upheld_to="draft")
    with pytest.raises(ImproperlyConfigured, match="fields must be a tuple"):
        Fixed(fields="total_funds")


def test_a_string_slipped_in_afterwards_is_caught_by_the_check():
    spec = workflow()
    object.__setattr__(spec.transitions[0], "roles", "county_office")
    assert ids(spec) == ["approvals.E002"]


def test_an_unknown_role_is_caught():
    spec = workflow(
        transitions=[Transition("finish", "完成", ("draft",), "done", ("county_ofice",))]
    )
    errors = spec_checks.workflow_errors(spec)
    assert [e.id for e in errors] == ["approvals.E001"]
    assert "county_ofice" in errors[0].msg


def test_a_notices_resolver_must_be_a_known_role_too():
    states = [
        State("draft", "草稿"),
        State("notice", "公示", notice=Notice("done", ("villager",), "draft")),
        State("done", "完成"),
    ]
    spec = workflow(
        states,
        [Transition("submit", "提交", ("draft",), "notice", ("village_committee",))],
    )
    assert ids(spec) == ["approvals.E001", "approvals.E001"]  # uphold and dismiss


def test_an_unreachable_state_is_caught():
    states = [State("draft", "草稿"), State("done", "完成"), State("limbo", "悬置")]
    errors = spec_checks.workflow_errors(workflow(states))
    assert [e.id for e in errors] == ["approvals.E003"]
    assert "limbo" in errors[0].msg


def test_a_notice_that_closes_to_no_other_state_is_caught():
    states = [
        State("draft", "草稿"),
        State("notice", "公示", notice=Notice("notice", ("township_reviewer",), "draft")),
        State("done", "完成"),
    ]
    transitions = [
        Transition("submit", "提交", ("draft",), "notice", ("village_committee",)),
        Transition("skip", "直接完成", ("notice",), "done", ("township_reviewer",)),
    ]
    assert ids(workflow(states, transitions)) == ["approvals.E004"]


def test_missing_labels_are_caught():
    states = [State("draft", ""), State("done", "完成")]
    transitions = [
        Transition(
            "finish",
            " ",
            ("draft",),
            "done",
            ("village_committee",),
            inputs=(Input("note", ""),),
        )
    ]
    errors = spec_checks.workflow_errors(workflow(states, transitions, label=""))
    assert [e.id for e in errors] == ["approvals.E005"] * 4
    assert {e.msg.split(": ", 1)[1] for e in errors} == {
        "the procedure has no label",
        "state draft has no label",
        "transition finish has no label",
        "input finish.note has no label",
    }


def test_manage_py_check_runs_them_over_every_registered_procedure(monkeypatch):
    bad = workflow(transitions=[Transition("finish", "完成", ("draft",), "done", ("nobody",))])
    monkeypatch.setattr(
        spec_checks, "workflow_models", lambda: {"bad": types.SimpleNamespace(workflow=bad)}
    )
    assert "approvals.E001" in [e.id for e in checks.run_checks()]
    with pytest.raises(SystemCheckError, match=r"approvals\.E001"):
        call_command("check")
