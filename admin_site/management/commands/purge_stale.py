from django.core.management.base import BaseCommand

from admin_site.submissions import purge_tokens
from workflows.rectification.import_views import purge_kept_files
from workflows.registers.retention import purge_uploads


class Command(BaseCommand):
    help = (
        "Delete what has outlived its use: the files of register imports still for longer than "
        "REGISTER_UPLOAD_RETENTION_DAYS (the jobs and their SHA-256 stay), problem lists kept "
        "by dry runs never confirmed, and one-time form tokens older than "
        "FORM_TOKEN_RETENTION_DAYS (run it daily)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"register uploads: deleted {purge_uploads()}")
        self.stdout.write(f"problem lists of dry runs: deleted {purge_kept_files()}")
        self.stdout.write(f"form tokens: deleted {purge_tokens()}")
