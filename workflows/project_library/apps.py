from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approvals.procedures import register


class ProjectLibraryConfig(AppConfig):
    name = "workflows.project_library"
    label = "project_library"
    verbose_name = _("项目库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The models exist only once the app registry is ready.
        from approvals.policy_versions import relabel_on_migrate

        from .policy_sources import LABELS
        from .procedures import PROJECT_LIBRARY

        register(PROJECT_LIBRARY)
        relabel_on_migrate(self, LABELS)
