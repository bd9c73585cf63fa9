"""A register import in Chromium: the county office uploads a CSV as Chinese Excel saves it,
watches the dry run's progress bar, reads the report, confirms, and watches the import's bar
fill until the page shows it done. The worker's runs are the test's own (``run_worker``), so
the bar is seen at a known point between them. Screenshots land in ``artifacts/browser/`` as
``import-*.png``."""

import re

import pytest

from admin_site.demo import build_county
from tests.helpers import run_worker
from tests.register_files import text_table
from tests.test_browser import (  # noqa: F401 (fixtures)
    Visit,
    browser,
    committed_db,
    snapper,
    watched_pages,
)
from workflows.household.models import Household
from workflows.registers import workbooks
from workflows.registers.models import ImportJob

pytestmark = pytest.mark.browser

HOUSEHOLDS = 5


snap = snapper("import-")


def test_the_progress_bar_follows_a_register_import_to_its_end(
    committed_db,  # noqa: F811
    browser,  # noqa: F811
    live_server,
):
    with watched_pages(snap) as problems:
        walk_through(browser, live_server.url, problems)


def walk_through(chromium, base_url, problems):
    from playwright.sync_api import expect

    demo = build_county()
    rows = workbooks.sample_households(demo.villages[:2], HOUSEHOLDS)
    office = Visit(chromium, base_url, problems)
    page = office.log_in("office")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="导入台账").click()
    page.locator("#id_kind").select_option("households")
    page.locator("#id_file").set_input_files(
        {
            "name": "建档立卡户.csv",
            "mimeType": "text/csv",
            "buffer": text_table("households", rows, "gbk"),
        }
    )
    page.get_by_role("button", name="试导入").click()
    expect(page).to_have_url(re.compile(r"/admin/registers/import/\d+/$"))
    bar = page.locator("#import-progress")
    expect(bar).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text("试导入中")
    snap(page, "01-checking")

    # The dry run: the page, asking every second, reloads once it is over.
    run_worker()
    expect(page.locator("#import-status")).to_contain_text("待确认")
    expect(page.locator("#import-summary")).to_contain_text(f"新增{HOUSEHOLDS}条")
    expect(bar).to_have_count(0)
    snap(page, "02-checked")

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-status")).to_contain_text("导入中")
    expect(page.locator("#import-progress-label")).to_have_text("0%")
    # Part-way: two households written, as the import counts them on its job.
    ImportJob.objects.filter(status=ImportJob.Status.IMPORTING).update(processed=2)
    expect(page.locator("#import-progress-label")).to_have_text(f"{2 * 100 // HOUSEHOLDS}%")
    expect(bar).to_have_js_property("value", 2)
    expect(bar).to_have_js_property("max", HOUSEHOLDS)
    snap(page, "03-importing")

    run_worker()
    expect(page.locator("#import-status")).to_contain_text("已完成")
    expect(bar).to_have_count(0)
    snap(page, "04-done")
    assert Household.objects.filter(region__in=demo.villages[:2]).count() == HOUSEHOLDS
