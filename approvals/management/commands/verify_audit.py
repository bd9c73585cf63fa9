import sys

from django.core.management.base import BaseCommand, CommandError

from approvals.audit import chained_models, verify


class Command(BaseCommand):
    help = (
        "Recompute every audit chain against its head; exit non-zero naming the first bad entry "
        "of each broken chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="only cases under this region code prefix")
        parser.add_argument(
            "--workflow",
            action="append",
            help="only these procedures (or chained records, by app_label.model)",
        )
        parser.add_argument("--progress", type=int, default=0, help="report every N cases")

    def handle(self, *args, region, workflow, progress, **options):
        models = chained_models()
        if workflow:
            unknown = set(workflow) - set(models)
            if unknown:
                raise CommandError(f"Unknown chain: {', '.join(sorted(unknown))}")
            models = {name: models[name] for name in workflow}
        checked = 0

        def tick():
            nonlocal checked
            checked += 1
            if progress and checked % progress == 0:
                self.stderr.write(f"{checked} cases checked")

        problems = 0
        for problem in verify(models.values(), region_prefix=region, on_object=tick):
            problems += 1
            self.stdout.write(f"BROKEN {problem}")
        if problems:
            self.stdout.write(f"{problems} broken chain(s) among {checked} cases")
            sys.exit(1)
        self.stdout.write(f"OK: {checked} cases, every chain verified")
