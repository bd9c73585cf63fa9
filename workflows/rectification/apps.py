from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "workflows.rectification"
    label = "rectification"
    verbose_name = _("问题整改")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The deadlines run with the project's hourly timers (one mechanism, one cron line).
        from approvals import timers

        from .deadlines import run_deadlines

        timers.register("rectification_deadlines", run_deadlines)
