from django.core.management.base import BaseCommand

from notifications.sending import queue_digests


class Command(BaseCommand):
    help = (
        "Queue each person's daily digest: one message per chosen channel with every "
        "notification not yet sent there and not read (run it once a day)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"digests queued: {queue_digests()}")
