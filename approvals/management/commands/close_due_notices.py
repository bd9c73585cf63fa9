from django.core.management.base import BaseCommand

from approvals.timers import close_due_notices


class Command(BaseCommand):
    help = "Close public notices whose period has run out with no open objection (run it hourly)."

    def handle(self, *args, **options):
        report = close_due_notices()
        self.stdout.write(f"closed {report.closed}, skipped {report.skipped}")
