from django.apps import AppConfig

from approvals.procedures import register


class HouseRepairConfig(AppConfig):
    name = "tests.house_repair"
    label = "house_repair"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The models exist only once the app registry is ready.
        from .procedures import HOUSE_REPAIR

        register(HOUSE_REPAIR)
