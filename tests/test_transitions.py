"""One description, one executor: the spec's django-fsm-2 methods are the only place a state
moves, with the target the engine resolved; should django-fsm-2 ever refuse what the engine
allowed, the refusal is the engine's, with its reason, and is in the security log."""

import datetime

import pytest
import time_machine
from django.test.utils import isolate_apps
from django.utils import timezone

from approvals import perform, transitions
from approvals.exceptions import TransitionNotAllowed
from approvals.models import AuditEntry, SecurityEvent, WorkflowCase
from approvals.procedures import model_for
from approvals.spec import CLOSE_NOTICE, State, Transition, Workflow
from approvals.system import system_user
from tests.factories import ToyCaseFactory
from tests.helpers import to_notice
from tests.toy.models import TOY, ToyCase


def fsm_transitions(model):
    """(source, targets, name) of every django-fsm-2 transition of ``model``, by its own API."""
    return {
        (t.source, tuple(getattr(t.target, "allowed_states", None) or (t.target,)), t.name)
        for t in model().get_all_state_transitions()
    }


def test_django_fsm_lists_every_transition_of_the_spec():
    spec = {
        (source, t.possible_targets() or (None,), t.name)
        for t in TOY.transitions
        for source in t.source
    }
    assert fsm_transitions(ToyCase) == spec
    available = {t.name for t in ToyCase().get_available_state_transitions()}
    assert available == {"submit", "withdraw"}  # from the first state, draft


def test_the_state_field_stays_protected():
    with pytest.raises(AttributeError):
        ToyCase().state = "done"


@isolate_apps("tests.toy")
def test_a_case_model_gets_its_methods_when_created_and_runs_only_once_registered():
    probe = Workflow(
        "probe",
        "探针",
        states=[State("a", "甲"), State("b", "乙")],
        transitions=[Transition("go", "前进", ("a",), "b", ("village_committee",))],
    )

    class ProbeCase(WorkflowCase):
        workflow = probe
        state = probe.state_field()

        class Meta:
            app_label = "toy"

    assert fsm_transitions(ProbeCase) == {("a", ("b",), "go")}
    with pytest.raises(LookupError):
        model_for("probe")  # a model is a procedure only once its app registers it


def _refused(case, action):
    return SecurityEvent.objects.filter(object_id=case.pk, action=action)


def test_a_refusal_by_django_fsm_is_the_engines_and_is_logged(county, people, monkeypatch):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    # Force a disagreement: the machine no longer lets submit leave draft; the spec still does.
    monkeypatch.delitem(ToyCase.submit._django_fsm.transitions, "draft")
    with pytest.raises(TransitionNotAllowed) as refused:
        perform(case, "submit", people.cadre)
    assert refused.value.reasons == ["当前状态“草稿”不能执行“提交”"]
    event = _refused(case, "submit").get()
    assert event.kind == SecurityEvent.Kind.NOT_ALLOWED
    assert event.reasons == refused.value.reasons
    case.refresh_from_db()
    assert case.state == "draft"
    assert AuditEntry.objects.filter(object_id=case.pk, action="submit").count() == 0


def test_a_target_the_spec_does_not_allow_is_refused_and_logged(county, people, monkeypatch):
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    # Force a disagreement: the engine hands the policy branch a target it cannot reach.
    monkeypatch.setattr(transitions, "target_of", lambda transition, case: "done")
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=6)),
        pytest.raises(TransitionNotAllowed) as refused,
    ):
        perform(case, CLOSE_NOTICE, system_user())
    assert refused.value.reasons == ["当前状态“公示”不能执行“公示期满”"]
    assert _refused(case, CLOSE_NOTICE).get().kind == SecurityEvent.Kind.NOT_ALLOWED
    case.refresh_from_db()
    assert case.state == "notice"


def test_the_policy_branch_takes_the_target_the_engine_resolved(county, people, monkeypatch):
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    monkeypatch.setattr(transitions, "target_of", lambda transition, case: "appraisal")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        entry = perform(case, CLOSE_NOTICE, system_user())
    assert (entry.to_state, case.state) == ("appraisal", "appraisal")  # the policy says approval


def test_the_callers_copy_saves_after_a_step(county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    perform(case, "submit", people.cadre)
    case.save(update_fields=["amount"])  # no stale state held against it
    case.refresh_from_db()
    assert case.state == "review"
