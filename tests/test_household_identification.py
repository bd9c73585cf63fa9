import datetime
from decimal import Decimal

import pytest

from approvals import perform, queue_for
from approvals.exceptions import PermissionDenied, TransitionNotAllowed
from approvals.models import AuditEntry
from approvals.notices import file_objection, running_notice
from tests.factories import (
    IdentificationCaseFactory,
    PolicyFactory,
    RoleAssignmentFactory,
)
from tests.household_setup import family
from workflows.household.cases import apply_for_identification
from workflows.household.demo import MEETING, advance
from workflows.household.models import Household, IdentificationCase
from workflows.roads import step

WORKFLOW = "household_identification"


@pytest.fixture
def home(county, people):
    return family(county.v11, people.team)


@pytest.fixture
def case(home, people):
    return IdentificationCaseFactory(household=home, opener=people.cadre)


def reload(case):
    return IdentificationCase.objects.select_related("region", "policy", "household").get(
        pk=case.pk
    )


def refused(case, action, user, **kwargs):
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, action, user, **kwargs)
    return err.value.reasons


def test_from_application_to_the_register(case, people):
    perform(case, "record_deliberation", people.cadre, data=MEETING)
    assert (case.state, case.attendees) == ("verification", 18)
    perform(case, "verify", people.cadre)
    assert case.state == "verification"  # one party alone does not advance it
    perform(case, "verify", people.team)
    assert case.state == "first_notice"
    step(case, people, "close_notice", None)
    perform(case, "township_approve", people.reviewer)
    step(case, people, "close_notice", None)
    assert case in queue_for(people.approver, WORKFLOW)
    perform(case, "county_approve", people.approver)
    assert case.household.register_status == "not_registered"
    step(case, people, "close_notice", None)
    assert reload(case).state == "registered"
    household = Household.objects.get(pk=case.household_id)
    assert (household.register_status, household.identification_year) == ("registered", 2019)
    entries = AuditEntry.objects.for_object(case)
    assert [e.actor_role for e in entries.filter(action="verify")] == [
        "village_committee",
        "work_team",
    ]


def test_an_exited_household_identified_again_has_returned_to_poverty(home, people):
    Household.objects.filter(pk=home.pk).update(register_status="exited", exit_year=2018)
    case = apply_for_identification(Household.objects.get(pk=home.pk), people.cadre, 2019)
    advance(case, people, "registered")
    assert Household.objects.get(pk=home.pk).register_status == "returned"


@pytest.mark.parametrize(
    ("state", "action", "who", "lands_in"),
    [
        ("applied", "decline", "cadre", "rejected"),
        ("township_review", "return_for_reverification", "reviewer", "verification"),
        ("township_review", "township_reject", "reviewer", "rejected"),
        ("county_review", "return_for_reverification", "approver", "township_review"),
        ("county_review", "county_reject", "approver", "rejected"),
    ],
)
def test_every_return_and_rejection(case, people, state, action, who, lands_in):
    advance(case, people, state)
    assert refused(case, action, getattr(people, who))[0].endswith("必须填写意见")
    perform(case, action, getattr(people, who), comment="核实有误")
    assert reload(case).state == lands_in


@pytest.mark.parametrize(
    ("fact", "reason"),
    [
        ("public_payroll", "属于不予识别情形：家庭成员中有财政供养人员"),
        ("town_flat", "属于不予识别情形：在城镇购买商品房"),
        ("car", "属于不予识别情形：拥有小汽车或非生产经营性车辆"),
        ("business", "属于不予识别情形：家庭成员中有人注册公司或经营企业"),
    ],
)
def test_each_exclusion_rule_refuses_verification(county, people, fact, reason):
    home = family(county.v11, people.team, **{fact: True})
    case = IdentificationCaseFactory(household=home, opener=people.cadre)
    advance(case, people, "verification")
    assert refused(case, "verify", people.cadre) == [reason]


def gansu_exclusion_rules(**rules):
    """A province's own identification version with its exclusion switches."""
    return PolicyFactory(
        workflow=WORKFLOW,
        version="甘肃-2019",
        region_prefix="62",
        values={"exclusion_rules": rules},
    )


def test_an_exclusion_rule_switched_off_by_policy_does_not_refuse(county, people):
    gansu_exclusion_rules(car=False)
    case = IdentificationCaseFactory(
        household=family(county.v11, people.team, car=True), opener=people.cadre
    )
    advance(case, people, "first_notice")


def test_a_sitting_village_cadre_in_the_household_does_not_refuse_by_default(county, people):
    home = family(county.v11, people.team, village_official=True)
    case = IdentificationCaseFactory(household=home, opener=people.cadre)
    advance(case, people, "first_notice")
    assert reload(case).state == "first_notice"


def test_a_province_that_switches_the_village_cadre_rule_on_refuses(county, people):
    gansu_exclusion_rules(village_official=True)
    home = family(county.v11, people.team, village_official=True)
    case = IdentificationCaseFactory(household=home, opener=people.cadre)
    advance(case, people, "verification")
    assert refused(case, "verify", people.cadre) == ["属于不予识别情形：家庭成员中有现任村干部"]


def test_income_above_the_line_with_every_guarantee_met_is_refused(home, case, people):
    home.incomes.filter(year=2019).update(wage_income=Decimal("13220"))  # 3,305 a head
    home.guarantees.filter(year=2019).update(safe_housing=True)
    advance(case, people, "verification")
    assert refused(case, "verify", people.team) == [
        "2019年人均纯收入 3,305 元，已超过当年标准 3,218 元，"
        "且“两不愁三保障”均有保障，不符合识别标准"
    ]


def test_income_above_the_line_with_a_guarantee_unmet_qualifies(home, case, people):
    home.incomes.filter(year=2019).update(wage_income=Decimal("13220"))
    advance(case, people, "first_notice")


def test_a_missing_assessment_or_line_is_named(county, people):
    home = family(county.v11, people.team)
    home.incomes.filter(year=2019).delete()
    case = IdentificationCaseFactory(household=home, opener=people.cadre)
    advance(case, people, "verification")
    assert refused(case, "verify", people.cadre) == ["缺少2019年收入测算"]
    other = IdentificationCaseFactory(household=family(county.v12, people.team), year=2012)
    cadre = RoleAssignmentFactory(role="village_committee", region=county.v12).user
    perform(other, "record_deliberation", cadre, data=MEETING)
    assert refused(other, "verify", cadre) == [
        "未设置2012年扶贫标准，请先在政策数据中录入",
        "缺少2012年收入测算",
        "缺少2012年两不愁三保障核查",
    ]


def test_a_province_line_overrides_the_national_one(home, case, people):
    from tests.factories import PovertyLineFactory

    PovertyLineFactory(year=2019, region_prefix="62", amount=Decimal("1900"))
    home.guarantees.filter(year=2019).update(safe_housing=True)
    advance(case, people, "verification")
    assert refused(case, "verify", people.team) == [
        "2019年人均纯收入 2,000 元，已超过当年标准 1,900 元，"
        "且“两不愁三保障”均有保障，不符合识别标准"
    ]


def test_the_deliberation_needs_a_quorum_and_a_majority(case, people):
    assert refused(
        case,
        "record_deliberation",
        people.cadre,
        data={**MEETING, "attendees": 13, "votes_for": 10},
    ) == ["实到13人，未达到应到代表21人的三分之二（14人）"]
    assert reload(case).state == "applied"


def test_one_person_cannot_confirm_for_both_parties(case, people, county):
    RoleAssignmentFactory(user=people.cadre, role="work_team", region=county.v11)
    advance(case, people, "verification")
    perform(case, "verify", people.cadre)
    assert refused(case, "verify", people.cadre) == ["您已确认过，还需由驻村工作队确认"]


@pytest.mark.parametrize(
    ("notice_state", "resolver", "upheld_to"),
    [
        ("first_notice", "cadre", "verification"),
        ("second_notice", "reviewer", "township_review"),
        ("announcement", "approver", "county_review"),
    ],
)
def test_objections_go_to_the_level_whose_decision_is_published(
    county, people, notice_state, resolver, upheld_to
):
    upheld = advance(
        IdentificationCaseFactory(household=family(county.v11, people.team), opener=people.cadre),
        people,
        notice_state,
    )
    dismissed = advance(
        IdentificationCaseFactory(household=family(county.v11, people.team), opener=people.cadre),
        people,
        notice_state,
    )
    for case, action in [(upheld, "uphold_objection"), (dismissed, "dismiss_objection")]:
        objection = file_objection(case, name="村民乙", text="该户有小汽车")
        wrong = people.reviewer if resolver != "reviewer" else people.cadre
        with pytest.raises(PermissionDenied):
            perform(case, action, wrong, comment="x", data={"objection": objection.pk})
        perform(
            case,
            action,
            getattr(people, resolver),
            comment="已核实",
            data={"objection": objection.pk},
        )
    assert reload(upheld).state == upheld_to
    assert reload(dismissed).state == notice_state
    assert not running_notice(dismissed).is_suspended


def test_notices_last_seven_days_by_default(case, people):
    advance(case, people, "first_notice")
    notice = running_notice(case)
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=7)


def test_one_open_application_per_household(home, case, people):
    with pytest.raises(TransitionNotAllowed) as err:
        apply_for_identification(home, people.cadre, 2019)
    assert err.value.reasons == ["该户已有进行中的识别申请"]
    advance(case, people, "registered")
    with pytest.raises(TransitionNotAllowed) as err:
        apply_for_identification(Household.objects.get(pk=home.pk), people.cadre, 2020)
    assert err.value.reasons == ["该户已是建档立卡贫困户，无需重复识别"]


def test_a_rejected_household_may_apply_again(home, case, people):
    perform(case, "decline", people.cadre, comment="收入超标")
    assert apply_for_identification(home, people.cadre, 2020).state == "applied"


def test_only_the_village_may_open_an_application(home, people):
    with pytest.raises(PermissionDenied):
        apply_for_identification(home, people.reviewer, 2019)
