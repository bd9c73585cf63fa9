"""The pages village cadres and the public open on a phone, at 390 px wide: the public board (as
cards, each with its 提出异议 button), a notice's page, the queue and a case page. None may scroll
sideways; a screenshot of each lands in ``artifacts/browser/``."""

import pytest
from django.urls import reverse

from admin_site.demo import build_county
from approvals.notices import running_notice
from tests.test_browser import (  # noqa: F401 (fixtures)
    SHOTS,
    Visit,
    browser,
    committed_db,
    in_first_notice,
    snapper,
    watched_pages,
)
from workflows.household.models import IdentificationCase
from workflows.project_library import demo as project_demo

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


phone_snap = snapper("phone-")


def fits(page, name):
    """Snap the page and say by how many pixels it is wider than the phone (0: it fits)."""
    phone_snap(page, name)
    return max(0, page.evaluate(OVERFLOW))


def test_the_board_queue_and_case_page_fit_a_phone(
    committed_db,  # noqa: F811
    browser,  # noqa: F811
    live_server,
):
    from playwright.sync_api import expect

    demo = build_county()
    home = in_first_notice(demo.villages[0], demo.people)
    case = IdentificationCase.objects.get(household=home)
    # Something in the cadre's queue, with a long name as village projects have.
    project_demo.new_project(demo.villages[0], demo.people.cadre, "城关村" + "通组道路硬化" * 8)
    notice = running_notice(case)
    with watched_pages(phone_snap) as problems:
        public = Visit(browser, live_server.url, problems)
        public.page.set_viewport_size(PHONE)
        page = public.page
        page.goto(reverse("public:board"))
        objecting = page.get_by_role("link", name="提出异议")
        expect(objecting).to_be_visible()
        assert objecting.bounding_box()["x"] + objecting.bounding_box()["width"] <= PHONE["width"]
        widths = {"board": fits(page, "01-board")}
        page.goto(reverse("public:notice", args=[notice.pk]))
        expect(page.get_by_text("监督电话")).to_be_visible()
        widths["notice"] = fits(page, "02-notice")
        page.goto(reverse("public:object", args=[notice.pk]))
        widths["objection form"] = fits(page, "03-objection-form")
        public.close()

        cadre = Visit(browser, live_server.url, problems)
        cadre.page.set_viewport_size(PHONE)
        page = cadre.log_in("cadre")
        expect(page.get_by_role("link", name="城关村通组道路硬化")).to_be_visible()
        widths["queue"] = fits(page, "04-queue")
        page.goto(reverse("admin:household_identificationcase_change", args=[case.pk]))
        expect(page.get_by_text(home.head_name).first).to_be_visible()
        widths["case page"] = fits(page, "05-case")
        cadre.close()
    assert widths == dict.fromkeys(widths, 0), f"wider than the phone by (px): {widths}"
