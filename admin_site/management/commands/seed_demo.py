from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from admin_site.demo import PASSWORD, build_county
from approvals.procedures import procedures


class Command(BaseCommand):
    help = (
        "Seed a demo county: regions, one user per role and, for each procedure, cases in every "
        "state reached through the engine (and the demo data of apps that define seed_demo, "
        "such as the rectification campaign). Running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-known-passwords",
            action="store_true",
            help=(
                f"Seed even where the settings do not say this is a demo site (DEMO_SITE), "
                f"e.g. a staging copy, knowing it plants a superuser admin/{PASSWORD}."
            ),
        )

    def handle(self, *args, **options):
        if not (settings.DEMO_SITE or options["allow_known_passwords"]):
            raise CommandError(
                f"seed_demo plants accounts whose password '{PASSWORD}' is published, a "
                f"superuser admin/{PASSWORD} among them; these settings are not a demo site's "
                "(DEMO_SITE is off), so nothing was written. Use the development settings "
                "(make demo) or, for a staging demo that may have these accounts, "
                "--allow-known-passwords."
            )
        with transaction.atomic():
            demo = build_county()
            for procedure in procedures():
                if procedure.seed is not None:
                    created = procedure.seed(demo)
                    self.stdout.write(f"{procedure.name}: {created} new demo records")
            for config in apps.get_app_configs():  # apps with demo data but no procedure
                if hasattr(config, "seed_demo"):
                    created = config.seed_demo(demo)
                    self.stdout.write(f"{config.label}: {created} new demo records")
        self.stdout.write(f"Demo county: {demo.county.name} ({demo.county.code})")
        self.stdout.write(f"Logins (password '{PASSWORD}' for all):")
        for username, user in vars(demo.people).items():
            roles = ", ".join(
                f"{a.get_role_display()}@{a.region.name}" + (f"（{a.unit.name}）" if a.unit else "")
                for a in user.role_assignments.select_related("region", "unit")
            )
            self.stdout.write(f"  {username:<10} {roles or 'superuser'}")
