"""Monitoring after inclusion: the household's status and flag, its assistance plan (一户一策) and
measures recorded as audited edits, risk elimination (风险消除) with its guards, notice, returns
and trail, the monthly figures on the dashboard and the ledger."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admin_site.dashboard import Area
from approvals import audit, clock, edits, perform
from approvals.diffs import CHANGED
from approvals.exceptions import ConflictError, TransitionNotAllowed
from approvals.models import AuditEntry
from tests.factories import (
    EliminationCaseFactory,
    GuaranteeCheckFactory,
    IncomeAssessmentFactory,
    MemberFactory,
    MonitoringCaseFactory,
    PolicyFactory,
    RoleAssignmentFactory,
    child_region,
)
from tests.helpers import admin_form_data, race
from tests.household_setup import family
from tests.monitoring_setup import monitored, walk
from workflows import roads
from workflows.household.models import Household
from workflows.monitoring.cases import propose_elimination
from workflows.monitoring.demo import ELIMINATION_ROAD, RISK_RESOLUTION, ROAD
from workflows.monitoring.elimination import ELIMINATION
from workflows.monitoring.figures import chosen_month, monthly_figures
from workflows.monitoring.models import AssistanceMeasure, EliminationCase

DAY = datetime.timedelta(days=1)


def reload(case):
    return EliminationCase.objects.select_related("region", "policy", "household").get(pk=case.pk)


def test_inclusion_puts_the_household_under_monitoring_and_it_is_flagged_where_it_shows(
    client, county, people
):
    home = monitored(county, people)
    assert (home.monitoring_status, home.assistance_plans.count()) == ("monitored", 1)
    assert str(home).endswith("【监测中】")
    client.force_login(people.cadre)
    listing = client.get(reverse("admin:household_household_changelist")).content.decode()
    assert "监测中" in listing
    page = client.get(reverse("admin:household_household_change", args=[home.pk]))
    assert "【监测中】" in page.content.decode() and "帮扶措施" in page.content.decode()
    propose_elimination(home, people.cadre, 2021)
    queue = client.get(reverse("admin:queue"), {"workflow": "monitoring_elimination"})
    assert f"{home.head_name}（{home.number}）【监测中】" in queue.content.decode()


def test_a_measure_is_planned_and_delivered_on_the_household_page_as_audited_edits(
    client, county, people
):
    home = monitored(county, people)
    stranger = RoleAssignmentFactory(role="work_team", region=county.other_village).user
    client.force_login(people.cadre)
    url = reverse("admin:household_household_change", args=[home.pk])
    page = client.get(url)
    inlines = page.context["inline_admin_formsets"]
    measures = next(i.formset for i in inlines if i.formset.model is AssistanceMeasure)
    offered = set(measures.empty_form.fields["responsible"].queryset)
    assert people.team in offered and stranger not in offered
    data = admin_form_data(page)
    prefix = measures.prefix
    data.update({
        f"{prefix}-TOTAL_FORMS": 1, f"{prefix}-0-kind": "employment",
        f"{prefix}-0-content": "推荐到县城产业园务工", f"{prefix}-0-responsible": people.team.pk,
        f"{prefix}-0-planned_on": "2021-09-30",
    })  # fmt: skip
    assert client.post(url, data).status_code == 302
    measure = AssistanceMeasure.objects.get(household=home)
    assert measure.plan == home.assistance_plans.get()
    data = admin_form_data(client.get(url))
    data.update({f"{prefix}-0-delivered_on": "2021-09-20", f"{prefix}-0-delivery_note": "已上岗"})
    assert client.post(url, data).status_code == 302
    edits = AuditEntry.objects.for_object(home).filter(action="edit").order_by("pk")
    [added], [delivered] = (entry.data["related"] for entry in edits)
    assert added["model"] == "monitoring.assistancemeasure"
    changes = {c["field"]: (c["old"], c["new"]) for c in delivered["changes"]}
    assert changes["delivered_on"] == (None, "2021-09-20")
    assert audit.verify_record(home) is None


def test_from_proposal_to_risk_eliminated_with_a_trail_that_verifies(client, county, people):
    home = monitored(county, people)
    case = walk(propose_elimination(home, people.cadre, 2021), people, "county_review")
    assert case.risk_resolution and case.votes_for == 15
    perform(case, "county_approve", people.approver)
    home.refresh_from_db()
    assert (reload(case).state, home.monitoring_status) == ("eliminated", "eliminated")
    assert not str(home).endswith("】") and home.assistance_plans.count() == 1
    verified = AuditEntry.objects.for_object(case).filter(action="verify")
    assert [e.actor_role for e in verified] == ["village_committee", "work_team"]
    assert audit.verify_record(case) is None
    client.force_login(people.reviewer)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/admin/ledgers/monitored.xlsx").getvalue())
    ).worksheets[0]
    header, row = (list(r) for r in sheet.iter_rows(values_only=True))
    assert (header[11], row[11]) == ("监测状态", "已消除")
    assert row[12].date() == timezone.localdate(reload(case).state_since)


def test_the_guards_say_in_a_cadres_words_why_the_risk_is_not_eliminated(county, people):
    home = monitored(county, people, year_data=False)
    IncomeAssessmentFactory(household=home, year=2021, wage_income=20000, business_income=0)
    GuaranteeCheckFactory(household=home, year=2021, safe_housing=False)
    case = walk(propose_elimination(home, people.cadre, 2021), people, "verification")
    # As a proposal recorded before the time under monitoring was checked on proposing: the
    # home visit checks it again.
    Household.objects.filter(pk=home.pk).update(monitored_since=timezone.localdate() - 60 * DAY)
    with pytest.raises(TransitionNotAllowed) as err:
        perform(case, "verify", people.cadre, data={"risk_resolution": " "})
    said = [str(r) for r in err.value.reasons]
    assert "2021年人均纯收入 5,000 元，未稳定高于当年监测标准 6,000 元" in said
    assert "住房安全未保障，风险尚未消除" in said
    assert any("不满6个月，暂不能标注风险消除" in s for s in said)
    assert "请填写风险消除情况：监测时的风险如何已经消除" in said
    assert reload(case).state == "verification"


def at_five_pm(day: datetime.date):
    """``day`` at 17:00 in the county (09:00 UTC)."""
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


def included_on(day: datetime.date, county, people):
    """A household put under monitoring by the county's decision on ``day``, its clue a month
    before."""
    home = family(county.v11, people.team)
    with time_machine.travel(at_five_pm(day - 30 * DAY)):
        case = MonitoringCaseFactory(household=home, opener=people.cadre)
        roads.advance(case, people, ROAD, "county_review")
    with time_machine.travel(at_five_pm(day)):
        perform(case, "county_approve", people.approver)
    home.refresh_from_db()
    assert home.monitored_since == day
    return home


def proposal_refused(home, people, day):
    with time_machine.travel(at_five_pm(day)), pytest.raises(TransitionNotAllowed) as err:
        propose_elimination(home, people.cadre, 2021)
    assert not EliminationCase.objects.filter(household=home).exists()
    return err.value


def provincial_elimination_policy(**values):
    """The province's own elimination policy: the county default but for ``values``."""
    return PolicyFactory(
        workflow=ELIMINATION.name,
        version="gansu-2021-elimination",
        region_prefix="62",
        effective_from=datetime.date(2021, 1, 1),
        values={
            "village_notice_days": 5,
            "stable_income_years": 1,
            "minimum_monitored_months": 6,
            **values,
        },
    )


def test_a_proposal_before_six_months_is_refused_naming_the_day_it_becomes_possible(
    client, county, people
):
    home = included_on(datetime.date(2021, 8, 31), county, people)
    refusal = proposal_refused(home, people, datetime.date(2022, 2, 28))
    assert refusal.reasons == [
        "该户2021年8月31日纳入监测，至今5个月，不满6个月，暂不能标注风险消除；"
        "2022年3月1日起可以办理"
    ]
    with time_machine.travel(at_five_pm(datetime.date(2022, 2, 28))):
        client.force_login(people.cadre)
        add = reverse("admin:monitoring_eliminationcase_add")
        page = client.post(add, {"household": home.pk, "year": 2021})
    assert page.status_code == 200 and "2022年3月1日起可以办理" in page.content.decode()
    with time_machine.travel(at_five_pm(datetime.date(2022, 3, 1))):
        assert propose_elimination(home, people.cadre, 2021).state == "proposed"


def test_the_minimum_months_are_the_policys(county, people):
    provincial_elimination_policy(minimum_monitored_months=12)
    home = included_on(datetime.date(2021, 3, 15), county, people)
    refusal = proposal_refused(home, people, datetime.date(2022, 3, 14))
    assert refusal.codes == ["monitored_too_short"]
    assert "至今11个月，不满12个月" in refusal.reasons[0]
    assert "2022年3月15日起可以办理" in refusal.reasons[0]
    with time_machine.travel(at_five_pm(datetime.date(2022, 3, 15))):
        case = propose_elimination(home, people.cadre, 2021)
    assert case.policy.version == "gansu-2021-elimination"


def test_the_income_must_stay_above_the_line_for_the_policys_period(county, people):
    """A policy of two years: the year before the one assessed counts too (2020 at 5,000 a
    head); once that year's figure is corrected the home visit goes through."""
    provincial_elimination_policy(stable_income_years=2)
    with time_machine.travel(at_five_pm(datetime.date(2022, 6, 1))):
        home = monitored(county, people)
        case = walk(propose_elimination(home, people.cadre, 2021), people, "verification")
        with pytest.raises(TransitionNotAllowed) as err:
            perform(case, "verify", people.cadre, data=RISK_RESOLUTION)
        assert err.value.reasons == ["2020年人均纯收入 5,000 元，未稳定高于当年监测标准 6,000 元"]
        income = home.incomes.get(year=2020)
        income.wage_income = 26000
        edits.record_edit(home, people.cadre, [], [edits.RowEdit(income, CHANGED)])
        for who in (people.cadre, people.team):
            perform(case, "verify", who, data=RISK_RESOLUTION)
    assert reload(case).state == "village_notice"


def test_only_a_monitored_household_with_no_open_elimination_may_be_proposed(county, people):
    with pytest.raises(TransitionNotAllowed) as err:
        propose_elimination(family(county.v11, people.team), people.cadre, 2021)
    assert err.value.codes == ["not_monitored"]
    case = EliminationCaseFactory(household=family(county.v11, people.team), opener=people.cadre)
    with pytest.raises(TransitionNotAllowed) as err:
        propose_elimination(case.household, people.cadre, 2021)
    assert err.value.codes == ["elimination_open"]
    with pytest.raises(IntegrityError), transaction.atomic():
        EliminationCase.objects.create(household=case.household, region=case.region, year=2022)


def test_returns_and_refusals_keep_the_household_under_monitoring(county, people):
    home = monitored(county, people)
    case = walk(propose_elimination(home, people.cadre, 2021), people, "township_review")
    perform(case, "return_for_reverification", people.reviewer, comment="收入佐证不足")
    assert reload(case).state == "proposed"
    case = roads.advance(reload(case), people, ELIMINATION_ROAD, "county_review")
    perform(case, "county_reject", people.approver, comment="大病风险仍在")
    home.refresh_from_db()
    assert (reload(case).state, home.monitoring_status) == ("kept_monitored", "monitored")
    assert propose_elimination(home, people.cadre, 2021).state == "proposed"


def test_the_elimination_notice_shows_names_never_ids_or_health(client, county, people):
    home = monitored(county, people)
    ill = MemberFactory(household=home, relation="child", health="serious_illness")
    walk(propose_elimination(home, people.cadre, 2021), people, "village_notice")
    html = client.get(reverse("public:board")).content.decode()
    assert home.head_name in html and "防返贫监测风险消除" in html
    assert not any(
        m.id_number in html or m.id_number[-4:] + "<" in html for m in home.members.all()
    )
    assert ill.name not in html
    for health_word in ("患有大病", "serious_illness", "因病", "illness", "大病"):
        assert health_word not in html


def test_the_dashboard_counts_the_month_by_region_with_overdue_inclusions(client, county, people):
    home = monitored(county, people, months_ago=0)
    late = family(county.v21, None)
    clerk = RoleAssignmentFactory(role="village_committee", region=county.v21).user
    with clock.at(clock.now() - 40 * DAY):
        MonitoringCaseFactory(household=late, opener=clerk)
    included = home.monitored_since.strftime("%Y-%m")
    client.force_login(people.approver)
    page = client.get(reverse("admin:dashboard"), {"region": county.county.code, "month": included})
    html = page.content.decode()
    section = html[html.index('id="monitoring-figures"') :]
    assert f"?region={county.t1.code}&amp;month={included}" in section
    assert '<td id="overdue-inclusions">1</td>' in section
    drilled = client.get(reverse("admin:dashboard"), {"region": county.t1.code, "month": included})
    html = drilled.content.decode()
    village_row = html[html.index('id="monitoring-figures"') :].split("一村")[1].split("</tr>")[0]
    assert "<td>1</td>" in village_row


@pytest.mark.postgres
def test_two_proposals_at_once_open_one_case(concurrent_db, county, people):
    home = Household.objects.get(pk=monitored(county, people).pk)
    other = RoleAssignmentFactory(role="village_committee", region=county.v11).user
    results = race(lambda i: propose_elimination(home, (people.cadre, other)[i], 2021), 2)
    assert sum(isinstance(r, EliminationCase) for r in results) == 1, results
    assert sum(isinstance(r, TransitionNotAllowed | ConflictError) for r in results) == 1
    assert EliminationCase.objects.filter(household=home).count() == 1


def test_a_delivery_dated_in_the_future_is_refused_and_nothing_changes(client, county, people):
    home = monitored(county, people)
    client.force_login(people.cadre)
    url = reverse("admin:household_household_change", args=[home.pk])
    page = client.get(url)
    prefix = next(
        i.formset.prefix
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is AssistanceMeasure
    )
    data = admin_form_data(page)
    tomorrow = timezone.localdate() + DAY
    data.update({
        f"{prefix}-TOTAL_FORMS": 1, f"{prefix}-0-kind": "health",
        f"{prefix}-0-content": "家庭医生签约服务", f"{prefix}-0-responsible": people.team.pk,
        f"{prefix}-0-planned_on": "2021-09-30", f"{prefix}-0-delivered_on": tomorrow.isoformat(),
    })  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200 and "落实日期不能晚于今天" in response.content.decode()
    assert not AssistanceMeasure.objects.exists()
    assert not AuditEntry.objects.for_object(home).filter(action="edit").exists()


def test_the_monthly_figures_cost_the_same_queries_for_more_villages(
    county, django_assert_max_num_queries
):
    area = Area.of(county.t2)  # its villages are the rows
    month = chosen_month(RequestFactory().get("/", {"month": "2021-06"}))
    with CaptureQueriesContext(connection) as few:
        monthly_figures(area, month, timezone.localdate())
    for n in range(3, 23):
        child_region(county.t2, n, f"{n}村")
    with django_assert_max_num_queries(len(few)):
        rows = monthly_figures(area, month, timezone.localdate())
    assert len(rows) == 21 and rows[0].part.name == "三村"
