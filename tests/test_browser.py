"""One project from the village to the county library, driven through the real pages in Chromium.

The village cadre creates a project in the admin form and records the villagers' meeting; the
township reviewer approves it from the queue; the county approver approves it with two others in
one bulk action; the auditor reads its verified trail; the public board shows a household notice
without ID numbers. The timer closes each notice in between, with the clock moved past its end.

The clock moves for the whole process (time-machine patches it for every thread), so the live
server and the test agree on the date and the trail's times follow each other as they would in
life. A full-page screenshot of every page visited lands in ``artifacts/browser/``.
"""

import contextlib
import datetime
import re
import types
from pathlib import Path

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from admin_site.demo import PASSWORD, build_county
from approvals import clock
from approvals.models import Policy
from approvals.notices import running_notice
from approvals.timers import close_due_notices
from tests.conftest import ON_POSTGRES
from tests.factories import IdentificationCaseFactory
from tests.household_setup import family
from workflows import roads
from workflows.household import demo as household_demo
from workflows.household.models import IdentificationCase
from workflows.project_library import demo as project_demo
from workflows.project_library.models import ProjectApplication

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "browser"
PROJECT_NAME = "城关村中药材种植基地建设项目"
# Past the end of a notice under the national default policy (10 days).
PAST_A_NOTICE = datetime.timedelta(days=10, hours=2)
TRAIL = ["新建", "提交民主议事", "记录议事结果", "公示期满", "审核通过", "公示期满", "审批通过"]


@pytest.fixture
def browser(committed_db):
    """The system Chromium; the test is skipped without it. It is closed before the database is
    cleared, so no late request from a page can write to the database after the clean-up."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    try:
        from playwright.sync_api import Error, expect, sync_playwright
    except ImportError as exc:
        pytest.skip(f"Chromium not found at {CHROMIUM}: Playwright is not installed ({exc})")
    # Playwright's sync API keeps an event loop in this thread, which Django takes for an async
    # context: the ORM is called here between page steps, never from within one.
    unsafe = pytest.MonkeyPatch()
    unsafe.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Error as exc:
        playwright.stop()
        unsafe.undo()
        pytest.skip(f"Chromium not found at {CHROMIUM}: Playwright cannot launch it ({exc})")
    expect.set_options(timeout=TIMEOUT_MS)
    yield chromium
    chromium.close()
    playwright.stop()
    unsafe.undo()


@pytest.fixture
def committed_db(request, transactional_db, django_db_serialized_rollback):
    """Committed data the live server's thread sees, with the rows the migrations load
    (policies, poverty lines) in place; on PostgreSQL the audit trigger is handled as for
    ``concurrent_db``."""
    if ON_POSTGRES:
        request.getfixturevalue("concurrent_db")


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    return SHOTS


def snapper(prefix=""):
    """A ``snap`` for a walk: its screenshots side by side, named ``<prefix><name>.png``."""

    def snap_page(page, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("load")
        page.screenshot(path=SHOTS / f"{prefix}{name}.png", full_page=True)

    return snap_page


snap = snapper()


class Visit:
    """One person's browser session, in Chinese; what goes wrong in the browser is noted."""

    open_pages = []

    def __init__(self, browser, base_url, problems):
        self.context = browser.new_context(
            base_url=base_url, locale="zh-CN", viewport={"width": 1366, "height": 900}
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
        self.page.on("console", lambda message: self._console(message, problems))
        self.page.on("response", lambda response: self._response(response, problems))
        Visit.open_pages.append(self.page)

    @staticmethod
    def _console(message, problems):
        # A failed load is noted with its address by ``_response``.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    @staticmethod
    def _response(response, problems):
        # Chromium asks every site for /favicon.ico of its own accord.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"HTTP {response.status}: {response.url}")

    def log_in(self, username, shot=None):
        from playwright.sync_api import expect

        page = self.page
        page.goto("/admin/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        if shot:
            snap(page, shot)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(re.compile(r"/admin/queue/"))
        expect(page.get_by_role("navigation", name="主菜单")).to_be_visible()
        return page

    def close(self):
        Visit.open_pages.remove(self.page)
        self.context.close()


def timer_after(traveller, delta):
    """Move the clock (for every thread) past a notice's end and run the hourly timer."""
    traveller.shift(delta)
    return close_due_notices()


def ending_yesterday(workflow, road, until, region):
    """The clock to start a case at for its last step on ``road`` to ``until`` to be a day old."""
    policy = Policy.current(workflow.name, region.code)
    return clock.at(clock.now() - roads.backdated(workflow, road, until, policy, False))


def project_at(state, village, people, name):
    """A complete project brought to ``state`` through the engine, its last step a day old."""
    workflow = ProjectApplication.workflow
    with ending_yesterday(workflow, project_demo.ROAD, state, village):
        project = project_demo.new_project(village, people.cadre, name)
        project_demo.advance(project, people, state)
    assert project.state == state
    return project


def in_first_notice(village, people):
    """A household of four whose identification is in its first notice."""
    home = family(village, people.team, head_name="张建国")
    workflow = IdentificationCase.workflow
    with ending_yesterday(workflow, household_demo.IDENTIFICATION_ROAD, "first_notice", village):
        case = IdentificationCaseFactory(household=home, opener=people.cadre)
        household_demo.advance(case, people, "first_notice")
    assert running_notice(case) is not None
    return home


def create_project_in_the_form(page, village):
    from playwright.sync_api import expect

    page.goto("/admin/project_library/projectapplication/add/")
    form = page.locator("#projectapplication_form")
    expect(form).to_be_visible()
    # The region is an autocomplete (select2): open it, search, pick the village.
    page.locator(".field-region .select2-selection").click()
    page.locator(".select2-search__field").fill(village.name)
    page.get_by_role("option", name=village.name, exact=True).click()
    expect(page.locator("#id_region")).to_have_value(str(village.pk))

    form.get_by_label("项目名称").fill(PROJECT_NAME)
    form.get_by_label("项目类别").select_option("industry")
    form.get_by_label("建设性质").select_option("new")
    form.get_by_label("建设地点").fill("城关村二组河滩地")
    form.locator("#id_planned_start").fill("2027-03-01")
    form.locator("#id_planned_end").fill("2027-10-31")
    form.get_by_label("责任单位").fill("城关镇人民政府")
    form.get_by_label("建设任务和规模").fill("流转土地300亩，种植党参、黄芪，配套滴灌设施")
    form.get_by_label("总投资（万元）").fill("80.00")
    form.get_by_label("中央资金").fill("50.00")
    form.get_by_label("省级资金").fill("20.00")
    form.get_by_label("县级资金").fill("8.00")
    form.get_by_label("自筹资金").fill("2.00")
    form.locator("#id_beneficiary_households").fill("120")
    form.get_by_label("其中贫困户数").fill("45")
    form.get_by_label("受益人数").fill("460")
    form.get_by_label("带贫减贫机制").fill("贫困户土地入股分红，优先吸纳贫困劳动力务工")

    targets = page.locator("#performance_targets-group")
    expect(
        targets,
        "the add form has no 绩效目标 inline for a village cadre, so no project can pass the "
        "record_complete guard (至少填写一项绩效目标) from the pages",
    ).to_be_visible()
    targets.locator("#id_performance_targets-0-indicator").fill("带动贫困户增收")
    targets.locator("#id_performance_targets-0-target_value").fill("45")
    targets.locator("#id_performance_targets-0-unit").fill("户")
    snap(page, "02-add-form")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator("#procedure strong")).to_have_text("草稿")
    project = ProjectApplication.objects.get(name=PROJECT_NAME)
    assert project.region == village and project.performance_targets.count() == 1
    return project


def record_the_meeting(page):
    from playwright.sync_api import expect

    meeting = page.locator("#action-record_deliberation")
    meeting.get_by_label("议事会议日期").fill(timezone.localdate().isoformat())
    meeting.get_by_label("应到代表人数").fill("30")
    meeting.get_by_label("实到人数").fill("24")
    meeting.get_by_label("赞成票数").fill("21")
    meeting.get_by_label("会议记录").fill("村民代表大会讨论，21票赞成，同意申报该项目。")
    snap(page, "03-case-page-deliberation")
    button = meeting.get_by_role("button", name="记录议事结果")
    expect(
        button,
        "the 记录议事结果 button is disabled: the case page judges the action by its guards "
        "without the meeting figures the form is there to collect",
    ).to_be_enabled()
    button.click()


def test_a_project_goes_from_the_village_to_the_library_in_the_browser(
    committed_db, browser, live_server, shots
):
    with (
        watched_pages(snap) as problems,
        time_machine.travel(timezone.now(), tick=True) as traveller,
    ):
        walk_through(browser, live_server.url, traveller, problems)


@contextlib.contextmanager
def watched_pages(snap):
    """A walk through the site: the problems the browser saw (none allowed at the end), every
    page it left open snapped if the walk fails, and every page closed afterwards."""
    problems = []
    try:
        yield problems
    except Exception:
        for page in Visit.open_pages:
            with contextlib.suppress(Exception):
                snap(page, "99-failure")
        raise
    finally:
        for page in list(Visit.open_pages):
            Visit.open_pages.remove(page)
            page.context.close()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)


def walk_through(browser, base_url, traveller, problems):
    from playwright.sync_api import expect

    demo = build_county()
    people, village = demo.people, demo.villages[0]

    # 1-2. The village cadre logs in, fills the project in, and records the meeting.
    cadre = Visit(browser, base_url, problems)
    page = cadre.log_in("cadre", shot="01-login")
    project = create_project_in_the_form(page, village)
    page.get_by_role("button", name="提交民主议事").click()
    expect(page.locator("#procedure strong")).to_have_text("群众参与")
    record_the_meeting(page)
    expect(page.locator(".messagelist")).to_contain_text("记录议事结果")
    expect(page.locator("#procedure strong")).to_have_text("村内公示")
    expect(page.locator("#notice")).to_be_visible()
    snap(page, "04-case-page-village-notice")
    cadre.close()

    # 3. The timer closes the village notice once its period has run.
    assert timer_after(traveller, PAST_A_NOTICE).closed == 1
    project.refresh_from_db()
    assert project.state == "township_review"

    # 4. The township reviewer finds it in the queue and approves it.
    reviewer = Visit(browser, base_url, problems)
    page = reviewer.log_in("reviewer")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的待办").click()
    tabs = page.get_by_role("navigation", name="流程")
    tabs.get_by_role("link", name=re.compile("^项目库")).click()
    expect(page).to_have_url(re.compile(r"workflow=project_library"))
    expect(page.get_by_role("heading", name=re.compile("^乡镇审核"))).to_be_visible()
    snap(page, "05-queue-township-reviewer")
    page.get_by_role("link", name=PROJECT_NAME).click()
    page.get_by_role("button", name="审核通过").click()
    # A decision that publishes the project is confirmed on a page of its own.
    expect(page.locator("#confirm-count")).to_contain_text("1")
    page.get_by_role("button", name="确认审核通过").click()
    expect(page.locator("#procedure strong")).to_have_text("乡镇公示")
    snap(page, "06-case-page-township-notice")
    reviewer.close()

    # The national default policy has no county appraisal: the notice leads to county review.
    assert timer_after(traveller, PAST_A_NOTICE).closed == 1
    project.refresh_from_db()
    assert project.state == "county_review"

    # 5. Two more projects reach the county; the approver approves all three at once.
    hadapu = types.SimpleNamespace(
        cadre=people.cadre2, team=people.team2, reviewer=people.reviewer2
    )
    projects = [
        project,
        project_at("county_review", village, people, "城关村安全饮水巩固提升工程"),
        project_at("county_review", demo.villages[3], hadapu, "哈达铺村道路硬化工程"),
    ]
    approver = Visit(browser, base_url, problems)
    page = approver.log_in("approver")
    page.goto("/admin/queue/?workflow=project_library")
    expect(page.locator("table.queue tbody tr")).to_have_count(3)
    for case in projects:
        page.get_by_role("checkbox", name=f"选择 {case.name}").check()
    page.get_by_label("操作", exact=True).select_option("county_approve")
    page.get_by_label("意见", exact=True).fill("经县扶贫开发领导小组审议，同意入库")
    snap(page, "07-queue-county-approver")
    page.get_by_role("button", name="办理").click()
    expect(page.locator("#confirm-count")).to_contain_text("3")
    expect(page.locator("#confirm-funds")).to_contain_text("万元")
    snap(page, "08-bulk-confirmation")
    page.get_by_role("button", name="确认审批通过").click()
    result = page.locator("#content-main")
    expect(result).to_contain_text(re.compile(r"完成\s*3\s*件"))
    expect(result).to_contain_text(re.compile(r"未完成\s*0\s*件"))
    snap(page, "08-bulk-result")
    approver.close()

    # 6. The county notice closes: the three projects are in the library.
    assert timer_after(traveller, PAST_A_NOTICE).closed == 3
    for case in projects:
        case.refresh_from_db()
        assert case.state == "in_library"

    # 7. The auditor searches the trail, opens the project's timeline, sees the chain verified.
    auditor = Visit(browser, base_url, problems)
    page = auditor.log_in("auditor")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="审计检查").click()
    expect(page).to_have_url(re.compile(r"/admin/inspector/"))
    page.get_by_label("流程").select_option("project_library")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"workflow=project_library"))
    expect(page.locator("#audit-results tbody tr")).to_have_count(3 * (len(TRAIL) + 1))
    snap(page, "09-inspector")
    content_type = ContentType.objects.get_for_model(ProjectApplication)
    timeline = f"/admin/inspector/object/{content_type.pk}/{project.pk}/"
    page.locator(f'#audit-results a[href="{timeline}"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(timeline) + "$"))
    status = page.locator("#chain-status")
    expect(status).to_contain_text("链条核验通过")
    expect(status).to_contain_text(f"共 {len(TRAIL) + 1} 条记录")
    expect(status).not_to_have_class(re.compile(r"\boverdue\b"))
    rows = page.locator("table.timeline tbody tr")
    expect(rows.locator("td:nth-child(5)")).to_have_text([*TRAIL, "公示期满"])
    expect(rows.last.locator("td:nth-child(6)")).to_have_text("县级公告 → 已入库")
    snap(page, "10-timeline")
    auditor.close()

    # 8. A household's first notice on the public board, read without logging in.
    home = in_first_notice(village, people)
    public = Visit(browser, base_url, problems)
    page = public.page
    page.goto("/notices/")
    expect(page.get_by_role("heading", name="正在进行的公示")).to_be_visible()
    expect(page.locator("table.public-notices")).to_contain_text(home.head_name)
    html = page.content()
    for member in home.members.all():
        assert member.id_number not in html
    snap(page, "11-public-board")
    public.close()
