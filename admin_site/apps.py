from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from .checks import audit_key_is_strong, site_role_cannot_disarm_the_trail


class AdminSiteConfig(AppConfig):
    name = "admin_site"
    verbose_name = _("精准扶贫审批")

    def ready(self):
        from .registration import register_procedures

        register_procedures()
        checks.register(audit_key_is_strong, checks.Tags.security, deploy=True)
        checks.register(
            site_role_cannot_disarm_the_trail,
            checks.Tags.security,
            checks.Tags.database,
            deploy=True,
        )
