import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from approvals import perform, perform_bulk, queue_for
from approvals.exceptions import TransitionNotAllowed
from approvals.models import AuditEntry
from approvals.notices import file_objection
from tests.factories import (
    ExitCaseFactory,
    PolicyFactory,
    PovertyLineFactory,
    VillagePopulationFactory,
)
from tests.helpers import race
from tests.household_setup import family
from workflows.household.cases import propose_exit
from workflows.household.choices import AssessmentClass
from workflows.household.demo import CONSENT, SIGNED_FORM, advance
from workflows.household.figures import village_figures
from workflows.household.models import ExitCase, Household, IdentificationCase

WORKFLOW = "household_exit"


def registered(village, helper, **household):
    return family(
        village, helper, register_status="registered", identification_year=2019, **household
    )


@pytest.fixture
def home(county, people):
    return registered(county.v11, people.team)


@pytest.fixture
def case(home, people):
    return ExitCaseFactory(household=home, opener=people.cadre)


def reload(case):
    return ExitCase.objects.select_related("region", "policy", "household").get(pk=case.pk)


def refused(case, action, user, **kwargs):
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, action, user, **kwargs)
    return err.value.reasons


def test_from_the_proposal_to_the_register_closed(case, people):
    assert case.assessment() == ("A", [])
    advance(case, people, "household_consent")
    perform(case, "record_consent", people.cadre, data=CONSENT)
    assert case.consent_form_sha256 == hashlib.sha256(SIGNED_FORM).hexdigest()
    advance(case, people, "exited")
    household = Household.objects.get(pk=case.household_id)
    assert (household.register_status, household.exit_year) == ("exited", 2020)
    consent = AuditEntry.objects.for_object(case).get(action="record_consent")
    assert consent.data["helper_cosigned"] is True


@pytest.mark.parametrize(
    ("state", "action", "who", "lands_in"),
    [
        ("proposed", "withdraw", "cadre", "withdrawn"),
        ("household_consent", "household_disagrees", "cadre", "withdrawn"),
        ("township_review", "return_for_reverification", "reviewer", "verification"),
        ("township_review", "township_reject", "reviewer", "withdrawn"),
        ("county_review", "return_for_reverification", "approver", "township_review"),
        ("county_review", "county_reject", "approver", "withdrawn"),
    ],
)
def test_every_return_and_withdrawal(case, people, state, action, who, lands_in):
    advance(case, people, state)
    perform(case, action, getattr(people, who), comment="户主不认可收入测算")
    assert reload(case).state == lands_in


def test_the_income_standard_names_both_figures(home, case, people):
    home.incomes.filter(year=2020).update(wage_income=Decimal("12420"))  # 3,105 a head
    advance(case, people, "verification")
    assert refused(case, "verify", people.cadre) == [
        "2020年人均纯收入 3,105 元，未超过当年标准 4,000 元"
    ]
    assert case.assessment() == ("C", ["2020年人均纯收入 3,105 元，未超过当年标准 4,000 元"])
    assert AssessmentClass.C.label == "C类：今年确实还无法脱贫"


@pytest.mark.parametrize(
    ("situation", "reason", "pre_exit_class"),
    [
        ({"check": {"food_clothing": False}}, "吃穿“两不愁”未解决", "B"),
        ({"check": {"safe_water": False}}, "饮水安全未保障", "B"),
        ({"check": {"compulsory_education": False}}, "义务教育未保障", "B"),
        ({"check": {"medical_insurance": False}}, "基本医疗未保障", "B"),
        ({"check": {"safe_housing": False}}, "住房安全未保障", "B"),
        ({"check": {"policy_effect_evident": False}}, "享受帮扶政策但当年未见明显成效", "B"),
        # Gaps no work closes within the year: the household cannot exit this year.
        ({"household": {"identification_year": 2020}}, "当年回头看新纳入", "C"),
        (
            {"household": {"low_income_guarantee": True}, "dibao": "3800"},
            "低保兜底且当地低保标准未超过扶贫标准",
            "C",
        ),
    ],
)
def test_each_blocking_situation_keeps_a_household_from_exiting(
    home, case, people, situation, reason, pre_exit_class
):
    home.guarantees.filter(year=2020).update(**situation.get("check", {}))
    Household.objects.filter(pk=home.pk).update(**situation.get("household", {}))
    if "dibao" in situation:
        PovertyLineFactory(
            year=2020,
            region_prefix="62",
            amount=Decimal("4000"),
            dibao_line=Decimal(situation["dibao"]),
        )
    case = reload(case)
    advance(case, people, "verification")
    assert refused(case, "verify", people.cadre) == [reason]
    assert case.assessment() == (pre_exit_class, [reason])
    assert reload(case).state == "verification"


def test_a_dibao_line_above_the_poverty_line_does_not_block(home, case, people):
    Household.objects.filter(pk=home.pk).update(low_income_guarantee=True)
    PovertyLineFactory(
        year=2020, region_prefix="62", amount=Decimal("4000"), dibao_line=Decimal("4500")
    )
    advance(reload(case), people, "household_consent")


def test_a_blocking_situation_switched_off_by_policy_does_not_block(home, people):
    PolicyFactory(
        workflow=WORKFLOW,
        version="试点",
        region_prefix="62",
        values={"exit_blockers": {"no_policy_effect": False}},
    )
    home.guarantees.filter(year=2020).update(policy_effect_evident=False)
    case = ExitCaseFactory(household=home, opener=people.cadre)
    advance(case, people, "household_consent")


def test_every_gap_is_listed_at_once(home, case, people):
    home.incomes.filter(year=2020).update(wage_income=Decimal("4000"))
    home.guarantees.filter(year=2020).update(safe_housing=False, safe_water=False)
    advance(case, people, "verification")
    assert refused(case, "verify", people.team) == [
        "2020年人均纯收入 1,000 元，未超过当年标准 4,000 元",
        "饮水安全未保障",
        "住房安全未保障",
    ]


def test_the_county_checks_the_standard_again(home, case, people):
    advance(case, people, "county_review")
    home.guarantees.filter(year=2020).update(safe_housing=False)
    assert refused(case, "county_approve", people.approver) == ["住房安全未保障"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"helper_cosigned": False}, "签字认可表须由帮扶责任人共同签字"),
        ({"form_sha256": ""}, "请上传签字认可表"),
        ({"signed_on": "昨天"}, "请填写签字日期（格式：2024-03-01）"),
        ({"signed_on": "2999-01-01"}, "签字日期不能晚于今天"),
    ],
)
def test_the_consent_needs_the_signed_form_and_the_helper(case, people, change, reason):
    advance(case, people, "household_consent")
    assert refused(case, "record_consent", people.cadre, data={**CONSENT, **change}) == [reason]


def test_a_household_without_a_helper_cannot_consent(county, people):
    case = ExitCaseFactory(household=registered(county.v11, None), opener=people.cadre)
    advance(case, people, "household_consent")
    assert refused(case, "record_consent", people.cadre, data=CONSENT) == [
        "该户尚未确定帮扶责任人，不能办理签字认可"
    ]


@pytest.mark.parametrize(
    ("notice_state", "resolver", "upheld_to"),
    [("village_notice", "cadre", "verification"), ("announcement", "approver", "county_review")],
)
def test_objections_on_exit_notices(county, people, notice_state, resolver, upheld_to):
    case = advance(
        ExitCaseFactory(household=registered(county.v11, people.team), opener=people.cadre),
        people,
        notice_state,
    )
    objection = file_objection(case, name="村民丙", text="该户仍住危房")
    perform(
        case,
        "uphold_objection",
        getattr(people, resolver),
        comment="属实",
        data={"objection": objection.pk},
    )
    assert reload(case).state == upheld_to


def test_only_registered_households_exit_and_one_case_at_a_time(county, people, home, case):
    with pytest.raises(TransitionNotAllowed) as err:
        propose_exit(home, people.cadre, 2020)
    assert err.value.reasons == ["该户已有进行中的退出申请"]
    stranger = family(county.v11, people.team)
    with pytest.raises(TransitionNotAllowed) as err:
        propose_exit(stranger, people.cadre, 2020)
    assert err.value.reasons == ["只有未脱贫的建档立卡户才能办理退出"]


def test_a_county_approves_500_exits_in_one_batch_and_the_recheck_refuses_some(county, people):
    homes = [registered(county.v11, people.team) for _ in range(500)]
    cases = [
        advance(ExitCaseFactory(household=h, opener=people.cadre), people, "county_review")
        for h in homes
    ]
    failing = cases[::50]
    for case in failing:  # the data changed after the township's review
        case.household.guarantees.filter(year=2020).update(safe_water=False)
    queue = list(queue_for(people.approver, WORKFLOW))
    assert len(queue) == 500
    result = perform_bulk(queue, "county_approve", people.approver, comment="同意退出")
    assert len(result.done) == 490
    assert {case.pk for case, _ in result.refused} == {case.pk for case in failing}
    assert all(reasons == ["饮水安全未保障"] for _, reasons in result.refused)
    assert ExitCase.objects.filter(state="announcement").count() == 490
    assert ExitCase.objects.filter(state="county_review").count() == 10
    assert AuditEntry.objects.filter(workflow=WORKFLOW, action="county_approve").count() == 490


def test_village_figures_count_people_and_incidence(county, people):
    for _ in range(3):
        registered(county.v11, people.team)  # 12 people
    family(county.v11, people.team, register_status="exited", size=2)
    family(county.v11, people.team, size=5)  # not registered
    VillagePopulationFactory(region=county.v11, year=2020, rural_population=400)
    figures = village_figures(county.t1.subtree(), 2020)
    village = figures[county.v11.pk]
    assert (village.registered_people, village.exited_people) == (12, 2)
    assert village.incidence == Decimal("3.00")
    assert figures[county.v12.pk].incidence is None


def test_public_notices_show_name_village_and_size_never_an_id(home):
    summary = home.public_summary()
    assert summary == {"head_name": home.head_name, "village": "一村", "size": 4}
    member = home.members.first()
    assert member.masked_id_number == member.id_number[:4] + "*" * 10 + member.id_number[-4:]


def test_seed_demo_holds_households_in_every_state(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert set(IdentificationCase.objects.values_list("state", flat=True)) == set(
        IdentificationCase.workflow.states
    )
    assert set(ExitCase.objects.values_list("state", flat=True)) == set(ExitCase.workflow.states)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")


@pytest.mark.postgres
def test_both_parties_confirming_at_once_both_count(concurrent_db, county, people):
    for _ in range(20):
        case = advance(
            ExitCaseFactory(household=registered(county.v11, people.team), opener=people.cadre),
            people,
            "verification",
        )

        def confirm(i, case_id=case.pk):
            copy = ExitCase.objects.select_related("region", "policy").get(pk=case_id)
            return perform(copy, "verify", (people.cadre, people.team)[i])

        results = race(confirm, 2)
        assert all(isinstance(r, AuditEntry) for r in results), results
        assert reload(case).state == "household_consent"
        roles = (
            AuditEntry.objects.for_object(case)
            .filter(action="verify")
            .values_list("actor_role", flat=True)
        )
        assert sorted(roles) == ["village_committee", "work_team"]
