"""``manage.py export_register_samples DIR [--county CODE] [--households N] [--projects N]``:
sample registers (households.xlsx, projects.xlsx) for the villages of a county in the database,
that import cleanly on the import page — to try the import, or to measure it."""

import pathlib

from django.core.management.base import BaseCommand, CommandError

from roles.models import Level, Region
from workflows.registers import workbooks


class Command(BaseCommand):
    help = "Write sample household and project registers that import cleanly into a county."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=pathlib.Path)
        parser.add_argument("--county", help="12-digit code; the first county with villages")
        parser.add_argument("--households", type=int, default=200)
        parser.add_argument("--projects", type=int, default=20)

    def handle(self, directory, county, households, projects, **options):
        counties = Region.objects.filter(level=Level.COUNTY).order_by("code")
        if county:
            counties = counties.filter(code=county)
        villages = []
        for found in counties:
            villages = list(
                Region.objects.filter(level=Level.VILLAGE, code__startswith=found.prefix)
                .select_related("parent")
                .order_by("code")
            )
            if villages:
                break
        if not villages:
            raise CommandError("No county with villages: run seed_demo first, or pass --county.")
        directory.mkdir(parents=True, exist_ok=True)
        for kind, count in (("households", households), ("projects", projects)):
            rows = workbooks.SAMPLES[kind](villages, count)
            path = directory / f"{kind}.xlsx"
            workbooks.register(kind, rows).save(path)
            self.stdout.write(f"{path}: {len(rows)} rows")
