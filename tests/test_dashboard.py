"""统计: counts per state per region, drill-down, notices ending soon, overdue steps, village
figures and the chart, each limited to the user's jurisdiction."""

import datetime
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from admin_site.dashboard import overdue_cutoff
from approvals.calendar import Calendar, add_working_days
from approvals.models import NoticePeriod
from approvals.notices import file_objection
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    ProjectApplicationFactory,
    RoleAssignmentFactory,
    UserFactory,
    VillagePopulationFactory,
)
from tests.helpers import enter_schedule
from workflows.household import demo as household_demo
from workflows.household.cases import apply_for_identification
from workflows.household.models import IdentificationCase
from workflows.project_library import demo as project_demo
from workflows.project_library.models import ProjectApplication

URL = "/admin/dashboard/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday with no holiday near it, so working days are plain weekdays.
START = datetime.datetime(2025, 6, 9, 10, 0, tzinfo=SHANGHAI)


def crew(county, people, village):
    """The people fixture, with a village committee and work team in ``village`` and the reviewer
    of its township."""
    if village == county.v11:
        return people
    in_t1 = village.code.startswith(county.t1.prefix)
    values = dict(vars(people), reviewer=people.reviewer if in_t1 else people.reviewer2)
    for name, role in (("cadre", "village_committee"), ("team", "work_team")):
        values[name] = RoleAssignmentFactory(
            user__username=f"{name}{village.code}", role=role, region=village
        ).user
    return SimpleNamespace(**values)


def project_at(county, people, village, state):
    who = crew(county, people, village)
    project = ProjectApplicationFactory(region=village, creator=who.cadre)
    return project_demo.advance(project, who, state)


_numbers = iter(range(1, 900))


def identification_at(county, people, village, state):
    who = crew(county, people, village)
    home = household_demo.new_household(village, next(_numbers), who, "王建国")
    case = apply_for_identification(home, who.cadre, household_demo.IDENTIFIED_IN)
    return household_demo.advance(case, who, state)


def get(client, user, url=URL, **params):
    """Sign in afresh (sessions expire after 30 minutes, and tests travel in time) and fetch."""
    client.force_login(user)
    return client.get(url, params)


def counts(response, label):
    """The table of one procedure as {row name: {state label: count}}."""
    table = next(t for t in response.context["tables"] if t.label == label)
    return {
        part.name: {state: n for state, n in zip(table.states, values, strict=True) if n}
        for part, values, _total in table.rows
    }


@pytest.fixture
def cases(county, people):
    """Projects and households at various states across the county, and one next door."""
    with time_machine.travel(START, tick=False):
        made = SimpleNamespace(
            drafts=[project_at(county, people, county.v11, "draft") for _ in range(2)],
            reviewed=project_at(county, people, county.v11, "township_review"),
            noticed=project_at(county, people, county.v12, "village_notice"),
            far=project_at(county, people, county.v21, "township_review"),
            identification=identification_at(county, people, county.v11, "first_notice"),
            applied=identification_at(county, people, county.v21, "applied"),
        )
        outsider_cadre = RoleAssignmentFactory(
            role="village_committee", region=county.other_village
        ).user
        made.next_door = ProjectApplicationFactory(
            region=county.other_village, creator=outsider_cadre
        )
    return made


def test_counts_per_state_for_each_township_of_the_county(client, county, people, cases):
    response = get(client, people.sector)
    assert response.status_code == 200
    assert response.context["area"].code == county.county.code
    assert counts(response, "项目库") == {
        "东岗镇": {"草稿": 2, "乡镇审核": 1, "村内公示": 1},
        "西湖镇": {"乡镇审核": 1},
    }
    assert counts(response, "贫困户识别") == {
        "东岗镇": {"第一次公示": 1},
        "西湖镇": {"农户申请": 1},
    }
    html = response.content.decode()
    assert "乡镇审核" in html and "七里河区" not in html


def test_drilling_down_to_a_township_and_a_village(client, county, people, cases):
    township = get(client, people.sector, region=county.t1.code)
    assert counts(township, "项目库") == {
        "一村": {"草稿": 2, "乡镇审核": 1},
        "二村": {"村内公示": 1},
    }
    assert f'href="?region={county.v11.code}"' in township.content.decode()
    village = get(client, people.sector, region=county.v12.code)
    assert counts(village, "项目库") == {"二村": {"村内公示": 1}}
    trail = [area.name for area in village.context["trail"]]
    assert trail == ["城关区", "东岗镇", "二村"]


def test_a_township_reviewer_starts_at_the_township(client, county, people, cases):
    response = get(client, people.reviewer)
    assert response.context["area"].code == county.t1.code
    assert set(counts(response, "项目库")) == {"一村", "二村"}
    assert [area.name for area in response.context["trail"]] == ["东岗镇"]


def test_a_superuser_starts_from_the_provinces(client, county, cases):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = get(client, admin)
    assert counts(response, "项目库") == {"甘肃省": {"草稿": 3, "乡镇审核": 2, "村内公示": 1}}


@pytest.mark.parametrize(
    "who, where",
    [
        ("sector", "other_county"),
        ("sector", "other_village"),
        ("reviewer", "county"),
        ("reviewer", "t2"),
        ("cadre", "v12"),
    ],
)
def test_a_region_outside_the_jurisdiction_is_not_found(client, county, people, who, where):
    response = get(client, getattr(people, who), region=getattr(county, where).code)
    assert response.status_code == 404


@pytest.mark.parametrize("code", ["999999999999", "62x", "62010200100"])
def test_an_unknown_region_is_not_found(client, people, code):
    assert get(client, people.sector, region=code).status_code == 404


def test_without_a_role_there_is_no_dashboard(client, county):
    response = get(client, UserFactory(username="nobody"))
    assert response.status_code == 302


def notice_of(case):
    return NoticePeriod.objects.get(object_id=case.pk, closed_at__isnull=True, state=case.state)


def case_link(case):
    meta = type(case)._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[case.pk])
    except NoReverseMatch:  # the procedure's admin pages are not registered
        return None


def project_notices(response):
    return [line for line in response.context["notices"] if line.workflow == "项目库"]


def test_notices_ending_within_three_days(client, county, people, cases):
    ends = notice_of(cases.noticed).ends_at
    with time_machine.travel(ends - datetime.timedelta(days=4), tick=False):
        assert project_notices(get(client, people.sector)) == []
    with time_machine.travel(ends - datetime.timedelta(days=2), tick=False):
        response = get(client, people.sector)
    [line] = project_notices(response)
    assert (line.case, line.region, line.state) == (cases.noticed.name, "二村", "村内公示")
    assert line.until == ends
    link = case_link(cases.noticed)
    if link:
        assert f'href="{link}"' in response.content.decode()
    with time_machine.travel(ends + datetime.timedelta(minutes=1), tick=False):
        assert project_notices(get(client, people.sector)) == []


def test_the_household_notice_is_listed_too_and_a_suspended_one_is_not(
    client, county, people, cases
):
    ends = notice_of(cases.identification).ends_at
    with time_machine.travel(ends - datetime.timedelta(days=1), tick=False):
        lines = get(client, people.sector).context["notices"]
        assert [line.state for line in lines] == ["第一次公示"]
        assert lines[0].workflow == "贫困户识别"
        file_objection(cases.identification, name="张三", text="该户有小汽车")
        assert get(client, people.sector).context["notices"] == []


def test_notices_outside_the_jurisdiction_are_not_listed(client, county, people, cases):
    ends = notice_of(cases.noticed).ends_at
    with time_machine.travel(ends - datetime.timedelta(days=1), tick=False):
        assert project_notices(get(client, people.reviewer2)) == []
        assert len(project_notices(get(client, people.reviewer))) == 1


def overdue_names(response):
    return sorted(line.case for line in response.context["overdue"])


def test_overdue_steps_after_ten_working_days(client, county, people, cases):
    entered = cases.reviewed.state_since.astimezone(SHANGHAI).date()
    due = cases.reviewed.due_date
    assert due == add_working_days(entered, 10)
    with time_machine.travel(datetime.datetime.combine(due, datetime.time(23), SHANGHAI)):
        assert overdue_names(get(client, people.sector)) == []
    after = due + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(after, datetime.time(8), SHANGHAI)):
        response = get(client, people.sector)
        assert overdue_names(response) == sorted([cases.reviewed.name, cases.far.name])
        assert overdue_names(get(client, people.reviewer)) == [cases.reviewed.name]
    line = next(line for line in response.context["overdue"] if line.case == cases.reviewed.name)
    assert (line.state, line.until) == ("乡镇审核", due)
    assert "overdue" in response.content.decode()


def test_untimed_states_are_never_overdue(client, county, people, cases):
    with time_machine.travel(START + datetime.timedelta(days=400)):
        names = overdue_names(get(client, people.sector))
    assert cases.drafts[0].name not in names
    assert names == sorted([cases.reviewed.name, cases.far.name])


def test_the_cutoff_agrees_with_the_due_date_across_holidays(db):
    """Walking back from today gives the same answer as adding working days to every start."""
    days = [datetime.date(2025, 9, 1) + datetime.timedelta(days=i) for i in range(80)]
    calendar = Calendar()
    for working_days in (0, 1, 3, 10):
        for today in days[40:]:
            cutoff = overdue_cutoff(working_days, today).astimezone(SHANGHAI)
            assert cutoff.time() == datetime.time(0)
            for entered in days[:60]:
                overdue = add_working_days(entered, working_days, calendar) < today
                assert overdue == (entered < cutoff.date()), (working_days, today, entered)


def test_village_figures_for_the_latest_year(client, county, people):
    for village, registered, exited in [(county.v11, 3, 1), (county.v21, 2, 0)]:
        for status, homes in (("registered", registered), ("exited", exited)):
            for _ in range(homes):
                home = HouseholdFactory(region=village, register_status=status)
                MemberFactory.create_batch(2, household=home)
    VillagePopulationFactory(region=county.v11, year=2019, rural_population=500)
    VillagePopulationFactory(region=county.v11, year=2020, rural_population=600)
    VillagePopulationFactory(region=county.other_village, year=2024, rural_population=100)
    response = get(client, people.sector)
    assert response.context["year"] == 2020
    figures = {area.name: f for area, f in response.context["villages"]}
    assert set(figures) == {"一村", "二村", "三村"}
    assert (figures["一村"].registered_people, figures["一村"].exited_people) == (6, 2)
    assert str(figures["一村"].incidence) == "1.00"
    assert figures["三村"].registered_people == 4 and figures["三村"].incidence is None
    assert "1.00%" in response.content.decode()
    earlier = get(client, people.sector, year="2019")
    assert str({a.name: f.incidence for a, f in earlier.context["villages"]}["一村"]) == "1.20"
    township = get(client, people.sector, region=county.t2.code)
    assert [area.name for area, _f in township.context["villages"]] == ["三村"]


def test_the_chart_is_an_svg_without_scripts(client, county, people, cases):
    response = get(client, people.sector)
    html = response.content.decode()
    charts = [t.chart for t in response.context["tables"] if t.chart]
    assert len(charts) == 2  # the procedures with cases; none for the empty one
    for chart in charts:
        assert chart.startswith("<svg") and chart in html
        assert "<script" not in chart.lower()
        assert "<?xml" not in chart
    assert "东岗镇" in charts[0] and "乡镇审核" in charts[0]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script on the page


def test_the_page_speaks_english_when_asked(client, county, people, cases):
    client.force_login(people.sector)
    client.cookies.load({"django_language": "en"})
    response = client.get(URL)
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_cases(client, county, people, cases):
    client.force_login(people.sector)
    client.get(URL)  # content types and the like are cached after the first page

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    ends = notice_of(cases.noticed).ends_at
    with time_machine.travel(ends - datetime.timedelta(days=1), tick=False):
        client.force_login(people.sector)
        few = queries()
        with time_machine.travel(START, tick=False):
            for village in (county.v11, county.v12, county.v21):
                project_at(county, people, village, "township_review")
                project_at(county, people, village, "village_notice")
                identification_at(county, people, village, "first_notice")
        client.force_login(people.sector)
        many = queries()
    assert ProjectApplication.objects.count() > 10 and IdentificationCase.objects.count() > 4
    assert many == few


def test_the_dashboard_warns_when_the_coming_year_has_no_holiday_schedule(client, people):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        warning = get(client, people.office).content.decode()
        assert 'id="calendar-missing"' in warning and "尚未录入2027年的节假日安排" in warning
        enter_schedule(2027, holidays={"2027-01-01": "元旦"})
        assert 'id="calendar-missing"' not in get(client, people.office).content.decode()
