from django.apps import AppConfig

from approvals.procedures import Procedure, register


class ToyConfig(AppConfig):
    name = "tests.toy"
    label = "toy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The engine's own proving ground: a procedure with no admin, board line or ledger.
        from .models import ToyCase  # the models exist only once the app registry is ready

        register(Procedure(model=ToyCase))
