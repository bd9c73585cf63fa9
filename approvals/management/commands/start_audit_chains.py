from django.core.management.base import BaseCommand

from approvals import audit, edits
from approvals.models import WorkflowCase


class Command(BaseCommand):
    help = (
        "Start the audit chain of every record that existed before its kind kept one (after an "
        "upgrade that gives a kind of record a chain): the first entry, by the system account, "
        "holds the values and rows found. Cases are left alone: a case without a chain was made "
        "outside the engine, which verify_audit reports. Safe to run twice."
    )

    def handle(self, *args, **options):
        for name, model in audit.chained_models().items():
            if issubclass(model, WorkflowCase):
                continue
            started = 0
            chainless = model._base_manager.filter(audit_count=0, audit_seal="")
            regions = [f.name for f in model._meta.concrete_fields if f.name == "region"]
            for record in chainless.select_related(*regions).order_by("pk").iterator(500):
                edits.start_chain(record)
                started += 1
            self.stdout.write(f"{name}: started {started} chains")
