from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from approvals.diagram import replace_blocks
from approvals.procedures import workflow_models


class Command(BaseCommand):
    help = "Redraw the procedure diagrams in docs/procedures.md from the procedure specs."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "procedures.md"
        workflows = [model.workflow for model in workflow_models().values()]
        updated = replace_blocks(path.read_text(encoding="utf-8"), workflows)
        path.write_text(updated, encoding="utf-8")
        self.stdout.write(f"updated {path}")
