"""Inclusion in monitoring against return to poverty (纳入监测): the road to monitored, each
refusal with its reason, the village notice and its timer, the public board's privacy, the whole
inclusion's due date, and the trail."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from approvals import audit, perform, queue_for
from approvals.exceptions import PermissionDenied, TransitionNotAllowed
from approvals.models import AuditEntry
from approvals.notices import running_notice
from tests.factories import (
    GuaranteeCheckFactory,
    IncomeAssessmentFactory,
    MemberFactory,
    MonitoringCaseFactory,
    PolicyFactory,
)
from tests.helpers import after_notice
from tests.household_setup import family
from workflows.household.demo import MEETING
from workflows.household.models import Household, Member
from workflows.monitoring.demo import AUTHORISATION, COMPARISON
from workflows.monitoring.elimination import ELIMINATION
from workflows.monitoring.models import (
    AssistanceMeasure,
    AssistancePlan,
    EliminationCase,
    MonitoringCase,
)
from workflows.monitoring.spec import INCLUSION

WORKFLOW = "monitoring_inclusion"
QUEUE = reverse("admin:queue")
BOARD = reverse("public:board")
NO_EXPENSE = {"comparison_result": "部门数据比对无异常", "hardship_expense": ""}


def authorisation():
    return {"authorisation_sha256": ContentFile(AUTHORISATION, name="授权书.pdf")}


def comfortable(village, helper, year=2021, **household):
    """A household of four at 7,000 a head in ``year`` with every guarantee met."""
    home = family(village, helper, **household)
    IncomeAssessmentFactory(
        household=home, year=year, wage_income=Decimal(28000), business_income=0
    )
    GuaranteeCheckFactory(household=home, year=year)
    return home


@pytest.fixture
def home(county, people):
    """A household at 5,000 a head in 2020: below the 6,000-yuan monitoring line."""
    return family(county.v11, people.team)


@pytest.fixture
def case(home, people):
    return MonitoringCaseFactory(household=home, opener=people.cadre)


def reload(case):
    return MonitoringCase.objects.select_related("region", "policy", "household").get(pk=case.pk)


def refused(case, action, user, **kwargs):
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, action, user, **kwargs)
    return err.value


def verified(case, people):
    perform(case, "verify", people.cadre, data=authorisation())
    perform(case, "verify", people.team, data=authorisation())
    return case


def to_notice(case, people, comparison=COMPARISON):
    verified(case, people)
    perform(case, "record_comparison", people.cadre, data=comparison)
    perform(case, "record_deliberation", people.cadre, data=MEETING)
    return case


def to_county(case, people):
    to_notice(case, people)
    after_notice()
    case = reload(case)
    perform(case, "township_approve", people.reviewer)
    return case


def test_from_clue_to_monitored(case, people):
    assert (case.state, case.policy.version) == ("reported", "2021-monitoring")
    verified(case, people)
    assert case.state == "data_comparison"
    assert len(case.authorisation_sha256) == 64
    perform(case, "record_comparison", people.cadre, data=NO_EXPENSE)
    assert (case.state, case.hardship_expense) == ("deliberation", 0)
    perform(case, "record_deliberation", people.cadre, data=MEETING)
    assert (case.state, case.votes_for) == ("village_notice", 15)
    after_notice()
    case = reload(case)
    assert case.state == "township_review"
    perform(case, "township_approve", people.reviewer)
    assert case in queue_for(people.approver, WORKFLOW)
    perform(case, "county_approve", people.approver)
    assert reload(case).state == "monitored"
    roles = AuditEntry.objects.for_object(case).filter(action="verify")
    assert [e.actor_role for e in roles] == ["village_committee", "work_team"]


def test_one_party_alone_does_not_move_the_verification(case, people):
    perform(case, "verify", people.cadre, data=authorisation())
    assert reload(case).state == "reported"
    perform(case, "verify", people.team, data=authorisation())
    assert reload(case).state == "data_comparison"


def test_the_verification_needs_the_signed_authorisation(case, people):
    refusal = refused(case, "verify", people.cadre)
    assert refusal.reasons and reload(case).state == "reported"
    assert not AuditEntry.objects.for_object(case).filter(action="verify").exists()


def test_income_above_the_line_with_nothing_unmet_is_refused_with_its_reason(county, people):
    case = MonitoringCaseFactory(
        household=comfortable(county.v11, people.team), year=2021, opener=people.cadre
    )
    verified(case, people)
    refusal = refused(case, "record_comparison", people.cadre, data=NO_EXPENSE)
    assert refusal.codes == ["not_at_risk"]
    assert "人均纯收入 7,000 元，不低于监测标准 6,000 元" in refusal.reasons[0]
    assert "不符合纳入监测条件" in refusal.reasons[0]
    assert reload(case).state == "data_comparison"


def test_a_large_hardship_expense_qualifies_a_household_above_the_line(county, people):
    case = MonitoringCaseFactory(
        household=comfortable(county.v11, people.team), year=2021, opener=people.cadre
    )
    verified(case, people)
    small = {**COMPARISON, "hardship_expense": "9000"}
    assert refused(case, "record_comparison", people.cadre, data=small).codes == ["not_at_risk"]
    perform(case, "record_comparison", people.cadre, data=COMPARISON)
    assert (case.state, case.hardship_expense) == ("deliberation", 18000)


def test_an_unmet_guarantee_qualifies_a_household_above_the_line(county, people):
    home = comfortable(county.v11, people.team)
    home.guarantees.filter(year=2021).update(safe_water=False)
    case = MonitoringCaseFactory(household=home, year=2021, opener=people.cadre)
    verified(case, people)
    perform(case, "record_comparison", people.cadre, data=NO_EXPENSE)
    assert case.state == "deliberation"


def test_a_province_sets_a_higher_line(county, people):
    PolicyFactory(
        workflow=WORKFLOW,
        version="gansu-2021",
        region_prefix="62",
        effective_from=datetime.date(2021, 1, 1),
        values={"monitoring_lines": {"2021": 7500}, "hardship_expense_threshold": 10000},
    )
    case = MonitoringCaseFactory(
        household=comfortable(county.v11, people.team), year=2021, opener=people.cadre
    )
    verified(case, people)
    perform(case, "record_comparison", people.cadre, data=NO_EXPENSE)
    assert (case.policy.version, case.state) == ("gansu-2021", "deliberation")


def test_an_exclusion_rule_refuses_the_household(county, people):
    home = family(county.v11, people.team, public_payroll=True)
    case = MonitoringCaseFactory(household=home, opener=people.cadre)
    verified(case, people)
    refusal = refused(case, "record_comparison", people.cadre, data=COMPARISON)
    assert refusal.codes == ["excluded"]
    assert "财政供养人员" in refusal.reasons[0]


def test_a_sitting_village_cadre_in_the_family_is_no_exclusion_here(county, people):
    case = MonitoringCaseFactory(
        household=family(county.v11, people.team, village_official=True), opener=people.cadre
    )
    verified(case, people)
    perform(case, "record_comparison", people.cadre, data=COMPARISON)
    assert case.state == "deliberation"


def test_the_county_decides_on_the_data_as_it_is_then(case, people):
    case = to_county(case, people)
    case.household.incomes.filter(year=2020).update(wage_income=Decimal(40000))
    MonitoringCase.objects.filter(pk=case.pk).update(hardship_expense=0)
    refusal = refused(reload(case), "county_approve", people.approver)
    assert refusal.codes == ["not_at_risk"]


def test_a_second_open_case_for_the_household_is_refused(case, home, people):
    with pytest.raises(TransitionNotAllowed) as err:
        MonitoringCaseFactory(household=home, opener=people.cadre)
    assert err.value.reasons == ["该户已有进行中的纳入监测申请"]
    assert MonitoringCase.objects.filter(household=home).count() == 1


def test_the_database_refuses_a_second_open_case(case, home):
    duplicate = MonitoringCase(
        household=home, region=home.region, year=2020, clue_source="self_report",
        monitoring_type="marginal", risk_causes=["illness"],
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_monitored_household_is_not_included_again(case, home, people):
    case = to_county(case, people)
    perform(case, "county_approve", people.approver)
    with pytest.raises(TransitionNotAllowed) as err:
        MonitoringCaseFactory(household=home, opener=people.cadre)
    assert err.value.codes == ["monitored_already"]


def test_a_household_not_included_may_be_reported_again(case, home, people):
    perform(case, "withdraw", people.cadre)
    assert reload(case).state == "not_included"
    assert MonitoringCaseFactory(household=home, opener=people.cadre).state == "reported"


def test_the_notice_runs_five_days_once_and_the_timer_closes_it(case, people):
    to_notice(case, people)
    notice = running_notice(case)
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=5)
    with pytest.raises(PermissionDenied):  # nobody but the timer
        perform(case, "close_notice", people.cadre)
    assert after_notice(days=4).closed == 0
    assert reload(case).state == "village_notice"
    assert after_notice(days=5, hours=1).closed == 1
    assert reload(case).state == "township_review"
    assert running_notice(case) is None
    closing = AuditEntry.objects.for_object(case).get(action="close_notice")
    assert closing.actor_role == "system"


def test_the_township_returns_the_case_for_reverification(case, people):
    to_notice(case, people)
    after_notice()
    case = reload(case)
    assert refused(case, "return_for_reverification", people.reviewer).codes == ["comment_required"]
    perform(case, "return_for_reverification", people.reviewer, comment="收入数据需重新核实")
    assert case.state == "reported"
    verified(case, people)  # a new two-party visit, both parties again
    assert case.state == "data_comparison"


def test_the_township_and_county_refuse(county, people):
    township, county_case = (
        MonitoringCaseFactory(household=family(county.v11, people.team), opener=people.cadre)
        for _ in range(2)
    )
    to_notice(township, people)
    after_notice()
    perform(reload(township), "township_reject", people.reviewer, comment="不符合条件")
    assert reload(township).state == "not_included"
    county_case = to_county(county_case, people)
    assert refused(county_case, "county_reject", people.approver).codes == ["comment_required"]
    perform(county_case, "county_reject", people.approver, comment="经县级复核，该户收入稳定")
    assert reload(county_case).state == "not_included"


def test_the_village_declines_or_withdraws(county, people):
    declined, withdrawn = (
        MonitoringCaseFactory(household=family(county.v11, people.team), opener=people.cadre)
        for _ in range(2)
    )
    verified(declined, people)
    perform(declined, "record_comparison", people.cadre, data=COMPARISON)
    perform(declined, "decline", people.cadre, comment="评议未通过")
    perform(withdrawn, "withdraw", people.cadre)
    assert {reload(declined).state, reload(withdrawn).state} == {"not_included"}


def test_the_board_shows_names_and_villages_never_ids_or_health(client, county, people):
    home = family(county.v11, people.team)
    ill = MemberFactory(household=home, relation="child", health="serious_illness")
    to_notice(MonitoringCaseFactory(household=home, opener=people.cadre), people)
    html = client.get(BOARD).content.decode()
    assert home.head_name in html and "一村" in html
    assert "防返贫监测对象纳入" in html
    for member in home.members.all():
        assert member.id_number not in html
        assert member.id_number[-4:] + "<" not in html
    assert ill.name not in html
    for health_word in ("患有大病", "serious_illness", "因病", "illness", "大病"):
        assert health_word not in html


def test_the_whole_inclusion_is_due_fifteen_working_days_after_the_clue(client, home, people):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        case = MonitoringCaseFactory(household=home, opener=people.cadre)
        verified(case, people)  # the step moves on; the due date stays with the clue
    assert reload(case).due_date == datetime.date(2026, 3, 23)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC)):
        client.force_login(people.cadre)
        page = client.get(QUEUE, {"workflow": WORKFLOW}).content.decode()
    assert "2026-03-23" in page and "已逾期" not in page
    with time_machine.travel(datetime.datetime(2026, 3, 24, 9, tzinfo=datetime.UTC)):
        client.force_login(people.cadre)
        page = client.get(QUEUE, {"workflow": WORKFLOW}).content.decode()
    assert "2026-03-23" in page and "已逾期" in page


def test_a_decided_case_is_due_no_more(case, people):
    perform(case, "withdraw", people.cadre)
    assert reload(case).due_date is None


def test_the_trail_verifies(case, people):
    case = to_county(case, people)
    perform(case, "county_approve", people.approver)
    case = reload(case)
    assert audit.verify_record(case) is None
    actions = list(AuditEntry.objects.for_object(case).values_list("action", flat=True))
    assert actions == [
        "create", "verify", "verify", "record_comparison", "record_deliberation",
        "close_notice", "township_approve", "county_approve",
    ]  # fmt: skip
    MonitoringCase.objects.filter(pk=case.pk).update(state="reported")  # behind the engine
    assert audit.verify_record(reload(case)) is not None


def test_the_spec_has_the_issue_table():
    table = {
        (t.name, source): t.possible_targets() for t in INCLUSION.transitions for source in t.source
    }
    assert table[("verify", "reported")] == ("data_comparison",)
    assert INCLUSION.transition("verify", "reported").roles == ("village_committee", "work_team")
    assert table[("return_for_reverification", "township_review")] == ("reported",)
    assert table[("county_approve", "county_review")] == ("monitored",)


def test_the_case_page_offers_the_two_party_visit(client, case, people):
    client.force_login(people.cadre)
    url = reverse("admin:monitoring_monitoringcase_change", args=[case.pk])
    html = client.get(url).content.decode()
    assert "线索登记" in html and "入户核实" in html
    assert Household.objects.get(pk=case.household_id).head_name in html
    assert timezone.localdate(case.created_at) <= case.due_date


def test_the_demo_has_households_in_every_state_of_both_procedures_made_through_the_engine(db):
    call_command("seed_demo", stdout=io.StringIO())
    states = set(MonitoringCase.objects.values_list("state", flat=True))
    assert states == set(INCLUSION.states)
    assert set(EliminationCase.objects.values_list("state", flat=True)) == set(ELIMINATION.states)
    monitored = MonitoringCase.objects.filter(state="monitored").first()
    actions = AuditEntry.objects.for_object(monitored).values_list("action", flat=True)
    assert "county_approve" in actions and audit.verify_record(monitored) is None
    eliminated = EliminationCase.objects.get(state="eliminated")
    assert eliminated.household.monitoring_status == "eliminated"
    assert audit.verify_record(eliminated) is None
    statuses = Household.objects.filter(eliminationcase__isnull=False).values_list(
        "monitoring_status", flat=True
    )
    assert set(statuses) == {"monitored", "eliminated"}
    # Every household put under monitoring has its plan filled in; those included months ago
    # have a measure delivered, recorded on the household's chain.
    for plan in AssistancePlan.objects.select_related("household"):
        assert plan.goal and plan.measures.count() == 2
        assert audit.verify_record(plan.household) is None
    delivered = AssistanceMeasure.objects.filter(delivered_on__isnull=False)
    assert delivered.count() == EliminationCase.objects.count()
    count = MonitoringCase.objects.count(), EliminationCase.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (MonitoringCase.objects.count(), EliminationCase.objects.count()) == count


def test_a_cadre_registers_a_clue_on_the_add_page(client, home, people):
    client.force_login(people.cadre)
    add = reverse("admin:monitoring_monitoringcase_add")
    form = {
        "household": home.pk,
        "year": 2020,
        "clue_source": "self_report",
        "monitoring_type": "sudden_hardship",
        "risk_causes": ["illness", "accident"],
    }
    response = client.post(add, form)
    assert response.status_code == 302
    case = MonitoringCase.objects.get(household=home)
    assert (case.state, case.region) == ("reported", home.region)
    assert case.risk_causes == ["illness", "accident"]
    assert AuditEntry.objects.for_object(case).get().action == "create"
    again = client.post(add, form)
    assert again.status_code == 200
    assert "该户已有进行中的纳入监测申请" in again.content.decode()
    assert MonitoringCase.objects.filter(household=home).count() == 1


def test_the_ledger_lists_monitored_households_with_masked_id_numbers(client, county, people):
    monitored, pending = (
        MonitoringCaseFactory(household=family(county.v11, people.team), opener=people.cadre)
        for _ in range(2)
    )
    monitored = to_county(monitored, people)
    perform(monitored, "county_approve", people.approver)
    client.force_login(people.reviewer)
    response = client.get("/admin/ledgers/monitored.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:6] == ["县", "乡镇", "村", "户编号", "户主姓名", "户主身份证号码"]
    assert [row[4] for row in table[1:]] == [monitored.household.head_name]
    head = monitored.household.members.get(relation="head")
    assert table[1][5] == head.masked_id_number != head.id_number
    assert (table[1][6], table[1][7]) == ("边缘易致贫户", "因病")
    values = [str(v) for row in table for v in row if v]
    assert not any(member.id_number in values for member in Member.objects.all())
    assert pending.household.head_name not in values
