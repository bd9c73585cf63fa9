from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("角色与辖区")
    default_auto_field = "django.db.models.BigAutoField"
