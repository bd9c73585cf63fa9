import io
import pathlib

from django.core.management import call_command

from approvals.diagram import block, mermaid
from approvals.procedures import procedures

PROCEDURES = pathlib.Path(__file__).parent.parent / "docs" / "procedures.md"


def test_every_procedure_diagram_in_the_docs_matches_its_spec():
    text = PROCEDURES.read_text(encoding="utf-8")
    for procedure in procedures():
        if procedure.model.__module__.startswith("tests."):
            continue  # the tests' own procedures are not the site's
        assert block(procedure.workflow) in text, (
            f"run manage.py update_diagrams ({procedure.name} changed)"
        )


def test_update_diagrams_redraws_each_procedure_and_adds_a_new_ones_section(tmp_path):
    docs = tmp_path / "procedures.md"
    stale = PROCEDURES.read_text(encoding="utf-8").replace("    [*] --> draft\n", "", 1)
    docs.write_text(stale, encoding="utf-8")
    call_command("update_diagrams", file=docs, stdout=io.StringIO())
    text = docs.read_text(encoding="utf-8")
    for procedure in procedures():
        assert text.count(block(procedure.workflow)) == 1, procedure.name
    assert "## 危房改造 (`house_repair`)" in text
    assert text.startswith(PROCEDURES.read_text(encoding="utf-8").rstrip())


def test_the_diagram_draws_every_state_change_of_the_spec():
    from workflows.project_library.spec import PROJECT_LIBRARY

    drawn = mermaid(PROJECT_LIBRARY)
    for t in PROJECT_LIBRARY.transitions:
        for source in t.source:
            for target in t.possible_targets():
                assert f"{source} --> {target}: {t.label}" in drawn
    assert "    closed --> [*]" in drawn and "    rejected --> [*]" in drawn
