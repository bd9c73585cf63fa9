import contextlib
import pathlib
import shutil
import tomllib

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from approvals import perform
from approvals.exceptions import TransitionNotAllowed
from tests.factories import ToyCaseFactory

ROOT = pathlib.Path(__file__).parent.parent
CATALOGUE = ROOT / "admin_site/locale/en/LC_MESSAGES/django.po"


def test_reasons_speak_chinese_by_default_and_english_when_asked(county, people):
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    with pytest.raises(TransitionNotAllowed) as chinese:
        perform(case, "approve", people.reviewer)
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as english:
        perform(case, "approve", people.reviewer)
    assert chinese.value.reasons == ["当前状态“草稿”不能执行“审核通过”"]
    assert english.value.reasons == ["“审核通过” is not possible in the state “草稿”"]


def _unquote(text: str) -> str:
    return text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def read_catalogue(path: pathlib.Path) -> dict[tuple[str, str], dict]:
    """The entries of a .po or .pot file by (context, msgid): each its msgstr(s) and flags.

    Entries need no location comments (new ones are appended without them); obsolete ones
    (``#~``) are left out.
    """
    entries, entry, field = {}, None, None

    def keep(entry):
        if entry and entry.get("msgid"):
            entries[(entry.get("msgctxt", ""), entry["msgid"])] = entry

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            keep(entry)
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": []}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
        else:
            field, _, quoted = line.partition(" ")
            if field.startswith("msgstr"):
                entry["msgstr"].append(_unquote(quoted))
                field = "msgstr"
            else:
                entry[field] = _unquote(quoted)
    keep(entry)
    return entries


def _source_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [p.rstrip("*") for p in config["tool"]["setuptools"]["packages"]["find"]["include"]]


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> dict[tuple[str, str], dict]:
    """Every translatable string of the project's packages, as Django's makemessages finds it.

    It runs in a copy of the packages (makemessages walks the working directory and rewrites the
    catalogue it finds there), so the real catalogue is never touched.
    """
    copy = tmp_path_factory.mktemp("source")
    for package in _source_packages():
        shutil.copytree(
            ROOT / package,
            copy / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"),
        )
    locale = copy / "admin_site" / "locale"
    with override_settings(LOCALE_PATHS=[locale]), contextlib.chdir(copy):
        call_command("makemessages", locale=["en"], keep_pot=True, verbosity=0)
    return read_catalogue(locale / "django.pot")


def test_every_translatable_string_of_the_source_has_an_english_translation(source_messages):
    catalogue = read_catalogue(CATALOGUE)
    assert len(source_messages) > 300  # the extraction found the project's strings
    missing = [key[1] for key in source_messages if key not in catalogue]
    untranslated = [
        key[1] for key in source_messages if key in catalogue and not all(catalogue[key]["msgstr"])
    ]
    assert missing == []
    assert untranslated == []


def test_the_catalogue_has_no_fuzzy_entry():
    entries = read_catalogue(CATALOGUE)
    fuzzy = [msgid for (_, msgid), entry in entries.items() if "fuzzy" in entry["flags"]]
    assert fuzzy == []
