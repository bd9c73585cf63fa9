from django.core.management.base import BaseCommand

from approvals import checkpoints


class Command(BaseCommand):
    help = (
        "Sign the count and a digest of every audit chain head as a checkpoint, and write it to a "
        "file to keep outside the system; verify_audit --checkpoint FILE compares against it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", help="write the checkpoint to this file (gzip-compressed JSON)"
        )

    def handle(self, *args, out, **options):
        snapshot = checkpoints.take()
        self.stdout.write(
            f"Checkpoint {snapshot.created_at.isoformat()}: {snapshot.chains} chains, "
            f"{snapshot.entries} entries, digest {snapshot.digest}, "
            f"signed with key {snapshot.key_id}"
        )
        if out:
            size = snapshot.write(out)
            self.stdout.write(f"Written to {out} ({size} bytes)")
