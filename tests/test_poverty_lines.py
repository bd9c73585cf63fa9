"""The poverty lines the migrations load: every year of the period, a provincial override, and
each line's source, with a figure no public text was checked for marked unverified."""

from decimal import Decimal

from django.urls import reverse

from workflows.household.models import PovertyLine

GANSU_VILLAGE = "620000000011"
BEIJING_VILLAGE = "110000000011"


def test_every_national_line_from_2013_to_2020_is_loaded_with_its_source(db):
    national = PovertyLine.objects.filter(region_prefix="").order_by("year")
    assert [line.year for line in national] == list(range(2013, 2021))
    assert all(line.source for line in national)
    assert PovertyLine.for_region(2017, BEIJING_VILLAGE).amount == Decimal("2952")


def test_gansus_2018_line_overrides_the_national_one_there_only(db):
    gansu = PovertyLine.for_region(2018, GANSU_VILLAGE)
    assert (gansu.region_prefix, gansu.amount, gansu.verified) == ("62", Decimal("3700"), True)
    assert "《党的建设》2018年第11期" in gansu.source
    assert PovertyLine.for_region(2018, BEIJING_VILLAGE).amount == Decimal("2995")


def test_the_lines_page_marks_each_figure_verified_or_not(admin_client):
    page = admin_client.get(reverse("admin:household_povertyline_changelist")).content.decode()
    rows = {
        line.pk: page.split(f"/{line.pk}/change/")[1].split("</tr>")[0]
        for line in PovertyLine.objects.filter(year=2018)
    }
    gansu = PovertyLine.objects.get(year=2018, region_prefix="62")
    national = PovertyLine.objects.get(year=2018, region_prefix="")
    assert "已核实" in rows[gansu.pk] and "宕昌县委书记" in rows[gansu.pk]
    assert "未核实" in rows[national.pk] and "国家统计局" in rows[national.pk]
