from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminSiteConfig(AppConfig):
    name = "admin_site"
    verbose_name = _("精准扶贫审批")

    def ready(self):
        from .registration import register_procedures

        register_procedures()
