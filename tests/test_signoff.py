import pytest

from approvals import available_actions, edits, perform
from approvals.exceptions import TransitionNotAllowed
from tests.factories import RoleAssignmentFactory, ToyCaseFactory
from tests.helpers import after_notice, to_notice
from tests.toy.models import ToyCase


@pytest.fixture
def verifying(county, people):
    case = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    after_notice()
    case = ToyCase.objects.select_related("region").get(pk=case.pk)
    perform(case, "final_approve", people.approver)
    assert case.state == "verification"
    return case


def test_both_parties_must_confirm_before_the_case_moves(verifying, people):
    first = perform(verifying, "verify", people.team)
    assert verifying.state == "verification"
    assert (first.from_state, first.to_state, first.actor_role) == (
        "verification",
        "verification",
        "work_team",
    )
    assert first.data["signoff"] == {"role": "work_team", "waiting_for": ["village_committee"]}
    second = perform(verifying, "verify", people.cadre)
    assert verifying.state == "done"
    assert (second.from_state, second.to_state, second.actor_role) == (
        "verification",
        "done",
        "village_committee",
    )


def test_an_edit_in_the_state_is_not_a_confirmation(verifying, people):
    """Other entries of the state (an edit by the village committee) confirm nothing."""
    verifying.title = "核实后更正"
    assert edits.record_edit(verifying, people.cadre, ["title"]).actor_role == "village_committee"
    first = perform(verifying, "verify", people.team)
    assert verifying.state == "verification"
    assert first.data["signoff"] == {"role": "work_team", "waiting_for": ["village_committee"]}


def test_one_person_cannot_confirm_for_both_parties(verifying, people, county):
    RoleAssignmentFactory(user=people.cadre, role="work_team", region=county.v11)
    perform(verifying, "verify", people.cadre)
    with pytest.raises(TransitionNotAllowed) as err:
        perform(verifying, "verify", people.cadre)
    assert err.value.reasons == ["您已确认过，还需由驻村工作队确认"]
    assert err.value.codes == ["signed_already"]
    assert ToyCase.objects.get(pk=verifying.pk).state == "verification"
    verify = next(a for a in available_actions(verifying, people.cadre) if a.name == "verify")
    assert not verify.allowed


def test_a_second_person_of_the_same_party_does_not_complete_it(verifying, people, county):
    colleague = RoleAssignmentFactory(role="work_team", region=county.v11).user
    perform(verifying, "verify", people.team)
    with pytest.raises(TransitionNotAllowed) as err:
        perform(verifying, "verify", colleague)
    assert err.value.reasons == ["您所持角色已由他人确认"]
    assert err.value.codes == ["signed_by_others"]


def test_confirmations_do_not_survive_a_return(verifying, people):
    perform(verifying, "verify", people.team)
    perform(verifying, "return_to_approval", people.approver, comment="核实材料不全")
    perform(verifying, "final_approve", people.approver)
    assert verifying.state == "verification"
    again = perform(verifying, "verify", people.cadre)
    assert verifying.state == "verification"  # the work team's earlier word no longer counts
    assert again.data["signoff"] == {"role": "village_committee", "waiting_for": ["work_team"]}
    verify = next(a for a in available_actions(verifying, people.team) if a.name == "verify")
    assert verify.allowed
    perform(verifying, "verify", people.team)
    assert verifying.state == "done"


def test_effects_save_fields_with_the_step_and_reach_the_callers_copy(verifying):
    assert verifying.approved_at is not None
    assert ToyCase.objects.get(pk=verifying.pk).approved_at == verifying.approved_at
