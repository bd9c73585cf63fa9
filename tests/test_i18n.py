import pathlib

import pytest
from django.utils import translation

from approvals import perform
from approvals.exceptions import TransitionNotAllowed
from tests.factories import ToyCaseFactory

CATALOGUE = pathlib.Path(__file__).parent.parent / "admin_site/locale/en/LC_MESSAGES/django.po"


def test_reasons_speak_chinese_by_default_and_english_when_asked(county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    with pytest.raises(TransitionNotAllowed) as chinese:
        perform(case, "approve", people.reviewer)
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as english:
        perform(case, "approve", people.reviewer)
    assert chinese.value.reasons == ["当前状态“草稿”不能执行“审核通过”"]
    assert english.value.reasons == ["“审核通过” is not possible in the state “草稿”"]


def test_every_message_in_the_english_catalogue_is_translated():
    blocks = CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [b for b in blocks if 'msgstr ""' in b and "msgstr[" not in b]
    assert untranslated == []
    assert "#, fuzzy" not in CATALOGUE.read_text(encoding="utf-8")
