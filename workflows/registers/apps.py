from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """Importing the registers a county already keeps: households and the project library."""

    name = "workflows.registers"
    label = "registers"
    verbose_name = _("台账导入")
    default_auto_field = "django.db.models.BigAutoField"
