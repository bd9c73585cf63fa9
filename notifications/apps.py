from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The engine announces its steps, and the hourly timers look for due dates; neither
        # knows this app (the dependency points from here to the engine). The steps' task is
        # queued in their transaction, so it commits with them (approvals.listeners).
        from approvals import listeners, timers

        from .deadlines import remind_of_deadlines
        from .events import on_steps

        listeners.register("notifications", on_steps, with_step=True)
        timers.register("notification_deadlines", remind_of_deadlines)
