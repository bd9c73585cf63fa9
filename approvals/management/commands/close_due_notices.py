from django.core.management.base import BaseCommand

from approvals.timers import close_due_notices, run_procedure_timers


class Command(BaseCommand):
    help = (
        "Close public notices whose period has run out with no open objection, then run the "
        "procedures' own timers (run it hourly)."
    )

    def handle(self, *args, **options):
        report = close_due_notices()
        self.stdout.write(f"closed {report.closed}, skipped {report.skipped}")
        for name, timer_report in run_procedure_timers().items():
            self.stdout.write(f"{name}: {timer_report}")
