import sys

from django.core.management.base import BaseCommand, CommandError

from approvals import checkpoints, keys
from approvals.audit import Findings, chained_models, verify


class Command(BaseCommand):
    help = (
        "Recompute every audit chain against its head and the fields of its record; exit non-zero "
        "naming the first problem of each broken chain. With --checkpoint FILE, also every chain "
        "that is missing or shorter than the checkpoint recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="only cases under this region code prefix")
        parser.add_argument(
            "--workflow",
            action="append",
            help="only these procedures (or chained records, by app_label.model)",
        )
        parser.add_argument("--progress", type=int, default=0, help="report every N cases")
        parser.add_argument(
            "--checkpoint", help="a file written by audit_checkpoint --out, to compare against"
        )

    def handle(self, *args, region, workflow, progress, checkpoint, **options):
        models = chained_models()
        if workflow:
            unknown = set(workflow) - set(models)
            if unknown:
                raise CommandError(f"Unknown chain: {', '.join(sorted(unknown))}")
            models = {name: models[name] for name in workflow}
        if checkpoint and region:
            raise CommandError("A checkpoint covers every region: leave out --region")
        snapshot = self._snapshot(checkpoint) if checkpoint else None
        checked = 0

        def tick():
            nonlocal checked
            checked += 1
            if progress and checked % progress == 0:
                self.stderr.write(f"{checked} cases checked")

        findings = Findings()
        problems = verify(
            models.values(), region_prefix=region, on_object=tick, checkpoint=snapshot
        )
        for line in findings.report(problems):
            self.stdout.write(f"BROKEN {line}")
        if snapshot is not None and not checkpoints.is_recorded(snapshot):
            findings.broken += 1
            self.stdout.write(
                f"BROKEN the checkpoint of {snapshot.taken} is no longer among the system's "
                "checkpoints (its row was removed)"
            )
        if findings.problems:
            self.stdout.write(f"{findings.problems} broken chain(s) among {checked} cases")
            sys.exit(1)
        since = f", none missing since the checkpoint of {snapshot.taken}" if snapshot else ""
        self.stdout.write(
            f"OK: {checked} cases, every chain verified{since} (audit keys: {keys.describe()})"
        )

    def _snapshot(self, path):
        try:
            return checkpoints.read(path)
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from exc
