from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approvals.procedures import register


class MonitoringConfig(AppConfig):
    name = "workflows.monitoring"
    label = "monitoring"
    verbose_name = _("防返贫动态监测")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The models exist only once the app registry is ready.
        from .procedures import ELIMINATION, INCLUSION

        register(INCLUSION)
        register(ELIMINATION)
