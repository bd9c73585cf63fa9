from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from approvals.diagram import replace_blocks
from approvals.procedures import procedures


class Command(BaseCommand):
    help = (
        "Redraw the diagram of every installed procedure in docs/procedures.md from its spec, "
        "adding a section for a procedure that has none yet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=Path(settings.BASE_DIR) / "docs" / "procedures.md",
            help="The Markdown file to update (default: docs/procedures.md).",
        )

    def handle(self, *args, file, **options):
        workflows = [procedure.workflow for procedure in procedures()]
        updated = replace_blocks(file.read_text(encoding="utf-8"), workflows)
        file.write_text(updated, encoding="utf-8")
        self.stdout.write(f"updated {file}")
