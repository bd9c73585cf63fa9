"""``manage.py import_problems --campaign ID FILE --user USERNAME [--dry-run]``: a problem list
imported from the command line with the same checks as the import page.

The report is printed row by row (row, column, value, reason); the exit status is 1 when the file
has an error, and then nothing is imported. The person named by ``--user`` imports: they must act
for the campaign's rectification office, as on the page.
"""

import pathlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workflows.rectification import importing
from workflows.rectification.models import Campaign


def error_line(error: importing.RowError) -> str:
    where = _("第%(row)s行") % {"row": error.row} if error.row else _("文件")
    parts = [where, error.column, f"“{error.value}”" if error.value else "", error.reason]
    return "\t".join(part for part in parts if part)


def summary(report: importing.Report) -> str:
    return _("可导入%(new)s行，已导入且未变化%(unchanged)s行，有错误%(bad)s行") % {
        "new": len(report.new),
        "unchanged": len(report.unchanged),
        "bad": len(report.rows_with_errors),
    }


class Command(BaseCommand):
    help = (
        "Import a campaign's problem list (.xlsx or .csv) as a named member of its "
        "rectification office; --dry-run only checks it. Exit status 1 when the file has errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=pathlib.Path, help="the problem list, .xlsx or .csv")
        parser.add_argument("--campaign", type=int, required=True, help="the campaign's id")
        parser.add_argument(
            "--user",
            required=True,
            help="the username of the person importing (one of the campaign's office)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(_("没有编号为%(id)s的整改任务") % {"id": options["campaign"]})
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("没有用户名为“%(name)s”的用户") % {"name": options["user"]})
        try:
            content = options["file"].read_bytes()
        except OSError as error:
            raise CommandError(
                _("无法读取文件%(path)s：%(error)s")
                % {"path": options["file"], "error": error.strerror}
            ) from error
        if options["dry_run"]:
            report = importing.check(campaign, content, actor=user)
        else:
            report = importing.import_problems(campaign, content, actor=user)
        for error in report.errors:
            self.stdout.write(error_line(error))
        self.stdout.write(summary(report))
        if not report.ok:
            raise CommandError(_("文件有错误，没有导入任何问题"))
        if options["dry_run"]:
            self.stdout.write(_("试导入完成，没有写入任何数据"))
        else:
            self.stdout.write(_("已导入%(count)s个问题") % {"count": len(report.imported)})
