import pathlib

from approvals.diagram import block, mermaid
from approvals.procedures import workflow_models

PROCEDURES = pathlib.Path(__file__).parent.parent / "docs" / "procedures.md"


def test_every_procedure_diagram_in_the_docs_matches_its_spec():
    text = PROCEDURES.read_text(encoding="utf-8")
    for name, model in workflow_models().items():
        if model._meta.app_label == "toy":
            continue
        assert block(model.workflow) in text, f"run manage.py update_diagrams ({name} changed)"


def test_the_diagram_draws_every_state_change_of_the_spec():
    from workflows.project_library.spec import PROJECT_LIBRARY

    drawn = mermaid(PROJECT_LIBRARY)
    for t in PROJECT_LIBRARY.transitions:
        for source in t.source:
            for target in t.possible_targets():
                assert f"{source} --> {target}: {t.label}" in drawn
    assert "    closed --> [*]" in drawn and "    rejected --> [*]" in drawn
