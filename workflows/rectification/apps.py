from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "workflows.rectification"
    label = "rectification"
    verbose_name = _("问题整改")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The deadlines run with the project's hourly timers (one mechanism, one cron line), and
        # the problems' events reach the same inbox as the procedures' steps.
        from approvals import timers
        from notifications import subjects

        from .deadlines import run_deadlines
        from .telling import SUBJECT

        timers.register("rectification_deadlines", run_deadlines)
        subjects.register(SUBJECT)

    def seed_demo(self, demo) -> int:
        """The demo campaign (``seed_demo`` runs it after the procedures' demo cases)."""
        # The models exist only once the app registry is ready.
        from .demo import seed

        return seed(demo)
