from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _

from .system import refuse_reserved_username


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("审批引擎")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .checks import check_workflows  # it imports models: not before the apps are loaded

        checks.register(check_workflows)
        # Only the timers' account bears its name, however a user is saved.
        pre_save.connect(
            refuse_reserved_username,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="approvals.reserved_username",
        )
        # Policy versions the migrations load begin their audit chain once the schema is in place.
        from .policy_versions import start_chains

        post_migrate.connect(start_chains, sender=self, dispatch_uid="approvals.policy_chains")
