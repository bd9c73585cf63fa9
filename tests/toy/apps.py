from django.apps import AppConfig

from approvals.procedures import register


class ToyConfig(AppConfig):
    name = "tests.toy"
    label = "toy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The engine's own proving ground; the models exist only once the app registry is ready.
        from .procedures import TOY_PROCEDURE

        register(TOY_PROCEDURE)
