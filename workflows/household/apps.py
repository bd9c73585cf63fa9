from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approvals.procedures import register


class HouseholdConfig(AppConfig):
    name = "workflows.household"
    label = "household"
    verbose_name = _("贫困户识别与退出")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The models exist only once the app registry is ready.
        from approvals.policy_versions import relabel_on_migrate

        from .policy_sources import LABELS
        from .procedures import EXIT, IDENTIFICATION

        register(IDENTIFICATION)
        register(EXIT)
        relabel_on_migrate(self, LABELS)
