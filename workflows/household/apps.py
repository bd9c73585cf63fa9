from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdConfig(AppConfig):
    name = "workflows.household"
    label = "household"
    verbose_name = _("贫困户识别与退出")
    default_auto_field = "django.db.models.BigAutoField"
