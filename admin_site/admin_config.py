from django.contrib.admin.apps import AdminConfig


class JingzhunAdminConfig(AdminConfig):
    """Django's admin, with Jingzhun's site (queues, inspector, dashboard) as ``admin.site``."""

    default_site = "admin_site.sites.JingzhunAdminSite"
